/* Unit tests for src/commit/extract.c: small packages built in memory
 * (tar + gzip with the project's writers) are read with the extractor as
 * visitor into a fresh root under a mkdtemp directory.  Ordinary entries
 * must land with their modes, times, links and xattrs; hostile ones must be
 * refused with nothing written outside the root and no temporary (or
 * directory the extractor made) left behind.  Every case runs with
 * openat2 and with the O_NOFOLLOW walk.  Owner checks run only as root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "apk/package.h"
#include "apk/tar.h"
#include "base/buf.h"
#include "base/rootpath.h"
#include "commit/extract.h"
#include "io/digest.h"
#include "io/gzip.h"
#include "io/stream.h"

/* ---- building packages ---- */

struct tent {
	const char *name;
	char type;
	const char *data; /* regular files: content; links: target */
	uint32_t mode;
	uint64_t uid, gid;
	bool bad_sum;
	const char *xattr_name; /* "user.x" -> SCHILY.xattr.user.x */
	const char *xattr_value;
};

#define MTIME 1000000000

static void write_entry(struct pare_tar_writer *tw, const struct tent *t)
{
	char type = t->type ? t->type : PARE_TAR_REG;
	const char *data = type == PARE_TAR_REG ? (t->data ? t->data : "") : "";
	struct pare_tar_header h = {
		.name = pare_slice_from(t->name),
		.type = type,
		.mode = t->mode ? t->mode : (type == PARE_TAR_DIR ? 0755 : 0644),
		.uid = t->uid,
		.gid = t->gid,
		.mtime = MTIME,
		.size = strlen(data),
		.uname = PARE_SLICE_LIT("root"),
		.gname = PARE_SLICE_LIT("root"),
	};
	if (type == PARE_TAR_LINK || type == PARE_TAR_SYMLINK)
		h.linkname = pare_slice_from(t->data);
	if (type == PARE_TAR_REG || type == PARE_TAR_SYMLINK) {
		const char *summed = type == PARE_TAR_REG ? data : t->data;
		assert_int_equal(pare_digest_buffer(PARE_DIGEST_SHA1, summed, strlen(summed),
						    &h.checksum), 0);
		if (t->bad_sum)
			h.checksum.bytes[0] ^= 0xff;
	}
	char key[128];
	struct pare_tar_record rec;
	if (t->xattr_name) {
		snprintf(key, sizeof(key), "SCHILY.xattr.%s", t->xattr_name);
		rec.key = pare_slice_from(key);
		rec.value = pare_slice_from(t->xattr_value);
		h.records = &rec;
		h.nrecords = 1;
	}
	assert_int_equal(pare_tar_write_entry_header(tw, &h, NULL), 0);
	assert_int_equal(pare_tar_write_data(tw, data, h.size, NULL), 0);
	assert_int_equal(pare_tar_finish_entry(tw, NULL), 0);
}

/* An unsigned package: control member (.PKGINFO, no end blocks), then one
 * data member with the entries (no datahash). */
static void build_pkg(struct pare_buf *out, const struct tent *ents, size_t n)
{
	static const char pkginfo[] = "pkgname = test\npkgver = 1.0-r0\n";
	struct pare_ostream os, gzs;
	struct pare_gz_writer gz;
	struct pare_tar_writer tw;
	pare_buf_init(out, 16u << 20);
	pare_buf_ostream_init(&os, out);
	assert_int_equal(pare_gz_writer_init(&gz, &os, 6, NULL), 0);
	pare_gz_ostream(&gz, &gzs);
	assert_int_equal(pare_tar_writer_init(&tw, &gzs), 0);
	struct tent info = { .name = ".PKGINFO", .data = pkginfo };
	write_entry(&tw, &info);
	pare_tar_writer_release(&tw);
	assert_int_equal(pare_gz_finish_member(&gz, NULL), 0);
	assert_int_equal(pare_tar_writer_init(&tw, &gzs), 0);
	for (size_t i = 0; i < n; i++)
		write_entry(&tw, &ents[i]);
	assert_int_equal(pare_tar_write_end(&tw, NULL), 0);
	pare_tar_writer_release(&tw);
	assert_int_equal(pare_gz_finish_member(&gz, NULL), 0);
	pare_gz_writer_release(&gz);
}

