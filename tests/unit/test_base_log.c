/* Unit tests for src/base/log.c and src/base/progress.c: level filtering,
 * formatting, the context pointer, long messages, and NULL log / NULL fn /
 * NULL progress being safe no-ops. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "base/log.h"
#include "base/progress.h"

struct capture {
	int calls;
	enum pare_log_level last_level;
	char last[2048];
	int per_level[5];
};

static void capture_fn(void *ctx, enum pare_log_level level, const char *msg)
{
	struct capture *c = ctx;
	c->calls++;
	c->last_level = level;
	snprintf(c->last, sizeof(c->last), "%s", msg);
	if ((int)level >= 0 && (int)level < 5)
		c->per_level[level]++;
}

static void emit_all(const struct pare_log *log)
{
	pare_log_error(log, "e%d", 0);
	pare_log_warning(log, "w%d", 1);
	pare_log_info(log, "i%d", 2);
	pare_log_verbose(log, "v%d", 3);
	pare_log_debug(log, "d%d", 4);
}

static void test_level_filtering(void **state)
{
	(void)state;
	for (int level = -1; level <= 5; level++) {
		struct capture c = { 0 };
		struct pare_log log = { capture_fn, &c, level };
		emit_all(&log);
		int want = level < 0 ? 0 : (level > 4 ? 5 : level + 1);
		assert_int_equal(c.calls, want);
		for (int l = 0; l < 5; l++)
			assert_int_equal(c.per_level[l], l <= level ? 1 : 0);
	}
}

static void test_default_info_level(void **state)
{
	(void)state;
	struct capture c = { 0 };
	struct pare_log log = { capture_fn, &c, PARE_LOG_INFO };
	pare_log_info(&log, "shown");
	assert_int_equal(c.calls, 1);
	assert_int_equal(c.last_level, PARE_LOG_INFO);
	assert_string_equal(c.last, "shown");
	pare_log_verbose(&log, "hidden");
	pare_log_debug(&log, "hidden");
	assert_int_equal(c.calls, 1);
	assert_string_equal(c.last, "shown");
	pare_log_warning(&log, "warn %s", "x");
	assert_int_equal(c.calls, 2);
	assert_int_equal(c.last_level, PARE_LOG_WARNING);
	assert_string_equal(c.last, "warn x");
}

static void test_formatting(void **state)
{
	(void)state;
	struct capture c = { 0 };
	struct pare_log log = { capture_fn, &c, PARE_LOG_DEBUG };
	pare_log_msg(&log, PARE_LOG_ERROR, "%s: %d packages, %05.1f%%", "install", 12, 42.5);
	assert_string_equal(c.last, "install: 12 packages, 042.5%");
	pare_log_msg(&log, PARE_LOG_DEBUG, "%s", "");
	assert_string_equal(c.last, "");
	assert_int_equal(c.calls, 2);
	/* A literal percent sign from a message argument is not re-formatted. */
	pare_log_info(&log, "%s", "100%s");
	assert_string_equal(c.last, "100%s");
}

static void test_long_message(void **state)
{
	(void)state;
	struct capture c = { 0 };
	struct pare_log log = { capture_fn, &c, PARE_LOG_DEBUG };
	char big[5000];
	memset(big, 'm', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	pare_log_info(&log, "start %s end", big);
	assert_int_equal(c.calls, 1);
	/* Delivered (possibly shortened), always a terminated string. */
	size_t n = strlen(c.last);
	assert_true(n > 0);
	assert_memory_equal(c.last, "start mmm", 9);
}

static void test_null_log_safe(void **state)
{
	(void)state;
	emit_all(NULL);
	pare_log_msg(NULL, PARE_LOG_ERROR, "x %d", 1);

	/* A log without fn discards, whatever the level and ctx. */
	struct capture c = { 0 };
	struct pare_log nofn = { NULL, &c, PARE_LOG_DEBUG };
	emit_all(&nofn);
	assert_int_equal(c.calls, 0);
	struct pare_log nofn_noctx = { NULL, NULL, 100 };
	emit_all(&nofn_noctx);
}

static void null_ctx_fn(void *ctx, enum pare_log_level level, const char *msg)
{
	/* ctx is passed through as given, even NULL. */
	assert_null(ctx);
	assert_non_null(msg);
	(void)level;
	function_called();
}

static void test_null_ctx_passed_through(void **state)
{
	(void)state;
	struct pare_log log = { null_ctx_fn, NULL, PARE_LOG_INFO };
	expect_function_calls(null_ctx_fn, 2);
	pare_log_error(&log, "a");
	pare_log_info(&log, "b");
	pare_log_debug(&log, "not delivered");
}

struct prog {
	int calls;
	char label[64];
	uint64_t done, total;
};

static void prog_fn(void *ctx, const char *label, uint64_t done, uint64_t total)
{
	struct prog *p = ctx;
	p->calls++;
	snprintf(p->label, sizeof(p->label), "%s", label ? label : "(null)");
	p->done = done;
	p->total = total;
}

static void test_progress(void **state)
{
	(void)state;
	struct prog pr = { 0 };
	struct pare_progress p = { prog_fn, &pr };
	pare_progress_update(&p, "fetch musl", 10, 100);
	assert_int_equal(pr.calls, 1);
	assert_string_equal(pr.label, "fetch musl");
	assert_int_equal(pr.done, 10);
	assert_int_equal(pr.total, 100);
	/* Unknown total, and the final update, are passed on as given. */
	pare_progress_update(&p, "x", 5, 0);
	assert_int_equal(pr.total, 0);
	pare_progress_update(&p, "x", UINT64_MAX, UINT64_MAX);
	assert_true(pr.done == UINT64_MAX && pr.total == UINT64_MAX);
	pare_progress_update(&p, NULL, 1, 2);
	assert_string_equal(pr.label, "(null)");
	assert_int_equal(pr.calls, 4);
}

static void test_progress_null_safe(void **state)
{
	(void)state;
	pare_progress_update(NULL, "x", 1, 2);
	pare_progress_update(NULL, NULL, 0, 0);
	struct prog pr = { 0 };
	struct pare_progress nofn = { NULL, &pr };
	pare_progress_update(&nofn, "x", 1, 2);
	assert_int_equal(pr.calls, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_level_filtering),
		cmocka_unit_test(test_default_info_level),
		cmocka_unit_test(test_formatting),
		cmocka_unit_test(test_long_message),
		cmocka_unit_test(test_null_log_safe),
		cmocka_unit_test(test_null_ctx_passed_through),
		cmocka_unit_test(test_progress),
		cmocka_unit_test(test_progress_null_safe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
