/* Unit tests for src/base/slice.c: construction, comparison, searching,
 * splitting, tokenising, trimming, sub-slices, number parsing and copies.
 * Slices are not NUL-terminated: several tests cut a slice out of a larger
 * string so that reading past len would show. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "base/slice.h"

#define S(x) pare_slice_from(x)

static void assert_slice(struct pare_slice s, const char *want)
{
	size_t n = strlen(want);
	if (s.len != n || (n && memcmp(s.ptr, want, n) != 0))
		fail_msg("slice '%.*s' (len %zu) != '%s'", (int)s.len, s.ptr ? s.ptr : "", s.len,
			 want);
}

static void test_from_and_make(void **state)
{
	(void)state;
	struct pare_slice s = S("hello");
	assert_int_equal(s.len, 5);
	assert_slice(s, "hello");

	s = pare_slice_from(NULL);
	assert_null(s.ptr);
	assert_int_equal(s.len, 0);

	s = S("");
	assert_non_null(s.ptr);
	assert_int_equal(s.len, 0);

	const char buf[] = "abcdef";
	s = pare_slice_make(buf + 1, 3);
	assert_slice(s, "bcd");

	/* Invariant: ptr may be NULL only when len == 0. */
	s = pare_slice_make(NULL, 7);
	assert_null(s.ptr);
	assert_int_equal(s.len, 0);

	s = PARE_SLICE_LIT("lit\0eral");
	assert_int_equal(s.len, 8);
	s = PARE_SLICE_NULL;
	assert_null(s.ptr);
	assert_int_equal(s.len, 0);
}

static void test_eq(void **state)
{
	(void)state;
	assert_true(pare_slice_eq(S("abc"), S("abc")));
	assert_false(pare_slice_eq(S("abc"), S("abd")));
	assert_false(pare_slice_eq(S("abc"), S("ab")));
	assert_true(pare_slice_eq(PARE_SLICE_NULL, S("")));
	assert_true(pare_slice_eq(PARE_SLICE_NULL, PARE_SLICE_NULL));
	assert_false(pare_slice_eq(PARE_SLICE_NULL, S("a")));
	/* Embedded NUL bytes are compared, not treated as an end. */
	assert_true(pare_slice_eq(PARE_SLICE_LIT("a\0b"), PARE_SLICE_LIT("a\0b")));
	assert_false(pare_slice_eq(PARE_SLICE_LIT("a\0b"), PARE_SLICE_LIT("a\0c")));

	const char big[] = "abcdef";
	assert_true(pare_slice_eq_cstr(pare_slice_make(big, 3), "abc"));
	assert_false(pare_slice_eq_cstr(pare_slice_make(big, 3), "abcdef"));
	assert_true(pare_slice_eq_cstr(PARE_SLICE_NULL, ""));
	assert_true(pare_slice_eq_cstr(PARE_SLICE_NULL, NULL));
	assert_false(pare_slice_eq_cstr(S("x"), NULL));
}

static int sign(int v)
{
	return (v > 0) - (v < 0);
}

static void test_cmp(void **state)
{
	(void)state;
	assert_int_equal(pare_slice_cmp(S("abc"), S("abc")), 0);
	assert_int_equal(sign(pare_slice_cmp(S("abc"), S("abd"))), -1);
	assert_int_equal(sign(pare_slice_cmp(S("abd"), S("abc"))), 1);
	/* A proper prefix sorts first. */
	assert_int_equal(sign(pare_slice_cmp(S("ab"), S("abc"))), -1);
	assert_int_equal(sign(pare_slice_cmp(S("abc"), S("ab"))), 1);
	assert_int_equal(pare_slice_cmp(PARE_SLICE_NULL, S("")), 0);
	assert_int_equal(sign(pare_slice_cmp(PARE_SLICE_NULL, S("a"))), -1);
	assert_int_equal(sign(pare_slice_cmp(S("a"), PARE_SLICE_NULL)), 1);
	/* Bytes compare unsigned. */
	assert_int_equal(sign(pare_slice_cmp(S("\x7f"), S("\x80"))), -1);
	assert_int_equal(sign(pare_slice_cmp(PARE_SLICE_LIT("a\0"), S("a"))), 1);
}

