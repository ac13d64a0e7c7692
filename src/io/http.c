/* HTTP(S) downloads through libcurl: see http.h for bounds, retries and
 * error codes. */
#include "io/http.h"
#include "io/curl_lazy.h"
#include "io/url.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>


/* A body destination: a stream, and optionally a way to start it over. */
struct sink {
	struct pare_ostream *out;
	int (*rewind)(void *ctx); /* NULL: cannot start over */
	void *rewind_ctx;
};

/* State of one attempt, for both kinds of request: a download
 * (pare_http_get*: req and sink set; the body of a 2xx answer goes to the
 * sink, other bodies are dropped) and a general call (pare_http_call: call
 * and rep set; every header line and the body are kept in rep, the request
 * body is uploaded).  One set of callbacks (on_header, on_body,
 * on_progress) serves both. */
struct xfer {
	const struct pare_http *h;
	const char *shown;     /* the URL for messages (credentials hidden) */
	const char *label;     /* progress label (download: never NULL) */
	uint64_t max;          /* bound on this body */
	uint64_t bytes;        /* body bytes kept in this attempt (of the last answer) */
	int fail;              /* set by a callback: why it aborted */
	bool headers_too_big;  /* call: the header lines outgrew rep->headers */
	struct pare_error werr;
	long status;
	char reason[PARE_HTTP_REASON_MAX];
	char etag[PARE_HTTP_ETAG_MAX];
	int64_t last_modified;
	const struct pare_http_request *req; /* download, else NULL */
	const struct sink *sink;
	const struct pare_http_call *call;   /* call, else NULL */
	struct pare_http_reply *rep;
	uint64_t body_total;   /* call: request body size */
	char errbuf[CURL_ERROR_SIZE];
};

bool pare_http_is_url(const char *s)
{
	return s && (strncasecmp(s, "http://", 7) == 0 || strncasecmp(s, "https://", 8) == 0);
}

int64_t pare_http_parse_date(const char *s)
{
	if (pare_curl_load() != CURLE_OK)
		return -1;
	time_t t = curl_getdate(s, NULL);
	return t == (time_t)-1 ? -1 : (int64_t)t;
}

static void opts_defaults(struct pare_http_opts *o)
{
	if (o->connect_timeout_ms <= 0)
		o->connect_timeout_ms = 15000;
	if (o->low_speed_time <= 0)
		o->low_speed_time = 60;
	if (o->low_speed_limit <= 0)
		o->low_speed_limit = 1;
	if (o->total_timeout_ms == 0)
		o->total_timeout_ms = PARE_HTTP_DEFAULT_DEADLINE_MS;
	else if (o->total_timeout_ms < 0)
		o->total_timeout_ms = 0; /* curl: no limit */
	if (o->retries < 0)
		o->retries = 0;
	if (o->retries > PARE_HTTP_MAX_RETRIES)
		o->retries = PARE_HTTP_MAX_RETRIES;
	if (o->retry_delay_ms <= 0)
		o->retry_delay_ms = 1000;
	if (!o->user_agent)
		o->user_agent = "pare";
}

int pare_http_init(struct pare_http *h, const struct pare_http_opts *opts,
		   struct pare_error *err)
{
	memset(h, 0, sizeof(*h));
	if (opts)
		h->opts = *opts;
	opts_defaults(&h->opts);
	if (pare_curl_load() != CURLE_OK)
		return pare_error_set(err, -EIO, "%s", pare_curl_load_error());
	h->curl = curl_easy_init();
	if (!h->curl)
		return pare_error_set(err, -ENOMEM, "libcurl: cannot create a handle");
	return 0;
}

void pare_http_release(struct pare_http *h)
{
	if (!h)
		return;
	if (h->curl)
		curl_easy_cleanup(h->curl);
	h->curl = NULL;
}

/* ---- callbacks ---- */

static bool status_ok(long status)
{
	return status >= 200 && status < 300;
}

