/* Engine set-up: per-name state from the request, and the prefilter that
 * removes packages which can never be installed. */
#include "solver/engine.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "solver/svec.h"

#define DEFAULT_BUDGET 100000

static bool self_conflicting(const struct pare_spkg *p)
{
	for (uint32_t i = 0; i < p->nprovides; i++) {
		const struct pare_sdep *a = &p->provides[i];
		if (a->name == p->name)
			return true;
		for (uint32_t j = 0; j < i; j++)
			if (p->provides[j].name == a->name && a->version.len &&
			    p->provides[j].version.len)
				return true;
	}
	return false;
}

/* Does world atom d exclude p? */
static bool world_excludes(const struct pare_sdep *d, const struct pare_spkg *p)
{
	struct pare_slice v;
	bool unv;
	if (!pare_engine_claim(p, d->name, &v, &unv))
		return false;
	if (d->conflict)
		return pare_sdep_matches(d, p, v, unv);
	return !unv && !pare_sdep_matches(d, p, v, false);
}

/* Repositories --no-network leaves usable: the local ones (apk masks only
 * remote repositories). */
static uint64_t local_repos(const struct pare_universe *u)
{
	uint64_t m = 0;
	for (uint32_t r = 0; r < u->nrepos && r < 64; r++)
		if (!u->repos[r].remote)
			m |= 1ULL << r;
	return m;
}

static void mark_static(struct pare_engine *e)
{
	const struct pare_universe *u = e->u;
	uint64_t local = local_repos(u);
	for (uint32_t i = 0; i < u->npkgs; i++) {
		const struct pare_spkg *p = u->pkgs[i];
		uint8_t b = 0;
		if (p->flags & PARE_SPKG_BROKEN)
			b |= BAD_BROKEN;
		if (!pare_spkg_arch_ok(u, p))
			b |= BAD_ARCH;
		if (self_conflicting(p))
			b |= BAD_SELF;
		if (e->req->no_network && !(p->flags & (PARE_SPKG_INSTALLED | PARE_SPKG_CACHED)) &&
		    !(p->repos & local))
			b |= BAD_NET;
		e->bad[i] = b;
	}
	for (size_t w = 0; w < e->req->nworld; w++) {
		const struct pare_sdep *d = &e->req->world[w];
		for (uint32_t i = 0; i < d->name->nclaims; i++)
			if (world_excludes(d, d->name->claims[i].pkg))
				e->bad[d->name->claims[i].pkg->id] |= BAD_WORLD;
		for (uint32_t i = 0; d->conflict && i < d->name->uprov.n; i++)
			if (world_excludes(d, d->name->uprov.v[i]))
				e->bad[((struct pare_spkg *)d->name->uprov.v[i])->id] |= BAD_WORLD;
	}
}

/* Can some package not excluded by `mask` satisfy d? */
static bool dep_possible(const struct pare_engine *e, const struct pare_sdep *d, uint8_t mask)
{
	const struct pare_sname *n = d->name;
	for (uint32_t i = 0; i < n->nclaims; i++) {
		const struct pare_sclaim *c = &n->claims[i];
		if (!(e->bad[c->pkg->id] & mask) && pare_sdep_matches(d, c->pkg, c->version, false))
			return true;
	}
	if (d->version.len || d->checksum)
		return false;
	for (uint32_t i = 0; i < n->uprov.n; i++)
		if (!(e->bad[((struct pare_spkg *)n->uprov.v[i])->id] & mask))
			return true;
	return false;
}

static bool deps_possible(const struct pare_engine *e, const struct pare_spkg *p, uint8_t mask)
{
	for (uint32_t i = 0; i < p->ndepends; i++)
		if (!p->depends[i].conflict && !dep_possible(e, &p->depends[i], mask))
			return false;
	return true;
}

/* Mark packages whose dependencies cannot hold: one level (BAD_DISQ, as
 * the explanation ranks candidates) then to a fixpoint (BAD_DEEP). */
static int disqualify(struct pare_engine *e)
{
	const struct pare_universe *u = e->u;
	const uint8_t first = BAD_HARD | BAD_WORLD;
	for (uint32_t i = 0; i < u->npkgs; i++)
		if (!deps_possible(e, u->pkgs[i], first))
			e->bad[i] |= BAD_DISQ;
	struct pare_svec work = { 0 };
	for (uint32_t i = 0; i < u->npkgs; i++)
		if (e->bad[i] && pare_svec_push(&work, u->pkgs[i]) < 0)
			goto nomem;
	while (work.n) {
		const struct pare_spkg *p = work.v[--work.n];
		for (uint32_t k = 0; k <= p->nprovides; k++) {
			const struct pare_sname *n = k == 0 ? p->name : p->provides[k - 1].name;
			for (uint32_t j = 0; j < n->rdeps.n; j++) {
				const struct pare_sname *rn = n->rdeps.v[j];
				for (uint32_t m = 0; m < rn->own.n; m++) {
					struct pare_spkg *q = rn->own.v[m];
					if (e->bad[q->id] || deps_possible(e, q, 0xff))
						continue;
					e->bad[q->id] |= BAD_DEEP;
					if (pare_svec_push(&work, q) < 0)
						goto nomem;
				}
			}
		}
	}
	pare_svec_release(&work);
	return 0;
nomem:
	pare_svec_release(&work);
	return -ENOMEM;
}

