/* Checks on a built package's files (abuild's postcheck and melange's
 * linters as the anchor).  One table, each check with an id, a severity
 * and the option that waives it:
 *
 *   id             sev      what                                   waived by
 *   usr-local      error    files under usr/local                  !lint:usr-local
 *   var-run        error    files under var/run (use /run)         !lint:var-run
 *   world-writable error    a file or dir o+w (dirs: unless +t)    !lint:world-writable
 *   setuid         error    setuid/setgid file                     suid
 *   textrel        error    ELF with text relocations (DF_TEXTREL) textrels
 *   execstack      error    ELF with an executable PT_GNU_STACK    execstack
 *   rpath-build    error    RPATH/RUNPATH into /build              !lint:rpath-build
 *   dev-in-main    warning  headers, .pc, .a, .la in the main pkg  !lint:dev-in-main
 *   empty          warning  a declared package with no files       !lint:empty
 *   so-provider    warning  an so: need no package provides        !lint:so-provider
 *                           (checked by the packager, package.h)
 * A line names the check, the package and the path.
 */
#ifndef PARE_BUILD_LINT_H
#define PARE_BUILD_LINT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/error.h"
#include "build/recipe.h"
#include "build/tree.h"

#define PARE_BUILD_LINT_MAX 10000u

struct pare_build_lint {
	struct pare_arena *arena;  /* lines live here */
	const char **errors, **warnings;
	size_t nerrors, nwarnings, cap_e, cap_w;
};

/* Is check id waived by the recipe's options? */
bool pare_build_lint_waived(const struct pare_recipe *r, const char *id);

/* Record one finding unless waived (severity: true = error). */
int pare_build_lint_add(struct pare_build_lint *l, const struct pare_recipe *r, bool error,
			const char *id, const char *pkg, const char *path);

/* Check package pkg (its files in dir, listed in t; is_main: the recipe's
 * main package). */
int pare_build_lint_pkg(struct pare_build_lint *l, const struct pare_recipe *r, const char *pkg,
			const char *dir, const struct pare_build_tree *t, bool is_main,
			struct pare_error *err);

void pare_build_lint_release(struct pare_build_lint *l);

#endif
