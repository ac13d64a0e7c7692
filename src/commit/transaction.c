/* Committing a change set: the loop, per-package install and removal,
 * database updates.  See transaction.h for the order and the guarantees. */
#include "commit/txn_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/dbfile.h"
#include "repo/repo.h"

#define LABEL_MAX 600
#define MAX_TRIGGER_FAILS 256

static void pkg_label(const struct pare_pkgent *e, char *buf, size_t n)
{
	snprintf(buf, n, "%.*s-%.*s", (int)e->name.len, e->name.ptr, (int)e->version.len,
		 e->version.ptr);
}

void pare_txn_db_totals(const struct pare_db_installed *db, struct pare_txn_result *res)
{
	res->npkgs = db->npkgs;
	res->installed_size = res->files = res->dirs = 0;
	for (size_t i = 0; i < db->npkgs; i++) {
		res->installed_size += db->pkgs[i]->ent.installed_size;
		res->files += pare_db_pkg_nfiles(db->pkgs[i]);
		res->dirs += db->pkgs[i]->ndirs;
	}
}

/* ---- database state ---- */

/* Add flag to the package's f: letters (kept in apk's order "fsxS"). */
static void mark_broken(struct pare_db_installed *db, struct pare_db_pkg *p, char flag)
{
	static const char order[] = "fsxS";
	char buf[8];
	size_t n = 0;
	for (const char *o = order; *o; o++)
		if (*o == flag || (p->broken.len && memchr(p->broken.ptr, *o, p->broken.len)))
			buf[n++] = *o;
	struct pare_slice s = pare_arena_slice(&db->arena, pare_slice_make(buf, n));
	if (s.ptr) {
		p->broken = s;
		p->layout = PARE_SLICE_NULL;
	}
}

static int write_state(struct txn *t, struct pare_error *err)
{
	pare_db_sort(t->db);
	int r = pare_db_installed_write(t->db, t->o->root, err);
	if (r == 0 && t->scripts_dirty && (r = pare_db_scripts_write(t->scripts, t->o->root, err)) == 0)
		t->scripts_dirty = false;
	if (r == 0 && t->triggers_dirty &&
	    (r = pare_db_triggers_write(t->triggers, t->o->root, err)) == 0)
		t->triggers_dirty = false;
	return r;
}

/* ---- scripts ---- */

static struct pare_slice pkg_script(const struct pare_pkg *pkg, int type)
{
	const char *want = pare_script_type_name(type);
	for (size_t i = 0; i < pkg->nscripts; i++)
		if (pkg->scripts[i].name[0] == '.' && !strcmp(pkg->scripts[i].name + 1, want))
			return pkg->scripts[i].body;
	return PARE_SLICE_NULL;
}

/* Run a script body if there is one: 0, or 1 after logging the failure. */
static int run_script(struct txn *t, const char *pkgver, int type, struct pare_slice body,
		      const char *v1, const char *v2)
{
	if (t->o->no_scripts || body.len == 0)
		return 0;
	txn_apply_dirs(t);  /* a script sees the directories as committed */
	txn_forget_dirs(t); /* and may change anything */
	char label[LABEL_MAX + 32];
	snprintf(label, sizeof(label), "%s.%s", pkgver, pare_script_type_name(type));
	pare_log_info(t->o->log, "Executing %s", label);
	const char *args[2] = { v1, v2 };
	struct pare_error err = { 0 };
	txn_prefetch_pause(t->pf, true); /* the script's fork sees one busy thread */
	int r = pare_txn_run_script(t->o->root, label, body, args, v2 ? 2 : 1,
				    t->o->script_timeout, t->o->log, &err);
	txn_prefetch_pause(t->pf, false);
	if (r == 0)
		return 0;
	pare_log_error(t->o->log, "%s", err.msg);
	t->res->script_errors++;
	t->res->errors++;
	return 1;
}

static char *slice_cstr(struct pare_arena *a, struct pare_slice s)
{
	return pare_arena_strdup(a, s);
}

/* ---- obtaining and verifying a package ---- */

