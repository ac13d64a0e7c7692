#include "io/stream.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"

int pare_istream_read_full(struct pare_istream *s, void *buf, size_t n, struct pare_error *err)
{
	unsigned char *p = buf;
	while (n > 0) {
		ssize_t r = pare_istream_read(s, p, n, err);
		if (r < 0)
			return (int)r;
		if (r == 0)
			return pare_error_set(err, -PARE_E_TRUNCATED, "unexpected end of data");
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

int pare_istream_skip(struct pare_istream *s, size_t n, struct pare_error *err)
{
	unsigned char tmp[16384];
	while (n > 0) {
		size_t chunk = n < sizeof(tmp) ? n : sizeof(tmp);
		int r = pare_istream_read_full(s, tmp, chunk, err);
		if (r < 0)
			return r;
		n -= chunk;
	}
	return 0;
}

static ssize_t mem_read(void *ctx, void *buf, size_t n, struct pare_error *err)
{
	struct pare_mem_istream *m = ctx;
	size_t left = m->len - m->pos;
	if (n > left)
		n = left;
	if (n)
		memcpy(buf, m->p + m->pos, n);
	m->pos += n;
	return (ssize_t)n;
}

static bool mem_view(void *ctx, size_t max, const void **p, size_t *n)
{
	struct pare_mem_istream *m = ctx;
	*p = m->p + m->pos;
	*n = m->len - m->pos < max ? m->len - m->pos : max;
	m->pos += *n;
	return true;
}

void pare_mem_istream_init(struct pare_mem_istream *m, struct pare_istream *s, const void *p,
			   size_t len)
{
	m->p = p;
	m->len = len;
	m->pos = 0;
	s->read = mem_read;
	s->ctx = m;
	s->view = mem_view;
}

bool pare_istream_view(struct pare_istream *s, size_t max, const void **p, size_t *n)
{
	return s->view && s->view(s->ctx, max, p, n);
}

ssize_t pare_read_some(int fd, void *buf, size_t n)
{
	for (;;) {
		ssize_t r = read(fd, buf, n);
		if (r >= 0)
			return r;
		if (errno != EINTR)
			return -errno;
	}
}

int pare_write_all(int fd, const void *p, size_t n)
{
	const unsigned char *c = p;
	while (n > 0) {
		ssize_t w = write(fd, c, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		if (w == 0)
			return -EIO;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

static ssize_t fd_read(void *ctx, void *buf, size_t n, struct pare_error *err)
{
	struct pare_fd_stream *f = ctx;
	ssize_t r = pare_read_some(f->fd, buf, n);
	if (r < 0)
		return pare_error_set(err, (int)r, "%s: read error: %s", f->name,
				      strerror((int)-r));
	return r;
}

static int fd_write(void *ctx, const void *buf, size_t n, struct pare_error *err)
{
	struct pare_fd_stream *f = ctx;
	int r = pare_write_all(f->fd, buf, n);
	if (r < 0)
		return pare_error_set(err, r, "%s: write error: %s", f->name, strerror(-r));
	return 0;
}

void pare_fd_istream_init(struct pare_fd_stream *f, struct pare_istream *s, int fd,
			  const char *name)
{
	f->fd = fd;
	f->name = name;
	s->read = fd_read;
	s->view = NULL;
	s->ctx = f;
}

void pare_fd_ostream_init(struct pare_fd_stream *f, struct pare_ostream *s, int fd,
			  const char *name)
{
	f->fd = fd;
	f->name = name;
	s->write = fd_write;
	s->ctx = f;
}

static int buf_write(void *ctx, const void *p, size_t n, struct pare_error *err)
{
	int r = pare_buf_append(ctx, p, n);
	if (r == -PARE_E_TOO_BIG)
		return pare_error_set(err, r, "output larger than %zu bytes",
				      ((struct pare_buf *)ctx)->max);
	return r;
}

void pare_buf_ostream_init(struct pare_ostream *s, struct pare_buf *b)
{
	s->write = buf_write;
	s->ctx = b;
}

int pare_read_fd(int fd, struct pare_buf *b, const char *name, struct pare_error *err)
{
	/* Straight into b: a regular file's size (+1 to see its end) first. */
	struct stat st;
	size_t want = 65536;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= 0 &&
	    (uint64_t)st.st_size < b->max)
		want = (size_t)st.st_size + 1;
	for (;;) {
		size_t room = b->max - b->len;
		char probe;
		if (room > want)
			room = want;
		if (room && pare_buf_reserve(b, room) < 0)
			return pare_error_set(err, -ENOMEM, "%s: out of memory", name);
		ssize_t n = pare_read_some(fd, room ? b->data + b->len : &probe, room ? room : 1);
		if (n < 0)
			return pare_error_set(err, (int)n, "%s: %s", name, strerror((int)-n));
		if (n == 0)
			return 0;
		if (!room)
			return pare_error_set(err, -PARE_E_TOO_BIG, "%s: larger than %zu bytes", name,
					      b->max);
		b->len += (size_t)n;
		b->data[b->len] = '\0';
		/* the rest of the room reserve() made, else another 64 KiB */
		want = b->cap - b->len - 1 >= 4096 ? b->cap - b->len - 1 : 65536;
	}
}

int pare_read_file(const char *path, struct pare_buf *b, struct pare_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return pare_error_set(err, -errno, "%s: %s", path, strerror(errno));
	int r = pare_read_fd(fd, b, path, err);
	close(fd);
	return r;
}

int pare_copy_fd(int fd, struct pare_ostream *out, uint64_t max, const char *name,
		 struct pare_error *err)
{
	char buf[65536];
	uint64_t total = 0;
	for (;;) {
		ssize_t n = pare_read_some(fd, buf, sizeof(buf));
		if (n < 0)
			return pare_error_set(err, (int)n, "%s: %s", name, strerror((int)-n));
		if (n == 0)
			return 0;
		if ((uint64_t)n > max - total)
			return pare_error_set(err, -PARE_E_TOO_BIG, "%s: larger than %llu bytes", name,
					      (unsigned long long)max);
		total += (uint64_t)n;
		int r = pare_ostream_write(out, buf, (size_t)n, err);
		if (r < 0)
			return r;
	}
}
