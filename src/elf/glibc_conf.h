/* glibc's run-time configuration files that decide what it dlopen()s,
 * which DT_NEEDED never shows: nsswitch.conf (NSS modules) and the gconv
 * module configuration (gconv-modules, gconv-modules.d/NAME.conf).  One
 * parser for both users: pare inspect (is what they name present?) and the
 * image builder (which packages does an image need?).
 *
 * Formats (glibc's, as its manual and the files themselves describe them):
 *   nsswitch.conf: "DATABASE: SERVICE [STATUS=ACTION] SERVICE ..."; '#'
 *     starts a comment; a service other than the built-in ones is loaded
 *     as libnss_SERVICE.so.2.
 *   gconv: "alias FROM TO" and "module FROM TO FILE [COST]" lines; names
 *     end in "//" (case-insensitive); FILE is relative to the file's
 *     directory (".so" appended) unless absolute; '#' starts a comment.
 *
 * Input is untrusted text given as a slice (no NUL needed); the callbacks
 * get slices into it.  Nothing is allocated.  A callback returning
 * non-zero stops the walk and that value is returned. */
#ifndef PARE_ELF_GLIBC_CONF_H
#define PARE_ELF_GLIBC_CONF_H

#include <stdbool.h>

#include "base/slice.h"

/* Services glibc >= 2.34 has built into libc.so.6 ("files", "dns"). */
bool pare_nss_builtin(struct pare_slice service);

/* Call fn for each service word of each database line (action items such
 * as "[NOTFOUND=return]" skipped), built-in services included. */
int pare_nsswitch_each(struct pare_slice text,
		       int (*fn)(void *ctx, struct pare_slice db, struct pare_slice service),
		       void *ctx);

enum pare_gconv_kind { PARE_GCONV_ALIAS = 1, PARE_GCONV_MODULE = 2 };

struct pare_gconv_line {
	enum pare_gconv_kind kind;
	struct pare_slice from, to; /* as written, "//" included */
	struct pare_slice file;     /* modules only */
};

/* Call fn for each well-formed alias and module line. */
int pare_gconv_conf_each(struct pare_slice text,
			 int (*fn)(void *ctx, const struct pare_gconv_line *l), void *ctx);

/* Do two charset names agree, as glibc compares them (ASCII case folded,
 * trailing "//" ignored on both)? */
bool pare_gconv_name_eq(struct pare_slice a, struct pare_slice b);

/* Is this charset built into libc (no module needed): UTF-8, UCS-2/4,
 * UTF-16/32 (with LE/BE), ASCII and their usual aliases, INTERNAL. */
bool pare_gconv_builtin(struct pare_slice name);

#endif
