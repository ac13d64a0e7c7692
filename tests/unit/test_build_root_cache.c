/* Unit tests for the build root cache's folders (src/build/root_cache.c):
 * find touches, publish renames (or keeps the one already there), eviction
 * keeps 8 roots and never an idle-less one. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "build/root.h"
#include "io/tree.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/pare-rc-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	pare_tree_remove(dir);
	return 0;
}

static void key_of(int i, char key[65])
{
	snprintf(key, 65, "%02x%062d", i, 0);
}

/* A cached root KEY(i), last used age seconds ago. */
static void old_root(int i, time_t age)
{
	char key[65], p[256];
	key_of(i, key);
	snprintf(p, sizeof(p), "%s/%s", dir, key);
	assert_int_equal(mkdir(p, 0755), 0);
	struct timespec ts[2] = { { .tv_sec = time(NULL) - age }, { .tv_sec = time(NULL) - age } };
	assert_int_equal(utimensat(AT_FDCWD, p, ts, 0), 0);
}

static int count(void)
{
	int n = 0;
	char key[65], p[256];
	for (int i = 0; i < 64; i++) {
		key_of(i, key);
		snprintf(p, sizeof(p), "%s/%s", dir, key);
		n += access(p, F_OK) == 0;
	}
	return n;
}

static void test_publish_find(void **state)
{
	(void)state;
	char tmp[256], path[4096], key[65];
	struct pare_error err;
	key_of(1, key);
	assert_int_equal(pare_build_root_cache_find(dir, key, path, sizeof(path)), 0);
	assert_int_equal(pare_build_root_cache_stage(dir, tmp, sizeof(tmp), &err), 0);
	struct stat st;
	assert_int_equal(stat(tmp, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755); /* the sandbox's uid must traverse it */
	assert_int_equal(pare_build_root_cache_publish(dir, tmp, key, path, sizeof(path), &err), 0);
	assert_int_equal(access(tmp, F_OK), -1);
	assert_int_equal(pare_build_root_cache_find(dir, key, path, sizeof(path)), 1);
	assert_non_null(strstr(path, key));
	/* a second build published the same root meanwhile: ours goes */
	assert_int_equal(pare_build_root_cache_stage(dir, tmp, sizeof(tmp), &err), 0);
	char f[4200];
	snprintf(f, sizeof(f), "%s/x", tmp);
	assert_int_equal(mkdir(f, 0755), 0);
	assert_int_equal(pare_build_root_cache_publish(dir, tmp, key, path, sizeof(path), &err), 0);
	assert_int_equal(access(tmp, F_OK), -1);
	snprintf(f, sizeof(f), "%s/x", path);
	assert_int_equal(access(f, F_OK), -1);
}

static void test_evict(void **state)
{
	(void)state;
	char tmp[256], path[4096], key[65];
	struct pare_error err;
	for (int i = 0; i < 10; i++)
		old_root(i, 7 * 3600 + i * 60); /* idle for 7 h and more: 9 the oldest */
	old_root(10, 60);                       /* in use a minute ago */
	assert_int_equal(count(), 11);
	/* find touches: KEY(9), the oldest, becomes the newest */
	key_of(9, key);
	assert_int_equal(pare_build_root_cache_find(dir, key, path, sizeof(path)), 1);
	key_of(20, key);
	assert_int_equal(pare_build_root_cache_stage(dir, tmp, sizeof(tmp), &err), 0);
	assert_int_equal(pare_build_root_cache_publish(dir, tmp, key, path, sizeof(path), &err), 0);
	assert_int_equal(count(), 8);
	char p[256];
	const int kept[] = { 20, 10, 9, 0, 1, 2, 3, 4 }, gone[] = { 5, 6, 7, 8 };
	for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++) {
		key_of(kept[i], key);
		snprintf(p, sizeof(p), "%s/%s", dir, key);
		assert_int_equal(access(p, F_OK), 0);
	}
	for (size_t i = 0; i < sizeof(gone) / sizeof(gone[0]); i++) {
		key_of(gone[i], key);
		snprintf(p, sizeof(p), "%s/%s", dir, key);
		assert_int_equal(access(p, F_OK), -1);
	}
}

/* roots not idle long enough stay, even beyond 8 */
static void test_no_evict_recent(void **state)
{
	(void)state;
	char tmp[256], path[4096], key[65];
	struct pare_error err;
	for (int i = 0; i < 12; i++)
		old_root(i, 600);
	key_of(30, key);
	assert_int_equal(pare_build_root_cache_stage(dir, tmp, sizeof(tmp), &err), 0);
	assert_int_equal(pare_build_root_cache_publish(dir, tmp, key, path, sizeof(path), &err), 0);
	assert_int_equal(count(), 13); /* none idle for 6 h: all stay */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_publish_find, setup, teardown),
		cmocka_unit_test_setup_teardown(test_evict, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_evict_recent, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