int txn_open_pkg(struct txn *t, const struct pare_txn_change *c, char *out, size_t size, int *fd,
		 struct pare_error *err)
{
	if (c->pkg_path) {
		snprintf(out, size, "%s", c->pkg_path);
		*fd = open(out, O_RDONLY | O_CLOEXEC);
		return *fd >= 0 ? 0
				: pare_error_set(err, -errno, "%s: cannot open: %s", out,
						 strerror(errno));
	}
	if (!t->o->repos)
		return pare_error_set(err, -PARE_E_NOT_FOUND, "%.*s: no package file",
				      (int)c->new_ent->name.len, c->new_ent->name.ptr);
	return pare_repos_pkg_open(t->o->repos, c->new_ent, out, size, fd, err);
}

void txn_read_opts(const struct txn *t, const struct pare_txn_change *c,
		   struct pare_pkg_read_opts *ro)
{
	/* A package named by a signed index entry is vouched for by its
	 * identity (the control member's SHA-1, checked in verify_pkg): no
	 * second RSA verification, as apk does. */
	bool vouched = c->index_verified && c->new_ent->identity.alg == PARE_DIGEST_SHA1;
	memset(ro, 0, sizeof(*ro));
	ro->keys = vouched ? NULL : t->o->keys;
	ro->skip_file_sums = true;
}

static int verify_pkg(struct txn *t, const struct pare_txn_change *c, const struct pare_pkg *pkg,
		      const char *label, struct pare_error *err)
{
	const struct pare_pkgent *e = c->new_ent;
	if (!pkg->has_info || !pare_slice_eq(pkg->info.pkgname, e->name) ||
	    !pare_slice_eq(pkg->info.pkgver, e->version))
		return pare_error_set(err, -PARE_E_INTEGRITY, "%s: the package file is %.*s-%.*s",
				      label, (int)pkg->info.pkgname.len, pkg->info.pkgname.ptr,
				      (int)pkg->info.pkgver.len, pkg->info.pkgver.ptr);
	bool id_ok = false;
	if (e->identity.alg == PARE_DIGEST_SHA1) {
		if (memcmp(e->identity.bytes, pkg->control_sha1.bytes, 20) != 0)
			return pare_error_set(err, -PARE_E_INTEGRITY,
					      "%s: identity %s, index says %.*s", label,
					      pkg->identity, (int)e->identity_text.len,
					      e->identity_text.ptr);
		id_ok = true;
	}
	bool trusted = pkg->trust == 0 || (c->index_verified && id_ok) ||
		       (t->o->allow_untrusted && pkg->trust == -PARE_E_UNTRUSTED);
	if (!trusted)
		return pare_error_set(err, pkg->trust ? pkg->trust : -PARE_E_UNTRUSTED, "%s: %s",
				      label, pkg->trust_msg[0] ? pkg->trust_msg
							       : "UNTRUSTED signature");
	if (!pkg->datahash_verified && !t->o->allow_untrusted)
		return pare_error_set(err, -PARE_E_INTEGRITY, "%s: no datahash in .PKGINFO", label);
	return 0;
}

/* ---- recording a package in the database ---- */

struct old_files {
	struct pare_slice *paths;
	struct pare_digest_value *csums;
	size_t n;
	struct pare_slice *dirs;
	size_t ndirs;
};

static void old_files_release(struct old_files *of)
{
	free(of->paths);
	free(of->csums);
	free(of->dirs);
	memset(of, 0, sizeof(*of));
}

static int old_files_collect(const struct pare_db_pkg *p, struct old_files *of)
{
	memset(of, 0, sizeof(*of));
	if (!p)
		return 0;
	size_t n = pare_db_pkg_nfiles(p);
	of->paths = calloc(n + 1, sizeof(*of->paths));
	of->csums = calloc(n + 1, sizeof(*of->csums));
	of->dirs = calloc(p->ndirs + 1, sizeof(*of->dirs));
	if (!of->paths || !of->csums || !of->dirs)
		return -ENOMEM;
	struct pare_db_file_iter it;
	pare_db_file_iter_init(&it, p);
	for (const struct pare_db_file *f; (f = pare_db_file_iter_next(&it));) {
		if (f->pkg != p || of->n == n)
			continue;
		of->paths[of->n] = f->path;
		of->csums[of->n++] = f->csum;
	}
	for (uint32_t i = 0; i < p->ndirs; i++)
		of->dirs[of->ndirs++] = p->dirs[i]->path;
	return 0;
}

