/* Registry credentials from docker config.json and WWW-Authenticate
 * challenges: see auth.h. */
#include "image/auth.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "io/digest.h"
#include "io/stream.h"

/* ---- config.json ---- */

static int default_path(char **out)
{
	const char *dir = getenv("DOCKER_CONFIG"), *home = getenv("HOME");
	struct pare_buf b;
	pare_buf_init(&b, 4096);
	int r = dir && dir[0] ? pare_buf_appendf(&b, "%s/config.json", dir)
	      : home && home[0] ? pare_buf_appendf(&b, "%s/.docker/config.json", home)
				: -ENOENT;
	*out = r == 0 ? pare_buf_detach(&b, NULL) : NULL;
	pare_buf_release(&b);
	return r < 0 ? r : *out ? 0 : -ENOMEM;
}

int pare_auth_config_load(struct pare_auth_config *c, const char *path, struct pare_error *err)
{
	struct pare_buf text;
	json_error_t jerr;
	bool optional = path == NULL;
	int r;
	memset(c, 0, sizeof(*c));
	r = optional ? default_path(&c->path) : (c->path = strdup(path)) ? 0 : -ENOMEM;
	if (r == -ENOENT)
		return 0; /* no HOME, no DOCKER_CONFIG: no credentials */
	if (r < 0)
		return pare_error_set(err, r, "docker config: out of memory");
	pare_buf_init(&text, PARE_AUTH_CONFIG_MAX);
	r = pare_read_file(c->path, &text, err);
	if (r == -ENOENT && optional) {
		pare_error_clear(err);
		r = 0;
	} else if (r == 0) {
		c->json = json_loadb(text.data, text.len, 0, &jerr);
		if (!c->json || !json_is_object((json_t *)c->json))
			r = pare_error_set(err, -PARE_E_FORMAT, "%s:%d:%d: %s", c->path, jerr.line,
					   jerr.column, c->json ? "not a JSON object" : jerr.text);
	}
	pare_buf_release(&text);
	return r;
}

void pare_auth_config_release(struct pare_auth_config *c)
{
	if (!c)
		return;
	json_decref(c->json);
	free(c->path);
	c->json = NULL;
	c->path = NULL;
}

void pare_auth_cred_release(struct pare_auth_cred *cred)
{
	if (!cred)
		return;
	if (cred->pass)
		explicit_bzero(cred->pass, strlen(cred->pass));
	free(cred->user);
	free(cred->pass);
	cred->user = NULL;
	cred->pass = NULL;
}

/* "https://index.docker.io/v1/" -> "index.docker.io". */
static struct pare_slice key_host(const char *key)
{
	struct pare_slice s = pare_slice_from(key), head;
	const char *sep = strstr(key, "://");
	if (sep)
		s = pare_slice_from(sep + 3);
	pare_slice_split(&s, '/', &head);
	return head;
}

static bool is_docker_hub(struct pare_slice h)
{
	return pare_slice_eq_cstr(h, "docker.io") || pare_slice_eq_cstr(h, "index.docker.io") ||
	       pare_slice_eq_cstr(h, "registry-1.docker.io");
}

static bool host_matches(const char *key, const char *host)
{
	struct pare_slice k = key_host(key), h = pare_slice_from(host);
	return pare_slice_eq(k, h) || (is_docker_hub(k) && is_docker_hub(h));
}

static int set_cred(struct pare_auth_cred *cred, const char *user, size_t ul, const char *pass)
{
	cred->user = strndup(user, ul);
	cred->pass = strdup(pass);
	if (cred->user && cred->pass)
		return 1;
	pare_auth_cred_release(cred);
	return -ENOMEM;
}

/* auths.<key>.auth: base64("user:pass"). */
static int decode_auth(const char *key, const char *b64, const char *path,
		       struct pare_auth_cred *cred, struct pare_error *err)
{
	size_t n = strlen(b64);
	unsigned char *raw = malloc(n + 1);
	if (!raw)
		return -ENOMEM;
	int len = pare_base64_decode(b64, n, raw, n);
	char *colon = len > 0 ? memchr(raw, ':', (size_t)len) : NULL;
	int r;
	if (len <= 0 || !colon || memchr(raw, '\0', (size_t)len))
		r = pare_error_set(err, -PARE_E_FORMAT, "%s: auths.%s.auth is not base64 of "
				   "user:password", path, key);
	else {
		raw[len] = '\0';
		r = set_cred(cred, (const char *)raw, (size_t)(colon - (char *)raw), colon + 1);
	}
	explicit_bzero(raw, n + 1);
	free(raw);
	return r;
}

