/* apko's contents.baseimage (baseimage.h). */
#include "image/baseimage.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apk/pkginfo.h"
#include "apk/tar.h"
#include "apk/version.h"
#include "base/buf.h"
#include "base/rootpath.h"
#include "commit/extract.h"
#include "image/layer.h"
#include "image/layout_files.h"
#include "io/digest.h"
#include "io/gzip.h"
#include "io/stream.h"

#define MAX_STRINGS 4096u

struct base_stat {
	mode_t mode;
	uid_t uid;
	gid_t gid;
	off_t size;
	ino_t ino;
	struct timespec mtime;
};

void pare_baseimage_init(struct pare_baseimage *b)
{
	memset(b, 0, sizeof(*b));
	pare_arena_init(&b->arena, 0, 0);
	pare_map_init(&b->paths);
}

void pare_baseimage_release(struct pare_baseimage *b)
{
	if (!b)
		return;
	pare_map_release(&b->paths);
	pare_arena_release(&b->arena);
	memset(b, 0, sizeof(*b));
}

static const char *bdup(struct pare_baseimage *b, const char *s)
{
	return s ? pare_arena_strdup(&b->arena, pare_slice_from(s)) : NULL;
}

/* A JSON array of strings into the arena (absent: 0 items). */
static int strings(struct pare_baseimage *b, json_t *arr, const char ***out, size_t *n,
		   const char *what, struct pare_error *err)
{
	*out = NULL;
	*n = 0;
	if (!arr || json_is_null(arr))
		return 0;
	if (!json_is_array(arr) || json_array_size(arr) > MAX_STRINGS)
		return pare_error_set(err, -PARE_E_FORMAT, "%s: %s: not a list of at most %u "
				      "strings", b->layout, what, MAX_STRINGS);
	const char **v = pare_arena_zalloc(&b->arena, (json_array_size(arr) + 1) * sizeof(*v));
	size_t i;
	json_t *it;
	if (!v)
		return pare_error_set(err, -ENOMEM, "out of memory");
	json_array_foreach(arr, i, it) {
		if (!json_is_string(it) || !(v[i] = bdup(b, json_string_value(it))))
			return pare_error_set(err, -PARE_E_FORMAT, "%s: %s: item %zu is not a "
					      "string", b->layout, what, i);
	}
	*out = v;
	*n = json_array_size(arr);
	return 0;
}

/* Keys of a JSON object (Volumes) or key/value pairs (Labels). */
static int object(struct pare_baseimage *b, json_t *obj, bool values, const char ***keys,
		  struct pare_image_kv **kv, size_t *n, const char *what, struct pare_error *err)
{
	*n = 0;
	if (!obj || json_is_null(obj))
		return 0;
	if (!json_is_object(obj) || json_object_size(obj) > MAX_STRINGS)
		return pare_error_set(err, -PARE_E_FORMAT, "%s: %s: not an object of at most %u "
				      "keys", b->layout, what, MAX_STRINGS);
	size_t cnt = json_object_size(obj) + 1;
	const char **kv_keys = values ? NULL : pare_arena_zalloc(&b->arena, cnt * sizeof(char *));
	struct pare_image_kv *pairs = values ? pare_arena_zalloc(&b->arena, cnt * sizeof(*pairs))
					     : NULL;
	if (values ? !pairs : !kv_keys)
		return pare_error_set(err, -ENOMEM, "out of memory");
	const char *k;
	json_t *v;
	json_object_foreach(obj, k, v) {
		if (values && !json_is_string(v))
			return pare_error_set(err, -PARE_E_FORMAT, "%s: %s: %s is not a string",
					      b->layout, what, k);
		const char *kd = bdup(b, k), *vd = values ? bdup(b, json_string_value(v)) : "";
		if (!kd || !vd)
			return pare_error_set(err, -ENOMEM, "out of memory");
		if (values)
			pairs[*n] = (struct pare_image_kv){ kd, vd };
		else
			kv_keys[*n] = kd;
		(*n)++;
	}
	if (values)
		*kv = pairs;
	else
		*keys = kv_keys;
	return 0;
}

static bool layer_type_ok(const char *mt)
{
	return mt && (!strcmp(mt, PARE_OCI_MT_LAYER_GZIP) ||
		      !strcmp(mt, "application/vnd.oci.image.layer.v1.tar") ||
		      !strcmp(mt, "application/vnd.docker.image.rootfs.diff.tar.gzip"));
}

