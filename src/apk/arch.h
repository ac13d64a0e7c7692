/* Architecture names: the one table of the architectures pare knows, in
 * each vocabulary it meets (apk, OCI, Debian).
 *
 * Debian's names differ from apk's in ways that trap: Debian "armhf" is apk
 * "armv7" and Debian "armel" is apk "armhf".  Callers therefore look a name
 * up in ONE vocabulary at a time.  Static storage, no allocation.
 */
#ifndef PARE_APK_ARCH_H
#define PARE_APK_ARCH_H

#include <stddef.h>

#include "base/slice.h"

struct pare_arch {
	const char *apk;     /* "x86_64", "aarch64", "armv7", ... */
	const char *oci;     /* "amd64", "arm64", "arm", ... */
	const char *variant; /* OCI variant: "v6"/"v7" for arm, else NULL */
	const char *deb;     /* Debian: "amd64", "arm64", "armhf", ...; NULL if none */
};

/* The table (never NULL); *n receives its length. */
const struct pare_arch *pare_arch_table(size_t *n);

/* The running machine's apk architecture (uname(2)'s machine through this
 * table: i386-i686 are "x86", armv7l "armv7", armv6l "armhf"), or
 * "noarch" when the table does not know it.  The one host table. */
const char *pare_arch_host(void);

/* The entry whose Debian name is deb_name, or NULL.  Debian's "all" is not
 * an architecture here (it maps to apk's "noarch"; see deb/version.h). */
const struct pare_arch *pare_arch_by_deb(struct pare_slice deb_name);

#endif
