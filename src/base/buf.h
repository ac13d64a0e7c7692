/* Bounded growable byte buffers (after curl's dynbuf and git's strbuf).
 *
 * Every buffer has a maximum size fixed at init; appending past it fails
 * with -PARE_E_TOO_BIG and leaves the buffer as it was, so a buffer fed by
 * untrusted input can never grow without bound.
 *
 * Invariants: len <= cap; len <= max; when data != NULL, data[len] == '\0'
 * (the terminator is not counted in len), so data can be used as a C string
 * when the content has no NUL bytes.  The buffer owns data.
 */
#ifndef PARE_BASE_BUF_H
#define PARE_BASE_BUF_H

#include <stddef.h>

#include "base/slice.h"

struct pare_buf {
	char *data;
	size_t len;
	size_t cap;
	size_t max;
};

void pare_buf_init(struct pare_buf *b, size_t max);
/* Free the memory; the buffer is empty (and reusable) afterwards. */
void pare_buf_release(struct pare_buf *b);
/* Forget the content, keep the memory. */
void pare_buf_reset(struct pare_buf *b);
/* Make room for `extra` more bytes without changing len. */
int pare_buf_reserve(struct pare_buf *b, size_t extra);
int pare_buf_append(struct pare_buf *b, const void *p, size_t n);
int pare_buf_append_slice(struct pare_buf *b, struct pare_slice s);
int pare_buf_append_str(struct pare_buf *b, const char *s);
int pare_buf_putc(struct pare_buf *b, char c);
int pare_buf_appendf(struct pare_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Append s as one printable line of valid UTF-8, for messages, evidence
 * and JSON made from names that strangers chose: control bytes (tab too),
 * DEL, the C1 controls (U+0080..U+009F: a terminal may obey them) and
 * every byte outside a well-formed UTF-8 sequence become "\xNN" (per
 * byte), and a backslash is doubled so that the text reads back
 * unambiguously. */
int pare_buf_append_escaped(struct pare_buf *b, struct pare_slice s);
/* The same for a line of text shown to people (a package script): tab and
 * '\' stay as they are, so that the text reads as written. */
int pare_buf_append_escaped_text(struct pare_buf *b, struct pare_slice s);
/* Append s percent-encoded (RFC 3986): the unreserved characters
 * (A-Z a-z 0-9 - . _ ~) and those in keep (may be NULL) stay plain, every
 * other byte becomes "%XX" (upper-case hex).  flags PARE_PCT_LOWER folds
 * A-Z to a-z first (package URL names).  The one percent-encoder: purls
 * (keep NULL) and repository package URLs (keep "+@:=,").  On failure the
 * buffer is as it was. */
#define PARE_PCT_LOWER 1u
int pare_buf_append_pct(struct pare_buf *b, struct pare_slice s, const char *keep,
			unsigned flags);
/* Shorten to len (<= current len). */
void pare_buf_truncate(struct pare_buf *b, size_t len);
struct pare_slice pare_buf_slice(const struct pare_buf *b);
/* Hand the memory to the caller (never NULL on success; "" when empty) and
 * leave the buffer empty.  Returns NULL only on allocation failure. */
char *pare_buf_detach(struct pare_buf *b, size_t *len);

#endif
