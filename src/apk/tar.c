/* Tar reader and writer (see tar.h). */
#include "apk/tar.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ustar header layout: offset and width of each field. */
#define F_NAME 0, 100
#define F_MODE 100, 8
#define F_UID 108, 8
#define F_GID 116, 8
#define F_SIZE 124, 12
#define F_MTIME 136, 12
#define F_CHKSUM 148, 8
#define O_TYPE 156
#define F_LINKNAME 157, 100
#define O_MAGIC 257
#define F_UNAME 265, 32
#define F_GNAME 297, 32
#define F_DEVMAJOR 329, 8
#define F_DEVMINOR 337, 8
#define F_PREFIX 345, 155

#define OCTAL_MAX_7 07777777ull         /* 8-byte fields */
#define OCTAL_MAX_11 077777777777ull    /* 12-byte fields */

enum { ST_HEADERS, ST_ENTRY, ST_END };

enum hdr_format { FMT_V7, FMT_USTAR, FMT_GNU };

/* ---- shared helpers ---- */

static bool all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static size_t field_strlen(const unsigned char *f, size_t n)
{
	const unsigned char *z = memchr(f, 0, n);
	return z ? (size_t)(z - f) : n;
}

/* A name fit for a one-line message: at most 120 bytes, no control chars. */
static const char *msg_name(struct pare_slice s, char out[128])
{
	size_t n = s.len < 120 ? s.len : 120, j = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s.ptr[i];
		out[j++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	if (n < s.len)
		for (int k = 0; k < 3; k++)
			out[j++] = '.';
	out[j] = '\0';
	return out;
}

/* Sum of the header bytes with the checksum field counted as spaces, both
 * as unsigned bytes (POSIX) and signed chars (old Sun/BSD tars). */
static void header_sums(const unsigned char *h, uint64_t *usum, int64_t *ssum)
{
	/* Eight bytes at a time: the unsigned sum of the block, and the
	 * signed one as that minus 256 per byte >= 0x80; then the checksum
	 * field (148..155) counted as eight blanks instead of its bytes. */
	const uint64_t lo = 0x00ff00ff00ff00ffULL, hi = 0x8080808080808080ULL;
	uint64_t pairs = 0, high = 0;
	for (size_t i = 0; i < PARE_TAR_BLOCK; i += 8) {
		uint64_t w;
		memcpy(&w, h + i, 8);
		pairs += (w & lo) + ((w >> 8) & lo); /* four 16-bit lanes, each < 2^16 */
		high += ((w & hi) >> 7) * 0x0101010101010101ULL >> 56; /* bytes >= 0x80 */
	}
	uint64_t u = (pairs & 0xffff) + ((pairs >> 16) & 0xffff) + ((pairs >> 32) & 0xffff) +
		     (pairs >> 48);
	int64_t s = (int64_t)u - 256 * (int64_t)high;
	for (size_t i = 148; i < 156; i++) {
		u -= h[i];
		s -= (signed char)h[i];
	}
	*usum = u + 8 * ' ';
	*ssum = s + 8 * ' ';
}

/* ---- numeric fields ---- */

enum { NUM_OK = 0, NUM_SYNTAX = -1, NUM_RANGE = -2 };

/* Octal digits, optionally after spaces, ended by NUL/space padding only. */
static int parse_octal(const unsigned char *f, size_t n, uint64_t *out)
{
	size_t i = 0;
	uint64_t v = 0;
	while (i < n && f[i] == ' ')
		i++;
	for (; i < n && f[i] >= '0' && f[i] <= '7'; i++) {
		if (v > (UINT64_MAX >> 3))
			return NUM_RANGE;
		v = (v << 3) | (uint64_t)(f[i] - '0');
	}
	for (; i < n; i++)
		if (f[i] != ' ' && f[i] != '\0')
			return NUM_SYNTAX;
	*out = v;
	return NUM_OK;
}

/* GNU base-256: high bit of the first byte set, the rest of the field a
 * big-endian two's complement number (bit 6 of byte 0 is the sign). */
static int parse_base256(const unsigned char *f, size_t n, bool *neg, uint64_t *mag)
{
	bool negative = (f[0] & 0x40) != 0;
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = negative ? (unsigned char)~f[i] : f[i];
		if (i == 0)
			c &= 0x7f;
		if (v > (UINT64_MAX >> 8))
			return NUM_RANGE;
		v = (v << 8) | c;
	}
	if (negative) {
		if (v >= (UINT64_C(1) << 63))
			return NUM_RANGE;
		v += 1; /* -(~x + 1) */
	}
	*neg = negative;
	*mag = v;
	return NUM_OK;
}

static int parse_number(const unsigned char *f, size_t n, bool *neg, uint64_t *mag)
{
	if (f[0] & 0x80)
		return parse_base256(f, n, neg, mag);
	*neg = false;
	return parse_octal(f, n, mag);
}

/* ---- reader ---- */

void pare_tar_limits_default(struct pare_tar_limits *l)
{
	l->max_name = PARE_TAR_DEFAULT_MAX_NAME;
	l->max_pax = PARE_TAR_DEFAULT_MAX_PAX;
	l->max_pax_records = PARE_TAR_DEFAULT_MAX_PAX_RECORDS;
	l->max_longname = PARE_TAR_DEFAULT_MAX_LONGNAME;
	l->max_entry_size = PARE_TAR_DEFAULT_MAX_ENTRY_SIZE;
}

int pare_tar_reader_init(struct pare_tar_reader *r, struct pare_istream *in,
			 const struct pare_tar_limits *limits)
{
	if (!r || !in)
		return -EINVAL;
	memset(r, 0, sizeof(*r));
	r->in = *in;
	if (limits)
		r->limits = *limits;
	else
		pare_tar_limits_default(&r->limits);
	r->state = ST_HEADERS;
	pare_buf_init(&r->name, r->limits.max_name);
	pare_buf_init(&r->linkname, r->limits.max_name);
	pare_buf_init(&r->uname, r->limits.max_name);
	pare_buf_init(&r->gname, r->limits.max_name);
	pare_buf_init(&r->longname, r->limits.max_longname);
	pare_buf_init(&r->longlink, r->limits.max_longname);
	pare_buf_init(&r->pax, r->limits.max_pax);
	pare_buf_init(&r->global, r->limits.max_pax);
	return 0;
}

void pare_tar_reader_release(struct pare_tar_reader *r)
{
	if (!r)
		return;
	pare_buf_release(&r->name);
	pare_buf_release(&r->linkname);
	pare_buf_release(&r->uname);
	pare_buf_release(&r->gname);
	pare_buf_release(&r->longname);
	pare_buf_release(&r->longlink);
	pare_buf_release(&r->pax);
	pare_buf_release(&r->global);
	free(r->records);
	r->records = NULL;
	r->nrecords = r->records_cap = 0;
}

