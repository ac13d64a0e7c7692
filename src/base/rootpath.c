#include "base/rootpath.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

int pare_root_open(struct pare_root *r, const char *path, struct pare_error *err)
{
	int fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return pare_error_set(err, -errno, "%s: cannot open root: %s", path, strerror(errno));
	pare_root_from_fd(r, fd);
	return 0;
}

void pare_root_from_fd(struct pare_root *r, int fd)
{
	r->fd = fd;
	r->mode = PARE_ROOT_AUTO;
}

void pare_root_release(struct pare_root *r)
{
	if (r && r->fd >= 0) {
		close(r->fd);
		r->fd = -1;
	}
}

static bool same_dir(int a, int b)
{
	struct stat sa, sb;
	return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

/* The walk keeps the not-yet-resolved rest of the path in `rest`; a symlink
 * is expanded by putting its target in front of what remains. */
struct walk {
	struct pare_root *root;
	int cur;                    /* directory reached so far (owned) */
	char rest[2 * PARE_PATH_MAX];
	size_t pos;                 /* start of the unresolved part in rest */
	int links;
	bool dir_only;              /* the final component must be a directory */
	bool create;                /* O_CREAT was given */
};

static int walk_next(struct walk *w, char *comp, size_t size, bool *last)
{
	const char *p = w->rest + w->pos;
	while (*p == '/')
		p++;
	const char *end = strchrnul(p, '/');
	size_t n = (size_t)(end - p);
	if (n >= size)
		return -ENAMETOOLONG;
	memcpy(comp, p, n);
	comp[n] = '\0';
	while (*end == '/')
		end++;
	*last = *end == '\0';
	w->pos = (size_t)(end - w->rest);
	return 0;
}

static int walk_set_cur(struct walk *w, int fd)
{
	if (w->cur >= 0)
		close(w->cur);
	w->cur = fd;
	return 0;
}

static int walk_expand_link(struct walk *w, int linkfd)
{
	char target[PARE_PATH_MAX];
	if (++w->links > PARE_SYMLINK_MAX)
		return -ELOOP;
	ssize_t n = readlinkat(linkfd, "", target, sizeof(target));
	if (n < 0)
		return -errno;
	if ((size_t)n >= sizeof(target))
		return -ENAMETOOLONG;
	size_t restlen = strlen(w->rest + w->pos);
	if ((size_t)n + 1 + restlen >= sizeof(w->rest))
		return -ENAMETOOLONG;
	char tmp[sizeof(w->rest)];
	memcpy(tmp, target, (size_t)n);
	tmp[n] = '/';
	memcpy(tmp + n + 1, w->rest + w->pos, restlen + 1);
	memcpy(w->rest, tmp, (size_t)n + 1 + restlen + 1);
	w->pos = 0;
	/* A final link whose target ends in '/' (as "l -> dir/") must resolve
	 * to a directory, as if the path had the trailing slash itself. */
	if (restlen == 0 && target[n - 1] == '/')
		w->dir_only = true;
	if (target[0] == '/') {
		int fd = fcntl(w->root->fd, F_DUPFD_CLOEXEC, 0);
		if (fd < 0)
			return -errno;
		walk_set_cur(w, fd);
	}
	return 0;
}

static int walk_dotdot(struct walk *w)
{
	if (same_dir(w->cur, w->root->fd))
		return 0; /* ".." at the root stays at the root */
	int fd = openat(w->cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	return walk_set_cur(w, fd);
}

/* One component: returns 1 when the final open should happen on comp, 0 to
 * go on walking, or a negative code. */
static int walk_step(struct walk *w, const char *comp, bool last, bool follow_last)
{
	if (comp[0] == '\0' || strcmp(comp, ".") == 0)
		return last ? 1 : 0;
	if (strcmp(comp, "..") == 0) {
		int r = walk_dotdot(w);
		return r < 0 ? r : (last ? 1 : 0);
	}
	/* Kernel rules for a trailing slash: with O_CREAT it is EISDIR; else
	 * a final symlink is followed (even with O_NOFOLLOW) and the result
	 * must be a directory (O_DIRECTORY on the final open). */
	if (last && w->dir_only && w->create)
		return -EISDIR;
	if (last && !follow_last && !w->dir_only)
		return 1;
	int fd = openat(w->cur, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return (last && errno == ENOENT) ? 1 : -errno;
	struct stat st;
	if (fstat(fd, &st) < 0) {
		int e = -errno;
		close(fd);
		return e;
	}
	if (S_ISLNK(st.st_mode)) {
		int r = walk_expand_link(w, fd);
		close(fd);
		return r;
	}
	if (last) {
		close(fd);
		return 1;
	}
	if (!S_ISDIR(st.st_mode)) {
		close(fd);
		return -ENOTDIR;
	}
	return walk_set_cur(w, fd);
}

static int root_walk_open(struct pare_root *r, const char *path, int flags, mode_t mode)
{
	/* Not `= { ... }`: that would clear the 8 KiB of rest on every open. */
	struct walk w;
	size_t len = strlen(path);
	if (len >= PARE_PATH_MAX)
		return -ENAMETOOLONG;
	w.root = r;
	w.cur = -1;
	w.pos = 0;
	w.links = 0;
	memcpy(w.rest, path, len + 1);
	w.cur = fcntl(r->fd, F_DUPFD_CLOEXEC, 0);
	if (w.cur < 0)
		return -errno;
	bool follow_last = !(flags & O_NOFOLLOW) && !((flags & O_CREAT) && (flags & O_EXCL));
	w.dir_only = len > 0 && path[len - 1] == '/';
	w.create = (flags & O_CREAT) != 0;
	char comp[256];
	int ret;
	for (;;) {
		bool last;
		if (w.rest[w.pos] == '\0' || strspn(w.rest + w.pos, "/") == strlen(w.rest + w.pos)) {
			ret = openat(w.cur, ".", flags, mode);
			if (ret < 0)
				ret = -errno;
			break;
		}
		ret = walk_next(&w, comp, sizeof(comp), &last);
		if (ret == 0)
			ret = walk_step(&w, comp, last, follow_last);
		if (ret < 0)
			break;
		if (ret == 1) {
			const char *name = comp[0] && strcmp(comp, "..") != 0 ? comp : ".";
			int final = flags | O_NOFOLLOW;
			if (w.dir_only && !w.create)
				final |= O_DIRECTORY;
			ret = openat(w.cur, name, final, mode);
			if (ret < 0)
				ret = -errno;
			break;
		}
	}
	close(w.cur);
	return ret;
}

static int root_openat2(struct pare_root *r, const char *path, int flags, mode_t mode)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC),
		/* O_TMPFILE includes O_DIRECTORY: test all its bits, or a plain
		 * O_DIRECTORY open would pass a mode and get EINVAL. */
		.mode = ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE) ? mode : 0,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	long fd;
	/* With RESOLVE_IN_ROOT the kernel returns EAGAIN when a concurrent
	 * rename may have moved a ".." target; openat2(2) says to retry. */
	for (int tries = 0;; tries++) {
		fd = syscall(SYS_openat2, r->fd, path, &how, sizeof(how));
		if (fd >= 0 || errno != EAGAIN || tries >= 16)
			break;
	}
	return fd < 0 ? -errno : (int)fd;
}

