#include "io/digest.h"
#include "io/stream.h"

#include <errno.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

static const EVP_MD *digest_md_legacy(enum pare_digest_alg alg)
{
	switch (alg) {
	case PARE_DIGEST_SHA1: return EVP_sha1();
	case PARE_DIGEST_SHA256: return EVP_sha256();
	case PARE_DIGEST_SHA512: return EVP_sha512();
	default: return NULL;
	}
}

/* The digest implementations, fetched once per process and kept (an
 * EVP_sha1() handed to EVP_DigestInit_ex is looked up in the provider
 * store, under a lock, on every init: several per package read).  Fetched
 * under pthread_once: the installer reads packages on a second thread. */
static EVP_MD *fetched[PARE_DIGEST_SHA512 + 1];
static pthread_once_t fetch_once = PTHREAD_ONCE_INIT;

static void fetch_all(void)
{
	for (int alg = 0; alg <= PARE_DIGEST_SHA512; alg++) {
		const EVP_MD *legacy = digest_md_legacy((enum pare_digest_alg)alg);
		if (legacy)
			fetched[alg] = EVP_MD_fetch(NULL, EVP_MD_get0_name(legacy), NULL);
	}
}

static const EVP_MD *digest_md(enum pare_digest_alg alg)
{
	const EVP_MD *legacy = digest_md_legacy(alg);
	if (!legacy)
		return NULL;
	pthread_once(&fetch_once, fetch_all);
	return fetched[alg] ? fetched[alg] : legacy;
}

size_t pare_digest_size(enum pare_digest_alg alg)
{
	switch (alg) {
	case PARE_DIGEST_SHA1: return 20;
	case PARE_DIGEST_SHA256: return 32;
	case PARE_DIGEST_SHA512: return 64;
	default: return 0;
	}
}

const char *pare_digest_name(enum pare_digest_alg alg)
{
	switch (alg) {
	case PARE_DIGEST_SHA1: return "sha1";
	case PARE_DIGEST_SHA256: return "sha256";
	case PARE_DIGEST_SHA512: return "sha512";
	default: return "none";
	}
}

int pare_digest_init(struct pare_digest *d, enum pare_digest_alg alg)
{
	const EVP_MD *md = digest_md(alg);
	d->alg = alg;
	d->ctx = NULL;
	if (!md)
		return -EINVAL;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	if (!ctx)
		return -ENOMEM;
	if (EVP_DigestInit_ex(ctx, md, NULL) != 1) {
		EVP_MD_CTX_free(ctx);
		return -PARE_E_CRYPTO;
	}
	d->ctx = ctx;
	return 0;
}

int pare_digest_update(struct pare_digest *d, const void *p, size_t n)
{
	if (n == 0)
		return 0;
	return EVP_DigestUpdate(d->ctx, p, n) == 1 ? 0 : -PARE_E_CRYPTO;
}

int pare_digest_final(struct pare_digest *d, struct pare_digest_value *out)
{
	unsigned int len = 0;
	if (EVP_DigestFinal_ex(d->ctx, out->bytes, &len) != 1)
		return -PARE_E_CRYPTO;
	out->alg = d->alg;
	out->len = len;
	return 0;
}

void pare_digest_release(struct pare_digest *d)
{
	if (!d)
		return;
	EVP_MD_CTX_free(d->ctx);
	d->ctx = NULL;
}

int pare_digest_buffer(enum pare_digest_alg alg, const void *p, size_t n,
		       struct pare_digest_value *out)
{
	struct pare_digest d;
	int r = pare_digest_init(&d, alg);
	if (r == 0)
		r = pare_digest_update(&d, p, n);
	if (r == 0)
		r = pare_digest_final(&d, out);
	pare_digest_release(&d);
	return r;
}

