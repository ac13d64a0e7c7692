/* Fuzz target: inspection policy files (YAML waivers).  Parsing must end
 * in waivers or a one-line error, never a crash or a leak. */
#include <stdint.h>

#include "inspect/inspect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pare_insp_policy p;
	struct pare_error err = { 0 };
	pare_insp_policy_init(&p);
	pare_insp_policy_parse(&p, "fuzz.yaml", pare_slice_make((const char *)data, size), &err);
	pare_insp_policy_release(&p);
	return 0;
}