static size_t trim_crlf(const char *p, size_t n)
{
	while (n > 0 && (p[n - 1] == '\r' || p[n - 1] == '\n' || p[n - 1] == ' ' ||
			 p[n - 1] == '\t'))
		n--;
	return n;
}

/* The status line of both engines, "HTTP/1.1 404 Not Found" (trimmed):
 * *status 0 when it has no three-digit code; reason one printable line,
 * cut to rsize - 1 bytes. */
static void parse_status_line(const char *p, size_t n, long *status, char *reason,
			      size_t rsize)
{
	const char *sp = memchr(p, ' ', n);
	*status = 0;
	reason[0] = '\0';
	if (!sp)
		return;
	size_t rest = n - (size_t)(sp + 1 - p);
	const char *code = sp + 1;
	long st = 0;
	size_t i = 0;
	for (; i < rest && i < 3 && code[i] >= '0' && code[i] <= '9'; i++)
		st = st * 10 + (code[i] - '0');
	*status = i == 3 ? st : 0;
	if (i < rest && code[i] == ' ') {
		size_t rl = rest - i - 1;
		if (rl >= rsize)
			rl = rsize - 1;
		memcpy(reason, code + i + 1, rl);
		reason[rl] = '\0';
		for (size_t k = 0; k < rl; k++)
			if ((unsigned char)reason[k] < 0x20 || reason[k] == 0x7f)
				reason[k] = '?';
	}
}

/* "HTTP/1.1 404 Not Found": a new answer starts (redirects, 100, auth);
 * a call forgets the previous answer's headers and body. */
static void header_status(struct xfer *x, const char *p, size_t n)
{
	x->etag[0] = '\0';
	x->last_modified = -1;
	parse_status_line(p, n, &x->status, x->reason, sizeof(x->reason));
	if (x->rep) {
		pare_buf_reset(&x->rep->headers);
		pare_buf_reset(&x->rep->body);
		x->bytes = 0;
	}
}

/* A call keeps each header line ("Name: value\n") for the caller. */
static bool keep_header(struct xfer *x, const char *p, size_t n)
{
	if (n == 0 || memchr(p, '\0', n))
		return true;
	if (pare_buf_append(&x->rep->headers, p, n) < 0 ||
	    pare_buf_putc(&x->rep->headers, '\n') < 0) {
		x->fail = -PARE_E_TOO_BIG;
		x->headers_too_big = true;
		return false;
	}
	return true;
}

static bool header_is(const char *p, size_t n, const char *name, const char **val,
		      size_t *vlen)
{
	size_t nl = strlen(name);
	if (n <= nl || strncasecmp(p, name, nl) != 0 || p[nl] != ':')
		return false;
	const char *v = p + nl + 1;
	size_t l = n - nl - 1;
	while (l > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		l--;
	}
	*val = v;
	*vlen = l;
	return true;
}

static size_t on_header(char *p, size_t size, size_t nmemb, void *ctx)
{
	struct xfer *x = ctx;
	size_t total = size * nmemb;
	size_t n = trim_crlf(p, total);
	const char *v;
	size_t vl;
	char tmp[128];
	if (n >= 5 && strncmp(p, "HTTP/", 5) == 0) {
		header_status(x, p, n);
	} else if (x->rep && !keep_header(x, p, n)) {
		return 0;
	} else if (header_is(p, n, "ETag", &v, &vl)) {
		/* The value goes back in If-None-Match: no control bytes, or a
		 * server could inject header lines into our next request. */
		bool fits = vl < sizeof(x->etag);
		for (size_t i = 0; fits && i < vl; i++)
			fits = (unsigned char)v[i] >= 0x20 && (unsigned char)v[i] != 0x7f;
		memcpy(x->etag, v, fits ? vl : 0);
		x->etag[fits ? vl : 0] = '\0';
	} else if (header_is(p, n, "Last-Modified", &v, &vl) && vl < sizeof(tmp)) {
		memcpy(tmp, v, vl);
		tmp[vl] = '\0';
		x->last_modified = pare_http_parse_date(tmp);
	}
	return total;
}

