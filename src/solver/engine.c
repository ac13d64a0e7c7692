/* The search: candidates in preference order, propagation of
 * dependencies and conflicts, chronological backtracking with a trail. */
#include "solver/engine.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "apk/version.h"
#include "solver/svec.h"

enum { U_OWNER, U_UPROV, U_CONS, U_ALLOWED, U_SEL };

#define SKIP_CAND ((struct pare_spkg *)NULL)

static int push_undo(struct pare_engine *e, uint8_t kind, uint32_t idx, uint64_t old,
		     const void *oldp)
{
	if (e->soft)
		return 0;
	if (pare_sgrow((void **)&e->trail, &e->trail_cap, e->ntrail, sizeof(*e->trail)) < 0)
		return -ENOMEM;
	e->trail[e->ntrail++] = (struct pare_undo){ kind, idx, old, oldp };
	return 0;
}

static void undo_one(struct pare_engine *e, const struct pare_undo *x)
{
	switch (x->kind) {
	case U_OWNER: e->owner[x->idx] = x->oldp; break;
	case U_UPROV: e->uprov_n[x->idx]--; break;
	case U_CONS: e->cons_head[x->idx] = (int32_t)x->old; break;
	case U_ALLOWED: e->allowed[x->idx] = x->old; break;
	case U_SEL:
		e->sel[x->idx] = 0;
		e->nsel--;
		break;
	}
}

static void undo_to(struct pare_engine *e, const struct pare_choice *c)
{
	while (e->ntrail > c->trail_len)
		undo_one(e, &e->trail[--e->ntrail]);
	e->ncons = c->cons_len;
	e->nagenda = c->agenda_len;
	e->ncand = c->cand_len + c->ncand;
	memcpy(e->cursor, c->cursor, sizeof(e->cursor));
}

static unsigned name_flags(const struct pare_engine *e, const struct pare_sname *n)
{
	return e->nflags[n->id] | e->req->flags;
}

static unsigned upgrading(const struct pare_engine *e, const struct pare_sname *n)
{
	unsigned f = name_flags(e, n);
	return (f & PARE_SOLVE_UPGRADE) && !(e->nflags[n->id] & PARE_SOLVE_HOLD);
}

bool pare_engine_claim(const struct pare_spkg *p, const struct pare_sname *n,
		       struct pare_slice *version, bool *unv)
{
	*unv = false;
	if (p->name == n) {
		*version = p->version;
		return true;
	}
	bool found = false;
	for (uint32_t i = 0; i < p->nprovides; i++) {
		if (p->provides[i].name != n)
			continue;
		if (p->provides[i].version.len) {
			*version = p->provides[i].version;
			*unv = false;
			return true;
		}
		found = true;
	}
	if (found) {
		*version = PARE_SLICE_NULL;
		*unv = true;
	}
	return found;
}

bool pare_engine_dep_holds(const struct pare_engine *e, const struct pare_sdep *d,
			   const struct pare_spkg *src)
{
	const struct pare_spkg *o = e->owner[d->name->id];
	struct pare_slice v;
	bool unv;
	if (d->conflict) {
		if (o && o != src && pare_engine_claim(o, d->name, &v, &unv) &&
		    pare_sdep_matches(d, o, v, false))
			return false;
		if (d->version.len == 0 && !d->checksum) {
			for (uint32_t i = 0; i < d->name->uprov.n; i++) {
				const struct pare_spkg *q = d->name->uprov.v[i];
				if (q != src && e->sel[q->id])
					return false;
			}
		}
		return true;
	}
	if (o)
		return pare_engine_claim(o, d->name, &v, &unv) && pare_sdep_matches(d, o, v, false);
	return d->version.len == 0 && !d->checksum && e->uprov_n[d->name->id] > 0;
}

