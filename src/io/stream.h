/* Byte streams: the one reading interface the format code is written
 * against, so a tar reader does not care whether bytes come from a file, a
 * gzip member or memory.
 *
 * read() returns the number of bytes stored (1..n), 0 at the end of the
 * stream, or a negative code (and may fill err).  A short read is not the
 * end.  Ownership of ctx stays with whoever built the stream.
 */
#ifndef PARE_IO_STREAM_H
#define PARE_IO_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/error.h"

struct pare_istream {
	ssize_t (*read)(void *ctx, void *buf, size_t n, struct pare_error *err);
	void *ctx;
	/* Optional (NULL: not offered): hand out the next bytes of the
	 * stream in place, without copying, at most max (SIZE_MAX: all that
	 * is left), and consume them; *n may be less than max (and 0 at the
	 * end).  False when the stream cannot (yet): nothing is consumed
	 * then.  The bytes stay valid as long as the stream's source (a
	 * memory stream's buffer, a gzip member inflated whole). */
	bool (*view)(void *ctx, size_t max, const void **p, size_t *n);
};

/* Up to max next bytes of s in place (see view above); false when not
 * offered. */
bool pare_istream_view(struct pare_istream *s, size_t max, const void **p, size_t *n);

/* Write interface: write all n bytes or fail with a negative code. */
struct pare_ostream {
	int (*write)(void *ctx, const void *buf, size_t n, struct pare_error *err);
	void *ctx;
};

static inline ssize_t pare_istream_read(struct pare_istream *s, void *buf, size_t n,
					struct pare_error *err)
{
	return s->read(s->ctx, buf, n, err);
}

static inline int pare_ostream_write(struct pare_ostream *s, const void *buf, size_t n,
				     struct pare_error *err)
{
	return s->write(s->ctx, buf, n, err);
}

/* Read exactly n bytes: 0, or -PARE_E_TRUNCATED if the stream ends first. */
int pare_istream_read_full(struct pare_istream *s, void *buf, size_t n, struct pare_error *err);
/* Read and drop n bytes (same errors as read_full). */
int pare_istream_skip(struct pare_istream *s, size_t n, struct pare_error *err);

/* A stream over memory the caller keeps alive. */
/* A stream over memory the caller keeps; it offers view(). */
struct pare_mem_istream {
	const unsigned char *p;
	size_t len, pos;
};
void pare_mem_istream_init(struct pare_mem_istream *m, struct pare_istream *s, const void *p,
			   size_t len);

/* A stream over a file descriptor (not owned). */
struct pare_fd_stream {
	int fd;
	const char *name; /* for messages */
};
void pare_fd_istream_init(struct pare_fd_stream *f, struct pare_istream *s, int fd,
			  const char *name);
void pare_fd_ostream_init(struct pare_fd_stream *f, struct pare_ostream *s, int fd,
			  const char *name);

/* An output stream that appends to a pare_buf (bounded by its max). */
struct pare_buf;
void pare_buf_ostream_init(struct pare_ostream *s, struct pare_buf *b);

/* Append the whole file at path to b (bounded by b's max: -PARE_E_TOO_BIG
 * with "PATH: larger than N bytes"). */
int pare_read_file(const char *path, struct pare_buf *b, struct pare_error *err);
/* Append what is left to read from fd to b (EINTR retried; fd not closed);
 * errors name `name`: "NAME: larger than N bytes" (-PARE_E_TOO_BIG, b's
 * max), "NAME: <strerror>".  The one whole-file read loop. */
int pare_read_fd(int fd, struct pare_buf *b, const char *name, struct pare_error *err);

/* The one read/write retry loops on a file descriptor.  pare_read_some:
 * read(2) retried on EINTR; bytes read, 0 at the end, -errno.
 * pare_write_all: all n bytes, EINTR and short writes retried; 0 or
 * -errno. */
ssize_t pare_read_some(int fd, void *buf, size_t n);
int pare_write_all(int fd, const void *p, size_t n);

/* Copy what is left to read from fd to out, at most max bytes
 * ("NAME: larger than N bytes", -PARE_E_TOO_BIG beyond; read errors name
 * `name`).  The one fd-to-stream copy loop. */
int pare_copy_fd(int fd, struct pare_ostream *out, uint64_t max, const char *name,
		 struct pare_error *err);

#endif
