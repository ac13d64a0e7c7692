/* Internal to the runtime-needs rules (needs.c, needs_conf.c). */
#ifndef PARE_IMAGE_NEEDS_INT_H
#define PARE_IMAGE_NEEDS_INT_H

#include <stdbool.h>

#include "image/build_int.h"

/* Does a package of the universe have this name or provide it? */
bool pib_need_available(struct pib_arch *a, const char *name);
/* Add pkg to a->needs with its reason (once; logged). */
int pib_need_add(struct pib_arch *a, const char *pkg, const char *reason, struct pare_error *err);

/* needs_conf.c, after the solve; each returns 1 when it added a need (the
 * caller solves again), 0 when none, negative on error.  reason is the
 * rule's printf format. */
/* For each service the solution's etc/nsswitch.conf names that is not
 * built into libc: the package providing so:libnss_SERVICE.so.2
 * (reason: "%s" service, "%s" database). */
int pib_need_nss(struct pib_arch *a, const char *reason, struct pare_error *err);
/* For each charset of contents.runtime.gconv not built into libc: the
 * package whose gconv configuration has the module for it (its alias
 * resolved), read from the repositories' packages named *gconv* or
 * *iconv* (reason: "%s" charset). */
int pib_need_gconv(struct pib_arch *a, const char *reason, struct pare_error *err);

#endif