static size_t on_body(char *p, size_t size, size_t nmemb, void *ctx)
{
	struct xfer *x = ctx;
	size_t n = size * nmemb;
	if (!x->rep && !status_ok(x->status))
		return n; /* a download's error page: dropped, the status says it all */
	if (n > x->max - x->bytes) {
		x->fail = -PARE_E_TOO_BIG;
		return 0; /* makes curl stop with CURLE_WRITE_ERROR */
	}
	int r = x->rep ? (pare_buf_append(&x->rep->body, p, n) < 0 ? -PARE_E_TOO_BIG : 0)
		       : pare_ostream_write(x->sink->out, p, n, &x->werr);
	if (r < 0) {
		x->fail = r;
		return 0;
	}
	x->bytes += n;
	return n;
}

static int on_progress(void *ctx, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
		       curl_off_t ulnow)
{
	struct xfer *x = ctx;
	if (x->call) { /* a call shows its upload */
		if (x->label && ulnow > 0 && ultotal > 0 && ulnow < ultotal)
			pare_progress_update(x->h->opts.progress, x->label, (uint64_t)ulnow,
					     (uint64_t)ultotal);
		return 0;
	}
	if (status_ok(x->status) && dlnow > 0 && (dltotal == 0 || dlnow < dltotal))
		pare_progress_update(x->h->opts.progress, x->label, (uint64_t)dlnow,
				     dltotal > 0 ? (uint64_t)dltotal : 0);
	return 0;
}

/* ---- one attempt ---- */

static struct curl_slist *conditional_headers(const struct pare_http_request *req)
{
	struct curl_slist *list = NULL, *next;
	char line[PARE_HTTP_ETAG_MAX + 32];
	if (req->etag && req->etag[0] && strlen(req->etag) < PARE_HTTP_ETAG_MAX) {
		snprintf(line, sizeof(line), "If-None-Match: %s", req->etag);
		next = curl_slist_append(list, line);
		if (!next)
			goto fail;
		list = next;
	}
	if (req->if_modified_since > 0) {
		time_t t = (time_t)req->if_modified_since;
		struct tm tm;
		char date[64];
		if (gmtime_r(&t, &tm) &&
		    strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm) > 0) {
			snprintf(line, sizeof(line), "If-Modified-Since: %s", date);
			next = curl_slist_append(list, line);
			if (!next)
				goto fail;
			list = next;
		}
	}
	return list;
fail:
	curl_slist_free_all(list);
	return (struct curl_slist *)-1;
}

/* What every request sets on the handle: the URL, http(s) only,
 * redirects, the deadline and low-speed limits, CA file, headers, and the
 * three callbacks (header, body, progress) on x. */
static void handle_setup(CURL *c, const char *url, bool follow, struct curl_slist *headers,
			 struct xfer *x)
{
	const struct pare_http_opts *o = &x->h->opts;
	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, follow ? 1L : 0L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, (long)PARE_HTTP_MAX_REDIRECTS);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, o->user_agent);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, o->connect_timeout_ms);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, o->low_speed_time);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, o->low_speed_limit);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, o->total_timeout_ms);
	if (o->ca_file)
		curl_easy_setopt(c, CURLOPT_CAINFO, o->ca_file);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, x);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, x->errbuf);
}

static void setup_handle(CURL *c, struct xfer *x, struct curl_slist *headers)
{
	handle_setup(c, x->req->url, true, headers, x);
	curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)x->max);
	if (x->req->resume_from)
		curl_easy_setopt(c, CURLOPT_RESUME_FROM_LARGE, (curl_off_t)x->req->resume_from);
}

static const char *curl_text(const struct xfer *x, CURLcode rc)
{
	return x->errbuf[0] ? x->errbuf : curl_easy_strerror(rc);
}

static bool curl_transient(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
		return true;
	default:
		return false;
	}
}

static bool curl_tls(CURLcode rc)
{
	switch (rc) {
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_USE_SSL_FAILED:
		return true;
	default:
		return false;
	}
}

