#include "base/slice.h"

#include <stdlib.h>
#include <string.h>

struct pare_slice pare_slice_from(const char *cstr)
{
	if (!cstr)
		return PARE_SLICE_NULL;
	return (struct pare_slice){ cstr, strlen(cstr) };
}

bool pare_slice_eq_cstr(struct pare_slice a, const char *cstr)
{
	/* No strlen: most calls (key tables) differ in the first byte. */
	if (!cstr)
		return a.len == 0;
	size_t i = 0;
	for (; i < a.len; i++)
		if (cstr[i] == '\0' || cstr[i] != a.ptr[i])
			return false;
	return cstr[i] == '\0';
}

int pare_slice_cmp(struct pare_slice a, struct pare_slice b)
{
	size_t n = a.len < b.len ? a.len : b.len;
	int r = n ? memcmp(a.ptr, b.ptr, n) : 0;
	if (r != 0)
		return r;
	return (a.len > b.len) - (a.len < b.len);
}

bool pare_slice_starts_with(struct pare_slice s, struct pare_slice prefix)
{
	return s.len >= prefix.len &&
	       (prefix.len == 0 || memcmp(s.ptr, prefix.ptr, prefix.len) == 0);
}

bool pare_slice_ends_with(struct pare_slice s, struct pare_slice suffix)
{
	return s.len >= suffix.len &&
	       (suffix.len == 0 ||
		memcmp(s.ptr + s.len - suffix.len, suffix.ptr, suffix.len) == 0);
}

ptrdiff_t pare_slice_find(struct pare_slice s, char c)
{
	const char *p = s.len ? memchr(s.ptr, c, s.len) : NULL;
	return p ? p - s.ptr : -1;
}

bool pare_slice_split(struct pare_slice *s, char sep, struct pare_slice *head)
{
	ptrdiff_t i = pare_slice_find(*s, sep);
	if (i < 0) {
		*head = *s;
		*s = pare_slice_make(s->ptr ? s->ptr + s->len : NULL, 0);
		return false;
	}
	*head = pare_slice_make(s->ptr, (size_t)i);
	*s = pare_slice_make(s->ptr + i + 1, s->len - (size_t)i - 1);
	return true;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool pare_slice_next_word(struct pare_slice *s, struct pare_slice *word)
{
	size_t i = 0;
	while (i < s->len && is_blank(s->ptr[i]))
		i++;
	size_t start = i;
	while (i < s->len && !is_blank(s->ptr[i]))
		i++;
	if (i == start) {
		*s = pare_slice_make(s->ptr ? s->ptr + s->len : NULL, 0);
		return false;
	}
	*word = pare_slice_make(s->ptr + start, i - start);
	*s = pare_slice_make(s->ptr + i, s->len - i);
	return true;
}

struct pare_slice pare_slice_trim(struct pare_slice s)
{
	while (s.len && is_blank(s.ptr[0])) {
		s.ptr++;
		s.len--;
	}
	while (s.len && is_blank(s.ptr[s.len - 1]))
		s.len--;
	return s;
}

/* The eight ASCII digits at p as a number, or false when one is not a
 * digit: one load, a test of every byte at once and three multiply-add
 * steps (pairs, quads, the whole) instead of eight rounds. */
static bool digits8(const char *p, uint64_t *out)
{
	uint64_t w;
	memcpy(&w, p, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	w = __builtin_bswap64(w); /* the first digit in the lowest byte */
#endif
	const uint64_t hi = 0xF0F0F0F0F0F0F0F0ULL, threes = 0x3030303030303030ULL;
	/* a digit is 0x3N with N <= 9: N + 6 does not carry into the 3 */
	if ((w & hi) != threes || ((w + 0x0606060606060606ULL) & hi) != threes)
		return false;
	w -= threes;
	w = (w * 10 + (w >> 8)) & 0x00FF00FF00FF00FFULL;
	w = (w * 100 + (w >> 16)) & 0x0000FFFF0000FFFFULL;
	*out = (w * 10000 + (w >> 32)) & 0xFFFFFFFFULL;
	return true;
}

bool pare_slice_to_u64(struct pare_slice s, uint64_t *out)
{
	uint64_t v = 0, x;
	if (s.len == 0)
		return false;
	size_t i = 0;
	/* whole blocks of eight within the first 19 digits (no overflow) */
	for (; i + 8 <= s.len && i + 8 <= 19; i += 8) {
		if (!digits8(s.ptr + i, &x))
			return false;
		v = v * 100000000 + x;
	}
	for (; i < s.len; i++) {
		char c = s.ptr[i];
		if (c < '0' || c > '9')
			return false;
		unsigned d = (unsigned)(c - '0');
		/* 19 digits never overflow: only longer numbers are checked */
		if (i >= 19 && v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

char *pare_slice_dup(struct pare_slice s)
{
	char *p = malloc(s.len + 1);
	if (!p)
		return NULL;
	if (s.len)
		memcpy(p, s.ptr, s.len);
	p[s.len] = '\0';
	return p;
}

size_t pare_utf8_seq_len(const unsigned char *p, size_t left)
{
	unsigned char c = p[0];
	size_t n;
	uint32_t cp;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	if (n > left)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return n;
}

bool pare_slice_utf8_valid(struct pare_slice s, size_t *bad)
{
	const unsigned char *p = (const unsigned char *)s.ptr;
	for (size_t i = 0; i < s.len;) {
		size_t n = pare_utf8_seq_len(p + i, s.len - i);
		if (n == 0) {
			if (bad)
				*bad = i;
			return false;
		}
		i += n;
	}
	return true;
}