void pare_hex_encode(const unsigned char *p, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * len] = '\0';
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int pare_hex_decode(const char *hex, size_t hexlen, unsigned char *out, size_t outlen)
{
	if (hexlen != 2 * outlen)
		return -PARE_E_FORMAT;
	for (size_t i = 0; i < outlen; i++) {
		int hi = hex_value(hex[2 * i]), lo = hex_value(hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -PARE_E_FORMAT;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t pare_base64_encode(const unsigned char *p, size_t len, char *out)
{
	size_t o = 0;
	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16;
		if (i + 1 < len)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < len)
			v |= p[i + 2];
		out[o++] = b64[v >> 18 & 63];
		out[o++] = b64[v >> 12 & 63];
		out[o++] = i + 1 < len ? b64[v >> 6 & 63] : '=';
		out[o++] = i + 2 < len ? b64[v & 63] : '=';
	}
	out[o] = '\0';
	return o;
}

/* Decoding table: a byte's value plus one, 0 for bytes outside the
 * alphabet (what a designated initializer leaves), so that one load and
 * one decrement give 0..63 or -1.  Index loads decode a checksum per
 * package. */
static const unsigned char b64_table[256] = {
	['A'] = 1, ['B'] = 2, ['C'] = 3, ['D'] = 4, ['E'] = 5, ['F'] = 6, ['G'] = 7, ['H'] = 8,
	['I'] = 9, ['J'] = 10, ['K'] = 11, ['L'] = 12, ['M'] = 13, ['N'] = 14, ['O'] = 15,
	['P'] = 16, ['Q'] = 17, ['R'] = 18, ['S'] = 19, ['T'] = 20, ['U'] = 21, ['V'] = 22,
	['W'] = 23, ['X'] = 24, ['Y'] = 25, ['Z'] = 26, ['a'] = 27, ['b'] = 28, ['c'] = 29,
	['d'] = 30, ['e'] = 31, ['f'] = 32, ['g'] = 33, ['h'] = 34, ['i'] = 35, ['j'] = 36,
	['k'] = 37, ['l'] = 38, ['m'] = 39, ['n'] = 40, ['o'] = 41, ['p'] = 42, ['q'] = 43,
	['r'] = 44, ['s'] = 45, ['t'] = 46, ['u'] = 47, ['v'] = 48, ['w'] = 49, ['x'] = 50,
	['y'] = 51, ['z'] = 52, ['0'] = 53, ['1'] = 54, ['2'] = 55, ['3'] = 56, ['4'] = 57,
	['5'] = 58, ['6'] = 59, ['7'] = 60, ['8'] = 61, ['9'] = 62, ['+'] = 63, ['/'] = 64,
};

static int b64_value(char c)
{
	return (int)b64_table[(unsigned char)c] - 1;
}

int pare_base64_decode(const char *in, size_t inlen, unsigned char *out, size_t outmax)
{
	if (inlen % 4 != 0)
		return -PARE_E_FORMAT;
	size_t o = 0, i = 0;
	/* whole groups of four, no padding: the common case, unrolled */
	for (; i + 4 < inlen && o + 3 <= outmax; i += 4) {
		int a = b64_value(in[i]), b = b64_value(in[i + 1]), c = b64_value(in[i + 2]),
		    d = b64_value(in[i + 3]);
		if ((a | b | c | d) < 0)
			return -PARE_E_FORMAT;
		uint32_t v = (uint32_t)a << 18 | (uint32_t)b << 12 | (uint32_t)c << 6 | (uint32_t)d;
		out[o++] = (unsigned char)(v >> 16);
		out[o++] = (unsigned char)(v >> 8);
		out[o++] = (unsigned char)v;
	}
	for (; i < inlen; i += 4) {
		int pad = (in[i + 3] == '=') + (in[i + 2] == '=');
		if (pad && i + 4 != inlen)
			return -PARE_E_FORMAT;
		if (pad == 1 && in[i + 2] == '=')
			return -PARE_E_FORMAT;
		uint32_t v = 0;
		for (int k = 0; k < 4 - pad; k++) {
			int x = b64_value(in[i + (size_t)k]);
			if (x < 0)
				return -PARE_E_FORMAT;
			v |= (uint32_t)x << (18 - 6 * k);
		}
		size_t n = 3 - (size_t)pad;
		if (o + n > outmax)
			return -PARE_E_TOO_BIG;
		for (size_t k = 0; k < n; k++)
			out[o++] = (unsigned char)(v >> (16 - 8 * k));
	}
	return (int)o;
}

int pare_apk_checksum_format(const struct pare_digest_value *v, char *out, size_t size)
{
	if (size < 4 * ((v->len + 2) / 3) + 3)
		return -ENOSPC;
	if (v->alg != PARE_DIGEST_SHA1 && v->alg != PARE_DIGEST_SHA256)
		return -EINVAL;
	out[0] = 'Q';
	out[1] = v->alg == PARE_DIGEST_SHA1 ? '1' : '2';
	pare_base64_encode(v->bytes, v->len, out + 2);
	return 0;
}

int pare_apk_checksum_parse(const char *text, size_t len, struct pare_digest_value *out)
{
	if (len < 2 || text[0] != 'Q' || (text[1] != '1' && text[1] != '2'))
		return -PARE_E_FORMAT;
	enum pare_digest_alg alg = text[1] == '1' ? PARE_DIGEST_SHA1 : PARE_DIGEST_SHA256;
	int n = pare_base64_decode(text + 2, len - 2, out->bytes, sizeof(out->bytes));
	if (n < 0 || (size_t)n != pare_digest_size(alg))
		return -PARE_E_FORMAT;
	out->alg = alg;
	out->len = (size_t)n;
	return 0;
}

int pare_digest_fd(int fd, enum pare_digest_alg alg, struct pare_digest_value *out)
{
	struct pare_digest d;
	unsigned char buf[65536];
	int r = pare_digest_init(&d, alg);
	while (r == 0) {
		ssize_t got = pare_read_some(fd, buf, sizeof(buf));
		if (got <= 0) {
			r = (int)got;
			break;
		}
		r = pare_digest_update(&d, buf, (size_t)got);
	}
	if (r == 0)
		r = pare_digest_final(&d, out);
	pare_digest_release(&d);
	return r;
}

static int tee_write(void *ctx, const void *p, size_t n, struct pare_error *err)
{
	struct pare_digest_tee *t = ctx;
	if (pare_digest_update(&t->d, p, n) < 0)
		return pare_error_set(err, -PARE_E_CRYPTO, "%s failed", pare_digest_name(t->d.alg));
	t->bytes += n;
	return t->next.write ? pare_ostream_write(&t->next, p, n, err) : 0;
}

int pare_digest_tee_init(struct pare_digest_tee *t, enum pare_digest_alg alg,
			 const struct pare_ostream *next, struct pare_ostream *out)
{
	t->bytes = 0;
	t->next = next ? *next : (struct pare_ostream){ 0 };
	out->write = tee_write;
	out->ctx = t;
	return pare_digest_init(&t->d, alg);
}
