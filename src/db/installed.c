/* The installed database: lifecycle, lookups and changes (see
 * db/installed.h).  Parsing is in installed_read.c, writing in
 * installed_write.c. */
#include "db/installed.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "db/dbfile.h"
#include "db/installed_internal.h"

/* How many live packages list one directory path. */
struct dirref {
	struct pare_slice path;
	uint32_t users;
};

void pare_db_installed_init(struct pare_db_installed *db)
{
	memset(db, 0, sizeof(*db));
	pare_arena_init(&db->arena, 256 * 1024, 0);
	pare_index_init(&db->idx);
	pare_map_init(&db->names);
	pare_map_init(&db->files);
	pare_map_init(&db->dirs);
	db->name = PARE_DB_INSTALLED_PATH;
}

void pare_db__pkg_free_arrays(struct pare_db_pkg *pkg)
{
	for (uint32_t i = 0; i < pkg->ndirs; i++) {
		free(pkg->dirs[i]->files);
		pkg->dirs[i]->files = NULL;
		pkg->dirs[i]->nfiles = pkg->dirs[i]->files_cap = 0;
	}
	free(pkg->dirs);
	pkg->dirs = NULL;
	pkg->ndirs = pkg->dirs_cap = 0;
	pare_map_release(&pkg->dirmap);
}

void pare_db_installed_release(struct pare_db_installed *db)
{
	if (!db)
		return;
	for (size_t i = 0; i < db->npkgs; i++)
		pare_db__pkg_free_arrays(db->pkgs[i]);
	free(db->pkgs);
	free(db->text);
	pare_map_release(&db->names);
	pare_map_release(&db->files);
	pare_map_release(&db->dirs);
	pare_index_release(&db->idx);
	pare_arena_release(&db->arena);
	pare_db_installed_init(db);
}

/* ---- building blocks */

struct pare_db_pkg *pare_db__pkg_new(struct pare_db_installed *db, struct pare_error *err)
{
	struct pare_db_pkg *pkg = pare_arena_zalloc(&db->arena, sizeof(*pkg));
	if (!pkg) {
		pare_error_set(err, -ENOMEM, "%s: out of memory", db->name);
		return NULL;
	}
	pkg->ent.repo = -1; /* pkgent defaults: zero, no repository */
	pare_map_init(&pkg->dirmap);
	pkg->live = true;
	return pkg;
}

int pare_db__pkg_insert(struct pare_db_installed *db, struct pare_db_pkg *pkg,
			struct pare_error *err)
{
	if (db->npkgs == db->pkgs_cap) {
		size_t cap = db->pkgs_cap ? db->pkgs_cap * 2 : 64;
		struct pare_db_pkg **v = realloc(db->pkgs, cap * sizeof(*v));
		if (!v)
			return pare_error_set(err, -ENOMEM, "%s: out of memory", db->name);
		db->pkgs = v;
		db->pkgs_cap = cap;
	}
	if (pare_map_put(&db->names, pkg->ent.name, pkg, NULL) < 0)
		return pare_error_set(err, -ENOMEM, "%s: out of memory", db->name);
	db->pkgs[db->npkgs++] = pkg;
	return 0;
}

static int grow(void **v, uint32_t *cap, uint32_t n, size_t size)
{
	if (n < *cap)
		return 0;
	if (*cap >= UINT32_MAX / 2)
		return -PARE_E_TOO_BIG;
	uint32_t c = *cap ? *cap * 2 : 8;
	void *p = realloc(*v, (size_t)c * size);
	if (!p)
		return -ENOMEM;
	*v = p;
	*cap = c;
	return 0;
}

static int dir_ref(struct pare_db_installed *db, struct pare_slice path, int delta)
{
	struct dirref *d = pare_map_get(&db->dirs, path);
	if (!d) {
		if (delta < 0)
			return 0;
		d = pare_arena_zalloc(&db->arena, sizeof(*d));
		if (!d)
			return -ENOMEM;
		d->path = path;
		if (pare_map_put(&db->dirs, path, d, NULL) < 0)
			return -ENOMEM;
	}
	if (delta < 0 && d->users > 0)
		d->users--;
	else if (delta > 0)
		d->users++;
	return 0;
}

struct pare_db_dir *pare_db__dir_new(struct pare_db_installed *db, struct pare_db_pkg *pkg,
				     struct pare_slice path, struct pare_error *err)
{
	struct pare_db_dir *d = pare_arena_zalloc(&db->arena, sizeof(*d));
	int r = d ? grow((void **)&pkg->dirs, &pkg->dirs_cap, pkg->ndirs, sizeof(*pkg->dirs))
		  : -ENOMEM;
	if (r == 0)
		r = pare_map_put(&pkg->dirmap, path, d, NULL);
	if (r == 0)
		r = dir_ref(db, path, +1);
	if (r < 0) {
		pare_error_set(err, r, "%s: %s", db->name, pare_strerror(r));
		return NULL;
	}
	d->path = path;
	d->pkg = pkg;
	pkg->dirs[pkg->ndirs++] = d;
	return d;
}

