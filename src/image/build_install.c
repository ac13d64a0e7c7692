/* Installing the solution into a fresh staging root through the one
 * installer, the transaction layer (commit/transaction.h): the same
 * staging, verification, conflict/replaces rules and database records as
 * `pare add`.  Scripts run only with run_scripts (apko runs none), in the
 * transaction layer's sandbox inside the staging root.  Afterwards the
 * layer table gets each package's owners and modes from the database
 * records (whatever the build's privileges were) and each package's file
 * its SHA-256 (for the SBOM). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apk/package.h"
#include "commit/transaction.h"
#include "db/dbfile.h"
#include "image/build_int.h"
#include "io/digest.h"

/* SHA-256 of a package file, in hex (the SBOM's checksum). */
static int file_sha256(const char *path, char out[65], struct pare_error *err)
{
	struct pare_digest_value v;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return pare_error_set(err, -errno, "%s: %s", path, strerror(errno));
	int r = pare_digest_fd(fd, PARE_DIGEST_SHA256, &v);
	close(fd);
	if (r < 0)
		return pare_error_set(err, r, "%s: cannot hash: %s", path, pare_strerror(r));
	pare_hex_encode(v.bytes, v.len, out);
	return 0;
}

/* What a package made by pare import-deb was made from (its .PKGINFO
 * purl, debian_package, debian_version), for the SBOM. */
static int source_ids(struct pib_arch *a, const char *path, struct pib_pkg *p,
		      struct pare_error *err)
{
	static const char *const keys[] = { "purl", "debian_package", "debian_version" };
	char v[3][PARE_PKG_VALUE_MAX];
	int r = pare_pkg_file_values(path, keys, 3, v, err);
	for (size_t i = 0; r == 0 && i < 3 && v[0][0]; i++)
		if (v[i][0] && !(p->source[i] = pare_arena_strdup(&a->arena, pare_slice_from(v[i]))))
			r = pare_error_set(err, -ENOMEM, "out of memory");
	return r;
}

/* origin: "name-version" of the package that put the path there, so that
 * the layer writer's refusals (whiteout names) can say which package. */
static int table_set(struct pib_arch *a, struct pare_slice path, bool has_acl,
		     const struct pare_db_acl *acl, uint32_t dflt, const char *origin,
		     struct pare_error *err)
{
	char name[PARE_PATH_MAX];
	if (path.len == 0)
		return 0; /* the root directory */
	if (path.len >= sizeof(name))
		return pare_error_set(err, -ENAMETOOLONG, "%.*s: path too long", 64, path.ptr);
	memcpy(name, path.ptr, path.len);
	name[path.len] = '\0';
	struct pare_layer_meta m = { .mode = has_acl ? acl->mode : dflt,
				     .uid = has_acl ? acl->uid : 0, .gid = has_acl ? acl->gid : 0,
				     .origin = origin };
	if (pare_layer_table_set(&a->table, name, &m) < 0)
		return pare_error_set(err, -ENOMEM, "out of memory");
	return 0;
}

/* Owners and modes of every directory and file the packages list. */
static int fill_table(struct pib_arch *a, struct pare_error *err)
{
	int r = 0;
	for (size_t i = 0; r == 0 && i < a->db->npkgs; i++) {
		const struct pare_db_pkg *p = a->db->pkgs[i];
		char origin[256];
		snprintf(origin, sizeof(origin), "%.*s-%.*s", (int)p->ent.name.len,
			 p->ent.name.ptr, (int)p->ent.version.len, p->ent.version.ptr);
		for (uint32_t d = 0; r == 0 && d < p->ndirs; d++) {
			const struct pare_db_dir *dir = p->dirs[d];
			r = table_set(a, dir->path, dir->has_acl, &dir->acl,
				      PARE_DB_DEFAULT_DIR_MODE, origin, err);
			for (uint32_t f = 0; r == 0 && f < dir->nfiles; f++) {
				const struct pare_db_file *file = dir->files[f];
				if (file->pkg == p)
					r = table_set(a, file->path, file->has_acl, &file->acl,
						      PARE_DB_DEFAULT_FILE_MODE, origin, err);
			}
		}
	}
	return r;
}

