/* File-level pruning (see prune.h). */
#include "image/prune.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/rootpath.h"
#include "io/atomic.h"
#include "image/oci_int.h"
#include "elf/elf.h"
#include "elf/loader.h"

#define PRUNE_MAX_FILES (4u << 20)
#define PRUNE_MAX_DEPTH 256

/* Files the runtime or an interpreter opens on paths a test may not take,
 * or that exist for the safety of the image: kept whatever the trace saw.
 * One table, data: add a row to teach pare a new interpreter. */
static const struct {
	const char *glob, *why;
} keep_rules[] = {
	{ "etc/*", "configuration (etc/ is never pruned)" },
	{ "lib/apk/*", "the package database" },
	{ "usr/lib/apk/*", "the package database" },
	{ "*libnss_*.so*", "NSS modules (dlopen'ed by name lookups)" },
	{ "*libresolv*.so*", "the resolver (dlopen'ed by NSS dns)" },
	{ "usr/lib/locale/C.utf8/*", "the C.UTF-8 locale" },
	{ "usr/lib/locale/C.UTF-8/*", "the C.UTF-8 locale" },
	{ "usr/lib/locale/locale-archive", "compiled locales" },
	{ "usr/share/zoneinfo/UTC", "the UTC zone" },
	{ "usr/share/zoneinfo/Etc/UTC", "the UTC zone" },
	{ "usr/lib/ssl/*", "the OpenSSL directory (links into etc/ssl)" },
	{ "usr/share/ca-certificates/*", "CA certificates" },
	{ "usr/lib/python3*/encodings/*", "python start-up: encodings" },
	{ "usr/lib/python3*/os.py", "python start-up" },
	{ "usr/lib/python3*/site.py", "python start-up" },
	{ "usr/lib/python3*/_sitebuiltins.py", "python start-up" },
	{ "usr/lib/python3*/codecs.py", "python start-up" },
	{ "usr/lib/python3*/io.py", "python start-up" },
	{ "usr/lib/python3*/abc.py", "python start-up" },
	{ "usr/lib/python3*/stat.py", "python start-up" },
	{ "usr/lib/python3*/posixpath.py", "python start-up" },
	{ "usr/lib/python3*/genericpath.py", "python start-up" },
	{ "usr/lib/python3*/_collections_abc.py", "python start-up" },
	{ "usr/lib/python3*/sysconfig.py", "python start-up" },
	{ "usr/lib/python3*/_sysconfigdata*", "python start-up" },
	{ "usr/lib/python3*/__pycache__/os.*", "python start-up" },
	{ "usr/lib/python3*/__pycache__/site.*", "python start-up" },
	{ "usr/lib/python3*/__pycache__/codecs.*", "python start-up" },
	{ "usr/lib/python3*/__pycache__/io.*", "python start-up" },
	{ "usr/lib/python3*/__pycache__/abc.*", "python start-up" },
	{ "usr/lib/python3*/__pycache__/stat.*", "python start-up" },
	{ "usr/lib/python3*/__pycache__/posixpath.*", "python start-up" },
	{ "usr/lib/python3*/__pycache__/genericpath.*", "python start-up" },
	{ "usr/lib/python3*/__pycache__/_collections_abc.*", "python start-up" },
	{ "usr/lib/python3*/__pycache__/_sitebuiltins.*", "python start-up" },
	{ "usr/lib/python3*/lib-dynload/_json*", "python: json accelerator" },
	{ "usr/lib/node_modules/npm/package.json", "node: npm's manifest" },
	{ "usr/share/perl5/strict.pm", "perl start-up" },
	{ "usr/share/perl5/warnings.pm", "perl start-up" },
	{ NULL, NULL },
};

/* Kept together: when a kept file matches `when`, every file matching
 * `then` is kept too (a configuration and what it names, so that pare
 * inspect's checks of the pruned image hold). */
static const struct {
	const char *when, *then, *why;
} keep_with[] = {
	{ "*/gconv/gconv-modules*", "*/gconv/*", "gconv-modules names these modules (RUN-003)" },
	{ NULL, NULL, NULL },
};

struct node {
	const char *path;
	const char *pkg;
	uint64_t size;
	bool link, keep;
	int why; /* 1 trace, 2 rule, 3 elf, 4 link */
};

