#include "io/gzip.h"
#include "base/bigbuf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#ifdef PARE_HAVE_LIBDEFLATE
#include <libdeflate.h>
#endif

int pare_gz_reader_init(struct pare_gz_reader *r, struct pare_istream *src, const char *name,
			struct pare_error *err)
{
	memset(r, 0, offsetof(struct pare_gz_reader, in));
	r->src = src;
	r->name = name;
	r->max_out = UINT64_MAX;
	/* Raw deflate: the gzip framing is read here (gz_frame). */
	if (inflateInit2(&r->zs, -MAX_WBITS) != Z_OK)
		return pare_error_set(err, -ENOMEM, "cannot initialise zlib");
	r->zs_ready = true;
	r->check_crc = true;
	r->crc = (uint32_t)crc32(0L, Z_NULL, 0);
	return 0;
}

void pare_gz_set_crc(struct pare_gz_reader *r, bool check)
{
	r->check_crc = check;
}

/* ---- gzip framing (RFC 1952) ---- */

enum { PH_HEADER = 0, PH_DEFLATE, PH_TRAILER };
enum { HS_FIXED_END = 10, HS_XLEN0, HS_XLEN1, HS_EXTRA, HS_NAME, HS_COMMENT, HS_HCRC0, HS_HCRC1 };
enum { F_HCRC = 2, F_EXTRA = 4, F_NAME = 8, F_COMMENT = 16, F_RESERVED = 0xe0 };

/* The header step after the fixed part or a finished field. */
static int next_field(struct pare_gz_reader *r, int after)
{
	if (after < HS_EXTRA && (r->flags & F_EXTRA))
		return HS_XLEN0;
	if (after < HS_NAME && (r->flags & F_NAME))
		return HS_NAME;
	if (after < HS_COMMENT && (r->flags & F_COMMENT))
		return HS_COMMENT;
	if (after < HS_HCRC0 && (r->flags & F_HCRC))
		return HS_HCRC0;
	return -1; /* the deflate data starts */
}

/* at: bytes of the input consumed with the bad one (the offset in the
 * message is where zlib would say: past the two magic bytes for those). */
static int bad_header(struct pare_gz_reader *r, size_t at, const char *why,
		      struct pare_error *err)
{
	uint64_t off = r->offset + at;
	if (r->phase == PH_HEADER && r->hstep < 2)
		off = r->member_start + 2;
	return pare_error_set(err, -PARE_E_FORMAT, "corrupt gzip data near offset %llu: %s",
			      (unsigned long long)off, why);
}

