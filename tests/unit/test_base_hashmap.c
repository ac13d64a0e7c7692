/* Unit tests for src/base/hashmap.c: the hash function, insert/lookup of
 * thousands of keys across growth, replace, iteration visiting every key
 * exactly once, keys with NUL bytes, and the NULL-value rule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/hashmap.h"

#define S(x) pare_slice_from(x)

/* A value that is not NULL for any i (the map refuses NULL values). */
static void *val(size_t i)
{
	return (void *)(uintptr_t)(i + 1);
}

static size_t unval(void *p)
{
	return (size_t)(uintptr_t)p - 1;
}

static void check_map_invariants(const struct pare_map *m)
{
	if (m->cap) {
		assert_int_equal(m->cap & (m->cap - 1), 0); /* power of two */
		assert_true(m->count * 2 <= m->cap);         /* load <= 1/2 */
	} else {
		assert_int_equal(m->count, 0);
	}
}

static void test_hash_bytes(void **state)
{
	(void)state;
	assert_true(pare_hash_bytes("", 0) != 0);
	assert_true(pare_hash_bytes(NULL, 0) != 0);
	assert_true(pare_hash_bytes(NULL, 0) == pare_hash_bytes("", 0));
	assert_true(pare_hash_bytes("abc", 3) == pare_hash_bytes("abc", 3));
	assert_true(pare_hash_bytes("abc", 3) != pare_hash_bytes("abd", 3));
	assert_true(pare_hash_bytes("a\0b", 3) != pare_hash_bytes("a\0c", 3));
	assert_true(pare_hash_bytes("a", 1) != pare_hash_bytes("a\0", 2));
	/* Never 0, for many inputs. */
	for (unsigned i = 0; i < 20000; i++)
		assert_true(pare_hash_bytes(&i, sizeof(i)) != 0);
}

/* The short-key hash reads every byte of keys of every length up to 40
 * (a one-byte change anywhere changes it), tells lengths apart, and
 * spreads Alpine-like names over the low bits a table masks. */
static void test_hash_short(void **state)
{
	(void)state;
	char k[41], j[41];
	memset(k, 'a', sizeof(k));
	assert_int_equal(pare_hash_short(k, 0), pare_hash_short("", 0));
	for (size_t n = 1; n <= 40; n++) {
		assert_int_equal(pare_hash_short(k, n), pare_hash_short(memcpy(j, k, n), n));
		assert_true(pare_hash_short(k, n) != pare_hash_short(k, n - 1));
		for (size_t i = 0; i < n; i++) {
			memcpy(j, k, n);
			j[i] = 'b';
			assert_true(pare_hash_short(k, n) != pare_hash_short(j, n));
		}
	}
	/* "so:libN.so.1" for 4096 N over 4096 buckets: no bucket holds many */
	unsigned char count[4096] = { 0 };
	unsigned worst = 0;
	for (unsigned i = 0; i < 4096; i++) {
		char name[32];
		int n = snprintf(name, sizeof(name), "so:lib%u.so.1", i);
		unsigned b = pare_hash_short(name, (size_t)n) & 4095;
		if (++count[b] > worst)
			worst = count[b];
	}
	assert_true(worst <= 8);
}

static void test_empty_map(void **state)
{
	(void)state;
	struct pare_map m;
	pare_map_init(&m);
	assert_null(pare_map_get(&m, S("x")));
	assert_null(pare_map_get(&m, PARE_SLICE_NULL));
	size_t pos = 0;
	struct pare_slice k;
	void *v;
	assert_false(pare_map_next(&m, &pos, &k, &v));
	pare_map_release(&m);
	pare_map_release(&m);
	pare_map_release(NULL);
}

static void test_put_get_replace(void **state)
{
	(void)state;
	struct pare_map m;
	pare_map_init(&m);
	int a = 1, b = 2, c = 3;
	void *old = &c;
	assert_int_equal(pare_map_put(&m, S("musl"), &a, &old), 0);
	assert_null(old);
	assert_int_equal(pare_map_put(&m, S("glibc"), &b, NULL), 0);
	assert_int_equal(m.count, 2);
	assert_ptr_equal(pare_map_get(&m, S("musl")), &a);
	assert_ptr_equal(pare_map_get(&m, S("glibc")), &b);
	assert_null(pare_map_get(&m, S("mus")));
	assert_null(pare_map_get(&m, S("musl2")));
	assert_null(pare_map_get(&m, S("")));

	/* Replace gives back the old value and keeps the count. */
	assert_int_equal(pare_map_put(&m, S("musl"), &c, &old), 0);
	assert_ptr_equal(old, &a);
	assert_int_equal(m.count, 2);
	assert_ptr_equal(pare_map_get(&m, S("musl")), &c);
	/* Replacing without asking for the old value. */
	assert_int_equal(pare_map_put(&m, S("musl"), &b, NULL), 0);
	assert_ptr_equal(pare_map_get(&m, S("musl")), &b);
	assert_int_equal(m.count, 2);

	/* The key is compared by content, not by pointer. */
	char copy[] = "glibc";
	assert_ptr_equal(pare_map_get(&m, pare_slice_make(copy, 5)), &b);
	/* A slice into a longer string. */
	const char longer[] = "glibc-dev";
	assert_ptr_equal(pare_map_get(&m, pare_slice_make(longer, 5)), &b);
	assert_null(pare_map_get(&m, pare_slice_make(longer, 9)));
	check_map_invariants(&m);
	pare_map_release(&m);
	assert_int_equal(m.count, 0);
	assert_null(m.slots);
}