static void set_name_state(struct pare_engine *e)
{
	const struct pare_solve_request *req = e->req;
	for (uint32_t i = 0; i < e->u->nnames; i++) {
		e->allowed[i] = 1;
		e->nflags[i] = i < req->nname_flags && req->name_flags ? req->name_flags[i] : 0;
	}
	for (size_t w = 0; w < req->nworld; w++) {
		const struct pare_sdep *d = &req->world[w];
		e->world_refs[d->name->id]++;
		if (d->tag && !d->conflict) {
			e->allowed[d->name->id] |= UINT64_C(1) << d->tag;
			e->pref_tag[d->name->id] = d->tag;
		}
	}
}

#define ZALLOC(field, count)                                              \
	do {                                                              \
		e->field = calloc((count) ? (count) : 1, sizeof(*e->field)); \
		if (!e->field)                                            \
			return -ENOMEM;                                   \
	} while (0)

int pare_engine_init(struct pare_engine *e, const struct pare_universe *u,
		     const struct pare_solve_request *req, struct pare_solution *sol)
{
	memset(e, 0, sizeof(*e));
	e->u = u;
	e->req = req;
	e->sol = sol;
	e->budget = req->budget ? req->budget : DEFAULT_BUDGET;
	uint32_t nn = u->nnames, np = u->npkgs;
	ZALLOC(owner, nn);
	ZALLOC(uprov_n, nn);
	ZALLOC(cons_head, nn);
	ZALLOC(allowed, nn);
	ZALLOC(pref_tag, nn);
	ZALLOC(nflags, nn);
	ZALLOC(world_refs, nn);
	ZALLOC(bad, np);
	ZALLOC(sel, np);
	ZALLOC(sel_tag, np);
	ZALLOC(sel_index, np);
	ZALLOC(name_failed, nn);
	for (uint32_t i = 0; i < nn; i++)
		e->cons_head[i] = -1;
	set_name_state(e);
	mark_static(e);
	return disqualify(e);
}

void pare_engine_reset(struct pare_engine *e)
{
	uint32_t nn = e->u->nnames, np = e->u->npkgs;
	memset(e->owner, 0, nn * sizeof(*e->owner));
	memset(e->uprov_n, 0, nn * sizeof(*e->uprov_n));
	for (uint32_t i = 0; i < nn; i++)
		e->cons_head[i] = -1;
	memset(e->pref_tag, 0, nn * sizeof(*e->pref_tag));
	memset(e->world_refs, 0, nn * sizeof(*e->world_refs));
	set_name_state(e);
	memset(e->sel, 0, np);
	memset(e->name_failed, 0, nn);
	e->ncons = e->ntrail = e->nagenda = e->ncand = e->nchoices = e->nsel = 0;
	memset(e->cursor, 0, sizeof(e->cursor));
}

void pare_engine_release(struct pare_engine *e)
{
	if (!e)
		return;
	free(e->owner);
	free(e->uprov_n);
	free(e->cons_head);
	free(e->allowed);
	free(e->pref_tag);
	free(e->nflags);
	free(e->world_refs);
	free(e->bad);
	free(e->sel);
	free(e->sel_tag);
	free(e->sel_index);
	free(e->cons);
	free(e->trail);
	free(e->agenda);
	free(e->cand);
	free(e->choices);
	free(e->selorder);
	free(e->name_failed);
	pare_svec_release(&e->wanted);
	free(e->forced);
	memset(e, 0, sizeof(*e));
}

const struct pare_spkg *pare_engine_chosen(const struct pare_engine *e, const struct pare_sname *n)
{
	if (e->owner[n->id])
		return e->owner[n->id];
	const struct pare_spkg *best = NULL;
	for (uint32_t i = 0; i < n->uprov.n; i++) {
		const struct pare_spkg *q = n->uprov.v[i];
		if (e->sel[q->id] && (!best || e->sel_index[q->id] < e->sel_index[best->id]))
			best = q;
	}
	return best;
}
