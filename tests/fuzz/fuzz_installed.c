/* Fuzz target: lib/apk/db/installed.  When it parses, writing it back
 * and parsing that must give the same text again (lossless round trip). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "db/installed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *copy(const void *p, size_t n)
{
	char *t = malloc(n ? n : 1);
	if (t && n)
		memcpy(t, p, n);
	return t;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pare_db_installed db, again;
	struct pare_buf a, b;
	pare_db_installed_init(&db);
	pare_db_installed_init(&again);
	pare_buf_init(&a, 64u << 20);
	pare_buf_init(&b, 64u << 20);
	char *text = copy(data, size);
	if (text && pare_db_installed_parse(&db, text, size, "fuzz", NULL) == 0 &&
	    pare_db_installed_write_text(&db, &a, NULL) == 0) {
		char *t2 = copy(a.data, a.len);
		if (!t2 || pare_db_installed_parse(&again, t2, a.len, "again", NULL) != 0 ||
		    pare_db_installed_write_text(&again, &b, NULL) != 0 || a.len != b.len ||
		    (a.len && memcmp(a.data, b.data, a.len) != 0))
			__builtin_trap();
	}
	pare_buf_release(&a);
	pare_buf_release(&b);
	pare_db_installed_release(&db);
	pare_db_installed_release(&again);
	return 0;
}
