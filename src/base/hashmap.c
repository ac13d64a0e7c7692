#include "base/hashmap.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Eight bytes at a time (multiply and fold), the length mixed in first so
 * that "a" and "a\0" differ, then splitmix64's avalanche; good enough for
 * names and paths, and has no seed to manage. */
uint64_t pare_hash_bytes(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = 0xcbf29ce484222325ULL ^ ((uint64_t)n * 0x9e3779b97f4a7c15ULL), w;
	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
		h ^= h >> 32;
	}
	if (n) {
		w = 0;
		memcpy(&w, s, n);
		h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
		h ^= h >> 32;
	}
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 31;
	return h ? h : 1;
}

void pare_map_init(struct pare_map *m)
{
	m->slots = NULL;
	m->cap = 0;
	m->count = 0;
}

void pare_map_release(struct pare_map *m)
{
	if (!m)
		return;
	free(m->slots);
	pare_map_init(m);
}

static uint32_t slot_hash(uint64_t h)
{
	uint32_t v = (uint32_t)h;
	return v ? v : 1;
}

static struct pare_map_slot *map_find(const struct pare_map *m, struct pare_slice key, uint32_t h)
{
	size_t mask = m->cap - 1;
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		struct pare_map_slot *s = &m->slots[i];
		if (s->hash == 0 || (s->hash == h && s->klen == key.len &&
				     (key.len == 0 || memcmp(s->key, key.ptr, key.len) == 0)))
			return s;
	}
}

void *pare_map_get(const struct pare_map *m, struct pare_slice key)
{
	if (m->count == 0 || key.len > UINT32_MAX)
		return NULL;
	struct pare_map_slot *s = map_find(m, key, slot_hash(pare_hash_bytes(key.ptr, key.len)));
	return s->hash ? s->value : NULL;
}

static int map_resize(struct pare_map *m, size_t cap)
{
	if (cap < m->cap || cap > SIZE_MAX / sizeof(struct pare_map_slot) || cap > UINT32_MAX)
		return -ENOMEM;
	struct pare_map_slot *slots = calloc(cap, sizeof(*slots));
	if (!slots)
		return -ENOMEM;
	struct pare_map old = *m;
	m->slots = slots;
	m->cap = cap;
	for (size_t i = 0; i < old.cap; i++) {
		struct pare_map_slot *o = &old.slots[i];
		if (o->hash)
			*map_find(m, pare_slice_make(o->key, o->klen), o->hash) = *o;
	}
	free(old.slots);
	return 0;
}

static int map_grow(struct pare_map *m)
{
	return map_resize(m, m->cap ? m->cap * 2 : 16);
}

int pare_map_reserve(struct pare_map *m, size_t count)
{
	size_t cap = m->cap ? m->cap : 16;
	if (count > SIZE_MAX / 4)
		return -ENOMEM;
	while (count * 2 > cap)
		cap *= 2;
	return cap > m->cap ? map_resize(m, cap) : 0;
}

int pare_map_put(struct pare_map *m, struct pare_slice key, void *value, void **old)
{
	if (old)
		*old = NULL;
	if (!value || key.len > UINT32_MAX)
		return -EINVAL;
	if ((m->count + 1) * 2 > m->cap) {
		int r = map_grow(m);
		if (r < 0)
			return r;
	}
	uint32_t h = slot_hash(pare_hash_bytes(key.ptr, key.len));
	struct pare_map_slot *s = map_find(m, key, h);
	if (s->hash) {
		if (old)
			*old = s->value;
		s->value = value;
		return 0;
	}
	s->hash = h;
	s->key = key.ptr;
	s->klen = (uint32_t)key.len;
	s->value = value;
	m->count++;
	return 0;
}

bool pare_map_next(const struct pare_map *m, size_t *pos, struct pare_slice *key, void **value)
{
	while (*pos < m->cap) {
		struct pare_map_slot *s = &m->slots[(*pos)++];
		if (s->hash) {
			if (key)
				*key = pare_slice_make(s->key, s->klen);
			if (value)
				*value = s->value;
			return true;
		}
	}
	return false;
}
