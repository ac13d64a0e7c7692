#include "apk/sign.h"
#include "io/digest.h"
#include "io/stream.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/asn1.h>
#include <openssl/core_names.h>
#include <openssl/objects.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

/* A key looked up once: pkey is NULL when the file exists but is unusable,
 * and then `why` says what is wrong with it (the verdict is BAD). */
struct cached_key {
	char *name;
	EVP_PKEY *pkey;
	bool absent; /* no such file (a lookup is not repeated: the installer
		      * asks once per package) */
	char why[200];
};

/* ---- small helpers ------------------------------------------------------ */

static const EVP_MD *alg_md(enum pare_digest_alg alg)
{
	switch (alg) {
	case PARE_DIGEST_SHA1: return EVP_sha1();
	case PARE_DIGEST_SHA256: return EVP_sha256();
	case PARE_DIGEST_SHA512: return EVP_sha512();
	default: return NULL;
	}
}

/* The reason of the newest OpenSSL error, then an empty error queue (so
 * stale errors never leak into a later, unrelated message). */
static void ossl_why(char *out, size_t n)
{
	unsigned long e = ERR_peek_last_error();
	const char *reason = e ? ERR_reason_error_string(e) : NULL;
	if (reason)
		snprintf(out, n, "%s", reason);
	else if (e)
		ERR_error_string_n(e, out, n);
	else
		snprintf(out, n, "unknown OpenSSL error");
	ERR_clear_error();
}

/* A name from untrusted input, made safe for a one-line message: control
 * bytes become \xNN, and a long name is cut with "...". */
static const char *show_name(struct pare_slice s, char *out, size_t n)
{
	size_t o = 0;
	for (size_t i = 0; i < s.len; i++) {
		unsigned char c = (unsigned char)s.ptr[i];
		bool ctl = c < 0x20 || c == 0x7f;
		if (o + (ctl ? 4 : 1) + 4 > n) {
			memcpy(out + o, "...", 4);
			return out;
		}
		if (ctl)
			o += (size_t)snprintf(out + o, n - o, "\\x%02x", c);
		else
			out[o++] = (char)c;
	}
	out[o] = '\0';
	return out;
}

/* Read a whole regular file from fd, at most max bytes, into out. */
static int read_bounded(int fd, size_t max, struct pare_buf *out, char *why, size_t whylen)
{
	struct stat st;
	pare_buf_init(out, max);
	if (fstat(fd, &st) != 0) {
		int e = errno;
		snprintf(why, whylen, "cannot stat: %s", strerror(e));
		return -e;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(why, whylen, "not a regular file");
		return -PARE_E_FORMAT;
	}
	for (;;) {
		char chunk[4096];
		ssize_t n = pare_read_some(fd, chunk, sizeof(chunk));
		if (n == 0)
			return 0;
		int r = n < 0 ? (int)n : pare_buf_append(out, chunk, (size_t)n);
		if (r < 0) {
			if (r == -PARE_E_TOO_BIG)
				snprintf(why, whylen, "larger than %zu bytes", max);
			else
				snprintf(why, whylen, "cannot read: %s", strerror(-r));
			pare_buf_release(out);
			return r;
		}
	}
}

/* Release a buffer that held private key material. */
static void buf_release_secret(struct pare_buf *b)
{
	if (b->data)
		OPENSSL_cleanse(b->data, b->cap);
	pare_buf_release(b);
}

/* PEM pass phrase callback that never prompts: encrypted keys fail. */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf, (void)size, (void)rwflag, (void)u;
	return -1;
}

/* Refuse keys that are not RSA or too weak to mean anything. */
static int check_rsa(EVP_PKEY *pkey, char *why, size_t whylen)
{
	if (!EVP_PKEY_is_a(pkey, "RSA")) {
		snprintf(why, whylen, "not an RSA key (%s)", EVP_PKEY_get0_type_name(pkey));
		return -PARE_E_UNSUPPORTED;
	}
	if (EVP_PKEY_get_bits(pkey) < PARE_RSA_BITS_MIN) {
		snprintf(why, whylen, "RSA key of %d bits is too small (minimum %d)",
			 EVP_PKEY_get_bits(pkey), PARE_RSA_BITS_MIN);
		return -PARE_E_UNSUPPORTED;
	}
	return 0;
}

