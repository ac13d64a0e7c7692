/* Unit tests for src/apk/sign.c: signature entry names, key names, key
 * generation, signing and verification verdicts (OK / BAD / UNTRUSTED),
 * hostile key names and key files, and real packages and indexes from
 * ../shared/fixtures/real (skipped when that folder is not found; set
 * PARE_SHARED_DIR to point at it). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <zlib.h>

#include "apk/sign.h"

#define S(x) pare_slice_from(x)

/* Fixture tree made once for the group:
 *   a.rsa, a.rsa.pub          key A (private, public)
 *   b.rsa                     key B
 *   keys/a.rsa.pub            A's public key
 *   keys/garbage.rsa.pub      not a key
 *   wrong/a.rsa.pub           B's public key under A's name */
static char tmpdir[64];

static char *path_in(const char *rel)
{
	static char buf[4][512];
	static int i;
	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", tmpdir, rel);
	return buf[i];
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void copy_file(const char *from, const char *to)
{
	char data[65536];
	FILE *f = fopen(from, "rb");
	assert_non_null(f);
	size_t n = fread(data, 1, sizeof(data), f);
	fclose(f);
	write_file(to, data, n);
}

static int group_setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/pare-sign-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	struct pare_error err = { 0 };
	if (mkdir(path_in("keys"), 0755) || mkdir(path_in("wrong"), 0755))
		return -1;
	if (pare_keygen(path_in("a.rsa"), NULL, 2048, &err) != 0 ||
	    pare_keygen(path_in("b.rsa"), path_in("wrong/a.rsa.pub"), 2048, &err) != 0) {
		fprintf(stderr, "keygen: %s\n", err.msg);
		return -1;
	}
	copy_file(path_in("a.rsa.pub"), path_in("keys/a.rsa.pub"));
	write_file(path_in("keys/garbage.rsa.pub"), "hello\n", 6);
	return 0;
}

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(p);
}

static int group_teardown(void **state)
{
	(void)state;
	return nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static struct pare_digest_value digest_of(enum pare_digest_alg alg, const char *text)
{
	struct pare_digest_value v;
	assert_int_equal(pare_digest_buffer(alg, text, strlen(text), &v), 0);
	return v;
}

/* Sign `text` with private key file priv. */
static void sign_text(const char *priv, enum pare_digest_alg alg, const char *text,
		      struct pare_buf *sig)
{
	struct pare_privkey key;
	struct pare_error err = { 0 };
	if (pare_privkey_load(&key, priv, &err) != 0)
		fail_msg("load %s: %s", priv, err.msg);
	struct pare_digest_value d = digest_of(alg, text);
	pare_buf_init(sig, PARE_SIGNATURE_MAX);
	if (pare_privkey_sign(&key, alg, &d, sig, &err) != 0)
		fail_msg("sign: %s", err.msg);
	pare_privkey_release(&key);
	pare_privkey_release(&key); /* idempotent */
}

static int verify_text(const char *keysdir, const char *keyname, enum pare_digest_alg alg,
		       const char *text, const void *sig, size_t siglen,
		       struct pare_error *err)
{
	struct pare_keyring k;
	int r = pare_keyring_open(&k, keysdir, err);
	assert_int_equal(r, 0);
	struct pare_digest_value d = digest_of(alg, text);
	r = pare_keyring_verify(&k, S(keyname), alg, &d, sig, siglen, err);
	pare_keyring_release(&k);
	pare_keyring_release(&k); /* released twice is fine */
	return r;
}

static void assert_msg_has(const struct pare_error *err, const char *what)
{
	if (!strstr(err->msg, what))
		fail_msg("message '%s' lacks '%s'", err->msg, what);
	if (strchr(err->msg, '\n'))
		fail_msg("message '%s' has a newline", err->msg);
}

/* ---- names -------------------------------------------------------------- */

static void test_entry_parse_kinds(void **state)
{
	(void)state;
	static const struct {
		const char *name, *key;
		enum pare_digest_alg alg;
	} ok[] = {
		{ ".SIGN.RSA.alpine-devel@lists.alpinelinux.org-616ae350.rsa.pub",
		  "alpine-devel@lists.alpinelinux.org-616ae350.rsa.pub", PARE_DIGEST_SHA1 },
		{ ".SIGN.RSA256.melange.rsa.pub", "melange.rsa.pub", PARE_DIGEST_SHA256 },
		{ ".SIGN.RSA512.k", "k", PARE_DIGEST_SHA512 },
		{ ".SIGN.RSA.a.b.c", "a.b.c", PARE_DIGEST_SHA1 },
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		enum pare_digest_alg alg = PARE_DIGEST_NONE;
		struct pare_slice key = PARE_SLICE_NULL;
		assert_int_equal(pare_sign_entry_parse(S(ok[i].name), &alg, &key), 1);
		assert_int_equal(alg, ok[i].alg);
		assert_true(pare_slice_eq_cstr(key, ok[i].key));
		assert_ptr_equal(key.ptr + key.len, ok[i].name + strlen(ok[i].name));
	}
	assert_int_equal(pare_sign_entry_parse(S(".SIGN.RSA.k"), NULL, NULL), 1);
}

static void test_entry_parse_other(void **state)
{
	(void)state;
	/* Not signatures at all. */
	const char *plain[] = { ".PKGINFO", "", ".SIGN", ".sign.RSA.k", "SIGN.RSA.k",
				"x.SIGN.RSA.k", ".SIGNRSA.k" };
	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
		assert_int_equal(pare_sign_entry_parse(S(plain[i]), NULL, NULL), 0);
	/* Unknown kinds. */
	const char *unknown[] = { ".SIGN.DSA.k", ".SIGN.", ".SIGN.RSA1024.k", ".SIGN.rsa.k",
				  ".SIGN.ED25519.k", ".SIGN.RSA2", ".SIGN..k" };
	for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++)
		assert_int_equal(pare_sign_entry_parse(S(unknown[i]), NULL, NULL),
				 -PARE_E_UNSUPPORTED);
	/* Known kind without a key name. */
	assert_int_equal(pare_sign_entry_parse(S(".SIGN.RSA"), NULL, NULL), -PARE_E_FORMAT);
	assert_int_equal(pare_sign_entry_parse(S(".SIGN.RSA256."), NULL, NULL), -PARE_E_FORMAT);
}

