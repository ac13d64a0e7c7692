#include "base/buf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"

void pare_buf_init(struct pare_buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

void pare_buf_release(struct pare_buf *b)
{
	if (!b)
		return;
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

void pare_buf_reset(struct pare_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

int pare_buf_reserve(struct pare_buf *b, size_t extra)
{
	if (extra > b->max || b->len > b->max - extra)
		return -PARE_E_TOO_BIG;
	/* +1 for the terminator; with max == SIZE_MAX that +1 could wrap. */
	if (b->len + extra == SIZE_MAX)
		return -PARE_E_TOO_BIG;
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	if (b->max < SIZE_MAX && cap > b->max + 1)
		cap = b->max + 1;
	char *p = realloc(b->data, cap);
	if (!p)
		return -ENOMEM;
	/* Keep data[len] == '\0' even when this is the first allocation. */
	p[b->len] = '\0';
	b->data = p;
	b->cap = cap;
	return 0;
}

int pare_buf_append(struct pare_buf *b, const void *p, size_t n)
{
	int r = pare_buf_reserve(b, n);
	if (r < 0)
		return r;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int pare_buf_append_slice(struct pare_buf *b, struct pare_slice s)
{
	return pare_buf_append(b, s.ptr, s.len);
}

int pare_buf_append_str(struct pare_buf *b, const char *s)
{
	return pare_buf_append(b, s, strlen(s));
}

int pare_buf_putc(struct pare_buf *b, char c)
{
	return pare_buf_append(b, &c, 1);
}

int pare_buf_appendf(struct pare_buf *b, const char *fmt, ...)
{
	va_list ap;
	char small[256];
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return -EINVAL;
	if ((size_t)n < sizeof(small))
		return pare_buf_append(b, small, (size_t)n);
	int r = pare_buf_reserve(b, (size_t)n);
	if (r < 0)
		return r;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

/* text: tab and '\\' kept (a line of a script shown to people). */
static int append_escaped(struct pare_buf *b, struct pare_slice s, bool text)
{
	const unsigned char *p = (const unsigned char *)s.ptr;
	int r = 0;
	for (size_t i = 0; i < s.len && r == 0;) {
		unsigned char c = p[i];
		size_t n = c >= 0x80 ? pare_utf8_seq_len(p + i, s.len - i) : 1;
		if (c == '\\' && !text)
			r = pare_buf_append(b, "\\\\", 2);
		else if (c == '\t' && text)
			r = pare_buf_putc(b, '\t');
		else if (n == 0 || c < 0x20 || c == 0x7f)
			r = pare_buf_appendf(b, "\\x%02x", c);
		else if (c == 0xc2 && p[i + 1] < 0xa0) /* n == 2: a C1 control */
			r = pare_buf_appendf(b, "\\xc2\\x%02x", p[i + 1]);
		else
			r = pare_buf_append(b, p + i, n);
		i += n ? n : 1;
	}
	return r;
}

int pare_buf_append_escaped(struct pare_buf *b, struct pare_slice s)
{
	return append_escaped(b, s, false);
}

int pare_buf_append_escaped_text(struct pare_buf *b, struct pare_slice s)
{
	return append_escaped(b, s, true);
}

static bool pct_plain(unsigned char c, const char *keep)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.' || c == '_' || c == '~' ||
	       (keep && c && strchr(keep, c) != NULL);
}

int pare_buf_append_pct(struct pare_buf *b, struct pare_slice s, const char *keep,
			unsigned flags)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t start = b->len;
	int r = 0;
	for (size_t i = 0; r == 0 && i < s.len; i++) {
		unsigned char c = (unsigned char)s.ptr[i];
		if ((flags & PARE_PCT_LOWER) && c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		if (pct_plain(c, keep)) {
			r = pare_buf_putc(b, (char)c);
		} else {
			char enc[3] = { '%', hex[c >> 4], hex[c & 15] };
			r = pare_buf_append(b, enc, 3);
		}
	}
	if (r < 0)
		pare_buf_truncate(b, start);
	return r;
}

void pare_buf_truncate(struct pare_buf *b, size_t len)
{
	if (len < b->len) {
		b->len = len;
		b->data[len] = '\0';
	}
}

struct pare_slice pare_buf_slice(const struct pare_buf *b)
{
	return pare_slice_make(b->data, b->len);
}

char *pare_buf_detach(struct pare_buf *b, size_t *len)
{
	if (!b->data && pare_buf_reserve(b, 0) < 0)
		return NULL;
	char *p = b->data;
	if (len)
		*len = b->len;
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	return p;
}
