/* Unit tests for src/apk/dep.c: parsing, canonical formatting (round
 * trip), lists, satisfaction, and rejection of bad atoms. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "apk/dep.h"
#include "apk/version.h"

#define S(x) pare_slice_from(x)

static struct pare_dep parse(const char *text)
{
	struct pare_dep d;
	struct pare_error err = { 0 };
	int r = pare_dep_parse(S(text), &d, &err);
	if (r != 0)
		fail_msg("parse '%s' failed: %s", text, err.msg);
	return d;
}

static void assert_slice(struct pare_slice s, const char *want)
{
	if (!pare_slice_eq_cstr(s, want))
		fail_msg("got '%.*s', want '%s'", (int)s.len,
			 s.ptr ? s.ptr : "", want);
}

static void test_parse_plain(void **state)
{
	(void)state;
	const char *text = "musl";
	struct pare_dep d = parse(text);
	assert_slice(d.name, "musl");
	assert_ptr_equal(d.name.ptr, text); /* points into the input */
	assert_int_equal(d.version.len, 0);
	assert_int_equal(d.tag.len, 0);
	assert_int_equal(d.op, PARE_VERSION_ANY);
	assert_false(d.conflict);
	assert_false(d.checksum);
}

static void test_parse_versioned(void **state)
{
	(void)state;
	static const struct {
		const char *text, *name, *ver;
		unsigned op;
	} cases[] = {
		{ "musl>=1.2.3-r0", "musl", "1.2.3-r0",
		  PARE_VERSION_GREATER | PARE_VERSION_EQUAL },
		{ "a=1", "a", "1", PARE_VERSION_EQUAL },
		{ "a<2", "a", "2", PARE_VERSION_LESS },
		{ "a>2_rc1", "a", "2_rc1", PARE_VERSION_GREATER },
		{ "a<=2", "a", "2", PARE_VERSION_LESS | PARE_VERSION_EQUAL },
		{ "py3.11-foo~3.11", "py3.11-foo", "3.11",
		  PARE_VERSION_FUZZY | PARE_VERSION_EQUAL },
		{ "a=~3", "a", "3", PARE_VERSION_FUZZY | PARE_VERSION_EQUAL },
		{ "a<~3", "a", "3",
		  PARE_VERSION_FUZZY | PARE_VERSION_EQUAL | PARE_VERSION_LESS },
		{ "a>~3", "a", "3",
		  PARE_VERSION_FUZZY | PARE_VERSION_EQUAL |
			  PARE_VERSION_GREATER },
		{ "so:libc.so.6", "so:libc.so.6", "", PARE_VERSION_ANY },
		{ "so:libfoo.so.1=1.0", "so:libfoo.so.1", "1.0",
		  PARE_VERSION_EQUAL },
		{ "cmd:foo", "cmd:foo", "", PARE_VERSION_ANY },
		{ "pc:foo>=2", "pc:foo", "2",
		  PARE_VERSION_GREATER | PARE_VERSION_EQUAL },
		{ "libstdc++", "libstdc++", "", PARE_VERSION_ANY },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pare_dep d = parse(cases[i].text);
		assert_slice(d.name, cases[i].name);
		assert_slice(d.version, cases[i].ver);
		assert_int_equal(d.op, cases[i].op);
		assert_false(d.conflict);
	}
}

static void test_parse_conflict_tag_checksum(void **state)
{
	(void)state;
	struct pare_dep d = parse("!foo");
	assert_true(d.conflict);
	assert_slice(d.name, "foo");
	assert_int_equal(d.op, PARE_VERSION_ANY);

	d = parse("!foo<2");
	assert_true(d.conflict);
	assert_slice(d.version, "2");
	assert_int_equal(d.op, PARE_VERSION_LESS);

	d = parse("name@tag>=1");
	assert_slice(d.name, "name");
	assert_slice(d.tag, "tag");
	assert_slice(d.version, "1");

	d = parse("name@edge");
	assert_slice(d.tag, "edge");
	assert_int_equal(d.op, PARE_VERSION_ANY);

	d = parse("busybox><Q1Ta2PsC5Ofd0T9lxZlG2b2xR8ZXo=");
	assert_true(d.checksum);
	assert_int_equal(d.op, PARE_VERSION_CHECKSUM);
	assert_slice(d.version, "Q1Ta2PsC5Ofd0T9lxZlG2b2xR8ZXo=");
}