static bool pinning_mask_ok(const struct pare_engine *e, const struct pare_sname *n,
			    const struct pare_spkg *p, uint64_t allowed, uint8_t *tag)
{
	uint8_t pref = e->pref_tag[n->id];
	uint64_t avail = 0;
	for (uint32_t r = 0; r < e->u->nrepos; r++)
		if (p->repos & (UINT64_C(1) << r))
			avail |= UINT64_C(1) << e->u->repos[r].tag;
	if ((p->flags & PARE_SPKG_INSTALLED) && (allowed & (UINT64_C(1) << p->installed_tag))) {
		*tag = p->installed_tag;
		return true;
	}
	if (p->flags & PARE_SPKG_CACHED)
		avail |= 1;
	uint64_t ok = avail & allowed;
	if (!ok)
		return false;
	if (ok & (UINT64_C(1) << pref))
		*tag = pref;
	else if (ok & 1)
		*tag = 0;
	else
		*tag = (uint8_t)__builtin_ctzll(ok);
	return true;
}

bool pare_engine_pinning_ok(const struct pare_engine *e, const struct pare_sname *n,
			    const struct pare_spkg *p, uint8_t *tag)
{
	return pinning_mask_ok(e, n, p, e->allowed[n->id], tag);
}

/* An install_if package may also come from the tags of the packages that
 * trigger it. */
static bool iif_pinning_ok(const struct pare_engine *e, const struct pare_spkg *q, uint8_t *tag)
{
	uint64_t mask = e->allowed[q->name->id];
	for (uint32_t i = 0; i < q->ninstall_if; i++) {
		const struct pare_sdep *d = &q->install_if[i];
		const struct pare_spkg *c = d->conflict ? NULL : pare_engine_chosen(e, d->name);
		if (c)
			mask |= UINT64_C(1) << e->sel_tag[c->id];
	}
	return pinning_mask_ok(e, q->name, q, mask, tag);
}

/* Does p come from the name's preferred tag? */
static bool preferred_pin(const struct pare_engine *e, const struct pare_sname *n,
			  const struct pare_spkg *p)
{
	uint8_t pref = e->pref_tag[n->id];
	if ((p->flags & PARE_SPKG_INSTALLED) && p->installed_tag == pref &&
	    !(e->nflags[p->name->id] & PARE_SOLVE_REMOVED))
		return true;
	if (pref == 0 && (p->flags & PARE_SPKG_CACHED))
		return true;
	for (uint32_t r = 0; r < e->u->nrepos; r++)
		if ((p->repos & (UINT64_C(1) << r)) && e->u->repos[r].tag == pref)
			return true;
	return false;
}

static int lowest_repo(const struct pare_spkg *p)
{
	return p->repos ? __builtin_ctzll(p->repos) : 64;
}

struct cmp_ctx {
	const struct pare_engine *e;
	const struct pare_sname *n;
};

static bool keep_installed(const struct pare_engine *e, const struct pare_sname *n,
			   const struct pare_spkg *p)
{
	return (p->flags & PARE_SPKG_INSTALLED) && !upgrading(e, n) && !upgrading(e, p->name) &&
	       !(e->nflags[p->name->id] & PARE_SOLVE_REMOVED);
}

#define PREFER(x, y)                     \
	do {                             \
		bool x_ = (x), y_ = (y); \
		if (x_ != y_)            \
			return x_ ? -1 : 1; \
	} while (0)

/* Preference order of two candidates for name n: <0 when a is better. */
static int prefer(const struct pare_engine *e, const struct pare_sname *n,
		  const struct pare_spkg *a, const struct pare_spkg *b)
{
	struct pare_slice va, vb;
	bool ua, ub;
	PREFER(preferred_pin(e, n, a), preferred_pin(e, n, b));
	if (name_flags(e, n) & PARE_SOLVE_AVAILABLE)
		PREFER(a->repos != 0, b->repos != 0);
	PREFER(keep_installed(e, n, a), keep_installed(e, n, b));
	if (a->provider_priority != b->provider_priority)
		return a->provider_priority > b->provider_priority ? -1 : 1;
	pare_engine_claim(a, n, &va, &ua);
	pare_engine_claim(b, n, &vb, &ub);
	if (!ua && !ub) {
		int c = pare_version_compare(va, vb);
		if (c != PARE_VERSION_EQUAL)
			return c == PARE_VERSION_GREATER ? -1 : 1;
	}
	PREFER(a->name == n, b->name == n);
	if (a->name == b->name) {
		int c = pare_version_compare(a->version, b->version);
		if (c != PARE_VERSION_EQUAL)
			return c == PARE_VERSION_GREATER ? -1 : 1;
	}
	PREFER((a->flags & PARE_SPKG_INSTALLED) != 0, (b->flags & PARE_SPKG_INSTALLED) != 0);
	if (lowest_repo(a) != lowest_repo(b))
		return lowest_repo(a) < lowest_repo(b) ? -1 : 1;
	int c = pare_slice_cmp(a->name->str, b->name->str);
	if (c)
		return c;
	return a->id < b->id ? -1 : a->id > b->id;
}

