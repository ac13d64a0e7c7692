/* Installing the solution into a fresh staging root: every package
 * verified while its files are staged, renamed into place only after it
 * verified, and recorded in lib/apk/db/installed (owners and modes from
 * the package, whatever the build's privileges) and in the layer table.
 *
 * A fresh root has nothing installed, so every change is an INSTALL; a
 * path a second package also ships is accepted only when that package
 * replaces the first (r:) or both share an origin, as apk does. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "apk/package.h"
#include "commit/extract.h"
#include "image/build_int.h"
#include "io/digest.h"

#define PIB_MAX_RECS (1u << 20)

/* One data entry as the package declared it. */
struct pib_rec {
	const char *name;
	char type;
	uint32_t mode;
	uint64_t uid, gid;
	struct pare_digest_value csum;
};

struct pib_visit {
	struct pare_pkg_visitor inner; /* the extractor's */
	struct pare_arena arena;
	struct pib_rec *recs;          /* malloc */
	size_t n, cap;
};

static int visit_entry(void *ctx, const struct pare_tar_entry *e, struct pare_istream *content,
		       struct pare_error *err)
{
	struct pib_visit *v = ctx;
	int r = v->inner.entry(v->inner.ctx, e, content, err);
	if (r < 0)
		return r;
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 64;
		struct pib_rec *nr = cap > PIB_MAX_RECS ? NULL : realloc(v->recs, cap * sizeof(*nr));
		if (!nr)
			return pare_error_set(err, -PARE_E_TOO_BIG, "too many entries");
		v->recs = nr;
		v->cap = cap;
	}
	struct pib_rec *rec = &v->recs[v->n];
	rec->name = pare_arena_strdup(&v->arena, e->name);
	if (!rec->name)
		return pare_error_set(err, -ENOMEM, "out of memory");
	rec->type = e->type;
	rec->mode = e->mode;
	rec->uid = e->uid;
	rec->gid = e->gid;
	rec->csum = e->checksum;
	v->n++;
	return 0;
}

/* The package file read once: through a SHA-256 (the SBOM's checksum). */
struct pib_hashed {
	struct pare_istream in;
	struct pare_digest d;
};

static ssize_t hashed_read(void *ctx, void *buf, size_t n, struct pare_error *err)
{
	struct pib_hashed *h = ctx;
	ssize_t got = pare_istream_read(&h->in, buf, n, err);
	if (got > 0 && pare_digest_update(&h->d, buf, (size_t)got) < 0)
		return pare_error_set(err, -PARE_E_CRYPTO, "sha256 failed");
	return got;
}

/* Hash what the reader left unread (nothing, normally) and finish. */
static int hashed_finish(struct pib_hashed *h, char out[65], struct pare_error *err)
{
	unsigned char buf[16384];
	struct pare_digest_value v;
	ssize_t got;
	struct pare_istream s = { hashed_read, h };
	while ((got = pare_istream_read(&s, buf, sizeof(buf), err)) > 0)
		;
	if (got < 0)
		return (int)got;
	if (pare_digest_final(&h->d, &v) < 0)
		return pare_error_set(err, -PARE_E_CRYPTO, "sha256 failed");
	pare_hex_encode(v.bytes, v.len, out);
	return 0;
}

static bool replaces(const struct pare_pkgent *e, struct pare_slice name)
{
	for (uint32_t i = 0; i < e->replaces.n; i++)
		if (pare_slice_eq(e->replaces.v[i].name, name))
			return true;
	return false;
}

/* Before anything is renamed: no file may land on another package's. */
static int check_conflicts(struct pib_arch *a, const struct pare_pkgent *e,
			   const struct pib_visit *v, struct pare_error *err)
{
	for (size_t i = 0; i < v->n; i++) {
		if (v->recs[i].type == PARE_TAR_DIR)
			continue;
		const struct pare_db_file *f = pare_db_owner(&a->db, pare_slice_from(v->recs[i].name));
		if (!f)
			continue;
		const struct pare_pkgent *o = &f->pkg->ent;
		if (replaces(e, o->name) || (e->origin.len && pare_slice_eq(e->origin, o->origin)))
			continue;
		return pare_error_set(err, -EEXIST, "%.*s: trying to overwrite %s owned by %.*s",
				      (int)e->name.len, e->name.ptr, v->recs[i].name,
				      (int)o->name.len, o->name.ptr);
	}
	return 0;
}

