/* Fuzz target: a trusted-key file's text (apk/sign.c: the keyring's own
 * reader of plain PEM RSA public keys, else OpenSSL's PEM reader).  Each
 * input becomes the one key file of a private keyring directory, and a
 * verification with it must end in a verdict, never a crash or a leak;
 * garbage signatures are never accepted. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apk/sign.h"
#include "io/digest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64];
static char path[96];

static void cleanup(void)
{
	unlink(path);
	rmdir(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!dir[0]) {
		snprintf(dir, sizeof(dir), "/tmp/pare-fuzz-pubkey.XXXXXX");
		if (!mkdtemp(dir))
			__builtin_trap();
		snprintf(path, sizeof(path), "%s/k.rsa.pub", dir);
		atexit(cleanup);
	}
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		__builtin_trap();
	if (size && write(fd, data, size) != (ssize_t)size)
		__builtin_trap();
	close(fd);
	struct pare_keyring ring;
	if (pare_keyring_open(&ring, dir, NULL) < 0)
		__builtin_trap();
	struct pare_digest_value d = { .alg = PARE_DIGEST_SHA1, .len = 20 };
	unsigned char sig[256] = { 1 };
	int r = pare_keyring_verify(&ring, pare_slice_from("k.rsa.pub"), PARE_DIGEST_SHA1, &d,
				    sig, sizeof(sig), NULL);
	if (r == 0) /* a signature of 256 bytes of garbage verified */
		__builtin_trap();
	pare_keyring_release(&ring);
	return 0;
}
