/* Opening a session: root, lock, databases, keys, repositories, universe
 * (see session.h). */
#include "session/session.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "apk/dep.h"
#include "db/dbfile.h"
#include "io/stream.h"
#include "solver/from_index.h"

#define CACHE_INSTALLED_PATH "etc/apk/cache/installed"

/* ---- root and lock */

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

static int open_root(struct pare_session *s, const struct pare_session_opts *o,
		     struct pare_error *err)
{
	if (o->initdb && mkdir(o->root, 0755) < 0 && errno != EEXIST)
		return pare_error_set(err, -errno, "%s: %s", o->root, strerror(errno));
	int r = pare_root_open(&s->root, o->root, err);
	if (r < 0)
		return r;
	s->root_open = true;
	if (o->initdb)
		initdb_dirs(&s->root);
	if (!o->lock)
		return 0;
	struct pare_db_lock_opts lo = { .wait_seconds = o->wait_seconds,
					.create_dirs = o->initdb || o->create_db,
					.waiting = o->waiting, .ctx = o->ctx };
	r = pare_db_lock(&s->lock, &s->root, &lo, err);
	if (r == -EWOULDBLOCK || r == -ETIMEDOUT)
		return pare_error_set(err, -EWOULDBLOCK, "Unable to lock database: %s",
				      strerror(EWOULDBLOCK));
	if (r == -ENOENT && !(o->initdb || o->create_db))
		return pare_error_set(err, r, "%s: no package database (use --initdb)", o->root);
	return r;
}

/* ---- the databases */

static int read_text_file(const char *path, size_t max, char **text, size_t *len,
			  struct pare_error *err)
{
	struct pare_buf b;
	pare_buf_init(&b, max);
	int r = pare_read_file(path, &b, err);
	if (r < 0) {
		pare_buf_release(&b);
		return r;
	}
	*text = pare_buf_detach(&b, len);
	return *text ? 0 : pare_error_set(err, -ENOMEM, "out of memory");
}

static int dup_text(const char *src, char **text, size_t *len, struct pare_error *err)
{
	*len = strlen(src);
	*text = malloc(*len + 1);
	if (!*text)
		return pare_error_set(err, -ENOMEM, "out of memory");
	memcpy(*text, src, *len + 1);
	return 0;
}

static int read_dbs(struct pare_session *s, const struct pare_session_opts *o,
		    struct pare_error *err)
{
	char *text;
	size_t len;
	int r = 0;
	if (o->test_instdb) {
		r = read_text_file(o->test_instdb, PARE_DB_MAX_INSTALLED, &text, &len, err);
		if (r == 0)
			r = pare_db_installed_parse(&s->db, text, len, o->test_instdb, err);
	} else if (s->root_open) {
		r = pare_db_installed_read(&s->db, &s->root, err);
	}
	if (r < 0)
		return r;
	if (o->db_only && s->root_open)
		goto scripts;
	if (o->test_world) {
		r = dup_text(o->test_world, &text, &len, err);
		if (r == 0)
			r = pare_world_parse(&s->world, text, len, "--test-world", err);
	} else if (s->root_open) {
		r = pare_world_read(&s->world, &s->root, err);
	}
	if (r < 0 || !s->root_open || !o->lock)
		return r;
scripts:
	r = pare_db_scripts_read(&s->scripts, &s->root, err);
	if (r == 0)
		r = pare_db_triggers_read(&s->triggers, &s->root, err);
	/* A transaction killed on this root left a journal: finish it under
	 * the lock before anything is planned on the database. */
	if (r == 0 && o->lock && !o->test_instdb)
		r = pare_txn_recover(&s->root, &s->db, &s->scripts, &s->triggers, NULL, err);
	return r < 0 ? r : 0;
}

/* ---- keys and repositories */

static int open_keys(struct pare_session *s, const struct pare_session_opts *o,
		     struct pare_error *err)
{
	const char *dir = o->keys_dir ? o->keys_dir : "etc/apk/keys";
	int r;
	if (dir[0] == '/')
		r = pare_keyring_open(&s->ring, dir, err);
	else if (s->root_open)
		r = pare_keyring_open_root(&s->ring, &s->root, dir, err);
	else
		return 0;
	if (r == -ENOENT) {
		pare_error_clear(err);
		return 0;
	}
	if (r == 0)
		s->keys = &s->ring;
	return r;
}

