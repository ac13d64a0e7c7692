/* The solver: from a universe (solver/universe.h), the world and the
 * request flags to a change set, or to an explanation of why none exists.
 * No I/O; nothing prints.  Semantics are apk-tools':
 *
 *  - every world atom and every dependency of a selected package holds;
 *    a name is owned by at most one selected package (its own name, or a
 *    versioned provide); unversioned provides never own a name and are
 *    picked only through provider_priority, or because the provider is
 *    selected for another reason (named in the world, a dependency, or
 *    already installed); "!name" atoms forbid matching packages;
 *  - preferences, in order: the name's preferred repository tag (the
 *    world's "name@tag", else untagged; an installed package counts for
 *    its installed tag); with AVAILABLE, packages in a repository; unless
 *    the name is upgraded, the installed package; provider_priority; the
 *    highest (provided) version; the package's own name; installed; the
 *    first repository; the name;
 *  - "@tag" pinning: a package from a tagged repository is allowed for a
 *    name only when the world names it with that tag, or when a package
 *    selected from that tag depends on it (the tag is inherited);
 *  - install_if: a package whose install_if atoms all hold is selected
 *    when it can be; its "!" atoms stay in force while it is selected;
 *  - LATEST restricts a name to its best version (by the preferences,
 *    within pinning), failing rather than settling for an older one.
 *
 * Search: names are decided one at a time (world names first, then
 * triggered install_if packages, then dependencies in the order they
 * appear; names reached only through provides, and virtual names, last)
 * by trying candidates in preference order with chronological
 * backtracking.  Packages that can never be installed (broken, wrong
 * architecture, self-conflicting, masked, excluded by the world, or with
 * a dependency nothing selectable satisfies, to a fixpoint) are removed
 * before the search, so most unsatisfiable requests fail at once.  A
 * budget bounds the search; past it the request is reported unsatisfiable.
 *
 * Explanation: when no selection exists, a best-effort selection is built
 * (each name takes the candidate that breaks the fewest constraints, as
 * apk does) and every problem in it is reported: names nothing provides,
 * virtual names with no automatic provider, and packages that are
 * uninstallable, masked, in conflict, or that break a dependency.
 *
 * Ownership: a pare_solution owns its arrays (pare_solution_release);
 * they point to names and packages of the universe, which must outlive
 * it.  The request is only read during pare_solve().
 */
#ifndef PARE_SOLVER_SOLVER_H
#define PARE_SOLVER_SOLVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "solver/universe.h"

/* Per-name (and global) request flags. */
enum pare_solve_flags {
	PARE_SOLVE_UPGRADE = 1 << 0,   /* do not prefer the installed package */
	PARE_SOLVE_LATEST = 1 << 1,    /* only the best version will do */
	PARE_SOLVE_AVAILABLE = 1 << 2, /* prefer packages in a repository */
	PARE_SOLVE_REINSTALL = 1 << 3, /* reinstall the selected package */
	PARE_SOLVE_HOLD = 1 << 4,      /* never upgrade (upgrade --ignore) */
	PARE_SOLVE_REMOVED = 1 << 5,   /* named by del: drop installed preference */
};

struct pare_solve_request {
	const struct pare_sdep *world; /* the constraints, in the world's order */
	size_t nworld;
	unsigned flags;                /* applied to every name */
	const uint8_t *name_flags;     /* NULL or one entry per name id (< nname_flags) */
	size_t nname_flags;
	bool no_network;               /* mask what is neither installed, cached nor in a
					* local (not remote) repository */
	uint64_t budget;               /* backtracks allowed; 0: a default */
};

enum pare_change_kind {
	PARE_CHANGE_INSTALL,
	PARE_CHANGE_UPGRADE,
	PARE_CHANGE_DOWNGRADE,
	PARE_CHANGE_REPLACE,   /* same version, another package */
	PARE_CHANGE_REINSTALL,
	PARE_CHANGE_RETAG,     /* same package from another tag ("Updating pinning") */
	PARE_CHANGE_REMOVE,
};

struct pare_change {
	enum pare_change_kind kind;
	const struct pare_spkg *old_pkg; /* NULL for INSTALL */
	const struct pare_spkg *new_pkg; /* NULL for REMOVE */
	uint8_t new_tag;                 /* tag the new package comes from */
};

/* Why a package or a name is in the way: a dependency of pkg, or of the
 * world when pkg is NULL.  dep may be NULL (conflicts by name). */
struct pare_reason {
	const struct pare_spkg *pkg;
	const struct pare_sdep *dep;
};

struct pare_reasons {
	struct pare_reason *v;
	uint32_t n, cap;
};

enum pare_problem_kind {
	PARE_PROBLEM_MISSING,  /* no package has or provides the name */
	PARE_PROBLEM_VIRTUAL,  /* only unversioned providers, none chosen */
	PARE_PROBLEM_PACKAGE,  /* a package of the best-effort selection */
};

struct pare_problem {
	enum pare_problem_kind kind;
	const struct pare_sname *name;   /* MISSING, VIRTUAL */
	const struct pare_spkg *pkg;     /* PACKAGE */
	bool uninstallable;              /* broken entry or wrong architecture */
	bool bad_arch;
	bool masked_network;             /* not installed, not cached, --no-network */
	int masked_tag;                  /* -1, or the tag the package is pinned to */
	struct pare_reasons required_by; /* MISSING, VIRTUAL */
	struct pare_reasons provided_by; /* VIRTUAL: pkg only */
	struct pare_reasons conflicts;   /* PACKAGE: pkg[dep of this package] */
	struct pare_reasons breaks;      /* PACKAGE */
	struct pare_reasons satisfies;   /* PACKAGE */
};

struct pare_solution {
	bool ok;                        /* false: see problems */
	struct pare_change *changes;    /* in commit order (dependencies first) */
	uint32_t nchanges, changes_cap;
	const struct pare_spkg **selected; /* the packages after the change */
	uint8_t *selected_tag;          /* their tags */
	uint32_t nselected;
	uint64_t installed_size;        /* sum over selected */
	struct pare_problem *problems;
	uint32_t nproblems, problems_cap;
	uint64_t backtracks;            /* statistics */
	bool budget_exhausted;
};

void pare_solution_init(struct pare_solution *s);
void pare_solution_release(struct pare_solution *s);

/* Solve.  Returns 0 with sol->ok true (a change set) or false (problems),
 * or a negative code for a resource failure (-ENOMEM).  The universe must
 * be finalized. */
int pare_solve(const struct pare_universe *u, const struct pare_solve_request *req,
	       struct pare_solution *sol, struct pare_error *err);

/* Is the package in the final selection of a successful solution? */
bool pare_solution_has(const struct pare_solution *s, const struct pare_spkg *p);

#endif