/* ---- the fixture: outer/a/root ---- */

struct fx {
	char outer[64];
	char root[128];
	enum pare_root_mode mode;
	struct pare_extract_opts opts;
	uint64_t xattr_warnings;
};

static int fx_setup(void **state, enum pare_root_mode mode)
{
	struct fx *f = calloc(1, sizeof(*f));
	snprintf(f->outer, sizeof(f->outer), "/tmp/pare-extract-XXXXXX");
	if (!mkdtemp(f->outer))
		return -1;
	snprintf(f->root, sizeof(f->root), "%s/a", f->outer);
	mkdir(f->root, 0755);
	snprintf(f->root, sizeof(f->root), "%s/a/root", f->outer);
	mkdir(f->root, 0755);
	f->mode = mode;
	*state = f;
	return 0;
}

static int setup_openat2(void **state)
{
	return fx_setup(state, PARE_ROOT_AUTO);
}

static int setup_walk(void **state)
{
	return fx_setup(state, PARE_ROOT_WALK);
}

static int unlock_cb(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	if (flag == FTW_D)
		chmod(p, 0700);
	return 0;
}

static int rm_cb(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	remove(p);
	return 0;
}

static int fx_teardown(void **state)
{
	struct fx *f = *state;
	nftw(f->outer, unlock_cb, 16, FTW_PHYS);
	nftw(f->outer, rm_cb, 16, FTW_PHYS | FTW_DEPTH);
	free(f);
	return 0;
}

static char *rp(struct fx *f, const char *rel)
{
	static char buf[4][512];
	static int i;
	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", f->root, rel);
	return buf[i];
}

/* Read the package with the extractor; commit when the read succeeded,
 * abort otherwise.  Returns the first error. */
static int run_pkg(struct fx *f, const struct tent *ents, size_t n, struct pare_error *err)
{
	struct pare_buf pkgbuf;
	struct pare_root root;
	struct pare_extract x;
	struct pare_pkg_visitor v;
	struct pare_pkg pkg;
	struct pare_mem_istream m;
	struct pare_istream s;
	build_pkg(&pkgbuf, ents, n);
	assert_int_equal(pare_root_open(&root, f->root, NULL), 0);
	root.mode = f->mode;
	assert_int_equal(pare_extract_init(&x, &root, &f->opts, NULL), 0);
	pare_extract_visitor(&x, &v);
	pare_pkg_init(&pkg);
	pare_mem_istream_init(&m, &s, pkgbuf.data, pkgbuf.len);
	pare_error_clear(err);
	int r = pare_pkg_read(&pkg, &s, "test.apk", NULL, &v, err);
	if (r == 0)
		r = pare_extract_commit(&x, err);
	if (r < 0)
		pare_extract_abort(&x);
	f->xattr_warnings = x.xattr_warnings;
	if (r < 0 && getenv("PARE_TEST_VERBOSE"))
		print_message("  -> %s\n", pare_error_text(err, r));
	pare_extract_release(&x);
	pare_pkg_release(&pkg);
	pare_root_release(&root);
	pare_buf_release(&pkgbuf);
	return r;
}

/* A package read through an extractor and left staged (neither committed
 * nor aborted): the test decides. */
struct staged {
	struct pare_buf pkgbuf;
	struct pare_root root;
	struct pare_extract x;
	struct pare_pkg pkg;
};

static int stage_pkg(struct fx *f, const struct tent *ents, size_t n, struct staged *st,
		     struct pare_error *err)
{
	struct pare_pkg_visitor v;
	struct pare_mem_istream m;
	struct pare_istream s;
	build_pkg(&st->pkgbuf, ents, n);
	assert_int_equal(pare_root_open(&st->root, f->root, NULL), 0);
	st->root.mode = f->mode;
	assert_int_equal(pare_extract_init(&st->x, &st->root, NULL, NULL), 0);
	pare_extract_visitor(&st->x, &v);
	pare_pkg_init(&st->pkg);
	pare_mem_istream_init(&m, &s, st->pkgbuf.data, st->pkgbuf.len);
	return pare_pkg_read(&st->pkg, &s, "t.apk", NULL, &v, err);
}

