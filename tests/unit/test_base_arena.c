/* Unit tests for src/base/arena.c: alignment, zeroing, copies, allocations
 * bigger than a chunk, pointer stability and the optional limit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"

#define ALIGN (alignof(max_align_t))

static void assert_aligned(const void *p)
{
	assert_non_null(p);
	assert_int_equal((uintptr_t)p % ALIGN, 0);
}

static void test_init_release(void **state)
{
	(void)state;
	struct pare_arena a;
	pare_arena_init(&a, 0, 0);
	assert_null(a.head);
	assert_true(a.chunk_size > 0); /* 0 picks a default */
	assert_int_equal(a.used, 0);
	pare_arena_release(&a);
	pare_arena_release(&a);
	pare_arena_release(NULL);

	pare_arena_init(&a, 128, 1000);
	assert_int_equal(a.chunk_size, 128);
	assert_int_equal(a.limit, 1000);
	pare_arena_release(&a);
}

static void test_alignment(void **state)
{
	(void)state;
	struct pare_arena a;
	pare_arena_init(&a, 256, 0);
	/* Odd sizes in a row, across many chunks. */
	for (size_t i = 0; i < 2000; i++) {
		size_t n = (i * 7) % 61;
		unsigned char *p = pare_arena_alloc(&a, n);
		assert_aligned(p);
		memset(p, 0xab, n); /* ASan notices an overrun */
	}
	/* Types that need max_align_t alignment. */
	long double *ld = pare_arena_alloc(&a, sizeof(long double) * 3);
	assert_aligned(ld);
	ld[2] = 1.5L;
	pare_arena_release(&a);
}

static void test_distinct_and_stable(void **state)
{
	(void)state;
	struct pare_arena a;
	pare_arena_init(&a, 512, 0);
	enum { N = 3000 };
	unsigned *ptrs[N];
	for (unsigned i = 0; i < N; i++) {
		ptrs[i] = pare_arena_alloc(&a, sizeof(unsigned) * ((i % 5) + 1));
		assert_aligned(ptrs[i]);
		for (unsigned k = 0; k < (i % 5) + 1; k++)
			ptrs[i][k] = i * 10 + k;
	}
	/* Earlier allocations were never moved or overwritten. */
	for (unsigned i = 0; i < N; i++)
		for (unsigned k = 0; k < (i % 5) + 1; k++)
			assert_int_equal(ptrs[i][k], i * 10 + k);
	assert_true(a.used >= N * sizeof(unsigned));
	pare_arena_release(&a);
	assert_int_equal(a.used, 0);
	assert_null(a.head);
}

static void test_zero_size(void **state)
{
	(void)state;
	struct pare_arena a;
	pare_arena_init(&a, 64, 0);
	void *p = pare_arena_alloc(&a, 0);
	void *q = pare_arena_alloc(&a, 0);
	assert_aligned(p);
	assert_aligned(q);
	assert_ptr_not_equal(p, q);
	assert_aligned(pare_arena_zalloc(&a, 0));
	pare_arena_release(&a);
}

static void test_zalloc(void **state)
{
	(void)state;
	struct pare_arena a;
	pare_arena_init(&a, 128, 0);
	/* Dirty some memory first so zeroing is really tested. */
	for (int i = 0; i < 50; i++)
		memset(pare_arena_alloc(&a, 40), 0xff, 40);
	for (size_t n = 1; n < 300; n += 37) {
		unsigned char *p = pare_arena_zalloc(&a, n);
		assert_aligned(p);
		for (size_t i = 0; i < n; i++)
			assert_int_equal(p[i], 0);
	}
	pare_arena_release(&a);
}

