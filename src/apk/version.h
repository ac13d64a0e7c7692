/* APK package versions: validation, comparison and operator matching.
 *
 * Grammar of a valid version (as apk-tools accepts it):
 *
 *   NUM ('.' NUM)* [a-z]? ('_' SUFFIX DIGITS*)* ('~' HEX+)? ('-r' DIGITS+)?
 *
 * where SUFFIX is one of alpha beta pre rc (sort before the plain release)
 * or cvs svn git hg p (sort after it).
 *
 * Ordering rules: the first number compares numerically (so "006" == "6");
 * a later number that starts with '0' (on either side) compares as a
 * decimal fraction, i.e. as a string ("1.02" < "1.1", "8.2.0" < "8.2.001");
 * suffix and revision numbers compare numerically; the commit hash compares
 * as a string.  Numbers of any length are handled (no overflow).
 *
 * Comparison is lazy, token by token: an invalid tail does not matter when
 * an earlier token already decides ("23_foo" > "4_beta").  When the walk
 * reaches an invalid token before a decision, the two whole strings are
 * compared bytewise instead, as apk does.
 *
 * Inputs are slices (no NUL needed); nothing here allocates or keeps
 * pointers.  All functions are pure and thread-safe.
 */
#ifndef PARE_APK_VERSION_H
#define PARE_APK_VERSION_H

#include <stdbool.h>

#include "base/slice.h"

/* Result bits of a comparison, and operator masks built from them. */
enum {
	PARE_VERSION_LESS = 1,
	PARE_VERSION_EQUAL = 2,
	PARE_VERSION_GREATER = 4,
	PARE_VERSION_FUZZY = 8, /* '~': equal up to the end of B's components */
};

/* Operator masks ("name OP version").  '~' means "fuzzy equal", so its
 * mask includes EQUAL; ANY is what an unversioned dependency means;
 * CHECKSUM ("><") is not a version relation but a package checksum pin. */
#define PARE_VERSION_ANY \
	(PARE_VERSION_LESS | PARE_VERSION_EQUAL | PARE_VERSION_GREATER)
#define PARE_VERSION_CHECKSUM (PARE_VERSION_LESS | PARE_VERSION_GREATER)

/* True if v is a valid apk version (see the grammar above). */
bool pare_version_valid(struct pare_slice v);

/* Compare a with b: exactly one of LESS, EQUAL, GREATER. */
int pare_version_compare(struct pare_slice a, struct pare_slice b);

/* Like pare_version_compare; with `fuzzy`, a is EQUAL to b when every
 * component of b equals the same component of a ("3.6.9" ~ "3.6", but not
 * "3.60" ~ "3.6" nor "3.6" ~ "3.6.0"). */
int pare_version_compare_fuzzy(struct pare_slice a, struct pare_slice b,
			       bool fuzzy);

/* True if "a OP b" holds, OP given as a mask of PARE_VERSION_* bits (fuzzy
 * comparison when the mask has FUZZY).  PARE_VERSION_CHECKSUM is not a
 * version relation: it never matches here. */
bool pare_version_match(struct pare_slice a, unsigned op_mask,
			struct pare_slice b);

/* Parse an operator at the start of *s: one of = < > <= >= ~ =~ <~ >~ ><.
 * On success stores the mask in *op, advances *s past the operator and
 * returns 0; otherwise returns -PARE_E_INVALID_DEP and leaves *s and *op
 * unchanged.  The longest run of operator characters is taken as a whole
 * ("<<" is an error, not "<" followed by "<"). */
int pare_version_op_parse(struct pare_slice *s, unsigned *op);

/* Canonical text of an operator mask ("~" for both "~" and "=~"), or "?"
 * for a mask that is no operator.  Never NULL; static storage. */
const char *pare_version_op_str(unsigned op);

/* Evaluate one line of apk's version test format (as in apk-tools'
 * version.data and apk 3's `vertest`): "A OP B" (OP may start with '!' to
 * negate), "V" (V is valid) or "!V" (V is invalid); text after '#' is a
 * comment.  Returns 1 when the line holds, 0 when it does not, 2 for a line
 * with nothing to check, -PARE_E_FORMAT for a line in no such form. */
int pare_version_test_expr(struct pare_slice line);

#endif
