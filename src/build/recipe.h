/* A recipe (APKBUILD) as the sandboxed driver reports it.
 *
 * pare never evaluates an APKBUILD itself: the driver script (driver.h)
 * sources it with a POSIX shell inside the sandbox and writes one record
 * per variable and per defined function to a file, each record ending in
 * a NUL byte:
 *
 *     "v:NAME=VALUE\0"   a variable (NAME one of PARE_RECIPE_VARS)
 *     "f:NAME\0"         a shell function the recipe defines
 *
 * pare_recipe_parse() reads that dump.  Bounds: PARE_RECIPE_MAX_DUMP
 * bytes in all, PARE_RECIPE_MAX_WORDS words per list.  Every record must
 * be NUL-terminated, names known, no name twice, values free of control
 * characters but tab and newline (newlines separate words like blanks).
 * Validation: pkgname is a valid package name, pkgver + "-r" + pkgrel a
 * valid apk version, every depends/makedepends/checkdepends/provides/
 * replaces/install_if word a dependency atom, every subpackage
 * "NAME[:FUNC[:ARCH]]" a valid name (FUNC: a defined function), as many
 * sha512sums entries ("HEX  NAME") as sources, each 128 hex digits.
 * Errors name the recipe file (recipe->file) and the variable.
 *
 * Ownership: the recipe owns everything (its arena) until
 * pare_recipe_release(); the dump may be freed after the parse.
 */
#ifndef PARE_BUILD_RECIPE_H
#define PARE_BUILD_RECIPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/error.h"
#include "base/slice.h"

#define PARE_RECIPE_MAX_DUMP (1u << 20)
#define PARE_RECIPE_MAX_WORDS 4096

/* The variables the driver prints, in its order (NULL-terminated). */
extern const char *const PARE_RECIPE_VARS[];

struct pare_recipe_words {
	const char **v;
	size_t n;
};

/* depends, pkgdesc, provides and install_if a split function set (the
 * driver writes them after the function, as "v:" records, to
 * /build/meta/sub.NAME; pare_recipe_parse_sub reads them). */
struct pare_recipe_subpkg {
	const char *name;
	const char *func; /* NULL: split by the shared policy */
	const char *pkgdesc; /* NULL or "": derived from the main one */
	struct pare_recipe_words depends, provides, install_if;
};

struct pare_recipe_source {
	const char *name; /* file name in SRCDEST (the part before "::", or the URL's last component) */
	const char *url;  /* NULL: a file next to the recipe */
	char sha512[129];
};

struct pare_recipe {
	struct pare_arena arena;
	const char *file; /* "recipes/zlib/APKBUILD", for messages */
	const char *pkgname, *pkgver, *pkgrel, *pkgdesc, *url, *license, *builddir;
	const char *version; /* pkgver-rPKGREL */
	struct pare_recipe_words arch, depends, makedepends, checkdepends, install, triggers,
		options, provides, replaces, install_if;
	uint64_t provider_priority;
	bool has_provider_priority;
	int64_t source_date_epoch; /* -1: not set by the recipe */
	struct pare_recipe_subpkg *subpkgs;
	size_t nsubpkgs;
	struct pare_recipe_source *sources;
	size_t nsources;
	struct pare_recipe_words functions; /* defined functions */
};

void pare_recipe_init(struct pare_recipe *r, const char *file);
void pare_recipe_release(struct pare_recipe *r);

/* Parse a driver dump (see above) into r (initialised with its file). */
int pare_recipe_parse(struct pare_recipe *r, struct pare_slice dump, struct pare_error *err);

/* Parse the driver's dump of what subpackage sp's split function set
 * (records for depends, pkgdesc, provides, install_if only). */
int pare_recipe_parse_sub(struct pare_recipe *r, struct pare_recipe_subpkg *sp,
			  struct pare_slice dump, struct pare_error *err);

/* Does the recipe define function name / carry option opt ("net", "!check")? */
bool pare_recipe_has_function(const struct pare_recipe *r, const char *name);
bool pare_recipe_has_option(const struct pare_recipe *r, const char *opt);

#endif
