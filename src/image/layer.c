/* Deterministic, gzipped layer tars of a root directory (see layer.h). */
#include "image/layer.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "apk/tar.h"
#include "base/buf.h"
#include "base/rootpath.h"
#include "io/gzip.h"
#include "io/stream.h"

#define XATTR_LIST_MAX_BYTES (64u * 1024u)
#define XATTR_VALUE_MAX_BYTES (64u * 1024u)
#define XATTR_MAX_RECORDS 64u
#define DIR_MAX_ENTRIES 1000000u

/* Hashing stream in front of the gzip writer: SHA-256 of the tar bytes. */
struct lw {
	const struct pare_layer_opts *o;
	struct pare_tar_writer tar;
	struct pare_arena arena;  /* hard link targets */
	struct pare_map links;    /* "dev:ino" -> first path */
	struct pare_buf path;     /* current path, relative */
	uint64_t entries, max_entries;
	int64_t epoch;
	struct pare_error *err;
};

/* ---- streams ---- */

struct gzsum {
	struct pare_digest sha;
	bool failed;
};

static void gz_hook(void *ctx, const void *p, size_t n)
{
	struct gzsum *g = ctx;
	if (pare_digest_update(&g->sha, p, n) < 0)
		g->failed = true;
}

/* ---- metadata ---- */

static int64_t entry_mtime(const struct lw *w, const struct stat *st)
{
	if (w->o->clamp_mtime && st->st_mtime < w->epoch)
		return st->st_mtime;
	return w->epoch;
}

static int get_meta(struct lw *w, const struct stat *st, struct pare_layer_meta *m)
{
	memset(m, 0, sizeof(*m));
	m->mode = st->st_mode & 07777;
	if (w->o->owners == PARE_LAYER_OWNERS_FS) {
		m->uid = st->st_uid;
		m->gid = st->st_gid;
	}
	if (!w->o->meta_fn)
		return 0;
	int r = w->o->meta_fn(w->o->meta_ctx, w->path.data, st, m, w->err);
	if (r < 0)
		return pare_error_prefix(w->err, r, "layer: %s: ", w->path.data);
	return 0;
}

static void fill_header(struct lw *w, const struct stat *st, const struct pare_layer_meta *m,
			struct pare_tar_header *h)
{
	memset(h, 0, sizeof(*h));
	h->name = pare_buf_slice(&w->path);
	h->mode = m->mode & 07777;
	h->uid = m->uid;
	h->gid = m->gid;
	h->uname = pare_slice_from(m->uname ? m->uname : "");
	h->gname = pare_slice_from(m->gname ? m->gname : "");
	h->mtime = entry_mtime(w, st);
}

/* ---- extended attributes ---- */

struct xattrs {
	struct pare_buf names, values, keys;
	struct pare_tar_record recs[XATTR_MAX_RECORDS];
	size_t n;
};

static int xattr_full_path(struct lw *w, struct pare_buf *out)
{
	int r = pare_buf_append_str(out, w->o->root);
	if (r == 0)
		r = pare_buf_putc(out, '/');
	return r == 0 ? pare_buf_append_slice(out, pare_buf_slice(&w->path)) : r;
}

static int xattr_value(struct xattrs *x, const char *file, const char *name, size_t *off,
		       size_t *len)
{
	ssize_t n = lgetxattr(file, name, NULL, 0);
	if (n < 0)
		return -errno;
	if ((size_t)n > XATTR_VALUE_MAX_BYTES)
		return -PARE_E_TOO_BIG;
	*off = x->values.len;
	int r = pare_buf_reserve(&x->values, (size_t)n + 1);
	if (r < 0)
		return r;
	n = lgetxattr(file, name, x->values.data + *off, (size_t)n);
	if (n < 0)
		return -errno;
	*len = (size_t)n;
	x->values.len += (size_t)n;
	return pare_buf_putc(&x->values, '\0');
}

/* Key and value text of every attribute (offsets first, slices after, as
 * the buffers may move while they grow). */
