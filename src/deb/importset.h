/* Set files: which Debian packages `pare import-deb` brings in and how each
 * is cut into subpackages (schema: sets/README.md).
 *
 * A set file is YAML (read with the image config's bounded libfyaml tree,
 * image/yaml_int.h):
 *
 *   import: [NAME, ...]          Debian packages to import (with --closure,
 *                                their Depends too)
 *   script-only: [NAME, ...]     packages that only maintainer scripts need:
 *                                never followed, never depended on
 *   baselayout: true             write pare's own baselayout package
 *   packages:
 *     DEBNAME:
 *       name: APKNAME            main subpackage (default DEBNAME)
 *       drop: [GLOB, ...]        files left out
 *       depends: [ATOM, ...]     added to the main subpackage
 *       ignore-depends: [NAME]   Debian Depends not carried over
 *       split:                   in order; a file goes to the first match
 *         SUBNAME: [GLOB, ...]
 *         SUBNAME: {paths: [GLOB...], depends: [ATOM...], gconv: true,
 *                   description: TEXT}
 *       alternatives:            update-alternatives links, made at import
 *         - {link: PATH, target: PATH, package: SUBNAME}
 *       ca-bundle: SUBNAME       write etc/ssl/certs/ca-certificates.crt
 *                                (what update-ca-certificates writes) there
 *       localedef: [ll_CC.CHARSET, ...]  compile these locales from the
 *                                package's usr/share/i18n sources, one
 *                                subpackage each (glibc-locale-ll-cc) and
 *                                the meta package glibc-locales-all
 *
 * A package's rules apply whenever that Debian package is imported,
 * whichever set or command brought it in.  Several files may be loaded
 * into one set: lists add up, and for a package named twice the first
 * rules win.
 *
 * Unknown keys are errors ("FILE:LINE:COL: unknown key 'x'").
 * Ownership: everything lives in the set's arena until
 * pare_importset_release().
 */
#ifndef PARE_DEB_IMPORTSET_H
#define PARE_DEB_IMPORTSET_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/error.h"

#define PARE_IMPORTSET_MAX_FILE (4u << 20)

struct pare_importset_list {
	const char **v;
	size_t n;
};

struct pare_importset_split {
	const char *name;
	struct pare_importset_list globs, depends;
	const char *description; /* NULL: the Debian package's */
	bool gconv;              /* write gconv-modules.d/NAME.conf */
};

struct pare_importset_alt {
	const char *link, *target, *package; /* package NULL: the main one */
};

struct pare_importset_pkg {
	const char *deb;  /* Debian package name */
	const char *name; /* main subpackage name */
	struct pare_importset_list drop, depends, ignore_depends;
	struct pare_importset_split *splits;
	size_t nsplits;
	struct pare_importset_alt *alts;
	size_t nalts;
	const char *ca_bundle;
	struct pare_importset_list localedef;
};

struct pare_importset {
	struct pare_arena arena;
	struct pare_importset_list import, script_only;
	struct pare_importset_pkg *pkgs;
	size_t npkgs, cap;
	bool baselayout;
};

void pare_importset_init(struct pare_importset *s);
void pare_importset_release(struct pare_importset *s);

/* Load one set file into s (adding to what is there). */
int pare_importset_load(struct pare_importset *s, const char *path, struct pare_error *err);
/* Same, from text (name for messages). */
int pare_importset_parse(struct pare_importset *s, const char *name, const char *text,
			 size_t len, struct pare_error *err);

/* The rules for Debian package deb, or NULL. */
const struct pare_importset_pkg *pare_importset_find(const struct pare_importset *s,
						     const char *deb);
bool pare_importset_list_has(const struct pare_importset_list *l, const char *name);

#endif
