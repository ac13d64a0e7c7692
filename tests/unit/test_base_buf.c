/* Unit tests for src/base/buf.c: the bound is enforced exactly at max, a
 * failed append leaves the buffer as it was, the terminator invariant holds
 * after every operation, appendf handles long output, detach of an empty
 * buffer gives "". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/error.h"

/* The header's invariants. */
static void check_invariants(const struct pare_buf *b)
{
	assert_true(b->len <= b->max);
	if (b->data) {
		assert_true(b->len < b->cap); /* room for the terminator */
		assert_int_equal(b->data[b->len], '\0');
	} else {
		assert_int_equal(b->len, 0);
	}
}

static void assert_content(const struct pare_buf *b, const void *want, size_t n)
{
	check_invariants(b);
	assert_int_equal(b->len, n);
	if (n)
		assert_memory_equal(b->data, want, n);
}

static void test_init_empty(void **state)
{
	(void)state;
	struct pare_buf b;
	pare_buf_init(&b, 100);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	assert_int_equal(b.max, 100);
	struct pare_slice s = pare_buf_slice(&b);
	assert_int_equal(s.len, 0);
	pare_buf_release(&b);
	pare_buf_release(&b); /* twice is fine */
	pare_buf_release(NULL);
}

static void test_append_basic(void **state)
{
	(void)state;
	struct pare_buf b;
	pare_buf_init(&b, 1024);
	assert_int_equal(pare_buf_append_str(&b, "hello"), 0);
	assert_content(&b, "hello", 5);
	assert_int_equal(pare_buf_putc(&b, ' '), 0);
	assert_int_equal(pare_buf_append_slice(&b, pare_slice_from("world")), 0);
	assert_content(&b, "hello world", 11);
	assert_string_equal(b.data, "hello world");
	assert_int_equal(pare_buf_append(&b, "!?", 1), 0);
	assert_string_equal(b.data, "hello world!");
	/* Zero-length appends, including from NULL. */
	assert_int_equal(pare_buf_append(&b, NULL, 0), 0);
	assert_int_equal(pare_buf_append_slice(&b, PARE_SLICE_NULL), 0);
	assert_int_equal(pare_buf_append_str(&b, ""), 0);
	assert_content(&b, "hello world!", 12);

	struct pare_slice s = pare_buf_slice(&b);
	assert_ptr_equal(s.ptr, b.data);
	assert_int_equal(s.len, 12);
	pare_buf_release(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	/* Reusable after release, with the same bound. */
	assert_int_equal(b.max, 1024);
	assert_int_equal(pare_buf_append_str(&b, "again"), 0);
	assert_content(&b, "again", 5);
	pare_buf_release(&b);
}

static void test_binary_content(void **state)
{
	(void)state;
	struct pare_buf b;
	pare_buf_init(&b, 64);
	assert_int_equal(pare_buf_append(&b, "a\0b\0", 4), 0);
	assert_int_equal(pare_buf_putc(&b, '\0'), 0);
	assert_content(&b, "a\0b\0\0", 5);
	pare_buf_release(&b);
}

static void test_grow_many(void **state)
{
	(void)state;
	struct pare_buf b;
	pare_buf_init(&b, 1 << 20);
	for (int i = 0; i < 100000; i++) {
		char c = (char)('a' + i % 26);
		assert_int_equal(pare_buf_putc(&b, c), 0);
	}
	check_invariants(&b);
	assert_int_equal(b.len, 100000);
	for (int i = 0; i < 100000; i++)
		assert_int_equal(b.data[i], (char)('a' + i % 26));
	pare_buf_release(&b);
}

static void test_limit_exact(void **state)
{
	(void)state;
	struct pare_buf b;
	pare_buf_init(&b, 10);
	assert_int_equal(pare_buf_append(&b, "0123456789", 10), 0);
	assert_content(&b, "0123456789", 10);
	assert_true(b.cap <= b.max + 1);
	/* One more byte fails, in every flavour. */
	assert_int_equal(pare_buf_putc(&b, 'x'), -PARE_E_TOO_BIG);
	assert_int_equal(pare_buf_append(&b, "x", 1), -PARE_E_TOO_BIG);
	assert_int_equal(pare_buf_append_str(&b, "x"), -PARE_E_TOO_BIG);
	assert_int_equal(pare_buf_append_slice(&b, pare_slice_from("x")), -PARE_E_TOO_BIG);
	assert_int_equal(pare_buf_appendf(&b, "%d", 1), -PARE_E_TOO_BIG);
	assert_int_equal(pare_buf_reserve(&b, 1), -PARE_E_TOO_BIG);
	/* Zero more bytes are fine at the bound. */
	assert_int_equal(pare_buf_append(&b, "", 0), 0);
	assert_int_equal(pare_buf_reserve(&b, 0), 0);
	assert_content(&b, "0123456789", 10);
	pare_buf_release(&b);

	/* Reaching max in several steps. */
	pare_buf_init(&b, 10);
	assert_int_equal(pare_buf_append(&b, "01234", 5), 0);
	assert_int_equal(pare_buf_append(&b, "567890", 6), -PARE_E_TOO_BIG);
	assert_content(&b, "01234", 5);
	assert_int_equal(pare_buf_append(&b, "56789", 5), 0);
	assert_content(&b, "0123456789", 10);
	pare_buf_release(&b);

	/* A single append bigger than max, into an empty buffer. */
	pare_buf_init(&b, 10);
	assert_int_equal(pare_buf_append(&b, "0123456789A", 11), -PARE_E_TOO_BIG);
	assert_content(&b, "", 0);
	pare_buf_release(&b);
}

static void test_limit_zero(void **state)
{
	(void)state;
	struct pare_buf b;
	pare_buf_init(&b, 0);
	assert_int_equal(pare_buf_putc(&b, 'x'), -PARE_E_TOO_BIG);
	assert_int_equal(pare_buf_append(&b, "", 0), 0);
	assert_content(&b, "", 0);
	if (b.data)
		assert_string_equal(b.data, "");
	pare_buf_release(&b);
}

static void test_limit_huge_sizes(void **state)
{
	(void)state;
	struct pare_buf b;
	pare_buf_init(&b, 100);
	assert_int_equal(pare_buf_append_str(&b, "abc"), 0);
	/* Sizes near SIZE_MAX must not wrap around the checks. */
	assert_int_equal(pare_buf_reserve(&b, SIZE_MAX), -PARE_E_TOO_BIG);
	assert_int_equal(pare_buf_reserve(&b, SIZE_MAX - 2), -PARE_E_TOO_BIG);
	assert_int_equal(pare_buf_append(&b, "abc", SIZE_MAX), -PARE_E_TOO_BIG);
	assert_content(&b, "abc", 3);
	pare_buf_release(&b);
}

static void test_unbounded_max(void **state)
{
	(void)state;
	/* max == SIZE_MAX means "no practical bound": it must still work. */
	struct pare_buf b;
	pare_buf_init(&b, SIZE_MAX);
	assert_int_equal(pare_buf_append_str(&b, "hello"), 0);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(pare_buf_append_str(&b, "0123456789"), 0);
	check_invariants(&b);
	assert_int_equal(b.len, 5 + 10000);
	assert_memory_equal(b.data, "hello0123", 9);
	assert_int_equal(pare_buf_reserve(&b, SIZE_MAX), -PARE_E_TOO_BIG);
	assert_int_equal(pare_buf_reserve(&b, SIZE_MAX - b.len), -PARE_E_TOO_BIG);
	pare_buf_release(&b);
}

static void test_failure_leaves_contents(void **state)
{
	(void)state;
	struct pare_buf b;
	pare_buf_init(&b, 300);
	assert_int_equal(pare_buf_appendf(&b, "%s-%d", "keep", 42), 0);
	char *before_data = b.data;
	size_t before_cap = b.cap;

	char big[400];
	memset(big, 'z', sizeof(big));
	assert_int_equal(pare_buf_append(&b, big, sizeof(big)), -PARE_E_TOO_BIG);
	assert_content(&b, "keep-42", 7);
	/* appendf, both the short and the long (> 256 bytes) path. */
	assert_int_equal(pare_buf_appendf(&b, "%.295s", big), -PARE_E_TOO_BIG);
	assert_content(&b, "keep-42", 7);
	assert_int_equal(pare_buf_appendf(&b, "%.350s", big), -PARE_E_TOO_BIG);
	assert_content(&b, "keep-42", 7);
	assert_ptr_equal(b.data, before_data);
	assert_int_equal(b.cap, before_cap);
	assert_string_equal(b.data, "keep-42");

	/* Exactly up to the bound still succeeds afterwards. */
	assert_int_equal(pare_buf_appendf(&b, "%.293s", big), 0);
	assert_int_equal(b.len, 300);
	check_invariants(&b);
	assert_int_equal(pare_buf_putc(&b, 'x'), -PARE_E_TOO_BIG);
	assert_int_equal(b.len, 300);
	pare_buf_release(&b);
}

static void test_appendf(void **state)
{
	(void)state;
	struct pare_buf b;
	pare_buf_init(&b, 1 << 16);
	assert_int_equal(pare_buf_appendf(&b, "%s=%d;", "a", 1), 0);
	assert_int_equal(pare_buf_appendf(&b, "%05u|%x", 42u, 255u), 0);
	assert_string_equal(b.data, "a=1;00042|ff");
	assert_int_equal(pare_buf_appendf(&b, "%s", ""), 0);
	assert_int_equal(b.len, 12);
	check_invariants(&b);
	pare_buf_release(&b);
}

static void test_appendf_long(void **state)
{
	(void)state;
	/* Output around and beyond the 256-byte fast path. */
	static const size_t sizes[] = { 254, 255, 256, 257, 300, 1000, 5000, 70000 };
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		size_t n = sizes[k];
		char *src = malloc(n + 1);
		assert_non_null(src);
		for (size_t i = 0; i < n; i++)
			src[i] = (char)('A' + i % 23);
		src[n] = '\0';

		struct pare_buf b;
		pare_buf_init(&b, 1 << 20);
		assert_int_equal(pare_buf_append_str(&b, "pre:"), 0);
		assert_int_equal(pare_buf_appendf(&b, "[%s]", src), 0);
		check_invariants(&b);
		assert_int_equal(b.len, 4 + n + 2);
		assert_memory_equal(b.data, "pre:[", 5);
		assert_memory_equal(b.data + 5, src, n);
		assert_int_equal(b.data[5 + n], ']');
		/* And appending after a long appendf keeps working. */
		assert_int_equal(pare_buf_appendf(&b, "%s", "end"), 0);
		assert_int_equal(b.len, 4 + n + 2 + 3);
		assert_string_equal(b.data + 4 + n + 2, "end");
		check_invariants(&b);
		pare_buf_release(&b);
		free(src);
	}
}

