/* From the package directories a build left (/build/pkg/NAME inside the
 * sandbox, pkgbase on the host) to signed .apk files in a repository.
 *
 *   1. the main package's files are split by the shared policy
 *      (split/split.h): each file the policy gives to NAME-SUFFIX moves to
 *      pkgbase/NAME-SUFFIX (what split functions took is already gone;
 *      "!drop" files are deleted); directories left empty are removed;
 *   2. every directory in pkgbase is a package (the main one always, the
 *      others only when they hold a file, or when their split function
 *      set depends: a metapackage; declared but empty: a lint warning);
 *   3. lint (lint.h); errors stop before anything is written;
 *   4. SCA (elf/sca.h): so:/cmd:/pc: provides and depends; the main
 *      package adds the recipe's depends, provides, replaces,
 *      provider_priority, install_if; policy subpackages get install_if
 *      "MAIN=VERSION TRIGGER" (split.h: -doc/docs, -lang/lang, ...); a
 *      lib*.so link to a library another package of the build holds
 *      depends on that package at this version;
 *      an so: depend nobody provides (this build, the repositories) is
 *      an so-provider warning;
 *   5. owners: the build ran as uid_base = root inside; a file owned by
 *      another inside id gets a manifest line (ID:ID), the rest root;
 *      mtimes clamp to SOURCE_DATE_EPOCH (mkpkg), so a rebuild gives the
 *      same bytes;
 *   6. REPO/ARCH/NAME-VERSION.apk written signed (apk/mkpkg.h), then
 *      REPO/ARCH/APKINDEX.tar.gz updated: the old entries kept but those
 *      with a name and version just built, the new files added, sorted,
 *      signed.
 */
#ifndef PARE_BUILD_PACKAGE_H
#define PARE_BUILD_PACKAGE_H

#include <stdint.h>

#include "apk/sign.h"
#include "base/arena.h"
#include "base/error.h"
#include "build/lint.h"
#include "build/recipe.h"
#include "repo/repo.h"

struct pare_build_pkg_opts {
	const struct pare_recipe *r;
	const char *pkgbase;
	const char *sources_dir;   /* verified sources (install scripts) */
	const char *work_dir;      /* for manifests */
	const char *repo_dir;      /* REPO */
	const char *arch;
	int64_t sde;
	uint32_t uid_base;
	struct pare_privkey *key;  /* NULL: unsigned */
	const char *keyname;
	const struct pare_repos *repos; /* for the so-provider check; may be NULL */
};

struct pare_build_pkg_out {
	const char *name;
	const char *path;   /* the .apk */
	uint64_t size;      /* its bytes */
	uint64_t files;
};

struct pare_build_pkg_result {
	struct pare_arena arena;
	struct pare_build_pkg_out *pkgs;
	size_t npkgs;
	struct pare_build_lint lint;
};

void pare_build_pkg_result_init(struct pare_build_pkg_result *res);
void pare_build_pkg_result_release(struct pare_build_pkg_result *res);

int pare_build_package(const struct pare_build_pkg_opts *o, struct pare_build_pkg_result *res,
		       struct pare_error *err);

/* Add files (NAME-VERSION.apk) to REPO/ARCH/APKINDEX.tar.gz as step 6. */
int pare_build_index_update(const char *arch_dir, const char *const *files, size_t n,
			    int64_t mtime, struct pare_privkey *key, const char *keyname,
			    struct pare_error *err);

#endif
