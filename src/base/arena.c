#include "base/arena.h"
#include "base/bigbuf.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct pare_arena_chunk {
	struct pare_arena_chunk *next;
	size_t size;
	size_t used;
	alignas(max_align_t) unsigned char mem[];
};

#define ARENA_ALIGN (alignof(max_align_t))

void pare_arena_init(struct pare_arena *a, size_t chunk_size, size_t limit)
{
	a->head = NULL;
	a->chunk_size = chunk_size ? chunk_size : 64 * 1024;
	a->used = 0;
	a->limit = limit;
}

void pare_arena_release(struct pare_arena *a)
{
	if (!a)
		return;
	struct pare_arena_chunk *c = a->head;
	while (c) {
		struct pare_arena_chunk *next = c->next;
		pare_bigbuf_free(c);
		c = next;
	}
	a->head = NULL;
	a->used = 0;
}

static struct pare_arena_chunk *arena_new_chunk(struct pare_arena *a, size_t n)
{
	size_t size = n > a->chunk_size ? n : a->chunk_size;
	if (size > SIZE_MAX - sizeof(struct pare_arena_chunk))
		return NULL;
	struct pare_arena_chunk *c = pare_bigbuf_alloc(sizeof(*c) + size);
	if (!c)
		return NULL;
	c->size = size;
	c->used = 0;
	/* A big one-off allocation goes behind the head so that the head's
	 * free space stays usable. */
	if (a->head && n > a->chunk_size) {
		c->next = a->head->next;
		a->head->next = c;
	} else {
		c->next = a->head;
		a->head = c;
	}
	return c;
}

int pare_arena_reserve_huge(struct pare_arena *a, size_t pages)
{
	if (pages == 0 || pages > SIZE_MAX / PARE_BIGBUF_HUGE)
		return -1;
	size_t size = pages * PARE_BIGBUF_HUGE - PARE_BIGBUF_HDR - sizeof(struct pare_arena_chunk);
	struct pare_arena_chunk *c = pare_bigbuf_alloc(sizeof(*c) + size);
	if (!c)
		return -1;
	c->size = size;
	c->used = 0;
	c->next = a->head;
	a->head = c;
	return 0;
}

void *pare_arena_alloc(struct pare_arena *a, size_t n)
{
	if (n == 0)
		n = 1;
	if (n > SIZE_MAX - ARENA_ALIGN)
		return NULL;
	size_t rounded = (n + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
	if (a->limit && (rounded > a->limit || a->used > a->limit - rounded))
		return NULL;
	struct pare_arena_chunk *c = a->head;
	if (!c || c->size - c->used < rounded) {
		c = arena_new_chunk(a, rounded);
		if (!c)
			return NULL;
	}
	void *p = c->mem + c->used;
	c->used += rounded;
	a->used += rounded;
	return p;
}

void *pare_arena_zalloc(struct pare_arena *a, size_t n)
{
	void *p = pare_arena_alloc(a, n);
	if (p)
		memset(p, 0, n);
	return p;
}

char *pare_arena_strdup(struct pare_arena *a, struct pare_slice s)
{
	if (s.len == SIZE_MAX)
		return NULL;
	char *p = pare_arena_alloc(a, s.len + 1);
	if (!p)
		return NULL;
	if (s.len)
		memcpy(p, s.ptr, s.len);
	p[s.len] = '\0';
	return p;
}

struct pare_slice pare_arena_slice(struct pare_arena *a, struct pare_slice s)
{
	char *p = pare_arena_strdup(a, s);
	return p ? pare_slice_make(p, s.len) : PARE_SLICE_NULL;
}
