/* What an OCI layout holds: sizes by directory, package and file, read
 * from the image's layers (report.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apk/tar.h"
#include "base/arena.h"
#include "db/installed.h"
#include "base/rootpath.h"
#include "image/oci.h"
#include "image/oci_int.h"
#include "image/report.h"
#include "io/gzip.h"
#include "io/stream.h"

#define RS_DIR_BYTES 4096u /* what du counts for a directory on ext4 */
#define RS_DB_PATH "lib/apk/db/installed"
#define RS_MAX_LAYERS 128u

struct rs_file {
	const char *path;
	uint64_t bytes;
};

struct rs {
	const char *layout;
	struct pare_arena arena;
	struct rs_file *files; /* regular files (not hard links) */
	size_t nfiles, cap;
	uint64_t entries;
	uint64_t bytes, compressed;
	struct pare_buf db; /* lib/apk/db/installed of the last layer holding it */
	struct pare_error *err;
};

/* A blob of the layout by digest ("sha256:HEX"). */
static int blob_path(const struct rs *s, const char *digest, char *out, size_t size)
{
	if (!digest || !pare_oci_digest_valid(digest))
		return pare_error_set(s->err, -PARE_E_FORMAT, "%s: bad digest '%s'", s->layout,
				      digest ? digest : "(none)");
	if ((size_t)snprintf(out, size, "%s/blobs/sha256/%s", s->layout, digest + 7) >= size)
		return pare_error_set(s->err, -ENAMETOOLONG, "%s: path too long", s->layout);
	return 0;
}

static int load_json(struct rs *s, const char *path, json_t **out)
{
	struct pare_buf b;
	json_error_t je;
	pare_buf_init(&b, PARE_OCI_MAX_JSON);
	int r = pare_read_file(path, &b, s->err);
	if (r == 0 && !(*out = json_loadb(b.data ? b.data : "", b.len, JSON_REJECT_DUPLICATES, &je)))
		r = pare_error_set(s->err, -PARE_E_FORMAT, "%s: %s (line %d)", path, je.text,
				   je.line);
	pare_buf_release(&b);
	return r;
}

/* The first image manifest of index.json (following one nested index). */
static int find_manifest(struct rs *s, json_t **manifest)
{
	char path[PARE_PATH_MAX];
	json_t *idx = NULL;
	if ((size_t)snprintf(path, sizeof(path), "%s/index.json", s->layout) >= sizeof(path))
		return pare_error_set(s->err, -ENAMETOOLONG, "%s: path too long", s->layout);
	int r = load_json(s, path, &idx);
	for (int depth = 0; r == 0 && depth < 2; depth++) {
		json_t *m0 = json_array_get(json_object_get(idx, "manifests"), 0);
		const char *mt = json_string_value(json_object_get(m0, "mediaType"));
		bool nested = mt && strstr(mt, "index") != NULL; /* before idx goes */
		r = blob_path(s, json_string_value(json_object_get(m0, "digest")), path, sizeof(path));
		json_t *next = NULL;
		if (r == 0)
			r = load_json(s, path, &next);
		json_decref(idx);
		idx = next;
		if (r == 0 && !nested) {
			*manifest = idx;
			return 0;
		}
	}
	json_decref(idx);
	return r ? r : pare_error_set(s->err, -PARE_E_FORMAT, "%s: no image manifest", s->layout);
}

static int add_file(struct rs *s, struct pare_slice name, uint64_t size)
{
	if (s->nfiles == s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 1024;
		struct rs_file *nv = realloc(s->files, ncap * sizeof(*nv));
		if (!nv)
			return pare_error_set(s->err, -ENOMEM, "out of memory");
		s->files = nv;
		s->cap = ncap;
	}
	const char *p = pare_arena_strdup(&s->arena, name);
	if (!p)
		return pare_error_set(s->err, -ENOMEM, "out of memory");
	s->files[s->nfiles++] = (struct rs_file){ p, size };
	return 0;
}