static void test_starts_ends(void **state)
{
	(void)state;
	assert_true(pare_slice_starts_with(S("libfoo.so.1"), S("libfoo")));
	assert_true(pare_slice_starts_with(S("abc"), S("abc")));
	assert_true(pare_slice_starts_with(S("abc"), S("")));
	assert_true(pare_slice_starts_with(S("abc"), PARE_SLICE_NULL));
	assert_true(pare_slice_starts_with(PARE_SLICE_NULL, PARE_SLICE_NULL));
	assert_false(pare_slice_starts_with(S("ab"), S("abc")));
	assert_false(pare_slice_starts_with(S("xbc"), S("ab")));
	assert_false(pare_slice_starts_with(PARE_SLICE_NULL, S("a")));

	assert_true(pare_slice_ends_with(S("libfoo.so"), S(".so")));
	assert_true(pare_slice_ends_with(S("abc"), S("abc")));
	assert_true(pare_slice_ends_with(S("abc"), S("")));
	assert_true(pare_slice_ends_with(PARE_SLICE_NULL, PARE_SLICE_NULL));
	assert_false(pare_slice_ends_with(S("bc"), S("abc")));
	assert_false(pare_slice_ends_with(S("abc"), S("ab")));
	assert_false(pare_slice_ends_with(PARE_SLICE_NULL, S("a")));
}

static void test_find(void **state)
{
	(void)state;
	assert_int_equal(pare_slice_find(S("a=b=c"), '='), 1);
	assert_int_equal(pare_slice_find(S("abc"), 'a'), 0);
	assert_int_equal(pare_slice_find(S("abc"), 'c'), 2);
	assert_int_equal(pare_slice_find(S("abc"), 'x'), -1);
	assert_int_equal(pare_slice_find(PARE_SLICE_NULL, 'x'), -1);
	assert_int_equal(pare_slice_find(PARE_SLICE_LIT("a\0b"), '\0'), 1);
	/* Never looks past len. */
	const char buf[] = "abc=";
	assert_int_equal(pare_slice_find(pare_slice_make(buf, 3), '='), -1);
}

static void test_split(void **state)
{
	(void)state;
	struct pare_slice s = S("P:name"), head;
	assert_true(pare_slice_split(&s, ':', &head));
	assert_slice(head, "P");
	assert_slice(s, "name");

	/* Absent: head is the whole slice, the rest is empty. */
	assert_false(pare_slice_split(&s, ':', &head));
	assert_slice(head, "name");
	assert_int_equal(s.len, 0);

	/* Leading, trailing and repeated separators give empty parts. */
	s = S(":a::b:");
	const char *want[] = { "", "a", "", "b" };
	for (size_t i = 0; i < 4; i++) {
		assert_true(pare_slice_split(&s, ':', &head));
		assert_slice(head, want[i]);
	}
	assert_int_equal(s.len, 0);
	assert_false(pare_slice_split(&s, ':', &head));
	assert_int_equal(head.len, 0);

	/* Lines out of a buffer that does not end with the separator. */
	const char text[] = "one\ntwo\nthree";
	s = pare_slice_make(text, sizeof(text) - 1);
	int n = 0;
	for (;;) {
		bool more = pare_slice_split(&s, '\n', &head);
		n++;
		if (!more)
			break;
	}
	assert_int_equal(n, 3);
	assert_slice(head, "three");

	s = PARE_SLICE_NULL;
	assert_false(pare_slice_split(&s, ':', &head));
	assert_int_equal(head.len, 0);
	assert_int_equal(s.len, 0);
}

