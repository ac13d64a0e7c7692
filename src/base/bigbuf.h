/* Large buffers that are written whole once (an index member inflated in
 * place): at 1.5 MiB or more they are their own mapping, started on a
 * 2 MiB boundary and marked for transparent huge pages, so that the kernel
 * can back each whole 2 MiB with one page on the first write instead of
 * 512 faults of 4 KiB (Alpine's 1.9 MB index member: ~470 faults, ~0.5 ms
 * of a solve).  A buffer under 2 MiB is rounded up to one (at most 0.5 MiB
 * more resident); a larger one gets huge pages for its whole 2 MiB parts
 * and plain pages for the rest.  Smaller buffers come from malloc.
 *
 * Under AddressSanitizer every buffer comes from malloc, so that reads and
 * writes past one are still caught (PARE_BIGBUF_MAPS is 0 then).
 *
 * Ownership: a pointer from pare_bigbuf_alloc is freed with
 * pare_bigbuf_free only (never free()); NULL is fine there. */
#ifndef PARE_BASE_BIGBUF_H
#define PARE_BASE_BIGBUF_H

#include <stddef.h>

/* The header before each buffer, and the size that fills one huge page
 * exactly: pare_bigbuf_alloc(PARE_BIGBUF_HUGE - PARE_BIGBUF_HDR). */
#define PARE_BIGBUF_HDR ((size_t)16)
#define PARE_BIGBUF_HUGE ((size_t)2 << 20)

#if defined(__SANITIZE_ADDRESS__)
#define PARE_BIGBUF_MAPS 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PARE_BIGBUF_MAPS 0
#endif
#endif
#ifndef PARE_BIGBUF_MAPS
#define PARE_BIGBUF_MAPS 1
#endif

/* n bytes (not zeroed), aligned to 16; NULL when out of memory. */
void *pare_bigbuf_alloc(size_t n);
void pare_bigbuf_free(void *p);
/* The caller is done with the first n bytes of p (a reader that consumed
 * the front of a big buffer and will only free it): the whole pages among
 * them go back to the kernel when p is its own mapping, and read as zeros
 * from then on; a buffer from malloc is left as it is. */
void pare_bigbuf_release_front(void *p, size_t n);

#endif
