/* Unit tests for src/build: the driver dump parser (recipe.h), the build
 * environment (driver.h), the build order (build.h), archive names and the
 * unpack bound (source.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/buf.h"
#include "build/build.h"
#include "build/driver.h"
#include "build/recipe.h"
#include "build/source.h"

static char sum_a[129], sum_b[129];

/* Append "v:K=V\0" records (NULL-terminated key/value list). */
static void dump(struct pare_buf *b, const char *const *kv)
{
	for (size_t i = 0; kv[i]; i += 2) {
		pare_buf_appendf(b, "v:%s=%s", kv[i], kv[i + 1]);
		pare_buf_putc(b, '\0');
	}
}

static void fn(struct pare_buf *b, const char *name)
{
	pare_buf_appendf(b, "f:%s", name);
	pare_buf_putc(b, '\0');
}

static int parse(const char *const *kv, const char *const *fns, struct pare_recipe *r,
		 struct pare_error *err)
{
	struct pare_buf b;
	pare_buf_init(&b, 1 << 20);
	dump(&b, kv);
	for (size_t i = 0; fns && fns[i]; i++)
		fn(&b, fns[i]);
	pare_recipe_init(r, "recipes/x/APKBUILD");
	int e = pare_recipe_parse(r, pare_buf_slice(&b), err);
	pare_buf_release(&b);
	return e;
}

static void test_parse_full(void **state)
{
	(void)state;
	char sums[400];
	snprintf(sums, sizeof(sums), "\n%s  x-1.tar.gz\n%s  fix.patch\n", sum_a, sum_b);
	const char *kv[] = { "pkgname", "x", "pkgver", "1.2", "pkgrel", "3", "pkgdesc", " An x ",
			     "arch", "all", "makedepends", "pc:openssl libfoo-dev>=2\n\tbar",
			     "subpackages", "x-dev x-cli:_cli\n", "source",
			     "x-1.tar.gz::https://e.invalid/x/v1.tar.gz fix.patch", "sha512sums", sums,
			     "options", "!check net", "provider_priority", "7",
			     "SOURCE_DATE_EPOCH", "1700000000", NULL };
	const char *fns[] = { "build", "package", "_cli", NULL };
	struct pare_recipe r;
	struct pare_error err = { 0 };
	assert_int_equal(parse(kv, fns, &r, &err), 0);
	assert_string_equal(r.version, "1.2-r3");
	assert_string_equal(r.pkgdesc, "An x");
	assert_int_equal(r.makedepends.n, 3);
	assert_string_equal(r.makedepends.v[2], "bar");
	assert_int_equal(r.nsubpkgs, 2);
	assert_null(r.subpkgs[0].func);
	assert_string_equal(r.subpkgs[1].func, "_cli");
	assert_int_equal(r.nsources, 2);
	assert_string_equal(r.sources[0].name, "x-1.tar.gz");
	assert_string_equal(r.sources[0].url, "https://e.invalid/x/v1.tar.gz");
	assert_null(r.sources[1].url);
	assert_true(pare_recipe_has_option(&r, "net"));
	assert_false(pare_recipe_has_option(&r, "suid"));
	assert_true(pare_recipe_has_function(&r, "build"));
	assert_false(pare_recipe_has_function(&r, "check"));
	assert_int_equal(r.provider_priority, 7);
	assert_int_equal(r.source_date_epoch, 1700000000);

	struct pare_buf b;
	pare_buf_init(&b, 4096);
	const char *sub[] = { "depends", "x=1.2-r3", "pkgdesc", "the cli", NULL };
	dump(&b, sub);
	assert_int_equal(pare_recipe_parse_sub(&r, &r.subpkgs[1], pare_buf_slice(&b), &err), 0);
	assert_string_equal(r.subpkgs[1].pkgdesc, "the cli");
	assert_int_equal(r.subpkgs[1].depends.n, 1);
	pare_buf_reset(&b);
	const char *notsub[] = { "source", "y", NULL };
	dump(&b, notsub);
	assert_true(pare_recipe_parse_sub(&r, &r.subpkgs[1], pare_buf_slice(&b), &err) < 0);
	pare_buf_release(&b);
	pare_recipe_release(&r);
}