/* ---- entry names and key names ------------------------------------------ */

int pare_keyname_check(struct pare_slice name, struct pare_error *err)
{
	char shown[PARE_KEYNAME_MAX + 8];
	const char *why = NULL;
	if (name.len == 0)
		why = "is empty";
	else if (name.len > PARE_KEYNAME_MAX)
		why = "is longer than 255 bytes";
	else if (pare_slice_eq_cstr(name, ".") || pare_slice_eq_cstr(name, ".."))
		why = "is a directory reference";
	for (size_t i = 0; !why && i < name.len; i++) {
		unsigned char c = (unsigned char)name.ptr[i];
		if (c == '/')
			why = "contains '/'";
		else if (c < 0x20 || c == 0x7f)
			why = "contains a control character";
	}
	if (!why)
		return 0;
	return pare_error_set(err, -PARE_E_UNSAFE_PATH, "key name '%s' %s",
			      show_name(name, shown, sizeof(shown)), why);
}

int pare_sign_entry_parse(struct pare_slice entry_name, enum pare_digest_alg *alg,
			  struct pare_slice *keyname)
{
	static const struct {
		const char *kind;
		enum pare_digest_alg alg;
	} kinds[] = {
		{ "RSA", PARE_DIGEST_SHA1 },
		{ "RSA256", PARE_DIGEST_SHA256 },
		{ "RSA512", PARE_DIGEST_SHA512 },
	};
	struct pare_slice prefix = PARE_SLICE_LIT(".SIGN.");
	if (!pare_slice_starts_with(entry_name, prefix))
		return 0;
	struct pare_slice rest = pare_slice_sub(entry_name, prefix.len, entry_name.len);
	struct pare_slice kind;
	bool has_name = pare_slice_split(&rest, '.', &kind);
	enum pare_digest_alg found = PARE_DIGEST_NONE;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (pare_slice_eq_cstr(kind, kinds[i].kind))
			found = kinds[i].alg;
	if (found == PARE_DIGEST_NONE)
		return -PARE_E_UNSUPPORTED;
	if (!has_name || rest.len == 0)
		return -PARE_E_FORMAT;
	if (pare_keyname_check(rest, NULL) < 0)
		return -PARE_E_UNSAFE_PATH;
	if (alg)
		*alg = found;
	if (keyname)
		*keyname = rest;
	return 1;
}

/* ---- keyring ------------------------------------------------------------ */

static void keyring_zero(struct pare_keyring *k)
{
	k->dirfd = -1;
	k->root = NULL;
	k->dir = NULL;
	k->shown = NULL;
	pare_map_init(&k->keys);
	pthread_mutex_init(&k->lock, NULL);
}

/* The absolute name of base (a directory fd or AT_FDCWD) joined with a
 * relative dir, for messages; dir itself when absolute or unknown. */
static char *shown_name(int base, const char *dir)
{
	char at[PATH_MAX] = "", link[64], *out;
	if (dir[0] != '/') {
		ssize_t n = -1;
		if (base == AT_FDCWD) {
			n = getcwd(at, sizeof(at)) ? (ssize_t)strlen(at) : -1;
		} else {
			snprintf(link, sizeof(link), "/proc/self/fd/%d", base);
			n = readlink(link, at, sizeof(at) - 1);
		}
		at[n > 0 ? n : 0] = '\0';
	}
	size_t al = strlen(at), dl = strlen(dir);
	out = malloc(al + dl + 2);
	if (out && al)
		snprintf(out, al + dl + 2, "%s%s%s", at, at[al - 1] == '/' ? "" : "/", dir);
	else if (out)
		memcpy(out, dir, dl + 1);
	return out;
}

static int keyring_set_dir(struct pare_keyring *k, int base, const char *dir,
			   struct pare_error *err)
{
	k->dir = strdup(dir);
	k->shown = shown_name(base, dir);
	if (!k->dir || !k->shown)
		return pare_error_set(err, -ENOMEM, "keys directory %s: out of memory", dir);
	return 0;
}

