/* pare_solve(): search, then the change set or the explanation. */
#include "solver/solver.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "solver/engine.h"

void pare_solution_init(struct pare_solution *s)
{
	memset(s, 0, sizeof(*s));
}

void pare_solution_release(struct pare_solution *s)
{
	if (!s)
		return;
	for (uint32_t i = 0; i < s->nproblems; i++) {
		struct pare_problem *p = &s->problems[i];
		free(p->required_by.v);
		free(p->provided_by.v);
		free(p->conflicts.v);
		free(p->breaks.v);
		free(p->satisfies.v);
	}
	free(s->problems);
	free(s->changes);
	free(s->selected);
	free(s->selected_tag);
	memset(s, 0, sizeof(*s));
}

bool pare_solution_has(const struct pare_solution *s, const struct pare_spkg *p)
{
	for (uint32_t i = 0; i < s->nselected; i++)
		if (s->selected[i] == p)
			return true;
	return false;
}

static int copy_selection(struct pare_engine *e, struct pare_solution *sol)
{
	sol->selected = calloc(e->nsel + 1, sizeof(*sol->selected));
	sol->selected_tag = calloc(e->nsel + 1, 1);
	if (!sol->selected || !sol->selected_tag)
		return -ENOMEM;
	for (uint32_t i = 0; i < e->nsel; i++) {
		const struct pare_spkg *p = e->selorder[i];
		sol->selected[i] = p;
		sol->selected_tag[i] = e->sel_tag[p->id];
		sol->installed_size += p->installed_size;
	}
	sol->nselected = e->nsel;
	return 0;
}

/* Names no package can stand for on its own: nothing claims them and no
 * unversioned provider has a priority. */
static bool hopeless(const struct pare_sname *n)
{
	if (n->nclaims)
		return false;
	for (uint32_t i = 0; i < n->uprov.n; i++)
		if (((const struct pare_spkg *)n->uprov.v[i])->flags & PARE_SPKG_HAS_PRIORITY)
			return false;
	return true;
}

/* The selection to explain: the world without its hopeless atoms, when
 * that is satisfiable (so that a missing name does not disturb the rest);
 * else apk's best effort over the whole world. */
static int explain(struct pare_engine *e, const struct pare_solve_request *req)
{
	struct pare_solve_request reduced = *req;
	struct pare_sdep *w = calloc(req->nworld + 1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	reduced.world = w;
	reduced.nworld = 0;
	for (size_t i = 0; i < req->nworld; i++)
		if (req->world[i].conflict || !hopeless(req->world[i].name))
			w[reduced.nworld++] = req->world[i];
	int r = 0;
	if (reduced.nworld < req->nworld) {
		struct pare_engine re;
		r = pare_engine_init(&re, e->u, &reduced, e->sol);
		if (r == 0 && (r = pare_engine_search(&re)) == 1) {
			re.req = req;
			for (size_t i = 0; i < req->nworld; i++) {
				const struct pare_sname *n = req->world[i].name;
				const struct pare_spkg *c = pare_engine_chosen(&re, n);
				if (!req->world[i].conflict && hopeless(n) && (!c || re.sel[c->id] != 1))
					re.name_failed[n->id] = 1;
			}
			r = pare_explain(&re);
			if (r == 0)
				r = 2;
		}
		pare_engine_release(&re);
	}
	free(w);
	if (r == 2)
		return 0;
	if (r < 0)
		return r;
	r = pare_engine_best_effort(e);
	return r < 0 ? r : pare_explain(e);
}

int pare_solve(const struct pare_universe *u, const struct pare_solve_request *req,
	       struct pare_solution *sol, struct pare_error *err)
{
	struct pare_engine e;
	pare_solution_release(sol);
	int r = pare_engine_init(&e, u, req, sol);
	if (r == 0)
		r = pare_engine_search(&e);
	sol->backtracks = e.backtracks;
	if (r == 1) {
		sol->ok = true;
		r = pare_order_changes(&e);
		if (r == 0)
			r = copy_selection(&e, sol);
	} else if (r == 0) {
		sol->ok = false;
		r = explain(&e, req);
	}
	pare_engine_release(&e);
	if (r < 0)
		return pare_error_set(err, r, "solver: out of memory");
	return 0;
}
