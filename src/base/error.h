/* Error codes and error messages.
 *
 * Convention: every fallible function returns 0 on success or a negative
 * code: -errno for system errors, or -PARE_E_* (all above any errno) for the
 * project's own.  Functions that can say more take an optional
 * `struct pare_error *` and fill it with a one-line human message that
 * names what failed, where (file, offset, field) and why.  The CLI prints
 * that message; the library never prints.
 *
 * Invariants: err->msg is always NUL-terminated; err may be NULL anywhere
 * an error is accepted, in which case only the code is returned.
 */
#ifndef PARE_BASE_ERROR_H
#define PARE_BASE_ERROR_H

#include <stddef.h>

enum pare_errcode {
	PARE_E_FIRST = 4096, /* above every errno value */
	PARE_E_FORMAT = PARE_E_FIRST, /* malformed input */
	PARE_E_TOO_BIG,               /* a size bound was exceeded */
	PARE_E_TRUNCATED,             /* input ended early */
	PARE_E_INVALID_VERSION,       /* not a valid apk version */
	PARE_E_INVALID_DEP,           /* not a valid dependency atom */
	PARE_E_UNSAFE_PATH,           /* path escapes a root or is not allowed */
	PARE_E_UNTRUSTED,             /* no signature by a known key */
	PARE_E_BAD_SIGNATURE,         /* a signature did not verify */
	PARE_E_INTEGRITY,             /* a checksum or hash did not match */
	PARE_E_USAGE,                 /* bad command-line usage */
	PARE_E_NOT_FOUND,             /* a named thing does not exist */
	PARE_E_UNSUPPORTED,           /* a valid input this code does not handle */
	PARE_E_CRYPTO,                /* the crypto library failed */
	PARE_E_ROLLBACK,              /* older than what was seen before (a replay) */
	PARE_E_LAST
};

#define PARE_ERROR_MSG_MAX 512

struct pare_error {
	int code;                     /* 0 or a negative code */
	char msg[PARE_ERROR_MSG_MAX]; /* one line, no trailing newline */
};

/* Text for a code (negative or positive; errno values use strerror). */
const char *pare_strerror(int code);

/* Record `code` (negative) with a printf-style message in err (if not NULL)
 * and return code, so callers can write `return pare_error_set(...)`. */
int pare_error_set(struct pare_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prefix an existing message with context ("FILE: " + old message). Keeps
 * the code.  Returns err->code (or `code` when err is NULL). */
int pare_error_prefix(struct pare_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Reset to "no error". */
void pare_error_clear(struct pare_error *err);

/* The message if one was set, else the code's text. Never NULL. */
const char *pare_error_text(const struct pare_error *err, int code);

#endif
