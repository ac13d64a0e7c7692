/* Unit tests for src/image/layer.c, oci.c, dockerarchive.c, sbom.c and
 * image.c: a small tree under a mkdtemp directory is packed; the layer is
 * read back with the project's gzip and tar readers (order, types, links,
 * modes, owners, mtimes, PAX only where needed), its digests recomputed,
 * and two writes compared byte for byte.  The OCI layout, docker archive
 * and SBOM JSON are parsed back with jansson. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "apk/tar.h"
#include "base/buf.h"
#include "image/image.h"
#include "image/layer.h"
#include "image/oci.h"
#include "image/sbom.h"
#include "io/gzip.h"

static char tmpdir[256];

static void path_in(char *out, size_t n, const char *rel)
{
	snprintf(out, n, "%s/%s", tmpdir, rel);
}

static void put_file(const char *rel, const char *text, mode_t mode)
{
	char p[512];
	path_in(p, sizeof(p), rel);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	assert_int_equal(chmod(p, mode), 0);
}

static void make_tree(void)
{
	char p[512], q[512];
	static const char *const dirs[] = { "root", "root/usr", "root/usr/bin", "root/etc",
					    "root/a-b", "root/deep", NULL };
	for (size_t i = 0; dirs[i]; i++) {
		path_in(p, sizeof(p), dirs[i]);
		assert_int_equal(mkdir(p, 0755), 0);
	}
	put_file("root/usr/bin/hello", "#!/bin/sh\necho hello\n", 04755);
	put_file("root/etc/passwd", "root:x:0:0::/root:/bin/sh\n", 0644);
	put_file("root/a-b/x", "x", 0600);
	path_in(p, sizeof(p), "root/usr/bin/hello");
	path_in(q, sizeof(q), "root/usr/bin/hello2");
	assert_int_equal(link(p, q), 0);
	path_in(q, sizeof(q), "root/usr/bin/sh");
	assert_int_equal(symlink("hello", q), 0);
	/* a name too long for ustar: needs a PAX path */
	char longname[300] = "root/deep/";
	memset(longname + 10, 'n', 200);
	longname[210] = '\0';
	put_file(longname, "long", 0644);
	path_in(p, sizeof(p), "root/etc/passwd");
	struct timespec ts[2] = { { 2000000000, 0 }, { 5, 0 } }; /* atime, mtime */
	assert_int_equal(utimensat(AT_FDCWD, p, ts, 0), 0);
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	return remove(p);
}

static int setup(void **state)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/pare-test-image-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	make_tree();
	return 0;
}

static int teardown(void **state)
{
	nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}

/* ---- writing a layer to memory ---- */

static void write_layer(struct pare_layer_opts *o, struct pare_buf *out,
			struct pare_layer_info *info)
{
	struct pare_ostream os;
	struct pare_error err = { 0 };
	char root[512];
	path_in(root, sizeof(root), "root");
	o->root = strdup(root);
	pare_buf_init(out, 64u << 20);
	pare_buf_ostream_init(&os, out);
	int r = pare_layer_write(o, &os, info, &err);
	free((char *)o->root);
	if (r != 0)
		fail_msg("layer: %s", err.msg);
}

struct seen {
	char name[300];
	char type;
	uint32_t mode;
	uint64_t uid, gid;
	int64_t mtime;
	char link[300];
	size_t nrecords;
	char uname[32];
};

/* Read the layer back; returns the entry count and fills s[]. */
static size_t read_layer(const struct pare_buf *gz, struct seen *s, size_t max,
			 struct pare_digest_value *tar_sha)
{
	struct pare_mem_istream m;
	struct pare_istream in, gin;
	struct pare_gz_reader *g = malloc(sizeof(*g));
	struct pare_tar_reader t;
	struct pare_tar_entry e;
	struct pare_error err = { 0 };
	pare_mem_istream_init(&m, &in, gz->data, gz->len);
	assert_int_equal(pare_gz_reader_init(g, &in, "layer", &err), 0);
	/* decompress fully to hash the tar, then read it */
	struct pare_buf tar;
	pare_buf_init(&tar, 64u << 20);
	char buf[4096];
	ssize_t n;
	while ((n = pare_gz_read(g, buf, sizeof(buf), &err)) > 0)
		assert_int_equal(pare_buf_append(&tar, buf, (size_t)n), 0);
	assert_int_equal(n, 0);
	pare_gz_reader_release(g);
	free(g);
	assert_int_equal(pare_digest_buffer(PARE_DIGEST_SHA256, tar.data, tar.len, tar_sha), 0);
	pare_mem_istream_init(&m, &gin, tar.data, tar.len);
	pare_tar_reader_init(&t, &gin, NULL);
	size_t k = 0;
	int r;
	while ((r = pare_tar_next(&t, &e, &err)) == 1 && k < max) {
		struct seen *x = &s[k++];
		memset(x, 0, sizeof(*x));
		snprintf(x->name, sizeof(x->name), "%s", e.name.ptr);
		snprintf(x->link, sizeof(x->link), "%s", e.linkname.ptr ? e.linkname.ptr : "");
		snprintf(x->uname, sizeof(x->uname), "%s", e.uname.ptr ? e.uname.ptr : "");
		x->type = e.type;
		x->mode = e.mode;
		x->uid = e.uid;
		x->gid = e.gid;
		x->mtime = e.mtime;
		x->nrecords = e.nrecords;
	}
	assert_int_equal(r, 0);
	pare_tar_reader_release(&t);
	pare_buf_release(&tar);
	return k;
}

