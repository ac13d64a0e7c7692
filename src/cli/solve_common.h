/* What add, del, upgrade and fix share: a session (session/session.h) with
 * the universe and the world, running the solver, and
 * printing apk's change lines, "OK:" line and error explanation. */
#ifndef PARE_CLI_SOLVE_COMMON_H
#define PARE_CLI_SOLVE_COMMON_H

#include <stdbool.h>
#include <stdint.h>

#include "apk/index.h"
#include "cli/cli.h"
#include "cli/repos.h"
#include "session/session.h"
#include "solver/solver.h"
#include "solver/universe.h"

/* Ownership: owns the session (root, lock, databases, repositories,
 * universe), the world array and the flags array.  u is &s.u (or, for
 * printing only, a universe owned elsewhere). */
struct pare_solve_ctx {
	struct pare_cli *cli;
	struct pare_session s;
	bool s_open;
	struct pare_universe *u;
	struct pare_sdep *world;       /* the request's world (starts as the session's) */
	size_t nworld, world_cap;
	uint8_t *name_flags;           /* per name id, grown with the universe */
	size_t nname_flags;
	bool finalized;
};

/* The index entry a package can be fetched through, or NULL. */
const struct pare_pkgent *pare_solve_ctx_entry(const struct pare_solve_ctx *c,
					       const struct pare_spkg *p);

/* Open the session for the run (see the options in cli.h): locked first
 * unless --simulate (or a --test-* input), so the whole run from reading
 * the databases to the commit is serialised with other runs.  Prints its
 * own errors; returns 0 or a negative code. */
int pare_solve_ctx_open(struct pare_solve_ctx *c, struct pare_cli *cli);
void pare_solve_ctx_release(struct pare_solve_ctx *c);
/* Build the universe's reverse maps (once; after the last package add). */
int pare_solve_ctx_finalize(struct pare_solve_ctx *c);

/* Parse a world atom as `add` does; prints apk's message on error. */
int pare_solve_parse_world_dep(struct pare_solve_ctx *c, const char *arg, bool virtual_dep,
			       struct pare_sdep *out);
/* Replace the world entry of the same name (and kind) or append. */
int pare_solve_world_add(struct pare_solve_ctx *c, const struct pare_sdep *d);
/* Sort the world by name (apk's world order). */
void pare_solve_world_sort(struct pare_solve_ctx *c);
/* OR flags into a name's request flags. */
int pare_solve_name_flag(struct pare_solve_ctx *c, const struct pare_sname *n, uint8_t flags);
/* The same flags for every name that packages of n depend on, recursively
 * (all versions considered). */
int pare_solve_name_flag_deps(struct pare_solve_ctx *c, const struct pare_sname *n, uint8_t flags,
			      bool installed_only);
/* Run the solver with the current world and flags. */
int pare_solve_ctx_solve(struct pare_solve_ctx *c, unsigned flags, struct pare_solution *sol);

/* Print the change lines and the closing line. */
void pare_solve_print_changes(struct pare_solve_ctx *c, const struct pare_solution *sol);
void pare_solve_print_ok(struct pare_solve_ctx *c, const struct pare_solution *sol);
/* Print "ERROR: unable to select packages:" and the problems; returns
 * the exit status (the number of problems, as apk). */
int pare_solve_print_errors(struct pare_solve_ctx *c, const struct pare_solution *sol);
/* apk's human size ("976 KiB", "10.0 MiB"). */
void pare_solve_fmt_size(uint64_t size, char *buf, size_t n);

/* After a successful solve: with --simulate print the changes and apk's
 * closing line; else commit them to the root (commit_cli.h) with the new
 * world.  Returns the exit status. */
int pare_solve_finish(struct pare_solve_ctx *c, const struct pare_solution *sol);

/* Solve, print, and return the exit status (add, del, fix). */
int pare_solve_and_report(struct pare_solve_ctx *c, unsigned flags, struct pare_solution *sol);

#endif
