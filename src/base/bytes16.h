/* Sixteen bytes tested at once, for scanners of long untrusted text (an
 * APKINDEX is 1.9 MB): load a block, compare it with scalars (GCC/Clang
 * vector extensions: each comparison gives a mask, 0 or all ones per
 * byte, combined with & and |), ask whether any byte matched, and let the
 * exact byte-by-byte code handle only a block that has a hit.
 *
 *	pare_v16 v = pare_v16_load(p);
 *	if (pare_v16_any((v < 0x20) & (v != '\n')))
 *		... the scalar loop over these 16 bytes ...
 *
 * No alignment is needed; nothing is read past p + 16.
 */
#ifndef PARE_BASE_BYTES16_H
#define PARE_BASE_BYTES16_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

typedef unsigned char pare_v16 __attribute__((vector_size(16)));
typedef signed char pare_v16_mask __attribute__((vector_size(16)));

static inline pare_v16 pare_v16_load(const void *p)
{
	pare_v16 v;
	memcpy(&v, p, sizeof(v));
	return v;
}

/* Did any byte of the mask match? */
static inline bool pare_v16_any(pare_v16_mask m)
{
	uint64_t a, b;
	memcpy(&a, &m, 8);
	memcpy(&b, (const char *)&m + 8, 8);
	return (a | b) != 0;
}

/* The position (0-15) of the first matching byte of a mask that has one. */
static inline unsigned pare_v16_first(pare_v16_mask m)
{
	uint64_t a, b;
	memcpy(&a, &m, 8);
	memcpy(&b, (const char *)&m + 8, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return a ? (unsigned)__builtin_clzll(a) / 8 : 8 + (unsigned)__builtin_clzll(b) / 8;
#else
	return a ? (unsigned)__builtin_ctzll(a) / 8 : 8 + (unsigned)__builtin_ctzll(b) / 8;
#endif
}

#endif
