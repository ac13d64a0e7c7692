/* APKINDEX: the real fixture indexes verify with their keys and parse
 * completely; a tampered index is refused as a whole; text round trips
 * byte for byte; entries made from package files match what melange
 * wrote; written indexes (signed) read back; the record reader's rules. */
#include <errno.h>
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
#include <zlib.h>

#include "apk/index.h"
#include "apk/pkgsign.h"

static const char *fixtures_dir(void)
{
	static const char *cand[] = { "../shared/fixtures/real", "../../shared/fixtures/real",
				      "../../../shared/fixtures/real",
				      "/work/shared/fixtures/real" };
	const char *env = getenv("PARE_FIXTURES_DIR");
	struct stat st;
	if (env && stat(env, &st) == 0)
		return env;
	for (size_t i = 0; i < sizeof(cand) / sizeof(cand[0]); i++)
		if (stat(cand[i], &st) == 0 && S_ISDIR(st.st_mode))
			return cand[i];
	return NULL;
}

static void fx(char *out, size_t size, const char *rel)
{
	const char *d = fixtures_dir();
	assert_non_null(d);
	snprintf(out, size, "%s/%s", d, rel);
}

struct signed_fixture {
	const char *index, *keys, *signer;
	size_t n;
};

static const struct signed_fixture signed_fixtures[] = {
	{ "alpine-3.17-main-aarch64/APKINDEX.tar.gz", "alpine-keys",
	  "alpine-devel@lists.alpinelinux.org-616ae350.rsa.pub", 5004 },
	{ "rsa256-signed/APKINDEX.tar.gz", "rsa256-signed/keys", "test-rsa256.rsa.pub", 1 },
	{ "multi-signed/APKINDEX.tar.gz", "multi-signed/keys", NULL, 16 },
	{ "melange-signed-repo/x86_64/APKINDEX.tar.gz", "melange-signed-repo/keys",
	  "melange.rsa.pub", 4 },
};

static int read_with_keys(struct pare_index *idx, const char *index, const char *keys,
			  bool allow_untrusted, struct pare_error *err)
{
	char ip[512], kp[512];
	struct pare_keyring ring;
	fx(ip, sizeof(ip), index);
	fx(kp, sizeof(kp), keys);
	assert_int_equal(pare_keyring_open(&ring, kp, NULL), 0);
	struct pare_index_read_opts o = { .keys = &ring, .allow_untrusted = allow_untrusted };
	pare_index_init(idx);
	int r = pare_index_read_file(idx, ip, &o, err);
	pare_keyring_release(&ring);
	return r;
}

/* Write the index text again in its recorded order: identical bytes. */
static void assert_roundtrip(const struct pare_index *idx)
{
	struct pare_buf b;
	pare_buf_init(&b, 64u << 20);
	assert_int_equal(pare_index_write_text(idx, &b, 0, NULL), 0);
	assert_int_equal(b.len, idx->text_len);
	assert_memory_equal(b.data, idx->text, b.len);
	pare_buf_release(&b);
}

static void test_fixtures_verify_and_parse(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(signed_fixtures) / sizeof(signed_fixtures[0]); i++) {
		const struct signed_fixture *f = &signed_fixtures[i];
		struct pare_index idx;
		struct pare_error err = { 0 };
		int r = read_with_keys(&idx, f->index, f->keys, false, &err);
		if (r != 0)
			fail_msg("%s: %s", f->index, pare_error_text(&err, r));
		assert_true(idx.signed_file);
		assert_int_equal(idx.trust, 0);
		if (f->signer)
			assert_string_equal(idx.signer, f->signer);
		assert_int_equal(idx.n, f->n);
		for (size_t k = 0; k < idx.n; k++) {
			const struct pare_pkgent *e = &idx.ents[k];
			assert_true(e->name.len > 0 && e->version.len > 0);
			assert_int_equal(e->identity.alg, PARE_DIGEST_SHA1);
			assert_true(e->flags & PARE_PKGENT_HAS_SIZE);
			assert_int_equal(e->repo, -1);
		}
#ifdef PARE_HAVE_LIBDEFLATE
		/* parsed in place in the inflated member (no copy) */
		assert_non_null(idx.text_block);
		assert_true(idx.text > idx.text_block);
#endif
		assert_roundtrip(&idx);
		pare_index_release(&idx);
	}
}

/* "name version first-dependency" of e, for comparing entries. */
static void entry_text(const struct pare_pkgent *e, char *out, size_t size)
{
	struct pare_slice d = e->depends.n ? e->depends.v[0].name : pare_slice_from("-");
	snprintf(out, size, "%.*s %.*s %.*s", (int)e->name.len, e->name.ptr, (int)e->version.len,
		 e->version.ptr, (int)d.len, d.ptr);
}

