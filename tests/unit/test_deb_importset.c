/* Unit tests for src/deb/importset.c: the set file schema, errors with
 * positions, several files into one set, and the repository's own
 * sets/base.yaml. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "deb/importset.h"

static int parse(struct pare_importset *s, const char *text, struct pare_error *err)
{
	return pare_importset_parse(s, "t.yaml", text, strlen(text), err);
}

static void test_schema(void **state)
{
	(void)state;
	struct pare_importset s;
	struct pare_error err = { 0 };
	pare_importset_init(&s);
	const char *text =
		"import: [libc6, redis-server]\n"
		"script-only: adduser\n"
		"baselayout: true\n"
		"packages:\n"
		"  libc6:\n"
		"    name: glibc\n"
		"    ignore-depends: [libgcc-s1]\n"
		"    drop: [a/b]\n"
		"    split:\n"
		"      glibc-libm: [\"lib/*/libm.so.6\"]\n"
		"      glibc-gconv-cjk: {gconv: true, paths: [x, y], depends: [glibc]}\n"
		"  libblas3:\n"
		"    alternatives:\n"
		"      - {link: usr/lib/libblas.so.3, target: blas/libblas.so.3}\n"
		"  ca-certificates: {ca-bundle: ca-certificates-bundle}\n"
		"  plain:\n";
	if (parse(&s, text, &err) != 0)
		fail_msg("%s", err.msg);
	assert_int_equal(s.import.n, 2);
	assert_string_equal(s.import.v[1], "redis-server");
	assert_true(pare_importset_list_has(&s.script_only, "adduser"));
	assert_true(s.baselayout);
	const struct pare_importset_pkg *p = pare_importset_find(&s, "libc6");
	assert_non_null(p);
	assert_string_equal(p->name, "glibc");
	assert_int_equal(p->nsplits, 2);
	assert_string_equal(p->splits[0].name, "glibc-libm");
	assert_false(p->splits[0].gconv);
	assert_true(p->splits[1].gconv);
	assert_int_equal(p->splits[1].globs.n, 2);
	assert_string_equal(p->splits[1].depends.v[0], "glibc");
	assert_true(pare_importset_list_has(&p->ignore_depends, "libgcc-s1"));
	p = pare_importset_find(&s, "libblas3");
	assert_int_equal(p->nalts, 1);
	assert_string_equal(p->alts[0].target, "blas/libblas.so.3");
	assert_null(p->alts[0].package);
	assert_string_equal(pare_importset_find(&s, "ca-certificates")->ca_bundle,
			    "ca-certificates-bundle");
	assert_string_equal(pare_importset_find(&s, "plain")->name, "plain");
	assert_null(pare_importset_find(&s, "nope"));
	/* A second file adds; the first rules for a package win. */
	assert_int_equal(parse(&s, "import: [zlib1g]\npackages:\n  libc6: {name: other}\n", &err), 0);
	assert_int_equal(s.import.n, 3);
	assert_string_equal(pare_importset_find(&s, "libc6")->name, "glibc");
	pare_importset_release(&s);
	pare_importset_release(&s);
}

static void expect_error(const char *text, const char *want)
{
	struct pare_importset s;
	struct pare_error err = { 0 };
	pare_importset_init(&s);
	assert_true(parse(&s, text, &err) < 0);
	if (!strstr(err.msg, want))
		fail_msg("got '%s', want '%s'", err.msg, want);
	pare_importset_release(&s);
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("imports: [a]\n", "t.yaml:1:1: unknown key 'imports'");
	expect_error("packages:\n  a: {name: b}\n  c:\n  a: {drop: [x]}\n",
		     "t.yaml:4:3: duplicate key \"a\" (first on line 2)");
	expect_error("packages:\n  a:\n    nmae: b\n", "t.yaml:3:5: unknown key 'nmae' in a package");
	expect_error("packages:\n  a: {split: {b: {gconv: yes}}}\n", "gconv must be true or false");
	expect_error("packages:\n  a: {alternatives: [{link: x}]}\n", "needs link and target");
	expect_error("import: {a: b}\n", "import must be a list");
	expect_error("- a\n", "a set file must be a mapping");
	expect_error("import: [a\n", "t.yaml:");
	expect_error("packages:\n  a: {name: ../../x}\n", "not a valid package name");
	expect_error("packages:\n  a: {split: {x/y: [z]}}\n", "not a valid package name");
	expect_error("packages:\n  a: {alternatives: [{link: ../etc/x, target: y}]}\n",
		     "not a relative path inside the root");
	expect_error("packages:\n  a: {alternatives: [{link: /etc/x, target: y}]}\n",
		     "not a relative path inside the root");
	/* Found by fuzzing: a second split (or alternatives) key counted on past
	 * the new array; the tree refuses the second key. */
	expect_error("packages:\n  a:\n    split: {b: [x]}\n    split: {c: [y], d: [z]}\n",
		     "t.yaml:4:5: duplicate key \"split\" (first on line 3)");
	expect_error("packages:\n  a:\n    alternatives: [{link: x, target: y}]\n"
		     "    alternatives: [{link: z, target: w}]\n",
		     "t.yaml:4:5: duplicate key \"alternatives\" (first on line 3)");
}

static void test_base_set(void **state)
{
	(void)state;
	const char *src = getenv("PARE_SOURCE_DIR");
	char path[4096];
	snprintf(path, sizeof(path), "%s/sets/base.yaml", src ? src : ".");
	struct pare_importset s;
	struct pare_error err = { 0 };
	pare_importset_init(&s);
	if (pare_importset_load(&s, path, &err) != 0)
		fail_msg("%s", err.msg);
	assert_string_equal(pare_importset_find(&s, "libc6")->name, "glibc");
	assert_string_equal(pare_importset_find(&s, "libc-bin")->name, "glibc-utils");
	assert_true(s.baselayout);
	snprintf(path, sizeof(path), "%s/sets/build-base.yaml", src ? src : ".");
	if (pare_importset_load(&s, path, &err) != 0)
		fail_msg("%s", err.msg);
	assert_true(pare_importset_list_has(&s.import, "gcc"));
	assert_true(pare_importset_load(&s, "/nonexistent/set.yaml", &err) < 0);
	assert_non_null(strstr(err.msg, "/nonexistent/set.yaml"));
	pare_importset_release(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_schema),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_base_set),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