static int read_xattrs(struct lw *w, struct xattrs *x, const char *file)
{
	size_t koff[XATTR_MAX_RECORDS], klen[XATTR_MAX_RECORDS];
	size_t voff[XATTR_MAX_RECORDS], vlen[XATTR_MAX_RECORDS];
	ssize_t n = llistxattr(file, x->names.data, XATTR_LIST_MAX_BYTES);
	if (n < 0 && errno == ERANGE)
		return -PARE_E_TOO_BIG;
	if (n < 0)
		return errno == ENOTSUP ? 0 : -errno;
	int r = 0;
	for (size_t i = 0; r == 0 && i < (size_t)n; i += strlen(x->names.data + i) + 1) {
		const char *name = x->names.data + i;
		if (x->n >= XATTR_MAX_RECORDS)
			return -PARE_E_TOO_BIG;
		koff[x->n] = x->keys.len;
		r = pare_buf_appendf(&x->keys, "SCHILY.xattr.%s", name);
		klen[x->n] = x->keys.len - koff[x->n];
		if (r == 0)
			r = pare_buf_putc(&x->keys, '\0');
		if (r == 0)
			r = xattr_value(x, file, name, &voff[x->n], &vlen[x->n]);
		if (r == 0)
			x->n++;
	}
	for (size_t i = 0; r == 0 && i < x->n; i++) {
		x->recs[i].key = pare_slice_make(x->keys.data + koff[i], klen[i]);
		x->recs[i].value = pare_slice_make(x->values.data + voff[i], vlen[i]);
	}
	return r;
}

static int load_xattrs(struct lw *w, struct xattrs *x)
{
	struct pare_buf file;
	pare_buf_init(&file, 2 * PARE_PATH_MAX);
	int r = pare_buf_reserve(&x->names, XATTR_LIST_MAX_BYTES);
	if (r == 0)
		r = xattr_full_path(w, &file);
	if (r == 0)
		r = read_xattrs(w, x, file.data);
	if (r < 0)
		r = pare_error_set(w->err, r, "layer: %s: extended attributes: %s", w->path.data,
				   pare_strerror(r));
	pare_buf_release(&file);
	return r;
}

static void xattrs_init(struct xattrs *x)
{
	pare_buf_init(&x->names, XATTR_LIST_MAX_BYTES + 1);
	pare_buf_init(&x->values, XATTR_MAX_RECORDS * (XATTR_VALUE_MAX_BYTES + 1));
	pare_buf_init(&x->keys, XATTR_MAX_RECORDS * 300);
	x->n = 0;
}

static void xattrs_release(struct xattrs *x)
{
	pare_buf_release(&x->names);
	pare_buf_release(&x->values);
	pare_buf_release(&x->keys);
}

/* ---- entries ---- */

static int write_header(struct lw *w, struct pare_tar_header *h)
{
	struct xattrs x;
	int r = 0;
	if (++w->entries > w->max_entries)
		return pare_error_set(w->err, -PARE_E_TOO_BIG, "layer: more than %" PRIu64 " entries",
				      w->max_entries);
	xattrs_init(&x);
	if (w->o->xattrs && (h->type != PARE_TAR_LINK))
		r = load_xattrs(w, &x);
	h->records = x.recs;
	h->nrecords = x.n;
	if (r == 0)
		r = pare_tar_write_entry_header(&w->tar, h, w->err);
	xattrs_release(&x);
	return r;
}

static int copy_data(struct lw *w, int fd, uint64_t size)
{
	unsigned char buf[65536];
	uint64_t left = size;
	while (left > 0) {
		size_t want = left < sizeof(buf) ? (size_t)left : sizeof(buf);
		ssize_t n = pare_read_some(fd, buf, want);
		if (n < 0)
			return pare_error_set(w->err, (int)n, "layer: %s: %s", w->path.data,
					      strerror((int)-n));
		if (n == 0)
			return pare_error_set(w->err, -PARE_E_TRUNCATED,
					      "layer: %s: file shrank while it was read",
					      w->path.data);
		int r = pare_tar_write_data(&w->tar, buf, (size_t)n, w->err);
		if (r < 0)
			return r;
		left -= (uint64_t)n;
	}
	char extra;
	if (read(fd, &extra, 1) > 0)
		return pare_error_set(w->err, -PARE_E_INTEGRITY,
				      "layer: %s: file grew while it was read", w->path.data);
	return pare_tar_finish_entry(&w->tar, w->err);
}