static int cmp_cand(const void *pa, const void *pb, void *ctx)
{
	const struct cmp_ctx *c = ctx;
	return prefer(c->e, c->n, *(struct pare_spkg *const *)pa, *(struct pare_spkg *const *)pb);
}

/* LATEST: p must be the best version of its own name within pinning. */
static bool is_latest(const struct pare_engine *e, const struct pare_sname *n,
		      const struct pare_spkg *p)
{
	if (!(name_flags(e, n) & PARE_SOLVE_LATEST) || p->name != n)
		return true;
	const struct pare_spkg *best = NULL;
	for (uint32_t i = 0; i < n->own.n; i++) {
		const struct pare_spkg *q = n->own.v[i];
		uint8_t t;
		if ((e->bad[q->id] & (BAD_BROKEN | BAD_ARCH)) || !pare_engine_pinning_ok(e, n, q, &t))
			continue;
		if (!best || prefer(e, n, q, best) < 0)
			best = q;
	}
	return !best || pare_version_compare(p->version, best->version) == PARE_VERSION_EQUAL;
}

static bool claim_satisfies_cons(const struct pare_engine *e, const struct pare_sname *n,
				 const struct pare_spkg *p, struct pare_slice v, bool unv)
{
	for (int32_t c = e->cons_head[n->id]; c >= 0; c = e->cons[c].next) {
		const struct pare_cons *k = &e->cons[c];
		if (k->dep->conflict) {
			if (k->src != p && pare_sdep_matches(k->dep, p, v, unv))
				return false;
		} else if (!unv && !pare_sdep_matches(k->dep, p, v, false)) {
			return false;
		}
	}
	return true;
}

/* Number of constraints on n that the claim breaks (soft mode). */
static uint32_t claim_violations(const struct pare_engine *e, const struct pare_sname *n,
				 const struct pare_spkg *p, struct pare_slice v, bool unv)
{
	uint32_t bad = 0;
	for (int32_t c = e->cons_head[n->id]; c >= 0; c = e->cons[c].next) {
		const struct pare_cons *k = &e->cons[c];
		if (k->dep->conflict)
			bad += k->src != p && pare_sdep_matches(k->dep, p, v, unv);
		else
			bad += !unv && !pare_sdep_matches(k->dep, p, v, false);
	}
	return bad;
}

static int push_agenda(struct pare_engine *e, uint32_t name, uint8_t cls)
{
	if (pare_sgrow((void **)&e->agenda, &e->agenda_cap, e->nagenda, sizeof(*e->agenda)) < 0)
		return -ENOMEM;
	e->agenda[e->nagenda++] = (struct pare_item){ name, cls };
	return 0;
}

static uint8_t dep_class(const struct pare_sname *n, bool world)
{
	if (n->own.n)
		return world ? CLS_WORLD : CLS_DEP;
	if (n->nclaims)
		return world ? CLS_WORLD_PROV : CLS_DEP_PROV;
	return world ? CLS_WORLD_VIRT : CLS_DEP_VIRT;
}

