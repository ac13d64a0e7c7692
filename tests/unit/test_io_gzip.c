/* Unit tests for the gzip reader's own framing (io/gzip.h): headers with
 * every optional field, CRC32 and ISIZE checks (and the CRC turned off),
 * reserved flags, truncation, several members, and that the hook sees
 * every compressed byte of a member, header and trailer included; a
 * memory stream (members inflated whole, with libdeflate) and a plain
 * stream (zlib) give the same bytes, hook counts, limits and errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "io/gzip.h"

#define MAXZ 4096

/* gzip of text with an extra field, a name, a comment and a header CRC
 * when `fields`. */
static size_t make_gz(const char *text, bool fields, unsigned char *out)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
	gz_header h;
	memset(&h, 0, sizeof(h));
	static unsigned char extra[] = "XYab";
	if (fields) {
		h.extra = extra;
		h.extra_len = 4;
		h.name = (unsigned char *)"name.txt";
		h.comment = (unsigned char *)"a comment";
		h.hcrc = 1;
		assert_int_equal(deflateSetHeader(&z, &h), Z_OK);
	}
	z.next_in = (unsigned char *)text;
	z.avail_in = (uInt)strlen(text);
	z.next_out = out;
	z.avail_out = MAXZ;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	size_t n = MAXZ - z.avail_out;
	deflateEnd(&z);
	return n;
}

static size_t hooked;

static void count_hook(void *ctx, const void *p, size_t n)
{
	(void)ctx;
	(void)p;
	hooked += n;
}

/* Read all of p[0..n) (multi-member); 0 and the text in out, or the code. */
static int read_all(const unsigned char *p, size_t n, bool crc, char *out, size_t max)
{
	struct pare_mem_istream m;
	struct pare_istream s;
	pare_mem_istream_init(&m, &s, p, n);
	struct pare_gz_reader r;
	struct pare_error err = { 0 };
	assert_int_equal(pare_gz_reader_init(&r, &s, "t", &err), 0);
	pare_gz_set_multi(&r, true);
	pare_gz_set_crc(&r, crc);
	pare_gz_set_hook(&r, count_hook, NULL);
	hooked = 0;
	size_t len = 0;
	ssize_t got;
	while ((got = pare_gz_read(&r, out + len, max - 1 - len, &err)) > 0)
		len += (size_t)got;
	out[len] = '\0';
	pare_gz_reader_release(&r);
	return got < 0 ? (int)got : 0;
}

static void test_fields_and_members(void **state)
{
	(void)state;
	unsigned char z[2 * MAXZ];
	char out[256];
	size_t a = make_gz("hello, ", true, z);
	size_t b = make_gz("world\n", false, z + a);
	assert_int_equal(read_all(z, a + b, true, out, sizeof(out)), 0);
	assert_string_equal(out, "hello, world\n");
	assert_int_equal(hooked, a + b);
}

static void test_checks(void **state)
{
	(void)state;
	unsigned char z[MAXZ];
	char out[256];
	size_t n = make_gz("some text to check\n", true, z);
	z[n - 8] ^= 1; /* CRC32 */
	assert_int_equal(read_all(z, n, true, out, sizeof(out)), -PARE_E_FORMAT);
	assert_int_equal(read_all(z, n, false, out, sizeof(out)), 0);
	assert_string_equal(out, "some text to check\n");
	z[n - 8] ^= 1;
	z[n - 4] ^= 1; /* ISIZE: checked even without the CRC */
	assert_int_equal(read_all(z, n, false, out, sizeof(out)), -PARE_E_FORMAT);
	z[n - 4] ^= 1;
	assert_int_equal(read_all(z, n - 3, true, out, sizeof(out)), -PARE_E_TRUNCATED);
	assert_int_equal(read_all(z, 5, true, out, sizeof(out)), -PARE_E_TRUNCATED);
	z[3] |= 0x20; /* a reserved flag */
	assert_int_equal(read_all(z, n, true, out, sizeof(out)), -PARE_E_FORMAT);
	z[3] &= (unsigned char)~0x20;
	z[2] = 7; /* not deflate */
	assert_int_equal(read_all(z, n, true, out, sizeof(out)), -PARE_E_FORMAT);
}

