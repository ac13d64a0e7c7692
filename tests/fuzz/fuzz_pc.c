/* Fuzz target: pkg-config .pc files (Version, Requires, ${variables}). */
#include <stdint.h>

#include "base/arena.h"
#include "elf/ldpath.h"
#include "elf/sca.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pare_arena a;
	struct pare_strlist req = { 0 };
	const char *version = NULL;
	pare_arena_init(&a, 0, 64u << 20);
	if (pare_pc_parse(pare_slice_make((const char *)data, size), &a, &version, &req, NULL) == 0)
		for (size_t i = 0; i < req.n; i++)
			if (!req.v[i] || !req.v[i][0])
				__builtin_trap();
	pare_arena_release(&a);
	return 0;
}