/* Record a constraint; 0, 1 on conflict (hard mode), or -ENOMEM. */
static int add_cons(struct pare_engine *e, const struct pare_sdep *d, const struct pare_spkg *src)
{
	uint32_t id = d->name->id;
	if (pare_sgrow((void **)&e->cons, &e->cons_cap, e->ncons, sizeof(*e->cons)) < 0 ||
	    push_undo(e, U_CONS, id, (uint64_t)(int64_t)e->cons_head[id], NULL) < 0)
		return -ENOMEM;
	e->cons[e->ncons] = (struct pare_cons){ d, src, e->cons_head[id] };
	e->cons_head[id] = (int32_t)e->ncons++;
	if (pare_engine_dep_holds(e, d, src))
		return 0;
	if (d->conflict || e->owner[id])
		return e->soft ? 0 : 1;
	return push_agenda(e, id, dep_class(d->name, src == NULL));
}

static int set_allowed(struct pare_engine *e, uint32_t name, uint64_t bits)
{
	if ((e->allowed[name] | bits) == e->allowed[name])
		return 0;
	if (push_undo(e, U_ALLOWED, name, e->allowed[name], NULL) < 0)
		return -ENOMEM;
	e->allowed[name] |= bits;
	return 0;
}

/* Can p be added to the selection (names free, constraints kept)? */
static bool can_select(const struct pare_engine *e, const struct pare_spkg *p)
{
	struct pare_slice v;
	bool unv;
	for (uint32_t i = 0; i <= p->nprovides; i++) {
		const struct pare_sname *n = i == 0 ? p->name : p->provides[i - 1].name;
		if (!pare_engine_claim(p, n, &v, &unv))
			continue;
		if (!unv && e->owner[n->id] && e->owner[n->id] != p)
			return false;
		if (!claim_satisfies_cons(e, n, p, v, unv))
			return false;
	}
	return true;
}

static bool iif_triggered(const struct pare_engine *e, const struct pare_spkg *q)
{
	if (q->ninstall_if == 0)
		return false;
	for (uint32_t i = 0; i < q->ninstall_if; i++)
		if (!pare_engine_dep_holds(e, &q->install_if[i], q))
			return false;
	return true;
}

static int check_iif(struct pare_engine *e, const struct pare_sname *n)
{
	for (uint32_t i = 0; i < n->riif.n; i++) {
		const struct pare_spkg *q = n->riif.v[i];
		if (e->sel[q->id] || e->bad[q->id] || e->owner[q->name->id] || !iif_triggered(e, q))
			continue;
		if (push_agenda(e, q->name->id, CLS_IIF) < 0)
			return -ENOMEM;
	}
	return 0;
}

static int take_names(struct pare_engine *e, const struct pare_spkg *p)
{
	struct pare_slice v;
	bool unv;
	for (uint32_t i = 0; i <= p->nprovides; i++) {
		const struct pare_sname *n = i == 0 ? p->name : p->provides[i - 1].name;
		if (i > 0 && n == p->name)
			continue;
		/* a name provided twice is claimed once */
		bool seen = false;
		for (uint32_t j = 0; j + 1 < i && !seen; j++)
			seen = p->provides[j].name == n;
		if (seen || !pare_engine_claim(p, n, &v, &unv))
			continue;
		if (unv) {
			if (push_undo(e, U_UPROV, n->id, 0, NULL) < 0)
				return -ENOMEM;
			e->uprov_n[n->id]++;
		} else if (!e->owner[n->id]) {
			if (push_undo(e, U_OWNER, n->id, 0, e->owner[n->id]) < 0)
				return -ENOMEM;
			e->owner[n->id] = p;
		}
	}
	return 0;
}

