/* Unit tests for src/db/scripts.c and src/db/triggers.c: the fixture
 * root's scripts.tar and triggers (written by apk-tools 2) are read and
 * written back, scripts are added, found and removed, scripts.tar.gz is
 * read and written, and hostile archives and lines fail cleanly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apk/tar.h"
#include "db/dbfile.h"
#include "db/installed.h"
#include "db/scripts.h"
#include "db/triggers.h"
#include "io/digest.h"
#include "test_db_util.h"

#define BUSYBOX_ID "Q1Meo+LHGPSi3uY9gIouEVb9z8Fbo="
#define BASELAYOUT_ID "Q1PGxwzLd7SQ/SZjUGrncnpjjtpKY="

static char *fixture(const char *rel, size_t *len)
{
	char dir[4096], path[4300];
	if (!db_fixtures(dir, sizeof(dir)))
		return NULL;
	snprintf(path, sizeof(path), "%s/root/lib/apk/db/%s", dir, rel);
	return db_slurp(path, len);
}

static struct pare_digest_value id(const char *q)
{
	struct pare_digest_value v;
	assert_int_equal(pare_apk_checksum_parse(q, strlen(q), &v), 0);
	return v;
}

static void same_scripts(const struct pare_db_scripts *a, const struct pare_db_scripts *b)
{
	assert_int_equal(a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		const struct pare_db_script *x = &a->v[i], *y = &b->v[i];
		assert_true(pare_slice_eq(x->name, y->name));
		assert_true(pare_slice_eq(x->data, y->data));
		assert_true(pare_slice_eq(x->uname, y->uname));
		assert_int_equal(x->mode, y->mode);
		assert_int_equal(x->mtime, y->mtime);
		assert_int_equal(x->uid, y->uid);
		assert_int_equal(x->type, y->type);
	}
}

static void test_scripts_fixture(void **state)
{
	(void)state;
	size_t len;
	char *tar = fixture("scripts.tar", &len);
	if (!tar)
		skip();
	struct pare_db_scripts s, s2;
	struct pare_error err = { 0 };
	pare_db_scripts_init(&s);
	if (pare_db_scripts_parse(&s, tar, len, "scripts.tar", &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(s.n, 7);
	assert_int_equal(s.nskipped, 0);
	struct pare_digest_value bb = id(BUSYBOX_ID), bl = id(BASELAYOUT_ID);
	const struct pare_db_script *e = pare_db_scripts_find(&s, &bb, PARE_SCRIPT_TRIGGER);
	assert_non_null(e);
	assert_true(pare_slice_eq_cstr(e->pkgver, "busybox-1.35.0-r17"));
	assert_true(pare_slice_eq_cstr(e->identity_text, BUSYBOX_ID));
	assert_int_equal(e->data.len, 546);
	assert_int_equal(e->mode, 0755);
	assert_true(pare_slice_eq_cstr(e->uname, "root"));
	assert_non_null(pare_db_scripts_find(&s, &bl, PARE_SCRIPT_PRE_UPGRADE));
	assert_null(pare_db_scripts_find(&s, &bl, PARE_SCRIPT_TRIGGER));

	/* Written and read again: the same entries; the second write is
	 * byte-identical to the first. */
	struct pare_buf out, out2;
	pare_buf_init(&out, 1 << 26);
	pare_buf_init(&out2, 1 << 26);
	assert_int_equal(pare_db_scripts_write_tar(&s, &out, &err), 0);
	pare_db_scripts_init(&s2);
	assert_int_equal(pare_db_scripts_parse(&s2, out.data, out.len, "out", &err), 0);
	same_scripts(&s, &s2);
	assert_int_equal(pare_db_scripts_write_tar(&s2, &out2, &err), 0);
	assert_int_equal(out.len, out2.len);
	assert_memory_equal(out.data, out2.data, out.len);

	/* Edits. */
	assert_int_equal(pare_db_scripts_remove_pkg(&s, &bb), 3);
	assert_null(pare_db_scripts_find(&s, &bb, PARE_SCRIPT_TRIGGER));
	assert_int_equal(s.n, 4);
	pare_buf_release(&out);
	pare_buf_release(&out2);
	pare_db_scripts_release(&s);
	pare_db_scripts_release(&s2);
	free(tar);
}