static int remember_entry(struct pare_session *s, const struct pare_spkg *p,
			  const struct pare_pkgent *e)
{
	if (p->id >= s->npkg_ent) {
		/* the universe's reserved size: one allocation per index */
		size_t n = s->u.pkgs_cap > p->id ? s->u.pkgs_cap : (size_t)p->id + 256;
		const struct pare_pkgent **v = realloc(s->pkg_ent, n * sizeof(*v));
		if (!v)
			return -ENOMEM;
		memset(v + s->npkg_ent, 0, (n - s->npkg_ent) * sizeof(*v));
		s->pkg_ent = v;
		s->npkg_ent = n;
	}
	if (!s->pkg_ent[p->id])
		s->pkg_ent[p->id] = e;
	return 0;
}

const struct pare_pkgent *pare_session_entry(const struct pare_session *s,
					     const struct pare_spkg *p)
{
	return p->id < s->npkg_ent ? s->pkg_ent[p->id] : NULL;
}

void pare_session_drop_entries(struct pare_session *s)
{
	for (size_t i = 0; s->repos_open && i < s->repos.n; i++)
		pare_index_release(&s->repos.v[i].index);
	for (size_t i = 0; i < s->nextra; i++)
		pare_index_release(&s->extra_v[i]);
	free(s->pkg_ent);
	s->pkg_ent = NULL;
	s->npkg_ent = 0;
}

/* The entries of one index into the universe (repo < 0: not a repository). */
static int add_index(struct pare_session *s, struct pare_index *idx,
		     enum pare_spkg_source src, int repo, bool remember,
		     const struct pare_session_opts *o, struct pare_error *err)
{
	int r = pare_universe_reserve(&s->u, idx->n);
	if (r < 0)
		return pare_error_set(err, r, "out of memory");
	struct pare_dep *atoms = NULL; /* lists kept as text: parsed here, for the universe */
	size_t natoms = 0;
	/* solve only: the universe copies what it keeps, so each part of the
	 * index goes back once added, and the peak holds little of both */
	bool consume = o && o->solve_only;
	for (size_t i = 0; r == 0 && i < idx->n; i++) {
		const struct pare_pkgent *e = &idx->ents[i];
		struct pare_pkgent tmp;
		if (o && o->skip && o->skip(o->skip_ctx, e))
			continue;
		if ((r = pare_pkgent_deps_tmp(e, &tmp, &atoms, &natoms, err)) < 0)
			break;
		struct pare_spkg_desc d;
		struct pare_spkg *p = NULL;
		pare_spkg_desc_from_pkgent(&d, &tmp);
		if (tmp.flags & PARE_PKGENT_BAD_PROVIDES)
			s->degraded = true;
		r = pare_universe_add(&s->u, &d, src, repo, &p, err);
		if (r == 0 && remember && !consume && p && remember_entry(s, p, e) < 0)
			r = pare_error_set(err, -ENOMEM, "out of memory");
		/* With --no-network a remote package is usable from the cache. */
		if (r == 0 && p && o && o->repo.no_network && repo >= 0 && s->u.repos[repo].remote &&
		    pare_repos_pkg_cached(&s->repos, e))
			p->flags |= PARE_SPKG_CACHED;
		if (consume && (i + 1) % 1024 == 0) /* ~450 KB of entries, ~400 KB of text */
			pare_index_release_front(idx, i + 1);
	}
	free(atoms);
	return r;
}

/* A new index for a test repository or the cache (kept until close). */
static struct pare_index *extra_index(struct pare_session *s)
{
	struct pare_index *v = realloc(s->extra_v, (s->nextra + 1) * sizeof(*v));
	if (!v)
		return NULL;
	s->extra_v = v;
	pare_index_init(&v[s->nextra]);
	return &v[s->nextra++];
}

static int read_extra(struct pare_session *s, const char *path, struct pare_index **out,
		      struct pare_error *err)
{
	*out = extra_index(s);
	if (!*out)
		return pare_error_set(err, -ENOMEM, "out of memory");
	struct pare_index_read_opts ro = { .keys = s->keys, .allow_untrusted = s->allow_untrusted };
	return pare_index_read_file(*out, path, &ro, err);
}

/* A test repository served over HTTP (it stands in for the cached index
 * of a remote repository, so it is read even with --no-network). */
static int read_extra_url(struct pare_session *s, const char *url, struct pare_index **out,
			  struct pare_error *err)
{
	*out = extra_index(s);
	if (!*out)
		return pare_error_set(err, -ENOMEM, "out of memory");
	if (!s->http_ready) {
		int r = pare_http_init(&s->http, NULL, err);
		if (r < 0)
			return r;
		s->http_ready = true;
	}
	struct pare_buf b;
	struct pare_ostream os;
	pare_buf_init(&b, PARE_REPO_INDEX_MAX);
	pare_buf_ostream_init(&os, &b);
	struct pare_http_request req = { .url = url, .max_bytes = PARE_REPO_INDEX_MAX };
	int r = pare_http_get(&s->http, &req, &os, NULL, err);
	if (r == 0) {
		struct pare_mem_istream m;
		struct pare_istream in;
		pare_mem_istream_init(&m, &in, b.data, b.len);
		struct pare_index_read_opts ro = { .keys = s->keys,
						   .allow_untrusted = s->allow_untrusted };
		r = pare_index_read(*out, &in, url, &ro, err);
	}
	pare_buf_release(&b);
	return r;
}