static void test_alpine_details(void **state)
{
	(void)state;
	struct pare_index idx;
	struct pare_error err = { 0 };
	assert_int_equal(read_with_keys(&idx, signed_fixtures[0].index, "alpine-keys", false, &err),
			 0);
	assert_true(pare_slice_eq_cstr(idx.description, "v3.17.3-216-g54a39ace82a"));
	/* the first record of the file */
	const struct pare_pkgent *e = &idx.ents[0];
	assert_true(pare_slice_eq_cstr(e->name, "nasm-doc"));
	assert_true(pare_slice_eq_cstr(e->version, "2.15.05-r1"));
	assert_true(pare_slice_eq_cstr(e->identity_text, "Q1tduNGDYV/KwvztK0sMium7UfSj0="));
	assert_int_equal(e->size, 8948);
	assert_int_equal(e->installed_size, 32768);
	assert_int_equal(e->build_time, 1666619671);
	assert_true(pare_slice_eq_cstr(e->origin, "nasm"));
	assert_int_equal(e->install_if.n, 2);
	assert_true(pare_slice_eq_cstr(e->install_if.v[1].name, "nasm"));
	assert_int_equal(e->install_if.v[1].op, PARE_VERSION_EQUAL);
	/* a real atom that does not parse ("pc:jemalloc=5.3.0_") is skipped,
	 * not fatal; and a version apk does not consider valid is kept */
	size_t bad = 0, total_deps = 0;
	for (size_t k = 0; k < idx.n; k++) {
		bad += (idx.ents[k].flags & PARE_PKGENT_BAD_PROVIDES) != 0;
		total_deps += idx.ents[k].depends.n;
	}
	assert_true(bad >= 1);
	assert_true(total_deps > 10000);
	assert_true(pare_index_find(&idx, pare_slice_from("musl"), pare_slice_from("1.2.3-r5")) >=
		    0 ||
		    pare_index_find(&idx, pare_slice_from("musl"), pare_slice_from("1.2.3-r4")) >= 0);
	/* the front given back (a solve-only reader): the entries after it,
	 * and their text (names, versions, dependency atoms), read as before */
	assert_true(idx.n > 3000 && idx.text_block);
	size_t keep = idx.n - 3000;
	char *names = calloc(keep, 128), one[128];
	assert_non_null(names);
	for (size_t k = 3000; k < idx.n; k++)
		entry_text(&idx.ents[k], names + (k - 3000) * 128, 128);
	pare_index_release_front(&idx, 3000);
	for (size_t k = 3000; k < idx.n; k++) {
		entry_text(&idx.ents[k], one, sizeof(one));
		assert_string_equal(one, names + (k - 3000) * 128);
	}
	pare_index_release_front(&idx, idx.n + 1); /* past the entries: nothing */
	free(names);
	pare_index_release(&idx);
}

static void test_untrusted_refused(void **state)
{
	(void)state;
	struct pare_index idx;
	struct pare_error err = { 0 };
	/* Alpine's index against the wrong keys: UNTRUSTED, refused. */
	int r = read_with_keys(&idx, signed_fixtures[0].index, "rsa256-signed/keys", false, &err);
	assert_int_equal(r, -PARE_E_UNTRUSTED);
	assert_int_equal(idx.n, 0);
	assert_non_null(strstr(err.msg, "UNTRUSTED"));
	pare_index_release(&idx);
	/* ... accepted with allow_untrusted */
	r = read_with_keys(&idx, signed_fixtures[0].index, "rsa256-signed/keys", true, &err);
	assert_int_equal(r, 0);
	assert_int_equal(idx.trust, -PARE_E_UNTRUSTED);
	assert_int_equal(idx.n, 5004);
	pare_index_release(&idx);
	/* plain text: only with allow_untrusted */
	char ip[512];
	fx(ip, sizeof(ip), "plain-index/APKINDEX");
	struct pare_index_read_opts o = { 0 };
	pare_index_init(&idx);
	assert_int_equal(pare_index_read_file(&idx, ip, &o, &err), -PARE_E_UNTRUSTED);
	pare_index_release(&idx);
	o.allow_untrusted = true;
	assert_int_equal(pare_index_read_file(&idx, ip, &o, &err), 0);
	assert_int_equal(idx.n, 2);
	assert_false(idx.signed_file);
	assert_roundtrip(&idx);
	pare_index_release(&idx);
}

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	unsigned char *p = malloc((size_t)n);
	assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return p;
}

static void spit(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, n, f), n);
	fclose(f);
}