struct plan {
	const struct pare_prune_opts *o;
	struct pare_prune_result *r;
	struct pare_root root;
	struct pare_map map; /* path -> struct node */
	struct node **v;     /* malloc */
	size_t n, cap;
	struct node **q;     /* kept, closure not yet taken (malloc, n slots) */
	size_t nq;
};

void pare_prune_result_init(struct pare_prune_result *r)
{
	memset(r, 0, sizeof(*r));
	pare_arena_init(&r->arena, 0, 0);
}

void pare_prune_result_release(struct pare_prune_result *r)
{
	if (!r)
		return;
	free(r->removed);
	free(r->dirs);
	free(r->pkgs);
	pare_arena_release(&r->arena);
	pare_prune_result_init(r);
}

/* ---- the walk */

static int add_node(struct plan *p, const char *rel, const struct stat *st)
{
	struct node *nd = pare_arena_zalloc(&p->r->arena, sizeof(*nd));
	char *k = pare_arena_strdup(&p->r->arena, pare_slice_from(rel));
	if (!nd || !k)
		return -ENOMEM;
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 1024;
		struct node **nv = cap > PRUNE_MAX_FILES ? NULL : realloc(p->v, cap * sizeof(*nv));
		if (!nv)
			return -PARE_E_TOO_BIG;
		p->v = nv;
		p->cap = cap;
	}
	nd->path = k;
	nd->link = S_ISLNK(st->st_mode);
	nd->size = nd->link ? 0 : (uint64_t)st->st_size;
	const struct pare_db_file *f = p->o->db ? pare_db_owner(p->o->db, pare_slice_from(k)) : NULL;
	nd->pkg = f && f->pkg ? pare_arena_strdup(&p->r->arena, f->pkg->ent.name) : "";
	if (!nd->pkg)
		return -ENOMEM;
	p->v[p->n++] = nd;
	return pare_map_put(&p->map, pare_slice_from(k), nd, NULL);
}

static int walk(struct plan *p, int dfd, const char *rel, unsigned depth, struct pare_error *err)
{
	if (depth > PRUNE_MAX_DEPTH)
		return close(dfd), pare_error_set(err, -PARE_E_TOO_BIG, "/%s: too deep", rel);
	DIR *d = fdopendir(dfd);
	if (!d)
		return close(dfd), pare_error_set(err, -errno, "/%s: %s", rel, strerror(errno));
	int r = 0;
	for (struct dirent *de; r == 0 && (de = readdir(d));) {
		char sub[PARE_PATH_MAX];
		struct stat st;
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "", de->d_name) >=
		    (int)sizeof(sub)) {
			r = pare_error_set(err, -ENAMETOOLONG, "/%s: too long", rel);
			break;
		}
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			int fd = openat(dirfd(d), de->d_name,
					O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			r = fd < 0 ? pare_error_set(err, -errno, "/%s: %s", sub, strerror(errno))
				   : walk(p, fd, sub, depth + 1, err);
		} else if (S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) {
			r = add_node(p, sub, &st);
			if (r < 0)
				r = pare_error_set(err, r, "/%s: %s", sub, r == -ENOMEM
						   ? "out of memory" : "too many files");
		}
	}
	closedir(d);
	return r;
}

/* ---- keeping */

static struct node *find(struct plan *p, const char *rel)
{
	while (*rel == '/')
		rel++;
	return pare_map_get(&p->map, pare_slice_from(rel));
}

/* The real root-relative path of rel (symlinks resolved inside the root)
 * into out; 1 when it is a directory, 0 a file, negative when absent. */
static int resolve(struct plan *p, const char *rel, char *out, size_t n)
{
	char proc[64];
	struct stat st;
	int fd = pare_root_openat(&p->root, rel, O_PATH | O_CLOEXEC, 0, NULL);
	if (fd < 0)
		return fd;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	ssize_t l = readlink(proc, out, n - 1);
	int isdir = fstat(fd, &st) == 0 && S_ISDIR(st.st_mode);
	close(fd);
	size_t rl = strlen(p->o->root);
	if (l < (ssize_t)rl || strncmp(out, p->o->root, rl) != 0)
		return -ENOENT;
	out[l] = '\0';
	memmove(out, out + rl + (out[rl] == '/'), (size_t)l - rl + 1 - (out[rl] == '/'));
	return isdir;
}

/* Mark nd kept and queue it for its closure. */
static void keep(struct plan *p, struct node *nd, int why)
{
	if (nd && !nd->keep) {
		nd->keep = true;
		nd->why = why;
		p->q[p->nq++] = nd;
	}
}