static void test_layer_order_and_types(void **state)
{
	struct pare_layer_opts o = { .source_date_epoch = 1700000000,
				     .owners = PARE_LAYER_OWNERS_ROOT };
	struct pare_buf gz;
	struct pare_layer_info info;
	struct seen s[32];
	struct pare_digest_value sha;
	write_layer(&o, &gz, &info);
	size_t n = read_layer(&gz, s, 32, &sha);
	static const char *const want[] = { "a-b", "a-b/x", "deep", NULL, "etc", "etc/passwd",
					    "usr", "usr/bin", "usr/bin/hello", "usr/bin/hello2",
					    "usr/bin/sh" };
	assert_int_equal(n, 11);
	assert_int_equal(info.entries, 11);
	for (size_t i = 0; i < n; i++) {
		if (want[i])
			assert_string_equal(s[i].name, want[i]);
		assert_int_equal(s[i].mtime, 1700000000);
		assert_int_equal(s[i].uid, 0);
		/* PAX only for the long name */
		assert_int_equal(s[i].nrecords, i == 3 ? 1 : 0);
	}
	assert_int_equal(strlen(s[3].name), 205);
	assert_int_equal(s[0].type, PARE_TAR_DIR);
	assert_int_equal(s[0].mode, 0755);
	assert_int_equal(s[1].mode, 0600);
	assert_int_equal(s[8].type, PARE_TAR_REG);
	assert_int_equal(s[8].mode, 04755);
	assert_int_equal(s[9].type, PARE_TAR_LINK);
	assert_string_equal(s[9].link, "usr/bin/hello");
	assert_int_equal(s[10].type, PARE_TAR_SYMLINK);
	assert_string_equal(s[10].link, "hello");
	/* digests and sizes */
	struct pare_digest_value gsha;
	pare_digest_buffer(PARE_DIGEST_SHA256, gz.data, gz.len, &gsha);
	assert_memory_equal(gsha.bytes, info.digest.bytes, 32);
	assert_memory_equal(sha.bytes, info.diff_id.bytes, 32);
	assert_int_equal(info.size, gz.len);
	assert_int_equal(info.tar_size % 512, 0);
	/* gzip header: no mtime, no name */
	assert_int_equal((unsigned char)gz.data[3], 0);
	assert_memory_equal(gz.data + 4, "\0\0\0\0", 4);
	pare_buf_release(&gz);
}

static void test_layer_deterministic(void **state)
{
	struct pare_layer_opts o = { .source_date_epoch = 42 };
	struct pare_buf a, b;
	struct pare_layer_info ia, ib;
	write_layer(&o, &a, &ia);
	/* touch everything: mtimes must not leak */
	char p[512];
	path_in(p, sizeof(p), "root/usr/bin/hello");
	assert_int_equal(utimensat(AT_FDCWD, p, NULL, 0), 0);
	write_layer(&o, &b, &ib);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.data, b.data, a.len);
	assert_memory_equal(ia.digest.bytes, ib.digest.bytes, 32);
	pare_buf_release(&a);
	pare_buf_release(&b);
}

static void test_layer_clamp(void **state)
{
	struct pare_layer_opts o = { .source_date_epoch = 1000, .clamp_mtime = true };
	struct pare_buf gz;
	struct pare_layer_info info;
	struct seen s[32];
	struct pare_digest_value sha;
	write_layer(&o, &gz, &info);
	size_t n = read_layer(&gz, s, 32, &sha);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(s[i].mtime, !strcmp(s[i].name, "etc/passwd") ? 5 : 1000);
	pare_buf_release(&gz);
}

