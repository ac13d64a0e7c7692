/* Unit tests for src/db/world.c: apk's world format (one atom per line,
 * "\n" when empty), round trips, edits and hostile input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/dbfile.h"
#include "db/world.h"
#include "test_db_util.h"

static int parse(struct pare_world *w, const char *s, struct pare_error *err)
{
	size_t n = strlen(s);
	char *t = malloc(n + 1);
	assert_non_null(t);
	memcpy(t, s, n + 1);
	pare_world_init(w);
	return pare_world_parse(w, t, n, "world", err);
}

static void expect_text(const struct pare_world *w, const char *want)
{
	struct pare_buf b;
	pare_buf_init(&b, 1 << 20);
	assert_int_equal(pare_world_write_text(w, &b, NULL), 0);
	if (b.len != strlen(want) || memcmp(b.data, want, b.len) != 0)
		fail_msg("got '%s', want '%s'", b.data ? b.data : "", want);
	pare_buf_release(&b);
}

static void test_roundtrip(void **state)
{
	(void)state;
	/* As apk 2.14 and 3.0 write it. */
	static const char *const texts[] = {
		"\n",
		"aa-virt=1.0\nzz-virt=20261128.220024\n",
		"alpine-base\nbusybox@edge\n!unwanted\nfoo>=1.2\nbar~1.6\n"
		"baz><Q12l/v/T0pPK3aQaUWmI9djiLpF+g=\nso:libc.so.6\n",
	};
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct pare_world w;
		struct pare_error err = { 0 };
		if (parse(&w, texts[i], &err) < 0)
			fail_msg("%s", err.msg);
		expect_text(&w, texts[i]);
		pare_world_release(&w);
	}
	struct pare_world w;
	assert_int_equal(parse(&w, "", NULL), 0);
	assert_int_equal(w.n, 0);
	expect_text(&w, "\n");
	pare_world_release(&w);
	/* Spaces, tabs and blank lines separate atoms too. */
	assert_int_equal(parse(&w, "  a b\tc\n\n d \r\n", NULL), 0);
	assert_int_equal(w.n, 4);
	expect_text(&w, "a\nb\nc\nd\n");
	pare_world_release(&w);
}

static void test_edit(void **state)
{
	(void)state;
	struct pare_world w;
	struct pare_error err = { 0 };
	assert_int_equal(parse(&w, "busybox\nmusl\n", &err), 0);
	assert_int_equal(pare_world_add(&w, PARE_SLICE_LIT("curl>=8"), &err), 0);
	assert_int_equal(pare_world_add(&w, PARE_SLICE_LIT("zlib"), &err), 0);
	assert_int_equal(pare_world_add(&w, PARE_SLICE_LIT("aaa"), &err), 0);
	assert_int_equal(pare_world_add(&w, PARE_SLICE_LIT("musl=1.2.3-r0"), &err), 0);
	assert_int_equal(pare_world_add(&w, PARE_SLICE_LIT("!busybox"), &err), 0);
	expect_text(&w, "aaa\n!busybox\ncurl>=8\nmusl=1.2.3-r0\nzlib\n");
	assert_int_equal(pare_world_find(&w, PARE_SLICE_LIT("curl")), 2);
	assert_int_equal(pare_world_find(&w, PARE_SLICE_LIT("nope")), -1);
	assert_int_equal(pare_world_remove(&w, PARE_SLICE_LIT("curl")), 1);
	assert_int_equal(pare_world_remove(&w, PARE_SLICE_LIT("curl")), 0);
	assert_int_equal(pare_world_add(&w, PARE_SLICE_LIT("bad atom"), &err), -PARE_E_INVALID_DEP);
	assert_int_equal(pare_world_add(&w, PARE_SLICE_LIT("x>="), &err), -PARE_E_INVALID_DEP);
	expect_text(&w, "aaa\n!busybox\nmusl=1.2.3-r0\nzlib\n");
	pare_world_release(&w);
}

static void test_hostile(void **state)
{
	(void)state;
	struct pare_world w;
	struct pare_error err = { 0 };
	assert_int_equal(parse(&w, "a\nb\n>=1\n", &err), -PARE_E_INVALID_DEP);
	assert_non_null(strstr(err.msg, "world line 3"));
	assert_int_equal(w.n, 0);
	assert_int_equal(parse(&w, "a\nb a=1\n", &err), -PARE_E_FORMAT);
	assert_non_null(strstr(err.msg, "world line 2: a given twice"));
	static const char nul[] = "a\0b\n";
	char *t = malloc(sizeof(nul));
	memcpy(t, nul, sizeof(nul));
	pare_world_init(&w);
	assert_int_equal(pare_world_parse(&w, t, sizeof(nul) - 1, "world", &err), -PARE_E_FORMAT);
	size_t n = PARE_WORLD_MAX_TEXT + 1;
	t = malloc(n);
	memset(t, 'a', n);
	pare_world_init(&w);
	assert_int_equal(pare_world_parse(&w, t, n, "world", &err), -PARE_E_TOO_BIG);
	/* Too many atoms. */
	struct pare_buf b;
	pare_buf_init(&b, 1 << 20);
	for (unsigned i = 0; i <= PARE_WORLD_MAX_ATOMS; i++)
		assert_int_equal(pare_buf_appendf(&b, "p%u\n", i), 0);
	pare_world_init(&w);
	t = pare_buf_detach(&b, &n);
	assert_int_equal(pare_world_parse(&w, t, n, "world", &err), -PARE_E_TOO_BIG);
}

static void test_root(void **state)
{
	(void)state;
	char tmp[4096], path[4200];
	assert_non_null(db_tmpdir(tmp, sizeof(tmp)));
	struct pare_root root;
	struct pare_error err = { 0 };
	assert_int_equal(pare_root_open(&root, tmp, &err), 0);
	struct pare_world w;
	pare_world_init(&w);
	assert_int_equal(pare_world_read(&w, &root, &err), 0); /* missing: empty */
	assert_int_equal(w.n, 0);
	assert_int_equal(pare_world_add(&w, PARE_SLICE_LIT("wolfi-base"), &err), 0);
	assert_int_equal(pare_world_add(&w, PARE_SLICE_LIT("busybox"), &err), 0);
	if (pare_world_write(&w, &root, &err) < 0) /* creates etc/apk */
		fail_msg("%s", err.msg);
	pare_world_release(&w);
	snprintf(path, sizeof(path), "%s/etc/apk/world", tmp);
	size_t len;
	char *t = db_slurp(path, &len);
	assert_non_null(t);
	assert_string_equal(t, "busybox\nwolfi-base\n");
	free(t);
	assert_int_equal(pare_world_read(&w, &root, &err), 0);
	assert_int_equal(w.n, 2);
	pare_world_release(&w);
	pare_root_release(&root);
	db_rmtree(tmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_edit),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_root),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