static void test_null_value_refused(void **state)
{
	(void)state;
	struct pare_map m;
	pare_map_init(&m);
	int x = 0;
	void *old = &x;
	assert_int_equal(pare_map_put(&m, S("k"), NULL, &old), -EINVAL);
	assert_null(old);
	assert_int_equal(m.count, 0);
	assert_null(pare_map_get(&m, S("k")));
	assert_int_equal(pare_map_put(&m, S("k"), &x, NULL), 0);
	/* A NULL value does not delete or replace an existing key. */
	assert_int_equal(pare_map_put(&m, S("k"), NULL, NULL), -EINVAL);
	assert_ptr_equal(pare_map_get(&m, S("k")), &x);
	assert_int_equal(m.count, 1);
	pare_map_release(&m);
}

static void test_empty_key(void **state)
{
	(void)state;
	struct pare_map m;
	pare_map_init(&m);
	int x = 0, y = 0;
	assert_int_equal(pare_map_put(&m, S(""), &x, NULL), 0);
	assert_ptr_equal(pare_map_get(&m, S("")), &x);
	assert_ptr_equal(pare_map_get(&m, PARE_SLICE_NULL), &x);
	void *old = NULL;
	assert_int_equal(pare_map_put(&m, PARE_SLICE_NULL, &y, &old), 0);
	assert_ptr_equal(old, &x);
	assert_int_equal(m.count, 1);
	pare_map_release(&m);
}

