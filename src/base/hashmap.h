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
#include <string.h>

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

/* Unaligned loads (host byte order). */
static inline uint64_t pare_load64(const void *p)
{
	uint64_t w;
	memcpy(&w, p, 8);
	return w;
}

static inline uint32_t pare_load32(const void *p)
{
	uint32_t w;
	memcpy(&w, p, 4);
	return w;
}

/* A hash for short keys (package names, dependency atoms) in tables whose
 * order is never visible (pare_hash_bytes keeps the maps' iteration
 * order): up to 16 bytes are two overlapping loads, no loop and no call;
 * longer keys fold 8 bytes at a time.  Inline: the tables that use it
 * look up tens of thousands of keys per index. */
static inline uint32_t pare_hash_short(const void *key, size_t n)
{
	const char *p = key;
	uint64_t a, b;
	if (n >= 8) {
		a = pare_load64(p);
		b = pare_load64(p + n - 8);
		for (size_t i = 8; i + 8 < n; i += 8) /* keys longer than 16 */
			a = (a ^ pare_load64(p + i)) * 0x9e3779b97f4a7c15ULL + (a >> 29);
	} else if (n >= 4) {
		a = pare_load32(p);
		b = pare_load32(p + n - 4);
	} else {
		a = n ? (uint64_t)(unsigned char)p[0] << 16 | (uint64_t)(unsigned char)p[n / 2] << 8 |
				(unsigned char)p[n - 1]
		      : 0;
		b = 0;
	}
	uint64_t h = (a ^ 0xcbf29ce484222325ULL) * 0x9e3779b97f4a7c15ULL ^
		     ((b ^ n) * 0xbf58476d1ce4e5b9ULL);
	h ^= h >> 31;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 32;
	return (uint32_t)h;
}

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