/* Add p.  0, 1 on conflict (hard mode), -ENOMEM. */
static int select_pkg(struct pare_engine *e, const struct pare_spkg *p, uint8_t tag, bool iif)
{
	if (e->sel[p->id])
		return 0;
	if (!e->soft && !can_select(e, p))
		return 1;
	if (pare_sgrow((void **)&e->selorder, &e->selorder_cap, e->nsel, sizeof(*e->selorder)) < 0 ||
	    push_undo(e, U_SEL, p->id, 0, NULL) < 0)
		return -ENOMEM;
	e->sel[p->id] = iif ? 2 : 1;
	e->sel_tag[p->id] = tag;
	e->sel_index[p->id] = e->nsel;
	e->selorder[e->nsel++] = p;
	int r = take_names(e, p);
	for (uint32_t i = 0; r == 0 && i < p->ndepends; i++) {
		r = add_cons(e, &p->depends[i], p);
		if (r == 0 && tag)
			r = set_allowed(e, p->depends[i].name->id, UINT64_C(1) << tag);
	}
	for (uint32_t i = 0; r == 0 && iif && i < p->ninstall_if; i++)
		if (p->install_if[i].conflict)
			r = add_cons(e, &p->install_if[i], p);
	for (uint32_t i = 0; r == 0 && i <= p->nprovides; i++)
		r = check_iif(e, i == 0 ? p->name : p->provides[i - 1].name);
	return r;
}

/* Is the agenda item still open? */
static bool item_open(const struct pare_engine *e, const struct pare_item *it)
{
	const struct pare_sname *n = e->u->names[it->name];
	if (e->owner[it->name])
		return false;
	if (it->cls == CLS_IIF) {
		for (uint32_t i = 0; i < n->own.n; i++) {
			const struct pare_spkg *q = n->own.v[i];
			if (!e->sel[q->id] && !e->bad[q->id] && iif_triggered(e, q))
				return true;
		}
		return false;
	}
	for (int32_t c = e->cons_head[it->name]; c >= 0; c = e->cons[c].next)
		if (!e->cons[c].dep->conflict && !pare_engine_dep_holds(e, e->cons[c].dep, NULL))
			return true;
	return false;
}

static bool next_item(struct pare_engine *e, struct pare_item *out)
{
	for (int cls = 0; cls < CLS_N; cls++) {
		while (e->cursor[cls] < e->nagenda) {
			const struct pare_item *it = &e->agenda[e->cursor[cls]++];
			if (it->cls == cls && item_open(e, it)) {
				*out = *it;
				return true;
			}
		}
		/* later classes must rescan items added since */
	}
	return false;
}

static int push_cand(struct pare_engine *e, struct pare_spkg *p)
{
	if (pare_sgrow((void **)&e->cand, &e->cand_cap, e->ncand, sizeof(*e->cand)) < 0)
		return -ENOMEM;
	e->cand[e->ncand++] = p;
	return 0;
}

static bool cand_ok(const struct pare_engine *e, const struct pare_sname *n,
		    const struct pare_spkg *p, bool iif)
{
	struct pare_slice v;
	bool unv;
	uint8_t tag;
	if (e->bad[p->id] || e->sel[p->id])
		return false;
	if (iif)
		return iif_pinning_ok(e, p, &tag) && iif_triggered(e, p);
	if (!pare_engine_pinning_ok(e, n, p, &tag))
		return false;
	if (!pare_engine_claim(p, n, &v, &unv))
		return false;
	if (unv && !(p->flags & PARE_SPKG_HAS_PRIORITY) && !keep_installed(e, n, p))
		return false;
	return is_latest(e, n, p) && claim_satisfies_cons(e, n, p, v, unv);
}

/* Candidates for an item, best first, onto the candidate stack. */
static int gather(struct pare_engine *e, const struct pare_item *it, uint32_t *count)
{
	const struct pare_sname *n = e->u->names[it->name];
	bool iif = it->cls == CLS_IIF;
	uint32_t start = e->ncand;
	if (iif || n->nclaims) {
		for (uint32_t i = 0; i < (iif ? n->own.n : n->nclaims); i++) {
			struct pare_spkg *p = iif ? n->own.v[i] : n->claims[i].pkg;
			if (cand_ok(e, n, p, iif) && push_cand(e, p) < 0)
				return -ENOMEM;
		}
	} else {
		for (uint32_t i = 0; i < n->uprov.n; i++)
			if (cand_ok(e, n, n->uprov.v[i], false) && push_cand(e, n->uprov.v[i]) < 0)
				return -ENOMEM;
	}
	struct cmp_ctx ctx = { e, n };
	if (e->ncand - start > 1)
		qsort_r(e->cand + start, e->ncand - start, sizeof(*e->cand), cmp_cand, &ctx);
	if (iif && push_cand(e, SKIP_CAND) < 0)
		return -ENOMEM;
	*count = e->ncand - start;
	return 0;
}