struct pare_db_file *pare_db__file_new(struct pare_db_installed *db, struct pare_db_dir *dir,
				       struct pare_slice name, struct pare_error *err)
{
	struct pare_db_file *f = pare_arena_zalloc(&db->arena, sizeof(*f));
	size_t n = dir->path.len + (dir->path.len ? 1 : 0) + name.len;
	char *p = f ? pare_arena_alloc(&db->arena, n + 1) : NULL;
	int r = p ? grow((void **)&dir->files, &dir->files_cap, dir->nfiles, sizeof(*dir->files))
		  : -ENOMEM;
	if (r < 0) {
		pare_error_set(err, r, "%s: %s", db->name, pare_strerror(r));
		return NULL;
	}
	size_t off = 0;
	if (dir->path.len) {
		memcpy(p, dir->path.ptr, dir->path.len);
		p[dir->path.len] = '/';
		off = dir->path.len + 1;
	}
	memcpy(p + off, name.ptr, name.len);
	p[n] = '\0';
	f->name = pare_slice_make(p + off, name.len);
	f->path = pare_slice_make(p, n);
	f->dir = dir;
	f->pkg = dir->pkg;
	dir->files[dir->nfiles++] = f;
	return f;
}

/* ---- lookups */

struct pare_db_pkg *pare_db_find_pkg(const struct pare_db_installed *db, struct pare_slice name)
{
	struct pare_db_pkg *p = pare_map_get(&db->names, name);
	return p && p->live ? p : NULL;
}

static struct pare_slice strip_slash(struct pare_slice path)
{
	if (path.len && path.ptr[0] == '/')
		return pare_slice_make(path.ptr + 1, path.len - 1);
	return path;
}

const struct pare_db_file *pare_db_owner(const struct pare_db_installed *db,
					 struct pare_slice path)
{
	const struct pare_db_file *f = pare_map_get(&db->files, strip_slash(path));
	return f && f->pkg && f->pkg->live ? f : NULL;
}

uint32_t pare_db_dir_users(const struct pare_db_installed *db, struct pare_slice path)
{
	path = strip_slash(path);
	if (path.len && path.ptr[path.len - 1] == '/')
		path.len--;
	const struct dirref *d = pare_map_get(&db->dirs, path);
	return d ? d->users : 0;
}

void pare_db_file_iter_init(struct pare_db_file_iter *it, const struct pare_db_pkg *pkg)
{
	it->pkg = pkg;
	it->d = it->f = 0;
}

const struct pare_db_file *pare_db_file_iter_next(struct pare_db_file_iter *it)
{
	while (it->d < it->pkg->ndirs) {
		const struct pare_db_dir *d = it->pkg->dirs[it->d];
		if (it->f < d->nfiles)
			return d->files[it->f++];
		it->d++;
		it->f = 0;
	}
	return NULL;
}

size_t pare_db_pkg_nfiles(const struct pare_db_pkg *pkg)
{
	size_t n = 0;
	for (uint32_t i = 0; i < pkg->ndirs; i++)
		n += pkg->dirs[i]->nfiles;
	return n;
}

/* ---- changes */

int pare_db_add_pkg(struct pare_db_installed *db, const struct pare_pkgent *e,
		    struct pare_db_pkg **out, struct pare_error *err)
{
	if (pare_db_find_pkg(db, e->name))
		return pare_error_set(err, -EEXIST, "%s: package %.*s is already installed",
				      db->name, (int)e->name.len, e->name.ptr);
	struct pare_pkgent copy = *e;
	copy.order = PARE_SLICE_NULL;
	db->idx.n = 0;
	int r = pare_index_add(&db->idx, &copy, err);
	if (r < 0)
		return r;
	struct pare_db_pkg *pkg = pare_db__pkg_new(db, err);
	if (!pkg)
		return -ENOMEM;
	pkg->ent = db->idx.ents[0];
	pkg->ent.line = 0;
	db->idx.n = 0;
	if ((r = pare_db__pkg_insert(db, pkg, err)) < 0)
		return r;
	if (out)
		*out = pkg;
	return 0;
}

