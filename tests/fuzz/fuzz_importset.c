/* Fuzz target: import-deb set files (YAML).  Parsing must end in a set or
 * a one-line error, never a crash or a leak. */
#include <stdint.h>

#include "deb/importset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pare_importset s;
	struct pare_error err = { 0 };
	pare_importset_init(&s);
	pare_importset_parse(&s, "fuzz.yaml", (const char *)data, size, &err);
	pare_importset_release(&s);
	return 0;
}
