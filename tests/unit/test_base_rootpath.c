/* Unit tests for src/base/rootpath.c: resolving paths inside a root that is
 * full of hostile symlinks, in both resolution modes (openat2 with
 * RESOLVE_IN_ROOT, and the O_NOFOLLOW component walk).
 *
 * Layout, under a fresh mkdtemp directory BASE:
 *
 *   BASE/outside-secret          a file just outside the root
 *   BASE/root/                   the root
 *     x                          regular file "root-x"
 *     etc/passwd                 regular file "inside-passwd"
 *     sub/deep/                  directories
 *     sub/etc -> /etc            absolute link, must land in root/etc
 *     sub/up -> ../../../..      climbs far above the root
 *     hostetc -> /etc
 *     up -> ../../..
 *     abs -> /
 *     chain1 -> chain2 -> chain3 -> /etc
 *     chainrel -> sub/../etc
 *     loop_a -> loop_b -> loop_a, selfloop -> selfloop
 *     proc -> /proc              "/proc" inside the root is this link again
 *     dangling -> /pare-dangling-<pid>
 *     linkfile -> /x
 *     dirlink -> sub
 *     slashlink -> sub/          link bodies with a trailing slash
 *     fileslash -> x/
 *
 * A second root BASE/etcroot holds the literal `etc -> /etc`, which inside
 * the root points at itself.
 *
 * Every lookup is checked by inode: an fd must be the file inside the root,
 * never the host's file of the same name.  Names created by the tests carry
 * the pid so that an escape would show (and be cleaned up) on the host. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/error.h"
#include "base/rootpath.h"

static struct {
	char base[64];
	char root[128];
	int basefd;
	int rootfd; /* O_PATH fd of root, for checking from the host side */
	char dangling_target[64];
	char tag[32]; /* "pare-<pid>" */
	bool have_openat2;
} g;

static const enum pare_root_mode mode_auto = PARE_ROOT_AUTO;
static const enum pare_root_mode mode_walk = PARE_ROOT_WALK;

/* ---------------------------------------------------------------- setup */

static void must(int rc, const char *what)
{
	if (rc < 0) {
		fprintf(stderr, "setup: %s: %s\n", what, strerror(errno));
		abort();
	}
}

static void write_file_at(int dirfd, const char *name, const char *content)
{
	int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	must(fd, name);
	size_t n = strlen(content);
	must(write(fd, content, n) == (ssize_t)n ? 0 : -1, name);
	close(fd);
}

static int rm_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

static void host_canaries_cleanup(void)
{
	/* Only ever present if a test let something escape. */
	char p[256];
	unlink(g.dangling_target);
	snprintf(p, sizeof(p), "/etc/%s-excl", g.tag);
	unlink(p);
	snprintf(p, sizeof(p), "/etc/%s-creat", g.tag);
	unlink(p);
	snprintf(p, sizeof(p), "/etc/%s-dir/f", g.tag);
	unlink(p);
	snprintf(p, sizeof(p), "/etc/%s-dir", g.tag);
	rmdir(p);
	snprintf(p, sizeof(p), "/tmp/%s-new", g.tag);
	rmdir(p);
	snprintf(p, sizeof(p), "/%s-n1", g.tag);
	rmdir(p);
}