static void test_scripts_add_root(void **state)
{
	(void)state;
	char tmp[4096], path[4200];
	assert_non_null(db_tmpdir(tmp, sizeof(tmp)));
	struct pare_root root;
	struct pare_error err = { 0 };
	assert_int_equal(pare_root_open(&root, tmp, &err), 0);
	struct pare_db_scripts s;
	pare_db_scripts_init(&s);
	assert_int_equal(pare_db_scripts_read(&s, &root, &err), 0); /* none: empty */
	assert_int_equal(s.n, 0);
	struct pare_pkgent e;
	memset(&e, 0, sizeof(e));
	e.name = PARE_SLICE_LIT("hello");
	e.version = PARE_SLICE_LIT("1.0-r0");
	e.identity = id(BUSYBOX_ID);
	e.build_time = 1700000000;
	assert_int_equal(pare_db_scripts_add(&s, &e, PARE_SCRIPT_POST_INSTALL,
					     PARE_SLICE_LIT("#!/bin/sh\necho hi\n"), &err), 0);
	assert_int_equal(pare_db_scripts_add(&s, &e, PARE_SCRIPT_POST_INSTALL,
					     PARE_SLICE_LIT("#!/bin/sh\necho hello\n"), &err), 0);
	assert_int_equal(pare_db_scripts_add(&s, &e, 99, PARE_SLICE_LIT(""), &err), -EINVAL);
	assert_int_equal(s.n, 1);
	assert_true(pare_slice_eq_cstr(s.v[0].name, "hello-1.0-r0." BUSYBOX_ID ".post-install"));
	assert_int_equal(s.v[0].type, PARE_SCRIPT_POST_INSTALL);
	if (pare_db_scripts_write(&s, &root, &err) < 0)
		fail_msg("%s", err.msg);
	snprintf(path, sizeof(path), "%s/" PARE_DB_SCRIPTS_PATH, tmp);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size % 512, 0);

	/* gz: written to scripts.tar.gz when that is what was read. */
	unlink(path);
	s.gz = true;
	assert_int_equal(pare_db_scripts_write(&s, &root, &err), 0);
	struct pare_db_scripts s2;
	pare_db_scripts_init(&s2);
	if (pare_db_scripts_read(&s2, &root, &err) < 0)
		fail_msg("%s", err.msg);
	assert_true(s2.gz);
	same_scripts(&s, &s2);
	const struct pare_db_script *p = pare_db_scripts_find(&s2, &e.identity,
							      PARE_SCRIPT_POST_INSTALL);
	assert_non_null(p);
	assert_true(pare_slice_eq_cstr(p->data, "#!/bin/sh\necho hello\n"));
	assert_int_equal(p->mtime, 1700000000);
	pare_db_scripts_release(&s);
	pare_db_scripts_release(&s2);
	pare_root_release(&root);
	db_rmtree(tmp);
}

static void test_scripts_hostile(void **state)
{
	(void)state;
	size_t len;
	char *tar = fixture("scripts.tar", &len);
	if (!tar)
		skip();
	struct pare_db_scripts s;
	struct pare_error err = { 0 };
	/* Every truncation: parses (at an entry boundary) or fails cleanly. */
	for (size_t cut = 0; cut < len; cut += 97) {
		pare_db_scripts_init(&s);
		int r = pare_db_scripts_parse(&s, tar, cut, "scripts.tar", &err);
		assert_true(r == 0 || r == -PARE_E_TRUNCATED || r == -PARE_E_FORMAT);
		if (r < 0)
			assert_non_null(strstr(err.msg, "scripts.tar"));
		pare_db_scripts_release(&s);
	}
	/* A corrupt header checksum. */
	tar[150] ^= 1;
	pare_db_scripts_init(&s);
	assert_int_equal(pare_db_scripts_parse(&s, tar, len, "scripts.tar", &err), -PARE_E_FORMAT);
	assert_int_equal(s.n, 0);
	free(tar);

	/* Odd names are kept; directories skipped. */
	struct pare_buf b;
	struct pare_ostream os;
	struct pare_tar_writer tw;
	pare_buf_init(&b, 1 << 20);
	pare_buf_ostream_init(&os, &b);
	pare_tar_writer_init(&tw, &os);
	struct pare_tar_header h = { .name = PARE_SLICE_LIT("README"), .type = PARE_TAR_REG,
				     .mode = 0644, .size = 2 };
	assert_int_equal(pare_tar_write_entry_header(&tw, &h, NULL), 0);
	assert_int_equal(pare_tar_write_data(&tw, "hi", 2, NULL), 0);
	struct pare_tar_header d = { .name = PARE_SLICE_LIT("dir/"), .type = PARE_TAR_DIR,
				     .mode = 0755 };
	assert_int_equal(pare_tar_write_entry_header(&tw, &d, NULL), 0);
	struct pare_tar_header x = { .name = PARE_SLICE_LIT("p-1.Q1xx.post-install"),
				     .type = PARE_TAR_REG, .mode = 0755 };
	assert_int_equal(pare_tar_write_entry_header(&tw, &x, NULL), 0);
	assert_int_equal(pare_tar_write_end(&tw, NULL), 0);
	pare_tar_writer_release(&tw);
	pare_db_scripts_init(&s);
	assert_int_equal(pare_db_scripts_parse(&s, b.data, b.len, "odd", &err), 0);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.nskipped, 1);
	assert_int_equal(s.v[0].type, -1);
	assert_int_equal(s.v[1].type, -1); /* bad identity */
	assert_int_equal(s.v[1].identity.alg, PARE_DIGEST_NONE);
	pare_db_scripts_release(&s);
	pare_buf_release(&b);
}

