/* Pushing an OCI image layout to a registry: see registry.h. */
#include "image/registry.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/rootpath.h"
#include "image/auth.h"
#include "image/oci_int.h"
#include "image/ref.h"
#include "io/digest.h"
#include "io/stream.h"

#define MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define MAX_INDEX_DEPTH 4
#define DETAIL_MAX 200

/* One push: the registry connection and what was already handled. */
struct session {
	struct pare_image_ref ref;
	const char *text;           /* the reference as given, for messages */
	char base[PARE_REF_NAME_MAX + 16]; /* "http://127.0.0.1:5000" */
	struct pare_http http;
	struct pare_http_reply rep; /* the last answer */
	struct pare_auth_config config;
	struct pare_auth_cred cred;
	bool have_cred;
	char *authz;                /* "Authorization: ..." line, or NULL */
	const struct pare_log *log;
	const char *layout;         /* layout directory, for messages */
	int blobfd;                 /* layout's blobs/sha256 */
	struct pare_buf done;       /* digests already handled, one per line */
	struct pare_registry_push_result *res;
};

/* A descriptor read from a manifest or index. */
struct desc {
	char digest[PARE_OCI_DIGEST_LEN + 1];
	uint64_t size;
	char media_type[128];
};

/* ---- messages ---- */

static int url_len(const char *url)
{
	size_t n = strcspn(url, "?#");
	return n > 300 ? 300 : (int)n;
}

