/* Image references in docker's syntax: [HOST[:PORT]/]NAME[:TAG][@DIGEST].
 *
 * HOST is the first path component when it holds a '.' or a ':' or is
 * "localhost" (an IPv6 address goes in brackets: "[::1]:5000"); otherwise
 * the reference is on docker.io and a one-component name gets "library/"
 * ("alpine" is docker.io/library/alpine).  NAME is lowercase path
 * components [a-z0-9]+ joined by '.', '_', '__' or runs of '-', separated
 * by '/', at most 255 bytes with the host.  TAG is [A-Za-z0-9_][A-Za-z0-9_.-]
 * up to 128 bytes; DIGEST is ALGO:HEX (sha256 must be 64 lowercase hex
 * digits).  Without TAG and DIGEST the tag is "latest".
 *
 * Invariants after a successful parse: every field is NUL-terminated and
 * valid as above; host and name are never empty; tag is empty only when a
 * digest was given.  The struct owns no memory.
 */
#ifndef PARE_IMAGE_REF_H
#define PARE_IMAGE_REF_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"

#define PARE_REF_NAME_MAX 255  /* host + "/" + name */
#define PARE_REF_TAG_MAX 128
#define PARE_REF_DIGEST_MAX 160
#define PARE_REF_DOCKER_HUB "docker.io"

struct pare_image_ref {
	char host[PARE_REF_NAME_MAX + 1];       /* "127.0.0.1:5000", "docker.io" */
	char name[PARE_REF_NAME_MAX + 1];       /* "test", "library/alpine" */
	char tag[PARE_REF_TAG_MAX + 1];         /* "latest" by default; "" with a digest only */
	char digest[PARE_REF_DIGEST_MAX + 1];   /* "" or "sha256:<hex>" */
};

/* Parse text; -PARE_E_FORMAT with a message naming the bad part. */
int pare_image_ref_parse(const char *text, struct pare_image_ref *ref, struct pare_error *err);

/* The host the registry API answers on: "registry-1.docker.io" for
 * docker.io, else ref->host. */
const char *pare_image_ref_api_host(const struct pare_image_ref *ref);

/* Whether the host is this machine (localhost, 127.0.0.0/8, [::1]), where
 * plain HTTP is used without --insecure, as docker does. */
bool pare_image_ref_is_local(const struct pare_image_ref *ref);

/* What a manifest is stored under: the tag, or the digest when there is
 * no tag. */
const char *pare_image_ref_reference(const struct pare_image_ref *ref);

/* "HOST/NAME[:TAG][@DIGEST]" into out; -ENAMETOOLONG if it does not fit. */
int pare_image_ref_format(const struct pare_image_ref *ref, char *out, size_t size);

#endif