static int add_entries(struct txn *t, struct txn_stage *st, struct pare_db_pkg *np,
		       struct pare_error *err)
{
	for (size_t i = 0; i < st->nents; i++) {
		const struct txn_ent *te = st->ents[i];
		struct pare_db_acl acl = { .uid = te->uid, .gid = te->gid, .mode = te->mode };
		int r;
		if (te->type == PARE_TAR_DIR) {
			bool dflt = !te->uid && !te->gid && te->mode == PARE_DB_DEFAULT_DIR_MODE;
			r = pare_db_pkg_add_dir(t->db, np, te->path, dflt ? NULL : &acl, NULL, err);
		} else {
			bool dflt = !te->uid && !te->gid && te->mode == PARE_DB_DEFAULT_FILE_MODE;
			r = pare_db_pkg_add_file(t->db, np, te->path, dflt ? NULL : &acl, &te->csum,
						 te->replace ? PARE_DB_ADD_REPLACE : 0, NULL, err);
			txn_touch(t, te->path);
		}
		if (r < 0)
			return r;
	}
	return 0;
}

static int add_scripts(struct txn *t, const struct pare_pkg *pkg, const struct pare_pkgent *ent,
		       struct pare_error *err)
{
	for (size_t i = 0; i < pkg->nscripts; i++) {
		const char *name = pkg->scripts[i].name;
		int type = name[0] == '.' ? pare_script_type_parse(pare_slice_from(name + 1)) : -1;
		if (type < 0)
			continue;
		int r = pare_db_scripts_add(t->scripts, ent, type, pkg->scripts[i].body, err);
		if (r < 0)
			return r;
		t->scripts_dirty = true;
	}
	const struct pare_pkginfo_paths *tp = &pkg->info.triggers;
	if (tp->n == 0)
		return 0;
	struct pare_buf b;
	pare_buf_init(&b, PARE_DB_MAX_TRIGGER_LINE);
	int r = 0;
	for (size_t i = 0; i < tp->n && r == 0; i++)
		r = pare_buf_appendf(&b, "%s%.*s", i ? " " : "", (int)tp->v[i].len, tp->v[i].ptr);
	if (r == 0)
		r = pare_db_triggers_set(t->triggers, &ent->identity, pare_buf_slice(&b), err);
	pare_buf_release(&b);
	t->triggers_dirty = true;
	return r;
}

static void forget_scripts(struct txn *t, const struct pare_digest_value *id)
{
	if (pare_db_scripts_remove_pkg(t->scripts, id))
		t->scripts_dirty = true;
	if (pare_db_triggers_remove(t->triggers, id) > 0)
		t->triggers_dirty = true;
}

/* Replace oldp's record by the new package's, delete what the old version
 * had and the new one does not. */
static int record_pkg(struct txn *t, struct txn_stage *st, const struct pare_pkg *pkg,
		      const struct pare_txn_change *c, struct pare_db_pkg *oldp,
		      struct old_files *of, struct pare_db_pkg **out, struct pare_error *err)
{
	struct pare_pkgent ent = *c->new_ent;
	ent.identity = pkg->control_sha1;
	ent.identity_text = pare_slice_from(pkg->identity);
	int r = old_files_collect(oldp, of);
	if (r < 0)
		goto out;
	if (oldp) {
		forget_scripts(t, &oldp->ent.identity);
		pare_db_remove_pkg(t->db, oldp);
	}
	struct pare_db_pkg *np = NULL;
	r = pare_db_add_pkg(t->db, &ent, &np, err);
	if (r < 0)
		goto out;
	*out = np;
	if (c->repo_tag.len)
		np->repo_tag = pare_arena_slice(&t->db->arena, c->repo_tag);
	r = add_entries(t, st, np, err);
	if (r == 0)
		r = add_scripts(t, pkg, &np->ent, err);
	struct pare_slice k = pare_arena_slice(&t->arena, np->ent.identity_text);
	if (k.ptr)
		pare_map_put(&t->fresh, k, (void *)k.ptr, NULL);
out:
	if (r == -ENOMEM)
		pare_error_set(err, r, "out of memory");
	return r;
}

