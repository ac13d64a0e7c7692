/* Loading repository indexes: local ones in place, HTTP ones through the
 * cache with conditional requests (see repo.h). */
#include "repo/repo.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/hashmap.h"
#include "io/atomic.h"
#include "io/url.h"
#include "repo/repo_int.h"

static void index_reset(struct pare_repo *r)
{
	pare_index_release(&r->index);
	pare_index_init(&r->index);
}

static void mark_entries(struct pare_repo *r, int num)
{
	for (size_t i = 0; i < r->index.n; i++)
		r->index.ents[i].repo = num;
}

/* Read the index at fd (name for messages) into r->index. */
static int read_index_fd(struct pare_repos *rs, struct pare_repo *r, int fd, const char *name,
			 struct pare_error *err)
{
	struct pare_index_read_opts o = {
		.keys = rs->keys,
		.allow_untrusted = rs->allow_untrusted,
		/* tolerant: a bad atom marks its entry, as apk */
		.flags = rs->lazy_deps ? PARE_INDEX_LAZY_DEPS : 0,
	};
	index_reset(r);
	int ret = pare_index_read_fd(&r->index, fd, name, &o, err);
	if (ret == 0)
		ret = pare_repo_check_fresh(rs, r, err);
	if (ret < 0)
		index_reset(r);
	return ret;
}

static int read_index_path(struct pare_repos *rs, struct pare_repo *r, const char *path,
			   const char *name, struct pare_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return pare_error_set(err, -errno, "%s: %s", name, strerror(errno));
	int ret = read_index_fd(rs, r, fd, name, err);
	close(fd);
	return ret;
}

struct index_paths {
	char cached[PARE_PATH_MAX]; /* CACHE/APKINDEX.<h>.tar.gz */
	char etag[PARE_PATH_MAX];   /* CACHE/APKINDEX.<h>.etag */
};

static int index_paths(const struct pare_repos *rs, const struct pare_repo *r,
		       struct index_paths *p, struct pare_error *err)
{
	char etag_name[40];
	size_t stem = strlen(r->cache_name) - strlen(".tar.gz");
	snprintf(etag_name, sizeof(etag_name), "%.*s.etag", (int)stem, r->cache_name);
	if (pare_repo_join(p->cached, sizeof(p->cached), rs->cache_dir, r->cache_name) < 0 ||
	    pare_repo_join(p->etag, sizeof(p->etag), rs->cache_dir, etag_name) < 0)
		return pare_error_set(err, -ENAMETOOLONG, "%s: cache path too long", rs->cache_dir);
	return 0;
}

/* Verify the downloaded temporary index; commit it (and its ETag) on
 * success.  f is always finished (committed or aborted). */
static int commit_index(struct pare_repos *rs, struct pare_repo *r, struct pare_atomic_file *f,
			const struct index_paths *p, const struct pare_http_result *res,
			struct pare_error *err)
{
	int fd = openat(f->dirfd, f->tmpname, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int e = -errno;
		pare_atomic_abort(f);
		return pare_error_set(err, e, "%s: %s", p->cached, strerror(-e));
	}
	char shown[PARE_URL_SHOWN_MAX];
	int ret = read_index_fd(rs, r, fd, pare_url_redact(r->index_url, shown, sizeof(shown)),
				err);
	close(fd);
	if (ret < 0) {
		pare_atomic_abort(f);
		return ret;
	}
	unlink(p->etag); /* never pair an old ETag with a new index */
	ret = pare_atomic_commit(f, err);
	if (ret < 0) {
		index_reset(r);
		return ret;
	}
	if (res->etag[0] && pare_repo_write_small(p->etag, res->etag, NULL) < 0)
		unlink(p->etag);
	r->fetched = true;
	return 0;
}

/* GET the index into the cache.  conditional: send the cached copy's ETag
 * and mtime.  *not_modified is set on 304 (nothing changed, nothing read). */
static int download_index(struct pare_repos *rs, struct pare_repo *r, const struct index_paths *p,
			  bool conditional, bool *not_modified, struct pare_error *err)
{
	struct pare_http *h;
	struct pare_atomic_file f;
	struct pare_http_result res;
	char etag[PARE_HTTP_ETAG_MAX] = "";
	struct stat st;
	*not_modified = false;
	int ret = pare_repo_http(rs, &h, err);
	if (ret == 0)
		ret = pare_repo_cache_ensure(rs, err);
	if (ret == 0)
		ret = pare_atomic_open(&f, p->cached, 0644, err);
	if (ret < 0)
		return ret;
	struct pare_http_request req = { .url = r->index_url, .max_bytes = rs->index_max };
	if (conditional && stat(p->cached, &st) == 0) {
		req.if_modified_since = st.st_mtime;
		if (pare_repo_read_small(p->etag, etag, sizeof(etag)) == 0 && etag[0])
			req.etag = etag;
	}
	char shown[PARE_URL_SHOWN_MAX];
	pare_log_verbose(rs->log, "fetch %s", pare_url_redact(r->index_url, shown, sizeof(shown)));
	ret = pare_http_get_file(h, &req, &f, &res, err);
	if (ret < 0 || res.not_modified) {
		pare_atomic_abort(&f);
		*not_modified = ret == 0;
		return ret;
	}
	return commit_index(rs, r, &f, p, &res, err);
}