static void assert_bad(const char *text)
{
	struct pare_dep d = { .op = 77 };
	struct pare_error err = { 0 };
	int r = pare_dep_parse(S(text), &d, &err);
	if (r != -PARE_E_INVALID_DEP)
		fail_msg("'%s' was accepted", text);
	assert_int_equal(err.code, -PARE_E_INVALID_DEP);
	assert_int_equal(d.op, 77); /* out untouched on error */
	assert_non_null(strstr(err.msg, "invalid dependency"));
	assert_null(strchr(err.msg, '\n'));
}

static void test_parse_bad(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"", "!", "@tag", ">=1", "a>=", "a@", "a@>1", "a@b@c",
		"a>=1.0bc", "a=x", "a<<1", "a=>1", "a!=1", "a 1", "a\tb",
		"a\n", "a\x01", "!!a", "a>= 1", "a><", "a><Q1short",
		"a><1.0", "a><Q3Ta2PsC5Ofd0T9lxZlG2b2xR8ZXo=",
		"a><Q1Ta2PsC5Ofd0T9lxZlG2b2xR8ZX!=", "a~", "a\x7f",
		"a\xc3\xa9",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_bad(bad[i]);

	struct pare_dep d;
	struct pare_error err = { 0 };
	pare_dep_parse(S("musl>=1.2xy"), &d, &err);
	assert_non_null(strstr(err.msg, "musl>=1.2xy"));
	assert_non_null(strstr(err.msg, "version"));
	/* NULL err is fine. */
	assert_int_equal(pare_dep_parse(S("a>=x"), &d, NULL),
			 -PARE_E_INVALID_DEP);
}

static void test_not_nul_terminated(void **state)
{
	(void)state;
	const char buf[] = { 'a', '>', '1', '_' };
	struct pare_dep d;
	assert_int_equal(pare_dep_parse(pare_slice_make(buf, 3), &d, NULL), 0);
	assert_slice(d.version, "1");
	assert_int_equal(pare_dep_parse(pare_slice_make(buf, 4), &d, NULL),
			 -PARE_E_INVALID_DEP);
}

/* Names scanned sixteen bytes at a time: a byte that ends or spoils the
 * name is found wherever it lies in a block, and a version too. */
static void test_long_names(void **state)
{
	(void)state;
	char buf[64];
	for (size_t len = 1; len <= 40; len++)
		for (size_t at = 0; at <= len; at++) {
			static const char stops[] = { ' ', '!', 0x7f, '\x80', '=', '@', '~', '<', '>' };
			for (size_t k = 0; k < sizeof(stops); k++) {
				memset(buf, 'n', len);
				buf[at] = stops[k];
				memcpy(buf + len + 1, "1", 1);
				buf[len] = '=';
				struct pare_dep d;
				int r = pare_dep_parse(pare_slice_make(buf, len + 2), &d, NULL);
				char c = stops[k];
				if (c == '!' && at == 0 && len > 1) {
					assert_int_equal(r, 0); /* the conflict mark */
					assert_true(d.conflict);
					continue;
				}
				if (at == len || c == '=' || c == '<' || c == '>' || c == '~' || c == '@') {
					/* a delimiter: the name ends there */
					if (at == 0 && at < len) {
						assert_int_not_equal(r, 0);
						continue;
					}
					if (r == 0)
						assert_int_equal(d.name.len, at);
				} else {
					assert_int_equal(r, -PARE_E_INVALID_DEP); /* bad name byte */
				}
			}
		}
	/* plain and other versions agree with the full grammar */
	static const char *const ok[] = { "1", "1.2.3", "10.0-r12", "1.2a", "1_rc1-r0", "1.2~ab" };
	static const char *const bad[] = { "", ".1", "1.", "1-r", "1-x0", "1..2", "1.2-r0a-r1", "a1" };
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		assert_true(pare_version_valid(pare_slice_from(ok[i])));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(pare_version_valid(pare_slice_from(bad[i])));
}

