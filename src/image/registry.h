/* Pushing an OCI image layout to a registry (OCI distribution spec).
 *
 * pare_registry_push_layout() reads a layout written by pare (oci-layout,
 * index.json, blobs/sha256/...) and pushes what index.json points at: one
 * image manifest, or an image index and then each manifest it lists.  For
 * every manifest, the config and layer blobs go first:
 *
 *   HEAD /v2/NAME/blobs/DIGEST          200: the registry has it, skipped
 *   POST /v2/NAME/blobs/uploads/        202 + Location
 *   PUT  LOCATION?digest=DIGEST         201 (the whole blob, one request)
 *
 * then PUT /v2/NAME/manifests/REFERENCE with the manifest's media type as
 * Content-Type; children of an index are put by digest, the top one by the
 * reference's tag (or digest).
 *
 * Trust: nothing in the layout is taken on faith.  Every digest must be
 * sha256:<64 hex> before it names a file (blobs are opened with O_NOFOLLOW
 * inside blobs/sha256 and must be regular files of the declared size);
 * manifests and indexes are read whole (at most PARE_OCI_MAX_JSON bytes)
 * and checked against their digest before they are parsed or sent; blobs
 * are hashed while they stream to the registry and the upload is aborted
 * before its last byte when the hash does not match.  A
 * Docker-Content-Digest answer that differs from what was sent is an
 * error.
 *
 * Transport: https, or plain http for localhost, 127.0.0.0/8 and [::1]
 * or with opts->insecure.  Registry answers are bounded (1 MiB), time is
 * bounded by opts->http's timeouts, transient failures are retried as
 * pare_http_call() does.
 *
 * Authentication: GET /v2/ first; on 401 the WWW-Authenticate challenge
 * decides: Basic sends the credentials of the registry's host from the
 * docker config (see auth.h); Bearer fetches a token from the realm
 * (service, scope repository:NAME:pull,push, plus the challenge's own
 * scope), with those credentials as Basic when there are any.  A later
 * 401 (an expired token) authenticates again once per request.
 *
 * Errors are one line naming the reference, the step, the URL (without
 * its query) and the registry's answer, e.g. "127.0.0.1:5000/test:v1: PUT
 * manifest http://127.0.0.1:5000/v2/test/manifests/v1: HTTP 400
 * MANIFEST_INVALID: manifest invalid".  Codes: -EACCES (401, 403),
 * -PARE_E_NOT_FOUND (404), -EIO (other statuses), -PARE_E_INTEGRITY (a
 * digest mismatch), -PARE_E_FORMAT (a malformed layout, reference or
 * answer), and the transport's codes (see http.h).
 *
 * Logging (opts->log, verbose level): one line per blob and manifest,
 * "blob sha256:...: exists" or "blob sha256:...: pushed (N bytes)" and
 * "manifest sha256:...: pushed".
 */
#ifndef PARE_IMAGE_REGISTRY_H
#define PARE_IMAGE_REGISTRY_H

#include <stdbool.h>
#include <stdint.h>

#include "base/error.h"
#include "base/log.h"
#include "image/oci.h"
#include "io/http.h"

#define PARE_REGISTRY_REPLY_MAX (1u << 20) /* bound on every registry answer */

struct pare_registry_opts {
	const char *config_path;           /* docker config.json; NULL: the default (auth.h) */
	bool insecure;                     /* plain http to any host */
	const struct pare_http_opts *http; /* timeouts, retries, CA, progress; NULL: defaults */
	const struct pare_log *log;        /* per-blob lines; may be NULL */
};

struct pare_registry_push_result {
	char digest[PARE_OCI_DIGEST_LEN + 1]; /* what REF now names: "sha256:<hex>" */
	char media_type[128];                 /* its media type */
	unsigned blobs_pushed, blobs_existing;
	unsigned manifests;                   /* manifests and indexes put */
	uint64_t bytes_pushed;                /* blob bytes uploaded */
};

/* Push the image(s) of the layout at layout_dir to ref (see image/ref.h).
 * When index.json lists several images, the one whose
 * org.opencontainers.image.ref.name is ref's tag is pushed.  When ref has
 * a digest it must be the digest of what is pushed.  res may be NULL. */
int pare_registry_push_layout(const char *layout_dir, const char *ref,
			      const struct pare_registry_opts *opts,
			      struct pare_registry_push_result *res, struct pare_error *err);

#endif
