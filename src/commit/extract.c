/* Staging a package's entries under temporary names inside a root, then
 * committing them into place.  See extract.h for the rules and the order. */
#include "commit/extract.h"
#include "io/stream.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#define COPY_BUF_SIZE 65536
#define NAME_MAX_BYTES 255
#define XATTR_PREFIX "SCHILY.xattr."
#define XATTR_VALUE_MAX 65536
#define TMP_TRIES 64
#define ANON_MAX 128 /* O_TMPFILE temporaries held open per extractor, at most */

struct xattr_rec {
	const char *name; /* NUL-terminated (arena) */
	const void *value;
	size_t len;
};

/* One tracked path: an entry of the package or a parent directory of one.
 * Invariants: path is normalised (no "", "." or ".." components, no
 * leading, trailing or doubled '/'), NUL-terminated and in the arena;
 * path[0..dirlen) is the parent (dirlen 0: the root); base is the last
 * component; tmp_live implies tmp != NULL; afd >= 0 implies !tmp_live. */
struct pare_extract_node {
	const char *path;
	size_t len, dirlen, depth, index;
	const char *base;
	char *tmp;       /* temporary name in the parent directory (arena) */
	char type;       /* PARE_TAR_* */
	bool is_entry;   /* named by the package, not only a parent */
	bool created;    /* a directory the extractor made */
	bool tmp_live;   /* the temporary exists */
	int afd;         /* a regular file staged without a name (O_TMPFILE),
			  * linked into place at commit, or -1 */
	bool replaces_dir; /* a directory at path goes at commit */
	bool meta_done;    /* owner, mode and times applied while staging */
	char *aside;       /* the non-directory this directory replaced, moved
			    * to this temporary name (arena), or NULL */
	uint32_t mode;
	uint64_t uid, gid;
	int64_t mtime;
	dev_t rdev;
	dev_t tmp_dev;   /* regular files: identity of the temporary */
	ino_t tmp_ino;
	struct xattr_rec *xattrs;
	size_t nxattrs;
};

typedef struct pare_extract_node xnode;