static void test_entry_parse_hostile(void **state)
{
	(void)state;
	const char *bad[] = { ".SIGN.RSA.../x", ".SIGN.RSA...", ".SIGN.RSA..",
			      ".SIGN.RSA./etc/passwd", ".SIGN.RSA.a/b", ".SIGN.RSA.k\n",
			      ".SIGN.RSA256.k\x1b[0m", ".SIGN.RSA.k\x7f" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		enum pare_digest_alg alg = PARE_DIGEST_NONE;
		assert_int_equal(pare_sign_entry_parse(S(bad[i]), &alg, NULL),
				 -PARE_E_UNSAFE_PATH);
		assert_int_equal(alg, PARE_DIGEST_NONE); /* untouched */
	}
	/* A NUL inside the (slice) name. */
	static const char nul[] = ".SIGN.RSA.a\0b";
	assert_int_equal(pare_sign_entry_parse(pare_slice_make(nul, sizeof(nul) - 1), NULL,
					       NULL),
			 -PARE_E_UNSAFE_PATH);
	/* Length limit: 255 bytes is fine, 256 is not. */
	char name[300];
	memcpy(name, ".SIGN.RSA.", 10);
	memset(name + 10, 'k', 256);
	assert_int_equal(pare_sign_entry_parse(pare_slice_make(name, 10 + 255), NULL, NULL), 1);
	assert_int_equal(pare_sign_entry_parse(pare_slice_make(name, 10 + 256), NULL, NULL),
			 -PARE_E_UNSAFE_PATH);
	/* Input is a slice: no NUL terminator needed. */
	const char *text = ".SIGN.RSA.key-tail-not-included";
	struct pare_slice key;
	assert_int_equal(pare_sign_entry_parse(pare_slice_make(text, 13), NULL, &key), 1);
	assert_true(pare_slice_eq_cstr(key, "key"));
}

static void test_keyname_check(void **state)
{
	(void)state;
	struct pare_error err = { 0 };
	assert_int_equal(pare_keyname_check(S("a.rsa.pub"), &err), 0);
	assert_int_equal(pare_keyname_check(S("..a"), &err), 0);
	assert_int_equal(pare_keyname_check(S(".."), &err), -PARE_E_UNSAFE_PATH);
	assert_int_equal(pare_keyname_check(S("a\nb"), &err), -PARE_E_UNSAFE_PATH);
	assert_msg_has(&err, "a\\x0ab");
	assert_msg_has(&err, "control character");
	assert_int_equal(pare_keyname_check(S("x/y"), &err), -PARE_E_UNSAFE_PATH);
	assert_msg_has(&err, "'/'");
	assert_int_equal(pare_keyname_check(S(""), NULL), -PARE_E_UNSAFE_PATH);
}

static void test_pubkey_name_for(void **state)
{
	(void)state;
	char out[300];
	assert_int_equal(pare_pubkey_name_for("/home/u/.abuild/foo.rsa", out, sizeof(out)), 0);
	assert_string_equal(out, "foo.rsa.pub");
	assert_int_equal(pare_pubkey_name_for("k.rsa", out, sizeof(out)), 0);
	assert_string_equal(out, "k.rsa.pub");
	assert_int_equal(pare_pubkey_name_for("dir/", out, sizeof(out)), -EINVAL);
	assert_int_equal(pare_pubkey_name_for("", out, sizeof(out)), -EINVAL);
	assert_int_equal(pare_pubkey_name_for("d/a\tb", out, sizeof(out)), -EINVAL);
	assert_int_equal(pare_pubkey_name_for("k.rsa", out, 9), -ENAMETOOLONG);
	assert_int_equal(pare_pubkey_name_for("k.rsa", out, 10), 0);
	char longname[260];
	memset(longname, 'x', 253);
	longname[253] = '\0'; /* + ".pub" = 257 > 255 */
	assert_int_equal(pare_pubkey_name_for(longname, out, sizeof(out)), -EINVAL);
}

/* ---- keygen, signing, verdicts ------------------------------------------ */

static void test_sign_verify_all_algs(void **state)
{
	(void)state;
	enum pare_digest_alg algs[] = { PARE_DIGEST_SHA1, PARE_DIGEST_SHA256,
					PARE_DIGEST_SHA512 };
	for (size_t i = 0; i < 3; i++) {
		struct pare_buf sig;
		struct pare_error err = { 0 };
		sign_text(path_in("a.rsa"), algs[i], "control member", &sig);
		assert_int_equal(sig.len, 256); /* RSA-2048 */
		int r = verify_text(path_in("keys"), "a.rsa.pub", algs[i], "control member",
				    sig.data, sig.len, &err);
		if (r != 0)
			fail_msg("%s: %s", pare_digest_name(algs[i]), err.msg);
		/* The same signature checked as another algorithm is BAD. */
		enum pare_digest_alg other = algs[(i + 1) % 3];
		r = verify_text(path_in("keys"), "a.rsa.pub", other, "control member",
				sig.data, sig.len, &err);
		assert_int_equal(r, -PARE_E_BAD_SIGNATURE);
		pare_buf_release(&sig);
	}
}