static int entry_cred(const char *key, json_t *entry, const char *path,
		      struct pare_auth_cred *cred, struct pare_error *err)
{
	const char *auth = json_string_value(json_object_get(entry, "auth"));
	const char *user = json_string_value(json_object_get(entry, "username"));
	const char *pass = json_string_value(json_object_get(entry, "password"));
	if (auth && auth[0])
		return decode_auth(key, auth, path, cred, err);
	if (user && pass)
		return set_cred(cred, user, strlen(user), pass);
	return 0; /* an identity token or an empty entry: nothing usable */
}

int pare_auth_lookup(const struct pare_auth_config *c, const char *host,
		     struct pare_auth_cred *cred, struct pare_error *err)
{
	json_t *auths = c && c->json ? json_object_get(c->json, "auths") : NULL;
	const char *key;
	json_t *entry;
	memset(cred, 0, sizeof(*cred));
	if (!json_is_object(auths))
		return 0;
	/* An exact key wins over a normalised match. */
	entry = json_object_get(auths, host);
	if (json_is_object(entry))
		return entry_cred(host, entry, c->path, cred, err);
	json_object_foreach(auths, key, entry) {
		if (json_is_object(entry) && host_matches(key, host)) {
			int r = entry_cred(key, entry, c->path, cred, err);
			if (r != 0)
				return r;
		}
	}
	return 0;
}

int pare_auth_basic_header(const struct pare_auth_cred *cred, char **line)
{
	static const char prefix[] = "Authorization: Basic ";
	size_t ul = strlen(cred->user), pl = strlen(cred->pass), n = ul + 1 + pl;
	char *raw = malloc(n + 1);
	char *out = malloc(sizeof(prefix) + 4 * ((n + 2) / 3) + 1);
	int r = -ENOMEM;
	*line = NULL;
	if (raw && out) {
		memcpy(raw, cred->user, ul);
		raw[ul] = ':';
		memcpy(raw + ul + 1, cred->pass, pl + 1);
		memcpy(out, prefix, sizeof(prefix) - 1);
		pare_base64_encode((const unsigned char *)raw, n, out + sizeof(prefix) - 1);
		*line = out;
		out = NULL;
		r = 0;
	}
	if (raw)
		explicit_bzero(raw, n + 1);
	free(raw);
	free(out);
	return r;
}

/* ---- WWW-Authenticate ---- */

static bool is_tchar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* Skip leading bytes that are in set. */
static void skip_set(struct pare_slice *s, const char *set)
{
	while (s->len > 0 && s->ptr[0] != '\0' && strchr(set, s->ptr[0])) {
		s->ptr++;
		s->len--;
	}
}

static void skip_ws(struct pare_slice *s)
{
	skip_set(s, " \t");
}

static struct pare_slice take_token(struct pare_slice *s)
{
	size_t n = 0;
	while (n < s->len && is_tchar(s->ptr[n]))
		n++;
	struct pare_slice t = pare_slice_make(s->ptr, n);
	s->ptr += n;
	s->len -= n;
	return t;
}

/* An unquoted value: everything up to a space, a comma or a control
 * character (laxer than RFC 7235's token, so `realm=https://x/token`
 * works too). */
static struct pare_slice take_bare(struct pare_slice *s)
{
	size_t n = 0;
	while (n < s->len && (unsigned char)s->ptr[n] > 0x20 && s->ptr[n] != 0x7f &&
	       s->ptr[n] != ',' && s->ptr[n] != '"')
		n++;
	struct pare_slice t = pare_slice_make(s->ptr, n);
	s->ptr += n;
	s->len -= n;
	return t;
}

static int too_long(struct pare_error *err)
{
	return pare_error_set(err, -PARE_E_TOO_BIG, "WWW-Authenticate: value longer than %d bytes",
			      PARE_AUTH_PARAM_MAX);
}

/* A bare value or a quoted string (with \-escapes) into out
 * (PARE_AUTH_PARAM_MAX + 1 bytes). */
