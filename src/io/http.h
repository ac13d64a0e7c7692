/* HTTP(S) downloads through libcurl, bounded in bytes and time.
 *
 * A pare_http wraps one curl easy handle (reused between requests, so a
 * keep-alive connection to a repository serves several downloads).  Each
 * request names a URL, a maximum body size and optionally an exact
 * expected size; the body goes to a pare_ostream or to an atomic file.
 *
 * Bounds: every body has a maximum (req->max_bytes, or
 * PARE_HTTP_DEFAULT_MAX); a body that would pass it is aborted from the
 * write callback with -PARE_E_TOO_BIG.  Time is bounded by a connect
 * timeout, a low-speed timeout (fewer than low_speed_limit bytes/s for
 * low_speed_time seconds) and an overall deadline per attempt
 * (total_timeout_ms; PARE_HTTP_DEFAULT_DEADLINE_MS unless set), so a
 * server that trickles a few bytes a second is abandoned.
 *
 * Retries: a failure is retried (opts.retries more attempts, with a delay
 * that starts at opts.retry_delay_ms and doubles) only when it is
 * transient: connection refused or reset, a timeout, a body cut short,
 * HTTP 5xx or 429.  Never for 404 and other 4xx, TLS or certificate
 * errors, a body over its bound, or a failing output stream.
 * pare_http_get() retries only while no body byte has reached `out` (a
 * stream cannot be rewound); pare_http_get_file() truncates its temporary
 * file and always may retry.
 *
 * Conditional requests: req->etag sends If-None-Match, req->if_modified_since
 * (unix seconds, > 0) sends If-Modified-Since.  A 304 answer sets
 * res->not_modified and writes nothing (get_file leaves the target as it
 * was).
 *
 * Resuming: req->resume_from asks for the rest of a body a cut transfer
 * left (pare_http_get() into a stream that appends); a server without
 * ranges gives -ERANGE and the caller starts over (src/build/source.c).
 *
 * Errors name the URL and the reason, e.g.
 * "http://127.0.0.1:8080/x86_64/APKINDEX.tar.gz: HTTP 404 Not Found" or
 * "...: Connection refused (after 3 attempts)".  Codes: -PARE_E_NOT_FOUND
 * (404, 410), -PARE_E_TOO_BIG (body over its bound), -PARE_E_TRUNCATED
 * (body shorter than announced or than expect_size), -ETIMEDOUT,
 * -ECONNREFUSED, -EPROTO (TLS and certificate failures), -EIO (other HTTP
 * statuses and transfer errors), -EINVAL (a URL curl will not take).
 *
 * Global state: libcurl needs curl_global_init() once per process before
 * any handle exists; pare_http_init() does it through pthread_once and it
 * is never undone (curl_global_cleanup is not called; the OS reclaims it at
 * exit).  That is the only global state here.  A pare_http is used by one
 * thread at a time.
 *
 * Only http:// and https:// URLs are accepted (also after redirects);
 * file:// and local paths are the repository layer's business.
 *
 * Ownership: the handle owns the curl handle; release with
 * pare_http_release() (NULL-safe, idempotent).  opts' strings, progress
 * and log are borrowed and must outlive the handle.
 */
#ifndef PARE_IO_HTTP_H
#define PARE_IO_HTTP_H

#include <stdbool.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/error.h"
#include "base/log.h"
#include "base/progress.h"
#include "base/slice.h"
#include "io/atomic.h"
#include "io/stream.h"

#define PARE_HTTP_DEFAULT_MAX (256ULL << 20) /* body bound when none is given */
#define PARE_HTTP_ETAG_MAX 256               /* longest ETag kept */
#define PARE_HTTP_REASON_MAX 128             /* longest status reason kept */
#define PARE_HTTP_MAX_RETRIES 10
#define PARE_HTTP_MAX_REDIRECTS 5
#define PARE_HTTP_DEFAULT_DEADLINE_MS (600L * 1000) /* one attempt, all included */

struct pare_http_opts {
	long connect_timeout_ms; /* 0: 15000 */
	long low_speed_time;     /* seconds below low_speed_limit; 0: 60 (apk --timeout) */
	long low_speed_limit;    /* bytes per second; 0: 1 */
	long total_timeout_ms;   /* 0: PARE_HTTP_DEFAULT_DEADLINE_MS; < 0: none */
	int retries;             /* further attempts on transient errors; <0: 0; capped */
	long retry_delay_ms;     /* first delay between attempts; 0: 1000 */
	const char *user_agent;  /* NULL: "pare" */
	const char *ca_file;     /* NULL: the system's CA store */
	const struct pare_progress *progress; /* may be NULL */
	const struct pare_log *log;           /* retries are logged here; may be NULL */
};

struct pare_http {
	void *curl; /* CURL * */
	struct pare_http_opts opts;
};

struct pare_http_request {
	const char *url;
	uint64_t max_bytes;        /* 0: PARE_HTTP_DEFAULT_MAX */
	uint64_t expect_size;      /* 0: unknown; else the body must be exactly this long */
	const char *etag;          /* If-None-Match value, or NULL */
	int64_t if_modified_since; /* unix seconds; <= 0: not sent */
	const char *label;         /* progress label; NULL: the URL's last component */
	uint64_t resume_from;      /* > 0: ask for the body from this byte on (Range); the
				    * answer must be 206 (a server that sends the whole
				    * body, or 416, fails with -ERANGE); max_bytes and
				    * expect_size then count the rest only */
};