static void expect_error(const char *const *kv, const char *const *fns, const char *msg)
{
	struct pare_recipe r;
	struct pare_error err = { 0 };
	assert_true(parse(kv, fns, &r, &err) < 0);
	if (!strstr(err.msg, msg))
		fail_msg("'%s' lacks '%s'", err.msg, msg);
	assert_non_null(strstr(err.msg, "recipes/x/APKBUILD"));
	pare_recipe_release(&r);
}

static void test_parse_errors(void **state)
{
	(void)state;
	const char *noname[] = { "pkgver", "1", NULL };
	expect_error(noname, NULL, "not set");
	const char *badver[] = { "pkgname", "x", "pkgver", "1..2", NULL };
	expect_error(badver, NULL, "not a valid version");
	const char *badname[] = { "pkgname", "x y", "pkgver", "1", NULL };
	expect_error(badname, NULL, "not a valid package name");
	const char *baddep[] = { "pkgname", "x", "pkgver", "1", "makedepends", "a>>1", NULL };
	expect_error(baddep, NULL, "makedepends: 'a>>1' is not a dependency");
	const char *nofn[] = { "pkgname", "x", "pkgver", "1", "subpackages", "x-a:f", NULL };
	expect_error(nofn, NULL, "function f is not defined");
	const char *sums[] = { "pkgname", "x", "pkgver", "1", "source", "a b", "sha512sums",
			       "00  a", NULL };
	expect_error(sums, NULL, "sha512sums: 1 entries for 2 sources");
	char dd[200];
	snprintf(dd, sizeof(dd), "%s  ..", sum_a);
	const char *dotdot[] = { "pkgname", "x", "pkgver", "1", "source", "..::http://e/x",
				 "sha512sums", dd, NULL };
	expect_error(dotdot, NULL, "does not name a file");
	const char *ctl[] = { "pkgname", "x", "pkgver", "1", "pkgdesc", "a\033b", NULL };
	expect_error(ctl, NULL, "control character");
	const char *twice[] = { "pkgname", "x", "pkgname", "y", "pkgver", "1", NULL };
	expect_error(twice, NULL, "set twice");

	struct pare_recipe r;
	struct pare_error err = { 0 };
	pare_recipe_init(&r, "recipes/x/APKBUILD");
	assert_true(pare_recipe_parse(&r, pare_slice_make("v:pkgname=x", 11), &err) < 0);
	assert_non_null(strstr(err.msg, "truncated"));
	pare_recipe_release(&r);
}

static void test_env(void **state)
{
	(void)state;
	char store[4096], *env[PARE_BUILD_ENV_MAX + 1];
	assert_int_equal(pare_build_env("x86_64", 1700000000, 4, env, store, sizeof(store)), 0);
	bool sde = false, flags = false, path = false;
	for (size_t i = 0; env[i]; i++) {
		sde |= !strcmp(env[i], "SOURCE_DATE_EPOCH=1700000000");
		flags |= strstr(env[i], "CFLAGS=") == env[i] &&
			 strstr(env[i], "-ffile-prefix-map=/build/src=.") != NULL;
		path |= !strncmp(env[i], "PATH=/usr/sbin:", 15);
	}
	assert_true(sde && flags && path);
	assert_int_equal(pare_build_env("x86_64", -1, 1, env, store, sizeof(store)), 0);
	for (size_t i = 0; env[i]; i++)
		assert_null(strstr(env[i], "SOURCE_DATE_EPOCH"));
	assert_true(pare_build_env("x86_64", 0, 1, env, store, 64) < 0);
	/* CHOST from the one architecture table (apk/arch.h). */
	static const char *const chost[][2] = {
		{ "x86_64", "CHOST=x86_64-linux-gnu" },
		{ "aarch64", "CHOST=aarch64-linux-gnu" },
		{ "armv7", "CHOST=arm-linux-gnueabihf" },
		{ "mystery", "CHOST=mystery" },
	};
	for (size_t k = 0; k < sizeof(chost) / sizeof(chost[0]); k++) {
		bool seen = false;
		assert_int_equal(pare_build_env(chost[k][0], 0, 1, env, store, sizeof(store)), 0);
		for (size_t i = 0; env[i]; i++)
			seen |= !strcmp(env[i], chost[k][1]);
		assert_true(seen);
	}
}

