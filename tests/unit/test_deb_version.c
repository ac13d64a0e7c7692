/* Unit tests for src/deb/version.c: Debian version syntax, dpkg's order,
 * the APK mapping, package URLs and architecture names.  The order is also
 * checked against dpkg itself on real versions by tests/deb/version_prop. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "apk/version.h"
#include "deb/deb.h"

#define S(x) pare_slice_from(x)

static void assert_deb_lt(const char *a, const char *b)
{
	if (pare_deb_version_compare(S(a), S(b)) >= 0 || pare_deb_version_compare(S(b), S(a)) <= 0)
		fail_msg("expected %s < %s (dpkg order)", a, b);
}

static void test_parse(void **state)
{
	(void)state;
	struct pare_deb_version v;
	assert_int_equal(pare_deb_version_parse(S("5:7.0.15-1~deb12u7"), &v, NULL), 0);
	assert_true(pare_slice_eq_cstr(v.epoch, "5"));
	assert_true(pare_slice_eq_cstr(v.upstream, "7.0.15"));
	assert_true(pare_slice_eq_cstr(v.revision, "1~deb12u7"));
	/* The revision starts after the last '-'. */
	assert_int_equal(pare_deb_version_parse(S("1.0-beta-2"), &v, NULL), 0);
	assert_true(pare_slice_eq_cstr(v.upstream, "1.0-beta"));
	assert_true(pare_slice_eq_cstr(v.revision, "2"));
	assert_int_equal(pare_deb_version_parse(S("20230311"), &v, NULL), 0);
	assert_int_equal(v.revision.len, 0);
	assert_int_equal(v.epoch.len, 0);

	static const char *const bad[] = {
		"", "a1.0", "1.0-", ":1.0", "x:1.0", "1:", "1.0_1", "1.0-1_2", "1 0",
		"1234567890:1", "-1",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct pare_error err;
		if (pare_deb_version_parse(S(bad[i]), &v, &err) != -PARE_E_INVALID_VERSION)
			fail_msg("'%s' accepted", bad[i]);
		assert_non_null(strchr(err.msg, '\''));
	}
	char longv[400];
	memset(longv, '1', sizeof(longv) - 1);
	longv[sizeof(longv) - 1] = '\0';
	assert_int_equal(pare_deb_version_parse(S(longv), &v, NULL), -PARE_E_INVALID_VERSION);
}

static void test_order(void **state)
{
	(void)state;
	/* Policy 5.6.12's examples and dpkg's rules. */
	assert_deb_lt("1.0~rc1", "1.0");
	assert_deb_lt("1.0~~", "1.0~");
	assert_deb_lt("1.0~", "1.0");
	assert_deb_lt("1.0", "1.0a");
	assert_deb_lt("1.0a", "1.0+dfsg");
	assert_deb_lt("1.0+dfsg", "1.0.1");
	assert_deb_lt("1.0A", "1.0a");
	assert_deb_lt("1.2", "1.10");
	assert_deb_lt("1.0-1", "1.0-1+b1");
	assert_deb_lt("1.0-1+b1", "1.0-2");
	assert_deb_lt("2.36-9+deb12u9", "2.36-9+deb12u10");
	assert_deb_lt("3.0.11-1~deb12u2", "3.0.11-1");
	assert_deb_lt("9:1.0", "10:0.1");
	assert_deb_lt("99999999999999999999", "1:0");
	assert_deb_lt("1.0-1", "1.0.0");
	assert_int_equal(pare_deb_version_compare(S("1.0"), S("1.0-0")), 0);
	assert_int_equal(pare_deb_version_compare(S("0:1.0"), S("1.0")), 0);
	assert_int_equal(pare_deb_version_compare(S("1.01"), S("1.1")), 0);
	assert_int_equal(pare_deb_version_compare(S("1.0a"), S("1.0a0")), 0);
	/* Invalid versions sort first, so the order stays total. */
	assert_deb_lt("not-a-version", "0");
	assert_true(pare_deb_version_satisfies(S("2.36-9"), PARE_DEB_OP_GE, S("2.34")));
	assert_false(pare_deb_version_satisfies(S("2.36-9"), PARE_DEB_OP_LT, S("2.36-9")));
	assert_true(pare_deb_version_satisfies(S("1:1"), PARE_DEB_OP_GT, S("2")));
	assert_true(pare_deb_version_satisfies(S("1"), PARE_DEB_OP_NONE, S("")));
}

static void assert_maps(const char *deb, const char *apk)
{
	struct pare_buf b;
	struct pare_error err;
	pare_buf_init(&b, 1024);
	if (pare_deb_version_to_apk(S(deb), &b, &err) < 0)
		fail_msg("%s: %s", deb, err.msg);
	if (strcmp(b.data, apk) != 0)
		fail_msg("%s maps to %s, expected %s", deb, b.data, apk);
	if (!pare_version_valid(pare_buf_slice(&b)))
		fail_msg("%s: %s is no valid apk version", deb, b.data);
	pare_buf_release(&b);
}

