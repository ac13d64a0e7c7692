/* Fuzz target: etc/apk/world.  When it parses, write -> parse -> write is
 * a fixed point. */
#include <stdint.h>

#include "base/buf.h"
#include "db/world.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pare_world w, again;
	struct pare_buf a, b;
	pare_world_init(&w);
	pare_world_init(&again);
	pare_buf_init(&a, 64u << 20);
	pare_buf_init(&b, 64u << 20);
	char *text = fuzz_copy(data, size);
	if (text && pare_world_parse(&w, text, size, "fuzz", NULL) == 0 &&
	    pare_world_write_text(&w, &a, NULL) == 0) {
		char *t2 = fuzz_copy(a.data, a.len);
		if (!t2 || pare_world_parse(&again, t2, a.len, "again", NULL) != 0 ||
		    pare_world_write_text(&again, &b, NULL) != 0 || !fuzz_same(a.data, a.len, b.data, b.len))
			__builtin_trap();
	}
	pare_buf_release(&a);
	pare_buf_release(&b);
	pare_world_release(&w);
	pare_world_release(&again);
	return 0;
}