static void test_big_allocations(void **state)
{
	(void)state;
	struct pare_arena a;
	pare_arena_init(&a, 256, 0);
	char *small1 = pare_arena_alloc(&a, 16);
	assert_aligned(small1);
	memset(small1, '1', 16);
	/* Much bigger than the chunk size. */
	char *big = pare_arena_alloc(&a, 100000);
	assert_aligned(big);
	memset(big, 'B', 100000);
	/* The head's free space is still used after a big one. */
	char *small2 = pare_arena_alloc(&a, 16);
	assert_aligned(small2);
	memset(small2, '2', 16);
	assert_true(small2 == small1 + 16 || small2 + 16 == small1 ||
		    (size_t)(small2 > small1 ? small2 - small1 : small1 - small2) < 256);
	char *big2 = pare_arena_alloc(&a, 257);
	assert_aligned(big2);
	memset(big2, 'C', 257);
	char *exact = pare_arena_alloc(&a, 256);
	assert_aligned(exact);
	memset(exact, 'E', 256);
	for (int i = 0; i < 100; i++) {
		char *s = pare_arena_alloc(&a, 24);
		assert_aligned(s);
		memset(s, 's', 24);
	}
	/* Nothing overwrote anything else. */
	for (size_t i = 0; i < 16; i++) {
		assert_int_equal(small1[i], '1');
		assert_int_equal(small2[i], '2');
	}
	for (size_t i = 0; i < 100000; i++)
		if (big[i] != 'B')
			fail_msg("big[%zu] overwritten", i);
	for (size_t i = 0; i < 257; i++)
		assert_int_equal(big2[i], 'C');
	for (size_t i = 0; i < 256; i++)
		assert_int_equal(exact[i], 'E');
	pare_arena_release(&a);

	/* A big allocation as the very first one. */
	pare_arena_init(&a, 64, 0);
	big = pare_arena_alloc(&a, 10000);
	assert_aligned(big);
	memset(big, 'x', 10000);
	small1 = pare_arena_alloc(&a, 8);
	assert_aligned(small1);
	memset(small1, 'y', 8);
	assert_int_equal(big[9999], 'x');
	pare_arena_release(&a);
}

static void test_huge_fails(void **state)
{
	(void)state;
	struct pare_arena a;
	pare_arena_init(&a, 64, 0);
	assert_null(pare_arena_alloc(&a, SIZE_MAX));
	assert_null(pare_arena_alloc(&a, SIZE_MAX - 1));
	assert_null(pare_arena_alloc(&a, SIZE_MAX - ALIGN));
	assert_null(pare_arena_zalloc(&a, SIZE_MAX));
	struct pare_slice huge = { "x", SIZE_MAX };
	assert_null(pare_arena_strdup(&a, huge));
	/* Still usable afterwards. */
	assert_aligned(pare_arena_alloc(&a, 10));
	pare_arena_release(&a);
}

/* A chunk that fills one huge page: the next allocations come from it
 * (one after another), anything bigger still works, release frees all. */
static void test_reserve_huge(void **state)
{
	(void)state;
	struct pare_arena a;
	pare_arena_init(&a, 4096, 0);
	unsigned char *small = pare_arena_alloc(&a, 100);
	assert_aligned(small);
	assert_int_equal(pare_arena_reserve_huge(&a, 0), -1);
	assert_int_equal(pare_arena_reserve_huge(&a, SIZE_MAX), -1);
	assert_int_equal(pare_arena_reserve_huge(&a, 1), 0);
	unsigned char *p = pare_arena_alloc(&a, 1000), *q = pare_arena_alloc(&a, 1000);
	assert_aligned(p);
	assert_ptr_equal(q, p + ((1000 + ALIGN - 1) & ~(ALIGN - 1)));
	/* nearly 2 MiB fits in the reserved chunk */
	unsigned char *big = pare_arena_alloc(&a, (size_t)1900 * 1024);
	assert_aligned(big);
	memset(big, 0xab, (size_t)1900 * 1024);
	assert_ptr_equal(big, q + ((1000 + ALIGN - 1) & ~(ALIGN - 1)));
	unsigned char *more = pare_arena_alloc(&a, (size_t)3 << 20);
	assert_aligned(more);
	memset(more, 1, (size_t)3 << 20);
	assert_int_equal(big[0], 0xab);
	/* two pages: nearly 4 MiB from one chunk, one after another */
	assert_int_equal(pare_arena_reserve_huge(&a, 2), 0);
	unsigned char *h1 = pare_arena_alloc(&a, (size_t)3 << 20);
	unsigned char *h2 = pare_arena_alloc(&a, (size_t)900 * 1024);
	assert_ptr_equal(h2, h1 + ((size_t)3 << 20));
	memset(h1, 2, ((size_t)3 << 20) + (size_t)900 * 1024);
	pare_arena_release(&a);
	assert_null(a.head);
}