/* End of the first gzip member of p. */
static size_t first_member_end(const unsigned char *p, size_t len)
{
	z_stream z;
	unsigned char out[65536];
	memset(&z, 0, sizeof(z));
	assert_int_equal(inflateInit2(&z, 16 + 15), Z_OK);
	z.next_in = (unsigned char *)p;
	z.avail_in = (uInt)len;
	int r;
	do {
		z.next_out = out;
		z.avail_out = sizeof(out);
		r = inflate(&z, Z_NO_FLUSH);
	} while (r == Z_OK);
	assert_int_equal(r, Z_STREAM_END);
	size_t end = len - z.avail_in;
	inflateEnd(&z);
	return end;
}

/* Inflate one member into a malloc'ed buffer. */
static unsigned char *inflate_member(const unsigned char *p, size_t len, size_t *outlen)
{
	size_t cap = 16u << 20;
	unsigned char *out = malloc(cap);
	z_stream z;
	memset(&z, 0, sizeof(z));
	assert_int_equal(inflateInit2(&z, 16 + 15), Z_OK);
	z.next_in = (unsigned char *)p;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
	*outlen = cap - z.avail_out;
	inflateEnd(&z);
	return out;
}

static unsigned char *deflate_member(const unsigned char *p, size_t len, size_t *outlen)
{
	uLong cap = compressBound((uLong)len) + 64;
	unsigned char *out = malloc(cap);
	z_stream z;
	memset(&z, 0, sizeof(z));
	assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, 16 + 15, 8, Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (unsigned char *)p;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	*outlen = cap - z.avail_out;
	deflateEnd(&z);
	return out;
}

static int read_tmp(const char *path, const char *keys, struct pare_index *idx,
		    struct pare_error *err)
{
	char kp[512];
	struct pare_keyring ring;
	fx(kp, sizeof(kp), keys);
	assert_int_equal(pare_keyring_open(&ring, kp, NULL), 0);
	struct pare_index_read_opts o = { .keys = &ring, .allow_untrusted = true };
	pare_index_init(idx);
	int r = pare_index_read_file(idx, path, &o, err);
	pare_keyring_release(&ring);
	return r;
}

static void test_tampered_refused(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(signed_fixtures) / sizeof(signed_fixtures[0]); i++) {
		const struct signed_fixture *f = &signed_fixtures[i];
		char ip[512], tmp[] = "/tmp/pare-idx-tamper-XXXXXX";
		size_t len, m1, tarlen, zlen;
		fx(ip, sizeof(ip), f->index);
		unsigned char *p = slurp(ip, &len);
		m1 = first_member_end(p, len);
		int fd = mkstemp(tmp);
		assert_true(fd >= 0);
		close(fd);
		struct pare_index idx;
		struct pare_error err = { 0 };
		/* 1. one byte of the compressed index member changed */
		p[m1 + (len - m1) / 2] ^= 0x01;
		spit(tmp, p, len);
		assert_true(read_tmp(tmp, f->keys, &idx, &err) < 0);
		assert_int_equal(idx.n, 0);
		pare_index_release(&idx);
		p[m1 + (len - m1) / 2] ^= 0x01;
		/* 2. one byte of the APKINDEX text changed, recompressed: the
		 * gzip is valid, the signature is not (even allow_untrusted) */
		unsigned char *tar = inflate_member(p + m1, len - m1, &tarlen);
		unsigned char *v = memmem(tar, tarlen, "\nV:", 3);
		assert_non_null(v);
		v[3] = v[3] == '1' ? '2' : '1';
		unsigned char *z = deflate_member(tar, tarlen, &zlen);
		unsigned char *q = malloc(m1 + zlen);
		memcpy(q, p, m1);
		memcpy(q + m1, z, zlen);
		spit(tmp, q, m1 + zlen);
		int r = read_tmp(tmp, f->keys, &idx, &err);
		assert_int_equal(r, -PARE_E_BAD_SIGNATURE);
		assert_int_equal(idx.n, 0);
		assert_non_null(strstr(err.msg, "BAD"));
		pare_index_release(&idx);
		unlink(tmp);
		free(q);
		free(z);
		free(tar);
		free(p);
	}
}

