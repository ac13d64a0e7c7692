/* String slices: a pointer and a length into memory owned by someone else
 * (like apk's blobs).  Parsers work on slices so that untrusted input is
 * never assumed to be NUL-terminated.
 *
 * Invariant: ptr may be NULL only when len == 0.  A slice never owns its
 * memory; it is valid as long as the memory it points into.
 */
#ifndef PARE_BASE_SLICE_H
#define PARE_BASE_SLICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct pare_slice {
	const char *ptr;
	size_t len;
};

#define PARE_SLICE_NULL ((struct pare_slice){ NULL, 0 })
/* A slice of a string literal (compile-time length). */
#define PARE_SLICE_LIT(s) ((struct pare_slice){ (s), sizeof(s) - 1 })

struct pare_slice pare_slice_from(const char *cstr);
/* The three below are inline: parsers call them for every atom and field. */
static inline struct pare_slice pare_slice_make(const char *ptr, size_t len)
{
	return (struct pare_slice){ ptr, ptr ? len : 0 };
}
static inline bool pare_slice_eq(struct pare_slice a, struct pare_slice b)
{
	/* the same bytes (interned strings) need no comparison */
	return a.len == b.len && (a.len == 0 || a.ptr == b.ptr || memcmp(a.ptr, b.ptr, a.len) == 0);
}
bool pare_slice_eq_cstr(struct pare_slice a, const char *cstr);
int pare_slice_cmp(struct pare_slice a, struct pare_slice b);
bool pare_slice_starts_with(struct pare_slice s, struct pare_slice prefix);
bool pare_slice_ends_with(struct pare_slice s, struct pare_slice suffix);
/* Index of the first c in s, or -1. */
ptrdiff_t pare_slice_find(struct pare_slice s, char c);
/* Split s at the first `sep`: *head gets the part before, *s the rest after
 * the separator.  Returns false (head = whole s, s = empty) if absent. */
bool pare_slice_split(struct pare_slice *s, char sep, struct pare_slice *head);
/* Take the next token separated by runs of spaces/tabs; false at end. */
bool pare_slice_next_word(struct pare_slice *s, struct pare_slice *word);
struct pare_slice pare_slice_trim(struct pare_slice s);
/* s[off, off + len), both clamped to s. */
static inline struct pare_slice pare_slice_sub(struct pare_slice s, size_t off, size_t len)
{
	if (off > s.len)
		off = s.len;
	if (len > s.len - off)
		len = s.len - off;
	return pare_slice_make(s.ptr ? s.ptr + off : NULL, len);
}
/* Strict unsigned decimal parse of the whole slice; false on empty,
 * non-digit or overflow. */
bool pare_slice_to_u64(struct pare_slice s, uint64_t *out);
/* Whether s is well-formed UTF-8 (no overlong forms, no surrogates, at
 * most U+10FFFF).  On false, *bad (if not NULL) is the offset of the first
 * byte of the bad sequence. */
bool pare_slice_utf8_valid(struct pare_slice s, size_t *bad);
/* Length of the well-formed UTF-8 sequence at p (1..4; left > 0 bytes
 * readable), or 0 when it is malformed or cut short. */
size_t pare_utf8_seq_len(const unsigned char *p, size_t left);
/* Newly malloc'ed NUL-terminated copy, or NULL on allocation failure. */
char *pare_slice_dup(struct pare_slice s);

#endif
