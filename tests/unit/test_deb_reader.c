/* Unit tests for src/deb/deb.c and extract.c: .debs are built here in
 * memory (tar members written with libarchive in every compression the
 * reader accepts, the ar container by hand), then read with the visitor,
 * extracted into an empty directory, and cut down by the limits.  The
 * hostile corpus and the comparison with dpkg-deb are tests/deb/run.py. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "deb/deb.h"

struct ent {
	const char *path;
	int type; /* AE_IFREG, AE_IFDIR, AE_IFLNK, or 0 for a hard link */
	int mode;
	const char *data; /* content, or link target */
	int uid;
};

/* A tar member with the given filter, in b (appended). */
static void tar_member(struct pare_buf *b, const struct ent *e, size_t n, int filter)
{
	struct archive *a = archive_write_new();
	archive_write_set_format_gnutar(a);
	if (filter == ARCHIVE_FILTER_GZIP)
		archive_write_add_filter_gzip(a);
	else if (filter == ARCHIVE_FILTER_XZ)
		archive_write_add_filter_xz(a);
	else if (filter == ARCHIVE_FILTER_ZSTD)
		archive_write_add_filter_zstd(a);
	else if (filter == ARCHIVE_FILTER_BZIP2)
		archive_write_add_filter_bzip2(a);
	static char out[1 << 20];
	size_t used = 0;
	assert_int_equal(archive_write_open_memory(a, out, sizeof(out), &used), ARCHIVE_OK);
	for (size_t i = 0; i < n; i++) {
		struct archive_entry *ae = archive_entry_new();
		archive_entry_set_pathname(ae, e[i].path);
		archive_entry_set_perm(ae, (mode_t)e[i].mode);
		archive_entry_set_uid(ae, e[i].uid);
		archive_entry_set_gid(ae, e[i].uid);
		archive_entry_set_mtime(ae, 1600000000, 0);
		size_t len = 0;
		if (e[i].type == 0) {
			archive_entry_set_filetype(ae, AE_IFREG);
			archive_entry_set_hardlink(ae, e[i].data);
		} else {
			archive_entry_set_filetype(ae, (unsigned)e[i].type);
			if (e[i].type == AE_IFLNK)
				archive_entry_set_symlink(ae, e[i].data);
			if (e[i].type == AE_IFREG)
				len = strlen(e[i].data);
		}
		archive_entry_set_size(ae, (la_int64_t)len);
		assert_int_equal(archive_write_header(a, ae), ARCHIVE_OK);
		if (len)
			assert_int_equal(archive_write_data(a, e[i].data, len), (la_ssize_t)len);
		archive_entry_free(ae);
	}
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
	assert_int_equal(pare_buf_append(b, out, used), 0);
}

static void ar_add(struct pare_buf *b, const char *name, const struct pare_buf *m)
{
	pare_buf_appendf(b, "%-16s%-12d%-6d%-6d%-8s%-10zu`\n", name, 0, 0, 0, "100644", m->len);
	pare_buf_append(b, m->data, m->len);
	if (m->len % 2)
		pare_buf_putc(b, '\n');
}

static const char CONTROL_OK[] = "Package: test\nVersion: 1.0-1\nArchitecture: all\n";

/* A .deb in a memfd: control.tar.<cext>, data.tar.<dext>. */
static int make_deb(const struct ent *data, size_t n, const char *cext, int cf, const char *dext,
		    int df)
{
	struct pare_buf deb, m;
	pare_buf_init(&deb, 8 << 20);
	pare_buf_init(&m, 8 << 20);
	pare_buf_append_str(&deb, "!<arch>\n");
	pare_buf_append_str(&m, "2.0\n");
	ar_add(&deb, "debian-binary", &m);
	const struct ent control[] = {
		{ "./", AE_IFDIR, 0755, NULL, 0 },
		{ "./control", AE_IFREG, 0644, CONTROL_OK, 0 },
		{ "./postinst", AE_IFREG, 0755, "#!/bin/sh\nexit 0\n", 0 },
	};
	pare_buf_reset(&m);
	tar_member(&m, control, 3, cf);
	char name[32];
	snprintf(name, sizeof(name), "control.tar%s", cext);
	ar_add(&deb, name, &m);
	pare_buf_reset(&m);
	tar_member(&m, data, n, df);
	snprintf(name, sizeof(name), "data.tar%s", dext);
	ar_add(&deb, name, &m);
	int fd = memfd_create("deb", MFD_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, deb.data, deb.len), (ssize_t)deb.len);
	lseek(fd, 0, SEEK_SET);
	pare_buf_release(&deb);
	pare_buf_release(&m);
	return fd;
}

