/* Unit tests of the transaction layer: trigger globs, simulate, and a
 * failing change (the databases are still written, the marker removed).
 * Full installs are covered by tests/install/run.py. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "commit/transaction.h"

static void test_trigger_match(void **state)
{
	(void)state;
	assert_true(pare_txn_trigger_match(PARE_SLICE_LIT("/usr/share/fonts/*"),
					   PARE_SLICE_LIT("usr/share/fonts/misc")));
	assert_false(pare_txn_trigger_match(PARE_SLICE_LIT("/usr/share/fonts/*"),
					    PARE_SLICE_LIT("usr/share/fonts/misc/x")));
	assert_true(pare_txn_trigger_match(PARE_SLICE_LIT("+/usr/bin"), PARE_SLICE_LIT("usr/bin")));
	assert_false(pare_txn_trigger_match(PARE_SLICE_LIT("usr/bin"), PARE_SLICE_LIT("usr/bin")));
	assert_false(pare_txn_trigger_match(PARE_SLICE_LIT(""), PARE_SLICE_LIT("")));
}

struct seen {
	size_t calls, last_n;
};

static void count_change(void *ctx, size_t i, size_t n, const struct pare_txn_change *c)
{
	struct seen *s = ctx;
	(void)i;
	(void)c;
	s->calls++;
	s->last_n = n;
}

static void test_simulate_changes_nothing(void **state)
{
	(void)state;
	char dir[] = "/tmp/pare-txn-XXXXXX";
	assert_non_null(mkdtemp(dir));
	struct pare_root root;
	assert_int_equal(pare_root_open(&root, dir, NULL), 0);
	struct pare_db_installed db;
	struct pare_db_scripts sc;
	struct pare_db_triggers tr;
	pare_db_installed_init(&db);
	pare_db_scripts_init(&sc);
	pare_db_triggers_init(&tr);
	struct pare_pkgent e = { .name = PARE_SLICE_LIT("x"), .version = PARE_SLICE_LIT("1") };
	struct pare_txn_change ch = { .kind = PARE_TXN_INSTALL, .new_ent = &e,
				      .pkg_path = "/nonexistent.apk" };
	struct seen s = { 0 };
	struct pare_txn_opts o = { .root = &root, .simulate = true, .on_change = count_change,
				   .ctx = &s };
	struct pare_txn_result res;
	assert_int_equal(pare_txn_commit(&o, &db, NULL, &sc, &tr, &ch, 1, &res, NULL), 0);
	assert_int_equal(s.calls, 1);
	assert_int_equal(s.last_n, 1);
	assert_int_equal(access(dir, F_OK), 0);
	char p[256];
	snprintf(p, sizeof(p), "%s/lib", dir);
	assert_int_not_equal(access(p, F_OK), 0); /* nothing written */
	pare_db_installed_release(&db);
	pare_db_scripts_release(&sc);
	pare_db_triggers_release(&tr);
	pare_root_release(&root);
	rmdir(dir);
}

static void test_missing_file_is_an_error(void **state)
{
	(void)state;
	char dir[] = "/tmp/pare-txn-XXXXXX";
	assert_non_null(mkdtemp(dir));
	struct pare_root root;
	assert_int_equal(pare_root_open(&root, dir, NULL), 0);
	struct pare_db_installed db;
	struct pare_db_scripts sc;
	struct pare_db_triggers tr;
	pare_db_installed_init(&db);
	pare_db_scripts_init(&sc);
	pare_db_triggers_init(&tr);
	struct pare_pkgent e = { .name = PARE_SLICE_LIT("x"), .version = PARE_SLICE_LIT("1") };
	struct pare_txn_change ch = { .kind = PARE_TXN_INSTALL, .new_ent = &e,
				      .pkg_path = "/nonexistent.apk" };
	struct pare_txn_opts o = { .root = &root, .no_scripts = true };
	struct pare_txn_result res;
	struct pare_error err = { 0 };
	assert_true(pare_txn_commit(&o, &db, NULL, &sc, &tr, &ch, 1, &res, &err) < 0);
	assert_int_equal(res.errors, 1);
	assert_int_equal(res.npkgs, 0);
	assert_non_null(strstr(err.msg, "nonexistent"));
	/* The databases were written (empty) and the journal removed. */
	char p[256];
	snprintf(p, sizeof(p), "%s/lib/apk/db/installed", dir);
	assert_int_equal(access(p, F_OK), 0);
	snprintf(p, sizeof(p), "%s/" PARE_TXN_JOURNAL_PATH, dir);
	assert_int_not_equal(access(p, F_OK), 0);
	pare_db_installed_release(&db);
	pare_db_scripts_release(&sc);
	pare_db_triggers_release(&tr);
	pare_root_release(&root);
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trigger_match),
		cmocka_unit_test(test_simulate_changes_nothing),
		cmocka_unit_test(test_missing_file_is_an_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