static void test_appendf_long_exact_limit(void **state)
{
	(void)state;
	char src[600];
	memset(src, 'q', sizeof(src) - 1);
	src[sizeof(src) - 1] = '\0';
	struct pare_buf b;
	pare_buf_init(&b, 599);
	assert_int_equal(pare_buf_appendf(&b, "%s", src), 0);
	assert_int_equal(b.len, 599);
	check_invariants(&b);
	pare_buf_release(&b);

	pare_buf_init(&b, 598);
	assert_int_equal(pare_buf_appendf(&b, "%s", src), -PARE_E_TOO_BIG);
	assert_int_equal(b.len, 0);
	check_invariants(&b);
	pare_buf_release(&b);
}

static void test_reserve_keeps_len(void **state)
{
	(void)state;
	struct pare_buf b;
	pare_buf_init(&b, 4096);
	assert_int_equal(pare_buf_reserve(&b, 100), 0);
	assert_int_equal(b.len, 0);
	assert_true(b.cap >= 101);
	/* The buffer has memory now, so it must already be a valid "". */
	check_invariants(&b);
	assert_string_equal(b.data, "");
	char *data = b.data;
	for (int i = 0; i < 100; i++)
		assert_int_equal(pare_buf_putc(&b, 'x'), 0);
	/* No reallocation was needed for the reserved room. */
	assert_ptr_equal(b.data, data);
	assert_int_equal(pare_buf_reserve(&b, 4096 - 100), 0);
	assert_int_equal(pare_buf_reserve(&b, 4096 - 99), -PARE_E_TOO_BIG);
	assert_int_equal(b.len, 100);
	check_invariants(&b);
	pare_buf_release(&b);
}