static int record_entry(struct pib_arch *a, struct pare_db_pkg *dp, const struct pib_rec *rec,
			struct pare_error *err)
{
	bool dir = rec->type == PARE_TAR_DIR;
	struct pare_db_acl acl = { .uid = (uint32_t)rec->uid, .gid = (uint32_t)rec->gid,
				   .mode = rec->mode };
	bool dflt = rec->uid == 0 && rec->gid == 0 &&
		    rec->mode == (dir ? PARE_DB_DEFAULT_DIR_MODE : PARE_DB_DEFAULT_FILE_MODE);
	struct pare_slice name = pare_slice_from(rec->name);
	int r;
	if (dir)
		r = pare_db_pkg_add_dir(&a->db, dp, name, dflt ? NULL : &acl, NULL, err);
	else
		r = pare_db_pkg_add_file(&a->db, dp, name, dflt ? NULL : &acl,
					 rec->csum.alg ? &rec->csum : NULL,
					 pare_db_owner(&a->db, name) ? PARE_DB_ADD_REPLACE : 0, NULL,
					 err);
	if (r < 0)
		return r;
	struct pare_layer_meta m = { .mode = rec->mode, .uid = rec->uid, .gid = rec->gid };
	if (pare_layer_table_set(&a->table, rec->name, &m) < 0)
		return pare_error_set(err, -ENOMEM, "out of memory");
	return 0;
}

static int record_pkg(struct pib_arch *a, const struct pare_pkgent *e, struct pare_slice tag,
		      const struct pib_visit *v, struct pare_error *err)
{
	struct pare_db_pkg *dp;
	int r = pare_db_add_pkg(&a->db, e, &dp, err);
	if (r < 0)
		return r;
	dp->repo_tag = tag;
	for (size_t i = 0; r == 0 && i < v->n; i++)
		r = record_entry(a, dp, &v->recs[i], err);
	return r;
}

static const struct pare_repo *ent_repo(const struct pib_arch *a, const struct pare_pkgent *e)
{
	return e->repo >= 0 && (size_t)e->repo < a->repos.n ? &a->repos.v[e->repo] : NULL;
}

/* The package is what the index entry names (C:), whatever its source. */
static int check_identity(const struct pare_pkgent *e, const struct pare_pkg *pkg,
			  const char *name, struct pare_error *err)
{
	if (!e->identity_text.len || pare_slice_eq_cstr(e->identity_text, pkg->identity))
		return 0;
	return pare_error_set(err, -PARE_E_INTEGRITY, "%s: identity %s, index says %.*s", name,
			      pkg->identity, (int)e->identity_text.len, e->identity_text.ptr);
}

/* Signed by a trusted key, or through a verified index (its C: matched). */
static bool trusted(struct pib_arch *a, const struct pare_pkgent *e, const struct pare_pkg *pkg)
{
	if (pkg->trust == 0 || a->o->allow_untrusted)
		return true;
	const struct pare_repo *rp = ent_repo(a, e);
	return rp && rp->index.trust == 0 && e->identity_text.len;
}

/* Read (staging), check, rename into place, record. */
/* One pass over the file: staged by the extractor, recorded in v, hashed. */
static int read_pkg(struct pib_arch *a, const char *path, struct pare_pkg *pkg,
		    struct pib_visit *v, char sha256[65], struct pare_error *err)
{
	struct pare_fd_stream fs;
	struct pib_hashed h;
	struct pare_istream in = { hashed_read, &h };
	struct pare_pkg_visitor outer = { .entry = visit_entry, .ctx = v };
	struct pare_pkg_read_opts ro = { .keys = &a->keys };
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return pare_error_set(err, -errno, "%s: %s", path, strerror(errno));
	pare_fd_istream_init(&fs, &h.in, fd, path);
	int r = pare_digest_init(&h.d, PARE_DIGEST_SHA256);
	if (r < 0) {
		close(fd);
		return pare_error_set(err, r, "sha256 failed");
	}
	r = pare_pkg_read(pkg, &in, path, &ro, &outer, err);
	if (r == 0)
		r = hashed_finish(&h, sha256, err);
	pare_digest_release(&h.d);
	close(fd);
	return r;
}

