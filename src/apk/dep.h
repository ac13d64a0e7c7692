/* APK dependency atoms, as written in .PKGINFO `depend =` lines, APKINDEX
 * `D:`/`p:`/`i:` fields and the world file:
 *
 *   [!]NAME[@TAG][OP VERSION]
 *
 * OP is one of = < > <= >= ~ =~ <~ >~ (see apk/version.h), written with no
 * spaces ("musl>=1.2").  "!" makes the atom a conflict.  NAME may carry a
 * namespace ("so:libc.so.6", "cmd:sh", "pc:zlib").  The special operator
 * "><" pins a package checksum instead of a version: "name><Q1<base64>"
 * (Q1 = SHA-1, 28 base64 chars; Q2 = SHA-256, 44 chars).
 *
 * Ownership: a parsed struct pare_dep holds slices that point into the
 * parsed input; it owns nothing and is valid only while that input is.
 * Nothing here allocates.
 *
 * Invariants of a parsed dep: name is non-empty; tag is empty or non-empty
 * after an '@'; op is PARE_VERSION_ANY with an empty version for an
 * unversioned atom; checksum is true iff op is PARE_VERSION_CHECKSUM, and
 * then version is the "Q1..." text; otherwise version is a valid version.
 */
#ifndef PARE_APK_DEP_H
#define PARE_APK_DEP_H

#include <stdbool.h>
#include <stddef.h>

#include "apk/version.h"
#include "base/error.h"
#include "base/slice.h"

struct pare_dep {
	struct pare_slice name;    /* into the input; never empty */
	struct pare_slice version; /* into the input; empty if unversioned */
	unsigned op;               /* PARE_VERSION_* mask; ANY if unversioned */
	bool conflict;             /* "!name": must not be installed */
	bool checksum;             /* "name><Q1...": version is a checksum */
	struct pare_slice tag;     /* into the input; "name@tag", else empty */
};

/* Parse exactly one atom (no surrounding whitespace allowed).
 * Returns 0, or -PARE_E_INVALID_DEP with a message naming the atom. */
int pare_dep_parse(struct pare_slice s, struct pare_dep *out,
		   struct pare_error *err);

/* Iterator over a whitespace-separated list: parses the next atom of *s
 * into *out and advances *s past it.  Returns 1 when an atom was parsed,
 * 0 at the end of the list, or a negative code (as pare_dep_parse). */
int pare_deps_next(struct pare_slice *s, struct pare_dep *out,
		   struct pare_error *err);

/* Parse a whole list into arr[0..max).  *n gets the number of atoms
 * parsed (also on error: those before the failing one).  Returns 0,
 * -PARE_E_TOO_BIG if the list has more than max atoms, or a parse error.
 * arr may be NULL when max is 0. */
int pare_deps_parse(struct pare_slice s, struct pare_dep *arr, size_t max,
		    size_t *n, struct pare_error *err);

/* Write the canonical text of d ("!name", "name@tag>=1.2", "name><Q1...")
 * into buf like snprintf: at most size bytes including a NUL (nothing is
 * written when size is 0; buf may then be NULL).  Returns the length of
 * the full text (excluding the NUL), or -PARE_E_INVALID_DEP if d->op is
 * not an operator. */
int pare_dep_format(const struct pare_dep *d, char *buf, size_t size);

/* Does a package or provide called `name` at `version` satisfy d?
 * A plain atom: names equal and the version matches (always, for an
 * unversioned atom).  A conflict atom: the opposite of that.  Checksum pins
 * cannot be judged from a version: use pare_dep_satisfied_by_csum. */
bool pare_dep_satisfied_by(const struct pare_dep *d, struct pare_slice name,
			   struct pare_slice version);

/* As pare_dep_satisfied_by, with the package's checksum ("Q1..." text, may
 * be empty) for checksum pins, which match when it is byte-equal. */
bool pare_dep_satisfied_by_csum(const struct pare_dep *d,
				struct pare_slice name,
				struct pare_slice version,
				struct pare_slice csum);

#endif