/* One header byte. */
static int header_byte(struct pare_gz_reader *r, unsigned char c, size_t at,
		       struct pare_error *err)
{
	static const unsigned char magic[3] = { 0x1f, 0x8b, 8 };
	int step = r->hstep, next = step + 1;
	if (step < 3 && c != magic[step])
		return bad_header(r, at, step < 2 ? "incorrect header check"
						  : "unknown compression method", err);
	if (step == 3 && (c & F_RESERVED))
		return bad_header(r, at, "unknown header flags set", err);
	if (step == 3)
		r->flags = c;
	if (step == HS_XLEN0)
		r->hleft = c;
	if (step == HS_XLEN1 && (r->hleft |= (uint32_t)c << 8) == 0)
		next = next_field(r, HS_EXTRA);
	if (step == HS_EXTRA)
		next = --r->hleft ? HS_EXTRA : next_field(r, HS_EXTRA);
	if (step == HS_NAME || step == HS_COMMENT) {
		if (++r->hleft > PARE_GZ_HEADER_FIELD_MAX)
			return bad_header(r, at, "file name or comment too long", err);
		next = c ? step : next_field(r, step);
		if (!c)
			r->hleft = 0;
	}
	if (step == HS_FIXED_END - 1 || step == HS_HCRC1)
		next = step == HS_HCRC1 ? -1 : next_field(r, HS_FIXED_END - 1);
	if (next < 0)
		r->phase = PH_DEFLATE;
	r->hstep = next < 0 ? 0 : next;
	return 0;
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int trailer_done(struct pare_gz_reader *r, size_t at, struct pare_error *err)
{
	if (r->check_crc && le32(r->tail) != r->crc)
		return bad_header(r, at, "incorrect data check", err);
	if (le32(r->tail + 4) != r->isize)
		return bad_header(r, at, "incorrect length check", err);
	r->member_done = true;
	return 0;
}

/* Consume header or trailer bytes from the input (they are part of the
 * member: the hook sees them). */
static int gz_frame(struct pare_gz_reader *r, struct pare_error *err)
{
	size_t i = 0, n = r->zs.avail_in;
	int rc = 0;
	while (rc == 0 && i < n && !r->member_done && r->phase != PH_DEFLATE) {
		unsigned char c = r->zs.next_in[i++];
		if (r->phase == PH_HEADER) {
			rc = header_byte(r, c, i, err);
		} else {
			r->tail[r->tlen++] = c;
			if (r->tlen == sizeof(r->tail))
				rc = trailer_done(r, i, err);
		}
	}
	if (r->hook && i)
		r->hook(r->hook_ctx, r->zs.next_in, i);
	r->zs.next_in += i;
	r->zs.avail_in -= (uInt)i;
	r->offset += i;
	return rc;
}

void pare_gz_reader_release(struct pare_gz_reader *r)
{
	if (!r)
		return;
	if (r->zs_ready) {
		inflateEnd(&r->zs);
		r->zs_ready = false;
	}
#ifdef PARE_HAVE_LIBDEFLATE
	if (r->ld)
		libdeflate_free_decompressor(r->ld);
#endif
	r->ld = NULL;
	pare_bigbuf_free(r->mbuf);
	r->mbuf = NULL;
	r->mcap = r->mpos = r->mlen = 0;
}

void pare_gz_set_hook(struct pare_gz_reader *r, pare_gz_input_hook hook, void *ctx)
{
	r->hook = hook;
	r->hook_ctx = ctx;
}

void pare_gz_set_limit(struct pare_gz_reader *r, uint64_t max_out)
{
	r->max_out = max_out;
	r->out = 0;
}

void pare_gz_raise_limit(struct pare_gz_reader *r, uint64_t max_out)
{
	r->max_out = max_out;
}

void pare_gz_set_multi(struct pare_gz_reader *r, bool multi)
{
	r->multi = multi;
}

/* The next piece of the source's view into zlib's input. */
static void gz_feed_view(struct pare_gz_reader *r)
{
	size_t k = r->vleft > UINT32_MAX ? UINT32_MAX : r->vleft;
	r->zs.next_in = (unsigned char *)r->vp;
	r->zs.avail_in = (uInt)k;
	r->vp += k;
	r->vleft -= k;
	r->in_view = true;
}

static int gz_fill(struct pare_gz_reader *r, struct pare_error *err)
{
	if (r->zs.avail_in > 0 || r->src_eof)
		return 0;
	const void *vp;
	size_t vn;
	if (r->vleft == 0 && pare_istream_view(r->src, SIZE_MAX, &vp, &vn)) {
		r->vp = vp;
		r->vleft = vn;
	}
	if (r->vleft) {
		gz_feed_view(r);
		return 0;
	}
	if (r->in_view) { /* the view was the rest */
		r->src_eof = true;
		return 0;
	}
	ssize_t n = pare_istream_read(r->src, r->in, sizeof(r->in), err);
	if (n < 0)
		return (int)n;
	if (n == 0)
		r->src_eof = true;
	r->zs.next_in = r->in;
	r->zs.avail_in = (uInt)n;
	return 0;
}

static void gz_start_member(struct pare_gz_reader *r)
{
	inflateReset(&r->zs);
	r->member_done = false;
	r->member_start = r->offset;
	r->phase = PH_HEADER;
	r->hstep = 0;
	r->hleft = 0;
	r->tlen = 0;
	r->crc = (uint32_t)crc32(0L, Z_NULL, 0);
	r->isize = 0;
	r->deflate_started = false;
	r->mpos = r->mlen = 0;
}

/* Whether input remains after the current member (reading more if needed). */
static int gz_more_input(struct pare_gz_reader *r, struct pare_error *err)
{
	int rc = gz_fill(r, err);
	if (rc < 0)
		return rc;
	return r->zs.avail_in > 0;
}

static int gz_corrupt(struct pare_gz_reader *r, const char *why, struct pare_error *err)
{
	return pare_error_set(err, -PARE_E_FORMAT, "corrupt gzip data near offset %llu: %s",
			      (unsigned long long)r->offset, why);
}

#ifdef PARE_HAVE_LIBDEFLATE
#define GZ_WHOLE_FIRST_MAX (64u << 20)
#define GZ_WHOLE_MAX (1u << 30) /* larger members stream through zlib */

/* The first size of the member buffer: the ISIZE the input's last four
 * bytes claim (the last member's, the one that counts for an index), at
 * least 64 KiB, at most GZ_WHOLE_FIRST_MAX and the cap. */
static size_t gz_whole_guess(const struct pare_gz_reader *r, size_t cap)
{
	size_t g = 65536;
	if (r->zs.avail_in >= 4) {
		const unsigned char *e = r->zs.next_in + r->zs.avail_in - 4;
		size_t isize = (size_t)e[0] | (size_t)e[1] << 8 | (size_t)e[2] << 16 |
			       (size_t)e[3] << 24;
		if (isize > g)
			g = isize < GZ_WHOLE_FIRST_MAX ? isize : GZ_WHOLE_FIRST_MAX;
	}
	return g < cap ? g : cap;
}

/* Inflate the current member's deflate data whole into mbuf (the input is
 * all in zs.next_in: the source's view): 1 when done, 0 when it does not
 * fit under the cap (or GZ_WHOLE_MAX) or does not decode: nothing was
 * consumed and zlib streams the member instead, with its limit (which the
 * caller may raise midway) and its messages.  Negative: out of memory. */
static int gz_whole_member(struct pare_gz_reader *r, struct pare_error *err)
{
	if (!r->ld && !(r->ld = libdeflate_alloc_decompressor()))
		return pare_error_set(err, -ENOMEM, "out of memory");
	uint64_t left = r->max_out - r->out;
	size_t cap = left > GZ_WHOLE_MAX ? GZ_WHOLE_MAX : (size_t)left;
	/* each member from the guess (a signature member's cap is small) */
	size_t want = gz_whole_guess(r, cap);
	size_t in_used = 0, got = 0;
	for (;;) {
		if (want > r->mcap || !r->mbuf) {
			/* a fresh block: nothing in the old one is kept (realloc
			 * would copy it); one more byte for a NUL after the member */
			pare_bigbuf_free(r->mbuf);
			r->mcap = 0;
			if (!(r->mbuf = pare_bigbuf_alloc(want + 1)))
				return pare_error_set(err, -ENOMEM, "out of memory");
			r->mcap = want;
		}
		size_t room = r->mcap < cap ? r->mcap : cap;
		enum libdeflate_result res = libdeflate_deflate_decompress_ex(
			r->ld, r->zs.next_in, r->zs.avail_in, r->mbuf, room, &in_used, &got);
		if (res == LIBDEFLATE_SUCCESS)
			break;
		if (res != LIBDEFLATE_INSUFFICIENT_SPACE || room >= cap)
			return 0;
		want = room > cap / 2 ? cap : room * 2;
	}
	if (r->hook && in_used)
		r->hook(r->hook_ctx, r->zs.next_in, in_used);
	r->offset += in_used;
	r->zs.next_in += in_used;
	r->zs.avail_in -= (uInt)in_used;
	if (r->check_crc)
		r->crc = (uint32_t)libdeflate_crc32(r->crc, r->mbuf, got);
	r->isize += (uint32_t)got;
	r->mbuf[got] = '\0';
	r->mpos = 0;
	r->mlen = got;
	r->phase = PH_TRAILER;
	return 1;
}
#endif

/* The input in place and libdeflate: members are inflated whole and need
 * no second buffer (and views into them stay possible). */
static bool gz_whole_mode(const struct pare_gz_reader *r)
{
#ifdef PARE_HAVE_LIBDEFLATE
	return r->in_view;
#else
	(void)r;
	return false;
#endif
}

/* Serve from the whole member's buffer. */
static size_t gz_from_member(struct pare_gz_reader *r, void *buf, size_t n)
{
	size_t k = r->mlen - r->mpos < n ? r->mlen - r->mpos : n;
	memcpy(buf, r->mbuf + r->mpos, k);
	r->mpos += k;
	return k;
}

static ssize_t gz_inflate_some(struct pare_gz_reader *r, void *buf, size_t n,
			       struct pare_error *err)
{
	if (r->mpos < r->mlen)
		return (ssize_t)gz_from_member(r, buf, n);
	int rc = gz_fill(r, err);
	if (rc < 0)
		return rc;
	if (r->zs.avail_in == 0)
		return pare_error_set(err, -PARE_E_TRUNCATED,
				      "gzip data ends early at offset %llu",
				      (unsigned long long)r->offset);
	if (r->phase != PH_DEFLATE)
		return (rc = gz_frame(r, err)) < 0 ? rc : 0;
#ifdef PARE_HAVE_LIBDEFLATE
	/* The whole rest is here (vleft 0): the member at once. */
	if (!r->deflate_started && r->in_view && r->vleft == 0) {
		r->deflate_started = true;
		if ((rc = gz_whole_member(r, err)) < 0)
			return rc;
		if (rc > 0)
			return (ssize_t)gz_from_member(r, buf, n);
	}
#endif
	r->deflate_started = true;
	uInt before = r->zs.avail_in;
	r->zs.next_out = buf;
	r->zs.avail_out = (uInt)(n > UINT32_MAX ? UINT32_MAX : n);
	uInt out_before = r->zs.avail_out;
	int zr = inflate(&r->zs, Z_NO_FLUSH);
	size_t used = before - r->zs.avail_in;
	if (r->hook && used)
		r->hook(r->hook_ctx, r->zs.next_in - used, used);
	r->offset += used;
	size_t got = out_before - r->zs.avail_out;
	if (r->check_crc && got)
		r->crc = (uint32_t)crc32(r->crc, buf, (uInt)got);
	r->isize += (uint32_t)got;
	if (zr == Z_STREAM_END)
		r->phase = PH_TRAILER;
	else if (zr != Z_OK && zr != Z_BUF_ERROR)
		return gz_corrupt(r, r->zs.msg ? r->zs.msg : "inflate failed", err);
	return (ssize_t)got;
}

/* Inflate into buf (n bytes), crossing into the next member in multi
 * mode, counting against the limit. */
static ssize_t gz_read_direct(struct pare_gz_reader *r, void *buf, size_t n,
			      struct pare_error *err)
{
	for (;;) {
		if (r->member_done) {
			if (!r->multi)
				return 0;
			int more = gz_more_input(r, err);
			if (more <= 0)
				return more;
			gz_start_member(r);
		}
		ssize_t got = gz_inflate_some(r, buf, n, err);
		if (got < 0)
			return got;
		if (got == 0)
			continue;
		if ((uint64_t)got > r->max_out - r->out)
			return pare_error_set(err, -PARE_E_TOO_BIG,
					      "decompressed data exceeds the limit of %llu bytes",
					      (unsigned long long)r->max_out);
		r->out += (uint64_t)got;
		return got;
	}
}

ssize_t pare_gz_read(struct pare_gz_reader *r, void *buf, size_t n, struct pare_error *err)
{
	if (n == 0)
		return 0;
	if (r->opos == r->olen) {
		if (n >= PARE_GZ_OUTBUF / 2 || gz_whole_mode(r))
			return gz_read_direct(r, buf, n, err);
		ssize_t got = gz_read_direct(r, r->obuf, sizeof(r->obuf), err);
		if (got <= 0)
			return got;
		r->opos = 0;
		r->olen = (size_t)got;
	}
	size_t k = r->olen - r->opos < n ? r->olen - r->opos : n;
	memcpy(buf, r->obuf + r->opos, k);
	r->opos += k;
	return (ssize_t)k;
}

int pare_gz_next_member(struct pare_gz_reader *r, struct pare_error *err)
{
	unsigned char sink[4096];
	r->opos = r->olen = 0; /* the rest of this member */
	while (!r->member_done) {
		ssize_t got = gz_inflate_some(r, sink, sizeof(sink), err);
		if (got < 0)
			return (int)got;
		if ((uint64_t)got > r->max_out - r->out)
			return pare_error_set(err, -PARE_E_TOO_BIG,
					      "decompressed data exceeds the limit of %llu bytes",
					      (unsigned long long)r->max_out);
		r->out += (uint64_t)got;
	}
	int more = gz_more_input(r, err);
	if (more <= 0)
		return more;
	gz_start_member(r);
	return 1;
}

static ssize_t gz_stream_read(void *ctx, void *buf, size_t n, struct pare_error *err)
{
	return pare_gz_read(ctx, buf, n, err);
}

/* In place from a member inflated whole (within the cap, as reads are). */
static bool gz_stream_view(void *ctx, size_t max, const void **p, size_t *n)
{
	struct pare_gz_reader *r = ctx;
	if (r->opos != r->olen || r->mpos >= r->mlen)
		return false;
	size_t k = r->mlen - r->mpos < max ? r->mlen - r->mpos : max;
	if ((uint64_t)k > r->max_out - r->out)
		return false; /* a read says why */
	*p = r->mbuf + r->mpos;
	*n = k;
	r->mpos += k;
	r->out += (uint64_t)k;
	return true;
}

void pare_gz_istream(struct pare_gz_reader *r, struct pare_istream *s)
{
	s->read = gz_stream_read;
	s->view = gz_stream_view;
	s->ctx = r;
}

void *pare_gz_take_member(struct pare_gz_reader *r, size_t *len)
{
	void *p = r->mbuf;
	*len = p ? r->mlen : 0;
	r->mbuf = NULL;
	r->mcap = r->mpos = r->mlen = 0;
	return p;
}

int pare_gz_writer_init(struct pare_gz_writer *w, struct pare_ostream *dst, int level,
			struct pare_error *err)
{
	memset(w, 0, offsetof(struct pare_gz_writer, out));
	w->dst = dst;
	w->level = level;
	if (deflateInit2(&w->zs, level, Z_DEFLATED, 16 + MAX_WBITS, 9, Z_DEFAULT_STRATEGY) != Z_OK)
		return pare_error_set(err, -ENOMEM, "cannot initialise zlib");
	w->zs_ready = true;
	return 0;
}

void pare_gz_writer_release(struct pare_gz_writer *w)
{
	if (w && w->zs_ready) {
		deflateEnd(&w->zs);
		w->zs_ready = false;
	}
}

void pare_gz_writer_set_hook(struct pare_gz_writer *w, pare_gz_input_hook hook, void *ctx)
{
	w->hook = hook;
	w->hook_ctx = ctx;
}

static int gz_deflate(struct pare_gz_writer *w, int flush, struct pare_error *err)
{
	int zr;
	do {
		w->zs.next_out = w->out;
		w->zs.avail_out = sizeof(w->out);
		zr = deflate(&w->zs, flush);
		if (zr == Z_STREAM_ERROR)
			return pare_error_set(err, -EIO, "zlib deflate failed");
		size_t n = sizeof(w->out) - w->zs.avail_out;
		if (n) {
			if (w->hook)
				w->hook(w->hook_ctx, w->out, n);
			int r = pare_ostream_write(w->dst, w->out, n, err);
			if (r < 0)
				return r;
			w->written += n;
		}
	} while (w->zs.avail_out == 0 || (flush == Z_FINISH && zr != Z_STREAM_END));
	return 0;
}

int pare_gz_write(struct pare_gz_writer *w, const void *p, size_t n, struct pare_error *err)
{
	const unsigned char *in = p;
	while (n > 0) {
		uInt chunk = n > (1u << 30) ? (1u << 30) : (uInt)n;
		w->zs.next_in = (unsigned char *)in;
		w->zs.avail_in = chunk;
		int r = gz_deflate(w, Z_NO_FLUSH, err);
		if (r < 0)
			return r;
		in += chunk;
		n -= chunk;
	}
	w->dirty = true;
	return 0;
}

int pare_gz_finish_member(struct pare_gz_writer *w, struct pare_error *err)
{
	w->zs.next_in = NULL;
	w->zs.avail_in = 0;
	int r = gz_deflate(w, Z_FINISH, err);
	if (r < 0)
		return r;
	deflateReset(&w->zs);
	w->dirty = false;
	return 0;
}

static int gz_stream_write(void *ctx, const void *p, size_t n, struct pare_error *err)
{
	return pare_gz_write(ctx, p, n, err);
}

void pare_gz_ostream(struct pare_gz_writer *w, struct pare_ostream *s)
{
	s->write = gz_stream_write;
	s->ctx = w;
}