/* ---- deleting what a package no longer has ---- */

/* Paths of of that the new package (st->paths; NULL: none) does not have. */
static bool obsolete(const struct txn_stage *st, bool keep_new, struct pare_slice path)
{
	return !keep_new || !pare_map_get(&st->paths, path);
}

/* Obsolete and still to be deleted (not below a directory that a file of
 * the new version replaced, which took its content with it). */
static bool to_delete(const struct txn_stage *st, bool keep_new, struct pare_slice path)
{
	return obsolete(st, keep_new, path) && !txn_under_replaced(st, path);
}

/* Before anything is deleted, the journal holds the change: the package
 * that went under another name (gone), the new record (np, or NULL for
 * a removal) and the paths about to be deleted (see Convergence). */
static int journal_change(struct txn *t, const struct txn_stage *st, bool keep_new,
			  const struct pare_db_pkg *gone, const struct pare_db_pkg *np,
			  const struct old_files *of, struct pare_error *err)
{
	int r = 0;
	if (gone)
		r = txn_journal_gone(t, gone->ent.name, err);
	if (r == 0 && np)
		r = txn_journal_put(t, np, err);
	for (size_t i = 0; of && i < of->n && r == 0; i++)
		if (obsolete(st, keep_new, of->paths[i]))
			r = txn_journal_path(t, of->paths[i], err);
	if (r == 0)
		r = txn_journal_commit(t, err);
	else
		pare_buf_reset(&t->jentry);
	return r;
}

/* scripts.tar and triggers when a change touched them. */
static int write_scripts(struct txn *t, struct pare_error *err)
{
	int r = 0;
	if (t->scripts_dirty && (r = pare_db_scripts_write(t->scripts, t->o->root, err)) == 0)
		t->scripts_dirty = false;
	if (r == 0 && t->triggers_dirty &&
	    (r = pare_db_triggers_write(t->triggers, t->o->root, err)) == 0)
		t->triggers_dirty = false;
	return r;
}

static void delete_old(struct txn *t, struct txn_stage *st, bool keep_new,
		       struct old_files *of)
{
	txn_forget_dirs(t);
	for (size_t i = 0; i < of->n; i++)
		if (to_delete(st, keep_new, of->paths[i]) &&
		    txn_delete_file(st, of->paths[i], &of->csums[i]) < 0)
			pare_log_warning(t->o->log, "cannot delete /%.*s", (int)of->paths[i].len,
					 of->paths[i].ptr);
	txn_remove_dirs(t, of->dirs, of->ndirs);
}

/* ---- one change ---- */

/* x: the extractor that just installed p, or NULL; a directory it created
 * did not exist before, so it holds no temporary of an earlier run. */
static void sweep_pkg(struct txn *t, const struct pare_db_pkg *p, const struct pare_extract *x)
{
	for (uint32_t i = 0; p && i < p->ndirs; i++)
		if (!x || !pare_extract_created_dir(x, p->dirs[i]->path))
			txn_sweep_dir(t, p->dirs[i]->path);
}

/* A package whose scripts failed never finished installing: reinstalling
 * it runs the install scripts again (that is how `pare fix` reruns
 * them), not the upgrade ones. */
static bool as_upgrade(const struct pare_db_pkg *oldp)
{
	return oldp && !(oldp->broken.len && memchr(oldp->broken.ptr, 's', oldp->broken.len));
}