static int check_dir_path(const struct pare_db_installed *db, struct pare_slice *path,
			  struct pare_error *err)
{
	if (path->len && path->ptr[path->len - 1] == '/')
		path->len--;
	if (path->len == 0)
		return 0;
	int r = pare_path_check_name(*path, err);
	return r < 0 ? pare_error_prefix(err, r, "%s: directory: ", db->name) : 0;
}

static void set_acl(bool *has, struct pare_db_acl *dst, struct pare_slice *text,
		    const struct pare_db_acl *acl)
{
	*has = true;
	*dst = *acl;
	dst->mode &= 07777;
	*text = PARE_SLICE_NULL;
}

int pare_db_pkg_add_dir(struct pare_db_installed *db, struct pare_db_pkg *pkg,
			struct pare_slice path, const struct pare_db_acl *acl,
			struct pare_db_dir **out, struct pare_error *err)
{
	int r = check_dir_path(db, &path, err);
	if (r < 0)
		return r;
	struct pare_db_dir *d = pare_map_get(&pkg->dirmap, path);
	if (!d) {
		struct pare_slice copy = pare_arena_slice(&db->arena, path);
		if (!copy.ptr)
			return pare_error_set(err, -ENOMEM, "%s: out of memory", db->name);
		if (!(d = pare_db__dir_new(db, pkg, copy, err)))
			return -ENOMEM;
	}
	if (acl)
		set_acl(&d->has_acl, &d->acl, &d->acl_text, acl);
	pkg->layout = PARE_SLICE_NULL;
	if (out)
		*out = d;
	return 0;
}

/* Drop f from its directory's list (order kept). */
static void unlist_file(struct pare_db_file *f)
{
	struct pare_db_dir *d = f->dir;
	for (uint32_t i = 0; i < d->nfiles; i++) {
		if (d->files[i] != f)
			continue;
		memmove(&d->files[i], &d->files[i + 1], (d->nfiles - i - 1) * sizeof(*d->files));
		d->nfiles--;
		break;
	}
	if (f->pkg)
		f->pkg->layout = PARE_SLICE_NULL;
	f->pkg = NULL;
}

static int file_taken(struct pare_db_installed *db, struct pare_db_pkg *pkg,
		      struct pare_slice path, unsigned flags, struct pare_error *err)
{
	struct pare_db_file *old = pare_map_get(&db->files, path);
	if (!old || !old->pkg || !old->pkg->live)
		return 0;
	if (old->pkg == pkg)
		return pare_error_set(err, -EEXIST, "%s: %.*s lists %.*s twice", db->name,
				      (int)pkg->ent.name.len, pkg->ent.name.ptr, (int)path.len,
				      path.ptr);
	if (!(flags & PARE_DB_ADD_REPLACE))
		return pare_error_set(err, -EEXIST, "%s: %.*s: %.*s belongs to %.*s", db->name,
				      (int)pkg->ent.name.len, pkg->ent.name.ptr, (int)path.len,
				      path.ptr, (int)old->pkg->ent.name.len, old->pkg->ent.name.ptr);
	unlist_file(old);
	return 0;
}

static int split_file_path(const struct pare_db_installed *db, struct pare_slice path,
			   struct pare_slice *dir, struct pare_slice *name,
			   struct pare_error *err)
{
	int r = pare_path_check_name(path, err);
	if (r < 0)
		return pare_error_prefix(err, r, "%s: file: ", db->name);
	ptrdiff_t slash = -1;
	for (size_t i = path.len; i > 0; i--)
		if (path.ptr[i - 1] == '/') {
			slash = (ptrdiff_t)i - 1;
			break;
		}
	*dir = slash < 0 ? PARE_SLICE_NULL : pare_slice_make(path.ptr, (size_t)slash);
	*name = pare_slice_make(path.ptr + slash + 1, path.len - (size_t)(slash + 1));
	if (name->len == 0 || pare_slice_eq_cstr(*name, ".") || pare_slice_eq_cstr(*name, ".."))
		return pare_error_set(err, -PARE_E_UNSAFE_PATH, "%s: file: bad name '%.*s'",
				      db->name, (int)path.len, path.ptr);
	return 0;
}