static int xfail(struct pare_extract *x, struct pare_error *err, int code, const char *path,
		 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int xfail(struct pare_extract *x, struct pare_error *err, int code, const char *path,
		 const char *fmt, ...)
{
	char why[PARE_ERROR_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	pare_error_set(err, code, "%s%s%s%s%s", x->name ? x->name : "", x->name ? ": " : "",
		       path ? path : "", path ? ": " : "", why);
	return code;
}

static const char *type_text(char type)
{
	switch (type) {
	case PARE_TAR_REG: return "file";
	case PARE_TAR_LINK: return "hard link";
	case PARE_TAR_SYMLINK: return "symlink";
	case PARE_TAR_DIR: return "directory";
	case PARE_TAR_FIFO: return "fifo";
	default: return "device node";
	}
}

/* errno as a negative code, never 0 (callers test for < 0). */
static int neg_errno(void)
{
	return errno > 0 ? -errno : -EIO;
}

/* ---- set-up and tear-down ---- */

/* The effective uid, learnt once per process (pare never changes it);
 * first called on the main thread (pare_extract_init or _prep_init). */
static bool euid_is_root(void)
{
	static int root = -1;
	if (root < 0)
		root = geteuid() == 0;
	return root == 1;
}

/* Each extractor's salt for temporary names: a random value drawn once
 * per process, plus a count of the extractors made (main thread only). */
static uint64_t next_salt(void)
{
	static uint64_t salt, serial;
	static bool drawn;
	if (!drawn) {
		if (getrandom(&salt, sizeof(salt), GRND_NONBLOCK) != sizeof(salt))
			salt = ((uint64_t)getpid() << 32) ^ (uint64_t)time(NULL);
		drawn = true;
	}
	return salt + 0x9e3779b97f4a7c15ULL * serial++;
}

static bool valid_prefix(const char *p)
{
	size_t n = strlen(p);
	return n > 0 && n <= PARE_EXTRACT_TMP_PREFIX_MAX && !strchr(p, '/') &&
	       strcmp(p, ".") != 0 && strcmp(p, "..") != 0;
}

int pare_extract_init(struct pare_extract *x, struct pare_root *root,
		      const struct pare_extract_opts *opts, struct pare_error *err)
{
	static const struct pare_extract_opts defaults;
	const struct pare_extract_opts *o = opts ? opts : &defaults;
	memset(x, 0, sizeof(*x));
	x->root = root;
	x->dir_fd = -1;
	x->offer_fd = -1;
	for (size_t i = 0; i < PARE_EXTRACT_DIR_CACHE; i++)
		x->dirs[i].fd = -1;
	x->may_replace = o->may_replace;
	x->replace_ctx = o->replace_ctx;
	x->defer_dir = o->defer_dir;
	x->defer_ctx = o->defer_ctx;
	x->shared_dirs = o->dirs;
	pare_arena_init(&x->arena, 65536, PARE_EXTRACT_DEFAULT_MAX_META);
	pare_map_init(&x->paths);
	pare_map_init(&x->temps);
	x->is_root = euid_is_root();
	x->apply_owners = o->owners == PARE_EXTRACT_OWNERS_ON ||
			  (o->owners == PARE_EXTRACT_OWNERS_AUTO && x->is_root);
	x->allow_devices = o->allow_devices;
	x->name = o->name;
	x->max_entries = o->max_entries ? o->max_entries : PARE_EXTRACT_DEFAULT_MAX_ENTRIES;
	const char *prefix = o->tmp_prefix ? o->tmp_prefix : PARE_EXTRACT_TMP_PREFIX;
	if (!valid_prefix(prefix)) {
		x->state = PARE_EXTRACT_FAILED;
		return pare_error_set(err, -EINVAL, "extract: bad temporary name prefix \"%s\"",
				      prefix);
	}
	memcpy(x->tmp_prefix, prefix, strlen(prefix) + 1);
	x->tmp_salt = next_salt();
	x->copy_buf = malloc(COPY_BUF_SIZE);
	if (!x->copy_buf) {
		x->state = PARE_EXTRACT_FAILED;
		return pare_error_set(err, -ENOMEM, "extract: out of memory");
	}
	return 0;
}

void pare_extract_dircache_init(struct pare_extract_dircache *c)
{
	pare_map_init(&c->map);
	pare_arena_init(&c->arena, 16384, 0);
}

void pare_extract_dircache_drop(struct pare_extract_dircache *c)
{
	size_t pos = 0;
	struct pare_slice k;
	void *v;
	while (pare_map_next(&c->map, &pos, &k, &v))
		close((int)((intptr_t)v - 1));
	pare_map_release(&c->map);
	pare_arena_release(&c->arena);
	pare_extract_dircache_init(c);
}

void pare_extract_dircache_release(struct pare_extract_dircache *c)
{
	if (!c)
		return;
	pare_extract_dircache_drop(c);
	pare_map_release(&c->map);
	pare_arena_release(&c->arena);
}

static int open_dir(struct pare_root *root, const char *path, size_t len)
{
	char buf[PARE_PATH_MAX + 1];
	if (len > PARE_PATH_MAX)
		return -ENAMETOOLONG;
	memcpy(buf, path, len);
	buf[len] = '\0';
	return pare_root_openat(root, len ? buf : ".", O_PATH | O_DIRECTORY, 0, NULL);
}

/* Hand fd, an open descriptor of directory path[0..len), to the cache
 * (which owns it from now on, or closes it on failure). */
static int dircache_put(struct pare_extract_dircache *c, const char *path, size_t len, int fd)
{
	if (c->map.count >= PARE_EXTRACT_SHARED_DIRS)
		pare_extract_dircache_drop(c);
	struct pare_slice key = pare_arena_slice(&c->arena, pare_slice_make(path, len));
	void *v = (void *)(intptr_t)(fd + 1);
	if ((!key.ptr && len) || pare_map_put(&c->map, len ? key : PARE_SLICE_LIT(""), v, NULL) < 0) {
		close(fd);
		return -ENOMEM;
	}
	return 0;
}

int pare_extract_dircache_get(struct pare_extract_dircache *c, struct pare_root *root,
			      const char *path, size_t len, int *fd)
{
	void *v = pare_map_get(&c->map, pare_slice_make(path, len));
	if (v) {
		*fd = (int)((intptr_t)v - 1);
		return 0;
	}
	int r = open_dir(root, path, len);
	if (r < 0)
		return r;
	int e = dircache_put(c, path, len, r);
	if (e < 0)
		return e;
	*fd = r;
	return 0;
}

static void dir_cache_drop_own(struct pare_extract *x);

/* Directories may have gone: no descriptor of this extractor (or of the
 * shared cache) may be used again. */
static void dir_cache_drop(struct pare_extract *x)
{
	if (x->shared_dirs)
		pare_extract_dircache_drop(x->shared_dirs);
	dir_cache_drop_own(x);
}

static void dir_cache_drop_own(struct pare_extract *x)
{
	for (size_t i = 0; i < PARE_EXTRACT_DIR_CACHE; i++) {
		if (x->dirs[i].fd >= 0)
			close(x->dirs[i].fd);
		free(x->dirs[i].path);
		x->dirs[i].path = NULL;
		x->dirs[i].fd = -1;
	}
	x->dir_fd = -1;
}

/* Close every unnamed temporary (its file goes with it). */
static void close_anon(struct pare_extract *x)
{
	for (size_t i = 0; i < x->nnodes && x->nanon; i++) {
		if (x->nodes[i]->afd >= 0) {
			close(x->nodes[i]->afd);
			x->nodes[i]->afd = -1;
			x->nanon--;
		}
	}
}

void pare_extract_release(struct pare_extract *x)
{
	if (!x)
		return;
	dir_cache_drop_own(x);
	close_anon(x);
	pare_extract_offer(x, -1, 0);
	free(x->nodes);
	x->nodes = NULL;
	x->nnodes = x->nodes_cap = 0;
	pare_map_release(&x->paths);
	pare_map_release(&x->temps);
	pare_arena_release(&x->arena);
	free(x->copy_buf);
	x->copy_buf = NULL;
}

/* The cached descriptor of directory path[0..len), or -1. */
static int dir_cached(struct pare_extract *x, const char *path, size_t len)
{
	if (x->shared_dirs) {
		void *v = pare_map_get(&x->shared_dirs->map, pare_slice_make(path, len));
		return v ? (int)((intptr_t)v - 1) : -1;
	}
	for (size_t i = 0; i < PARE_EXTRACT_DIR_CACHE; i++) {
		struct pare_extract_dir *d = &x->dirs[i];
		if (d->fd >= 0 && d->len == len && memcmp(d->path, path, len) == 0)
			return d->fd;
	}
	return -1;
}

/* Hand fd, an open O_PATH descriptor of directory path[0..len) inside the
 * root, to the cache (which owns it from now on, or closes it on failure;
 * it may close other cached descriptors to make room). */
static int dir_put(struct pare_extract *x, const char *path, size_t len, int fd)
{
	if (x->shared_dirs)
		return dircache_put(x->shared_dirs, path, len, fd);
	char *copy = malloc(len + 1);
	if (!copy) {
		close(fd);
		return -ENOMEM;
	}
	memcpy(copy, path, len);
	copy[len] = '\0';
	struct pare_extract_dir *d = &x->dirs[x->dir_next++ % PARE_EXTRACT_DIR_CACHE];
	if (d->fd >= 0)
		close(d->fd);
	free(d->path);
	*d = (struct pare_extract_dir){ .path = copy, .len = len, .fd = fd };
	return 0;
}

/* An O_PATH descriptor of directory path[0..len) inside the root, owned by
 * the cache (valid until the next call: it may be replaced). */
static int get_dir(struct pare_extract *x, const char *path, size_t len, int *fd)
{
	int c = dir_cached(x, path, len);
	if (c < 0) {
		c = open_dir(x->root, path, len);
		int r = c < 0 ? c : dir_put(x, path, len, c);
		if (r < 0)
			return r;
	}
	*fd = x->dir_fd = c;
	return 0;
}

/* ---- names and nodes ---- */

/* Normalise an archive name into out (PARE_PATH_MAX + 1 bytes) with
 * pare_path_normalise (errors prefixed with the package's name); also
 * refuse components longer than NAME_MAX_BYTES. */
static int normalise(struct pare_extract *x, struct pare_slice name, char *out, size_t *outlen,
		     struct pare_error *err)
{
	int r = pare_path_normalise(name, out, outlen, err);
	if (r < 0) {
		if (x->name)
			pare_error_prefix(err, r, "%s: ", x->name);
		return r;
	}
	struct pare_slice rest = pare_slice_make(out, *outlen), comp;
	while (rest.len) {
		pare_slice_split(&rest, '/', &comp);
		if (comp.len > NAME_MAX_BYTES)
			return xfail(x, err, -ENAMETOOLONG, NULL, "%.*s: component longer than %d bytes",
				     (int)name.len, name.ptr, NAME_MAX_BYTES);
	}
	return 0;
}

static int nodes_push(struct pare_extract *x, xnode *n)
{
	if (x->nnodes == x->nodes_cap) {
		size_t cap = x->nodes_cap ? 2 * x->nodes_cap : 256;
		xnode **v = realloc(x->nodes, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		x->nodes = v;
		x->nodes_cap = cap;
	}
	n->index = x->nnodes;
	x->nodes[x->nnodes++] = n;
	return 0;
}

static int node_new(struct pare_extract *x, const char *path, size_t len, char type,
		    xnode **out, struct pare_error *err)
{
	if (x->nnodes >= x->max_entries)
		return xfail(x, err, -PARE_E_TOO_BIG, path, "more than %zu paths in one package",
			     x->max_entries);
	xnode *n = pare_arena_zalloc(&x->arena, sizeof(*n));
	char *p = n ? pare_arena_strdup(&x->arena, pare_slice_make(path, len)) : NULL;
	if (!p)
		return xfail(x, err, -ENOMEM, path, "out of memory (or over %u bytes of metadata)",
			     PARE_EXTRACT_DEFAULT_MAX_META);
	n->path = p;
	n->len = len;
	n->type = type;
	n->afd = -1;
	const char *slash = memrchr(p, '/', len);
	n->dirlen = slash ? (size_t)(slash - p) : 0;
	n->base = slash ? slash + 1 : p;
	for (size_t i = 0; i < len; i++)
		n->depth += p[i] == '/';
	if (nodes_push(x, n) < 0 || pare_map_put(&x->paths, pare_slice_make(p, len), n, NULL) < 0)
		return xfail(x, err, -ENOMEM, path, "out of memory");
	*out = n;
	return 0;
}

/* ---- directories ---- */

static int make_tmp_name(struct pare_extract *x, const char *dir, size_t dirlen, char *name,
			 size_t size, char *key, size_t ksize);

/* Rename the non-directory at path aside (a tracked temporary name). */
static int move_aside(struct pare_extract *x, const char *path, size_t len, char **aside,
		      struct pare_error *err)
{
	(void)err;
	const char *slash = memrchr(path, '/', len);
	size_t dirlen = slash ? (size_t)(slash - path) : 0;
	char name[PARE_EXTRACT_TMP_PREFIX_MAX + 40], key[PARE_PATH_MAX + 128];
	int pfd, r = get_dir(x, path, dirlen, &pfd);
	if (r < 0)
		return r;
	int klen = make_tmp_name(x, path, dirlen, name, sizeof(name), key, sizeof(key));
	if (klen < 0)
		return klen;
	if (renameat(pfd, slash ? slash + 1 : path, pfd, name) < 0)
		return neg_errno();
	*aside = pare_arena_strdup(&x->arena, pare_slice_from(name));
	struct pare_slice k = pare_arena_slice(&x->arena, pare_slice_make(key, (size_t)klen));
	if (!*aside || !k.ptr || pare_map_put(&x->temps, k, (void *)k.ptr, NULL) < 0) {
		renameat(pfd, name, pfd, slash ? slash + 1 : path);
		return -ENOMEM;
	}
	return 0;
}

/* The fast way to directory path[0..len) (the parent path[0..plen) is
 * resolved and cached): one component below the parent's descriptor,
 * not following a symlink, created (*created) when absent; the
 * descriptor is cached.  A negative code leaves the case (a symlink, not
 * a directory, a failed mkdir, a race) to the general path through the
 * root, which tells the error. */
static int open_child_dir(struct pare_extract *x, const char *path, size_t len, size_t plen,
			  mode_t mode, bool *created)
{
	int fd = dir_cached(x, path, len), pfd;
	if (fd >= 0)
		return fd;
	int r = get_dir(x, path, plen, &pfd);
	if (r < 0)
		return r;
	const char *base = path + (plen ? plen + 1 : 0);
	const int flags = O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
	/* mkdir first: on a fresh root most directories are new */
	if (mkdirat(pfd, base, mode) == 0)
		*created = true;
	else if (errno != EEXIST)
		return neg_errno();
	fd = openat(pfd, base, flags);
	if (fd < 0)
		return neg_errno();
	r = dir_put(x, path, len, fd);
	if (r < 0)
		return r;
	x->dir_fd = fd;
	return fd;
}

/* Make sure directory path[0..len) exists (its parents already do), and
 * track it.  `entry` is the package path being staged, for messages. */
static int ensure_dir(struct pare_extract *x, const char *path, size_t len, mode_t mode,
		      const char *entry, xnode **out, struct pare_error *err)
{
	xnode *n = pare_map_get(&x->paths, pare_slice_make(path, len));
	if (n && n->type != PARE_TAR_DIR)
		return xfail(x, err, -PARE_E_UNSAFE_PATH, entry,
			     "path passes through %s, which this package creates as a %s", n->path,
			     type_text(n->type));
	if (n) {
		*out = n;
		return 0;
	}
	if (pare_map_get(&x->temps, pare_slice_make(path, len)))
		return xfail(x, err, -PARE_E_UNSAFE_PATH, entry, "collides with a temporary file");
	char buf[PARE_PATH_MAX + 1];
	memcpy(buf, path, len);
	buf[len] = '\0';
	const char *slash = memrchr(buf, '/', len);
	const char *base = slash ? slash + 1 : buf;
	bool created = false;
	char *aside = NULL;
	size_t plen = slash ? (size_t)(slash - buf) : 0;
	int fd = open_child_dir(x, buf, len, plen, mode, &created);
	if (fd < 0) {
		int got = get_dir(x, buf, len, &fd);
		if (got < 0)
			fd = got;
	}
	if (fd == -ENOTDIR && x->may_replace && x->may_replace(x->replace_ctx, buf, false)) {
		int r = move_aside(x, buf, len, &aside, err);
		if (r < 0)
			return xfail(x, err, r, entry, "cannot move %s aside: %s", buf, strerror(-r));
		fd = -ENOENT;
	}
	if (fd == -ENOENT) {
		int pfd;
		int r = get_dir(x, buf, plen, &pfd);
		if (r < 0)
			return xfail(x, err, r, entry, "cannot open the parent of %s: %s", buf,
				     strerror(-r));
		if (mkdirat(pfd, base, mode) == 0)
			created = true;
		else if (errno != EEXIST)
			return xfail(x, err, neg_errno(), entry, "cannot create directory %s: %s", buf,
				     strerror(errno));
		int got = get_dir(x, buf, len, &fd);
		if (got < 0)
			fd = got;
	}
	if (fd < 0)
		return xfail(x, err, fd == -ENOTDIR ? -PARE_E_UNSAFE_PATH : fd, entry,
			     "cannot use %s as a directory: %s", buf,
			     fd == -ENOTDIR ? "it exists and is not one" : strerror(-fd));
	int r = node_new(x, buf, len, PARE_TAR_DIR, &n, err);
	if (r < 0) {
		int pfd; /* untracked: undo now */
		if (created && get_dir(x, buf, plen, &pfd) == 0) {
			unlinkat(pfd, base, AT_REMOVEDIR);
			dir_cache_drop(x);
		}
		return r;
	}
	n->created = created;
	n->aside = aside;
	*out = n;
	return 0;
}

/* Every directory above path[0..len). */
static int ensure_parents(struct pare_extract *x, const char *path, size_t len,
			  struct pare_error *err)
{
	const char *slash = memrchr(path, '/', len);
	if (!slash)
		return 0;
	size_t dirlen = (size_t)(slash - path);
	xnode *n = pare_map_get(&x->paths, pare_slice_make(path, dirlen));
	if (n && n->type == PARE_TAR_DIR)
		return 0; /* its own parents were ensured when it was */
	for (size_t i = 1; i <= dirlen; i++) {
		if (i < dirlen && path[i] != '/')
			continue;
		int r = ensure_dir(x, path, i, 0755, path, &n, err);
		if (r < 0)
			return r;
	}
	return 0;
}

/* ---- metadata ---- */

static int copy_xattrs(struct pare_extract *x, xnode *n, const struct pare_tar_entry *e,
		       struct pare_error *err)
{
	const struct pare_slice pfx = PARE_SLICE_LIT(XATTR_PREFIX);
	size_t count = 0;
	for (size_t i = 0; i < e->nrecords; i++)
		count += pare_slice_starts_with(e->records[i].key, pfx);
	n->xattrs = NULL;
	n->nxattrs = 0;
	if (count == 0)
		return 0;
	n->xattrs = pare_arena_alloc(&x->arena, count * sizeof(*n->xattrs));
	if (!n->xattrs)
		return xfail(x, err, -ENOMEM, n->path, "out of memory");
	for (size_t i = 0; i < e->nrecords; i++) {
		const struct pare_tar_record *rec = &e->records[i];
		if (!pare_slice_starts_with(rec->key, pfx))
			continue;
		struct pare_slice name = pare_slice_sub(rec->key, pfx.len, rec->key.len - pfx.len);
		if (name.len == 0 || name.len > NAME_MAX_BYTES || rec->value.len > XATTR_VALUE_MAX)
			return xfail(x, err, -PARE_E_FORMAT, n->path, "bad xattr record %.*s",
				     (int)(rec->key.len > 80 ? 80 : rec->key.len), rec->key.ptr);
		struct xattr_rec *xr = &n->xattrs[n->nxattrs++];
		xr->name = pare_arena_strdup(&x->arena, name);
		void *v = pare_arena_alloc(&x->arena, rec->value.len + 1);
		if (!xr->name || !v)
			return xfail(x, err, -ENOMEM, n->path, "out of memory");
		memcpy(v, rec->value.ptr, rec->value.len);
		xr->value = v;
		xr->len = rec->value.len;
	}
	return 0;
}

static int set_meta(struct pare_extract *x, xnode *n, const struct pare_tar_entry *e,
		    struct pare_error *err)
{
	if (x->apply_owners && (e->uid >= UINT32_MAX || e->gid >= UINT32_MAX))
		return xfail(x, err, -PARE_E_FORMAT, n->path, "owner %llu:%llu out of range",
			     (unsigned long long)e->uid, (unsigned long long)e->gid);
	n->is_entry = true;
	n->mode = e->mode & 07777;
	n->uid = e->uid;
	n->gid = e->gid;
	n->mtime = e->mtime;
	return copy_xattrs(x, n, e, err);
}

static uint32_t final_mode(const struct pare_extract *x, uint32_t mode)
{
	if (!(x->is_root && x->apply_owners))
		mode &= ~(uint32_t)(S_ISUID | S_ISGID);
	return mode & 07777;
}

static bool xattr_skippable(int e)
{
	return e == ENOTSUP || e == EOPNOTSUPP || e == EPERM;
}

/* Apply n's xattrs through fd, or through path when fd < 0 (lsetxattr). */
static int apply_xattrs(struct pare_extract *x, const xnode *n, int fd, const char *path,
			struct pare_error *err)
{
	for (size_t i = 0; i < n->nxattrs; i++) {
		const struct xattr_rec *xr = &n->xattrs[i];
		int r = fd >= 0 ? fsetxattr(fd, xr->name, xr->value, xr->len, 0)
				: lsetxattr(path, xr->name, xr->value, xr->len, 0);
		if (r == 0)
			continue;
		if (!xattr_skippable(errno))
			return xfail(x, err, neg_errno(), n->path, "cannot set xattr %s: %s", xr->name,
				     strerror(errno));
		x->xattr_warnings++;
	}
	return 0;
}

/* Access and modification times both set to an entry's mtime (whole
 * seconds: tar headers carry no more). */
static void mtime_times(int64_t mtime, struct timespec ts[2])
{
	ts[0].tv_sec = (time_t)mtime;
	ts[0].tv_nsec = 0;
	ts[1] = ts[0];
}

/* Owner, mode, xattrs and times of a regular file's temporary, through
 * its unnamed descriptor (n->afd) or reopened by name in pfd. */
static int meta_file(struct pare_extract *x, xnode *n, int pfd, struct pare_error *err)
{
	int fd = n->afd >= 0 ? n->afd
			     : openat(pfd, n->tmp, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return xfail(x, err, neg_errno(), n->path, "cannot reopen temporary %s: %s", n->tmp,
			     strerror(errno));
	struct stat st;
	struct timespec ts[2];
	int r = 0;
	const char *what = NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_dev != n->tmp_dev ||
	    st.st_ino != n->tmp_ino)
		r = -PARE_E_UNSAFE_PATH, what = "temporary was replaced";
	else if (x->apply_owners && (st.st_uid != n->uid || st.st_gid != n->gid) &&
		 fchown(fd, (uid_t)n->uid, (gid_t)n->gid) < 0)
		r = neg_errno(), what = "cannot change owner";
	else if (fchmod(fd, final_mode(x, n->mode)) < 0)
		r = neg_errno(), what = "cannot change mode";
	if (r == 0)
		r = apply_xattrs(x, n, fd, NULL, err);
	mtime_times(n->mtime, ts);
	if (r == 0 && futimens(fd, ts) < 0)
		r = neg_errno(), what = "cannot set times";
	if (fd != n->afd)
		close(fd);
	if (r < 0 && what)
		return xfail(x, err, r, n->path, "%s: %s", what,
			     r == -PARE_E_UNSAFE_PATH ? (n->tmp ? n->tmp : "(unnamed)")
						       : strerror(-r));
	return r;
}

/* Owner (when owners apply and it differs from st's), mode (final, when
 * it differs or after a chown, which drops set-id bits), then times of
 * the file fd, whose status is st: 0, or a negative code and *what. */
static int plain_meta(int fd, const struct stat *st, bool owners, uint64_t uid, uint64_t gid,
		      uint32_t mode, int64_t mtime, const char **what)
{
	struct timespec ts[2];
	mtime_times(mtime, ts);
	bool chown_it = owners && (st->st_uid != uid || st->st_gid != gid);
	if (chown_it && fchown(fd, (uid_t)uid, (gid_t)gid) < 0)
		return *what = "cannot change owner", neg_errno();
	if ((chown_it || (st->st_mode & 07777) != mode) && fchmod(fd, mode) < 0)
		return *what = "cannot change mode", neg_errno();
	if (futimens(fd, ts) < 0)
		return *what = "cannot set times", neg_errno();
	return 0;
}

/* A plain regular file (no set-id bit, no xattr) gets its owner, mode and
 * times through the descriptor it was written by, saving the reopen at
 * commit.  Set-id bits and xattrs (file capabilities) still wait for the
 * commit, so an unverified temporary never carries a privilege. */
static int meta_staged(struct pare_extract *x, xnode *n, int fd, const struct stat *st,
		       struct pare_error *err)
{
	if ((final_mode(x, n->mode) & (S_ISUID | S_ISGID)) || n->nxattrs)
		return 0;
	const char *what = NULL;
	int r = plain_meta(fd, st, x->apply_owners, n->uid, n->gid, final_mode(x, n->mode),
			   n->mtime, &what);
	if (r < 0)
		return xfail(x, err, r, n->path, "%s: %s", what, strerror(-r));
	n->meta_done = true;
	return 0;
}

/* The same for symlinks, fifos and device nodes, by name without
 * following (the name is a single component in a resolved directory). */
static int meta_other(struct pare_extract *x, xnode *n, int pfd, struct pare_error *err)
{
	struct timespec ts[2];
	char proc[64 + NAME_MAX_BYTES];
	if (x->apply_owners &&
	    fchownat(pfd, n->tmp, (uid_t)n->uid, (gid_t)n->gid, AT_SYMLINK_NOFOLLOW) < 0)
		return xfail(x, err, neg_errno(), n->path, "cannot change owner: %s", strerror(errno));
	if (n->type != PARE_TAR_SYMLINK &&
	    fchmodat(pfd, n->tmp, final_mode(x, n->mode), AT_SYMLINK_NOFOLLOW) < 0)
		return xfail(x, err, neg_errno(), n->path, "cannot change mode: %s", strerror(errno));
	if (n->nxattrs) {
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d/%s", pfd, n->tmp);
		int r = apply_xattrs(x, n, -1, proc, err);
		if (r < 0)
			return r;
	}
	mtime_times(n->mtime, ts);
	if (utimensat(pfd, n->tmp, ts, AT_SYMLINK_NOFOLLOW) < 0)
		return xfail(x, err, neg_errno(), n->path, "cannot set times: %s", strerror(errno));
	return 0;
}

/* A directory at its final path: owner and mode where they differ, xattrs
 * (of n, or none), times.  Failures on directories that existed before
 * are tolerated when they are permission errors (1). */
static int apply_dir(struct pare_root *root, struct pare_extract_dircache *dirs,
		     const struct pare_extract_dirmeta *m, struct pare_extract *x, const xnode *n,
		     struct pare_error *err)
{
	char path[PARE_PATH_MAX + 1];
	snprintf(path, sizeof(path), "%.*s", (int)m->len, m->path);
	/* One component below the parent's cached descriptor, when it is no
	 * symlink; else (or with no cache) resolved through the root. */
	const char *slash = strrchr(path, '/');
	struct pare_slice parent = slash ? pare_slice_make(path, (size_t)(slash - path))
					 : PARE_SLICE_NULL;
	void *pv = dirs && slash ? pare_map_get(&dirs->map, parent) : NULL;
	int pfd = pv ? (int)((intptr_t)pv - 1) : -1;
	struct stat st;
	struct timespec ts[2] = { { .tv_sec = (time_t)m->mtime }, { .tv_sec = (time_t)m->mtime } };
	/* Owner and mode already right (a directory the package created):
	 * only the times, by name without following (what sits there is in
	 * a resolved directory of the root, and only its times could change). */
	if (pfd >= 0 && !n && fstatat(pfd, slash + 1, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISDIR(st.st_mode) && (st.st_mode & 07777) == m->mode &&
	    (!m->owners || (st.st_uid == m->uid && st.st_gid == m->gid)) &&
	    utimensat(pfd, slash + 1, ts, AT_SYMLINK_NOFOLLOW) == 0)
		return 0;
	int fd = pfd >= 0 ? openat(pfd, slash + 1, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
			  : -1;
	if (fd < 0)
		fd = pare_root_openat(root, path, O_RDONLY | O_DIRECTORY, 0, NULL);
	if (!x && (fd == -ENOENT || fd == -ENOTDIR))
		return 1; /* a later change of the transaction removed it */
	int r = fd < 0 ? fd : 0;
	const char *what = fd < 0 ? "cannot open" : NULL;
	if (r == 0 && fstat(fd, &st) < 0)
		r = neg_errno(), what = "cannot stat";
	bool chown_it = r == 0 && m->owners && (st.st_uid != m->uid || st.st_gid != m->gid);
	if (chown_it && fchown(fd, (uid_t)m->uid, (gid_t)m->gid) < 0)
		r = neg_errno(), what = "cannot change owner";
	/* A chown may drop set-id bits: then the mode is set again. */
	else if (r == 0 && ((st.st_mode & 07777) != m->mode || (chown_it && (m->mode & 06000))) &&
		 fchmod(fd, m->mode) < 0)
		r = neg_errno(), what = "cannot change mode";
	if (r == 0 && x && n)
		r = apply_xattrs(x, n, fd, NULL, err);
	if (r == 0 && futimens(fd, ts) < 0)
		r = neg_errno(), what = "cannot set times";
	if (fd >= 0)
		close(fd);
	if (r < 0 && !m->created && (r == -EPERM || r == -EACCES))
		return 1;
	if (r < 0 && what)
		return pare_error_set(err, r, "%s%s%.*s: directory: %s: %s", x && x->name ? x->name : "",
				      x && x->name ? ": " : "", (int)m->len, m->path, what,
				      strerror(-r));
	return r;
}

static void node_dirmeta(const struct pare_extract *x, const xnode *n,
			 struct pare_extract_dirmeta *m)
{
	*m = (struct pare_extract_dirmeta){ .path = n->path, .len = n->len,
					    .mode = final_mode(x, n->mode),
					    .uid = (uint32_t)n->uid, .gid = (uint32_t)n->gid,
					    .owners = x->apply_owners, .created = n->created,
					    .mtime = n->mtime };
}

/* A directory of the package, at its final path. */
static int meta_dir(struct pare_extract *x, xnode *n, struct pare_error *err)
{
	struct pare_extract_dirmeta m;
	node_dirmeta(x, n, &m);
	if (x->defer_dir && !n->nxattrs) {
		x->defer_dir(x->defer_ctx, &m);
		return 0;
	}
	int r = apply_dir(x->root, NULL, &m, x, n, err);
	if (r == 1)
		x->meta_warnings++;
	return r < 0 ? r : 0;
}

int pare_extract_dir_apply(struct pare_root *root, struct pare_extract_dircache *dirs,
			   const struct pare_extract_dirmeta *m, struct pare_error *err)
{
	return apply_dir(root, dirs, m, NULL, NULL, err);
}

/* ---- staging ---- */

/* What to create under a temporary name. */
struct make_req {
	char type;
	const char *target; /* symlink text */
	int link_dir;       /* hard link: directory of the target's temporary */
	const char *link_tmp;
	dev_t rdev;
	int fd;             /* regular file: the open temporary */
	mode_t perm;        /* regular file: created with (no set-id bits) */
};

static int make_one(struct make_req *m, int pfd, const char *name)
{
	int r = 0;
	switch (m->type) {
	case PARE_TAR_REG:
		m->fd = openat(pfd, name, O_CREAT | O_EXCL | O_NOFOLLOW | O_WRONLY | O_CLOEXEC,
			       m->perm);
		r = m->fd < 0 ? -1 : 0;
		break;
	case PARE_TAR_SYMLINK:
		r = symlinkat(m->target, pfd, name);
		break;
	case PARE_TAR_LINK:
		r = linkat(m->link_dir, m->link_tmp, pfd, name, 0);
		break;
	case PARE_TAR_FIFO:
		r = mknodat(pfd, name, S_IFIFO | 0600, 0);
		break;
	default:
		r = mknodat(pfd, name, (m->type == PARE_TAR_CHR ? S_IFCHR : S_IFBLK) | 0600,
			    m->rdev);
		break;
	}
	return r < 0 ? neg_errno() : 0;
}

/* Remember the temporary just made as n's (for commit and abort). */
static int track_tmp(struct pare_extract *x, xnode *n, int pfd, const char *name,
		     struct pare_slice key, struct make_req *m, struct pare_error *err)
{
	n->tmp = pare_arena_strdup(&x->arena, pare_slice_from(name));
	struct pare_slice k = pare_arena_slice(&x->arena, key);
	if (n->tmp && k.ptr && pare_map_put(&x->temps, k, n, NULL) == 0) {
		n->tmp_live = true;
		return 0;
	}
	if (m->type == PARE_TAR_REG)
		close(m->fd);
	m->fd = -1;
	unlinkat(pfd, name, 0);
	n->tmp = NULL;
	return xfail(x, err, -ENOMEM, n->path, "out of memory");
}

/* A fresh temporary name (and its map key "dir/name") in directory
 * dir[0..dirlen) that is neither a temporary nor a path of this package;
 * returns the key's length. */
static int make_tmp_name(struct pare_extract *x, const char *dir, size_t dirlen, char *name,
			 size_t size, char *key, size_t ksize)
{
	size_t plen = strlen(x->tmp_prefix);
	if (size < plen + 33 || ksize < dirlen + 1 + plen + 33)
		return -ENAMETOOLONG;
	for (int tries = 0; tries < TMP_TRIES; tries++) {
		/* prefix, the salt as 16 hex digits, the counter in hex */
		static const char hex[] = "0123456789abcdef";
		char *p = name;
		memcpy(p, x->tmp_prefix, plen);
		p += plen;
		for (int i = 60; i >= 0; i -= 4)
			*p++ = hex[(x->tmp_salt >> i) & 15];
		uint64_t c = x->tmp_counter++;
		int top = 60;
		while (top > 0 && !((c >> top) & 15))
			top -= 4;
		for (int i = top; i >= 0; i -= 4)
			*p++ = hex[(c >> i) & 15];
		*p = '\0';
		size_t klen = 0;
		if (dirlen) {
			memcpy(key, dir, dirlen);
			key[dirlen] = '/';
			klen = dirlen + 1;
		}
		memcpy(key + klen, name, (size_t)(p - name) + 1);
		klen += (size_t)(p - name);
		struct pare_slice k = pare_slice_make(key, klen);
		if (!pare_map_get(&x->paths, k) && !pare_map_get(&x->temps, k))
			return (int)klen;
	}
	return -EEXIST;
}

/* Create n's temporary in its directory pfd with a fresh name that is
 * neither in use nor a path of this package. */
static int make_tmp(struct pare_extract *x, xnode *n, int pfd, struct make_req *m,
		    struct pare_error *err)
{
	char key[PARE_PATH_MAX + 128];
	for (int tries = 0; tries < TMP_TRIES; tries++) {
		char name[PARE_EXTRACT_TMP_PREFIX_MAX + 40];
		int klen = make_tmp_name(x, n->path, n->dirlen, name, sizeof(name), key, sizeof(key));
		if (klen < 0)
			break;
		struct pare_slice k = pare_slice_make(key, (size_t)klen);
		int r = make_one(m, pfd, name);
		if (r == -EEXIST)
			continue;
		if (r < 0)
			return xfail(x, err, r, n->path, "cannot create %s: %s", type_text(m->type),
				     strerror(-r));
		return track_tmp(x, n, pfd, name, k, m, err);
	}
	return xfail(x, err, -EEXIST, n->path, "no free temporary name after %d tries", TMP_TRIES);
}

/* Checks and tracking common to every non-directory entry: parents exist,
 * the path is new to the package, no directory sits at it.  Leaves the
 * parent's fd in *pfd (cached); *absent: nothing is at the path. */
static int stage_nondir(struct pare_extract *x, const char *path, size_t len,
			const struct pare_tar_entry *e, xnode **out, int *pfd, bool *absent,
			struct pare_error *err)
{
	int r = ensure_parents(x, path, len, err);
	if (r < 0)
		return r;
	xnode *n = pare_map_get(&x->paths, pare_slice_make(path, len));
	if (n)
		return xfail(x, err, n->type == PARE_TAR_DIR ? -PARE_E_UNSAFE_PATH : -PARE_E_FORMAT,
			     path, "%s conflicts with an earlier %s entry", type_text(e->type),
			     type_text(n->type));
	if (pare_map_get(&x->temps, pare_slice_make(path, len)))
		return xfail(x, err, -PARE_E_UNSAFE_PATH, path, "collides with a temporary file");
	const char *slash = memrchr(path, '/', len);
	size_t dirlen = slash ? (size_t)(slash - path) : 0;
	r = get_dir(x, path, dirlen, pfd);
	if (r < 0)
		return xfail(x, err, r, path, "cannot open parent directory: %s", strerror(-r));
	struct stat st;
	bool replaces = false;
	/* A directory this extractor created holds only its own entries
	 * (tracked above): nothing to look at on disk. */
	const xnode *parent = dirlen ? pare_map_get(&x->paths, pare_slice_make(path, dirlen)) : NULL;
	bool fresh_parent = parent && parent->created && parent->type == PARE_TAR_DIR;
	const char *base = slash ? slash + 1 : path;
	int got = fresh_parent ? -1 : fstatat(*pfd, base, &st, AT_SYMLINK_NOFOLLOW);
	*absent = fresh_parent || (got < 0 && errno == ENOENT);
	if (got == 0 && S_ISDIR(st.st_mode)) {
		replaces = x->may_replace && x->may_replace(x->replace_ctx, path, true);
		if (!replaces)
			return xfail(x, err, -PARE_E_UNSAFE_PATH, path,
				     "a directory exists where the package has a %s",
				     type_text(e->type));
	}
	r = node_new(x, path, len, e->type, &n, err);
	if (r < 0)
		return r;
	n->replaces_dir = replaces;
	r = set_meta(x, n, e, err);
	if (r < 0)
		return r;
	*out = n;
	return 0;
}

/* Close n's unnamed temporary, if any (its file goes with it). */
static void drop_anon(struct pare_extract *x, xnode *n)
{
	if (n->afd < 0)
		return;
	close(n->afd);
	n->afd = -1;
	x->nanon--;
}

/* Give n's unnamed temporary a temporary name in its directory pfd (a
 * hard link needs a name to link to; or the final path is taken and a
 * rename replaces it).  On success n has a tracked temporary like a named
 * one and *fd is the descriptor (the caller closes it); otherwise a
 * negative code and n is unchanged. */
static int name_anon(struct pare_extract *x, xnode *n, int pfd, int *fd)
{
	char key[PARE_PATH_MAX + 128], name[PARE_EXTRACT_TMP_PREFIX_MAX + 40];
	for (int tries = 0; tries < TMP_TRIES; tries++) {
		int klen = make_tmp_name(x, n->path, n->dirlen, name, sizeof(name), key, sizeof(key));
		if (klen < 0)
			return klen;
		if (linkat(n->afd, "", pfd, name, AT_EMPTY_PATH) < 0) {
			if (errno == EEXIST)
				continue;
			return neg_errno();
		}
		n->tmp = pare_arena_strdup(&x->arena, pare_slice_from(name));
		struct pare_slice k = pare_arena_slice(&x->arena, pare_slice_make(key, (size_t)klen));
		if (!n->tmp || !k.ptr || pare_map_put(&x->temps, k, n, NULL) < 0) {
			unlinkat(pfd, name, 0);
			n->tmp = NULL;
			return -ENOMEM;
		}
		n->tmp_live = true;
		*fd = n->afd;
		n->afd = -1;
		x->nanon--;
		return 0;
	}
	return -EEXIST;
}

/* How many unnamed temporaries an extractor may hold open: ANON_MAX,
 * less when the descriptor limit leaves too little room beside the
 * shared directory cache (learnt once per process). */
static size_t anon_max(void)
{
	static long cap = -1;
	if (cap < 0) {
		struct rlimit rl;
		long room = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY
				    ? (long)rl.rlim_cur - PARE_EXTRACT_SHARED_DIRS -
					      PARE_EXTRACT_DIR_CACHE - 64
				    : 2 * ANON_MAX;
		cap = room / 2 < 0 ? 0 : room / 2 > ANON_MAX ? ANON_MAX : room / 2;
	}
	return (size_t)cap;
}

/* Create n's regular file without a name (O_TMPFILE) in directory pfd,
 * so that nothing of it is visible before the commit links it into place
 * and a killed run leaves nothing behind: 0 with m->fd set, or 1 to use a
 * named temporary instead (a file system without O_TMPFILE, linkat
 * refusing AT_EMPTY_PATH without CAP_DAC_READ_SEARCH, anon_max() open).
 * The first one of the process is named at once, to learn whether linkat
 * works; it then goes on as a named temporary. */
static int anon_linkable; /* 1 linkat(AT_EMPTY_PATH) works, -1 not, 0 untried */

static int make_anon(struct pare_extract *x, xnode *n, int pfd, struct make_req *m)
{
	int linkable = anon_linkable;
	if (x->no_anon || linkable < 0 || x->nanon >= anon_max())
		return 1;
	int fd = openat(pfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, m->perm);
	if (fd < 0) {
		x->no_anon = true;
		return 1;
	}
	n->afd = fd;
	x->nanon++;
	if (linkable == 0) {
		int r = name_anon(x, n, pfd, &m->fd);
		if (r == 0) {
			anon_linkable = 1;
			return 0;
		}
		drop_anon(x, n);
		if (r == -ENOENT || r == -EPERM)
			anon_linkable = -1;
		else
			x->no_anon = true;
		return 1;
	}
	m->fd = fd;
	return 0;
}

static int copy_content(struct pare_extract *x, xnode *n, int fd, const struct pare_tar_entry *e,
			struct pare_istream *content, struct pare_error *err)
{
	uint64_t total = 0;
	for (;;) {
		ssize_t got = pare_istream_read(content, x->copy_buf, COPY_BUF_SIZE, err);
		if (got < 0)
			return (int)got;
		if (got == 0)
			break;
		int r = pare_write_all(fd, x->copy_buf, (size_t)got);
		if (r < 0)
			return xfail(x, err, r, n->path, "cannot write: %s", strerror(-r));
		total += (uint64_t)got;
	}
	if (total != e->size)
		return xfail(x, err, -PARE_E_TRUNCATED, n->path, "%llu bytes of %llu",
			     (unsigned long long)total, (unsigned long long)e->size);
	x->bytes += total;
	return 0;
}

/* Use the file offered for this entry (pare_extract_offer) as n's unnamed
 * temporary, its metadata already applied: only when nothing is at the
 * path, linkat(AT_EMPTY_PATH) is known to work, the open count allows and
 * the entry is one pare_extract_prepare makes. */
static bool take_offer(struct pare_extract *x, xnode *n, const struct pare_tar_entry *e,
		       bool absent)
{
	if (x->offer_fd < 0 || !absent || anon_linkable <= 0 || x->no_anon ||
	    x->nanon >= anon_max() || x->offer_size != e->size || n->nxattrs ||
	    (final_mode(x, n->mode) & (S_ISUID | S_ISGID)))
		return false;
	n->afd = x->offer_fd;
	x->offer_fd = -1;
	x->nanon++;
	n->meta_done = true;
	x->nfiles++;
	x->bytes += e->size;
	return true;
}

static int stage_file(struct pare_extract *x, const char *path, size_t len,
		      const struct pare_tar_entry *e, struct pare_istream *content,
		      struct pare_error *err)
{
	xnode *n = NULL;
	int pfd = -1;
	bool absent;
	int r = stage_nondir(x, path, len, e, &n, &pfd, &absent, err);
	if (r < 0)
		return r;
	if (take_offer(x, n, e, absent))
		return 0;
	/* Created with its permission bits (the umask may take some: then
	 * meta_staged sets them), never set-id ones before the commit. */
	struct make_req m = { .type = PARE_TAR_REG, .fd = -1, .perm = (mode_t)(n->mode & 0777) };
	r = absent ? make_anon(x, n, pfd, &m) : 1;
	if (r == 1)
		r = make_tmp(x, n, pfd, &m, err);
	if (r < 0)
		return r;
	r = copy_content(x, n, m.fd, e, content, err);
	struct stat st = { 0 };
	if (r == 0 && fstat(m.fd, &st) < 0)
		r = xfail(x, err, neg_errno(), path, "cannot stat temporary: %s", strerror(errno));
	if (r == 0)
		r = meta_staged(x, n, m.fd, &st, err);
	if (n->afd < 0 && close(m.fd) < 0 && r == 0)
		r = xfail(x, err, neg_errno(), path, "cannot write: %s", strerror(errno));
	if (r < 0) {
		drop_anon(x, n);
		return r;
	}
	n->tmp_dev = st.st_dev;
	n->tmp_ino = st.st_ino;
	x->nfiles++;
	return 0;
}

/* Hard links: only to a regular file (or hard link) this package staged. */
static int prepare_link(struct pare_extract *x, const char *path, const struct pare_tar_entry *e,
			struct make_req *m, struct pare_error *err)
{
	char target[PARE_PATH_MAX + 1];
	size_t tlen = 0;
	int r = normalise(x, e->linkname, target, &tlen, err);
	if (r < 0)
		return r;
	xnode *t = tlen ? pare_map_get(&x->paths, pare_slice_make(target, tlen)) : NULL;
	if (!t || (t->type != PARE_TAR_REG && t->type != PARE_TAR_LINK) ||
	    !(t->tmp_live || t->afd >= 0))
		return xfail(x, err, -PARE_E_UNSAFE_PATH, path,
			     "hard link to %s, which is not a regular file of this package",
			     target[0] ? target : "(empty)");
	char dir[PARE_PATH_MAX + 1];
	memcpy(dir, t->path, t->dirlen);
	dir[t->dirlen] = '\0';
	r = pare_root_openat(x->root, t->dirlen ? dir : ".", O_PATH | O_DIRECTORY, 0, NULL);
	if (r < 0)
		return xfail(x, err, r, path, "cannot open directory of %s: %s", t->path,
			     strerror(-r));
	m->link_dir = r;
	if (t->afd >= 0) { /* a link needs a name to link to */
		int fd;
		r = name_anon(x, t, m->link_dir, &fd);
		if (r < 0)
			return xfail(x, err, r, path, "cannot name the temporary of %s: %s", t->path,
				     strerror(-r));
		close(fd);
	}
	m->link_tmp = t->tmp;
	return 0;
}

static int check_special(struct pare_extract *x, const char *path, const struct pare_tar_entry *e,
			 struct make_req *m, struct pare_error *err)
{
	if ((e->type == PARE_TAR_CHR || e->type == PARE_TAR_BLK) &&
	    !(x->allow_devices && x->is_root))
		return xfail(x, err, -PARE_E_UNSUPPORTED, path, "device nodes are not allowed%s",
			     x->allow_devices ? " when not running as root" : "");
	m->rdev = makedev(e->devmajor, e->devminor);
	return 0;
}

static int stage_other(struct pare_extract *x, const char *path, size_t len,
		       const struct pare_tar_entry *e, struct pare_error *err)
{
	struct make_req m = { .type = e->type, .link_dir = -1, .fd = -1 };
	int r = 0;
	if (e->type == PARE_TAR_SYMLINK) {
		m.target = e->linkname.ptr;
		if (e->linkname.len == 0 || e->linkname.len > PARE_PATH_MAX)
			return xfail(x, err, -PARE_E_FORMAT, path, "bad symlink target length");
	} else if (e->type != PARE_TAR_LINK) {
		r = check_special(x, path, e, &m, err);
	}
	xnode *n = NULL;
	int pfd = -1;
	bool absent;
	if (r == 0)
		r = stage_nondir(x, path, len, e, &n, &pfd, &absent, err);
	/* The target is looked up after this path is tracked, so that a link
	 * to itself finds no regular file. */
	if (r == 0 && e->type == PARE_TAR_LINK)
		r = prepare_link(x, path, e, &m, err);
	if (r == 0)
		r = make_tmp(x, n, pfd, &m, err);
	if (m.link_dir >= 0)
		close(m.link_dir);
	if (r < 0)
		return r;
	if (e->type == PARE_TAR_SYMLINK)
		x->nsymlinks++;
	else if (e->type == PARE_TAR_LINK)
		x->nlinks++;
	else
		x->nspecial++;
	return 0;
}

static int stage_dir(struct pare_extract *x, const char *path, size_t len,
		     const struct pare_tar_entry *e, struct pare_error *err)
{
	int r = ensure_parents(x, path, len, err);
	if (r < 0)
		return r;
	xnode *n = pare_map_get(&x->paths, pare_slice_make(path, len));
	if (n && n->type != PARE_TAR_DIR)
		return xfail(x, err, -PARE_E_UNSAFE_PATH, path,
			     "directory conflicts with an earlier %s entry", type_text(n->type));
	r = ensure_dir(x, path, len, (mode_t)(e->mode & 0777), path, &n, err);
	if (r < 0)
		return r;
	if (!n->is_entry)
		x->ndirs++;
	return set_meta(x, n, e, err);
}

static int stage_entry(struct pare_extract *x, const struct pare_tar_entry *e,
		       struct pare_istream *content, struct pare_error *err)
{
	char path[PARE_PATH_MAX + 1];
	size_t len;
	int r = normalise(x, e->name, path, &len, err);
	if (r < 0)
		return r;
	if (len == 0) {
		if (e->type == PARE_TAR_DIR)
			return 0; /* "./": the root itself is left alone */
		return xfail(x, err, -PARE_E_UNSAFE_PATH, NULL, "%.*s: names the root",
			     (int)e->name.len, e->name.ptr);
	}
	switch (e->type) {
	case PARE_TAR_DIR:
		return stage_dir(x, path, len, e, err);
	case PARE_TAR_REG:
		return stage_file(x, path, len, e, content, err);
	case PARE_TAR_LINK:
	case PARE_TAR_SYMLINK:
	case PARE_TAR_FIFO:
	case PARE_TAR_CHR:
	case PARE_TAR_BLK:
		return stage_other(x, path, len, e, err);
	default:
		return xfail(x, err, -PARE_E_UNSUPPORTED, path, "unsupported entry type '%c'",
			     e->type > 32 && e->type < 127 ? e->type : '?');
	}
}

static int extract_entry(void *ctx, const struct pare_tar_entry *e, struct pare_istream *content,
			 struct pare_error *err)
{
	struct pare_extract *x = ctx;
	if (x->state != PARE_EXTRACT_STAGING)
		return pare_error_set(err, -EINVAL, "%s: extractor is not accepting entries",
				      x->name ? x->name : "extract");
	int r = stage_entry(x, e, content, err);
	if (r < 0)
		x->state = PARE_EXTRACT_FAILED;
	return r;
}

void pare_extract_visitor(struct pare_extract *x, struct pare_pkg_visitor *v)
{
	memset(v, 0, sizeof(*v));
	v->entry = extract_entry;
	v->ctx = x;
}

/* ---- commit ---- */

static int commit_meta(struct pare_extract *x, struct pare_error *err)
{
	for (size_t i = 0; i < x->nnodes; i++) {
		xnode *n = x->nodes[i];
		if (!(n->tmp_live || n->afd >= 0) || n->type == PARE_TAR_LINK || n->meta_done)
			continue;
		int pfd;
		int r = get_dir(x, n->path, n->dirlen, &pfd);
		if (r < 0)
			return xfail(x, err, r, n->path, "cannot open parent directory: %s",
				     strerror(-r));
		r = n->type == PARE_TAR_REG ? meta_file(x, n, pfd, err) : meta_other(x, n, pfd, err);
		if (r < 0)
			return r;
	}
	return 0;
}

#define REMOVE_MAX_DEPTH 256

/* Remove directory name in pfd and everything in it (no symlink followed). */
static int remove_tree(int pfd, const char *name, unsigned depth)
{
	if (depth > REMOVE_MAX_DEPTH)
		return -ELOOP;
	int fd = openat(pfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : neg_errno();
	DIR *d = fdopendir(fd);
	if (!d) {
		int e = neg_errno();
		close(fd);
		return e;
	}
	int r = 0;
	for (struct dirent *de; r == 0 && (de = readdir(d)) != NULL;) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		struct stat st;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			r = neg_errno();
		else if (S_ISDIR(st.st_mode))
			r = remove_tree(dirfd(d), de->d_name, depth + 1);
		else if (unlinkat(dirfd(d), de->d_name, 0) < 0)
			r = neg_errno();
	}
	closedir(d);
	if (r == 0 && unlinkat(pfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		r = neg_errno();
	return r;
}

/* Link n's unnamed temporary at its final path in pfd: 0 when done, 1
 * when the path was taken (the temporary now has a name, to be renamed
 * over it), or a negative code. */
static int link_anon(struct pare_extract *x, xnode *n, int pfd)
{
	if (linkat(n->afd, "", pfd, n->base, AT_EMPTY_PATH) == 0) {
		drop_anon(x, n);
		return 0;
	}
	if (errno != EEXIST)
		return neg_errno();
	int fd, r = name_anon(x, n, pfd, &fd);
	if (r < 0)
		return r;
	close(fd);
	return 1;
}

static int commit_renames(struct pare_extract *x, bool symlinks, struct pare_error *err)
{
	for (size_t i = 0; i < x->nnodes; i++) {
		xnode *n = x->nodes[i];
		if (!(n->tmp_live || n->afd >= 0) || (n->type == PARE_TAR_SYMLINK) != symlinks)
			continue;
		int pfd;
		int r = get_dir(x, n->path, n->dirlen, &pfd);
		if (r < 0)
			return xfail(x, err, r, n->path, "cannot open parent directory: %s",
				     strerror(-r));
		if (n->replaces_dir && (r = remove_tree(pfd, n->base, 0)) < 0)
			return xfail(x, err, r, n->path, "cannot remove the directory it replaces: %s",
				     strerror(-r));
		if (n->replaces_dir) { /* cached descriptors may lead into it */
			dir_cache_drop(x);
			if ((r = get_dir(x, n->path, n->dirlen, &pfd)) < 0)
				return xfail(x, err, r, n->path, "cannot open parent directory: %s",
					     strerror(-r));
		}
		if (n->afd >= 0 && (r = link_anon(x, n, pfd)) <= 0) {
			if (r < 0)
				return xfail(x, err, r, n->path, "cannot link into place: %s",
					     strerror(-r));
			continue;
		}
		if (renameat(pfd, n->tmp, pfd, n->base) < 0)
			return xfail(x, err, neg_errno(), n->path, "cannot rename %s into place: %s",
				     n->tmp, strerror(errno));
		n->tmp_live = false;
	}
	return 0;
}

static int depth_cmp(const void *a, const void *b)
{
	const xnode *x = *(const xnode *const *)a, *y = *(const xnode *const *)b;
	if (x->depth != y->depth)
		return x->depth > y->depth ? -1 : 1;
	return x->index < y->index ? -1 : (x->index > y->index);
}

static int commit_dirs(struct pare_extract *x, struct pare_error *err)
{
	size_t n = 0;
	for (size_t i = 0; i < x->nnodes; i++)
		n += x->nodes[i]->type == PARE_TAR_DIR && x->nodes[i]->is_entry;
	if (n == 0)
		return 0;
	xnode **dirs = malloc(n * sizeof(*dirs));
	if (!dirs)
		return pare_error_set(err, -ENOMEM, "%s: out of memory", x->name ? x->name : "extract");
	n = 0;
	for (size_t i = 0; i < x->nnodes; i++)
		if (x->nodes[i]->type == PARE_TAR_DIR && x->nodes[i]->is_entry)
			dirs[n++] = x->nodes[i];
	qsort(dirs, n, sizeof(*dirs), depth_cmp);
	int r = 0;
	for (size_t i = 0; i < n && r == 0; i++)
		r = meta_dir(x, dirs[i], err);
	free(dirs);
	return r;
}

/* Remove what directories of the package replaced (moved aside while
 * staging); restore: put it back where the directory was (after an abort
 * removed the directory). */
static void drop_asides_or_restore(struct pare_extract *x, bool restore)
{
	for (size_t i = 0; i < x->nnodes; i++) {
		xnode *n = x->nodes[i];
		int pfd;
		if (!n->aside || get_dir(x, n->path, n->dirlen, &pfd) < 0)
			continue;
		if (!restore)
			unlinkat(pfd, n->aside, 0);
		else if (!n->created) /* else the sweep of a later run takes it */
			renameat(pfd, n->aside, pfd, n->base);
		n->aside = NULL;
	}
}

static void drop_asides(struct pare_extract *x)
{
	drop_asides_or_restore(x, false);
}

int pare_extract_commit(struct pare_extract *x, struct pare_error *err)
{
	if (x->state != PARE_EXTRACT_STAGING)
		return pare_error_set(err, -EINVAL, "%s: nothing to commit (staging %s)",
				      x->name ? x->name : "extract",
				      x->state == PARE_EXTRACT_FAILED ? "failed" : "is over");
	int r = commit_meta(x, err);
	if (r < 0) {
		x->state = PARE_EXTRACT_FAILED; /* nothing was renamed yet */
		return r;
	}
	x->state = PARE_EXTRACT_COMMITTING;
	r = commit_renames(x, false, err);
	if (r == 0)
		r = commit_renames(x, true, err);
	if (r == 0)
		r = commit_dirs(x, err);
	if (r == 0)
		drop_asides(x);
	if (r == 0)
		x->state = PARE_EXTRACT_DONE;
	return r;
}

bool pare_extract_created_dir(const struct pare_extract *x, struct pare_slice path)
{
	const xnode *n = pare_map_get(&x->paths, path);
	return n && n->type == PARE_TAR_DIR && n->created;
}

/* ---- abort ---- */

void pare_extract_abort(struct pare_extract *x)
{
	if (!x || x->state == PARE_EXTRACT_DONE || x->state == PARE_EXTRACT_ABORTED)
		return;
	bool rmdirs = x->state != PARE_EXTRACT_COMMITTING;
	close_anon(x);
	/* Reverse creation order: what a directory holds goes before it. */
	for (size_t i = x->nnodes; i-- > 0;) {
		xnode *n = x->nodes[i];
		int pfd;
		if (!n->tmp_live && !(rmdirs && n->created))
			continue;
		if (get_dir(x, n->path, n->dirlen, &pfd) < 0)
			continue;
		if (n->tmp_live && unlinkat(pfd, n->tmp, 0) == 0)
			n->tmp_live = false;
		if (rmdirs && n->created && unlinkat(pfd, n->base, AT_REMOVEDIR) == 0)
			n->created = false;
	}
	drop_asides_or_restore(x, rmdirs);
	dir_cache_drop(x);
	x->state = PARE_EXTRACT_ABORTED;
}

/* ---- regular files written ahead ---- */

int pare_extract_prep_init(struct pare_extract_prep *pp, struct pare_root *root,
			   enum pare_extract_owners owners)
{
	pp->dirfd = root->fd;
	pp->is_root = euid_is_root();
	pp->apply_owners = owners == PARE_EXTRACT_OWNERS_ON ||
			   (owners == PARE_EXTRACT_OWNERS_AUTO && pp->is_root);
	/* What a new file there gets: owner (a set-gid directory's group),
	 * and the permission bits the umask or a default ACL leave of 0777
	 * (each class is masked: of perm, perm & mode_mask is left). */
	int f = openat(pp->dirfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0777);
	struct stat st;
	int r = f < 0 || fstat(f, &st) < 0 ? neg_errno() : 0;
	if (f >= 0)
		close(f);
	if (r < 0)
		return r;
	pp->uid = st.st_uid;
	pp->gid = st.st_gid;
	pp->mode_mask = st.st_mode & 0777;
	return 0;
}

static bool has_xattrs(const struct pare_tar_entry *e)
{
	for (size_t i = 0; i < e->nrecords; i++)
		if (pare_slice_starts_with(e->records[i].key, PARE_SLICE_LIT(XATTR_PREFIX)))
			return true;
	return false;
}

int pare_extract_prepare(const struct pare_extract_prep *pp, const struct pare_tar_entry *e,
			 const void *data, size_t len, int *fd)
{
	*fd = -1;
	uint32_t mode = e->mode & 07777;
	if (!(pp->is_root && pp->apply_owners))
		mode &= ~(uint32_t)(S_ISUID | S_ISGID);
	if (e->type != PARE_TAR_REG || e->size != len || (mode & (S_ISUID | S_ISGID)) ||
	    has_xattrs(e) || (pp->apply_owners && (e->uid >= UINT32_MAX || e->gid >= UINT32_MAX)))
		return 1;
	int f = openat(pp->dirfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, (mode_t)(mode & 0777));
	if (f < 0)
		return neg_errno();
	struct stat st = { .st_uid = pp->uid, .st_gid = pp->gid,
			   .st_mode = S_IFREG | (mode & 0777 & pp->mode_mask) };
	const char *what = NULL;
	int r = len ? pare_write_all(f, data, len) : 0;
	if (r == 0)
		r = plain_meta(f, &st, pp->apply_owners, e->uid, e->gid, mode, e->mtime, &what);
	if (r < 0) {
		close(f);
		return r;
	}
	*fd = f;
	return 0;
}

void pare_extract_offer(struct pare_extract *x, int fd, uint64_t size)
{
	if (x->offer_fd >= 0)
		close(x->offer_fd);
	x->offer_fd = fd;
	x->offer_size = size;
}
