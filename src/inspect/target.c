/* Targets: a directory as it is, or an image (OCI layout, docker-archive)
 * unpacked into a private temporary root.  Layers are read with libarchive
 * (gzip, zstd or plain tar), applied in order with whiteouts; every name is
 * checked, every path opened inside the root, and the entry count and
 * bytes are bounded.  Digests of blobs and uncompressed layers are checked
 * on the way and kept for the OCI checks. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "base/rootpath.h"
#include "io/archive_lazy.h"
#include "io/atomic.h"
#include "io/tree.h"
#include "io/digest.h"
#include "inspect/int.h"
#include "io/stream.h"

struct unpack {
	struct pare_insp_target *t;
	struct pare_root root;
	uint64_t files, bytes, max_files, max_bytes;
	struct pare_error *err;
	const char *layer; /* name for messages */
};

/* snprintf for paths: a truncated path is an error, never a shorter path. */
static int pathf(char *out, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int pathf(char *out, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vsnprintf(out, n, fmt, ap);
	va_end(ap);
	if (r < 0 || (size_t)r >= n) {
		out[0] = '\0';
		return -ENAMETOOLONG;
	}
	return 0;
}

static void remove_children(int dfd)
{
	int fd = dup(dfd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;
	if (!d && fd >= 0)
		close(fd);
	while (d && (de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			pare_remove_at(dirfd(d), de->d_name);
	if (d)
		closedir(d);
}

void pare_insp_target_init(struct pare_insp_target *t)
{
	memset(t, 0, sizeof(*t));
	pare_arena_init(&t->arena, 0, 0);
}

void pare_insp_target_release(struct pare_insp_target *t)
{
	if (!t)
		return;
	if (t->oci) {
		json_decref(t->oci->manifest);
		json_decref(t->oci->config);
	}
	if (t->tmpdir)
		pare_tree_remove(t->tmpdir);
	free(t->tmpdir);
	pare_arena_release(&t->arena);
	pare_insp_target_init(t);
}

static const char *tdup(struct pare_insp_target *t, const char *s)
{
	return s ? pare_arena_strdup(&t->arena, pare_slice_from(s)) : NULL;
}

/* Append a string to a bounded list in the target's arena. */
static void note(struct pare_insp_target *t, const char ***v, size_t *n, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void note(struct pare_insp_target *t, const char ***v, size_t *n, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	if (*n >= PARE_INSP_MAX_EVIDENCE)
		return;
	if (!*v && !(*v = pare_arena_zalloc(&t->arena, PARE_INSP_MAX_EVIDENCE * sizeof(char *))))
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	(*v)[*n] = tdup(t, buf);
	if ((*v)[*n])
		(*n)++;
}

/* ---- applying one layer */

static int refuse(struct unpack *u, const char *name, const char *why)
{
	return pare_error_set(u->err, -PARE_E_UNSAFE_PATH, "%s: entry '%s' %s", u->layer, name, why);
}

static int whiteout(struct unpack *u, const char *path, const char *base, struct pare_error *err)
{
	const char *b;
	char parent[PARE_PATH_MAX];
	size_t plen = (size_t)(base - path);
	pathf(parent, sizeof(parent), "%.*s", plen ? (int)plen : 1, plen ? path : ".");
	int fd = pare_root_openat(&u->root, parent, O_RDONLY | O_DIRECTORY, 0, err);
	if (fd == -ENOENT)
		return 0;
	if (fd < 0)
		return fd;
	note(u->t, &u->t->oci->whiteouts, &u->t->oci->nwhiteouts, "%s: %s", u->layer, path);
	if (strcmp(base, ".wh..wh..opq") == 0)
		remove_children(fd);
	else if ((b = base + 4) && *b && strcmp(b, ".") && strcmp(b, ".."))
		pare_remove_at(fd, b);
	close(fd);
	return 0;
}

static int copy_data(struct unpack *u, struct archive *a, int fd, const char *name)
{
	char buf[65536];
	for (;;) {
		la_ssize_t n = archive_read_data(a, buf, sizeof(buf));
		if (n == 0)
			return 0;
		if (n < 0)
			return pare_error_set(u->err, -PARE_E_FORMAT, "%s: %s: %s", u->layer, name,
					      archive_error_string(a));
		u->bytes += (uint64_t)n;
		if (u->bytes > u->max_bytes)
			return pare_error_set(u->err, -PARE_E_TOO_BIG, "%s: more than %llu bytes "
					      "unpacked, refused", u->layer,
					      (unsigned long long)u->max_bytes);
		int w = pare_write_all(fd, buf, (size_t)n);
		if (w < 0)
			return pare_error_set(u->err, w, "%s: %s", name, strerror(-w));
	}
}

static void apply_meta(int pfd, const char *base, struct archive_entry *e, bool is_link)
{
	uid_t uid = (uid_t)archive_entry_uid(e);
	gid_t gid = (gid_t)archive_entry_gid(e);
	fchownat(pfd, base, uid, gid, AT_SYMLINK_NOFOLLOW);
	if (!is_link)
		fchmodat(pfd, base, archive_entry_mode(e) & 07777, 0);
	const char *xname;
	const void *xval;
	size_t xlen;
	archive_entry_xattr_reset(e);
	while (archive_entry_xattr_next(e, &xname, &xval, &xlen) == ARCHIVE_OK) {
		if (strcmp(xname, "security.capability") != 0 || is_link)
			continue;
		int fd = openat(pfd, base, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd >= 0) {
			fsetxattr(fd, xname, xval, xlen, 0);
			close(fd);
		}
	}
}

static int make_entry(struct unpack *u, struct archive *a, struct archive_entry *e, int pfd,
		      const char *base, const char *name)
{
	mode_t type = archive_entry_filetype(e);
	const char *hl = archive_entry_hardlink(e);
	struct stat st;
	bool exists = fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0;
	if (exists && !(type == AE_IFDIR && S_ISDIR(st.st_mode)))
		pare_remove_at(pfd, base);
	if (hl) {
		struct pare_error e2 = { 0 };
		if (pare_path_check_name(pare_slice_from(hl[0] == '/' ? hl + 1 : hl), &e2) < 0)
			return refuse(u, hl, "(hard link target) is not a safe name");
		int tfd = pare_root_openat(&u->root, hl, O_PATH | O_NOFOLLOW, 0, &e2);
		if (tfd < 0)
			return pare_error_set(u->err, -PARE_E_FORMAT, "%s: hard link %s to missing %s",
					      u->layer, name, hl);
		int r = linkat(tfd, "", pfd, base, AT_EMPTY_PATH);
		close(tfd);
		return r < 0 ? pare_error_set(u->err, -errno, "%s: link %s: %s", u->layer, name,
					      strerror(errno)) : 0;
	}
	int r = 0;
	switch (type) {
	case AE_IFDIR:
		if (!exists || !S_ISDIR(st.st_mode))
			r = mkdirat(pfd, base, 0700);
		break;
	case AE_IFLNK:
		r = symlinkat(archive_entry_symlink(e) ? archive_entry_symlink(e) : "", pfd, base);
		break;
	case AE_IFREG: {
		int fd = openat(pfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0)
			return pare_error_set(u->err, -errno, "%s: %s: %s", u->layer, name,
					      strerror(errno));
		r = copy_data(u, a, fd, name);
		close(fd);
		if (r < 0)
			return r;
		break;
	}
	case AE_IFCHR: case AE_IFBLK: case AE_IFIFO:
		r = mknodat(pfd, base, type | 0600, archive_entry_rdev(e));
		break;
	default:
		return 0; /* sockets and unknown types are not applied */
	}
	if (r < 0)
		return pare_error_set(u->err, -errno, "%s: %s: %s", u->layer, name, strerror(errno));
	apply_meta(pfd, base, e, type == AE_IFLNK);
	return 0;
}

static int apply_entry(struct unpack *u, struct archive *a, struct archive_entry *e)
{
	const char *raw = archive_entry_pathname(e);
	char name[PARE_PATH_MAX];
	struct pare_error e2 = { 0 };
	if (!raw)
		return refuse(u, "?", "has no name");
	if (++u->files > u->max_files)
		return pare_error_set(u->err, -PARE_E_TOO_BIG, "%s: more than %llu entries, refused",
				      u->layer, (unsigned long long)u->max_files);
	struct pare_slice t = pare_path_trim_entry(pare_slice_from(raw));
	if (t.len == 0)
		return 0; /* "/", "./": the root itself, as umoci writes it */
	if (t.ptr[0] == '/')
		return refuse(u, raw, "is an absolute name");
	if (t.len >= sizeof(name))
		return refuse(u, raw, "is too long");
	memcpy(name, t.ptr, t.len);
	name[t.len] = '\0';
	if (pare_path_check_name(pare_slice_from(name), &e2) < 0)
		return refuse(u, name, strstr(e2.msg, "..") ? "climbs out with '..'" : e2.msg);
	const char *base = strrchr(name, '/');
	base = base ? base + 1 : name;
	if (pi_has_prefix(base, ".wh."))
		return whiteout(u, name, base, u->err);
	int pfd = pare_root_open_parent(&u->root, name, true, 0755, &base, &e2);
	if (pfd < 0)
		return pare_error_set(u->err, pfd, "%s: entry '%s': %s", u->layer, name,
				      pfd == -ELOOP ? "symlink loop in its parents" : e2.msg);
	int r = make_entry(u, a, e, pfd, base, name);
	close(pfd);
	return r;
}

/* ---- reading a blob through libarchive, hashing what passes */

struct blob_reader {
	int fd;
	struct pare_digest d;
	uint64_t size;
	char buf[65536];
};

static la_ssize_t blob_read(struct archive *a, void *ctx, const void **out)
{
	struct blob_reader *r = ctx;
	(void)a;
	ssize_t n = read(r->fd, r->buf, sizeof(r->buf));
	if (n > 0) {
		pare_digest_update(&r->d, r->buf, (size_t)n);
		r->size += (uint64_t)n;
	}
	*out = r->buf;
	return n;
}

static void digest_text(struct pare_digest *d, char out[80])
{
	struct pare_digest_value v;
	pare_digest_final(d, &v);
	memcpy(out, "sha256:", 7);
	pare_hex_encode(v.bytes, v.len, out + 7);
}

/* Apply the layer at path; *compressed gets its blob digest. */
static int apply_layer(struct unpack *u, const char *path, char compressed[80])
{
	struct blob_reader *r = calloc(1, sizeof(*r));
	struct archive *a = archive_read_new();
	int rc = 0;
	if (!r || !a) {
		free(r);
		archive_read_free(a);
		return -ENOMEM;
	}
	r->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (r->fd < 0) {
		rc = pare_error_set(u->err, -errno, "%s: %s", path, strerror(errno));
		goto out;
	}
	pare_digest_init(&r->d, PARE_DIGEST_SHA256);
	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	if (archive_read_open(a, r, NULL, blob_read, NULL) != ARCHIVE_OK) {
		rc = pare_error_set(u->err, -PARE_E_FORMAT, "%s: %s", u->layer,
				    archive_error_string(a));
		goto out;
	}
	struct archive_entry *e;
	int ar;
	while (rc == 0 && (ar = archive_read_next_header(a, &e)) == ARCHIVE_OK)
		rc = apply_entry(u, a, e);
	if (rc == 0 && ar != ARCHIVE_EOF)
		rc = pare_error_set(u->err, -PARE_E_FORMAT, "%s: %s", u->layer,
				    archive_error_string(a));
out:
	archive_read_free(a);
	if (r->fd >= 0) {
		/* hash whatever libarchive did not consume (padding) */
		ssize_t n;
		off_t pos = (off_t)r->size;
		while ((n = pread(r->fd, r->buf, sizeof(r->buf), pos)) > 0) {
			pare_digest_update(&r->d, r->buf, (size_t)n);
			pos += n;
		}
		digest_text(&r->d, compressed);
		close(r->fd);
	}
	pare_digest_release(&r->d);
	free(r);
	return rc;
}

/* sha256 of the uncompressed stream (diff_id). */
static int uncompressed_digest(const char *path, char out[80])
{
	struct archive *a = archive_read_new();
	struct pare_digest d;
	int rc = -PARE_E_FORMAT;
	if (!a)
		return -ENOMEM;
	pare_digest_init(&d, PARE_DIGEST_SHA256);
	archive_read_support_filter_all(a);
	archive_read_support_format_raw(a);
	struct archive_entry *e;
	if (archive_read_open_filename(a, path, 65536) == ARCHIVE_OK &&
	    archive_read_next_header(a, &e) == ARCHIVE_OK) {
		char buf[65536];
		la_ssize_t n;
		while ((n = archive_read_data(a, buf, sizeof(buf))) > 0)
			pare_digest_update(&d, buf, (size_t)n);
		rc = n == 0 ? 0 : -PARE_E_FORMAT;
	}
	digest_text(&d, out);
	pare_digest_release(&d);
	archive_read_free(a);
	return rc;
}

static int file_digest(const char *path, char out[80], uint64_t *size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	struct pare_digest_value v;
	struct stat st;
	int r = pare_digest_fd(fd, PARE_DIGEST_SHA256, &v);
	if (r == 0 && fstat(fd, &st) < 0)
		r = -errno;
	close(fd);
	if (r < 0)
		return -EIO;
	*size = (uint64_t)st.st_size;
	memcpy(out, "sha256:", 7);
	pare_hex_encode(v.bytes, v.len, out + 7);
	return 0;
}

/* ---- JSON */

static int load_json(const char *path, json_t **out, struct pare_error *err)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return pare_error_set(err, -errno, "%s: %s", path, strerror(errno));
	if ((uint64_t)st.st_size > PARE_INSP_MAX_JSON)
		return pare_error_set(err, -PARE_E_TOO_BIG, "%s: larger than %u bytes", path,
				      PARE_INSP_MAX_JSON);
	json_error_t je;
	*out = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (!*out)
		return pare_error_set(err, -PARE_E_FORMAT, "%s:%d: %s", path, je.line, je.text);
	return 0;
}

static bool safe_digest(const char *d)
{
	if (!d || strncmp(d, "sha256:", 7) != 0 || strlen(d) != 71)
		return false;
	for (const char *p = d + 7; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return false;
	return true;
}

static int blob_path(const char *layout, const char *digest, char *out, size_t n,
		     struct pare_error *err)
{
	if (!safe_digest(digest))
		return pare_error_set(err, -PARE_E_FORMAT, "%s: digest '%s' is not sha256:HEX",
				      layout, digest ? digest : "(none)");
	return pathf(out, n, "%s/blobs/sha256/%s", layout, digest + 7) < 0
		       ? pare_error_set(err, -ENAMETOOLONG, "%s: path too long", layout) : 0;
}

static const char **strv(struct pare_insp_target *t, json_t *a, size_t *n)
{
	*n = 0;
	if (!json_is_array(a) || json_array_size(a) > 4096)
		return NULL;
	const char **v = pare_arena_zalloc(&t->arena, (json_array_size(a) + 1) * sizeof(char *));
	size_t i;
	json_t *x;
	json_array_foreach(a, i, x)
		if (v && json_is_string(x))
			v[(*n)++] = tdup(t, json_string_value(x));
	return v;
}

static void runinfo_from_config(struct pare_insp_target *t, json_t *config)
{
	json_t *c = json_object_get(config, "config");
	struct pare_insp_runinfo *r = &t->run;
	r->present = true;
	r->env = strv(t, json_object_get(c, "Env"), &r->nenv);
	r->entrypoint = strv(t, json_object_get(c, "Entrypoint"), &r->nentrypoint);
	r->cmd = strv(t, json_object_get(c, "Cmd"), &r->ncmd);
	r->user = tdup(t, json_string_value(json_object_get(c, "User")));
	r->workdir = tdup(t, json_string_value(json_object_get(c, "WorkingDir")));
	if (r->user && !*r->user)
		r->user = NULL;
}

/* ---- the temporary root */

static int make_tmp(struct pare_insp_target *t, const struct pare_insp_target_opts *o,
		    struct unpack *u, struct pare_error *err)
{
	const char *base = o && o->tmp_dir ? o->tmp_dir : getenv("TMPDIR");
	char buf[PARE_PATH_MAX];
	pathf(buf, sizeof(buf), "%s/pare-inspect-XXXXXX", base && *base ? base : "/tmp");
	if (!mkdtemp(buf))
		return pare_error_set(err, -errno, "%s: %s", buf, strerror(errno));
	t->tmpdir = strdup(buf);
	pathf(buf + strlen(buf), sizeof(buf) - strlen(buf), "/rootfs");
	if (!t->tmpdir || mkdir(buf, 0755) < 0)
		return pare_error_set(err, -errno, "%s: %s", buf, strerror(errno));
	t->root = tdup(t, buf);
	u->t = t;
	u->err = err;
	u->max_files = o && o->max_files ? o->max_files : PARE_INSP_MAX_FILES;
	u->max_bytes = o && o->max_bytes ? o->max_bytes : PARE_INSP_MAX_BYTES;
	return pare_root_open(&u->root, buf, err);
}

/* ---- OCI image layout */

static bool known_mt(const char *mt, bool layer)
{
	static const char *const layers[] = {
		"application/vnd.oci.image.layer.v1.tar",
		"application/vnd.oci.image.layer.v1.tar+gzip",
		"application/vnd.oci.image.layer.v1.tar+zstd",
		"application/vnd.docker.image.rootfs.diff.tar.gzip", NULL,
	};
	static const char *const configs[] = {
		"application/vnd.oci.image.config.v1+json",
		"application/vnd.docker.container.image.v1+json", NULL,
	};
	const char *const *v = layer ? layers : configs;
	for (size_t i = 0; mt && v[i]; i++)
		if (strcmp(mt, v[i]) == 0)
			return true;
	return false;
}

/* Read blob `desc` as JSON, checking its digest and size. */
static int read_desc_json(struct pare_insp_target *t, json_t *desc, const char *what, json_t **out,
			  struct pare_error *err)
{
	struct pare_insp_oci *oci = t->oci;
	const char *dg = json_string_value(json_object_get(desc, "digest"));
	char path[PARE_PATH_MAX], got[80];
	uint64_t size;
	int rc = blob_path(oci->layout, dg, path, sizeof(path), err);
	if (rc == 0 && (rc = file_digest(path, got, &size)) < 0)
		return pare_error_set(err, rc, "%s: %s blob %s: %s", oci->layout, what, dg,
				      strerror(-rc));
	if (rc < 0)
		return rc;
	if (strcmp(got, dg) != 0)
		note(t, &oci->bad_digests, &oci->nbad_digests, "%s %s has digest %s", what, dg, got);
	json_t *js = json_object_get(desc, "size");
	if (json_is_integer(js) && (uint64_t)json_integer_value(js) != size)
		note(t, &oci->bad_sizes, &oci->nbad_sizes, "%s %s: descriptor says %lld bytes, "
		     "blob has %llu", what, dg, (long long)json_integer_value(js),
		     (unsigned long long)size);
	return load_json(path, out, err);
}

static bool desc_matches(json_t *d, const char *ref)
{
	json_t *ann = json_object_get(d, "annotations");
	const char *name = json_string_value(json_object_get(ann, "org.opencontainers.image.ref.name"));
	const char *dg = json_string_value(json_object_get(d, "digest"));
	return (name && strcmp(name, ref) == 0) || (dg && strcmp(dg, ref) == 0);
}

static bool is_index_mt(const char *mt)
{
	return mt && (strstr(mt, "image.index") || strstr(mt, "manifest.list"));
}

/* Pick the manifest descriptor: the one named by ref, the only one, or
 * the host's platform in a nested index. */
static int pick_manifest(struct pare_insp_target *t, json_t *index, const char *ref, int depth,
			 json_t **manifest, struct pare_error *err)
{
	json_t *ms = json_object_get(index, "manifests"), *d, *pick = NULL;
	size_t i;
	if (!json_is_array(ms) || json_array_size(ms) == 0)
		return pare_error_set(err, -PARE_E_FORMAT, "%s: the index lists no manifests",
				      t->oci->layout);
	if (ref && depth == 0) {
		json_array_foreach(ms, i, d)
			if (desc_matches(d, ref))
				pick = d;
		if (!pick)
			return pare_error_set(err, -PARE_E_NOT_FOUND, "%s: no image '%s'",
					      t->oci->layout, ref);
	} else if (json_array_size(ms) == 1) {
		pick = json_array_get(ms, 0);
	} else if (depth > 0) {
		json_array_foreach(ms, i, d) {
			json_t *pl = json_object_get(d, "platform");
			const char *arch = json_string_value(json_object_get(pl, "architecture"));
			if (!pick && arch && (strcmp(arch, "amd64") == 0 || strcmp(arch, "arm64") == 0))
				pick = d;
		}
		if (!pick)
			pick = json_array_get(ms, 0);
	} else {
		return pare_error_set(err, -PARE_E_USAGE, "%s: %zu images; choose one with --image "
				      "REF", t->oci->layout, json_array_size(ms));
	}
	const char *mt = json_string_value(json_object_get(pick, "mediaType"));
	json_t *m = NULL;
	int rc = read_desc_json(t, pick, "manifest", &m, err);
	if (rc < 0)
		return rc;
	const char *inner = json_string_value(json_object_get(m, "mediaType"));
	if ((is_index_mt(mt) || is_index_mt(inner)) && depth < 2) {
		rc = pick_manifest(t, m, NULL, depth + 1, manifest, err);
		json_decref(m);
		return rc;
	}
	t->oci->manifest_mt = tdup(t, mt ? mt : inner);
	*manifest = m;
	return 0;
}

static void check_layout_file(struct pare_insp_target *t)
{
	char path[PARE_PATH_MAX];
	json_t *j = NULL;
	struct pare_error e = { 0 };
	pathf(path, sizeof(path), "%s/oci-layout", t->oci->layout);
	if (load_json(path, &j, &e) == 0 &&
	    json_is_string(json_object_get(j, "imageLayoutVersion")))
		t->oci->layout_file_ok = true;
	json_decref(j);
}

static void find_sbom(struct pare_insp_target *t)
{
	char path[PARE_PATH_MAX];
	struct stat st;
	pathf(path, sizeof(path), "%s/sbom.spdx.json", t->oci->layout);
	if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
		t->oci->sbom_path = tdup(t, path);
}

static int unpack_layers(struct pare_insp_target *t, struct unpack *u, json_t *layers,
			 struct pare_error *err)
{
	json_t *diff = json_object_get(json_object_get(t->oci->config, "rootfs"), "diff_ids");
	json_t *d;
	size_t i;
	t->oci->nlayers = json_array_size(layers);
	t->oci->ndiff_ids = json_array_size(diff);
	json_array_foreach(layers, i, d) {
		const char *dg = json_string_value(json_object_get(d, "digest"));
		const char *mt = json_string_value(json_object_get(d, "mediaType"));
		char path[PARE_PATH_MAX], got[80], raw[80], name[128];
		int rc = blob_path(t->oci->layout, dg, path, sizeof(path), err);
		if (rc < 0)
			return rc;
		pathf(name, sizeof(name), "layer %zu (%.19s)", i + 1, dg);
		u->layer = name;
		if (!known_mt(mt, true))
			note(t, &t->oci->bad_media_types, &t->oci->nbad_mt, "%s: media type %s", name,
			     mt ? mt : "(none)");
		if ((rc = apply_layer(u, path, got)) < 0)
			return rc;
		if (strcmp(got, dg) != 0)
			note(t, &t->oci->bad_digests, &t->oci->nbad_digests, "%s has digest %s", name,
			     got);
		struct stat st;
		json_t *js = json_object_get(d, "size");
		if (stat(path, &st) == 0 && json_is_integer(js) &&
		    json_integer_value(js) != (json_int_t)st.st_size)
			note(t, &t->oci->bad_sizes, &t->oci->nbad_sizes, "%s: descriptor says %lld "
			     "bytes, blob has %lld", name, (long long)json_integer_value(js),
			     (long long)st.st_size);
		const char *want = json_string_value(json_array_get(diff, i));
		if (uncompressed_digest(path, raw) < 0 || !want || strcmp(raw, want) != 0)
			note(t, &t->oci->bad_diffids, &t->oci->nbad_diffids, "%s: uncompressed %s, "
			     "config diff_id %s", name, raw, want ? want : "(none)");
	}
	return 0;
}

static int open_layout(struct pare_insp_target *t, const char *dir,
		       const struct pare_insp_target_opts *o, struct pare_error *err)
{
	struct unpack u;
	char path[PARE_PATH_MAX];
	json_t *index = NULL, *manifest = NULL, *config = NULL;
	memset(&u, 0, sizeof(u));
	u.root.fd = -1;
	t->kind = t->kind ? t->kind : "oci-layout";
	t->oci = pare_arena_zalloc(&t->arena, sizeof(*t->oci));
	if (!t->oci)
		return -ENOMEM;
	t->oci->layout = tdup(t, dir);
	check_layout_file(t);
	find_sbom(t);
	pathf(path, sizeof(path), "%s/index.json", dir);
	int rc = load_json(path, &index, err);
	if (rc == 0)
		rc = pick_manifest(t, index, o ? o->image_ref : NULL, 0, &manifest, err);
	if (rc == 0) {
		t->oci->manifest = manifest;
		json_t *cd = json_object_get(manifest, "config");
		t->oci->config_mt = tdup(t, json_string_value(json_object_get(cd, "mediaType")));
		t->oci->schema_ok = json_integer_value(json_object_get(manifest, "schemaVersion")) == 2;
		rc = read_desc_json(t, cd, "config", &config, err);
	}
	if (rc == 0) {
		t->oci->config = config;
		runinfo_from_config(t, config);
		rc = make_tmp(t, o, &u, err);
	}
	if (rc == 0)
		rc = unpack_layers(t, &u, json_object_get(manifest, "layers"), err);
	json_decref(index);
	pare_root_release(&u.root);
	return rc;
}

/* ---- docker-archive: unpacked (bounded) into TMP/archive, then its
 * manifest.json read as a layout would be. */

static int extract_archive(struct pare_insp_target *t, const char *file, const char *dest,
			   const struct pare_insp_target_opts *o, struct pare_error *err)
{
	struct unpack u;
	memset(&u, 0, sizeof(u));
	u.t = t;
	u.err = err;
	u.max_files = 100000;
	u.max_bytes = o && o->max_bytes ? o->max_bytes : PARE_INSP_MAX_BYTES;
	u.layer = file;
	char dummy[80];
	if (mkdir(dest, 0700) < 0)
		return pare_error_set(err, -errno, "%s: %s", dest, strerror(errno));
	int rc = pare_root_open(&u.root, dest, err);
	/* A docker archive has no whiteouts; the oci pointer is needed by
	 * whiteout() only for notes. */
	if (rc == 0)
		rc = apply_layer(&u, file, dummy);
	pare_root_release(&u.root);
	return rc;
}

static int docker_layers(struct pare_insp_target *t, struct unpack *u, json_t *layers,
			 const char *dir, struct pare_error *err)
{
	json_t *diff = json_object_get(json_object_get(t->oci->config, "rootfs"), "diff_ids");
	json_t *l;
	size_t i;
	t->oci->nlayers = json_array_size(layers);
	t->oci->ndiff_ids = json_array_size(diff);
	json_array_foreach(layers, i, l) {
		const char *rel = json_string_value(l);
		char path[PARE_PATH_MAX], got[80], raw[80], name[128];
		struct pare_error e2 = { 0 };
		if (!rel || pare_path_check_name(pare_slice_from(rel), &e2) < 0)
			return pare_error_set(err, -PARE_E_UNSAFE_PATH, "manifest.json: layer '%s' "
					      "is not a safe name", rel ? rel : "?");
		pathf(path, sizeof(path), "%s/%s", dir, rel);
		pathf(name, sizeof(name), "layer %zu (%.40s)", i + 1, rel);
		u->layer = name;
		int rc = apply_layer(u, path, got);
		if (rc < 0)
			return rc;
		const char *want = json_string_value(json_array_get(diff, i));
		if (uncompressed_digest(path, raw) < 0 || !want || strcmp(raw, want) != 0)
			note(t, &t->oci->bad_diffids, &t->oci->nbad_diffids, "%s: uncompressed %s, "
			     "config diff_id %s", name, raw, want ? want : "(none)");
	}
	return 0;
}

static int open_docker(struct pare_insp_target *t, const char *file,
		       const struct pare_insp_target_opts *o, struct pare_error *err)
{
	struct unpack u;
	char dir[PARE_PATH_MAX], path[PARE_PATH_MAX], got[80];
	json_t *m = NULL, *config = NULL;
	uint64_t size;
	memset(&u, 0, sizeof(u));
	u.root.fd = -1;
	t->kind = "docker-archive";
	t->oci = pare_arena_zalloc(&t->arena, sizeof(*t->oci));
	if (!t->oci)
		return -ENOMEM;
	t->oci->is_docker = true;
	int rc = make_tmp(t, o, &u, err);
	pathf(dir, sizeof(dir), "%s/archive", t->tmpdir ? t->tmpdir : "");
	t->oci->layout = tdup(t, dir);
	if (rc == 0)
		rc = extract_archive(t, file, dir, o, err);
	pathf(path, sizeof(path), "%s/manifest.json", dir);
	if (rc == 0)
		rc = load_json(path, &m, err);
	json_t *first = json_array_get(m, 0);
	const char *cfg = json_string_value(json_object_get(first, "Config"));
	struct pare_error e2 = { 0 };
	if (rc == 0 && (!cfg || pare_path_check_name(pare_slice_from(cfg), &e2) < 0))
		rc = pare_error_set(err, -PARE_E_FORMAT, "%s: manifest.json names no safe Config", file);
	if (rc == 0) {
		pathf(path, sizeof(path), "%s/%s", dir, cfg);
		rc = load_json(path, &config, err);
	}
	if (rc == 0) {
		const char *b = strrchr(cfg, '/');
		char want[80];
		pathf(want, sizeof(want), "sha256:%.64s", b ? b + 1 : cfg);
		if (file_digest(path, got, &size) == 0 && strlen(b ? b + 1 : cfg) >= 64 &&
		    strncmp(got, want, 71) != 0)
			note(t, &t->oci->bad_digests, &t->oci->nbad_digests, "config %s has digest %s",
			     cfg, got);
		t->oci->config = config;
		t->oci->manifest = json_incref(first);
		t->oci->schema_ok = true;
		t->oci->layout_file_ok = true;
		runinfo_from_config(t, config);
		rc = docker_layers(t, &u, json_object_get(first, "Layers"), dir, err);
	}
	json_decref(m);
	pare_root_release(&u.root);
	return rc;
}

int pare_insp_target_open(struct pare_insp_target *t, const char *path,
			  const struct pare_insp_target_opts *o, struct pare_error *err)
{
	struct stat st;
	char probe[PARE_PATH_MAX];
	if (stat(path, &st) < 0)
		return pare_error_set(err, -errno, "%s: %s", path, strerror(errno));
	if (S_ISREG(st.st_mode))
		return open_docker(t, path, o, err);
	if (!S_ISDIR(st.st_mode))
		return pare_error_set(err, -PARE_E_USAGE, "%s: not a directory, OCI layout or "
				      "docker-archive", path);
	pathf(probe, sizeof(probe), "%s/index.json", path);
	bool has_index = access(probe, F_OK) == 0;
	pathf(probe, sizeof(probe), "%s/oci-layout", path);
	if (has_index || access(probe, F_OK) == 0)
		return open_layout(t, path, o, err);
	t->kind = "directory";
	t->root = tdup(t, path);
	return t->root ? 0 : -ENOMEM;
}

const char *pare_insp_target_label(const struct pare_insp_target *t, const char *key)
{
	if (!t->oci)
		return NULL;
	json_t *l = json_object_get(json_object_get(t->oci->config, "config"), "Labels");
	return json_string_value(json_object_get(l, key));
}