int pare_db_pkg_add_file(struct pare_db_installed *db, struct pare_db_pkg *pkg,
			 struct pare_slice path, const struct pare_db_acl *acl,
			 const struct pare_digest_value *csum, unsigned flags,
			 struct pare_db_file **out, struct pare_error *err)
{
	struct pare_slice dpath, name;
	struct pare_db_dir *d;
	int r = split_file_path(db, strip_slash(path), &dpath, &name, err);
	if (r == 0)
		r = file_taken(db, pkg, strip_slash(path), flags, err);
	if (r == 0)
		r = pare_db_pkg_add_dir(db, pkg, dpath, NULL, &d, err);
	if (r < 0)
		return r;
	struct pare_slice ncopy = pare_arena_slice(&db->arena, name);
	struct pare_db_file *f = ncopy.ptr ? pare_db__file_new(db, d, ncopy, err) : NULL;
	if (!f)
		return pare_error_set(err, -ENOMEM, "%s: out of memory", db->name);
	if (acl)
		set_acl(&f->has_acl, &f->acl, &f->acl_text, acl);
	if (csum && csum->alg != PARE_DIGEST_NONE)
		f->csum = *csum;
	if (pare_map_put(&db->files, f->path, f, NULL) < 0)
		return pare_error_set(err, -ENOMEM, "%s: out of memory", db->name);
	if (out)
		*out = f;
	return 0;
}

void pare_db_remove_pkg(struct pare_db_installed *db, struct pare_db_pkg *pkg)
{
	if (!pkg || !pkg->live)
		return;
	for (uint32_t i = 0; i < pkg->ndirs; i++) {
		struct pare_db_dir *d = pkg->dirs[i];
		for (uint32_t j = 0; j < d->nfiles; j++)
			d->files[j]->pkg = NULL;
		d->pkg = NULL;
		dir_ref(db, d->path, -1);
	}
	pkg->live = false;
	for (size_t i = 0; i < db->npkgs; i++) {
		if (db->pkgs[i] != pkg)
			continue;
		memmove(&db->pkgs[i], &db->pkgs[i + 1], (db->npkgs - i - 1) * sizeof(*db->pkgs));
		db->npkgs--;
		break;
	}
	pare_db__pkg_free_arrays(pkg);
}

static int cmp_pkg(const void *a, const void *b)
{
	const struct pare_db_pkg *x = *(struct pare_db_pkg *const *)a;
	const struct pare_db_pkg *y = *(struct pare_db_pkg *const *)b;
	return pare_slice_cmp(x->ent.name, y->ent.name);
}

void pare_db_sort(struct pare_db_installed *db)
{
	if (db->npkgs > 1)
		qsort(db->pkgs, db->npkgs, sizeof(*db->pkgs), cmp_pkg);
}

/* ---- values */

static bool take_uint(struct pare_slice *v, unsigned base, uint64_t max, uint64_t *out)
{
	size_t i = 0;
	uint64_t x = 0;
	while (i < v->len && v->ptr[i] >= '0' && v->ptr[i] < (char)('0' + base)) {
		x = x * base + (uint64_t)(v->ptr[i] - '0');
		if (x > max)
			return false;
		i++;
	}
	if (i == 0)
		return false;
	*out = x;
	v->ptr += i;
	v->len -= i;
	return true;
}

static bool take_char(struct pare_slice *v, char c)
{
	if (v->len == 0 || v->ptr[0] != c)
		return false;
	v->ptr++;
	v->len--;
	return true;
}

int pare_db_acl_parse(struct pare_slice v, struct pare_db_acl *acl)
{
	uint64_t uid, gid, mode;
	memset(acl, 0, sizeof(*acl));
	if (!take_uint(&v, 10, UINT32_MAX, &uid) || !take_char(&v, ':') ||
	    !take_uint(&v, 10, UINT32_MAX, &gid) || !take_char(&v, ':') ||
	    !take_uint(&v, 8, 07777, &mode))
		return -PARE_E_FORMAT;
	acl->uid = (uint32_t)uid;
	acl->gid = (uint32_t)gid;
	acl->mode = (uint32_t)mode;
	if (v.len == 0)
		return 0;
	if (!take_char(&v, ':'))
		return -PARE_E_FORMAT;
	return pare_db_csum_parse(v, &acl->xattr);
}

int pare_db_csum_parse(struct pare_slice v, struct pare_digest_value *out)
{
	memset(out, 0, sizeof(*out));
	if (v.len >= 2 && v.ptr[0] == 'Q')
		return pare_apk_checksum_parse(v.ptr, v.len, out) < 0 ? -PARE_E_FORMAT : 0;
	if (v.len < 2 || v.ptr[0] != 'X' || (v.ptr[1] != '1' && v.ptr[1] != '2'))
		return -PARE_E_FORMAT;
	enum pare_digest_alg alg = v.ptr[1] == '1' ? PARE_DIGEST_SHA1 : PARE_DIGEST_SHA256;
	size_t n = pare_digest_size(alg);
	if (v.len != 2 + 2 * n || pare_hex_decode(v.ptr + 2, 2 * n, out->bytes, n) < 0)
		return -PARE_E_FORMAT;
	out->alg = alg;
	out->len = n;
	return 0;
}