static int install_one(struct pib_arch *a, const struct pare_pkgent *e, struct pare_slice tag,
		       const char *path, char sha256[65], struct pare_error *err)
{
	struct pare_pkg pkg;
	struct pare_extract x;
	struct pib_visit v = { 0 };
	char name[256];
	snprintf(name, sizeof(name), "%.*s-%.*s", (int)e->name.len, e->name.ptr,
		 (int)e->version.len, e->version.ptr);
	struct pare_extract_opts xo = { .name = name };
	pare_arena_init(&v.arena, 0, 0);
	pare_pkg_init(&pkg);
	int r = pare_extract_init(&x, &a->root, &xo, err);
	if (r == 0) {
		pare_extract_visitor(&x, &v.inner);
		r = read_pkg(a, path, &pkg, &v, sha256, err);
	}
	if (r == 0 && pkg.kind != PARE_PKG_KIND_PACKAGE)
		r = pare_error_set(err, -PARE_E_FORMAT, "%s: not a package", name);
	if (r == 0)
		r = check_identity(e, &pkg, name, err);
	if (r == 0 && !trusted(a, e, &pkg))
		r = pare_error_set(err, pkg.trust, "%s: %s", name, pkg.trust_msg);
	if (r == 0)
		r = check_conflicts(a, e, &v, err);
	if (r == 0)
		r = pare_extract_commit(&x, err);
	if (r < 0)
		pare_extract_abort(&x);
	if (r == 0)
		r = record_pkg(a, e, tag, &v, err);
	pare_extract_release(&x);
	pare_pkg_release(&pkg);
	free(v.recs);
	pare_arena_release(&v.arena);
	return r;
}

/* A local repository's file is read in place (its size checked here, its
 * identity by install_one); others go through the verified cache. */
int pib_package_file(struct pib_arch *a, const struct pare_pkgent *e, char *path, size_t n,
		     struct pare_error *err)
{
	const struct pare_repo *rp = ent_repo(a, e);
	struct stat st;
	if (!rp || rp->kind != PARE_REPO_LOCAL)
		return pare_repos_cache_pkg(&a->repos, e, path, n, err);
	int r = pare_repos_pkg_url(&a->repos, e, path, n, err);
	if (r < 0)
		return r;
	if (stat(path, &st) < 0)
		return pare_error_set(err, -errno, "%s: %s", path, strerror(errno));
	if ((e->flags & PARE_PKGENT_HAS_SIZE) && (uint64_t)st.st_size != e->size)
		return pare_error_set(err, -PARE_E_INTEGRITY, "%s: size %llu, index says %llu",
				      path, (unsigned long long)st.st_size,
				      (unsigned long long)e->size);
	return 0;
}

int pib_install(struct pib_arch *a, struct pare_error *err)
{
	char path[PARE_PATH_MAX];
	a->pkgs = calloc(a->sol.nchanges + 1, sizeof(*a->pkgs));
	if (!a->pkgs)
		return pare_error_set(err, -ENOMEM, "out of memory");
	for (uint32_t i = 0; i < a->sol.nchanges; i++) {
		const struct pare_change *c = &a->sol.changes[i];
		if (!c->new_pkg)
			continue;
		const struct pare_pkgent *e =
			c->new_pkg->id < a->nents ? a->ents[c->new_pkg->id] : NULL;
		if (!e)
			return pare_error_set(err, -PARE_E_NOT_FOUND, "%s: no index entry",
					      c->new_pkg->name->str.ptr);
		pare_log_verbose(a->o->log, "(%u/%u) Installing %.*s (%.*s)", i + 1,
				 a->sol.nchanges, (int)e->name.len, e->name.ptr,
				 (int)e->version.len, e->version.ptr);
		int r = pib_package_file(a, e, path, sizeof(path), err);
		struct pib_pkg *p = &a->pkgs[a->npkgs];
		p->ent = e;
		if (r == 0)
			r = install_one(a, e, c->new_tag ? a->u->tags[c->new_tag] : PARE_SLICE_NULL,
					path, p->sha256, err);
		if (r < 0)
			return r;
		a->npkgs++;
		pare_progress_update(a->o->progress, "installing", i + 1, a->sol.nchanges);
	}
	pare_db_sort(&a->db);
	return pare_db_installed_write(&a->db, &a->root, err);
}
