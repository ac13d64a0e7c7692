/* Unit tests for io/http: a tiny scripted HTTP server on 127.0.0.1 runs in
 * a thread and answers each connection with the next canned response. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/buf.h"
#include "io/http.h"

#define MAX_ANSWERS 8

struct server {
	int fd;
	int port;
	const char *answers[MAX_ANSWERS];
	int nanswers;
	int served;
	char last_request[4096];
	pthread_t thread;
};

static void read_request(int c, char *out, size_t size)
{
	size_t len = 0;
	out[0] = '\0';
	while (len + 1 < size) {
		ssize_t n = read(c, out + len, size - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
		out[len] = '\0';
		if (strstr(out, "\r\n\r\n"))
			break;
	}
}

static void *serve(void *arg)
{
	struct server *s = arg;
	for (int i = 0; i < s->nanswers; i++) {
		int c = accept(s->fd, NULL, NULL);
		if (c < 0)
			break;
		read_request(c, s->last_request, sizeof(s->last_request));
		const char *a = s->answers[i];
		ssize_t w = write(c, a, strlen(a));
		(void)w;
		s->served++;
		shutdown(c, SHUT_WR);
		char sink[256];
		while (read(c, sink, sizeof(sink)) > 0)
			;
		close(c);
	}
	return NULL;
}

static void server_start(struct server *s, int n, ...)
{
	va_list ap;
	memset(s, 0, sizeof(*s));
	va_start(ap, n);
	for (int i = 0; i < n; i++)
		s->answers[i] = va_arg(ap, const char *);
	va_end(ap);
	s->nanswers = n;
	s->fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(s->fd >= 0);
	struct sockaddr_in a = { .sin_family = AF_INET };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(s->fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(s->fd, 8), 0);
	socklen_t len = sizeof(a);
	getsockname(s->fd, (struct sockaddr *)&a, &len);
	s->port = ntohs(a.sin_port);
	assert_int_equal(pthread_create(&s->thread, NULL, serve, s), 0);
}

static void server_stop(struct server *s)
{
	shutdown(s->fd, SHUT_RDWR);
	pthread_join(s->thread, NULL);
	close(s->fd);
}

struct fixture {
	struct pare_http h;
	struct pare_buf body;
	struct pare_ostream out;
	struct pare_error err;
	struct pare_http_result res;
	char url[128];
};

static void fixture_init(struct fixture *f, int retries)
{
	struct pare_http_opts o = { .retries = retries, .retry_delay_ms = 1,
				    .connect_timeout_ms = 2000, .low_speed_time = 5 };
	memset(f, 0, sizeof(*f));
	assert_int_equal(pare_http_init(&f->h, &o, &f->err), 0);
	pare_buf_init(&f->body, 1 << 20);
	pare_buf_ostream_init(&f->out, &f->body);
}

static void fixture_release(struct fixture *f)
{
	pare_http_release(&f->h);
	pare_http_release(&f->h); /* idempotent */
	pare_buf_release(&f->body);
}

static int get(struct fixture *f, struct server *s, const char *path, uint64_t max,
	       uint64_t expect)
{
	snprintf(f->url, sizeof(f->url), "http://127.0.0.1:%d%s", s->port, path);
	struct pare_http_request req = { .url = f->url, .max_bytes = max, .expect_size = expect };
	return pare_http_get(&f->h, &req, &f->out, &f->res, &f->err);
}

static void test_ok(void **state)
{
	(void)state;
	struct server s;
	struct fixture f;
	server_start(&s, 1,
		     "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nETag: \"abc\"\r\n"
		     "Last-Modified: Tue, 14 Nov 2023 22:13:20 GMT\r\nConnection: close\r\n\r\nhello");
	fixture_init(&f, 0);
	assert_int_equal(get(&f, &s, "/x", 0, 0), 0);
	assert_int_equal(f.body.len, 5);
	assert_memory_equal(f.body.data, "hello", 5);
	assert_int_equal(f.res.status, 200);
	assert_string_equal(f.res.etag, "\"abc\"");
	assert_int_equal(f.res.last_modified, 1700000000);
	assert_int_equal(f.res.attempts, 1);
	fixture_release(&f);
	server_stop(&s);
}

/* resume_from: "Range: bytes=N-" is sent; a 206 body is the rest */
static void test_resume(void **state)
{
	(void)state;
	struct server s;
	struct fixture f;
	server_start(&s, 1,
		     "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 3-5/6\r\n"
		     "Content-Length: 3\r\nConnection: close\r\n\r\ndef");
	fixture_init(&f, 0);
	snprintf(f.url, sizeof(f.url), "http://127.0.0.1:%d/x", s.port);
	struct pare_http_request req = { .url = f.url, .resume_from = 3 };
	assert_int_equal(pare_http_get(&f.h, &req, &f.out, &f.res, &f.err), 0);
	assert_int_equal(f.body.len, 3);
	assert_memory_equal(f.body.data, "def", 3);
	assert_int_equal(f.res.status, 206);
	assert_non_null(strstr(s.last_request, "Range: bytes=3-"));
	fixture_release(&f);
	server_stop(&s);
}