static bool glob_match(const char *glob, const char *path)
{
	while (*glob == '/')
		glob++;
	return fnmatch(glob, path, 0) == 0;
}

static bool rule_kept(struct plan *p, const struct node *nd)
{
	for (size_t i = 0; keep_rules[i].glob; i++)
		if (glob_match(keep_rules[i].glob, nd->path))
			return true;
	for (size_t i = 0; i < p->o->nkeep; i++)
		if (glob_match(p->o->keep[i], nd->path))
			return true;
	for (size_t i = 0; *nd->pkg && i < p->o->nkeep_pkgs; i++)
		if (strcmp(p->o->keep_pkgs[i], nd->pkg) == 0)
			return true;
	return false;
}

static bool is_elf(struct plan *p, const char *rel)
{
	unsigned char magic[4];
	int fd = pare_root_openat(&p->root, rel, O_RDONLY | O_NOFOLLOW | O_CLOEXEC, 0, NULL);
	bool ok = fd >= 0 && pread(fd, magic, 4, 0) == 4 && pare_elf_is_elf(magic, 4);
	if (fd >= 0)
		close(fd);
	return ok;
}

/* Keep a kept symlink's target, and the objects a kept ELF file loads. */
static int elf_closure(struct plan *p, struct pare_ld *ld, struct node *nd, struct pare_error *err)
{
	char path[PARE_PATH_MAX + 2], real[PARE_PATH_MAX];
	if (nd->link) {
		if (resolve(p, nd->path, real, sizeof(real)) == 0)
			keep(p, find(p, real), 4);
		return 0;
	}
	if (!is_elf(p, nd->path))
		return 0;
	struct pare_ld_result res;
	struct pare_error lerr = { 0 };
	snprintf(path, sizeof(path), "/%s", nd->path);
	pare_ld_result_init(&res);
	int r = pare_ld_resolve(ld, path, &res, &lerr);
	for (size_t i = 0; r == 0 && i < res.nobjs; i++)
		if (res.objs[i].path && resolve(p, res.objs[i].path, real, sizeof(real)) == 0)
			keep(p, find(p, real), 3);
	pare_ld_result_release(&res);
	return r == -ENOMEM ? pare_error_set(err, r, "out of memory") : 0;
}

static int decide(struct plan *p, struct pare_error *err)
{
	char real[PARE_PATH_MAX];
	const struct pare_trace *t = p->o->trace;
	p->q = malloc((p->n ? p->n : 1) * sizeof(*p->q));
	if (!p->q)
		return pare_error_set(err, -ENOMEM, "out of memory");
	for (size_t i = 0; t && i < t->n; i++)
		keep(p, find(p, t->paths[i]), 1);
	for (size_t i = 0; i < p->n; i++)
		if (rule_kept(p, p->v[i]))
			keep(p, p->v[i], 2);
	for (size_t k = 0; keep_with[k].when; k++) {
		bool on = false;
		for (size_t i = 0; !on && i < p->n; i++)
			on = p->v[i]->keep && glob_match(keep_with[k].when, p->v[i]->path);
		for (size_t i = 0; on && i < p->n; i++)
			if (glob_match(keep_with[k].then, p->v[i]->path))
				keep(p, p->v[i], 2);
	}
	struct pare_ld ld;
	int r = pare_ld_init(&ld, p->o->root, NULL, err);
	if (r < 0)
		return r;
	/* symlink targets and ELF closures, until nothing new is kept */
	while (r == 0 && p->nq)
		r = elf_closure(p, &ld, p->q[--p->nq], err);
	pare_ld_release(&ld);
	/* symlinks that lead to a kept file or to a directory */
	for (size_t i = 0; r == 0 && i < p->n; i++) {
		struct node *nd = p->v[i];
		if (!nd->link || nd->keep)
			continue;
		int k = resolve(p, nd->path, real, sizeof(real));
		struct node *to = k == 0 ? find(p, real) : NULL;
		if (k == 1 || (to && to->keep))
			keep(p, nd, 4);
	}
	p->nq = 0;
	return r;
}

/* ---- the result */

static int pkg_cmp(const void *x, const void *y)
{
	const struct pare_prune_pkg *a = x, *b = y;
	if (a->removed_bytes != b->removed_bytes)
		return a->removed_bytes < b->removed_bytes ? 1 : -1;
	return strcmp(a->name, b->name);
}