/* Turn a failed curl_easy_perform into a code and message. */
static int curl_failure(const struct xfer *x, CURLcode rc, bool *transient,
			struct pare_error *err)
{
	const char *url = x->shown;
	*transient = curl_transient(rc);
	if (curl_tls(rc))
		return pare_error_set(err, -EPROTO, "%s: TLS failure: %s", url, curl_text(x, rc));
	switch (rc) {
	case CURLE_FILESIZE_EXCEEDED:
		return pare_error_set(err, -PARE_E_TOO_BIG, "%s: body larger than %llu bytes", url,
				      (unsigned long long)x->max);
	case CURLE_PARTIAL_FILE:
		return pare_error_set(err, -PARE_E_TRUNCATED, "%s: body truncated: %s", url,
				      curl_text(x, rc));
	case CURLE_OPERATION_TIMEDOUT:
		return pare_error_set(err, -ETIMEDOUT, "%s: timed out: %s", url, curl_text(x, rc));
	case CURLE_RANGE_ERROR:
		return pare_error_set(err, -ERANGE, "%s: cannot resume: %s", url, curl_text(x, rc));
	case CURLE_COULDNT_CONNECT:
		return pare_error_set(err, -ECONNREFUSED, "%s: %s", url, curl_text(x, rc));
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
		return pare_error_set(err, -EINVAL, "%s: %s", url, curl_text(x, rc));
	default:
		return pare_error_set(err, -EIO, "%s: %s", url, curl_text(x, rc));
	}
}

/* The write callback stopped the transfer. */
static int body_failure(struct xfer *x, struct pare_error *err)
{
	if (x->fail == -PARE_E_TOO_BIG && x->req->expect_size)
		return pare_error_set(err, x->fail, "%s: body larger than the expected %llu bytes",
				      x->shown, (unsigned long long)x->max);
	if (x->fail == -PARE_E_TOO_BIG)
		return pare_error_set(err, x->fail, "%s: body larger than %llu bytes", x->shown,
				      (unsigned long long)x->max);
	if (err)
		*err = x->werr;
	return pare_error_prefix(err, x->fail, "%s: ", x->shown);
}

/* A complete answer: judge its status and length. */
static int status_failure(const struct xfer *x, bool *transient, struct pare_error *err)
{
	const char *url = x->shown;
	long s = x->status;
	*transient = false;
	if (status_ok(s)) {
		if (x->req->expect_size && x->bytes != x->req->expect_size)
			return pare_error_set(err, -PARE_E_TRUNCATED,
					      "%s: body has %llu bytes, expected %llu", url,
					      (unsigned long long)x->bytes,
					      (unsigned long long)x->req->expect_size);
		return 0;
	}
	if (s == 304 && (x->req->etag || x->req->if_modified_since > 0))
		return 0;
	if (s == 416 && x->req->resume_from)
		return pare_error_set(err, -ERANGE, "%s: cannot resume from byte %llu: HTTP 416",
				      url, (unsigned long long)x->req->resume_from);
	*transient = s >= 500 || s == 429;
	int code = (s == 404 || s == 410) ? -PARE_E_NOT_FOUND : -EIO;
	if (s == 0)
		return pare_error_set(err, -EIO, "%s: no HTTP status received", url);
	return pare_error_set(err, code, "%s: HTTP %ld%s%s", url, s, x->reason[0] ? " " : "",
			      x->reason);
}

static int attempt(struct pare_http *h, struct xfer *x, bool *transient, struct pare_error *err)
{
	struct curl_slist *headers = conditional_headers(x->req);
	if (headers == (struct curl_slist *)-1)
		return pare_error_set(err, -ENOMEM, "%s: out of memory", x->shown);
	setup_handle(h->curl, x, headers);
	CURLcode rc = curl_easy_perform(h->curl);
	curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(headers);
	*transient = false;
	if (x->fail)
		return body_failure(x, err);
	if (rc != CURLE_OK)
		return curl_failure(x, rc, transient, err);
	return status_failure(x, transient, err);
}

/* ---- retries ---- */