static const struct ent TREE[] = {
	{ "./", AE_IFDIR, 0755, NULL, 0 },
	{ "./usr/", AE_IFDIR, 0755, NULL, 0 },
	{ "./usr/bin/", AE_IFDIR, 0555, NULL, 0 },
	{ "./usr/bin/tool", AE_IFREG, 04755, "#!/bin/sh\necho hi\n", 0 },
	{ "./usr/bin/alias", AE_IFLNK, 0777, "tool", 0 },
	{ "./usr/bin/abs", AE_IFLNK, 0777, "/etc/passwd", 0 },
	{ "./usr/bin/hard", 0, 0, "./usr/bin/tool", 0 },
	{ "./var/lib/x/data", AE_IFREG, 0640, "owned", 1000 },
};
#define NTREE (sizeof(TREE) / sizeof(TREE[0]))

struct seen {
	struct pare_buf list;
};

static int record(void *ctx, const struct pare_deb_entry *e, struct pare_istream *content,
		  struct pare_error *err)
{
	struct seen *s = ctx;
	pare_buf_appendf(&s->list, "%d %o %s", (int)e->type, (unsigned)e->mode, e->path);
	if (content) {
		char buf[64];
		ssize_t n = pare_istream_read(content, buf, sizeof(buf), err);
		if (n < 0)
			return (int)n;
		pare_buf_appendf(&s->list, " [%.*s]", (int)n, buf);
	}
	pare_buf_putc(&s->list, ';');
	return 0;
}

static void test_read_every_compression(void **state)
{
	(void)state;
	static const struct {
		const char *ext;
		int filter;
	} kinds[] = {
		{ ".gz", ARCHIVE_FILTER_GZIP }, { ".xz", ARCHIVE_FILTER_XZ },
		{ ".zst", ARCHIVE_FILTER_ZSTD }, { "", ARCHIVE_FILTER_NONE },
		{ ".bz2", ARCHIVE_FILTER_BZIP2 },
	};
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		bool bz2 = kinds[k].filter == ARCHIVE_FILTER_BZIP2; /* data only */
		int fd = make_deb(TREE, NTREE, bz2 ? ".gz" : kinds[k].ext,
				  bz2 ? ARCHIVE_FILTER_GZIP : kinds[k].filter, kinds[k].ext,
				  kinds[k].filter);
		struct seen s;
		pare_buf_init(&s.list, 1 << 16);
		struct pare_deb d;
		struct pare_error err = { 0 };
		int r = pare_deb_read(fd, "t.deb", NULL, &d, record, &s, &err);
		if (r < 0)
			fail_msg("%s: %s", kinds[k].ext, err.msg);
		assert_string_equal(d.debian_binary, "2.0");
		assert_int_equal(d.nentries, NTREE - 1);
		assert_int_equal(d.scripts, PARE_DEB_SCRIPT_POSTINST);
		assert_int_equal(d.nsetid, 1);
		assert_true(pare_slice_eq_cstr(pare_deb_control_text(&d), CONTROL_OK));
		assert_non_null(pare_deb_cfile_get(&d, "postinst"));
		assert_null(pare_deb_cfile_get(&d, "preinst"));
		assert_string_equal(s.list.data,
				    "2 755 usr;2 555 usr/bin;1 4755 usr/bin/tool [#!/bin/sh\necho hi\n];"
				    "3 777 usr/bin/alias;3 777 usr/bin/abs;4 4755 usr/bin/hard;"
				    "1 640 var/lib/x/data [owned];");
		assert_string_equal(d.entries[5].link, "usr/bin/tool");
		assert_int_equal(d.entries[6].uid, 1000);
		assert_int_equal(d.data_bytes, 18 + 5);
		pare_buf_release(&s.list);
		pare_deb_release(&d);
		close(fd);
	}
}

static void test_extract(void **state)
{
	(void)state;
	int fd = make_deb(TREE, NTREE, ".xz", ARCHIVE_FILTER_XZ, ".zst", ARCHIVE_FILTER_ZSTD);
	char dir[] = "/tmp/pare-deb-test-XXXXXX";
	assert_non_null(mkdtemp(dir));
	struct pare_root root;
	struct pare_error err;
	assert_int_equal(pare_root_open(&root, dir, &err), 0);
	struct pare_deb d;
	struct pare_deb_extract_opts opts = { .apply_owners = geteuid() == 0 };
	int r = pare_deb_extract(fd, "t.deb", NULL, &root, &opts, &d, &err);
	if (r < 0)
		fail_msg("%s", err.msg);
	char p[256];
	struct stat st, st2;
	snprintf(p, sizeof(p), "%s/usr/bin/tool", dir);
	assert_int_equal(lstat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 04755);
	assert_int_equal(st.st_mtime, 1600000000);
	assert_int_equal(st.st_size, 18);
	snprintf(p, sizeof(p), "%s/usr/bin/hard", dir);
	assert_int_equal(lstat(p, &st2), 0);
	assert_int_equal(st.st_ino, st2.st_ino);
	snprintf(p, sizeof(p), "%s/usr/bin/abs", dir);
	char link[64] = "";
	assert_int_equal(readlink(p, link, sizeof(link)), 11);
	assert_memory_equal(link, "/etc/passwd", 11);
	snprintf(p, sizeof(p), "%s/usr/bin", dir);
	assert_int_equal(lstat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0555);
	assert_int_equal(st.st_mtime, 1600000000);
	snprintf(p, sizeof(p), "%s/var/lib/x/data", dir);
	assert_int_equal(lstat(p, &st), 0);
	if (opts.apply_owners)
		assert_int_equal(st.st_uid, 1000);
	snprintf(p, sizeof(p), "%s/var/lib", dir); /* not in the package: 0755 */
	assert_int_equal(lstat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755);
	pare_deb_release(&d);
	pare_root_release(&root);
	close(fd);
	assert_int_equal(pare_deb_remove_tree(dir, &err), 0);
	assert_int_equal(access(dir, F_OK), -1);
	assert_int_equal(pare_deb_remove_tree(dir, &err), 0);
}

