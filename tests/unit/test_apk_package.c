/* Round trip: pare_mkpkg writes a package from a tree, pare_pkg_read reads
 * it back: same metadata, same entries, same bytes; the same tree twice
 * gives the same file; signing at creation verifies with the public key. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "apk/mkpkg.h"
#include "apk/package.h"
#include "apk/pkgsign.h"

struct seen {
	char names[64][128];
	char content[64][128];
	char types[64];
	uint32_t modes[64];
	char links[64][128];
	int n;
};

static char tmpdir[64];

static void write_file(const char *rel, const char *text, mode_t mode)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	chmod(path, mode);
}

static void sub(char *out, size_t size, const char *rel)
{
	snprintf(out, size, "%s/%s", tmpdir, rel);
}

static int setup(void **state)
{
	char p[256], q[256];
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/pare-pkgtest-XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	sub(p, sizeof(p), "tree");
	mkdir(p, 0755);
	sub(p, sizeof(p), "tree/usr");
	mkdir(p, 0755);
	sub(p, sizeof(p), "tree/usr/bin");
	mkdir(p, 0755);
	write_file("tree/usr/bin/tool", "#!/bin/sh\necho tool\n", 0755);
	write_file("tree/usr/bin/su", "pretend setuid\n", 0755);
	write_file("tree/empty", "", 0600);
	sub(p, sizeof(p), "tree/usr/bin/link");
	assert_int_equal(symlink("tool", p), 0);
	sub(p, sizeof(p), "tree/usr/bin/tool");
	sub(q, sizeof(q), "tree/usr/bin/hard");
	assert_int_equal(link(p, q), 0);
	write_file("post.sh", "echo installed\n", 0644);
	write_file("manifest", "# owners and modes\nusr/bin/su 4755 root:root\n", 0644);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd);
}

static int collect(void *ctx, const struct pare_tar_entry *e, struct pare_istream *content,
		   struct pare_error *err)
{
	struct seen *s = ctx;
	assert_true(s->n < 64);
	snprintf(s->names[s->n], 128, "%.*s", (int)e->name.len, e->name.ptr);
	snprintf(s->links[s->n], 128, "%.*s", (int)e->linkname.len, e->linkname.ptr);
	s->types[s->n] = e->type;
	s->modes[s->n] = e->mode;
	ssize_t k = pare_istream_read(content, s->content[s->n], 127, err);
	assert_true(k >= 0);
	s->content[s->n][k] = '\0';
	s->n++;
	return 0;
}

static void make_pkg(const char *out, struct pare_privkey *key)
{
	char tree[256], post[256], manifest[256];
	struct pare_pkginfo pi;
	struct pare_error err = { 0 };
	sub(tree, sizeof(tree), "tree");
	sub(post, sizeof(post), "post.sh");
	sub(manifest, sizeof(manifest), "manifest");
	pare_pkginfo_init(&pi);
	assert_int_equal(pare_pkginfo_set(&pi, "pkgname", pare_slice_from("tool"), &err), 0);
	assert_int_equal(pare_pkginfo_set(&pi, "pkgver", pare_slice_from("1.2.3-r4"), &err), 0);
	assert_int_equal(pare_pkginfo_set(&pi, "arch", pare_slice_from("x86_64"), &err), 0);
	assert_int_equal(pare_pkginfo_set(&pi, "depend", pare_slice_from("so:libc.so.6 busybox>=1.36"), &err), 0);
	assert_int_equal(pare_pkginfo_set(&pi, "provides", pare_slice_from("cmd:tool=1.2.3-r4"), &err), 0);
	struct pare_mkpkg_script scripts[] = { { ".post-install", post } };
	struct pare_mkpkg_opts o = {
		.tree = tree, .info = &pi, .scripts = scripts, .nscripts = 1,
		.manifest = manifest, .source_date_epoch = 1700000000,
		.key = key, .keyname = "test.rsa.pub",
	};
	int r = pare_mkpkg(&o, out, &err);
	if (r < 0)
		fail_msg("mkpkg: %s", err.msg);
	pare_pkginfo_release(&pi);
}

static void test_roundtrip(void **state)
{
	char out[256];
	sub(out, sizeof(out), "tool.apk");
	make_pkg(out, NULL);
	struct pare_pkg pkg;
	struct seen s = { 0 };
	struct pare_pkg_visitor v = { .entry = collect, .ctx = &s };
	struct pare_error err = { 0 };
	pare_pkg_init(&pkg);
	int r = pare_pkg_read_file(&pkg, out, NULL, &v, &err);
	if (r < 0)
		fail_msg("read: %s", err.msg);
	assert_int_equal(pkg.kind, PARE_PKG_KIND_PACKAGE);
	assert_true(pkg.datahash_verified);
	assert_int_equal(pkg.trust, -PARE_E_UNTRUSTED);
	assert_true(pare_slice_eq_cstr(pkg.info.pkgname, "tool"));
	assert_true(pare_slice_eq_cstr(pkg.info.pkgver, "1.2.3-r4"));
	assert_int_equal(pkg.info.depend.n, 2);
	assert_int_equal(pkg.info.builddate, 1700000000);
	/* size = regular file bytes: tool (20) + su (15) + empty (0). */
	assert_int_equal(pkg.info.size, 35);
	assert_int_equal(pkg.nscripts, 1);
	assert_string_equal(pkg.scripts[0].name, ".post-install");
	assert_true(pare_slice_eq_cstr(pkg.scripts[0].body, "echo installed\n"));
	const char *names[] = { "empty", "usr", "usr/bin", "usr/bin/hard", "usr/bin/link",
				"usr/bin/su", "usr/bin/tool" };
	assert_int_equal(s.n, 7);
	for (int i = 0; i < 7; i++)
		assert_string_equal(s.names[i], names[i]);
	/* The first path of the inode in sorted order is the file. */
	assert_int_equal(s.types[3], PARE_TAR_REG);
	assert_string_equal(s.content[3], "#!/bin/sh\necho tool\n");
	assert_int_equal(s.types[6], PARE_TAR_LINK);
	assert_string_equal(s.links[6], "usr/bin/hard");
	assert_int_equal(s.types[4], PARE_TAR_SYMLINK);
	assert_string_equal(s.links[4], "tool");
	assert_int_equal(s.modes[5], 04755);
	assert_int_equal(s.modes[0], 0600);
	pare_pkg_release(&pkg);
}