static void test_reset_truncate(void **state)
{
	(void)state;
	struct pare_buf b;
	pare_buf_init(&b, 100);
	pare_buf_reset(&b); /* on a buffer with no memory */
	check_invariants(&b);
	assert_int_equal(pare_buf_append_str(&b, "abcdef"), 0);
	pare_buf_truncate(&b, 3);
	assert_content(&b, "abc", 3);
	assert_string_equal(b.data, "abc");
	pare_buf_truncate(&b, 10); /* longer than len: no change */
	assert_content(&b, "abc", 3);
	pare_buf_truncate(&b, 3);
	assert_content(&b, "abc", 3);
	pare_buf_truncate(&b, 0);
	assert_content(&b, "", 0);

	assert_int_equal(pare_buf_append_str(&b, "xyz"), 0);
	char *data = b.data;
	size_t cap = b.cap;
	pare_buf_reset(&b);
	assert_content(&b, "", 0);
	assert_ptr_equal(b.data, data); /* memory kept */
	assert_int_equal(b.cap, cap);
	assert_string_equal(b.data, "");
	pare_buf_truncate(&b, 0);
	pare_buf_release(&b);
}

static void test_detach(void **state)
{
	(void)state;
	struct pare_buf b;
	pare_buf_init(&b, 100);
	assert_int_equal(pare_buf_append_str(&b, "content"), 0);
	size_t len = 0;
	char *p = pare_buf_detach(&b, &len);
	assert_non_null(p);
	assert_int_equal(len, 7);
	assert_string_equal(p, "content");
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	free(p);
	/* The buffer is reusable. */
	assert_int_equal(pare_buf_append_str(&b, "second"), 0);
	p = pare_buf_detach(&b, NULL);
	assert_string_equal(p, "second");
	free(p);
	pare_buf_release(&b);
}

