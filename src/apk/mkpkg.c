/* pare mkpkg: a directory tree plus metadata to a deterministic .apk. */
#include "apk/mkpkg.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "apk/package.h"
#include "apk/pkgsign.h"
#include "apk/tar.h"
#include "base/arena.h"
#include "base/hashmap.h"
#include "io/atomic.h"
#include "io/gzip.h"
#include "io/stream.h"

struct mk_entry {
	const char *path;      /* relative, no trailing '/' (arena) */
	struct stat st;
	uint32_t mode;         /* 07777 bits to record */
	uint64_t uid, gid;
	const char *uname, *gname;
	const char *hardlink;  /* first path of the same inode, or NULL */
};

struct mk_tree {
	struct pare_arena arena;
	struct mk_entry *v;
	size_t n, cap;
	int rootfd;
	int64_t newest;        /* newest mtime seen */
};

static int tree_add(struct mk_tree *t, const char *path, const struct stat *st,
		    struct pare_error *err)
{
	if (t->n >= PARE_MKPKG_MAX_ENTRIES)
		return pare_error_set(err, -PARE_E_TOO_BIG, "more than %d files in the tree",
				      PARE_MKPKG_MAX_ENTRIES);
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 256;
		struct mk_entry *v = realloc(t->v, cap * sizeof(*v));
		if (!v)
			return pare_error_set(err, -ENOMEM, "out of memory");
		t->v = v;
		t->cap = cap;
	}
	struct mk_entry *e = &t->v[t->n];
	memset(e, 0, sizeof(*e));
	e->path = pare_arena_strdup(&t->arena, pare_slice_from(path));
	if (!e->path)
		return pare_error_set(err, -ENOMEM, "out of memory");
	e->st = *st;
	e->mode = st->st_mode & 07777;
	if (st->st_mtime > t->newest)
		t->newest = st->st_mtime;
	t->n++;
	return 0;
}

static int walk_dir(struct mk_tree *t, int dirfd, const char *prefix, int depth,
		    struct pare_error *err);

static int walk_child(struct mk_tree *t, int dirfd, const char *prefix, const char *name,
		      int depth, struct pare_error *err)
{
	char path[PARE_PATH_MAX];
	int n = snprintf(path, sizeof(path), "%s%s%s", prefix, *prefix ? "/" : "", name);
	if (n < 0 || (size_t)n >= sizeof(path))
		return pare_error_set(err, -ENAMETOOLONG, "%s/%s: path too long", prefix, name);
	struct stat st;
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return pare_error_set(err, -errno, "%s: %s", path, strerror(errno));
	if (S_ISSOCK(st.st_mode))
		return pare_error_set(err, -PARE_E_UNSUPPORTED, "%s: sockets cannot be packaged",
				      path);
	int r = tree_add(t, path, &st, err);
	if (r < 0 || !S_ISDIR(st.st_mode))
		return r;
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return pare_error_set(err, -errno, "%s: %s", path, strerror(errno));
	r = walk_dir(t, fd, path, depth + 1, err);
	close(fd);
	return r;
}

static int walk_dir(struct mk_tree *t, int dirfd, const char *prefix, int depth,
		    struct pare_error *err)
{
	if (depth > PARE_MKPKG_MAX_DEPTH)
		return pare_error_set(err, -PARE_E_TOO_BIG, "%s: nested deeper than %d", prefix,
				      PARE_MKPKG_MAX_DEPTH);
	int fd = dup(dirfd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return pare_error_set(err, -errno, "%s: cannot list: %s", *prefix ? prefix : ".",
				      strerror(errno));
	}
	int r = 0;
	struct dirent *de;
	while (r == 0 && (errno = 0, de = readdir(d))) {
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			r = walk_child(t, dirfd, prefix, de->d_name, depth, err);
	}
	if (r == 0 && errno)
		r = pare_error_set(err, -errno, "%s: cannot list: %s", prefix, strerror(errno));
	closedir(d);
	return r;
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct mk_entry *)a)->path, ((const struct mk_entry *)b)->path);
}

/* Later paths of an inode with several links become hard links to the
 * first (in sorted order, so the choice is deterministic). */
