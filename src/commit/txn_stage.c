/* The transaction's package visitor: every data entry is checked against
 * the database (conflicts, symlinked directories, protected files) and
 * recorded for the database before the extractor stages it. */
#include "commit/txn_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int txn_stage_init(struct txn_stage *s, struct txn *t, const struct pare_pkgent *ent,
		   const struct pare_db_pkg *oldp, const char *label, struct pare_error *err)
{
	memset(s, 0, sizeof(*s));
	s->t = t;
	s->ent = ent;
	s->oldp = oldp;
	pare_arena_init(&s->arena, 65536, 0);
	pare_map_init(&s->paths);
	pare_map_init(&s->dirs);
	pare_map_init(&s->replaced);
	struct pare_extract_opts xo = { .owners = t->o->owners, .name = label,
					.may_replace = txn_may_replace, .replace_ctx = s,
					.defer_dir = txn_defer_dir, .defer_ctx = t,
					.dirs = &t->dirfds };
	int r = pare_extract_init(&s->x, t->o->root, &xo, err);
	if (r < 0)
		return r;
	s->drop_setid = !(s->x.is_root && s->x.apply_owners);
	pare_extract_visitor(&s->x, &s->xv);
	return 0;
}

void txn_stage_release(struct txn_stage *s)
{
	if (!s)
		return;
	pare_extract_release(&s->x);
	pare_map_release(&s->paths);
	pare_map_release(&s->dirs);
	pare_map_release(&s->replaced);
	pare_arena_release(&s->arena);
	free(s->ents);
	s->ents = NULL;
}

/* ---- directories and symlinks ---- */

static struct pare_slice dirname_of(struct pare_slice p, struct pare_slice *base)
{
	const char *slash = p.len ? memrchr(p.ptr, '/', p.len) : NULL;
	if (!slash) {
		*base = p;
		return PARE_SLICE_NULL;
	}
	*base = pare_slice_make(slash + 1, p.len - (size_t)(slash - p.ptr) - 1);
	return pare_slice_make(p.ptr, (size_t)(slash - p.ptr));
}

/* The path (relative to the root) an open O_PATH descriptor names. */
static int fd_rel_path(struct txn *t, int fd, char *out, size_t size)
{
	char proc[64], buf[PARE_PATH_MAX + 1];
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	ssize_t n = readlink(proc, buf, sizeof(buf) - 1);
	if (n < 0 || !t->root_real_len)
		return -EINVAL;
	buf[n] = '\0';
	size_t rl = t->root_real_len;
	if (rl == 1) /* the root is "/" */
		rl = 0;
	if ((size_t)n < rl || memcmp(buf, t->root_real, rl) != 0 ||
	    (buf[rl] != '/' && buf[rl] != '\0'))
		return -PARE_E_UNSAFE_PATH;
	const char *rel = buf + rl;
	while (*rel == '/')
		rel++;
	snprintf(out, size, "%s", rel);
	return 0;
}

/* Does a package that owns the symlink at `link` also list `target` as a
 * directory (a layout symlink such as lib -> usr/lib)? */
static bool symlink_allowed(const struct pare_db_file *owner, struct pare_slice target)
{
	return pare_map_get(&owner->pkg->dirmap, target) != NULL;
}

/* cand is a symlink: where does it lead, and may this package go there? */
static int follow_symlink(struct txn_stage *s, const char *cand, char *out, size_t size,
			  struct pare_error *err)
{
	int fd = pare_root_openat(s->t->o->root, cand, O_PATH | O_DIRECTORY, 0, NULL);
	if (fd < 0)
		return pare_error_set(err, -PARE_E_UNSAFE_PATH,
				      "%s is a symlink that does not lead to a directory", cand);
	int r = fd_rel_path(s->t, fd, out, size);
	close(fd);
	if (r < 0)
		return pare_error_set(err, -PARE_E_UNSAFE_PATH, "%s: cannot tell where it leads",
				      cand);
	const struct pare_db_file *owner = pare_db_owner(s->t->db, pare_slice_from(cand));
	if (owner && !symlink_allowed(owner, pare_slice_from(out)) && !s->t->o->force_overwrite)
		return pare_error_set(err, -PARE_E_UNSAFE_PATH,
				      "%s is a symlink of package %.*s to /%s: a path through it "
				      "is refused", cand, (int)owner->pkg->ent.name.len,
				      owner->pkg->ent.name.ptr, out);
	return 0;
}

static int dir_put(struct txn_stage *s, struct pare_slice dir, struct pare_slice resolved,
		   const struct txn_dir **out, struct pare_error *err)
{
	struct txn_dir *d = pare_arena_zalloc(&s->arena, sizeof(*d));
	struct pare_slice key = pare_arena_slice(&s->arena, dir);
	if (d)
		d->resolved = pare_arena_slice(&s->arena, resolved);
	if (!d || (!key.ptr && dir.len) || !d->resolved.ptr ||
	    pare_map_put(&s->dirs, key, d, NULL) < 0)
		return pare_error_set(err, -ENOMEM, "out of memory");
	*out = d;
	return 0;
}