static void test_wrong_key_same_name(void **state)
{
	(void)state;
	struct pare_buf sig;
	struct pare_error err = { 0 };
	sign_text(path_in("a.rsa"), PARE_DIGEST_SHA256, "x", &sig);
	int r = verify_text(path_in("wrong"), "a.rsa.pub", PARE_DIGEST_SHA256, "x", sig.data,
			    sig.len, &err);
	assert_int_equal(r, -PARE_E_BAD_SIGNATURE);
	assert_int_equal(err.code, -PARE_E_BAD_SIGNATURE);
	assert_msg_has(&err, "BAD signature");
	assert_msg_has(&err, "a.rsa.pub");
	assert_msg_has(&err, "does not verify");
	pare_buf_release(&sig);
}

static void test_missing_key(void **state)
{
	(void)state;
	struct pare_buf sig;
	struct pare_error err = { 0 };
	sign_text(path_in("a.rsa"), PARE_DIGEST_SHA256, "x", &sig);
	int r = verify_text(path_in("keys"), "nope.rsa.pub", PARE_DIGEST_SHA256, "x", sig.data,
			    sig.len, &err);
	assert_int_equal(r, -PARE_E_UNTRUSTED);
	/* The caller says UNTRUSTED; the message names the key and the folder
	 * searched, once ("UNTRUSTED signature: UNTRUSTED signature" was a bug). */
	assert_null(strstr(err.msg, "UNTRUSTED"));
	assert_msg_has(&err, "nope.rsa.pub");
	assert_msg_has(&err, path_in("keys"));
	/* A dangling symlink is a missing key too. */
	assert_int_equal(symlink("/nonexistent/key", path_in("keys/dangling.rsa.pub")), 0);
	r = verify_text(path_in("keys"), "dangling.rsa.pub", PARE_DIGEST_SHA256, "x", sig.data,
			sig.len, &err);
	assert_int_equal(r, -PARE_E_UNTRUSTED);
	pare_buf_release(&sig);
}

static void test_hostile_keyname_never_resolves(void **state)
{
	(void)state;
	struct pare_buf sig;
	struct pare_error err = { 0 };
	sign_text(path_in("a.rsa"), PARE_DIGEST_SHA256, "x", &sig);
	/* Both names reach a real copy of key A, by path tricks. */
	const char *names[] = { "../keys/a.rsa.pub", "../a.rsa.pub", ".", "..", "",
				"a.rsa.pub\n" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		int r = verify_text(path_in("keys"), names[i], PARE_DIGEST_SHA256, "x",
				    sig.data, sig.len, &err);
		assert_int_equal(r, -PARE_E_UNTRUSTED);
		assert_msg_has(&err, "not a file name");
	}
	pare_buf_release(&sig);
}

static void test_tampered_digest(void **state)
{
	(void)state;
	struct pare_buf sig;
	struct pare_error err = { 0 };
	sign_text(path_in("a.rsa"), PARE_DIGEST_SHA1, "original", &sig);
	int r = verify_text(path_in("keys"), "a.rsa.pub", PARE_DIGEST_SHA1, "tampered",
			    sig.data, sig.len, &err);
	assert_int_equal(r, -PARE_E_BAD_SIGNATURE);
	/* A digest whose alg disagrees with the signature kind is refused. */
	struct pare_keyring k;
	assert_int_equal(pare_keyring_open(&k, path_in("keys"), &err), 0);
	struct pare_digest_value d = digest_of(PARE_DIGEST_SHA256, "original");
	assert_int_equal(pare_keyring_verify(&k, S("a.rsa.pub"), PARE_DIGEST_SHA1, &d,
					     sig.data, sig.len, &err),
			 -EINVAL);
	pare_keyring_release(&k);
	pare_buf_release(&sig);
}

static void test_bad_signature_bytes(void **state)
{
	(void)state;
	struct pare_buf sig;
	struct pare_error err = { 0 };
	sign_text(path_in("a.rsa"), PARE_DIGEST_SHA256, "x", &sig);
	unsigned char bytes[600];
	memcpy(bytes, sig.data, sig.len);
	/* Truncated, empty, overlong. */
	size_t lens[] = { sig.len - 1, 1, 0, sig.len + 1, 512 };
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++)
		assert_int_equal(verify_text(path_in("keys"), "a.rsa.pub", PARE_DIGEST_SHA256,
					     "x", bytes, lens[i], &err),
				 -PARE_E_BAD_SIGNATURE);
	/* One flipped bit; all zero; all 0xff (larger than the modulus). */
	bytes[100] ^= 0x01;
	assert_int_equal(verify_text(path_in("keys"), "a.rsa.pub", PARE_DIGEST_SHA256, "x",
				     bytes, sig.len, &err),
			 -PARE_E_BAD_SIGNATURE);
	memset(bytes, 0, sizeof(bytes));
	assert_int_equal(verify_text(path_in("keys"), "a.rsa.pub", PARE_DIGEST_SHA256, "x",
				     bytes, sig.len, &err),
			 -PARE_E_BAD_SIGNATURE);
	memset(bytes, 0xff, sizeof(bytes));
	assert_int_equal(verify_text(path_in("keys"), "a.rsa.pub", PARE_DIGEST_SHA256, "x",
				     bytes, sig.len, &err),
			 -PARE_E_BAD_SIGNATURE);
	/* The good signature still verifies afterwards (cache intact). */
	assert_int_equal(verify_text(path_in("keys"), "a.rsa.pub", PARE_DIGEST_SHA256, "x",
				     sig.data, sig.len, &err),
			 0);
	pare_buf_release(&sig);
}