static int link_hardlinks(struct mk_tree *t, struct pare_error *err)
{
	struct pare_map seen;
	pare_map_init(&seen);
	int r = 0;
	for (size_t i = 0; r == 0 && i < t->n; i++) {
		struct mk_entry *e = &t->v[i];
		if (!S_ISREG(e->st.st_mode) || e->st.st_nlink < 2)
			continue;
		uint64_t *key = pare_arena_alloc(&t->arena, 2 * sizeof(uint64_t));
		if (!key)
			return pare_error_set(err, -ENOMEM, "out of memory");
		key[0] = e->st.st_dev;
		key[1] = e->st.st_ino;
		struct pare_slice k = pare_slice_make((const char *)key, 2 * sizeof(uint64_t));
		struct mk_entry *first = pare_map_get(&seen, k);
		if (first)
			e->hardlink = first->path;
		else if (pare_map_put(&seen, k, e, NULL) < 0)
			r = pare_error_set(err, -ENOMEM, "out of memory");
	}
	pare_map_release(&seen);
	return r;
}

static const char *user_name(struct mk_tree *t, uint64_t uid)
{
	if (uid == 0)
		return "root";
	struct passwd pw, *res = NULL;
	char buf[4096];
	if (getpwuid_r((uid_t)uid, &pw, buf, sizeof(buf), &res) != 0 || !res)
		return "";
	return pare_arena_strdup(&t->arena, pare_slice_from(pw.pw_name));
}

static const char *group_name(struct mk_tree *t, uint64_t gid)
{
	if (gid == 0)
		return "root";
	struct group gr, *res = NULL;
	char buf[4096];
	if (getgrgid_r((gid_t)gid, &gr, buf, sizeof(buf), &res) != 0 || !res)
		return "";
	return pare_arena_strdup(&t->arena, pare_slice_from(gr.gr_name));
}

static void set_owners(struct mk_tree *t, bool keep)
{
	for (size_t i = 0; i < t->n; i++) {
		struct mk_entry *e = &t->v[i];
		e->uid = keep ? e->st.st_uid : 0;
		e->gid = keep ? e->st.st_gid : 0;
		e->uname = user_name(t, e->uid);
		e->gname = group_name(t, e->gid);
	}
}