static void test_nul_bytes_in_keys(void **state)
{
	(void)state;
	struct pare_map m;
	pare_map_init(&m);
	static const char k1[] = "a\0b";
	static const char k2[] = "a\0c";
	static const char k3[] = "a";
	static const char k4[] = "a\0";
	static const char k5[] = "\0\0\0";
	static const char k6[] = "\0";
	struct pare_slice keys[] = {
		pare_slice_make(k1, 3), pare_slice_make(k2, 3), pare_slice_make(k3, 1),
		pare_slice_make(k4, 2), pare_slice_make(k5, 3), pare_slice_make(k6, 1),
	};
	size_t n = sizeof(keys) / sizeof(keys[0]);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(pare_map_put(&m, keys[i], val(i), NULL), 0);
	assert_int_equal(m.count, n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(unval(pare_map_get(&m, keys[i])), i);
	assert_null(pare_map_get(&m, pare_slice_make(k5, 2)));
	assert_null(pare_map_get(&m, pare_slice_make(k1, 4))); /* "a\0b\0" */
	assert_null(pare_map_get(&m, S("")));
	pare_map_release(&m);
}

/* Key i, written into the arena, is "pkg-<i>" with a few shapes mixed in
 * so that keys share prefixes and suffixes. */
static struct pare_slice make_key(struct pare_arena *a, size_t i)
{
	char tmp[64];
	int n;
	switch (i % 3) {
	case 0:
		n = snprintf(tmp, sizeof(tmp), "pkg-%zu", i);
		break;
	case 1:
		n = snprintf(tmp, sizeof(tmp), "so:lib%zu.so.1", i);
		break;
	default:
		n = snprintf(tmp, sizeof(tmp), "%zu", i);
		break;
	}
	return pare_arena_slice(a, pare_slice_make(tmp, (size_t)n));
}

static void test_thousands_of_keys(void **state)
{
	(void)state;
	enum { N = 20000 };
	struct pare_arena a;
	pare_arena_init(&a, 0, 0);
	struct pare_slice *keys = calloc(N, sizeof(*keys));
	assert_non_null(keys);
	struct pare_map m;
	pare_map_init(&m);
	for (size_t i = 0; i < N; i++) {
		keys[i] = make_key(&a, i);
		assert_non_null(keys[i].ptr);
		void *old = (void *)1;
		assert_int_equal(pare_map_put(&m, keys[i], val(i), &old), 0);
		assert_null(old);
		assert_int_equal(m.count, i + 1);
		/* Every key inserted so far survives each growth. */
		if ((i & (i + 1)) == 0) {
			check_map_invariants(&m);
			for (size_t j = 0; j <= i; j++)
				assert_int_equal(unval(pare_map_get(&m, keys[j])), j);
		}
	}
	check_map_invariants(&m);
	for (size_t i = 0; i < N; i++)
		assert_int_equal(unval(pare_map_get(&m, keys[i])), i);

	/* Absent keys with similar shapes. */
	char tmp[64];
	for (size_t i = N; i < N + 2000; i++) {
		int n = snprintf(tmp, sizeof(tmp), "pkg-%zu", i * 3);
		assert_null(pare_map_get(&m, pare_slice_make(tmp, (size_t)n)));
		n = snprintf(tmp, sizeof(tmp), "pkg-%zu", i % N * 3 + 1);
		assert_null(pare_map_get(&m, pare_slice_make(tmp, (size_t)n)));
	}

	/* Replace every other key; the count does not change. */
	for (size_t i = 0; i < N; i += 2) {
		void *old = NULL;
		assert_int_equal(pare_map_put(&m, keys[i], val(i + N), &old), 0);
		assert_int_equal(unval(old), i);
	}
	assert_int_equal(m.count, N);
	for (size_t i = 0; i < N; i++)
		assert_int_equal(unval(pare_map_get(&m, keys[i])), i % 2 ? i : i + N);

	pare_map_release(&m);
	free(keys);
	pare_arena_release(&a);
}

static void test_iteration_visits_each_once(void **state)
{
	(void)state;
	enum { N = 5000 };
	struct pare_arena a;
	pare_arena_init(&a, 0, 0);
	struct pare_map m;
	pare_map_init(&m);
	for (size_t i = 0; i < N; i++)
		assert_int_equal(pare_map_put(&m, make_key(&a, i), val(i), NULL), 0);
	/* Replacements do not make duplicates. */
	for (size_t i = 0; i < N; i += 7)
		assert_int_equal(pare_map_put(&m, make_key(&a, i), val(i), NULL), 0);
	assert_int_equal(m.count, N);

	unsigned char *seen = calloc(N, 1);
	assert_non_null(seen);
	size_t pos = 0, visits = 0;
	struct pare_slice k;
	void *v;
	while (pare_map_next(&m, &pos, &k, &v)) {
		size_t i = unval(v);
		assert_true(i < N);
		assert_int_equal(seen[i], 0);
		seen[i] = 1;
		visits++;
		/* The key given back is the key of that value. */
		assert_true(pare_slice_eq(k, make_key(&a, i)));
	}
	assert_int_equal(visits, N);
	for (size_t i = 0; i < N; i++)
		assert_int_equal(seen[i], 1);
	/* At the end it stays at the end. */
	assert_false(pare_map_next(&m, &pos, &k, &v));

	/* key and value outputs are optional. */
	pos = 0;
	visits = 0;
	while (pare_map_next(&m, &pos, NULL, NULL))
		visits++;
	assert_int_equal(visits, N);

	free(seen);
	pare_map_release(&m);
	pare_arena_release(&a);
}

static void test_colliding_buckets(void **state)
{
	(void)state;
	/* Keys that share the low bits of their hash probe into one another;
	 * find a batch of them for a 16-slot table and check all are kept. */
	struct pare_map m;
	pare_map_init(&m);
	static char store[8][16];
	size_t found = 0;
	uint64_t want_bucket = pare_hash_bytes("seed", 4) & 15;
	for (unsigned i = 0; found < 7 && i < 100000; i++) {
		int n = snprintf(store[found], sizeof(store[found]), "c%u", i);
		if ((pare_hash_bytes(store[found], (size_t)n) & 15) == want_bucket)
			found++;
	}
	assert_int_equal(found, 7);
	for (size_t i = 0; i < found; i++)
		assert_int_equal(pare_map_put(&m, S(store[i]), val(i), NULL), 0);
	assert_int_equal(m.cap, 16); /* 7 keys fit without growing */
	for (size_t i = 0; i < found; i++)
		assert_int_equal(unval(pare_map_get(&m, S(store[i]))), i);
	/* A probe for an absent key in the same run ends at an empty slot. */
	assert_null(pare_map_get(&m, S("seed")));
	pare_map_release(&m);
}

static void test_reuse_after_release(void **state)
{
	(void)state;
	struct pare_map m;
	pare_map_init(&m);
	int x = 0;
	assert_int_equal(pare_map_put(&m, S("a"), &x, NULL), 0);
	pare_map_release(&m);
	assert_null(pare_map_get(&m, S("a")));
	assert_int_equal(pare_map_put(&m, S("b"), &x, NULL), 0);
	assert_ptr_equal(pare_map_get(&m, S("b")), &x);
	assert_null(pare_map_get(&m, S("a")));
	pare_map_release(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash_bytes),
		cmocka_unit_test(test_hash_short),
		cmocka_unit_test(test_empty_map),
		cmocka_unit_test(test_put_get_replace),
		cmocka_unit_test(test_null_value_refused),
		cmocka_unit_test(test_empty_key),
		cmocka_unit_test(test_nul_bytes_in_keys),
		cmocka_unit_test(test_thousands_of_keys),
		cmocka_unit_test(test_iteration_visits_each_once),
		cmocka_unit_test(test_colliding_buckets),
		cmocka_unit_test(test_reuse_after_release),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