int pare_keyring_open_at(struct pare_keyring *k, int dirfd, const char *dir,
			 struct pare_error *err)
{
	keyring_zero(k);
	int fd = openat(dirfd, dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return pare_error_set(err, -errno, "keys directory %s: %s", dir,
				      strerror(errno));
	k->dirfd = fd;
	int r = keyring_set_dir(k, dirfd, dir, err);
	if (r < 0)
		pare_keyring_release(k);
	return r;
}

int pare_keyring_open(struct pare_keyring *k, const char *dir, struct pare_error *err)
{
	return pare_keyring_open_at(k, AT_FDCWD, dir, err);
}

int pare_keyring_open_root(struct pare_keyring *k, struct pare_root *root, const char *dir,
			   struct pare_error *err)
{
	keyring_zero(k);
	/* Only a check that the directory exists: every key is looked up
	 * by its path inside the root, so symlinks stay in the root. */
	int fd = pare_root_openat(root, dir, O_PATH | O_DIRECTORY, 0, NULL);
	if (fd < 0)
		return pare_error_set(err, fd, "keys directory %s (in root): %s", dir,
				      strerror(-fd));
	close(fd);
	k->root = root;
	int r = keyring_set_dir(k, root->fd, dir, err);
	if (r < 0)
		pare_keyring_release(k);
	return r;
}

static void cached_key_free(struct cached_key *ck)
{
	if (!ck)
		return;
	EVP_PKEY_free(ck->pkey);
	free(ck->name);
	free(ck);
}

void pare_keyring_release(struct pare_keyring *k)
{
	if (!k)
		return;
	size_t pos = 0;
	struct pare_slice key;
	void *value;
	while (pare_map_next(&k->keys, &pos, &key, &value))
		cached_key_free(value);
	pare_map_release(&k->keys);
	if (k->dirfd >= 0)
		close(k->dirfd);
	free(k->dir);
	free(k->shown);
	pthread_mutex_destroy(&k->lock);
	keyring_zero(k);
}

/* Open the key file `name` (checked, NUL-terminated) read-only.  O_NONBLOCK
 * so that a FIFO planted in the directory cannot hang the open. */
static int keyring_open_file(struct pare_keyring *k, const char *name)
{
	int flags = O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC;
	if (!k->root) {
		int fd = openat(k->dirfd, name, flags);
		return fd < 0 ? -errno : fd;
	}
	char path[PARE_PATH_MAX];
	int n = snprintf(path, sizeof(path), "%s/%s", k->dir, name);
	if (n < 0 || (size_t)n >= sizeof(path))
		return -ENAMETOOLONG;
	return pare_root_openat(k->root, path, flags, 0, NULL);
}

/* An RSA key from its SubjectPublicKeyInfo (SEQUENCE { SEQUENCE { OID
 * rsaEncryption, NULL }, BIT STRING { SEQUENCE { INTEGER n, INTEGER e } } }),
 * each part taken whole, built from n and e with EVP_PKEY_fromdata.  NULL
 * for anything else (the caller falls back to OpenSSL's reader). */
static ASN1_TYPE *seq_item(STACK_OF(ASN1_TYPE) *sk, int i, int type)
{
	ASN1_TYPE *t = sk_ASN1_TYPE_value(sk, i);
	return t && t->type == type ? t : NULL;
}

static STACK_OF(ASN1_TYPE) *seq_of(const unsigned char *p, long len, int n)
{
	const unsigned char *q = p;
	STACK_OF(ASN1_TYPE) *sk = d2i_ASN1_SEQUENCE_ANY(NULL, &q, len);
	if (sk && (q != p + len || sk_ASN1_TYPE_num(sk) != n)) {
		sk_ASN1_TYPE_pop_free(sk, ASN1_TYPE_free);
		sk = NULL;
	}
	return sk;
}

static bool rsa_algorithm(const ASN1_STRING *seq)
{
	const unsigned char *q = seq->data;
	X509_ALGOR *alg = d2i_X509_ALGOR(NULL, &q, seq->length);
	bool ok = false;
	if (alg && q == seq->data + seq->length) {
		const ASN1_OBJECT *oid;
		int ptype;
		const void *pval;
		X509_ALGOR_get0(&oid, &ptype, &pval, alg);
		ok = OBJ_obj2nid(oid) == NID_rsaEncryption && ptype == V_ASN1_NULL;
	}
	X509_ALGOR_free(alg);
	return ok;
}

static EVP_PKEY *rsa_from_spki(const unsigned char *der, int len)
{
	EVP_PKEY *pkey = NULL;
	STACK_OF(ASN1_TYPE) *spki = seq_of(der, len, 2), *ne = NULL;
	ASN1_TYPE *alg = spki ? seq_item(spki, 0, V_ASN1_SEQUENCE) : NULL;
	ASN1_TYPE *bits = spki ? seq_item(spki, 1, V_ASN1_BIT_STRING) : NULL;
	if (!alg || !bits || !rsa_algorithm(alg->value.sequence) ||
	    (bits->value.bit_string->flags & 0x07) != 0)
		goto out;
	ne = seq_of(bits->value.bit_string->data, bits->value.bit_string->length, 2);
	ASN1_TYPE *n = ne ? seq_item(ne, 0, V_ASN1_INTEGER) : NULL;
	ASN1_TYPE *e = ne ? seq_item(ne, 1, V_ASN1_INTEGER) : NULL;
	if (!n || !e || n->value.integer->type != V_ASN1_INTEGER ||
	    e->value.integer->type != V_ASN1_INTEGER)
		goto out;
	BIGNUM *bn = ASN1_INTEGER_to_BN(n->value.integer, NULL);
	BIGNUM *be = ASN1_INTEGER_to_BN(e->value.integer, NULL);
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	if (bn && be && bld && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn) &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, be) &&
	    (params = OSSL_PARAM_BLD_to_param(bld)) &&
	    (ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL)) &&
	    EVP_PKEY_fromdata_init(ctx) > 0 &&
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) <= 0)
		pkey = NULL;
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(bn);
	BN_free(be);