int pare_root_openat(struct pare_root *r, const char *path, int flags, mode_t mode,
		     struct pare_error *err)
{
	int fd;
	if (r->mode != PARE_ROOT_WALK) {
		fd = root_openat2(r, path[0] ? path : ".", flags, mode);
		if (r->mode == PARE_ROOT_AUTO && (fd == -ENOSYS || fd == -EPERM || fd == -E2BIG)) {
			/* openat2 missing or filtered, or did this open fail for
			 * a reason of its own (EPERM on an immutable file)?  A
			 * harmless probe tells, so that one such error does not
			 * switch the root to the weaker walk for good. */
			int probe = root_openat2(r, ".", O_PATH | O_DIRECTORY, 0);
			if (probe >= 0) {
				close(probe);
				r->mode = PARE_ROOT_OPENAT2;
				goto out;
			}
			r->mode = PARE_ROOT_WALK;
		} else {
			r->mode = PARE_ROOT_OPENAT2;
			goto out;
		}
	}
	fd = root_walk_open(r, path, flags | O_CLOEXEC, mode);
out:
	if (fd < 0)
		return pare_error_set(err, fd, "%s: %s", path, strerror(-fd));
	return fd;
}

/* Split off the last component: returns its offset in path, or -1 when the
 * path has no usable last component ("", "/", ".", ".."). */
static ptrdiff_t last_component(const char *path, size_t *dirlen)
{
	size_t len = strlen(path);
	while (len > 0 && path[len - 1] == '/')
		len--;
	size_t start = len;
	while (start > 0 && path[start - 1] != '/')
		start--;
	size_t n = len - start;
	if (n == 0 || (n == 1 && path[start] == '.') ||
	    (n == 2 && path[start] == '.' && path[start + 1] == '.'))
		return -1;
	*dirlen = start;
	return (ptrdiff_t)start;
}