static const char all_fields[] =
	"C:Q1Pi7+Lp0TdU9DNxeZKvFbOSjmncw=\n"
	"P:a-pkg\n"
	"V:1.2.3-r1\n"
	"A:x86_64\n"
	"S:9180\n"
	"I:40960\n"
	"T:A sample\tpackage\n"
	"U:http://a.package.org\n"
	"L:Apache-2.0\n"
	"o:a-src\n"
	"m:Someone <s@example.org>\n"
	"t:1600096848\n"
	"c:af13bd168c9d86ede4ad1be5c4ceac79253a7e26\n"
	"k:100\n"
	"D:so:libc.musl-x86_64.so.1 b>=2 !c\n"
	"p:cmd:a=1.2.3-r1 so:liba.so.1=1\n"
	"i:a-base b\n"
	"r:old-a\n"
	"Z:unknown one\n"
	"F:usr/bin\n"
	"\n"
	"P:b\n"
	"V:2\n"
	"D:x\n"
	"D:y z\n"
	"\n";

static void test_all_fields(void **state)
{
	(void)state;
	struct pare_index idx;
	struct pare_error err = { 0 };
	pare_index_init(&idx);
	assert_int_equal(pare_index_parse_slice(&idx, PARE_SLICE_LIT(all_fields), "t", 0, &err), 0);
	assert_int_equal(idx.n, 2);
	const struct pare_pkgent *e = &idx.ents[0];
	assert_true(pare_slice_eq_cstr(e->arch, "x86_64"));
	assert_true(pare_slice_eq_cstr(e->description, "A sample\tpackage"));
	assert_true(pare_slice_eq_cstr(e->url, "http://a.package.org"));
	assert_true(pare_slice_eq_cstr(e->license, "Apache-2.0"));
	assert_true(pare_slice_eq_cstr(e->origin, "a-src"));
	assert_true(pare_slice_eq_cstr(e->maintainer, "Someone <s@example.org>"));
	assert_true(pare_slice_eq_cstr(e->commit, "af13bd168c9d86ede4ad1be5c4ceac79253a7e26"));
	assert_int_equal(e->provider_priority, 100);
	assert_int_equal(e->size, 9180);
	assert_int_equal(e->identity.len, 20);
	assert_int_equal(e->depends.n, 3);
	assert_true(e->depends.v[2].conflict);
	assert_int_equal(e->depends.v[1].op, PARE_VERSION_GREATER | PARE_VERSION_EQUAL);
	assert_int_equal(e->provides.n, 2);
	assert_int_equal(e->install_if.n, 2);
	assert_int_equal(e->replaces.n, 1);
	assert_int_equal(e->nunknown, 2);
	assert_int_equal(e->unknown[0].letter, 'Z');
	assert_true(pare_slice_eq_cstr(e->unknown[1].value, "usr/bin"));
	assert_int_equal(e->line, 1);
	assert_int_equal(idx.ents[1].line, 22);
	/* repeated list lines add up */
	assert_int_equal(idx.ents[1].depends.n, 3);
	assert_true(pare_slice_eq_cstr(idx.ents[1].depends.text, "x y z"));
	/* canonical write: apk's order, unknown fields last, lists joined */
	struct pare_buf b;
	pare_buf_init(&b, 1 << 20);
	assert_int_equal(pare_index_write_text(&idx, &b, PARE_INDEX_WRITE_CANONICAL, &err), 0);
	assert_string_equal(b.data, "C:Q1Pi7+Lp0TdU9DNxeZKvFbOSjmncw=\nP:a-pkg\nV:1.2.3-r1\n"
		"A:x86_64\nS:9180\nI:40960\nT:A sample\tpackage\nU:http://a.package.org\n"
		"L:Apache-2.0\no:a-src\nm:Someone <s@example.org>\nt:1600096848\n"
		"c:af13bd168c9d86ede4ad1be5c4ceac79253a7e26\nk:100\n"
		"D:so:libc.musl-x86_64.so.1 b>=2 !c\np:cmd:a=1.2.3-r1 so:liba.so.1=1\n"
		"i:a-base b\nr:old-a\nZ:unknown one\nF:usr/bin\n\n"
		"P:b\nV:2\nS:0\nI:0\nT:\nU:\nL:\nD:x y z\n\n");
	/* a deep copy survives the original */
	struct pare_index copy;
	pare_index_init(&copy);
	assert_int_equal(pare_index_add(&copy, &idx.ents[0], &err), 0);
	pare_index_release(&idx);
	assert_int_equal(copy.ents[0].depends.n, 3);
	assert_true(pare_slice_eq_cstr(copy.ents[0].depends.v[1].name, "b"));
	assert_true(pare_slice_eq_cstr(copy.ents[0].unknown[0].value, "unknown one"));
	pare_buf_reset(&b);
	assert_int_equal(pare_index_write_text(&copy, &b, 0, &err), 0);
	assert_memory_equal(b.data, all_fields, b.len);
	pare_index_release(&copy);
	pare_buf_release(&b);
}

struct bad_case {
	const char *text, *msg;
	int code;
};

