/* Message digests (OpenSSL EVP): SHA-1, SHA-256, SHA-512, incremental, plus
 * the hex and apk "Q1" base64 forms.
 *
 * A pare_digest owns an EVP_MD_CTX; release it with pare_digest_release()
 * (NULL-safe).  pare_digest_final() may be called once; init again to reuse.
 */
#ifndef PARE_IO_DIGEST_H
#define PARE_IO_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "io/stream.h"

enum pare_digest_alg {
	PARE_DIGEST_NONE = 0,
	PARE_DIGEST_SHA1,
	PARE_DIGEST_SHA256,
	PARE_DIGEST_SHA512,
};

#define PARE_DIGEST_MAX 64

struct pare_digest {
	enum pare_digest_alg alg;
	void *ctx; /* EVP_MD_CTX */
};

struct pare_digest_value {
	enum pare_digest_alg alg;
	size_t len;
	unsigned char bytes[PARE_DIGEST_MAX];
};

size_t pare_digest_size(enum pare_digest_alg alg);
const char *pare_digest_name(enum pare_digest_alg alg);
int pare_digest_init(struct pare_digest *d, enum pare_digest_alg alg);
int pare_digest_update(struct pare_digest *d, const void *p, size_t n);
int pare_digest_final(struct pare_digest *d, struct pare_digest_value *out);
void pare_digest_release(struct pare_digest *d);
/* Digest of what is left to read from fd (read to its end, EINTR
 * retried; fd is not closed).  Returns 0, -errno or -PARE_E_CRYPTO. */
int pare_digest_fd(int fd, enum pare_digest_alg alg, struct pare_digest_value *out);
/* An output stream (*out) that digests and counts what passes through it
 * on its way to next (NULL: digest and count only).  The one "hash while
 * copying" stream; final the digest with pare_digest_final(&t->d, ...)
 * and release it with pare_digest_release(&t->d). */
struct pare_digest_tee {
	struct pare_digest d;
	uint64_t bytes;
	struct pare_ostream next;
};
int pare_digest_tee_init(struct pare_digest_tee *t, enum pare_digest_alg alg,
			 const struct pare_ostream *next, struct pare_ostream *out);
/* One-shot. */
int pare_digest_buffer(enum pare_digest_alg alg, const void *p, size_t n,
		       struct pare_digest_value *out);

/* Lowercase hex, NUL-terminated; out must hold 2*len+1 bytes. */
void pare_hex_encode(const unsigned char *p, size_t len, char *out);
/* Decode exactly 2*outlen hex digits; -PARE_E_FORMAT otherwise. */
int pare_hex_decode(const char *hex, size_t hexlen, unsigned char *out, size_t outlen);
/* Standard base64 with padding, NUL-terminated; out must hold
 * 4*((len+2)/3)+1 bytes.  Returns the length written. */
size_t pare_base64_encode(const unsigned char *p, size_t len, char *out);
/* Returns decoded length or -PARE_E_FORMAT. */
int pare_base64_decode(const char *in, size_t inlen, unsigned char *out, size_t outmax);

/* apk identity text: "Q1" + base64(sha1) (30 chars) or "Q2" + base64(sha256).
 * out must hold at least 48 bytes. */
int pare_apk_checksum_format(const struct pare_digest_value *v, char *out, size_t size);
/* Parse "Q1..."/"Q2..." into a digest value. */
int pare_apk_checksum_parse(const char *text, size_t len, struct pare_digest_value *out);

#endif