struct pare_http_result {
	long status;                   /* last HTTP status, 0 if none was received */
	bool not_modified;             /* 304: nothing was written */
	uint64_t bytes;                /* body bytes written */
	int64_t last_modified;         /* Last-Modified as unix seconds, or -1 */
	char etag[PARE_HTTP_ETAG_MAX]; /* ETag of the answer, "" when absent or too long */
	unsigned attempts;             /* requests made */
};

/* Create the handle (initialising libcurl on first use).  opts may be NULL
 * for the defaults. */
int pare_http_init(struct pare_http *h, const struct pare_http_opts *opts,
		   struct pare_error *err);
void pare_http_release(struct pare_http *h);

/* GET req->url and write the body to out.  res may be NULL. */
int pare_http_get(struct pare_http *h, const struct pare_http_request *req,
		  struct pare_ostream *out, struct pare_http_result *res, struct pare_error *err);

/* GET req->url into f (opened by the caller with pare_atomic_open, not yet
 * committed).  On success the body is in f's temporary file (fsync'ed
 * by the later commit) and its mtime is the answer's Last-Modified when
 * there was one; the caller verifies and then commits or aborts.  On
 * failure or 304 the temporary file is empty and the caller aborts. */
int pare_http_get_file(struct pare_http *h, const struct pare_http_request *req,
		       struct pare_atomic_file *f, struct pare_http_result *res,
		       struct pare_error *err);

/* Is this a URL pare_http takes (http:// or https://, case-insensitive)? */
bool pare_http_is_url(const char *s);

/* Parse an HTTP date (RFC 7231 IMF-fixdate, and the obsolete forms curl
 * knows) into unix seconds; -1 when it is not a date. */
int64_t pare_http_parse_date(const char *s);

/* ---- general requests (the registry API) ----
 *
 * pare_http_call() makes one request with any method, extra request
 * headers and an optional request body (from memory or from a stream of a
 * known size), and keeps the status, the response headers and the body of
 * the final answer in a pare_http_reply.  Unlike pare_http_get() it does
 * not judge the status: any HTTP answer returns 0 and the caller reads
 * rep->status (a registry protocol needs 401, 404 and 202 as answers).
 * Negative codes are for transfers that failed: the errors of
 * pare_http_get(), -PARE_E_TOO_BIG for a reply body over call->max_bytes
 * or headers over PARE_HTTP_HEADERS_MAX, and the body stream's own code
 * (or -PARE_E_TRUNCATED when it ends before call->body_size bytes).
 *
 * Retries (opts.retries, doubling delay): on transient transfer failures
 * and on HTTP 5xx and 429, but only when the body can be sent again: no
 * body, a body in memory, or a stream with a body_rewind callback.  When
 * the retries run out on a status, that status is returned (0).
 *
 * Redirects are followed only when call->follow_redirects is set (meant
 * for GET and HEAD); credentials in call->headers are not sent to another
 * host.  "Expect: 100-continue" is never sent.
 *
 * Messages name the method and the URL without its query (upload URLs
 * carry opaque state), e.g. "PUT http://127.0.0.1:5000/v2/x/blobs/uploads/
 * 0e1f...: Connection refused".
 *
 * Ownership: call's strings, headers and body are borrowed for the
 * duration of the call.  The reply owns its buffers; init it once, reuse
 * it for several calls (each call resets it) and release it.
 */
#define PARE_HTTP_CALL_DEFAULT_MAX (1u << 20) /* reply body bound when none is given */
#define PARE_HTTP_HEADERS_MAX (64u * 1024u)   /* response header bytes kept */

struct pare_http_call {
	const char *method;            /* "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE" */
	const char *url;
	const char *const *headers;    /* "Name: value" lines ended by NULL; may be NULL */
	const void *body;              /* a body in memory of body_len bytes, or NULL */
	size_t body_len;
	struct pare_istream *body_stream; /* or a streamed body of exactly body_size bytes */
	uint64_t body_size;
	int (*body_rewind)(void *ctx); /* starts body_stream over; NULL: it cannot */
	void *body_rewind_ctx;
	uint64_t max_bytes;            /* reply body bound; 0: PARE_HTTP_CALL_DEFAULT_MAX */
	bool follow_redirects;
	const char *label;             /* upload progress label; NULL: no progress */
};

struct pare_http_reply {
	long status;                      /* 0 until an answer arrived */
	char reason[PARE_HTTP_REASON_MAX];
	struct pare_buf headers;          /* "Name: value\n" lines of the final answer */
	struct pare_buf body;             /* the final answer's body (bounded) */
	uint64_t sent;                    /* request body bytes read in the last attempt */
	unsigned attempts;
};

void pare_http_reply_init(struct pare_http_reply *rep);
void pare_http_reply_release(struct pare_http_reply *rep);

/* Find the next header `name` (case-insensitive) of the reply from *pos
 * (start with 0); *value gets its trimmed value (a slice into rep).
 * Returns false when there is none left. */
bool pare_http_reply_header(const struct pare_http_reply *rep, const char *name, size_t *pos,
			    struct pare_slice *value);

int pare_http_call(struct pare_http *h, const struct pare_http_call *call,
		   struct pare_http_reply *rep, struct pare_error *err);

/* Resolve ref (absolute, or relative like a Location header) against
 * base; *out is malloc'ed.  -EINVAL when either cannot be parsed or the
 * result is not http(s). */
int pare_http_resolve_url(const char *base, struct pare_slice ref, char **out,
			  struct pare_error *err);

/* Append s percent-encoded for a query value (RFC 3986 unreserved bytes
 * kept) to b; -PARE_E_TOO_BIG when b's bound is reached. */
int pare_http_query_escape(struct pare_buf *b, const char *s);

#endif
