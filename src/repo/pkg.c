/* Fetching packages for index entries, verified before they are renamed
 * into place (see repo.h). */
#include "repo/repo.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "apk/package.h"
#include "io/atomic.h"
#include "io/url.h"
#include "repo/repo_int.h"

static const struct pare_repo *entry_repo(const struct pare_repos *rs,
					  const struct pare_pkgent *e, struct pare_error *err)
{
	if (e->repo < 0 || (size_t)e->repo >= rs->n || !rs->v[e->repo].loaded) {
		pare_error_set(err, -PARE_E_NOT_FOUND, "%.*s-%.*s: not from a loaded repository",
			       (int)e->name.len, e->name.ptr, (int)e->version.len, e->version.ptr);
		return NULL;
	}
	return &rs->v[e->repo];
}

int pare_repos_pkg_url(const struct pare_repos *rs, const struct pare_pkgent *e, char *out,
		       size_t size, struct pare_error *err)
{
	char check[PARE_PATH_MAX];
	const struct pare_repo *r = entry_repo(rs, e, err);
	if (!r)
		return -PARE_E_NOT_FOUND;
	int ret = pare_repo_pkg_cache_name(e, check, sizeof(check), err); /* checks the name */
	if (ret < 0)
		return ret;
	/* Name and version percent-encoded in an HTTP URL; '+', '@', ':', '='
	 * and ',' (common in versions and names) are allowed in a URL path. */
	const char *keep = r->kind == PARE_REPO_HTTP ? "+@:=," : NULL;
	struct pare_buf b;
	pare_buf_init(&b, size ? size - 1 : 0);
	ret = pare_buf_appendf(&b, "%s/%s/", r->base, rs->arch);
	if (ret == 0)
		ret = keep ? pare_buf_append_pct(&b, e->name, keep, 0)
			   : pare_buf_append_slice(&b, e->name);
	if (ret == 0)
		ret = pare_buf_putc(&b, '-');
	if (ret == 0)
		ret = keep ? pare_buf_append_pct(&b, e->version, keep, 0)
			   : pare_buf_append_slice(&b, e->version);
	if (ret == 0)
		ret = pare_buf_append_str(&b, ".apk");
	if (ret == 0 && size)
		memcpy(out, b.data, b.len + 1);
	else if (size)
		out[0] = '\0';
	pare_buf_release(&b);
	if (ret < 0)
		return pare_error_set(err, -ENAMETOOLONG, "%s: package URL too long", r->url);
	return 0;
}

/* ---- verification ---- */

/* full: the whole package (datahash); else size and identity only, for a
 * caller whose reader verifies the rest while staging the package. */
static int verify_fd(int fd, const struct pare_pkgent *e, const char *name, bool full,
		     struct pare_error *err)
{
	struct stat st;
	char got[48], want[48];
	if (fstat(fd, &st) < 0)
		return pare_error_set(err, -errno, "%s: %s", name, strerror(errno));
	if ((e->flags & PARE_PKGENT_HAS_SIZE) && (uint64_t)st.st_size != e->size)
		return pare_error_set(err, -PARE_E_INTEGRITY, "%s: size %llu, index says %llu", name,
				      (unsigned long long)st.st_size, (unsigned long long)e->size);
	if (e->identity.alg != PARE_DIGEST_SHA1)
		return pare_error_set(err, -PARE_E_UNSUPPORTED,
				      "%s: the index entry has no Q1 (SHA-1) identity", name);
	struct pare_pkg pkg;
	struct pare_fd_stream fs;
	struct pare_istream in;
	struct pare_pkg_read_opts o = { .keys = NULL, .control_only = !full };
	pare_pkg_init(&pkg);
	pare_fd_istream_init(&fs, &in, fd, name);
	int r = pare_pkg_read(&pkg, &in, name, &o, NULL, err);
	if (r == 0 && pkg.kind != PARE_PKG_KIND_PACKAGE)
		r = pare_error_set(err, -PARE_E_FORMAT, "%s: not a package", name);
	if (r == 0 && (pkg.control_sha1.len != e->identity.len ||
		       memcmp(pkg.control_sha1.bytes, e->identity.bytes, e->identity.len) != 0)) {
		pare_apk_checksum_format(&pkg.control_sha1, got, sizeof(got));
		pare_apk_checksum_format(&e->identity, want, sizeof(want));
		r = pare_error_set(err, -PARE_E_INTEGRITY, "%s: identity %s, index says %s", name, got,
				   want);
	}
	/* The index vouches for the control member (C:); only the datahash
	 * in it vouches for the data. */
	if (r == 0 && full && !pkg.datahash_verified)
		r = pare_error_set(err, -PARE_E_INTEGRITY,
				   "%s: no datahash, so the data is not covered by the index", name);
	pare_pkg_release(&pkg);
	return r;
}

