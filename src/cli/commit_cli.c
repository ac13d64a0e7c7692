/* CLI glue for transactions: see commit_cli.h. */
#include "cli/commit_cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "apk/version.h"
#include "cli/common.h"
#include "cli/repos.h"
#include "db/lock.h"

const char *pare_cli_commit_verb(enum pare_txn_kind k)
{
	switch (k) {
	case PARE_TXN_INSTALL: return "Installing";
	case PARE_TXN_UPGRADE: return "Upgrading";
	case PARE_TXN_DOWNGRADE: return "Downgrading";
	case PARE_TXN_REPLACE: return "Replacing";
	case PARE_TXN_REINSTALL: return "Reinstalling";
	case PARE_TXN_RETAG: return "Updating pinning";
	case PARE_TXN_REMOVE: return "Purging";
	}
	return "?";
}

void pare_cli_commit_line(FILE *f, size_t i, size_t n, const char *verb, struct pare_slice name,
			  struct pare_slice tag, struct pare_slice old_version,
			  struct pare_slice new_version)
{
	char digits[24];
	int width = snprintf(digits, sizeof(digits), "%zu", n);
	fprintf(f, "(%*zu/%zu) %s %.*s%s%.*s (", width, i + 1, n, verb, (int)name.len, name.ptr,
		tag.len ? "@" : "", (int)tag.len, tag.ptr);
	if (old_version.len && new_version.len && !pare_slice_eq(old_version, new_version))
		fprintf(f, "%.*s -> ", (int)old_version.len, old_version.ptr);
	struct pare_slice v = new_version.len ? new_version : old_version;
	fprintf(f, "%.*s)\n", (int)v.len, v.ptr);
}

/* ---- state of one run ---- */

struct commit_run {
	struct pare_cli *cli;
	const struct pare_cli_commit_opts *o;
	struct pare_root root;
	struct pare_db_lock lock;
	struct pare_db_installed db;
	struct pare_world world;
	struct pare_db_scripts scripts;
	struct pare_db_triggers triggers;
	struct pare_cli_repos cr;
	bool repos_open;
	struct pare_cli_keys keys;
	bool keys_open;
	struct pare_index local;        /* entries of pkg_path items */
	struct pare_txn_change *changes;
	size_t n;
};

static void run_release(struct commit_run *r)
{
	pare_db_installed_release(&r->db);
	pare_world_release(&r->world);
	pare_db_scripts_release(&r->scripts);
	pare_db_triggers_release(&r->triggers);
	pare_index_release(&r->local);
	if (r->repos_open)
		pare_cli_repos_close(&r->cr);
	if (r->keys_open)
		pare_cli_keys_release(&r->keys);
	pare_db_unlock(&r->lock);
	pare_root_release(&r->root);
	free(r->changes);
}

static int report(struct pare_cli *cli, int code, const struct pare_error *err)
{
	pare_cli_report(cli, code, err);
	return code < 0 ? code : -EIO;
}

static void waiting_msg(void *ctx)
{
	struct pare_cli *cli = ctx;
	pare_log_warning(&cli->log, "Waiting for repository lock");
}

/* The directories apk's --initdb makes (apk-tools 2 needs var/ to open
 * a database). */
static void initdb_dirs(struct pare_root *root)
{
	static const struct { const char *path; mode_t mode; } dirs[] = {
		{ "tmp", 01777 }, { "dev", 0755 }, { "etc", 0755 }, { "etc/apk", 0755 },
		{ "lib", 0755 }, { "lib/apk", 0755 }, { "lib/apk/db", 0755 }, { "var", 0755 },
		{ "var/cache", 0755 }, { "var/cache/apk", 0755 }, { "var/cache/misc", 0755 },
	};
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		const char *base;
		int pfd = pare_root_open_parent(root, dirs[i].path, false, 0, &base, NULL);
		if (pfd < 0)
			continue;
		if (mkdirat(pfd, base, dirs[i].mode) == 0 && dirs[i].mode & 01000) {
			int fd = openat(pfd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (fd >= 0) {
				fchmod(fd, dirs[i].mode);
				close(fd);
			}
		}
		close(pfd);
	}
}