static void sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static const char *last_component(const char *url)
{
	const char *s = strrchr(url, '/');
	return s && s[1] ? s + 1 : url;
}

static void fill_result(const struct xfer *x, unsigned attempts, struct pare_http_result *res)
{
	if (!res)
		return;
	res->status = x->status;
	res->not_modified = x->status == 304;
	res->bytes = x->bytes;
	res->last_modified = x->last_modified;
	memcpy(res->etag, x->etag, sizeof(res->etag));
	res->attempts = attempts;
}

static int get(struct pare_http *h, const struct pare_http_request *req, const struct sink *sink,
	       struct pare_http_result *res, struct pare_error *err)
{
	struct xfer x;
	long delay = h->opts.retry_delay_ms;
	unsigned attempts = 0;
	char shown[PARE_URL_SHOWN_MAX];
	int r;
	if (!h->curl || !req->url)
		return pare_error_set(err, -EINVAL, "http: no handle or no URL");
	pare_url_redact(req->url, shown, sizeof(shown));
	if (!pare_http_is_url(req->url))
		return pare_error_set(err, -EINVAL, "%s: not an http:// or https:// URL", shown);
	for (;;) {
		bool transient = false;
		memset(&x, 0, sizeof(x));
		x.h = h;
		x.req = req;
		x.shown = shown;
		x.sink = sink;
		x.label = req->label ? req->label : last_component(shown);
		x.max = req->max_bytes ? req->max_bytes : PARE_HTTP_DEFAULT_MAX;
		if (req->expect_size && req->expect_size < x.max)
			x.max = req->expect_size;
		x.last_modified = -1;
		attempts++;
		r = attempt(h, &x, &transient, err);
		if (r == 0 || !transient || attempts > (unsigned)h->opts.retries)
			break;
		if (x.bytes > 0 && (!sink->rewind || sink->rewind(sink->rewind_ctx) < 0))
			break;
		pare_log_warning(h->opts.log, "%s; retrying in %ld ms (attempt %u of %d)",
				 pare_error_text(err, r), delay, attempts + 1, h->opts.retries + 1);
		sleep_ms(delay);
		delay = delay > 60000 ? 120000 : delay * 2;
	}
	if (r < 0 && attempts > 1) {
		char why[PARE_ERROR_MSG_MAX];
		snprintf(why, sizeof(why), "%s", pare_error_text(err, r));
		pare_error_set(err, r, "%s (after %u attempts)", why, attempts);
	}
	if (r == 0 && x.bytes > 0)
		pare_progress_update(h->opts.progress, x.label, x.bytes, x.bytes);
	fill_result(&x, attempts, res);
	return r;
}

int pare_http_get(struct pare_http *h, const struct pare_http_request *req,
		  struct pare_ostream *out, struct pare_http_result *res, struct pare_error *err)
{
	struct sink s = { .out = out };
	return get(h, req, &s, res, err);
}

static int rewind_file(void *ctx)
{
	struct pare_atomic_file *f = ctx;
	if (ftruncate(f->fd, 0) < 0 || lseek(f->fd, 0, SEEK_SET) < 0)
		return -errno;
	return 0;
}

int pare_http_get_file(struct pare_http *h, const struct pare_http_request *req,
		       struct pare_atomic_file *f, struct pare_http_result *res,
		       struct pare_error *err)
{
	struct sink s = { .out = &f->out, .rewind = rewind_file, .rewind_ctx = f };
	struct pare_http_result local;
	if (!res)
		res = &local;
	int r = get(h, req, &s, res, err);
	if (r < 0 || res->not_modified) {
		rewind_file(f);
		return r;
	}
	if (res->last_modified >= 0) {
		struct timespec ts[2] = {
			{ .tv_sec = 0, .tv_nsec = UTIME_OMIT },
			{ .tv_sec = (time_t)res->last_modified, .tv_nsec = 0 },
		};
		futimens(f->fd, ts);
	}
	return 0;
}

/* ---- general requests (the registry API) ---- */