/* "CODE: message" of the first error of a registry's JSON error body. */
static void error_detail(const struct pare_buf *body, char *out, size_t size)
{
	json_t *root = json_loadb(body->data ? body->data : "", body->len, 0, NULL);
	json_t *e = json_array_get(json_object_get(root, "errors"), 0);
	const char *code = json_string_value(json_object_get(e, "code"));
	const char *msg = json_string_value(json_object_get(e, "message"));
	out[0] = '\0';
	if (code)
		snprintf(out, size, "%s%s%s", code, msg ? ": " : "", msg ? msg : "");
	for (char *p = out; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			*p = '?';
	json_decref(root);
}

static const char *auth_hint(const struct session *s)
{
	if (s->rep.status != 401 && s->rep.status != 403)
		return "";
	if (s->have_cred)
		return s->rep.status == 401 ? " (the credentials were not accepted)" : "";
	return " (no credentials for this registry in the docker config)";
}

/* The registry's answer to `what` on url was not the expected one. */
static int status_error(struct session *s, const char *what, const char *url,
			struct pare_error *err)
{
	char detail[DETAIL_MAX + 1];
	long st = s->rep.status;
	error_detail(&s->rep.body, detail, sizeof(detail));
	int code = st == 401 || st == 403 ? -EACCES : st == 404 ? -PARE_E_NOT_FOUND : -EIO;
	return pare_error_set(err, code, "%s: %s %.*s: HTTP %ld %s%s", s->text, what,
			      url_len(url), url, st, detail[0] ? detail : s->rep.reason,
			      auth_hint(s));
}

/* ---- authentication ---- */

static int set_authz(struct session *s, const char *prefix, const char *value)
{
	struct pare_buf b;
	pare_buf_init(&b, PARE_AUTH_TOKEN_MAX + 64);
	int r = pare_buf_append_str(&b, prefix);
	if (r == 0)
		r = pare_buf_append_str(&b, value);
	if (r == 0) {
		free(s->authz);
		s->authz = pare_buf_detach(&b, NULL);
		r = s->authz ? 0 : -ENOMEM;
	}
	pare_buf_release(&b);
	return r;
}

static int token_url(struct session *s, const struct pare_auth_challenge *ch, struct pare_buf *u)
{
	char scope[PARE_REF_NAME_MAX + 32];
	snprintf(scope, sizeof(scope), "repository:%s:pull,push", s->ref.name);
	int r = pare_buf_append_str(u, ch->realm);
	r = r ? r : pare_buf_putc(u, strchr(ch->realm, '?') ? '&' : '?');
	if (r == 0 && ch->service[0]) {
		r = pare_buf_append_str(u, "service=");
		r = r ? r : pare_http_query_escape(u, ch->service);
		r = r ? r : pare_buf_putc(u, '&');
	}
	r = r ? r : pare_buf_append_str(u, "scope=");
	r = r ? r : pare_http_query_escape(u, scope);
	if (r == 0 && ch->scope[0] && strcmp(ch->scope, scope) != 0) {
		r = pare_buf_append_str(u, "&scope=");
		r = r ? r : pare_http_query_escape(u, ch->scope);
	}
	return r;
}

/* Bearer: GET realm?service=...&scope=... (Basic credentials if any). */
/* Credentials go only to the registry itself: an upload Location on
 * another host, port or scheme (say, a downgrade to http) gets none,
 * since curl cannot strip a header we built ourselves. */
static bool same_origin(const struct session *s, const char *url)
{
	size_t n = strlen(s->base);
	return strncmp(url, s->base, n) == 0 && (url[n] == '/' || url[n] == '\0');
}

/* Scheme and host equal, port aside: a token service on the registry's
 * own host (common for local registries) may get the credentials over
 * the registry's scheme. */
static bool same_host(const struct session *s, const char *url)
{
	const char *b = strstr(s->base, "://"), *u = strstr(url, "://");
	if (!b || !u || (b - s->base) != (u - url) || strncmp(s->base, url, (size_t)(b - s->base)))
		return false;
	b += 3;
	u += 3;
	size_t bn = strcspn(b, ":/"), un = strcspn(u, ":/?#");
	if (b[0] == '[') /* [::1]:port */
		bn = strcspn(b, "]") + 1, un = strcspn(u, "]") + 1;
	return bn == un && strncmp(b, u, bn) == 0;
}

static int fetch_token(struct session *s, const struct pare_auth_challenge *ch,
		       struct pare_error *err)
{
	struct pare_buf url;
	char *basic = NULL, *token = NULL;
	pare_buf_init(&url, 8192);
	int r = token_url(s, ch, &url);
	/* Basic credentials for the token service only over https, or to the
	 * registry's own host (a local plain-http registry). */
	bool safe = strncmp(ch->realm, "https://", 8) == 0 || same_host(s, ch->realm);
	if (r == 0 && s->have_cred && safe)
		r = pare_auth_basic_header(&s->cred, &basic);
	if (r < 0) {
		r = pare_error_set(err, r, "%s: token request for %s: %s", s->text, ch->realm,
				   pare_strerror(r));
		goto out;
	}
	const char *headers[] = { basic, NULL };
	struct pare_http_call c = { .method = "GET", .url = url.data, .headers = headers,
				    .max_bytes = PARE_REGISTRY_REPLY_MAX,
				    .follow_redirects = true };
	r = pare_http_call(&s->http, &c, &s->rep, err);
	if (r < 0)
		r = pare_error_prefix(err, r, "%s: token: ", s->text);
	else if (s->rep.status != 200)
		r = status_error(s, "GET token", ch->realm, err);
	else if ((r = pare_auth_token_parse(pare_buf_slice(&s->rep.body), &token, err)) < 0)
		r = pare_error_prefix(err, r, "%s: token from %.*s: ", s->text, url_len(ch->realm),
				      ch->realm);
	else
		r = set_authz(s, "Authorization: Bearer ", token);
out:
	if (basic)
		explicit_bzero(basic, strlen(basic));
	free(basic);
	free(token);
	pare_buf_release(&url);
	return r;
}

/* The best challenge of the last (401) answer: Bearer, else Basic. */
static int pick_challenge(struct session *s, struct pare_auth_challenge *best,
			  struct pare_error *err)
{
	struct pare_auth_challenge ch;
	struct pare_slice v;
	size_t pos = 0;
	best->scheme = PARE_AUTH_OTHER;
	bool found = false;
	while (pare_http_reply_header(&s->rep, "WWW-Authenticate", &pos, &v)) {
		int r;
		while ((r = pare_auth_challenge_next(&v, &ch, err)) > 0) {
			if (ch.scheme == PARE_AUTH_BEARER ||
			    (ch.scheme == PARE_AUTH_BASIC && !found)) {
				*best = ch;
				found = true;
			}
		}
		if (r < 0)
			return pare_error_prefix(err, r, "%s: ", s->text);
	}
	return found ? 0 : -ENOENT;
}

static int authenticate(struct session *s, const char *what, const char *url,
			struct pare_error *err)
{
	struct pare_auth_challenge *ch = malloc(sizeof(*ch));
	int r = ch ? pick_challenge(s, ch, err) : -ENOMEM;
	if (r == -ENOENT)
		r = pare_error_set(err, -EACCES, "%s: %s %.*s: HTTP 401 without a Basic or Bearer "
				   "challenge", s->text, what, url_len(url), url);
	else if (r == -ENOMEM)
		r = pare_error_set(err, r, "%s: out of memory", s->text);
	else if (r == 0 && ch->scheme == PARE_AUTH_BASIC && !s->have_cred)
		r = status_error(s, what, url, err);
	else if (r == 0 && ch->scheme == PARE_AUTH_BASIC)
		r = pare_auth_basic_header(&s->cred, &s->authz) < 0
			    ? pare_error_set(err, -ENOMEM, "%s: out of memory", s->text)
			    : 0;
	else if (r == 0)
		r = fetch_token(s, ch, err);
	free(ch);
	return r;
}

/* ---- requests ---- */

/* Make the request (with the current Authorization); on 401 authenticate
 * and make it once more.  The caller judges s->rep.status. */
static int send_req(struct session *s, const char *what, struct pare_http_call *c,
		    const char *content_type, struct pare_error *err)
{
	for (bool again = false;; again = true) {
		const char *headers[3] = { content_type, NULL, NULL };
		headers[content_type ? 1 : 0] = same_origin(s, c->url) ? s->authz : NULL;
		c->headers = headers;
		int r = pare_http_call(&s->http, c, &s->rep, err);
		c->headers = NULL;
		if (r < 0) /* the message names the method and the URL */
			return pare_error_prefix(err, r, "%s: ", s->text);
		if (s->rep.status != 401 || again)
			return 0;
		free(s->authz);
		s->authz = NULL;
		if ((r = authenticate(s, what, c->url, err)) < 0)
			return r;
		if (c->body_stream && (!c->body_rewind || c->body_rewind(c->body_rewind_ctx) < 0))
			return pare_error_set(err, -EIO, "%s: %s: cannot send the body again",
					      s->text, what);
	}
}

static int api_url(struct session *s, struct pare_buf *u, const char *kind, const char *last)
{
	pare_buf_reset(u);
	return pare_buf_appendf(u, "%s/v2/%s/%s/%s", s->base, s->ref.name, kind, last);
}

/* GET /v2/: is it a registry, and does it want credentials? */
static int ping(struct session *s, struct pare_error *err)
{
	struct pare_buf u;
	pare_buf_init(&u, 4096);
	int r = pare_buf_appendf(&u, "%s/v2/", s->base);
	struct pare_http_call c = {.method = "GET",
				   .url = u.data,
				   .max_bytes = PARE_REGISTRY_REPLY_MAX,
				   .follow_redirects = true};
	if (r == 0)
		r = send_req(s, "GET /v2/", &c, NULL, err);
	if (r == 0 && s->rep.status != 200)
		r = status_error(s, "GET /v2/", u.data, err);
	pare_buf_release(&u);
	return r;
}

/* ---- blobs ---- */

static bool seen(struct session *s, const char *digest)
{
	struct pare_slice all = pare_buf_slice(&s->done), line;
	while (all.len > 0) {
		pare_slice_split(&all, '\n', &line);
		if (pare_slice_eq_cstr(line, digest))
			return true;
	}
	return false;
}

static int mark_seen(struct session *s, const char *digest, struct pare_error *err)
{
	if (pare_buf_appendf(&s->done, "%s\n", digest) < 0)
		return pare_error_set(err, -PARE_E_TOO_BIG, "%s: too many blobs", s->layout);
	return 0;
}

/* A blob file read as a stream of exactly `size` bytes and hashed on the
 * way: the read that would hand out the last byte fails instead when the
 * SHA-256 is not the expected one, so a wrong blob never completes. */
struct hashed {
	int fd;
	uint64_t size, done;
	struct pare_digest sha;
	const char *digest; /* expected "sha256:<hex>" */
	char name[PARE_PATH_MAX];
};

static ssize_t hashed_read(void *ctx, void *buf, size_t n, struct pare_error *err)
{
	struct hashed *h = ctx;
	struct pare_digest_value v;
	char got[PARE_OCI_DIGEST_LEN + 1];
	if (n > h->size - h->done)
		n = (size_t)(h->size - h->done);
	if (n == 0)
		return 0;
	ssize_t k = pare_read_some(h->fd, buf, n);
	if (k < 0)
		return pare_error_set(err, (int)k, "%s: %s", h->name, strerror((int)-k));
	if (k == 0)
		return pare_error_set(err, -PARE_E_TRUNCATED, "%s: ends after %llu bytes", h->name,
				      (unsigned long long)h->done);
	pare_digest_update(&h->sha, buf, (size_t)k);
	h->done += (uint64_t)k;
	if (h->done < h->size)
		return k;
	if (pare_digest_final(&h->sha, &v) < 0)
		return pare_error_set(err, -PARE_E_CRYPTO, "%s: SHA-256 failed", h->name);
	pare_oci_digest_string(&v, got);
	if (strcmp(got, h->digest) != 0)
		return pare_error_set(err, -PARE_E_INTEGRITY, "%s: content is %s, not %s", h->name,
				      got, h->digest);
	return k;
}

static int hashed_rewind(void *ctx)
{
	struct hashed *h = ctx;
	if (lseek(h->fd, 0, SEEK_SET) < 0)
		return -errno;
	pare_digest_release(&h->sha);
	h->done = 0;
	return pare_digest_init(&h->sha, PARE_DIGEST_SHA256);
}

/* Open blobs/sha256/<hex> of d: a regular file of d->size bytes. */
static int blob_open(struct session *s, const struct desc *d, struct hashed *h,
		     struct pare_error *err)
{
	struct stat st;
	snprintf(h->name, sizeof(h->name), "%s/blobs/sha256/%s", s->layout, d->digest + 7);
	h->digest = d->digest;
	h->size = d->size;
	h->fd = openat(s->blobfd, d->digest + 7, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (h->fd < 0)
		return pare_error_set(err, -errno, "%s: %s", h->name, strerror(errno));
	if (fstat(h->fd, &st) < 0 || !S_ISREG(st.st_mode))
		return pare_error_set(err, -PARE_E_FORMAT, "%s: not a regular file", h->name);
	if ((uint64_t)st.st_size != d->size)
		return pare_error_set(err, -PARE_E_INTEGRITY, "%s: %llu bytes, its descriptor says "
				      "%llu", h->name, (unsigned long long)st.st_size,
				      (unsigned long long)d->size);
	if (pare_digest_init(&h->sha, PARE_DIGEST_SHA256) < 0)
		return pare_error_set(err, -PARE_E_CRYPTO, "SHA-256 init failed");
	return 0;
}

/* The registry's Docker-Content-Digest, when it sent one, must be ours. */
static int check_answer_digest(struct session *s, const char *what, const char *digest,
			       struct pare_error *err)
{
	struct pare_slice v;
	size_t pos = 0;
	if (!pare_http_reply_header(&s->rep, "Docker-Content-Digest", &pos, &v) ||
	    pare_slice_eq_cstr(v, digest))
		return 0;
	return pare_error_set(err, -PARE_E_INTEGRITY, "%s: %s: the registry stored %.*s, not %s",
			      s->text, what, (int)(v.len > 100 ? 100 : v.len), v.ptr, digest);
}

/* PUT the blob's bytes to the upload location the POST answered with. */
static int blob_put(struct session *s, const struct desc *d, const char *location,
		    const char *what, struct pare_error *err)
{
	struct hashed h = { .fd = -1 };
	struct pare_istream in = { .read = hashed_read, .ctx = &h };
	struct pare_buf u;
	char label[32];
	pare_buf_init(&u, 16384);
	snprintf(label, sizeof(label), "%.19s", d->digest);
	int r = pare_buf_appendf(&u, "%s%cdigest=", location, strchr(location, '?') ? '&' : '?');
	if (r == 0)
		r = pare_http_query_escape(&u, d->digest);
	if (r < 0)
		r = pare_error_set(err, r, "%s: %s: upload URL too long", s->text, what);
	if (r == 0)
		r = blob_open(s, d, &h, err);
	struct pare_http_call c = {
		.method = "PUT", .url = u.data, .body_stream = &in, .body_size = d->size,
		.body_rewind = hashed_rewind, .body_rewind_ctx = &h,
		.max_bytes = PARE_REGISTRY_REPLY_MAX, .label = label,
	};
	if (r == 0)
		r = send_req(s, what, &c, "Content-Type: application/octet-stream", err);
	if (r == 0 && s->rep.status != 201 && s->rep.status != 204)
		r = status_error(s, what, u.data, err);
	if (r == 0 && h.done != d->size) /* cannot happen: curl read it all */
		r = pare_error_set(err, -PARE_E_TRUNCATED, "%s: %s: only %llu bytes were sent",
				   s->text, what, (unsigned long long)h.done);
	if (r == 0)
		r = check_answer_digest(s, what, d->digest, err);
	if (h.fd >= 0)
		close(h.fd);
	pare_digest_release(&h.sha);
	pare_buf_release(&u);
	return r;
}

/* POST an upload session; *location gets its absolute URL. */
static int blob_start(struct session *s, const char *what, char **location,
		      struct pare_error *err)
{
	struct pare_buf u;
	struct pare_slice loc;
	size_t pos = 0;
	pare_buf_init(&u, 4096);
	int r = api_url(s, &u, "blobs", "uploads/");
	struct pare_http_call c = { .method = "POST", .url = u.data,
				    .max_bytes = PARE_REGISTRY_REPLY_MAX };
	if (r == 0)
		r = send_req(s, what, &c, NULL, err);
	if (r == 0 && s->rep.status != 202)
		r = status_error(s, what, u.data, err);
	if (r == 0 && !pare_http_reply_header(&s->rep, "Location", &pos, &loc))
		r = pare_error_set(err, -PARE_E_FORMAT, "%s: %s %s: HTTP 202 without a Location",
				   s->text, what, u.data);
	if (r == 0 && (r = pare_http_resolve_url(u.data, loc, location, err)) < 0)
		r = pare_error_prefix(err, r, "%s: %s: ", s->text, what);
	pare_buf_release(&u);
	return r;
}

static int push_blob(struct session *s, const struct desc *d, struct pare_error *err)
{
	struct pare_buf u;
	char what[128], *location = NULL;
	if (seen(s, d->digest))
		return 0;
	pare_buf_init(&u, 4096);
	snprintf(what, sizeof(what), "HEAD blob %s", d->digest);
	int r = api_url(s, &u, "blobs", d->digest);
	struct pare_http_call c = {.method = "HEAD",
				   .url = u.data,
				   .max_bytes = PARE_REGISTRY_REPLY_MAX,
				   .follow_redirects = true};
	if (r == 0)
		r = send_req(s, what, &c, NULL, err);
	if (r == 0 && s->rep.status == 200) {
		pare_log_verbose(s->log, "blob %s: exists", d->digest);
		s->res->blobs_existing++;
		goto out;
	}
	if (r == 0 && s->rep.status != 404)
		r = status_error(s, what, u.data, err);
	snprintf(what, sizeof(what), "POST blob upload for %s", d->digest);
	if (r == 0)
		r = blob_start(s, what, &location, err);
	snprintf(what, sizeof(what), "PUT blob %s", d->digest);
	if (r == 0)
		r = blob_put(s, d, location, what, err);
	if (r == 0) {
		pare_log_verbose(s->log, "blob %s: pushed (%llu bytes)", d->digest,
				 (unsigned long long)d->size);
		s->res->blobs_pushed++;
		s->res->bytes_pushed += d->size;
	}
out:
	if (r == 0)
		r = mark_seen(s, d->digest, err);
	free(location);
	pare_buf_release(&u);
	return r;
}

/* ---- manifests and indexes ---- */

static bool is_index_type(const char *mt)
{
	return strcmp(mt, PARE_OCI_MT_INDEX) == 0 || strcmp(mt, MT_DOCKER_LIST) == 0;
}

static bool is_manifest_type(const char *mt)
{
	return strcmp(mt, PARE_OCI_MT_MANIFEST) == 0 || strcmp(mt, MT_DOCKER_MANIFEST) == 0;
}

/* A descriptor object: a sha256 digest, a size, a media type. */
static int parse_desc(struct session *s, json_t *o, const char *where, struct desc *d,
		      struct pare_error *err)
{
	const char *digest = json_string_value(json_object_get(o, "digest"));
	const char *mt = json_string_value(json_object_get(o, "mediaType"));
	json_t *size = json_object_get(o, "size");
	memset(d, 0, sizeof(*d));
	if (!pare_oci_digest_valid(digest))
		return pare_error_set(err, -PARE_E_FORMAT, "%s: %s: descriptor without a sha256 "
				      "digest", s->layout, where);
	if (!json_is_integer(size) || json_integer_value(size) < 0)
		return pare_error_set(err, -PARE_E_FORMAT, "%s: %s: descriptor %s without a size",
				      s->layout, where, digest);
	memcpy(d->digest, digest, sizeof(d->digest));
	d->size = (uint64_t)json_integer_value(size);
	snprintf(d->media_type, sizeof(d->media_type), "%s", mt ? mt : "");
	return 0;
}

/* Read a manifest or index blob whole and check it against d. */
static int read_json_blob(struct session *s, const struct desc *d, struct pare_buf *b,
			  struct pare_error *err)
{
	struct hashed h = { .fd = -1 };
	char chunk[65536];
	int r = d->size > PARE_OCI_MAX_JSON
			? pare_error_set(err, -PARE_E_TOO_BIG, "%s: %s: larger than %u bytes",
					 s->layout, d->digest, PARE_OCI_MAX_JSON)
			: blob_open(s, d, &h, err);
	while (r == 0 && h.done < h.size) {
		ssize_t k = hashed_read(&h, chunk, sizeof(chunk), err);
		r = k < 0 ? (int)k : pare_buf_append(b, chunk, (size_t)k);
	}
	if (r == 0 && h.size == 0)
		r = pare_error_set(err, -PARE_E_FORMAT, "%s: empty", h.name);
	if (h.fd >= 0)
		close(h.fd);
	pare_digest_release(&h.sha);
	return r;
}

static int push_manifest(struct session *s, const struct desc *d, const char *reference,
			 int depth, struct pare_error *err);

static int push_children(struct session *s, json_t *root, const struct desc *d, int depth,
			 struct pare_error *err)
{
	json_t *list = json_object_get(root, "manifests"), *o;
	size_t i;
	struct desc child;
	if (!json_is_array(list) || json_array_size(list) == 0)
		return pare_error_set(err, -PARE_E_FORMAT, "%s: index %s lists no manifests",
				      s->layout, d->digest);
	json_array_foreach(list, i, o) {
		int r = parse_desc(s, o, d->digest, &child, err);
		if (r == 0 && !seen(s, child.digest))
			r = push_manifest(s, &child, child.digest, depth + 1, err);
		if (r < 0)
			return r;
	}
	return 0;
}

static int push_layers(struct session *s, json_t *root, const struct desc *d,
		       struct pare_error *err)
{
	json_t *layers = json_object_get(root, "layers"), *o;
	struct desc b;
	size_t i;
	int r = parse_desc(s, json_object_get(root, "config"), d->digest, &b, err);
	if (r == 0)
		r = push_blob(s, &b, err);
	if (r == 0 && !json_is_array(layers))
		r = pare_error_set(err, -PARE_E_FORMAT, "%s: manifest %s has no layers", s->layout,
				   d->digest);
	json_array_foreach(layers, i, o) {
		if (r == 0)
			r = parse_desc(s, o, d->digest, &b, err);
		if (r == 0)
			r = push_blob(s, &b, err);
	}
	return r;
}

/* The media type: the descriptor's, else the document's own. */
static int manifest_type(struct session *s, json_t *root, struct desc *d,
			 struct pare_error *err)
{
	const char *own = json_string_value(json_object_get(root, "mediaType"));
	if (!d->media_type[0] && own)
		snprintf(d->media_type, sizeof(d->media_type), "%s", own);
	if (is_index_type(d->media_type) || is_manifest_type(d->media_type))
		return 0;
	return pare_error_set(err, -PARE_E_UNSUPPORTED, "%s: %s: media type '%s' is not an "
			      "image manifest or index", s->layout, d->digest, d->media_type);
}

static int manifest_put(struct session *s, const struct desc *d, const struct pare_buf *body,
			const char *reference, struct pare_error *err)
{
	struct pare_buf u, ct;
	pare_buf_init(&u, 4096);
	pare_buf_init(&ct, 256);
	int r = api_url(s, &u, "manifests", reference);
	r = r ? r : pare_buf_appendf(&ct, "Content-Type: %s", d->media_type);
	struct pare_http_call c = { .method = "PUT", .url = u.data, .body = body->data,
				    .body_len = body->len, .max_bytes = PARE_REGISTRY_REPLY_MAX };
	if (r == 0)
		r = send_req(s, "PUT manifest", &c, ct.data, err);
	if (r == 0 && s->rep.status != 201 && s->rep.status != 200)
		r = status_error(s, "PUT manifest", u.data, err);
	if (r == 0)
		r = check_answer_digest(s, "PUT manifest", d->digest, err);
	if (r == 0) {
		pare_log_verbose(s->log, "%s %s: pushed", is_index_type(d->media_type) ? "index"
										: "manifest",
				 d->digest);
		s->res->manifests++;
	}
	pare_buf_release(&ct);
	pare_buf_release(&u);
	return r;
}

static int push_manifest(struct session *s, const struct desc *d_in, const char *reference,
			 int depth, struct pare_error *err)
{
	struct desc d = *d_in;
	struct pare_buf body;
	json_error_t jerr;
	json_t *root = NULL;
	if (depth > MAX_INDEX_DEPTH)
		return pare_error_set(err, -PARE_E_FORMAT, "%s: indexes nested deeper than %d",
				      s->layout, MAX_INDEX_DEPTH);
	pare_buf_init(&body, PARE_OCI_MAX_JSON);
	int r = read_json_blob(s, &d, &body, err);
	if (r == 0 && !(root = json_loadb(body.data, body.len, 0, &jerr)))
		r = pare_error_set(err, -PARE_E_FORMAT, "%s/blobs/sha256/%s:%d:%d: %s", s->layout,
				   d.digest + 7, jerr.line, jerr.column, jerr.text);
	if (r == 0)
		r = manifest_type(s, root, &d, err);
	if (r == 0)
		r = is_index_type(d.media_type) ? push_children(s, root, &d, depth, err)
						: push_layers(s, root, &d, err);
	if (r == 0)
		r = manifest_put(s, &d, &body, reference, err);
	if (r == 0)
		r = mark_seen(s, d.digest, err);
	if (r == 0 && depth == 0) {
		memcpy(s->res->digest, d.digest, sizeof(s->res->digest));
		snprintf(s->res->media_type, sizeof(s->res->media_type), "%s", d.media_type);
	}
	json_decref(root);
	pare_buf_release(&body);
	return r;
}

/* ---- the layout ---- */

static int read_layout_json(struct session *s, const char *name, json_t **out,
			    struct pare_error *err)
{
	char path[PARE_PATH_MAX];
	struct pare_buf b;
	json_error_t jerr;
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", s->layout, name) >= sizeof(path))
		return pare_error_set(err, -ENAMETOOLONG, "%s: path too long", s->layout);
	pare_buf_init(&b, PARE_OCI_MAX_JSON);
	int r = pare_read_file(path, &b, err);
	if (r == -ENOENT)
		r = pare_error_set(err, r, "%s: not an OCI image layout (no %s)", s->layout, name);
	if (r == 0 && !(*out = json_loadb(b.data, b.len, 0, &jerr)))
		r = pare_error_set(err, -PARE_E_FORMAT, "%s:%d:%d: %s", path, jerr.line,
				   jerr.column, jerr.text);
	pare_buf_release(&b);
	return r;
}

/* The descriptor index.json points at (see pare_registry_push_layout). */
static int pick_top(struct session *s, json_t *index, struct desc *top, struct pare_error *err)
{
	json_t *list = json_object_get(index, "manifests"), *o, *pick = NULL;
	size_t i, n = json_array_size(list), matches = 0;
	if (n == 1)
		pick = json_array_get(list, 0);
	json_array_foreach(list, i, o) {
		json_t *ann = json_object_get(o, "annotations");
		const char *name = json_string_value(json_object_get(ann, PARE_OCI_REF_NAME));
		if (n > 1 && name && strcmp(name, s->ref.tag) == 0) {
			pick = o;
			matches++;
		}
	}
	if (n == 0)
		return pare_error_set(err, -PARE_E_FORMAT, "%s/index.json: no manifests",
				      s->layout);
	if (!pick || matches > 1)
		return pare_error_set(err, -PARE_E_USAGE, "%s/index.json lists %zu images and %s "
				      "has ref.name '%s'", s->layout, n,
				      matches > 1 ? "more than one" : "none", s->ref.tag);
	return parse_desc(s, pick, "index.json", top, err);
}

static int push_top(struct session *s, struct pare_error *err)
{
	json_t *layout = NULL, *index = NULL;
	struct desc top;
	int r = read_layout_json(s, "oci-layout", &layout, err);
	if (r == 0 && !json_is_string(json_object_get(layout, "imageLayoutVersion")))
		r = pare_error_set(err, -PARE_E_FORMAT, "%s/oci-layout: no imageLayoutVersion",
				   s->layout);
	if (r == 0)
		r = read_layout_json(s, "index.json", &index, err);
	if (r == 0)
		r = pick_top(s, index, &top, err);
	if (r == 0 && s->ref.digest[0] && strcmp(s->ref.digest, top.digest) != 0)
		r = pare_error_set(err, -PARE_E_INTEGRITY, "%s: the layout's image is %s", s->text,
				   top.digest);
	if (r == 0)
		r = ping(s, err);
	if (r == 0)
		r = push_manifest(s, &top, pare_image_ref_reference(&s->ref), 0, err);
	json_decref(layout);
	json_decref(index);
	return r;
}

/* ---- the session ---- */

static int session_open(struct session *s, const char *layout_dir, const char *ref,
			const struct pare_registry_opts *opts, struct pare_error *err)
{
	char path[PARE_PATH_MAX];
	s->text = ref;
	s->layout = layout_dir;
	s->log = opts->log;
	s->blobfd = -1;
	pare_buf_init(&s->done, 16u << 20);
	pare_http_reply_init(&s->rep);
	int r = pare_image_ref_parse(ref, &s->ref, err);
	if (r < 0)
		return r;
	snprintf(s->base, sizeof(s->base), "%s://%s",
		 opts->insecure || pare_image_ref_is_local(&s->ref) ? "http" : "https",
		 pare_image_ref_api_host(&s->ref));
	if ((size_t)snprintf(path, sizeof(path), "%s/blobs/sha256", layout_dir) >= sizeof(path))
		return pare_error_set(err, -ENAMETOOLONG, "%s: path too long", layout_dir);
	s->blobfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->blobfd < 0)
		return pare_error_set(err, -errno, "%s: not an OCI image layout: %s: %s",
				      layout_dir, path, strerror(errno));
	if ((r = pare_auth_config_load(&s->config, opts->config_path, err)) < 0)
		return r;
	r = pare_auth_lookup(&s->config, s->ref.host, &s->cred, err);
	if (r < 0)
		return r;
	s->have_cred = r > 0;
	return pare_http_init(&s->http, opts->http, err);
}

static void session_close(struct session *s)
{
	if (s->authz)
		explicit_bzero(s->authz, strlen(s->authz));
	free(s->authz);
	pare_auth_cred_release(&s->cred);
	pare_auth_config_release(&s->config);
	pare_http_release(&s->http);
	pare_http_reply_release(&s->rep);
	pare_buf_release(&s->done);
	if (s->blobfd >= 0)
		close(s->blobfd);
}

int pare_registry_push_layout(const char *layout_dir, const char *ref,
			      const struct pare_registry_opts *opts,
			      struct pare_registry_push_result *res, struct pare_error *err)
{
	static const struct pare_registry_opts defaults = { 0 };
	struct pare_registry_push_result local;
	struct session *s = calloc(1, sizeof(*s));
	if (!s)
		return pare_error_set(err, -ENOMEM, "out of memory");
	if (!res)
		res = &local;
	memset(res, 0, sizeof(*res));
	s->res = res;
	int r = session_open(s, layout_dir, ref, opts ? opts : &defaults, err);
	if (r == 0)
		r = push_top(s, err);
	session_close(s);
	free(s);
	return r;
}
