/* .PKGINFO: the metadata file of an APK v2 package (in the control member).
 *
 * Format: one `key = value` per line ("key=value" is accepted too: a line
 * is split at its first '=' and both sides are trimmed), lines starting
 * with '#' and blank lines are ignored.  Known keys:
 *
 *   single text:  pkgname pkgver pkgdesc url packager arch origin commit
 *                 maintainer license datahash
 *   numbers:      builddate size provider_priority replaces_priority
 *   atom lists:   depend provides replaces install_if (each line holds one
 *                 or more space-separated atoms, see apk/dep.h; lines add up)
 *   path list:    triggers (space-separated absolute paths or globs)
 *
 * Any other key is kept, in order, as an unknown (key, value) pair so that
 * writing the file back loses nothing.
 *
 * Validation by the parser: pkgname present and a valid package name,
 * pkgver present and a valid apk version, numbers are plain decimal
 * without overflow, datahash is empty or 64 hex digits, no control
 * characters (NUL included) anywhere but tabs, every atom parses, a
 * single-valued key appears once.  One exception, from real Wolfi
 * packages: `license` may repeat; the lines are combined into one SPDX
 * expression "A AND (B OR C)" (a part with a blank is parenthesised),
 * at most 64 lines.
 * Bounds: PARE_PKGINFO_MAX_TEXT bytes, PARE_PKGINFO_MAX_LINE bytes per
 * line, PARE_PKGINFO_MAX_LINES lines, PARE_PKGINFO_MAX_VALUES entries per
 * list (atoms, paths or unknown pairs).
 *
 * An empty value and an absent key are the same thing (empty slice); the
 * writer omits empty single-valued fields, so "url = " lines are dropped.
 *
 * Ownership: a struct pare_pkginfo owns its arena (arrays, copies made by
 * pare_pkginfo_set, combined licenses).  Every slice, including those
 * inside the deps, points either into the text given to
 * pare_pkginfo_parse (which the caller must keep alive and unchanged as
 * long as the pkginfo is used) or into the arena.  Nothing else is owned.
 *
 * Invariants after a successful parse: pkgname and pkgver are non-empty
 * and valid; every value is trimmed and free of control characters other
 * than tab; a number whose has_X is false is absent and 0; arrays have n
 * entries (v may be NULL when n == 0).
 */
#ifndef PARE_APK_PKGINFO_H
#define PARE_APK_PKGINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "apk/dep.h"
#include "base/arena.h"
#include "base/buf.h"
#include "base/error.h"
#include "base/slice.h"

#define PARE_PKGINFO_MAX_TEXT (1024 * 1024)
#define PARE_PKGINFO_MAX_LINE (64 * 1024)
#define PARE_PKGINFO_MAX_LINES (128 * 1024)
#define PARE_PKGINFO_MAX_VALUES (64 * 1024)
/* Longest package name accepted (apk keeps names in file names). */
#define PARE_PKGINFO_MAX_NAME 255

/* A growable array in the pkginfo's arena; cap is internal. */
struct pare_pkginfo_deps {
	struct pare_dep *v;
	size_t n, cap;
};

struct pare_pkginfo_paths {
	struct pare_slice *v;
	size_t n, cap;
};

struct pare_pkginfo_kv {
	struct pare_slice key;
	struct pare_slice value;
};

struct pare_pkginfo_kvs {
	struct pare_pkginfo_kv *v;
	size_t n, cap;
};

struct pare_pkginfo {
	struct pare_slice pkgname, pkgver, pkgdesc, url, packager, arch;
	struct pare_slice origin, commit, maintainer, license, datahash;

	uint64_t builddate, size, provider_priority, replaces_priority;
	bool has_builddate, has_size, has_provider_priority;
	bool has_replaces_priority;

	struct pare_pkginfo_deps depend, provides, replaces, install_if;
	struct pare_pkginfo_paths triggers;
	struct pare_pkginfo_kvs unknown; /* in input order */

