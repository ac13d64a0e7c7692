/* Sources: find, verify by SHA-512, copy (see source.h). */
#include "build/source.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/rootpath.h"
#include "build/tree.h"
#include "io/atomic.h"
#include "io/digest.h"
#include "io/stream.h"

static int hash_fd_copy(int in, int out, uint64_t max, char hex[129], struct pare_error *err,
			const char *name)
{
	struct pare_digest d;
	int r = pare_digest_init(&d, PARE_DIGEST_SHA512);
	if (r < 0)
		return pare_error_set(err, r, "%s: sha512", name);
	char buf[16384];
	uint64_t total = 0;
	for (;;) {
		ssize_t n = pare_read_some(in, buf, sizeof(buf));
		if (n < 0) {
			r = pare_error_set(err, (int)n, "%s: read: %s", name, strerror((int)-n));
			break;
		}
		if (n == 0)
			break;
		total += (uint64_t)n;
		if (total > max) {
			r = pare_error_set(err, -PARE_E_TOO_BIG, "%s: larger than %llu bytes", name,
					   (unsigned long long)max);
			break;
		}
		pare_digest_update(&d, buf, (size_t)n);
		int w = out >= 0 ? pare_write_all(out, buf, (size_t)n) : 0;
		if (w < 0)
			r = pare_error_set(err, w, "%s: write: %s", name, strerror(-w));
		if (r < 0)
			break;
	}
	struct pare_digest_value v;
	if (r == 0 && pare_digest_final(&d, &v) == 0)
		pare_hex_encode(v.bytes, v.len, hex);
	pare_digest_release(&d);
	return r;
}

int pare_build_sha512_file(const char *path, char hex[129], struct pare_error *err)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return pare_error_set(err, -errno, "%s: %s", path, strerror(errno));
	int r = hash_fd_copy(fd, -1, PARE_BUILD_MAX_SOURCE, hex, err, path);
	close(fd);
	return r;
}

/* Verify the file at path and copy it into out_dir/name. */
static int verify_copy(const char *path, const struct pare_recipe *rc,
		       const struct pare_recipe_source *s, const char *out_dir, int64_t *newest,
		       struct pare_error *err)
{
	char dst[PARE_PATH_MAX], hex[129] = "";
	int in = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (in < 0)
		return pare_error_set(err, -errno, "%s: source %s: %s", rc->file, path, strerror(errno));
	struct stat st;
	if (fstat(in, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(in);
		return pare_error_set(err, -PARE_E_FORMAT, "%s: source %s: not a regular file",
				      rc->file, path);
	}
	if (st.st_mtime > *newest)
		*newest = st.st_mtime;
	pare_build_pathf(dst, sizeof(dst), "%s/%s", out_dir, s->name);
	int out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (out < 0) {
		int e = errno;
		close(in);
		return pare_error_set(err, -e, "%s: %s", dst, strerror(e));
	}
	int r = hash_fd_copy(in, out, PARE_BUILD_MAX_SOURCE, hex, err, path);
	close(in);
	if (close(out) < 0 && r == 0)
		r = pare_error_set(err, -errno, "%s: %s", dst, strerror(errno));
	if (r == 0 && strcmp(hex, s->sha512))
		r = pare_error_set(err, -PARE_E_INTEGRITY, "%s: source %s: sha512 mismatch: the "
				   "recipe says %s, the file has %s", rc->file, s->name, s->sha512, hex);
	if (r < 0)
		unlink(dst);
	return r;
}

/* Download s->url to srcdest/name, verified before it is renamed there. */
static int download(const struct pare_recipe *rc, const struct pare_recipe_source *s,
		    const struct pare_build_src_opts *o, const char *dest, struct pare_error *err)
{
	struct pare_http h;
	struct pare_atomic_file f;
	int r = pare_http_init(&h, o->http, err);
	if (r < 0)
		return r;
	pare_log_info(o->log, "fetching %s", s->url);
	r = pare_atomic_open(&f, dest, 0644, err);
	if (r == 0) {
		struct pare_http_request req = { .url = s->url, .max_bytes = PARE_BUILD_MAX_SOURCE };
		r = pare_http_get_file(&h, &req, &f, NULL, err);
		if (r < 0)
			pare_error_prefix(err, r, "%s: source %s: ", rc->file, s->name);
		char hex[129] = "";
		int rd = r == 0 ? openat(f.dirfd, f.tmpname, O_RDONLY | O_NOFOLLOW | O_CLOEXEC) : -1;
		if (r == 0 && rd < 0)
			r = pare_error_set(err, -errno, "%s: %s", f.tmpname, strerror(errno));
		if (rd >= 0) {
			r = hash_fd_copy(rd, -1, PARE_BUILD_MAX_SOURCE, hex, err, s->url);
			close(rd);
		}
		if (r == 0 && strcmp(hex, s->sha512))
			r = pare_error_set(err, -PARE_E_INTEGRITY, "%s: source %s (%s): sha512 "
					   "mismatch: the recipe says %s, the download has %s",
					   rc->file, s->name, s->url, s->sha512, hex);
		if (r == 0)
			r = pare_atomic_commit(&f, err);
		else
			pare_atomic_abort(&f);
	}
	pare_http_release(&h);
	return r;
}

int pare_build_sources_get(const struct pare_recipe *r, const struct pare_build_src_opts *o,
			   int64_t *newest, struct pare_error *err)
{
	*newest = 0;
	if (o->srcdest && r->nsources) {
		int e = pare_mkdir_p(o->srcdest, 0755, err);
		if (e < 0)
			return e;
	}
	for (size_t i = 0; i < r->nsources; i++) {
		const struct pare_recipe_source *s = &r->sources[i];
		char path[PARE_PATH_MAX];
		int e;
		if (!s->url) {
			pare_build_pathf(path, sizeof(path), "%s/%s", o->recipe_dir, s->name);
		} else {
			pare_build_pathf(path, sizeof(path), "%s/%s", o->srcdest ? o->srcdest : o->out_dir,
				 s->name);
			struct stat st;
			if (lstat(path, &st) < 0) {
				if (o->offline)
					return pare_error_set(err, -ENOENT, "%s: source %s: not in "
							      "SRCDEST and downloads are off",
							      r->file, s->name);
				if (!o->srcdest)
					pare_build_pathf(path, sizeof(path), "%s/.%s.download", o->out_dir,
						 s->name);
				e = o->debian_source
					    ? pare_build_from_debian(o->debian_source, s->sha512, path,
								     o->out_dir, err)
					    : -ENOENT;
				if (e == 0)
					pare_log_info(o->log, "%s: from Debian's source package %s",
						      s->name, o->debian_source);
				if (e < 0 && (e = download(r, s, o, path, err)) < 0)
					return e;
			}
		}
		if ((e = verify_copy(path, r, s, o->out_dir, newest, err)) < 0)
			return e;
		if (!o->srcdest && s->url)
			unlink(path);
	}
	return 0;
}