static void test_errors(void **state)
{
	(void)state;
	static const struct bad_case cases[] = {
		{ "P:x\nV:1\n\nP:y\nV:1\nS:1x\n", "t line 6: S: not a decimal number: '1x'",
		  -PARE_E_FORMAT },
		{ "P:x\nP:y\nV:1\n", "t line 2: P: field repeated: 'y'", -PARE_E_FORMAT },
		{ "P:x\nhello\n", "t line 2: not a field line (want X:value) (byte 0x68)",
		  -PARE_E_FORMAT },
		{ "P:x\r\nV:1\n", "t line 1: control character in a value (byte 0x0d)",
		  -PARE_E_FORMAT },
		{ "V:1\nT:x\n", "t line 1: record without P:", -PARE_E_FORMAT },
		{ "P:x\n", "t line 1: record without V:", -PARE_E_FORMAT },
		{ "P:-x\nV:1\n", "t line 1: P: invalid package name '-x'", -PARE_E_FORMAT },
		{ "P:x\nV:1\nC:Q1abc\n", "t line 3: C: not a Q1/Q2 checksum: 'Q1abc'",
		  -PARE_E_FORMAT },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pare_index idx;
		struct pare_error err = { 0 };
		pare_index_init(&idx);
		int r = pare_index_parse_slice(&idx, pare_slice_from(cases[i].text), "t", 0, &err);
		assert_int_equal(r, cases[i].code);
		assert_string_equal(err.msg, cases[i].msg);
		assert_int_equal(idx.n, 0);
		pare_index_release(&idx);
	}
	/* control bytes are found wherever they lie in a sixteen-byte block;
	 * a tab is allowed */
	for (size_t len = 1; len <= 40; len++)
		for (size_t at = 0; at < len; at++) {
			char text[64] = "P:x\nV:1\nT:";
			size_t h = strlen(text);
			memset(text + h, 'd', len);
			text[h + at] = '\t';
			memcpy(text + h + len, "\n", 2);
			struct pare_index ok;
			pare_index_init(&ok);
			assert_int_equal(pare_index_parse_slice(&ok, pare_slice_from(text), "t", 0, NULL), 0);
			pare_index_release(&ok);
			text[h + at] = '\x01';
			struct pare_index bad;
			struct pare_error e = { 0 };
			pare_index_init(&bad);
			assert_int_equal(pare_index_parse_slice(&bad, pare_slice_from(text), "t", 0, &e),
					 -PARE_E_FORMAT);
			assert_non_null(strstr(e.msg, "control character"));
			pare_index_release(&bad);
		}
	/* strict vs tolerant dependency lists */
	static const char bad_dep[] = "P:x\nV:1\nD:a b=1.0_ c\ni:x bad=\np:q\n";
	struct pare_index idx;
	struct pare_error err = { 0 };
	pare_index_init(&idx);
	assert_int_equal(pare_index_parse_slice(&idx, PARE_SLICE_LIT(bad_dep), "t", PARE_INDEX_STRICT,
						&err), -PARE_E_INVALID_DEP);
	assert_non_null(strstr(err.msg, "t line 3: D: "));
	assert_int_equal(pare_index_parse_slice(&idx, PARE_SLICE_LIT(bad_dep), "t", 0, &err), 0);
	assert_int_equal(idx.ents[0].flags & (PARE_PKGENT_BAD_DEPENDS | PARE_PKGENT_BAD_INSTALL_IF),
			 PARE_PKGENT_BAD_DEPENDS | PARE_PKGENT_BAD_INSTALL_IF);
	assert_int_equal(idx.ents[0].depends.n, 2); /* a and c */
	assert_int_equal(idx.ents[0].install_if.n, 0); /* dropped, as apk does */
	assert_true(pare_slice_eq_cstr(idx.ents[0].depends.text, "a b=1.0_ c"));
	pare_index_release(&idx);
}

static void test_record_reader(void **state)
{
	(void)state;
	static const char t[] = "\n\nF:usr\nR:a b\na:0:0:755\n\n\nP:x";
	struct pare_rec_reader rr;
	char c;
	struct pare_slice v;
	pare_rec_reader_init(&rr, PARE_SLICE_LIT(t), "installed");
	assert_true(pare_rec_next_record(&rr));
	assert_int_equal(rr.rec_line, 3);
	assert_int_equal(pare_rec_next_field(&rr, &c, &v, NULL), 1);
	assert_int_equal(c, 'F');
	assert_int_equal(pare_rec_next_field(&rr, &c, &v, NULL), 1);
	assert_true(pare_slice_eq_cstr(v, "a b"));
	assert_int_equal(pare_rec_next_field(&rr, &c, &v, NULL), 1);
	assert_int_equal(c, 'a');
	assert_int_equal(pare_rec_next_field(&rr, &c, &v, NULL), 0);
	assert_true(pare_rec_next_record(&rr));
	assert_int_equal(rr.rec_line, 8);
	assert_int_equal(pare_rec_next_field(&rr, &c, &v, NULL), 1);
	assert_true(pare_slice_eq_cstr(v, "x"));
	assert_int_equal(pare_rec_next_field(&rr, &c, &v, NULL), 0);
	assert_false(pare_rec_next_record(&rr));
}

