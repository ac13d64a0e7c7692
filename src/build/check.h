/* melange's `lint` and `test` for pare's recipes: pare lint, pare test
 * (nothing here prints).
 *
 * Lint (pare_build_lint_apk): a built package file is read once (structure,
 * every file's checksum, the datahash; its signature is not needed to look
 * at its files) while its files are extracted into a fresh directory under
 * o->work_base (mode 0700; owners and modes applied, so setuid and
 * world-writable bits are seen; device nodes refused), then lint.h's checks run on that tree with recipe r's waivers
 * (r may be a recipe with no options, for a bare package).  The package is
 * the recipe's main one (dev-in-main applies) when its origin is its own
 * name or absent.  so-provider is the packager's check and is not run.
 *
 * pare_build_recipe_apks: the packages a recipe built in REPO/ARCH
 * (o->out_dir, the arch of o): every *.apk whose .PKGINFO origin is the
 * recipe's pkgname and whose version is pkgver-rPKGREL, sorted by path.
 *
 * Test (pare_build_test): the recipe is read in the sandbox; it must define
 * installcheck() (automake's name for checking an installed program; abuild
 * ignores functions it does not know, so the file stays an APKBUILD).  A
 * fresh root gets "pkgname=pkgver-rPKGREL" plus the recipe's checkdepends,
 * installed from o->repo_cfg's repositories and o->out_dir by the installer
 * pare build uses (signatures checked as for a build root); then
 * installcheck runs with `set -e` in the build sandbox on that root (cwd
 * /tmp, the recipe read-only at /build/recipe, the build environment,
 * network only with options="net", o->shell bound as /bin/sh when the root
 * has none), its output on out_fd.  A non-zero status is an error naming it.
 * The work directory is removed unless o->keep_work (then res_work names it).
 */
#ifndef PARE_BUILD_CHECK_H
#define PARE_BUILD_CHECK_H

#include <stddef.h>

#include "base/arena.h"
#include "base/error.h"
#include "build/build.h"
#include "build/lint.h"
#include "build/recipe.h"

#define PARE_BUILD_CHECK_MAX_APKS 4096u

int pare_build_lint_apk(const struct pare_build_opts *o, struct pare_build_lint *l,
			const struct pare_recipe *r, const char *apk, struct pare_error *err);

/* *paths (malloc'ed array of arena strings) and *n; free(*paths). */
int pare_build_recipe_apks(const struct pare_build_opts *o, const struct pare_recipe *r,
			   struct pare_arena *a, const char ***paths, size_t *n,
			   struct pare_error *err);

/* Read the recipe in dir (r initialised with dir/APKBUILD by the caller). */
int pare_build_test(const struct pare_build_opts *o, const char *dir, struct pare_recipe *r,
		    size_t *npkgs, int out_fd, char *res_work, size_t res_work_size,
		    struct pare_error *err);

#endif