static void test_format_roundtrip(void **state)
{
	(void)state;
	static const char *const texts[] = {
		"musl", "!foo", "!foo<2", "name@tag>=1.2", "name@tag",
		"a=1", "a<1", "a>1", "a<=1", "a>=1", "a~1.2", "a<~3", "a>~3",
		"so:libc.so.6", "so:libfoo.so.1=1.0-r0",
		"busybox><Q1Ta2PsC5Ofd0T9lxZlG2b2xR8ZXo=",
	};
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct pare_dep d = parse(texts[i]);
		char buf[128];
		int n = pare_dep_format(&d, buf, sizeof(buf));
		assert_int_equal(n, (int)strlen(texts[i]));
		assert_string_equal(buf, texts[i]);
	}
	/* "=~" is written the canonical way. */
	struct pare_dep d = parse("a=~1");
	char buf[16];
	assert_int_equal(pare_dep_format(&d, buf, sizeof(buf)), 3);
	assert_string_equal(buf, "a~1");
}

static void test_format_bounds(void **state)
{
	(void)state;
	struct pare_dep d = parse("name@tag>=1.2");
	char buf[6];
	memset(buf, 'X', sizeof(buf));
	assert_int_equal(pare_dep_format(&d, buf, sizeof(buf)), 13);
	assert_string_equal(buf, "name@");
	assert_int_equal(pare_dep_format(&d, NULL, 0), 13);

	d.op = PARE_VERSION_FUZZY; /* no operator */
	assert_int_equal(pare_dep_format(&d, buf, sizeof(buf)),
			 -PARE_E_INVALID_DEP);
	d = parse("a");
	d.version = S("1"); /* a version without operator */
	assert_int_equal(pare_dep_format(&d, buf, sizeof(buf)),
			 -PARE_E_INVALID_DEP);
	d = parse("a=1");
	d.version = PARE_SLICE_NULL; /* an operator without version */
	assert_int_equal(pare_dep_format(&d, buf, sizeof(buf)),
			 -PARE_E_INVALID_DEP);
}

static void test_list(void **state)
{
	(void)state;
	const char *line = "  so:libc.so.6 musl>=1.2\tcmd:sh !foo<2\n";
	struct pare_dep arr[4];
	size_t n = 99;
	assert_int_equal(pare_deps_parse(S(line), arr, 4, &n, NULL), 0);
	assert_int_equal(n, 4);
	assert_slice(arr[0].name, "so:libc.so.6");
	assert_slice(arr[1].version, "1.2");
	assert_slice(arr[2].name, "cmd:sh");
	assert_true(arr[3].conflict);

	assert_int_equal(pare_deps_parse(S(""), NULL, 0, &n, NULL), 0);
	assert_int_equal(n, 0);
	assert_int_equal(pare_deps_parse(S(" \t "), NULL, 0, &n, NULL), 0);

	struct pare_error err = { 0 };
	assert_int_equal(pare_deps_parse(S(line), arr, 3, &n, &err),
			 -PARE_E_TOO_BIG);
	assert_int_equal(n, 3);
	assert_int_equal(err.code, -PARE_E_TOO_BIG);

	assert_int_equal(pare_deps_parse(S("a b>=x c"), arr, 4, &n, &err),
			 -PARE_E_INVALID_DEP);
	assert_int_equal(n, 1);
	assert_non_null(strstr(err.msg, "b>=x"));
}

