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
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commit/transaction.h"
#include "db/dbfile.h"
#include "db/lock.h"
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

static int table_set(struct pib_arch *a, struct pare_slice path, bool has_acl,
		     const struct pare_db_acl *acl, uint32_t dflt, struct pare_error *err)
{
	char name[PARE_PATH_MAX];
	if (path.len == 0)
		return 0; /* the root directory */
	if (path.len >= sizeof(name))
		return pare_error_set(err, -ENAMETOOLONG, "%.*s: path too long", 64, path.ptr);
	memcpy(name, path.ptr, path.len);
	name[path.len] = '\0';
	struct pare_layer_meta m = { .mode = has_acl ? acl->mode : dflt,
				     .uid = has_acl ? acl->uid : 0, .gid = has_acl ? acl->gid : 0 };
	if (pare_layer_table_set(&a->table, name, &m) < 0)
		return pare_error_set(err, -ENOMEM, "out of memory");
	return 0;
}

/* Owners and modes of every directory and file the packages list. */
static int fill_table(struct pib_arch *a, struct pare_error *err)
{
	int r = 0;
	for (size_t i = 0; r == 0 && i < a->db.npkgs; i++) {
		const struct pare_db_pkg *p = a->db.pkgs[i];
		for (uint32_t d = 0; r == 0 && d < p->ndirs; d++) {
			const struct pare_db_dir *dir = p->dirs[d];
			r = table_set(a, dir->path, dir->has_acl, &dir->acl,
				      PARE_DB_DEFAULT_DIR_MODE, err);
			for (uint32_t f = 0; r == 0 && f < dir->nfiles; f++) {
				const struct pare_db_file *file = dir->files[f];
				if (file->pkg == p)
					r = table_set(a, file->path, file->has_acl, &file->acl,
						      PARE_DB_DEFAULT_FILE_MODE, err);
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
}

/* The solution as the transaction's change set (a fresh root: INSTALLs). */
static int map_changes(struct pib_arch *a, struct pare_txn_change *v, size_t *n,
		       struct pare_error *err)
{
	*n = 0;
	for (uint32_t i = 0; i < a->sol.nchanges; i++) {
		const struct pare_change *c = &a->sol.changes[i];
		if (!c->new_pkg)
			continue;
		const struct pare_pkgent *e =
			c->new_pkg->id < a->nents ? a->ents[c->new_pkg->id] : NULL;
		if (!e)
			return pare_error_set(err, -PARE_E_NOT_FOUND, "%s: no index entry",
					      c->new_pkg->name->str.ptr);
		const struct pare_repo *rp =
			e->repo >= 0 && (size_t)e->repo < a->repos.n ? &a->repos.v[e->repo] : NULL;
		v[*n] = (struct pare_txn_change){
			.kind = PARE_TXN_INSTALL,
			.new_ent = e,
			.index_verified = rp && rp->index.trust == 0,
			.repo_tag = c->new_tag ? a->u->tags[c->new_tag] : PARE_SLICE_NULL,
		};
		a->pkgs[(*n)++].ent = e;
	}
	return 0;
}

static int commit(struct pib_arch *a, struct pare_txn_change *changes, size_t n,
		  struct pare_error *err)
{
	struct pare_db_lock lock;
	struct pare_db_scripts scripts;
	struct pare_db_triggers triggers;
	struct pare_db_lock_opts lo = { .create_dirs = true };
	pare_db_lock_init(&lock);
	pare_db_scripts_init(&scripts);
	pare_db_triggers_init(&triggers);
	int r = pare_db_lock(&lock, &a->root, &lo, err);
	if (r < 0)
		return r;
	struct pare_txn_opts to = {
		.root = &a->root,
		.repos = &a->repos,
		.keys = &a->keys,
		.allow_untrusted = a->o->allow_untrusted,
		.no_scripts = !a->o->run_scripts,
		.owners = PARE_EXTRACT_OWNERS_AUTO,
		.log = a->o->log,
		.on_change = on_change,
		.ctx = a,
	};
	struct pare_txn_result res;
	r = pare_txn_commit(&to, &a->db, NULL, &scripts, &triggers, changes, n, &res, err);
	if (r == 0 && res.errors)
		r = pare_error_set(err, -PARE_E_UNSUPPORTED, "%u package script%s failed",
				   res.script_errors, res.script_errors == 1 ? "" : "s");
	pare_db_scripts_release(&scripts);
	pare_db_triggers_release(&triggers);
	pare_db_unlock(&lock);
	/* The lock file is apk's run-time state, not part of an image. */
	int fd = pare_root_openat(&a->root, "lib/apk/db", O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0,
				  NULL);
	if (fd >= 0) {
		unlinkat(fd, "lock", 0);
		close(fd);
	}
	return r;
}

int pib_install(struct pib_arch *a, struct pare_error *err)
{
	char path[PARE_PATH_MAX];
	size_t n;
	struct pare_txn_change *changes = calloc(a->sol.nchanges + 1, sizeof(*changes));
	a->pkgs = calloc(a->sol.nchanges + 1, sizeof(*a->pkgs));
	if (!changes || !a->pkgs) {
		free(changes);
		return pare_error_set(err, -ENOMEM, "out of memory");
	}
	int r = map_changes(a, changes, &n, err);
	if (r == 0)
		r = commit(a, changes, n, err);
	free(changes);
	for (size_t i = 0; r == 0 && i < n; i++) {
		r = pare_repos_pkg_path(&a->repos, a->pkgs[i].ent, path, sizeof(path), err);
		if (r == 0)
			r = file_sha256(path, a->pkgs[i].sha256, err);
		if (r == 0)
			a->npkgs++;
	}
	if (r == 0)
		r = fill_table(a, err);
	if (r == 0) {
		pare_db_sort(&a->db);
		r = pare_db_installed_write(&a->db, &a->root, err);
	}
	return r;
}
