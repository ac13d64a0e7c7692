/* Sigstore signatures of images (see cosign.h). */
#include "image/cosign.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "image/oci.h"
#include "image/oci_int.h"
#include "io/digest.h"

int pare_cosign_tag(const char *digest, char *out, size_t n)
{
	if (!pare_oci_digest_valid(digest))
		return -EINVAL;
	int k = snprintf(out, n, "sha256-%s.sig", digest + 7);
	return k < 0 || (size_t)k >= n ? -ENAMETOOLONG : 0;
}

int pare_cosign_payload(const char *repo, const char *digest, char **out, size_t *len,
			struct pare_error *err)
{
	struct jb b = { 0 };
	if (!pare_oci_digest_valid(digest))
		return pare_error_set(err, -EINVAL, "sign: '%s' is not sha256:<hex>", digest);
	json_t *doc = json_object(), *crit = json_object(), *id = json_object(),
	       *img = json_object();
	jb_set(&b, id, "docker-reference", jb_str(&b, repo));
	jb_set(&b, img, "docker-manifest-digest", jb_str(&b, digest));
	jb_set(&b, crit, "identity", id);
	jb_set(&b, crit, "image", img);
	jb_set(&b, crit, "type", jb_str(&b, "cosign container image signature"));
	jb_set(&b, doc, "critical", crit);
	jb_set(&b, doc, "optional", json_null());
	return jb_dump(&b, doc, JSON_COMPACT, out, len, err, "sign payload");
}

/* base64 of RSA PKCS#1 v1.5 / SHA-256 over p. */
static int sign_b64(struct pare_privkey *key, const char *p, size_t n, char **out,
		    struct pare_error *err)
{
	struct pare_digest_value d;
	struct pare_buf sig;
	pare_buf_init(&sig, 8192);
	int r = pare_digest_buffer(PARE_DIGEST_SHA256, p, n, &d);
	if (r < 0)
		return pare_error_set(err, r, "sign: sha256 failed");
	r = pare_privkey_sign(key, PARE_DIGEST_SHA256, &d, &sig, err);
	if (r == 0 && !(*out = malloc(sig.len * 4 / 3 + 8)))
		r = pare_error_set(err, -ENOMEM, "out of memory");
	if (r == 0)
		(*out)[pare_base64_encode((const unsigned char *)sig.data, sig.len, *out)] = '\0';
	pare_buf_release(&sig);
	return r;
}

/* The signature manifest: config + the payload layer with its annotation. */
static int manifest(struct pare_oci_layout *l, const struct pare_oci_desc *payload,
		    const char *sig, struct pare_oci_desc *out, struct pare_error *err)
{
	struct jb b = { 0 };
	struct pare_oci_desc cfg;
	char *json = NULL;
	size_t len;
	json_t *c = json_object(), *rootfs = json_object(), *ids = json_array();
	jb_set(&b, c, "architecture", jb_str(&b, ""));
	jb_set(&b, c, "os", jb_str(&b, ""));
	jb_set(&b, c, "config", json_object());
	jb_set(&b, rootfs, "type", jb_str(&b, "layers"));
	jb_push(&b, ids, jb_str(&b, payload->digest));
	jb_set(&b, rootfs, "diff_ids", ids);
	jb_set(&b, c, "rootfs", rootfs);
	int r = jb_dump(&b, c, JSON_COMPACT, &json, &len, err, "sign config");
	if (r == 0)
		r = pare_oci_put_blob(l, json, len, PARE_OCI_MT_CONFIG, &cfg, err);
	free(json);
	json = NULL;
	if (r < 0)
		return r;
	json_t *m = json_object(), *layers = json_array(), *layer, *ann = json_object();
	jb_set(&b, m, "schemaVersion", json_integer(2));
	jb_set(&b, m, "mediaType", jb_str(&b, PARE_OCI_MT_MANIFEST));
	jb_set(&b, m, "config", jb_desc(&b, &cfg, NULL));
	layer = jb_desc(&b, payload, NULL);
	jb_set(&b, ann, PARE_COSIGN_ANNOTATION, jb_str(&b, sig));
	jb_set(&b, layer, "annotations", ann);
	jb_push(&b, layers, layer);
	jb_set(&b, m, "layers", layers);
	r = jb_dump(&b, m, JSON_COMPACT, &json, &len, err, "sign manifest");
	if (r == 0)
		r = pare_oci_put_blob(l, json, len, PARE_OCI_MT_MANIFEST, out, err);
	free(json);
	return r;
}

int pare_cosign_layout(const char *dir, const char *repo, const char *digest,
		       struct pare_privkey *key, struct pare_error *err)
{
	struct pare_oci_layout l = { .blobfd = -1 };
	struct pare_oci_desc payload, m;
	char *text = NULL, *sig = NULL, tag[96];
	size_t len;
	int r = pare_cosign_tag(digest, tag, sizeof(tag));
	if (r < 0)
		return pare_error_set(err, r, "sign: '%s' is not sha256:<hex>", digest);
	r = pare_cosign_payload(repo, digest, &text, &len, err);
	if (r == 0)
		r = sign_b64(key, text, len, &sig, err);
	if (r == 0)
		r = pare_oci_layout_open(&l, dir, err);
	if (r == 0)
		r = pare_oci_put_blob(&l, text, len, PARE_COSIGN_MT_PAYLOAD, &payload, err);
	if (r == 0)
		r = manifest(&l, &payload, sig, &m, err);
	if (r == 0)
		r = pare_oci_write_index(&l, &m, 1, tag, NULL, 0, NULL, err);
	pare_oci_layout_close(&l);
	free(text);
	free(sig);
	return r;
}