static int file_cmp(const void *x, const void *y)
{
	return strcmp(((const struct pare_prune_file *)x)->path,
		      ((const struct pare_prune_file *)y)->path);
}

static struct pare_prune_pkg *pkg_slot(struct pare_prune_result *r, const char *name)
{
	for (size_t i = 0; i < r->npkgs; i++)
		if (strcmp(r->pkgs[i].name, name) == 0)
			return &r->pkgs[i];
	return NULL;
}

static int fill(struct plan *p)
{
	struct pare_prune_result *r = p->r;
	size_t npk = p->o->db ? p->o->db->npkgs + 1 : 1;
	r->pkgs = calloc(npk, sizeof(*r->pkgs));
	r->removed = calloc(p->n ? p->n : 1, sizeof(*r->removed));
	if (!r->pkgs || !r->removed)
		return -ENOMEM;
	r->pkgs[r->npkgs++].name = "";
	for (size_t i = 0; p->o->db && i < p->o->db->npkgs; i++) {
		char *nm = pare_arena_strdup(&r->arena, p->o->db->pkgs[i]->ent.name);
		if (!nm)
			return -ENOMEM;
		r->pkgs[r->npkgs++].name = nm;
	}
	for (size_t i = 0; i < p->n; i++) {
		const struct node *nd = p->v[i];
		struct pare_prune_pkg *k = pkg_slot(r, nd->pkg);
		if (!k)
			k = &r->pkgs[0];
		r->files_before++;
		r->bytes_before += nd->size;
		if (nd->keep) {
			r->files_after++;
			r->bytes_after += nd->size;
			k->kept_bytes += nd->size;
			k->kept_files++;
			r->traced += nd->why == 1;
			r->by_rule += nd->why == 2;
			r->by_elf += nd->why == 3;
			r->by_link += nd->why == 4;
			continue;
		}
		k->removed_bytes += nd->size;
		k->removed_files++;
		r->removed[r->nremoved++] = (struct pare_prune_file){ nd->path, nd->pkg, nd->size };
	}
	qsort(r->removed, r->nremoved, sizeof(*r->removed), file_cmp);
	qsort(r->pkgs, r->npkgs, sizeof(*r->pkgs), pkg_cmp);
	return 0;
}