out:
	sk_ASN1_TYPE_pop_free(ne, ASN1_TYPE_free);
	sk_ASN1_TYPE_pop_free(spki, ASN1_TYPE_free);
	return pkey;
}

/* The common key file, one "PUBLIC KEY" block and nothing else, read
 * without OpenSSL's decoder framework: setting that up for one key was
 * 4.4 M instructions, a fifth of an index load.  The DER goes through
 * d2i_PUBKEY, which must take all of it.  NULL for any other form; the
 * caller then asks PEM_read_bio_PUBKEY, which judges it as before. */
static EVP_PKEY *pubkey_plain_pem(const char *p, size_t len)
{
	static const char begin[] = "-----BEGIN PUBLIC KEY-----\n";
	static const char end[] = "-----END PUBLIC KEY-----";
	enum { B64_MAX = 4096 }; /* RSA 8192: about 1,400 base64 bytes */
	size_t nb = sizeof(begin) - 1, ne = sizeof(end) - 1;
	if (len < nb + ne || memcmp(p, begin, nb) != 0)
		return NULL;
	while (len > nb && (p[len - 1] == '\n' || p[len - 1] == '\r'))
		len--;
	if (len < nb + ne || memcmp(p + len - ne, end, ne) != 0)
		return NULL;
	char b64[B64_MAX];
	size_t n = 0;
	for (size_t i = nb; i < len - ne; i++) {
		char c = p[i];
		if (c == '\n' || c == '\r')
			continue;
		if (n == sizeof(b64) || c == '-')
			return NULL;
		b64[n++] = c;
	}
	unsigned char der[B64_MAX / 4 * 3];
	int dl = pare_base64_decode(b64, n, der, sizeof(der));
	if (dl <= 0)
		return NULL;
	EVP_PKEY *pkey = rsa_from_spki(der, dl);
	ERR_clear_error();
	return pkey;
}

static EVP_PKEY *parse_pubkey(const struct pare_buf *pem, char *why, size_t whylen)
{
	EVP_PKEY *pkey = pem->data ? pubkey_plain_pem((const char *)pem->data, pem->len) : NULL;
	if (!pkey) {
		BIO *bio = BIO_new_mem_buf(pem->data ? pem->data : "", (int)pem->len);
		if (!bio) {
			snprintf(why, whylen, "out of memory");
			return NULL;
		}
		pkey = PEM_read_bio_PUBKEY(bio, NULL, no_passphrase, NULL);
		BIO_free(bio);
	}
	if (!pkey) {
		char reason[120];
		ossl_why(reason, sizeof(reason));
		snprintf(why, whylen, "key file is not a PEM public key (%s)", reason);
		return NULL;
	}
	char reason[120];
	if (check_rsa(pkey, reason, sizeof(reason)) < 0) {
		snprintf(why, whylen, "key file holds %s", reason);
		EVP_PKEY_free(pkey);
		return NULL;
	}
	return pkey;
}

