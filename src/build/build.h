/* pare build: APKBUILD recipes to signed, split packages (orchestration;
 * nothing here prints).
 *
 * Per recipe directory:
 *   1. read: the APKBUILD is sourced inside a sandbox (sandbox.h) whose
 *      root holds only a static shell (opts.shell, /bin/busybox by
 *      default, bound read-only as /bin/sh) and the recipe folder, no
 *      network; the driver (driver.h) dumps the variables (recipe.h);
 *   2. sources (source.h): found, verified by SHA-512, copied into the
 *      work directory; archives unpacked into $srcdir;
 *      SOURCE_DATE_EPOCH: the recipe's, else the newest source mtime;
 *   3. the build root (root.h): base_world (default "build-base") +
 *      makedepends + checkdepends from the repositories of repo_cfg plus
 *      the output repository when it has an index (so recipes can use
 *      each other's packages);
 *   4. the build (driver "build") in the sandbox: network only with
 *      options="net" (then the host's resolv.conf); etc/hosts (localhost),
 *      etc/passwd and etc/group (root, nobody) written when the root has
 *      none; recipe and sources read-only, $srcdir and the
 *      package directories writable;
 *   5. packaging (package.h) into out_dir/ARCH with the index updated.
 * The work directory (work_base/pare-build.XXXXXX) is removed afterwards
 * unless keep_work or the build failed (then res->work_dir names it and
 * res->log the build log).
 *
 * Order (pare_build_plan): a recipe whose makedepends/checkdepends name a
 * package another recipe makes (its pkgname, a subpackage, a policy
 * subpackage NAME-dev ...) builds after it; a cycle is an error.
 */
#ifndef PARE_BUILD_BUILD_H
#define PARE_BUILD_BUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "apk/sign.h"
#include "base/buf.h"
#include "base/error.h"
#include "base/log.h"
#include "build/package.h"
#include "build/recipe.h"
#include "repo/repo.h"

#define PARE_BUILD_MAX_RECIPES 1024

struct pare_build_opts {
	const char *out_dir;          /* REPO */
	struct pare_privkey *key;     /* NULL: unsigned packages */
	const char *keyname;
	const struct pare_repo_config *repo_cfg; /* the build root's repositories */
	const char *arch;             /* apk arch; NULL: the host's */
	const char *srcdest;          /* NULL: $SRCDEST or none */
	bool offline;
	bool debian_sources;          /* try Debian's source archive (source.h) */
	const char *work_base;        /* NULL: /var/tmp */
	const char *shell;            /* NULL: /bin/busybox */
	const char *const *base_world;/* NULL: { "build-base" } */
	size_t nbase_world;
	const char *root_cache;       /* NULL: a fresh root per build; else the root
				       * cache (root.h), not for options="net" */
	bool keep_work;
	unsigned jobs;                /* 0: 2 */
	int log_fd;                   /* build output */
	const struct pare_log *log;
};

struct pare_build_result {
	struct pare_build_pkg_result pkgs;
	char work_dir[4096];
	char log[4096];
	int64_t sde;
	size_t root_pkgs;
	bool root_reused;             /* the build root came from the root cache */
	char root_dir[4096];          /* the build root used */
	double seconds_read, seconds_sources, seconds_root, seconds_build, seconds_package;
};

void pare_build_result_init(struct pare_build_result *res);
void pare_build_result_release(struct pare_build_result *res);

/* Step 1 alone (for plans); recipe initialised by the caller. */
int pare_build_read_recipe(const struct pare_build_opts *o, const char *dir,
			   struct pare_recipe *r, struct pare_error *err);

/* Build one recipe directory. */
int pare_build_one(const struct pare_build_opts *o, const char *dir,
		   struct pare_build_result *res, struct pare_error *err);

/* Order recipes: order[i] = index into recipes; edges as pairs (from, to)
 * meaning recipes[from] needs recipes[to] (arrays of n*n max, caller's). */
int pare_build_order(const struct pare_recipe *recipes, size_t n, size_t *order,
		     size_t *edges, size_t *nedges, struct pare_error *err);

/* The build graph as JSON into out: {"nodes":[{"id","dir","pkgname","version",
 * "inputs":[...],"outputs":[...]}],"edges":[{"from","to"}],"order":[...]}. */
int pare_build_plan_json(const struct pare_recipe *recipes, const char *const *dirs, size_t n,
			 struct pare_buf *out, struct pare_error *err);

#endif