static int fail(struct pare_tar_reader *r, int code)
{
	r->failed = code;
	return code;
}

static int sticky(struct pare_tar_reader *r, struct pare_error *err)
{
	return pare_error_set(err, r->failed, "tar stream at offset %" PRIu64
			      ": unusable after an earlier error (%s)",
			      r->offset, pare_strerror(r->failed));
}

/* Read up to n bytes, stopping only at the end of the stream; *got is the
 * count.  Returns 0 or the stream's error. */
static int raw_read(struct pare_tar_reader *r, void *buf, size_t n, size_t *got,
		    struct pare_error *err)
{
	unsigned char *p = buf;
	*got = 0;
	while (*got < n) {
		ssize_t k = pare_istream_read(&r->in, p + *got, n - *got, err);
		if (k < 0)
			return (int)k;
		if (k == 0)
			break;
		if ((size_t)k > n - *got)
			return pare_error_set(err, -EIO, "tar stream: reader returned too much");
		*got += (size_t)k;
		r->offset += (uint64_t)k;
	}
	return 0;
}

static int entry_truncated(struct pare_tar_reader *r, const char *what, struct pare_error *err)
{
	char nm[128];
	return pare_error_set(err, -PARE_E_TRUNCATED,
			      "tar entry '%s' (header at offset %" PRIu64
			      "): stream ends at offset %" PRIu64 " inside its %s",
			      msg_name(pare_buf_slice(&r->name), nm), r->entry_header_offset,
			      r->offset, what);
}

/* Drop n bytes of the current entry's data or padding. */
static int skip_bytes(struct pare_tar_reader *r, uint64_t *left, const char *what,
		      struct pare_error *err)
{
	unsigned char tmp[8192];
	while (*left > 0) {
		size_t want = *left < sizeof(tmp) ? (size_t)*left : sizeof(tmp);
		size_t got;
		int rc = raw_read(r, tmp, want, &got, err);
		if (rc < 0)
			return rc;
		*left -= got;
		if (got < want)
			return entry_truncated(r, what, err);
	}
	return 0;
}

int pare_tar_skip_data(struct pare_tar_reader *r, struct pare_error *err)
{
	if (r->failed)
		return sticky(r, err);
	int rc = skip_bytes(r, &r->data_left, "data", err);
	return rc < 0 ? fail(r, rc) : 0;
}

ssize_t pare_tar_read(struct pare_tar_reader *r, void *buf, size_t n, struct pare_error *err)
{
	if (r->failed)
		return sticky(r, err);
	if (r->state != ST_ENTRY || r->data_left == 0 || n == 0)
		return 0;
	if (n > r->data_left)
		n = (size_t)r->data_left;
	ssize_t k = pare_istream_read(&r->in, buf, n, err);
	if (k < 0)
		return fail(r, (int)k);
	if (k == 0)
		return fail(r, entry_truncated(r, "data", err));
	if ((size_t)k > n)
		return fail(r, pare_error_set(err, -EIO, "tar stream: reader returned too much"));
	r->data_left -= (uint64_t)k;
	r->offset += (uint64_t)k;
	return k;
}

static ssize_t entry_stream_read(void *ctx, void *buf, size_t n, struct pare_error *err)
{
	return pare_tar_read(ctx, buf, n, err);
}

/* The entry's data in place, when the stream below offers it. */
static bool entry_stream_view(void *ctx, size_t max, const void **p, size_t *n)
{
	struct pare_tar_reader *r = ctx;
	if (r->failed || r->state != ST_ENTRY)
		return false;
	if (max > r->data_left)
		max = (size_t)r->data_left;
	if (!pare_istream_view(&r->in, max, p, n))
		return false;
	r->data_left -= *n;
	r->offset += *n;
	return true;
}

void pare_tar_entry_istream(struct pare_tar_reader *r, struct pare_istream *s)
{
	s->read = entry_stream_read;
	s->view = entry_stream_view;
	s->ctx = r;
}

/* ---- header fields ---- */

struct hdr_ctx {
	const unsigned char *h;
	uint64_t off; /* of this header, for messages */
	enum hdr_format fmt;
};

static int field_error(const struct hdr_ctx *c, int rc, const char *field,
		       struct pare_error *err)
{
	if (rc == NUM_RANGE)
		return pare_error_set(err, -PARE_E_FORMAT,
				      "tar header at offset %" PRIu64
				      ": %s field does not fit in 64 bits",
				      c->off, field);
	return pare_error_set(err, -PARE_E_FORMAT,
			      "tar header at offset %" PRIu64 ": %s field is not octal", c->off,
			      field);
}

/* An unsigned field no larger than max. */
static int get_unsigned(const struct hdr_ctx *c, size_t o, size_t n, const char *field,
			uint64_t max, uint64_t *out, struct pare_error *err)
{
	bool neg;
	uint64_t v;
	int rc = parse_number(c->h + o, n, &neg, &v);
	if (rc < 0)
		return field_error(c, rc, field, err);
	if (neg)
		return pare_error_set(err, -PARE_E_FORMAT,
				      "tar header at offset %" PRIu64 ": %s field is negative",
				      c->off, field);
	if (v > max)
		return pare_error_set(err, -PARE_E_FORMAT,
				      "tar header at offset %" PRIu64 ": %s field is too large",
				      c->off, field);
	*out = v;
	return 0;
}

