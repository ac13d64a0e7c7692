/* Why is a package installed: the chain from a world atom to it, read
 * from the installed database and the world (no solver, no I/O).
 *
 * The chain is a shortest path over these edges:
 *   world atom A          -> each installed package that provides A's name
 *   package P, depends D  -> each installed package that provides D's name
 *   package P             -> package Q whose install_if rule has an atom
 *                            P provides (Q came in because P is there)
 * "Provides" is the package's own name or a p: name, versions ignored
 * (what is installed already satisfied the solver).  Conflicts (!name)
 * are no edges.
 *
 * Ownership: steps point into db and world; valid while both are.
 */
#ifndef PARE_DB_WHY_H
#define PARE_DB_WHY_H

#include <stddef.h>

#include "base/error.h"
#include "db/installed.h"
#include "db/world.h"

#define PARE_WHY_MAX_STEPS 256

enum pare_why_kind {
	PARE_WHY_WORLD,      /* via = the world atom (steps[0] only) */
	PARE_WHY_DEPENDS,    /* via = the previous package's dependency atom */
	PARE_WHY_INSTALL_IF, /* via = this package's install_if atom the previous one met */
};

struct pare_why_step {
	enum pare_why_kind kind;
	struct pare_slice via;
	const struct pare_db_pkg *pkg;
};

/* The chain to target in steps[0..*n): steps[0] is reached from the world,
 * steps[*n - 1].pkg == target.  -PARE_E_NOT_FOUND (message naming target)
 * when no world atom leads to it; -PARE_E_TOO_BIG when the chain would
 * exceed max steps. */
int pare_why(const struct pare_db_installed *db, const struct pare_world *world,
	     const struct pare_db_pkg *target, struct pare_why_step *steps, size_t max,
	     size_t *n, struct pare_error *err);

/* The installed package that provides name (its own name first, then p:
 * names, in database order); NULL if none. */
const struct pare_db_pkg *pare_why_provider(const struct pare_db_installed *db,
					    struct pare_slice name);

#endif