void pare_http_reply_init(struct pare_http_reply *rep)
{
	memset(rep, 0, sizeof(*rep));
	pare_buf_init(&rep->headers, PARE_HTTP_HEADERS_MAX);
	pare_buf_init(&rep->body, PARE_HTTP_CALL_DEFAULT_MAX);
}

void pare_http_reply_release(struct pare_http_reply *rep)
{
	if (!rep)
		return;
	pare_buf_release(&rep->headers);
	pare_buf_release(&rep->body);
}

bool pare_http_reply_header(const struct pare_http_reply *rep, const char *name, size_t *pos,
			    struct pare_slice *value)
{
	const char *data = rep->headers.data;
	size_t len = rep->headers.len, nl = strlen(name);
	while (*pos < len) {
		const char *line = data + *pos;
		const char *end = memchr(line, '\n', len - *pos);
		size_t ll = end ? (size_t)(end - line) : len - *pos;
		*pos += ll + (end ? 1 : 0);
		if (ll > nl && line[nl] == ':' && strncasecmp(line, name, nl) == 0) {
			*value = pare_slice_trim(pare_slice_make(line + nl + 1, ll - nl - 1));
			return true;
		}
	}
	return false;
}

static size_t call_on_read(char *buf, size_t size, size_t nitems, void *ctx)
{
	struct xfer *x = ctx;
	const struct pare_http_call *c = x->call;
	uint64_t left = x->body_total - x->rep->sent;
	size_t want = size * nitems;
	if (want > left)
		want = (size_t)left;
	if (want == 0)
		return 0;
	if (c->body) {
		memcpy(buf, (const char *)c->body + x->rep->sent, want);
	} else {
		ssize_t got = pare_istream_read(c->body_stream, buf, want, &x->werr);
		if (got == 0)
			got = pare_error_set(&x->werr, -PARE_E_TRUNCATED,
					     "request body ended after %llu of %llu bytes",
					     (unsigned long long)x->rep->sent,
					     (unsigned long long)x->body_total);
		if (got < 0) {
			x->fail = (int)got;
			return CURL_READFUNC_ABORT;
		}
		want = (size_t)got;
	}
	x->rep->sent += want;
	return want;
}

/* curl wants the body again (a reused connection died, a redirect). */
static int call_on_seek(void *ctx, curl_off_t offset, int origin)
{
	struct xfer *x = ctx;
	if (origin != SEEK_SET || offset < 0 || (uint64_t)offset > x->body_total)
		return CURL_SEEKFUNC_CANTSEEK;
	if (x->call->body) {
		x->rep->sent = (uint64_t)offset;
		return CURL_SEEKFUNC_OK;
	}
	if (offset != 0 || !x->call->body_rewind ||
	    x->call->body_rewind(x->call->body_rewind_ctx) < 0)
		return CURL_SEEKFUNC_CANTSEEK;
	x->rep->sent = 0;
	return CURL_SEEKFUNC_OK;
}

static bool call_has_body(const struct pare_http_call *c)
{
	return c->body || c->body_stream || strcmp(c->method, "POST") == 0 ||
	       strcmp(c->method, "PUT") == 0 || strcmp(c->method, "PATCH") == 0;
}

static void call_method(CURL *c, struct xfer *x)
{
	const struct pare_http_call *call = x->call;
	if (strcmp(call->method, "HEAD") == 0) {
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	} else if (call_has_body(call)) {
		curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)x->body_total);
		curl_easy_setopt(c, CURLOPT_READFUNCTION, call_on_read);
		curl_easy_setopt(c, CURLOPT_READDATA, x);
		curl_easy_setopt(c, CURLOPT_SEEKFUNCTION, call_on_seek);
		curl_easy_setopt(c, CURLOPT_SEEKDATA, x);
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, call->method);
	} else if (strcmp(call->method, "GET") != 0) {
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, call->method);
	}
}

static void call_setup(CURL *c, struct xfer *x, struct curl_slist *headers)
{
	handle_setup(c, x->call->url, x->call->follow_redirects, headers, x);
	call_method(c, x);
}