static void test_escaped(void **state)
{
	(void)state;
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "plain /usr/bin/x", "plain /usr/bin/x" },
		{ "\xc3\xa9\xe6\x97\xa5", "\xc3\xa9\xe6\x97\xa5" },   /* valid UTF-8 kept */
		{ "a\xff" "b", "a\\xffb" },                     /* invalid byte */
		{ "\x1b[31m\t\x7f", "\\x1b[31m\\x09\\x7f" },     /* controls, tab, DEL */
		{ "\xc2\x9b", "\\xc2\\x9b" },                   /* C1 CSI */
		{ "\xe6\x97", "\\xe6\\x97" },                   /* cut sequence */
		{ "\xed\xa0\x80", "\\xed\\xa0\\x80" },           /* surrogate */
		{ "back\\slash", "back\\\\slash" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pare_buf b;
		pare_buf_init(&b, 100);
		assert_int_equal(pare_buf_append_escaped(&b, pare_slice_from(cases[i].in)), 0);
		assert_string_equal(b.data, cases[i].out);
		pare_buf_release(&b);
	}
	struct pare_buf small;
	pare_buf_init(&small, 3);
	assert_int_not_equal(pare_buf_append_escaped(&small, pare_slice_from("\x01")), 0);
	pare_buf_release(&small);
	/* The text variant keeps tab and backslash, escapes the rest alike. */
	struct pare_buf t;
	pare_buf_init(&t, 100);
	assert_int_equal(pare_buf_append_escaped_text(
				 &t, pare_slice_from("\tcase \\${0} in\x1b\xc2\x9b\xff")),
			 0);
	assert_string_equal(t.data, "\tcase \\${0} in\\x1b\\xc2\\x9b\\xff");
	pare_buf_release(&t);
}