static void test_next_word(void **state)
{
	(void)state;
	struct pare_slice s = S("  so:libc.so.6 \t so:libm.so.6\tcmd:sh  "), w;
	assert_true(pare_slice_next_word(&s, &w));
	assert_slice(w, "so:libc.so.6");
	assert_true(pare_slice_next_word(&s, &w));
	assert_slice(w, "so:libm.so.6");
	assert_true(pare_slice_next_word(&s, &w));
	assert_slice(w, "cmd:sh");
	assert_false(pare_slice_next_word(&s, &w));
	assert_int_equal(s.len, 0);

	s = S("");
	assert_false(pare_slice_next_word(&s, &w));
	s = S(" \t ");
	assert_false(pare_slice_next_word(&s, &w));
	assert_int_equal(s.len, 0);
	s = PARE_SLICE_NULL;
	assert_false(pare_slice_next_word(&s, &w));

	s = S("single");
	assert_true(pare_slice_next_word(&s, &w));
	assert_slice(w, "single");
	assert_false(pare_slice_next_word(&s, &w));

	/* Only the slice's bytes are read. */
	const char buf[] = "ab cd";
	s = pare_slice_make(buf, 4);
	assert_true(pare_slice_next_word(&s, &w));
	assert_slice(w, "ab");
	assert_true(pare_slice_next_word(&s, &w));
	assert_slice(w, "c");
}

static void test_trim(void **state)
{
	(void)state;
	assert_slice(pare_slice_trim(S("  a b \t")), "a b");
	assert_slice(pare_slice_trim(S("ab")), "ab");
	assert_slice(pare_slice_trim(S("\r\nab\r\n")), "ab");
	assert_int_equal(pare_slice_trim(S("   ")).len, 0);
	assert_int_equal(pare_slice_trim(S("")).len, 0);
	assert_int_equal(pare_slice_trim(PARE_SLICE_NULL).len, 0);
}

static void test_sub(void **state)
{
	(void)state;
	struct pare_slice s = S("abcdef");
	assert_slice(pare_slice_sub(s, 0, 6), "abcdef");
	assert_slice(pare_slice_sub(s, 2, 3), "cde");
	assert_slice(pare_slice_sub(s, 4, 100), "ef");
	assert_slice(pare_slice_sub(s, 6, 1), "");
	assert_slice(pare_slice_sub(s, 100, 1), "");
	assert_slice(pare_slice_sub(s, 2, SIZE_MAX), "cdef");
	assert_slice(pare_slice_sub(s, SIZE_MAX, SIZE_MAX), "");
	struct pare_slice n = pare_slice_sub(PARE_SLICE_NULL, 3, 3);
	assert_int_equal(n.len, 0);
}

/* The digit-at-a-time reference: the value, or false on a non-digit or
 * overflow. */
static bool ref_u64(const char *p, size_t n, uint64_t *out)
{
	unsigned __int128 v = 0;
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		v = v * 10 + (unsigned)(p[i] - '0');
		if (v > UINT64_MAX)
			return false;
	}
	*out = (uint64_t)v;
	return true;
}

/* Blocks of eight digits are tested and summed at once: every length up to
 * 21, every digit at every place, and every non-digit byte at every place
 * agree with the reference (0x2F '/', 0x3A ':', 0x3F, 0xB0-0xB9 sit next
 * to the digits' bit patterns). */
static void test_to_u64_blocks(void **state)
{
	(void)state;
	char buf[24];
	for (size_t len = 1; len <= 21; len++) {
		for (size_t pos = 0; pos < len; pos++) {
			for (int c = 1; c < 256; c++) {
				for (size_t i = 0; i < len; i++)
					buf[i] = (char)('1' + (i * 7 + len) % 9);
				buf[pos] = (char)c;
				uint64_t got = 1, want = 2;
				bool ok = pare_slice_to_u64(pare_slice_make(buf, len), &got);
				bool wok = ref_u64(buf, len, &want);
				if (ok != wok || (ok && got != want))
					fail_msg("len %zu pos %zu byte %d", len, pos, c);
			}
		}
	}
}

