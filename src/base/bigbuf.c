#include "base/bigbuf.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

/* Each buffer starts with a header: the mapping's length, 0 for malloc. */
#define HDR PARE_BIGBUF_HDR
#define HUGE PARE_BIGBUF_HUGE
#define MAP_FROM (UINT64_C(3) << 19) /* 1.5 MiB */

void *pare_bigbuf_alloc(size_t n)
{
	if (n > SIZE_MAX - HDR - 2 * HUGE)
		return NULL;
	size_t need = n + HDR;
	if (need < MAP_FROM || !PARE_BIGBUF_MAPS) {
		unsigned char *p = malloc(need);
		if (!p)
			return NULL;
		*(size_t *)(void *)p = 0;
		return p + HDR;
	}
	size_t len = (need + HUGE - 1) & ~(size_t)(HUGE - 1);
	if (need >= HUGE)
		len = (need + 4095) & ~(size_t)4095; /* the tail on plain pages */
	/* map one huge page more and trim to a 2 MiB boundary */
	unsigned char *raw = mmap(NULL, len + HUGE, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == MAP_FAILED)
		return NULL;
	uintptr_t a = ((uintptr_t)raw + HUGE - 1) & ~(uintptr_t)(HUGE - 1);
	unsigned char *base = (unsigned char *)a;
	if (base > raw)
		munmap(raw, (size_t)(base - raw));
	if (raw + len + HUGE > base + len)
		munmap(base + len, (size_t)(raw + len + HUGE - (base + len)));
	/* advice only: without THP the buffer is plain pages, as from malloc */
	(void)madvise(base, len & ~(size_t)(HUGE - 1), MADV_HUGEPAGE);
	*(size_t *)(void *)base = len;
	return base + HDR;
}

void pare_bigbuf_free(void *p)
{
	if (!p)
		return;
	unsigned char *base = (unsigned char *)p - HDR;
	size_t len = *(size_t *)(void *)base;
	if (len)
		munmap(base, len);
	else
		free(base);
}

void pare_bigbuf_release_front(void *p, size_t n)
{
	if (!p)
		return;
	unsigned char *base = (unsigned char *)p - HDR;
	size_t len = *(size_t *)(void *)base;
	long ps = sysconf(_SC_PAGESIZE);
	if (!len || ps <= 0 || n > len - HDR)
		return;
	/* whole pages only: the first holds the header, which stays */
	uintptr_t page = (uintptr_t)ps, from = ((uintptr_t)p + page - 1) & ~(page - 1);
	uintptr_t to = ((uintptr_t)p + n) & ~(page - 1);
	if (to > from)
		(void)madvise((void *)from, (size_t)(to - from), MADV_DONTNEED); /* advice */
}