/* Public key files in forms other than the plain PEM block the keyring
 * reads itself: OpenSSL's reader still judges them, with the same result. */
static void read_file(const char *path, char *data, size_t cap, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	*len = fread(data, 1, cap, f);
	fclose(f);
}

static void test_pubkey_forms(void **state)
{
	(void)state;
	struct pare_buf sig;
	struct pare_error err = { 0 };
	sign_text(path_in("a.rsa"), PARE_DIGEST_SHA256, "x", &sig);
	char pem[8192], alt[16384];
	size_t len, n = 0;
	read_file(path_in("a.rsa.pub"), pem, sizeof(pem), &len);
	/* CRLF line ends (read in place) */
	for (size_t i = 0; i < len; i++) {
		if (pem[i] == '\n')
			alt[n++] = '\r';
		alt[n++] = pem[i];
	}
	write_file(path_in("keys/crlf.rsa.pub"), alt, n);
	assert_int_equal(verify_text(path_in("keys"), "crlf.rsa.pub", PARE_DIGEST_SHA256, "x",
				     sig.data, sig.len, &err),
			 0);
	/* text before the block (OpenSSL's reader skips it) */
	n = (size_t)snprintf(alt, sizeof(alt), "a comment\n%.*s", (int)len, pem);
	write_file(path_in("keys/comment.rsa.pub"), alt, n);
	assert_int_equal(verify_text(path_in("keys"), "comment.rsa.pub", PARE_DIGEST_SHA256, "x",
				     sig.data, sig.len, &err),
			 0);
	/* a damaged body: neither reader takes it */
	memcpy(alt, pem, len);
	alt[40] = alt[40] == 'A' ? 'B' : 'A';
	alt[41] = '*';
	write_file(path_in("keys/damaged.rsa.pub"), alt, len);
	assert_int_equal(verify_text(path_in("keys"), "damaged.rsa.pub", PARE_DIGEST_SHA256, "x",
				     sig.data, sig.len, &err),
			 -PARE_E_BAD_SIGNATURE);
	assert_msg_has(&err, "not a PEM public key");
	/* an EC key in the same "PUBLIC KEY" form: refused as not RSA */
	EVP_PKEY *ec = EVP_EC_gen("P-256");
	assert_non_null(ec);
	BIO *bio = BIO_new(BIO_s_mem());
	assert_int_equal(PEM_write_bio_PUBKEY(bio, ec), 1);
	char *data;
	long dl = BIO_get_mem_data(bio, &data);
	write_file(path_in("keys/ec.rsa.pub"), data, (size_t)dl);
	BIO_free(bio);
	EVP_PKEY_free(ec);
	assert_int_equal(verify_text(path_in("keys"), "ec.rsa.pub", PARE_DIGEST_SHA256, "x",
				     sig.data, sig.len, &err),
			 -PARE_E_BAD_SIGNATURE);
	assert_msg_has(&err, "not an RSA key");
	pare_buf_release(&sig);
}

static void test_bad_key_files(void **state)
{
	(void)state;
	struct pare_buf sig;
	struct pare_error err = { 0 };
	sign_text(path_in("a.rsa"), PARE_DIGEST_SHA256, "x", &sig);
	int r = verify_text(path_in("keys"), "garbage.rsa.pub", PARE_DIGEST_SHA256, "x",
			    sig.data, sig.len, &err);
	assert_int_equal(r, -PARE_E_BAD_SIGNATURE);
	assert_msg_has(&err, "garbage.rsa.pub");
	assert_msg_has(&err, "not a PEM public key");
	/* A directory, a FIFO (must not hang), an oversized file. */
	assert_int_equal(mkdir(path_in("keys/dir.rsa.pub"), 0755), 0);
	r = verify_text(path_in("keys"), "dir.rsa.pub", PARE_DIGEST_SHA256, "x", sig.data,
			sig.len, &err);
	assert_int_equal(r, -PARE_E_BAD_SIGNATURE);
	assert_msg_has(&err, "not a regular file");
	assert_int_equal(mkfifo(path_in("keys/fifo.rsa.pub"), 0644), 0);
	r = verify_text(path_in("keys"), "fifo.rsa.pub", PARE_DIGEST_SHA256, "x", sig.data,
			sig.len, &err);
	assert_int_equal(r, -PARE_E_BAD_SIGNATURE);
	static char big[PARE_KEYFILE_MAX + 1];
	memset(big, 'A', sizeof(big));
	write_file(path_in("keys/big.rsa.pub"), big, sizeof(big));
	r = verify_text(path_in("keys"), "big.rsa.pub", PARE_DIGEST_SHA256, "x", sig.data,
			sig.len, &err);
	assert_int_equal(r, -PARE_E_BAD_SIGNATURE);
	assert_msg_has(&err, "larger than");
	/* A private key where the public one belongs is not a public key. */
	copy_file(path_in("a.rsa"), path_in("keys/priv.rsa.pub"));
	r = verify_text(path_in("keys"), "priv.rsa.pub", PARE_DIGEST_SHA256, "x", sig.data,
			sig.len, &err);
	assert_int_equal(r, -PARE_E_BAD_SIGNATURE);
	pare_buf_release(&sig);
}