static void test_layer_table(void **state)
{
	struct pare_layer_table t;
	struct pare_layer_meta m = { .mode = 0700, .uid = 100, .gid = 101, .uname = "app" };
	struct pare_layer_meta skip = { .skip = true };
	pare_layer_table_init(&t);
	assert_int_equal(pare_layer_table_set(&t, "/etc/passwd", &m), 0);
	assert_int_equal(pare_layer_table_set(&t, "a-b/", &skip), 0);
	assert_non_null(pare_layer_table_get(&t, "etc/passwd"));
	struct pare_layer_opts o = { .source_date_epoch = 1, .owners = PARE_LAYER_OWNERS_ROOT,
				     .meta_fn = pare_layer_table_apply, .meta_ctx = &t };
	struct pare_buf gz;
	struct pare_layer_info info;
	struct seen s[32];
	struct pare_digest_value sha;
	write_layer(&o, &gz, &info);
	size_t n = read_layer(&gz, s, 32, &sha);
	assert_int_equal(n, 9); /* a-b and a-b/x left out */
	assert_string_equal(s[0].name, "deep");
	for (size_t i = 0; i < n; i++)
		if (!strcmp(s[i].name, "etc/passwd")) {
			assert_int_equal(s[i].mode, 0700);
			assert_int_equal(s[i].uid, 100);
			assert_int_equal(s[i].gid, 101);
			assert_string_equal(s[i].uname, "app");
		}
	pare_buf_release(&gz);
	pare_layer_table_release(&t);
}

static void test_layer_missing_root(void **state)
{
	struct pare_layer_opts o = { .root = "/nonexistent/root" };
	struct pare_buf out;
	struct pare_ostream os;
	struct pare_layer_info info;
	struct pare_error err = { 0 };
	pare_buf_init(&out, 1 << 20);
	pare_buf_ostream_init(&os, &out);
	assert_true(pare_layer_write(&o, &os, &info, &err) < 0);
	assert_non_null(strstr(err.msg, "/nonexistent/root"));
	pare_buf_release(&out);
}

/* A package file named like a whiteout would delete, not exist: refused,
 * naming the package and the path. */
static void test_layer_refuses_whiteouts(void **state)
{
	static const char *const names[] = { "root/usr/.wh.foo", "root/usr/.wh..wh..opq" };
	for (size_t i = 0; i < 2; i++) {
		put_file(names[i], "x", 0644);
		struct pare_layer_table t;
		struct pare_layer_meta m = { .mode = 0644, .origin = "wh-1.0-r0" };
		pare_layer_table_init(&t);
		assert_int_equal(pare_layer_table_set(&t, names[i] + 5, &m), 0);
		struct pare_layer_opts o = { .owners = PARE_LAYER_OWNERS_ROOT,
					     .meta_fn = pare_layer_table_apply, .meta_ctx = &t };
		char root[512];
		path_in(root, sizeof(root), "root");
		o.root = root;
		struct pare_buf out;
		struct pare_ostream os;
		struct pare_layer_info info;
		struct pare_error err = { 0 };
		pare_buf_init(&out, 64u << 20);
		pare_buf_ostream_init(&os, &out);
		assert_int_equal(pare_layer_write(&o, &os, &info, &err), -PARE_E_UNSUPPORTED);
		assert_non_null(strstr(err.msg, "wh-1.0-r0: "));
		assert_non_null(strstr(err.msg, names[i] + 5));
		assert_null(strchr(err.msg, '\n'));
		pare_buf_release(&out);
		pare_layer_table_release(&t);
		char p[512];
		path_in(p, sizeof(p), names[i]);
		assert_int_equal(unlink(p), 0);
	}
	assert_true(pare_layer_is_whiteout(".wh."));
	assert_false(pare_layer_is_whiteout("a.wh.b"));
}

/* ---- OCI layout ---- */

static json_t *load_json(const char *path)
{
	json_error_t je;
	json_t *j = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (!j)
		fail_msg("%s: %s", path, je.text);
	return j;
}

static json_t *load_blob(const char *layout, const char *digest)
{
	char p[2048];
	snprintf(p, sizeof(p), "%s/blobs/sha256/%s", layout, digest + 7);
	return load_json(p);
}

