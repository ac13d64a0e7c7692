/* Architecture names: the one table of the architectures pare knows, in
 * each vocabulary it meets (apk, OCI, Debian, the GNU multiarch triplet
 * and the ELF header).
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
	const char *triplet; /* Debian multiarch / GNU triplet: "x86_64-linux-gnu" */
	unsigned char elf_class, elf_data; /* ELFCLASS64, ELFDATA2LSB, ... */
	unsigned short elf_machine;        /* EM_X86_64, ... */
};

/* Kept apart on purpose (see there): elf/ldpath.c's glibc ABI profiles
 * (keyed by the ELF header; also ABIs no package architecture names, such
 * as x32, and no way to tell Debian armel from armhf) and elf/names.c's
 * display names for any e_machine.  tests/unit/test_elf_loader.c checks
 * that the triplets agree. */

/* The table (never NULL); *n receives its length. */
const struct pare_arch *pare_arch_table(size_t *n);

/* The running machine's apk architecture (uname(2)'s machine through this
 * table: i386-i686 are "x86", armv7l "armv7", armv6l "armhf"), or
 * "noarch" when the table does not know it.  The one host table. */
const char *pare_arch_host(void);

/* The entry whose apk name is apk_name, or NULL. */
const struct pare_arch *pare_arch_by_apk(const char *apk_name);

/* The entry whose Debian name is deb_name, or NULL.  Debian's "all" is not
 * an architecture here (it maps to apk's "noarch"; see deb/version.h). */
const struct pare_arch *pare_arch_by_deb(struct pare_slice deb_name);

#endif