int pare_repo_verify_pkg_file(const char *path, const struct pare_pkgent *e, const char *name,
			      struct pare_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return pare_error_set(err, -errno, "%s: %s", path, strerror(errno));
	int r = verify_fd(fd, e, name ? name : path, true, err);
	close(fd);
	return r;
}

/* ---- getting the bytes ---- */

static uint64_t size_bound(const struct pare_pkgent *e)
{
	return (e->flags & PARE_PKGENT_HAS_SIZE) ? e->size : PARE_REPO_PKG_MAX;
}

/* Fill f from a local file (a cache copy or a local repository). */
static int copy_into(const char *src, const struct pare_pkgent *e, struct pare_atomic_file *f,
		     struct pare_error *err)
{
	int fd = open(src, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return pare_error_set(err, -errno, "%s: %s", src, strerror(errno));
	int r = pare_copy_fd(fd, &f->out, size_bound(e), src, err);
	close(fd);
	return r;
}

static int download_into(struct pare_repos *rs, const char *url, const struct pare_pkgent *e,
			 struct pare_atomic_file *f, struct pare_error *err)
{
	struct pare_http *h;
	char label[128];
	int r = pare_repo_http(rs, &h, err);
	if (r < 0)
		return r;
	snprintf(label, sizeof(label), "%.*s-%.*s", (int)e->name.len, e->name.ptr,
		 (int)e->version.len, e->version.ptr);
	struct pare_http_request req = {
		.url = url,
		.max_bytes = size_bound(e),
		.expect_size = (e->flags & PARE_PKGENT_HAS_SIZE) ? e->size : 0,
		.label = label,
	};
	char shown[PARE_URL_SHOWN_MAX];
	pare_log_verbose(rs->log, "fetch %s", pare_url_redact(url, shown, sizeof(shown)));
	return pare_http_get_file(h, &req, f, NULL, err);
}

/* Fill dest from src (a local file) or url, verify, rename into place. */
static int get_verified(struct pare_repos *rs, const struct pare_pkgent *e, const char *src,
			const char *url, const char *dest, bool full, struct pare_error *err)
{
	struct pare_atomic_file f;
	int r = pare_atomic_open(&f, dest, 0644, err);
	if (r < 0)
		return r;
	r = src ? copy_into(src, e, &f, err) : download_into(rs, url, e, &f, err);
	if (r == 0) {
		char shown[PARE_URL_SHOWN_MAX];
		int fd = openat(f.dirfd, f.tmpname, O_RDONLY | O_CLOEXEC);
		r = fd < 0 ? pare_error_set(err, -errno, "%s: %s", dest, strerror(errno))
			   : verify_fd(fd, e, pare_url_redact(src ? src : url, shown, sizeof(shown)),
				       full, err);
		if (fd >= 0)
			close(fd);
	}
	if (r == 0)
		return pare_atomic_commit(&f, err);
	pare_atomic_abort(&f);
	return r;
}

static bool cache_copy_ok(const char *path, const struct pare_pkgent *e)
{
	struct stat st;
	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return false;
	if (pare_repo_verify_pkg_file(path, e, NULL, NULL) == 0)
		return true;
	unlink(path); /* damaged: fetch again */
	return false;
}

static int cache_path(const struct pare_repos *rs, const struct pare_pkgent *e, char *out,
		      size_t size, struct pare_error *err)
{
	char name[PARE_PATH_MAX];
	int r = pare_repo_pkg_cache_name(e, name, sizeof(name), err);
	if (r < 0)
		return r;
	if (pare_repo_join(out, size, rs->cache_dir, name) < 0)
		return pare_error_set(err, -ENAMETOOLONG, "%s: path too long", rs->cache_dir);
	return 0;
}

int pare_repos_fetch_pkg(struct pare_repos *rs, const struct pare_pkgent *e,
			 const char *dest_path, struct pare_error *err)
{
	char url[PARE_PATH_MAX], cached[PARE_PATH_MAX];
	int r = pare_repos_pkg_url(rs, e, url, sizeof(url), err);
	if (r == 0)
		r = cache_path(rs, e, cached, sizeof(cached), err);
	if (r < 0)
		return r;
	const struct pare_repo *repo = &rs->v[e->repo];
	const char *src = NULL;
	if (cache_copy_ok(cached, e))
		src = cached;
	else if (repo->kind == PARE_REPO_LOCAL)
		src = url;
	return get_verified(rs, e, src, url, dest_path, true, err);
}

static int cache_pkg(struct pare_repos *rs, const struct pare_pkgent *e, char *out,
		     size_t size, bool full, struct pare_error *err)
{
	char url[PARE_PATH_MAX];
	int r = pare_repos_pkg_url(rs, e, url, sizeof(url), err);
	if (r == 0)
		r = cache_path(rs, e, out, size, err);
	if (r < 0)
		return r;
	if (cache_copy_ok(out, e))
		return 0;
	r = pare_repo_cache_ensure(rs, err);
	if (r < 0)
		return r;
	const struct pare_repo *repo = &rs->v[e->repo];
	return get_verified(rs, e, repo->kind == PARE_REPO_LOCAL ? url : NULL, url, out, full, err);
}

int pare_repos_cache_pkg(struct pare_repos *rs, const struct pare_pkgent *e, char *out,
			 size_t size, struct pare_error *err)
{
	return cache_pkg(rs, e, out, size, true, err);
}

/* A cached copy whose size matches the entry (regular file): the reader
 * verifies it while staging, so it is not read a second time here. */
static bool cached_copy(const struct pare_repos *rs, const struct pare_pkgent *e, char *out,
			size_t size)
{
	struct stat st;
	return cache_path(rs, e, out, size, NULL) == 0 && stat(out, &st) == 0 &&
	       S_ISREG(st.st_mode) &&
	       (!(e->flags & PARE_PKGENT_HAS_SIZE) || (uint64_t)st.st_size == e->size);
}

bool pare_repos_pkg_cached(const struct pare_repos *rs, const struct pare_pkgent *e)
{
	char path[PARE_PATH_MAX];
	return cached_copy(rs, e, path, sizeof(path));
}

void pare_repos_forget_pkg(struct pare_repos *rs, const struct pare_pkgent *e)
{
	char path[PARE_PATH_MAX];
	if (e->repo >= 0 && (size_t)e->repo < rs->n && rs->v[e->repo].kind != PARE_REPO_LOCAL &&
	    cache_path(rs, e, path, sizeof(path), NULL) == 0)
		unlink(path);
}

/* A local repository's package file (st of path) is a regular file of
 * e's size. */
static int check_local(const struct stat *st, const struct pare_pkgent *e, const char *path,
		       struct pare_error *err)
{
	if (!S_ISREG(st->st_mode))
		return pare_error_set(err, -PARE_E_FORMAT, "%s: not a regular file", path);
	if ((e->flags & PARE_PKGENT_HAS_SIZE) && (uint64_t)st->st_size != e->size)
		return pare_error_set(err, -PARE_E_INTEGRITY, "%s: size %llu, index says %llu",
				      path, (unsigned long long)st->st_size,
				      (unsigned long long)e->size);
	return 0;
}

static bool is_local(const struct pare_repos *rs, const struct pare_pkgent *e)
{
	return e->repo >= 0 && (size_t)e->repo < rs->n && rs->v[e->repo].kind == PARE_REPO_LOCAL;
}

int pare_repos_pkg_path(struct pare_repos *rs, const struct pare_pkgent *e, char *out,
			size_t size, struct pare_error *err)
{
	if (!is_local(rs, e))
		return cached_copy(rs, e, out, size) ? 0 : cache_pkg(rs, e, out, size, false, err);
	int r = pare_repos_pkg_url(rs, e, out, size, err);
	if (r < 0)
		return r;
	struct stat st;
	if (stat(out, &st) < 0)
		return pare_error_set(err, -errno, "%s: %s", out, strerror(errno));
	return check_local(&st, e, out, err);
}

/* A descriptor of directory dir[0..len) (the last one asked for is kept,
 * owned by rs), or a negative code. */
static int pkg_dir_fd(struct pare_repos *rs, const char *dir, size_t len)
{
	if (rs->pkg_dirfd1 && strlen(rs->pkg_dir) == len && memcmp(rs->pkg_dir, dir, len) == 0)
		return rs->pkg_dirfd1 - 1;
	char *copy = strndup(dir, len);
	if (!copy)
		return -ENOMEM;
	int fd = open(copy, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		int e = -errno;
		free(copy);
		return e;
	}
	if (rs->pkg_dirfd1)
		close(rs->pkg_dirfd1 - 1);
	free(rs->pkg_dir);
	rs->pkg_dir = copy;
	rs->pkg_dirfd1 = fd + 1;
	return fd;
}

int pare_repos_pkg_open(struct pare_repos *rs, const struct pare_pkgent *e, char *out,
			size_t size, int *fd, struct pare_error *err)
{
	*fd = -1;
	bool local = is_local(rs, e);
	int r = local ? pare_repos_pkg_url(rs, e, out, size, err)
		      : pare_repos_pkg_path(rs, e, out, size, err);
	if (r < 0)
		return r;
	const char *slash = local ? strrchr(out, '/') : NULL;
	int dfd = slash && slash > out ? pkg_dir_fd(rs, out, (size_t)(slash - out)) : -1;
	int f = dfd >= 0 ? openat(dfd, slash + 1, O_RDONLY | O_CLOEXEC)
			 : open(out, O_RDONLY | O_CLOEXEC);
	if (f < 0)
		return pare_error_set(err, -errno, "%s: cannot open: %s", out, strerror(errno));
	struct stat st;
	if (local && fstat(f, &st) < 0)
		r = pare_error_set(err, -errno, "%s: %s", out, strerror(errno));
	else if (local)
		r = check_local(&st, e, out, err);
	if (r < 0) {
		close(f);
		return r;
	}
	*fd = f;
	return 0;
}
