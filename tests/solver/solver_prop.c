/* Property test of the solver against a brute-force oracle.
 *
 * Random small universes (a few names, versions 1-3, versioned provides,
 * versioned dependencies, conflicts, install_if rules, some packages
 * installed) and random worlds.  For each:
 *  - when the solver returns a change set, the selected packages satisfy
 *    every world atom and every dependency and conflict of every selected
 *    package, and no name is owned twice;
 *  - when it reports the request unsatisfiable, the oracle (every subset
 *    of the packages) finds no valid selection either.
 *
 * usage: solver_prop [ITERATIONS [SEED]]   (exit 0 when every case holds)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apk/version.h"
#include "solver/solver.h"

#define MAXP 12
#define MAXD 3

static const char *const names[] = { "n0", "n1", "n2", "n3", "p0", "p1" };
static const char *const versions[] = { "1", "2", "3" };
static const unsigned ops[] = {
	PARE_VERSION_ANY, PARE_VERSION_EQUAL, PARE_VERSION_LESS, PARE_VERSION_GREATER,
	PARE_VERSION_GREATER | PARE_VERSION_EQUAL,
};

static uint64_t rng;

static unsigned rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

struct gen_pkg {
	int name, ver;
	struct pare_dep deps[MAXD], prov[1], iif[2];
	size_t ndeps, nprov, niif;
	bool installed;
};

static void rand_dep(struct pare_dep *d, int self, int nreal)
{
	int n;
	do
		n = (int)rnd(nreal + 2 > 6 ? 6 : (unsigned)nreal + 2);
	while (n == self);
	if (n >= nreal && n < 4)
		n = 4 + (int)rnd(2);
	memset(d, 0, sizeof(*d));
	d->name = pare_slice_from(names[n]);
	unsigned o = rnd(8);
	d->op = ops[o < 4 ? 0 : o - 3];
	if (d->op != PARE_VERSION_ANY)
		d->version = pare_slice_from(versions[rnd(3)]);
	d->conflict = rnd(10) == 0;
}

static int gen(struct gen_pkg *g, int nreal)
{
	int np = 0;
	for (int n = 0; n < nreal; n++) {
		int nv = 1 + (int)rnd(3);
		for (int v = 0; v < nv && np < MAXP; v++) {
			struct gen_pkg *p = &g[np++];
			memset(p, 0, sizeof(*p));
			p->name = n;
			p->ver = v;
			p->ndeps = rnd(MAXD);
			for (size_t i = 0; i < p->ndeps; i++)
				rand_dep(&p->deps[i], n, nreal);
			if (rnd(4) == 0) {
				p->nprov = 1;
				p->prov[0] = (struct pare_dep){
					.name = pare_slice_from(names[4 + rnd(2)]),
					.version = pare_slice_from(versions[rnd(3)]),
					.op = PARE_VERSION_EQUAL,
				};
			}
			if (rnd(6) == 0) {
				p->niif = 1;
				p->iif[0] = (struct pare_dep){ .name = pare_slice_from(names[rnd(nreal)]),
							      .op = PARE_VERSION_ANY };
			}
			p->installed = rnd(4) == 0;
		}
	}
	return np;
}

/* ---- The oracle's notion of a valid selection. */

static bool claims(const struct pare_spkg *p, const struct pare_sname *n, struct pare_slice *v)
{
	if (p->name == n) {
		*v = p->version;
		return true;
	}
	for (uint32_t i = 0; i < p->nprovides; i++)
		if (p->provides[i].name == n && p->provides[i].version.len) {
			*v = p->provides[i].version;
			return true;
		}
	return false;
}

static bool atom_holds(const struct pare_sdep *d, const struct pare_spkg *src,
		       const struct pare_spkg *const *set, int n)
{
	for (int i = 0; i < n; i++) {
		struct pare_slice v;
		if ((d->conflict && set[i] == src) || !claims(set[i], d->name, &v))
			continue;
		bool m = pare_sdep_matches(d, set[i], v, false);
		if (d->conflict && m)
			return false;
		if (!d->conflict && m)
			return true;
	}
	return d->conflict;
}

static bool valid(const struct pare_universe *u, const struct pare_sdep *world, int nworld,
		  const struct pare_spkg *const *set, int n)
{
	for (uint32_t k = 0; k < u->nnames; k++) {
		int owners = 0;
		struct pare_slice v;
		for (int i = 0; i < n; i++)
			owners += claims(set[i], u->names[k], &v);
		if (owners > 1)
			return false;
	}
	for (int i = 0; i < nworld; i++)
		if (!atom_holds(&world[i], NULL, set, n))
			return false;
	for (int i = 0; i < n; i++)
		for (uint32_t j = 0; j < set[i]->ndepends; j++)
			if (!atom_holds(&set[i]->depends[j], set[i], set, n))
				return false;
	return true;
}

static bool oracle(const struct pare_universe *u, const struct pare_sdep *world, int nworld)
{
	const struct pare_spkg *set[MAXP];
	for (uint32_t mask = 0; mask < (1u << u->npkgs); mask++) {
		int n = 0;
		for (uint32_t i = 0; i < u->npkgs; i++)
			if (mask & (1u << i))
				set[n++] = u->pkgs[i];
		if (valid(u, world, nworld, set, n))
			return true;
	}
	return false;
}

