/* Benchmark: the solver on a generated universe of 100,000 packages with
 * realistic fan-out: shared libraries providing versioned so: names
 * (several providers of the same so: name), applications depending on
 * 3-8 of them and on other packages, two versions of many packages,
 * conflicts and install_if rules.  Times building the universe and
 * solving a world of 500 applications (then 5000); prints peak RSS.
 *   usage: solver_gen [PACKAGES [WORLD]] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "solver/solver.h"

static uint64_t rng = 0x2545f4914f6cdd1dull;

static unsigned rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Strings live for the whole run (the universe copies them anyway). */
static char *fmt(const char *f, unsigned a)
{
	char buf[64];
	snprintf(buf, sizeof(buf), f, a);
	return strdup(buf);
}

struct spec {
	unsigned nlibs, napps, nso;
};

static int add_pkg(struct pare_universe *u, unsigned idx, const char *name, const char *ver,
		   struct pare_dep *deps, size_t nd, struct pare_dep *prov, size_t np,
		   struct pare_dep *iif, size_t ni)
{
	unsigned char id[20] = { 0 };
	memcpy(id, &idx, sizeof(idx));
	struct pare_spkg_desc d = {
		.name = pare_slice_from(name), .version = pare_slice_from(ver),
		.depends = deps, .ndepends = nd, .provides = prov, .nprovides = np,
		.install_if = iif, .ninstall_if = ni, .identity = id, .identity_len = 20,
		.installed_size = 1000 + rnd(100000),
	};
	return pare_universe_add(u, &d, PARE_SPKG_FROM_REPO, 0, NULL, NULL);
}

static int gen(struct pare_universe *u, unsigned total)
{
	struct spec s = { total * 3 / 10, total - total * 3 / 10, total / 20 };
	char **so = calloc(s.nso, sizeof(*so));
	char **libs = calloc(s.nlibs, sizeof(*libs));
	unsigned idx = 0;
	if (!so || !libs || pare_universe_add_repo(u, PARE_SLICE_NULL) < 0)
		return -1;
	for (unsigned i = 0; i < s.nso; i++)
		so[i] = fmt("so:lib%u.so.1", i);
	for (unsigned i = 0; i < s.nlibs; i++) {
		libs[i] = fmt("lib%u", i);
		struct pare_dep prov = { .name = pare_slice_from(so[i % s.nso]),
					 .version = pare_slice_from("1.0"), .op = PARE_VERSION_EQUAL };
		struct pare_dep dep = { .name = pare_slice_from(so[rnd(s.nso)]), .op = PARE_VERSION_ANY };
		bool has_dep = i >= s.nso && rnd(2);
		if (has_dep && dep.name.ptr == prov.name.ptr)
			has_dep = false;
		if (add_pkg(u, idx++, libs[i], rnd(5) ? "1.0-r0" : "2.0-r1", &dep, has_dep, &prov, 1,
			    NULL, 0) < 0)
			return -1;
	}
	for (unsigned i = 0; i < s.napps; i++) {
		struct pare_dep deps[10], iif[2];
		size_t nd = 0, ni = 0;
		unsigned fan = 3 + rnd(6);
		for (unsigned k = 0; k < fan; k++)
			deps[nd++] = (struct pare_dep){ .name = pare_slice_from(so[rnd(s.nso)]),
							.op = PARE_VERSION_ANY };
		if (i > 10 && rnd(3) == 0)
			deps[nd++] = (struct pare_dep){ .name = pare_slice_from(fmt("app%u", rnd(i))),
							.op = PARE_VERSION_ANY };
		if (rnd(100) == 0)
			deps[nd++] = (struct pare_dep){ .name = pare_slice_from(libs[rnd(s.nlibs)]),
							.op = PARE_VERSION_ANY, .conflict = true };
		if (i > 10 && rnd(50) == 0) {
			iif[ni++] = (struct pare_dep){ .name = pare_slice_from(fmt("app%u", rnd(i))),
						       .op = PARE_VERSION_ANY };
			iif[ni++] = (struct pare_dep){ .name = pare_slice_from(libs[rnd(s.nlibs)]),
						       .op = PARE_VERSION_ANY };
		}
		char *name = fmt("app%u", i);
		if (add_pkg(u, idx++, name, "1.0-r0", deps, nd, NULL, 0, iif, ni) < 0)
			return -1;
		if (rnd(5) == 0 && add_pkg(u, idx++, name, "1.1-r0", deps, nd, NULL, 0, iif, ni) < 0)
			return -1;
	}
	return pare_universe_finalize(u, NULL);
}

static int solve(struct pare_universe *u, unsigned nworld, unsigned napps)
{
	struct pare_sdep *world = calloc(nworld, sizeof(*world));
	if (!world)
		return -1;
	for (unsigned i = 0; i < nworld; i++) {
		char *n = fmt("app%u", rnd(napps));
		struct pare_dep d = { .name = pare_slice_from(n), .op = PARE_VERSION_ANY };
		if (pare_universe_dep(u, &d, &world[i], NULL) < 0)
			return -1;
	}
	struct pare_solve_request req = { .world = world, .nworld = nworld };
	struct pare_solution sol;
	pare_solution_init(&sol);
	double t0 = now();
	int r = pare_solve(u, &req, &sol, NULL);
	double t1 = now();
	printf("solve %u world atoms: %.3f s, %s, %u packages, %u changes, %u problems, "
	       "%llu backtracks\n", nworld, t1 - t0, sol.ok ? "ok" : "unsatisfiable",
	       sol.nselected, sol.nchanges, sol.nproblems, (unsigned long long)sol.backtracks);
	pare_solution_release(&sol);
	return r;
}

int main(int argc, char **argv)
{
	unsigned total = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 100000;
	unsigned nworld = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 10) : 500;
	struct pare_universe u;
	pare_universe_init(&u, PARE_SLICE_NULL);
	double t0 = now();
	if (gen(&u, total) < 0)
		return 1;
	printf("universe: %u packages, %u names, built in %.3f s\n", u.npkgs, u.nnames, now() - t0);
	unsigned napps = total - total * 3 / 10;
	if (solve(&u, nworld, napps) < 0 || solve(&u, nworld * 10, napps) < 0)
		return 1;
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("peak RSS: %ld KiB\n", ru.ru_maxrss);
	pare_universe_release(&u);
	return 0;
}
