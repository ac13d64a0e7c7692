/* Writing a .deb's data tree into an empty private directory.
 *
 * The reader (deb.c) has already refused unsafe names, types, hard links
 * that do not point at an earlier file of the package, and paths that run
 * through one of the package's symlinks or files.  Here every parent
 * directory is resolved through the pare_root (openat2 RESOLVE_IN_ROOT, or
 * the O_NOFOLLOW walk), every final component is created with O_EXCL /
 * mkdirat / symlinkat / linkat, which never follow a final symlink, so
 * nothing is written outside the root even if the directory was not empty.
 * Directory modes and times are applied last, deepest first, so that a
 * read-only directory does not stop its own children being created.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "deb/deb.h"
#include "io/tree.h"
#include "io/stream.h"

struct extractor {
	struct pare_root *root;
	bool owners;
	/* The parent directory of the previous entry, kept open: entries come
	 * grouped by directory.  Safe to reuse because the reader lets no path
	 * run through anything but the package's directories. */
	int dir_fd;
	char dir[PARE_PATH_MAX + 1];
};

static int sys_fail(struct pare_error *err, const char *path, const char *doing, int e)
{
	return pare_error_set(err, -e, "%s: cannot %s: %s", path, doing, strerror(e));
}

static int copy_content(int fd, const char *path, struct pare_istream *in, uint64_t size,
			struct pare_error *err)
{
	char *buf = malloc(64u << 10);
	if (!buf)
		return pare_error_set(err, -ENOMEM, "out of memory");
	uint64_t done = 0;
	int r = 0;
	while (r == 0) {
		ssize_t n = pare_istream_read(in, buf, 64u << 10, err);
		if (n < 0) {
			r = (int)n;
			break;
		}
		if (n == 0)
			break;
		done += (uint64_t)n;
		int w = pare_write_all(fd, buf, (size_t)n);
		if (w < 0)
			r = sys_fail(err, path, "write", -w);
	}
	free(buf);
	if (r == 0 && done != size)
		r = pare_error_set(err, -PARE_E_TRUNCATED, "%s: %llu bytes instead of %llu", path,
				   (unsigned long long)done, (unsigned long long)size);
	return r;
}

static int apply_file_meta(struct extractor *x, int fd, const struct pare_deb_entry *e,
			   struct pare_error *err)
{
	/* Owner first, then the mode, so that set-id bits survive chown. */
	if (x->owners && fchown(fd, (uid_t)e->uid, (gid_t)e->gid) < 0)
		return sys_fail(err, e->path, "set the owner", errno);
	if (fchmod(fd, e->mode) < 0)
		return sys_fail(err, e->path, "set the mode", errno);
	struct timespec ts[2] = { { e->mtime, 0 }, { e->mtime, 0 } };
	if (futimens(fd, ts) < 0)
		return sys_fail(err, e->path, "set the time", errno);
	return 0;
}

