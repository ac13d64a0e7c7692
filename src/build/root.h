/* The build root: the packages a recipe builds with, solved and installed
 * by pare's own solver (solver/solver.h) and installer
 * (commit/transaction.h) into a fresh directory.
 *
 * world: build-base plus the recipe's makedepends and checkdepends (atoms),
 * solved against every loaded repository of repos (which the caller
 * opened: -X/--repository, --keys-dir; index signatures already checked).
 * Each package is verified (signature or index C:, datahash, every file)
 * as it is staged.  Scripts run (in the installer's own namespace jail);
 * a failing script is logged, not fatal.  etc/apk/world records the atoms.
 *
 * Nothing is kept after the call but the files under root.
 *
 * The root cache (cache set): a build root is a function of the packages
 * the solver picks, so it is kept as cache/KEY, KEY the SHA-256 of the
 * arch, the world atoms and every picked package's name, version and
 * identity (C:).  A later build whose solve gives the same KEY builds in
 * that very folder (the sandbox mounts it read-only and the build runs as
 * an unprivileged uid, so no build can change it); a new root is installed
 * into cache/.new-XXXXXX and renamed to cache/KEY once complete (a
 * concurrent build that published it first wins, ours is removed).  Using
 * a root touches its mtime; beyond 8 roots, the least recently used that
 * have been idle for 6 hours are removed.
 */
#ifndef PARE_BUILD_ROOT_H
#define PARE_BUILD_ROOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "apk/sign.h"
#include "base/error.h"
#include "base/log.h"
#include "repo/repo.h"

struct pare_build_root_opts {
	const char *root;          /* an existing, empty directory (no cache) */
	const char *cache;         /* NULL: install into root; else the root cache */
	struct pare_repos *repos;  /* loaded; borrowed */
	struct pare_keyring *keys; /* trusted keys; borrowed */
	const char *arch;
	const char *const *world;  /* atoms */
	size_t nworld;
	const struct pare_log *log;
};

struct pare_build_root_stats {
	size_t npkgs;
	uint64_t installed_size;
	bool reused;               /* taken from the cache */
	char path[4096];           /* the root to build in: root, or cache/KEY */
};

int pare_build_root_install(const struct pare_build_root_opts *o,
			    struct pare_build_root_stats *st, struct pare_error *err);

/* The cache's folders (root_cache.c): find cache/KEY (1, path set and
 * touched) or not (0); make a staging folder; publish a staged root as
 * cache/KEY (path set) and evict old ones. */
int pare_build_root_cache_find(const char *cache, const char *key, char *path, size_t n);
int pare_build_root_cache_stage(const char *cache, char *tmp, size_t n, struct pare_error *err);
int pare_build_root_cache_publish(const char *cache, const char *tmp, const char *key,
				  char *path, size_t n, struct pare_error *err);

#endif