/* A regular file seen before under another name: the hard link target. */
static int link_target(struct lw *w, const struct stat *st, const char **first)
{
	char key[48];
	*first = NULL;
	if (st->st_nlink < 2)
		return 0;
	int k = snprintf(key, sizeof(key), "%llx:%llx", (unsigned long long)st->st_dev,
			 (unsigned long long)st->st_ino);
	struct pare_slice ks = pare_slice_make(key, (size_t)k);
	*first = pare_map_get(&w->links, ks);
	if (*first)
		return 0;
	struct pare_slice kcopy = pare_arena_slice(&w->arena, ks);
	char *path = pare_arena_strdup(&w->arena, pare_buf_slice(&w->path));
	if (!kcopy.ptr || !path)
		return -ENOMEM;
	return pare_map_put(&w->links, kcopy, path, NULL);
}

static int write_regular(struct lw *w, int dirfd, const char *name, const struct stat *st,
			 struct pare_tar_header *h)
{
	const char *first;
	int r = link_target(w, st, &first);
	if (r < 0)
		return r;
	if (first) {
		h->type = PARE_TAR_LINK;
		h->linkname = pare_slice_from(first);
		return write_header(w, h);
	}
	/* O_NONBLOCK: a FIFO swapped in since the walk's stat must not hang
	 * us; the fstat below then sees it is not the file the walk saw. */
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return pare_error_set(w->err, -errno, "layer: %s: %s", w->path.data,
				      strerror(errno));
	struct stat now;
	if (fstat(fd, &now) < 0 || !S_ISREG(now.st_mode) || now.st_dev != st->st_dev ||
	    now.st_ino != st->st_ino || now.st_size != st->st_size) {
		close(fd);
		return pare_error_set(w->err, -PARE_E_INTEGRITY,
				      "layer: %s: changed while the image was being written",
				      w->path.data);
	}
	h->type = PARE_TAR_REG;
	h->size = (uint64_t)st->st_size;
	r = write_header(w, h);
	if (r == 0)
		r = copy_data(w, fd, h->size);
	close(fd);
	return r;
}

static int write_symlink(struct lw *w, int dirfd, const char *name, struct pare_tar_header *h)
{
	char target[PARE_PATH_MAX + 1];
	ssize_t n = readlinkat(dirfd, name, target, sizeof(target));
	if (n < 0)
		return pare_error_set(w->err, -errno, "layer: %s: %s", w->path.data,
				      strerror(errno));
	if ((size_t)n > PARE_PATH_MAX)
		return pare_error_set(w->err, -PARE_E_TOO_BIG, "layer: %s: link target too long",
				      w->path.data);
	h->type = PARE_TAR_SYMLINK;
	h->linkname = pare_slice_make(target, (size_t)n);
	return write_header(w, h);
}

static int write_special(struct lw *w, const struct stat *st, struct pare_tar_header *h)
{
	h->type = S_ISCHR(st->st_mode) ? PARE_TAR_CHR : S_ISBLK(st->st_mode) ? PARE_TAR_BLK
									    : PARE_TAR_FIFO;
	if (h->type != PARE_TAR_FIFO) {
		h->devmajor = major(st->st_rdev);
		h->devminor = minor(st->st_rdev);
	}
	return write_header(w, h);
}

/* ---- the walk ---- */

bool pare_layer_is_whiteout(const char *name)
{
	return strncmp(name, ".wh.", 4) == 0;
}

static int walk_dir(struct lw *w, int dirfd, unsigned depth);

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int write_dir(struct lw *w, int dirfd, const char *name, struct pare_tar_header *h,
		     unsigned depth)
{
	size_t len = w->path.len;
	int r = pare_buf_putc(&w->path, '/');
	h->type = PARE_TAR_DIR;
	h->name = pare_buf_slice(&w->path);
	if (r == 0)
		r = write_header(w, h);
	pare_buf_truncate(&w->path, len);
	if (r < 0)
		return r;
	if (depth + 1 > PARE_LAYER_MAX_DEPTH)
		return pare_error_set(w->err, -PARE_E_TOO_BIG, "layer: %s: nested too deep",
				      w->path.data);
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return pare_error_set(w->err, -errno, "layer: %s: %s", w->path.data,
				      strerror(errno));
	r = walk_dir(w, fd, depth + 1);
	close(fd);
	return r;
}

