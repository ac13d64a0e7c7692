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
 */
#ifndef PARE_BUILD_ROOT_H
#define PARE_BUILD_ROOT_H

#include <stddef.h>

#include "apk/sign.h"
#include "base/error.h"
#include "base/log.h"
#include "repo/repo.h"

struct pare_build_root_opts {
	const char *root;          /* an existing, empty directory */
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
};

int pare_build_root_install(const struct pare_build_root_opts *o,
			    struct pare_build_root_stats *st, struct pare_error *err);

#endif