int txn_resolve_dir(struct txn_stage *s, struct pare_slice dir, const struct txn_dir **out,
		    struct pare_error *err)
{
	const struct txn_dir *d = pare_map_get(&s->dirs, dir);
	if (d) {
		*out = d;
		return 0;
	}
	if (dir.len == 0 || pare_map_get(&s->t->realdirs, dir))
		return dir_put(s, dir, dir, out, err);
	struct pare_slice base, parent = dirname_of(dir, &base);
	const struct txn_dir *pd;
	int r = txn_resolve_dir(s, parent, &pd, err);
	if (r < 0)
		return r;
	char cand[PARE_PATH_MAX + 1], target[PARE_PATH_MAX + 1];
	int n = snprintf(cand, sizeof(cand), "%.*s%s%.*s", (int)pd->resolved.len, pd->resolved.ptr,
			 pd->resolved.len ? "/" : "", (int)base.len, base.ptr);
	if (n < 0 || (size_t)n >= sizeof(cand))
		return pare_error_set(err, -ENAMETOOLONG, "%.*s: path too long", (int)dir.len,
				      dir.ptr);
	/* A directory this package's extractor created is no symlink. */
	if (pare_extract_created_dir(&s->x, dir))
		return dir_put(s, dir, pare_slice_from(cand), out, err);
	int pfd;
	struct stat st;
	bool link = pare_extract_dircache_get(&s->t->dirfds, s->t->o->root, pd->resolved.ptr,
					      pd->resolved.len, &pfd) == 0 &&
		    fstatat(pfd, cand + n - (int)base.len, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISLNK(st.st_mode);
	if (!link)
		return dir_put(s, dir, pare_slice_from(cand), out, err);
	r = follow_symlink(s, cand, target, sizeof(target), err);
	if (r < 0)
		return r;
	return dir_put(s, dir, pare_slice_from(target), out, err);
}

void txn_learn_dirs(struct txn *t, const struct txn_stage *s)
{
	size_t pos = 0;
	struct pare_slice k;
	void *v;
	while (pare_map_next(&s->dirs, &pos, &k, &v)) {
		const struct txn_dir *d = v;
		if (!k.len || !pare_slice_eq(k, d->resolved) || pare_map_get(&t->realdirs, k))
			continue;
		struct pare_slice key = pare_arena_slice(&t->realdirs_arena, k);
		if (!key.ptr || pare_map_put(&t->realdirs, key, (void *)key.ptr, NULL) < 0)
			return; /* only a cache */
	}
}

void txn_forget_dirs(struct txn *t)
{
	pare_extract_dircache_drop(&t->dirfds);
	pare_map_release(&t->realdirs);
	pare_map_init(&t->realdirs);
	pare_arena_release(&t->realdirs_arena);
	pare_arena_init(&t->realdirs_arena, 16384, 0);
}

/* ---- ownership ---- */

static bool deps_name(const struct pare_deplist *l, struct pare_slice name)
{
	for (uint32_t i = 0; i < l->n; i++)
		if (!l->v[i].conflict && pare_slice_eq(l->v[i].name, name))
			return true;
	return false;
}

/* May this package write a file that f (another live package's) lists? */
static int may_take(struct txn_stage *s, const struct pare_db_file *f, struct pare_slice path,
		    bool *replace, struct pare_error *err)
{
	if (!f || f->pkg == s->oldp)
		return 0;
	const struct pare_pkgent *o = &f->pkg->ent;
	*replace = true;
	if (s->t->o->force_overwrite || pare_map_get(&s->t->leaving, o->name) ||
	    (s->ent->origin.len && pare_slice_eq(s->ent->origin, o->origin)) ||
	    deps_name(&s->ent->replaces, o->name))
		return 0;
	return pare_error_set(err, -EEXIST, "%.*s-%.*s: trying to overwrite %.*s owned by %.*s-%.*s.",
			      (int)s->ent->name.len, s->ent->name.ptr, (int)s->ent->version.len,
			      s->ent->version.ptr, (int)path.len, path.ptr, (int)o->name.len,
			      o->name.ptr, (int)o->version.len, o->version.ptr);
}

/* Check the entry's path (nominal and resolved) against the database;
 * decide replace and apk_new. */
static int check_file(struct txn_stage *s, struct txn_ent *te, const char *resolved,
		      struct pare_error *err)
{
	struct pare_db_installed *db = s->t->db;
	const struct pare_db_file *f = pare_db_owner(db, te->path);
	int r = may_take(s, f, te->path, &te->replace, err);
	if (r == 0 && strcmp(resolved, te->path.ptr) != 0)
		r = may_take(s, pare_db_owner(db, pare_slice_from(resolved)),
			     pare_slice_from(resolved), &te->replace, err);
	if (r < 0 || te->type != PARE_TAR_REG || !txn_is_protected(te->path))
		return r;
	struct pare_digest_value disk;
	r = txn_file_digest(s->t->o->root, resolved, PARE_DIGEST_SHA1, &disk);
	if (r < 0)
		return 0; /* absent or not a regular file: nothing to keep */
	bool same_new = te->csum.alg == PARE_DIGEST_SHA1 && !memcmp(disk.bytes, te->csum.bytes, 20);
	bool same_old = false;
	if (f && f->csum.alg != PARE_DIGEST_NONE) {
		struct pare_digest_value d2 = disk;
		if (f->csum.alg != PARE_DIGEST_SHA1)
			txn_file_digest(s->t->o->root, resolved, f->csum.alg, &d2);
		same_old = d2.alg == f->csum.alg && !memcmp(d2.bytes, f->csum.bytes, f->csum.len);
	}
	te->apk_new = !same_new && !same_old;
	return 0;
}

/* ---- the visitor ---- */

static int ents_push(struct txn_stage *s, struct txn_ent **out)
{
	if (s->nents == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 64;
		struct txn_ent **v = realloc(s->ents, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		s->ents = v;
		s->cap = cap;
	}
	struct txn_ent *te = pare_arena_zalloc(&s->arena, sizeof(*te));
	if (!te)
		return -ENOMEM;
	s->ents[s->nents++] = te;
	*out = te;
	return 0;
}

static void fill_ent(struct txn_stage *s, struct txn_ent *te, const struct pare_tar_entry *e)
{
	te->type = e->type;
	te->mode = e->mode & 07777;
	if (s->drop_setid)
		te->mode &= ~(uint32_t)06000;
	te->uid = (uint32_t)e->uid;
	te->gid = (uint32_t)e->gid;
	te->csum = e->checksum;
	if (e->type == PARE_TAR_LINK) { /* a hard link has its target's content */
		char tp[PARE_PATH_MAX + 1];
		size_t tl;
		const struct txn_ent *t = NULL;
		if (pare_path_normalise(e->linkname, tp, &tl, NULL) == 0)
			t = pare_map_get(&s->paths, pare_slice_make(tp, tl));
		if (t)
			te->csum = t->csum;
	}
}

/* The entry as the extractor should see it: renamed to .apk-new. */
static int stage_through(struct txn_stage *s, const struct txn_ent *te,
			 const struct pare_tar_entry *e, struct pare_istream *content,
			 struct pare_error *err)
{
	if (!te || !te->apk_new)
		return s->xv.entry(s->xv.ctx, e, content, err);
	char name[PARE_PATH_MAX + 16];
	snprintf(name, sizeof(name), "%s.apk-new", te->path.ptr);
	struct pare_tar_entry e2 = *e;
	e2.name = pare_slice_from(name);
	s->t->res->apk_new++;
	pare_log_warning(s->t->o->log, "%.*s: keeping the modified /%s, new one written as /%s",
			 (int)s->ent->name.len, s->ent->name.ptr, te->path.ptr, name);
	return s->xv.entry(s->xv.ctx, &e2, content, err);
}

static int stage_entry(void *ctx, const struct pare_tar_entry *e, struct pare_istream *content,
		       struct pare_error *err)
{
	struct txn_stage *s = ctx;
	char path[PARE_PATH_MAX + 1], resolved[PARE_PATH_MAX + 1];
	size_t len;
	int r = pare_path_normalise(e->name, path, &len, err);
	if (r < 0 || len == 0)
		return r < 0 ? r : s->xv.entry(s->xv.ctx, e, content, err);
	struct pare_slice base, dir = dirname_of(pare_slice_make(path, len), &base);
	const struct txn_dir *d;
	r = txn_resolve_dir(s, dir, &d, err);
	if (r < 0)
		return r;
	/* resolved = d->resolved "/" base (the nominal path when they agree) */
	if (pare_slice_eq(d->resolved, dir)) {
		memcpy(resolved, path, len + 1);
	} else if (d->resolved.len + 1 + base.len <= PARE_PATH_MAX) {
		size_t rl = d->resolved.len;
		memcpy(resolved, d->resolved.ptr, rl);
		if (rl)
			resolved[rl++] = '/';
		memcpy(resolved + rl, base.ptr, base.len);
		resolved[rl + base.len] = '\0';
	} else {
		return pare_error_set(err, -ENAMETOOLONG, "%s: path too long", path);
	}
	struct txn_ent *te;
	if (ents_push(s, &te) < 0)
		return pare_error_set(err, -ENOMEM, "out of memory");
	te->path = pare_arena_slice(&s->arena, pare_slice_make(path, len));
	if (!te->path.ptr || pare_map_put(&s->paths, te->path, te, NULL) < 0)
		return pare_error_set(err, -ENOMEM, "out of memory");
	fill_ent(s, te, e);
	if (e->type != PARE_TAR_DIR && (r = check_file(s, te, resolved, err)) < 0)
		return r;
	struct txn *t = s->t;
	t->progress_done += e->size;
	pare_progress_update(t->o->progress, "installing", t->progress_done, t->progress_total);
	return stage_through(s, e->type == PARE_TAR_DIR ? NULL : te, e, content, err);
}

void txn_stage_visitor(struct txn_stage *s, struct pare_pkg_visitor *v)
{
	memset(v, 0, sizeof(*v));
	v->entry = stage_entry;
	v->ctx = s;
}
