/* Fuzz target: lib/apk/db/scripts.tar.  When it parses, write -> parse ->
 * write is a fixed point. */
#include <stdint.h>

#include "base/buf.h"
#include "db/scripts.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pare_db_scripts s, again;
	struct pare_buf a, b;
	pare_db_scripts_init(&s);
	pare_db_scripts_init(&again);
	pare_buf_init(&a, 64u << 20);
	pare_buf_init(&b, 64u << 20);
	if (pare_db_scripts_parse(&s, data, size, "fuzz", NULL) == 0 &&
	    pare_db_scripts_write_tar(&s, &a, NULL) == 0) {
		if (pare_db_scripts_parse(&again, a.data, a.len, "again", NULL) != 0 ||
		    pare_db_scripts_write_tar(&again, &b, NULL) != 0 ||
		    !fuzz_same(a.data, a.len, b.data, b.len))
			__builtin_trap();
	}
	pare_buf_release(&a);
	pare_buf_release(&b);
	pare_db_scripts_release(&s);
	pare_db_scripts_release(&again);
	return 0;
}