static void write_layout(const char *name, const char *yaml, struct pare_oci_desc *top,
			 struct pare_oci_desc *manifests, size_t *nman)
{
	char root[512], out[512];
	struct pare_error err = { 0 };
	struct pare_image_config c;
	struct pare_oci_layout l;
	struct pare_oci_layer layer;
	struct pare_arena a;
	path_in(root, sizeof(root), "root");
	path_in(out, sizeof(out), name);
	assert_int_equal(pare_image_config_parse(&c, "t", pare_slice_from(yaml), &err), 0);
	pare_arena_init(&a, 0, 0);
	assert_int_equal(pare_oci_layout_open(&l, out, &err), 0);
	struct pare_layer_opts o = { .root = root, .source_date_epoch = 86400 };
	assert_int_equal(pare_oci_add_layer(&l, &o, &layer, NULL, &err), 0);
	*nman = c.narchs;
	for (size_t i = 0; i < c.narchs; i++) {
		struct pare_oci_image img;
		assert_int_equal(pare_image_oci_config(&c, &c.archs[i], 86400, &a, &img, &err), 0);
		assert_int_equal(pare_oci_write_image(&l, &img, &layer, 1, &manifests[i], &err), 0);
	}
	int r = pare_oci_write_index(&l, manifests, c.narchs, "v1", NULL, 0, top, &err);
	if (r != 0)
		fail_msg("%s", err.msg);
	pare_oci_layout_close(&l);
	pare_arena_release(&a);
	pare_image_config_release(&c);
}

static const char *const yaml1 =
	"entrypoint:\n  command: /usr/bin/hello --flag\ncmd: \"a 'b c'\"\n"
	"environment:\n  Z: 1\n  A: 2\nwork-dir: /tmp\nstop-signal: SIGINT\n"
	"accounts:\n  users:\n    - username: app\n      uid: 1000\n  run-as: app\n"
	"volumes: [/data, /cache]\nannotations:\n  z.k: v\n  a.k: w\n"
	"vcs-url: https://example.org/x@abc\narchs: [x86_64]\n";

static void test_oci_single(void **state)
{
	struct pare_oci_desc top, m[4];
	size_t n;
	char out[512], p[1024];
	write_layout("oci1", yaml1, &top, m, &n);
	path_in(out, sizeof(out), "oci1");
	snprintf(p, sizeof(p), "%s/oci-layout", out);
	json_t *lay = load_json(p);
	assert_string_equal(json_string_value(json_object_get(lay, "imageLayoutVersion")), "1.0.0");
	json_decref(lay);
	snprintf(p, sizeof(p), "%s/index.json", out);
	json_t *idx = load_json(p);
	json_t *d = json_array_get(json_object_get(idx, "manifests"), 0);
	assert_string_equal(json_string_value(json_object_get(d, "mediaType")), PARE_OCI_MT_MANIFEST);
	assert_string_equal(json_string_value(json_object_get(d, "digest")), m[0].digest);
	assert_string_equal(json_string_value(json_object_get(json_object_get(d, "annotations"),
							       PARE_OCI_REF_NAME)), "v1");
	json_decref(idx);
	json_t *man = load_blob(out, m[0].digest);
	assert_int_equal(json_integer_value(json_object_get(man, "schemaVersion")), 2);
	json_t *layer = json_array_get(json_object_get(man, "layers"), 0);
	assert_string_equal(json_string_value(json_object_get(layer, "mediaType")),
			    PARE_OCI_MT_LAYER_GZIP);
	json_t *cfgd = json_object_get(man, "config");
	assert_string_equal(json_string_value(json_object_get(cfgd, "mediaType")), PARE_OCI_MT_CONFIG);
	json_t *ann = json_object_get(man, "annotations");
	assert_string_equal(json_string_value(json_object_get(ann, "org.opencontainers.image.created")),
			    "1970-01-02T00:00:00Z");
	assert_string_equal(json_string_value(json_object_get(ann, "org.opencontainers.image.revision")),
			    "abc");
	json_t *cfg = load_blob(out, json_string_value(json_object_get(cfgd, "digest")));
	json_t *rc = json_object_get(cfg, "config");
	assert_string_equal(json_string_value(json_object_get(cfg, "architecture")), "amd64");
	assert_string_equal(json_string_value(json_object_get(cfg, "created")), "1970-01-02T00:00:00Z");
	assert_string_equal(json_string_value(json_object_get(rc, "User")), "1000");
	assert_string_equal(json_string_value(json_object_get(rc, "WorkingDir")), "/tmp");
	assert_string_equal(json_string_value(json_object_get(rc, "StopSignal")), "SIGINT");
	json_t *env = json_object_get(rc, "Env");
	assert_int_equal(json_array_size(env), 4);
	assert_string_equal(json_string_value(json_array_get(env, 0)), "A=2");
	assert_string_equal(json_string_value(json_array_get(json_object_get(rc, "Cmd"), 1)), "b c");
	assert_string_equal(json_string_value(json_array_get(json_object_get(rc, "Entrypoint"), 1)),
			    "--flag");
	assert_non_null(json_object_get(json_object_get(rc, "Volumes"), "/data"));
	assert_string_equal(json_string_value(json_object_get(json_object_get(rc, "Labels"), "a.k")),
			    "w");
	json_t *ids = json_object_get(json_object_get(cfg, "rootfs"), "diff_ids");
	assert_int_equal(json_array_size(ids), 1);
	json_decref(cfg);
	json_decref(man);
	/* the same again: same digests */
	struct pare_oci_desc top2, m2[4];
	write_layout("oci2", yaml1, &top2, m2, &n);
	assert_string_equal(top.digest, top2.digest);
}

