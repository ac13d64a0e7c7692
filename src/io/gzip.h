/* Reading gzip members one at a time (zlib).
 *
 * APK v2 files are several gzip members back to back; the signature and
 * the identity of a package are defined over the *compressed* bytes of one
 * member.  The reader therefore reports member boundaries and hands every
 * compressed byte of the current member to an optional hook (to be hashed)
 * while it decompresses.
 *
 * In single-member mode pare_gz_read() returns 0 at the end of the current
 * member; pare_gz_next_member() then starts the next one.  In multi-member
 * mode (pare_gz_set_multi) it continues through all remaining members and
 * returns 0 only at the end of the input, as gzip -dc does.
 *
 * Bounds: max_out caps the decompressed bytes of the current member (or of
 * the rest of the input in multi-member mode) so that a gzip bomb fails
 * with -PARE_E_TOO_BIG instead of filling memory or disk.
 *
 * zlib inflates the raw deflate data; the gzip header (magic, method 8,
 * no reserved flags, optional extra field, name and comment of at most
 * PARE_GZ_HEADER_FIELD_MAX bytes each, header CRC) and trailer (CRC32,
 * ISIZE) are read here.
 *
 * When the source offers its rest in place (pare_istream_view: a memory
 * stream), the reader uses it without copying, and with libdeflate (when
 * built with it) inflates each member whole, about twice zlib's speed,
 * into a member buffer that grows up to the cap (first size: the last
 * member's ISIZE, as the input's last four bytes claim, at most 64 MiB);
 * reads are then served from that buffer.  Hook, CRC32, ISIZE and errors
 * are as with zlib.
 *
 * Small reads (tar headers) are served from an output buffer of
 * PARE_GZ_OUTBUF bytes that never holds more than the current member, so
 * zlib decodes in large steps; the hook may therefore see a member's
 * compressed bytes before the caller has read what they decompress to.
 *
 * Ownership: the reader does not own src.  Release with pare_gz_reader_release.
 */
#ifndef PARE_IO_GZIP_H
#define PARE_IO_GZIP_H

#include <stdbool.h>
#include <stdint.h>
#include <zlib.h>

#include "io/stream.h"

#define PARE_GZ_INBUF 65536
#define PARE_GZ_OUTBUF 32768
#define PARE_GZ_HEADER_FIELD_MAX 65536

typedef void (*pare_gz_input_hook)(void *ctx, const void *p, size_t n);

struct pare_gz_reader {
	struct pare_istream *src;
	const char *name;       /* for messages */
	z_stream zs;
	bool zs_ready;
	bool member_done;       /* Z_STREAM_END seen for the current member */
	bool src_eof;
	bool multi;
	uint64_t offset;        /* compressed bytes consumed so far */
	uint64_t member_start;  /* compressed offset where the member began */
	uint64_t out;           /* decompressed bytes since the last limit reset */
	uint64_t max_out;
	pare_gz_input_hook hook;
	void *hook_ctx;
	size_t opos, olen;      /* unread output in obuf[opos..olen) */
	/* The gzip framing, parsed here (zlib inflates raw deflate): */
	int phase;              /* header, deflate data, trailer (gzip.c) */
	int hstep;              /* where in the header */
	uint8_t flags;          /* FLG */
	uint32_t hleft;         /* bytes left of the current header field */
	unsigned char tail[8];  /* CRC32 and ISIZE as read */
	size_t tlen;
	bool check_crc;         /* compute and compare the CRC32 (default) */
	uint32_t crc, isize;    /* of the member's output so far */
	/* The source's rest in place (pare_istream_view), fed to zlib in
	 * pieces of at most 4 GiB: */
	const unsigned char *vp;
	size_t vleft;
	bool in_view;           /* zs.next_in points into the view */
	bool deflate_started;   /* the current member's deflate data began */
	/* The whole member inflated at once (libdeflate): */
	void *ld;               /* struct libdeflate_decompressor *, or NULL */
	unsigned char *mbuf;
	size_t mcap, mpos, mlen;
	unsigned char in[PARE_GZ_INBUF];
	unsigned char obuf[PARE_GZ_OUTBUF];
};

int pare_gz_reader_init(struct pare_gz_reader *r, struct pare_istream *src, const char *name,
			struct pare_error *err);
void pare_gz_reader_release(struct pare_gz_reader *r);
/* Set the hook that receives the compressed bytes of the current member. */
void pare_gz_set_hook(struct pare_gz_reader *r, pare_gz_input_hook hook, void *ctx);
/* Cap the decompressed bytes from now on (resets the count). */
void pare_gz_set_limit(struct pare_gz_reader *r, uint64_t max_out);
/* Change the cap without resetting the count (once a member turns out to
 * be of a kind that may be larger). */
void pare_gz_raise_limit(struct pare_gz_reader *r, uint64_t max_out);
void pare_gz_set_multi(struct pare_gz_reader *r, bool multi);
/* Whether members (from the current one on) have their CRC32 computed and
 * checked (the default).  A caller whose member is covered by a stronger
 * digest of its compressed bytes (a package's datahash) may turn it off;
 * the length (ISIZE) is still checked. */
void pare_gz_set_crc(struct pare_gz_reader *r, bool check);
ssize_t pare_gz_read(struct pare_gz_reader *r, void *buf, size_t n, struct pare_error *err);
/* Finish the current member (reading to its end) and start the next one:
 * 1 if a next member begins, 0 at the end of the input. */
int pare_gz_next_member(struct pare_gz_reader *r, struct pare_error *err);
/* A pare_istream over pare_gz_read; its view() hands out the bytes of a
 * member inflated whole in place. */
void pare_gz_istream(struct pare_gz_reader *r, struct pare_istream *s);
/* Take the buffer of the last member inflated whole (pare_bigbuf_alloc,
 * *len bytes and a NUL after them; pare_bigbuf_free it), or NULL: views into it stay
 * valid in the caller's hands.  Call once the member was read. */
void *pare_gz_take_member(struct pare_gz_reader *r, size_t *len);

/* Writing gzip members (deterministic: no name, mtime 0, fixed level).
 * Each member is finished with pare_gz_finish_member(); the writer can
 * then start another.  The hook sees every compressed byte written (to
 * hash a member while it is produced).  Does not own dst. */
struct pare_gz_writer {
	struct pare_ostream *dst;
	z_stream zs;
	bool zs_ready;
	bool dirty;            /* input given since the member started */
	int level;
	uint64_t written;      /* compressed bytes written */
	pare_gz_input_hook hook;
	void *hook_ctx;
	unsigned char out[PARE_GZ_INBUF];
};

int pare_gz_writer_init(struct pare_gz_writer *w, struct pare_ostream *dst, int level,
			struct pare_error *err);
void pare_gz_writer_release(struct pare_gz_writer *w);
void pare_gz_writer_set_hook(struct pare_gz_writer *w, pare_gz_input_hook hook, void *ctx);
int pare_gz_write(struct pare_gz_writer *w, const void *p, size_t n, struct pare_error *err);
/* End the current member (even an empty one) and prepare a new one. */
int pare_gz_finish_member(struct pare_gz_writer *w, struct pare_error *err);
void pare_gz_ostream(struct pare_gz_writer *w, struct pare_ostream *s);

#endif