static int write_child(struct lw *w, int dirfd, const char *name, unsigned depth)
{
	struct stat st;
	struct pare_layer_meta m;
	struct pare_tar_header h;
	size_t len = w->path.len;
	int r = 0;
	if (len)
		r = pare_buf_putc(&w->path, '/');
	if (r == 0)
		r = pare_buf_append_str(&w->path, name);
	if (r < 0)
		return pare_error_set(w->err, r, "layer: a path is longer than %d bytes",
				      PARE_PATH_MAX);
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		r = pare_error_set(w->err, -errno, "layer: %s: %s", w->path.data, strerror(errno));
	if (r == 0)
		r = get_meta(w, &st, &m);
	if (r == 0 && !m.skip && pare_layer_is_whiteout(name))
		r = pare_error_set(w->err, -PARE_E_UNSUPPORTED,
				   "layer: %s%s%s: a file named .wh.* is an OCI whiteout marker "
				   "(a deletion) and cannot go into an image", m.origin ? m.origin : "",
				   m.origin ? ": " : "", w->path.data);
	if (r == 0 && !m.skip && !S_ISSOCK(st.st_mode)) {
		fill_header(w, &st, &m, &h);
		if (S_ISDIR(st.st_mode))
			r = write_dir(w, dirfd, name, &h, depth);
		else if (S_ISREG(st.st_mode))
			r = write_regular(w, dirfd, name, &st, &h);
		else if (S_ISLNK(st.st_mode))
			r = write_symlink(w, dirfd, name, &h);
		else
			r = write_special(w, &st, &h);
	}
	pare_buf_truncate(&w->path, len);
	return r;
}

static int list_dir(struct lw *w, int dirfd, char ***names, size_t *n)
{
	int fd = dup(dirfd);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	size_t cap = 0;
	int r = 0;
	*names = NULL;
	*n = 0;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return pare_error_set(w->err, -errno, "layer: %s: %s", w->path.data,
				      strerror(errno));
	}
	struct dirent *de;
	while (r == 0 && (de = readdir(d)) != NULL) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 64;
			char **grown = cap > DIR_MAX_ENTRIES ? NULL : realloc(*names, cap * sizeof(char *));
			if (!grown) {
				r = pare_error_set(w->err, -PARE_E_TOO_BIG,
						   "layer: %s: too many entries", w->path.data);
				break;
			}
			*names = grown;
		}
		if (!((*names)[*n] = strdup(de->d_name)))
			r = -ENOMEM;
		else
			(*n)++;
	}
	closedir(d);
	return r;
}

static int walk_dir(struct lw *w, int dirfd, unsigned depth)
{
	char **names;
	size_t n;
	int r = list_dir(w, dirfd, &names, &n);
	if (r == 0 && n > 1)
		qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 0; r == 0 && i < n; i++)
		r = write_child(w, dirfd, names[i], depth);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return r;
}

/* ---- driver ---- */