static void test_symlinked_key_and_root(void **state)
{
	(void)state;
	struct pare_buf sig;
	struct pare_error err = { 0 };
	sign_text(path_in("a.rsa"), PARE_DIGEST_SHA512, "x", &sig);
	/* Relative symlink out of the keys dir (as /etc/apk/keys ->
	 * /usr/share/apk/keys): followed. */
	assert_int_equal(symlink("../a.rsa.pub", path_in("keys/link.rsa.pub")), 0);
	assert_int_equal(verify_text(path_in("keys"), "link.rsa.pub", PARE_DIGEST_SHA512, "x",
				     sig.data, sig.len, &err),
			 0);
	/* Root mode: an absolute symlink resolves inside the root. */
	assert_int_equal(symlink("/a.rsa.pub", path_in("keys/abs.rsa.pub")), 0);
	struct pare_root root;
	assert_int_equal(pare_root_open(&root, tmpdir, &err), 0);
	struct pare_keyring k;
	assert_int_equal(pare_keyring_open_root(&k, &root, "keys", &err), 0);
	struct pare_digest_value d = digest_of(PARE_DIGEST_SHA512, "x");
	int r = pare_keyring_verify(&k, S("abs.rsa.pub"), PARE_DIGEST_SHA512, &d, sig.data,
				    sig.len, &err);
	if (r != 0)
		fail_msg("root mode: %s", err.msg);
	assert_int_equal(pare_keyring_verify(&k, S("nope"), PARE_DIGEST_SHA512, &d, sig.data,
					     sig.len, &err),
			 -PARE_E_UNTRUSTED);
	pare_keyring_release(&k);
	assert_int_equal(pare_keyring_open_root(&k, &root, "no/such/dir", &err), -ENOENT);
	pare_keyring_release(&k);
	pare_root_release(&root);
	/* open_at from a directory fd. */
	int dfd = open(tmpdir, O_PATH | O_DIRECTORY);
	assert_true(dfd >= 0);
	assert_int_equal(pare_keyring_open_at(&k, dfd, "keys", &err), 0);
	close(dfd);
	assert_int_equal(pare_keyring_verify(&k, S("a.rsa.pub"), PARE_DIGEST_SHA512, &d,
					     sig.data, sig.len, &err),
			 0);
	pare_keyring_release(&k);
	assert_int_equal(pare_keyring_open(&k, path_in("missing"), &err), -ENOENT);
	assert_msg_has(&err, "missing");
	pare_keyring_release(&k);
	pare_keyring_release(NULL);
	pare_buf_release(&sig);
}

/* More names than the cache holds: later keys are loaded per use. */
static void test_cache_bound(void **state)
{
	(void)state;
	struct pare_buf sig;
	struct pare_error err = { 0 };
	sign_text(path_in("a.rsa"), PARE_DIGEST_SHA256, "x", &sig);
	assert_int_equal(mkdir(path_in("many"), 0755), 0);
	struct pare_keyring k;
	assert_int_equal(pare_keyring_open(&k, path_in("many"), &err), 0);
	struct pare_digest_value d = digest_of(PARE_DIGEST_SHA256, "x");
	for (int i = 0; i < PARE_KEYRING_CACHE_MAX + 20; i++) {
		char name[32], link[600];
		snprintf(name, sizeof(name), "k%04d.rsa.pub", i);
		snprintf(link, sizeof(link), "%s/%s", path_in("many"), name);
		assert_int_equal(symlink("../a.rsa.pub", link), 0);
		/* Each name twice: the second use hits the cache (or not). */
		for (int j = 0; j < 2; j++)
			if (pare_keyring_verify(&k, S(name), PARE_DIGEST_SHA256, &d, sig.data,
						sig.len, &err) != 0)
				fail_msg("%s: %s", name, err.msg);
	}
	assert_int_equal(k.keys.count, PARE_KEYRING_CACHE_MAX);
	pare_keyring_release(&k);
	pare_buf_release(&sig);
}

/* A missing key is looked up once per keyring (the installer asks once per
 * package): a file added afterwards is not seen by it, but by a new one. */
static void test_missing_key_cached(void **state)
{
	(void)state;
	struct pare_buf sig;
	struct pare_error err = { 0 };
	sign_text(path_in("a.rsa"), PARE_DIGEST_SHA256, "x", &sig);
	assert_int_equal(mkdir(path_in("later"), 0755), 0);
	struct pare_keyring k;
	assert_int_equal(pare_keyring_open(&k, path_in("later"), &err), 0);
	struct pare_digest_value d = digest_of(PARE_DIGEST_SHA256, "x");
	for (int i = 0; i < 3; i++)
		assert_int_equal(pare_keyring_verify(&k, S("a.rsa.pub"), PARE_DIGEST_SHA256, &d,
						     sig.data, sig.len, &err),
				 -PARE_E_UNTRUSTED);
	assert_int_equal(k.keys.count, 1);
	assert_int_equal(symlink("../a.rsa.pub", path_in("later/a.rsa.pub")), 0);
	assert_int_equal(pare_keyring_verify(&k, S("a.rsa.pub"), PARE_DIGEST_SHA256, &d, sig.data,
					     sig.len, &err),
			 -PARE_E_UNTRUSTED);
	assert_msg_has(&err, "no key a.rsa.pub");
	pare_keyring_release(&k);
	assert_int_equal(verify_text(path_in("later"), "a.rsa.pub", PARE_DIGEST_SHA256, "x",
				     sig.data, sig.len, &err),
			 0);
	pare_buf_release(&sig);
}

