/* Fuzz target: the prune record (lib/apk/db/pruned, db/pruned.h).  When
 * it parses, format -> parse -> format is a fixed point and every path
 * is found again. */
#include <stdint.h>

#include "base/buf.h"
#include "db/pruned.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pare_prune_record r, again;
	struct pare_buf a, b;
	pare_prune_record_init(&r);
	pare_prune_record_init(&again);
	pare_buf_init(&a, 64u << 20);
	pare_buf_init(&b, 64u << 20);
	if (pare_prune_record_parse(&r, (const char *)data, size, "fuzz", NULL) == 0 &&
	    pare_prune_record_format(&r, &a) == 0) {
		for (size_t i = 0; i < r.n; i++)
			if (!pare_prune_record_find(&r, pare_slice_from(r.v[i].path)))
				__builtin_trap();
		if (pare_prune_record_parse(&again, a.data, a.len, "again", NULL) != 0 ||
		    pare_prune_record_format(&again, &b) != 0 ||
		    !fuzz_same(a.data, a.len, b.data, b.len))
			__builtin_trap();
	}
	pare_buf_release(&a);
	pare_buf_release(&b);
	pare_prune_record_release(&r);
	pare_prune_record_release(&again);
	return 0;
}