static void staged_release(struct staged *st)
{
	pare_extract_release(&st->x);
	pare_pkg_release(&st->pkg);
	pare_root_release(&st->root);
	pare_buf_release(&st->pkgbuf);
}

static int count_entries;
static int count_temps;

static int count_cb(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	if (ftw->level == 0)
		return 0;
	count_entries++;
	if (strncmp(p + ftw->base, ".apk.", 5) == 0)
		count_temps++;
	return 0;
}

/* Entries under dir (not counting dir), and temporaries among them. */
static int tree_count(const char *dir, int *temps)
{
	count_entries = count_temps = 0;
	assert_int_equal(nftw(dir, count_cb, 16, FTW_PHYS), 0);
	if (temps)
		*temps = count_temps;
	return count_entries;
}

static void assert_root_holds(struct fx *f, int expected)
{
	int temps;
	assert_int_equal(tree_count(f->root, &temps), expected);
	assert_int_equal(temps, 0);
	/* Nothing next to the root either. */
	char up[160];
	snprintf(up, sizeof(up), "%s/a", f->outer);
	assert_int_equal(tree_count(up, NULL), 1 + expected);
	assert_int_equal(tree_count(f->outer, NULL), 2 + expected);
}

static void assert_absent(const char *path)
{
	struct stat st;
	assert_int_equal(lstat(path, &st), -1);
	assert_int_equal(errno, ENOENT);
}

static void assert_file(const char *path, const char *content, uint32_t mode)
{
	struct stat st;
	char buf[256];
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, mode);
	assert_int_equal(st.st_mtime, MTIME);
	int fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	assert_true(n >= 0);
	buf[n] = '\0';
	assert_string_equal(buf, content);
}

/* ---- ordinary packages ---- */

static const struct tent basic[] = {
	{ .name = "etc/", .type = PARE_TAR_DIR, .mode = 0750 },
	{ .name = "etc/motd", .data = "welcome\n", .mode = 0644,
	  .xattr_name = "user.pare", .xattr_value = "hello" },
	{ .name = "bin", .type = PARE_TAR_DIR },
	{ .name = "bin/busybox", .data = "#!/bin/true\n", .mode = 0755, .uid = 1234, .gid = 5678 },
	{ .name = "bin/sh", .type = PARE_TAR_SYMLINK, .data = "busybox" },
	{ .name = "bin/hl", .type = PARE_TAR_LINK, .data = "bin/busybox" },
	{ .name = "bin/su", .data = "su\n", .mode = 04755 },
	{ .name = "var/empty/", .type = PARE_TAR_DIR, .mode = 0555 },
	{ .name = "tmp", .type = PARE_TAR_DIR, .mode = 01777 },
	{ .name = "./usr//lib/deep/x", .data = "x" },
	{ .name = "run/fifo", .type = PARE_TAR_FIFO, .mode = 0620 },
	{ .name = "var/run", .type = PARE_TAR_SYMLINK, .data = "/run" },
};

