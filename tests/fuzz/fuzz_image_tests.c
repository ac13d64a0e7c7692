/* Fuzz target: the image-tests label (JSON read back from an image config
 * by `pare image test`).  Must end in tests or a one-line error. */
#include <stdint.h>

#include "image/test.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pare_arena a;
	struct pare_image_test *t;
	size_t n;
	struct pare_error err = { 0 };
	pare_arena_init(&a, 0, 0);
	pare_image_tests_from_json(&a, pare_slice_make((const char *)data, size), &t, &n, &err);
	pare_arena_release(&a);
	return 0;
}