static struct mk_entry *find_entry(struct mk_tree *t, struct pare_slice path)
{
	size_t lo = 0, hi = t->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = pare_slice_cmp(pare_slice_from(t->v[mid].path), path);
		if (c == 0)
			return &t->v[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* One side of OWNER:GROUP: "-" keeps the default, NUMBER records the id
 * (named "root" when 0, else unnamed), NAME=NUMBER records both, and a bare
 * NAME records the name with id 0.  Nothing depends on the build host's
 * user list, so a manifest gives the same bytes everywhere; apk resolves a
 * name in the target root and falls back to the id. */
static int parse_owner(struct mk_tree *t, struct pare_slice s, uint64_t *id, const char **name)
{
	if (pare_slice_eq_cstr(s, "-"))
		return 0;
	struct pare_slice name_part, id_part = s;
	bool has_name = pare_slice_split(&id_part, '=', &name_part);
	uint64_t n = 0;
	if (!has_name && pare_slice_to_u64(s, &n)) {
		if (n > UINT32_MAX)
			return -PARE_E_FORMAT;
		*id = n;
		*name = n == 0 ? "root" : "";
		return 0;
	}
	if (!has_name)
		name_part = s;
	if (name_part.len == 0 || name_part.len > 31 ||
	    (has_name && (!pare_slice_to_u64(id_part, &n) || n > UINT32_MAX)))
		return -PARE_E_FORMAT;
	char *text = pare_arena_strdup(&t->arena, name_part);
	if (!text)
		return -PARE_E_FORMAT;
	*name = text;
	*id = n;
	return 0;
}

static int manifest_line(struct mk_tree *t, struct pare_slice line, unsigned long lineno,
			 struct pare_error *err)
{
	struct pare_slice w[4];
	size_t n = 0;
	while (n < 4 && pare_slice_next_word(&line, &w[n]))
		n++;
	if (n == 0 || w[0].ptr[0] == '#')
		return 0;
	if (n != 3)
		return pare_error_set(err, -PARE_E_FORMAT, "manifest line %lu: want PATH MODE OWNER:GROUP",
				      lineno);
	while (w[0].len > 1 && w[0].ptr[w[0].len - 1] == '/')
		w[0].len--;
	struct mk_entry *e = find_entry(t, w[0]);
	if (!e)
		return pare_error_set(err, -PARE_E_NOT_FOUND, "manifest line %lu: %.*s is not in the tree",
				      lineno, (int)w[0].len, w[0].ptr);
	if (!pare_slice_eq_cstr(w[1], "-")) {
		char *end;
		char mode[16];
		snprintf(mode, sizeof(mode), "%.*s", (int)(w[1].len < 15 ? w[1].len : 15), w[1].ptr);
		unsigned long m = strtoul(mode, &end, 8);
		if (*end || m > 07777 || w[1].len > 6)
			return pare_error_set(err, -PARE_E_FORMAT, "manifest line %lu: bad mode '%.*s'",
					      lineno, (int)w[1].len, w[1].ptr);
		e->mode = (uint32_t)m;
	}
	struct pare_slice group = w[2], user;
	if (!pare_slice_split(&group, ':', &user) ||
	    parse_owner(t, user, &e->uid, &e->uname) < 0 ||
	    parse_owner(t, group, &e->gid, &e->gname) < 0)
		return pare_error_set(err, -PARE_E_FORMAT, "manifest line %lu: bad owner '%.*s'",
				      lineno, (int)w[2].len, w[2].ptr);
	return 0;
}

static int apply_manifest(struct mk_tree *t, const char *path, struct pare_error *err)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return pare_error_set(err, -errno, "%s: %s", path, strerror(errno));
	char line[PARE_PATH_MAX + 128];
	unsigned long lineno = 0;
	int r = 0;
	while (r == 0 && fgets(line, sizeof(line), f)) {
		lineno++;
		r = manifest_line(t, pare_slice_from(line), lineno, err);
	}
	fclose(f);
	return r < 0 ? pare_error_prefix(err, r, "%s: ", path) : 0;
}

/* ---- the data member ---- */

struct mk_writer {
	const struct pare_mkpkg_opts *o;
	struct mk_tree *tree;
	struct pare_tar_writer tar;
	uint64_t installed;    /* sum of regular file sizes */
};

static int64_t clamp_mtime(const struct pare_mkpkg_opts *o, int64_t t)
{
	return o->source_date_epoch >= 0 && t > o->source_date_epoch ? o->source_date_epoch : t;
}

static int hash_file(int fd, const char *path, struct pare_digest_value *out,
		     struct pare_error *err)
{
	int r = pare_digest_fd(fd, PARE_DIGEST_SHA1, out);
	if (r < 0)
		pare_error_set(err, r, "%s: %s", path, pare_strerror(r));
	return r;
}

static int copy_file(struct mk_writer *w, int fd, const struct mk_entry *e,
		     struct pare_error *err)
{
	unsigned char buf[65536];
	uint64_t left = (uint64_t)e->st.st_size;
	while (left > 0) {
		ssize_t n = pare_read_some(fd, buf, left < sizeof(buf) ? (size_t)left : sizeof(buf));
		if (n <= 0)
			return pare_error_set(err, n < 0 ? (int)n : -PARE_E_TRUNCATED,
					      "%s: changed while being packaged", e->path);
		int r = pare_tar_write_data(&w->tar, buf, (size_t)n, err);
		if (r < 0)
			return r;
		left -= (uint64_t)n;
	}
	return 0;
}

static void fill_header(const struct mk_writer *w, const struct mk_entry *e, char *name,
			struct pare_tar_header *h)
{
	memset(h, 0, sizeof(*h));
	h->name = pare_slice_from(name);
	h->uname = pare_slice_from(e->uname);
	h->gname = pare_slice_from(e->gname);
	h->mode = e->mode;
	h->uid = e->uid;
	h->gid = e->gid;
	h->mtime = clamp_mtime(w->o, e->st.st_mtime);
}

static int write_regular(struct mk_writer *w, const struct mk_entry *e,
			 struct pare_tar_header *h, struct pare_error *err)
{
	int fd = openat(w->tree->rootfd, e->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return pare_error_set(err, -errno, "%s: %s", e->path, strerror(errno));
	h->type = PARE_TAR_REG;
	h->size = (uint64_t)e->st.st_size;
	int r = hash_file(fd, e->path, &h->checksum, err);
	if (r == 0 && lseek(fd, 0, SEEK_SET) < 0)
		r = pare_error_set(err, -errno, "%s: %s", e->path, strerror(errno));
	if (r == 0)
		r = pare_tar_write_entry_header(&w->tar, h, err);
	if (r == 0)
		r = copy_file(w, fd, e, err);
	close(fd);
	w->installed += h->size;
	return r;
}

static int write_symlink(struct mk_writer *w, const struct mk_entry *e,
			 struct pare_tar_header *h, struct pare_error *err)
{
	char target[PARE_PATH_MAX];
	ssize_t n = readlinkat(w->tree->rootfd, e->path, target, sizeof(target));
	if (n < 0 || (size_t)n >= sizeof(target))
		return pare_error_set(err, n < 0 ? -errno : -ENAMETOOLONG, "%s: cannot read link",
				      e->path);
	h->type = PARE_TAR_SYMLINK;
	h->linkname = pare_slice_make(target, (size_t)n);
	h->mode = 0777;
	int r = pare_digest_buffer(PARE_DIGEST_SHA1, target, (size_t)n, &h->checksum);
	return r < 0 ? r : pare_tar_write_entry_header(&w->tar, h, err);
}

static int write_entry(struct mk_writer *w, const struct mk_entry *e, struct pare_error *err)
{
	char name[PARE_PATH_MAX + 2];
	struct pare_tar_header h;
	bool dir = S_ISDIR(e->st.st_mode);
	snprintf(name, sizeof(name), "%s%s", e->path, dir ? "/" : "");
	fill_header(w, e, name, &h);
	if (e->hardlink) {
		h.type = PARE_TAR_LINK;
		h.linkname = pare_slice_from(e->hardlink);
		return pare_tar_write_entry_header(&w->tar, &h, err);
	}
	if (S_ISREG(e->st.st_mode))
		return write_regular(w, e, &h, err);
	if (S_ISLNK(e->st.st_mode))
		return write_symlink(w, e, &h, err);
	if (dir)
		h.type = PARE_TAR_DIR;
	else if (S_ISFIFO(e->st.st_mode))
		h.type = PARE_TAR_FIFO;
	else {
		h.type = S_ISCHR(e->st.st_mode) ? PARE_TAR_CHR : PARE_TAR_BLK;
		h.devmajor = major(e->st.st_rdev);
		h.devminor = minor(e->st.st_rdev);
	}
	return pare_tar_write_entry_header(&w->tar, &h, err);
}

static void sha256_hook(void *ctx, const void *p, size_t n)
{
	pare_digest_update(ctx, p, n);
}

/* Write the data member to fd; its SHA-256 goes to *datahash. */
static int write_data(struct mk_writer *w, int fd, struct pare_digest_value *datahash,
		      struct pare_error *err)
{
	struct pare_fd_stream fs;
	struct pare_ostream fdout, gzout;
	struct pare_gz_writer gz;
	struct pare_digest d;
	pare_fd_ostream_init(&fs, &fdout, fd, "temporary data file");
	int r = pare_digest_init(&d, PARE_DIGEST_SHA256);
	if (r == 0)
		r = pare_gz_writer_init(&gz, &fdout, w->o->level ? w->o->level : 9, err);
	if (r < 0) {
		pare_digest_release(&d);
		return r;
	}
	pare_gz_writer_set_hook(&gz, sha256_hook, &d);
	pare_gz_ostream(&gz, &gzout);
	pare_tar_writer_init(&w->tar, &gzout);
	for (size_t i = 0; r == 0 && i < w->tree->n; i++)
		r = write_entry(w, &w->tree->v[i], err);
	if (r == 0)
		r = pare_tar_write_end(&w->tar, err);
	if (r == 0)
		r = pare_gz_finish_member(&gz, err);
	if (r == 0)
		r = pare_digest_final(&d, datahash);
	pare_tar_writer_release(&w->tar);
	pare_gz_writer_release(&gz);
	pare_digest_release(&d);
	return r;
}

/* ---- metadata and the control member ---- */

static const char *const script_order[] = {
	".pre-install", ".post-install", ".pre-upgrade", ".post-upgrade",
	".pre-deinstall", ".post-deinstall", ".trigger",
};

static int set_number(struct pare_pkginfo *pi, const char *key, uint64_t v,
		      struct pare_error *err)
{
	char text[32];
	int n = snprintf(text, sizeof(text), "%llu", (unsigned long long)v);
	return pare_pkginfo_set(pi, key, pare_slice_make(text, (size_t)n), err);
}

static int fill_info(const struct pare_mkpkg_opts *o, const struct mk_tree *t,
		     uint64_t installed, const struct pare_digest_value *datahash,
		     struct pare_error *err)
{
	char hex[2 * PARE_DIGEST_MAX + 1];
	pare_hex_encode(datahash->bytes, datahash->len, hex);
	int r = set_number(o->info, "size", installed, err);
	if (r == 0 && !o->info->has_builddate)
		r = set_number(o->info, "builddate",
			       (uint64_t)(o->source_date_epoch >= 0 ? o->source_date_epoch
								    : t->newest),
			       err);
	if (r == 0)
		r = pare_pkginfo_set(o->info, "datahash", pare_slice_from(hex), err);
	return r;
}

static int control_file(struct pare_tar_writer *tw, const char *name, struct pare_slice body,
			uint32_t mode, int64_t mtime, struct pare_error *err)
{
	struct pare_tar_header h = {
		.name = pare_slice_from(name),
		.uname = PARE_SLICE_LIT("root"),
		.gname = PARE_SLICE_LIT("root"),
		.type = PARE_TAR_REG,
		.mode = mode,
		.mtime = mtime,
		.size = body.len,
	};
	int r = pare_tar_write_entry_header(tw, &h, err);
	if (r == 0)
		r = pare_tar_write_data(tw, body.ptr, body.len, err);
	return r == 0 ? pare_tar_finish_entry(tw, err) : r;
}

static int write_scripts(const struct pare_mkpkg_opts *o, struct pare_tar_writer *tw,
			 int64_t mtime, struct pare_error *err)
{
	for (size_t k = 0; k < sizeof(script_order) / sizeof(script_order[0]); k++) {
		for (size_t i = 0; i < o->nscripts; i++) {
			if (strcmp(o->scripts[i].name, script_order[k]) != 0)
				continue;
			struct pare_buf body;
			pare_buf_init(&body, PARE_PKG_SCRIPT_MAX);
			int r = pare_read_file(o->scripts[i].path, &body, err);
			if (r == 0)
				r = control_file(tw, script_order[k], pare_buf_slice(&body), 0755, mtime,
						 err);
			pare_buf_release(&body);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

static int check_scripts(const struct pare_mkpkg_opts *o, struct pare_error *err)
{
	for (size_t i = 0; i < o->nscripts; i++) {
		struct pare_slice name = pare_slice_from(o->scripts[i].name);
		if (!pare_pkg_is_control_name(name) || pare_slice_eq_cstr(name, ".PKGINFO"))
			return pare_error_set(err, -PARE_E_USAGE, "'%s' is not a script name",
					      o->scripts[i].name);
		for (size_t j = 0; j < i; j++)
			if (strcmp(o->scripts[j].name, o->scripts[i].name) == 0)
				return pare_error_set(err, -PARE_E_USAGE, "script %s given twice",
						      o->scripts[i].name);
	}
	return 0;
}

/* The control member (no end-of-archive blocks), gzipped into out. */
static int write_control(const struct pare_mkpkg_opts *o, int64_t mtime, struct pare_buf *out,
			 struct pare_error *err)
{
	struct pare_buf pkginfo;
	struct pare_ostream bufout, gzout;
	struct pare_gz_writer gz;
	struct pare_tar_writer tw;
	pare_buf_init(&pkginfo, PARE_PKG_PKGINFO_MAX);
	pare_buf_ostream_init(&bufout, out);
	int r = pare_pkginfo_write(o->info, &pkginfo, err);
	if (r == 0)
		r = pare_gz_writer_init(&gz, &bufout, o->level ? o->level : 9, err);
	if (r < 0) {
		pare_buf_release(&pkginfo);
		return r;
	}
	pare_gz_ostream(&gz, &gzout);
	pare_tar_writer_init(&tw, &gzout);
	r = control_file(&tw, ".PKGINFO", pare_buf_slice(&pkginfo), 0644, mtime, err);
	if (r == 0)
		r = write_scripts(o, &tw, mtime, err);
	if (r == 0)
		r = pare_gz_finish_member(&gz, err);
	pare_tar_writer_release(&tw);
	pare_gz_writer_release(&gz);
	pare_buf_release(&pkginfo);
	return r;
}

/* ---- assembling the package ---- */

static int collect_tree(const struct pare_mkpkg_opts *o, struct mk_tree *t,
			struct pare_error *err)
{
	if (!o->tree)
		return 0;
	t->rootfd = open(o->tree, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (t->rootfd < 0)
		return pare_error_set(err, -errno, "%s: %s", o->tree, strerror(errno));
	int r = walk_dir(t, t->rootfd, "", 0, err);
	if (r < 0)
		return pare_error_prefix(err, r, "%s: ", o->tree);
	if (t->n > 1) /* t->v is NULL for an empty tree */
		qsort(t->v, t->n, sizeof(*t->v), cmp_entry);
	set_owners(t, o->keep_owners);
	r = link_hardlinks(t, err);
	if (r == 0 && o->manifest)
		r = apply_manifest(t, o->manifest, err);
	return r;
}

/* An unnamed temporary file for the data member, in the output's
 * directory when the file system allows it. */
static int open_data_tmp(const char *out_path)
{
	char dir[PARE_PATH_MAX];
	const char *slash = strrchr(out_path, '/');
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - out_path + (slash == out_path)),
			 out_path);
	int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
	FILE *f = tmpfile();
	if (!f)
		return -errno;
	fd = dup(fileno(f));
	fclose(f);
	return fd < 0 ? -errno : fd;
}

static int copy_fd(int fd, struct pare_ostream *out, struct pare_error *err)
{
	if (lseek(fd, 0, SEEK_SET) < 0)
		return pare_error_set(err, -errno, "temporary data file: %s", strerror(errno));
	return pare_copy_fd(fd, out, UINT64_MAX, "temporary data file", err);
}

static int sign_control(const struct pare_mkpkg_opts *o, const struct pare_buf *control,
			int64_t mtime, struct pare_buf *sig, struct pare_error *err)
{
	if (!o->key)
		return 0;
	struct pare_digest_value d;
	enum pare_digest_alg alg = o->sig_alg ? o->sig_alg : PARE_DIGEST_SHA256;
	int r = pare_digest_buffer(alg, control->data, control->len, &d);
	if (r < 0)
		return pare_error_set(err, r, "digest failed");
	return pare_sig_member_sign(sig, o->key, o->keyname, &d, mtime, err);
}

static int write_package(const struct pare_mkpkg_opts *o, const char *out_path, int datafd,
			 int64_t mtime, struct pare_error *err)
{
	struct pare_buf control, sig;
	struct pare_atomic_file af;
	pare_buf_init(&control, PARE_PKG_CONTROL_PART_MAX);
	pare_buf_init(&sig, 1u << 20);
	int r = write_control(o, mtime, &control, err);
	if (r == 0)
		r = sign_control(o, &control, mtime, &sig, err);
	if (r == 0)
		r = pare_atomic_open(&af, out_path, 0644, err);
	if (r == 0) {
		r = pare_ostream_write(&af.out, sig.data, sig.len, err);
		if (r == 0)
			r = pare_ostream_write(&af.out, control.data, control.len, err);
		if (r == 0)
			r = copy_fd(datafd, &af.out, err);
		if (r == 0)
			r = pare_atomic_commit(&af, err);
		else
			pare_atomic_abort(&af);
	}
	pare_buf_release(&control);
	pare_buf_release(&sig);
	return r;
}

int pare_mkpkg(const struct pare_mkpkg_opts *o, const char *out_path, struct pare_error *err)
{
	struct mk_tree t = { .rootfd = -1 };
	struct mk_writer w = { .o = o, .tree = &t };
	struct pare_digest_value datahash;
	pare_arena_init(&t.arena, 65536, 0);
	int datafd = -1;
	int r = check_scripts(o, err);
	if (r == 0)
		r = collect_tree(o, &t, err);
	if (r == 0 && (datafd = open_data_tmp(out_path)) < 0)
		r = pare_error_set(err, datafd, "cannot create a temporary file: %s",
				   strerror(-datafd));
	if (r == 0)
		r = write_data(&w, datafd, &datahash, err);
	if (r == 0)
		r = fill_info(o, &t, w.installed, &datahash, err);
	int64_t mtime = o->source_date_epoch >= 0 ? o->source_date_epoch
						  : (int64_t)o->info->builddate;
	if (r == 0)
		r = write_package(o, out_path, datafd, mtime, err);
	if (datafd >= 0)
		close(datafd);
	if (t.rootfd >= 0)
		close(t.rootfd);
	free(t.v);
	pare_arena_release(&t.arena);
	return r;
}