/* skip_file_sums (pare index): the same verdict and counts as a full
 * read, the datahash still checked; a visitor still gets every file. */
static void test_skip_file_sums(void **state)
{
	(void)state;
	char out[256];
	sub(out, sizeof(out), "tool-skip.apk");
	make_pkg(out, NULL);
	struct pare_pkg full, quick;
	struct pare_error err = { 0 };
	struct pare_pkg_read_opts skip = { .skip_file_sums = true };
	pare_pkg_init(&full);
	pare_pkg_init(&quick);
	assert_int_equal(pare_pkg_read_file(&full, out, NULL, NULL, &err), 0);
	assert_int_equal(pare_pkg_read_file(&quick, out, &skip, NULL, &err), 0);
	assert_true(quick.datahash_verified);
	assert_int_equal(quick.nentries, full.nentries);
	assert_int_equal(quick.data_bytes, full.data_bytes);
	assert_memory_equal(quick.data_sha256.bytes, full.data_sha256.bytes, 32);
	assert_string_equal(quick.identity, full.identity);
	pare_pkg_release(&quick);
	struct seen s = { 0 };
	struct pare_pkg_visitor v = { .entry = collect, .ctx = &s };
	pare_pkg_init(&quick);
	assert_int_equal(pare_pkg_read_file(&quick, out, &skip, &v, &err), 0);
	assert_int_equal(s.n, 7);
	assert_string_equal(s.content[3], "#!/bin/sh\necho tool\n");
	pare_pkg_release(&quick);
	pare_pkg_release(&full);
}

static void slurp(const char *path, char **data, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	*len = (size_t)ftell(f);
	rewind(f);
	*data = malloc(*len);
	assert_int_equal(fread(*data, 1, *len, f), *len);
	fclose(f);
}

static void test_deterministic(void **state)
{
	char a[256], b[256];
	char *da, *db;
	size_t la, lb;
	sub(a, sizeof(a), "a.apk");
	sub(b, sizeof(b), "b.apk");
	make_pkg(a, NULL);
	make_pkg(b, NULL);
	slurp(a, &da, &la);
	slurp(b, &db, &lb);
	assert_int_equal(la, lb);
	assert_memory_equal(da, db, la);
	free(da);
	free(db);
}

static void test_signed_at_creation(void **state)
{
	char priv[256], pub[256], keys[256], out[256], resigned[256];
	struct pare_error err = { 0 };
	sub(keys, sizeof(keys), "keys");
	mkdir(keys, 0755);
	sub(priv, sizeof(priv), "test.rsa");
	sub(pub, sizeof(pub), "keys/test.rsa.pub");
	assert_int_equal(pare_keygen(priv, pub, 2048, &err), 0);
	struct pare_privkey key;
	assert_int_equal(pare_privkey_load(&key, priv, &err), 0);
	sub(out, sizeof(out), "signed.apk");
	make_pkg(out, &key);
	struct pare_keyring ring;
	assert_int_equal(pare_keyring_open(&ring, keys, &err), 0);
	struct pare_pkg_read_opts opts = { .keys = &ring };
	struct pare_pkg pkg;
	pare_pkg_init(&pkg);
	assert_int_equal(pare_pkg_read_file(&pkg, out, &opts, NULL, &err), 0);
	assert_int_equal(pkg.trust, 0);
	assert_string_equal(pkg.signer, "test.rsa.pub");
	char identity[48];
	memcpy(identity, pkg.identity, sizeof(identity));
	pare_pkg_release(&pkg);
	/* Re-signing with SHA-1 keeps the RSA256 signature and the identity. */
	sub(resigned, sizeof(resigned), "resigned.apk");
	assert_int_equal(pare_pkg_sign_file(out, resigned, &key, "test.rsa.pub", PARE_DIGEST_SHA1, 0,
					    &err), 0);
	pare_pkg_init(&pkg);
	assert_int_equal(pare_pkg_read_file(&pkg, resigned, &opts, NULL, &err), 0);
	assert_int_equal(pkg.trust, 0);
	assert_int_equal(pkg.nsigs, 2);
	assert_string_equal(pkg.identity, identity);
	pare_pkg_release(&pkg);
	pare_keyring_release(&ring);
	pare_privkey_release(&key);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_skip_file_sums),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_signed_at_creation),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
