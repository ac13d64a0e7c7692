/* Unit tests for src/base/error.c: code texts, setting, prefixing and
 * clearing error messages, and NULL-safety of every entry point. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <string.h>

#include "base/error.h"

static void test_project_codes_above_errno(void **state)
{
	(void)state;
	/* Every project code is above any errno value the kernel uses. */
	assert_true(PARE_E_FIRST >= 4096);
	assert_true(PARE_E_FORMAT == PARE_E_FIRST);
	assert_true(PARE_E_LAST > PARE_E_CRYPTO);
	assert_true(EHWPOISON < PARE_E_FIRST);
}

static void test_strerror_every_project_code(void **state)
{
	(void)state;
	for (int c = PARE_E_FIRST; c < PARE_E_LAST; c++) {
		const char *neg = pare_strerror(-c);
		const char *pos = pare_strerror(c);
		assert_non_null(neg);
		assert_non_null(pos);
		assert_true(neg[0] != '\0');
		assert_string_equal(neg, pos);
		/* One line, no trailing newline. */
		assert_null(strchr(neg, '\n'));
	}
	assert_string_equal(pare_strerror(-PARE_E_TOO_BIG), "size limit exceeded");
	assert_string_equal(pare_strerror(-PARE_E_UNSAFE_PATH), "unsafe path");
	assert_string_equal(pare_strerror(-PARE_E_UNTRUSTED), "UNTRUSTED signature");
	assert_string_equal(pare_strerror(-PARE_E_BAD_SIGNATURE), "BAD signature");
}

static void test_strerror_errno_and_zero(void **state)
{
	(void)state;
	assert_string_equal(pare_strerror(0), "success");
	assert_string_equal(pare_strerror(-ENOENT), strerror(ENOENT));
	assert_string_equal(pare_strerror(ENOENT), strerror(ENOENT));
	assert_string_equal(pare_strerror(-ENOMEM), strerror(ENOMEM));
	/* Codes outside both ranges still give some text, never NULL. */
	assert_non_null(pare_strerror(-(PARE_E_FIRST - 1)));
	assert_non_null(pare_strerror(-PARE_E_LAST));
	assert_non_null(pare_strerror(-(PARE_E_LAST + 1000)));
	assert_non_null(pare_strerror(INT_MAX));
	assert_non_null(pare_strerror(INT_MIN));
	assert_non_null(pare_strerror(-INT_MAX));
}

static void test_set_fills_message_and_returns_code(void **state)
{
	(void)state;
	struct pare_error err;
	pare_error_clear(&err);
	int r = pare_error_set(&err, -PARE_E_FORMAT, "%s:%d: bad field '%s'", "file.txt", 12,
			       "x");
	assert_int_equal(r, -PARE_E_FORMAT);
	assert_int_equal(err.code, -PARE_E_FORMAT);
	assert_string_equal(err.msg, "file.txt:12: bad field 'x'");
	assert_string_equal(pare_error_text(&err, r), "file.txt:12: bad field 'x'");

	/* Setting again replaces both code and message. */
	r = pare_error_set(&err, -ENOENT, "other");
	assert_int_equal(r, -ENOENT);
	assert_int_equal(err.code, -ENOENT);
	assert_string_equal(err.msg, "other");
}

static void test_set_null_err(void **state)
{
	(void)state;
	assert_int_equal(pare_error_set(NULL, -PARE_E_TOO_BIG, "x %d", 1), -PARE_E_TOO_BIG);
	assert_int_equal(pare_error_set(NULL, -EIO, "y"), -EIO);
	assert_int_equal(pare_error_prefix(NULL, -EIO, "ctx: "), -EIO);
	pare_error_clear(NULL);
	assert_string_equal(pare_error_text(NULL, -PARE_E_TOO_BIG), "size limit exceeded");
	assert_string_equal(pare_error_text(NULL, 0), "success");
}

