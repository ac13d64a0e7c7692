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
 * low_speed_time seconds) and an optional total timeout.
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

#include "base/error.h"
#include "base/log.h"
#include "base/progress.h"
#include "io/atomic.h"
#include "io/stream.h"

#define PARE_HTTP_DEFAULT_MAX (256ULL << 20) /* body bound when none is given */
#define PARE_HTTP_ETAG_MAX 256               /* longest ETag kept */
#define PARE_HTTP_REASON_MAX 128             /* longest status reason kept */
#define PARE_HTTP_MAX_RETRIES 10
#define PARE_HTTP_MAX_REDIRECTS 5

struct pare_http_opts {
	long connect_timeout_ms; /* 0: 15000 */
	long low_speed_time;     /* seconds below low_speed_limit; 0: 60 (apk --timeout) */
	long low_speed_limit;    /* bytes per second; 0: 1 */
	long total_timeout_ms;   /* 0: no total limit */
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

#endif