/* Read, verify and stage; pre-script; commit the files. */
static int unpack(struct txn *t, const struct pare_txn_change *c, struct txn_stage *st,
		  struct pare_pkg *pkg, const struct pare_db_pkg *oldp, const char *label,
		  struct pare_error *err)
{
	char path[PARE_PATH_MAX];
	int r;
	struct pare_pkg_visitor v;
	txn_stage_visitor(st, &v);
	if (!txn_prefetch_take(t->pf, c, pkg, &v, &st->x, path, sizeof(path), &r, err)) {
		int fd;
		r = txn_prefetch_open(t->pf, t, c, path, sizeof(path), &fd, err);
		if (r < 0)
			return r;
		struct pare_pkg_read_opts ro;
		txn_read_opts(t, c, &ro);
		r = pare_pkg_read_fd(pkg, fd, path, &ro, &v, err);
		close(fd);
	}
	if (r == 0)
		r = verify_pkg(t, c, pkg, label, err);
	if ((r == -PARE_E_INTEGRITY || r == -PARE_E_FORMAT || r == -PARE_E_TRUNCATED) &&
	    !c->pkg_path && t->o->repos)
		pare_repos_forget_pkg(t->o->repos, c->new_ent); /* a bad cache copy */
	if (r == 0 && as_upgrade(oldp)) {
		char *ov = slice_cstr(&st->arena, oldp->ent.version);
		char *nv = slice_cstr(&st->arena, c->new_ent->version);
		if (run_script(t, label, PARE_SCRIPT_PRE_UPGRADE,
			       pkg_script(pkg, PARE_SCRIPT_PRE_UPGRADE), nv, ov))
			r = pare_error_set(err, -EIO, "%s: pre-upgrade script failed", label);
	} else if (r == 0) {
		char *nv = slice_cstr(&st->arena, c->new_ent->version);
		if (run_script(t, label, PARE_SCRIPT_PRE_INSTALL,
			       pkg_script(pkg, PARE_SCRIPT_PRE_INSTALL), nv, NULL))
			r = pare_error_set(err, -EIO, "%s: pre-install script failed", label);
	}
	if (r == 0)
		r = pare_extract_commit(&st->x, err);
	if (r < 0)
		pare_extract_abort(&st->x);
	return r;
}

/* Does the staged package take files over from another package? */
static bool takes_over(const struct txn_stage *st)
{
	for (size_t i = 0; i < st->nents; i++)
		if (st->ents[i]->replace)
			return true;
	return false;
}

/* A fresh package (nothing of that name installed, no file taken over)
 * deletes nothing, so its record can wait for the one database write at
 * the end of the transaction: a kill before it leaves its files on disk
 * unowned, which the database may always omit, and the same request run
 * again installs it over them.  Any change that deletes or takes over
 * files writes the database first, as described in transaction.h. */
static int install_one(struct txn *t, const struct pare_txn_change *c, struct pare_error *err)
{
	const struct pare_pkgent *ne = c->new_ent;
	char label[LABEL_MAX];
	pkg_label(ne, label, sizeof(label));
	struct pare_db_pkg *oldp =
		pare_db_find_pkg(t->db, c->old_ent ? c->old_ent->name : ne->name);
	struct txn_stage st;
	struct pare_pkg pkg;
	bool upgrade = as_upgrade(oldp);
	pare_pkg_init(&pkg);
	int r = txn_stage_init(&st, t, ne, oldp, label, err);
	if (r == 0)
		r = unpack(t, c, &st, &pkg, oldp, label, err);
	char *ov = upgrade ? slice_cstr(&st.arena, oldp->ent.version) : NULL;
	struct pare_db_pkg *np = NULL;
	struct old_files of;
	memset(&of, 0, sizeof(of));
	bool fresh = !oldp && !takes_over(&st);
	if (r == 0)
		r = record_pkg(t, &st, &pkg, c, oldp, &of, &np, err);
	const struct pare_db_pkg *gone =
		oldp && !pare_slice_eq(oldp->ent.name, ne->name) ? oldp : NULL;
	if (r == 0 && !fresh)
		r = journal_change(t, &st, true, gone, np, &of, err);
	if (r == 0 && !fresh)
		r = write_scripts(t, err);
	if (r == 0 && !fresh)
		delete_old(t, &st, true, &of);
	old_files_release(&of);
	if (r == 0) {
		int type = upgrade ? PARE_SCRIPT_POST_UPGRADE : PARE_SCRIPT_POST_INSTALL;
		char *nv = slice_cstr(&st.arena, ne->version);
		if (run_script(t, label, type, pkg_script(&pkg, type), nv, ov)) {
			mark_broken(t->db, np, 's');
			r = fresh ? 0 : journal_change(t, &st, true, NULL, np, NULL, err);
		}
	}
	/* Temporaries of an interrupted run can sit in this package's
	 * directories even when no journal survived (a later run that removed
	 * other packages finished and deleted it): sweep them whenever the
	 * package is installed, not only when recovering. */
	if (r == 0)
		sweep_pkg(t, np, &st.x);
	if (r == 0 && fresh && !st.replaced.count)
		txn_learn_dirs(t, &st);
	else
		txn_forget_dirs(t);
	pare_pkg_release(&pkg);
	txn_stage_release(&st);
	return r;
}