/* ---- triggers */

static int tparse(struct pare_db_triggers *t, const char *s, struct pare_error *err)
{
	size_t n = strlen(s);
	char *c = malloc(n + 1);
	memcpy(c, s, n + 1);
	pare_db_triggers_init(t);
	return pare_db_triggers_parse(t, c, n, "triggers", err);
}

static void test_triggers(void **state)
{
	(void)state;
	size_t len;
	char *text = fixture("triggers", &len);
	if (!text)
		skip();
	char *orig = malloc(len + 1);
	memcpy(orig, text, len + 1);
	struct pare_db_triggers t;
	struct pare_error err = { 0 };
	pare_db_triggers_init(&t);
	if (pare_db_triggers_parse(&t, text, len, "triggers", &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(t.n, 1);
	struct pare_digest_value bb = id(BUSYBOX_ID), bl = id(BASELAYOUT_ID);
	const struct pare_db_trigger *e = pare_db_triggers_find(&t, &bb);
	assert_non_null(e);
	assert_true(pare_slice_eq_cstr(e->globs, "/bin /usr/bin /sbin /usr/sbin /lib/modules/*"));
	struct pare_buf out;
	pare_buf_init(&out, 1 << 20);
	assert_int_equal(pare_db_triggers_write_text(&t, &out, &err), 0);
	assert_int_equal(out.len, len);
	assert_memory_equal(out.data, orig, len);

	assert_int_equal(pare_db_triggers_set(&t, &bl, PARE_SLICE_LIT(" /etc/x "), &err), 0);
	assert_int_equal(pare_db_triggers_set(&t, &bb, PARE_SLICE_LIT("/bin"), &err), 0);
	pare_buf_reset(&out);
	assert_int_equal(pare_db_triggers_write_text(&t, &out, &err), 0);
	assert_string_equal(out.data, BUSYBOX_ID " /bin\n" BASELAYOUT_ID " /etc/x\n");
	assert_int_equal(pare_db_triggers_set(&t, &bb, PARE_SLICE_LIT(""), &err), 0);
	assert_int_equal(pare_db_triggers_remove(&t, &bb), 0);
	assert_int_equal(pare_db_triggers_remove(&t, &bl), 1);
	assert_int_equal(t.n, 0);
	pare_buf_release(&out);
	pare_db_triggers_release(&t);
	free(orig);

	/* Hostile lines. */
	assert_int_equal(tparse(&t, BUSYBOX_ID " /a\nQ1bad /b\n", &err), -PARE_E_FORMAT);
	assert_non_null(strstr(err.msg, "triggers line 2"));
	assert_int_equal(tparse(&t, BUSYBOX_ID " /a\n\n" BUSYBOX_ID " /b\n", &err),
			 -PARE_E_FORMAT);
	assert_non_null(strstr(err.msg, "triggers line 3"));
	assert_int_equal(tparse(&t, BUSYBOX_ID " /a\r\n", &err), -PARE_E_FORMAT);
	assert_int_equal(tparse(&t, "/bin /usr/bin\n", &err), -PARE_E_FORMAT);
	assert_int_equal(t.n, 0);
	assert_int_equal(tparse(&t, "", &err), 0);
	assert_int_equal(t.n, 0);
	pare_db_triggers_release(&t);
}

static void test_triggers_root(void **state)
{
	(void)state;
	char tmp[4096], path[4200];
	assert_non_null(db_tmpdir(tmp, sizeof(tmp)));
	struct pare_root root;
	struct pare_error err = { 0 };
	assert_int_equal(pare_root_open(&root, tmp, &err), 0);
	struct pare_db_triggers t;
	pare_db_triggers_init(&t);
	assert_int_equal(pare_db_triggers_read(&t, &root, &err), 0);
	struct pare_digest_value bb = id(BUSYBOX_ID);
	assert_int_equal(pare_db_triggers_set(&t, &bb, PARE_SLICE_LIT("/bin /sbin"), &err), 0);
	assert_int_equal(pare_db_triggers_write(&t, &root, &err), 0);
	pare_db_triggers_release(&t);
	snprintf(path, sizeof(path), "%s/" PARE_DB_TRIGGERS_PATH, tmp);
	size_t len;
	char *s = db_slurp(path, &len);
	assert_non_null(s);
	assert_string_equal(s, BUSYBOX_ID " /bin /sbin\n");
	free(s);
	assert_int_equal(pare_db_triggers_read(&t, &root, &err), 0);
	assert_int_equal(t.n, 1);
	pare_db_triggers_release(&t);
	pare_root_release(&root);
	db_rmtree(tmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scripts_fixture),
		cmocka_unit_test(test_scripts_add_root),
		cmocka_unit_test(test_scripts_hostile),
		cmocka_unit_test(test_triggers),
		cmocka_unit_test(test_triggers_root),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
