#include "apk/pkgsign.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "apk/package.h"
#include "apk/tar.h"
#include "io/atomic.h"
#include "io/gzip.h"

#define SIG_MEMBER_MAX (1u << 20)
#define SIGN_MAX_KEEP 16

const char *pare_sig_kind(enum pare_digest_alg alg)
{
	switch (alg) {
	case PARE_DIGEST_SHA1: return "RSA";
	case PARE_DIGEST_SHA256: return "RSA256";
	case PARE_DIGEST_SHA512: return "RSA512";
	default: return NULL;
	}
}

static int write_sig_entries(struct pare_tar_writer *tw, const struct pare_sig_item *items,
			     size_t n, int64_t mtime, struct pare_error *err)
{
	for (size_t i = 0; i < n; i++) {
		char name[320];
		const char *kind = pare_sig_kind(items[i].alg);
		if (!kind)
			return pare_error_set(err, -EINVAL, "unsupported signature algorithm");
		int len = snprintf(name, sizeof(name), ".SIGN.%s.%.*s", kind,
				   (int)items[i].keyname.len, items[i].keyname.ptr);
		if (len < 0 || (size_t)len >= sizeof(name))
			return pare_error_set(err, -ENAMETOOLONG, "signature key name too long");
		struct pare_tar_header h = {
			.name = pare_slice_make(name, (size_t)len),
			.uname = PARE_SLICE_LIT("root"),
			.gname = PARE_SLICE_LIT("root"),
			.type = PARE_TAR_REG,
			.mode = 0644,
			.mtime = mtime,
			.size = items[i].sig.len,
		};
		int r = pare_tar_write_entry_header(tw, &h, err);
		if (r == 0)
			r = pare_tar_write_data(tw, items[i].sig.ptr, items[i].sig.len, err);
		if (r == 0)
			r = pare_tar_finish_entry(tw, err);
		if (r < 0)
			return r;
	}
	return 0;
}

int pare_sig_member_write(struct pare_buf *out, const struct pare_sig_item *items, size_t n,
			  int64_t mtime, struct pare_error *err)
{
	struct pare_ostream bufout, gzout;
	struct pare_gz_writer gz;
	struct pare_tar_writer tw;
	pare_buf_ostream_init(&bufout, out);
	int r = pare_gz_writer_init(&gz, &bufout, 9, err);
	if (r < 0)
		return r;
	pare_gz_ostream(&gz, &gzout);
	pare_tar_writer_init(&tw, &gzout);
	r = write_sig_entries(&tw, items, n, mtime, err);
	if (r == 0)
		r = pare_gz_finish_member(&gz, err);
	pare_tar_writer_release(&tw);
	pare_gz_writer_release(&gz);
	return r;
}

int pare_sig_member_sign(struct pare_buf *out, struct pare_privkey *key, const char *keyname,
			 const struct pare_digest_value *digest, int64_t mtime,
			 struct pare_error *err)
{
	struct pare_buf sig;
	pare_buf_init(&sig, PARE_SIGNATURE_MAX);
	int r = pare_privkey_sign(key, digest->alg, digest, &sig, err);
	if (r == 0) {
		struct pare_sig_item item = {
			.alg = digest->alg,
			.keyname = pare_slice_from(keyname),
			.sig = pare_buf_slice(&sig),
		};
		r = pare_sig_member_write(out, &item, 1, mtime, err);
	}
	pare_buf_release(&sig);
	return r;
}

/* What signing needs to know about the input: the signatures to keep and
 * where the signed member starts and ends. */
struct sign_scan {
	struct pare_sig_item items[SIGN_MAX_KEEP + 1];
	struct pare_buf sigs[SIGN_MAX_KEEP];
	char keynames[SIGN_MAX_KEEP][256];
	size_t n;
	uint64_t start, end;
};

static void scan_release(struct sign_scan *s)
{
	for (size_t i = 0; i < s->n; i++)
		pare_buf_release(&s->sigs[i]);
}

