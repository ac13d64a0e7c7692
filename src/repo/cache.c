/* The cache: file names, directories and small helpers. */
#include "repo/repo.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/atomic.h"
#include "io/digest.h"
#include "repo/repo_int.h"
#include "io/stream.h"

#define CACHE_HASH_BYTES 4 /* as apk-tools' APK_CACHE_CSUM_BYTES */

int pare_repo_index_cache_name(const char *index_url, char *out, size_t size)
{
	struct pare_digest_value v;
	char hex[2 * CACHE_HASH_BYTES + 1];
	int r = pare_digest_buffer(PARE_DIGEST_SHA1, index_url, strlen(index_url), &v);
	if (r < 0)
		return r;
	pare_hex_encode(v.bytes, CACHE_HASH_BYTES, hex);
	int n = snprintf(out, size, "APKINDEX.%s.tar.gz", hex);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : n;
}

/* A name or version that may become one path component. */
static bool component_ok(struct pare_slice s)
{
	if (s.len == 0 || s.len > 255 || s.ptr[0] == '.')
		return false;
	for (size_t i = 0; i < s.len; i++)
		if (s.ptr[i] == '/' || (unsigned char)s.ptr[i] < 0x20 || s.ptr[i] == 0x7f)
			return false;
	return true;
}

int pare_repo_pkg_cache_name(const struct pare_pkgent *e, char *out, size_t size,
			     struct pare_error *err)
{
	char hex[2 * CACHE_HASH_BYTES + 1];
	if (!component_ok(e->name) || !component_ok(e->version))
		return pare_error_set(err, -PARE_E_UNSAFE_PATH,
				      "package name or version not usable as a file name: '%.*s-%.*s'",
				      (int)(e->name.len > 100 ? 100 : e->name.len), e->name.ptr,
				      (int)(e->version.len > 100 ? 100 : e->version.len),
				      e->version.ptr);
	if (e->identity.alg != PARE_DIGEST_SHA1)
		return pare_error_set(err, -PARE_E_UNSUPPORTED, "%.*s-%.*s: no Q1 (SHA-1) identity",
				      (int)e->name.len, e->name.ptr, (int)e->version.len,
				      e->version.ptr);
	pare_hex_encode(e->identity.bytes, CACHE_HASH_BYTES, hex);
	int n = snprintf(out, size, "%.*s-%.*s.%s.apk", (int)e->name.len, e->name.ptr,
			 (int)e->version.len, e->version.ptr, hex);
	if (n < 0 || (size_t)n >= size)
		return pare_error_set(err, -ENAMETOOLONG, "package file name too long");
	return n;
}

int pare_repo_join(char *out, size_t size, const char *dir, const char *name)
{
	size_t dl = strlen(dir);
	int n = snprintf(out, size, "%s%s%s", dir, dl && dir[dl - 1] == '/' ? "" : "/", name);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

void pare_repo_remove_tree(const char *dir)
{
	DIR *d = opendir(dir);
	if (d) {
		struct dirent *de;
		while ((de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
				continue;
			unlinkat(dirfd(d), de->d_name, 0);
		}
		closedir(d);
	}
	rmdir(dir);
}

int pare_repo_mkdirs(const char *dir, struct pare_error *err)
{
	char p[PARE_PATH_MAX];
	int n = snprintf(p, sizeof(p), "%s", dir);
	if (n < 0 || (size_t)n >= sizeof(p))
		return pare_error_set(err, -ENAMETOOLONG, "%s: path too long", dir);
	for (char *s = p + 1; ; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			return pare_error_set(err, -errno, "%s: cannot create: %s", p, strerror(errno));
		*s = c;
		if (c == '\0')
			break;
	}
	struct stat st;
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return pare_error_set(err, -ENOTDIR, "%s: not a directory", dir);
	return 0;
}

int pare_repo_cache_ensure(struct pare_repos *rs, struct pare_error *err)
{
	if (!rs->cache_temp)
		return pare_repo_mkdirs(rs->cache_dir, err);
	if (rs->cache_made)
		return 0;
	/* Ours only when we make it: one that exists already is refused. */
	if (mkdir(rs->cache_dir, 0700) < 0)
		return pare_error_set(err, -errno, "%s: cannot create: %s", rs->cache_dir,
				      strerror(errno));
	rs->cache_made = true;
	return 0;
}

int pare_repo_http(struct pare_repos *rs, struct pare_http **h, struct pare_error *err)
{
	if (!rs->http_ready) {
		int r = pare_http_init(&rs->http, &rs->http_opts, err);
		if (r < 0)
			return r;
		rs->http_ready = true;
	}
	*h = &rs->http;
	return 0;
}

int pare_repo_read_small(const char *path, char *out, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = pare_read_some(fd, out, size - 1);
	close(fd);
	if (n < 0)
		return (int)n;
	out[n] = '\0';
	char *nl = memchr(out, '\n', (size_t)n);
	if (nl)
		*nl = '\0';
	return (size_t)n == size - 1 && !nl ? -PARE_E_TOO_BIG : 0;
}

int pare_repo_write_small(const char *path, const char *text, struct pare_error *err)
{
	struct pare_atomic_file f;
	int r = pare_atomic_open(&f, path, 0644, err);
	if (r < 0)
		return r;
	r = pare_ostream_write(&f.out, text, strlen(text), err);
	if (r == 0)
		r = pare_ostream_write(&f.out, "\n", 1, err);
	if (r == 0)
		return pare_atomic_commit(&f, err);
	pare_atomic_abort(&f);
	return r;
}
