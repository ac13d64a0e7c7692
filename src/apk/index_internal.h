/* Internal helpers shared by index.c, index_build.c and index_write.c. */
#ifndef PARE_APK_INDEX_INTERNAL_H
#define PARE_APK_INDEX_INTERNAL_H

#include "apk/index.h"

/* Parse text (kept, not copied) into out, atoms in arena a.  With
 * `tolerant`, atoms that do not parse are skipped and *bad set (err is
 * left clear); otherwise the first one fails the call. */
int pare_index_deplist_parse(struct pare_arena *a, struct pare_slice text, bool tolerant,
			     bool *bad, struct pare_deplist *out, struct pare_error *err);
/* The PARE_PKGENT_BAD_* flag of list letter c (D p i r). */
uint32_t pare_index_bad_flag(char c);
/* Make room for `extra` more entries. */
int pare_index_reserve(struct pare_index *idx, size_t extra, struct pare_error *err);
/* A fresh entry with defaults (repo -1). */
void pare_pkgent_clear(struct pare_pkgent *e);

#endif