static void expect_refused(const struct ent *data, size_t n, const struct pare_deb_limits *lim,
			   int code, const char *msg)
{
	int fd = make_deb(data, n, ".gz", ARCHIVE_FILTER_GZIP, ".xz", ARCHIVE_FILTER_XZ);
	char dir[] = "/tmp/pare-deb-test-XXXXXX";
	assert_non_null(mkdtemp(dir));
	struct pare_root root;
	struct pare_error err = { 0 };
	assert_int_equal(pare_root_open(&root, dir, &err), 0);
	struct pare_deb d;
	int r = pare_deb_extract(fd, "bad.deb", lim, &root, NULL, &d, &err);
	if (r != code || !strstr(err.msg, msg) || strncmp(err.msg, "bad.deb: ", 9) != 0)
		fail_msg("wanted %d '%s', got %d '%s'", code, msg, r, err.msg);
	assert_null(strchr(err.msg, '\n'));
	pare_deb_release(&d);
	pare_root_release(&root);
	close(fd);
	assert_int_equal(pare_deb_remove_tree(dir, &err), 0);
}

static void test_limits(void **state)
{
	(void)state;
	struct pare_deb_limits lim = { .max_entries = 3 };
	expect_refused(TREE, NTREE, &lim, -PARE_E_TOO_BIG, "more than 3 entries");
	lim = (struct pare_deb_limits){ .max_data = 20 };
	expect_refused(TREE, NTREE, &lim, -PARE_E_TOO_BIG, "more than 20 bytes of file content");
	lim = (struct pare_deb_limits){ .max_control_file = 10 };
	expect_refused(TREE, NTREE, &lim, -PARE_E_TOO_BIG, "control: 47 bytes");
	lim = (struct pare_deb_limits){ .max_control_entries = 2 };
	expect_refused(TREE, NTREE, &lim, -PARE_E_TOO_BIG, "more than 2 entries");
}

static void test_hostile(void **state)
{
	(void)state;
	const struct ent dotdot[] = { { "./../x", AE_IFREG, 0644, "x", 0 } };
	expect_refused(dotdot, 1, NULL, -PARE_E_UNSAFE_PATH, "'..'");
	const struct ent through[] = {
		{ "./lib", AE_IFLNK, 0777, "/", 0 },
		{ "./lib/x", AE_IFREG, 0644, "x", 0 },
	};
	expect_refused(through, 2, NULL, -PARE_E_UNSAFE_PATH, "runs through the symlink lib");
	const struct ent dev[] = { { "./dev/zero", AE_IFCHR, 0644, NULL, 0 } };
	expect_refused(dev, 1, NULL, -PARE_E_UNSAFE_PATH, "character device");
	const struct ent hard[] = { { "./a", 0, 0, "./b", 0 } };
	expect_refused(hard, 1, NULL, -PARE_E_UNSAFE_PATH, "no earlier file");
}

static int stop_at_tool(void *ctx, const struct pare_deb_entry *e, struct pare_istream *content,
			struct pare_error *err)
{
	(void)ctx;
	(void)content;
	if (strcmp(e->path, "usr/bin/tool") == 0)
		return pare_error_set(err, -ENOSPC, "%s: disk full", e->path);
	return 0;
}

static void test_visitor_error(void **state)
{
	(void)state;
	int fd = make_deb(TREE, NTREE, ".gz", ARCHIVE_FILTER_GZIP, ".gz", ARCHIVE_FILTER_GZIP);
	struct pare_deb d;
	struct pare_error err;
	assert_int_equal(pare_deb_read(fd, "v.deb", NULL, &d, stop_at_tool, NULL, &err), -ENOSPC);
	assert_string_equal(err.msg, "v.deb: data.tar.gz: usr/bin/tool: disk full");
	pare_deb_release(&d);
	pare_deb_release(&d); /* released twice: fine */
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_every_compression),
		cmocka_unit_test(test_extract),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_visitor_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