static int take_value(struct pare_slice *s, char *out, struct pare_error *err)
{
	size_t n = 0;
	if (s->len == 0 || s->ptr[0] != '"') {
		struct pare_slice t = take_bare(s);
		if (t.len > PARE_AUTH_PARAM_MAX)
			return too_long(err);
		memcpy(out, t.ptr, t.len);
		out[t.len] = '\0';
		return 0;
	}
	size_t i = 1;
	for (; i < s->len && s->ptr[i] != '"'; i++) {
		if (s->ptr[i] == '\\' && i + 1 < s->len)
			i++;
		if ((unsigned char)s->ptr[i] < 0x20 && s->ptr[i] != '\t')
			return pare_error_set(err, -PARE_E_FORMAT, "WWW-Authenticate: control "
					      "character in a quoted string");
		if (n == PARE_AUTH_PARAM_MAX)
			return too_long(err);
		out[n++] = s->ptr[i];
	}
	if (i >= s->len)
		return pare_error_set(err, -PARE_E_FORMAT, "WWW-Authenticate: unterminated "
				      "quoted string");
	out[n] = '\0';
	s->ptr += i + 1;
	s->len -= i + 1;
	return 0;
}

static void store_param(struct pare_auth_challenge *ch, struct pare_slice name, const char *v)
{
	char *dst = NULL;
	if (name.len == 5 && strncasecmp(name.ptr, "realm", 5) == 0)
		dst = ch->realm;
	else if (name.len == 7 && strncasecmp(name.ptr, "service", 7) == 0)
		dst = ch->service;
	else if (name.len == 5 && strncasecmp(name.ptr, "scope", 5) == 0)
		dst = ch->scope;
	if (dst)
		memcpy(dst, v, strlen(v) + 1);
}

/* Parameters up to the next challenge (a token not followed by '='). */
static int take_params(struct pare_slice *s, struct pare_auth_challenge *ch,
		       struct pare_error *err)
{
	char value[PARE_AUTH_PARAM_MAX + 1];
	for (;;) {
		skip_set(s, " \t,");
		struct pare_slice save = *s, name = take_token(s);
		skip_ws(s);
		if (name.len == 0 || s->len == 0 || s->ptr[0] != '=') {
			*s = save;
			return name.len == 0 && s->len > 0
				       ? pare_error_set(err, -PARE_E_FORMAT, "WWW-Authenticate: "
							"unexpected '%c'", s->ptr[0])
				       : 0;
		}
		s->ptr++;
		s->len--;
		skip_ws(s);
		int r = take_value(s, value, err);
		if (r < 0)
			return r;
		store_param(ch, name, value);
	}
}

int pare_auth_challenge_next(struct pare_slice *rest, struct pare_auth_challenge *ch,
			     struct pare_error *err)
{
	memset(ch, 0, sizeof(*ch));
	skip_set(rest, " \t,");
	if (rest->len == 0)
		return 0;
	struct pare_slice scheme = take_token(rest);
	if (scheme.len == 0)
		return pare_error_set(err, -PARE_E_FORMAT, "WWW-Authenticate: no scheme at '%.*s'",
				      (int)(rest->len > 40 ? 40 : rest->len), rest->ptr);
	if (scheme.len == 5 && strncasecmp(scheme.ptr, "basic", 5) == 0)
		ch->scheme = PARE_AUTH_BASIC;
	else if (scheme.len == 6 && strncasecmp(scheme.ptr, "bearer", 6) == 0)
		ch->scheme = PARE_AUTH_BEARER;
	skip_ws(rest);
	int r = take_params(rest, ch, err);
	return r < 0 ? r : 1;
}

int pare_auth_token_parse(struct pare_slice body, char **token, struct pare_error *err)
{
	json_error_t jerr;
	json_t *root = json_loadb(body.ptr, body.len, 0, &jerr);
	const char *t = NULL;
	*token = NULL;
	if (root) {
		t = json_string_value(json_object_get(root, "token"));
		if (!t || !t[0])
			t = json_string_value(json_object_get(root, "access_token"));
	}
	int r = 0;
	if (!root)
		r = pare_error_set(err, -PARE_E_FORMAT, "token answer is not JSON: %s", jerr.text);
	else if (!t || !t[0])
		r = pare_error_set(err, -PARE_E_FORMAT, "token answer has no token");
	else if (strlen(t) > PARE_AUTH_TOKEN_MAX)
		r = pare_error_set(err, -PARE_E_TOO_BIG, "token longer than %u bytes",
				   PARE_AUTH_TOKEN_MAX);
	else {
		for (const char *p = t; *p && r == 0; p++)
			if ((unsigned char)*p <= 0x20 || *p == 0x7f)
				r = pare_error_set(err, -PARE_E_FORMAT, "token has a control "
						   "character or a space");
	}
	if (r == 0 && !(*token = strdup(t)))
		r = -ENOMEM;
	json_decref(root);
	return r;
}
