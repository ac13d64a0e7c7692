/* Writing signatures into packages and indexes.
 *
 * A signature member is a gzip member holding a tar of `.SIGN.<KIND>.<key>`
 * entries and no end-of-archive blocks, placed before the member it signs
 * (a package's control member, an index's index member).  Signing a file
 * rewrites only that first member: the signed member and everything after
 * it are copied byte for byte, so the package identity (Q1 of the control
 * member) and the datahash stay the same.
 */
#ifndef PARE_APK_PKGSIGN_H
#define PARE_APK_PKGSIGN_H

#include <stdint.h>

#include "apk/sign.h"
#include "base/buf.h"
#include "io/digest.h"

struct pare_sig_item {
	enum pare_digest_alg alg;
	struct pare_slice keyname;
	struct pare_slice sig; /* raw signature bytes */
};

/* "RSA" (SHA-1), "RSA256", "RSA512"; NULL for other algorithms. */
const char *pare_sig_kind(enum pare_digest_alg alg);

/* Append a complete gzip member with the signature entries to out.  Entries
 * are mode 0644, root:root, with the given mtime. */
int pare_sig_member_write(struct pare_buf *out, const struct pare_sig_item *items, size_t n,
			  int64_t mtime, struct pare_error *err);

/* Sign `digest` (of the member to be signed) with key and append the
 * resulting signature member to out. */
int pare_sig_member_sign(struct pare_buf *out, struct pare_privkey *key, const char *keyname,
			 const struct pare_digest_value *digest, int64_t mtime,
			 struct pare_error *err);

/* Add a signature by key (named keyname, usually "<name>.rsa.pub") to the
 * package or index at in_path, writing out_path (which may equal in_path;
 * the file is replaced atomically).  An existing signature of the same
 * kind and key name is replaced; others are kept. */
int pare_pkg_sign_file(const char *in_path, const char *out_path, struct pare_privkey *key,
		       const char *keyname, enum pare_digest_alg alg, int64_t mtime,
		       struct pare_error *err);

#endif
