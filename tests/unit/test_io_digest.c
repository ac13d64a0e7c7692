/* Unit tests of io/digest.h's base64: every length round-trips, and the
 * decoder refuses what is not base64 (in the unrolled middle groups as in
 * the last one) or does not fit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