/* A stream over memory that offers no view: the zlib path. */
static ssize_t plain_read(void *ctx, void *buf, size_t n, struct pare_error *err)
{
	struct pare_mem_istream *m = ctx;
	size_t k = m->len - m->pos < n ? m->len - m->pos : n;
	k = k > 1000 ? 1000 : k; /* short reads too */
	(void)err;
	memcpy(buf, m->p + m->pos, k);
	m->pos += k;
	return (ssize_t)k;
}

/* Read p[0..n) whole (view) or not, with a limit raised to `raise` once
 * `at` bytes came out; the length read, or the code. */
static ssize_t read_big(const unsigned char *p, size_t n, bool view, uint64_t limit,
			size_t at, uint64_t raise, char *out, size_t max)
{
	struct pare_mem_istream m;
	struct pare_istream s;
	pare_mem_istream_init(&m, &s, p, n);
	if (!view) {
		s.read = plain_read;
		s.view = NULL;
	}
	struct pare_gz_reader r;
	struct pare_error err = { 0 };
	assert_int_equal(pare_gz_reader_init(&r, &s, "t", &err), 0);
	pare_gz_set_multi(&r, true);
	pare_gz_set_limit(&r, limit);
	pare_gz_set_hook(&r, count_hook, NULL);
	hooked = 0;
	size_t len = 0;
	ssize_t got;
	while ((got = pare_gz_read(&r, out + len, len < at ? at - len : max - len, &err)) > 0) {
		len += (size_t)got;
		if (len >= at)
			pare_gz_raise_limit(&r, raise);
	}
	pare_gz_reader_release(&r);
	return got < 0 ? got : (ssize_t)len;
}

static void test_whole_and_streamed(void **state)
{
	(void)state;
	enum { TEXT = 600000 };
	char *text = malloc(TEXT + 1), *out = malloc(2 * TEXT);
	unsigned char *z = malloc(2 * TEXT);
	assert_non_null(text);
	assert_non_null(out);
	assert_non_null(z);
	uint32_t x = 1;
	for (size_t i = 0; i < TEXT; i++) {
		x = x * 1103515245u + 12345u;
		text[i] = (char)('a' + (x >> 16) % 7);
	}
	text[TEXT] = '\0';
	/* a small member, then a large one (its ISIZE ends the input) */
	uLongf zn = 2 * TEXT;
	size_t a = make_gz("head\n", true, z);
	z_stream zs;
	memset(&zs, 0, sizeof(zs));
	assert_int_equal(deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
	zs.next_in = (unsigned char *)text;
	zs.avail_in = TEXT;
	zs.next_out = z + a;
	zs.avail_out = (uInt)(zn - a);
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	size_t n = a + zs.total_out;
	deflateEnd(&zs);
	for (int view = 0; view < 2; view++) {
		assert_int_equal(read_big(z, n, view, UINT64_MAX, 0, UINT64_MAX, out, 2 * TEXT), TEXT + 5);
		assert_memory_equal(out, "head\n", 5);
		assert_memory_equal(out + 5, text, TEXT);
		assert_int_equal(hooked, n);
		/* over the limit: refused; raised midway: read (zlib takes over) */
		assert_int_equal(read_big(z, n, view, 100000, 0, 100000, out, 2 * TEXT),
				 -PARE_E_TOO_BIG);
		assert_int_equal(read_big(z, n, view, 100000, 50000, UINT64_MAX, out, 2 * TEXT),
				 TEXT + 5);
		assert_memory_equal(out + 5, text, TEXT);
	}
	/* corrupt deflate data: the same error either way */
	z[a + 200] ^= 0x55;
	ssize_t e0 = read_big(z, n, false, UINT64_MAX, 0, UINT64_MAX, out, 2 * TEXT);
	ssize_t e1 = read_big(z, n, true, UINT64_MAX, 0, UINT64_MAX, out, 2 * TEXT);
	assert_true(e0 < 0);
	assert_int_equal(e0, e1);
	free(text);
	free(out);
	free(z);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fields_and_members),
		cmocka_unit_test(test_checks),
		cmocka_unit_test(test_whole_and_streamed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
