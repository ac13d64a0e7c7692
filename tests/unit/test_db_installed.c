/* Unit tests for src/db/installed*.c: the real installed databases in
 * ../shared/fixtures/real/installed-db round-trip byte for byte (in memory
 * and through a root), lookups answer what the files say, hostile inputs
 * fail with the right code and line, and packages built through the API
 * are written in apk's canonical form and read back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/rootpath.h"
#include "db/dbfile.h"
#include "db/installed.h"
#include "io/digest.h"
#include "test_db_util.h"

static const char *const fixture_files[] = {
	"wolfi-base.installed",
	"redis-operator-compat.installed",
	"bad-top-level-perms.installed",
	"root/lib/apk/db/installed",
};

static int parse_str(struct pare_db_installed *db, const char *s, struct pare_error *err)
{
	size_t n = strlen(s);
	char *t = malloc(n + 1);
	assert_non_null(t);
	memcpy(t, s, n + 1);
	pare_db_installed_init(db);
	return pare_db_installed_parse(db, t, n, "installed", err);
}

static void write_str(const struct pare_db_installed *db, struct pare_buf *out)
{
	struct pare_error err = { 0 };
	pare_buf_init(out, 1u << 30);
	int r = pare_db_installed_write_text(db, out, &err);
	if (r < 0)
		fail_msg("write: %s", err.msg);
}

static int load_fixture(struct pare_db_installed *db, const char *name, char **orig,
			size_t *len)
{
	char dir[4096], path[4200];
	if (!db_fixtures(dir, sizeof(dir)))
		return -1;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	char *t = db_slurp(path, len);
	assert_non_null(t);
	*orig = malloc(*len + 1);
	memcpy(*orig, t, *len + 1);
	struct pare_error err = { 0 };
	pare_db_installed_init(db);
	int r = pare_db_installed_parse(db, t, *len, name, &err);
	if (r < 0)
		fail_msg("%s: %s", name, err.msg);
	return 0;
}

/* ---- round trips */

static void test_fixtures_roundtrip(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(fixture_files) / sizeof(fixture_files[0]); i++) {
		struct pare_db_installed db;
		char *orig;
		size_t len;
		if (load_fixture(&db, fixture_files[i], &orig, &len) < 0)
			skip();
		assert_true(db.npkgs > 0);
		struct pare_buf out;
		write_str(&db, &out);
		if (out.len != len || memcmp(out.data, orig, len) != 0)
			fail_msg("%s: not byte-identical (%zu vs %zu bytes)", fixture_files[i],
				 out.len, len);
		pare_buf_release(&out);
		pare_db_installed_release(&db);
		free(orig);
	}
}

/* Written with every layout dropped (canonical form), re-read: the same
 * packages, files, modes and checksums. */
