/* APK v2 signatures and keys: signature entry names, a keyring of trusted
 * public keys, private keys, signing and key generation.
 *
 * An APK v2 package or index starts with a gzip member of tar entries named
 * `.SIGN.RSA.<key>` (SHA-1), `.SIGN.RSA256.<key>` (SHA-256) or
 * `.SIGN.RSA512.<key>` (SHA-512).  Each holds a raw RSA PKCS#1 v1.5
 * signature over the digest of the *compressed* bytes of the next gzip
 * member (the control member).  <key> is the file name of the PEM public key
 * in a keys directory.  Input is trusted when any one signature verifies.
 *
 * Signing and verifying work on a precomputed digest, because callers hash
 * the control member while they stream it.
 *
 * Verdicts (pare_keyring_verify):
 *   0                      the signature verifies with the named key;
 *   -PARE_E_UNTRUSTED      no key of that name (missing file, or a name that
 *                          cannot be a file in the keys directory);
 *   -PARE_E_BAD_SIGNATURE  a key of that name exists but the signature does
 *                          not verify, or the key file is unreadable, too big
 *                          or not an RSA public key (the message says which).
 *
 * Nothing here prints, prompts (encrypted private keys are refused, never
 * asked about) or exits.  A keyring caches keys as it goes, under its lock
 * (the installer verifies on a second thread).
 */
#ifndef PARE_APK_SIGN_H
#define PARE_APK_SIGN_H

#include <pthread.h>
#include <stddef.h>

#include "base/buf.h"
#include "base/error.h"
#include "base/hashmap.h"
#include "base/rootpath.h"
#include "base/slice.h"
#include "io/digest.h"

#define PARE_KEYNAME_MAX 255          /* a key name is one file name */
#define PARE_KEYFILE_MAX (64 * 1024)  /* largest key file read (PEM) */
#define PARE_SIGNATURE_MAX 2048       /* largest signature: RSA-16384 */
#define PARE_KEYRING_CACHE_MAX 1024   /* keys cached by name; beyond, load per use */
#define PARE_KEYGEN_BITS_DEFAULT 4096
#define PARE_KEYGEN_BITS_MIN 2048
#define PARE_KEYGEN_BITS_MAX 16384
#define PARE_RSA_BITS_MIN 1024        /* smaller keys are refused as BAD */

/* Parse a tar entry name from the signature member.
 *
 * Returns 1 for a known signature kind, with *alg (SHA1/SHA256/SHA512) and
 * *keyname (a slice into entry_name) set; 0 when the name does not start
 * with ".SIGN." (not a signature); a negative code for a signature entry
 * that cannot be used: -PARE_E_UNSUPPORTED for an unknown kind (".SIGN.DSA.x"),
 * -PARE_E_FORMAT for ".SIGN.<kind>" without a key name part, and
 * -PARE_E_UNSAFE_PATH for a key name that fails pare_keyname_check().
 * Callers skip negative entries; if nothing verifies, input is UNTRUSTED.
 * alg and keyname may be NULL. */
int pare_sign_entry_parse(struct pare_slice entry_name, enum pare_digest_alg *alg,
			  struct pare_slice *keyname);

/* A key name (from a package, so untrusted) is acceptable when it is one
 * plain file name: 1..PARE_KEYNAME_MAX bytes, no '/', no NUL or other
 * control characters (nor DEL), not "." or "..".  0 or -PARE_E_UNSAFE_PATH
 * with the reason in err. */
int pare_keyname_check(struct pare_slice name, struct pare_error *err);

/* Trusted public keys from one directory, loaded on first use and cached
 * (a name with no file too: a key added to the directory later is not seen
 * by this keyring).
 *
 * Key files are opened by name relative to the directory; symlinked key
 * files are followed (/etc/apk/keys often links into /usr/share/apk/keys).
 * A checked name has no '/', so it cannot leave the directory except through
 * a symlink placed there by whoever controls the directory.  With
 * pare_keyring_open_root() every lookup, symlinks included, is resolved
 * inside that root.
 *
 * Ownership: the keyring owns dirfd, dir and the cached keys; root is
 * borrowed and must outlive the keyring.  Release with
 * pare_keyring_release() (NULL-safe; a zeroed or released keyring may be
 * released again). */