static void test_basic(void **state)
{
	struct fx *f = *state;
	struct pare_error err = { 0 };
	struct stat st, st2;
	char link[64];
	bool root = geteuid() == 0;
	int r = run_pkg(f, basic, sizeof(basic) / sizeof(basic[0]), &err);
	assert_int_equal(r, 0);
	assert_file(rp(f, "etc/motd"), "welcome\n", 0644);
	assert_file(rp(f, "bin/busybox"), "#!/bin/true\n", 0755);
	assert_file(rp(f, "usr/lib/deep/x"), "x", 0644);
	/* set-id bits only when owners are applied as root */
	assert_file(rp(f, "bin/su"), "su\n", root ? 04755 : 0755);
	assert_int_equal(lstat(rp(f, "bin/busybox"), &st), 0);
	assert_int_equal(lstat(rp(f, "bin/hl"), &st2), 0);
	assert_int_equal(st.st_ino, st2.st_ino);
	assert_int_equal(st.st_nlink, 2);
	if (root) {
		assert_int_equal(st.st_uid, 1234);
		assert_int_equal(st.st_gid, 5678);
	}
	assert_int_equal(readlink(rp(f, "bin/sh"), link, sizeof(link)), 7);
	assert_memory_equal(link, "busybox", 7);
	assert_int_equal(lstat(rp(f, "bin/sh"), &st), 0);
	assert_int_equal(st.st_mtime, MTIME);
	assert_int_equal(readlink(rp(f, "var/run"), link, sizeof(link)), 4);
	assert_memory_equal(link, "/run", 4);
	assert_int_equal(lstat(rp(f, "run/fifo"), &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0620);
	assert_int_equal(lstat(rp(f, "etc"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0750);
	assert_int_equal(st.st_mtime, MTIME);
	assert_int_equal(lstat(rp(f, "var/empty"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0555);
	assert_int_equal(lstat(rp(f, "tmp"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 01777);
	assert_int_equal(lstat(rp(f, "usr/lib/deep"), &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	char val[16];
	ssize_t n = getxattr(rp(f, "etc/motd"), "user.pare", val, sizeof(val));
	if (f->xattr_warnings == 0) {
		assert_int_equal(n, 5);
		assert_memory_equal(val, "hello", 5);
	}
	int temps;
	/* etc etc/motd bin bin/busybox bin/sh bin/hl bin/su var var/empty tmp
	 * usr usr/lib usr/lib/deep usr/lib/deep/x run run/fifo var/run */
	assert_int_equal(tree_count(f->root, &temps), 17);
	assert_int_equal(temps, 0);
}

static void test_owners_off_drops_setid(void **state)
{
	struct fx *f = *state;
	struct pare_error err = { 0 };
	struct stat st;
	static const struct tent ents[] = {
		{ .name = "su", .data = "su", .mode = 06755, .uid = 4321, .gid = 4321 },
	};
	f->opts.owners = PARE_EXTRACT_OWNERS_OFF;
	assert_int_equal(run_pkg(f, ents, 1, &err), 0);
	assert_file(rp(f, "su"), "su", 0755);
	assert_int_equal(lstat(rp(f, "su"), &st), 0);
	assert_int_equal(st.st_uid, geteuid());
}

static void test_replaces_existing_file(void **state)
{
	struct fx *f = *state;
	struct pare_error err = { 0 };
	static const struct tent ents[] = {
		{ .name = "etc/motd", .data = "new\n" },
		{ .name = "etc/link", .type = PARE_TAR_SYMLINK, .data = "motd" },
	};
	mkdir(rp(f, "etc"), 0755);
	FILE *fp = fopen(rp(f, "etc/motd"), "w");
	assert_non_null(fp);
	fputs("old\n", fp);
	fclose(fp);
	assert_int_equal(symlink("/nowhere", rp(f, "etc/link")), 0);
	assert_int_equal(run_pkg(f, ents, 2, &err), 0);
	assert_file(rp(f, "etc/motd"), "new\n", 0644);
	char link[16];
	assert_int_equal(readlink(rp(f, "etc/link"), link, sizeof(link)), 4);
	assert_root_holds(f, 3);
}

/* ---- hostile packages ---- */

static void test_symlink_then_through_it(void **state)
{
	struct fx *f = *state;
	struct pare_error err = { 0 };
	static const struct tent ents[] = {
		{ .name = "evil", .type = PARE_TAR_SYMLINK, .data = "/etc" },
		{ .name = "evil/pwned", .data = "owned" },
	};
	int r = run_pkg(f, ents, 2, &err);
	assert_int_equal(r, -PARE_E_UNSAFE_PATH);
	assert_non_null(strstr(err.msg, "evil/pwned"));
	assert_non_null(strstr(err.msg, "symlink"));
	assert_absent("/etc/pwned");
	assert_root_holds(f, 0);
}

static void test_relative_symlink_up(void **state)
{
	struct fx *f = *state;
	struct pare_error err = { 0 };
	static const struct tent ents[] = {
		{ .name = "d", .type = PARE_TAR_DIR },
		{ .name = "up", .type = PARE_TAR_SYMLINK, .data = "../.." },
		{ .name = "up/x", .data = "x" },
	};
	int r = run_pkg(f, ents, 3, &err);
	assert_int_equal(r, -PARE_E_UNSAFE_PATH);
	char p[160];
	snprintf(p, sizeof(p), "%s/x", f->outer);
	assert_absent(p);
	snprintf(p, sizeof(p), "%s/a/x", f->outer);
	assert_absent(p);
	assert_root_holds(f, 0); /* "d" was made by the extractor: removed too */
}

static void test_symlink_dir_component_later(void **state)
{
	struct fx *f = *state;
	struct pare_error err = { 0 };
	/* The directory first, then a symlink at the same path. */
	static const struct tent ents[] = {
		{ .name = "lib/x", .data = "x" },
		{ .name = "lib", .type = PARE_TAR_SYMLINK, .data = "/etc" },
	};
	assert_int_equal(run_pkg(f, ents, 2, &err), -PARE_E_UNSAFE_PATH);
	assert_root_holds(f, 0);
}

static void test_through_package_file(void **state)
{
	struct fx *f = *state;
	struct pare_error err = { 0 };
	static const struct tent ents[] = {
		{ .name = "a", .data = "file" },
		{ .name = "a/b", .data = "x" },
	};
	assert_int_equal(run_pkg(f, ents, 2, &err), -PARE_E_UNSAFE_PATH);
	assert_root_holds(f, 0);
}

static void test_hardlink_outside_package(void **state)
{
	struct fx *f = *state;
	struct pare_error err = { 0 };
	struct stat st;
	static const struct tent ents[] = {
		{ .name = "etc/passwd", .data = "root:x:0:0::/root:/bin/sh\n" },
		{ .name = "steal", .type = PARE_TAR_LINK, .data = "etc/shadow" },
	};
	mkdir(rp(f, "etc"), 0755);
	int fd = open(rp(f, "etc/shadow"), O_CREAT | O_WRONLY, 0600);
	assert_true(fd >= 0);
	close(fd);
	int r = run_pkg(f, ents, 2, &err);
	assert_int_equal(r, -PARE_E_UNSAFE_PATH);
	assert_non_null(strstr(err.msg, "etc/shadow"));
	assert_int_equal(lstat(rp(f, "etc/shadow"), &st), 0);
	assert_int_equal(st.st_nlink, 1);
	assert_root_holds(f, 2); /* etc, etc/shadow: both there before */
}

static void test_hardlink_dotdot(void **state)
{
	struct fx *f = *state;
	struct pare_error err = { 0 };
	static const struct tent ents[] = {
		{ .name = "x", .data = "x" },
		{ .name = "steal", .type = PARE_TAR_LINK, .data = "../x" },
	};
	assert_int_equal(run_pkg(f, ents, 2, &err), -PARE_E_UNSAFE_PATH);
	assert_root_holds(f, 0);
}

static void test_hardlink_to_symlink(void **state)
{
	struct fx *f = *state;
	struct pare_error err = { 0 };
	static const struct tent ents[] = {
		{ .name = "s", .type = PARE_TAR_SYMLINK, .data = "/etc/shadow" },
		{ .name = "h", .type = PARE_TAR_LINK, .data = "s" },
	};
	assert_int_equal(run_pkg(f, ents, 2, &err), -PARE_E_UNSAFE_PATH);
	assert_root_holds(f, 0);
}

static void test_hardlink_forward(void **state)
{
	struct fx *f = *state;
	struct pare_error err = { 0 };
	static const struct tent ents[] = {
		{ .name = "h", .type = PARE_TAR_LINK, .data = "x" },
		{ .name = "x", .data = "x" },
	};
	assert_int_equal(run_pkg(f, ents, 2, &err), -PARE_E_UNSAFE_PATH);
	assert_root_holds(f, 0);
}

static void test_checksum_mismatch(void **state)
{
	struct fx *f = *state;
	struct pare_error err = { 0 };
	static const struct tent ents[] = {
		{ .name = "good/ok", .data = "fine" },
		{ .name = "good/bad", .data = "evil content", .bad_sum = true },
		{ .name = "never", .data = "not reached" },
	};
	int r = run_pkg(f, ents, 3, &err);
	assert_int_equal(r, -PARE_E_INTEGRITY);
	assert_root_holds(f, 0);
}

static void test_existing_absolute_symlink_loop(void **state)
{
	struct fx *f = *state;
	struct pare_error err = { 0 };
	static const struct tent ents[] = {
		{ .name = "usr/x", .data = "x" },
	};
	/* usr -> /usr resolves to itself inside the root: a loop, never the
	 * host's /usr. */
	assert_int_equal(symlink("/usr", rp(f, "usr")), 0);
	int r = run_pkg(f, ents, 1, &err);
	assert_true(r < 0);
	assert_absent("/usr/x");
	assert_root_holds(f, 1);
}

static void test_existing_absolute_symlink_inside(void **state)
{
	struct fx *f = *state;
	struct pare_error err = { 0 };
	static const struct tent ents[] = {
		{ .name = "lib/", .type = PARE_TAR_DIR },
		{ .name = "lib/x", .data = "merged" },
	};
	/* Merged /usr with an absolute link: lib -> /usr/lib, inside the root. */
	assert_int_equal(mkdir(rp(f, "usr"), 0755), 0);
	assert_int_equal(mkdir(rp(f, "usr/lib"), 0755), 0);
	assert_int_equal(symlink("/usr/lib", rp(f, "lib")), 0);
	assert_int_equal(run_pkg(f, ents, 2, &err), 0);
	assert_file(rp(f, "usr/lib/x"), "merged", 0644);
	assert_absent("/usr/lib/x");
	struct stat st;
	assert_int_equal(lstat(rp(f, "lib"), &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_root_holds(f, 4);
}

static void test_dir_at_file_path(void **state)
{
	struct fx *f = *state;
	struct pare_error err = { 0 };
	static const struct tent ents[] = {
		{ .name = "new/file", .data = "x" },
		{ .name = "etc", .data = "x" },
	};
	assert_int_equal(mkdir(rp(f, "etc"), 0755), 0);
	assert_int_equal(run_pkg(f, ents, 2, &err), -PARE_E_UNSAFE_PATH);
	assert_non_null(strstr(err.msg, "directory exists"));
	assert_root_holds(f, 1);
}

static void test_file_at_dir_path(void **state)
{
	struct fx *f = *state;
	struct pare_error err = { 0 };
	static const struct tent ents[] = {
		{ .name = "etc", .type = PARE_TAR_DIR },
	};
	int fd = open(rp(f, "etc"), O_CREAT | O_WRONLY, 0644);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(run_pkg(f, ents, 1, &err), -PARE_E_UNSAFE_PATH);
	assert_root_holds(f, 1);
}

static void test_duplicate(void **state)
{
	struct fx *f = *state;
	struct pare_error err = { 0 };
	static const struct tent ents[] = {
		{ .name = "x", .data = "one" },
		{ .name = "./x", .data = "two" },
	};
	assert_int_equal(run_pkg(f, ents, 2, &err), -PARE_E_FORMAT);
	assert_root_holds(f, 0);
}

static void test_device_refused(void **state)
{
	struct fx *f = *state;
	struct pare_error err = { 0 };
	static const struct tent ents[] = {
		{ .name = "dev/", .type = PARE_TAR_DIR },
		{ .name = "dev/mem", .type = PARE_TAR_CHR, .mode = 0666 },
	};
	assert_int_equal(run_pkg(f, ents, 2, &err), -PARE_E_UNSUPPORTED);
	assert_root_holds(f, 0);
}

static void test_device_allowed_as_root(void **state)
{
	struct fx *f = *state;
	struct pare_error err = { 0 };
	static const struct tent ents[] = {
		{ .name = "null", .type = PARE_TAR_CHR, .mode = 0666 },
	};
	if (geteuid() != 0)
		skip();
	f->opts.allow_devices = true;
	int r = run_pkg(f, ents, 1, &err);
	if (r == -EPERM)
		skip(); /* a container without mknod */
	assert_int_equal(r, 0);
	struct stat st;
	assert_int_equal(lstat(rp(f, "null"), &st), 0);
	assert_true(S_ISCHR(st.st_mode));
}

static void test_entry_limit(void **state)
{
	struct fx *f = *state;
	struct pare_error err = { 0 };
	static const struct tent ents[] = {
		{ .name = "a/b/c", .data = "1" },
		{ .name = "a/b/d", .data = "2" },
	};
	f->opts.max_entries = 3;
	assert_int_equal(run_pkg(f, ents, 2, &err), -PARE_E_TOO_BIG);
	assert_root_holds(f, 0);
}

/* ---- API edges ---- */

static void test_abort_after_read(void **state)
{
	struct fx *f = *state;
	struct staged st;
	struct pare_error err = { 0 };
	assert_int_equal(stage_pkg(f, basic, sizeof(basic) / sizeof(basic[0]), &st, &err), 0);
	assert_int_equal(st.pkg.trust, -PARE_E_UNTRUSTED);
	int temps;
	assert_true(tree_count(f->root, &temps) > 0);
	assert_true(temps > 0);
	pare_extract_abort(&st.x); /* the caller refuses the untrusted package */
	pare_extract_abort(&st.x);
	assert_int_equal(pare_extract_commit(&st.x, &err), -EINVAL);
	assert_root_holds(f, 0);
	staged_release(&st);
	pare_extract_release(NULL);
}

/* Regular files staged in a directory the package creates are invisible
 * until the commit (unnamed temporaries where the file system has them);
 * a file that appeared at a final path meanwhile is replaced; an abort
 * leaves nothing. */
static void test_files_invisible_until_commit(void **state)
{
	struct fx *f = *state;
	static const struct tent ents[] = {
		{ .name = "d/", .type = PARE_TAR_DIR },
		{ .name = "d/a", .data = "a\n" },
		{ .name = "d/b", .data = "b\n", .mode = 0600 },
		{ .name = "d/c", .data = "c\n" },
	};
	for (int round = 0; round < 2; round++) {
		struct staged st;
		struct pare_error err = { 0 };
		assert_int_equal(stage_pkg(f, ents, 4, &st, &err), 0);
		assert_absent(rp(f, "d/a"));
		assert_absent(rp(f, "d/b"));
		assert_absent(rp(f, "d/c"));
		if (round == 0) {
			pare_extract_abort(&st.x);
			assert_root_holds(f, 0);
		} else {
			FILE *fp = fopen(rp(f, "d/b"), "w"); /* behind the extractor's back */
			assert_non_null(fp);
			fputs("other\n", fp);
			fclose(fp);
			assert_int_equal(pare_extract_commit(&st.x, &err), 0);
			assert_file(rp(f, "d/a"), "a\n", 0644);
			assert_file(rp(f, "d/b"), "b\n", 0600);
			assert_file(rp(f, "d/c"), "c\n", 0644);
			assert_root_holds(f, 4);
		}
		staged_release(&st);
	}
}

static void test_bad_prefix(void **state)
{
	struct fx *f = *state;
	struct pare_root root;
	struct pare_extract x;
	struct pare_error err = { 0 };
	struct pare_extract_opts o = { .tmp_prefix = "a/b" };
	assert_int_equal(pare_root_open(&root, f->root, NULL), 0);
	assert_int_equal(pare_extract_init(&x, &root, &o, &err), -EINVAL);
	pare_extract_abort(&x);
	pare_extract_release(&x);
	pare_root_release(&root);
}

#define BOTH(t)                                                        \
	cmocka_unit_test_setup_teardown(t, setup_openat2, fx_teardown), \
		cmocka_unit_test_setup_teardown(t, setup_walk, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		BOTH(test_basic),
		BOTH(test_owners_off_drops_setid),
		BOTH(test_replaces_existing_file),
		BOTH(test_symlink_then_through_it),
		BOTH(test_relative_symlink_up),
		BOTH(test_symlink_dir_component_later),
		BOTH(test_through_package_file),
		BOTH(test_hardlink_outside_package),
		BOTH(test_hardlink_dotdot),
		BOTH(test_hardlink_to_symlink),
		BOTH(test_hardlink_forward),
		BOTH(test_checksum_mismatch),
		BOTH(test_existing_absolute_symlink_loop),
		BOTH(test_existing_absolute_symlink_inside),
		BOTH(test_dir_at_file_path),
		BOTH(test_file_at_dir_path),
		BOTH(test_duplicate),
		BOTH(test_device_refused),
		BOTH(test_device_allowed_as_root),
		BOTH(test_entry_limit),
		BOTH(test_abort_after_read),
		BOTH(test_files_invisible_until_commit),
		cmocka_unit_test_setup_teardown(test_bad_prefix, setup_openat2, fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
