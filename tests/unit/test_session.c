/* Unit tests for src/session: the lock is taken before anything is read
 * (a second locked session fails while the first is open), the databases
 * and world reach the universe, the architecture comes from etc/apk/arch
 * unless given, test repositories are local (not remote) and the cache
 * index of a tmpfs root is read only when asked. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "session/session.h"
#include "test_db_util.h"

static const char installed[] = "C:Q1AAAAAAAAAAAAAAAAAAAAAAAAAAA=\nP:a\nV:1.0-r0\nA:aarch64\n"
				"S:10\nI:20\nD:b\nF:usr/bin\nR:a\n\n";
static const char repo[] = "P:b\nV:2.0-r0\nA:aarch64\nS:1\nI:1\n\n"
			   "P:c\nV:1\nA:x86_64\nS:1\nI:1\n\n";

static void put(const char *dir, const char *rel, const char *text)
{
	char path[8400];
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	assert_int_equal(db_write_file(path, text, strlen(text)), 0);
}

/* A root with lib/apk/db, etc/apk (arch aarch64, world "a"), and an index
 * file repo.txt beside it. */
static void make_root(char *tmp, size_t n)
{
	assert_non_null(db_tmpdir(tmp, n));
	assert_int_equal(db_mkdirs(tmp, "lib/apk/db"), 0);
	assert_int_equal(db_mkdirs(tmp, "etc/apk/cache"), 0);
	put(tmp, "lib/apk/db/installed", installed);
	put(tmp, "etc/apk/world", "a\n");
	put(tmp, "etc/apk/arch", "aarch64\n");
	put(tmp, "repo.txt", repo);
}

static void test_lock_first_and_universe(void **state)
{
	(void)state;
	char tmp[4096], rp[4200];
	make_root(tmp, sizeof(tmp));
	snprintf(rp, sizeof(rp), "%s/repo.txt", tmp);
	const char *repos[] = { rp };
	struct pare_session_opts o = { .root = tmp, .lock = true, .allow_untrusted = true,
				       .test_repos = repos, .ntest_repos = 1 };
	struct pare_session s, s2;
	struct pare_error err = { 0 };
	assert_int_equal(pare_session_open(&s, &o, &err), 0);
	assert_string_equal(s.arch, "aarch64");
	assert_int_equal(s.db.npkgs, 1);
	assert_int_equal(s.nworld_deps, 1);
	assert_true(pare_slice_eq_cstr(s.world_deps[0].name->str, "a"));
	assert_non_null(pare_universe_find_name(&s.u, pare_slice_from("b")));
	assert_false(s.u.repos[0].remote);
	/* A second writer is refused before it reads anything. */
	assert_int_equal(pare_session_open(&s2, &o, &err), -EWOULDBLOCK);
	assert_non_null(strstr(err.msg, "Unable to lock database"));
	pare_session_close(&s2);
	pare_session_close(&s);
	/* Released: the next one gets it; --arch wins over etc/apk/arch. */
	o.repo.arch = "x86_64";
	assert_int_equal(pare_session_open(&s, &o, &err), 0);
	assert_string_equal(s.arch, "x86_64");
	pare_session_close(&s);
	db_rmtree(tmp);
}

/* A new root (tmp) with repo.txt as its test repository, opened and
 * finalized in *s. */
static void open_with_repo(char *tmp, size_t size, struct pare_session *s)
{
	char rp[4200];
	make_root(tmp, size);
	snprintf(rp, sizeof(rp), "%s/repo.txt", tmp);
	const char *repos[] = { rp };
	struct pare_session_opts o = { .root = tmp, .allow_untrusted = true, .test_repos = repos,
				       .ntest_repos = 1 };
	struct pare_error err = { 0 };
	assert_int_equal(pare_session_open(s, &o, &err), 0);
	assert_int_equal(pare_universe_finalize(&s->u, &err), 0);
}

/* The root's world solved into *sol (initialised here). */
static void solve_world(struct pare_session *s, struct pare_solution *sol)
{
	struct pare_error err = { 0 };
	pare_solution_init(sol);
	struct pare_solve_request req = { .world = s->world_deps, .nworld = s->nworld_deps };
	assert_int_equal(pare_solve(&s->u, &req, sol, &err), 0);
}

