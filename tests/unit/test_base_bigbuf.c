/* Unit tests for src/base/bigbuf.c: small buffers from malloc, large ones
 * mapped on a 2 MiB boundary (the header before them), every byte
 * writable and readable back, NULL freed, overflowing sizes refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/bigbuf.h"

static void fill_check(size_t n)
{
	unsigned char *p = pare_bigbuf_alloc(n);
	assert_non_null(p);
	assert_int_equal((uintptr_t)p % 16, 0);
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(i * 7 + 1);
	for (size_t i = 0; i < n; i += 4093)
		assert_int_equal(p[i], (unsigned char)(i * 7 + 1));
	if (n)
		assert_int_equal(p[n - 1], (unsigned char)((n - 1) * 7 + 1));
	/* mapped ones start 16 bytes after a 2 MiB boundary */
	if (PARE_BIGBUF_MAPS && n >= (size_t)3 << 19)
		assert_int_equal((uintptr_t)p % ((uintptr_t)2 << 20), 16);
	pare_bigbuf_free(p);
}

static void test_sizes(void **state)
{
	(void)state;
	size_t sizes[] = { 0, 1, 4096, ((size_t)3 << 19) - 17, ((size_t)3 << 19) - 16,
			   (size_t)1952769, ((size_t)2 << 20) - 16, (size_t)2 << 20,
			   (size_t)2241808, ((size_t)6 << 20) + 5 };
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		fill_check(sizes[i]);
}

/* The front given back: its whole pages read as zeros (a mapped buffer),
 * the header's page and everything from the first partial page on are
 * kept; a buffer from malloc keeps all. */
static void test_release_front(void **state)
{
	(void)state;
	size_t sizes[] = { 4096, (size_t)3 << 20 };
	for (size_t k = 0; k < 2; k++) {
		size_t n = sizes[k], cut = n * 2 / 3 + 100;
		unsigned char *p = pare_bigbuf_alloc(n);
		assert_non_null(p);
		memset(p, 0xa5, n);
		pare_bigbuf_release_front(p, cut);
		pare_bigbuf_release_front(p, SIZE_MAX / 2); /* past the mapping: ignored */
		pare_bigbuf_release_front(NULL, 10);
		bool mapped = PARE_BIGBUF_MAPS && n >= (size_t)3 << 19;
		size_t zeroed = 0;
		for (size_t i = 0; i < n; i++) {
			if (p[i] == 0) {
				zeroed++;
				assert_true(i >= 4096 - 16 && i < cut); /* whole pages of the front */
			} else {
				assert_int_equal(p[i], 0xa5);
			}
		}
		if (mapped)
			assert_true(zeroed + 2 * (size_t)sysconf(_SC_PAGESIZE) >= cut);
		else
			assert_int_equal(zeroed, 0);
		pare_bigbuf_free(p);
	}
}

static void test_null_and_overflow(void **state)
{
	(void)state;
	pare_bigbuf_free(NULL);
	assert_null(pare_bigbuf_alloc(SIZE_MAX));
	assert_null(pare_bigbuf_alloc(SIZE_MAX - 100));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_release_front),
		cmocka_unit_test(test_null_and_overflow),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
