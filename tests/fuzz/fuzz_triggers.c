/* Fuzz target: lib/apk/db/triggers.  When it parses, write -> parse ->
 * write is a fixed point. */
#include <stdint.h>
#include <stdlib.h>

#include "base/buf.h"
#include "db/triggers.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pare_db_triggers t, again;
	struct pare_buf a, b;
	pare_db_triggers_init(&t);
	pare_db_triggers_init(&again);
	pare_buf_init(&a, 64u << 20);
	pare_buf_init(&b, 64u << 20);
	char *text = fuzz_copy(data, size);
	if (text && pare_db_triggers_parse(&t, text, size, "fuzz", NULL) == 0 &&
	    pare_db_triggers_write_text(&t, &a, NULL) == 0) {
		char *t2 = fuzz_copy(a.data, a.len);
		if (!t2 || pare_db_triggers_parse(&again, t2, a.len, "again", NULL) != 0 ||
		    pare_db_triggers_write_text(&again, &b, NULL) != 0 ||
		    !fuzz_same(a.data, a.len, b.data, b.len))
			__builtin_trap();
	}
	pare_buf_release(&a);
	pare_buf_release(&b);
	pare_db_triggers_release(&t);
	pare_db_triggers_release(&again);
	return 0;
}