static void test_solve_and_db_only(void **state)
{
	(void)state;
	char tmp[4096];
	struct pare_session s;
	struct pare_error err = { 0 };
	open_with_repo(tmp, sizeof(tmp), &s);
	struct pare_solution sol;
	solve_world(&s, &sol);
	assert_true(sol.ok); /* a needs b: b comes from the repository */
	assert_int_equal(sol.nchanges, 1);
	struct pare_session_item it;
	pare_session_items_from(&s, &sol, &it);
	assert_int_equal(it.kind, PARE_TXN_INSTALL);
	assert_true(pare_slice_eq_cstr(it.new_name, "b"));
	/* Not locked: no commit. */
	struct pare_txn_opts to = { 0 };
	struct pare_session_commit_opts co = { 0 };
	struct pare_txn_result res;
	assert_int_equal(pare_session_commit(&s, &to, &co, &it, 1, &res, &err), -EINVAL);
	pare_solution_release(&sol);
	pare_session_close(&s);
	struct pare_session_opts d = { .root = tmp, .db_only = true };
	assert_int_equal(pare_session_open(&s, &d, &err), 0);
	assert_int_equal(s.db.npkgs, 1);
	assert_int_equal(s.u.npkgs, 0);
	pare_session_close(&s);
	db_rmtree(tmp);
}

/* A simulation drops the index entries once the universe is built: the
 * solve is the same, no entry is left to fetch from (a test repository's
 * here; a configured one's in the CLI scenarios of --simulate). */
static void test_drop_entries(void **state)
{
	(void)state;
	char tmp[4096];
	struct pare_session s;
	open_with_repo(tmp, sizeof(tmp), &s);
	const struct pare_sname *b = pare_universe_find_name(&s.u, pare_slice_from("b"));
	assert_non_null(b);
	assert_int_equal(b->own.n, 1);
	const struct pare_spkg *pb = b->own.v[0];
	assert_int_equal(s.nextra, 1);
	assert_int_equal(s.extra_v[0].n, 2);
	pare_session_drop_entries(&s);
	assert_null(pare_session_entry(&s, pb));
	assert_int_equal(s.extra_v[0].n, 0);
	struct pare_solution sol;
	solve_world(&s, &sol);
	assert_true(sol.ok);
	assert_int_equal(sol.nchanges, 1);
	assert_true(pare_slice_eq_cstr(sol.changes[0].new_pkg->name->str, "b"));
	assert_true(pare_slice_eq_cstr(sol.changes[0].new_pkg->version, "2.0-r0"));
	pare_solution_release(&sol);
	pare_session_close(&s);
	db_rmtree(tmp);
}

static void test_root_tmpfs_cache(void **state)
{
	(void)state;
	char tmp[4096];
	make_root(tmp, sizeof(tmp));
	put(tmp, "etc/apk/cache/installed", "P:z\nV:1\nA:aarch64\nS:1\nI:1\n\n");
	struct pare_session_opts o = { .root = tmp, .root_tmpfs = -1 };
	struct pare_session s;
	struct pare_error err = { 0 };
	assert_int_equal(pare_session_open(&s, &o, &err), 0);
	assert_null(pare_universe_find_name(&s.u, pare_slice_from("z")));
	pare_session_close(&s);
	o.root_tmpfs = 1;
	assert_int_equal(pare_session_open(&s, &o, &err), 0);
	assert_int_equal(pare_universe_finalize(&s.u, &err), 0);
	const struct pare_sname *z = pare_universe_find_name(&s.u, pare_slice_from("z"));
	assert_non_null(z);
	assert_true(z->own.n == 1 &&
		    (((const struct pare_spkg *)z->own.v[0])->flags & PARE_SPKG_CACHED));
	pare_session_close(&s);
	db_rmtree(tmp);
}

static void test_bad_installed_is_an_error(void **state)
{
	(void)state;
	char tmp[4096];
	make_root(tmp, sizeof(tmp));
	put(tmp, "lib/apk/db/installed", "P:a\nV:1\nR:orphan\n\n");
	struct pare_session_opts o = { .root = tmp };
	struct pare_session s;
	struct pare_error err = { 0 };
	assert_true(pare_session_open(&s, &o, &err) < 0);
	assert_non_null(strstr(err.msg, "installed"));
	pare_session_close(&s);
	db_rmtree(tmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lock_first_and_universe),
		cmocka_unit_test(test_solve_and_db_only),
		cmocka_unit_test(test_drop_entries),
		cmocka_unit_test(test_root_tmpfs_cache),
		cmocka_unit_test(test_bad_installed_is_an_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