/* Values of every length from 0 to 40 at every offset against the
 * scanner's 16-byte blocks (the newline found in the block, in the tail,
 * or missing at the end), and records split by runs of 1-4 blank lines. */
static void test_line_lengths(void **state)
{
	(void)state;
	char t[8192];
	for (size_t pad = 0; pad < 16; pad++) {
		/* a first field of 2 + pad bytes shifts the rest */
		size_t n = (size_t)snprintf(t, sizeof(t), "Z:%.*s\n", (int)pad, "yyyyyyyyyyyyyyyy");
		for (size_t len = 0; len <= 40; len++) {
			n += (size_t)snprintf(t + n, sizeof(t) - n, "P:p%zu\nV:1\nT:%.*s", len, (int)len,
					      "0123456789012345678901234567890123456789");
			/* 1-4 blank lines between records; none after the last */
			for (size_t b = len == 40 ? 0 : 2 + len % 4; b > 0; b--)
				t[n++] = '\n';
		}
		struct pare_index idx;
		struct pare_error err = { 0 };
		pare_index_init(&idx);
		assert_int_equal(pare_index_parse_slice(&idx, pare_slice_make(t, n), "lines", 0, &err), 0);
		assert_int_equal(idx.n, 41);
		for (size_t len = 0; len <= 40; len++) {
			const struct pare_pkgent *e = &idx.ents[len];
			assert_int_equal(e->description.len, len);
			assert_memory_equal(e->description.ptr, "0123456789012345678901234567890123456789",
					    len);
		}
		pare_index_release(&idx);
	}
}

/* Dependency lists of 1 to ~60 bytes, atoms of 1 to 20 bytes split by
 * runs of spaces and tabs: every atom found, wherever the list's last
 * sixteen bytes begin. */
static void test_list_tails(void **state)
{
	(void)state;
	static const char *const seps[] = { " ", "\t", "  ", " \t " };
	for (unsigned seed = 0; seed < 400; seed++) {
		char list[128], names[8][24], text[256];
		size_t n = 0, natoms = 1 + seed % 5;
		if (seed % 7 == 0) /* leading and trailing separators too */
			list[n++] = ' ';
		for (size_t k = 0; k < natoms; k++) {
			size_t len = 1 + (seed * 13 + k * 7) % 20;
			for (size_t c = 0; c < len; c++)
				names[k][c] = (char)('a' + (seed + k + c) % 26);
			names[k][len] = '\0';
			n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s", k ? seps[(seed + k) % 4] : "",
					      names[k]);
		}
		if (seed % 7 == 0)
			list[n++] = '\t';
		list[n] = '\0';
		int tn = snprintf(text, sizeof(text), "P:x\nV:1\nD:%s\n", list);
		struct pare_index idx;
		struct pare_error err = { 0 };
		pare_index_init(&idx);
		assert_int_equal(pare_index_parse_slice(&idx, pare_slice_make(text, (size_t)tn), "t", 0,
							&err), 0);
		assert_int_equal(idx.ents[0].depends.n, natoms);
		for (size_t k = 0; k < natoms; k++)
			assert_true(pare_slice_eq_cstr(idx.ents[0].depends.v[k].name, names[k]));
		pare_index_release(&idx);
	}
}

