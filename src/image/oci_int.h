/* Internal to src/image: JSON building helpers shared by the OCI, docker
 * archive and SBOM writers.
 *
 * A struct jb carries one sticky error: helpers never fail by themselves
 * but record the first problem (-ENOMEM, or -PARE_E_FORMAT for a string
 * that is not valid UTF-8) and jb_dump reports it.  Objects keep keys in
 * insertion order (jansson >= 2.8), so building in a fixed order gives
 * fixed bytes.
 */
#ifndef PARE_IMAGE_OCI_INT_H
#define PARE_IMAGE_OCI_INT_H

#include <jansson.h>
#include <stdbool.h>

#include "image/oci.h"

struct jb {
	int rc;
};

json_t *jb_str(struct jb *b, const char *s);
/* Set o[key] = v, taking v (NULL v records an error). */
void jb_set(struct jb *b, json_t *o, const char *key, json_t *v);
void jb_push(struct jb *b, json_t *arr, json_t *v);
json_t *jb_strings(struct jb *b, const char *const *v, size_t n);
/* An object of kv sorted by key. */
json_t *jb_map(struct jb *b, const struct pare_image_kv *kv, size_t n);
/* Descriptor object; ref_name adds the ref.name annotation; a non-empty
 * d->arch adds the platform. */
json_t *jb_desc(struct jb *b, const struct pare_oci_desc *d, const char *ref_name);
/* Serialise root with jansson flags and free it; *out is malloc'ed. */
int jb_dump(struct jb *b, json_t *root, size_t flags, char **out, size_t *len,
	    struct pare_error *err, const char *what);

int pare_oci_write_file(const char *path, const void *p, size_t n, struct pare_error *err);
/* index.json-style JSON listing m[0..n) (platforms only when asked). */
int pare_oci_index_json(const struct pare_oci_desc *m, size_t n, const char *ref_name,
			const struct pare_image_kv *annotations, size_t nannotations,
			bool platforms, char **json, size_t *len, struct pare_error *err);

#endif
