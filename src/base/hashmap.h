/* Hash map from byte-string keys to pointers (open addressing, linear
 * probing, power-of-two capacity, load factor <= 1/2).
 *
 * Ownership: the map stores the key slices and values as given; it does not
 * copy key bytes.  The caller keeps them alive (typically in an arena) for
 * the map's lifetime.  Values may not be NULL (NULL means "absent").
 * Pointers returned by lookups stay valid until the next insertion.
 */
#ifndef PARE_BASE_HASHMAP_H
#define PARE_BASE_HASHMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/slice.h"

/* 24 bytes: the key as pointer and 32-bit length, the hash's low 32 bits
 * (0 marks an empty slot; a real one is stored as at least 1). */
struct pare_map_slot {
	const char *key;
	uint32_t klen;
	uint32_t hash;
	void *value;
};

struct pare_map {
	struct pare_map_slot *slots;
	size_t cap;   /* 0 or a power of two */
	size_t count;
};

uint64_t pare_hash_bytes(const void *p, size_t n);

void pare_map_init(struct pare_map *m);
void pare_map_release(struct pare_map *m);
/* NULL when absent. */
void *pare_map_get(const struct pare_map *m, struct pare_slice key);
/* Make room for `count` keys in all (one allocation instead of doubling
 * while they are added).  -ENOMEM. */
int pare_map_reserve(struct pare_map *m, size_t count);
/* Insert or replace; *old (if not NULL) receives the previous value or NULL. */
int pare_map_put(struct pare_map *m, struct pare_slice key, void *value, void **old);
/* Iterate: start with *pos = 0; returns false at the end. */
bool pare_map_next(const struct pare_map *m, size_t *pos, struct pare_slice *key, void **value);

#endif