static void test_order(void **state)
{
	(void)state;
	struct pare_recipe r[3];
	struct pare_error err = { 0 };
	const char *a[] = { "pkgname", "app", "pkgver", "1", "makedepends", "libz-dev", NULL };
	const char *z[] = { "pkgname", "libz", "pkgver", "1", NULL };
	const char *c[] = { "pkgname", "cli", "pkgver", "1", "checkdepends", "app", NULL };
	assert_int_equal(parse(a, NULL, &r[0], &err), 0);
	assert_int_equal(parse(z, NULL, &r[1], &err), 0);
	assert_int_equal(parse(c, NULL, &r[2], &err), 0);
	size_t order[3], edges[18], ne = 0;
	assert_int_equal(pare_build_order(r, 3, order, edges, &ne, &err), 0);
	assert_int_equal(ne, 2);
	assert_int_equal(order[0], 1);
	assert_int_equal(order[1], 0);
	assert_int_equal(order[2], 2);
	struct pare_buf out;
	pare_buf_init(&out, 1 << 20);
	const char *dirs[] = { "r/app", "r/libz", "r/cli" };
	assert_int_equal(pare_build_plan_json(r, dirs, 3, &out, &err), 0);
	assert_non_null(strstr(out.data, "\"from\": \"app\""));
	pare_buf_release(&out);
	for (int i = 0; i < 3; i++)
		pare_recipe_release(&r[i]);
	/* a cycle */
	const char *p[] = { "pkgname", "p", "pkgver", "1", "makedepends", "q", NULL };
	const char *q[] = { "pkgname", "q", "pkgver", "1", "makedepends", "p-dev", NULL };
	assert_int_equal(parse(p, NULL, &r[0], &err), 0);
	assert_int_equal(parse(q, NULL, &r[1], &err), 0);
	assert_true(pare_build_order(r, 2, order, edges, &ne, &err) < 0);
	assert_non_null(strstr(err.msg, "cycle"));
	pare_recipe_release(&r[0]);
	pare_recipe_release(&r[1]);
}

static void test_archives_and_bound(void **state)
{
	(void)state;
	assert_true(pare_build_is_archive("x-1.tar.gz"));
	assert_true(pare_build_is_archive("x.tar.xz"));
	assert_true(pare_build_is_archive("x.zip"));
	assert_false(pare_build_is_archive("fix.patch"));
	assert_false(pare_build_is_archive(".tar.gz"));
	char dir[] = "/tmp/pare-unpack-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char cmd[512], out[300];
	snprintf(cmd, sizeof(cmd), "mkdir -p %s/in/a && head -c 100000 /dev/zero > %s/in/a/z && "
		 "tar -C %s/in -czf %s/t.tar.gz a && mkdir %s/out", dir, dir, dir, dir, dir);
	assert_int_equal(system(cmd), 0);
	snprintf(out, sizeof(out), "%s/t.tar.gz", dir);
	snprintf(cmd, sizeof(cmd), "%s/out", dir);
	struct pare_error err = { 0 };
	assert_true(pare_build_unpack(out, cmd, getuid(), getgid(), 1000, &err) < 0);
	assert_non_null(strstr(err.msg, "larger than"));
	assert_int_equal(pare_build_unpack(out, cmd, getuid(), getgid(), 0, &err), 0);
	snprintf(cmd, sizeof(cmd), "%s/out/a/z", dir);
	assert_int_equal(access(cmd, R_OK), 0);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	memset(sum_a, 'a', 128);
	memset(sum_b, 'b', 128);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_full),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_env),
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_archives_and_bound),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