static int open_choice(struct pare_engine *e, const struct pare_item *it)
{
	if (pare_sgrow((void **)&e->choices, &e->choices_cap, e->nchoices, sizeof(*e->choices)) < 0)
		return -ENOMEM;
	struct pare_choice *c = &e->choices[e->nchoices];
	c->name = it->name;
	c->iif = it->cls == CLS_IIF;
	c->cand_len = e->ncand;
	c->cand_off = e->ncand;
	int r = gather(e, it, &c->ncand);
	if (r < 0)
		return r;
	c->next = 0;
	c->trail_len = e->ntrail;
	c->cons_len = e->ncons;
	c->agenda_len = e->nagenda;
	memcpy(c->cursor, e->cursor, sizeof(c->cursor));
	e->nchoices++;
	return 0;
}

/* Try the next candidate of the top choice: 0 taken, 1 exhausted. */
static int advance(struct pare_engine *e)
{
	struct pare_choice *c = &e->choices[e->nchoices - 1];
	while (c->next < c->ncand) {
		undo_to(e, c);
		struct pare_spkg *p = e->cand[c->cand_off + c->next++];
		if (p == SKIP_CAND) {
			/* the install_if package did not fit: try it later with
			 * earlier choices revised (pare_engine_search) */
			if (c->next > 1 && pare_svec_push(&e->wanted, e->cand[c->cand_off]) < 0)
				return -ENOMEM;
			return 0;
		}
		uint8_t tag = 0;
		if (c->iif)
			iif_pinning_ok(e, p, &tag);
		else
			pare_engine_pinning_ok(e, e->u->names[c->name], p, &tag);
		int r = select_pkg(e, p, tag, c->iif);
		if (r <= 0)
			return r;
		e->backtracks++;
	}
	return 1;
}

static int add_world(struct pare_engine *e)
{
	for (size_t i = 0; i < e->req->nworld; i++) {
		int r = add_cons(e, &e->req->world[i], NULL);
		if (r)
			return r;
	}
	for (uint32_t i = 0; i < e->nforced; i++) {
		int r = add_cons(e, &e->forced[i], NULL);
		if (r)
			return r;
	}
	return 0;
}

static int search_once(struct pare_engine *e)
{
	e->soft = false;
	int r = add_world(e);
	if (r)
		return r < 0 ? r : 0;
	for (;;) {
		struct pare_item it;
		if (!next_item(e, &it))
			return 1;
		if ((r = open_choice(e, &it)) < 0)
			return r;
		while ((r = advance(e)) == 1) {
			e->nchoices--;
			e->backtracks++;
			if (e->nchoices == 0 || e->backtracks > e->budget) {
				e->sol->budget_exhausted = e->backtracks > e->budget;
				return 0;
			}
		}
		if (r < 0)
			return r;
	}
}

/* ---- Best effort (for the explanation). */

struct soft_score {
	uint8_t world, hard, disq;
	uint32_t viol;
};

static uint32_t other_name_clashes(const struct pare_engine *e, const struct pare_spkg *p,
				   const struct pare_sname *skip)
{
	struct pare_slice v;
	bool unv;
	uint32_t n = 0;
	for (uint32_t i = 0; i <= p->nprovides; i++) {
		const struct pare_sname *nm = i == 0 ? p->name : p->provides[i - 1].name;
		if (nm == skip || !pare_engine_claim(p, nm, &v, &unv))
			continue;
		if (!unv && e->owner[nm->id] && e->owner[nm->id] != p)
			n++;
		n += claim_violations(e, nm, p, v, unv);
	}
	return n;
}

