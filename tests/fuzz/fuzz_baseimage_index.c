/* Fuzz target: the APKINDEX of contents.baseimage.apkindex as world atoms
 * (image/baseimage.h).  Every atom it returns parses as a dependency. */
#include <stdint.h>
#include <stdlib.h>

#include "apk/dep.h"
#include "image/baseimage.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pare_baseimage b;
	pare_baseimage_init(&b);
	char *text = fuzz_copy(data, size);
	if (text && pare_baseimage_index_atoms(&b, pare_slice_make(text, size), "fuzz", NULL) == 0) {
		for (size_t i = 0; i < b.natoms; i++) {
			struct pare_dep d;
			if (pare_dep_parse(pare_slice_from(b.atoms[i]), &d, NULL) < 0)
				__builtin_trap();
		}
	}
	pare_baseimage_release(&b);
	free(text);
	return 0;
}
