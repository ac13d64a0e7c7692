/* Sigstore ("cosign") signatures of images, in the layout that cosign
 * writes and containers/image (skopeo, podman) verifies with a policy of
 * type sigstoreSigned:
 *
 *   payload   the simple-signing JSON
 *             {"critical":{"identity":{"docker-reference":REPO},
 *                          "image":{"docker-manifest-digest":DIGEST},
 *                          "type":"cosign container image signature"},
 *              "optional":null}
 *   signature RSA PKCS#1 v1.5 over SHA-256 of the payload bytes, base64
 *   manifest  an OCI image manifest whose one layer is the payload
 *             (mediaType application/vnd.dev.cosign.simplesigning.v1+json)
 *             annotated dev.cosignproject.cosign/signature = the signature;
 *             its config a small OCI config whose rootfs names the payload
 *   tag       sha256-<hex of DIGEST>.sig in REPO
 *
 * REPO is the repository without tag or digest ("127.0.0.1:5000/app"), as
 * cosign writes it; a policy matches it with signedIdentity
 * matchRepository (or matchRepoDigestOrExact for digest references).
 *
 * pare_cosign_layout writes these into an OCI layout directory (its
 * index.json naming the manifest with ref name = the tag), ready for
 * pare_registry_push_layout(dir, "REPO:<tag>").  Deterministic: the same
 * key, repository and digest give the same bytes.
 */
#ifndef PARE_IMAGE_COSIGN_H
#define PARE_IMAGE_COSIGN_H

#include <stddef.h>

#include "apk/sign.h"
#include "base/error.h"

#define PARE_COSIGN_MT_PAYLOAD "application/vnd.dev.cosign.simplesigning.v1+json"
#define PARE_COSIGN_ANNOTATION "dev.cosignproject.cosign/signature"

/* "sha256-<hex>.sig" for digest "sha256:<hex>" (out holds 80 bytes). */
int pare_cosign_tag(const char *digest, char *out, size_t n);

/* The payload (malloc'ed, no trailing newline). */
int pare_cosign_payload(const char *repo, const char *digest, char **out, size_t *len,
			struct pare_error *err);

/* Write the signature of digest for repo, signed with key, as an OCI
 * layout in dir (created; must be empty or absent). */
int pare_cosign_layout(const char *dir, const char *repo, const char *digest,
		       struct pare_privkey *key, struct pare_error *err);

#endif