static void test_limit(void **state)
{
	(void)state;
	struct pare_arena a;
	const size_t limit = 64 * ALIGN;
	pare_arena_init(&a, 16 * ALIGN, limit);
	/* Exactly up to the limit in aligned steps succeeds ... */
	for (size_t i = 0; i < 64; i++)
		assert_non_null(pare_arena_alloc(&a, ALIGN));
	assert_int_equal(a.used, limit);
	/* ... and one byte more fails, also for zero-size requests. */
	assert_null(pare_arena_alloc(&a, 1));
	assert_null(pare_arena_alloc(&a, 0));
	assert_null(pare_arena_zalloc(&a, 1));
	assert_null(pare_arena_strdup(&a, pare_slice_from("")));
	struct pare_slice s = pare_arena_slice(&a, pare_slice_from("abc"));
	assert_null(s.ptr);
	assert_int_equal(s.len, 0);
	assert_int_equal(a.used, limit);
	pare_arena_release(&a);

	/* A single request bigger than the limit, and one that overflows
	 * used + n. */
	pare_arena_init(&a, 64, 1000);
	assert_null(pare_arena_alloc(&a, 1001));
	assert_null(pare_arena_alloc(&a, SIZE_MAX - 8));
	assert_non_null(pare_arena_alloc(&a, 500));
	assert_null(pare_arena_alloc(&a, 600));
	assert_non_null(pare_arena_alloc(&a, 100));
	assert_true(a.used <= a.limit);
	pare_arena_release(&a);

	/* Release resets the count: the arena can be filled again. */
	pare_arena_init(&a, 0, 4 * ALIGN);
	assert_non_null(pare_arena_alloc(&a, 4 * ALIGN));
	assert_null(pare_arena_alloc(&a, 1));
	pare_arena_release(&a);
	assert_non_null(pare_arena_alloc(&a, 4 * ALIGN));
	pare_arena_release(&a);
}

static void test_strdup_and_slice(void **state)
{
	(void)state;
	struct pare_arena a;
	pare_arena_init(&a, 64, 0);
	const char src[] = "libcrypto.so.3 trailing";
	char *p = pare_arena_strdup(&a, pare_slice_make(src, 14));
	assert_non_null(p);
	assert_string_equal(p, "libcrypto.so.3");
	assert_ptr_not_equal(p, src);

	struct pare_slice s = pare_arena_slice(&a, pare_slice_make(src, 9));
	assert_non_null(s.ptr);
	assert_int_equal(s.len, 9);
	assert_memory_equal(s.ptr, "libcrypto", 9);
	assert_int_equal(s.ptr[9], '\0'); /* NUL-terminated as well */

	p = pare_arena_strdup(&a, PARE_SLICE_NULL);
	assert_non_null(p);
	assert_string_equal(p, "");
	s = pare_arena_slice(&a, PARE_SLICE_NULL);
	assert_non_null(s.ptr);
	assert_int_equal(s.len, 0);

	/* Embedded NUL bytes are copied. */
	s = pare_arena_slice(&a, PARE_SLICE_LIT("a\0b"));
	assert_int_equal(s.len, 3);
	assert_memory_equal(s.ptr, "a\0b", 4);

	/* A string longer than the chunk. */
	char longstr[1000];
	memset(longstr, 'L', sizeof(longstr));
	p = pare_arena_strdup(&a, pare_slice_make(longstr, sizeof(longstr)));
	assert_non_null(p);
	assert_memory_equal(p, longstr, sizeof(longstr));
	assert_int_equal(p[sizeof(longstr)], '\0');
	pare_arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_release),	  cmocka_unit_test(test_alignment),
		cmocka_unit_test(test_distinct_and_stable), cmocka_unit_test(test_zero_size),
		cmocka_unit_test(test_zalloc),		  cmocka_unit_test(test_big_allocations),
		cmocka_unit_test(test_huge_fails),	  cmocka_unit_test(test_limit),
		cmocka_unit_test(test_reserve_huge),
		cmocka_unit_test(test_strdup_and_slice),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