static void repo_fail(struct pare_repo *r, int code, const struct pare_error *err)
{
	r->code = code;
	snprintf(r->error, sizeof(r->error), "%s", pare_error_text(err, code));
}

static int load_http(struct pare_repos *rs, struct pare_repo *r, bool refresh,
		     struct pare_error *err)
{
	struct index_paths p;
	struct stat st;
	bool not_modified = false;
	int ret = index_paths(rs, r, &p, err);
	if (ret < 0)
		return ret;
	bool have = stat(p.cached, &st) == 0 && S_ISREG(st.st_mode);
	if (have && (!refresh || rs->no_network) &&
	    read_index_path(rs, r, p.cached, p.cached, err) == 0)
		return 0;
	if (rs->no_network)
		return pare_error_set(err, -PARE_E_NOT_FOUND, "%s: no cached index (--no-network)",
				      r->index_url);
	ret = download_index(rs, r, &p, have && refresh, &not_modified, err);
	if (ret == 0 && !not_modified)
		return 0;
	if (ret == 0) { /* 304: the cached copy is current */
		ret = read_index_path(rs, r, p.cached, p.cached, err);
		if (ret < 0) /* damaged cache: fetch it whole */
			ret = download_index(rs, r, &p, false, &not_modified, err);
		return ret;
	}
	if (!have)
		return ret;
	/* The refresh failed: keep using the older index, marked stale. */
	struct pare_error old = { 0 };
	if (read_index_path(rs, r, p.cached, p.cached, &old) < 0)
		return ret;
	r->stale = true;
	return ret;
}

static int load_one(struct pare_repos *rs, struct pare_repo *r, int num, bool refresh)
{
	struct pare_error err = { 0 };
	int ret;
	r->loaded = r->stale = r->fetched = false;
	r->code = 0;
	r->error[0] = '\0';
	if (r->kind == PARE_REPO_LOCAL)
		ret = read_index_path(rs, r, r->index_url, r->index_url, &err);
	else
		ret = load_http(rs, r, refresh, &err);
	if (ret < 0)
		repo_fail(r, ret, &err);
	r->loaded = ret == 0 || r->stale;
	if (r->loaded)
		mark_entries(r, num);
	return ret == -ENOMEM ? ret : 0;
}

int pare_repos_load(struct pare_repos *rs, bool refresh, int *unavailable, int *stale,
		    struct pare_error *err)
{
	int nu = 0, ns = 0;
	if (!rs->cache_temp) {
		unsigned n = pare_atomic_sweep(rs->cache_dir, PARE_REPO_TMP_MAX_AGE);
		if (n)
			pare_log_verbose(rs->log, "%s: removed %u download temporar%s left by a "
					 "killed run", rs->cache_dir, n, n == 1 ? "y" : "ies");
	}
	for (size_t i = 0; i < rs->n; i++) {
		struct pare_repo *r = &rs->v[i];
		if (load_one(rs, r, (int)i, refresh) < 0)
			return pare_error_set(err, -ENOMEM, "out of memory");
		if (r->stale)
			ns++;
		else if (!r->loaded)
			nu++;
	}
	if (unavailable)
		*unavailable = nu;
	if (stale)
		*stale = ns;
	return 0;
}

size_t pare_repos_count_distinct(const struct pare_repos *rs)
{
	struct pare_map seen;
	size_t count = 0;
	pare_map_init(&seen);
	for (size_t i = 0; i < rs->n; i++) {
		const struct pare_index *idx = &rs->v[i].index;
		if (!rs->v[i].loaded)
			continue;
		for (size_t j = 0; j < idx->n; j++) {
			const struct pare_pkgent *e = &idx->ents[j];
			struct pare_slice key = e->identity_text.len ? e->identity_text : e->name;
			if (!e->identity_text.len) { /* no identity: count every entry */
				count++;
				continue;
			}
			if (pare_map_get(&seen, key))
				continue;
			if (pare_map_put(&seen, key, (void *)e, NULL) < 0) {
				count++;
				continue;
			}
			count++;
		}
	}
	pare_map_release(&seen);
	return count;
}