static int get_mtime(const struct hdr_ctx *c, int64_t *out, struct pare_error *err)
{
	bool neg;
	uint64_t v;
	int rc = parse_number(c->h + F_MTIME, &neg, &v);
	if (rc < 0)
		return field_error(c, rc, "mtime", err);
	if (!neg && v > INT64_MAX)
		return field_error(c, NUM_RANGE, "mtime", err);
	/* v <= 2^63 when negative (parse_base256). */
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

static int check_size(struct pare_tar_reader *r, uint64_t off, uint64_t size,
		      struct pare_error *err)
{
	if (size > INT64_MAX || size > r->limits.max_entry_size)
		return pare_error_set(err, -PARE_E_TOO_BIG,
				      "tar header at offset %" PRIu64 ": size %" PRIu64
				      " is over the limit of %" PRIu64 " bytes",
				      off, size,
				      r->limits.max_entry_size < INT64_MAX
					      ? r->limits.max_entry_size
					      : (uint64_t)INT64_MAX);
	return 0;
}

static int verify_checksum(const struct hdr_ctx *c, struct pare_error *err)
{
	uint64_t stored, usum;
	int64_t ssum;
	if (parse_octal(c->h + F_CHKSUM, &stored) < 0)
		return pare_error_set(err, -PARE_E_FORMAT,
				      "tar header at offset %" PRIu64
				      ": checksum field is not octal",
				      c->off);
	header_sums(c->h, &usum, &ssum);
	if (stored == usum || (ssum >= 0 && stored == (uint64_t)ssum))
		return 0;
	return pare_error_set(err, -PARE_E_FORMAT,
			      "tar header at offset %" PRIu64 ": bad header checksum "
			      "(stored %" PRIu64 ", computed %" PRIu64 ")",
			      c->off, stored, usum);
}

/* apk-tools reads a header only when its magic starts with "ustar" (any
 * version); GNU's "ustar  \0" marks GNU format. */
static int header_format(const struct hdr_ctx *c, enum hdr_format *fmt, struct pare_error *err)
{
	if (memcmp(c->h + O_MAGIC, "ustar", 5) != 0)
		return pare_error_set(err, -PARE_E_FORMAT,
				      "tar header at offset %" PRIu64 ": no ustar magic "
				      "(apk-tools refuses such a header)", c->off);
	*fmt = memcmp(c->h + O_MAGIC, "ustar  \0", 8) == 0 ? FMT_GNU : FMT_USTAR;
	return 0;
}

/* ---- extended headers ---- */

/* Read `size` bytes of extended header data (bounded by limit) into b,
 * then its padding. */
static int read_ext_data(struct pare_tar_reader *r, const struct hdr_ctx *c, const char *kind,
			 size_t limit, struct pare_buf *b, struct pare_error *err)
{
	uint64_t size;
	int rc = get_unsigned(c, F_SIZE, "size", INT64_MAX, &size, err);
	if (rc < 0)
		return rc;
	if (size > limit)
		return pare_error_set(err, -PARE_E_TOO_BIG,
				      "tar %s header at offset %" PRIu64 ": %" PRIu64
				      " bytes is over the limit of %zu",
				      kind, c->off, size, limit);
	pare_buf_reset(b);
	rc = pare_buf_reserve(b, (size_t)size);
	if (rc < 0)
		return rc;
	size_t got;
	rc = raw_read(r, b->data, (size_t)size, &got, err);
	if (rc < 0)
		return rc;
	b->len = got;
	b->data[got] = '\0';
	if (got == size) {
		unsigned char tmp[PARE_TAR_BLOCK];
		size_t pad = (PARE_TAR_BLOCK - (size_t)size % PARE_TAR_BLOCK) % PARE_TAR_BLOCK;
		rc = raw_read(r, tmp, pad, &got, err);
		if (rc < 0 || got == pad)
			return rc;
	}
	return pare_error_set(err, -PARE_E_TRUNCATED,
			      "tar %s header at offset %" PRIu64
			      ": stream ends at offset %" PRIu64 " inside its data",
			      kind, c->off, r->offset);
}

static int pax_error(const struct hdr_ctx *c, size_t pos, const char *why,
		     struct pare_error *err)
{
	return pare_error_set(err, -PARE_E_FORMAT,
			      "tar PAX header at offset %" PRIu64 ": record at byte %zu: %s",
			      c->off, pos, why);
}

/* Parse the length of the record at p[0..n): "<decimal> ". */
static int pax_record_len(const char *p, size_t n, size_t *len, size_t *digits)
{
	size_t i = 0, v = 0;
	while (i < n && i < 20 && p[i] >= '0' && p[i] <= '9') {
		size_t d = (size_t)(p[i] - '0');
		if (v > (SIZE_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
		i++;
	}
	if (i == 0 || i >= n || p[i] != ' ')
		return -1;
	*len = v;
	*digits = i;
	return 0;
}

static int add_record(struct pare_tar_reader *r, struct pare_tar_record rec)
{
	if (r->nrecords == r->records_cap) {
		size_t cap = r->records_cap ? r->records_cap * 2 : 16;
		if (cap > r->limits.max_pax_records)
			cap = r->limits.max_pax_records;
		struct pare_tar_record *n = realloc(r->records, cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		r->records = n;
		r->records_cap = cap;
	}
	r->records[r->nrecords++] = rec;
	return 0;
}

/* Split b's data into records.  With store, the records are kept in r and
 * each key's '=' and value's '\n' are replaced by NUL terminators. */
static int parse_pax(struct pare_tar_reader *r, const struct hdr_ctx *c, struct pare_buf *b,
		     bool store, struct pare_error *err)
{
	char *p = b->data;
	size_t n = b->len, pos = 0, count = 0;
	while (pos < n) {
		size_t len, digits;
		if (all_zero((const unsigned char *)p + pos, n - pos))
			break; /* tolerated NUL padding after the last record */
		if (pax_record_len(p + pos, n - pos, &len, &digits) < 0)
			return pax_error(c, pos, "length field is not a decimal number", err);
		if (len < digits + 4)
			return pax_error(c, pos, "length is too small", err);
		if (len > n - pos)
			return pax_error(c, pos, "length runs past the end of the header", err);
		char *rec = p + pos, *key = rec + digits + 1, *end = rec + len - 1;
		if (*end != '\n')
			return pax_error(c, pos, "does not end with a newline", err);
		char *eq = memchr(key, '=', (size_t)(end - key));
		if (!eq)
			return pax_error(c, pos, "has no '='", err);
		if (eq == key)
			return pax_error(c, pos, "has an empty key", err);
		if (memchr(key, '\0', (size_t)(eq - key)))
			return pax_error(c, pos, "key contains a NUL byte", err);
		if (++count > r->limits.max_pax_records)
			return pare_error_set(err, -PARE_E_TOO_BIG,
					      "tar PAX header at offset %" PRIu64
					      ": more than %zu records",
					      c->off, r->limits.max_pax_records);
		if (store) {
			struct pare_tar_record rr = {
				pare_slice_make(key, (size_t)(eq - key)),
				pare_slice_make(eq + 1, (size_t)(end - eq - 1)),
			};
			*eq = '\0';
			*end = '\0';
			int rc = add_record(r, rr);
			if (rc < 0)
				return rc;
		}
		pos += len;
	}
	return 0;
}

/* Strict decimal seconds with an optional sign and fraction (truncated). */
static int pax_time(struct pare_slice v, int64_t *out)
{
	bool neg = v.len > 0 && v.ptr[0] == '-';
	struct pare_slice s = neg ? pare_slice_sub(v, 1, v.len - 1) : v;
	ptrdiff_t dot = pare_slice_find(s, '.');
	if (dot >= 0) {
		struct pare_slice frac = pare_slice_sub(s, (size_t)dot + 1, s.len);
		for (size_t i = 0; i < frac.len; i++)
			if (frac.ptr[i] < '0' || frac.ptr[i] > '9')
				return -1;
		s.len = (size_t)dot;
	}
	uint64_t u;
	if (!pare_slice_to_u64(s, &u) || u > INT64_MAX)
		return -1;
	*out = neg ? -(int64_t)u : (int64_t)u;
	return 0;
}

/* ---- entry assembly ---- */

static bool key_is(const struct pare_tar_record *rec, const char *k)
{
	return pare_slice_eq_cstr(rec->key, k);
}

static int set_string(struct pare_buf *b, struct pare_slice s,
		      const char *what, uint64_t off, struct pare_error *err)
{
	char nm[128];
	if (memchr(s.ptr, '\0', s.len))
		return pare_error_set(err, -PARE_E_FORMAT,
				      "tar entry at offset %" PRIu64 ": %s '%s' contains a NUL byte",
				      off, what, msg_name(s, nm));
	pare_buf_reset(b);
	if (s.len > b->max)
		return pare_error_set(err, -PARE_E_TOO_BIG,
				      "tar entry at offset %" PRIu64
				      ": %s '%s' is %zu bytes, over the limit of %zu",
				      off, what, msg_name(s, nm), s.len, b->max);
	return pare_buf_append_slice(b, s);
}

static int pax_number(const struct hdr_ctx *c, const struct pare_tar_record *rec, uint64_t *out,
		      struct pare_error *err)
{
	if (!pare_slice_to_u64(rec->value, out))
		return pare_error_set(err, -PARE_E_FORMAT,
				      "tar PAX header before offset %" PRIu64
				      ": %s value is not a decimal number",
				      c->off, rec->key.ptr);
	return 0;
}

static int pax_checksum(const struct hdr_ctx *c, const struct pare_tar_record *rec,
			struct pare_tar_entry *e, struct pare_error *err)
{
	if (rec->value.len != 40 ||
	    pare_hex_decode(rec->value.ptr, rec->value.len, e->checksum.bytes, 20) < 0)
		return pare_error_set(err, -PARE_E_FORMAT,
				      "tar PAX header before offset %" PRIu64
				      ": APK-TOOLS.checksum.SHA1 is not 40 hex digits",
				      c->off);
	e->checksum.alg = PARE_DIGEST_SHA1;
	e->checksum.len = 20;
	return 0;
}

/* apk-tools takes an entry's size from its ustar header and ignores a PAX
 * size record, so a record that says otherwise would make the stream mean
 * different files to apk and to pare: refused. */
static int pax_size(const struct hdr_ctx *c, const struct pare_tar_record *rec,
		    uint64_t header_size, struct pare_error *err)
{
	uint64_t v;
	int rc = pax_number(c, rec, &v, err);
	if (rc == 0 && v != header_size)
		rc = pare_error_set(err, -PARE_E_FORMAT,
				    "tar header at offset %" PRIu64 ": PAX size %" PRIu64
				    " differs from the header's %" PRIu64
				    " (apk-tools reads the header's)", c->off, v, header_size);
	return rc;
}

/* Apply the 'x' records to e; strings go to *path etc. for later. */
static int apply_pax(struct pare_tar_reader *r, const struct hdr_ctx *c,
		     struct pare_tar_entry *e, struct pare_slice *path, struct pare_slice *link,
		     struct pare_error *err)
{
	for (size_t i = 0; i < r->nrecords; i++) {
		const struct pare_tar_record *rec = &r->records[i];
		int rc = 0;
		if (key_is(rec, "path"))
			*path = rec->value;
		else if (key_is(rec, "linkpath"))
			*link = rec->value;
		else if (key_is(rec, "size"))
			rc = pax_size(c, rec, e->size, err);
		else if (key_is(rec, "uid"))
			rc = pax_number(c, rec, &e->uid, err);
		else if (key_is(rec, "gid"))
			rc = pax_number(c, rec, &e->gid, err);
		else if (key_is(rec, "uname"))
			rc = set_string(&r->uname, rec->value, "uname", c->off, err);
		else if (key_is(rec, "gname"))
			rc = set_string(&r->gname, rec->value, "gname", c->off, err);
		else if (key_is(rec, "mtime") && pax_time(rec->value, &e->mtime) < 0)
			rc = pare_error_set(err, -PARE_E_FORMAT,
					    "tar PAX header before offset %" PRIu64
					    ": mtime value is not a number",
					    c->off);
		else if (key_is(rec, "APK-TOOLS.checksum.SHA1"))
			rc = pax_checksum(c, rec, e, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* The numeric fields of the ustar header. */
static int header_numbers(const struct hdr_ctx *c, struct pare_tar_entry *e,
			  struct pare_error *err)
{
	uint64_t mode, dmaj = 0, dmin = 0;
	int rc = get_unsigned(c, F_MODE, "mode", UINT64_MAX, &mode, err);
	if (rc == 0)
		rc = get_unsigned(c, F_UID, "uid", UINT64_MAX, &e->uid, err);
	if (rc == 0)
		rc = get_unsigned(c, F_GID, "gid", UINT64_MAX, &e->gid, err);
	if (rc == 0)
		rc = get_unsigned(c, F_SIZE, "size", UINT64_MAX, &e->size, err);
	if (rc == 0)
		rc = get_mtime(c, &e->mtime, err);
	if (rc == 0 && c->fmt != FMT_V7)
		rc = get_unsigned(c, F_DEVMAJOR, "devmajor", UINT32_MAX, &dmaj, err);
	if (rc == 0 && c->fmt != FMT_V7)
		rc = get_unsigned(c, F_DEVMINOR, "devminor", UINT32_MAX, &dmin, err);
	e->mode = (uint32_t)(mode & 07777);
	e->devmajor = (uint32_t)dmaj;
	e->devminor = (uint32_t)dmin;
	return rc;
}

/* name: PAX path > GNU 'L' > ustar prefix + "/" + name. */
static int build_name(struct pare_tar_reader *r, const struct hdr_ctx *c, struct pare_slice path,
		      struct pare_error *err)
{
	if (path.len)
		return set_string(&r->name, path, "path", c->off, err);
	if (r->longname.len)
		return set_string(&r->name,
				  pare_slice_make(r->longname.data,
						  field_strlen((unsigned char *)r->longname.data,
							       r->longname.len)),
				  "GNU long name", c->off, err);
	struct pare_slice nm = pare_slice_make((const char *)c->h,
					       field_strlen(c->h + F_NAME));
	size_t plen = c->fmt == FMT_USTAR ? field_strlen(c->h + F_PREFIX) : 0;
	pare_buf_reset(&r->name);
	if (plen == 0)
		return set_string(&r->name, nm, "name", c->off, err);
	int rc = pare_buf_append(&r->name, c->h + 345, plen);
	if (rc == 0)
		rc = pare_buf_putc(&r->name, '/');
	if (rc == 0)
		rc = pare_buf_append_slice(&r->name, nm);
	if (rc < 0)
		return pare_error_set(err, rc, "tar header at offset %" PRIu64
				      ": name is over the limit of %zu bytes",
				      c->off, r->name.max);
	return 0;
}

static int build_linkname(struct pare_tar_reader *r, const struct hdr_ctx *c,
			  struct pare_slice link, struct pare_error *err)
{
	if (link.len)
		return set_string(&r->linkname, link, "linkpath", c->off, err);
	if (r->longlink.len)
		return set_string(&r->linkname,
				  pare_slice_make(r->longlink.data,
						  field_strlen((unsigned char *)r->longlink.data,
							       r->longlink.len)),
				  "GNU long link name", c->off, err);
	return set_string(&r->linkname,
			  pare_slice_make((const char *)c->h + 157, field_strlen(c->h + F_LINKNAME)),
			  "link name", c->off, err);
}

static int build_owner(struct pare_tar_reader *r, const struct hdr_ctx *c,
		       struct pare_error *err)
{
	size_t ul = c->fmt == FMT_V7 ? 0 : field_strlen(c->h + F_UNAME);
	size_t gl = c->fmt == FMT_V7 ? 0 : field_strlen(c->h + F_GNAME);
	int rc = set_string(&r->uname, pare_slice_make((const char *)c->h + 265, ul), "uname",
			    c->off, err);
	if (rc == 0)
		rc = set_string(&r->gname, pare_slice_make((const char *)c->h + 297, gl),
				"gname", c->off, err);
	return rc;
}

static int build_entry(struct pare_tar_reader *r, const struct hdr_ctx *c,
		       struct pare_tar_entry *e, struct pare_error *err)
{
	struct pare_slice path = PARE_SLICE_NULL, link = PARE_SLICE_NULL;
	char type = (char)c->h[O_TYPE];
	e->type = type == '7' ? PARE_TAR_REG : type; /* contiguous: regular, as apk */
	e->checksum.alg = PARE_DIGEST_NONE;
	e->checksum.len = 0;
	e->header_offset = c->off;
	int rc = header_numbers(c, e, err);
	if (rc == 0)
		rc = build_owner(r, c, err);
	if (rc == 0)
		rc = apply_pax(r, c, e, &path, &link, err);
	if (rc == 0)
		rc = build_name(r, c, path, err);
	if (rc == 0)
		rc = build_linkname(r, c, link, err);
	if (rc == 0)
		rc = check_size(r, c->off, e->size, err);
	if (rc < 0)
		return rc;
	if (r->name.len == 0)
		return pare_error_set(err, -PARE_E_FORMAT,
				      "tar header at offset %" PRIu64 ": empty name", c->off);
	if (e->type == PARE_TAR_DIR && r->name.len > 1 && r->name.data[r->name.len - 1] == '/')
		pare_buf_truncate(&r->name, r->name.len - 1);
	e->name = pare_buf_slice(&r->name);
	e->linkname = pare_buf_slice(&r->linkname);
	e->uname = pare_buf_slice(&r->uname);
	e->gname = pare_buf_slice(&r->gname);
	e->records = r->records;
	e->nrecords = r->nrecords;
	return 0;
}

/* ---- next() ---- */

/* After a zero block: the rest of the stream must be zero bytes. */
static int drain_end(struct pare_tar_reader *r, struct pare_error *err)
{
	unsigned char tmp[PARE_TAR_BLOCK];
	for (;;) {
		size_t got;
		uint64_t at = r->offset;
		int rc = raw_read(r, tmp, sizeof(tmp), &got, err);
		if (rc < 0)
			return rc;
		for (size_t i = 0; i < got; i++)
			if (tmp[i])
				return pare_error_set(err, -PARE_E_FORMAT,
						      "tar stream: non-zero byte at offset %" PRIu64
						      " after the end-of-archive block",
						      at + i);
		if (got < sizeof(tmp))
			return 0;
	}
}

/* Pending extended headers for the next real entry. */
struct pending {
	bool pax, longname, longlink;
	uint64_t first_off;
};

static bool any_pending(const struct pending *p)
{
	return p->pax || p->longname || p->longlink;
}

static int meta_twice(const struct hdr_ctx *c, const char *kind, struct pare_error *err)
{
	return pare_error_set(err, -PARE_E_FORMAT,
			      "tar header at offset %" PRIu64 ": second %s header for one entry",
			      c->off, kind);
}

/* Consume an extended header.  Returns 0 when consumed, 1 if c is a
 * real entry header, <0 on error. */
static int handle_meta(struct pare_tar_reader *r, const struct hdr_ctx *c, struct pending *p,
		       struct pare_error *err)
{
	int rc;
	switch (c->h[O_TYPE]) {
	case 'x':
		if (p->pax)
			return meta_twice(c, "PAX", err);
		p->pax = true;
		rc = read_ext_data(r, c, "PAX", r->limits.max_pax, &r->pax, err);
		return rc < 0 ? rc : parse_pax(r, c, &r->pax, true, err);
	case 'g':
		rc = read_ext_data(r, c, "PAX global", r->limits.max_pax, &r->global, err);
		return rc < 0 ? rc : parse_pax(r, c, &r->global, false, err);
	case 'L':
		if (p->longname)
			return meta_twice(c, "GNU long name", err);
		p->longname = true;
		return read_ext_data(r, c, "GNU long name", r->limits.max_longname, &r->longname,
				     err);
	case 'K':
		if (p->longlink)
			return meta_twice(c, "GNU long link", err);
		p->longlink = true;
		return read_ext_data(r, c, "GNU long link", r->limits.max_longname, &r->longlink,
				     err);
	default:
		return 1;
	}
}

/* Read one header block.  Returns 1 with a block, 0 at a clean end. */
static int read_header_block(struct pare_tar_reader *r, unsigned char *h,
			     const struct pending *p, struct pare_error *err)
{
	size_t got;
	uint64_t at = r->offset;
	int rc = raw_read(r, h, PARE_TAR_BLOCK, &got, err);
	if (rc < 0)
		return rc;
	if (got == PARE_TAR_BLOCK)
		return 1;
	if (got > 0)
		return pare_error_set(err, -PARE_E_TRUNCATED,
				      "tar header at offset %" PRIu64
				      ": stream ends after %zu of its 512 bytes",
				      at, got);
	if (any_pending(p))
		return pare_error_set(err, -PARE_E_TRUNCATED,
				      "tar stream ends at offset %" PRIu64
				      " after an extended header (offset %" PRIu64
				      "), before its entry",
				      at, p->first_off);
	return 0;
}

static void reset_pending(struct pare_tar_reader *r)
{
	pare_buf_reset(&r->pax);
	pare_buf_reset(&r->longname);
	pare_buf_reset(&r->longlink);
	r->nrecords = 0;
}

/* apk-tools extracts only the entry types it knows ('0' and '7' regular,
 * '1'..'6'); any other typeflag, NUL included, it skips with its data.
 * Returns 0 when c was such an entry (skipped), 1 for an entry to report.
 * Extended headers before a skipped entry would apply to a later one in
 * apk-tools: refused. */
static int skip_unknown(struct pare_tar_reader *r, const struct hdr_ctx *c,
			const struct pending *p, struct pare_error *err)
{
	char t = (char)c->h[O_TYPE];
	if (t >= '0' && t <= '7')
		return 1;
	if (any_pending(p))
		return pare_error_set(err, -PARE_E_FORMAT,
				      "tar header at offset %" PRIu64 ": extended header before an "
				      "entry of type 0x%02x, which apk-tools skips", c->off,
				      (unsigned char)t);
	uint64_t size, pad;
	int rc = get_unsigned(c, F_SIZE, "size", INT64_MAX, &size, err);
	if (rc == 0)
		rc = check_size(r, c->off, size, err);
	pad = (PARE_TAR_BLOCK - size % PARE_TAR_BLOCK) % PARE_TAR_BLOCK;
	if (rc == 0)
		rc = skip_bytes(r, &size, "data", err);
	if (rc == 0)
		rc = skip_bytes(r, &pad, "padding", err);
	return rc;
}

static int next_entry(struct pare_tar_reader *r, struct pare_tar_entry *e,
		      struct pare_error *err)
{
	unsigned char h[PARE_TAR_BLOCK];
	struct pending p = { .first_off = r->offset };
	for (;;) {
		struct hdr_ctx c = { h, r->offset, FMT_V7 };
		int rc = read_header_block(r, h, &p, err);
		if (rc <= 0)
			return rc;
		if (all_zero(h, sizeof(h))) {
			if (any_pending(&p))
				return pare_error_set(err, -PARE_E_FORMAT,
						      "tar stream: end-of-archive block at offset "
						      "%" PRIu64 " right after an extended header",
						      c.off);
			return drain_end(r, err);
		}
		rc = verify_checksum(&c, err);
		if (rc == 0)
			rc = header_format(&c, &c.fmt, err);
		if (rc == 0)
			rc = handle_meta(r, &c, &p, err);
		if (rc == 1)
			rc = skip_unknown(r, &c, &p, err);
		if (rc < 0)
			return rc;
		if (rc == 0)
			continue;
		rc = build_entry(r, &c, e, err);
		if (rc < 0)
			return rc;
		e->offset = p.first_off;
		return 1;
	}
}

int pare_tar_next(struct pare_tar_reader *r, struct pare_tar_entry *e, struct pare_error *err)
{
	if (r->failed)
		return sticky(r, err);
	if (r->state == ST_END)
		return 0;
	if (r->state == ST_ENTRY) {
		int rc = skip_bytes(r, &r->data_left, "data", err);
		if (rc == 0)
			rc = skip_bytes(r, &r->pad_left, "padding", err);
		if (rc < 0)
			return fail(r, rc);
	}
	reset_pending(r);
	pare_buf_reset(&r->name);
	r->state = ST_HEADERS;
	int rc = next_entry(r, e, err);
	if (rc < 0)
		return fail(r, rc);
	if (rc == 0) {
		r->state = ST_END;
		return 0;
	}
	if (r->offset > UINT64_MAX - e->size - 2 * PARE_TAR_BLOCK)
		return fail(r, pare_error_set(err, -PARE_E_TOO_BIG,
					      "tar stream: offsets past 2^64"));
	r->state = ST_ENTRY;
	r->data_left = e->size;
	r->pad_left = (PARE_TAR_BLOCK - e->size % PARE_TAR_BLOCK) % PARE_TAR_BLOCK;
	r->entry_header_offset = e->header_offset;
	r->entry_size = e->size;
	return 1;
}

/* ---- writer ---- */

int pare_tar_writer_init(struct pare_tar_writer *w, struct pare_ostream *out)
{
	if (!w || !out)
		return -EINVAL;
	memset(w, 0, sizeof(*w));
	w->out = *out;
	pare_buf_init(&w->pax, PARE_TAR_DEFAULT_MAX_PAX);
	return 0;
}

void pare_tar_writer_release(struct pare_tar_writer *w)
{
	if (!w)
		return;
	pare_buf_release(&w->pax);
}

static int w_write(struct pare_tar_writer *w, const void *p, size_t n, struct pare_error *err)
{
	int rc = pare_ostream_write(&w->out, p, n, err);
	if (rc < 0)
		return rc;
	w->offset += n;
	return 0;
}

static int w_zeros(struct pare_tar_writer *w, size_t n, struct pare_error *err)
{
	static const unsigned char zero[PARE_TAR_BLOCK];
	while (n > 0) {
		size_t k = n < sizeof(zero) ? n : sizeof(zero);
		int rc = w_write(w, zero, k, err);
		if (rc < 0)
			return rc;
		n -= k;
	}
	return 0;
}

/* Zero-padded octal in n-1 digits and a NUL; v must fit. */
static void put_octal(unsigned char *f, size_t n, uint64_t v)
{
	f[n - 1] = '\0';
	for (size_t i = n - 1; i-- > 0;) {
		f[i] = (unsigned char)('0' + (v & 7));
		v >>= 3;
	}
}

static void put_bytes(unsigned char *f, size_t o, struct pare_slice s)
{
	if (s.len)
		memcpy(f + o, s.ptr, s.len);
}

static void put_checksum(unsigned char *h)
{
	uint64_t usum;
	int64_t ssum;
	header_sums(h, &usum, &ssum);
	put_octal(h + 148, 7, usum); /* six digits and a NUL ... */
	h[155] = ' ';                /* ... then a space, as GNU tar does */
}

/* Split a long name into ustar prefix and name: the longest prefix of at
 * most 155 bytes that ends just before a '/' and leaves 1..100 bytes
 * (a trailing '/' of a directory stays in the name part). */
static bool split_ustar(struct pare_slice s, size_t *cut)
{
	*cut = 0;
	if (s.len <= 100)
		return true;
	for (size_t i = s.len - 1 < 155 ? s.len - 1 : 155; i > 0; i--) {
		if (s.ptr[i] != '/' || s.len - i - 1 == 0)
			continue;
		if (s.len - i - 1 > 100)
			return false; /* slashes further left leave even more */
		*cut = i;
		return true;
	}
	return false;
}

/* Records the writer adds itself, plus the caller's extras. */
struct wrec {
	struct pare_slice key, value;
};

static int wrec_cmp(const void *a, const void *b)
{
	return pare_slice_cmp(((const struct wrec *)a)->key, ((const struct wrec *)b)->key);
}

static size_t dec_digits(size_t v)
{
	size_t d = 1;
	while (v >= 10) {
		v /= 10;
		d++;
	}
	return d;
}

/* "<len> key=value\n" where len counts itself. */
static int pax_append(struct pare_buf *b, struct wrec r)
{
	size_t base = r.key.len + r.value.len + 3;
	size_t len = base + dec_digits(base);
	if (dec_digits(len) != dec_digits(base))
		len = base + dec_digits(len);
	int rc = pare_buf_appendf(b, "%zu ", len);
	if (rc == 0)
		rc = pare_buf_append_slice(b, r.key);
	if (rc == 0)
		rc = pare_buf_putc(b, '=');
	if (rc == 0)
		rc = pare_buf_append_slice(b, r.value);
	if (rc == 0)
		rc = pare_buf_putc(b, '\n');
	return rc;
}

static bool has_nul(struct pare_slice s)
{
	return s.len && memchr(s.ptr, '\0', s.len) != NULL;
}

static int w_invalid(struct pare_slice name, const char *why, struct pare_error *err)
{
	char nm[128];
	return pare_error_set(err, -EINVAL, "tar writer: entry '%s': %s", msg_name(name, nm), why);
}

static int check_header(const struct pare_tar_header *h, struct pare_error *err)
{
	if (h->name.len == 0)
		return w_invalid(h->name, "empty name", err);
	if (has_nul(h->name) || has_nul(h->linkname) || has_nul(h->uname) || has_nul(h->gname))
		return w_invalid(h->name, "a name contains a NUL byte", err);
	if (h->name.len > PARE_TAR_DEFAULT_MAX_NAME || h->linkname.len > PARE_TAR_DEFAULT_MAX_NAME)
		return pare_error_set(err, -PARE_E_TOO_BIG,
				      "tar writer: name or link name over %u bytes",
				      PARE_TAR_DEFAULT_MAX_NAME);
	if (h->uname.len > PARE_TAR_DEFAULT_MAX_NAME || h->gname.len > PARE_TAR_DEFAULT_MAX_NAME)
		return w_invalid(h->name, "uname or gname is too long", err);
	if (h->type == 'x' || h->type == 'g' || h->type == 'L' || h->type == 'K')
		return w_invalid(h->name, "extended header types cannot be written as entries", err);
	if (h->devmajor > OCTAL_MAX_7 || h->devminor > OCTAL_MAX_7)
		return w_invalid(h->name, "device number does not fit the header", err);
	if (h->size > OCTAL_MAX_11)
		return w_invalid(h->name, "larger than 8 GiB (apk-tools reads sizes from the ustar "
			      "header only)", err);
	if (h->checksum.alg != PARE_DIGEST_NONE &&
	    (h->checksum.alg != PARE_DIGEST_SHA1 || h->checksum.len != 20))
		return w_invalid(h->name, "only SHA1 checksums can be written", err);
	for (size_t i = 0; i < h->nrecords; i++) {
		struct pare_slice k = h->records[i].key;
		if (k.len == 0 || has_nul(k) || pare_slice_find(k, '=') >= 0 ||
		    pare_slice_find(k, '\n') >= 0)
			return w_invalid(h->name, "bad extra PAX record key", err);
	}
	return 0;
}

/* Text storage for the numbers the writer puts in records. */
struct wnums {
	char size[24], uid[24], gid[24], mtime[24];
	char sha1[41];
};

static struct pare_slice fmt_u64(char *buf, size_t n, uint64_t v)
{
	int k = snprintf(buf, n, "%" PRIu64, v);
	return pare_slice_make(buf, (size_t)k);
}

static bool mtime_octal(int64_t t)
{
	return t >= 0 && (uint64_t)t <= OCTAL_MAX_11;
}

/* Collect the records h needs into recs (room for 9 + nrecords). */
static size_t collect_records(const struct pare_tar_header *h, struct wnums *nums,
			      struct wrec *recs)
{
	size_t n = 0, cut;
	if (h->checksum.alg == PARE_DIGEST_SHA1) {
		pare_hex_encode(h->checksum.bytes, 20, nums->sha1);
		recs[n++] = (struct wrec){ PARE_SLICE_LIT("APK-TOOLS.checksum.SHA1"),
					   pare_slice_make(nums->sha1, 40) };
	}
	if (!split_ustar(h->name, &cut))
		recs[n++] = (struct wrec){ PARE_SLICE_LIT("path"), h->name };
	if (h->linkname.len > 100)
		recs[n++] = (struct wrec){ PARE_SLICE_LIT("linkpath"), h->linkname };
	if (h->uid > OCTAL_MAX_7)
		recs[n++] = (struct wrec){ PARE_SLICE_LIT("uid"),
					   fmt_u64(nums->uid, sizeof(nums->uid), h->uid) };
	if (h->gid > OCTAL_MAX_7)
		recs[n++] = (struct wrec){ PARE_SLICE_LIT("gid"),
					   fmt_u64(nums->gid, sizeof(nums->gid), h->gid) };
	if (!mtime_octal(h->mtime)) {
		int k = snprintf(nums->mtime, sizeof(nums->mtime), "%" PRId64, h->mtime);
		recs[n++] = (struct wrec){ PARE_SLICE_LIT("mtime"),
					   pare_slice_make(nums->mtime, (size_t)k) };
	}
	if (h->uname.len > 31)
		recs[n++] = (struct wrec){ PARE_SLICE_LIT("uname"), h->uname };
	if (h->gname.len > 31)
		recs[n++] = (struct wrec){ PARE_SLICE_LIT("gname"), h->gname };
	for (size_t i = 0; i < h->nrecords; i++)
		recs[n++] = (struct wrec){ h->records[i].key, h->records[i].value };
	return n;
}

/* The fields common to both headers of an entry. */
static void fill_common(unsigned char *b, char type, uint32_t mode, uint64_t size,
			int64_t mtime)
{
	memset(b, 0, PARE_TAR_BLOCK);
	put_octal(b + 100, 8, mode & 07777);
	put_octal(b + 108, 8, 0);
	put_octal(b + 116, 8, 0);
	put_octal(b + 124, 12, size <= OCTAL_MAX_11 ? size : 0);
	put_octal(b + 136, 12, mtime_octal(mtime) ? (uint64_t)mtime : 0);
	b[O_TYPE] = (unsigned char)type;
	memcpy(b + O_MAGIC, "ustar\0" "00", 8);
	put_octal(b + 329, 8, 0);
	put_octal(b + 337, 8, 0);
}

static int write_pax_header(struct pare_tar_writer *w, const struct pare_tar_header *h,
			    struct pare_error *err)
{
	unsigned char b[PARE_TAR_BLOCK];
	struct pare_slice base = h->name;
	while (base.len > 1 && base.ptr[base.len - 1] == '/')
		base.len--;
	for (size_t i = base.len; i > 0; i--)
		if (base.ptr[i - 1] == '/') {
			base = pare_slice_sub(base, i, base.len - i);
			break;
		}
	if (base.len > 100 - 11)
		base.len = 100 - 11;
	fill_common(b, 'x', 0644, w->pax.len, h->mtime);
	memcpy(b, "PaxHeaders/", 11);
	put_bytes(b, 11, base);
	put_checksum(b);
	size_t pad = (PARE_TAR_BLOCK - w->pax.len % PARE_TAR_BLOCK) % PARE_TAR_BLOCK;
	int rc = w_write(w, b, sizeof(b), err);
	if (rc == 0)
		rc = w_write(w, w->pax.data, w->pax.len, err);
	if (rc == 0)
		rc = w_zeros(w, pad, err);
	return rc;
}

static int build_pax(struct pare_tar_writer *w, const struct pare_tar_header *h,
		     struct pare_error *err)
{
	struct wnums nums;
	if (h->nrecords > PARE_TAR_DEFAULT_MAX_PAX_RECORDS - 9)
		return pare_error_set(err, -PARE_E_TOO_BIG, "tar writer: too many PAX records");
	struct wrec *recs = malloc((h->nrecords + 9) * sizeof(*recs));
	if (!recs)
		return -ENOMEM;
	size_t n = collect_records(h, &nums, recs);
	int rc = 0;
	qsort(recs, n, sizeof(*recs), wrec_cmp);
	pare_buf_reset(&w->pax);
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (i > 0 && pare_slice_eq(recs[i].key, recs[i - 1].key))
			rc = w_invalid(h->name, "duplicate PAX record key", err);
		else if (pax_append(&w->pax, recs[i]) < 0)
			rc = pare_error_set(err, -PARE_E_TOO_BIG,
					    "tar writer: PAX header over %u bytes",
					    PARE_TAR_DEFAULT_MAX_PAX);
	}
	free(recs);
	return rc;
}

static int write_ustar_header(struct pare_tar_writer *w, const struct pare_tar_header *h,
			      struct pare_error *err)
{
	unsigned char b[PARE_TAR_BLOCK];
	size_t cut;
	fill_common(b, h->type ? h->type : PARE_TAR_REG, h->mode, h->size, h->mtime);
	if (!split_ustar(h->name, &cut)) {
		/* The PAX path holds it; keep a recognisable tail here. */
		put_bytes(b, 0, pare_slice_sub(h->name, h->name.len - 100, 100));
	} else if (cut == 0) {
		put_bytes(b, 0, h->name);
	} else {
		put_bytes(b, 345, pare_slice_sub(h->name, 0, cut));
		put_bytes(b, 0, pare_slice_sub(h->name, cut + 1, h->name.len - cut - 1));
	}
	if (h->linkname.len <= 100)
		put_bytes(b, 157, h->linkname);
	put_octal(b + 108, 8, h->uid <= OCTAL_MAX_7 ? h->uid : 0);
	put_octal(b + 116, 8, h->gid <= OCTAL_MAX_7 ? h->gid : 0);
	if (h->uname.len <= 31)
		put_bytes(b, 265, h->uname);
	if (h->gname.len <= 31)
		put_bytes(b, 297, h->gname);
	put_octal(b + 329, 8, h->devmajor);
	put_octal(b + 337, 8, h->devminor);
	put_checksum(b);
	return w_write(w, b, sizeof(b), err);
}

/* Close the previous entry if its data is complete. */
static int close_previous(struct pare_tar_writer *w, struct pare_error *err)
{
	if (!w->in_entry)
		return 0;
	return pare_tar_finish_entry(w, err);
}

int pare_tar_write_entry_header(struct pare_tar_writer *w, const struct pare_tar_header *h,
				struct pare_error *err)
{
	int rc = close_previous(w, err);
	if (rc == 0)
		rc = check_header(h, err);
	if (rc == 0)
		rc = build_pax(w, h, err);
	if (rc == 0 && w->pax.len)
		rc = write_pax_header(w, h, err);
	if (rc == 0)
		rc = write_ustar_header(w, h, err);
	if (rc < 0)
		return rc;
	w->in_entry = true;
	w->data_left = h->size;
	w->pad = (PARE_TAR_BLOCK - h->size % PARE_TAR_BLOCK) % PARE_TAR_BLOCK;
	return 0;
}

int pare_tar_write_data(struct pare_tar_writer *w, const void *p, size_t n,
			struct pare_error *err)
{
	if (!w->in_entry || n > w->data_left)
		return pare_error_set(err, -EINVAL,
				      "tar writer: %zu data bytes beyond the entry's size", n);
	int rc = w_write(w, p, n, err);
	if (rc == 0)
		w->data_left -= n;
	return rc;
}

int pare_tar_finish_entry(struct pare_tar_writer *w, struct pare_error *err)
{
	if (!w->in_entry)
		return 0;
	if (w->data_left)
		return pare_error_set(err, -EINVAL,
				      "tar writer: entry finished with %" PRIu64
				      " of its data bytes missing",
				      w->data_left);
	int rc = w_zeros(w, (size_t)w->pad, err);
	if (rc == 0)
		w->in_entry = false;
	return rc;
}

int pare_tar_write_end(struct pare_tar_writer *w, struct pare_error *err)
{
	int rc = close_previous(w, err);
	return rc < 0 ? rc : w_zeros(w, 2 * PARE_TAR_BLOCK, err);
}
