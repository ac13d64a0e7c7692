/* Unit tests for the descriptor loops of io/stream.h: pare_read_some
 * retries a read a signal interrupted, pare_write_all writes everything
 * and reports -errno, pare_read_fd reads to the end within the buffer's
 * bound. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/error.h"
#include "io/child.h"
#include "io/stream.h"

static int alarm_fd = -1;

/* Writes one byte into the pipe the test blocks on: read(2) is
 * interrupted (no SA_RESTART) and the retry gets the byte. */
static void on_alarm(int sig)
{
	(void)sig;
	ssize_t w = write(alarm_fd, "x", 1);
	(void)w;
}

static void test_read_some_retries_eintr(void **state)
{
	(void)state;
	int p[2];
	assert_int_equal(pipe(p), 0);
	alarm_fd = p[1];
	struct sigaction sa = { 0 };
	sa.sa_handler = on_alarm;
	assert_int_equal(sigaction(SIGALRM, &sa, NULL), 0);
	struct itimerval it = { .it_value = { .tv_usec = 20000 } };
	assert_int_equal(setitimer(ITIMER_REAL, &it, NULL), 0);
	char c = 0;
	assert_int_equal(pare_read_some(p[0], &c, 1), 1);
	assert_int_equal(c, 'x');
	close(p[1]);
	assert_int_equal(pare_read_some(p[0], &c, 1), 0); /* the end */
	close(p[0]);
	signal(SIGALRM, SIG_DFL);
	assert_int_equal(pare_read_some(-1, &c, 1), -EBADF);
}

static void on_alarm_quiet(int sig)
{
	(void)sig;
}

/* The one wait loop: interrupted by a signal (no SA_RESTART), it waits on
 * and returns the child's status; a second wait has no child. */
static void test_wait_child(void **state)
{
	(void)state;
	struct sigaction sa = { 0 };
	sa.sa_handler = on_alarm_quiet;
	assert_int_equal(sigaction(SIGALRM, &sa, NULL), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		usleep(100000);
		_exit(3);
	}
	struct itimerval it = { .it_value = { .tv_usec = 20000 } };
	assert_int_equal(setitimer(ITIMER_REAL, &it, NULL), 0);
	int st = -1;
	assert_int_equal(pare_wait_child(pid, &st), 0);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 3);
	assert_int_equal(pare_wait_child(pid, &st), -ECHILD);
	signal(SIGALRM, SIG_DFL);
}

static void test_write_all_and_read_fd(void **state)
{
	(void)state;
	char path[] = "/tmp/pare-test-stream.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	unlink(path);
	size_t n = 300000;
	char *data = malloc(n);
	assert_non_null(data);
	for (size_t i = 0; i < n; i++)
		data[i] = (char)(i * 7);
	assert_int_equal(pare_write_all(fd, data, n), 0);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	struct pare_buf b;
	struct pare_error err = { 0 };
	pare_buf_init(&b, n);
	assert_int_equal(pare_read_fd(fd, &b, "data", &err), 0);
	assert_int_equal(b.len, n);
	assert_memory_equal(b.data, data, n);
	pare_buf_release(&b);
	/* one byte over the bound */
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	pare_buf_init(&b, n - 1);
	assert_int_equal(pare_read_fd(fd, &b, "data", &err), -PARE_E_TOO_BIG);
	assert_non_null(strstr(err.msg, "data: larger than"));
	pare_buf_release(&b);
	/* the one fd-to-stream copy: exact bound, one byte over, bad fd */
	struct pare_ostream os;
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	pare_buf_init(&b, n);
	pare_buf_ostream_init(&os, &b);
	assert_int_equal(pare_copy_fd(fd, &os, n, "data", &err), 0);
	assert_int_equal(b.len, n);
	assert_memory_equal(b.data, data, n);
	pare_buf_release(&b);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	pare_buf_init(&b, n);
	pare_buf_ostream_init(&os, &b);
	assert_int_equal(pare_copy_fd(fd, &os, n - 1, "data", &err), -PARE_E_TOO_BIG);
	assert_non_null(strstr(err.msg, "data: larger than 299999 bytes"));
	pare_buf_release(&b);
	close(fd);
	assert_int_equal(pare_write_all(fd, data, 1), -EBADF);
	pare_buf_init(&b, 10);
	pare_buf_ostream_init(&os, &b);
	assert_int_equal(pare_copy_fd(fd, &os, 10, "gone", &err), -EBADF);
	assert_non_null(strstr(err.msg, "gone: "));
	pare_buf_release(&b);
	free(data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_some_retries_eintr),
		cmocka_unit_test(test_wait_child),
		cmocka_unit_test(test_write_all_and_read_fd),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
