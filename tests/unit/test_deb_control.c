/* Unit tests for src/deb/control.c and deps.c: control paragraphs, the
 * binary package fields, dependency fields, DEP-5 licences. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "deb/deb.h"

#define S(x) pare_slice_from(x)

static bool eq(struct pare_slice s, const char *c)
{
	return pare_slice_eq_cstr(s, c);
}

static const char REDIS[] =
	"Package: redis-server\n"
	"source: redis (5:7.0.15-1~deb12u1)\n"
	"Version: 5:7.0.15-1~deb12u1+b2\n"
	"Architecture: amd64\n"
	"Maintainer: Chris Lamb <lamby@debian.org>\n"
	"Installed-Size: 218\n"
	"Pre-Depends: init-system-helpers (>= 1.54~)\n"
	"Depends: lsb-base (>= 3.2-14), redis-tools (= 5:7.0.15-1~deb12u1+b2)\n"
	"Conflicts: redis-server:i386\n"
	"Provides: redis\n"
	"Section: database\n"
	"Multi-Arch: foreign\n"
	"Homepage: https://redis.io/\n"
	"Description: Persistent key-value database with network interface\n"
	" Redis is a key-value database in a similar vein to memcache but the dataset\n"
	" is non-volatile.\n"
	" .\n"
	" This package contains the Redis server.\n";

static void test_pkginfo(void **state)
{
	(void)state;
	struct pare_deb_pkginfo pi;
	struct pare_error err;
	assert_int_equal(pare_deb_pkginfo_parse(S(REDIS), &pi, &err), 0);
	assert_true(eq(pi.package, "redis-server"));
	assert_true(eq(pi.version, "5:7.0.15-1~deb12u1+b2"));
	assert_true(eq(pi.architecture, "amd64"));
	assert_true(eq(pi.source, "redis"));
	assert_true(eq(pi.source_version, "5:7.0.15-1~deb12u1"));
	assert_true(eq(pi.maintainer, "Chris Lamb <lamby@debian.org>"));
	assert_true(eq(pi.homepage, "https://redis.io/"));
	assert_true(eq(pi.section, "database"));
	assert_true(eq(pi.multi_arch, "foreign"));
	assert_true(eq(pi.provides, "redis"));
	assert_true(eq(pi.conflicts, "redis-server:i386"));
	assert_true(eq(pi.pre_depends, "init-system-helpers (>= 1.54~)"));
	assert_int_equal(pi.installed_size_kib, 218);
	assert_true(eq(pi.synopsis, "Persistent key-value database with network interface"));
	assert_null(pi.breaks.ptr);
	struct pare_buf b;
	pare_buf_init(&b, 4096);
	assert_int_equal(pare_deb_description_text(pi.description, &b), 0);
	assert_string_equal(b.data, "Redis is a key-value database in a similar vein to memcache "
				    "but the dataset\nis non-volatile.\n\nThis package contains "
				    "the Redis server.");
	pare_buf_release(&b);
}

static void test_pkginfo_errors(void **state)
{
	(void)state;
	static const struct {
		const char *text, *msg;
	} bad[] = {
		{ "", "empty control file" },
		{ "Package: a\n", "no Version field" },
		{ "Package: ab\nVersion: 1\n", "no Architecture field" },
		{ "Package: A_b\nVersion: 1\nArchitecture: all\n", "invalid package name" },
		{ "Package: ab\nVersion: x\nArchitecture: all\n", "Version: 'x'" },
		{ "Package: ab\nVersion: 1\nArchitecture: all\npackage: cd\n", "repeated" },
		{ " cont\nPackage: ab\n", "line 1: continuation line before any field" },
		{ "Package: ab\nVersion 1\n", "line 2: no ':'" },
		{ "Package: ab\nVersion: 1\nArchitecture: all\n\nPackage: cd\n", "more than one" },
		{ "Package: ab\nVersion: 1\nArchitecture: a b\n", "invalid Architecture" },
		{ "Package: ab\nVersion: 1\nArchitecture: all\nInstalled-Size: 1k\n",
		  "Installed-Size" },
		{ "Package: ab\nVersion: 1\nArchitecture: all\nSource: x (1\n", "Source" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct pare_deb_pkginfo pi;
		struct pare_error err = { 0 };
		if (pare_deb_pkginfo_parse(S(bad[i].text), &pi, &err) >= 0)
			fail_msg("accepted: %s", bad[i].text);
		if (!strstr(err.msg, bad[i].msg))
			fail_msg("'%s': message '%s' lacks '%s'", bad[i].text, err.msg, bad[i].msg);
	}
}

static void test_paragraphs(void **state)
{
	(void)state;
	const char *text = "# comment\n\nA: 1\nb: two\n  lines\n\t.\n\n \nC:\n x\n";
	struct pare_slice t = S(text);
	struct pare_deb_para *p = malloc(sizeof(*p));
	size_t line = 0;
	assert_int_equal(pare_deb_para_next(&t, p, &line, NULL), 1);
	assert_int_equal(p->nfields, 2);
	assert_int_equal(p->line, 3);
	assert_true(eq(pare_deb_para_get(p, "a"), "1"));
	assert_true(eq(pare_deb_para_get(p, "B"), "two\n  lines\n\t."));
	assert_null(pare_deb_para_get(p, "C").ptr);
	assert_int_equal(pare_deb_para_next(&t, p, &line, NULL), 1);
	assert_int_equal(p->line, 9);
	assert_true(eq(pare_deb_para_get(p, "c"), " x"));
	assert_int_equal(pare_deb_para_next(&t, p, &line, NULL), 0);
	/* Field count bound. */
	struct pare_buf b;
	pare_buf_init(&b, 1 << 20);
	for (int i = 0; i < PARE_DEB_PARA_MAX_FIELDS + 1; i++)
		pare_buf_appendf(&b, "F%d: x\n", i);
	t = pare_buf_slice(&b);
	struct pare_error err;
	assert_int_equal(pare_deb_para_next(&t, p, NULL, &err), -PARE_E_TOO_BIG);
	pare_buf_release(&b);
	free(p);
}

