/* Assembling a build root with the solver and the installer (root.h). */
#include "build/root.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apk/dep.h"
#include "commit/transaction.h"
#include "db/lock.h"
#include "io/atomic.h"
#include "io/digest.h"
#include "io/tree.h"
#include "solver/from_index.h"
#include "solver/solver.h"
#include "solver/universe.h"

struct broot {
	const struct pare_build_root_opts *o;
	struct pare_universe u;
	const struct pare_pkgent **ents; /* by package id */
	size_t nents;
	struct pare_sdep *world;
	struct pare_solution sol;
};

static int note(struct broot *b, const struct pare_spkg *p, const struct pare_pkgent *e)
{
	if (p->id >= b->nents) {
		size_t n = (size_t)p->id + 1024;
		const struct pare_pkgent **nv = realloc(b->ents, n * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		memset(nv + b->nents, 0, (n - b->nents) * sizeof(*nv));
		b->ents = nv;
		b->nents = n;
	}
	if (!b->ents[p->id])
		b->ents[p->id] = e;
	return 0;
}

static int universe(struct broot *b, struct pare_error *err)
{
	pare_universe_init(&b->u, pare_slice_from(b->o->arch));
	for (size_t i = 0; i < b->o->repos->n; i++) {
		const struct pare_repo *rp = &b->o->repos->v[i];
		if (!rp->loaded)
			continue;
		int rid = pare_universe_add_repo(&b->u, rp->tag ? pare_slice_from(rp->tag)
								: PARE_SLICE_NULL);
		if (rid < 0)
			return pare_error_set(err, rid, "too many repositories");
		for (size_t j = 0; j < rp->index.n; j++) {
			struct pare_spkg_desc d;
			struct pare_spkg *p;
			pare_spkg_desc_from_pkgent(&d, &rp->index.ents[j]);
			int r = pare_universe_add(&b->u, &d, PARE_SPKG_FROM_REPO, rid, &p, err);
			if (r == 0 && note(b, p, &rp->index.ents[j]) < 0)
				r = pare_error_set(err, -ENOMEM, "out of memory");
			if (r < 0)
				return r;
		}
	}
	b->world = calloc(b->o->nworld + 1, sizeof(*b->world));
	if (!b->world)
		return pare_error_set(err, -ENOMEM, "out of memory");
	for (size_t i = 0; i < b->o->nworld; i++) {
		struct pare_dep d;
		int r = pare_dep_parse(pare_slice_from(b->o->world[i]), &d, err);
		if (r == 0)
			r = pare_universe_dep(&b->u, &d, &b->world[i], err);
		if (r < 0)
			return pare_error_prefix(err, r, "build root: '%s': ", b->o->world[i]);
	}
	return pare_universe_finalize(&b->u, err);
}

/* "unable to select packages: NAME (...)" with the first problem's name. */
static int solve(struct broot *b, struct pare_error *err)
{
	struct pare_solve_request req = { .world = b->world, .nworld = b->o->nworld };
	int r = pare_solve(&b->u, &req, &b->sol, err);
	if (r < 0 || b->sol.ok)
		return r;
	const struct pare_problem *p = b->sol.nproblems ? &b->sol.problems[0] : NULL;
	return pare_error_set(err, -PARE_E_NOT_FOUND, "build root: unable to select packages%s%.*s",
			      p && p->name ? ": " : "", p && p->name ? (int)p->name->str.len : 0,
			      p && p->name ? p->name->str.ptr : "");
}

static int world_of(struct broot *b, struct pare_world *w, struct pare_error *err)
{
	for (size_t i = 0; i < b->o->nworld; i++) {
		int r = pare_world_add(w, pare_slice_from(b->o->world[i]), err);
		if (r < 0)
			return r;
	}
	return 0;
}

static int commit(struct broot *b, struct pare_root *root, struct pare_build_root_stats *st,
		  struct pare_error *err)
{
	struct pare_txn_change *ch = calloc(b->sol.nchanges + 1, sizeof(*ch));
	if (!ch)
		return pare_error_set(err, -ENOMEM, "out of memory");
	size_t n = 0;
	for (uint32_t i = 0; i < b->sol.nchanges; i++) {
		const struct pare_change *c = &b->sol.changes[i];
		if (!c->new_pkg || c->new_pkg->id >= b->nents || !b->ents[c->new_pkg->id])
			continue;
		ch[n++] = (struct pare_txn_change){ .kind = PARE_TXN_INSTALL,
						    .new_ent = b->ents[c->new_pkg->id],
						    .index_verified = true };
	}
	struct pare_db_installed db;
	struct pare_world w;
	struct pare_db_scripts sc;
	struct pare_db_triggers tr;
	pare_db_installed_init(&db);
	pare_world_init(&w);
	pare_db_scripts_init(&sc);
	pare_db_triggers_init(&tr);
	struct pare_txn_opts to = { .root = root, .repos = b->o->repos, .keys = b->o->keys,
				    .log = b->o->log };
	struct pare_txn_result res;
	memset(&res, 0, sizeof(res));
	int r = world_of(b, &w, err);
	if (r == 0)
		r = pare_txn_commit(&to, &db, &w, &sc, &tr, ch, n, &res, err);
	if (r == 0 && res.errors > res.script_errors)
		r = pare_error_set(err, -EIO, "build root: %u packages failed to install",
				   res.errors - res.script_errors);
	if (r < 0)
		pare_error_prefix(err, r, "build root %s: ", b->o->root);
	st->npkgs = res.npkgs;
	st->installed_size = res.installed_size;
	pare_db_triggers_release(&tr);
	pare_db_scripts_release(&sc);
	pare_world_release(&w);
	pare_db_installed_release(&db);
	free(ch);
	return r;
}

static int prepare_dirs(const char *root, struct pare_error *err)
{
	static const char *const dirs[] = { "etc/apk/keys", "lib/apk/db", "var/cache/misc", "tmp" };
	char p[4096];
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", root, dirs[i]);
		int r = pare_mkdir_p(p, 0755, err);
		if (r < 0)
			return r;
	}
	return 0;
}