static int keep_signature(struct sign_scan *s, struct pare_tar_reader *tr,
			  const struct pare_tar_entry *e, enum pare_digest_alg alg,
			  struct pare_slice key, struct pare_error *err)
{
	if (s->n >= SIGN_MAX_KEEP || key.len >= sizeof(s->keynames[0]))
		return 0;
	struct pare_buf *b = &s->sigs[s->n];
	pare_buf_init(b, PARE_SIGNATURE_MAX);
	if (e->size > PARE_SIGNATURE_MAX)
		return pare_error_set(err, -PARE_E_TOO_BIG, "signature %.*s is too big",
				      (int)e->name.len, e->name.ptr);
	int r = pare_buf_reserve(b, (size_t)e->size);
	if (r == 0) {
		struct pare_istream in;
		pare_tar_entry_istream(tr, &in);
		r = pare_istream_read_full(&in, b->data, (size_t)e->size, err);
	}
	if (r < 0) {
		pare_buf_release(b);
		return r;
	}
	b->len = (size_t)e->size;
	memcpy(s->keynames[s->n], key.ptr, key.len);
	s->items[s->n] = (struct pare_sig_item){
		.alg = alg,
		.keyname = pare_slice_make(s->keynames[s->n], key.len),
		.sig = pare_buf_slice(b),
	};
	s->n++;
	return 0;
}

static int scan_signatures(struct sign_scan *s, struct pare_tar_reader *tr,
			   struct pare_tar_entry *e, enum pare_digest_alg new_alg,
			   struct pare_slice new_key, struct pare_error *err)
{
	int r;
	do {
		enum pare_digest_alg alg;
		struct pare_slice key;
		int kind = pare_sign_entry_parse(e->name, &alg, &key);
		if (kind == 0)
			return pare_error_set(err, -PARE_E_FORMAT, "%.*s in the signature part",
					      (int)e->name.len, e->name.ptr);
		bool replaced = kind > 0 && alg == new_alg && pare_slice_eq(key, new_key);
		if (kind > 0 && !replaced && (r = keep_signature(s, tr, e, alg, key, err)) < 0)
			return r;
		r = pare_tar_next(tr, e, err);
	} while (r > 0);
	return r;
}

/* Find the signed member's boundaries, collecting the signatures to keep. */
static int scan_file(int fd, const char *path, struct sign_scan *s, enum pare_digest_alg alg,
		     struct pare_slice key, struct pare_error *err)
{
	struct pare_fd_stream fs;
	struct pare_istream in, gzs;
	struct pare_gz_reader gz;
	struct pare_tar_reader tr;
	struct pare_tar_entry e;
	pare_fd_istream_init(&fs, &in, fd, path);
	int r = pare_gz_reader_init(&gz, &in, path, err);
	if (r < 0)
		return r;
	pare_gz_set_limit(&gz, PARE_PKG_INDEX_PART_MAX); /* what readers accept */
	pare_gz_istream(&gz, &gzs);
	pare_tar_reader_init(&tr, &gzs, NULL);
	r = pare_tar_next(&tr, &e, err);
	if (r == 0)
		r = pare_error_set(err, -PARE_E_FORMAT, "empty archive");
	if (r > 0 && pare_slice_starts_with(e.name, PARE_SLICE_LIT(".SIGN."))) {
		r = scan_signatures(s, &tr, &e, alg, key, err);
		if (r == 0)
			r = pare_gz_next_member(&gz, err) > 0 ? 1 : -PARE_E_FORMAT;
		if (r == -PARE_E_FORMAT)
			pare_error_set(err, r, "nothing after the signatures");
		s->start = gz.member_start;
	}
	if (r > 0) {
		r = pare_gz_next_member(&gz, err);
		s->end = r > 0 ? gz.member_start : gz.offset;
	}
	pare_tar_reader_release(&tr);
	pare_gz_reader_release(&gz);
	return r < 0 ? r : 0;
}