static struct pare_slice db_script(struct txn *t, const struct pare_db_pkg *p, int type)
{
	const struct pare_db_script *s = pare_db_scripts_find(t->scripts, &p->ent.identity, type);
	return s ? s->data : PARE_SLICE_NULL;
}

static int remove_one(struct txn *t, const struct pare_txn_change *c, struct pare_error *err)
{
	struct pare_db_pkg *p = pare_db_find_pkg(t->db, c->old_ent->name);
	if (!p)
		return 0; /* already gone: a re-run after a kill */
	char label[LABEL_MAX];
	pkg_label(&p->ent, label, sizeof(label));
	struct txn_stage st;
	struct old_files of;
	memset(&of, 0, sizeof(of));
	int r = txn_stage_init(&st, t, &p->ent, NULL, label, err);
	if (r == 0 && old_files_collect(p, &of) < 0)
		r = pare_error_set(err, -ENOMEM, "out of memory");
	if (r < 0) {
		old_files_release(&of);
		txn_stage_release(&st);
		return r;
	}
	char *ov = slice_cstr(&st.arena, p->ent.version);
	run_script(t, label, PARE_SCRIPT_PRE_DEINSTALL, db_script(t, p, PARE_SCRIPT_PRE_DEINSTALL),
		   ov, NULL);
	pare_db_remove_pkg(t->db, p);
	r = journal_change(t, &st, false, p, NULL, &of, err);
	if (r == 0)
		delete_old(t, &st, false, &of);
	run_script(t, label, PARE_SCRIPT_POST_DEINSTALL,
		   db_script(t, p, PARE_SCRIPT_POST_DEINSTALL), ov, NULL);
	forget_scripts(t, &p->ent.identity);
	old_files_release(&of);
	txn_stage_release(&st);
	return r;
}

static int retag_one(struct txn *t, const struct pare_txn_change *c, struct pare_error *err)
{
	struct pare_db_pkg *p = pare_db_find_pkg(t->db, c->old_ent->name);
	if (!p)
		return pare_error_set(err, -PARE_E_NOT_FOUND, "%.*s: not installed",
				      (int)c->old_ent->name.len, c->old_ent->name.ptr);
	p->repo_tag = c->repo_tag.len ? pare_arena_slice(&t->db->arena, c->repo_tag)
				      : PARE_SLICE_NULL;
	p->layout = PARE_SLICE_NULL;
	(void)err; /* written with the database at the end */
	return 0;
}

static int apply_change(struct txn *t, const struct pare_txn_change *c, struct pare_error *err)
{
	if (c->kind == PARE_TXN_REMOVE)
		return c->old_ent ? remove_one(t, c, err)
				  : pare_error_set(err, -EINVAL, "remove without a package");
	if (c->kind == PARE_TXN_RETAG && c->old_ent)
		return retag_one(t, c, err);
	if (!c->new_ent)
		return pare_error_set(err, -EINVAL, "change without a package to install");
	return install_one(t, c, err);
}

/* ---- the transaction ---- */

