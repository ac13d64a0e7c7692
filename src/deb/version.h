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
 * THE MAPPING (Debian version -> APK version), one rule set, context-free
 * (summarised in docs/architecture.md):
 *
 * Debian compares a version as a sequence of pairs (S, N): S a run of
 * non-digits ("separator word", compared with dpkg's character order), N a
 * run of digits (compared numerically, empty = 0); upstream first, then the
 * revision.  APK has a numeric head "N.N.N", one optional letter, a chain of
 * "_SUFFIX[N]" items whose suffix words have a fixed order (alpha < beta <
 * pre < rc < end of version < cvs < svn < git < hg < p), and "-rN".  The
 * mapping sends each Debian pair to one APK item, choosing the item's
 * suffix by where S falls in dpkg's order, so the APK order of the items
 * is dpkg's order of the pairs:
 *
 *  1. Epoch E > 0 is folded into the first number: E followed by the first
 *     upstream number zero-padded to 10 digits ("1:2.3" -> "10000000002.3",
 *     "5:7.0.15" -> "50000000007.0.15"), so every epoch-E version sorts
 *     above every version of a lower epoch (as long as its first number has
 *     at most 10 digits).  Epoch 0 and no epoch are the same.
 *  2. Head: the first number, then each ".N" that follows directly (leading
 *     zeros dropped, so APK's "leading 0 is a fraction" rule never applies;
 *     "1." is "1.0" as in dpkg).
 *  3. A single lower-case letter right after the head becomes APK's letter
 *     ("1.1.1w"); its number, if any, follows as "_pN" ("9.2p1" -> "9.2p_p1";
 *     "_p0" when further items follow, so positions stay aligned).
 *  4. Every further pair (S, N) becomes "_WORD" + N (N = 0 when empty):
 *       S starts with '~' (sorts before the end): by the text after '~':
 *         below "b" -> alpha, below "p" -> beta, below "r" -> pre, else rc
 *         ("~rc1" -> "_rc1", "~beta2" -> "_beta2", "~git2020" -> "_beta2020")
 *       S starts with a letter -> svn;  '+' -> git;  '-' -> hg;  '.' or any
 *       other character -> p            ("+dfsg" -> "_git0", ".1" -> "_p1")
 *  5. Revision: none, or all zeros -> nothing; a plain integer N -> "-rN";
 *     otherwise "_cvsN0" (N0 its leading number, 0 if none) followed by its
 *     other pairs by rule 4 ("9+deb12u10" -> "_cvs9_git12_svn10",
 *     "1~deb12u7" -> "_cvs1_beta12_svn7").  cvs sorts below every word rule
 *     4 gives to a continuing upstream, as dpkg's "upstream first" needs.
 *
 * Examples: 2.36-9+deb12u10 -> 2.36_cvs9_git12_svn10;
 * 1.2~rc1+dfsg-3 -> 1.2_rc1_git0-r3; 20230311 -> 20230311;
 * 0.0~git20200101.abc-2 -> 0.0_beta20200101_p0-r2.
 *
 * What it cannot keep (APK has 9 suffix words, one letter, and "-r" ends a
 * version), i.e. the only pairs whose order may differ:
 *   a. the first difference is between two separator words given the same
 *      suffix by rule 4 ("+dfsg" vs "+ds", "~beta" vs "~git");
 *   b. right after the head, a single lower-case letter against a '+'/'-'
 *      word or a longer letter word that dpkg sorts above it ("1.0a" vs
 *      "1.0+dfsg" or "1.0abc");
 *   c. equal upstreams, one revision a plain integer (or absent), the other
 *      not, where dpkg puts the non-plain one lower ("9+deb12u1" vs "10",
 *      "1~deb12u2" vs "1"): "-rN" must end the version, so the non-plain
 *      one always sorts above;
 *   d. an epoch on either side and a first upstream number of more than 10
 *      digits.
 * tests/deb/version_prop.{py,c} checks on real apt-list versions, against
 * dpkg, that every other pair keeps dpkg's order.
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

/* Append to out the APK version for Debian version v (THE MAPPING above).  The result is
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

/* Append the purl qualifier "KEY=VALUE" to the purl in out: after '&',
 * or '?' when out has no qualifier yet; value percent-encoded.  Qualifiers
 * must be appended in the order of their keys (purl spec: arch, distro).
 * On failure out is unchanged. */
int pare_deb_purl_qualifier(struct pare_buf *out, const char *key, struct pare_slice value);

/* The APK architecture for a Debian one ("amd64" -> "x86_64", "all" ->
 * "noarch"), or NULL when unknown.  The table lives in apk/arch.c beside the
 * OCI names. */
const char *pare_deb_arch_to_apk(struct pare_slice deb_arch);

#endif