static struct soft_score score(const struct pare_engine *e, const struct pare_sname *n,
			       const struct pare_spkg *p)
{
	struct soft_score s;
	struct pare_slice v;
	bool unv;
	uint8_t tag;
	uint8_t b = e->bad[p->id];
	s.world = (b & BAD_WORLD) != 0;
	s.hard = (b & BAD_HARD) || !pare_engine_pinning_ok(e, n, p, &tag);
	s.disq = (b & BAD_DISQ) != 0;
	pare_engine_claim(p, n, &v, &unv);
	s.viol = claim_violations(e, n, p, v, unv) + other_name_clashes(e, p, n);
	return s;
}

static int score_cmp(struct soft_score a, struct soft_score b)
{
	if (a.world != b.world)
		return a.world < b.world ? -1 : 1;
	if (a.hard != b.hard)
		return a.hard < b.hard ? -1 : 1;
	if (a.disq != b.disq)
		return a.disq < b.disq ? -1 : 1;
	if (a.viol != b.viol)
		return a.viol < b.viol ? -1 : 1;
	return 0;
}

static const struct pare_spkg *soft_pick(const struct pare_engine *e, const struct pare_item *it)
{
	const struct pare_sname *n = e->u->names[it->name];
	const struct pare_spkg *best = NULL;
	struct soft_score bs = { 0 };
	if (it->cls == CLS_IIF || n->nclaims == 0) {
		uint32_t cnt = it->cls == CLS_IIF ? n->own.n : n->uprov.n;
		for (uint32_t i = 0; i < cnt; i++) {
			const struct pare_spkg *p = it->cls == CLS_IIF ? n->own.v[i] : n->uprov.v[i];
			if (cand_ok(e, n, p, it->cls == CLS_IIF) && can_select(e, p) &&
			    (!best || prefer(e, n, p, best) < 0))
				best = p;
		}
		return best;
	}
	for (uint32_t i = 0; i < n->nclaims; i++) {
		const struct pare_spkg *p = n->claims[i].pkg;
		if (e->sel[p->id] || !is_latest(e, n, p))
			continue;
		struct soft_score s = score(e, n, p);
		int c = best ? score_cmp(s, bs) : -1;
		if (c < 0 || (c == 0 && prefer(e, n, p, best) < 0)) {
			best = p;
			bs = s;
		}
	}
	return best;
}

int pare_engine_best_effort(struct pare_engine *e)
{
	pare_engine_reset(e);
	e->soft = true;
	int r = add_world(e);
	struct pare_item it;
	while (r >= 0 && next_item(e, &it)) {
		const struct pare_spkg *p = soft_pick(e, &it);
		if (!p) {
			if (it.cls != CLS_IIF)
				e->name_failed[it.name] = 1;
			continue;
		}
		uint8_t tag = 0;
		if (!pare_engine_pinning_ok(e, e->u->names[it.name], p, &tag))
			tag = p->repos ? e->u->repos[__builtin_ctzll(p->repos)].tag : 0;
		r = select_pkg(e, p, tag, it.cls == CLS_IIF);
	}
	return r < 0 ? r : 0;
}

#define MAX_IIF_RESTARTS 16

static int force(struct pare_engine *e, const struct pare_spkg *q)
{
	if (pare_sgrow((void **)&e->forced, &e->forced_cap, e->nforced, sizeof(*e->forced)) < 0)
		return -ENOMEM;
	e->forced[e->nforced++] = (struct pare_sdep){
		.name = q->name, .version = q->version, .op = PARE_VERSION_EQUAL,
	};
	return 0;
}

/* Search; then, for each install_if package that triggered but could not
 * be added next to the earlier choices, search again with it required, and
 * keep that selection when it holds (its conditions still true). */
int pare_engine_search(struct pare_engine *e)
{
	int r = search_once(e);
	for (uint32_t k = 0; r == 1 && k < e->wanted.n && k < MAX_IIF_RESTARTS; k++) {
		const struct pare_spkg *q = e->wanted.v[k];
		if (e->sel[q->id])
			continue;
		pare_engine_reset(e);
		if ((r = force(e, q)) < 0)
			return r;
		r = search_once(e);
		if (r == 1 && e->sel[q->id] && iif_triggered(e, q))
			continue;
		e->nforced--;
		pare_engine_reset(e);
		r = search_once(e);
	}
	return r;
}
