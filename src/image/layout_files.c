/* Small files out of an OCI layout's image (see layout_files.h). */
#include "image/layout_files.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "apk/tar.h"
#include "base/rootpath.h"
#include "image/oci.h"
#include "io/digest.h"
#include "io/gzip.h"
#include "io/stream.h"

#define MAX_LAYERS 256

/* Open blobs/sha256/<hex> of digest: a regular file, no symlink. */
int pare_layout_blob_open(const char *layout, const char *digest, struct stat *st,
		     struct pare_error *err)
{
	char path[4096];
	if (!pare_oci_digest_valid(digest))
		return pare_error_set(err, -PARE_E_FORMAT, "%s: a descriptor without a sha256 "
				      "digest", layout);
	snprintf(path, sizeof(path), "%s/blobs/sha256/%s", layout, digest + 7);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return pare_error_set(err, -errno, "%s: %s", path, strerror(errno));
	if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode)) {
		close(fd);
		return pare_error_set(err, -PARE_E_FORMAT, "%s: not a regular file", path);
	}
	return fd;
}

/* A JSON blob, read whole and checked against its digest. */
json_t *pare_layout_json_blob(const char *layout, const char *digest, struct pare_error *err)
{
	struct stat st;
	int fd = pare_layout_blob_open(layout, digest, &st, err);
	if (fd < 0)
		return NULL;
	struct pare_buf b;
	pare_buf_init(&b, PARE_OCI_MAX_JSON);
	ssize_t n = st.st_size <= PARE_OCI_MAX_JSON && pare_read_fd(fd, &b, digest, NULL) == 0
			    ? (ssize_t)b.len : -1;
	char *buf = b.data;
	close(fd);
	struct pare_digest_value v;
	char got[PARE_OCI_DIGEST_LEN + 1] = "";
	if (n == st.st_size && pare_digest_buffer(PARE_DIGEST_SHA256, buf, (size_t)n, &v) == 0)
		pare_oci_digest_string(&v, got);
	json_t *j = n == st.st_size && strcmp(got, digest) == 0
			    ? json_loadb(buf, (size_t)n, 0, NULL) : NULL;
	if (!j)
		pare_error_set(err, -PARE_E_FORMAT, "%s: blob %s: not JSON of that digest (or "
			       "larger than %u bytes)", layout, digest, PARE_OCI_MAX_JSON);
	pare_buf_release(&b);
	return j;
}

/* The manifest digest index.json leads to (through an image index). */
int pare_layout_pick_manifest(const char *layout, const char *arch, char *out,
			 struct pare_error *err)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/index.json", layout);
	struct stat st;
	if (stat(path, &st) < 0)
		return pare_error_set(err, -errno, "%s: %s (not an OCI layout)", path,
				      strerror(errno));
	if (st.st_size > PARE_OCI_MAX_JSON)
		return pare_error_set(err, -PARE_E_TOO_BIG, "%s: too large", path);
	json_t *idx = json_load_file(path, 0, NULL);
	for (int depth = 0; idx && depth < 3; depth++) {
		json_t *list = json_object_get(idx, "manifests"), *m, *pick = NULL;
		size_t i;
		json_array_foreach(list, i, m) {
			const char *a = json_string_value(
				json_object_get(json_object_get(m, "platform"), "architecture"));
			if (!pick || (arch && a && strcmp(a, arch) == 0))
				pick = m;
		}
		const char *mt = json_string_value(json_object_get(pick, "mediaType"));
		const char *d = json_string_value(json_object_get(pick, "digest"));
		if (!d || !pare_oci_digest_valid(d))
			break;
		snprintf(out, PARE_OCI_DIGEST_LEN + 1, "%s", d);
		bool is_index = mt && strcmp(mt, PARE_OCI_MT_INDEX) == 0;
		json_decref(idx); /* mt and d point into it */
		if (!is_index)
			return 0;
		idx = pare_layout_json_blob(layout, out, err);
		if (!idx)
			return -PARE_E_FORMAT;
	}
	json_decref(idx);
	return pare_error_set(err, -PARE_E_FORMAT, "%s: no image manifest found", path);
}

