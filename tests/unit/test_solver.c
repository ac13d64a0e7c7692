/* Unit tests of the solver through its API (no file formats). */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "apk/dep.h"
#include "solver/solver.h"

struct fx {
	struct pare_universe u;
	struct pare_sdep world[8];
	size_t nworld;
	struct pare_solution sol;
	unsigned char next_id;
};

/* Add "name-version" with deps and provides given as atom lists. */
static void pkg(struct fx *f, const char *name, const char *ver, const char *deps,
		const char *prov, bool installed, uint64_t prio)
{
	struct pare_dep d[8], p[8];
	size_t nd = 0, np = 0;
	assert_int_equal(pare_deps_parse(pare_slice_from(deps), d, 8, &nd, NULL), 0);
	assert_int_equal(pare_deps_parse(pare_slice_from(prov), p, 8, &np, NULL), 0);
	unsigned char id[20] = { ++f->next_id };
	struct pare_spkg_desc desc = {
		.name = pare_slice_from(name), .version = pare_slice_from(ver),
		.depends = d, .ndepends = nd, .provides = p, .nprovides = np,
		.identity = id, .identity_len = 20, .installed_size = 1,
		.provider_priority = prio, .has_priority = prio > 0,
	};
	if (installed)
		assert_int_equal(pare_universe_add(&f->u, &desc, PARE_SPKG_FROM_INSTALLED, -1, NULL,
						   NULL), 0);
	assert_int_equal(pare_universe_add(&f->u, &desc, PARE_SPKG_FROM_REPO, 0, NULL, NULL), 0);
}

static void world(struct fx *f, const char *atoms)
{
	struct pare_dep d[8];
	size_t n = 0;
	assert_int_equal(pare_deps_parse(pare_slice_from(atoms), d, 8, &n, NULL), 0);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(pare_universe_dep(&f->u, &d[i], &f->world[f->nworld++], NULL), 0);
}

static void solve(struct fx *f, unsigned flags)
{
	struct pare_solve_request req = { .world = f->world, .nworld = f->nworld, .flags = flags };
	assert_int_equal(pare_universe_finalize(&f->u, NULL), 0);
	assert_int_equal(pare_solve(&f->u, &req, &f->sol, NULL), 0);
}

static int setup(void **state)
{
	static struct fx f;
	memset(&f, 0, sizeof(f));
	pare_universe_init(&f.u, PARE_SLICE_NULL);
	assert_int_equal(pare_universe_add_repo(&f.u, PARE_SLICE_NULL), 0);
	pare_solution_init(&f.sol);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	pare_solution_release(&f->sol);
	pare_universe_release(&f->u);
	return 0;
}

static const char *change_name(const struct fx *f, uint32_t i)
{
	const struct pare_change *c = &f->sol.changes[i];
	return (c->new_pkg ? c->new_pkg : c->old_pkg)->name->str.ptr;
}

static void test_dependencies_first(void **state)
{
	struct fx *f = *state;
	pkg(f, "a", "2", "b c", "", false, 0);
	pkg(f, "b", "1", "c", "", false, 0);
	pkg(f, "c", "1", "", "", false, 0);
	world(f, "a");
	solve(f, 0);
	assert_true(f->sol.ok);
	assert_int_equal(f->sol.nchanges, 3);
	assert_string_equal(change_name(f, 0), "c");
	assert_string_equal(change_name(f, 1), "b");
	assert_string_equal(change_name(f, 2), "a");
}

static void test_backtracks_to_older_version(void **state)
{
	struct fx *f = *state;
	pkg(f, "a", "3", "d>1.5 b", "", false, 0);
	pkg(f, "a", "2", "b", "", false, 0);
	pkg(f, "b", "1", "d<2.0", "", false, 0);
	pkg(f, "d", "1.5", "", "", false, 0);
	pkg(f, "d", "2.0", "", "", false, 0);
	world(f, "a");
	solve(f, 0);
	assert_true(f->sol.ok);
	for (uint32_t i = 0; i < f->sol.nselected; i++)
		if (strcmp(f->sol.selected[i]->name->str.ptr, "a") == 0)
			assert_string_equal(f->sol.selected[i]->version.ptr, "2");
}

