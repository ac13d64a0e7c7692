/* Fuzz target: apko lock files (JSON given to `pare image build --lock`).
 * Parsing must end in packages or a one-line error, never a crash or a
 * leak. */
#include <stdint.h>

#include "image/lock.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pare_image_lock *l = pare_image_lock_new();
	struct pare_error err = { 0 };
	if (l)
		(void)pare_image_lock_parse(l, (const char *)data, size, "fuzz.lock.json", &err);
	pare_image_lock_free(l);
	return 0;
}