static void test_set_long_message_truncated_terminated(void **state)
{
	(void)state;
	struct pare_error err;
	char big[3 * PARE_ERROR_MSG_MAX];
	memset(big, 'A', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	/* Poison the message so a missing terminator would be noticed. */
	memset(err.msg, 'Z', sizeof(err.msg));
	pare_error_set(&err, -PARE_E_TOO_BIG, "%s", big);
	assert_int_equal(strlen(err.msg), PARE_ERROR_MSG_MAX - 1);
	assert_int_equal(err.msg[PARE_ERROR_MSG_MAX - 1], '\0');
	assert_int_equal(err.msg[0], 'A');
}

static void test_clear(void **state)
{
	(void)state;
	struct pare_error err;
	pare_error_set(&err, -EIO, "something broke");
	pare_error_clear(&err);
	assert_int_equal(err.code, 0);
	assert_string_equal(err.msg, "");
	/* With no error recorded, the text is the code's. */
	assert_string_equal(pare_error_text(&err, -PARE_E_NOT_FOUND), "not found");
	assert_string_equal(pare_error_text(&err, -ENOENT), strerror(ENOENT));
}

static void test_text_falls_back_on_empty_message(void **state)
{
	(void)state;
	struct pare_error err;
	pare_error_clear(&err);
	err.code = -PARE_E_INTEGRITY; /* a code without a message */
	assert_string_equal(pare_error_text(&err, -PARE_E_INTEGRITY), "integrity check failed");
	pare_error_set(&err, -PARE_E_INTEGRITY, "%s", "");
	assert_non_null(pare_error_text(&err, -PARE_E_INTEGRITY));
	assert_string_equal(pare_error_text(&err, -PARE_E_INTEGRITY), "integrity check failed");
}

static void test_prefix_existing(void **state)
{
	(void)state;
	struct pare_error err;
	pare_error_clear(&err);
	pare_error_set(&err, -PARE_E_TRUNCATED, "offset %d: short read", 42);
	int r = pare_error_prefix(&err, -EIO, "%s: ", "pkg.apk");
	/* The original code is kept, not the one passed in. */
	assert_int_equal(r, -PARE_E_TRUNCATED);
	assert_int_equal(err.code, -PARE_E_TRUNCATED);
	assert_string_equal(err.msg, "pkg.apk: offset 42: short read");

	/* Prefixing twice nests the contexts. */
	r = pare_error_prefix(&err, -EIO, "%s: ", "repo");
	assert_int_equal(r, -PARE_E_TRUNCATED);
	assert_string_equal(err.msg, "repo: pkg.apk: offset 42: short read");
}

static void test_prefix_without_previous_error(void **state)
{
	(void)state;
	struct pare_error err;
	pare_error_clear(&err);
	int r = pare_error_prefix(&err, -PARE_E_NOT_FOUND, "%s: ", "musl");
	assert_int_equal(r, -PARE_E_NOT_FOUND);
	assert_int_equal(err.code, -PARE_E_NOT_FOUND);
	assert_string_equal(err.msg, "musl: not found");

	pare_error_clear(&err);
	r = pare_error_prefix(&err, -ENOENT, "a: ");
	assert_int_equal(r, -ENOENT);
	char want[PARE_ERROR_MSG_MAX];
	snprintf(want, sizeof(want), "a: %s", strerror(ENOENT));
	assert_string_equal(err.msg, want);
}

static void test_prefix_code_without_message(void **state)
{
	(void)state;
	/* A code recorded without text: the prefix goes before the code's text. */
	struct pare_error err;
	pare_error_clear(&err);
	err.code = -PARE_E_FORMAT;
	int r = pare_error_prefix(&err, -EIO, "x: ");
	assert_int_equal(r, -PARE_E_FORMAT);
	assert_string_equal(err.msg, "x: malformed input");
}

static void test_prefix_long_stays_terminated(void **state)
{
	(void)state;
	struct pare_error err;
	char big[PARE_ERROR_MSG_MAX + 100];
	memset(big, 'B', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	pare_error_set(&err, -PARE_E_FORMAT, "%s", big);
	pare_error_prefix(&err, -EIO, "%s", big);
	assert_int_equal(strlen(err.msg), PARE_ERROR_MSG_MAX - 1);
	assert_int_equal(err.code, -PARE_E_FORMAT);

	pare_error_set(&err, -PARE_E_FORMAT, "tail");
	pare_error_prefix(&err, -EIO, "%s", big);
	assert_int_equal(strlen(err.msg), PARE_ERROR_MSG_MAX - 1);
	assert_int_equal(err.msg[0], 'B');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_project_codes_above_errno),
		cmocka_unit_test(test_strerror_every_project_code),
		cmocka_unit_test(test_strerror_errno_and_zero),
		cmocka_unit_test(test_set_fills_message_and_returns_code),
		cmocka_unit_test(test_set_null_err),
		cmocka_unit_test(test_set_long_message_truncated_terminated),
		cmocka_unit_test(test_clear),
		cmocka_unit_test(test_text_falls_back_on_empty_message),
		cmocka_unit_test(test_prefix_existing),
		cmocka_unit_test(test_prefix_without_previous_error),
		cmocka_unit_test(test_prefix_code_without_message),
		cmocka_unit_test(test_prefix_long_stays_terminated),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