static void test_oci_multi_arch(void **state)
{
	struct pare_oci_desc top, m[4];
	size_t n;
	char out[512];
	write_layout("oci3", "archs: [x86_64, arm/v7]\n", &top, m, &n);
	path_in(out, sizeof(out), "oci3");
	assert_int_equal(n, 2);
	assert_string_equal(top.media_type, PARE_OCI_MT_INDEX);
	json_t *idx = load_blob(out, top.digest);
	json_t *ms = json_object_get(idx, "manifests");
	assert_int_equal(json_array_size(ms), 2);
	json_t *plat = json_object_get(json_array_get(ms, 1), "platform");
	assert_string_equal(json_string_value(json_object_get(plat, "architecture")), "arm");
	assert_string_equal(json_string_value(json_object_get(plat, "variant")), "v7");
	json_decref(idx);
}

static void test_docker_archive(void **state)
{
	struct pare_oci_desc top, m[4];
	size_t n;
	char out[512], tarp[512];
	struct pare_error err = { 0 };
	write_layout("oci4", "archs: [x86_64]\n", &top, m, &n);
	path_in(out, sizeof(out), "oci4");
	path_in(tarp, sizeof(tarp), "d.tar");
	assert_int_equal(pare_oci_write_docker_archive(out, &m[0], "hello:v1", 0, tarp, &err), 0);
	struct pare_buf b;
	pare_buf_init(&b, 64u << 20);
	assert_int_equal(pare_read_file(tarp, &b, &err), 0);
	struct pare_mem_istream mi;
	struct pare_istream in;
	struct pare_tar_reader t;
	struct pare_tar_entry e;
	pare_mem_istream_init(&mi, &in, b.data, b.len);
	pare_tar_reader_init(&t, &in, NULL);
	size_t k = 0;
	bool saw_manifest = false;
	while (pare_tar_next(&t, &e, &err) == 1) {
		k++;
		if (pare_slice_eq_cstr(e.name, "manifest.json")) {
			char buf[4096];
			ssize_t got = pare_tar_read(&t, buf, sizeof(buf) - 1, &err);
			assert_true(got > 0);
			buf[got] = '\0';
			json_t *j = json_loads(buf, 0, NULL);
			json_t *m0 = json_array_get(j, 0);
			assert_string_equal(json_string_value(json_array_get(json_object_get(m0, "RepoTags"), 0)),
					    "hello:v1");
			assert_int_equal(json_array_size(json_object_get(m0, "Layers")), 1);
			json_decref(j);
			saw_manifest = true;
		}
	}
	assert_true(saw_manifest);
	assert_int_equal(k, 2 + 3 + 3); /* 2 dirs, manifest+config+layer, 3 files */
	pare_tar_reader_release(&t);
	pare_buf_release(&b);
	/* a corrupt blob is refused */
	char blob[2048];
	snprintf(blob, sizeof(blob), "%s/blobs/sha256/%s", out, m[0].digest + 7);
	FILE *f = fopen(blob, "a");
	fputs(" ", f);
	fclose(f);
	assert_int_equal(pare_oci_write_docker_archive(out, &m[0], NULL, 0, tarp, &err),
			 -PARE_E_INTEGRITY);
}

/* ---- SBOM ---- */

