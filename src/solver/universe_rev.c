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
 * push: the first call checks a (name, depender) pair set, later calls scan.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

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

/* (name, depender) pairs already in rdeps: open addressing on the two ids. */
struct pairs {
	uint64_t *slot; /* 0: empty; else (a << 32 | b) + 1 */
	size_t mask;
};

static bool pairs_add(struct pairs *s, uint32_t a, uint32_t b)
{
	uint64_t k = ((uint64_t)a << 32 | b) + 1;
	size_t i = (size_t)((k * 0x9e3779b97f4a7c15ULL) >> 20) & s->mask;
	for (; s->slot[i]; i = (i + 1) & s->mask)
		if (s->slot[i] == k)
			return false;
	s->slot[i] = k;
	return true;
}

static int add_rdep(struct pare_sname *n, struct pare_sname *by, struct pairs *seen)
{
	if (seen)
		return pairs_add(seen, n->id, by->id) ? pare_svec_push(&n->rdeps, by) : 0;
	for (uint32_t i = n->rdeps.n; i-- > 0;)
		if (n->rdeps.v[i] == by)
			return 0;
	return pare_svec_push(&n->rdeps, by);
}

static int index_pkg(struct pare_spkg *p, struct pairs *seen)
{
	int r = pare_svec_push(&p->name->own, p);
	if (r == 0)
		r = add_claim(p->name, p, p->version);
	for (uint32_t i = 0; r == 0 && i < p->nprovides; i++) {
		struct pare_sdep *d = &p->provides[i];
		r = d->version.len ? add_claim(d->name, p, d->version) : add_last(&d->name->uprov, p);
	}
	for (uint32_t i = 0; r == 0 && i < p->ndepends; i++)
		r = add_rdep(p->depends[i].name, p->name, seen);
	for (uint32_t i = 0; r == 0 && i < p->ninstall_if; i++)
		r = add_last(&p->install_if[i].name->riif, p);
	return r;
}

/* Pass 1: each name's upper bounds, counted in the (empty) vectors' caps. */
static size_t count_all(struct pare_universe *u, size_t *nclaims)
{
	size_t ptrs = 0, claims = 0;
	for (uint32_t k = 0; k < u->npkgs; k++) {
		struct pare_spkg *p = u->pkgs[k];
		p->name->own.cap++;
		p->name->claims_cap++;
		ptrs++;
		claims++;
		for (uint32_t i = 0; i < p->nprovides; i++) {
			struct pare_sdep *d = &p->provides[i];
			if (d->version.len) {
				d->name->claims_cap++;
				claims++;
			} else {
				d->name->uprov.cap++;
				ptrs++;
			}
		}
		for (uint32_t i = 0; i < p->ndepends; i++)
			p->depends[i].name->rdeps.cap++;
		for (uint32_t i = 0; i < p->ninstall_if; i++)
			p->install_if[i].name->riif.cap++;
		ptrs += p->ndepends + p->ninstall_if;
	}
	*nclaims = claims;
	return ptrs;
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

/* Pass 2: hand out the block's slots (the caps become real capacities). */
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
	size_t nclaims, nptrs = count_all(u, &nclaims), ndeps = nptrs;
	int r = carve_all(u, nptrs, nclaims);
	if (r < 0)
		return r;
	struct pairs seen = { 0 };
	size_t cap = 64;
	while (cap < 2 * ndeps)
		cap *= 2;
	if (!(seen.slot = calloc(cap, sizeof(*seen.slot))))
		return -ENOMEM;
	seen.mask = cap - 1;
	for (; r == 0 && u->nindexed < u->npkgs; u->nindexed++)
		r = index_pkg(u->pkgs[u->nindexed], &seen);
	free(seen.slot);
	return r;
}

int pare_universe_finalize(struct pare_universe *u, struct pare_error *err)
{
	int r = 0;
	if (u->nindexed == 0 && u->npkgs > 0 && !u->rev_block)
		r = finalize_first(u);
	for (; r == 0 && u->nindexed < u->npkgs; u->nindexed++)
		r = index_pkg(u->pkgs[u->nindexed], NULL);
	return r < 0 ? pare_error_set(err, -ENOMEM, "out of memory") : 0;
}