/* The caller's headers plus "Expect:" (no 100-continue); NULL on ENOMEM. */
static struct curl_slist *call_headers(const struct pare_http_call *call)
{
	struct curl_slist *list = curl_slist_append(NULL, "Expect:"), *next;
	for (size_t i = 0; list && call->headers && call->headers[i]; i++) {
		next = curl_slist_append(list, call->headers[i]);
		if (!next) {
			curl_slist_free_all(list);
			return NULL;
		}
		list = next;
	}
	return list;
}

/* The URL without its query, for messages. */
static int url_len(const char *url)
{
	size_t n = strcspn(url, "?#");
	return n > 400 ? 400 : (int)n;
}

static int call_failure(const struct xfer *x, CURLcode rc, bool *transient,
			struct pare_error *err)
{
	const char *m = x->call->method, *u = x->shown, *why;
	int ul = url_len(u);
	why = x->errbuf[0] ? x->errbuf : curl_easy_strerror(rc);
	*transient = curl_transient(rc);
	if (x->fail == -PARE_E_TOO_BIG)
		return pare_error_set(
			err, x->fail, "%s %.*s: reply %s larger than %llu bytes", m, ul, u,
			x->headers_too_big ? "headers" : "body",
			(unsigned long long)(x->headers_too_big ? PARE_HTTP_HEADERS_MAX : x->max));
	if (x->fail) {
		if (err)
			*err = x->werr;
		return pare_error_prefix(err, x->fail, "%s %.*s: ", m, ul, u);
	}
	if (curl_tls(rc))
		return pare_error_set(err, -EPROTO, "%s %.*s: TLS failure: %s", m, ul, u, why);
	int code = rc == CURLE_OPERATION_TIMEDOUT ? -ETIMEDOUT
		   : rc == CURLE_COULDNT_CONNECT  ? -ECONNREFUSED
		   : rc == CURLE_URL_MALFORMAT || rc == CURLE_UNSUPPORTED_PROTOCOL ? -EINVAL
										   : -EIO;
	return pare_error_set(err, code, "%s %.*s: %s", m, ul, u, why);
}

static int call_attempt(struct pare_http *h, struct xfer *x, bool *transient,
			struct pare_error *err)
{
	struct curl_slist *headers = call_headers(x->call);
	if (!headers)
		return pare_error_set(err, -ENOMEM, "%s: out of memory", x->shown);
	call_setup(h->curl, x, headers);
	CURLcode rc = curl_easy_perform(h->curl);
	curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(headers);
	x->rep->status = x->status;
	memcpy(x->rep->reason, x->reason, sizeof(x->rep->reason));
	*transient = false;
	if (rc != CURLE_OK || x->fail)
		return call_failure(x, rc, transient, err);
	if (x->rep->status == 0)
		return pare_error_set(err, -EIO, "%s %.*s: no HTTP status received",
				      x->call->method, url_len(x->shown), x->shown);
	*transient = x->rep->status >= 500 || x->rep->status == 429;
	return 0;
}

/* May the body be sent again for a retry? */
static bool call_resend(const struct pare_http_call *c, struct pare_http_reply *rep)
{
	if (!c->body_stream || rep->sent == 0)
		return true;
	if (!c->body_rewind || c->body_rewind(c->body_rewind_ctx) < 0)
		return false;
	rep->sent = 0;
	return true;
}

static int call_check(const struct pare_http *h, const struct pare_http_call *c,
		      const char *shown, struct pare_error *err)
{
	if (!pare_http_is_url(c->url))
		return pare_error_set(err, -EINVAL, "%s: not an http:// or https:// URL", shown);
	if (c->body && c->body_stream)
		return pare_error_set(err, -EINVAL, "%s: two request bodies", shown);
	return 0;
}