static int put_file(struct extractor *x, int dir, const char *base, const struct pare_deb_entry *e,
		    struct pare_istream *content, struct pare_error *err)
{
	int fd = openat(dir, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return sys_fail(err, e->path, "create", errno);
	int r = copy_content(fd, e->path, content, e->size, err);
	if (r == 0)
		r = apply_file_meta(x, fd, e, err);
	if (close(fd) < 0 && r == 0)
		r = sys_fail(err, e->path, "write", errno);
	return r;
}

static int put_symlink(struct extractor *x, int dir, const char *base,
		       const struct pare_deb_entry *e, struct pare_error *err)
{
	if (symlinkat(e->link, dir, base) < 0)
		return sys_fail(err, e->path, "create the symlink", errno);
	if (x->owners && fchownat(dir, base, (uid_t)e->uid, (gid_t)e->gid, AT_SYMLINK_NOFOLLOW) < 0)
		return sys_fail(err, e->path, "set the owner", errno);
	struct timespec ts[2] = { { e->mtime, 0 }, { e->mtime, 0 } };
	if (utimensat(dir, base, ts, AT_SYMLINK_NOFOLLOW) < 0)
		return sys_fail(err, e->path, "set the time", errno);
	return 0;
}

static int put_hardlink(struct extractor *x, int dir, const char *base,
			const struct pare_deb_entry *e, struct pare_error *err)
{
	const char *tbase;
	int tdir = pare_root_open_parent(x->root, e->link, false, 0, &tbase, err);
	if (tdir < 0)
		return tdir;
	int r = 0;
	if (linkat(tdir, tbase, dir, base, 0) < 0)
		r = sys_fail(err, e->path, "create the hard link", errno);
	close(tdir);
	return r;
}

static int put_dir(int dir, const char *base, const struct pare_deb_entry *e,
		   struct pare_error *err)
{
	if (mkdirat(dir, base, 0700) == 0)
		return 0;
	if (errno != EEXIST)
		return sys_fail(err, e->path, "create the directory", errno);
	/* Created earlier as some entry's parent: it must be a directory. */
	struct stat st;
	if (fstatat(dir, base, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode))
		return pare_error_set(err, -EEXIST, "%s: exists and is not a directory", e->path);
	return 0;
}

/* An fd for the directory holding e->path (borrowed from x), and *base. */
static int parent_of(struct extractor *x, const char *path, const char **base,
		     struct pare_error *err)
{
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) : 0;
	if (x->dir_fd >= 0 && strlen(x->dir) == n && memcmp(x->dir, path, n) == 0) {
		*base = slash ? slash + 1 : path;
		return x->dir_fd;
	}
	if (x->dir_fd >= 0)
		close(x->dir_fd);
	x->dir_fd = -1;
	int fd = pare_root_open_parent(x->root, path, true, 0755, base, err);
	if (fd < 0)
		return fd;
	memcpy(x->dir, path, n);
	x->dir[n] = '\0';
	x->dir_fd = fd;
	return fd;
}

static int visit(void *ctx, const struct pare_deb_entry *e, struct pare_istream *content,
		 struct pare_error *err)
{
	struct extractor *x = ctx;
	const char *base;
	int dir = parent_of(x, e->path, &base, err);
	if (dir < 0)
		return dir;
	switch (e->type) {
	case PARE_DEB_FILE:
		return put_file(x, dir, base, e, content, err);
	case PARE_DEB_DIR:
		return put_dir(dir, base, e, err);
	case PARE_DEB_SYMLINK:
		return put_symlink(x, dir, base, e, err);
	default:
		return put_hardlink(x, dir, base, e, err);
	}
}

/* Directory metadata, deepest (latest) first. */
static int finish_dirs(struct extractor *x, const struct pare_deb *d, struct pare_error *err)
{
	for (size_t i = d->nentries; i-- > 0;) {
		const struct pare_deb_entry *e = &d->entries[i];
		if (e->type != PARE_DEB_DIR)
			continue;
		int fd = pare_root_openat(x->root, e->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW, 0,
					  err);
		if (fd < 0)
			return fd;
		int r = apply_file_meta(x, fd, e, err);
		close(fd);
		if (r < 0)
			return r;
	}
	return 0;
}

int pare_deb_extract(int fd, const char *name, const struct pare_deb_limits *limits,
		     struct pare_root *root, const struct pare_deb_extract_opts *opts,
		     struct pare_deb *out, struct pare_error *err)
{
	struct extractor x = { .root = root, .owners = opts && opts->apply_owners, .dir_fd = -1 };
	int r = pare_deb_read(fd, name, limits, out, visit, &x, err);
	if (x.dir_fd >= 0)
		close(x.dir_fd);
	if (r == 0 && (r = finish_dirs(&x, out, err)) < 0)
		pare_error_prefix(err, r, "%s: ", name ? name : "(deb)");
	for (char *p = err && r < 0 ? err->msg : ""; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return r;
}

int pare_deb_remove_tree(const char *path, struct pare_error *err)
{
	int r = pare_tree_remove(path);
	return r ? pare_error_set(err, r < 0 ? r : -EIO, "%s: cannot remove the tree", path) : 0;
}