static void test_keygen_files(void **state)
{
	(void)state;
	struct stat st;
	assert_int_equal(stat(path_in("a.rsa"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(stat(path_in("a.rsa.pub"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	char buf[64] = { 0 };
	FILE *f = fopen(path_in("a.rsa"), "r");
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	assert_string_equal(buf, "-----BEGIN PRIVATE KEY-----\n");
	f = fopen(path_in("a.rsa.pub"), "r");
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	assert_string_equal(buf, "-----BEGIN PUBLIC KEY-----\n");
	/* No temporary files left behind. */
	DIR *d = opendir(tmpdir);
	assert_non_null(d);
	struct dirent *e;
	while ((e = readdir(d)))
		if (strstr(e->d_name, ".tmp."))
			fail_msg("temporary file %s left behind", e->d_name);
	closedir(d);
}

static void test_keygen_refuses_overwrite(void **state)
{
	(void)state;
	struct pare_error err = { 0 };
	struct stat before, after;
	assert_int_equal(stat(path_in("a.rsa"), &before), 0);
	assert_int_equal(pare_keygen(path_in("a.rsa"), path_in("other.pub"), 2048, &err),
			 -EEXIST);
	assert_msg_has(&err, "a.rsa");
	assert_msg_has(&err, "refusing to overwrite");
	assert_int_equal(stat(path_in("a.rsa"), &after), 0);
	assert_int_equal(before.st_ino, after.st_ino);
	assert_int_equal(access(path_in("other.pub"), F_OK), -1);
	/* A dangling symlink at the private key path is not replaced either. */
	assert_int_equal(symlink("nowhere", path_in("dangling.rsa")), 0);
	assert_int_equal(pare_keygen(path_in("dangling.rsa"), NULL, 2048, &err), -EEXIST);
	/* Bad arguments. */
	assert_int_equal(pare_keygen(path_in("c.rsa"), NULL, 1024, &err), -EINVAL);
	assert_int_equal(pare_keygen(path_in("c.rsa"), NULL, 100000, &err), -EINVAL);
	assert_int_equal(pare_keygen(path_in("c.rsa"), path_in("c.rsa"), 2048, &err), -EINVAL);
	assert_int_equal(pare_keygen(path_in("nodir/c.rsa"), NULL, 2048, &err), -ENOENT);
	assert_int_equal(access(path_in("c.rsa"), F_OK), -1);
}

static void test_privkey_load_formats(void **state)
{
	(void)state;
	struct pare_error err = { 0 };
	struct pare_privkey key;
	/* PKCS#1 "RSA PRIVATE KEY", as older abuild-keygen wrote. */
	assert_int_equal(pare_privkey_load(&key, path_in("b.rsa"), &err), 0);
	BIO *bio = BIO_new(BIO_s_mem());
	assert_int_equal(PEM_write_bio_PrivateKey_traditional(bio, key.pkey, NULL, NULL, 0,
							      NULL, NULL),
			 1);
	char *data;
	long len = BIO_get_mem_data(bio, &data);
	assert_non_null(strstr(data, "BEGIN RSA PRIVATE KEY"));
	write_file(path_in("pkcs1.rsa"), data, (size_t)len);
	BIO_free(bio);
	/* Encrypted: refused, never prompted for. */
	bio = BIO_new(BIO_s_mem());
	assert_int_equal(PEM_write_bio_PrivateKey(bio, key.pkey, EVP_aes_256_cbc(),
						  (unsigned char *)"pw", 2, NULL, NULL),
			 1);
	len = BIO_get_mem_data(bio, &data);
	write_file(path_in("enc.rsa"), data, (size_t)len);
	BIO_free(bio);
	pare_privkey_release(&key);

	assert_int_equal(pare_privkey_load(&key, path_in("pkcs1.rsa"), &err), 0);
	/* Signs for key B; its public half is wrong/a.rsa.pub. */
	struct pare_digest_value d = digest_of(PARE_DIGEST_SHA256, "y");
	struct pare_buf sig;
	pare_buf_init(&sig, PARE_SIGNATURE_MAX);
	assert_int_equal(pare_privkey_sign(&key, PARE_DIGEST_SHA256, &d, &sig, &err), 0);
	assert_int_equal(verify_text(path_in("wrong"), "a.rsa.pub", PARE_DIGEST_SHA256, "y",
				     sig.data, sig.len, &err),
			 0);
	/* Signing into a buffer too small for the signature fails cleanly. */
	struct pare_buf small;
	pare_buf_init(&small, 16);
	assert_int_equal(pare_privkey_sign(&key, PARE_DIGEST_SHA256, &d, &small, &err),
			 -PARE_E_TOO_BIG);
	pare_buf_release(&small);
	/* A digest of the wrong kind is refused. */
	assert_int_equal(pare_privkey_sign(&key, PARE_DIGEST_SHA1, &d, &sig, &err), -EINVAL);
	pare_buf_release(&sig);
	pare_privkey_release(&key);

	assert_int_equal(pare_privkey_load(&key, path_in("enc.rsa"), &err),
			 -PARE_E_UNSUPPORTED);
	assert_msg_has(&err, "encrypted");
	assert_null(key.pkey);
	assert_int_equal(pare_privkey_load(&key, path_in("keys/garbage.rsa.pub"), &err),
			 -PARE_E_FORMAT);
	assert_int_equal(pare_privkey_load(&key, path_in("a.rsa.pub"), &err), -PARE_E_FORMAT);
	assert_int_equal(pare_privkey_load(&key, path_in("missing.rsa"), &err), -ENOENT);
	assert_msg_has(&err, "missing.rsa");
	pare_privkey_release(NULL);
}

static void test_write_public(void **state)
{
	(void)state;
	struct pare_error err = { 0 };
	struct pare_privkey key;
	assert_int_equal(pare_privkey_load(&key, path_in("a.rsa"), &err), 0);
	char name[PARE_KEYNAME_MAX + 1];
	assert_int_equal(pare_pubkey_name_for(path_in("a.rsa"), name, sizeof(name)), 0);
	assert_string_equal(name, "a.rsa.pub");
	assert_int_equal(mkdir(path_in("keys2"), 0755), 0);
	char out[512];
	snprintf(out, sizeof(out), "%s/%s", path_in("keys2"), name);
	assert_int_equal(pare_privkey_write_public(&key, out, &err), 0);
	/* Replacing an existing public key is allowed. */
	assert_int_equal(pare_privkey_write_public(&key, out, &err), 0);
	struct pare_digest_value d = digest_of(PARE_DIGEST_SHA1, "z");
	struct pare_buf sig;
	pare_buf_init(&sig, PARE_SIGNATURE_MAX);
	assert_int_equal(pare_privkey_sign(&key, PARE_DIGEST_SHA1, &d, &sig, &err), 0);
	assert_int_equal(verify_text(path_in("keys2"), name, PARE_DIGEST_SHA1, "z", sig.data,
				     sig.len, &err),
			 0);
	pare_buf_release(&sig);
	pare_privkey_release(&key);
	/* Same bytes as the public key keygen wrote. */
	char cmd[1200];
	snprintf(cmd, sizeof(cmd), "cmp -s '%s' '%s'", out, path_in("a.rsa.pub"));
	assert_int_equal(system(cmd), 0);
}

/* ---- real packages and indexes ------------------------------------------ */

static const char *shared_dir(void)
{
	static char dir[512];
	const char *env = getenv("PARE_SHARED_DIR");
	const char *cands[] = { env, "../shared", "../../shared" };
	for (size_t i = 0; i < 3; i++) {
		if (!cands[i])
			continue;
		snprintf(dir, sizeof(dir), "%s/fixtures/real/README.md", cands[i]);
		if (access(dir, R_OK) == 0) {
			snprintf(dir, sizeof(dir), "%s/fixtures/real", cands[i]);
			return dir;
		}
	}
	return NULL;
}

/* Length of the gzip member at p (consumed compressed bytes); decompressed
 * bytes go to out (up to outmax, the rest is discarded). */
static size_t gzip_member(const unsigned char *p, size_t n, unsigned char *out,
			  size_t outmax, size_t *outlen)
{
	z_stream zs;
	memset(&zs, 0, sizeof(zs));
	assert_int_equal(inflateInit2(&zs, 16 + 15), Z_OK);
	zs.next_in = (unsigned char *)p;
	zs.avail_in = (uInt)n;
	unsigned char scratch[16384];
	size_t got = 0;
	int r;
	do {
		bool keep = got < outmax;
		zs.next_out = keep ? out + got : scratch;
		zs.avail_out = (uInt)(keep ? outmax - got : sizeof(scratch));
		unsigned before = zs.avail_out;
		r = inflate(&zs, Z_NO_FLUSH);
		if (keep)
			got += before - zs.avail_out;
		assert_true(r == Z_OK || r == Z_STREAM_END);
	} while (r != Z_STREAM_END);
	size_t used = zs.total_in;
	inflateEnd(&zs);
	if (outlen)
		*outlen = got;
	return used;
}

static uint64_t tar_octal(const unsigned char *f, size_t n)
{
	uint64_t v = 0;
	for (size_t i = 0; i < n && f[i] >= '0' && f[i] <= '7'; i++)
		v = v * 8 + (uint64_t)(f[i] - '0');
	return v;
}

/* apk's verdict for a package or index: 0 when any signature verifies;
 * else BAD when some named key exists, else UNTRUSTED. */
static int verify_apk(const char *file, const char *keysdir, char *msg, size_t msglen)
{
	static unsigned char data[1 << 22];
	FILE *f = fopen(file, "rb");
	assert_non_null(f);
	size_t n = fread(data, 1, sizeof(data), f);
	fclose(f);
	static unsigned char sigtar[65536];
	size_t tarlen;
	size_t m1 = gzip_member(data, n, sigtar, sizeof(sigtar), &tarlen);
	size_t m2 = gzip_member(data + m1, n - m1, NULL, 0, NULL);

	struct pare_keyring k;
	struct pare_error err = { 0 };
	assert_int_equal(pare_keyring_open(&k, keysdir, &err), 0);
	int verdict = -PARE_E_UNTRUSTED;
	snprintf(msg, msglen, "no signature");
	for (size_t off = 0; off + 512 <= tarlen;) {
		const unsigned char *h = sigtar + off;
		if (h[0] == '\0')
			break;
		size_t size = (size_t)tar_octal(h + 124, 12);
		struct pare_slice name = pare_slice_make((const char *)h, strnlen((const char *)h, 100));
		enum pare_digest_alg alg;
		struct pare_slice key;
		if (pare_sign_entry_parse(name, &alg, &key) == 1 && off + 512 + size <= tarlen) {
			struct pare_digest_value d;
			assert_int_equal(pare_digest_buffer(alg, data + m1, m2, &d), 0);
			int r = pare_keyring_verify(&k, key, alg, &d, h + 512, size, &err);
			if (r == 0 || verdict == -PARE_E_UNTRUSTED) {
				snprintf(msg, msglen, "%s", r ? err.msg : "OK");
				verdict = r;
			}
			if (r == 0)
				break;
		}
		off += 512 + (size + 511) / 512 * 512;
	}
	pare_keyring_release(&k);
	return verdict;
}

static void check_real(const char *rel, const char *keys, int want)
{
	const char *dir = shared_dir();
	char file[1024], keysdir[1024], msg[PARE_ERROR_MSG_MAX];
	snprintf(file, sizeof(file), "%s/%s", dir, rel);
	snprintf(keysdir, sizeof(keysdir), "%s/%s", dir, keys);
	int r = verify_apk(file, keysdir, msg, sizeof(msg));
	print_message("  %-58s %-10s %s\n", rel,
		      r == 0 ? "OK" : r == -PARE_E_BAD_SIGNATURE ? "BAD" : "UNTRUSTED", msg);
	if (r != want)
		fail_msg("%s: got %d (%s), want %d", rel, r, msg, want);
}

static void test_real_fixtures(void **state)
{
	(void)state;
	if (!shared_dir())
		skip();
	static const struct {
		const char *file, *keys;
		int want;
	} cases[] = {
		{ "alpine-3.17-main-aarch64/alpine-baselayout-3.2.0-r23.apk", "alpine-keys", 0 },
		{ "alpine-3.17-main-aarch64/APKINDEX.tar.gz", "alpine-keys", 0 },
		{ "melange-signed-repo/x86_64/custom-ca-certs-1-1.0.0-r0.apk",
		  "melange-signed-repo/keys", 0 },
		{ "melange-signed-repo/x86_64/custom-ca-certs-2-1.0.0-r0.apk",
		  "melange-signed-repo/keys", 0 },
		{ "melange-signed-repo/x86_64/pretend-baselayout-1.0.0-r0.apk",
		  "melange-signed-repo/keys", 0 },
		{ "melange-signed-repo/x86_64/replayout-1.0.0-r0.apk", "melange-signed-repo/keys",
		  0 },
		{ "melange-signed-repo/x86_64/APKINDEX.tar.gz", "melange-signed-repo/keys", 0 },
		{ "rsa256-signed/APKINDEX.tar.gz", "rsa256-signed/keys", 0 },
		{ "multi-signed/APKINDEX.tar.gz", "multi-signed/keys", 0 },
		{ "wolfi/hello-wolfi-2.12.1-r0.apk", "melange-signed-repo/keys",
		  -PARE_E_BAD_SIGNATURE },
		{ "wolfi/hello-wolfi-2.12.1-r1.apk", "melange-signed-repo/keys", -PARE_E_UNTRUSTED },
		{ "wolfi/libcap-2.69-r0.apk", "alpine-keys", -PARE_E_UNTRUSTED },
		{ "misc/unsigned-test.apk", "alpine-keys", -PARE_E_UNTRUSTED },
		/* Right signature, other keyring. */
		{ "alpine-3.17-main-aarch64/alpine-baselayout-3.2.0-r23.apk",
		  "melange-signed-repo/keys", -PARE_E_UNTRUSTED },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_real(cases[i].file, cases[i].keys, cases[i].want);
}

/* The Alpine signature, checked by hand: SHA-1 of the control member
 * bytes with the 616ae350 key; one changed byte of it makes it BAD. */
static void test_real_alpine_tamper(void **state)
{
	(void)state;
	const char *dir = shared_dir();
	if (!dir)
		skip();
	char file[1024], keysdir[1024];
	snprintf(file, sizeof(file), "%s/alpine-3.17-main-aarch64/alpine-baselayout-3.2.0-r23.apk",
		 dir);
	snprintf(keysdir, sizeof(keysdir), "%s/alpine-keys", dir);
	static unsigned char data[1 << 20];
	FILE *f = fopen(file, "rb");
	assert_non_null(f);
	size_t n = fread(data, 1, sizeof(data), f);
	fclose(f);
	unsigned char tar[4096];
	size_t tarlen;
	size_t m1 = gzip_member(data, n, tar, sizeof(tar), &tarlen);
	size_t m2 = gzip_member(data + m1, n - m1, NULL, 0, NULL);
	struct pare_slice name = pare_slice_make((const char *)tar, strnlen((char *)tar, 100));
	enum pare_digest_alg alg;
	struct pare_slice key;
	assert_int_equal(pare_sign_entry_parse(name, &alg, &key), 1);
	assert_int_equal(alg, PARE_DIGEST_SHA1);
	assert_true(pare_slice_eq_cstr(key, "alpine-devel@lists.alpinelinux.org-616ae350.rsa.pub"));
	size_t siglen = (size_t)tar_octal(tar + 124, 12);
	assert_int_equal(siglen, 512);
	struct pare_keyring k;
	struct pare_error err = { 0 };
	assert_int_equal(pare_keyring_open(&k, keysdir, &err), 0);
	struct pare_digest_value d;
	assert_int_equal(pare_digest_buffer(PARE_DIGEST_SHA1, data + m1, m2, &d), 0);
	assert_int_equal(pare_keyring_verify(&k, key, alg, &d, tar + 512, siglen, &err), 0);
	data[m1 + m2 / 2] ^= 0x20;
	assert_int_equal(pare_digest_buffer(PARE_DIGEST_SHA1, data + m1, m2, &d), 0);
	assert_int_equal(pare_keyring_verify(&k, key, alg, &d, tar + 512, siglen, &err),
			 -PARE_E_BAD_SIGNATURE);
	pare_keyring_release(&k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entry_parse_kinds),
		cmocka_unit_test(test_entry_parse_other),
		cmocka_unit_test(test_entry_parse_hostile),
		cmocka_unit_test(test_keyname_check),
		cmocka_unit_test(test_pubkey_name_for),
		cmocka_unit_test(test_sign_verify_all_algs),
		cmocka_unit_test(test_wrong_key_same_name),
		cmocka_unit_test(test_missing_key),
		cmocka_unit_test(test_hostile_keyname_never_resolves),
		cmocka_unit_test(test_tampered_digest),
		cmocka_unit_test(test_bad_signature_bytes),
		cmocka_unit_test(test_bad_key_files),
		cmocka_unit_test(test_symlinked_key_and_root),
		cmocka_unit_test(test_cache_bound),
		cmocka_unit_test(test_missing_key_cached),
		cmocka_unit_test(test_keygen_files),
		cmocka_unit_test(test_keygen_refuses_overwrite),
		cmocka_unit_test(test_privkey_load_formats),
		cmocka_unit_test(test_write_public),
		cmocka_unit_test(test_pubkey_forms),
		cmocka_unit_test(test_real_fixtures),
		cmocka_unit_test(test_real_alpine_tamper),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