static void test_sbom(void **state)
{
	static const char *const deps_b[] = { "so:libc.so.6", "a>=1", "a", "!c", "missing" };
	struct pare_sbom_package p[] = {
		{ .name = "a", .version = "1.2-r0", .arch = "x86_64", .license = "MIT",
		  .origin = "a", .identity = "Q1abc=" },
		{ .name = "libstdc++", .version = "13.2_p1-r3", .arch = "x86_64",
		  .license = "GPL-3.0-or-later WITH GCC-exception-3.1", .origin = "gcc",
		  .maintainer = "Someone <s@example.org>", .depends = deps_b, .ndepends = 5,
		  .file_sha256 = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff" },
	};
	const char *layers[] = { "sha256:1111111111111111111111111111111111111111111111111111111111111111" };
	struct pare_sbom_opts o = {
		.image_name = "hello", .nlayers = 1, .layer_digests = layers, .arch = "amd64",
		.image_digest = "sha256:2222222222222222222222222222222222222222222222222222222222222222",
		.os_id = "wolfi", .supplier = "Example", .created = 0,
	};
	char *text, *text2;
	size_t len, len2;
	struct pare_error err = { 0 };
	assert_int_equal(pare_sbom_render(&o, p, 2, &text, &len, &err), 0);
	assert_int_equal(pare_sbom_render(&o, p, 2, &text2, &len2, &err), 0);
	assert_int_equal(len, len2);
	assert_memory_equal(text, text2, len);
	json_t *j = json_loads(text, 0, NULL);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "spdxVersion")), "SPDX-2.3");
	assert_string_equal(json_string_value(json_object_get(j, "documentNamespace")),
			    "https://spdx.org/spdxdocs/pare/2222222222222222222222222222222222222222222222222222222222222222");
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "creationInfo"), "created")),
			    "1970-01-01T00:00:00Z");
	json_t *pk = json_object_get(j, "packages");
	assert_int_equal(json_array_size(pk), 5); /* image, layer, os, a, libstdc++ */
	json_t *lib = json_array_get(pk, 4);
	assert_string_equal(json_string_value(json_object_get(lib, "SPDXID")),
			    "SPDXRef-Package-apk-libstdc---13.2-p1-r3");
	assert_string_equal(json_string_value(json_object_get(lib, "licenseDeclared")),
			    "GPL-3.0-or-later WITH GCC-exception-3.1");
	assert_string_equal(json_string_value(json_object_get(lib, "originator")),
			    "Person: Someone <s@example.org>");
	assert_string_equal(json_string_value(json_object_get(lib, "supplier")), "Organization: Example");
	json_t *ref = json_array_get(json_object_get(lib, "externalRefs"), 0);
	assert_string_equal(json_string_value(json_object_get(ref, "referenceLocator")),
			    "pkg:apk/wolfi/libstdc%2B%2B@13.2_p1-r3?arch=x86_64");
	assert_non_null(json_object_get(lib, "checksums"));
	json_t *a = json_array_get(pk, 3);
	assert_null(json_object_get(a, "checksums"));
	assert_non_null(strstr(json_string_value(json_object_get(a, "comment")), "Q1abc="));
	json_t *rels = json_object_get(j, "relationships");
	size_t describes = 0, depends = 0, contains = 0;
	for (size_t i = 0; i < json_array_size(rels); i++) {
		const char *t = json_string_value(json_object_get(json_array_get(rels, i),
								  "relationshipType"));
		describes += !strcmp(t, "DESCRIBES");
		depends += !strcmp(t, "DEPENDS_ON");
		contains += !strcmp(t, "CONTAINS");
	}
	assert_int_equal(describes, 1);
	assert_int_equal(depends, 1); /* libstdc++ -> a, once */
	assert_int_equal(contains, 4); /* layer, os, two packages */
	json_decref(j);
	free(text);
	free(text2);
	/* bad inputs */
	o.image_digest = "sha256:xyz";
	assert_int_equal(pare_sbom_render(&o, p, 2, &text, &len, &err), -EINVAL);
	o.image_digest = "sha256:2222222222222222222222222222222222222222222222222222222222222222";
	p[1].name = "a";
	assert_int_equal(pare_sbom_render(&o, p, 2, &text, &len, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "twice"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layer_order_and_types),
		cmocka_unit_test(test_layer_deterministic),
		cmocka_unit_test(test_layer_clamp),
		cmocka_unit_test(test_layer_table),
		cmocka_unit_test(test_layer_missing_root),
		cmocka_unit_test(test_layer_refuses_whiteouts),
		cmocka_unit_test(test_oci_single),
		cmocka_unit_test(test_oci_multi_arch),
		cmocka_unit_test(test_docker_archive),
		cmocka_unit_test(test_sbom),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