/* Load key `name` into a new cache entry.  -ENOENT when there is no such
 * file; other problems with the file give an entry with pkey NULL. */
static int keyring_load(struct pare_keyring *k, const char *name, struct cached_key **out)
{
	int fd = keyring_open_file(k, name);
	struct cached_key *ck = calloc(1, sizeof(*ck));
	if (!ck || !(ck->name = strdup(name))) {
		free(ck);
		if (fd >= 0)
			close(fd);
		return -ENOMEM;
	}
	if (fd == -ENOENT) {
		ck->absent = true;
	} else if (fd < 0) {
		snprintf(ck->why, sizeof(ck->why), "key file cannot be opened: %s",
			 strerror(-fd));
	} else {
		struct pare_buf pem;
		char why[160];
		int r = read_bounded(fd, PARE_KEYFILE_MAX, &pem, why, sizeof(why));
		close(fd);
		if (r < 0)
			snprintf(ck->why, sizeof(ck->why), "key file %s", why);
		else
			ck->pkey = parse_pubkey(&pem, ck->why, sizeof(ck->why));
		pare_buf_release(&pem);
	}
	*out = ck;
	return 0;
}

/* Find or load key `name` (-ENOENT: no such file, learnt once).
 * *transient is set when the entry could not be cached (cache full) and
 * the caller must free it. */
static int keyring_lookup(struct pare_keyring *k, const char *name, struct cached_key **out,
			  bool *transient)
{
	struct cached_key *ck = pare_map_get(&k->keys, pare_slice_from(name));
	*transient = false;
	if (!ck) {
		int r = keyring_load(k, name, &ck);
		if (r < 0)
			return r;
		/* A bounded cache: names come from untrusted input. */
		if (k->keys.count >= PARE_KEYRING_CACHE_MAX)
			*transient = true;
		else if ((r = pare_map_put(&k->keys, pare_slice_from(ck->name), ck, NULL)) < 0) {
			cached_key_free(ck);
			return r;
		}
	}
	if (ck->absent) {
		if (*transient)
			cached_key_free(ck);
		return -ENOENT;
	}
	*out = ck;
	return 0;
}

/* RSA PKCS#1 v1.5 verification of a precomputed digest.  0, or
 * -PARE_E_BAD_SIGNATURE with why, or -PARE_E_CRYPTO/-ENOMEM. */
static int rsa_verify(EVP_PKEY *pkey, enum pare_digest_alg alg,
		      const struct pare_digest_value *digest, const void *sig, size_t siglen,
		      char *why, size_t whylen)
{
	size_t want = (size_t)EVP_PKEY_get_size(pkey);
	if (siglen != want) {
		snprintf(why, whylen, "signature is %zu bytes, the key's are %zu", siglen, want);
		return -PARE_E_BAD_SIGNATURE;
	}
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(pkey, NULL);
	if (!ctx)
		return -ENOMEM;
	int r = -PARE_E_CRYPTO;
	if (EVP_PKEY_verify_init(ctx) != 1 ||
	    EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) != 1 ||
	    EVP_PKEY_CTX_set_signature_md(ctx, alg_md(alg)) != 1) {
		ossl_why(why, whylen);
		goto out;
	}
	if (EVP_PKEY_verify(ctx, sig, siglen, digest->bytes, digest->len) == 1) {
		r = 0;
	} else {
		/* Any failure here is the signature's fault (bad padding,
		 * value out of range, other digest). */
		ERR_clear_error();
		snprintf(why, whylen, "signature does not verify (RSA/%s)",
			 pare_digest_name(alg));
		r = -PARE_E_BAD_SIGNATURE;
	}
out:
	EVP_PKEY_CTX_free(ctx);
	return r;
}

static int check_digest(enum pare_digest_alg alg, const struct pare_digest_value *digest)
{
	if (!alg_md(alg) || !digest || digest->alg != alg ||
	    digest->len != pare_digest_size(alg))
		return -EINVAL;
	return 0;
}

