/* Unit tests of io/url.h: credentials never survive redaction. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "io/url.h"

static void expect(const char *in, const char *want)
{
	char out[PARE_URL_SHOWN_MAX];
	assert_string_equal(pare_url_redact(in, out, sizeof(out)), want);
	assert_int_equal(pare_url_has_secret(pare_slice_from(in)), strcmp(in, want) != 0);
}

static void test_userinfo(void **state)
{
	(void)state;
	expect("http://user:pw@host:80/a/b", "http://***@host:80/a/b");
	expect("https://token@host", "https://***@host");
	expect("https://a:b@c@host/x@y", "https://***@host/x@y");
	expect("http://host/path@x", "http://host/path@x");
	expect("HTTP://u:p@h?q=1", "HTTP://***@h?q=1");
	expect("/local/path", "/local/path");
	expect("file:///srv/repo", "file:///srv/repo");
	expect("", "");
}

static void test_query(void **state)
{
	(void)state;
	expect("https://h/x?token=abc&a=1", "https://h/x?token=***&a=1");
	expect("https://h/x?X-Amz-Signature=abc#frag", "https://h/x?X-Amz-Signature=***#frag");
	expect("https://h/x?a=1;access_key=z", "https://h/x?a=1;access_key=***");
	expect("https://h/x?page=2", "https://h/x?page=2");
}

static void test_cut_never_exposes(void **state)
{
	(void)state;
	char out[16];
	pare_url_redact("http://u:secretsecret@hostname.example/", out, sizeof(out));
	assert_null(strstr(out, "secret"));
	assert_int_equal(strlen(out), sizeof(out) - 1);
	assert_string_equal(out + strlen(out) - 3, "...");
	char tiny[1];
	pare_url_redact("http://u:p@h", tiny, sizeof(tiny));
	assert_string_equal(tiny, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_userinfo),
		cmocka_unit_test(test_query),
		cmocka_unit_test(test_cut_never_exposes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