static int txn_init(struct txn *t, const struct pare_txn_opts *o, struct pare_db_installed *db,
		    struct pare_db_scripts *scripts, struct pare_db_triggers *triggers,
		    struct pare_txn_result *res)
{
	memset(t, 0, sizeof(*t));
	t->o = o;
	t->db = db;
	t->scripts = scripts;
	t->triggers = triggers;
	t->res = res;
	pare_arena_init(&t->arena, 16384, 0);
	pare_map_init(&t->touched);
	pare_map_init(&t->leaving);
	pare_map_init(&t->fresh);
	pare_map_init(&t->swept_dirs);
	pare_map_init(&t->dirmeta);
	pare_map_init(&t->realdirs);
	pare_arena_init(&t->realdirs_arena, 16384, 0);
	pare_extract_dircache_init(&t->dirfds);
	t->jfd = -1;
	pare_buf_init(&t->jentry, (size_t)PARE_DB_MAX_INSTALLED * 2);
	char proc[64];
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", o->root->fd);
	ssize_t n = readlink(proc, t->root_real, sizeof(t->root_real) - 1);
	t->root_real_len = n > 0 ? (size_t)n : 0;
	t->root_real[t->root_real_len] = '\0';
	return t->root_real_len ? 0 : -EINVAL;
}

static void txn_release(struct txn *t)
{
	pare_map_release(&t->touched);
	pare_map_release(&t->leaving);
	pare_map_release(&t->fresh);
	pare_map_release(&t->swept_dirs);
	pare_map_release(&t->dirmeta);
	pare_map_release(&t->realdirs);
	pare_arena_release(&t->realdirs_arena);
	pare_extract_dircache_release(&t->dirfds);
	pare_arena_release(&t->arena);
	txn_journal_end(t, false);
	pare_buf_release(&t->jentry);
}

static void txn_plan(struct txn *t, const struct pare_txn_change *changes, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct pare_txn_change *c = &changes[i];
		if (c->old_ent && (c->kind == PARE_TXN_REMOVE ||
				   (c->new_ent && !pare_slice_eq(c->old_ent->name, c->new_ent->name))))
			pare_map_put(&t->leaving, c->old_ent->name, (void *)c, NULL);
		if (c->new_ent && c->kind != PARE_TXN_RETAG)
			t->progress_total += c->new_ent->installed_size;
	}
}

/* Delete the paths (one a line) a killed run was about to delete, if no
 * package owns them now (protected etc/ files are left alone: they may
 * be the user's). */
static void finish_deletions(struct txn *t, struct pare_slice rest)
{
	static const struct pare_pkgent none = { .name = PARE_SLICE_LIT("(recovery)") };
	struct txn_stage st;
	if (!rest.len || txn_stage_init(&st, t, &none, NULL, "recovery", NULL) < 0)
		return;
	while (rest.len) {
		struct pare_slice line;
		pare_slice_split(&rest, '\n', &line);
		char path[PARE_PATH_MAX + 1];
		size_t len;
		if (pare_path_normalise(line, path, &len, NULL) < 0 || !len ||
		    txn_is_protected(pare_slice_make(path, len)) ||
		    pare_db_owner(t->db, pare_slice_make(path, len)))
			continue;
		txn_delete_file(&st, pare_slice_make(path, len), NULL);
	}
	txn_stage_release(&st);
}

/* A journal means a transaction was killed: replay it, finish its
 * deletions, sweep temporaries, write the database, remove the journal.
 * Under the lock, any temporary in the database directory is left over
 * in any case (a database file's temporary). */
static int recover(struct txn *t, struct pare_error *err)
{
	txn_sweep_dir(t, PARE_SLICE_LIT("lib/apk/db"));
	struct pare_buf dels;
	pare_buf_init(&dels, (size_t)PARE_DB_MAX_INSTALLED * 2);
	bool found = false;
	int r = txn_journal_replay(t, &found, &dels, err);
	t->recover = found;
	if (r == 0 && found) {
		finish_deletions(t, pare_buf_slice(&dels));
		for (size_t i = 0; i < t->db->npkgs; i++)
			sweep_pkg(t, t->db->pkgs[i], NULL);
		txn_sweep_dir(t, PARE_SLICE_LIT("etc/apk"));
		txn_sweep_dir(t, PARE_SLICE_LIT(PARE_TXN_SCRIPT_DIR));
		if (t->res->swept)
			pare_log_info(t->o->log, "removed %llu temporaries of an interrupted run",
				      (unsigned long long)t->res->swept);
		r = write_state(t, err);
		if (r == 0)
			txn_journal_end(t, true);
	}
	pare_buf_release(&dels);
	return r < 0 ? r : found;
}

