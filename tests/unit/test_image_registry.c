/* Unit tests for image references (image/ref.h), docker config
 * credentials and WWW-Authenticate challenges (image/auth.h), and the
 * small helpers the registry client takes from io/http.h. */
#include <setjmp.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/buf.h"
#include "image/auth.h"
#include "image/ref.h"
#include "io/http.h"

#define SHA "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

/* ---- references ---- */

struct ref_case {
	const char *text, *host, *name, *tag, *digest;
};

static void test_ref_valid(void **state)
{
	(void)state;
	static const struct ref_case cases[] = {
		{ "127.0.0.1:5000/test:v1", "127.0.0.1:5000", "test", "v1", "" },
		{ "localhost/a/b", "localhost", "a/b", "latest", "" },
		{ "localhost:5000/a", "localhost:5000", "a", "latest", "" },
		{ "alpine", "docker.io", "library/alpine", "latest", "" },
		{ "user/img:1.0", "docker.io", "user/img", "1.0", "" },
		{ "ghcr.io/o/r@" SHA, "ghcr.io", "o/r", "", SHA },
		{ "reg.example.com:443/x/y/z:T_1.2-rc@" SHA, "reg.example.com:443", "x/y/z",
		  "T_1.2-rc", SHA },
		{ "[::1]:5000/x:y", "[::1]:5000", "x", "y", "" },
		{ "a.b/c__d-e.f/g--h_i", "a.b", "c__d-e.f/g--h_i", "latest", "" },
		{ "localhost:5000", "docker.io", "library/localhost", "5000", "" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pare_image_ref r;
		struct pare_error err = { 0 };
		int rc = pare_image_ref_parse(cases[i].text, &r, &err);
		if (rc != 0)
			fail_msg("%s: %s", cases[i].text, err.msg);
		assert_string_equal(r.host, cases[i].host);
		assert_string_equal(r.name, cases[i].name);
		assert_string_equal(r.tag, cases[i].tag);
		assert_string_equal(r.digest, cases[i].digest);
	}
}

static void test_ref_invalid(void **state)
{
	(void)state;
	char longtag[200], longname[300];
	snprintf(longtag, sizeof(longtag), "h.io/x:%0129d", 0);
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	memcpy(longname, "h.io/", 5);
	const char *bad[] = {
		"", "UPPER", "h.io/Upper", "h:0/x", "h:99999/x", "h:x/y", "h.io/a//b", "h.io/x:",
		"h.io/x:-t", "h.io/x@sha256:abc", "h.io/x@sha256:" "0123456789ABCDEF0123456789ABCDEF"
		"0123456789ABCDEF0123456789ABCDEF", "h.io/-a", "h.io/a-", "h.io/a..b", "h.io/a___b",
		"h.io/a/", "/a", ".h/a", "h..io/a", "h.io/a b", "h.io/x@", "h.io/x@:abc",
		longtag, longname, "[zz/x", "[]:1/x",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct pare_image_ref r;
		struct pare_error err = { 0 };
		if (pare_image_ref_parse(bad[i], &r, &err) != -PARE_E_FORMAT)
			fail_msg("accepted '%s'", bad[i]);
		assert_true(err.msg[0] != '\0');
	}
}

static void test_ref_helpers(void **state)
{
	(void)state;
	struct pare_image_ref r;
	char out[300];
	const char *local[] = { "127.0.0.1:5000/x", "127.1.2.3/x:1", "localhost:5000/x",
				"localhost/x", "[::1]:5000/x" };
	const char *remote[] = { "127.evil.com/x", "example.com:5000/x", "alpine",
				 "localhost.example/x", "[::2]:5000/x" };
	for (size_t i = 0; i < sizeof(local) / sizeof(local[0]); i++) {
		assert_int_equal(pare_image_ref_parse(local[i], &r, NULL), 0);
		if (!pare_image_ref_is_local(&r))
			fail_msg("%s should be local", local[i]);
	}
	for (size_t i = 0; i < sizeof(remote) / sizeof(remote[0]); i++) {
		assert_int_equal(pare_image_ref_parse(remote[i], &r, NULL), 0);
		if (pare_image_ref_is_local(&r))
			fail_msg("%s should not be local", remote[i]);
	}
	assert_int_equal(pare_image_ref_parse("alpine", &r, NULL), 0);
	assert_string_equal(pare_image_ref_api_host(&r), "registry-1.docker.io");
	assert_string_equal(pare_image_ref_reference(&r), "latest");
	assert_int_equal(pare_image_ref_format(&r, out, sizeof(out)), 0);
	assert_string_equal(out, "docker.io/library/alpine:latest");
	assert_int_equal(pare_image_ref_parse("h.io/a@" SHA, &r, NULL), 0);
	assert_string_equal(pare_image_ref_api_host(&r), "h.io");
	assert_string_equal(pare_image_ref_reference(&r), SHA);
	assert_int_equal(pare_image_ref_format(&r, out, sizeof(out)), 0);
	assert_string_equal(out, "h.io/a@" SHA);
	assert_int_equal(pare_image_ref_format(&r, out, 10), -ENAMETOOLONG);
}

/* ---- challenges ---- */

static void next_ok(struct pare_slice *s, struct pare_auth_challenge *ch)
{
	struct pare_error err = { 0 };
	int r = pare_auth_challenge_next(s, ch, &err);
	if (r != 1)
		fail_msg("challenge: %d %s", r, err.msg);
}

static void test_challenge_bearer(void **state)
{
	(void)state;
	struct pare_auth_challenge ch;
	struct pare_slice s = pare_slice_from(
		"Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
		"scope=\"repository:samalba/my-app:pull,push\"");
	next_ok(&s, &ch);
	assert_int_equal(ch.scheme, PARE_AUTH_BEARER);
	assert_string_equal(ch.realm, "https://auth.docker.io/token");
	assert_string_equal(ch.service, "registry.docker.io");
	assert_string_equal(ch.scope, "repository:samalba/my-app:pull,push");
	assert_int_equal(pare_auth_challenge_next(&s, &ch, NULL), 0);
}

static void test_challenge_several(void **state)
{
	(void)state;
	struct pare_auth_challenge ch;
	struct pare_slice s = pare_slice_from(
		"Basic realm=\"Registry \\\"Realm\\\"\", bearer REALM = http://t/x , "
		"Service=svc,other=1, Negotiate, Digest realm=x,nonce=\"a,b\"");
	next_ok(&s, &ch);
	assert_int_equal(ch.scheme, PARE_AUTH_BASIC);
	assert_string_equal(ch.realm, "Registry \"Realm\"");
	next_ok(&s, &ch);
	assert_int_equal(ch.scheme, PARE_AUTH_BEARER);
	assert_string_equal(ch.realm, "http://t/x");
	assert_string_equal(ch.service, "svc");
	assert_string_equal(ch.scope, "");
	next_ok(&s, &ch);
	assert_int_equal(ch.scheme, PARE_AUTH_OTHER); /* Negotiate */
	next_ok(&s, &ch);
	assert_int_equal(ch.scheme, PARE_AUTH_OTHER); /* Digest */
	assert_string_equal(ch.realm, "x");
	assert_int_equal(pare_auth_challenge_next(&s, &ch, NULL), 0);
	s = pare_slice_from("   ,  ");
	assert_int_equal(pare_auth_challenge_next(&s, &ch, NULL), 0);
}

static void test_challenge_bad(void **state)
{
	(void)state;
	struct pare_auth_challenge ch;
	struct pare_error err = { 0 };
	struct pare_slice s = pare_slice_from("Bearer realm=\"unterminated");
	assert_int_equal(pare_auth_challenge_next(&s, &ch, &err), -PARE_E_FORMAT);
	assert_non_null(strstr(err.msg, "unterminated"));
	s = pare_slice_from("=x");
	assert_int_equal(pare_auth_challenge_next(&s, &ch, NULL), -PARE_E_FORMAT);
	s = pare_slice_from("Bearer realm=\"a\x01\"");
	assert_int_equal(pare_auth_challenge_next(&s, &ch, NULL), -PARE_E_FORMAT);
	s = pare_slice_from("Bearer realm=\"x\" ;");
	assert_int_equal(pare_auth_challenge_next(&s, &ch, NULL), -PARE_E_FORMAT);
	struct pare_buf b;
	pare_buf_init(&b, 8192);
	assert_int_equal(pare_buf_append_str(&b, "Bearer realm=\""), 0);
	for (int i = 0; i < PARE_AUTH_PARAM_MAX + 1; i++)
		assert_int_equal(pare_buf_putc(&b, 'a'), 0);
	assert_int_equal(pare_buf_putc(&b, '"'), 0);
	s = pare_buf_slice(&b);
	assert_int_equal(pare_auth_challenge_next(&s, &ch, NULL), -PARE_E_TOO_BIG);
	/* Exactly the maximum fits. */
	pare_buf_truncate(&b, b.len - 2);
	assert_int_equal(pare_buf_putc(&b, '"'), 0);
	s = pare_buf_slice(&b);
	assert_int_equal(pare_auth_challenge_next(&s, &ch, NULL), 1);
	assert_int_equal(strlen(ch.realm), PARE_AUTH_PARAM_MAX);
	pare_buf_release(&b);
}

static void test_token(void **state)
{
	(void)state;
	char *t = NULL;
	assert_int_equal(pare_auth_token_parse(pare_slice_from("{\"token\":\"abc.def\"}"), &t, NULL),
			 0);
	assert_string_equal(t, "abc.def");
	free(t);
	assert_int_equal(pare_auth_token_parse(
				 pare_slice_from("{\"token\":\"\",\"access_token\":\"x\"}"), &t, NULL),
			 0);
	assert_string_equal(t, "x");
	free(t);
	const char *bad[] = { "{}", "not json", "{\"token\":3}", "{\"token\":\"a b\"}",
			      "{\"token\":\"a\\nb\"}", "[]" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct pare_error err = { 0 };
		assert_true(pare_auth_token_parse(pare_slice_from(bad[i]), &t, &err) < 0);
		assert_null(t);
		assert_true(err.msg[0] != '\0');
	}
}

/* ---- docker config ---- */

static char tmpdir[64];

static void write_config(const char *text)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/config.json", tmpdir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void lookup(const char *host, int want, const char *user, const char *pass)
{
	char path[128];
	struct pare_auth_config c;
	struct pare_auth_cred cred;
	struct pare_error err = { 0 };
	snprintf(path, sizeof(path), "%s/config.json", tmpdir);
	assert_int_equal(pare_auth_config_load(&c, path, &err), 0);
	int r = pare_auth_lookup(&c, host, &cred, &err);
	if (r != want)
		fail_msg("%s: got %d (%s), want %d", host, r, err.msg, want);
	if (want == 1) {
		assert_string_equal(cred.user, user);
		assert_string_equal(cred.pass, pass);
	}
	pare_auth_cred_release(&cred);
	pare_auth_config_release(&c);
}

static void test_config_lookup(void **state)
{
	(void)state;
	/* dTpwOnE= is "u:p:q"; YTpi is "a:b"; eDp5 is "x:y". */
	write_config("{\"auths\":{"
		     "\"127.0.0.1:5000\":{\"auth\":\"dTpwOnE=\"},"
		     "\"https://index.docker.io/v1/\":{\"auth\":\"YTpi\"},"
		     "\"http://h.example:8443/v2/\":{\"auth\":\"eDp5\"},"
		     "\"fields.example\":{\"username\":\"me\",\"password\":\"pw\"},"
		     "\"token.example\":{\"identitytoken\":\"t\"},"
		     "\"bad.example\":{\"auth\":\"!!!\"},"
		     "\"nocolon.example\":{\"auth\":\"YWJj\"}},"
		     "\"credsStore\":\"desktop\"}");
	lookup("127.0.0.1:5000", 1, "u", "p:q");
	lookup("docker.io", 1, "a", "b");
	lookup("registry-1.docker.io", 1, "a", "b");
	lookup("h.example:8443", 1, "x", "y");
	lookup("h.example", 0, NULL, NULL);
	lookup("fields.example", 1, "me", "pw");
	lookup("token.example", 0, NULL, NULL);
	lookup("127.0.0.1:5001", 0, NULL, NULL);
	lookup("bad.example", -PARE_E_FORMAT, NULL, NULL);
	lookup("nocolon.example", -PARE_E_FORMAT, NULL, NULL);
	write_config("{}");
	lookup("127.0.0.1:5000", 0, NULL, NULL);
}

static void test_config_files(void **state)
{
	(void)state;
	struct pare_auth_config c;
	struct pare_error err = { 0 };
	char path[128];
	snprintf(path, sizeof(path), "%s/missing.json", tmpdir);
	assert_int_equal(pare_auth_config_load(&c, path, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "missing.json"));
	pare_auth_config_release(&c);
	write_config("{\"auths\": [");
	snprintf(path, sizeof(path), "%s/config.json", tmpdir);
	assert_int_equal(pare_auth_config_load(&c, path, &err), -PARE_E_FORMAT);
	assert_non_null(strstr(err.msg, "config.json:"));
	pare_auth_config_release(&c);
	/* The default location: $DOCKER_CONFIG/config.json; absent is fine. */
	char empty[128];
	snprintf(empty, sizeof(empty), "%s/empty", tmpdir);
	assert_int_equal(mkdir(empty, 0700), 0);
	setenv("DOCKER_CONFIG", empty, 1);
	assert_int_equal(pare_auth_config_load(&c, NULL, &err), 0);
	assert_null(c.json);
	pare_auth_config_release(&c);
	write_config("{\"auths\":{\"r.example\":{\"auth\":\"YTpi\"}}}");
	setenv("DOCKER_CONFIG", tmpdir, 1);
	struct pare_auth_cred cred;
	assert_int_equal(pare_auth_config_load(&c, NULL, &err), 0);
	assert_int_equal(pare_auth_lookup(&c, "r.example", &cred, &err), 1);
	assert_string_equal(cred.user, "a");
	char *line = NULL;
	assert_int_equal(pare_auth_basic_header(&cred, &line), 0);
	assert_string_equal(line, "Authorization: Basic YTpi");
	free(line);
	pare_auth_cred_release(&cred);
	pare_auth_config_release(&c);
	pare_auth_config_release(NULL);
	pare_auth_cred_release(NULL);
	unsetenv("DOCKER_CONFIG");
}

/* ---- http helpers ---- */

static void resolve(const char *base, const char *ref, const char *want)
{
	char *out = NULL;
	struct pare_error err = { 0 };
	int r = pare_http_resolve_url(base, pare_slice_from(ref), &out, &err);
	if (want == NULL) {
		assert_int_equal(r, -EINVAL);
		assert_null(out);
		return;
	}
	if (r != 0)
		fail_msg("%s + %s: %s", base, ref, err.msg);
	assert_string_equal(out, want);
	free(out);
}

static void test_http_helpers(void **state)
{
	(void)state;
	resolve("http://127.0.0.1:5000/v2/x/blobs/uploads/", "/v2/x/blobs/uploads/u1?_state=a%3D",
		"http://127.0.0.1:5000/v2/x/blobs/uploads/u1?_state=a%3D");
	resolve("http://127.0.0.1:5000/v2/x/blobs/uploads/", "u2",
		"http://127.0.0.1:5000/v2/x/blobs/uploads/u2");
	resolve("http://127.0.0.1:5000/v2/", "https://s3.example/b?x=1", "https://s3.example/b?x=1");
	resolve("http://127.0.0.1:5000/v2/", "file:///etc/passwd", NULL);
	struct pare_buf b;
	pare_buf_init(&b, 64);
	assert_int_equal(pare_http_query_escape(&b, "repository:a/b:pull,push"), 0);
	assert_string_equal(b.data, "repository%3Aa%2Fb%3Apull%2Cpush");
	pare_buf_reset(&b);
	assert_int_equal(pare_http_query_escape(&b, "sha256:ab~-._ \xff"), 0);
	assert_string_equal(b.data, "sha256%3Aab~-._%20%FF");
	pare_buf_release(&b);

	struct pare_http_reply rep;
	struct pare_slice v;
	size_t pos = 0;
	pare_http_reply_init(&rep);
	assert_int_equal(pare_buf_append_str(&rep.headers,
					     "Content-Type: text/plain\n"
					     "WWW-Authenticate:  Basic realm=a \n"
					     "www-authenticate: Bearer realm=b\n"
					     "Location: /x\n"),
			 0);
	assert_true(pare_http_reply_header(&rep, "www-authenticate", &pos, &v));
	assert_true(pare_slice_eq_cstr(v, "Basic realm=a"));
	assert_true(pare_http_reply_header(&rep, "WWW-Authenticate", &pos, &v));
	assert_true(pare_slice_eq_cstr(v, "Bearer realm=b"));
	assert_false(pare_http_reply_header(&rep, "WWW-Authenticate", &pos, &v));
	pos = 0;
	assert_true(pare_http_reply_header(&rep, "location", &pos, &v));
	assert_true(pare_slice_eq_cstr(v, "/x"));
	pos = 0;
	assert_false(pare_http_reply_header(&rep, "Locatio", &pos, &v));
	pare_http_reply_release(&rep);
	pare_http_reply_release(NULL);
}

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/pare-test-registry.XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ref_valid),
		cmocka_unit_test(test_ref_invalid),
		cmocka_unit_test(test_ref_helpers),
		cmocka_unit_test(test_challenge_bearer),
		cmocka_unit_test(test_challenge_several),
		cmocka_unit_test(test_challenge_bad),
		cmocka_unit_test(test_token),
		cmocka_unit_test(test_config_lookup),
		cmocka_unit_test(test_config_files),
		cmocka_unit_test(test_http_helpers),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
