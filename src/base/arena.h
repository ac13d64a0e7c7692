/* Arena allocator for long-lived data (index entries, interned names).
 *
 * Memory comes from large chunks and is freed all at once by
 * pare_arena_release(); individual allocations are never freed.  Pointers
 * stay valid until the release (chunks never move).  An arena has an
 * optional total limit so that data built from untrusted input is bounded.
 */
#ifndef PARE_BASE_ARENA_H
#define PARE_BASE_ARENA_H

#include <stddef.h>

#include "base/slice.h"

struct pare_arena_chunk;

struct pare_arena {
	struct pare_arena_chunk *head;
	size_t chunk_size; /* default size of a new chunk */
	size_t used;       /* bytes handed out, for statistics and limits */
	size_t limit;      /* 0: no limit */
};

void pare_arena_init(struct pare_arena *a, size_t chunk_size, size_t limit);
void pare_arena_release(struct pare_arena *a);
/* Start a new head chunk that fills `pages` (at least one) 2 MiB huge
 * pages exactly (base/bigbuf.h), for a caller that knows it will use
 * about that much (the free space left in the old head is not used).  0
 * or -1 when out of memory. */
int pare_arena_reserve_huge(struct pare_arena *a, size_t pages);
/* Aligned to max_align_t; NULL on allocation failure or past the limit. */
void *pare_arena_alloc(struct pare_arena *a, size_t n);
void *pare_arena_zalloc(struct pare_arena *a, size_t n);
/* NUL-terminated copy of s inside the arena. */
char *pare_arena_strdup(struct pare_arena *a, struct pare_slice s);
/* Copy of s in the arena, as a slice (NUL-terminated as well). */
struct pare_slice pare_arena_slice(struct pare_arena *a, struct pare_slice s);

#endif