/* Entries made from the melange packages equal melange's own index. */
static void test_entries_from_packages(void **state)
{
	(void)state;
	static const char *pkgs[] = { "custom-ca-certs-1-1.0.0-r0.apk",
				      "custom-ca-certs-2-1.0.0-r0.apk",
				      "pretend-baselayout-1.0.0-r0.apk", "replayout-1.0.0-r0.apk" };
	struct pare_index ref, mine;
	struct pare_error err = { 0 };
	char kp[512], pp[512];
	struct pare_keyring ring;
	assert_int_equal(read_with_keys(&ref, signed_fixtures[3].index, signed_fixtures[3].keys,
					false, &err), 0);
	fx(kp, sizeof(kp), "melange-signed-repo/keys");
	assert_int_equal(pare_keyring_open(&ring, kp, NULL), 0);
	struct pare_index_read_opts o = { .keys = &ring };
	pare_index_init(&mine);
	for (size_t i = 0; i < 4; i++) {
		snprintf(pp, sizeof(pp), "%s/melange-signed-repo/x86_64/%s", fixtures_dir(), pkgs[i]);
		int r = pare_index_add_pkg_file(&mine, pp, &o, &err);
		if (r)
			fail_msg("%s", pare_error_text(&err, r));
		const struct pare_pkgent *m = &mine.ents[i];
		ptrdiff_t k = pare_index_find_file(&ref, pare_slice_from(pkgs[i]), m->size);
		assert_true(k >= 0);
		const struct pare_pkgent *e = &ref.ents[k];
		assert_true(pare_slice_eq(m->identity_text, e->identity_text));
		assert_int_equal(m->installed_size, e->installed_size);
		assert_int_equal(m->build_time, e->build_time);
		assert_true(pare_slice_eq(m->depends.text, e->depends.text));
		assert_true(pare_slice_eq(m->provides.text, e->provides.text));
		assert_true(pare_slice_eq(m->origin, e->origin));
		assert_true(pare_slice_eq(m->commit, e->commit));
	}
	/* not trusted without keys */
	struct pare_index_read_opts none = { 0 };
	snprintf(pp, sizeof(pp), "%s/melange-signed-repo/x86_64/%s", fixtures_dir(), pkgs[0]);
	assert_int_equal(pare_index_add_pkg_file(&mine, pp, &none, &err), -PARE_E_UNTRUSTED);
	assert_int_equal(mine.n, 4);
	pare_keyring_release(&ring);
	pare_index_release(&mine);
	pare_index_release(&ref);
}

/* Write a signed APKINDEX.tar.gz and read it back with the public key;
 * the same input gives the same bytes. */
static void test_write_signed(void **state)
{
	(void)state;
	char dir[] = "/tmp/pare-idx-XXXXXX", priv[256], out[256];
	assert_non_null(mkdtemp(dir));
	snprintf(priv, sizeof(priv), "%s/test.rsa", dir);
	snprintf(out, sizeof(out), "%s/APKINDEX.tar.gz", dir);
	assert_int_equal(pare_keygen(priv, NULL, 2048, NULL), 0);
	struct pare_privkey key = { 0 };
	assert_int_equal(pare_privkey_load(&key, priv, NULL), 0);
	struct pare_index idx, back;
	struct pare_error err = { 0 };
	assert_int_equal(read_with_keys(&idx, signed_fixtures[2].index, signed_fixtures[2].keys,
					false, &err), 0);
	assert_int_equal(pare_index_set_description(&idx, PARE_SLICE_LIT("test repo"), &err), 0);
	assert_int_equal(pare_index_sort(&idx), 0);
	for (size_t i = 1; i < idx.n; i++)
		assert_true(pare_pkgent_cmp(&idx.ents[i - 1], &idx.ents[i]) <= 0);
	struct pare_index_write_opts wo = { .mtime = 1700000000, .key = &key,
					    .keyname = "test.rsa.pub",
					    .flags = PARE_INDEX_WRITE_CANONICAL };
	struct pare_buf a, b;
	pare_buf_init(&a, 64u << 20);
	pare_buf_init(&b, 64u << 20);
	assert_int_equal(pare_index_write_targz(&idx, &wo, &a, &err), 0);
	assert_int_equal(pare_index_write_targz(&idx, &wo, &b, &err), 0);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.data, b.data, a.len);
	assert_int_equal(pare_index_write_targz_file(&idx, &wo, out, &err), 0);
	struct pare_keyring ring;
	assert_int_equal(pare_keyring_open(&ring, dir, NULL), 0);
	struct pare_index_read_opts o = { .keys = &ring };
	pare_index_init(&back);
	int r = pare_index_read_file(&back, out, &o, &err);
	if (r)
		fail_msg("%s", pare_error_text(&err, r));
	assert_string_equal(back.signer, "test.rsa.pub");
	assert_int_equal(back.n, idx.n);
	assert_true(pare_slice_eq_cstr(back.description, "test repo"));
	for (size_t i = 0; i < idx.n; i++) {
		assert_true(pare_slice_eq(back.ents[i].name, idx.ents[i].name));
		assert_true(pare_slice_eq(back.ents[i].identity_text, idx.ents[i].identity_text));
		assert_int_equal(back.ents[i].provider_priority, idx.ents[i].provider_priority);
	}
	pare_keyring_release(&ring);
	pare_index_release(&back);
	pare_index_release(&idx);
	pare_buf_release(&a);
	pare_buf_release(&b);
	pare_privkey_release(&key);
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