static void test_installed_kept_unless_upgrade(void **state)
{
	struct fx *f = *state;
	pkg(f, "a", "1", "", "", true, 0);
	pkg(f, "a", "2", "", "", false, 0);
	world(f, "a");
	solve(f, 0);
	assert_true(f->sol.ok);
	assert_int_equal(f->sol.nchanges, 0);
	solve(f, PARE_SOLVE_UPGRADE);
	assert_int_equal(f->sol.nchanges, 1);
	assert_int_equal(f->sol.changes[0].kind, PARE_CHANGE_UPGRADE);
}

/* --no-network masks packages only a remote repository offers. */
static void test_no_network_masks_remote_only(void **state)
{
	struct fx *f = *state;
	pkg(f, "a", "1", "", "", false, 0);
	world(f, "a");
	struct pare_solve_request req = { .world = f->world, .nworld = f->nworld,
					  .no_network = true };
	assert_int_equal(pare_universe_finalize(&f->u, NULL), 0);
	assert_int_equal(pare_solve(&f->u, &req, &f->sol, NULL), 0);
	assert_true(f->sol.ok); /* repository 0 is local */
	f->u.repos[0].remote = true;
	assert_int_equal(pare_solve(&f->u, &req, &f->sol, NULL), 0);
	assert_false(f->sol.ok);
}

static void test_versioned_provides_conflict(void **state)
{
	struct fx *f = *state;
	pkg(f, "server-a", "1", "", "theservice=1", false, 0);
	pkg(f, "server-b", "1", "", "theservice=2", false, 0);
	world(f, "server-a server-b");
	solve(f, 0);
	assert_false(f->sol.ok);
	assert_int_equal(f->sol.nproblems, 2);
	assert_int_equal(f->sol.problems[0].kind, PARE_PROBLEM_PACKAGE);
	assert_int_equal(f->sol.problems[0].conflicts.n, 1);
	assert_int_equal(f->sol.problems[0].satisfies.n, 1);
}

static void test_virtual_needs_priority(void **state)
{
	struct fx *f = *state;
	pkg(f, "one", "1", "", "virt", false, 0);
	pkg(f, "two", "1", "", "virt", false, 5);
	pkg(f, "three", "1", "", "virt", false, 0);
	world(f, "virt");
	solve(f, 0);
	assert_true(f->sol.ok);
	assert_int_equal(f->sol.nselected, 1);
	assert_string_equal(f->sol.selected[0]->name->str.ptr, "two");
}

static void test_missing_name_explained(void **state)
{
	struct fx *f = *state;
	pkg(f, "a", "1", "", "", false, 0);
	world(f, "a nothere");
	solve(f, 0);
	assert_false(f->sol.ok);
	assert_int_equal(f->sol.nproblems, 1);
	assert_int_equal(f->sol.problems[0].kind, PARE_PROBLEM_MISSING);
	assert_string_equal(f->sol.problems[0].name->str.ptr, "nothere");
	assert_int_equal(f->sol.problems[0].required_by.n, 1);
	assert_null(f->sol.problems[0].required_by.v[0].pkg);
}

/* A package whose own dependency it cannot meet: the conflict is
 * explained (it breaks its own atom), not reported as a search that ran
 * out of budget. */
static void test_self_conflict_explained(void **state)
{
	struct fx *f = *state;
	pkg(f, "a", "1", "a>2", "", false, 0);
	world(f, "a");
	solve(f, 0);
	assert_false(f->sol.ok);
	assert_false(f->sol.budget_exhausted);
	assert_int_equal(f->sol.nproblems, 1);
	assert_int_equal(f->sol.problems[0].kind, PARE_PROBLEM_PACKAGE);
	assert_int_equal(f->sol.problems[0].breaks.n, 1);
	assert_string_equal(f->sol.problems[0].breaks.v[0].pkg->name->str.ptr, "a");
	assert_int_equal(f->sol.problems[0].satisfies.n, 1);
}

/* A dependency chain p0 -> p1 -> ... deeper than a small thread stack
 * allows for recursion: ordering must not recurse per link. */
enum { CHAIN = 20000 };