static int group_setup(void **state)
{
	(void)state;
	snprintf(g.tag, sizeof(g.tag), "pare-%ld", (long)getpid());
	snprintf(g.dangling_target, sizeof(g.dangling_target), "/%s-dangling", g.tag);
	snprintf(g.base, sizeof(g.base), "/tmp/pare-rootpath-XXXXXX");
	if (!mkdtemp(g.base)) {
		perror("mkdtemp");
		return -1;
	}
	g.basefd = open(g.base, O_PATH | O_DIRECTORY | O_CLOEXEC);
	must(g.basefd, "base");
	write_file_at(g.basefd, "outside-secret", "outside");
	must(mkdirat(g.basefd, "root", 0755), "root");
	snprintf(g.root, sizeof(g.root), "%s/root", g.base);
	g.rootfd = openat(g.basefd, "root", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	must(g.rootfd, "rootfd");

	int r = g.rootfd;
	write_file_at(r, "x", "root-x");
	must(mkdirat(r, "etc", 0755), "etc");
	write_file_at(r, "etc/passwd", "inside-passwd");
	must(mkdirat(r, "sub", 0755), "sub");
	must(mkdirat(r, "sub/deep", 0755), "sub/deep");
	must(symlinkat("/etc", r, "sub/etc"), "sub/etc");
	must(symlinkat("../../../..", r, "sub/up"), "sub/up");
	must(symlinkat("/etc", r, "hostetc"), "hostetc");
	must(symlinkat("../../..", r, "up"), "up");
	must(symlinkat("/", r, "abs"), "abs");
	must(symlinkat("chain2", r, "chain1"), "chain1");
	must(symlinkat("chain3", r, "chain2"), "chain2");
	must(symlinkat("/etc", r, "chain3"), "chain3");
	must(symlinkat("sub/../etc", r, "chainrel"), "chainrel");
	must(symlinkat("loop_b", r, "loop_a"), "loop_a");
	must(symlinkat("loop_a", r, "loop_b"), "loop_b");
	must(symlinkat("selfloop", r, "selfloop"), "selfloop");
	must(symlinkat("/proc", r, "proc"), "proc");
	must(symlinkat(g.dangling_target, r, "dangling"), "dangling");
	must(symlinkat("/x", r, "linkfile"), "linkfile");
	must(symlinkat("sub", r, "dirlink"), "dirlink");
	must(symlinkat("sub/", r, "slashlink"), "slashlink");
	must(symlinkat("x/", r, "fileslash"), "fileslash");

	must(mkdirat(g.basefd, "etcroot", 0755), "etcroot");
	must(symlinkat("/etc", g.basefd, "etcroot/etc"), "etcroot/etc");

	struct open_how how = { .flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT };
	long fd = syscall(SYS_openat2, g.rootfd, ".", &how, sizeof(how));
	g.have_openat2 = fd >= 0;
	if (fd >= 0)
		close((int)fd);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	host_canaries_cleanup();
	close(g.rootfd);
	close(g.basefd);
	nftw(g.base, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}

/* -------------------------------------------------------------- helpers */

static enum pare_root_mode mode_of(void **state)
{
	return *(const enum pare_root_mode *)*state;
}

static void open_root_at(struct pare_root *r, const char *path, void **state)
{
	struct pare_error err;
	pare_error_clear(&err);
	assert_int_equal(pare_root_open(r, path, &err), 0);
	assert_true(r->fd >= 0);
	assert_int_equal(r->mode, PARE_ROOT_AUTO);
	r->mode = mode_of(state);
}

static void open_root(struct pare_root *r, void **state)
{
	open_root_at(r, g.root, state);
}

static void check_mode_after(const struct pare_root *r, void **state)
{
	if (mode_of(state) == PARE_ROOT_WALK)
		assert_int_equal(r->mode, PARE_ROOT_WALK); /* forced stays forced */
	else if (g.have_openat2)
		assert_int_equal(r->mode, PARE_ROOT_OPENAT2);
	else
		assert_int_equal(r->mode, PARE_ROOT_WALK);
}

/* pare_root_openat, checking that a failure fills err consistently. */
static int ropen(struct pare_root *r, const char *path, int flags, mode_t mode)
{
	struct pare_error err;
	pare_error_clear(&err);
	int fd = pare_root_openat(r, path, flags, mode, &err);
	if (fd < 0) {
		assert_int_equal(err.code, fd);
		assert_true(err.msg[0] != '\0');
	} else {
		assert_int_equal(err.code, 0);
		int fl = fcntl(fd, F_GETFD);
		assert_true(fl >= 0 && (fl & FD_CLOEXEC));
	}
	return fd;
}

static void stat_inside(const char *rel, struct stat *st)
{
	if (fstatat(g.rootfd, rel, st, AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH) < 0)
		fail_msg("inside %s: %s", rel, strerror(errno));
}

static bool fd_is(int fd, const struct stat *want)
{
	struct stat st;
	assert_int_equal(fstat(fd, &st), 0);
	return st.st_dev == want->st_dev && st.st_ino == want->st_ino;
}

/* path must open (with flags) to exactly the inside file `rel`. */
static void expect_inside(struct pare_root *r, const char *path, int flags, const char *rel)
{
	struct stat want;
	stat_inside(rel, &want);
	int fd = ropen(r, path, flags, 0);
	if (fd < 0)
		fail_msg("%s (mode %d): %s", path, r->mode, strerror(-fd));
	if (!fd_is(fd, &want))
		fail_msg("%s (mode %d) is not <root>/%s", path, r->mode, rel);
	close(fd);
}

static void expect_error(struct pare_root *r, const char *path, int flags, mode_t mode,
			 int want)
{
	int fd = ropen(r, path, flags, mode);
	if (fd >= 0) {
		close(fd);
		fail_msg("%s (mode %d): opened, expected %s", path, r->mode, strerror(-want));
	}
	if (fd != want)
		fail_msg("%s (mode %d): got %s, expected %s", path, r->mode, strerror(-fd),
			 strerror(-want));
}

static bool host_exists(const char *path)
{
	struct stat st;
	return fstatat(AT_FDCWD, path, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

static bool inside_exists(const char *rel)
{
	struct stat st;
	return fstatat(g.rootfd, rel, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

static void read_all(int fd, char *buf, size_t size)
{
	ssize_t n = pread(fd, buf, size - 1, 0);
	assert_true(n >= 0);
	buf[n] = '\0';
}

/* ---------------------------------------------------------------- tests */

static void test_root_open_and_release(void **state)
{
	struct pare_root r;
	struct pare_error err;
	pare_error_clear(&err);
	char p[256];
	snprintf(p, sizeof(p), "%s/does-not-exist", g.base);
	assert_int_equal(pare_root_open(&r, p, &err), -ENOENT);
	assert_int_equal(err.code, -ENOENT);
	assert_non_null(strstr(err.msg, "does-not-exist"));
	snprintf(p, sizeof(p), "%s/outside-secret", g.base);
	assert_int_equal(pare_root_open(&r, p, NULL), -ENOTDIR);

	open_root(&r, state);
	pare_root_release(&r);
	assert_int_equal(r.fd, -1);
	pare_root_release(&r); /* twice is fine */
	pare_root_release(NULL);

	int fd = open(g.root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	assert_true(fd >= 0);
	pare_root_from_fd(&r, fd);
	assert_int_equal(r.fd, fd);
	assert_int_equal(r.mode, PARE_ROOT_AUTO);
	pare_root_release(&r);
	assert_true(fcntl(fd, F_GETFD) < 0); /* the root owned it */
}

static void test_plain_paths(void **state)
{
	struct pare_root r;
	open_root(&r, state);
	expect_inside(&r, "x", O_RDONLY, "x");
	check_mode_after(&r, state);
	expect_inside(&r, "/x", O_RDONLY, "x");
	expect_inside(&r, "./x", O_RDONLY, "x");
	expect_inside(&r, "//x", O_RDONLY, "x");
	expect_inside(&r, "etc/passwd", O_RDONLY, "etc/passwd");
	expect_inside(&r, "etc//passwd", O_RDONLY, "etc/passwd");
	expect_inside(&r, "sub/deep", O_PATH | O_DIRECTORY, "sub/deep");
	expect_inside(&r, "sub/deep/", O_PATH | O_DIRECTORY, "sub/deep");
	expect_inside(&r, "", O_PATH | O_DIRECTORY, "");
	expect_inside(&r, "/", O_PATH | O_DIRECTORY, "");
	expect_inside(&r, ".", O_PATH | O_DIRECTORY, "");
	expect_error(&r, "missing", O_RDONLY, 0, -ENOENT);
	expect_error(&r, "missing/x", O_RDONLY, 0, -ENOENT);
	expect_error(&r, "x/y", O_RDONLY, 0, -ENOTDIR);
	int fd = ropen(&r, "x", O_RDONLY, 0);
	assert_true(fd >= 0);
	char buf[64];
	read_all(fd, buf, sizeof(buf));
	assert_string_equal(buf, "root-x");
	close(fd);
	pare_root_release(&r);
}

static void test_etc_symlink_resolves_inside(void **state)
{
	struct pare_root r;
	open_root(&r, state);
	struct stat host;
	assert_int_equal(stat("/etc/passwd", &host), 0);
	static const char *const paths[] = {
		"hostetc/passwd",   "/hostetc/passwd",   "sub/etc/passwd",  "chain1/passwd",
		"chainrel/passwd",  "abs/etc/passwd",    "/etc/passwd",     "up/etc/passwd",
		"sub/up/etc/passwd", "../../etc/passwd", "abs/abs/hostetc/passwd",
		"dirlink/etc/passwd", "sub/deep/../etc/passwd",
	};
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		int fd = ropen(&r, paths[i], O_RDONLY, 0);
		if (fd < 0)
			fail_msg("%s (mode %d): %s", paths[i], r.mode, strerror(-fd));
		if (fd_is(fd, &host))
			fail_msg("%s (mode %d) opened the HOST's /etc/passwd", paths[i], r.mode);
		char buf[64];
		read_all(fd, buf, sizeof(buf));
		if (strcmp(buf, "inside-passwd") != 0)
			fail_msg("%s (mode %d): content '%s'", paths[i], r.mode, buf);
		close(fd);
		expect_inside(&r, paths[i], O_RDONLY, "etc/passwd");
	}
	/* The link itself, as a directory, is the inside etc. */
	expect_inside(&r, "hostetc", O_PATH | O_DIRECTORY, "etc");
	expect_inside(&r, "chain1", O_PATH | O_DIRECTORY, "etc");
	expect_inside(&r, "sub/etc/", O_PATH | O_DIRECTORY, "etc");
	/* Host-only files are simply absent. */
	expect_error(&r, "hostetc/hostname", O_RDONLY, 0, -ENOENT);
	pare_root_release(&r);
}

static void test_literal_etc_link_loops(void **state)
{
	/* In a root whose /etc is `etc -> /etc`, the link points at itself. */
	char p[256];
	snprintf(p, sizeof(p), "%s/etcroot", g.base);
	struct pare_root r;
	open_root_at(&r, p, state);
	struct stat host;
	assert_int_equal(stat("/etc/passwd", &host), 0);
	int fd = ropen(&r, "etc/passwd", O_RDONLY, 0);
	if (fd >= 0) {
		bool escaped = fd_is(fd, &host);
		close(fd);
		fail_msg("etc/passwd opened (%s)", escaped ? "the HOST's file" : "something");
	}
	assert_int_equal(fd, -ELOOP);
	expect_error(&r, "etc", O_RDONLY, 0, -ELOOP);
	expect_error(&r, "/etc/", O_PATH | O_DIRECTORY, 0, -ELOOP);
	pare_root_release(&r);
}

static void test_up_stays_inside(void **state)
{
	struct pare_root r;
	open_root(&r, state);
	expect_inside(&r, "up/x", O_RDONLY, "x");
	expect_inside(&r, "up/up/up/x", O_RDONLY, "x");
	expect_inside(&r, "sub/up/x", O_RDONLY, "x");
	expect_inside(&r, "sub/deep/../up/x", O_RDONLY, "x");
	expect_inside(&r, "dirlink/up/x", O_RDONLY, "x");
	expect_inside(&r, "up", O_PATH | O_DIRECTORY, "");
	expect_inside(&r, "sub/up", O_PATH | O_DIRECTORY, "");
	/* BASE/outside-secret is one level above the root: never reachable. */
	expect_error(&r, "up/outside-secret", O_RDONLY, 0, -ENOENT);
	expect_error(&r, "sub/up/outside-secret", O_RDONLY, 0, -ENOENT);
	expect_error(&r, "up/root/x", O_RDONLY, 0, -ENOENT);
	pare_root_release(&r);
}

static void test_dotdot_clamps(void **state)
{
	struct pare_root r;
	open_root(&r, state);
	expect_inside(&r, "..", O_PATH | O_DIRECTORY, "");
	expect_inside(&r, "../..", O_PATH | O_DIRECTORY, "");
	expect_inside(&r, "/..", O_PATH | O_DIRECTORY, "");
	expect_inside(&r, "../../x", O_RDONLY, "x");
	expect_inside(&r, "../x", O_RDONLY, "x");
	expect_inside(&r, "/../../../x", O_RDONLY, "x");
	expect_inside(&r, "sub/../../x", O_RDONLY, "x");
	expect_inside(&r, "sub/deep/../../../../x", O_RDONLY, "x");
	expect_inside(&r, "..//.././x", O_RDONLY, "x");
	expect_inside(&r, "sub/..", O_PATH | O_DIRECTORY, "");
	expect_inside(&r, "sub/deep/..", O_PATH | O_DIRECTORY, "sub");
	expect_error(&r, "../outside-secret", O_RDONLY, 0, -ENOENT);
	expect_error(&r, "../../outside-secret", O_RDONLY, 0, -ENOENT);
	expect_error(&r, "sub/../../outside-secret", O_RDONLY, 0, -ENOENT);
	expect_error(&r, "../root/x", O_RDONLY, 0, -ENOENT);
	pare_root_release(&r);
}

static void test_follow_final_link_inside(void **state)
{
	struct pare_root r;
	open_root(&r, state);
	expect_inside(&r, "linkfile", O_RDONLY, "x");
	expect_inside(&r, "dirlink", O_PATH | O_DIRECTORY, "sub");
	expect_inside(&r, "dirlink/deep", O_PATH | O_DIRECTORY, "sub/deep");
	expect_inside(&r, "abs", O_PATH | O_DIRECTORY, "");
	expect_error(&r, "dangling", O_RDONLY, 0, -ENOENT);
	pare_root_release(&r);
}

static void test_creat_excl_does_not_follow_final(void **state)
{
	struct pare_root r;
	open_root(&r, state);
	const int fl = O_WRONLY | O_CREAT | O_EXCL;
	expect_error(&r, "dangling", fl, 0644, -EEXIST);
	assert_false(inside_exists(g.dangling_target + 1));
	assert_false(host_exists(g.dangling_target));
	expect_error(&r, "linkfile", fl, 0644, -EEXIST);
	expect_error(&r, "abs", fl, 0644, -EEXIST);
	expect_error(&r, "hostetc", fl, 0644, -EEXIST);
	expect_error(&r, "loop_a", fl, 0644, -EEXIST);
	expect_error(&r, "x", fl, 0644, -EEXIST);
	/* The link is still a link, the file unchanged. */
	struct stat st;
	stat_inside("linkfile", &st);
	assert_true(S_ISLNK(st.st_mode));
	stat_inside("x", &st);
	assert_int_equal(st.st_size, 6);

	/* A new name is created, inside, also behind directory links. */
	char name[128];
	snprintf(name, sizeof(name), "hostetc/%s-excl", g.tag);
	int fd = ropen(&r, name, fl, 0600);
	assert_true(fd >= 0);
	char rel[128], host[128];
	snprintf(rel, sizeof(rel), "etc/%s-excl", g.tag);
	snprintf(host, sizeof(host), "/etc/%s-excl", g.tag);
	stat_inside(rel, &st);
	assert_true(fd_is(fd, &st));
	assert_true(S_ISREG(st.st_mode));
	close(fd);
	assert_false(host_exists(host));
	/* And a second exclusive create of it fails. */
	expect_error(&r, name, fl, 0600, -EEXIST);
	unlinkat(g.rootfd, rel, 0);
	pare_root_release(&r);
}

static void test_creat_follows_inside(void **state)
{
	struct pare_root r;
	open_root(&r, state);
	char name[128], rel[128], host[128];
	snprintf(name, sizeof(name), "abs/hostetc/%s-creat", g.tag);
	snprintf(rel, sizeof(rel), "etc/%s-creat", g.tag);
	snprintf(host, sizeof(host), "/etc/%s-creat", g.tag);
	int fd = ropen(&r, name, O_WRONLY | O_CREAT, 0644);
	assert_true(fd >= 0);
	struct stat st;
	stat_inside(rel, &st);
	assert_true(fd_is(fd, &st));
	close(fd);
	assert_false(host_exists(host));
	unlinkat(g.rootfd, rel, 0);

	/* O_CREAT without O_EXCL through a dangling absolute link creates its
	 * target inside the root, never on the host. */
	fd = ropen(&r, "dangling", O_WRONLY | O_CREAT, 0644);
	assert_false(host_exists(g.dangling_target));
	if (fd >= 0) {
		stat_inside(g.dangling_target + 1, &st);
		assert_true(fd_is(fd, &st));
		close(fd);
		unlinkat(g.rootfd, g.dangling_target + 1, 0);
	}
	pare_root_release(&r);
}

static void test_nofollow_final(void **state)
{
	struct pare_root r;
	open_root(&r, state);
	expect_error(&r, "linkfile", O_RDONLY | O_NOFOLLOW, 0, -ELOOP);
	expect_error(&r, "hostetc", O_RDONLY | O_NOFOLLOW, 0, -ELOOP);
	expect_error(&r, "dangling", O_RDONLY | O_NOFOLLOW, 0, -ELOOP);
	expect_error(&r, "sub/etc", O_RDONLY | O_NOFOLLOW, 0, -ELOOP);
	/* O_PATH|O_NOFOLLOW gives the link itself. */
	int fd = ropen(&r, "linkfile", O_PATH | O_NOFOLLOW, 0);
	assert_true(fd >= 0);
	struct stat st, want;
	assert_int_equal(fstat(fd, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	stat_inside("linkfile", &want);
	assert_true(fd_is(fd, &want));
	close(fd);
	/* Only the final component is affected: links before it are followed. */
	expect_inside(&r, "hostetc/passwd", O_RDONLY | O_NOFOLLOW, "etc/passwd");
	expect_inside(&r, "up/x", O_RDONLY | O_NOFOLLOW, "x");
	expect_inside(&r, "x", O_RDONLY | O_NOFOLLOW, "x");
	pare_root_release(&r);
}

static void test_loops(void **state)
{
	struct pare_root r;
	open_root(&r, state);
	expect_error(&r, "loop_a", O_RDONLY, 0, -ELOOP);
	expect_error(&r, "loop_b", O_RDONLY, 0, -ELOOP);
	expect_error(&r, "loop_a/x", O_RDONLY, 0, -ELOOP);
	expect_error(&r, "selfloop", O_RDONLY, 0, -ELOOP);
	expect_error(&r, "sub/../selfloop/x", O_RDONLY, 0, -ELOOP);
	expect_error(&r, "loop_a", O_WRONLY | O_CREAT, 0644, -ELOOP);
	expect_error(&r, "loop_a", O_PATH | O_DIRECTORY, 0, -ELOOP);
	assert_false(inside_exists("loop_c"));
	pare_root_release(&r);
}

static void test_proc_magic_link_refused(void **state)
{
	/* Inside the root, /proc is the `proc -> /proc` link itself: looking
	 * anything up under it must fail, never reach the host's procfs. */
	struct pare_root r;
	open_root(&r, state);
	struct stat host_root, host_passwd;
	assert_int_equal(stat("/", &host_root), 0);
	assert_int_equal(stat("/etc/passwd", &host_passwd), 0);
	static const char *const paths[] = {
		"proc/self/root", "proc/self/root/etc/passwd", "/proc/self/cwd",
		"proc/1/root/etc/passwd", "abs/proc/self/fd/0",
	};
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		int fd = ropen(&r, paths[i], O_RDONLY, 0);
		if (fd >= 0) {
			bool escaped = fd_is(fd, &host_root) || fd_is(fd, &host_passwd);
			close(fd);
			if (escaped)
				fail_msg("%s (mode %d) reached the host", paths[i], r.mode);
			/* An fd that stayed inside would be acceptable too. */
		}
	}
	expect_error(&r, "proc/self/root", O_PATH, 0, -ELOOP);
	pare_root_release(&r);
}

static void test_real_magic_links(void **state)
{
	/* A root inside procfs: its entries are real magic links.  openat2
	 * refuses them (RESOLVE_NO_MAGICLINKS); the walk expands only their
	 * text inside the root.  Either way the outside file is not opened. */
	char p[256];
	snprintf(p, sizeof(p), "%s/outside-secret", g.base);
	int secret = open(p, O_RDONLY | O_CLOEXEC);
	assert_true(secret >= 0);
	struct stat want;
	assert_int_equal(fstat(secret, &want), 0);

	struct pare_root r;
	open_root_at(&r, "/proc/self/fd", state);
	char name[32];
	snprintf(name, sizeof(name), "%d", secret);
	int fd = ropen(&r, name, O_RDONLY, 0);
	if (fd >= 0) {
		bool escaped = fd_is(fd, &want);
		close(fd);
		assert_false(escaped);
	}
	if (mode_of(state) != PARE_ROOT_WALK && g.have_openat2)
		assert_int_equal(fd, -ELOOP);
	/* O_PATH|O_NOFOLLOW on the last component is not a traversal. */
	pare_root_release(&r);

	/* /proc/self/cwd points outside the /proc/self root. */
	int oldcwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	assert_true(oldcwd >= 0);
	assert_int_equal(chdir(g.root), 0);
	struct stat cwd;
	assert_int_equal(stat(".", &cwd), 0);
	open_root_at(&r, "/proc/self", state);
	fd = ropen(&r, "cwd/x", O_RDONLY, 0);
	if (fd >= 0) {
		struct stat x;
		stat_inside("x", &x);
		bool escaped = fd_is(fd, &x);
		close(fd);
		assert_false(escaped);
	}
	fd = ropen(&r, "cwd", O_PATH | O_DIRECTORY, 0);
	if (fd >= 0) {
		bool escaped = fd_is(fd, &cwd);
		close(fd);
		assert_false(escaped);
	}
	pare_root_release(&r);
	assert_int_equal(fchdir(oldcwd), 0);
	close(oldcwd);
	close(secret);
}

static void test_trailing_slash(void **state)
{
	/* As the kernel: a trailing slash demands a directory and follows a
	 * final symlink even with O_NOFOLLOW; with O_CREAT it is EISDIR. */
	struct pare_root r;
	open_root(&r, state);
	expect_error(&r, "x/", O_RDONLY, 0, -ENOTDIR);
	expect_error(&r, "x/", O_PATH, 0, -ENOTDIR);
	expect_error(&r, "x//", O_PATH | O_NOFOLLOW, 0, -ENOTDIR);
	expect_error(&r, "linkfile/", O_RDONLY, 0, -ENOTDIR);
	expect_error(&r, "dangling/", O_PATH | O_NOFOLLOW, 0, -ENOENT);
	expect_error(&r, "loop_a/", O_PATH | O_NOFOLLOW, 0, -ELOOP);
	expect_error(&r, "missing/", O_RDONLY, 0, -ENOENT);
	expect_inside(&r, "sub/", O_RDONLY, "sub");
	expect_inside(&r, "hostetc/", O_PATH | O_NOFOLLOW, "etc");
	expect_inside(&r, "dirlink//", O_RDONLY | O_NOFOLLOW, "sub");
	expect_inside(&r, "up/", O_PATH | O_NOFOLLOW, "");
	/* A link body ending in '/' counts as a trailing slash when followed. */
	expect_inside(&r, "slashlink", O_RDONLY, "sub");
	expect_inside(&r, "slashlink", O_PATH | O_NOFOLLOW, "slashlink");
	expect_error(&r, "fileslash", O_RDONLY, 0, -ENOTDIR);
	expect_inside(&r, "fileslash", O_PATH | O_NOFOLLOW, "fileslash");
	expect_inside(&r, "slashlink/deep", O_PATH, "sub/deep");
	/* O_CREAT with a trailing slash never creates anything. */
	static const char *const creat[] = { "newname/", "sub/", "x/", "dangling/",
					     "linkfile/", "slashlink", "fileslash", "sub/." };
	for (size_t i = 0; i < sizeof(creat) / sizeof(creat[0]); i++) {
		expect_error(&r, creat[i], O_WRONLY | O_CREAT, 0644, -EISDIR);
		expect_error(&r, creat[i], O_RDONLY | O_CREAT, 0644, -EISDIR);
	}
	expect_error(&r, "newname/", O_WRONLY | O_CREAT | O_EXCL, 0644, -EISDIR);
	expect_error(&r, "sub/", O_WRONLY | O_CREAT | O_EXCL, 0644, -EISDIR);
	expect_error(&r, "slashlink", O_WRONLY | O_CREAT | O_EXCL, 0644, -EEXIST);
	assert_false(inside_exists("newname"));
	assert_false(host_exists(g.dangling_target));
	assert_false(inside_exists(g.dangling_target + 1));
	pare_root_release(&r);
}

static void test_o_directory_with_mode(void **state)
{
	/* A mode given with O_DIRECTORY but without O_CREAT is ignored, as
	 * openat(2) ignores it. */
	struct pare_root r;
	open_root(&r, state);
	int fd = ropen(&r, "sub", O_RDONLY | O_DIRECTORY, 0755);
	if (fd < 0)
		fail_msg("sub with O_DIRECTORY and mode (mode %d): %s", r.mode, strerror(-fd));
	struct stat want;
	stat_inside("sub", &want);
	assert_true(fd_is(fd, &want));
	close(fd);
	pare_root_release(&r);
}

static void test_too_long(void **state)
{
	struct pare_root r;
	open_root(&r, state);
	char *p = malloc(PARE_PATH_MAX + 10);
	assert_non_null(p);
	for (size_t i = 0; i < PARE_PATH_MAX + 8; i += 2) {
		p[i] = 'a';
		p[i + 1] = '/';
	}
	p[PARE_PATH_MAX + 8] = '\0';
	int fd = ropen(&r, p, O_RDONLY, 0);
	if (fd >= 0)
		close(fd);
	assert_true(fd < 0);
	/* A 300-byte component is longer than any file name. */
	memset(p, 'b', 300);
	p[300] = '\0';
	expect_error(&r, p, O_RDONLY, 0, -ENAMETOOLONG);
	free(p);
	pare_root_release(&r);
}

/* Both modes must agree, path by path: the same inode or the same error.
 * Paths are every sequence of up to three components from the layout. */
static void test_walk_matches_openat2(void **state)
{
	(void)state;
	if (!g.have_openat2)
		skip();
	static const char *const comps[] = {
		"x",	"etc",	    "passwd",	"sub",	     "deep", "hostetc", "up",
		"abs",	"chain1",   "chainrel", "loop_a",    "proc", "self",	"dangling",
		"linkfile", "dirlink", "..",	"",	     "missing", "slashlink", "fileslash",
	};
	static const int flagsets[] = {
		O_RDONLY,
		O_PATH,
		O_RDONLY | O_NOFOLLOW,
		O_PATH | O_NOFOLLOW,
		O_RDONLY | O_DIRECTORY,
	};
	const size_t nc = sizeof(comps) / sizeof(comps[0]);
	struct pare_root ra, rw;
	assert_int_equal(pare_root_open(&ra, g.root, NULL), 0);
	assert_int_equal(pare_root_open(&rw, g.root, NULL), 0);
	ra.mode = PARE_ROOT_OPENAT2;
	rw.mode = PARE_ROOT_WALK;
	size_t checked = 0, mismatches = 0;
	for (size_t n = 1; n <= 3; n++) {
		size_t total = 1;
		for (size_t k = 0; k < n; k++)
			total *= nc;
		for (size_t idx = 0; idx < total; idx++) {
			char path[256];
			size_t len = 0, v = idx;
			for (size_t k = 0; k < n; k++) {
				const char *c = comps[v % nc];
				v /= nc;
				int w = snprintf(path + len, sizeof(path) - len, "%s%s",
						 k ? "/" : "", c);
				len += (size_t)w;
			}
			{
				const char *ba = NULL, *bw = NULL;
				int pa = pare_root_open_parent(&ra, path, false, 0, &ba, NULL);
				int pw = pare_root_open_parent(&rw, path, false, 0, &bw, NULL);
				bool same = pa == pw;
				if (pa >= 0 && pw >= 0) {
					struct stat sa;
					assert_int_equal(fstat(pa, &sa), 0);
					same = fd_is(pw, &sa) && ba == bw;
				}
				if (!same && mismatches++ < 20)
					print_error("parent of '%s': openat2 %s, walk %s\n", path,
						    pa >= 0 ? "ok" : strerror(-pa),
						    pw >= 0 ? "ok" : strerror(-pw));
				if (pa >= 0)
					close(pa);
				if (pw >= 0)
					close(pw);
			}
			for (size_t f = 0; f < sizeof(flagsets) / sizeof(flagsets[0]); f++) {
				int fa = pare_root_openat(&ra, path, flagsets[f], 0, NULL);
				int fw = pare_root_openat(&rw, path, flagsets[f], 0, NULL);
				bool same;
				if (fa >= 0 && fw >= 0) {
					struct stat sa;
					assert_int_equal(fstat(fa, &sa), 0);
					same = fd_is(fw, &sa);
				} else {
					same = fa == fw;
				}
				if (!same && mismatches++ < 20)
					print_error("'%s' flags %#o: openat2 %s, walk %s\n", path,
						    flagsets[f], fa >= 0 ? "ok" : strerror(-fa),
						    fw >= 0 ? "ok" : strerror(-fw));
				if (fa >= 0)
					close(fa);
				if (fw >= 0)
					close(fw);
				checked++;
			}
		}
	}
	pare_root_release(&ra);
	pare_root_release(&rw);
	if (mismatches)
		fail_msg("%zu of %zu lookups differ between openat2 and the walk", mismatches,
			 checked);
}

/* ----------------------------------------------------- open_parent tests */

static int rparent(struct pare_root *r, const char *path, bool create, const char **base)
{
	struct pare_error err;
	pare_error_clear(&err);
	*base = NULL;
	int fd = pare_root_open_parent(r, path, create, 0755, base, &err);
	if (fd < 0) {
		assert_int_equal(err.code, fd);
		assert_true(err.msg[0] != '\0');
	} else {
		assert_int_equal(err.code, 0);
		assert_non_null(*base);
		/* base points into path and is a usable name. */
		assert_true(*base >= path && *base < path + strlen(path));
		assert_true(strcmp(*base, "") != 0);
		assert_true(strcmp(*base, ".") != 0);
		assert_true(strcmp(*base, "..") != 0);
		struct stat st;
		assert_int_equal(fstat(fd, &st), 0);
		assert_true(S_ISDIR(st.st_mode));
	}
	return fd;
}

static void expect_parent(struct pare_root *r, const char *path, bool create, const char *rel,
			  const char *want_base)
{
	const char *base;
	int fd = rparent(r, path, create, &base);
	if (fd < 0)
		fail_msg("parent of %s (mode %d): %s", path, r->mode, strerror(-fd));
	struct stat want;
	stat_inside(rel, &want);
	if (!fd_is(fd, &want))
		fail_msg("parent of %s (mode %d) is not <root>/%s", path, r->mode, rel);
	assert_string_equal(base, want_base);
	close(fd);
}

static void test_parent_existing(void **state)
{
	struct pare_root r;
	open_root(&r, state);
	expect_parent(&r, "file", false, "", "file");
	expect_parent(&r, "/file", false, "", "file");
	expect_parent(&r, "etc/passwd", false, "etc", "passwd");
	expect_parent(&r, "hostetc/passwd", false, "etc", "passwd");
	expect_parent(&r, "sub/deep/f", false, "sub/deep", "f");
	expect_parent(&r, "up/x", false, "", "x");
	expect_parent(&r, "../../x", false, "", "x");
	expect_parent(&r, "abs/sub/etc/new", false, "etc", "new");
	/* The last component is not resolved: a link there is the name. */
	expect_parent(&r, "hostetc", false, "", "hostetc");
	expect_parent(&r, "sub/up", false, "sub", "up");

	const char *base;
	assert_int_equal(rparent(&r, "missing/f", false, &base), -ENOENT);
	assert_int_equal(rparent(&r, "loop_a/f", false, &base), -ELOOP);
	assert_int_equal(rparent(&r, "x/f", false, &base), -ENOTDIR);
	static const char *const bad[] = { "", "/", ".", "..", "a/.", "a/..", "//", "a/../" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int fd = rparent(&r, bad[i], false, &base);
		if (fd >= 0) {
			close(fd);
			fail_msg("parent of '%s' accepted with base '%s'", bad[i], base);
		}
		assert_int_equal(fd, -PARE_E_UNSAFE_PATH);
	}
	assert_int_equal(pare_root_open_parent(&r, "..", false, 0755, &base, NULL),
			 -PARE_E_UNSAFE_PATH);
	pare_root_release(&r);
}

static void test_parent_create(void **state)
{
	struct pare_root r;
	open_root(&r, state);
	const bool walk = mode_of(state) == PARE_ROOT_WALK;
	char path[256], rel[256], host[256];

	/* abs -> /: "abs/tmp/<tag>-new/file" must make <root>/tmp/<tag>-new. */
	snprintf(path, sizeof(path), "abs/tmp/%s-new/file", g.tag);
	snprintf(rel, sizeof(rel), "tmp/%s-new", g.tag);
	snprintf(host, sizeof(host), "/tmp/%s-new", g.tag);
	expect_parent(&r, path, true, rel, "file");
	assert_false(host_exists(host));
	struct stat st;
	stat_inside("tmp", &st);
	assert_true(S_ISDIR(st.st_mode));
	/* Again: everything exists now. */
	expect_parent(&r, path, true, rel, "file");

	/* Plain nested directories, with a trailing-slash-free base. */
	expect_parent(&r, walk ? "w1/w2/w3/f" : "a1/a2/a3/f", true,
		      walk ? "w1/w2/w3" : "a1/a2/a3", "f");
	stat_inside(walk ? "w1/w2" : "a1/a2", &st);
	assert_true(S_ISDIR(st.st_mode));

	/* Through a link to /etc: made in <root>/etc, not the host's /etc. */
	snprintf(path, sizeof(path), "hostetc/%s-dir/f", g.tag);
	snprintf(rel, sizeof(rel), "etc/%s-dir", g.tag);
	snprintf(host, sizeof(host), "/etc/%s-dir", g.tag);
	expect_parent(&r, path, true, rel, "f");
	assert_false(host_exists(host));

	/* Climbing links and ".." clamp at the root. */
	snprintf(path, sizeof(path), "up/%s-n1/f", g.tag);
	snprintf(rel, sizeof(rel), "%s-n1", g.tag);
	snprintf(host, sizeof(host), "/%s-n1", g.tag);
	expect_parent(&r, path, true, rel, "f");
	assert_false(host_exists(host));
	snprintf(path, sizeof(path), "../../%s-n1/n2/f", g.tag);
	snprintf(rel, sizeof(rel), "%s-n1/n2", g.tag);
	expect_parent(&r, path, true, rel, "f");
	assert_false(inside_exists("../n2"));

	/* Failures: loops, a file in the way, no name. */
	const char *base;
	assert_int_equal(rparent(&r, "loop_a/d/f", true, &base), -ELOOP);
	assert_false(inside_exists("loop_b/d"));
	int fd = rparent(&r, "x/d/f", true, &base);
	assert_true(fd < 0);
	assert_true(fd == -ENOTDIR || fd == -EEXIST);
	assert_int_equal(rparent(&r, "newdir/..", true, &base), -PARE_E_UNSAFE_PATH);
	assert_int_equal(rparent(&r, "", true, &base), -PARE_E_UNSAFE_PATH);
	pare_root_release(&r);
}

static void test_parent_then_create_file(void **state)
{
	/* The usual pattern: parent fd + openat(base) with O_NOFOLLOW. */
	struct pare_root r;
	open_root(&r, state);
	const bool walk = mode_of(state) == PARE_ROOT_WALK;
	const char *path = walk ? "abs/usr/lib-w/libz.so" : "abs/usr/lib-a/libz.so";
	const char *base;
	int dfd = rparent(&r, path, true, &base);
	assert_true(dfd >= 0);
	assert_string_equal(base, "libz.so");
	int fd = openat(dfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	close(fd);
	close(dfd);
	assert_true(inside_exists(walk ? "usr/lib-w/libz.so" : "usr/lib-a/libz.so"));
	expect_inside(&r, path, O_RDONLY, walk ? "usr/lib-w/libz.so" : "usr/lib-a/libz.so");
	pare_root_release(&r);
}

/* ------------------------------------------------- pare_path_check_name */

static void expect_name(const char *s, size_t len, bool ok)
{
	struct pare_error err;
	pare_error_clear(&err);
	int rc = pare_path_check_name(pare_slice_make(s, len), &err);
	if (ok) {
		if (rc != 0)
			fail_msg("'%.*s' rejected: %s", (int)len, s, err.msg);
		assert_int_equal(err.code, 0);
	} else {
		if (rc == 0)
			fail_msg("'%.*s' accepted", (int)len, s);
		assert_int_equal(rc, -PARE_E_UNSAFE_PATH);
		assert_int_equal(err.code, -PARE_E_UNSAFE_PATH);
		assert_true(err.msg[0] != '\0');
		assert_null(strchr(err.msg, '\n')); /* the message stays one line */
	}
	/* Same verdict without an error struct. */
	assert_int_equal(pare_path_check_name(pare_slice_make(s, len), NULL), rc);
}

#define NAME_OK(lit) expect_name((lit), sizeof(lit) - 1, true)
#define NAME_BAD(lit) expect_name((lit), sizeof(lit) - 1, false)

static void test_check_name(void **state)
{
	(void)state;
	NAME_BAD("");
	NAME_BAD("/abs");
	NAME_BAD("/");
	NAME_BAD("a/../b");
	NAME_BAD("..");
	NAME_BAD("../a");
	NAME_BAD("a/..");
	NAME_BAD("a/../");
	NAME_BAD("a//../b");
	NAME_BAD("a\nb");
	NAME_BAD("\x7f");
	NAME_BAD("a\tb");
	NAME_BAD("a\rb");
	NAME_BAD("\x1b[31m");
	NAME_BAD("a\0b");     /* NUL inside the slice */
	NAME_BAD("abc\0");    /* trailing NUL */
	expect_name(NULL, 0, false);

	NAME_OK("usr/bin/x");
	NAME_OK("a/b/");
	NAME_OK(".hidden");
	NAME_OK("a..b");
	NAME_OK("...");
	NAME_OK("..a");
	NAME_OK("a..");
	NAME_OK("a/.../b");
	NAME_OK("./a");
	NAME_OK("a");
	NAME_OK("usr/share/\xc3\xa9t\xc3\xa9"); /* UTF-8 is fine */
	NAME_OK("\x80\xff");                    /* high bytes are not control */

	/* Only the slice is checked, not what follows it in memory. */
	expect_name("ok/../x", 2, true);
	expect_name("ok\n", 2, true);

	/* Length: at most PARE_PATH_MAX bytes. */
	char *p = malloc(PARE_PATH_MAX + 2);
	assert_non_null(p);
	memset(p, 'a', PARE_PATH_MAX + 1);
	expect_name(p, PARE_PATH_MAX, true);
	expect_name(p, PARE_PATH_MAX + 1, false);
	free(p);
}

/* ---------------------------------------------------------------- main */

#define BOTH(f)                                                                  \
	{ #f "/auto", f, NULL, NULL, (void *)&mode_auto }, {                     \
		#f "/walk", f, NULL, NULL, (void *)&mode_walk                    \
	}

static void expect_norm(const char *in, const char *want)
{
	char out[PARE_PATH_MAX + 1];
	size_t len = 99;
	struct pare_error err = { 0 };
	int r = pare_path_normalise(pare_slice_from(in), out, &len, &err);
	if (!want) {
		assert_true(r < 0);
		assert_true(err.msg[0] != '\0');
		return;
	}
	assert_int_equal(r, 0);
	assert_string_equal(out, want);
	assert_int_equal(len, strlen(want));
}

/* The one normalisation: "." and empty components go, what
 * pare_path_check_name refuses is refused. */
static void test_normalise(void **state)
{
	(void)state;
	expect_norm("usr/bin/sh", "usr/bin/sh");
	expect_norm("./usr//bin/./sh/", "usr/bin/sh");
	expect_norm("./", "");
	expect_norm(".", "");
	expect_norm("a/./././b//", "a/b");
	expect_norm("a/../b", NULL);
	expect_norm("/etc", NULL);
	expect_norm("", NULL);
	expect_norm("a\nb", NULL);
}

/* Matching names: leading "./" and '/' runs go, the rest stays. */
static void test_trim_lead(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
		{ "./usr/bin/x", "usr/bin/x" }, { "/usr/bin/x", "usr/bin/x" },
		{ "usr/bin/x", "usr/bin/x" },   { "././/./a", "a" },
		{ "/./a/./b", "a/./b" },        { "./", "" },
		{ ".", "." },                   { "..", ".." },
		{ "", "" },                     { ".a/b", ".a/b" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pare_slice got = pare_path_trim_lead(pare_slice_from(cases[i][0]));
		assert_true(pare_slice_eq_cstr(got, cases[i][1]));
	}
}

/* Member names before the write check: "./" and trailing '/' go, the root
 * itself is "", and an absolute name stays absolute for the check. */
static void test_trim_entry(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
		{ "./usr/bin/x", "usr/bin/x" }, { "././usr/", "usr" },
		{ "usr/lib//", "usr/lib" },     { "./", "" },
		{ ".", "" },                    { "/", "" },
		{ "///", "" },                  { "", "" },
		{ "/etc/x/", "/etc/x" },        { ".//etc", "/etc" },
		{ "./../x", "../x" },           { "..", ".." },
		{ ".a/b", ".a/b" },             { "a/./b", "a/./b" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pare_slice got = pare_path_trim_entry(pare_slice_from(cases[i][0]));
		assert_true(pare_slice_eq_cstr(got, cases[i][1]));
	}
	struct pare_error err = { 0 };
	assert_int_equal(pare_path_check_name(pare_path_trim_entry(pare_slice_from(".//etc")), &err),
			 -PARE_E_UNSAFE_PATH);
	assert_int_equal(pare_path_check_name(pare_path_trim_entry(pare_slice_from("./a/../..")),
					      &err),
			 -PARE_E_UNSAFE_PATH);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		BOTH(test_root_open_and_release),
		BOTH(test_plain_paths),
		BOTH(test_etc_symlink_resolves_inside),
		BOTH(test_literal_etc_link_loops),
		BOTH(test_up_stays_inside),
		BOTH(test_dotdot_clamps),
		BOTH(test_follow_final_link_inside),
		BOTH(test_creat_excl_does_not_follow_final),
		BOTH(test_creat_follows_inside),
		BOTH(test_nofollow_final),
		BOTH(test_loops),
		BOTH(test_proc_magic_link_refused),
		BOTH(test_real_magic_links),
		BOTH(test_trailing_slash),
		BOTH(test_o_directory_with_mode),
		BOTH(test_too_long),
		BOTH(test_parent_existing),
		BOTH(test_parent_create),
		BOTH(test_parent_then_create_file),
		cmocka_unit_test(test_walk_matches_openat2),
		cmocka_unit_test(test_check_name),
		cmocka_unit_test(test_normalise),
		cmocka_unit_test(test_trim_lead),
		cmocka_unit_test(test_trim_entry),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