static void test_deps(void **state)
{
	(void)state;
	struct pare_deb_deplist l;
	struct pare_error err;
	const char *f = "a (>= 1.2) | b, c:any, d [amd64 !i386] <!nocheck>,\n e (<< 2:1~rc1),"
			"f(=1-1)|g (>>0) | h (<1), i (> 1)";
	assert_int_equal(pare_deb_deps_parse(S(f), &l, &err), 0);
	assert_int_equal(l.ngroups, 6);
	assert_int_equal(l.ndeps, 9);
	assert_int_equal(l.groups[0].n, 2);
	assert_true(eq(l.deps[0].name, "a"));
	assert_int_equal(l.deps[0].op, PARE_DEB_OP_GE);
	assert_true(eq(l.deps[0].version, "1.2"));
	assert_true(eq(l.deps[1].name, "b"));
	assert_int_equal(l.deps[1].op, PARE_DEB_OP_NONE);
	assert_true(eq(l.deps[2].name, "c"));
	assert_true(eq(l.deps[2].arch_qual, "any"));
	assert_true(eq(l.deps[3].name, "d"));
	assert_int_equal(l.groups[3].first, 4);
	assert_true(eq(l.deps[4].name, "e"));
	assert_int_equal(l.deps[4].op, PARE_DEB_OP_LT);
	assert_true(eq(l.deps[4].version, "2:1~rc1"));
	assert_int_equal(l.groups[4].n, 3);
	assert_int_equal(l.deps[5].op, PARE_DEB_OP_EQ);
	assert_int_equal(l.deps[6].op, PARE_DEB_OP_GT);
	assert_int_equal(l.deps[7].op, PARE_DEB_OP_LE); /* obsolete '<' */
	assert_int_equal(l.deps[8].op, PARE_DEB_OP_GE); /* obsolete '>' */
	assert_string_equal(pare_deb_op_str(l.deps[4].op), "<<");
	pare_deb_deplist_release(&l);

	assert_int_equal(pare_deb_deps_parse(S(""), &l, NULL), 0);
	assert_int_equal(l.ngroups, 0);
	pare_deb_deplist_release(&l);

	static const char *const bad[] = {
		"a (>= )", "a (1.0)", "a (>= 1", "a | ", "a, ,b", "a [amd64", "(>= 1)", "a b",
		"a:", "a (>= x1)",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (pare_deb_deps_parse(S(bad[i]), &l, &err) >= 0)
			fail_msg("accepted: %s", bad[i]);
		assert_non_null(strstr(err.msg, "'"));
		pare_deb_deplist_release(&l);
	}
}

