/* Fuzz target: apko image configurations (YAML from strangers).  Parsing
 * must end in a config or a one-line error, never a crash or a leak. */
#include <stdint.h>

#include "image/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pare_image_config c;
	struct pare_error err = { 0 };
	if (pare_image_config_parse(&c, "fuzz.yaml", pare_slice_make((const char *)data, size),
				    &err) == 0)
		pare_image_config_release(&c);
	return 0;
}