/* An empty slice may have a NULL pointer (an empty buffer): parsing it
 * must not do arithmetic on it (UBSan). */
static void assert_lists_equal(const struct pare_pkgent *a, const struct pare_pkgent *b)
{
	const struct pare_deplist *la[] = { &a->depends, &a->provides, &a->install_if, &a->replaces };
	const struct pare_deplist *lb[] = { &b->depends, &b->provides, &b->install_if, &b->replaces };
	assert_int_equal(a->flags & ~(uint32_t)PARE_PKGENT_DEPS_PENDING, b->flags);
	for (size_t l = 0; l < 4; l++) {
		assert_int_equal(la[l]->n, lb[l]->n);
		assert_true(pare_slice_eq(la[l]->text, lb[l]->text));
		for (uint32_t i = 0; i < la[l]->n; i++) {
			const struct pare_dep *x = &la[l]->v[i], *y = &lb[l]->v[i];
			assert_true(pare_slice_eq(x->name, y->name));
			assert_true(pare_slice_eq(x->version, y->version));
			assert_true(pare_slice_eq(x->tag, y->tag));
			assert_int_equal(x->op, y->op);
			assert_int_equal(x->conflict, y->conflict);
			assert_int_equal(x->checksum, y->checksum);
		}
	}
}

/* Lists kept as text (PARE_INDEX_LAZY_DEPS) parse, one walk's scratch or
 * into the index, to what an eager read gives, flags included (Alpine's
 * index has a BAD provide); strict and lazy together are refused. */
static void test_lazy_deps(void **state)
{
	(void)state;
	static const char text[] = "P:a\nV:1\nD:b>=2 !c pc:x=5.3.0_ so:y\np:q=1 cmd:r\n"
				   "i:b a\nr:old\n\nP:b\nV:2\ni:a !!bad\nD:\n";
	struct pare_index eager, lazy;
	struct pare_error err = { 0 };
	struct pare_dep *buf = NULL;
	size_t cap = 0;
	pare_index_init(&eager);
	pare_index_init(&lazy);
	struct pare_slice s = pare_slice_make(text, sizeof(text) - 1);
	assert_int_equal(pare_index_parse_slice(&eager, s, "t", 0, &err), 0);
	assert_int_equal(pare_index_parse_slice(&lazy, s, "t", PARE_INDEX_LAZY_DEPS, &err), 0);
	assert_int_equal(pare_index_parse_slice(&lazy, s, "t", PARE_INDEX_LAZY_DEPS |
						PARE_INDEX_STRICT, &err), -EINVAL);
	assert_int_equal(lazy.n, eager.n);
	for (size_t i = 0; i < lazy.n; i++) {
		struct pare_pkgent tmp;
		assert_true(lazy.ents[i].flags & PARE_PKGENT_DEPS_PENDING);
		assert_int_equal(lazy.ents[i].depends.n, 0);
		assert_int_equal(pare_pkgent_deps_tmp(&lazy.ents[i], &tmp, &buf, &cap, &err), 0);
		assert_lists_equal(&tmp, &eager.ents[i]);
		assert_int_equal(pare_index_entry_deps(&lazy, &lazy.ents[i], &err), 0);
		assert_lists_equal(&lazy.ents[i], &eager.ents[i]);
		assert_int_equal(pare_index_entry_deps(&lazy, &lazy.ents[i], &err), 0);
	}
	assert_true(eager.ents[0].flags & PARE_PKGENT_BAD_DEPENDS);
	assert_true(eager.ents[1].flags & PARE_PKGENT_BAD_INSTALL_IF);
	assert_int_equal(eager.ents[1].install_if.n, 0);
	free(buf);
	pare_index_release(&eager);
	pare_index_release(&lazy);
}

static void test_empty_null_slice(void **state)
{
	(void)state;
	struct pare_index idx;
	pare_index_init(&idx);
	assert_int_equal(pare_index_parse_slice(&idx, PARE_SLICE_NULL, "empty", 0, NULL), 0);
	assert_int_equal(idx.n, 0);
	pare_index_release(&idx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures_verify_and_parse),
		cmocka_unit_test(test_alpine_details),
		cmocka_unit_test(test_untrusted_refused),
		cmocka_unit_test(test_tampered_refused),
		cmocka_unit_test(test_all_fields),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_record_reader),
		cmocka_unit_test(test_entries_from_packages),
		cmocka_unit_test(test_write_signed),
		cmocka_unit_test(test_empty_null_slice),
		cmocka_unit_test(test_line_lengths),
		cmocka_unit_test(test_list_tails),
		cmocka_unit_test(test_lazy_deps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