static int read_layers(struct pare_baseimage *b, json_t *m, json_t *ids, struct pare_error *err)
{
	json_t *layers = json_object_get(m, "layers"), *l;
	size_t n = json_array_size(layers), i;
	if (!json_is_array(layers) || n == 0 || n > PARE_BASEIMAGE_MAX_LAYERS)
		return pare_error_set(err, -PARE_E_FORMAT, "%s: the manifest lists no layers (or "
				      "more than %u)", b->layout, PARE_BASEIMAGE_MAX_LAYERS);
	if (!json_is_array(ids) || json_array_size(ids) != n)
		return pare_error_set(err, -PARE_E_FORMAT, "%s: the config's rootfs.diff_ids do "
				      "not match the %zu layers", b->layout, n);
	b->layers = pare_arena_zalloc(&b->arena, n * sizeof(*b->layers));
	if (!b->layers)
		return pare_error_set(err, -ENOMEM, "out of memory");
	json_array_foreach(layers, i, l) {
		struct pare_oci_layer *o = &b->layers[i];
		const char *mt = json_string_value(json_object_get(l, "mediaType"));
		const char *d = json_string_value(json_object_get(l, "digest"));
		const char *id = json_string_value(json_array_get(ids, i));
		json_t *size = json_object_get(l, "size");
		if (!layer_type_ok(mt))
			return pare_error_set(err, -PARE_E_UNSUPPORTED, "%s: layer %zu: media type "
					      "'%s' is not a tar layer pare can read", b->layout,
					      i + 1, mt ? mt : "");
		if (!d || !pare_oci_digest_valid(d) || !id || !pare_oci_digest_valid(id) ||
		    !json_is_integer(size) || json_integer_value(size) < 0)
			return pare_error_set(err, -PARE_E_FORMAT, "%s: layer %zu: no valid digest, "
					      "diff_id or size", b->layout, i + 1);
		o->blob.media_type = bdup(b, mt);
		snprintf(o->blob.digest, sizeof(o->blob.digest), "%s", d);
		o->blob.size = (uint64_t)json_integer_value(size);
		snprintf(o->diff_id, sizeof(o->diff_id), "%s", id);
		o->created_by = "pare: contents.baseimage";
		if (!o->blob.media_type)
			return pare_error_set(err, -ENOMEM, "out of memory");
	}
	b->nlayers = n;
	return 0;
}

static int read_runtime(struct pare_baseimage *b, json_t *c, struct pare_error *err)
{
	int r = strings(b, json_object_get(c, "Env"), &b->env, &b->nenv, "Env", err);
	if (r == 0)
		r = strings(b, json_object_get(c, "Entrypoint"), &b->entrypoint, &b->nentrypoint,
			    "Entrypoint", err);
	if (r == 0)
		r = strings(b, json_object_get(c, "Cmd"), &b->cmd, &b->ncmd, "Cmd", err);
	if (r == 0)
		r = object(b, json_object_get(c, "Volumes"), false, &b->volumes, NULL,
			   &b->nvolumes, "Volumes", err);
	if (r == 0)
		r = object(b, json_object_get(c, "Labels"), true, NULL, &b->labels, &b->nlabels,
			   "Labels", err);
	const char *wd = json_string_value(json_object_get(c, "WorkingDir"));
	const char *user = json_string_value(json_object_get(c, "User"));
	const char *sig = json_string_value(json_object_get(c, "StopSignal"));
	b->working_dir = wd && *wd ? bdup(b, wd) : NULL;
	b->user = user && *user ? bdup(b, user) : NULL;
	b->stop_signal = sig && *sig ? bdup(b, sig) : NULL;
	return r;
}

