/* Member ranges of an APK v2 file (see members.h). */
#include "apk/members.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "io/gzip.h"
#include "io/stream.h"

#define MAX_MEMBERS 64

struct scan {
	struct pare_digest sha1, sha256;
	bool ok;
};

static void hook(void *ctx, const void *p, size_t n)
{
	struct scan *s = ctx;
	if (pare_digest_update(&s->sha1, p, n) < 0 || pare_digest_update(&s->sha256, p, n) < 0)
		s->ok = false;
}

/* Drain the current member, hashing it; its range in *rg. */
static int member(struct pare_gz_reader *gz, struct scan *s, struct pare_apk_range *rg,
		  struct pare_error *err)
{
	unsigned char buf[4096];
	uint64_t start = gz->member_start;
	for (;;) {
		ssize_t n = pare_gz_read(gz, buf, sizeof(buf), err);
		if (n < 0)
			return (int)n;
		if (n == 0)
			break;
	}
	rg->first = start;
	rg->last = gz->offset - 1;
	return s->ok ? 0 : pare_error_set(err, -ENOMEM, "out of memory");
}

static int finish(struct scan *s, enum pare_digest_alg alg, struct pare_digest_value *out)
{
	return pare_digest_final(alg == PARE_DIGEST_SHA1 ? &s->sha1 : &s->sha256, out);
}

static int scan_init(struct scan *s)
{
	s->ok = true;
	int r = pare_digest_init(&s->sha1, PARE_DIGEST_SHA1);
	return r < 0 ? r : pare_digest_init(&s->sha256, PARE_DIGEST_SHA256);
}

static int scan_all(struct pare_gz_reader *gz, const char *path, struct pare_apk_members *out,
		    struct pare_error *err)
{
	struct pare_apk_range rg[MAX_MEMBERS];
	struct scan s[MAX_MEMBERS];
	size_t n = 0;
	int r = 0, more = 1;
	memset(s, 0, sizeof(s));
	while (r == 0 && more == 1) {
		if (n == MAX_MEMBERS)
			return pare_error_set(err, -PARE_E_FORMAT, "%s: more than %u gzip members",
					      path, MAX_MEMBERS);
		r = scan_init(&s[n]);
		if (r == 0) {
			pare_gz_set_hook(gz, hook, &s[n]);
			pare_gz_set_limit(gz, PARE_APK_MEMBERS_MAX_OUT);
			r = member(gz, &s[n], &rg[n], err);
		}
		n++;
		if (r == 0)
			more = pare_gz_next_member(gz, err);
		if (more < 0)
			r = more;
	}
	if (r == 0 && n < 2)
		r = pare_error_set(err, -PARE_E_FORMAT, "%s: %zu gzip member(s), an APK has 2 or 3",
				   path, n);
	if (r == 0) {
		size_t c = n >= 3 ? 1 : 0;
		out->has_signature = n >= 3;
		if (out->has_signature) {
			out->signature = rg[0];
			r = finish(&s[0], PARE_DIGEST_SHA1, &out->signature.digest);
		}
		out->control = rg[c];
		if (r == 0)
			r = finish(&s[c], PARE_DIGEST_SHA1, &out->control.digest);
		/* the data: one member in every APK seen; several are hashed as
		 * one run of bytes */
		out->data.first = rg[c + 1].first;
		out->data.last = rg[n - 1].last;
		if (r == 0 && n == c + 2)
			r = finish(&s[c + 1], PARE_DIGEST_SHA256, &out->data.digest);
		else if (r == 0)
			r = pare_error_set(err, -PARE_E_UNSUPPORTED, "%s: data in %zu gzip members",
					   path, n - c - 1);
	}
	for (size_t i = 0; i < n; i++) {
		pare_digest_release(&s[i].sha1);
		pare_digest_release(&s[i].sha256);
	}
	return r;
}

int pare_apk_members_read(const char *path, struct pare_apk_members *out,
			  struct pare_error *err)
{
	struct pare_fd_stream fs;
	struct pare_istream in;
	struct pare_gz_reader gz;
	memset(out, 0, sizeof(*out));
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return pare_error_set(err, -errno, "%s: %s", path, strerror(errno));
	pare_fd_istream_init(&fs, &in, fd, path);
	int r = pare_gz_reader_init(&gz, &in, path, err);
	if (r == 0) {
		r = scan_all(&gz, path, out, err);
		pare_gz_reader_release(&gz);
	}
	close(fd);
	return r;
}