static int open_and_lock(struct commit_run *r)
{
	struct pare_error err = { 0 };
	const char *root = r->cli->opts.root ? r->cli->opts.root : "/";
	if (r->o->initdb && mkdir(root, 0755) < 0 && errno != EEXIST)
		return report(r->cli, -errno, &err);
	int c = pare_root_open(&r->root, root, &err);
	if (c < 0)
		return report(r->cli, c, &err);
	if (r->o->initdb)
		initdb_dirs(&r->root);
	struct pare_db_lock_opts lo = { .wait_seconds = r->o->wait_seconds,
					.create_dirs = r->o->initdb,
					.waiting = waiting_msg, .ctx = r->cli };
	c = pare_db_lock(&r->lock, &r->root, &lo, &err);
	if (c == -EWOULDBLOCK || c == -ETIMEDOUT) {
		pare_cli_error(r->cli, "Unable to lock database: %s", strerror(EWOULDBLOCK));
		return c;
	}
	if (c == -ENOENT) {
		pare_cli_error(r->cli, "%s: no package database (use --initdb)", root);
		return c;
	}
	if (c < 0)
		return report(r->cli, c, &err);
	if ((c = pare_db_installed_read(&r->db, &r->root, &err)) < 0 ||
	    (c = pare_world_read(&r->world, &r->root, &err)) < 0 ||
	    (c = pare_db_scripts_read(&r->scripts, &r->root, &err)) < 0 ||
	    (c = pare_db_triggers_read(&r->triggers, &r->root, &err)) < 0)
		return report(r->cli, c, &err);
	return 0;
}

/* ---- entries ---- */

static const struct pare_pkgent *find_repo_ent(const struct pare_repos *rs,
					       const struct pare_cli_commit_item *it)
{
	for (size_t i = 0; i < rs->n; i++) {
		const struct pare_index *idx = &rs->v[i].index;
		for (size_t j = 0; rs->v[i].loaded && j < idx->n; j++) {
			const struct pare_pkgent *e = &idx->ents[j];
			if (it->new_identity_len == 20 && e->identity.alg == PARE_DIGEST_SHA1) {
				if (!memcmp(e->identity.bytes, it->new_identity, 20))
					return e;
				continue;
			}
			if (pare_slice_eq(e->name, it->new_name) &&
			    pare_slice_eq(e->version, it->new_version))
				return e;
		}
	}
	return NULL;
}

static int load_local(struct commit_run *r, const struct pare_cli_commit_item *items, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!items[i].pkg_path)
			continue;
		struct pare_error err = { 0 };
		struct pare_pkg pkg;
		struct stat st;
		pare_pkg_init(&pkg);
		struct pare_pkg_read_opts ro = { .control_only = true };
		int c = stat(items[i].pkg_path, &st) < 0 ? -errno : 0;
		if (c == 0)
			c = pare_pkg_read_file(&pkg, items[i].pkg_path, &ro, NULL, &err);
		if (c == 0)
			c = pare_index_add_pkg(&r->local, &pkg, (uint64_t)st.st_size, &err);
		pare_pkg_release(&pkg);
		if (c < 0) {
			pare_error_prefix(&err, c, "%s: ", items[i].pkg_path);
			return report(r->cli, c, &err);
		}
	}
	return 0;
}

static bool need_repos(const struct pare_cli_commit_item *items, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (items[i].kind != PARE_TXN_REMOVE && items[i].kind != PARE_TXN_RETAG &&
		    !items[i].pkg_path)
			return true;
	return false;
}