static void test_map_examples(void **state)
{
	(void)state;
	assert_maps("5:7.0.15-1~deb12u7", "50000000007.0.15_cvs1_beta12_svn7");
	assert_maps("2.36-9+deb12u10", "2.36_cvs9_git12_svn10");
	assert_maps("1.2~rc1+dfsg-3", "1.2_rc1_git0-r3");
	assert_maps("1:2.3.4-1", "10000000002.3.4-r1");
	assert_maps("3.0.11-1~deb12u2", "3.0.11_cvs1_beta12_svn2");
	assert_maps("20230311", "20230311");
	assert_maps("0.0~git20200101.abc-2", "0.0_beta20200101_p0-r2");
	assert_maps("1.1.1w", "1.1.1w");
	assert_maps("9.2p1", "9.2p_p1");
	assert_maps("1.02", "1.2");
	assert_maps("1.", "1.0");
	assert_maps("1.0-0", "1.0");
	assert_maps("1.0-007", "1.0-r7");
	assert_maps("2.10-3", "2.10-r3");
	assert_maps("1.0~alpha1", "1.0_alpha1");
	assert_maps("1.0~beta1", "1.0_beta1");
	assert_maps("1.0~pre1", "1.0_pre1");
	assert_maps("1.0~1", "1.0_alpha1");
	assert_maps("1.0-1.1", "1.0_cvs1_p1");
	assert_maps("1.0-debian1", "1.0_cvs0_svn1");
	assert_maps("1.0dfsg", "1.0_svn0");
	assert_maps("1.0-beta-2", "1.0_hg0-r2");
}

/* The mapping keeps dpkg's order for pairs outside the documented classes. */
static void test_map_order(void **state)
{
	(void)state;
	static const char *const chain[] = {
		"1.0~alpha1", "1.0~beta1", "1.0~rc1", "1.0", "1.0-1", "1.0-1+b1", "1.0-1+deb12u1",
		"1.0-1+deb12u2", "1.0-1+deb12u10", "1.0a", "1.0b", "1.0.1~rc1", "1.0.1", "1.2",
		"1.10", "1.10.0.1", "2", "20230311", "1:0.1", "1:0.2~rc2", "1:0.2", "2:0",
	};
	struct pare_buf a, b;
	pare_buf_init(&a, 1024);
	pare_buf_init(&b, 1024);
	for (size_t i = 0; i + 1 < sizeof(chain) / sizeof(chain[0]); i++) {
		for (size_t j = i + 1; j < sizeof(chain) / sizeof(chain[0]); j++) {
			assert_deb_lt(chain[i], chain[j]);
			pare_buf_reset(&a);
			pare_buf_reset(&b);
			assert_int_equal(pare_deb_version_to_apk(S(chain[i]), &a, NULL), 0);
			assert_int_equal(pare_deb_version_to_apk(S(chain[j]), &b, NULL), 0);
			if (pare_version_compare(pare_buf_slice(&a), pare_buf_slice(&b)) !=
			    PARE_VERSION_LESS)
				fail_msg("%s < %s but %s >= %s", chain[i], chain[j], a.data, b.data);
		}
	}
	pare_buf_release(&a);
	pare_buf_release(&b);
}

static void test_map_invalid(void **state)
{
	(void)state;
	struct pare_buf b;
	struct pare_error err;
	pare_buf_init(&b, 1024);
	assert_int_equal(pare_deb_version_to_apk(S("x1"), &b, &err), -PARE_E_INVALID_VERSION);
	assert_int_equal(b.len, 0);
	pare_buf_release(&b);
	/* A bounded buffer: a failure leaves it as it was. */
	pare_buf_init(&b, 8);
	assert_int_equal(pare_buf_append_str(&b, "ab"), 0);
	assert_int_equal(pare_deb_version_to_apk(S("1.2.3.4.5.6.7"), &b, &err), -PARE_E_TOO_BIG);
	assert_string_equal(b.data, "ab");
	pare_buf_release(&b);
}

static void test_purl(void **state)
{
	(void)state;
	struct pare_buf b;
	pare_buf_init(&b, 1024);
	assert_int_equal(pare_deb_purl(S("debian"), S("redis-server"), S("5:7.0.15-1~deb12u7"),
				       S("amd64"), &b),
			 0);
	assert_string_equal(b.data, "pkg:deb/debian/redis-server@5%3A7.0.15-1~deb12u7?arch=amd64");
	pare_buf_reset(&b);
	assert_int_equal(pare_deb_purl(S("debian"), S("libstdc++6"), S("12.2.0-14+deb12u1"),
				       S(""), &b),
			 0);
	assert_string_equal(b.data, "pkg:deb/debian/libstdc%2B%2B6@12.2.0-14%2Bdeb12u1");
	/* qualifiers: '?' first, then '&' */
	assert_int_equal(pare_deb_purl_qualifier(&b, "distro", S("debian-12")), 0);
	assert_string_equal(b.data, "pkg:deb/debian/libstdc%2B%2B6@12.2.0-14%2Bdeb12u1"
				    "?distro=debian-12");
	pare_buf_reset(&b);
	assert_int_equal(pare_deb_purl(S("debian"), S("zstd"), S("1.5.4+dfsg2-5"), S("amd64"), &b),
			 0);
	assert_int_equal(pare_deb_purl_qualifier(&b, "distro", S("debian 12")), 0);
	assert_string_equal(b.data, "pkg:deb/debian/zstd@1.5.4%2Bdfsg2-5?arch=amd64"
				    "&distro=debian%2012");
	pare_buf_release(&b);
}

static void test_arch(void **state)
{
	(void)state;
	static const char *const pairs[][2] = {
		{ "amd64", "x86_64" }, { "arm64", "aarch64" }, { "i386", "x86" },
		{ "armhf", "armv7" },  { "armel", "armhf" },   { "ppc64el", "ppc64le" },
		{ "s390x", "s390x" },  { "riscv64", "riscv64" }, { "all", "noarch" },
	};
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		const char *apk = pare_deb_arch_to_apk(S(pairs[i][0]));
		assert_non_null(apk);
		assert_string_equal(apk, pairs[i][1]);
	}
	assert_null(pare_deb_arch_to_apk(S("x86_64")));
	assert_null(pare_deb_arch_to_apk(S("")));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_map_examples),
		cmocka_unit_test(test_map_order),
		cmocka_unit_test(test_map_invalid),
		cmocka_unit_test(test_purl),
		cmocka_unit_test(test_arch),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
