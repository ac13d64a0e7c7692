/* Unit tests for src/apk/version.c: validity, ordering, fuzzy matching and
 * operator parsing.  The full apk-tools vector set is checked separately by
 * tests/conformance/version_conformance.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "apk/version.h"
#include "base/error.h"

#define S(x) pare_slice_from(x)

static int cmp(const char *a, const char *b)
{
	return pare_version_compare(S(a), S(b));
}

/* a < b, and the reverse, and each equals itself. */
static void assert_lt(const char *a, const char *b)
{
	if (cmp(a, b) != PARE_VERSION_LESS || cmp(b, a) != PARE_VERSION_GREATER)
		fail_msg("expected %s < %s", a, b);
	assert_int_equal(cmp(a, a), PARE_VERSION_EQUAL);
	assert_int_equal(cmp(b, b), PARE_VERSION_EQUAL);
}

static void test_valid(void **state)
{
	(void)state;
	static const char *const ok[] = {
		"0", "1.2", "1.2.3.4.5.6", "1a", "1.2z", "1_alpha", "1_beta2",
		"1_pre", "1_rc10", "1_cvs", "1_svn", "1_git20240101", "1_hg",
		"1_p3", "1_p1_pre2", "1.0b_rc1-r3", "1.0~abcdef0123", "1.0-r0",
		"1.0~1234-r1", "0.1_alpha1_pre2~1234abcd-r5", "007",
		"99999999999999999999999999.1",
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (!pare_version_valid(S(ok[i])))
			fail_msg("expected valid: %s", ok[i]);
}

static void test_invalid(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"", "a", ".1", "1.", "1..2", "_pre1", "-r1", "1.0bc", "1a1",
		"1a.1", "1A", "1_", "1__alpha", "1_1_alpha", "1_foo",
		"1_post1", "1_Alpha", "1~", "1~xyz", "1~12g", "1~ab_pre1",
		"1-r", "1-r1-r2", "1-r1.1", "1-r1_pre1", "1-r1~ab", "1-pre1",
		"1-", "1 ", " 1", "1.0-r1a", "1.-r1", "1~ABC",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (pare_version_valid(S(bad[i])))
			fail_msg("expected invalid: '%s'", bad[i]);
}

static void test_not_nul_terminated(void **state)
{
	(void)state;
	/* Only the slice counts: the trailing "_" is outside it. */
	const char buf[] = { '1', '.', '2', '_' };
	assert_true(pare_version_valid(pare_slice_make(buf, 3)));
	assert_false(pare_version_valid(pare_slice_make(buf, 4)));
	assert_int_equal(pare_version_compare(pare_slice_make(buf, 3), S("1.2")),
			 PARE_VERSION_EQUAL);
	assert_false(pare_version_valid(PARE_SLICE_NULL));
}

static void test_numbers(void **state)
{
	(void)state;
	assert_lt("1", "2");
	assert_lt("2", "10");
	assert_lt("1.9", "1.10");
	assert_lt("1.2", "1.2.0");
	assert_lt("1.2.3", "1.3");
	/* The first number ignores leading zeros. */
	assert_int_equal(cmp("006", "6"), PARE_VERSION_EQUAL);
	assert_lt("5", "006");
	/* Huge numbers do not overflow. */
	assert_lt("18446744073709551615", "18446744073709551616");
	assert_lt("1.18446744073709551615", "1.99999999999999999999999");
}

static void test_leading_zero_fraction(void **state)
{
	(void)state;
	assert_lt("1.02", "1.1");
	assert_lt("1.05", "1.5");
	assert_lt("1.01", "1.1");
	assert_lt("8.2.0", "8.2.001");
	assert_lt("8.2.0015", "8.2.002");
	assert_lt("1.001", "1.01");
	assert_lt("1.0", "1.00");
	assert_lt("1.2.07.8", "1.2.12.04");
	assert_lt("1.09", "1.10");
}

static void test_letters(void **state)
{
	(void)state;
	assert_lt("1.0", "1.0a");
	assert_lt("1.0a", "1.0b");
	assert_lt("1.0z", "1.0.1");
	assert_lt("1.0a", "1.1");
	assert_lt("1.0_p1", "1.0a");
}

static void test_suffixes(void **state)
{
	(void)state;
	static const char *const order[] = {
		"1.0_alpha", "1.0_alpha1", "1.0_alpha2", "1.0_alpha10",
		"1.0_beta", "1.0_pre", "1.0_rc", "1.0_rc3", "1.0",
		"1.0_cvs", "1.0_svn", "1.0_git", "1.0_hg", "1.0_p",
		"1.0_p1", "1.0_p2", "1.0a", "1.0.0",
	};
	for (size_t i = 0; i + 1 < sizeof(order) / sizeof(order[0]); i++)
		assert_lt(order[i], order[i + 1]);
	assert_lt("1.0_alpha_pre", "1.0_alpha");
	assert_lt("1.0_p1_pre2", "1.0_p1");
	assert_lt("1.0_p1", "1.0_p1_p1");
	assert_lt("1.0_rc1-r9", "1.0");
	assert_int_equal(cmp("1.0_pre01", "1.0_pre1"), PARE_VERSION_EQUAL);
}

static void test_hash_and_revision(void **state)
{
	(void)state;
	assert_lt("1.0-r1", "1.0-r2");
	assert_lt("1.0-r9", "1.0-r10");
	assert_lt("1.0", "1.0-r0");
	assert_lt("1.0-r99", "1.0.1");
	assert_lt("1.0~1234", "1.0~2345");
	assert_lt("1.0~1234-r0", "1.0~1234-r1");
	assert_lt("1.0", "1.0~1234");
	assert_lt("1.0~1234-r1", "1.0~2345-r0");
}

static void test_invalid_falls_back_to_strings(void **state)
{
	(void)state;
	/* Undecided before the invalid part: bytewise string order. */
	assert_int_equal(cmp("1.0_foo", "1.0_bar"), PARE_VERSION_GREATER);
	assert_int_equal(cmp("abc", "abd"), PARE_VERSION_LESS);
	assert_int_equal(cmp("x", "x"), PARE_VERSION_EQUAL);
	assert_int_equal(cmp("", ""), PARE_VERSION_EQUAL);
	assert_int_equal(cmp("", "1"), PARE_VERSION_LESS);
	/* Decided before the invalid part: version order. */
	assert_int_equal(cmp("23_foo", "4_beta"), PARE_VERSION_GREATER);
	assert_int_equal(cmp("1.0", "1.0bc"), PARE_VERSION_LESS);
}

static bool match(const char *a, unsigned op, const char *b)
{
	return pare_version_match(S(a), op, S(b));
}

/* Identical bytes compare equal without the tokenizer (the shortcut for
 * '=' dependencies): every operator then matches exactly when it allows
 * equality, for valid, invalid and fraction-like versions alike, and
 * copies at other addresses behave as the same string. */
static void test_identical_strings(void **state)
{
	(void)state;
	static const char *const vs[] = { "1.0-r0", "1.01", "0.1_alpha1_pre2~1234abcd-r5",
					  "1.0_foo", "abc", "", "1.0bc", "007" };
	static const unsigned ops[] = {
		PARE_VERSION_EQUAL, PARE_VERSION_LESS, PARE_VERSION_GREATER,
		PARE_VERSION_LESS | PARE_VERSION_EQUAL, PARE_VERSION_GREATER | PARE_VERSION_EQUAL,
		PARE_VERSION_FUZZY | PARE_VERSION_EQUAL,
		PARE_VERSION_FUZZY | PARE_VERSION_EQUAL | PARE_VERSION_LESS,
		PARE_VERSION_CHECKSUM,
	};
	for (size_t i = 0; i < sizeof(vs) / sizeof(vs[0]); i++) {
		char copy[64];
		snprintf(copy, sizeof(copy), "%s", vs[i]);
		assert_int_equal(cmp(vs[i], copy), PARE_VERSION_EQUAL);
		for (size_t k = 0; k < sizeof(ops) / sizeof(ops[0]); k++) {
			bool want = ops[k] != PARE_VERSION_CHECKSUM && (ops[k] & PARE_VERSION_EQUAL);
			if (match(vs[i], ops[k], copy) != want)
				fail_msg("%s op %u %s", vs[i], ops[k], copy);
		}
	}
}

static void test_fuzzy(void **state)
{
	(void)state;
	unsigned fz = PARE_VERSION_FUZZY | PARE_VERSION_EQUAL;
	assert_true(match("3.6", fz, "3.6"));
	assert_true(match("3.6.0", fz, "3.6"));
	assert_true(match("3.6.9-r3", fz, "3.6"));
	assert_true(match("3.6_pre1", fz, "3.6"));
	assert_true(match("3.6.9_post1", fz, "3.6")); /* invalid tail */
	assert_false(match("3.60", fz, "3.6"));
	assert_false(match("3.6", fz, "3.6.0"));
	assert_false(match("3.7", fz, "3.6"));
	assert_true(match("3.5", fz | PARE_VERSION_LESS, "3.6"));
	assert_true(match("3.6.1", fz | PARE_VERSION_LESS, "3.6"));
	assert_false(match("3.7", fz | PARE_VERSION_LESS, "3.6"));
	assert_true(match("3.7", fz | PARE_VERSION_GREATER, "3.6"));
	assert_int_equal(pare_version_compare_fuzzy(S("3.6.1"), S("3.6"), false),
			 PARE_VERSION_GREATER);
}

static void test_match_ops(void **state)
{
	(void)state;
	unsigned le = PARE_VERSION_LESS | PARE_VERSION_EQUAL;
	unsigned ge = PARE_VERSION_GREATER | PARE_VERSION_EQUAL;
	assert_true(match("1.0", PARE_VERSION_EQUAL, "1.0"));
	assert_false(match("1.0-r1", PARE_VERSION_EQUAL, "1.0"));
	assert_true(match("1.0", le, "1.0"));
	assert_true(match("0.9", le, "1.0"));
	assert_false(match("1.1", le, "1.0"));
	assert_true(match("1.1", ge, "1.0"));
	assert_true(match("1.0", PARE_VERSION_ANY, "2.0"));
	assert_false(match("1.0", PARE_VERSION_CHECKSUM, "1.0"));
	assert_false(match("1.0", 0, "1.0"));
}

static void parse_ok(const char *text, unsigned want, const char *canon)
{
	struct pare_slice s = S(text);
	unsigned op = 12345;
	assert_int_equal(pare_version_op_parse(&s, &op), 0);
	assert_int_equal(op, want);
	assert_true(pare_slice_eq_cstr(s, "1.0"));
	assert_string_equal(pare_version_op_str(op), canon);
}

static void test_op_parse(void **state)
{
	(void)state;
	unsigned L = PARE_VERSION_LESS, E = PARE_VERSION_EQUAL,
		 G = PARE_VERSION_GREATER, F = PARE_VERSION_FUZZY;
	parse_ok("=1.0", E, "=");
	parse_ok("<1.0", L, "<");
	parse_ok(">1.0", G, ">");
	parse_ok("<=1.0", L | E, "<=");
	parse_ok(">=1.0", G | E, ">=");
	parse_ok("~1.0", F | E, "~");
	parse_ok("=~1.0", F | E, "~");
	parse_ok("<~1.0", L | F | E, "<~");
	parse_ok(">~1.0", G | F | E, ">~");
	parse_ok("><1.0", L | G, "><");

	/* every run of one to three operator characters: an operator exactly
	 * when it is one of the ten spellings */
	static const char *const spellings[] = { "=", "<", ">", "<=", ">=", "~", "=~", "<~", ">~", "><" };
	static const char alpha[] = "<>=~";
	for (unsigned code = 0; code < 4 + 16 + 64; code++) {
		char buf[8];
		unsigned len = code < 4 ? 1 : code < 20 ? 2 : 3, x = code - (len == 1 ? 0 : len == 2 ? 4 : 20);
		for (unsigned k = 0; k < len; k++, x /= 4)
			buf[k] = alpha[x % 4];
		buf[len] = '1';
		buf[len + 1] = '\0';
		bool want = false;
		for (size_t i = 0; i < sizeof(spellings) / sizeof(spellings[0]); i++)
			want |= strlen(spellings[i]) == len && memcmp(spellings[i], buf, len) == 0;
		struct pare_slice s = S(buf);
		unsigned op;
		if ((pare_version_op_parse(&s, &op) == 0) != want || (want && s.len != 1))
			fail_msg("operator %s", buf);
	}

	static const char *const bad[] = {
		"", "1.0", "<<1", "==1", "=<1", "=>1", "<>1", "~~1", "<=~1", "!=1",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct pare_slice s = S(bad[i]);
		unsigned op = 99;
		assert_int_equal(pare_version_op_parse(&s, &op),
				 -PARE_E_INVALID_DEP);
		assert_int_equal(op, 99);
		assert_true(pare_slice_eq_cstr(s, bad[i]));
	}
	assert_string_equal(pare_version_op_str(0), "?");
	assert_string_equal(pare_version_op_str(PARE_VERSION_FUZZY), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_not_nul_terminated),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_leading_zero_fraction),
		cmocka_unit_test(test_letters),
		cmocka_unit_test(test_suffixes),
		cmocka_unit_test(test_hash_and_revision),
		cmocka_unit_test(test_invalid_falls_back_to_strings),
		cmocka_unit_test(test_fuzzy),
		cmocka_unit_test(test_match_ops),
		cmocka_unit_test(test_identical_strings),
		cmocka_unit_test(test_op_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
