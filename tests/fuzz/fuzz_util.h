/* Helpers shared by the fuzz targets (test code only). */
#ifndef PARE_FUZZ_UTIL_H
#define PARE_FUZZ_UTIL_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A malloc'ed copy of n bytes plus a NUL (parsers that take ownership of
 * their text, or want a C string); NULL when out of memory. */
static inline char *fuzz_copy(const void *p, size_t n)
{
	char *t = malloc(n + 1);
	if (t) {
		if (n)
			memcpy(t, p, n);
		t[n] = '\0';
	}
	return t;
}

/* Two buffers hold the same bytes. */
static inline int fuzz_same(const void *a, size_t an, const void *b, size_t bn)
{
	return an == bn && (an == 0 || memcmp(a, b, an) == 0);
}

#endif