/* INSTALL of a local file when a package of that name is installed. */
static bool auto_kind(struct commit_run *r, struct pare_txn_change *c)
{
	const struct pare_db_pkg *p = pare_db_find_pkg(&r->db, c->new_ent->name);
	if (!p)
		return true;
	c->old_ent = &p->ent;
	if (p->ent.identity.alg == c->new_ent->identity.alg &&
	    !memcmp(p->ent.identity.bytes, c->new_ent->identity.bytes, p->ent.identity.len)) {
		c->kind = PARE_TXN_REINSTALL;
		return r->o->reinstall || p->broken.len;
	}
	int cmp = pare_version_compare(c->new_ent->version, p->ent.version);
	c->kind = cmp == PARE_VERSION_GREATER ? PARE_TXN_UPGRADE
		  : cmp == PARE_VERSION_LESS  ? PARE_TXN_DOWNGRADE
					      : PARE_TXN_REPLACE;
	return true;
}

static int map_item(struct commit_run *r, const struct pare_cli_commit_item *it, size_t *local_i,
		    struct pare_txn_change *c)
{
	memset(c, 0, sizeof(*c));
	size_t li = it->pkg_path ? (*local_i)++ : 0;
	c->kind = it->kind;
	c->repo_tag = it->new_tag;
	if (it->old_name.len) {
		const struct pare_db_pkg *p = pare_db_find_pkg(&r->db, it->old_name);
		if (!p && it->kind != PARE_TXN_REMOVE) {
			pare_cli_error(r->cli, "%.*s: not installed (the database changed?)",
				       (int)it->old_name.len, it->old_name.ptr);
			return -PARE_E_NOT_FOUND;
		}
		c->old_ent = p ? &p->ent : NULL;
		if (!p)
			return 1; /* already removed */
	}
	if (it->kind == PARE_TXN_REMOVE || it->kind == PARE_TXN_RETAG)
		return 0;
	if (it->pkg_path) {
		c->new_ent = &r->local.ents[li];
		c->pkg_path = it->pkg_path;
		return r->o->auto_kinds && !auto_kind(r, c) ? 1 : 0;
	}
	c->new_ent = r->repos_open ? find_repo_ent(&r->cr.repos, it) : NULL;
	c->index_verified = true;
	if (!c->new_ent) {
		pare_cli_error(r->cli, "%.*s-%.*s: not in any repository", (int)it->new_name.len,
			       it->new_name.ptr, (int)it->new_version.len, it->new_version.ptr);
		return -PARE_E_NOT_FOUND;
	}
	return 0;
}

static int map_items(struct commit_run *r, const struct pare_cli_commit_item *items, size_t n)
{
	r->changes = calloc(n + 1, sizeof(*r->changes));
	if (!r->changes)
		return -ENOMEM;
	size_t local_i = 0;
	for (size_t i = 0; i < n; i++) {
		int c = map_item(r, &items[i], &local_i, &r->changes[r->n]);
		if (c < 0)
			return c;
		if (c == 0)
			r->n++;
	}
	return 0;
}

static int edit_world(struct commit_run *r)
{
	const struct pare_cli_commit_opts *o = r->o;
	struct pare_error err = { 0 };
	int c = 0;
	if (o->world_set) {
		pare_world_release(&r->world);
		pare_world_init(&r->world);
	}
	for (size_t i = 0; c == 0 && i < o->nworld_set; i++)
		c = pare_world_add(&r->world, pare_slice_from(o->world_set[i]), &err);
	for (size_t i = 0; c == 0 && i < o->nworld_add; i++)
		c = pare_world_add(&r->world, pare_slice_from(o->world_add[i]), &err);
	for (size_t i = 0; c == 0 && i < o->nworld_del; i++)
		pare_world_remove(&r->world, pare_slice_from(o->world_del[i]));
	return c < 0 ? report(r->cli, c, &err) : 0;
}

/* ---- printing ---- */

