/* nsswitch.conf and gconv configuration parsing (elf/glibc_conf.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "elf/glibc_conf.h"

struct seen {
	char v[16][64];
	size_t n;
};

static int collect(void *ctx, struct pare_slice db, struct pare_slice w)
{
	struct seen *s = ctx;
	if (s->n < 16)
		snprintf(s->v[s->n++], 64, "%.*s=%.*s", (int)db.len, db.ptr, (int)w.len, w.ptr);
	return 0;
}

static void test_nsswitch(void **state)
{
	(void)state;
	struct seen s = { 0 };
	const char *t = "# header\npasswd:  files db # local\n"
			"group: files [NOTFOUND=return] ldap\n"
			"hosts: files [ !UNAVAIL = return ] dns mdns4\n"
			"broken line\nnetgroup:\tnis"; /* no final newline */
	assert_int_equal(pare_nsswitch_each(pare_slice_from(t), collect, &s), 0);
	const char *want[] = { "passwd=files", "passwd=db", "group=files", "group=ldap",
			       "hosts=files", "hosts=dns", "hosts=mdns4", "netgroup=nis" };
	assert_int_equal(s.n, 8);
	for (size_t i = 0; i < 8; i++)
		assert_string_equal(s.v[i], want[i]);
	assert_true(pare_nss_builtin(pare_slice_from("files")));
	assert_true(pare_nss_builtin(pare_slice_from("dns")));
	assert_false(pare_nss_builtin(pare_slice_from("db")));
}

static int stop_at_second(void *ctx, struct pare_slice db, struct pare_slice w)
{
	(void)db;
	(void)w;
	return ++*(int *)ctx == 2 ? 7 : 0;
}

static void test_nsswitch_stop(void **state)
{
	(void)state;
	int n = 0;
	assert_int_equal(pare_nsswitch_each(pare_slice_from("a: x y z\n"), stop_at_second, &n), 7);
	assert_int_equal(n, 2);
}

struct lines {
	int alias, module;
	char last_file[64];
};

static int count(void *ctx, const struct pare_gconv_line *l)
{
	struct lines *x = ctx;
	if (l->kind == PARE_GCONV_ALIAS)
		x->alias++;
	else {
		x->module++;
		snprintf(x->last_file, sizeof(x->last_file), "%.*s", (int)l->file.len, l->file.ptr);
	}
	return 0;
}

static void test_gconv(void **state)
{
	(void)state;
	struct lines x = { 0 };
	const char *t = "# comment\nalias\tSHIFT_JIS//\t\tSJIS//\n"
			"module\tSJIS//\tINTERNAL\tSJIS\t1\n"
			"alias only-two//\n"     /* too short: skipped */
			"module A// B//\n"       /* no file: skipped */
			"bogus X// Y// Z\n"
			"module INTERNAL SJIS// /opt/SJIS"; /* absolute, no newline */
	assert_int_equal(pare_gconv_conf_each(pare_slice_from(t), count, &x), 0);
	assert_int_equal(x.alias, 1);
	assert_int_equal(x.module, 2);
	assert_string_equal(x.last_file, "/opt/SJIS");
}

static void test_names(void **state)
{
	(void)state;
	assert_true(pare_gconv_name_eq(pare_slice_from("shift_jis"), pare_slice_from("SHIFT_JIS//")));
	assert_false(pare_gconv_name_eq(pare_slice_from("SJIS"), pare_slice_from("SJIS-OPEN//")));
	assert_true(pare_gconv_builtin(pare_slice_from("utf-8")));
	assert_true(pare_gconv_builtin(pare_slice_from("US-ASCII//")));
	assert_true(pare_gconv_builtin(pare_slice_from("UCS-2LE")));
	/* modules in glibc 2.36, not built in */
	assert_false(pare_gconv_builtin(pare_slice_from("UTF-16")));
	assert_false(pare_gconv_builtin(pare_slice_from("ISO-8859-1")));
	assert_false(pare_gconv_builtin(pare_slice_from("SHIFT_JIS")));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nsswitch),
		cmocka_unit_test(test_nsswitch_stop),
		cmocka_unit_test(test_gconv),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
