/* Internal state of one pare_solve() run, shared by the solver's files
 * (engine.c: search; order.c: commit order; explain.c: problems).
 * Not part of the API. */
#ifndef PARE_SOLVER_ENGINE_H
#define PARE_SOLVER_ENGINE_H

#include "solver/solver.h"

/* Reasons a package is never a candidate (pare_engine.bad bits). */
enum {
	BAD_BROKEN = 1 << 0,   /* index entry did not parse */
	BAD_ARCH = 1 << 1,     /* wrong architecture */
	BAD_SELF = 1 << 2,     /* provides its own name or one name twice */
	BAD_NET = 1 << 3,      /* --no-network and neither installed nor cached */
	BAD_WORLD = 1 << 4,    /* a world atom excludes it */
	BAD_DISQ = 1 << 5,     /* a dependency has no possible provider (one level) */
	BAD_DEEP = 1 << 6,     /* the same, through other excluded packages */
};
#define BAD_HARD (BAD_BROKEN | BAD_ARCH | BAD_SELF | BAD_NET)

/* Agenda classes, decided in this order. */
enum {
	CLS_WORLD = 0,   /* world atom on a name that has packages */
	CLS_DEP,         /* dependency on a name that has packages */
	CLS_WORLD_PROV,  /* world atom on a name only provided */
	CLS_DEP_PROV,
	CLS_WORLD_VIRT,  /* world atom on a virtual name */
	CLS_DEP_VIRT,
	CLS_IIF,         /* an install_if package whose conditions hold */
	CLS_N
};

struct pare_cons {
	const struct pare_sdep *dep;
	const struct pare_spkg *src; /* NULL: the world */
	int32_t next;                /* older constraint on the same name, or -1 */
};

struct pare_undo {
	uint8_t kind;
	uint32_t idx;
	uint64_t old;
	const void *oldp;
};

struct pare_item {
	uint32_t name;
	uint8_t cls;
};

struct pare_choice {
	uint32_t name;
	bool iif;                    /* the last candidate means "skip" */
	uint32_t cand_off, ncand, next;
	uint32_t trail_len, cons_len, agenda_len, cand_len;
	uint32_t cursor[CLS_N];
};

struct pare_engine {
	const struct pare_universe *u;
	const struct pare_solve_request *req;
	struct pare_solution *sol;
	bool soft;                   /* best effort: never fail, never backtrack */
	/* per name */
	const struct pare_spkg **owner;
	uint32_t *uprov_n;
	int32_t *cons_head;
	uint64_t *allowed;           /* bit t: tag t allowed */
	uint8_t *pref_tag;
	uint8_t *nflags;             /* PARE_SOLVE_* for the name */
	uint32_t *world_refs;        /* world atoms on the name */
	/* per package */
	uint8_t *bad;
	uint8_t *sel;                /* 1 selected, 2 selected through install_if */
	uint8_t *sel_tag;
	uint32_t *sel_index;         /* position in selorder */
	/* stacks */
	struct pare_cons *cons;
	uint32_t ncons, cons_cap;
	struct pare_undo *trail;
	uint32_t ntrail, trail_cap;
	struct pare_item *agenda;
	uint32_t nagenda, agenda_cap;
	uint32_t cursor[CLS_N];
	struct pare_spkg **cand;
	uint32_t ncand, cand_cap;
	struct pare_choice *choices;
	uint32_t nchoices, choices_cap;
	const struct pare_spkg **selorder;
	uint32_t nsel, selorder_cap;
	uint8_t *name_failed;        /* soft: no candidate when the name came up */
	/* install_if packages that could not be added where they triggered,
	 * and those forced in by a restart (see pare_engine_search) */
	struct pare_svec wanted;
	struct pare_sdep *forced;
	uint32_t nforced, forced_cap;
	uint64_t backtracks, budget;
};

int pare_engine_init(struct pare_engine *e, const struct pare_universe *u,
		     const struct pare_solve_request *req, struct pare_solution *sol);
void pare_engine_release(struct pare_engine *e);
/* Forget every decision (keeps the prefilter). */
void pare_engine_reset(struct pare_engine *e);
/* 1: a selection was found; 0: none (or the budget ran out); <0 error. */
int pare_engine_search(struct pare_engine *e);
/* Best-effort selection for the explanation (never fails but on memory). */
int pare_engine_best_effort(struct pare_engine *e);

/* The package that stands for name n in the selection (its owner, else
 * the first selected unversioned provider), or NULL. */
const struct pare_spkg *pare_engine_chosen(const struct pare_engine *e, const struct pare_sname *n);
/* Version at which p claims n (own name or versioned provide); *unv set
 * when p only provides n without a version; false if p does not. */
bool pare_engine_claim(const struct pare_spkg *p, const struct pare_sname *n,
		       struct pare_slice *version, bool *unv);
/* Is the atom satisfied by the current selection (conflicts: excluding src)? */
bool pare_engine_dep_holds(const struct pare_engine *e, const struct pare_sdep *d,
			   const struct pare_spkg *src);
/* Does any pinning allow p for name n? *tag receives the tag to use. */
bool pare_engine_pinning_ok(const struct pare_engine *e, const struct pare_sname *n,
			    const struct pare_spkg *p, uint8_t *tag);

/* order.c: the change set (success) or the walk order of the best-effort
 * selection (soft) into sol. */
int pare_order_changes(struct pare_engine *e);
int pare_order_walk(struct pare_engine *e, const struct pare_spkg ***out, uint32_t *n);
/* explain.c */
int pare_explain(struct pare_engine *e);

#endif
