/* Unit tests of io/digest.h's base64: every length round-trips, and the
 * decoder refuses what is not base64 (in the unrolled middle groups as in
 * the last one) or does not fit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/buf.h"
#include "base/error.h"
#include "io/digest.h"

static void test_round_trip(void **state)
{
	(void)state;
	unsigned char in[100], out[100];
	char text[200];
	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (unsigned char)(i * 37 + 11);
	for (size_t n = 0; n <= sizeof(in); n++) {
		size_t tl = pare_base64_encode(in, n, text);
		assert_int_equal(tl, 4 * ((n + 2) / 3));
		assert_int_equal(pare_base64_decode(text, tl, out, sizeof(out)), (int)n);
		assert_memory_equal(in, out, n);
		if (n > 0) /* one byte short */
			assert_int_equal(pare_base64_decode(text, tl, out, n - 1), -PARE_E_TOO_BIG);
	}
}

static void test_refused(void **state)
{
	(void)state;
	unsigned char out[64];
	assert_int_equal(pare_base64_decode("QUJD", 4, out, sizeof(out)), 3);
	assert_memory_equal(out, "ABC", 3);
	assert_int_equal(pare_base64_decode("QUJDRA==", 8, out, sizeof(out)), 4);
	assert_int_equal(pare_base64_decode("QUJ", 3, out, sizeof(out)), -PARE_E_FORMAT);
	assert_int_equal(pare_base64_decode("QU*DQUJD", 8, out, sizeof(out)), -PARE_E_FORMAT);
	assert_int_equal(pare_base64_decode("QUJDQU\nD", 8, out, sizeof(out)), -PARE_E_FORMAT);
	assert_int_equal(pare_base64_decode("QQ==QUJD", 8, out, sizeof(out)), -PARE_E_FORMAT);
	assert_int_equal(pare_base64_decode("QUJDQ=JD", 8, out, sizeof(out)), -PARE_E_FORMAT);
	assert_int_equal(pare_base64_decode("QUJD\x80UJD", 8, out, sizeof(out)), -PARE_E_FORMAT);
}

/* The tee digests and counts what it forwards; with no next it only
 * digests.  sha256("abc") is the FIPS 180-2 example. */
static void test_tee(void **state)
{
	(void)state;
	static const char want[] =
		"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
	struct pare_buf b;
	struct pare_ostream buf_out, out;
	struct pare_digest_tee t;
	struct pare_digest_value v;
	struct pare_error err = { 0 };
	char hex[2 * PARE_DIGEST_MAX + 1];
	pare_buf_init(&b, 10);
	pare_buf_ostream_init(&buf_out, &b);
	assert_int_equal(pare_digest_tee_init(&t, PARE_DIGEST_SHA256, &buf_out, &out), 0);
	assert_int_equal(pare_ostream_write(&out, "a", 1, &err), 0);
	assert_int_equal(pare_ostream_write(&out, "bc", 2, &err), 0);
	assert_int_equal(t.bytes, 3);
	assert_int_equal(b.len, 3);
	assert_memory_equal(b.data, "abc", 3);
	assert_int_equal(pare_digest_final(&t.d, &v), 0);
	pare_hex_encode(v.bytes, v.len, hex);
	assert_string_equal(hex, want);
	pare_digest_release(&t.d);
	/* next full: the error is next's */
	assert_int_equal(pare_digest_tee_init(&t, PARE_DIGEST_SHA256, &buf_out, &out), 0);
	assert_int_equal(pare_ostream_write(&out, "12345678", 8, &err), -PARE_E_TOO_BIG);
	pare_digest_release(&t.d);
	pare_buf_release(&b);
	assert_int_equal(pare_digest_tee_init(&t, PARE_DIGEST_SHA256, NULL, &out), 0);
	assert_int_equal(pare_ostream_write(&out, "abc", 3, &err), 0);
	assert_int_equal(pare_digest_final(&t.d, &v), 0);
	pare_hex_encode(v.bytes, v.len, hex);
	assert_string_equal(hex, want);
	pare_digest_release(&t.d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_tee),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
