/* pare import-deb: Debian binary packages in, finely split signed APK
 * subpackages and a signed index out.
 *
 * For each .deb (read and extracted by deb/deb.h into a private temporary
 * directory under REPO):
 *   1. metadata: name, version (deb/version.h mapping), arch (amd64 ->
 *      x86_64, all -> noarch), description, url, maintainer, origin (the
 *      Source), licence (DEP-5 usr/share/doc/NAME/copyright); the exact
 *      Debian version and the purl are carried as the .PKGINFO keys
 *      `debian_version` and `purl` (apk-tools ignores keys it does not
 *      know);
 *   2. split (split/split.h): the set file's rules for that package first
 *      (deb/importset.h), then the shared policy; files moved, never
 *      copied, into one tree per subpackage; empty subpackages are not
 *      written;
 *   3. generated files the maintainer scripts would have made: gconv
 *      fragments, the CA bundle, update-alternatives links (import_gen.c);
 *      maintainer scripts are never run nor copied (the report lists them);
 *   4. dependencies: so:/cmd:/pc: from SCA (elf/sca.h) per subpackage; a
 *      symlink whose target another subpackage owns is a dependency on it;
 *      a Debian Depends (first alternative, or an imported provider) on
 *      package D becomes a dependency on D's main subpackage unless a
 *      derived dependency already lands in one of D's subpackages, D is
 *      script-only, ignored by the set, or not imported; a so: need that
 *      no imported subpackage provides is left out and reported;
 *   5. write REPO/ARCH/NAME-VERSION.apk with mkpkg (signed), then the
 *      index REPO/ARCH/APKINDEX.tar.gz (entries of unchanged files reused)
 *      and the contents index REPO/ARCH/CONTENTS (see import_repo.c).
 * Deterministic: mtimes clamped to SOURCE_DATE_EPOCH when set, else to the
 * newest mtime inside each .deb; owners root; sorted entries.
 *
 * Ownership: the report owns its strings (arena) until
 * pare_import_report_release().
 */
#ifndef PARE_DEB_IMPORT_H
#define PARE_DEB_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/error.h"
#include "base/log.h"
#include "deb/importset.h"

#define PARE_IMPORT_MAX_DEBS 20000u
/* gzip level of the packages written (zlib dominates the import's time;
 * 6 is zlib's default and gzip's). */
#define PARE_IMPORT_GZIP_LEVEL 6

struct pare_import_opts {
	const char *repo;        /* output repository folder (created) */
	const char *key_path;    /* private key: packages and index are signed */
	const char *keyname;     /* NULL: KEY's file name + ".pub" */
	const struct pare_importset *set; /* may be NULL */
	const char *const *debs; /* .deb files */
	size_t ndebs;
	int64_t source_date_epoch; /* < 0: each .deb's newest mtime */
	const struct pare_log *log; /* may be NULL */
	const char *distro;      /* the purls' distro= qualifier ("debian-12");
				  * NULL: the importing host's (ID-VERSION_ID of
				  * /etc/os-release when ID is debian, where apt
				  * fetched from); "": none */
	const char *locale_cache; /* folder where compiled locales are kept for
				  * later runs (import_lcache.c); NULL: none */
};

struct pare_import_sub {
	const char *name, *version;
	uint64_t size;     /* installed bytes (regular files) */
	uint64_t apk_size; /* bytes of the .apk */
	size_t nfiles;
};

struct pare_import_debrep {
	const char *deb, *version, *source, *file;
	struct pare_import_sub *subs;
	size_t nsubs;
	size_t ndropped;
	uint64_t dropped_bytes;
	const char *scripts;   /* "postinst prerm" or "" */
	const char *effects;   /* what was reproduced ("gconv fragments, ...") or "" */
	const char *unmet;     /* so: needs nobody provides, or "" */
};

struct pare_import_report {
	struct pare_arena arena;
	struct pare_import_debrep *debs;
	size_t ndebs;
	size_t npkgs;        /* .apk files written */
	const char *arch;    /* the repository's architecture folder */
};

void pare_import_report_init(struct pare_import_report *r);
void pare_import_report_release(struct pare_import_report *r);

int pare_import_run(const struct pare_import_opts *o, struct pare_import_report *rep,
		    struct pare_error *err);

/* ---- downloading with apt (import_apt.c) ---- */

struct pare_apt_opts {
	const char *cache_dir;  /* where .deb files are kept (created) */
	const struct pare_importset *set; /* script-only names; may be NULL */
	bool closure;           /* follow Depends and Pre-Depends */
	const struct pare_log *log;
};

/* The .deb files for names ("NAME" or "NAME=VERSION"): each is looked up
 * with `apt-cache show`, (with closure) its Depends/Pre-Depends followed,
 * and what is not in the cache yet downloaded with `apt-get download`
 * (argv, no shell) in the cache directory; apt verifies the signed
 * Release/Packages chain.  *paths receives malloc'ed paths (arena a),
 * sorted.  A second run finds everything in the cache. */
int pare_apt_fetch(const struct pare_apt_opts *o, const char *const *names, size_t n,
		   struct pare_arena *a, const char ***paths, size_t *npaths,
		   struct pare_error *err);

#endif