int pare_keyring_verify(struct pare_keyring *k, struct pare_slice keyname,
			enum pare_digest_alg alg, const struct pare_digest_value *digest,
			const void *sig, size_t siglen, struct pare_error *err)
{
	char shown[PARE_KEYNAME_MAX + 8];
	show_name(keyname, shown, sizeof(shown));
	if (check_digest(alg, digest) < 0)
		return pare_error_set(err, -EINVAL, "key %s: digest does not match %s", shown,
				      pare_digest_name(alg));
	/* No file can have an invalid name, so there is no such key. */
	if (pare_keyname_check(keyname, NULL) < 0)
		return pare_error_set(err, -PARE_E_UNTRUSTED,
				      "key name '%s' is not a file name",
				      shown);
	char name[PARE_KEYNAME_MAX + 1];
	memcpy(name, keyname.ptr, keyname.len);
	name[keyname.len] = '\0'; /* no NUL inside: the check refuses controls */

	struct cached_key *ck;
	bool transient;
	/* entries stay until the release: ck may be used unlocked */
	pthread_mutex_lock(&k->lock);
	int r = keyring_lookup(k, name, &ck, &transient);
	pthread_mutex_unlock(&k->lock);
	if (r == -ENOENT)
		return pare_error_set(err, -PARE_E_UNTRUSTED,
				      "no key %s in %s", shown, k->shown);
	if (r < 0)
		return pare_error_set(err, r, "key %s in %s: %s", shown, k->shown, strerror(-r));
	char why[200];
	if (!ck->pkey) {
		snprintf(why, sizeof(why), "%s", ck->why);
		r = -PARE_E_BAD_SIGNATURE;
	} else {
		r = rsa_verify(ck->pkey, alg, digest, sig, siglen, why, sizeof(why));
	}
	if (transient)
		cached_key_free(ck);
	if (r == -PARE_E_BAD_SIGNATURE)
		return pare_error_set(err, r, "BAD signature by key %s (%s/%s): %s", shown,
				      k->shown, shown, why);
	if (r < 0)
		return pare_error_set(err, r, "key %s in %s: verify failed: %s", shown, k->shown,
				      r == -ENOMEM ? strerror(ENOMEM) : why);
	return 0;
}

/* ---- private keys and signing ------------------------------------------- */

static int privkey_parse(struct pare_privkey *key, const struct pare_buf *pem,
			 const char *path, struct pare_error *err)
{
	BIO *bio = BIO_new_mem_buf(pem->data ? pem->data : "", (int)pem->len);
	if (!bio)
		return pare_error_set(err, -ENOMEM, "%s: out of memory", path);
	EVP_PKEY *pkey = PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, NULL);
	BIO_free(bio);
	char why[160];
	if (!pkey) {
		ossl_why(why, sizeof(why));
		if (pem->data && strstr(pem->data, "ENCRYPTED"))
			return pare_error_set(err, -PARE_E_UNSUPPORTED,
					      "%s: encrypted private keys are not supported", path);
		return pare_error_set(err, -PARE_E_FORMAT, "%s: not a PEM private key (%s)",
				      path, why);
	}
	int r = check_rsa(pkey, why, sizeof(why));
	if (r < 0) {
		EVP_PKEY_free(pkey);
		return pare_error_set(err, r, "%s: %s", path, why);
	}
	key->pkey = pkey;
	return 0;
}

int pare_privkey_load(struct pare_privkey *key, const char *path, struct pare_error *err)
{
	key->pkey = NULL;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return pare_error_set(err, -errno, "private key %s: %s", path, strerror(errno));
	struct pare_buf pem;
	char why[160];
	int r = read_bounded(fd, PARE_KEYFILE_MAX, &pem, why, sizeof(why));
	close(fd);
	if (r < 0)
		return pare_error_set(err, r, "private key %s: %s", path, why);
	r = privkey_parse(key, &pem, path, err);
	buf_release_secret(&pem);
	return r;
}

void pare_privkey_release(struct pare_privkey *key)
{
	if (!key)
		return;
	EVP_PKEY_free(key->pkey);
	key->pkey = NULL;
}