int pare_txn_recover(struct pare_root *root, struct pare_db_installed *db,
		     struct pare_db_scripts *scripts, struct pare_db_triggers *triggers,
		     const struct pare_log *log, struct pare_error *err)
{
	struct pare_txn_opts o = { .root = root, .log = log };
	struct pare_txn_result res;
	memset(&res, 0, sizeof(res));
	struct txn t;
	int r = txn_init(&t, &o, db, scripts, triggers, &res);
	if (r == 0)
		r = recover(&t, err);
	else
		r = pare_error_set(err, -EINVAL, "cannot tell where the root is");
	txn_release(&t);
	return r;
}

static int txn_begin(struct txn *t, struct pare_error *err)
{
	int r = recover(t, err);
	return r < 0 ? r : txn_journal_start(t, err);
}

static void run_triggers(struct txn *t)
{
	if (t->o->no_scripts)
		return;
	struct pare_db_pkg *failed[MAX_TRIGGER_FAILS];
	size_t n = txn_run_triggers(t, failed, MAX_TRIGGER_FAILS);
	for (size_t i = 0; i < n && i < MAX_TRIGGER_FAILS; i++)
		mark_broken(t->db, failed[i], 's');
	t->res->errors += (unsigned)n;
	t->res->script_errors += (unsigned)n;
}

static void note_failure(struct txn *t, int r, struct pare_error *e, int *first,
			 struct pare_error *err)
{
	t->res->errors++;
	pare_log_error(t->o->log, "%s", pare_error_text(e, r));
	if (*first == 0) {
		*first = r;
		if (err)
			*err = *e;
	}
}

int pare_txn_commit(const struct pare_txn_opts *o, struct pare_db_installed *db,
		    struct pare_world *world, struct pare_db_scripts *scripts,
		    struct pare_db_triggers *triggers, const struct pare_txn_change *changes,
		    size_t n, struct pare_txn_result *res, struct pare_error *err)
{
	memset(res, 0, sizeof(*res));
	if (o->simulate) {
		for (size_t i = 0; i < n; i++)
			if (o->on_change)
				o->on_change(o->ctx, i, n, &changes[i]);
		pare_txn_db_totals(db, res);
		return 0;
	}
	struct txn t;
	if (txn_init(&t, o, db, scripts, triggers, res) < 0) {
		txn_release(&t);
		return pare_error_set(err, -EINVAL, "cannot tell where the root is");
	}
	txn_plan(&t, changes, n);
	int first = txn_begin(&t, err);
	if (first < 0) {
		txn_release(&t);
		return first;
	}
	t.pf = txn_prefetch_start(&t, changes, n);
	for (size_t i = 0; i < n; i++) {
		if (o->on_change)
			o->on_change(o->ctx, i, n, &changes[i]);
		struct pare_error e = { 0 };
		int r = apply_change(&t, &changes[i], &e);
		if (r < 0)
			note_failure(&t, r, &e, &first, err);
		else
			res->done++;
	}
	txn_prefetch_stop(t.pf);
	t.pf = NULL;
	txn_apply_dirs(&t);
	if (n)
		run_triggers(&t);
	struct pare_error e = { 0 };
	t.scripts_dirty = t.scripts_dirty || n > 0; /* apk roots always have them */
	t.triggers_dirty = t.triggers_dirty || n > 0;
	/* Every file in place reaches the disk before the database that lists
	 * them: one syncfs instead of an fsync per file. */
	if (n) {
		int sfd = pare_root_openat(o->root, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0, NULL);
		if (sfd >= 0) {
			syncfs(sfd);
			close(sfd);
		}
	}
	int r = world ? pare_world_write(world, o->root, &e) : 0;
	if (r == 0)
		r = write_state(&t, &e);
	if (r < 0)
		note_failure(&t, r, &e, &first, err);
	else
		txn_journal_end(&t, true);
	pare_progress_update(o->progress, "installing", t.progress_total, t.progress_total);
	pare_txn_db_totals(db, res);
	txn_release(&t);
	return first;
}
