/* docker-archive tarballs from an OCI layout (see oci.h). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "apk/tar.h"
#include "base/buf.h"
#include "base/rootpath.h"
#include "image/oci.h"
#include "image/oci_int.h"
#include "io/atomic.h"
#include "io/stream.h"

#define DA_MAX_LAYERS 256

struct da {
	const char *layout;
	int64_t epoch;
	const char *digests[DA_MAX_LAYERS + 2]; /* manifest, config, layers: into json */
	size_t nblobs;
	const char *config;
	const char *layers[DA_MAX_LAYERS];
	size_t nlayers;
	struct pare_tar_writer tar;
	struct pare_error *err;
};

static int blob_path(const char *layout, const char *digest, char *out, size_t size)
{
	if ((size_t)snprintf(out, size, "%s/blobs/sha256/%s", layout, digest + 7) >= size)
		return -ENAMETOOLONG;
	return 0;
}

static int read_manifest(struct da *d, const struct pare_oci_desc *m, struct pare_buf *b)
{
	char path[PARE_PATH_MAX];
	struct pare_digest_value v;
	char got[PARE_OCI_DIGEST_LEN + 1];
	if (!pare_oci_digest_valid(m->digest) || blob_path(d->layout, m->digest, path, sizeof(path)))
		return pare_error_set(d->err, -EINVAL, "docker archive: bad manifest digest");
	int r = pare_read_file(path, b, d->err);
	if (r < 0)
		return r;
	if (pare_digest_buffer(PARE_DIGEST_SHA256, b->data, b->len, &v) < 0)
		return pare_error_set(d->err, -PARE_E_CRYPTO, "docker archive: SHA-256 failed");
	pare_oci_digest_string(&v, got);
	if (strcmp(got, m->digest) != 0)
		return pare_error_set(d->err, -PARE_E_INTEGRITY, "%s: content is %s", path, got);
	return 0;
}

static const char *desc_digest(struct da *d, json_t *desc, const char *what)
{
	const char *s = json_string_value(json_object_get(desc, "digest"));
	if (!pare_oci_digest_valid(s)) {
		pare_error_set(d->err, -PARE_E_FORMAT, "docker archive: manifest: bad %s digest",
			       what);
		return NULL;
	}
	return s;
}

static int add_blob(struct da *d, const char *digest)
{
	for (size_t i = 0; i < d->nblobs; i++)
		if (!strcmp(d->digests[i], digest))
			return 0;
	d->digests[d->nblobs++] = digest;
	return 0;
}

static int parse_manifest(struct da *d, json_t *root, const char *manifest_digest)
{
	json_t *layers = json_object_get(root, "layers");
	if (!json_is_array(layers) || json_array_size(layers) > DA_MAX_LAYERS)
		return pare_error_set(d->err, -PARE_E_FORMAT,
				      "docker archive: manifest: bad or too many layers");
	d->config = desc_digest(d, json_object_get(root, "config"), "config");
	if (!d->config)
		return -PARE_E_FORMAT;
	add_blob(d, manifest_digest);
	add_blob(d, d->config);
	for (size_t i = 0; i < json_array_size(layers); i++) {
		const char *l = desc_digest(d, json_array_get(layers, i), "layer");
		if (!l)
			return -PARE_E_FORMAT;
		d->layers[d->nlayers++] = l;
		add_blob(d, l);
	}
	return 0;
}

static void header_for(struct da *d, struct pare_tar_header *h, const char *name, char type,
		       uint64_t size)
{
	memset(h, 0, sizeof(*h));
	h->name = pare_slice_from(name);
	h->type = type;
	h->mode = type == PARE_TAR_DIR ? 0755 : 0644;
	h->mtime = d->epoch < 0 ? 0 : d->epoch;
	h->size = size;
}

static int put_bytes(struct da *d, const char *name, const void *p, size_t n)
{
	struct pare_tar_header h;
	header_for(d, &h, name, PARE_TAR_REG, n);
	int r = pare_tar_write_entry_header(&d->tar, &h, d->err);
	if (r == 0)
		r = pare_tar_write_data(&d->tar, p, n, d->err);
	return r == 0 ? pare_tar_finish_entry(&d->tar, d->err) : r;
}

static int copy_blob_data(struct da *d, int fd, uint64_t size, struct pare_digest *sha,
			  const char *path)
{
	unsigned char buf[65536];
	while (size > 0) {
		ssize_t n = pare_read_some(fd, buf, size < sizeof(buf) ? (size_t)size : sizeof(buf));
		if (n <= 0)
			return pare_error_set(d->err, n < 0 ? (int)n : -PARE_E_TRUNCATED,
					      "%s: read failed", path);
		pare_digest_update(sha, buf, (size_t)n);
		int r = pare_tar_write_data(&d->tar, buf, (size_t)n, d->err);
		if (r < 0)
			return r;
		size -= (uint64_t)n;
	}
	return pare_tar_finish_entry(&d->tar, d->err);
}

