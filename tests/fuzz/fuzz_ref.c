/* Fuzz target: image references (HOST/NAME[:TAG][@DIGEST]).  A reference
 * that parses formats to text that parses to the same reference. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "image/ref.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_copy(data, size);
	struct pare_image_ref a, b;
	char out[1024];
	if (text && pare_image_ref_parse(text, &a, NULL) == 0) {
		(void)pare_image_ref_api_host(&a);
		(void)pare_image_ref_is_local(&a);
		(void)pare_image_ref_reference(&a);
		if (pare_image_ref_format(&a, out, sizeof(out)) == 0) {
			if (pare_image_ref_parse(out, &b, NULL) != 0 || strcmp(a.host, b.host) ||
			    strcmp(a.name, b.name) || strcmp(a.tag, b.tag) ||
			    strcmp(a.digest, b.digest))
				__builtin_trap();
		}
	}
	free(text);
	return 0;
}