static int hash_range(int fd, uint64_t start, uint64_t end, enum pare_digest_alg alg,
		      struct pare_digest_value *out, struct pare_error *err)
{
	struct pare_digest d;
	unsigned char buf[65536];
	int r = pare_digest_init(&d, alg);
	for (uint64_t off = start; r == 0 && off < end;) {
		size_t want = end - off < sizeof(buf) ? (size_t)(end - off) : sizeof(buf);
		ssize_t n = pread(fd, buf, want, (off_t)off);
		if (n <= 0)
			r = pare_error_set(err, n < 0 ? -errno : -PARE_E_TRUNCATED,
					   "cannot read the signed part");
		else
			r = pare_digest_update(&d, buf, (size_t)n), off += (uint64_t)n;
	}
	if (r == 0)
		r = pare_digest_final(&d, out);
	pare_digest_release(&d);
	return r;
}

static int copy_from(int fd, uint64_t start, struct pare_ostream *out, struct pare_error *err)
{
	unsigned char buf[65536];
	for (uint64_t off = start;;) {
		ssize_t n = pread(fd, buf, sizeof(buf), (off_t)off);
		if (n < 0)
			return pare_error_set(err, -errno, "read error: %s", strerror(errno));
		if (n == 0)
			return 0;
		int r = pare_ostream_write(out, buf, (size_t)n, err);
		if (r < 0)
			return r;
		off += (uint64_t)n;
	}
}

static int write_signed(int fd, const char *out_path, const struct sign_scan *s,
			const struct pare_buf *member, struct pare_error *err)
{
	struct pare_atomic_file af;
	int r = pare_atomic_open(&af, out_path, 0644, err);
	if (r < 0)
		return r;
	r = pare_ostream_write(&af.out, member->data, member->len, err);
	if (r == 0)
		r = copy_from(fd, s->start, &af.out, err);
	if (r == 0)
		return pare_atomic_commit(&af, err);
	pare_atomic_abort(&af);
	return r;
}

static int sign_fd(int fd, const char *in_path, const char *out_path, struct pare_privkey *key,
		   const char *keyname, enum pare_digest_alg alg, int64_t mtime,
		   struct pare_error *err)
{
	struct sign_scan s;
	struct pare_buf member;
	struct pare_buf sig;
	struct pare_digest_value digest;
	memset(&s, 0, sizeof(s));
	pare_buf_init(&member, SIG_MEMBER_MAX);
	pare_buf_init(&sig, PARE_SIGNATURE_MAX);
	int r = scan_file(fd, in_path, &s, alg, pare_slice_from(keyname), err);
	if (r == 0)
		r = hash_range(fd, s.start, s.end, alg, &digest, err);
	if (r == 0)
		r = pare_privkey_sign(key, alg, &digest, &sig, err);
	if (r == 0) {
		s.items[s.n] = (struct pare_sig_item){ alg, pare_slice_from(keyname),
						       pare_buf_slice(&sig) };
		r = pare_sig_member_write(&member, s.items, s.n + 1, mtime, err);
	}
	if (r == 0)
		r = write_signed(fd, out_path, &s, &member, err);
	scan_release(&s);
	pare_buf_release(&member);
	pare_buf_release(&sig);
	return r;
}

int pare_pkg_sign_file(const char *in_path, const char *out_path, struct pare_privkey *key,
		       const char *keyname, enum pare_digest_alg alg, int64_t mtime,
		       struct pare_error *err)
{
	if (!pare_sig_kind(alg))
		return pare_error_set(err, -EINVAL, "unsupported signature algorithm");
	int r = pare_keyname_check(pare_slice_from(keyname), err);
	if (r < 0)
		return r;
	int fd = open(in_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return pare_error_set(err, -errno, "%s: cannot open: %s", in_path, strerror(errno));
	r = sign_fd(fd, in_path, out_path, key, keyname, alg, mtime, err);
	close(fd);
	if (r < 0)
		return pare_error_prefix(err, r, "%s: ", in_path);
	return 0;
}