/* One blob, checked against its digest while it is copied. */
static int put_blob(struct da *d, const char *digest)
{
	char path[PARE_PATH_MAX], name[96], got[PARE_OCI_DIGEST_LEN + 1];
	struct pare_tar_header h;
	struct pare_digest sha = { 0 };
	struct pare_digest_value v;
	struct stat st;
	if (blob_path(d->layout, digest, path, sizeof(path)) < 0)
		return pare_error_set(d->err, -ENAMETOOLONG, "%s: path too long", d->layout);
	snprintf(name, sizeof(name), "blobs/sha256/%s", digest + 7);
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		int e = fd < 0 ? errno : EINVAL;
		if (fd >= 0)
			close(fd);
		return pare_error_set(d->err, -e, "%s: %s", path, strerror(e));
	}
	header_for(d, &h, name, PARE_TAR_REG, (uint64_t)st.st_size);
	int r = pare_digest_init(&sha, PARE_DIGEST_SHA256) < 0 ? -PARE_E_CRYPTO : 0;
	if (r == 0)
		r = pare_tar_write_entry_header(&d->tar, &h, d->err);
	if (r == 0)
		r = copy_blob_data(d, fd, (uint64_t)st.st_size, &sha, path);
	close(fd);
	if (r == 0 && pare_digest_final(&sha, &v) < 0)
		r = -PARE_E_CRYPTO;
	pare_digest_release(&sha);
	if (r == 0) {
		pare_oci_digest_string(&v, got);
		if (strcmp(got, digest) != 0)
			r = pare_error_set(d->err, -PARE_E_INTEGRITY, "%s: content is %s", path, got);
	}
	return r;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int manifest_list_json(struct da *d, const char *repo_tag, char **out, size_t *len)
{
	struct jb b = { 0 };
	char path[96];
	json_t *root = json_array(), *m = json_object(), *tags = json_array(),
	       *layers = json_array();
	snprintf(path, sizeof(path), "blobs/sha256/%s", d->config + 7);
	jb_set(&b, m, "Config", jb_str(&b, path));
	if (repo_tag)
		jb_push(&b, tags, jb_str(&b, repo_tag));
	jb_set(&b, m, "RepoTags", tags);
	for (size_t i = 0; i < d->nlayers; i++) {
		snprintf(path, sizeof(path), "blobs/sha256/%s", d->layers[i] + 7);
		jb_push(&b, layers, jb_str(&b, path));
	}
	jb_set(&b, m, "Layers", layers);
	jb_push(&b, root, m);
	return jb_dump(&b, root, JSON_COMPACT, out, len, d->err, "docker archive manifest.json");
}

/* The tag of "name:tag" (what OCI tools expect in ref.name), else NULL. */
static const char *tag_part(const char *repo_tag)
{
	const char *c = repo_tag ? strrchr(repo_tag, ':') : NULL;
	return c && c[1] && !strchr(c, '/') ? c + 1 : NULL;
}

static int write_meta_files(struct da *d, const struct pare_oci_desc *m, const char *repo_tag)
{
	static const char layout[] = "{\"imageLayoutVersion\":\"1.0.0\"}";
	char *json = NULL;
	size_t len;
	struct pare_oci_desc plain = *m;
	plain.arch[0] = '\0';
	int r = pare_oci_index_json(&plain, 1, tag_part(repo_tag), NULL, 0, false, &json, &len,
				    d->err);
	if (r == 0)
		r = put_bytes(d, "index.json", json, len);
	free(json);
	json = NULL;
	if (r == 0)
		r = manifest_list_json(d, repo_tag, &json, &len);
	if (r == 0)
		r = put_bytes(d, "manifest.json", json, len);
	free(json);
	if (r == 0)
		r = put_bytes(d, "oci-layout", layout, sizeof(layout) - 1);
	return r;
}

static int write_archive(struct da *d, const struct pare_oci_desc *m, const char *repo_tag)
{
	struct pare_tar_header h;
	header_for(d, &h, "blobs/", PARE_TAR_DIR, 0);
	int r = pare_tar_write_entry_header(&d->tar, &h, d->err);
	header_for(d, &h, "blobs/sha256/", PARE_TAR_DIR, 0);
	if (r == 0)
		r = pare_tar_write_entry_header(&d->tar, &h, d->err);
	qsort(d->digests, d->nblobs, sizeof(d->digests[0]), cmp_str);
	for (size_t i = 0; r == 0 && i < d->nblobs; i++)
		r = put_blob(d, d->digests[i]);
	if (r == 0)
		r = write_meta_files(d, m, repo_tag);
	if (r == 0)
		r = pare_tar_write_end(&d->tar, d->err);
	return r;
}

int pare_oci_write_docker_archive(const char *layout_dir, const struct pare_oci_desc *manifest,
				  const char *repo_tag, int64_t epoch, const char *out_path,
				  struct pare_error *err)
{
	struct da d = { .layout = layout_dir, .epoch = epoch, .err = err };
	struct pare_buf b;
	struct pare_atomic_file f;
	json_error_t je;
	json_t *root = NULL;
	pare_buf_init(&b, PARE_OCI_MAX_JSON);
	int r = read_manifest(&d, manifest, &b);
	if (r == 0 && !(root = json_loadb(b.data, b.len, JSON_REJECT_DUPLICATES, &je)))
		r = pare_error_set(err, -PARE_E_FORMAT, "docker archive: manifest: %s", je.text);
	if (r == 0)
		r = parse_manifest(&d, root, manifest->digest);
	if (r == 0)
		r = pare_atomic_open(&f, out_path, 0644, err);
	if (r == 0) {
		pare_tar_writer_init(&d.tar, &f.out);
		r = write_archive(&d, manifest, repo_tag);
		if (r == 0)
			r = pare_atomic_commit(&f, err);
		pare_atomic_abort(&f);
		pare_tar_writer_release(&d.tar);
	}
	json_decref(root);
	pare_buf_release(&b);
	return r;
}