static int collect(void *ctx, struct pare_slice name)
{
	struct pare_buf *b = ctx;
	pare_buf_append_slice(b, name);
	return pare_buf_putc(b, ';');
}

static void test_copyright(void **state)
{
	(void)state;
	const char *dep5 =
		"Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"
		"Upstream-Name: x\n\n"
		"Files: *\nCopyright: 2020 A\nLicense: BSD-3-clause\n\n"
		"Files: debian/*\nLicense: GPL-2+\n This is free software\n .\n more\n\n"
		"Files: b/*\nLicense: BSD-3-clause\n\n"
		"License: GPL-2+\n full text\n";
	struct pare_buf b;
	pare_buf_init(&b, 4096);
	assert_int_equal(pare_deb_copyright_licenses(S(dep5), collect, &b, NULL), 0);
	assert_string_equal(b.data, "BSD-3-clause;GPL-2+;");
	pare_buf_reset(&b);
	assert_int_equal(pare_deb_copyright_licenses(S("This is hello, written by ...\n"), collect,
						     &b, NULL),
			 -PARE_E_UNSUPPORTED);
	assert_int_equal(b.len, 0);
	pare_buf_release(&b);
}

/* Debian relations as APK atoms: operators, versions through the one
 * mapping, "!" for Conflicts/Breaks, names checked, nothing half-written. */
static void test_dep_to_apk(void **state)
{
	(void)state;
	struct pare_deb_deplist l;
	struct pare_error err = { 0 };
	assert_int_equal(pare_deb_deps_parse(S("libc6 (<< 2.36-9+deb12u10), nscd (>> 2.36), "
					       "hurd, libssl3 (= 3.0.15-1~deb12u1), a (<= 1), b (>= 2)"),
					     &l, &err), 0);
	static const char *const want[] = {
		"!glibc<2.36_cvs9_git12_svn10", "!nscd>2.36", "!hurd",
		"!libssl3=3.0.15_cvs1_beta12_svn1", "!a<=1", "!b>=2",
	};
	struct pare_buf b;
	pare_buf_init(&b, 4096);
	for (size_t i = 0; i < l.ndeps; i++) {
		struct pare_slice name = i == 0 ? S("glibc") : l.deps[i].name;
		pare_buf_reset(&b);
		assert_int_equal(pare_deb_dep_to_apk(&l.deps[i], name, true, &b, &err), 0);
		assert_string_equal(b.data, want[i]);
	}
	pare_buf_reset(&b);
	assert_int_equal(pare_deb_dep_to_apk(&l.deps[5], l.deps[5].name, false, &b, &err), 0);
	assert_string_equal(b.data, "b>=2");
	/* not an APK name: refused, out unchanged */
	assert_int_equal(pare_buf_append_str(&b, "x"), 0);
	assert_int_not_equal(pare_deb_dep_to_apk(&l.deps[2], S("-bad"), true, &b, &err), 0);
	assert_string_equal(b.data, "b>=2x");
	assert_non_null(strstr(err.msg, "-bad"));
	pare_buf_release(&b);
	pare_deb_deplist_release(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pkginfo),
		cmocka_unit_test(test_pkginfo_errors),
		cmocka_unit_test(test_paragraphs),
		cmocka_unit_test(test_deps),
		cmocka_unit_test(test_copyright),
		cmocka_unit_test(test_dep_to_apk),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