static int build(struct pare_universe *u, struct gen_pkg *g, int np)
{
	if (pare_universe_add_repo(u, PARE_SLICE_NULL) < 0)
		return -1;
	for (int i = 0; i < np; i++) {
		unsigned char id[20] = { (unsigned char)i, 0x5a };
		struct pare_spkg_desc d = {
			.name = pare_slice_from(names[g[i].name]),
			.version = pare_slice_from(versions[g[i].ver]),
			.depends = g[i].deps, .ndepends = g[i].ndeps,
			.provides = g[i].prov, .nprovides = g[i].nprov,
			.install_if = g[i].iif, .ninstall_if = g[i].niif,
			.identity = id, .identity_len = sizeof(id), .installed_size = 1,
		};
		if (g[i].installed && pare_universe_add(u, &d, PARE_SPKG_FROM_INSTALLED, -1, NULL, NULL))
			return -1;
		if (pare_universe_add(u, &d, PARE_SPKG_FROM_REPO, 0, NULL, NULL) < 0)
			return -1;
	}
	return pare_universe_finalize(u, NULL);
}

struct stats {
	unsigned sat, unsat, bad_solution, missed, budget;
};

static void dump(const struct pare_universe *u, const struct pare_sdep *world, int nworld,
		 const struct pare_solution *sol)
{
	char buf[256];
	for (uint32_t i = 0; i < u->npkgs; i++) {
		const struct pare_spkg *p = u->pkgs[i];
		pare_spkg_format(p, buf, sizeof(buf));
		fprintf(stderr, "  %s%s%s D:", buf, p->flags & PARE_SPKG_INSTALLED ? " (installed)" : "",
			pare_solution_has(sol, p) ? " [selected]" : "");
		for (uint32_t j = 0; j < p->ndepends; j++) {
			pare_sdep_format(u, &p->depends[j], buf, sizeof(buf));
			fprintf(stderr, " %s", buf);
		}
		for (uint32_t j = 0; j < p->nprovides; j++) {
			pare_sdep_format(u, &p->provides[j], buf, sizeof(buf));
			fprintf(stderr, " p:%s", buf);
		}
		for (uint32_t j = 0; j < p->ninstall_if; j++) {
			pare_sdep_format(u, &p->install_if[j], buf, sizeof(buf));
			fprintf(stderr, " i:%s", buf);
		}
		fputc('\n', stderr);
	}
	fprintf(stderr, "  world:");
	for (int i = 0; i < nworld; i++) {
		pare_sdep_format(u, &world[i], buf, sizeof(buf));
		fprintf(stderr, " %s", buf);
	}
	fputc('\n', stderr);
}

static int one_case(struct stats *st, unsigned iter)
{
	struct gen_pkg g[MAXP];
	struct pare_universe u;
	struct pare_sdep world[3];
	int nreal = 2 + (int)rnd(3), np = gen(g, nreal), nworld = 1 + (int)rnd(3);
	pare_universe_init(&u, PARE_SLICE_NULL);
	int r = build(&u, g, np);
	for (int i = 0; r == 0 && i < nworld; i++) {
		struct pare_dep d;
		rand_dep(&d, -1, nreal);
		r = pare_universe_dep(&u, &d, &world[i], NULL);
	}
	struct pare_solve_request req = {
		.world = world, .nworld = (size_t)nworld,
		.flags = rnd(3) == 0 ? PARE_SOLVE_UPGRADE : 0,
	};
	struct pare_solution sol;
	pare_solution_init(&sol);
	if (r == 0)
		r = pare_solve(&u, &req, &sol, NULL);
	if (r == 0 && sol.ok) {
		st->sat++;
		if (!valid(&u, world, nworld, sol.selected, (int)sol.nselected)) {
			st->bad_solution++;
			fprintf(stderr, "case %u: invalid selection\n", iter);
			if (getenv("PROP_DEBUG"))
				dump(&u, world, nworld, &sol);
		}
	} else if (r == 0) {
		st->unsat++;
		st->budget += sol.budget_exhausted;
		if (oracle(&u, world, nworld)) {
			st->missed++;
			fprintf(stderr, "case %u: reported unsatisfiable, the oracle found a solution\n",
				iter);
			if (getenv("PROP_DEBUG"))
				dump(&u, world, nworld, &sol);
		}
	}
	pare_solution_release(&sol);
	pare_universe_release(&u);
	return r;
}

int main(int argc, char **argv)
{
	unsigned iters = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 20000;
	rng = argc > 2 ? strtoull(argv[2], NULL, 10) : 0x9e3779b97f4a7c15ull;
	if (!rng)
		rng = 1;
	struct stats st = { 0 };
	for (unsigned i = 0; i < iters; i++)
		if (one_case(&st, i) < 0) {
			fprintf(stderr, "case %u: solver error\n", i);
			return 1;
		}
	printf("%u cases: %u satisfiable (%u invalid selections), %u unsatisfiable "
	       "(%u where the oracle found a solution, %u budget)\n",
	       iters, st.sat, st.bad_solution, st.unsat, st.missed, st.budget);
	return st.bad_solution || st.missed ? 1 : 0;
}