static void test_fixtures_canonical(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(fixture_files) / sizeof(fixture_files[0]); i++) {
		struct pare_db_installed db, db2;
		char *orig;
		size_t len;
		if (load_fixture(&db, fixture_files[i], &orig, &len) < 0)
			skip();
		for (size_t k = 0; k < db.npkgs; k++)
			db.pkgs[k]->layout = PARE_SLICE_NULL;
		struct pare_buf out;
		write_str(&db, &out);
		struct pare_error err = { 0 };
		char *copy = malloc(out.len + 1);
		memcpy(copy, out.data, out.len + 1);
		pare_db_installed_init(&db2);
		if (pare_db_installed_parse(&db2, copy, out.len, "canonical", &err) < 0)
			fail_msg("%s: %s", fixture_files[i], err.msg);
		assert_int_equal(db2.npkgs, db.npkgs);
		for (size_t k = 0; k < db.npkgs; k++) {
			const struct pare_db_pkg *a = db.pkgs[k], *b = db2.pkgs[k];
			assert_true(pare_slice_eq(a->ent.name, b->ent.name));
			assert_int_equal(a->ndirs, b->ndirs);
			assert_int_equal(pare_db_pkg_nfiles(a), pare_db_pkg_nfiles(b));
			struct pare_db_file_iter ia, ib;
			pare_db_file_iter_init(&ia, a);
			pare_db_file_iter_init(&ib, b);
			const struct pare_db_file *fa, *fb;
			while ((fa = pare_db_file_iter_next(&ia))) {
				fb = pare_db_file_iter_next(&ib);
				assert_non_null(fb);
				assert_true(pare_slice_eq(fa->path, fb->path));
				assert_int_equal(fa->has_acl, fb->has_acl);
				assert_int_equal(fa->acl.mode, fb->acl.mode);
				assert_int_equal(fa->csum.alg, fb->csum.alg);
				assert_memory_equal(fa->csum.bytes, fb->csum.bytes, fa->csum.len);
			}
		}
		/* Canonical is a fixed point. */
		struct pare_buf out2;
		write_str(&db2, &out2);
		for (size_t k = 0; k < db2.npkgs; k++)
			db2.pkgs[k]->layout = PARE_SLICE_NULL;
		pare_buf_reset(&out2);
		assert_int_equal(pare_db_installed_write_text(&db2, &out2, NULL), 0);
		assert_int_equal(out2.len, out.len);
		assert_memory_equal(out2.data, out.data, out.len);
		pare_buf_release(&out);
		pare_buf_release(&out2);
		pare_db_installed_release(&db);
		pare_db_installed_release(&db2);
		free(orig);
	}
}