static int cmp_line(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* The cache key (root.h): sorted "name version identity" lines. */
static int root_key(struct broot *b, char hex[65], struct pare_error *err)
{
	char **lines = calloc(b->sol.nchanges + 1, sizeof(*lines));
	size_t n = 0;
	int r = lines ? 0 : -ENOMEM;
	for (uint32_t i = 0; r == 0 && i < b->sol.nchanges; i++) {
		const struct pare_change *c = &b->sol.changes[i];
		if (!c->new_pkg || c->new_pkg->id >= b->nents || !b->ents[c->new_pkg->id])
			continue;
		const struct pare_pkgent *e = b->ents[c->new_pkg->id];
		if (asprintf(&lines[n], "%.*s %.*s %.*s\n", (int)e->name.len, e->name.ptr,
			     (int)e->version.len, e->version.ptr, (int)e->identity_text.len,
			     e->identity_text.ptr) < 0)
			r = -ENOMEM;
		else
			n++;
	}
	struct pare_digest d;
	struct pare_digest_value v;
	if (r == 0)
		r = pare_digest_init(&d, PARE_DIGEST_SHA256);
	if (r == 0) {
		qsort(lines, n, sizeof(*lines), cmp_line);
		pare_digest_update(&d, b->o->arch, strlen(b->o->arch) + 1);
		for (size_t i = 0; i < b->o->nworld; i++)
			pare_digest_update(&d, b->o->world[i], strlen(b->o->world[i]) + 1);
		for (size_t i = 0; i < n; i++)
			pare_digest_update(&d, lines[i], strlen(lines[i]));
		r = pare_digest_final(&d, &v);
		pare_digest_release(&d);
	}
	if (r == 0)
		pare_hex_encode(v.bytes, v.len, hex);
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
	return r < 0 ? pare_error_set(err, r, "build root: cache key: out of memory") : 0;
}

static int install_into(struct broot *b, const char *dir, struct pare_build_root_stats *st,
			struct pare_error *err)
{
	struct pare_root root = { .fd = -1 };
	struct pare_db_lock lock;
	pare_db_lock_init(&lock);
	int r = prepare_dirs(dir, err);
	if (r == 0)
		r = pare_root_open(&root, dir, err);
	if (r == 0)
		r = pare_db_lock(&lock, &root, NULL, err);
	if (r == 0)
		r = commit(b, &root, st, err);
	pare_db_unlock(&lock);
	pare_root_release(&root);
	return r;
}

/* Through the cache: the root cache/KEY, installed first when missing. */
static int cached(struct broot *b, struct pare_build_root_stats *st, struct pare_error *err)
{
	char key[65], tmp[4096];
	int r = root_key(b, key, err);
	if (r < 0)
		return r;
	if (pare_build_root_cache_find(b->o->cache, key, st->path, sizeof(st->path))) {
		st->reused = true;
		for (uint32_t i = 0; i < b->sol.nchanges; i++)
			st->npkgs += b->sol.changes[i].new_pkg != NULL;
		pare_log_info(b->o->log, "build root %s (from the cache)", st->path);
		return 0;
	}
	r = pare_build_root_cache_stage(b->o->cache, tmp, sizeof(tmp), err);
	if (r == 0 && (r = install_into(b, tmp, st, err)) < 0)
		pare_tree_remove(tmp);
	if (r == 0)
		r = pare_build_root_cache_publish(b->o->cache, tmp, key, st->path, sizeof(st->path),
						  err);
	return r;
}

int pare_build_root_install(const struct pare_build_root_opts *o,
			    struct pare_build_root_stats *st, struct pare_error *err)
{
	struct broot b;
	memset(&b, 0, sizeof(b));
	memset(st, 0, sizeof(*st));
	b.o = o;
	pare_solution_init(&b.sol);
	int r = universe(&b, err);
	if (r == 0)
		r = solve(&b, err);
	if (r == 0 && o->cache)
		r = cached(&b, st, err);
	else if (r == 0 && (r = install_into(&b, o->root, st, err)) == 0)
		snprintf(st->path, sizeof(st->path), "%s", o->root);
	pare_solution_release(&b.sol);
	pare_universe_release(&b.u);
	free(b.world);
	free(b.ents);
	return r;
}
