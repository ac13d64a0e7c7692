/* OCI image layouts: blobs, image config, manifest, index (see oci.h). */
#include "image/oci.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/rootpath.h"
#include "image/oci_int.h"
#include "io/atomic.h"
#include "io/stream.h"

/* ---- small formats ---- */

void pare_oci_digest_string(const struct pare_digest_value *v,
			    char out[PARE_OCI_DIGEST_LEN + 1])
{
	memcpy(out, "sha256:", 7);
	pare_hex_encode(v->bytes, 32, out + 7);
}

void pare_oci_rfc3339(int64_t epoch, char out[32])
{
	struct tm tm;
	time_t t = (time_t)(epoch < 0 ? 0 : epoch);
	if (!gmtime_r(&t, &tm) || strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, 32, "1970-01-01T00:00:00Z");
}

bool pare_oci_digest_valid(const char *d)
{
	if (!d || strncmp(d, "sha256:", 7) != 0 || strlen(d) != PARE_OCI_DIGEST_LEN)
		return false;
	for (const char *p = d + 7; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return false;
	return true;
}

/* ---- JSON building with one sticky error ---- */

json_t *jb_str(struct jb *b, const char *s)
{
	json_t *v = json_string(s ? s : "");
	if (!v && b->rc == 0)
		b->rc = -PARE_E_FORMAT; /* jansson refuses invalid UTF-8 */
	return v;
}

void jb_set(struct jb *b, json_t *o, const char *key, json_t *v)
{
	/* json_object_set_new takes v even when it fails */
	if (json_object_set_new(o, key, v) < 0 && b->rc == 0)
		b->rc = -ENOMEM;
}

void jb_push(struct jb *b, json_t *arr, json_t *v)
{
	if (json_array_append_new(arr, v) < 0 && b->rc == 0)
		b->rc = -ENOMEM;
}

json_t *jb_strings(struct jb *b, const char *const *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		jb_push(b, a, jb_str(b, v[i]));
	return a;
}

static int kv_cmp(const void *a, const void *b)
{
	return strcmp((*(const struct pare_image_kv *const *)a)->key,
		      (*(const struct pare_image_kv *const *)b)->key);
}

json_t *jb_map(struct jb *b, const struct pare_image_kv *kv, size_t n)
{
	const struct pare_image_kv **sorted = malloc((n ? n : 1) * sizeof(*sorted));
	json_t *o = json_object();
	if (!sorted) {
		b->rc = b->rc ? b->rc : -ENOMEM;
		return o;
	}
	for (size_t i = 0; i < n; i++)
		sorted[i] = &kv[i];
	qsort(sorted, n, sizeof(*sorted), kv_cmp);
	for (size_t i = 0; i < n; i++)
		jb_set(b, o, sorted[i]->key, jb_str(b, sorted[i]->value));
	free(sorted);
	return o;
}

int jb_dump(struct jb *b, json_t *root, size_t flags, char **out, size_t *len,
	    struct pare_error *err, const char *what)
{
	*out = NULL;
	if (b->rc == 0 && !root)
		b->rc = -ENOMEM;
	if (b->rc == 0) {
		*out = json_dumps(root, flags);
		if (!*out)
			b->rc = -ENOMEM;
	}
	json_decref(root);
	if (b->rc == -PARE_E_FORMAT)
		return pare_error_set(err, b->rc, "%s: a string is not valid UTF-8", what);
	if (b->rc < 0)
		return pare_error_set(err, b->rc, "%s: out of memory", what);
	*len = strlen(*out);
	return 0;
}

json_t *jb_desc(struct jb *b, const struct pare_oci_desc *d, const char *ref_name)
{
	json_t *o = json_object();
	jb_set(b, o, "mediaType", jb_str(b, d->media_type));
	jb_set(b, o, "digest", jb_str(b, d->digest));
	jb_set(b, o, "size", json_integer((json_int_t)d->size));
	if (ref_name) {
		json_t *a = json_object();
		jb_set(b, a, PARE_OCI_REF_NAME, jb_str(b, ref_name));
		jb_set(b, o, "annotations", a);
	}
	if (d->arch[0]) {
		json_t *p = json_object();
		jb_set(b, p, "architecture", jb_str(b, d->arch));
		jb_set(b, p, "os", jb_str(b, d->os[0] ? d->os : "linux"));
		if (d->variant[0])
			jb_set(b, p, "variant", jb_str(b, d->variant));
		jb_set(b, o, "platform", p);
	}
	return o;
}

/* ---- layout and blobs ---- */

static int make_dir(const char *path, struct pare_error *err)
{
	if (mkdir(path, 0755) == 0 || errno == EEXIST)
		return 0;
	return pare_error_set(err, -errno, "%s: cannot create: %s", path, strerror(errno));
}

int pare_oci_write_file(const char *path, const void *p, size_t n, struct pare_error *err)
{
	struct pare_atomic_file f;
	int r = pare_atomic_open(&f, path, 0644, err);
	if (r < 0)
		return r;
	r = pare_ostream_write(&f.out, p, n, err);
	if (r == 0)
		r = pare_atomic_commit(&f, err);
	pare_atomic_abort(&f);
	return r;
}

static int layout_file(struct pare_oci_layout *l, const char *name, const char *text,
		       size_t len, struct pare_error *err)
{
	char path[PARE_PATH_MAX];
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", l->path, name) >= sizeof(path))
		return pare_error_set(err, -ENAMETOOLONG, "%s: path too long", l->path);
	return pare_oci_write_file(path, text, len, err);
}

int pare_oci_layout_open(struct pare_oci_layout *l, const char *dir, struct pare_error *err)
{
	static const char layout[] = "{\"imageLayoutVersion\":\"1.0.0\"}";
	char path[PARE_PATH_MAX];
	l->blobfd = -1;
	l->path = strdup(dir);
	if (!l->path)
		return -ENOMEM;
	int r = make_dir(dir, err);
	if (r == 0 && (size_t)snprintf(path, sizeof(path), "%s/blobs", dir) >= sizeof(path) - 8)
		r = pare_error_set(err, -ENAMETOOLONG, "%s: path too long", dir);
	if (r == 0)
		r = make_dir(path, err);
	if (r == 0) {
		size_t len = strlen(path);
		memcpy(path + len, "/sha256", 8);
		r = make_dir(path, err);
	}
	if (r == 0 && (l->blobfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		r = pare_error_set(err, -errno, "%s: %s", path, strerror(errno));
	if (r == 0)
		r = layout_file(l, "oci-layout", layout, sizeof(layout) - 1, err);
	return r;
}

void pare_oci_layout_close(struct pare_oci_layout *l)
{
	if (!l)
		return;
	if (l->blobfd >= 0)
		close(l->blobfd);
	l->blobfd = -1;
	free(l->path);
	l->path = NULL;
}

/* A temporary file in blobs/sha256 (its name in tmp[]). */
static int blob_tmp(struct pare_oci_layout *l, char tmp[64], struct pare_error *err)
{
	for (unsigned i = 0; i < 100; i++) {
		snprintf(tmp, 64, ".pare-tmp-%ld-%u-%lx", (long)getpid(), i,
			 (unsigned long)time(NULL));
		int fd = openat(l->blobfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd >= 0 || errno != EEXIST)
			return fd >= 0 ? fd
				       : pare_error_set(err, -errno, "%s/blobs/sha256: %s", l->path,
							strerror(errno));
	}
	return pare_error_set(err, -EEXIST, "%s/blobs/sha256: no free temporary name", l->path);
}

/* fsync and rename the temporary to the digest's hex; remove it on error. */
static int blob_commit(struct pare_oci_layout *l, int fd, const char *tmp, const char *digest,
		       int r, struct pare_error *err)
{
	if (r == 0 && fsync(fd) < 0)
		r = pare_error_set(err, -errno, "%s: fsync: %s", l->path, strerror(errno));
	close(fd);
	if (r == 0 && renameat(l->blobfd, tmp, l->blobfd, digest + 7) < 0)
		r = pare_error_set(err, -errno, "%s/blobs/sha256/%s: %s", l->path, digest + 7,
				   strerror(errno));
	if (r < 0)
		unlinkat(l->blobfd, tmp, 0);
	else
		fsync(l->blobfd);
	return r;
}

int pare_oci_put_blob(struct pare_oci_layout *l, const void *p, size_t n,
		      const char *media_type, struct pare_oci_desc *d, struct pare_error *err)
{
	struct pare_digest_value v;
	char tmp[64];
	memset(d, 0, sizeof(*d));
	if (pare_digest_buffer(PARE_DIGEST_SHA256, p, n, &v) < 0)
		return pare_error_set(err, -PARE_E_CRYPTO, "blob: SHA-256 failed");
	d->media_type = media_type;
	d->size = n;
	pare_oci_digest_string(&v, d->digest);
	int fd = blob_tmp(l, tmp, err);
	if (fd < 0)
		return fd;
	struct pare_fd_stream fs;
	struct pare_ostream out;
	pare_fd_ostream_init(&fs, &out, fd, tmp);
	int r = pare_ostream_write(&out, p, n, err);
	return blob_commit(l, fd, tmp, d->digest, r, err);
}

int pare_oci_copy_blob(struct pare_oci_layout *l, int src, const char *digest,
		       struct pare_error *err)
{
	char tmp[64], got[PARE_OCI_DIGEST_LEN + 1] = "";
	if (!pare_oci_digest_valid(digest))
		return pare_error_set(err, -PARE_E_FORMAT, "blob: '%s' is not a sha256 digest",
				      digest);
	int fd = blob_tmp(l, tmp, err);
	if (fd < 0)
		return fd;
	char rname[96], wname[PARE_PATH_MAX];
	snprintf(rname, sizeof(rname), "blob %s", digest);
	snprintf(wname, sizeof(wname), "%s/blobs/sha256/%s", l->path, tmp);
	struct pare_fd_stream fs;
	struct pare_ostream to_file, out;
	struct pare_digest_tee t;
	pare_fd_ostream_init(&fs, &to_file, fd, wname);
	int r = pare_digest_tee_init(&t, PARE_DIGEST_SHA256, &to_file, &out) < 0
			? pare_error_set(err, -PARE_E_CRYPTO, "blob: SHA-256 failed") : 0;
	if (r == 0)
		r = pare_copy_fd(src, &out, UINT64_MAX, rname, err);
	struct pare_digest_value v;
	if (r == 0 && pare_digest_final(&t.d, &v) == 0)
		pare_oci_digest_string(&v, got);
	pare_digest_release(&t.d);
	if (r == 0 && strcmp(got, digest))
		r = pare_error_set(err, -PARE_E_INTEGRITY, "blob %s: its content has digest %s",
				   digest, got);
	return blob_commit(l, fd, tmp, digest, r, err);
}

int pare_oci_add_layer(struct pare_oci_layout *l, const struct pare_layer_opts *opts,
		       struct pare_oci_layer *out, struct pare_layer_info *info,
		       struct pare_error *err)
{
	char tmp[64];
	struct pare_layer_info local;
	if (!info)
		info = &local;
	memset(out, 0, sizeof(*out));
	int fd = blob_tmp(l, tmp, err);
	if (fd < 0)
		return fd;
	struct pare_fd_stream fs;
	struct pare_ostream os;
	pare_fd_ostream_init(&fs, &os, fd, tmp);
	int r = pare_layer_write(opts, &os, info, err);
	out->blob.media_type = PARE_OCI_MT_LAYER_GZIP;
	out->blob.size = info->size;
	pare_oci_digest_string(&info->digest, out->blob.digest);
	pare_oci_digest_string(&info->diff_id, out->diff_id);
	return blob_commit(l, fd, tmp, out->blob.digest, r, err);
}

/* ---- image config, manifest, index ---- */

static void set_opt_str(struct jb *b, json_t *o, const char *key, const char *v)
{
	if (v && v[0])
		jb_set(b, o, key, jb_str(b, v));
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* {"/data":{}, ...} sorted by path. */
static json_t *volumes(struct jb *b, const char *const *v, size_t n)
{
	const char **sorted = malloc(n * sizeof(*sorted));
	json_t *o = json_object();
	if (!sorted) {
		b->rc = b->rc ? b->rc : -ENOMEM;
		return o;
	}
	memcpy(sorted, v, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), str_cmp);
	for (size_t i = 0; i < n; i++)
		jb_set(b, o, sorted[i], json_object());
	free(sorted);
	return o;
}

static json_t *runtime_config(struct jb *b, const struct pare_oci_image *img)
{
	json_t *c = json_object();
	set_opt_str(b, c, "User", img->user);
	if (img->nenv)
		jb_set(b, c, "Env", jb_strings(b, img->env, img->nenv));
	if (img->nentrypoint)
		jb_set(b, c, "Entrypoint", jb_strings(b, img->entrypoint, img->nentrypoint));
	if (img->ncmd)
		jb_set(b, c, "Cmd", jb_strings(b, img->cmd, img->ncmd));
	set_opt_str(b, c, "WorkingDir", img->working_dir);
	if (img->nvolumes)
		jb_set(b, c, "Volumes", volumes(b, img->volumes, img->nvolumes));
	set_opt_str(b, c, "StopSignal", img->stop_signal);
	if (img->nlabels)
		jb_set(b, c, "Labels", jb_map(b, img->labels, img->nlabels));
	return c;
}

int pare_oci_config_json(const struct pare_oci_image *img, const struct pare_oci_layer *layers,
			 size_t nlayers, char **json, size_t *len, struct pare_error *err)
{
	struct jb b = { 0 };
	char created[32];
	pare_oci_rfc3339(img->created, created);
	json_t *root = json_object();
	jb_set(&b, root, "created", jb_str(&b, created));
	set_opt_str(&b, root, "author", img->author);
	jb_set(&b, root, "architecture", jb_str(&b, img->architecture));
	set_opt_str(&b, root, "variant", img->variant);
	jb_set(&b, root, "os", jb_str(&b, img->os ? img->os : "linux"));
	jb_set(&b, root, "config", runtime_config(&b, img));
	json_t *rootfs = json_object(), *ids = json_array(), *hist = json_array();
	jb_set(&b, rootfs, "type", jb_str(&b, "layers"));
	for (size_t i = 0; i < nlayers; i++) {
		json_t *h = json_object();
		jb_push(&b, ids, jb_str(&b, layers[i].diff_id));
		jb_set(&b, h, "created", jb_str(&b, created));
		jb_set(&b, h, "created_by",
		       jb_str(&b, layers[i].created_by ? layers[i].created_by : "pare"));
		jb_push(&b, hist, h);
	}
	jb_set(&b, rootfs, "diff_ids", ids);
	jb_set(&b, root, "rootfs", rootfs);
	jb_set(&b, root, "history", hist);
	return jb_dump(&b, root, JSON_COMPACT, json, len, err, "image config");
}

static int manifest_json(const struct pare_oci_image *img, const struct pare_oci_desc *config,
			 const struct pare_oci_layer *layers, size_t nlayers, char **json,
			 size_t *len, struct pare_error *err)
{
	struct jb b = { 0 };
	json_t *root = json_object(), *arr = json_array();
	jb_set(&b, root, "schemaVersion", json_integer(2));
	jb_set(&b, root, "mediaType", jb_str(&b, PARE_OCI_MT_MANIFEST));
	jb_set(&b, root, "config", jb_desc(&b, config, NULL));
	for (size_t i = 0; i < nlayers; i++)
		jb_push(&b, arr, jb_desc(&b, &layers[i].blob, NULL));
	jb_set(&b, root, "layers", arr);
	if (img->nannotations)
		jb_set(&b, root, "annotations", jb_map(&b, img->annotations, img->nannotations));
	return jb_dump(&b, root, JSON_COMPACT, json, len, err, "image manifest");
}

int pare_oci_write_image(struct pare_oci_layout *l, const struct pare_oci_image *img,
			 const struct pare_oci_layer *layers, size_t nlayers,
			 struct pare_oci_desc *manifest, struct pare_error *err)
{
	struct pare_oci_desc config;
	char *json = NULL;
	size_t len;
	if (!img->architecture || !img->architecture[0])
		return pare_error_set(err, -EINVAL, "image: no architecture");
	int r = pare_oci_config_json(img, layers, nlayers, &json, &len, err);
	if (r == 0)
		r = pare_oci_put_blob(l, json, len, PARE_OCI_MT_CONFIG, &config, err);
	free(json);
	json = NULL;
	if (r == 0)
		r = manifest_json(img, &config, layers, nlayers, &json, &len, err);
	if (r == 0)
		r = pare_oci_put_blob(l, json, len, PARE_OCI_MT_MANIFEST, manifest, err);
	free(json);
	if (r == 0) {
		snprintf(manifest->arch, sizeof(manifest->arch), "%s", img->architecture);
		snprintf(manifest->variant, sizeof(manifest->variant), "%s",
			 img->variant ? img->variant : "");
		snprintf(manifest->os, sizeof(manifest->os), "%s", img->os ? img->os : "linux");
	}
	return r;
}

int pare_oci_index_json(const struct pare_oci_desc *m, size_t n, const char *ref_name,
			const struct pare_image_kv *annotations, size_t nannotations,
			bool platforms, char **json, size_t *len, struct pare_error *err)
{
	struct jb b = { 0 };
	json_t *root = json_object(), *arr = json_array();
	jb_set(&b, root, "schemaVersion", json_integer(2));
	jb_set(&b, root, "mediaType", jb_str(&b, PARE_OCI_MT_INDEX));
	for (size_t i = 0; i < n; i++) {
		struct pare_oci_desc d = m[i];
		if (!platforms)
			d.arch[0] = '\0';
		jb_push(&b, arr, jb_desc(&b, &d, ref_name));
	}
	jb_set(&b, root, "manifests", arr);
	if (nannotations)
		jb_set(&b, root, "annotations", jb_map(&b, annotations, nannotations));
	return jb_dump(&b, root, JSON_COMPACT, json, len, err, "image index");
}

int pare_oci_write_index(struct pare_oci_layout *l, const struct pare_oci_desc *manifests,
			 size_t n, const char *ref_name, const struct pare_image_kv *annotations,
			 size_t nannotations, struct pare_oci_desc *top, struct pare_error *err)
{
	struct pare_oci_desc local, idx;
	char *json = NULL;
	size_t len;
	int r = 0;
	if (n == 0)
		return pare_error_set(err, -EINVAL, "image index: no manifests");
	if (!top)
		top = &local;
	*top = manifests[0];
	if (n > 1) {
		r = pare_oci_index_json(manifests, n, NULL, annotations, nannotations, true, &json,
					&len, err);
		if (r == 0)
			r = pare_oci_put_blob(l, json, len, PARE_OCI_MT_INDEX, &idx, err);
		free(json);
		json = NULL;
		*top = idx;
	}
	if (r == 0)
		r = pare_oci_index_json(top, 1, ref_name, NULL, 0, n == 1, &json, &len, err);
	if (r == 0)
		r = layout_file(l, "index.json", json, len, err);
	free(json);
	return r;
}