int pare_baseimage_open(struct pare_baseimage *b, const char *layout, const char *oci_arch,
			struct pare_error *err)
{
	char md[PARE_OCI_DIGEST_LEN + 1];
	b->layout = bdup(b, layout);
	if (!b->layout)
		return pare_error_set(err, -ENOMEM, "out of memory");
	int r = pare_layout_pick_manifest(layout, oci_arch, md, err);
	json_t *m = r == 0 ? pare_layout_json_blob(layout, md, err) : NULL;
	const char *cd = json_string_value(json_object_get(json_object_get(m, "config"), "digest"));
	json_t *c = m && cd ? pare_layout_json_blob(layout, cd, err) : NULL;
	if (r == 0 && !c)
		r = m && !cd ? pare_error_set(err, -PARE_E_FORMAT, "%s: manifest %s has no config",
					      layout, md)
			     : -PARE_E_FORMAT;
	const char *arch = json_string_value(json_object_get(c, "architecture"));
	if (r == 0 && oci_arch && (!arch || strcmp(arch, oci_arch)))
		r = pare_error_set(err, -PARE_E_NOT_FOUND, "%s: no %s image (its image is %s)",
				   layout, oci_arch, arch ? arch : "of no architecture");
	if (r == 0)
		r = read_layers(b, m, json_object_get(json_object_get(c, "rootfs"), "diff_ids"),
				err);
	if (r == 0)
		r = read_runtime(b, json_object_get(c, "config"), err);
	json_decref(c);
	json_decref(m);
	return r < 0 ? pare_error_prefix(err, r, "contents.baseimage: ") : 0;
}

/* ---- unpack */

/* The digest of the file open at fd (then rewound). */
static int check_digest(int fd, const char *want, const char *layout, struct pare_error *err)
{
	struct pare_digest_value v;
	char got[PARE_OCI_DIGEST_LEN + 1] = "";
	if (pare_digest_fd(fd, PARE_DIGEST_SHA256, &v) < 0)
		return pare_error_set(err, -EIO, "%s: blob %s: read failed", layout, want);
	pare_oci_digest_string(&v, got);
	if (strcmp(got, want))
		return pare_error_set(err, -PARE_E_INTEGRITY, "%s: blob %s has digest %s", layout,
				      want, got);
	if (lseek(fd, 0, SEEK_SET) < 0)
		return pare_error_set(err, -errno, "%s: %s", layout, strerror(errno));
	return 0;
}

static bool replace_any(void *ctx, const char *path, bool existing_dir)
{
	(void)ctx, (void)path, (void)existing_dir;
	return true; /* a later layer's entry replaces an earlier one's */
}

/* "./usr/bin" and "/usr/bin" are "usr/bin"; "." and "./" are nothing. */
static struct pare_slice clean_name(struct pare_slice n)
{
	n = pare_path_trim_lead(n);
	while (n.len && n.ptr[n.len - 1] == '/')
		n.len--;
	return n.len == 1 && n.ptr[0] == '.' ? PARE_SLICE_NULL : n;
}

static bool is_whiteout(struct pare_slice n)
{
	const char *slash = memrchr(n.ptr, '/', n.len);
	const char *base = slash ? slash + 1 : n.ptr;
	return (size_t)(n.ptr + n.len - base) >= 4 && !strncmp(base, ".wh.", 4);
}

static int entries(struct pare_tar_reader *tr, struct pare_pkg_visitor *v, const char *what,
		   struct pare_error *err)
{
	struct pare_tar_entry e;
	int r;
	while ((r = pare_tar_next(tr, &e, err)) == 1) {
		e.name = clean_name(e.name);
		if (!e.name.len)
			continue;
		if (is_whiteout(e.name))
			return pare_error_set(err, -PARE_E_UNSUPPORTED, "%s: %.*s: a whiteout (a file "
					      "deleted from a lower layer); pare reads base "
					      "images without deletions", what, (int)e.name.len,
					      e.name.ptr);
		struct pare_istream s;
		pare_tar_entry_istream(tr, &s);
		r = v->entry(v->ctx, &e, &s, err);
		if (r < 0)
			return r;
	}
	return r;
}

static int unpack_layer(struct pare_baseimage *b, const struct pare_oci_layer *l,
			struct pare_root *root, struct pare_error *err)
{
	struct stat st;
	int fd = pare_layout_blob_open(b->layout, l->blob.digest, &st, err);
	if (fd < 0)
		return fd;
	int r = check_digest(fd, l->blob.digest, b->layout, err);
	struct pare_fd_stream fs;
	struct pare_istream in, gin;
	struct pare_gz_reader gz;
	bool gzip = strstr(l->blob.media_type, "gzip") != NULL, gz_open = false;
	pare_fd_istream_init(&fs, &in, fd, l->blob.digest);
	if (r == 0 && gzip && (r = pare_gz_reader_init(&gz, &in, l->blob.digest, err)) == 0) {
		gz_open = true;
		pare_gz_set_multi(&gz, true);
		pare_gz_set_limit(&gz, 64ULL << 30);
		pare_gz_istream(&gz, &gin);
	}
	struct pare_tar_reader tr;
	struct pare_extract x;
	struct pare_pkg_visitor v;
	struct pare_extract_opts xo = { .name = l->blob.digest, .may_replace = replace_any };
	bool x_open = false;
	if (r == 0 && (r = pare_extract_init(&x, root, &xo, err)) == 0) {
		x_open = true;
		pare_extract_visitor(&x, &v);
		pare_tar_reader_init(&tr, gzip ? &gin : &in, NULL);
		r = entries(&tr, &v, l->blob.digest, err);
		pare_tar_reader_release(&tr);
	}
	if (r == 0)
		r = pare_extract_commit(&x, err);
	if (r < 0 && x_open)
		pare_extract_abort(&x);
	if (x_open)
		pare_extract_release(&x);
	if (gz_open)
		pare_gz_reader_release(&gz);
	close(fd);
	return r < 0 ? pare_error_prefix(err, r, "contents.baseimage %s: ", b->layout) : 0;
}