static void test_to_u64(void **state)
{
	(void)state;
	uint64_t v = 77;
	assert_true(pare_slice_to_u64(S("0"), &v));
	assert_int_equal(v, 0);
	assert_true(pare_slice_to_u64(S("12345"), &v));
	assert_int_equal(v, 12345);
	assert_true(pare_slice_to_u64(S("007"), &v));
	assert_int_equal(v, 7);
	assert_true(pare_slice_to_u64(S("18446744073709551615"), &v));
	assert_true(v == UINT64_MAX);

	v = 77;
	assert_false(pare_slice_to_u64(S("18446744073709551616"), &v));
	assert_false(pare_slice_to_u64(S("18446744073709551620"), &v));
	assert_false(pare_slice_to_u64(S("99999999999999999999"), &v));
	assert_false(pare_slice_to_u64(S(""), &v));
	assert_false(pare_slice_to_u64(PARE_SLICE_NULL, &v));
	assert_false(pare_slice_to_u64(S("-1"), &v));
	assert_false(pare_slice_to_u64(S("+1"), &v));
	assert_false(pare_slice_to_u64(S(" 1"), &v));
	assert_false(pare_slice_to_u64(S("1 "), &v));
	assert_false(pare_slice_to_u64(S("0x10"), &v));
	assert_false(pare_slice_to_u64(S("1a"), &v));
	assert_false(pare_slice_to_u64(PARE_SLICE_LIT("1\0"), &v));
	/* Failure leaves the output untouched. */
	assert_int_equal(v, 77);

	/* Only the slice is parsed, not what follows in memory. */
	const char buf[] = "123abc";
	assert_true(pare_slice_to_u64(pare_slice_make(buf, 3), &v));
	assert_int_equal(v, 123);
}

static void test_dup(void **state)
{
	(void)state;
	const char buf[] = "abcdef";
	char *p = pare_slice_dup(pare_slice_make(buf + 1, 3));
	assert_non_null(p);
	assert_string_equal(p, "bcd");
	free(p);

	p = pare_slice_dup(PARE_SLICE_NULL);
	assert_non_null(p);
	assert_string_equal(p, "");
	free(p);

	p = pare_slice_dup(PARE_SLICE_LIT("a\0b"));
	assert_non_null(p);
	assert_memory_equal(p, "a\0b", 4);
	free(p);
}

static void test_utf8_valid(void **state)
{
	(void)state;
	size_t bad = 99;
	assert_true(pare_slice_utf8_valid(PARE_SLICE_LIT(""), &bad));
	assert_true(pare_slice_utf8_valid(PARE_SLICE_LIT("plain ascii"), &bad));
	assert_true(pare_slice_utf8_valid(PARE_SLICE_LIT("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"), &bad));
	assert_false(pare_slice_utf8_valid(PARE_SLICE_LIT("ab\xd2\xd2"), &bad));
	assert_int_equal(bad, 2);
	assert_false(pare_slice_utf8_valid(PARE_SLICE_LIT("\xc0\xaf"), &bad)); /* overlong */
	assert_false(pare_slice_utf8_valid(PARE_SLICE_LIT("\xed\xa0\x80"), &bad)); /* surrogate */
	assert_false(pare_slice_utf8_valid(PARE_SLICE_LIT("\xf4\x90\x80\x80"), &bad)); /* > U+10FFFF */
	assert_false(pare_slice_utf8_valid(PARE_SLICE_LIT("x\xe2\x82"), &bad)); /* cut short */
	assert_int_equal(bad, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_from_and_make), cmocka_unit_test(test_eq),
		cmocka_unit_test(test_cmp),           cmocka_unit_test(test_starts_ends),
		cmocka_unit_test(test_find),          cmocka_unit_test(test_split),
		cmocka_unit_test(test_next_word),     cmocka_unit_test(test_trim),
		cmocka_unit_test(test_sub),           cmocka_unit_test(test_to_u64), cmocka_unit_test(test_to_u64_blocks),
		cmocka_unit_test(test_dup),
		cmocka_unit_test(test_utf8_valid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