/* --test-repo [@TAG:]FILE or [@TAG:]URL */
static int add_test_repo(struct pare_session *s, const char *spec, struct pare_error *err)
{
	struct pare_slice tag = PARE_SLICE_NULL;
	const char *path = spec;
	if (spec[0] == '@') {
		const char *colon = strchr(spec, ':');
		if (!colon)
			return pare_error_set(err, -PARE_E_USAGE, "--test-repo %s: expected @TAG:FILE",
					      spec);
		tag = pare_slice_make(spec + 1, (size_t)(colon - spec - 1));
		path = colon + 1;
	}
	int repo = pare_universe_add_repo(&s->u, tag);
	if (repo < 0)
		return pare_error_set(err, repo, "too many repositories");
	struct pare_index *idx;
	bool remote = pare_http_is_url(path);
	int r = remote ? read_extra_url(s, path, &idx, err) : read_extra(s, path, &idx, err);
	s->u.repos[repo].remote = remote;
	return r < 0 ? r : add_index(s, idx, PARE_SPKG_FROM_REPO, repo, false, NULL, err);
}

static int load_repos(struct pare_session *s, const struct pare_session_opts *o,
		      struct pare_error *err)
{
	struct pare_repo_config cfg = o->repo;
	cfg.root = o->root;
	cfg.keys = s->keys;
	cfg.allow_untrusted = o->allow_untrusted;
	s->repos_open = true;
	int r = pare_repos_init(&s->repos, &cfg, err);
	if (r == 0)
		r = pare_repos_load(&s->repos, false, NULL, NULL, err);
	if (r < 0)
		return r;
	memcpy(s->arch, s->repos.arch, sizeof(s->arch));
	return 0;
}

static int add_repos(struct pare_session *s, const struct pare_session_opts *o,
		     struct pare_error *err)
{
	for (size_t i = 0; i < s->repos.n; i++) {
		struct pare_repo *rp = &s->repos.v[i];
		if (!rp->loaded)
			continue; /* unavailable: the caller warns, as apk does */
		int repo = pare_universe_add_repo(&s->u, pare_slice_from(rp->tag));
		if (repo < 0)
			return pare_error_set(err, repo, "too many repositories");
		s->u.repos[repo].remote = rp->kind == PARE_REPO_HTTP;
		int r = add_index(s, &rp->index, PARE_SPKG_FROM_REPO, repo, true, o, err);
		if (r < 0)
			return r;
	}
	return 0;
}

/* ---- the universe */

static int add_installed(struct pare_session *s, struct pare_error *err)
{
	const struct pare_db_file *self = pare_db_owner(&s->db, pare_slice_from("proc/self/exe"));
	for (size_t i = 0; i < s->db.npkgs; i++) {
		const struct pare_db_pkg *dp = s->db.pkgs[i];
		struct pare_spkg_desc d;
		struct pare_spkg *p = NULL;
		pare_spkg_desc_from_pkgent(&d, &dp->ent);
		d.installed_tag = dp->repo_tag;
		d.ndirs = dp->ndirs;
		d.nfiles = (uint32_t)pare_db_pkg_nfiles(dp);
		int r = pare_universe_add(&s->u, &d, PARE_SPKG_FROM_INSTALLED, -1, &p, err);
		if (r < 0)
			return r;
		if (self && self->pkg == dp)
			s->self = p;
		if (dp->broken.len) {
			const struct pare_sname **v =
				realloc(s->failed, (s->nfailed + 1) * sizeof(*v));
			if (!v)
				return pare_error_set(err, -ENOMEM, "out of memory");
			s->failed = v;
			s->failed[s->nfailed++] = p->name;
		}
	}
	return 0;
}

static int add_world(struct pare_session *s, struct pare_error *err)
{
	s->world_deps = calloc(s->world.n + 1, sizeof(*s->world_deps));
	if (!s->world_deps)
		return pare_error_set(err, -ENOMEM, "out of memory");
	for (size_t i = 0; i < s->world.n; i++) {
		int r = pare_universe_dep(&s->u, &s->world.atoms[i].dep,
					  &s->world_deps[s->nworld_deps++], err);
		if (r < 0)
			return r;
	}
	return 0;
}