static int run_layer(struct lw *w, struct pare_gz_writer *gz)
{
	int fd = open(w->o->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return pare_error_set(w->err, -errno, "layer: %s: %s", w->o->root, strerror(errno));
	int r = walk_dir(w, fd, 0);
	close(fd);
	if (r == 0)
		r = pare_tar_write_end(&w->tar, w->err);
	if (r == 0)
		r = pare_gz_finish_member(gz, w->err);
	return r;
}

static int finish_info(struct pare_digest_tee *t, struct gzsum *g, struct pare_gz_writer *gz,
		       struct lw *w, struct pare_layer_info *info)
{
	if (g->failed || pare_digest_final(&t->d, &info->diff_id) < 0 ||
	    pare_digest_final(&g->sha, &info->digest) < 0)
		return pare_error_set(w->err, -PARE_E_CRYPTO, "layer: SHA-256 failed");
	info->size = gz->written;
	info->tar_size = t->bytes;
	info->entries = w->entries;
	return 0;
}

int pare_layer_write(const struct pare_layer_opts *o, struct pare_ostream *out,
		     struct pare_layer_info *info, struct pare_error *err)
{
	struct lw w = { .o = o, .err = err };
	struct pare_digest_tee t = { 0 }; /* the tar stream: diff_id and size */
	struct gzsum g = { 0 };
	struct pare_gz_writer *gz = malloc(sizeof(*gz));
	struct pare_ostream gz_out, tee_out;
	memset(info, 0, sizeof(*info));
	if (!gz)
		return -ENOMEM;
	w.epoch = o->source_date_epoch < 0 ? 0 : o->source_date_epoch;
	w.max_entries = o->max_entries ? o->max_entries : PARE_LAYER_MAX_ENTRIES;
	pare_arena_init(&w.arena, 0, 0);
	pare_map_init(&w.links);
	pare_buf_init(&w.path, PARE_PATH_MAX);
	int r = pare_gz_writer_init(gz, out, o->level ? o->level : PARE_LAYER_DEFAULT_LEVEL, err);
	bool gz_ready = r == 0;
	if (r == 0) {
		pare_gz_writer_set_hook(gz, gz_hook, &g);
		pare_gz_ostream(gz, &gz_out);
		if (pare_digest_tee_init(&t, PARE_DIGEST_SHA256, &gz_out, &tee_out) < 0 ||
		    pare_digest_init(&g.sha, PARE_DIGEST_SHA256) < 0)
			r = pare_error_set(err, -PARE_E_CRYPTO, "layer: SHA-256 failed");
	}
	if (r == 0)
		r = pare_tar_writer_init(&w.tar, &tee_out);
	if (r == 0)
		r = run_layer(&w, gz);
	if (r == 0)
		r = finish_info(&t, &g, gz, &w, info);
	pare_tar_writer_release(&w.tar);
	if (gz_ready)
		pare_gz_writer_release(gz);
	free(gz);
	pare_digest_release(&t.d);
	pare_digest_release(&g.sha);
	pare_buf_release(&w.path);
	pare_map_release(&w.links);
	pare_arena_release(&w.arena);
	return r;
}

/* ---- override table ---- */

void pare_layer_table_init(struct pare_layer_table *t)
{
	pare_arena_init(&t->arena, 0, 0);
	pare_map_init(&t->map);
}

void pare_layer_table_release(struct pare_layer_table *t)
{
	if (!t)
		return;
	pare_map_release(&t->map);
	pare_arena_release(&t->arena);
}

static struct pare_slice table_key(const char *path)
{
	struct pare_slice s = pare_slice_from(path);
	while (s.len && s.ptr[0] == '/')
		s = pare_slice_sub(s, 1, s.len - 1);
	while (s.len > 1 && s.ptr[s.len - 1] == '/')
		s.len--;
	return s;
}

int pare_layer_table_set(struct pare_layer_table *t, const char *path,
			 const struct pare_layer_meta *m)
{
	struct pare_slice key = table_key(path);
	struct pare_layer_meta *copy = pare_arena_alloc(&t->arena, sizeof(*copy));
	if (!copy)
		return -ENOMEM;
	*copy = *m;
	if (m->uname && !(copy->uname = pare_arena_strdup(&t->arena, pare_slice_from(m->uname))))
		return -ENOMEM;
	if (m->gname && !(copy->gname = pare_arena_strdup(&t->arena, pare_slice_from(m->gname))))
		return -ENOMEM;
	if (m->origin && !(copy->origin = pare_arena_strdup(&t->arena, pare_slice_from(m->origin))))
		return -ENOMEM;
	struct pare_layer_meta *old = pare_map_get(&t->map, key);
	if (old) {
		*old = *copy;
		return 0;
	}
	key = pare_arena_slice(&t->arena, key);
	if (!key.ptr)
		return -ENOMEM;
	return pare_map_put(&t->map, key, copy, NULL);
}

const struct pare_layer_meta *pare_layer_table_get(const struct pare_layer_table *t,
						   const char *path)
{
	return pare_map_get(&t->map, table_key(path));
}

int pare_layer_table_apply(void *ctx, const char *path, const struct stat *st,
			   struct pare_layer_meta *meta, struct pare_error *err)
{
	const struct pare_layer_meta *m = pare_layer_table_get(ctx, path);
	if (m)
		*meta = *m;
	return 0;
}
