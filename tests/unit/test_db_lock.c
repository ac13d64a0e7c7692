/* Unit tests for src/db/lock.c: a second holder fails at once, a waiter
 * times out while the lock stays held and succeeds once it is released;
 * the holder is another process (fork), as with two `pare add`. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "db/dbfile.h"
#include "db/lock.h"
#include "test_db_util.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The child: lock, report 'L', wait for 'R', hold 300 ms more, exit. */
static void child(const char *dir, int up, int down)
{
	struct pare_root root;
	struct pare_db_lock l;
	pare_db_lock_init(&l);
	if (pare_root_open(&root, dir, NULL) < 0 || pare_db_lock(&l, &root, NULL, NULL) < 0)
		_exit(2);
	char c = 'L';
	if (write(up, &c, 1) != 1 || read(down, &c, 1) != 1 || c != 'R')
		_exit(3);
	usleep(300 * 1000);
	pare_db_unlock(&l);
	pare_root_release(&root);
	_exit(0);
}

static int waited;

static void on_wait(void *ctx)
{
	(void)ctx;
	waited++;
}

static void test_two_processes(void **state)
{
	(void)state;
	char tmp[4096];
	assert_non_null(db_tmpdir(tmp, sizeof(tmp)));
	assert_int_equal(db_mkdirs(tmp, "lib/apk/db"), 0);
	int up[2], down[2];
	assert_int_equal(pipe(up), 0);
	assert_int_equal(pipe(down), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		child(tmp, up[1], down[0]);
	char c;
	assert_int_equal(read(up[0], &c, 1), 1);
	assert_int_equal(c, 'L');

	struct pare_root root;
	struct pare_error err = { 0 };
	struct pare_db_lock l;
	pare_db_lock_init(&l);
	assert_int_equal(pare_root_open(&root, tmp, &err), 0);

	/* Held: fails at once. */
	double t0 = now();
	assert_int_equal(pare_db_lock(&l, &root, NULL, &err), -EWOULDBLOCK);
	assert_true(now() - t0 < 0.5);
	assert_non_null(strstr(err.msg, "locked by another process"));
	assert_int_equal(l.fd, -1);

	/* Held for longer than the wait: times out after about 1 s. */
	struct pare_db_lock_opts o = { .wait_seconds = 1, .waiting = on_wait };
	t0 = now();
	assert_int_equal(pare_db_lock(&l, &root, &o, &err), -ETIMEDOUT);
	double dt = now() - t0;
	assert_true(dt >= 0.9 && dt < 3.0);
	assert_int_equal(waited, 1);

	/* Released while waiting: succeeds. */
	c = 'R';
	assert_int_equal(write(down[1], &c, 1), 1);
	o.wait_seconds = 10;
	t0 = now();
	if (pare_db_lock(&l, &root, &o, &err) < 0)
		fail_msg("%s", err.msg);
	assert_true(now() - t0 < 5.0);
	assert_true(l.fd >= 0);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	/* A second lock in this process (another open file) conflicts too. */
	struct pare_db_lock l2;
	pare_db_lock_init(&l2);
	assert_int_equal(pare_db_lock(&l2, &root, NULL, &err), -EWOULDBLOCK);
	assert_int_equal(pare_db_lock(&l, &root, NULL, &err), -EINVAL); /* already held */
	pare_db_unlock(&l);
	pare_db_unlock(&l); /* idempotent */
	assert_int_equal(pare_db_lock(&l2, &root, NULL, &err), 0);
	pare_db_unlock(&l2);

	char path[4200];
	snprintf(path, sizeof(path), "%s/" PARE_DB_LOCK_PATH, tmp);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	close(up[0]);
	close(up[1]);
	close(down[0]);
	close(down[1]);
	pare_root_release(&root);
	db_rmtree(tmp);
}

static void test_missing_dir(void **state)
{
	(void)state;
	char tmp[4096];
	assert_non_null(db_tmpdir(tmp, sizeof(tmp)));
	struct pare_root root;
	struct pare_error err = { 0 };
	assert_int_equal(pare_root_open(&root, tmp, &err), 0);
	struct pare_db_lock l;
	pare_db_lock_init(&l);
	assert_int_equal(pare_db_lock(&l, &root, NULL, &err), -ENOENT);
	struct pare_db_lock_opts o = { .create_dirs = true };
	assert_int_equal(pare_db_lock(&l, &root, &o, &err), 0);
	pare_db_unlock(&l);
	pare_root_release(&root);
	db_rmtree(tmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_processes),
		cmocka_unit_test(test_missing_dir),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
