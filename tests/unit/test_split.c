/* Unit tests for src/split: the glob matcher and the policy table, with a
 * package's own rules first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "split/split.h"

static void test_glob(void **state)
{
	(void)state;
	assert_true(pare_split_glob("usr/include/**", "usr/include/a/b.h"));
	assert_true(pare_split_glob("usr/include/**", "usr/include/b.h"));
	assert_false(pare_split_glob("usr/include/**", "usr/includes/b.h"));
	assert_true(pare_split_glob("usr/lib/*.a", "usr/lib/libz.a"));
	assert_false(pare_split_glob("usr/lib/*.a", "usr/lib/x/libz.a"));
	assert_true(pare_split_glob("**/__pycache__/**", "usr/lib/python3/__pycache__/a.pyc"));
	assert_true(pare_split_glob("**/__pycache__/**", "__pycache__/a.pyc"));
	assert_true(pare_split_glob("a/**/b", "a/b"));
	assert_true(pare_split_glob("a/**/b", "a/x/y/b"));
	assert_true(pare_split_glob("{lib,usr/lib}/x", "usr/lib/x"));
	assert_false(pare_split_glob("{lib,usr/lib}/x", "usr/x"));
	assert_true(pare_split_glob("g/{EUC-*,BIG5*}.so", "g/BIG5HKSCS.so"));
	assert_true(pare_split_glob("g/ISO8859-[0-9].so", "g/ISO8859-7.so"));
	assert_false(pare_split_glob("g/ISO8859-[!0-9].so", "g/ISO8859-7.so"));
	assert_true(pare_split_glob("f?o", "foo"));
	assert_false(pare_split_glob("f?o", "f/o"));
	assert_true(pare_split_glob("**.debug", "usr/lib/x.debug"));
	char big[PARE_SPLIT_MAX_GLOB + 8];
	memset(big, '*', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_false(pare_split_glob(big, "x"));
	/* Many stars: bounded work, no crash. */
	assert_false(pare_split_glob("*a*a*a*a*a*a*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
}

#define E(p) { p, false, false, false }
#define X(p) { p, false, false, true }
#define L(p) { p, true, false, false }

static void test_policy(void **state)
{
	(void)state;
	const struct pare_split_entry ents[] = {
		X("usr/bin/tool"),
		E("usr/lib/x86_64-linux-gnu/libfoo.so.1.2"),
		L("usr/lib/x86_64-linux-gnu/libfoo.so.1"),
		L("usr/lib/x86_64-linux-gnu/libfoo.so"),
		E("usr/lib/x86_64-linux-gnu/libfoo.a"),
		E("usr/lib/x86_64-linux-gnu/libfoo.la"),
		E("usr/lib/x86_64-linux-gnu/pkgconfig/foo.pc"),
		E("usr/include/foo.h"),
		E("usr/share/man/man1/tool.1.gz"),
		E("usr/share/doc/foo/changelog.gz"),
		E("usr/share/doc/foo/copyright"),
		E("usr/share/locale/de/LC_MESSAGES/foo.mo"),
		E("usr/share/bash-completion/completions/tool"),
		E("usr/share/zsh/vendor-completions/_tool"),
		E("etc/init.d/foo"),
		E("lib/systemd/system/foo.service"),
		E("usr/share/lintian/overrides/foo"),
		E("usr/lib/debug/.build-id/ab/cd.debug"),
		E("usr/lib/python3/dist-packages/foo/__pycache__/x.cpython-311.pyc"),
		E("usr/share/foo/data"),
		E("usr/lib/x86_64-linux-gnu/foo/special.so"),
	};
	const char *const want[] = {
		"foo", "foo-libs", "foo-libs", "foo-dev", "foo-static", "foo-dev", "foo-dev",
		"foo-dev", "foo-doc", "foo-doc", "foo", "foo-lang", "foo-bash-completion",
		"foo-zsh-completion", "foo-openrc", "foo-systemd", PARE_SPLIT_DROP, "foo-dbg",
		"foo-pyc", "foo", "special",
	};
	size_t n = sizeof(ents) / sizeof(ents[0]);
	const char *out[sizeof(ents) / sizeof(ents[0])];
	const struct pare_split_custom custom[] = { { "usr/lib/*/foo/*.so", "special" } };
	struct pare_arena a;
	pare_arena_init(&a, 0, 0);
	assert_int_equal(pare_split_assign("foo", custom, 1, ents, n, &a, out, NULL), 0);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(out[i], want[i]))
			fail_msg("%s: got %s, want %s", ents[i].path, out[i], want[i]);
	}
	/* Without executables, shared libraries stay in the main package. */
	assert_int_equal(pare_split_assign("foo", NULL, 0, ents + 1, 2, &a, out, NULL), 0);
	assert_string_equal(out[0], "foo");
	assert_string_equal(out[1], "foo");
	pare_arena_release(&a);
}

static void test_install_if(void **state)
{
	(void)state;
	assert_string_equal(pare_split_install_if("-doc"), "docs");
	assert_string_equal(pare_split_install_if("-lang"), "lang");
	assert_string_equal(pare_split_install_if("-bash-completion"), "bash-completion");
	assert_null(pare_split_install_if("-dev"));
	assert_null(pare_split_install_if(NULL));
	assert_string_equal(pare_split_suffix_of("glibc", "glibc-doc"), "-doc");
	assert_null(pare_split_suffix_of("glibc", "glibc-libm"));
	assert_null(pare_split_suffix_of("glibc", "zlib-doc"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_glob),
		cmocka_unit_test(test_policy),
		cmocka_unit_test(test_install_if),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
