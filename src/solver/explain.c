/* Problems of a best-effort selection, in apk's terms: names nothing
 * provides, virtual names with no automatic provider, and packages that
 * are uninstallable, masked, in conflict or breaking a dependency (with
 * what they satisfy). */
#include "solver/engine.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "solver/svec.h"

static int push_reason(struct pare_reasons *r, const struct pare_spkg *p, const struct pare_sdep *d)
{
	for (uint32_t i = 0; i < r->n; i++)
		if (r->v[i].pkg == p && r->v[i].dep == d)
			return 0;
	if (pare_sgrow((void **)&r->v, &r->cap, r->n, sizeof(*r->v)) < 0)
		return -ENOMEM;
	r->v[r->n++] = (struct pare_reason){ p, d };
	return 0;
}

static struct pare_problem *new_problem(struct pare_solution *s, enum pare_problem_kind k)
{
	if (pare_sgrow((void **)&s->problems, &s->problems_cap, s->nproblems,
		       sizeof(*s->problems)) < 0)
		return NULL;
	struct pare_problem *p = &s->problems[s->nproblems++];
	memset(p, 0, sizeof(*p));
	p->kind = k;
	p->masked_tag = -1;
	return p;
}

/* World entries first (in world order), then packages by name, as apk
 * lists them. */
static int reason_cmp(const void *pa, const void *pb)
{
	const struct pare_reason *a = pa, *b = pb;
	if (!a->pkg || !b->pkg)
		return a->pkg ? 1 : b->pkg ? -1 : (a->dep > b->dep) - (a->dep < b->dep);
	int c = pare_slice_cmp(a->pkg->name->str, b->pkg->name->str);
	if (c)
		return c;
	return a->pkg->id != b->pkg->id ? (a->pkg->id > b->pkg->id ? 1 : -1)
					: (a->dep > b->dep) - (a->dep < b->dep);
}

static void sort_reasons(struct pare_reasons *r)
{
	if (r->n > 1)
		qsort(r->v, r->n, sizeof(*r->v), reason_cmp);
}

struct ctx {
	struct pare_engine *e;
	const struct pare_spkg **order;
	uint32_t norder;
	uint8_t *name_done;
};

/* Every requirer of n: world atoms, then selected packages (rdeps order). */
static int requirers(struct ctx *c, const struct pare_sname *n, struct pare_reasons *out)
{
	const struct pare_engine *e = c->e;
	for (size_t i = 0; i < e->req->nworld; i++)
		if (e->req->world[i].name == n && !e->req->world[i].conflict &&
		    push_reason(out, NULL, &e->req->world[i]) < 0)
			return -ENOMEM;
	for (uint32_t i = 0; i < n->rdeps.n; i++) {
		const struct pare_sname *rn = n->rdeps.v[i];
		for (uint32_t j = 0; j < rn->own.n; j++) {
			const struct pare_spkg *q = rn->own.v[j];
			if (!e->sel[q->id])
				continue;
			for (uint32_t k = 0; k < q->ndepends; k++)
				if (q->depends[k].name == n && !q->depends[k].conflict &&
				    push_reason(out, q, &q->depends[k]) < 0)
					return -ENOMEM;
		}
	}
	return 0;
}

static bool name_unsatisfied(const struct pare_engine *e, const struct pare_sname *n)
{
	if (n->nclaims)
		return false;
	return e->name_failed[n->id] || !pare_engine_chosen(e, n);
}

static int name_problem(struct ctx *c, const struct pare_sname *n)
{
	if (c->name_done[n->id] || !name_unsatisfied(c->e, n))
		return 0;
	c->name_done[n->id] = 1;
	struct pare_problem *p = new_problem(c->e->sol,
					     n->uprov.n ? PARE_PROBLEM_VIRTUAL : PARE_PROBLEM_MISSING);
	if (!p)
		return -ENOMEM;
	p->name = n;
	for (uint32_t i = 0; i < n->uprov.n; i++) {
		const struct pare_spkg *q = n->uprov.v[i];
		bool dup = false;
		for (uint32_t j = 0; j < p->provided_by.n && !dup; j++)
			dup = p->provided_by.v[j].pkg->name == q->name;
		if (!dup && push_reason(&p->provided_by, q, NULL) < 0)
			return -ENOMEM;
	}
	int r = requirers(c, n, &p->required_by);
	sort_reasons(&p->required_by);
	return r;
}

static int name_problems(struct ctx *c)
{
	const struct pare_solve_request *req = c->e->req;
	for (size_t i = 0; i < req->nworld; i++)
		if (!req->world[i].conflict && name_problem(c, req->world[i].name) < 0)
			return -ENOMEM;
	for (uint32_t i = 0; i < c->norder; i++) {
		const struct pare_spkg *p = c->order[i];
		if (p->flags & PARE_SPKG_BROKEN)
			continue;
		for (uint32_t j = 0; j < p->ndepends; j++)
			if (!p->depends[j].conflict && name_problem(c, p->depends[j].name) < 0)
				return -ENOMEM;
	}
	return 0;
}