int pare_privkey_sign(struct pare_privkey *key, enum pare_digest_alg alg,
		      const struct pare_digest_value *digest, struct pare_buf *sig_out,
		      struct pare_error *err)
{
	if (!key || !key->pkey || check_digest(alg, digest) < 0)
		return pare_error_set(err, -EINVAL, "sign: no key, or digest is not %s",
				      pare_digest_name(alg));
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(key->pkey, NULL);
	if (!ctx)
		return pare_error_set(err, -ENOMEM, "sign: out of memory");
	unsigned char sig[PARE_SIGNATURE_MAX];
	size_t len = 0;
	char why[160];
	int r = 0;
	if (EVP_PKEY_sign_init(ctx) != 1 ||
	    EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) != 1 ||
	    EVP_PKEY_CTX_set_signature_md(ctx, alg_md(alg)) != 1 ||
	    EVP_PKEY_sign(ctx, NULL, &len, digest->bytes, digest->len) != 1) {
		ossl_why(why, sizeof(why));
		r = pare_error_set(err, -PARE_E_CRYPTO, "sign (RSA/%s): %s",
				   pare_digest_name(alg), why);
		goto out;
	}
	if (len > sizeof(sig)) {
		r = pare_error_set(err, -PARE_E_TOO_BIG, "sign: signature of %zu bytes", len);
		goto out;
	}
	if (EVP_PKEY_sign(ctx, sig, &len, digest->bytes, digest->len) != 1) {
		ossl_why(why, sizeof(why));
		r = pare_error_set(err, -PARE_E_CRYPTO, "sign (RSA/%s): %s",
				   pare_digest_name(alg), why);
		goto out;
	}
	pare_buf_reset(sig_out);
	r = pare_buf_append(sig_out, sig, len);
	if (r < 0)
		pare_error_set(err, r, "sign: signature of %zu bytes does not fit", len);
out:
	EVP_PKEY_CTX_free(ctx);
	return r;
}

/* ---- atomic files ------------------------------------------------------- */

/* Move tmp to path; with noreplace, never over an existing path (renameat2
 * where the file system has it, else link+unlink, also atomic). */
static int rename_into_place(const char *tmp, const char *path, bool noreplace)
{
	if (!noreplace)
		return rename(tmp, path) == 0 ? 0 : -errno;
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -errno;
	if (link(tmp, path) != 0)
		return -errno;
	unlink(tmp);
	return 0;
}

/* Make the rename durable; best effort, as some file systems refuse
 * fsync on directories. */
static void sync_parent(const char *path, size_t dirlen)
{
	char dir[PARE_PATH_MAX];
	if (dirlen == 0)
		memcpy(dir, ".", 2);
	else {
		memcpy(dir, path, dirlen);
		dir[dirlen] = '\0';
	}
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
}

/* Write data to path through a temporary file created with O_EXCL next to
 * it (mkostemp), fsynced, then renamed into place.  Mode is set with
 * fchmod before any data is written. */
static int atomic_write(const char *path, const void *data, size_t len, mode_t mode,
			bool noreplace, struct pare_error *err)
{
	const char *slash = strrchr(path, '/');
	size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
	char tmp[PARE_PATH_MAX];
	int n = snprintf(tmp, sizeof(tmp), "%.*s.%s.tmp.XXXXXX", (int)dirlen, path,
			 path + dirlen);
	if (n < 0 || (size_t)n >= sizeof(tmp) || path[dirlen] == '\0')
		return pare_error_set(err, -ENAMETOOLONG, "%s: bad or too long path", path);
	int fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return pare_error_set(err, -errno, "%s: cannot create temporary file: %s", path,
				      strerror(errno));
	int r = fchmod(fd, mode) == 0 ? 0 : -errno;
	if (r == 0)
		r = pare_write_all(fd, data, len);
	if (r == 0 && fsync(fd) != 0)
		r = -errno;
	if (close(fd) != 0 && r == 0)
		r = -errno;
	if (r == 0)
		r = rename_into_place(tmp, path, noreplace);
	if (r < 0) {
		unlink(tmp);
		if (r == -EEXIST)
			return pare_error_set(err, r, "%s: file exists; refusing to overwrite it",
					      path);
		return pare_error_set(err, r, "%s: cannot write: %s", path, strerror(-r));
	}
	sync_parent(path, dirlen);
	return 0;
}

