#include "base/error.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const project_messages[PARE_E_LAST - PARE_E_FIRST] = {
	[PARE_E_FORMAT - PARE_E_FIRST] = "malformed input",
	[PARE_E_TOO_BIG - PARE_E_FIRST] = "size limit exceeded",
	[PARE_E_TRUNCATED - PARE_E_FIRST] = "unexpected end of input",
	[PARE_E_INVALID_VERSION - PARE_E_FIRST] = "invalid version",
	[PARE_E_INVALID_DEP - PARE_E_FIRST] = "invalid dependency",
	[PARE_E_UNSAFE_PATH - PARE_E_FIRST] = "unsafe path",
	[PARE_E_UNTRUSTED - PARE_E_FIRST] = "UNTRUSTED signature",
	[PARE_E_BAD_SIGNATURE - PARE_E_FIRST] = "BAD signature",
	[PARE_E_INTEGRITY - PARE_E_FIRST] = "integrity check failed",
	[PARE_E_USAGE - PARE_E_FIRST] = "invalid usage",
	[PARE_E_NOT_FOUND - PARE_E_FIRST] = "not found",
	[PARE_E_UNSUPPORTED - PARE_E_FIRST] = "not supported",
	[PARE_E_CRYPTO - PARE_E_FIRST] = "cryptographic library error",
	[PARE_E_ROLLBACK - PARE_E_FIRST] = "older than seen before",
};

const char *pare_strerror(int code)
{
	if (code == INT_MIN)
		return "unknown error";
	if (code < 0)
		code = -code;
	if (code == 0)
		return "success";
	if (code >= PARE_E_FIRST && code < PARE_E_LAST)
		return project_messages[code - PARE_E_FIRST];
	return strerror(code);
}

int pare_error_set(struct pare_error *err, int code, const char *fmt, ...)
{
	if (!err)
		return code;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	err->code = code;
	return code;
}

int pare_error_prefix(struct pare_error *err, int code, const char *fmt, ...)
{
	if (!err)
		return code;
	char prefix[PARE_ERROR_MSG_MAX];
	char old[PARE_ERROR_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	if (err->code == 0 || err->msg[0] == '\0') {
		/* No message yet (or a code recorded without one): use the
		 * code's text. */
		if (err->code == 0)
			err->code = code;
		snprintf(old, sizeof(old), "%s", pare_strerror(err->code));
	} else {
		memcpy(old, err->msg, sizeof(old));
	}
	/* Concatenate by hand: the combined text may be cut, on purpose. */
	size_t a = strlen(prefix), b = strlen(old);
	if (a > sizeof(err->msg) - 1)
		a = sizeof(err->msg) - 1;
	if (b > sizeof(err->msg) - 1 - a)
		b = sizeof(err->msg) - 1 - a;
	memcpy(err->msg, prefix, a);
	memcpy(err->msg + a, old, b);
	err->msg[a + b] = '\0';
	return err->code;
}

void pare_error_clear(struct pare_error *err)
{
	if (!err)
		return;
	err->code = 0;
	err->msg[0] = '\0';
}

const char *pare_error_text(const struct pare_error *err, int code)
{
	if (err && err->code != 0 && err->msg[0])
		return err->msg;
	return pare_strerror(code);
}