struct pare_keyring {
	int dirfd;              /* O_PATH directory fd, or -1 in root mode */
	struct pare_root *root; /* borrowed, or NULL */
	char *dir;              /* the directory as given (root mode lookups) */
	char *shown;            /* the directory for messages: absolute when the
				 * base (cwd, root) can be named, else dir */
	struct pare_map keys;   /* name -> cached key (owned) */
	pthread_mutex_t lock;   /* guards keys: the installer verifies packages
				 * on a second thread (commit/txn_prefetch.c) */
};

/* Open the keys directory `dir` (relative to the working directory or
 * absolute).  A missing directory is -ENOENT with a message. */
int pare_keyring_open(struct pare_keyring *k, const char *dir, struct pare_error *err);
/* Same, with a relative dir resolved from dirfd (or AT_FDCWD) by the kernel's
 * ordinary rules: symlinks in dir or in key files may point outside dirfd. */
int pare_keyring_open_at(struct pare_keyring *k, int dirfd, const char *dir,
			 struct pare_error *err);
/* Same, with dir and every key file resolved inside root (absolute symlinks
 * and ".." stop at the root), e.g. dir "etc/apk/keys" for `--root`. */
int pare_keyring_open_root(struct pare_keyring *k, struct pare_root *root, const char *dir,
			   struct pare_error *err);
void pare_keyring_release(struct pare_keyring *k);

/* Verify the signature `sig` (siglen bytes) made with `alg` over `digest`
 * by the key named keyname.  digest->alg must equal alg.  Returns 0,
 * -PARE_E_UNTRUSTED or -PARE_E_BAD_SIGNATURE as described at the top (and
 * -EINVAL for a digest that does not match alg, -ENOMEM, -PARE_E_CRYPTO for
 * a failure inside OpenSSL); err names the key. */
int pare_keyring_verify(struct pare_keyring *k, struct pare_slice keyname,
			enum pare_digest_alg alg, const struct pare_digest_value *digest,
			const void *sig, size_t siglen, struct pare_error *err);

/* An RSA private key.  Owns pkey (an EVP_PKEY); release with
 * pare_privkey_release() (NULL-safe, idempotent). */
struct pare_privkey {
	void *pkey;
};

/* Load a PEM private key ("PRIVATE KEY" PKCS#8 or "RSA PRIVATE KEY" PKCS#1)
 * from path, at most PARE_KEYFILE_MAX bytes.  Encrypted keys and non-RSA
 * keys are refused (-PARE_E_UNSUPPORTED); garbage is -PARE_E_FORMAT. */
int pare_privkey_load(struct pare_privkey *key, const char *path, struct pare_error *err);
void pare_privkey_release(struct pare_privkey *key);

/* Sign digest (whose alg must equal alg) with RSA PKCS#1 v1.5; the raw
 * signature replaces the content of sig_out (whose max must allow it). */
int pare_privkey_sign(struct pare_privkey *key, enum pare_digest_alg alg,
		      const struct pare_digest_value *digest, struct pare_buf *sig_out,
		      struct pare_error *err);

/* Write the public half as a PEM SubjectPublicKeyInfo ("PUBLIC KEY"),
 * atomically (temporary file + fsync + rename), mode 0644, replacing path. */
int pare_privkey_write_public(struct pare_privkey *key, const char *path,
			      struct pare_error *err);

/* The key name apk and abuild derive from a private key path: its last
 * component + ".pub" ("/k/foo.rsa" -> "foo.rsa.pub").  The result must be a
 * valid key name.  0, -EINVAL (no file name, or not a valid key name) or
 * -ENAMETOOLONG (does not fit in size bytes with its NUL). */
int pare_pubkey_name_for(const char *privkey_path, char *out, size_t size);

/* Generate an RSA key of `bits` (0 means PARE_KEYGEN_BITS_DEFAULT; allowed
 * PARE_KEYGEN_BITS_MIN..PARE_KEYGEN_BITS_MAX, else -EINVAL).  Writes the
 * private key as PKCS#8 PEM, mode 0600, to priv_path, never replacing an
 * existing file (-EEXIST), and then the public key as PEM
 * SubjectPublicKeyInfo, mode 0644, to pub_path (NULL: priv_path + ".pub"),
 * replacing it.  Each file is written to a temporary name created with
 * O_EXCL in the same directory, fsynced and renamed into place. */
int pare_keygen(const char *priv_path, const char *pub_path, unsigned bits,
		struct pare_error *err);

#endif
