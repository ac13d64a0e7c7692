/* Fuzz target: the transaction journal (lib/apk/db/.pare-journal) replayed
 * onto an installed database.  After the replay the database must write
 * and parse again (the journal cannot leave it inconsistent). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "commit/txn_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char base_db[] = "P:a\nV:1-r0\nF:usr/bin\nR:a\nZ:Q1AAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n"
			      "P:b\nV:2-r0\nF:usr/lib\nR:b.so\n\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pare_db_installed db, again;
	struct pare_buf dels, out;
	pare_db_installed_init(&db);
	pare_db_installed_init(&again);
	pare_buf_init(&dels, 64u << 20);
	pare_buf_init(&out, 64u << 20);
	char *text = malloc(sizeof(base_db));
	if (text) {
		memcpy(text, base_db, sizeof(base_db));
		if (pare_db_installed_parse(&db, text, sizeof(base_db) - 1, "base", NULL) != 0)
			__builtin_trap();
	}
	if (text && txn_journal_apply(&db, pare_slice_make((const char *)data, size), &dels,
				      NULL) == 0) {
		pare_db_sort(&db);
		if (pare_db_installed_write_text(&db, &out, NULL) == 0) {
			char *t2 = malloc(out.len + 1);
			if (t2)
				memcpy(t2, out.data ? out.data : "", out.len);
			if (t2 && pare_db_installed_parse(&again, t2, out.len, "again", NULL) != 0)
				__builtin_trap();
		}
	}
	pare_buf_release(&dels);
	pare_buf_release(&out);
	pare_db_installed_release(&db);
	pare_db_installed_release(&again);
	return 0;
}