static void on_change(void *ctx, size_t i, size_t n, const struct pare_txn_change *c)
{
	const struct pib_arch *a = ctx;
	pare_log_verbose(a->o->log, "(%zu/%zu) Installing %.*s (%.*s)", i + 1, n,
			 (int)c->new_ent->name.len, c->new_ent->name.ptr,
			 (int)c->new_ent->version.len, c->new_ent->version.ptr);
	pare_progress_update(a->o->progress, "installing", i + 1, n);
}

/* Commit the solution in the staging root's session (a fresh root: only
 * INSTALLs), then release the lock: its file is apk's run-time state, not
 * part of an image. */
static int commit(struct pib_arch *a, struct pare_error *err)
{
	struct pare_session_item *items = calloc(a->sol.nchanges + 1, sizeof(*items));
	if (!items)
		return pare_error_set(err, -ENOMEM, "out of memory");
	pare_session_items_from(&a->s, &a->sol, items);
	struct pare_txn_opts to = {
		.no_scripts = !a->o->run_scripts,
		.owners = PARE_EXTRACT_OWNERS_AUTO,
		.log = a->o->log,
		.on_change = on_change,
		.ctx = a,
	};
	struct pare_session_commit_opts co = { .world_set = a->world_atoms,
					       .nworld_set = a->nworld };
	struct pare_txn_result res;
	int r = pare_session_commit(&a->s, &to, &co, items, a->sol.nchanges, &res, err);
	free(items);
	if (r == 0 && res.errors)
		r = pare_error_set(err, -EIO, "%u error%s while installing (see above)", res.errors,
				   res.errors == 1 ? "" : "s");
	pare_db_unlock(&a->s.lock);
	int fd = pare_root_openat(&a->root, "lib/apk/db", O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0,
				  NULL);
	if (fd >= 0) {
		unlinkat(fd, "lock", 0);
		close(fd);
	}
	return r;
}

/* Where the package file of e is: read in place from a local repository,
 * else the verified cache (the repository layer decides). */
int pib_package_file(struct pib_arch *a, const struct pare_pkgent *e, char *path, size_t n,
		     struct pare_error *err)
{
	return pare_repos_pkg_path(&a->s.repos, e, path, n, err);
}

int pib_install(struct pib_arch *a, struct pare_error *err)
{
	char path[PARE_PATH_MAX];
	a->pkgs = calloc(a->sol.nchanges + 1, sizeof(*a->pkgs));
	if (!a->pkgs)
		return pare_error_set(err, -ENOMEM, "out of memory");
	int r = commit(a, err);
	for (uint32_t i = 0; r == 0 && i < a->sol.nchanges; i++) {
		const struct pare_spkg *p = a->sol.changes[i].new_pkg;
		const struct pare_pkgent *e = p ? pare_session_entry(&a->s, p) : NULL;
		if (!p)
			continue;
		if (!e)
			return pare_error_set(err, -PARE_E_NOT_FOUND, "%s: no index entry",
					      p->name->str.ptr);
		a->pkgs[a->npkgs].ent = e;
		r = pare_repos_pkg_path(&a->s.repos, e, path, sizeof(path), err);
		if (r == 0)
			r = file_sha256(path, a->pkgs[a->npkgs].sha256, err);
		if (r == 0)
			r = source_ids(a, path, &a->pkgs[a->npkgs], err);
		if (r == 0)
			a->npkgs++;
	}
	if (r == 0)
		r = fill_table(a, err);
	if (r == 0) {
		pare_db_sort(a->db);
		r = pare_db_installed_write(a->db, &a->root, err);
	}
	return r;
}