	struct pare_arena arena; /* owns the arrays and copied text */

	/* Set by pare_pkginfo_parse_flags() with PARE_PKGINFO_TOLERANT. */
	unsigned flags;
	size_t dropped_lists;  /* dependency lines that did not parse */
	char dropped_msg[PARE_ERROR_MSG_MAX]; /* why the first one was dropped */
};

/* Parse flags.  TOLERANT reads a dependency line that does not parse the
 * way apk does: the line is dropped (and counted) instead of failing the
 * whole file, so that a package with, say, an invalid version in one
 * `provides` can still be verified and reported on. */
enum { PARE_PKGINFO_TOLERANT = 1 };

/* An empty pkginfo (no pkgname yet: not writable until one is set). */
void pare_pkginfo_init(struct pare_pkginfo *pi);

/* Free the arena and leave pi empty, as after init.  Accepts NULL. */
void pare_pkginfo_release(struct pare_pkginfo *pi);

/* Initialise pi and parse text into it.  text must outlive pi (slices
 * point into it) and needs no NUL terminator.  On error pi is left empty
 * (released; releasing it again is harmless) and err names the line and
 * key: ".PKGINFO line 7: depend: invalid dependency ...".  Returns 0,
 * -PARE_E_FORMAT, -PARE_E_TOO_BIG, -PARE_E_INVALID_VERSION,
 * -PARE_E_INVALID_DEP or -ENOMEM. */
int pare_pkginfo_parse_flags(struct pare_pkginfo *pi, struct pare_slice text, unsigned flags,
			     struct pare_error *err);
int pare_pkginfo_parse(struct pare_pkginfo *pi, struct pare_slice text,
		       struct pare_error *err);

/* Append the canonical text of pi to out, in abuild's key order:
 *   "# Generated by pare", pkgname, pkgver, pkgdesc, url, builddate,
 *   packager, size, arch, origin, commit, maintainer, replaces (one line
 *   per atom), provider_priority, replaces_priority, license, depend and
 *   provides (one line per atom), install_if and triggers (one line each,
 *   space-separated), unknown keys in order, datahash.
 * Empty text fields, absent numbers and empty lists are omitted; a
 * one-line list goes on over more lines (same key) rather than exceed
 * PARE_PKGINFO_MAX_LINE.  The output parses back to a pkginfo equal
 * field by field.  Fails with -PARE_E_FORMAT if pi could not have come
 * from a parse (missing or invalid pkgname/pkgver, a value with a control
 * character or outer blanks, an atom that does not re-parse, an unknown
 * key that is not a valid key or is a known one), -PARE_E_TOO_BIG if out
 * is full or the text would exceed the parser's bounds (a value longer
 * than a line, more than PARE_PKGINFO_MAX_TEXT in all), -ENOMEM; out is
 * then left as it was. */
int pare_pkginfo_write(const struct pare_pkginfo *pi, struct pare_buf *out,
		       struct pare_error *err);

/* Set or add one field as if from a line "key = value" (for mkpkg's
 * command-line options, or to fill in size and datahash).  value is
 * trimmed and copied into the arena; it is checked like the parser does.
 * Single-valued keys (license included) are replaced, numbers are parsed
 * into the number and its has_ flag, list keys (depend provides replaces
 * install_if triggers) get the value's atoms or paths appended, any other
 * key is appended to the unknown pairs.  Errors name the key; pi is
 * unchanged on error (a list gets all of the value's atoms or none). */
int pare_pkginfo_set(struct pare_pkginfo *pi, const char *key,
		     struct pare_slice value, struct pare_error *err);

/* A valid package name: 1..PARE_PKGINFO_MAX_NAME bytes, starts with an
 * ASCII letter or digit or a "." not followed by another (apk virtual
 * packages such as ".build-deps"), the rest letters, digits and "._+-". */
bool pare_pkginfo_name_valid(struct pare_slice name);

#endif