/* apk reads the cache's index of installed packages when the root is on
 * tmpfs (or --root-tmpfs says so). */
static bool root_on_tmpfs(struct pare_session *s)
{
	struct statfs sf;
	return s->root_open && fstatfs(s->root.fd, &sf) == 0 && sf.f_type == TMPFS_MAGIC;
}

static int add_cache(struct pare_session *s, const struct pare_session_opts *o,
		     struct pare_error *err)
{
	struct pare_index *idx;
	int r = 0;
	if (o->test_cache) {
		r = read_extra(s, o->test_cache, &idx, err);
	} else if (s->root_open && (o->root_tmpfs > 0 || (o->root_tmpfs == 0 && root_on_tmpfs(s)))) {
		/* apk's own file, trusted like the installed database */
		char *text;
		size_t len;
		r = pare_db_file_take(&s->root, CACHE_INSTALLED_PATH, PARE_DB_MAX_INSTALLED, &text,
				      &len, err);
		if (r <= 0)
			return r;
		if (!(idx = extra_index(s))) {
			free(text);
			return pare_error_set(err, -ENOMEM, "out of memory");
		}
		r = pare_index_parse_text(idx, text, len, CACHE_INSTALLED_PATH, 0, err);
	} else {
		return 0;
	}
	return r < 0 ? r : add_index(s, idx, PARE_SPKG_FROM_CACHE, -1, false, NULL, err);
}

static int build_universe(struct pare_session *s, const struct pare_session_opts *o,
			  struct pare_error *err)
{
	pare_universe_init(&s->u, pare_slice_from(s->arch));
	int r = add_installed(s, err);
	for (size_t i = 0; r == 0 && i < o->ntest_repos; i++)
		r = add_test_repo(s, o->test_repos[i], err);
	if (r == 0 && s->repos_open)
		r = add_repos(s, o, err);
	if (r == 0)
		r = add_cache(s, o, err);
	if (r == 0)
		r = add_world(s, err);
	return r;
}

/* ---- open and close */

static void session_init(struct pare_session *s)
{
	memset(s, 0, sizeof(*s));
	s->root.fd = -1;
	pare_db_lock_init(&s->lock);
	pare_db_installed_init(&s->db);
	pare_world_init(&s->world);
	pare_db_scripts_init(&s->scripts);
	pare_db_triggers_init(&s->triggers);
	pare_universe_init(&s->u, PARE_SLICE_NULL);
	pare_index_init(&s->local);
}

int pare_session_open(struct pare_session *s, const struct pare_session_opts *o,
		      struct pare_error *err)
{
	session_init(s);
	s->allow_untrusted = o->allow_untrusted;
	int r = 0;
	if (o->root)
		r = open_root(s, o, err);
	if (r == 0)
		r = read_dbs(s, o, err);
	if (r < 0 || o->db_only)
		return r;
	if (r == 0)
		r = open_keys(s, o, err);
	if (r == 0 && o->need_repos && o->ntest_repos == 0)
		r = load_repos(s, o, err);
	else if (r == 0)
		r = pare_repo_arch_resolve(o->root, o->repo.arch, s->arch, err);
	if (r == 0) {
		pare_universe_release(&s->u);
		r = build_universe(s, o, err);
	}
	if (r == 0 && o->solve_only)
		pare_session_drop_entries(s);
	return r;
}

struct pare_universe *pare_session_take_universe(struct pare_session *s)
{
	struct pare_universe *u = malloc(sizeof(*u));
	if (!u)
		return NULL;
	*u = s->u; /* nothing points into the struct itself: a move */
	pare_universe_init(&s->u, PARE_SLICE_NULL);
	return u;
}

void pare_session_close(struct pare_session *s)
{
	if (!s)
		return;
	pare_universe_release(&s->u);
	if (s->repos_open)
		pare_repos_release(&s->repos);
	for (size_t i = 0; i < s->nextra; i++)
		pare_index_release(&s->extra_v[i]);
	free(s->extra_v);
	if (s->http_ready)
		pare_http_release(&s->http);
	pare_index_release(&s->local);
	if (s->keys)
		pare_keyring_release(s->keys);
	pare_db_triggers_release(&s->triggers);
	pare_db_scripts_release(&s->scripts);
	pare_world_release(&s->world);
	pare_db_installed_release(&s->db);
	pare_db_unlock(&s->lock);
	if (s->root_open)
		pare_root_release(&s->root);
	free(s->world_deps);
	free(s->pkg_ent);
	free(s->failed);
	memset(s, 0, sizeof(*s));
	s->root.fd = -1;
}
