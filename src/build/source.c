/* Sources: find, verify by SHA-512, copy (see source.h). */
#include "build/source.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/rootpath.h"
#include "build/tree.h"
#include "io/atomic.h"
#include "io/digest.h"
#include "io/stream.h"

/* sha512 of what is left in in (at most max bytes), copied to out when
 * out >= 0; hex gets the digest. */
static int hash_fd_copy(int in, int out, uint64_t max, char hex[129], struct pare_error *err,
			const char *name)
{
	struct pare_fd_stream fs;
	struct pare_ostream to_file, tee_out;
	struct pare_digest_tee t;
	if (out >= 0)
		pare_fd_ostream_init(&fs, &to_file, out, name);
	int r = pare_digest_tee_init(&t, PARE_DIGEST_SHA512, out >= 0 ? &to_file : NULL, &tee_out);
	if (r < 0)
		r = pare_error_set(err, r, "%s: sha512", name);
	if (r == 0)
		r = pare_copy_fd(in, &tee_out, max, name, err);
	struct pare_digest_value v;
	if (r == 0 && pare_digest_final(&t.d, &v) == 0)
		pare_hex_encode(v.bytes, v.len, hex);
	pare_digest_release(&t.d);
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

/* Transfers of one download: each one after the first goes on from the
 * bytes the last left in the partial file. */
#define DOWNLOAD_TRANSFERS 6

/* A failure after which another transfer may resume: the body was cut,
 * the connection broke or stalled. */
static bool resumable(int r)
{
	return r == -PARE_E_TRUNCATED || r == -ETIMEDOUT || r == -ECONNREFUSED || r == -EIO;
}

/* Fetch url into the partial file fd (locked, O_APPEND): resume from its
 * size; a server that cannot resume (-ERANGE) gets one start from zero. */
static int fetch_part(struct pare_http *h, const struct pare_build_src_opts *o, const char *url,
		      int fd, const char *part, bool *resumed, int64_t *mtime, struct pare_error *err)
{
	int r = 0;
	for (int t = 0; t < DOWNLOAD_TRANSFERS; t++) {
		struct stat st;
		if (fstat(fd, &st) < 0)
			return pare_error_set(err, -errno, "%s: %s", part, strerror(errno));
		uint64_t have = (uint64_t)st.st_size;
		if (have >= PARE_BUILD_MAX_SOURCE) {
			if (ftruncate(fd, 0) < 0)
				return pare_error_set(err, -errno, "%s: %s", part, strerror(errno));
			have = 0;
		}
		if (have > 0) {
			*resumed = true;
			pare_log_info(o->log, "resuming %s from byte %llu", url,
				      (unsigned long long)have);
		}
		struct pare_fd_stream fs;
		struct pare_ostream os;
		pare_fd_ostream_init(&fs, &os, fd, part);
		struct pare_http_request req = { .url = url, .resume_from = have,
						 .max_bytes = PARE_BUILD_MAX_SOURCE - have };
		struct pare_http_result res;
		memset(&res, 0, sizeof(res));
		r = pare_http_get(h, &req, &os, &res, err);
		if (r == 0)
			*mtime = res.last_modified;
		if (r == -ERANGE && have > 0) {
			if (ftruncate(fd, 0) < 0)
				return pare_error_set(err, -errno, "%s: %s", part, strerror(errno));
			continue;
		}
		struct stat now;
		if (r == 0 || !resumable(r) || fstat(fd, &now) < 0 || now.st_size <= st.st_size)
			break;
		pare_log_warning(o->log, "%s; resuming", pare_error_text(err, r));
	}
	return r;
}

/* Download s->url to dest (SRCDEST/NAME): into the partial file
 * .NAME.part beside it, which a cut transfer (or a killed pare) leaves
 * for the next transfer to resume; the whole file is verified by SHA-512
 * before it is renamed to dest.  A resumed file that does not verify is
 * fetched once more from zero. */
static int download(const struct pare_recipe *rc, const struct pare_recipe_source *s,
		    const struct pare_build_src_opts *o, const char *dest, struct pare_error *err)
{
	char part[PARE_PATH_MAX], hex[129] = "";
	const char *slash = strrchr(dest, '/');
	pare_build_pathf(part, sizeof(part), "%.*s/.%s.part", slash ? (int)(slash - dest) : 1,
			 slash ? dest : ".", slash ? slash + 1 : dest);
	int fd = open(part, O_RDWR | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return pare_error_set(err, -errno, "%s: %s", part, strerror(errno));
	struct pare_http h;
	int r = flock(fd, LOCK_EX) < 0 ? pare_error_set(err, -errno, "%s: lock: %s", part,
							   strerror(errno))
				       : pare_http_init(&h, o->http, err);
	struct stat held, named;
	if (r == 0 && (fstat(fd, &held) < 0 || stat(part, &named) < 0 ||
		       held.st_ino != named.st_ino || held.st_dev != named.st_dev)) {
		/* another pare finished this download while we waited */
		pare_http_release(&h);
		close(fd);
		return access(dest, F_OK) == 0 ? 0 : pare_error_set(err, -EAGAIN, "%s: changed "
								      "while locked", part);
	}
	if (r < 0) {
		close(fd);
		return r;
	}
	pare_log_info(o->log, "fetching %s", s->url);
	int64_t mtime = -1; /* Last-Modified: SOURCE_DATE_EPOCH may come from it */
	for (int round = 0; round < 2; round++) {
		bool resumed = false;
		r = fetch_part(&h, o, s->url, fd, part, &resumed, &mtime, err);
		if (r < 0) {
			pare_error_prefix(err, r, "%s: source %s: ", rc->file, s->name);
			break;
		}
		if (lseek(fd, 0, SEEK_SET) < 0 ||
		    (r = hash_fd_copy(fd, -1, PARE_BUILD_MAX_SOURCE, hex, err, part)) < 0)
			break;
		if (strcmp(hex, s->sha512) == 0)
			break;
		r = pare_error_set(err, -PARE_E_INTEGRITY, "%s: source %s (%s): sha512 mismatch: "
				   "the recipe says %s, the download has %s", rc->file, s->name,
				   s->url, s->sha512, hex);
		if (ftruncate(fd, 0) < 0 || !resumed)
			break;
		pare_log_warning(o->log, "%s: the resumed download does not verify; again from zero",
				 s->name);
	}
	struct timespec ts[2] = { { .tv_nsec = UTIME_OMIT }, { .tv_sec = (time_t)mtime } };
	if (r == 0 && mtime >= 0)
		futimens(fd, ts);
	if (r == 0 && (fsync(fd) < 0 || rename(part, dest) < 0))
		r = pare_error_set(err, -errno, "%s: %s", dest, strerror(errno));
	if (r == -PARE_E_INTEGRITY)
		unlink(part);
	close(fd);
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