static void on_change(void *ctx, size_t i, size_t n, const struct pare_txn_change *c)
{
	struct pare_cli *cli = ctx;
	const struct pare_pkgent *p = c->new_ent ? c->new_ent : c->old_ent;
	if (cli->opts.verbosity <= 0) /* -q: apk prints no change lines */
		return;
	pare_cli_commit_line(cli->out, i, n, pare_cli_commit_verb(c->kind), p->name, c->repo_tag,
			     c->old_ent ? c->old_ent->version : PARE_SLICE_NULL,
			     c->new_ent ? c->new_ent->version : PARE_SLICE_NULL);
	fflush(cli->out);
}

static void print_summary(struct pare_cli *cli, const struct pare_txn_result *res)
{
	char size[32];
	pare_cli_human_size(res->installed_size, size, sizeof(size));
	if (!res->errors && cli->opts.verbosity <= 0) /* -q */
		return;
	if (res->errors)
		fprintf(cli->out, "%u error%s; %s in %zu packages\n", res->errors,
			res->errors == 1 ? "" : "s", size, res->npkgs);
	else if (cli->opts.verbosity > 1)
		fprintf(cli->out, "OK: %zu packages, %llu dirs, %llu files, %s\n", res->npkgs,
			(unsigned long long)res->dirs, (unsigned long long)res->files, size);
	else
		fprintf(cli->out, "OK: %s in %zu packages\n", size, res->npkgs);
}

static int prepare(struct commit_run *r, const struct pare_cli_commit_item *items, size_t n)
{
	struct pare_error err = { 0 };
	int c = open_and_lock(r);
	if (c < 0)
		return c;
	if (need_repos(items, n)) {
		if (pare_cli_repos_open(r->cli, &r->cr, false) < 0)
			return -EIO;
		r->repos_open = true;
	} else {
		c = pare_cli_keys_open(r->cli, &r->keys, &err);
		if (c < 0)
			return report(r->cli, c, &err);
		r->keys_open = true;
	}
	if ((c = load_local(r, items, n)) < 0 || (c = map_items(r, items, n)) < 0)
		return c;
	return edit_world(r);
}

int pare_cli_commit(struct pare_cli *cli, const struct pare_cli_commit_opts *o,
		    const struct pare_cli_commit_item *items, size_t n)
{
	struct commit_run r;
	memset(&r, 0, sizeof(r));
	r.cli = cli;
	r.o = o;
	r.root.fd = -1;
	pare_db_lock_init(&r.lock);
	pare_db_installed_init(&r.db);
	pare_world_init(&r.world);
	pare_db_scripts_init(&r.scripts);
	pare_db_triggers_init(&r.triggers);
	pare_index_init(&r.local);
	int status = 1;
	if (prepare(&r, items, n) < 0)
		goto out;
	struct pare_txn_opts to = {
		.root = &r.root,
		.repos = r.repos_open ? &r.cr.repos : NULL,
		.keys = r.repos_open ? r.cr.keys.keys : r.keys.keys,
		.allow_untrusted = cli->opts.allow_untrusted,
		.no_scripts = o->no_scripts,
		.force_overwrite = o->force_overwrite,
		.simulate = cli->opts.simulate,
		.owners = o->no_chown ? PARE_EXTRACT_OWNERS_OFF : PARE_EXTRACT_OWNERS_AUTO,
		.log = &cli->log,
		.progress = &cli->progress,
		.on_change = on_change,
		.ctx = cli,
	};
	struct pare_txn_result res;
	struct pare_error err = { 0 };
	pare_txn_commit(&to, &r.db, &r.world, &r.scripts, &r.triggers, r.changes, r.n, &res, &err);
	print_summary(cli, &res);
	status = res.errors ? 1 : 0;
out:
	run_release(&r);
	return status;
}

int pare_cli_open_root(struct pare_cli *cli, struct pare_root *root, struct pare_error *err)
{
	return pare_root_open(root, cli->opts.root ? cli->opts.root : "/", err);
}