static void test_pct(void **state)
{
	(void)state;
	static const struct {
		const char *in, *keep;
		unsigned flags;
		const char *out;
	} cases[] = {
		{ "AZaz09-._~", NULL, 0, "AZaz09-._~" },          /* unreserved kept */
		{ "1:2.3+dfsg-1", NULL, 0, "1%3A2.3%2Bdfsg-1" },   /* purl version */
		{ "LibFoo", NULL, PARE_PCT_LOWER, "libfoo" },
		{ "A B/\xff", NULL, PARE_PCT_LOWER, "a%20b%2F%FF" }, /* hex stays upper */
		{ "g++@1:2=3,4/x", "+@:=,", 0, "g++@1:2=3,4%2Fx" }, /* URL path */
		{ "", NULL, 0, "" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pare_buf b;
		pare_buf_init(&b, 100);
		assert_int_equal(pare_buf_append_pct(&b, pare_slice_from(cases[i].in), cases[i].keep,
						     cases[i].flags), 0);
		assert_string_equal(b.data ? b.data : "", cases[i].out);
		pare_buf_release(&b);
	}
	/* A NUL byte inside the slice is encoded, never kept by keep. */
	struct pare_buf z;
	pare_buf_init(&z, 100);
	assert_int_equal(pare_buf_append_pct(&z, pare_slice_make("a\0b", 3), "+", 0), 0);
	assert_string_equal(z.data, "a%00b");
	pare_buf_release(&z);
	/* Too big: the buffer is left as it was. */
	struct pare_buf small;
	pare_buf_init(&small, 6);
	assert_int_equal(pare_buf_append_str(&small, "ab"), 0);
	assert_int_not_equal(pare_buf_append_pct(&small, pare_slice_from("c d"), NULL, 0), 0);
	assert_int_equal(small.len, 2);
	assert_string_equal(small.data, "ab");
	pare_buf_release(&small);
}

static void test_detach_empty(void **state)
{
	(void)state;
	/* Never used: detach gives a fresh "". */
	struct pare_buf b;
	pare_buf_init(&b, 100);
	size_t len = 99;
	char *p = pare_buf_detach(&b, &len);
	assert_non_null(p);
	assert_int_equal(len, 0);
	assert_string_equal(p, "");
	free(p);
	assert_null(b.data);

	/* Reserved but empty. */
	pare_buf_init(&b, 100);
	assert_int_equal(pare_buf_reserve(&b, 50), 0);
	p = pare_buf_detach(&b, &len);
	assert_non_null(p);
	assert_int_equal(len, 0);
	assert_string_equal(p, "");
	free(p);

	/* Emptied by reset. */
	pare_buf_init(&b, 100);
	assert_int_equal(pare_buf_append_str(&b, "gone"), 0);
	pare_buf_reset(&b);
	p = pare_buf_detach(&b, &len);
	assert_int_equal(len, 0);
	assert_string_equal(p, "");
	free(p);

	/* Even with max == 0. */
	pare_buf_init(&b, 0);
	p = pare_buf_detach(&b, &len);
	assert_non_null(p);
	assert_int_equal(len, 0);
	assert_string_equal(p, "");
	free(p);
	pare_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_empty),
		cmocka_unit_test(test_append_basic),
		cmocka_unit_test(test_binary_content),
		cmocka_unit_test(test_grow_many),
		cmocka_unit_test(test_limit_exact),
		cmocka_unit_test(test_limit_zero),
		cmocka_unit_test(test_limit_huge_sizes),
		cmocka_unit_test(test_unbounded_max),
		cmocka_unit_test(test_failure_leaves_contents),
		cmocka_unit_test(test_appendf),
		cmocka_unit_test(test_appendf_long),
		cmocka_unit_test(test_appendf_long_exact_limit),
		cmocka_unit_test(test_reserve_keeps_len),
		cmocka_unit_test(test_reset_truncate),
		cmocka_unit_test(test_detach),
		cmocka_unit_test(test_detach_empty),
		cmocka_unit_test(test_escaped),
		cmocka_unit_test(test_pct),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