int pare_http_call(struct pare_http *h, const struct pare_http_call *call,
		   struct pare_http_reply *rep, struct pare_error *err)
{
	struct xfer x;
	long delay = h->opts.retry_delay_ms;
	char shown[PARE_URL_SHOWN_MAX];
	if (!h->curl || !call->url || !call->method)
		return pare_error_set(err, -EINVAL, "http: no handle, URL or method");
	pare_url_redact(call->url, shown, sizeof(shown));
	int r = call_check(h, call, shown, err);
	if (r < 0)
		return r;
	rep->attempts = 0;
	for (;;) {
		bool transient = false;
		memset(&x, 0, sizeof(x));
		x.h = h;
		x.call = call;
		x.shown = shown;
		x.label = call->label;
		x.last_modified = -1;
		x.rep = rep;
		x.body_total = call->body	   ? call->body_len
			       : call->body_stream ? call->body_size
						   : 0;
		x.max = call->max_bytes ? call->max_bytes : PARE_HTTP_CALL_DEFAULT_MAX;
		rep->body.max = x.max < SIZE_MAX ? (size_t)x.max : SIZE_MAX;
		rep->status = 0;
		rep->reason[0] = '\0';
		rep->sent = 0;
		pare_buf_reset(&rep->headers);
		pare_buf_reset(&rep->body);
		rep->attempts++;
		r = call_attempt(h, &x, &transient, err);
		if (!transient || rep->attempts > (unsigned)h->opts.retries ||
		    !call_resend(call, rep))
			break;
		if (r < 0)
			pare_log_warning(h->opts.log, "%s; retrying in %ld ms (attempt %u of %d)",
					 pare_error_text(err, r), delay, rep->attempts + 1,
					 h->opts.retries + 1);
		else
			pare_log_warning(h->opts.log, "%s %.*s: HTTP %ld %s; retrying in %ld ms "
					 "(attempt %u of %d)", call->method, url_len(shown),
					 shown, rep->status, rep->reason, delay,
					 rep->attempts + 1, h->opts.retries + 1);
		sleep_ms(delay);
		delay = delay > 60000 ? 120000 : delay * 2;
	}
	if (r < 0 && rep->attempts > 1) {
		char why[PARE_ERROR_MSG_MAX];
		snprintf(why, sizeof(why), "%s", pare_error_text(err, r));
		pare_error_set(err, r, "%s (after %u attempts)", why, rep->attempts);
	}
	if (r == 0 && call->label && x.body_total > 0)
		pare_progress_update(h->opts.progress, call->label, x.body_total, x.body_total);
	return r;
}

int pare_http_resolve_url(const char *base, struct pare_slice ref, char **out,
			  struct pare_error *err)
{
	if (pare_curl_load() != CURLE_OK)
		return pare_error_set(err, -EIO, "%s", pare_curl_load_error());
	char *refz = pare_slice_dup(ref), *res = NULL;
	CURLU *u = curl_url();
	int r = 0;
	*out = NULL;
	if (!refz || !u) {
		r = pare_error_set(err, -ENOMEM, "out of memory");
		goto out;
	}
	char shown[PARE_URL_SHOWN_MAX], rshown[PARE_URL_SHOWN_MAX];
	pare_url_redact(base, shown, sizeof(shown));
	pare_url_redact_slice(pare_slice_sub(ref, 0, 300), rshown, sizeof(rshown));
	if (curl_url_set(u, CURLUPART_URL, base, 0) != CURLUE_OK ||
	    curl_url_set(u, CURLUPART_URL, refz, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_URL, &res, 0) != CURLUE_OK || !pare_http_is_url(res)) {
		r = pare_error_set(err, -EINVAL, "%s: not a usable URL (relative to %.*s)",
				   rshown, url_len(shown),
				   shown);
		goto out;
	}
	*out = strdup(res);
	if (!*out)
		r = pare_error_set(err, -ENOMEM, "out of memory");
out:
	curl_free(res);
	curl_url_cleanup(u);
	free(refz);
	return r;
}

int pare_http_query_escape(struct pare_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	int r = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p && r == 0; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' || *p == '_' || *p == '~') {
			r = pare_buf_putc(b, (char)*p);
		} else {
			char e[3] = { '%', hex[*p >> 4], hex[*p & 15] };
			r = pare_buf_append(b, e, 3);
		}
	}
	return r;
}