/* Record every non-directory under dirfd (path prefix pre). */
static int snapshot(struct pare_baseimage *b, int dirfd, const char *pre, unsigned depth,
		    struct pare_error *err)
{
	if (depth > PARE_LAYER_MAX_DEPTH)
		return pare_error_set(err, -PARE_E_TOO_BIG, "base image: %s: deeper than %u levels",
				      pre, PARE_LAYER_MAX_DEPTH);
	DIR *d = fdopendir(dirfd);
	if (!d) {
		close(dirfd);
		return pare_error_set(err, -errno, "base image: %s: %s", pre, strerror(errno));
	}
	int r = 0;
	for (struct dirent *de; r == 0 && (de = readdir(d));) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		char path[PARE_PATH_MAX];
		struct stat st;
		if ((size_t)snprintf(path, sizeof(path), "%s%s%s", pre, *pre ? "/" : "",
				     de->d_name) >= sizeof(path))
			r = pare_error_set(err, -ENAMETOOLONG, "base image: %s: path too long", pre);
		else if (fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			r = pare_error_set(err, -errno, "base image: %s: %s", path, strerror(errno));
		else if (S_ISDIR(st.st_mode)) {
			int sub = openat(dirfd, de->d_name,
					 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			r = sub < 0 ? pare_error_set(err, -errno, "base image: %s: %s", path,
						     strerror(errno))
				    : snapshot(b, sub, path, depth + 1, err);
		} else if (++b->npaths > PARE_BASEIMAGE_MAX_PATHS) {
			r = pare_error_set(err, -PARE_E_TOO_BIG, "base image: more than %u files",
					   PARE_BASEIMAGE_MAX_PATHS);
		} else {
			struct base_stat *bs = pare_arena_alloc(&b->arena, sizeof(*bs));
			const char *key = pare_arena_strdup(&b->arena, pare_slice_from(path));
			if (bs)
				*bs = (struct base_stat){ st.st_mode, st.st_uid, st.st_gid,
							  st.st_size, st.st_ino, st.st_mtim };
			if (!bs || !key || pare_map_put(&b->paths, pare_slice_from(key), bs, NULL) < 0)
				r = pare_error_set(err, -ENOMEM, "out of memory");
		}
	}
	closedir(d);
	return r;
}

int pare_baseimage_unpack(struct pare_baseimage *b, struct pare_root *root,
			  const char *root_path, struct pare_error *err)
{
	int r = 0;
	for (size_t i = 0; r == 0 && i < b->nlayers; i++)
		r = unpack_layer(b, &b->layers[i], root, err);
	if (r < 0)
		return r;
	int fd = open(root_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return pare_error_set(err, -errno, "%s: %s", root_path, strerror(errno));
	return snapshot(b, fd, "", 0, err);
}

bool pare_baseimage_unchanged(const struct pare_baseimage *b, const char *path,
			      const struct stat *st)
{
	if (S_ISDIR(st->st_mode))
		return false;
	const struct base_stat *bs = pare_map_get(&b->paths, pare_slice_from(path));
	return bs && bs->mode == st->st_mode && bs->uid == st->st_uid && bs->gid == st->st_gid &&
	       bs->size == st->st_size && bs->ino == st->st_ino &&
	       bs->mtime.tv_sec == st->st_mtim.tv_sec && bs->mtime.tv_nsec == st->st_mtim.tv_nsec;
}

/* ---- installed packages */

/* One record's NAME=VERSION appended to b->atoms (cap: its capacity). */
static int add_atom(struct pare_baseimage *b, size_t *cap, struct pare_slice name,
		    struct pare_slice ver, const char *file, size_t line_no, struct pare_error *err)
{
	if (!pare_pkginfo_name_valid(name) || !pare_version_valid(ver))
		return pare_error_set(err, -PARE_E_FORMAT, "%s:%zu: a record without a valid P: "
				      "name and V: version", file, line_no);
	if (b->natoms + 1 >= *cap) {
		*cap = *cap ? *cap * 2 : 64;
		const char **nv = pare_arena_zalloc(&b->arena, *cap * sizeof(*nv));
		if (!nv)
			return pare_error_set(err, -ENOMEM, "out of memory");
		if (b->natoms)
			memcpy(nv, b->atoms, b->natoms * sizeof(*nv));
		b->atoms = nv;
	}
	size_t n = name.len + ver.len + 2;
	char *atom = pare_arena_alloc(&b->arena, n);
	if (!atom)
		return pare_error_set(err, -ENOMEM, "out of memory");
	snprintf(atom, n, "%.*s=%.*s", (int)name.len, name.ptr, (int)ver.len, ver.ptr);
	b->atoms[b->natoms++] = atom;
	return 0;
}

int pare_baseimage_index_atoms(struct pare_baseimage *b, struct pare_slice text,
			       const char *file, struct pare_error *err)
{
	size_t cap = 0, line_no = 0;
	struct pare_slice name = PARE_SLICE_NULL, ver = PARE_SLICE_NULL;
	const char *p = text.ptr, *end = text.ptr + text.len;
	int r = 0;
	while (r == 0 && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		struct pare_slice line = pare_slice_make(p, nl ? (size_t)(nl - p) : (size_t)(end - p));
		line_no++;
		if (line.len >= 2 && line.ptr[1] == ':' && line.ptr[0] == 'P')
			name = pare_slice_sub(line, 2, line.len - 2);
		else if (line.len >= 2 && line.ptr[1] == ':' && line.ptr[0] == 'V')
			ver = pare_slice_sub(line, 2, line.len - 2);
		if (line.len == 0 && (name.len || ver.len)) {
			r = add_atom(b, &cap, name, ver, file, line_no, err);
			name = ver = PARE_SLICE_NULL;
		}
		p = nl ? nl + 1 : end;
	}
	/* the end of the text ends the last record */
	if (r == 0 && (name.len || ver.len))
		r = add_atom(b, &cap, name, ver, file, line_no, err);
	return r;
}

/* The APKINDEX as lib/apk/db/installed when the base has none. */
static int write_installed(struct pare_root *root, struct pare_slice text, struct pare_error *err)
{
	const char *base;
	int dfd = pare_root_open_parent(root, "lib/apk/db/installed", true, 0755, &base, err);
	if (dfd < 0)
		return dfd;
	int fd = openat(dfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	int r = 0;
	if (fd < 0 && errno != EEXIST)
		r = pare_error_set(err, -errno, "lib/apk/db/installed: %s", strerror(errno));
	if (fd >= 0 && pare_write_all(fd, text.ptr, text.len) < 0)
		r = pare_error_set(err, -EIO, "lib/apk/db/installed: write failed");
	if (fd >= 0)
		close(fd);
	close(dfd);
	return r;
}

int pare_baseimage_installed(struct pare_baseimage *b, const char *apkindex_dir,
			     const char *apk_arch, struct pare_root *root, struct pare_error *err)
{
	char path[PARE_PATH_MAX];
	if ((size_t)snprintf(path, sizeof(path), "%s/%s/APKINDEX", apkindex_dir, apk_arch) >=
	    sizeof(path))
		return pare_error_set(err, -ENAMETOOLONG, "%s: path too long", apkindex_dir);
	struct pare_buf buf;
	pare_buf_init(&buf, PARE_BASEIMAGE_MAX_INDEX);
	int r = pare_read_file(path, &buf, err);
	if (r == 0)
		r = pare_baseimage_index_atoms(b, pare_buf_slice(&buf), path, err);
	if (r == 0)
		r = write_installed(root, pare_buf_slice(&buf), err);
	pare_buf_release(&buf);
	return r < 0 ? pare_error_prefix(err, r, "contents.baseimage.apkindex: ") : 0;
}

/* ---- the image */

int pare_baseimage_copy_blobs(const struct pare_baseimage *b, struct pare_oci_layout *l,
			      struct pare_error *err)
{
	int r = 0;
	for (size_t i = 0; r == 0 && i < b->nlayers; i++) {
		struct stat st;
		int fd = pare_layout_blob_open(b->layout, b->layers[i].blob.digest, &st, err);
		if (fd < 0)
			return fd;
		if ((uint64_t)st.st_size != b->layers[i].blob.size)
			r = pare_error_set(err, -PARE_E_INTEGRITY, "%s: blob %s: %lld bytes, the "
					   "manifest says %llu", b->layout, b->layers[i].blob.digest,
					   (long long)st.st_size,
					   (unsigned long long)b->layers[i].blob.size);
		if (r == 0)
			r = pare_oci_copy_blob(l, fd, b->layers[i].blob.digest, err);
		close(fd);
	}
	return r;
}

static bool cfg_sets(const struct pare_image_config *c, const char *kv)
{
	size_t k = strcspn(kv, "=");
	for (size_t i = 0; i < c->nenvironment; i++)
		if (strlen(c->environment[i].key) == k && !strncmp(c->environment[i].key, kv, k))
			return true;
	return false;
}

static int env_cmp(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* Env: the image's, a base variable the config does not set replacing a
 * default of the same name (PATH) or added. */
static int merge_env(const struct pare_baseimage *b, const struct pare_image_config *cfg,
		     struct pare_arena *a, struct pare_oci_image *img)
{
	const char **env = pare_arena_zalloc(a, (img->nenv + b->nenv + 1) * sizeof(*env));
	if (!env)
		return -ENOMEM;
	size_t n = img->nenv;
	if (n) /* memcpy from NULL is undefined even for 0 bytes */
		memcpy(env, img->env, n * sizeof(*env));
	for (size_t i = 0; i < b->nenv; i++) {
		if (cfg_sets(cfg, b->env[i]))
			continue;
		size_t k = strcspn(b->env[i], "="), j = 0;
		while (j < n && !(strncmp(env[j], b->env[i], k) == 0 && env[j][k] == '='))
			j++;
		env[j] = b->env[i];
		n += j == n;
	}
	qsort(env, n, sizeof(*env), env_cmp);
	img->env = env;
	img->nenv = n;
	return 0;
}

static int merge_labels(const struct pare_baseimage *b, struct pare_arena *a,
			struct pare_oci_image *img)
{
	struct pare_image_kv *kv = pare_arena_zalloc(a, (img->nlabels + b->nlabels + 1) *
							   sizeof(*kv));
	const char **vol = pare_arena_zalloc(a, (img->nvolumes + b->nvolumes + 1) * sizeof(*vol));
	if (!kv || !vol)
		return -ENOMEM;
	size_t n = img->nlabels, m = img->nvolumes;
	if (n)
		memcpy(kv, img->labels, n * sizeof(*kv));
	if (m)
		memcpy(vol, img->volumes, m * sizeof(*vol));
	for (size_t i = 0; i < b->nlabels; i++) {
		size_t j = 0;
		while (j < img->nlabels && strcmp(kv[j].key, b->labels[i].key))
			j++;
		if (j == img->nlabels)
			kv[n++] = b->labels[i];
	}
	for (size_t i = 0; i < b->nvolumes; i++) {
		size_t j = 0;
		while (j < img->nvolumes && strcmp(vol[j], b->volumes[i]))
			j++;
		if (j == img->nvolumes)
			vol[m++] = b->volumes[i];
	}
	img->labels = kv;
	img->nlabels = n;
	img->volumes = vol;
	img->nvolumes = m;
	return 0;
}

int pare_baseimage_merge_config(const struct pare_baseimage *b,
				const struct pare_image_config *cfg, struct pare_arena *a,
				struct pare_oci_image *img, struct pare_error *err)
{
	if (merge_env(b, cfg, a, img) < 0 || merge_labels(b, a, img) < 0)
		return pare_error_set(err, -ENOMEM, "out of memory");
	if (!cfg->entrypoint_command && !cfg->entrypoint_shell_fragment && b->nentrypoint) {
		img->entrypoint = b->entrypoint;
		img->nentrypoint = b->nentrypoint;
	}
	if (!cfg->cmd_text && b->ncmd) {
		img->cmd = b->cmd;
		img->ncmd = b->ncmd;
	}
	if (!cfg->work_dir)
		img->working_dir = b->working_dir;
	if (!cfg->run_as)
		img->user = b->user;
	if (!cfg->stop_signal)
		img->stop_signal = b->stop_signal;
	return 0;
}