static void test_iterator(void **state)
{
	(void)state;
	struct pare_slice s = S("a b=1");
	struct pare_dep d;
	assert_int_equal(pare_deps_next(&s, &d, NULL), 1);
	assert_slice(d.name, "a");
	assert_int_equal(pare_deps_next(&s, &d, NULL), 1);
	assert_slice(d.name, "b");
	assert_int_equal(pare_deps_next(&s, &d, NULL), 0);
	assert_int_equal(pare_deps_next(&s, &d, NULL), 0);
}

static bool sat(const char *dep, const char *name, const char *ver)
{
	struct pare_dep d = parse(dep);
	return pare_dep_satisfied_by(&d, S(name), S(ver));
}

static void test_satisfied(void **state)
{
	(void)state;
	assert_true(sat("musl", "musl", "1.2.3-r0"));
	assert_false(sat("musl", "glibc", "1.2.3-r0"));
	assert_false(sat("musl", "musl-dev", "1"));
	assert_true(sat("musl>=1.2", "musl", "1.2.3-r0"));
	assert_true(sat("musl>=1.2", "musl", "1.2"));
	assert_false(sat("musl>=1.2", "musl", "1.2_rc1"));
	assert_true(sat("a<2", "a", "1.9"));
	assert_false(sat("a<2", "a", "2"));
	assert_true(sat("a=1-r1", "a", "1-r1"));
	assert_false(sat("a=1", "a", "1-r1"));
	assert_true(sat("a~1.2", "a", "1.2.9-r3"));
	assert_false(sat("a~1.2", "a", "1.20"));
	assert_true(sat("so:libc.so.6", "so:libc.so.6", ""));
	assert_true(sat("name@tag>=1", "name", "1"));

	/* Conflicts invert the result. */
	assert_false(sat("!foo", "foo", "1"));
	assert_true(sat("!foo", "bar", "1"));
	assert_false(sat("!foo<2", "foo", "1"));
	assert_true(sat("!foo<2", "foo", "2"));
	assert_true(sat("!foo<2", "bar", "1"));
}

static void test_satisfied_checksum(void **state)
{
	(void)state;
	const char *c = "Q1Ta2PsC5Ofd0T9lxZlG2b2xR8ZXo=";
	struct pare_dep d = parse("busybox><Q1Ta2PsC5Ofd0T9lxZlG2b2xR8ZXo=");
	assert_false(pare_dep_satisfied_by(&d, S("busybox"), S("1.36")));
	assert_true(pare_dep_satisfied_by_csum(&d, S("busybox"), S("1.36"),
					       S(c)));
	assert_false(pare_dep_satisfied_by_csum(
		&d, S("busybox"), S("1.36"),
		S("Q1AAAAAAAAAAAAAAAAAAAAAAAAAAA=")));
	assert_false(pare_dep_satisfied_by_csum(&d, S("other"), S("1"), S(c)));
}

/* "Q" followed by a byte that names no checksum type is not a checksum
 * (found by fuzz_dep: "_><Q\\0" parsed, then did not parse again). */
static void test_checksum_type_required(void **state)
{
	(void)state;
	struct pare_dep d;
	static const char nul[] = "_><Q\0";
	assert_true(pare_dep_parse(pare_slice_make(nul, sizeof(nul) - 1), &d, NULL) < 0);
	assert_true(pare_dep_parse(pare_slice_from("a><Qx"), &d, NULL) < 0);
	assert_true(pare_dep_parse(pare_slice_from("a><Q"), &d, NULL) < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_plain),
		cmocka_unit_test(test_parse_versioned),
		cmocka_unit_test(test_parse_conflict_tag_checksum),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_not_nul_terminated),
		cmocka_unit_test(test_long_names),
		cmocka_unit_test(test_format_roundtrip),
		cmocka_unit_test(test_format_bounds),
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_iterator),
		cmocka_unit_test(test_satisfied),
		cmocka_unit_test(test_satisfied_checksum),
		cmocka_unit_test(test_checksum_type_required),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