/* PEM text of pkey from a memory BIO into atomic_write.  Private key text
 * goes through a secure-memory BIO so that it is wiped when freed. */
static int write_pem(EVP_PKEY *pkey, bool private, const char *path, struct pare_error *err)
{
	BIO *bio = BIO_new(private ? BIO_s_secmem() : BIO_s_mem());
	if (!bio)
		return pare_error_set(err, -ENOMEM, "%s: out of memory", path);
	int ok = private ? PEM_write_bio_PrivateKey(bio, pkey, NULL, NULL, 0, NULL, NULL)
			 : PEM_write_bio_PUBKEY(bio, pkey);
	int r;
	if (ok != 1) {
		char why[160];
		ossl_why(why, sizeof(why));
		r = pare_error_set(err, -PARE_E_CRYPTO, "%s: cannot encode key: %s", path, why);
	} else {
		char *data = NULL;
		long len = BIO_get_mem_data(bio, &data);
		r = atomic_write(path, data, len > 0 ? (size_t)len : 0,
				 private ? 0600 : 0644, private, err);
	}
	BIO_free(bio);
	return r;
}

int pare_privkey_write_public(struct pare_privkey *key, const char *path,
			      struct pare_error *err)
{
	if (!key || !key->pkey)
		return pare_error_set(err, -EINVAL, "%s: no private key loaded", path);
	return write_pem(key->pkey, false, path, err);
}

/* ---- names and key generation ------------------------------------------- */

int pare_pubkey_name_for(const char *privkey_path, char *out, size_t size)
{
	const char *slash = strrchr(privkey_path, '/');
	const char *base = slash ? slash + 1 : privkey_path;
	size_t len = strlen(base);
	if (len == 0 || pare_keyname_check(pare_slice_make(base, len), NULL) < 0)
		return -EINVAL;
	int n = snprintf(out, size, "%s.pub", base);
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	if (pare_keyname_check(pare_slice_make(out, (size_t)n), NULL) < 0)
		return -EINVAL;
	return 0;
}

static int keygen_paths(const char *priv_path, const char *pub_path, unsigned *bits,
			char *pub, size_t pubsize, struct pare_error *err)
{
	if (*bits == 0)
		*bits = PARE_KEYGEN_BITS_DEFAULT;
	if (*bits < PARE_KEYGEN_BITS_MIN || *bits > PARE_KEYGEN_BITS_MAX)
		return pare_error_set(err, -EINVAL, "keygen: %u bits is outside %d..%d", *bits,
				      PARE_KEYGEN_BITS_MIN, PARE_KEYGEN_BITS_MAX);
	if (!priv_path || !priv_path[0])
		return pare_error_set(err, -EINVAL, "keygen: no private key path");
	int n = pub_path ? snprintf(pub, pubsize, "%s", pub_path)
			 : snprintf(pub, pubsize, "%s.pub", priv_path);
	if (n < 0 || (size_t)n >= pubsize)
		return pare_error_set(err, -ENAMETOOLONG, "keygen: public key path too long");
	if (strcmp(pub, priv_path) == 0)
		return pare_error_set(err, -EINVAL,
				      "keygen: public and private key paths are both %s", pub);
	/* Fail before the slow generation; the final rename checks again. */
	struct stat st;
	if (fstatat(AT_FDCWD, priv_path, &st, AT_SYMLINK_NOFOLLOW) == 0)
		return pare_error_set(err, -EEXIST, "%s: file exists; refusing to overwrite it",
				      priv_path);
	return 0;
}

int pare_keygen(const char *priv_path, const char *pub_path, unsigned bits,
		struct pare_error *err)
{
	char pub[PARE_PATH_MAX];
	int r = keygen_paths(priv_path, pub_path, &bits, pub, sizeof(pub), err);
	if (r < 0)
		return r;
	EVP_PKEY *pkey = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)bits);
	if (!pkey) {
		char why[160];
		ossl_why(why, sizeof(why));
		return pare_error_set(err, -PARE_E_CRYPTO, "keygen: RSA-%u: %s", bits, why);
	}
	r = write_pem(pkey, true, priv_path, err);
	if (r == 0)
		r = write_pem(pkey, false, pub, err);
	EVP_PKEY_free(pkey);
	return r;
}