static int read_db(struct rs *s, struct pare_tar_reader *tr)
{
	char chunk[65536];
	pare_buf_reset(&s->db);
	for (;;) {
		ssize_t n = pare_tar_read(tr, chunk, sizeof(chunk), s->err);
		if (n <= 0)
			return (int)n;
		if (pare_buf_append(&s->db, chunk, (size_t)n) < 0)
			return pare_error_set(s->err, -PARE_E_TOO_BIG, "%s: %s larger than %u bytes",
					      s->layout, RS_DB_PATH, PARE_REPORT_MAX_DB);
	}
}

static int walk_entry(struct rs *s, struct pare_tar_reader *tr, const struct pare_tar_entry *e)
{
	struct pare_slice n = pare_path_trim_lead(e->name);
	if (++s->entries > PARE_REPORT_MAX_ENTRIES)
		return pare_error_set(s->err, -PARE_E_TOO_BIG, "%s: more than %u layer entries",
				      s->layout, PARE_REPORT_MAX_ENTRIES);
	if (n.len == 0)
		return 0; /* the root itself: counted once by the caller */
	switch (e->type) {
	case PARE_TAR_REG:
		s->bytes += e->size;
		if (pare_slice_eq_cstr(n, RS_DB_PATH)) {
			int r = add_file(s, n, e->size);
			return r ? r : read_db(s, tr);
		}
		return add_file(s, n, e->size);
	case PARE_TAR_SYMLINK: s->bytes += e->linkname.len; return 0;
	case PARE_TAR_DIR: s->bytes += RS_DIR_BYTES; return 0;
	default: return 0; /* hard links once; devices and fifos have no bytes */
	}
}

static int walk_layer(struct rs *s, const char *path)
{
	struct pare_fd_stream fs;
	struct pare_istream in, gzs;
	struct pare_gz_reader *gz = malloc(sizeof(*gz));
	struct pare_tar_reader tr;
	struct pare_tar_entry e;
	if (!gz)
		return pare_error_set(s->err, -ENOMEM, "out of memory");
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		free(gz);
		return pare_error_set(s->err, -errno, "%s: %s", path, strerror(errno));
	}
	pare_fd_istream_init(&fs, &in, fd, path);
	int r = pare_gz_reader_init(gz, &in, path, s->err);
	if (r == 0) {
		pare_gz_set_multi(gz, true);
		pare_gz_istream(gz, &gzs);
		pare_tar_reader_init(&tr, &gzs, NULL);
		while ((r = pare_tar_next(&tr, &e, s->err)) == 1)
			if ((r = walk_entry(s, &tr, &e)) < 0)
				break;
		pare_tar_reader_release(&tr);
		pare_gz_reader_release(gz);
	}
	close(fd);
	free(gz);
	return r < 0 ? r : 0;
}

static int walk_layers(struct rs *s, json_t *manifest)
{
	json_t *layers = json_object_get(manifest, "layers");
	size_t n = json_array_size(layers);
	if (n == 0 || n > RS_MAX_LAYERS)
		return pare_error_set(s->err, -PARE_E_FORMAT, "%s: %zu layers", s->layout, n);
	s->bytes = RS_DIR_BYTES; /* the root directory */
	for (size_t i = 0; i < n; i++) {
		char path[PARE_PATH_MAX];
		json_t *l = json_array_get(layers, i);
		json_int_t size = json_integer_value(json_object_get(l, "size"));
		const char *mt = json_string_value(json_object_get(l, "mediaType"));
		if (!mt || !strstr(mt, "gzip"))
			return pare_error_set(s->err, -PARE_E_UNSUPPORTED,
					      "%s: layer %zu is not gzip", s->layout, i);
		int r = blob_path(s, json_string_value(json_object_get(l, "digest")), path,
				  sizeof(path));
		if (r == 0)
			r = walk_layer(s, path);
		if (r < 0)
			return r;
		s->compressed += size > 0 ? (uint64_t)size : 0;
	}
	return 0;
}

/* ---- aggregation */

static void add_bytes(json_t *obj, const char *key, uint64_t bytes)
{
	json_t *v = json_object_get(obj, key);
	uint64_t old = v ? (uint64_t)json_integer_value(v) : 0;
	json_object_set_new(obj, key, json_integer((json_int_t)(old + bytes)));
}