/* a server that ignores the range (200) or refuses it (416): -ERANGE,
 * nothing written */
static void test_resume_refused(void **state)
{
	(void)state;
	static const char *const answers[] = {
		"HTTP/1.1 200 OK\r\nContent-Length: 6\r\nConnection: close\r\n\r\nabcdef",
		"HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: bytes */6\r\n"
		"Content-Length: 0\r\nConnection: close\r\n\r\n",
	};
	for (size_t i = 0; i < 2; i++) {
		struct server s;
		struct fixture f;
		server_start(&s, 1, answers[i]);
		fixture_init(&f, 2);
		snprintf(f.url, sizeof(f.url), "http://127.0.0.1:%d/x", s.port);
		struct pare_http_request req = { .url = f.url, .resume_from = 3 };
		assert_int_equal(pare_http_get(&f.h, &req, &f.out, &f.res, &f.err), -ERANGE);
		assert_int_equal(f.body.len, 0);
		assert_non_null(strstr(f.err.msg, "resume"));
		fixture_release(&f);
		server_stop(&s);
	}
}

static void test_404_not_retried(void **state)
{
	(void)state;
	struct server s;
	struct fixture f;
	server_start(&s, 1,
		     "HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\nConnection: close\r\n\r\nno\n");
	fixture_init(&f, 3);
	assert_int_equal(get(&f, &s, "/a/APKINDEX.tar.gz", 0, 0), -PARE_E_NOT_FOUND);
	char want[256];
	snprintf(want, sizeof(want), "%s: HTTP 404 Not Found", f.url);
	assert_string_equal(f.err.msg, want);
	assert_int_equal(f.res.attempts, 1);
	assert_int_equal(f.body.len, 0);
	fixture_release(&f);
	server_stop(&s);
}

