/* Debian versions: parsing, dpkg's ordering, the mapping to APK versions,
 * package URLs and architecture names.
 *
 * Syntax (Debian policy 5.6.12): [EPOCH:]UPSTREAM[-REVISION].  EPOCH is
 * digits; UPSTREAM is alphanumerics and . + ~ (and '-' when there is a
 * revision: the revision starts after the LAST '-'; ':' is not accepted in
 * UPSTREAM) and must start with a digit; REVISION is alphanumerics and
 * . + ~.  A version without revision compares as one with revision "".
 *
 * Ordering (written from policy 5.6.12, equal to `dpkg --compare-versions`):
 * epochs numerically, then upstream, then revision, each with the same
 * string algorithm: alternately the longest non-digit prefix, compared
 * character by character where '~' sorts before everything (even the end
 * of the string), the end before everything else, letters before
 * non-letters, ASCII otherwise; then the longest digit prefix, compared
 * numerically (an empty one is 0).
 *
 * The mapping to an APK version is documented in full at
 * pare_deb_version_to_apk() below and in docs/architecture.md.
 *
 * All functions are pure, thread-safe, and never keep pointers; inputs are
 * slices (no NUL needed).
 */
#ifndef PARE_DEB_VERSION_H
#define PARE_DEB_VERSION_H

#include <stdbool.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/error.h"
#include "base/slice.h"

#define PARE_DEB_VERSION_MAX 256 /* bytes; longer versions are refused */

struct pare_deb_version {
	struct pare_slice epoch;    /* digits, empty when absent */
	struct pare_slice upstream; /* never empty */
	struct pare_slice revision; /* empty when absent */
};

/* Split and check v.  err: "'V': reason". */
int pare_deb_version_parse(struct pare_slice v, struct pare_deb_version *out,
			   struct pare_error *err);

/* dpkg's order of two parsed versions: <0, 0 or >0. */
int pare_deb_version_cmp(const struct pare_deb_version *a, const struct pare_deb_version *b);

/* Parse both and compare; an invalid version sorts before every valid one
 * (two invalid ones compare bytewise), so the function is a total order. */
int pare_deb_version_compare(struct pare_slice a, struct pare_slice b);

/* Whether "a OP b" holds for a dependency operator (deb/control.h's enum
 * pare_deb_op, passed as int; NONE always holds). */
bool pare_deb_version_satisfies(struct pare_slice a, int op, struct pare_slice b);

/* Append to out the APK version for Debian version v (see the full rules in
 * version.c's header comment and docs/architecture.md).  The result is
 * always a valid APK version (pare_version_valid()).  Returns 0 or
 * -PARE_E_INVALID_VERSION when v is not a Debian version. */
int pare_deb_version_to_apk(struct pare_slice v, struct pare_buf *out, struct pare_error *err);

/* Append the package URL "pkg:deb/NAMESPACE/NAME@VERSION?arch=ARCH" to out
 * (purl spec: the name is lower-cased, version and qualifier values are
 * percent-encoded, so ':' becomes %3A and '+' %2B).  namespace is usually
 * "debian"; arch is the Debian name ("amd64", "all"); an empty arch leaves
 * out the qualifier. */
int pare_deb_purl(struct pare_slice namespace_, struct pare_slice name, struct pare_slice version,
		  struct pare_slice arch, struct pare_buf *out);

/* The APK architecture for a Debian one ("amd64" -> "x86_64", "all" ->
 * "noarch"), or NULL when unknown.  The table lives in apk/arch.c beside the
 * OCI names. */
const char *pare_deb_arch_to_apk(struct pare_slice deb_arch);

#endif