static bool wanted(struct pare_slice name, const char *path)
{
	return pare_slice_eq_cstr(pare_path_trim_lead(name), path);
}

static int take(struct pare_tar_reader *tr, const struct pare_tar_entry *e, size_t max,
		char **text, size_t *len, struct pare_error *err)
{
	if (e->size > max)
		return pare_error_set(err, -PARE_E_TOO_BIG, "%.*s: larger than %zu bytes",
				      (int)e->name.len, e->name.ptr, max);
	char *buf = malloc((size_t)e->size + 1);
	size_t got = 0;
	if (!buf)
		return pare_error_set(err, -ENOMEM, "out of memory");
	while (got < e->size) {
		ssize_t k = pare_tar_read(tr, buf + got, (size_t)e->size - got, err);
		if (k <= 0) {
			free(buf);
			return k < 0 ? (int)k : pare_error_set(err, -PARE_E_TRUNCATED, "truncated");
		}
		got += (size_t)k;
	}
	buf[got] = '\0';
	free(*text);
	*text = buf;
	*len = got;
	return 0;
}

static int scan_layer(const char *layout, const char *digest, const char *const *paths,
		      size_t n, size_t max, char **texts, size_t *lens, struct pare_error *err)
{
	struct stat st;
	struct pare_fd_stream fs;
	struct pare_istream in, gin;
	struct pare_gz_reader gz;
	struct pare_tar_reader tr;
	struct pare_tar_entry e;
	int fd = pare_layout_blob_open(layout, digest, &st, err);
	if (fd < 0)
		return fd;
	pare_fd_istream_init(&fs, &in, fd, digest);
	int r = pare_gz_reader_init(&gz, &in, digest, err);
	if (r < 0) {
		close(fd);
		return r;
	}
	pare_gz_set_multi(&gz, true);
	pare_gz_set_limit(&gz, 64ULL << 30);
	pare_gz_istream(&gz, &gin);
	pare_tar_reader_init(&tr, &gin, NULL);
	while (r == 0 && (r = pare_tar_next(&tr, &e, err)) == 1) {
		r = 0;
		for (size_t i = 0; r == 0 && i < n; i++)
			if (e.type == PARE_TAR_REG && wanted(e.name, paths[i]))
				r = take(&tr, &e, max, &texts[i], &lens[i], err);
	}
	pare_tar_reader_release(&tr);
	pare_gz_reader_release(&gz);
	close(fd);
	return r < 0 ? r : 0;
}

int pare_layout_read_files(const char *layout, const char *arch, const char *const *paths,
			   size_t n, size_t max, char **texts, size_t *lens,
			   struct pare_error *err)
{
	char mdigest[PARE_OCI_DIGEST_LEN + 1];
	for (size_t i = 0; i < n; i++) {
		texts[i] = NULL;
		lens[i] = 0;
	}
	int r = pare_layout_pick_manifest(layout, arch, mdigest, err);
	json_t *m = r == 0 ? pare_layout_json_blob(layout, mdigest, err) : NULL;
	if (r == 0 && !m)
		r = -PARE_E_FORMAT;
	json_t *layers = json_object_get(m, "layers"), *l;
	size_t i;
	if (r == 0 && (!json_is_array(layers) || json_array_size(layers) > MAX_LAYERS))
		r = pare_error_set(err, -PARE_E_FORMAT, "%s: manifest %s: no layers (or more than "
				   "%u)", layout, mdigest, MAX_LAYERS);
	json_array_foreach(layers, i, l) {
		const char *d = json_string_value(json_object_get(l, "digest"));
		if (r == 0)
			r = scan_layer(layout, d ? d : "", paths, n, max, texts, lens, err);
	}
	json_decref(m);
	for (size_t k = 0; r < 0 && k < n; k++) {
		free(texts[k]);
		texts[k] = NULL;
	}
	return r;
}