static void test_5xx_retried(void **state)
{
	(void)state;
	struct server s;
	struct fixture f;
	const char *busy = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n"
			   "Connection: close\r\n\r\n";
	server_start(&s, 3, busy, busy,
		     "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
	fixture_init(&f, 2);
	assert_int_equal(get(&f, &s, "/r", 0, 0), 0);
	assert_int_equal(f.res.attempts, 3);
	assert_memory_equal(f.body.data, "ok", 2);
	fixture_release(&f);
	server_stop(&s);
}

static void test_5xx_gives_up(void **state)
{
	(void)state;
	struct server s;
	struct fixture f;
	const char *busy = "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n"
			   "Connection: close\r\n\r\n";
	server_start(&s, 2, busy, busy);
	fixture_init(&f, 1);
	assert_int_equal(get(&f, &s, "/r", 0, 0), -EIO);
	assert_non_null(strstr(f.err.msg, ": HTTP 500 Internal Server Error (after 2 attempts)"));
	fixture_release(&f);
	server_stop(&s);
}

static void test_too_big(void **state)
{
	(void)state;
	struct server s;
	struct fixture f;
	/* no Content-Length: the write callback has to stop it */
	server_start(&s, 1, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n0123456789abcdef");
	fixture_init(&f, 2);
	assert_int_equal(get(&f, &s, "/big", 8, 0), -PARE_E_TOO_BIG);
	assert_non_null(strstr(f.err.msg, ": body larger than 8 bytes"));
	assert_true(f.body.len <= 8);
	fixture_release(&f);
	server_stop(&s);
}

static void test_announced_too_big(void **state)
{
	(void)state;
	struct server s;
	struct fixture f;
	server_start(&s, 1, "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\nConnection: close\r\n\r\nxx");
	fixture_init(&f, 0);
	assert_int_equal(get(&f, &s, "/big", 0, 10), -PARE_E_TOO_BIG);
	assert_int_equal(f.body.len, 0);
	fixture_release(&f);
	server_stop(&s);
}

static void test_short_body(void **state)
{
	(void)state;
	struct server s;
	struct fixture f;
	server_start(&s, 1, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nabc");
	fixture_init(&f, 0);
	assert_int_equal(get(&f, &s, "/s", 0, 10), -PARE_E_TRUNCATED);
	assert_non_null(strstr(f.err.msg, ": body has 3 bytes, expected 10"));
	fixture_release(&f);
	server_stop(&s);
}

static void test_truncated(void **state)
{
	(void)state;
	struct server s;
	struct fixture f;
	server_start(&s, 1, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\nConnection: close\r\n\r\nabc");
	fixture_init(&f, 0);
	assert_int_equal(get(&f, &s, "/t", 0, 0), -PARE_E_TRUNCATED);
	assert_non_null(strstr(f.err.msg, ": body truncated"));
	fixture_release(&f);
	server_stop(&s);
}

static void test_not_modified(void **state)
{
	(void)state;
	struct server s;
	struct fixture f;
	server_start(&s, 1, "HTTP/1.1 304 Not Modified\r\nETag: \"abc\"\r\nConnection: close\r\n\r\n");
	fixture_init(&f, 0);
	snprintf(f.url, sizeof(f.url), "http://127.0.0.1:%d/i", s.port);
	struct pare_http_request req = { .url = f.url, .etag = "\"abc\"",
					 .if_modified_since = 1700000000 };
	assert_int_equal(pare_http_get(&f.h, &req, &f.out, &f.res, &f.err), 0);
	assert_true(f.res.not_modified);
	assert_int_equal(f.body.len, 0);
	server_stop(&s);
	assert_non_null(strstr(s.last_request, "If-None-Match: \"abc\"\r\n"));
	assert_non_null(strstr(s.last_request, "If-Modified-Since: Tue, 14 Nov 2023 22:13:20 GMT\r\n"));
	fixture_release(&f);
}

static void test_refused(void **state)
{
	(void)state;
	struct fixture f;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(fd, (struct sockaddr *)&a, sizeof(a));
	socklen_t len = sizeof(a);
	getsockname(fd, (struct sockaddr *)&a, &len);
	close(fd); /* nothing listens there now */
	fixture_init(&f, 1);
	snprintf(f.url, sizeof(f.url), "http://127.0.0.1:%d/x", ntohs(a.sin_port));
	struct pare_http_request req = { .url = f.url };
	assert_int_equal(pare_http_get(&f.h, &req, &f.out, &f.res, &f.err), -ECONNREFUSED);
	assert_int_equal(f.res.attempts, 2);
	assert_non_null(strstr(f.err.msg, "(after 2 attempts)"));
	fixture_release(&f);
}

static void test_not_http(void **state)
{
	(void)state;
	struct fixture f;
	fixture_init(&f, 0);
	struct pare_http_request req = { .url = "file:///etc/passwd" };
	assert_int_equal(pare_http_get(&f.h, &req, &f.out, NULL, &f.err), -EINVAL);
	assert_string_equal(f.err.msg, "file:///etc/passwd: not an http:// or https:// URL");
	assert_true(pare_http_is_url("HTTPS://x"));
	assert_false(pare_http_is_url("/srv/repo"));
	assert_int_equal(pare_http_parse_date("Tue, 14 Nov 2023 22:13:20 GMT"), 1700000000);
	assert_int_equal(pare_http_parse_date("not a date"), -1);
	fixture_release(&f);
}

/* An overall deadline applies unless the caller turns it off. */
static void test_default_deadline(void **state)
{
	(void)state;
	struct pare_http h;
	struct pare_http_opts none = { .total_timeout_ms = -1 };
	assert_int_equal(pare_http_init(&h, NULL, NULL), 0);
	assert_int_equal(h.opts.total_timeout_ms, PARE_HTTP_DEFAULT_DEADLINE_MS);
	pare_http_release(&h);
	assert_int_equal(pare_http_init(&h, &none, NULL), 0);
	assert_int_equal(h.opts.total_timeout_ms, 0);
	pare_http_release(&h);
}

/* Credentials in the URL never reach the message. */
static void test_error_hides_password(void **state)
{
	(void)state;
	struct server s;
	struct fixture f;
	server_start(&s, 1, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
	fixture_init(&f, 0);
	snprintf(f.url, sizeof(f.url), "http://user:pw0rd@127.0.0.1:%d/x", s.port);
	struct pare_http_request req = { .url = f.url };
	assert_int_equal(pare_http_get(&f.h, &req, &f.out, &f.res, &f.err), -PARE_E_NOT_FOUND);
	assert_null(strstr(f.err.msg, "pw0rd"));
	assert_non_null(strstr(f.err.msg, "http://***@127.0.0.1:"));
	fixture_release(&f);
	server_stop(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ok),
		cmocka_unit_test(test_404_not_retried),
		cmocka_unit_test(test_5xx_retried),
		cmocka_unit_test(test_5xx_gives_up),
		cmocka_unit_test(test_too_big),
		cmocka_unit_test(test_announced_too_big),
		cmocka_unit_test(test_short_body),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_not_modified),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_not_http),
		cmocka_unit_test(test_resume),
		cmocka_unit_test(test_resume_refused),
		cmocka_unit_test(test_default_deadline),
		cmocka_unit_test(test_error_hides_password),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