static void *solve_chain(void *arg)
{
	struct fx *f = arg;
	for (uint32_t i = 0; i < CHAIN; i++) {
		char name[16], dep[16];
		snprintf(name, sizeof(name), "p%u", i);
		snprintf(dep, sizeof(dep), "p%u", i + 1);
		struct pare_dep d;
		size_t nd = 0;
		if (i + 1 < CHAIN)
			assert_int_equal(pare_deps_parse(pare_slice_from(dep), &d, 1, &nd, NULL), 0);
		unsigned char id[20] = { (unsigned char)i, (unsigned char)(i >> 8),
					 (unsigned char)(i >> 16), 1 };
		struct pare_spkg_desc desc = {
			.name = pare_slice_from(name), .version = pare_slice_from("1"),
			.depends = &d, .ndepends = nd, .identity = id, .identity_len = 20,
			.installed_size = 1,
		};
		assert_int_equal(pare_universe_add(&f->u, &desc, PARE_SPKG_FROM_REPO, 0, NULL, NULL),
				 0);
	}
	world(f, "p0");
	solve(f, 0);
	return NULL;
}

static void test_deep_chain_ordered(void **state)
{
	struct fx *f = *state;
	pthread_attr_t a;
	pthread_t t;
	assert_int_equal(pthread_attr_init(&a), 0);
	assert_int_equal(pthread_attr_setstacksize(&a, 1024 * 1024), 0);
	assert_int_equal(pthread_create(&t, &a, solve_chain, f), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	pthread_attr_destroy(&a);
	assert_true(f->sol.ok);
	assert_int_equal(f->sol.nchanges, CHAIN);
	assert_string_equal(change_name(f, 0), "p19999");
	assert_string_equal(change_name(f, CHAIN - 1), "p0");
}

/* Adds after the first finalize (which drops the identity map and sizes
 * the reverse maps exactly): the same package still merges, by identity
 * or by name and version, and new packages join every reverse map. */
static void test_add_after_finalize(void **state)
{
	struct fx *f = *state;
	pkg(f, "a", "1", "b so:libc.so", "", false, 0);
	pkg(f, "b", "1", "", "so:libc.so=1", false, 0);
	struct pare_spkg_desc nover = { .name = pare_slice_from("c"), .version = pare_slice_from("2") };
	assert_int_equal(pare_universe_add(&f->u, &nover, PARE_SPKG_FROM_REPO, 0, NULL, NULL), 0);
	assert_int_equal(pare_universe_finalize(&f->u, NULL), 0);
	assert_int_equal(f->u.npkgs, 3);
	/* again: a (identity 1) and c (name-version) merge */
	unsigned char id1[20] = { 1 };
	struct pare_spkg_desc again = { .name = pare_slice_from("a"), .version = pare_slice_from("1"),
					.identity = id1, .identity_len = 20 };
	struct pare_spkg *p = NULL;
	assert_int_equal(pare_universe_add(&f->u, &again, PARE_SPKG_FROM_CACHE, -1, &p, NULL), 0);
	assert_int_equal(p->id, 0);
	assert_true(p->flags & PARE_SPKG_CACHED);
	assert_int_equal(pare_universe_add(&f->u, &nover, PARE_SPKG_FROM_CACHE, -1, &p, NULL), 0);
	assert_int_equal(p->id, 2);
	assert_int_equal(f->u.npkgs, 3);
	/* new packages: d depends on b and provides so:libd.so, e needs that */
	pkg(f, "d", "1", "b", "so:libd.so=1", false, 0);
	pkg(f, "e", "1", "so:libd.so", "", false, 0);
	world(f, "a e");
	solve(f, 0);
	struct pare_sname *b = pare_universe_find_name(&f->u, pare_slice_from("b"));
	struct pare_sname *so = pare_universe_find_name(&f->u, pare_slice_from("so:libd.so"));
	assert_int_equal(b->rdeps.n, 2); /* a, d: once each */
	assert_int_equal(so->nclaims, 1);
	assert_int_equal(so->rdeps.n, 1);
	assert_true(f->sol.ok);
	assert_int_equal(f->sol.nchanges, 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_dependencies_first, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backtracks_to_older_version, setup, teardown),
		cmocka_unit_test_setup_teardown(test_installed_kept_unless_upgrade, setup, teardown),
		cmocka_unit_test_setup_teardown(test_versioned_provides_conflict, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_network_masks_remote_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_virtual_needs_priority, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_name_explained, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deep_chain_ordered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_self_conflict_explained, setup, teardown),
		cmocka_unit_test_setup_teardown(test_add_after_finalize, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
