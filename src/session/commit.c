/* Committing a change set within a session (see session.h). */
#include "session/session.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "apk/package.h"
#include "apk/version.h"

void pare_session_items_from(const struct pare_session *s, const struct pare_solution *sol,
			     struct pare_session_item *items)
{
	for (uint32_t i = 0; i < sol->nchanges; i++) {
		const struct pare_change *ch = &sol->changes[i];
		struct pare_session_item *it = &items[i];
		memset(it, 0, sizeof(*it));
		it->kind = (enum pare_txn_kind)ch->kind;
		if (ch->old_pkg)
			it->old_name = ch->old_pkg->name->str;
		if (ch->new_pkg) {
			it->new_name = ch->new_pkg->name->str;
			it->new_version = ch->new_pkg->version;
			it->new_identity = ch->new_pkg->identity_len ? ch->new_pkg->identity : NULL;
			it->new_identity_len = ch->new_pkg->identity_len;
			it->new_tag = s->u.tags[ch->new_tag];
		}
	}
}

/* ---- entries */

static const struct pare_pkgent *find_repo_ent(const struct pare_session *s,
					       const struct pare_session_item *it)
{
	if (it->new_identity_len) {
		/* The package id the solver chose: its entry is remembered. */
		const struct pare_sname *n = pare_universe_find_name(&s->u, it->new_name);
		for (uint32_t i = 0; n && i < n->own.n; i++) {
			const struct pare_spkg *p = n->own.v[i];
			const struct pare_pkgent *e = pare_session_entry(s, p);
			if (e && p->identity_len == it->new_identity_len &&
			    !memcmp(p->identity, it->new_identity, it->new_identity_len))
				return e;
		}
	}
	const struct pare_repos *rs = &s->repos;
	for (size_t i = 0; s->repos_open && i < rs->n; i++) {
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

static int load_local(struct pare_session *s, const struct pare_session_item *items, size_t n,
		      struct pare_error *err)
{
	for (size_t i = 0; i < n; i++) {
		if (!items[i].pkg_path)
			continue;
		struct pare_pkg pkg;
		struct stat st;
		pare_pkg_init(&pkg);
		struct pare_pkg_read_opts ro = { .control_only = true };
		int c = stat(items[i].pkg_path, &st) < 0 ? -errno : 0;
		if (c < 0)
			pare_error_set(err, c, "%s", strerror(-c));
		if (c == 0)
			c = pare_pkg_read_file(&pkg, items[i].pkg_path, &ro, NULL, err);
		if (c == 0)
			c = pare_index_add_pkg(&s->local, &pkg, (uint64_t)st.st_size, err);
		pare_pkg_release(&pkg);
		if (c < 0)
			return pare_error_prefix(err, c, "%s: ", items[i].pkg_path);
	}
	return 0;
}

/* INSTALL of a local file when a package of that name is installed;
 * false: nothing to do. */
static bool auto_kind(struct pare_session *s, const struct pare_session_commit_opts *co,
		      struct pare_txn_change *c)
{
	const struct pare_db_pkg *p = pare_db_find_pkg(&s->db, c->new_ent->name);
	if (!p)
		return true;
	c->old_ent = &p->ent;
	if (p->ent.identity.alg == c->new_ent->identity.alg &&
	    !memcmp(p->ent.identity.bytes, c->new_ent->identity.bytes, p->ent.identity.len)) {
		c->kind = PARE_TXN_REINSTALL;
		return co->reinstall || p->broken.len;
	}
	int cmp = pare_version_compare(c->new_ent->version, p->ent.version);
	c->kind = cmp == PARE_VERSION_GREATER ? PARE_TXN_UPGRADE
		  : cmp == PARE_VERSION_LESS  ? PARE_TXN_DOWNGRADE
					      : PARE_TXN_REPLACE;
	return true;
}

/* 0: mapped; 1: nothing to do; negative: error. */
static int map_item(struct pare_session *s, const struct pare_session_commit_opts *co,
		    const struct pare_session_item *it, size_t *local_i,
		    struct pare_txn_change *c, struct pare_error *err)
{
	memset(c, 0, sizeof(*c));
	size_t li = it->pkg_path ? (*local_i)++ : 0;
	c->kind = it->kind;
	c->repo_tag = it->new_tag;
	if (it->old_name.len) {
		const struct pare_db_pkg *p = pare_db_find_pkg(&s->db, it->old_name);
		if (!p && it->kind != PARE_TXN_REMOVE)
			return pare_error_set(err, -PARE_E_NOT_FOUND,
					      "%.*s: not installed (the database changed?)",
					      (int)it->old_name.len, it->old_name.ptr);
		c->old_ent = p ? &p->ent : NULL;
		if (!p)
			return 1; /* already removed */
	}
	if (it->kind == PARE_TXN_REMOVE || it->kind == PARE_TXN_RETAG)
		return 0;
	if (it->pkg_path) {
		c->new_ent = &s->local.ents[li];
		c->pkg_path = it->pkg_path;
		return co->auto_kinds && !auto_kind(s, co, c) ? 1 : 0;
	}
	c->new_ent = find_repo_ent(s, it);
	if (!c->new_ent)
		return pare_error_set(err, -PARE_E_NOT_FOUND, "%.*s-%.*s: not in any repository",
				      (int)it->new_name.len, it->new_name.ptr,
				      (int)it->new_version.len, it->new_version.ptr);
	int repo = c->new_ent->repo;
	bool in_repos = s->repos_open && repo >= 0 && (size_t)repo < s->repos.n;
	c->index_verified = in_repos && s->repos.v[repo].index.trust == 0;
	/* lists kept as text (repo.lazy_deps) are parsed for what is committed */
	if (in_repos && (c->new_ent->flags & PARE_PKGENT_DEPS_PENDING))
		return pare_index_entry_deps(&s->repos.v[repo].index,
					     (struct pare_pkgent *)c->new_ent, err);
	return 0;
}

static int edit_world(struct pare_session *s, const struct pare_session_commit_opts *co,
		      struct pare_error *err)
{
	int c = 0;
	if (co->world_set) {
		pare_world_release(&s->world);
		pare_world_init(&s->world);
	}
	for (size_t i = 0; c == 0 && i < co->nworld_set; i++)
		c = pare_world_add(&s->world, pare_slice_from(co->world_set[i]), err);
	for (size_t i = 0; c == 0 && i < co->nworld_add; i++)
		c = pare_world_add(&s->world, pare_slice_from(co->world_add[i]), err);
	for (size_t i = 0; c == 0 && i < co->nworld_del; i++)
		pare_world_remove(&s->world, pare_slice_from(co->world_del[i]));
	return c;
}

int pare_session_commit(struct pare_session *s, const struct pare_txn_opts *topts,
			const struct pare_session_commit_opts *co,
			const struct pare_session_item *items, size_t n,
			struct pare_txn_result *res, struct pare_error *err)
{
	memset(res, 0, sizeof(*res));
	if (!s->root_open || s->lock.fd < 0)
		return pare_error_set(err, -EINVAL, "commit: the database is not locked");
	struct pare_txn_change *changes = calloc(n + 1, sizeof(*changes));
	if (!changes)
		return pare_error_set(err, -ENOMEM, "out of memory");
	size_t nchanges = 0, local_i = 0;
	int r = load_local(s, items, n, err);
	for (size_t i = 0; r == 0 && i < n; i++) {
		r = map_item(s, co, &items[i], &local_i, &changes[nchanges], err);
		if (r == 0)
			nchanges++;
		else if (r == 1)
			r = 0;
	}
	if (r == 0)
		r = edit_world(s, co, err);
	if (r < 0) {
		free(changes);
		return r;
	}
	struct pare_txn_opts to = *topts;
	to.root = &s->root;
	to.repos = s->repos_open ? &s->repos : NULL;
	to.keys = s->keys;
	to.allow_untrusted = s->allow_untrusted;
	struct pare_error terr = { 0 };
	pare_txn_commit(&to, &s->db, &s->world, &s->scripts, &s->triggers, changes, nchanges, res,
			&terr);
	free(changes);
	return 0;
}