static void test_root_roundtrip(void **state)
{
	(void)state;
	char dir[4096], path[4200], tmp[4096], out[4200];
	if (!db_fixtures(dir, sizeof(dir)))
		skip();
	snprintf(path, sizeof(path), "%s/root/lib/apk/db/installed", dir);
	size_t len, len2;
	char *orig = db_slurp(path, &len);
	assert_non_null(orig);
	assert_non_null(db_tmpdir(tmp, sizeof(tmp)));
	assert_int_equal(db_mkdirs(tmp, "lib/apk/db"), 0);
	snprintf(out, sizeof(out), "%s/lib/apk/db/installed", tmp);
	assert_int_equal(db_write_file(out, orig, len), 0);

	struct pare_root root;
	struct pare_error err = { 0 };
	assert_int_equal(pare_root_open(&root, tmp, &err), 0);
	struct pare_db_installed db;
	pare_db_installed_init(&db);
	if (pare_db_installed_read(&db, &root, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(db.npkgs, 14);
	unlink(out);
	if (pare_db_installed_write(&db, &root, &err) < 0)
		fail_msg("%s", err.msg);
	char *back = db_slurp(out, &len2);
	assert_non_null(back);
	assert_int_equal(len2, len);
	assert_memory_equal(back, orig, len);
	struct stat st;
	assert_int_equal(stat(out, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);

	/* A missing database is an empty one. */
	pare_db_installed_release(&db);
	unlink(out);
	assert_int_equal(pare_db_installed_read(&db, &root, &err), 0);
	assert_int_equal(db.npkgs, 0);

	pare_db_installed_release(&db);
	pare_root_release(&root);
	db_rmtree(tmp);
	free(orig);
	free(back);
}

/* ---- what the files say */

static void test_lookups(void **state)
{
	(void)state;
	struct pare_db_installed db;
	char *orig;
	size_t len;
	if (load_fixture(&db, "wolfi-base.installed", &orig, &len) < 0)
		skip();
	struct pare_db_pkg *bl = pare_db_find_pkg(&db, PARE_SLICE_LIT("wolfi-baselayout"));
	assert_non_null(bl);
	assert_true(pare_slice_eq_cstr(bl->ent.version, "20230201-r23"));
	assert_true(pare_slice_eq_cstr(bl->ent.identity_text, "Q15GKR2cusJFuJW5jYQBxRRQK9xTs="));
	assert_int_equal(bl->ent.depends.n, 1);
	assert_int_equal(bl->ent.provides.n, 4);
	const struct pare_db_file *f = pare_db_owner(&db, PARE_SLICE_LIT("/etc/shadow"));
	assert_non_null(f);
	assert_ptr_equal(f->pkg, bl);
	assert_true(f->has_acl);
	assert_int_equal(f->acl.mode, 0600);
	assert_int_equal(f->csum.alg, PARE_DIGEST_SHA1);
	assert_true(pare_slice_eq_cstr(f->dir->path, "etc"));
	assert_null(pare_db_owner(&db, PARE_SLICE_LIT("etc/nonexistent")));
	assert_true(pare_db_dir_users(&db, PARE_SLICE_LIT("usr/bin")) >= 2);
	assert_int_equal(pare_db_dir_users(&db, PARE_SLICE_LIT("no/such/dir")), 0);
	assert_null(pare_db_find_pkg(&db, PARE_SLICE_LIT("no-such-package")));
	size_t n = 0;
	struct pare_db_file_iter it;
	pare_db_file_iter_init(&it, bl);
	while (pare_db_file_iter_next(&it))
		n++;
	assert_int_equal(n, pare_db_pkg_nfiles(bl));
	assert_true(n >= 20);
	pare_db_installed_release(&db);
	free(orig);

	if (load_fixture(&db, "bad-top-level-perms.installed", &orig, &len) < 0)
		skip();
	const struct pare_db_pkg *p = db.pkgs[0];
	assert_true(pare_slice_eq_cstr(p->dirs[0]->path, ""));
	assert_true(p->dirs[0]->has_acl);
	assert_int_equal(p->dirs[0]->acl.mode, 0711);
	f = pare_db_owner(&db, PARE_SLICE_LIT("operator"));
	assert_non_null(f);
	assert_int_equal(f->acl.mode, 0777);
	assert_int_equal(p->end, PARE_DB_END_NEWLINE);
	pare_db_installed_release(&db);
	free(orig);
}

/* ---- hostile input */

struct bad_case {
	const char *text;
	int code;
	const char *msg; /* substring of the message */
};

static void test_hostile(void **state)
{
	(void)state;
	static const struct bad_case cases[] = {
		{ "P:a\nV:1\nR:x\n", -PARE_E_FORMAT, "line 3: R: file before any F:" },
		{ "P:a\nV:1\nF:usr\na:0:0:755\n", -PARE_E_FORMAT, "line 4: a: mode without R:" },
		{ "P:a\nV:1\nF:usr\nR:x\nF:etc\na:0:0:755\n", -PARE_E_FORMAT, "line 6: a:" },
		{ "P:a\nV:1\nM:0:0:755\n", -PARE_E_FORMAT, "line 3: M: mode before any F:" },
		{ "P:a\nV:1\nF:usr\nR:x\nZ:Q1short\n", -PARE_E_FORMAT, "line 5: Z:" },
		{ "P:a\nV:1\nF:usr\nR:x\nZ:Q2AAAA\n", -PARE_E_FORMAT, "line 5: Z:" },
		{ "P:a\nV:1\nF:usr\nZ:Q1kiljhXXH1LlQroHsEJIkPZg2eiw=\n", -PARE_E_FORMAT,
		  "line 4: Z: checksum without R:" },
		{ "P:a\nV:1\nF:usr\nR:x\nZ:Q1kiljhXXH1LlQroHsEJIkPZg2eiw=\n"
		  "Z:Q1kiljhXXH1LlQroHsEJIkPZg2eiw=\n", -PARE_E_FORMAT, "line 6: Z: repeated" },
		{ "P:a\nV:1\n\nP:a\nV:2\n", -PARE_E_FORMAT, "line 4: package a listed twice" },
		{ "F:usr\nP:a\nV:1\n", -PARE_E_FORMAT, "line 1: F: directory before P:" },
		{ "P:a\nV:1\nF:../etc\n", -PARE_E_UNSAFE_PATH, "line 3: F:" },
		{ "P:a\nV:1\nF:/etc\n", -PARE_E_UNSAFE_PATH, "line 3: F:" },
		{ "P:a\nV:1\nF:usr/\n", -PARE_E_FORMAT, "line 3: F:" },
		{ "P:a\nV:1\nF:usr\nR:../x\n", -PARE_E_UNSAFE_PATH, "line 4: R:" },
		{ "P:a\nV:1\nF:usr\nR:a/b\n", -PARE_E_UNSAFE_PATH, "line 4: R:" },
		{ "P:a\nV:1\nF:usr\nR:..\n", -PARE_E_UNSAFE_PATH, "line 4: R:" },
		{ "P:a\nV:1\nF:usr\nR:x\nR:x\n", -PARE_E_FORMAT, "line 5: R: file listed twice" },
		{ "P:a\nV:1\nF:usr\nF:usr\n", -PARE_E_FORMAT, "line 4: F: directory listed twice" },
		{ "P:a\nV:1\nF:usr\nM:0:0:755\nM:0:0:755\n", -PARE_E_FORMAT, "line 5: M: repeated" },
		{ "P:a\nV:1\nF:usr\nM:0:0:789\n", -PARE_E_FORMAT, "line 4: M:" },
		{ "P:a\nV:1\nF:usr\nM:0:0:17777\n", -PARE_E_FORMAT, "line 4: M:" },
		{ "P:a\nV:1\nF:usr\nM:x:0:755\n", -PARE_E_FORMAT, "line 4: M:" },
		{ "P:a\nV:1\nF:usr\nM:0:0:755:Q1bad\n", -PARE_E_FORMAT, "line 4: M:" },
		{ "P:a\nV:1\nF:usr\nM:0:0:755x\n", -PARE_E_FORMAT, "line 4: M:" },
		{ "P:a\nV:1\nF:usr\nS:abc\n", -PARE_E_FORMAT, "line 4: S: not a decimal" },
		{ "P:a\nV:1\nF:usr\nR:x\nC:Q1nope\n", -PARE_E_FORMAT, "line 5: C:" },
		{ "P:a\nV:1\nV:2\n", -PARE_E_FORMAT, "line 3: V: field repeated" },
		{ "V:1\nA:x\n", -PARE_E_FORMAT, "line 1: record without P:" },
		{ "P:a\nV:\n", -PARE_E_FORMAT, "record without V:" },
		{ "P:a\nV:1\nq:x\n", -PARE_E_FORMAT, "line 3: q:" },
		{ "P:a\nV:1\ns:edge\ns:edge\n", -PARE_E_FORMAT, "line 4: s: field repeated" },
		{ "P:a\nV:1\nF:usr\r\n", -PARE_E_FORMAT, "line 3" },
		{ "P:a\nV:1\nnot a field\n", -PARE_E_FORMAT, "line 3" },
		{ "P:a\nV", -PARE_E_FORMAT, "line 2" },
		{ "P:a b\nV:1\n", -PARE_E_FORMAT, "invalid package name" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pare_db_installed db;
		struct pare_error err = { 0 };
		int r = parse_str(&db, cases[i].text, &err);
		if (r != cases[i].code || !strstr(err.msg, cases[i].msg))
			fail_msg("case %zu: got %d '%s', want %d '%s'", i, r, err.msg, cases[i].code,
				 cases[i].msg);
		assert_int_equal(db.npkgs, 0);
		pare_db_installed_release(&db);
	}
}

static void test_hostile_sizes(void **state)
{
	(void)state;
	/* A giant line. */
	size_t n = (2u << 20) + 64;
	char *t = malloc(n + 1);
	memcpy(t, "P:a\nV:1\nT:", 10);
	memset(t + 10, 'x', n - 11);
	t[n - 1] = '\n';
	t[n] = '\0';
	struct pare_db_installed db;
	struct pare_error err = { 0 };
	pare_db_installed_init(&db);
	assert_int_equal(pare_db_installed_parse(&db, t, n, "installed", &err), -PARE_E_TOO_BIG);
	assert_non_null(strstr(err.msg, "line 3"));
	pare_db_installed_release(&db);

	/* A NUL byte inside a value. */
	static const char nul[] = "P:a\nV:1\nT:x\0y\n";
	t = malloc(sizeof(nul));
	memcpy(t, nul, sizeof(nul));
	pare_db_installed_init(&db);
	assert_int_equal(pare_db_installed_parse(&db, t, sizeof(nul) - 1, "installed", &err),
			 -PARE_E_FORMAT);
	pare_db_installed_release(&db);

	/* Every truncation of a real database either parses or fails cleanly. */
	char *orig;
	size_t len;
	if (load_fixture(&db, "bad-top-level-perms.installed", &orig, &len) < 0)
		skip();
	pare_db_installed_release(&db);
	for (size_t cut = 0; cut < len; cut++) {
		char *c = malloc(cut + 1);
		memcpy(c, orig, cut);
		pare_db_installed_init(&db);
		int r = pare_db_installed_parse(&db, c, cut, "installed", &err);
		assert_true(r == 0 || r == -PARE_E_FORMAT || r == -PARE_E_UNSAFE_PATH);
		if (r == 0) {
			struct pare_buf out;
			write_str(&db, &out);
			assert_int_equal(out.len, cut);
			assert_memory_equal(out.data, orig, cut);
			pare_buf_release(&out);
		}
		pare_db_installed_release(&db);
	}
	free(orig);
}

/* ---- the API */

static struct pare_pkgent ent(const char *name, const char *version, const char *id)
{
	struct pare_pkgent e;
	memset(&e, 0, sizeof(e));
	e.repo = -1;
	e.name = pare_slice_from(name);
	e.version = pare_slice_from(version);
	e.arch = PARE_SLICE_LIT("x86_64");
	e.identity_text = pare_slice_from(id);
	assert_int_equal(pare_apk_checksum_parse(id, strlen(id), &e.identity), 0);
	e.flags = PARE_PKGENT_HAS_SIZE | PARE_PKGENT_HAS_ISIZE;
	e.size = 100;
	e.installed_size = 4096;
	return e;
}

#define ID_A "Q1R4MwduR1pAnDMb+3kQscmyNxJPY="
#define ID_B "Q15GKR2cusJFuJW5jYQBxRRQK9xTs="
#define SUM "Q1kiljhXXH1LlQroHsEJIkPZg2eiw="

static void test_api_build(void **state)
{
	(void)state;
	struct pare_db_installed db;
	struct pare_error err = { 0 };
	pare_db_installed_init(&db);
	struct pare_pkgent ea = ent("alpha", "1.0-r0", ID_A), eb = ent("beta", "2-r1", ID_B);
	struct pare_db_pkg *a, *b;
	assert_int_equal(pare_db_add_pkg(&db, &ea, &a, &err), 0);
	assert_int_equal(pare_db_add_pkg(&db, &ea, NULL, &err), -EEXIST);
	assert_int_equal(pare_db_add_pkg(&db, &eb, &b, &err), 0);

	struct pare_digest_value sum;
	assert_int_equal(pare_db_csum_parse(PARE_SLICE_LIT(SUM), &sum), 0);
	struct pare_db_acl dacl = { .uid = 0, .gid = 0, .mode = 01777 };
	struct pare_db_acl facl = { .uid = 0, .gid = 42, .mode = 0640 };
	assert_int_equal(pare_db_pkg_add_dir(&db, a, PARE_SLICE_LIT("tmp"), &dacl, NULL, &err), 0);
	assert_int_equal(pare_db_pkg_add_file(&db, a, PARE_SLICE_LIT("etc/shadow"), &facl, &sum, 0,
					      NULL, &err), 0);
	assert_int_equal(pare_db_pkg_add_file(&db, a, PARE_SLICE_LIT("usr/bin/a"), NULL, &sum, 0,
					      NULL, &err), 0);
	assert_int_equal(pare_db_pkg_add_file(&db, a, PARE_SLICE_LIT("/etc/motd"), NULL, NULL, 0,
					      NULL, &err), 0);
	assert_int_equal(pare_db_pkg_add_file(&db, a, PARE_SLICE_LIT("etc/motd"), NULL, NULL, 0,
					      NULL, &err), -EEXIST);
	assert_int_equal(pare_db_pkg_add_file(&db, a, PARE_SLICE_LIT("../x"), NULL, NULL, 0, NULL,
					      &err), -PARE_E_UNSAFE_PATH);
	assert_int_equal(pare_db_pkg_add_file(&db, b, PARE_SLICE_LIT("usr/bin/b"), NULL, &sum, 0,
					      NULL, &err), 0);
	/* beta may not take alpha's file, unless it replaces it. */
	assert_int_equal(pare_db_pkg_add_file(&db, b, PARE_SLICE_LIT("etc/motd"), NULL, NULL, 0,
					      NULL, &err), -EEXIST);
	assert_non_null(strstr(err.msg, "belongs to alpha"));
	assert_int_equal(pare_db_pkg_add_file(&db, b, PARE_SLICE_LIT("etc/motd"), NULL, NULL,
					      PARE_DB_ADD_REPLACE, NULL, &err), 0);
	assert_ptr_equal(pare_db_owner(&db, PARE_SLICE_LIT("etc/motd"))->pkg, b);
	assert_int_equal(pare_db_pkg_nfiles(a), 2);
	assert_int_equal(pare_db_dir_users(&db, PARE_SLICE_LIT("usr/bin")), 2);

	struct pare_buf out;
	write_str(&db, &out);
	static const char want[] =
		"C:" ID_A "\nP:alpha\nV:1.0-r0\nA:x86_64\nS:100\nI:4096\nT:\nU:\nL:\n"
		"F:tmp\nM:0:0:1777\n"
		"F:etc\nR:shadow\na:0:42:640\nZ:" SUM "\n"
		"F:usr/bin\nR:a\nZ:" SUM "\n\n"
		"C:" ID_B "\nP:beta\nV:2-r1\nA:x86_64\nS:100\nI:4096\nT:\nU:\nL:\n"
		"F:usr/bin\nR:b\nZ:" SUM "\n"
		"F:etc\nR:motd\n\n";
	if (out.len != sizeof(want) - 1 || memcmp(out.data, want, out.len) != 0)
		fail_msg("got:\n%s", out.data);

	/* Read back: the same text. */
	struct pare_db_installed db2;
	assert_int_equal(parse_str(&db2, out.data, &err), 0);
	struct pare_buf out2;
	write_str(&db2, &out2);
	assert_int_equal(out2.len, out.len);
	assert_memory_equal(out2.data, out.data, out.len);
	pare_buf_release(&out2);
	pare_db_installed_release(&db2);

	/* Removing alpha: its files have no owner, shared dirs stay counted. */
	const struct pare_db_file *shadow = pare_db_owner(&db, PARE_SLICE_LIT("etc/shadow"));
	assert_non_null(shadow);
	pare_db_remove_pkg(&db, a);
	assert_false(a->live);
	assert_null(shadow->pkg);
	assert_null(pare_db_owner(&db, PARE_SLICE_LIT("etc/shadow")));
	assert_null(pare_db_find_pkg(&db, PARE_SLICE_LIT("alpha")));
	assert_int_equal(db.npkgs, 1);
	assert_int_equal(pare_db_dir_users(&db, PARE_SLICE_LIT("usr/bin")), 1);
	assert_int_equal(pare_db_dir_users(&db, PARE_SLICE_LIT("tmp")), 0);
	/* ... and it may come back. */
	assert_int_equal(pare_db_add_pkg(&db, &ea, &a, &err), 0);
	assert_int_equal(pare_db_pkg_add_file(&db, a, PARE_SLICE_LIT("etc/shadow"), NULL, NULL, 0,
					      NULL, &err), 0);
	pare_buf_release(&out);
	pare_db_installed_release(&db);
}

/* A parsed database changed through the API: the changed package is
 * written canonically, the others as they were. */
static void test_api_edit_fixture(void **state)
{
	(void)state;
	struct pare_db_installed db;
	char *orig;
	size_t len;
	struct pare_error err = { 0 };
	if (load_fixture(&db, "root/lib/apk/db/installed", &orig, &len) < 0)
		skip();
	struct pare_db_pkg *bb = pare_db_find_pkg(&db, PARE_SLICE_LIT("busybox"));
	assert_non_null(bb);
	size_t n = db.npkgs;
	pare_db_remove_pkg(&db, bb);
	assert_int_equal(db.npkgs, n - 1);
	assert_null(pare_db_owner(&db, PARE_SLICE_LIT("bin/busybox")));
	struct pare_db_pkg *musl = pare_db_find_pkg(&db, PARE_SLICE_LIT("musl"));
	assert_non_null(musl);
	assert_int_equal(pare_db_pkg_add_file(&db, musl, PARE_SLICE_LIT("bin/busybox"), NULL, NULL,
					      0, NULL, &err), 0);
	assert_int_equal(musl->layout.len, 0);
	struct pare_buf out;
	write_str(&db, &out);
	char *copy = malloc(out.len + 1);
	memcpy(copy, out.data, out.len + 1);
	struct pare_db_installed db2;
	pare_db_installed_init(&db2);
	if (pare_db_installed_parse(&db2, copy, out.len, "edited", &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(db2.npkgs, n - 1);
	assert_ptr_equal(pare_db_owner(&db2, PARE_SLICE_LIT("bin/busybox"))->pkg,
			 pare_db_find_pkg(&db2, PARE_SLICE_LIT("musl")));
	pare_db_sort(&db2);
	for (size_t i = 1; i < db2.npkgs; i++)
		assert_true(pare_slice_cmp(db2.pkgs[i - 1]->ent.name, db2.pkgs[i]->ent.name) < 0);
	pare_buf_release(&out);
	pare_db_installed_release(&db);
	pare_db_installed_release(&db2);
	free(orig);
}

static void test_values(void **state)
{
	(void)state;
	struct pare_db_acl acl;
	assert_int_equal(pare_db_acl_parse(PARE_SLICE_LIT("0:0:0777"), &acl), 0);
	assert_int_equal(acl.mode, 0777);
	assert_int_equal(pare_db_acl_parse(PARE_SLICE_LIT("1000:100:4755:" SUM), &acl), 0);
	assert_int_equal(acl.uid, 1000);
	assert_int_equal(acl.gid, 100);
	assert_int_equal(acl.mode, 04755);
	assert_int_equal(acl.xattr.alg, PARE_DIGEST_SHA1);
	assert_int_equal(pare_db_acl_parse(PARE_SLICE_LIT("4294967296:0:755"), &acl),
			 -PARE_E_FORMAT);
	assert_int_equal(pare_db_acl_parse(PARE_SLICE_LIT("0:0:"), &acl), -PARE_E_FORMAT);
	assert_int_equal(pare_db_acl_parse(PARE_SLICE_LIT("0:0:755:"), &acl), -PARE_E_FORMAT);
	struct pare_digest_value d;
	assert_int_equal(pare_db_csum_parse(PARE_SLICE_LIT("X1" "0123456789abcdef0123456789abcdef"
							   "01234567"), &d), 0);
	assert_int_equal(d.alg, PARE_DIGEST_SHA1);
	assert_int_equal(pare_db_csum_parse(PARE_SLICE_LIT("X10123"), &d), -PARE_E_FORMAT);
	assert_int_equal(pare_db_csum_parse(PARE_SLICE_LIT("Y1abc"), &d), -PARE_E_FORMAT);
	assert_int_equal(pare_db_csum_parse(PARE_SLICE_LIT(""), &d), -PARE_E_FORMAT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures_roundtrip),
		cmocka_unit_test(test_fixtures_canonical),
		cmocka_unit_test(test_root_roundtrip),
		cmocka_unit_test(test_lookups),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_hostile_sizes),
		cmocka_unit_test(test_api_build),
		cmocka_unit_test(test_api_edit_fixture),
		cmocka_unit_test(test_values),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
