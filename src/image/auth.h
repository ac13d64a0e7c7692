/* Registry credentials and authentication challenges.
 *
 * Credentials come from a docker config.json: `auths.<KEY>.auth` is
 * base64("user:password") (or `username` and `password` fields).  KEY is
 * matched against a registry host after dropping a scheme and a path
 * ("https://index.docker.io/v1/" matches docker.io and
 * registry-1.docker.io, "http://127.0.0.1:5000" matches 127.0.0.1:5000).
 * Credential helpers (credsStore, credHelpers) and identity tokens are
 * not supported: such entries give no credentials.
 *
 * Challenges are WWW-Authenticate values (RFC 7235): a scheme and
 * comma-separated name=value parameters (tokens or quoted strings), and
 * several challenges may share one header.  Registries send
 * `Basic realm="..."` or `Bearer realm="URL",service="...",scope="..."`.
 *
 * Bounds: config.json at most PARE_AUTH_CONFIG_MAX bytes; parameter values
 * at most PARE_AUTH_PARAM_MAX bytes; tokens at most PARE_AUTH_TOKEN_MAX.
 *
 * Ownership: a pare_auth_config owns its parsed JSON and path copy; a
 * pare_auth_cred owns its strings and wipes the password when released.
 * Every release function accepts NULL and zeroed structs.
 */
#ifndef PARE_IMAGE_AUTH_H
#define PARE_IMAGE_AUTH_H

#include <stdbool.h>

#include "base/error.h"
#include "base/slice.h"

#define PARE_AUTH_CONFIG_MAX (1u << 20)
#define PARE_AUTH_PARAM_MAX 1024
#define PARE_AUTH_TOKEN_MAX (64u * 1024u)

struct pare_auth_config {
	void *json;  /* json_t *, NULL when no file was found */
	char *path;  /* the file read (or looked for), for messages; may be NULL */
};

struct pare_auth_cred {
	char *user;
	char *pass;
};

/* Read path (it must exist).  With path NULL, read $DOCKER_CONFIG/config.json
 * or else $HOME/.docker/config.json, and a missing file means "no
 * credentials" (c->json NULL, return 0). */
int pare_auth_config_load(struct pare_auth_config *c, const char *path, struct pare_error *err);
void pare_auth_config_release(struct pare_auth_config *c);

/* Credentials for host ("127.0.0.1:5000", "docker.io"): 1 and *cred filled
 * when found, 0 when none, negative for a malformed entry. */
int pare_auth_lookup(const struct pare_auth_config *c, const char *host,
		     struct pare_auth_cred *cred, struct pare_error *err);
void pare_auth_cred_release(struct pare_auth_cred *cred);

/* "Authorization: Basic <base64(user:pass)>", malloc'ed into *line. */
int pare_auth_basic_header(const struct pare_auth_cred *cred, char **line);

enum pare_auth_scheme {
	PARE_AUTH_OTHER = 0, /* a scheme pare does not speak */
	PARE_AUTH_BASIC,
	PARE_AUTH_BEARER,
};

struct pare_auth_challenge {
	enum pare_auth_scheme scheme;
	char realm[PARE_AUTH_PARAM_MAX + 1];   /* "" when absent */
	char service[PARE_AUTH_PARAM_MAX + 1];
	char scope[PARE_AUTH_PARAM_MAX + 1];
};

/* Parse the next challenge of a WWW-Authenticate value from *rest (which
 * advances past it).  Returns 1 with *ch filled, 0 when nothing is left,
 * -PARE_E_FORMAT or -PARE_E_TOO_BIG for a malformed or oversized one. */
int pare_auth_challenge_next(struct pare_slice *rest, struct pare_auth_challenge *ch,
			     struct pare_error *err);

/* The token of a token server's JSON answer ("token", else
 * "access_token"), malloc'ed into *token. */
int pare_auth_token_parse(struct pare_slice body, char **token, struct pare_error *err);

#endif