int pare_prune_plan(const struct pare_prune_opts *o, struct pare_prune_result *r,
		    struct pare_error *err)
{
	struct plan p = { .o = o, .r = r };
	pare_map_init(&p.map);
	int rc = pare_root_open(&p.root, o->root, err);
	if (rc < 0)
		return rc;
	int fd = openat(p.root.fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	rc = fd < 0 ? pare_error_set(err, -errno, "%s: %s", o->root, strerror(errno))
		    : walk(&p, fd, "", 0, err);
	if (rc == 0)
		rc = decide(&p, err);
	if (rc == 0 && fill(&p) < 0)
		rc = pare_error_set(err, -ENOMEM, "out of memory");
	free(p.q);
	free(p.v);
	pare_map_release(&p.map);
	pare_root_release(&p.root);
	return rc;
}

/* ---- apply and restore: rename between the root and the stash */

static int move(const char *from_root, const char *to_root, const char *rel, bool mkparents,
		struct pare_error *err)
{
	char from[PARE_PATH_MAX * 2], to[PARE_PATH_MAX * 2];
	snprintf(from, sizeof(from), "%s/%s", from_root, rel);
	snprintf(to, sizeof(to), "%s/%s", to_root, rel);
	if (mkparents) {
		char *slash = strrchr(to, '/');
		*slash = '\0';
		int r = pare_mkdir_p(to, 0755, err);
		*slash = '/';
		if (r < 0)
			return r;
	}
	if (rename(from, to) < 0)
		return pare_error_set(err, -errno, "prune: %s -> %s: %s", from, to, strerror(errno));
	return 0;
}

static int write_record(const char *root_path, struct pare_prune_record *rec,
			struct pare_error *err)
{
	struct pare_buf b;
	char path[PARE_PATH_MAX * 2];
	pare_buf_init(&b, PARE_PRUNE_RECORD_MAX);
	int r = pare_prune_record_format(rec, &b);
	snprintf(path, sizeof(path), "%s/%s", root_path, PARE_PRUNE_RECORD_PATH);
	char *slash = strrchr(path, '/');
	*slash = '\0';
	if (r == 0)
		r = pare_mkdir_p(path, 0755, err);
	*slash = '/';
	if (r == 0) {
		struct pare_slice s = pare_buf_slice(&b);
		r = pare_oci_write_file(path, s.ptr, s.len, err);
	} else
		r = pare_error_set(err, r, "%s: cannot format the record", path);
	pare_buf_release(&b);
	return r;
}

/* Directories the removal emptied: the folders of removed files and
 * their parents, deepest first (a parent sorts before its children, so
 * reverse path order); rmdir fails on any that still holds something. */
static int dir_cmp_desc(const void *x, const void *y)
{
	return strcmp(*(const char *const *)y, *(const char *const *)x);
}

static int remove_emptied_dirs(const struct pare_prune_opts *o, struct pare_prune_result *r,
			       struct pare_error *err)
{
	struct pare_map seen;
	const char **v = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;
	pare_map_init(&seen);
	for (size_t i = 0; rc == 0 && i < r->nremoved; i++) {
		char dir[PARE_PATH_MAX];
		snprintf(dir, sizeof(dir), "%s", r->removed[i].path);
		for (char *slash; rc == 0 && (slash = strrchr(dir, '/'));) {
			*slash = '\0';
			if (pare_map_get(&seen, pare_slice_from(dir)))
				break; /* it and its parents are in already */
			char *k = pare_arena_strdup(&r->arena, pare_slice_from(dir));
			if (n == cap) {
				cap = cap ? cap * 2 : 256;
				const char **nv = realloc(v, cap * sizeof(*nv));
				if (!nv)
					k = NULL;
				else
					v = nv;
			}
			if (!k || pare_map_put(&seen, pare_slice_from(k), k, NULL) < 0)
				rc = pare_error_set(err, -ENOMEM, "out of memory");
			else
				v[n++] = k;
		}
	}
	pare_map_release(&seen);
	if (rc == 0 && n) {
		qsort(v, n, sizeof(*v), dir_cmp_desc);
		r->dirs = calloc(n, sizeof(*r->dirs));
		if (!r->dirs)
			rc = pare_error_set(err, -ENOMEM, "out of memory");
	}
	for (size_t i = 0; rc == 0 && i < n; i++) {
		char path[PARE_PATH_MAX * 2];
		struct stat st;
		snprintf(path, sizeof(path), "%s/%s", o->root, v[i]);
		if (lstat(path, &st) < 0 || !S_ISDIR(st.st_mode) || rmdir(path) < 0)
			continue; /* not emptied (or not a directory): it stays */
		r->dirs[r->ndirs++] = (struct pare_prune_dir){ v[i], (uint32_t)(st.st_mode & 07777),
							       (uint32_t)st.st_uid,
							       (uint32_t)st.st_gid };
	}
	free(v);
	return rc;
}

/* Make the removed directories again, parents first. */
static int restore_dirs(const struct pare_prune_opts *o, struct pare_prune_result *r,
			struct pare_error *err)
{
	for (size_t i = r->ndirs; i-- > 0;) {
		const struct pare_prune_dir *d = &r->dirs[i];
		char path[PARE_PATH_MAX * 2];
		snprintf(path, sizeof(path), "%s/%s", o->root, d->path);
		if (mkdir(path, 0700) < 0 && errno != EEXIST)
			return pare_error_set(err, -errno, "prune: %s: %s", path, strerror(errno));
		if (lchown(path, (uid_t)d->uid, (gid_t)d->gid) < 0 || chmod(path, d->mode) < 0)
			return pare_error_set(err, -errno, "prune: %s: %s", path, strerror(errno));
	}
	r->ndirs = 0;
	return 0;
}

int pare_prune_apply(const struct pare_prune_opts *o, struct pare_prune_result *r,
		     struct pare_error *err)
{
	struct pare_prune_record rec;
	struct pare_root root;
	pare_prune_record_init(&rec);
	int rc = pare_root_open(&root, o->root, err);
	if (rc == 0) {
		rc = pare_prune_record_read(&rec, &root, err);
		pare_root_release(&root);
	}
	if (rc == 0 && mkdir(o->stash, 0700) < 0)
		rc = pare_error_set(err, -errno, "%s: %s", o->stash, strerror(errno));
	/* the old record goes to the stash too, so that restore is renames only */
	char rec_path[PARE_PATH_MAX * 2];
	snprintf(rec_path, sizeof(rec_path), "%s/%s", o->root, PARE_PRUNE_RECORD_PATH);
	if (rc == 0 && access(rec_path, F_OK) == 0)
		rc = move(o->root, o->stash, PARE_PRUNE_RECORD_PATH, true, err);
	size_t done = 0;
	for (; rc == 0 && done < r->nremoved; done++) {
		rc = move(o->root, o->stash, r->removed[done].path, true, err);
		if (rc == 0 && pare_prune_record_add(&rec, r->removed[done].pkg,
						     r->removed[done].path) < 0)
			rc = pare_error_set(err, -ENOMEM, "out of memory");
	}
	r->applied = true;
	if (rc == 0)
		rc = remove_emptied_dirs(o, r, err);
	if (rc == 0)
		rc = write_record(o->root, &rec, err);
	pare_prune_record_release(&rec);
	if (rc < 0) {
		struct pare_error ignored = { 0 };
		pare_prune_restore(o, r, &ignored);
	}
	return rc;
}

int pare_prune_restore(const struct pare_prune_opts *o, struct pare_prune_result *r,
		       struct pare_error *err)
{
	char path[PARE_PATH_MAX * 2];
	int rc = 0;
	if (!r->applied)
		return 0;
	if ((rc = restore_dirs(o, r, err)) < 0)
		return rc;
	snprintf(path, sizeof(path), "%s/%s", o->root, PARE_PRUNE_RECORD_PATH);
	unlink(path);
	snprintf(path, sizeof(path), "%s/%s", o->stash, PARE_PRUNE_RECORD_PATH);
	if (access(path, F_OK) == 0)
		rc = move(o->stash, o->root, PARE_PRUNE_RECORD_PATH, false, err);
	for (size_t i = 0; rc == 0 && i < r->nremoved; i++) {
		snprintf(path, sizeof(path), "%s/%s", o->stash, r->removed[i].path);
		if (access(path, F_OK) == 0 || errno != ENOENT)
			rc = move(o->stash, o->root, r->removed[i].path, false, err);
	}
	r->applied = rc < 0;
	return rc;
}

/* ---- naming the missing file */

static bool quoted_in(const char *text, const char *name, size_t len)
{
	for (const char *s = text; (s = strstr(s, name)); s++) {
		char before = s > text ? s[-1] : ' ', after = s[len];
		if ((before == '\'' || before == '"') && (after == '\'' || after == '"'))
			return true;
	}
	return false;
}

/* A file that stands for its directory (a python package, a node module). */
static bool package_marker(const char *base)
{
	return strcmp(base, "__init__.py") == 0 || strncmp(base, "index.", 6) == 0 ||
	       strcmp(base, "package.json") == 0;
}

/* A relative tail of path with a '/' in it ("Foo/Bar.pm") in text. */
static bool tail_in(const char *text, const char *path)
{
	const char *last = strrchr(path, '/');
	for (const char *s = path; last && (s = strchr(s, '/')) && s < last; s++)
		if (strstr(text, s + 1))
			return true;
	return false;
}

const char *pare_prune_named_file(const struct pare_prune_result *r, const char *text)
{
	char buf[PARE_PATH_MAX + 2];
	if (!text)
		return NULL;
	for (size_t i = 0; i < r->nremoved; i++) {
		snprintf(buf, sizeof(buf), "/%s", r->removed[i].path);
		if (strstr(text, buf))
			return r->removed[i].path;
	}
	for (size_t i = 0; i < r->nremoved; i++)
		if (tail_in(text, r->removed[i].path))
			return r->removed[i].path;
	for (size_t i = 0; i < r->nremoved; i++) {
		const char *path = r->removed[i].path, *base = strrchr(path, '/');
		base = base ? base + 1 : path;
		size_t len = strcspn(base, ".");
		if (package_marker(base) && base > path + 1) {
			/* a package: its directory's name */
			const char *d = base - 1;
			while (d > path && d[-1] != '/')
				d--;
			base = d;
			len = (size_t)(base + strcspn(base, "/") - base);
		}
		if (len < 2 || len >= sizeof(buf))
			continue;
		memcpy(buf, base, len);
		buf[len] = '\0';
		if (quoted_in(text, buf, len))
			return path;
	}
	return NULL;
}
