/* The universe's reverse maps (pare_universe_finalize, see universe.h).
 *
 * The first call (nothing indexed yet, the usual case: every index is
 * added, then the universe is finalized once) counts each name's entries
 * first and carves every vector out of one exactly sized block
 * (u->rev_block): no growth, no per-name allocation, and
 * pare_universe_release() frees one block.  Later calls append with growth
 * (a full block slot moves to its own allocation, see svec.h).
 *
 * Duplicates: a package is indexed once and pushes all of its entries in
 * one go, so "p already listed in n's claims/uprov/riif" means "p is the
 * last entry there".  rdeps list names, which several packages of one name
 * push: in the first call a name with one package has the same property
 * (its own count is known), only a name with several packages scans;
 * later calls scan.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/hashmap.h"
#include "solver/svec.h"
#include "solver/universe.h"

static int add_claim(struct pare_sname *n, struct pare_spkg *p, struct pare_slice version)
{
	if (n->nclaims && n->claims[n->nclaims - 1].pkg == p)
		return 0;
	uint32_t cap = n->claims_cap & ~PARE_SVEC_BORROWED;
	if (n->nclaims == cap) {
		uint32_t ncap = cap ? cap * 2 : 4;
		struct pare_sclaim *v;
		if (n->claims_cap & PARE_SVEC_BORROWED) {
			if ((v = malloc((size_t)ncap * sizeof(*v))))
				memcpy(v, n->claims, (size_t)n->nclaims * sizeof(*v));
		} else {
			v = realloc(n->claims, (size_t)ncap * sizeof(*v));
		}
		if (!v)
			return -ENOMEM;
		n->claims = v;
		n->claims_cap = ncap;
	}
	n->claims[n->nclaims++] = (struct pare_sclaim){ p, version };
	return 0;
}

static int add_last(struct pare_svec *v, struct pare_spkg *p)
{
	return v->n && v->v[v->n - 1] == p ? 0 : pare_svec_push(v, p);
}

/* sole: by has one package (so a repeat can only be the last entry). */
static int add_rdep(struct pare_sname *n, struct pare_sname *by, bool sole)
{
	if (sole)
		return n->rdeps.n && n->rdeps.v[n->rdeps.n - 1] == by ? 0
								     : pare_svec_push(&n->rdeps, by);
	for (uint32_t i = n->rdeps.n; i-- > 0;)
		if (n->rdeps.v[i] == by)
			return 0;
	return pare_svec_push(&n->rdeps, by);
}

/* first: in finalize_first, where own's capacity counts the name's packages. */
static int index_pkg(struct pare_spkg *p, bool first)
{
	bool sole = first && (p->name->own.cap & ~PARE_SVEC_BORROWED) == 1;
	int r = pare_svec_push(&p->name->own, p);
	if (r == 0)
		r = add_claim(p->name, p, p->version);
	for (uint32_t i = 0; r == 0 && i < p->nprovides; i++) {
		struct pare_sdep *d = &p->provides[i];
		r = d->version.len ? add_claim(d->name, p, d->version) : add_last(&d->name->uprov, p);
	}
	for (uint32_t i = 0; r == 0 && i < p->ndepends; i++)
		r = add_rdep(p->depends[i].name, p->name, sole);
	for (uint32_t i = 0; r == 0 && i < p->ninstall_if; i++)
		r = add_last(&p->install_if[i].name->riif, p);
	return r;
}

static void **carve(struct pare_svec *v, void **at)
{
	if (v->cap) {
		v->v = at;
		at += v->cap;
		v->cap |= PARE_SVEC_BORROWED;
	}
	return at;
}

/* Hand out the block's slots (the caps, counts until now, become real
 * capacities: pare_universe_add counted each name's entries as packages
 * came). */
static int carve_all(struct pare_universe *u, size_t nptrs, size_t nclaims)
{
	if (nptrs > SIZE_MAX / 64 || nclaims > SIZE_MAX / 64)
		return -ENOMEM;
	struct pare_sclaim *c = malloc(nclaims * sizeof(*c) + nptrs * sizeof(void *) + 1);
	if (!c)
		return -ENOMEM;
	u->rev_block = c;
	void **at = (void **)(c + nclaims);
	for (uint32_t i = 0; i < u->nnames; i++) {
		struct pare_sname *n = u->names[i];
		at = carve(&n->own, at);
		at = carve(&n->uprov, at);
		at = carve(&n->rdeps, at);
		at = carve(&n->riif, at);
		if (n->claims_cap) {
			n->claims = c;
			c += n->claims_cap;
			n->claims_cap |= PARE_SVEC_BORROWED;
		}
	}
	return 0;
}

static int finalize_first(struct pare_universe *u)
{
	/* Not needed to solve, and the block below is the peak: the interned
	 * strings' table starts again empty (only later atoms are shared). */
	pare_universe_forget_strings(u);
	int r = carve_all(u, u->rev_ptrs, u->rev_claims); /* counted as they were added */
	for (; r == 0 && u->nindexed < u->npkgs; u->nindexed++)
		r = index_pkg(u->pkgs[u->nindexed], true);
	return r;
}

int pare_universe_finalize(struct pare_universe *u, struct pare_error *err)
{
	int r = 0;
	if (u->nindexed == 0 && u->npkgs > 0 && !u->rev_block)
		r = finalize_first(u);
	if (r < 0 || u->nindexed < u->npkgs)
		u->rev_heap = true; /* vectors may now grow out of the block */
	for (; r == 0 && u->nindexed < u->npkgs; u->nindexed++)
		r = index_pkg(u->pkgs[u->nindexed], false);
	return r < 0 ? pare_error_set(err, -ENOMEM, "out of memory") : 0;
}