/* Other claims on the names p claims (p's view: other[p's atom]). */
static int conflicts_of(struct ctx *c, const struct pare_spkg *p, struct pare_reasons *out)
{
	const struct pare_engine *e = c->e;
	struct pare_slice v;
	bool unv;
	for (uint32_t i = 0; i < p->name->nclaims; i++) {
		const struct pare_spkg *q = p->name->claims[i].pkg;
		if (q != p && e->sel[q->id] && push_reason(out, q, NULL) < 0)
			return -ENOMEM;
	}
	for (uint32_t i = 0; i < p->nprovides; i++) {
		const struct pare_sdep *d = &p->provides[i];
		const struct pare_sname *n = d->name;
		if (n == p->name) {
			if (push_reason(out, p, d) < 0)
				return -ENOMEM;
			continue;
		}
		for (uint32_t j = 0; d->version.len && j < p->nprovides; j++)
			if (j != i && p->provides[j].name == n && p->provides[j].version.len &&
			    push_reason(out, p, d) < 0)
				return -ENOMEM;
		for (uint32_t j = 0; d->version.len && j < n->nclaims; j++) {
			const struct pare_spkg *q = n->claims[j].pkg;
			if (q != p && e->sel[q->id] && pare_engine_claim(q, n, &v, &unv) && !unv &&
			    push_reason(out, q, d) < 0)
				return -ENOMEM;
		}
	}
	return 0;
}

/* Sort one atom on a name p claims into breaks or satisfies. */
static int judge(struct pare_problem *pr, const struct pare_spkg *p, const struct pare_spkg *src,
		 const struct pare_sdep *d)
{
	struct pare_slice v;
	bool unv;
	if (!pare_engine_claim(p, d->name, &v, &unv))
		return 0;
	bool hit = pare_sdep_matches(d, p, v, unv);
	if (src == p) /* its own conflicts do not count; its own unmet depends do */
		return !d->conflict && !hit && !unv ? push_reason(&pr->breaks, src, d) : 0;
	if (d->conflict)
		return hit ? push_reason(&pr->breaks, src, d) : 0;
	if (hit)
		return push_reason(&pr->satisfies, src, d);
	return unv ? 0 : push_reason(&pr->breaks, src, d);
}

static int judge_name(struct ctx *c, struct pare_problem *pr, const struct pare_sname *n)
{
	const struct pare_engine *e = c->e;
	const struct pare_spkg *p = pr->pkg;
	int r = 0;
	for (size_t i = 0; r == 0 && i < e->req->nworld; i++)
		if (e->req->world[i].name == n)
			r = judge(pr, p, NULL, &e->req->world[i]);
	for (uint32_t i = 0; r == 0 && i < n->rdeps.n; i++) {
		const struct pare_sname *rn = n->rdeps.v[i];
		for (uint32_t j = 0; r == 0 && j < rn->own.n; j++) {
			const struct pare_spkg *q = rn->own.v[j];
			for (uint32_t k = 0; r == 0 && e->sel[q->id] && k < q->ndepends; k++)
				if (q->depends[k].name == n)
					r = judge(pr, p, q, &q->depends[k]);
		}
	}
	return r;
}

static void mask_reasons(const struct pare_engine *e, struct pare_problem *pr)
{
	const struct pare_spkg *p = pr->pkg;
	uint8_t b = e->bad[p->id];
	pr->uninstallable = (b & (BAD_BROKEN | BAD_ARCH)) != 0;
	pr->bad_arch = (b & BAD_ARCH) != 0;
	pr->masked_network = (b & BAD_NET) != 0;
	uint8_t tag;
	if (!pare_engine_pinning_ok(e, p->name, p, &tag) && p->repos)
		pr->masked_tag = e->u->repos[__builtin_ctzll(p->repos)].tag;
}

static int package_problem(struct ctx *c, const struct pare_spkg *p)
{
	struct pare_problem pr;
	memset(&pr, 0, sizeof(pr));
	pr.kind = PARE_PROBLEM_PACKAGE;
	pr.pkg = p;
	pr.masked_tag = -1;
	mask_reasons(c->e, &pr);
	int r = conflicts_of(c, p, &pr.conflicts);
	for (uint32_t i = 0; r == 0 && i <= p->nprovides; i++) {
		const struct pare_sname *n = i == 0 ? p->name : p->provides[i - 1].name;
		bool seen = i > 0 && n == p->name;
		for (uint32_t j = 0; j + 1 < i && !seen; j++)
			seen = p->provides[j].name == n;
		if (!seen)
			r = judge_name(c, &pr, n);
	}
	sort_reasons(&pr.breaks);
	sort_reasons(&pr.satisfies);
	bool bad = pr.uninstallable || pr.masked_network || pr.masked_tag >= 0 || pr.conflicts.n ||
		   pr.breaks.n;
	if (r == 0 && bad) {
		struct pare_problem *slot = new_problem(c->e->sol, PARE_PROBLEM_PACKAGE);
		if (!slot)
			r = -ENOMEM;
		else
			*slot = pr;
	}
	if (r < 0 || !bad) {
		free(pr.conflicts.v);
		free(pr.breaks.v);
		free(pr.satisfies.v);
	}
	return r;
}

int pare_explain(struct pare_engine *e)
{
	struct ctx c = { .e = e };
	int r = pare_order_walk(e, &c.order, &c.norder);
	if (r < 0)
		return r;
	c.name_done = calloc(e->u->nnames + 1, 1);
	if (!c.name_done) {
		free(c.order);
		return -ENOMEM;
	}
	r = name_problems(&c);
	for (uint32_t i = 0; r == 0 && i < c.norder; i++)
		r = package_problem(&c, c.order[i]);
	free(c.name_done);
	free(c.order);
	return r;
}