/* "usr/lib/x/y" -> "usr/lib"; "etc/passwd" -> "etc"; "file" -> "/" */
static void dir_key(const char *path, char *out, size_t size)
{
	const char *a = strchr(path, '/');
	size_t len = 0;
	if (!a) {
		snprintf(out, size, "/");
		return;
	}
	len = (size_t)(a - path);
	if (len == 3 && strncmp(path, "usr", 3) == 0) {
		const char *b = strchr(a + 1, '/');
		len = b ? (size_t)(b - path) : strlen(path);
	}
	snprintf(out, size, "%.*s", (int)(len < size ? len : size - 1), path);
}

/* The installed database read from the layer (empty when there is none). */
static int parse_db(struct rs *s, struct pare_db_installed *db)
{
	size_t len = s->db.len;
	char *text = pare_buf_detach(&s->db, &len);
	if (!text)
		return 0;
	return pare_db_installed_parse(db, text, len, RS_DB_PATH, s->err);
}

/* The owner's name of path in buf, or "(other)". */
static const char *owner_of(const struct pare_db_installed *db, const char *path, char *buf,
			    size_t size)
{
	const struct pare_db_file *f = pare_db_owner(db, pare_slice_from(path));
	if (!f || !f->pkg)
		return "(other)";
	snprintf(buf, size, "%.*s", (int)f->pkg->ent.name.len, f->pkg->ent.name.ptr);
	return buf;
}

static int cmp_file_desc(const void *a, const void *b)
{
	const struct rs_file *x = a, *y = b;
	if (x->bytes != y->bytes)
		return x->bytes < y->bytes ? 1 : -1;
	return strcmp(x->path, y->path);
}

static int summarize(struct rs *s, json_t *o)
{
	struct pare_db_installed db;
	char name[256];
	json_t *dirs = json_object(), *pkgs = json_object(), *largest = json_array();
	pare_db_installed_init(&db);
	int r = parse_db(s, &db);
	for (size_t i = 0; r == 0 && i < s->nfiles; i++) {
		char key[256];
		dir_key(s->files[i].path, key, sizeof(key));
		add_bytes(dirs, key, s->files[i].bytes);
		add_bytes(pkgs, owner_of(&db, s->files[i].path, name, sizeof(name)), s->files[i].bytes);
	}
	if (s->nfiles > 1) /* an empty image may have no array */
		qsort(s->files, s->nfiles, sizeof(s->files[0]), cmp_file_desc);
	for (size_t i = 0; r == 0 && i < s->nfiles && i < PARE_REPORT_LARGEST; i++) {
		json_t *f = json_object();
		const char *owner = owner_of(&db, s->files[i].path, name, sizeof(name));
		json_object_set_new(f, "path", json_string(s->files[i].path));
		json_object_set_new(f, "bytes", json_integer((json_int_t)s->files[i].bytes));
		json_object_set_new(f, "package", json_string(owner));
		json_array_append_new(largest, f);
	}
	pare_db_installed_release(&db);
	json_object_set_new(o, "pare_bytes", json_integer((json_int_t)s->bytes));
	json_object_set_new(o, "pare_compressed_bytes", json_integer((json_int_t)s->compressed));
	json_object_set_new(o, "files", json_integer((json_int_t)s->nfiles));
	json_object_set_new(o, "dirs", dirs);
	json_object_set_new(o, "packages", pkgs);
	json_object_set_new(o, "largest", largest);
	return r;
}

int pare_image_stats(const char *layout_dir, json_t **out, struct pare_error *err)
{
	struct rs s = { .layout = layout_dir, .err = err };
	json_t *manifest = NULL, *o = NULL;
	*out = NULL;
	pare_arena_init(&s.arena, 1u << 20, 0);
	pare_buf_init(&s.db, PARE_REPORT_MAX_DB);
	int r = find_manifest(&s, &manifest);
	if (r == 0)
		r = walk_layers(&s, manifest);
	if (r == 0) {
		o = json_object();
		r = summarize(&s, o);
	}
	if (r == 0)
		*out = o;
	else
		json_decref(o);
	json_decref(manifest);
	free(s.files);
	pare_buf_release(&s.db);
	pare_arena_release(&s.arena);
	return r;
}
