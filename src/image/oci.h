/* OCI image layouts and docker-archive tarballs.
 *
 * A layout directory holds `oci-layout`, `index.json` and
 * `blobs/sha256/<hex>`.  Blobs are content-addressed and each is written
 * to a temporary name (O_EXCL) in blobs/sha256, fsynced and renamed into
 * place; index.json and oci-layout are replaced atomically too, so a
 * reader never sees a partial file.
 *
 * One image = a config blob (application/vnd.oci.image.config.v1+json)
 * and a manifest blob (application/vnd.oci.image.manifest.v1+json) whose
 * layers are application/vnd.oci.image.layer.v1.tar+gzip.  index.json
 * lists the one manifest, or, for several (one per architecture), an image
 * index blob (application/vnd.oci.image.index.v1+json) that lists them
 * with their platforms.  The ref name (a tag) goes into index.json as
 * org.opencontainers.image.ref.name.
 *
 * Determinism: JSON is compact, object keys in a fixed order (maps such as
 * labels and annotations sorted by key), arrays in the caller's order,
 * `created` is the given epoch as RFC 3339.  The same inputs give the same
 * bytes and digests.
 *
 * Ownership: descriptors are plain values; a layout owns its path copy and
 * directory descriptors (pare_oci_layout_close).
 */
#ifndef PARE_IMAGE_OCI_H
#define PARE_IMAGE_OCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "image/config.h"
#include "image/layer.h"

#define PARE_OCI_MT_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define PARE_OCI_MT_INDEX "application/vnd.oci.image.index.v1+json"
#define PARE_OCI_MT_CONFIG "application/vnd.oci.image.config.v1+json"
#define PARE_OCI_MT_LAYER_GZIP "application/vnd.oci.image.layer.v1.tar+gzip"
#define PARE_OCI_REF_NAME "org.opencontainers.image.ref.name"

#define PARE_OCI_DIGEST_LEN (7 + 64) /* "sha256:" + hex */
#define PARE_OCI_MAX_JSON (4u * 1024u * 1024u) /* manifests, configs read back */

struct pare_oci_desc {
	const char *media_type;                 /* one of the PARE_OCI_MT_* */
	char digest[PARE_OCI_DIGEST_LEN + 1];   /* "sha256:<hex>" */
	uint64_t size;
	char arch[32], variant[16], os[16];     /* platform, for manifests; "" if none */
};

struct pare_oci_layer {
	struct pare_oci_desc blob;            /* the gzip blob */
	char diff_id[PARE_OCI_DIGEST_LEN + 1]; /* "sha256:<hex>" of the tar */
	const char *created_by;               /* history entry; NULL: "pare" */
};

/* The image configuration and manifest annotations of one image. */
struct pare_oci_image {
	const char *architecture; /* OCI name: "amd64", "arm64", "arm" */
	const char *variant;      /* "v7" or NULL */
	const char *os;           /* NULL: "linux" */
	int64_t created;          /* SOURCE_DATE_EPOCH; < 0 means 0 */
	const char *author;       /* NULL: none */
	const char *const *entrypoint;
	size_t nentrypoint;       /* 0: no Entrypoint */
	const char *const *cmd;
	size_t ncmd;              /* 0: no Cmd */
	const char *const *env;   /* "KEY=VALUE", written in this order */
	size_t nenv;
	const char *working_dir, *user, *stop_signal; /* NULL or "": omitted */
	const char *const *volumes;
	size_t nvolumes;
	const struct pare_image_kv *labels;      /* config.Labels */
	size_t nlabels;
	const struct pare_image_kv *annotations; /* manifest annotations */
	size_t nannotations;
};

struct pare_oci_layout {
	char *path;
	int blobfd; /* blobs/sha256 */
};

/* Create (or reuse) the layout directory and write oci-layout. */
int pare_oci_layout_open(struct pare_oci_layout *l, const char *dir, struct pare_error *err);
void pare_oci_layout_close(struct pare_oci_layout *l);

/* Store bytes as a blob; fills d (no platform). */
int pare_oci_put_blob(struct pare_oci_layout *l, const void *p, size_t n,
		      const char *media_type, struct pare_oci_desc *d, struct pare_error *err);

/* Copy the blob read from fd into the layout as blobs/sha256/<hex of
 * digest>; its content must have that digest (-PARE_E_INTEGRITY). */
int pare_oci_copy_blob(struct pare_oci_layout *l, int fd, const char *digest,
		       struct pare_error *err);
/* Write a layer of opts->root straight into the layout. */
int pare_oci_add_layer(struct pare_oci_layout *l, const struct pare_layer_opts *opts,
		       struct pare_oci_layer *out, struct pare_layer_info *info,
		       struct pare_error *err);

/* Render the image config JSON (for tests and the docker archive). */
int pare_oci_config_json(const struct pare_oci_image *img, const struct pare_oci_layer *layers,
			 size_t nlayers, char **json, size_t *len, struct pare_error *err);

/* Write config and manifest blobs; *manifest gets the manifest descriptor
 * with the image's platform. */
int pare_oci_write_image(struct pare_oci_layout *l, const struct pare_oci_image *img,
			 const struct pare_oci_layer *layers, size_t nlayers,
			 struct pare_oci_desc *manifest, struct pare_error *err);

/* Write index.json for these manifests (see above); ref_name may be NULL.
 * *top (may be NULL) gets what index.json points at: the manifest, or the
 * image index blob when n > 1. */
int pare_oci_write_index(struct pare_oci_layout *l, const struct pare_oci_desc *manifests,
			 size_t n, const char *ref_name, const struct pare_image_kv *annotations,
			 size_t nannotations, struct pare_oci_desc *top, struct pare_error *err);

/* A docker-archive tarball (`docker load`, `podman load`,
 * `skopeo copy docker-archive:`) of one image of the layout: manifest.json
 * ([{"Config","RepoTags","Layers"}]) plus the blobs it names under
 * blobs/sha256/, and oci-layout + index.json, so the same file is also an
 * OCI archive.  repo_tag ("name:tag") may be NULL.  Entries are sorted,
 * owned 0:0, mode 0644/0755, mtime = epoch.  Written atomically. */
int pare_oci_write_docker_archive(const char *layout_dir, const struct pare_oci_desc *manifest,
				  const char *repo_tag, int64_t epoch, const char *out_path,
				  struct pare_error *err);

/* Whether digest is "sha256:" + 64 lowercase hex digits. */
bool pare_oci_digest_valid(const char *digest);

/* "sha256:<hex>" of a digest value. */
void pare_oci_digest_string(const struct pare_digest_value *v,
			    char out[PARE_OCI_DIGEST_LEN + 1]);

/* RFC 3339 UTC ("1970-01-01T00:00:00Z"); out holds 32 bytes. */
void pare_oci_rfc3339(int64_t epoch, char out[32]);

#endif