static int root_mkdirs(struct pare_root *r, const char *dir, size_t dirlen, mode_t mode)
{
	char prefix[PARE_PATH_MAX];
	size_t i = 0;
	int parent = fcntl(r->fd, F_DUPFD_CLOEXEC, 0);
	if (parent < 0)
		return -errno;
	while (i < dirlen) {
		while (i < dirlen && dir[i] == '/')
			i++;
		size_t start = i;
		while (i < dirlen && dir[i] != '/')
			i++;
		if (i == start)
			break;
		memcpy(prefix, dir, i);
		prefix[i] = '\0';
		int fd = pare_root_openat(r, prefix, O_PATH | O_DIRECTORY, 0, NULL);
		if (fd == -ENOENT) {
			char comp[256];
			if (i - start >= sizeof(comp)) {
				close(parent);
				return -ENAMETOOLONG;
			}
			memcpy(comp, dir + start, i - start);
			comp[i - start] = '\0';
			if (mkdirat(parent, comp, mode) < 0 && errno != EEXIST) {
				int e = -errno;
				close(parent);
				return e;
			}
			fd = pare_root_openat(r, prefix, O_PATH | O_DIRECTORY, 0, NULL);
		}
		close(parent);
		if (fd < 0)
			return fd;
		parent = fd;
	}
	close(parent);
	return 0;
}

int pare_root_open_parent(struct pare_root *r, const char *path, bool create, mode_t mode,
			  const char **base, struct pare_error *err)
{
	size_t dirlen = 0;
	ptrdiff_t off = last_component(path, &dirlen);
	if (off < 0)
		return pare_error_set(err, -PARE_E_UNSAFE_PATH, "%s: no file name in path", path);
	if (dirlen >= PARE_PATH_MAX)
		return pare_error_set(err, -ENAMETOOLONG, "%s: path too long", path);
	char dir[PARE_PATH_MAX];
	memcpy(dir, path, dirlen);
	dir[dirlen] = '\0';
	if (create) {
		int rc = root_mkdirs(r, dir, dirlen, mode);
		if (rc < 0)
			return pare_error_set(err, rc, "%s: cannot create parent directories: %s",
					      path, strerror(-rc));
	}
	int fd = pare_root_openat(r, dir, O_PATH | O_DIRECTORY, 0, NULL);
	if (fd < 0)
		return pare_error_set(err, fd, "%s: cannot open parent directory: %s", path,
				      strerror(-fd));
	*base = path + off;
	return fd;
}

int pare_path_check_name(struct pare_slice name, struct pare_error *err)
{
	if (name.len == 0)
		return pare_error_set(err, -PARE_E_UNSAFE_PATH, "empty path name");
	if (name.len > PARE_PATH_MAX)
		return pare_error_set(err, -PARE_E_UNSAFE_PATH, "path name longer than %d bytes",
				      PARE_PATH_MAX);
	if (name.ptr[0] == '/')
		return pare_error_set(err, -PARE_E_UNSAFE_PATH, "%.*s: absolute path name",
				      (int)name.len, name.ptr);
	for (size_t i = 0; i < name.len; i++) {
		unsigned char c = (unsigned char)name.ptr[i];
		if (c < 0x20 || c == 0x7f)
			return pare_error_set(err, -PARE_E_UNSAFE_PATH,
					      "path name has control character 0x%02x at byte %zu",
					      c, i);
	}
	struct pare_slice rest = name, comp;
	while (rest.len) {
		pare_slice_split(&rest, '/', &comp);
		if (pare_slice_eq_cstr(comp, ".."))
			return pare_error_set(err, -PARE_E_UNSAFE_PATH,
					      "%.*s: '..' in path name", (int)name.len, name.ptr);
	}
	return 0;
}

int pare_path_normalise(struct pare_slice name, char *out, size_t *len, struct pare_error *err)
{
	*len = 0;
	int r = pare_path_check_name(name, err);
	if (r < 0)
		return r;
	size_t n = 0;
	struct pare_slice rest = name, comp;
	while (rest.len) {
		pare_slice_split(&rest, '/', &comp);
		if (comp.len == 0 || pare_slice_eq_cstr(comp, "."))
			continue;
		if (n + (n > 0) + comp.len > PARE_PATH_MAX)
			return pare_error_set(err, -ENAMETOOLONG, "%.*s: path too long",
					      (int)(name.len > 200 ? 200 : name.len), name.ptr);
		if (n > 0)
			out[n++] = '/';
		memcpy(out + n, comp.ptr, comp.len);
		n += comp.len;
	}
	out[n] = '\0';
	*len = n;
	return 0;
}

struct pare_slice pare_path_trim_lead(struct pare_slice n)
{
	for (;;) {
		if (n.len >= 2 && n.ptr[0] == '.' && n.ptr[1] == '/')
			n = pare_slice_sub(n, 2, n.len - 2);
		else if (n.len && n.ptr[0] == '/')
			n = pare_slice_sub(n, 1, n.len - 1);
		else
			return n;
	}
}

struct pare_slice pare_path_trim_entry(struct pare_slice n)
{
	while (n.len >= 2 && n.ptr[0] == '.' && n.ptr[1] == '/')
		n = pare_slice_sub(n, 2, n.len - 2);
	while (n.len && n.ptr[n.len - 1] == '/')
		n.len--;
	if (pare_slice_eq_cstr(n, "."))
		n.len = 0;
	return n;
}
