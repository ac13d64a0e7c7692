/* lib/apk/db/triggers: the trigger directories of installed packages.
 *
 * Format: one line per package that has a .trigger script,
 * "<identity> <glob> <glob>...\n", identity the package's C: checksum
 * (Q1 base64; X1/X2 hex and Q2 are read too), globs separated by single
 * spaces.  apk-tools writes packages in installed-database order and only
 * those with at least one glob.  pare keeps lines in file order and each
 * line's globs as written, so a file round-trips byte for byte.
 *
 * Ownership: struct pare_db_triggers owns its text and arena; slices are
 * valid until release.  Invariant: identities are unique.
 */
#ifndef PARE_DB_TRIGGERS_H
#define PARE_DB_TRIGGERS_H

#include <stddef.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/error.h"
#include "base/rootpath.h"
#include "base/slice.h"
#include "io/digest.h"

#define PARE_DB_MAX_TRIGGERS_TEXT (16u << 20)
#define PARE_DB_MAX_TRIGGER_LINE 65536u

struct pare_db_trigger {
	struct pare_slice identity_text;   /* as written */
	struct pare_digest_value identity;
	struct pare_slice globs;           /* "/bin /usr/bin" (no leading space) */
};

struct pare_db_triggers {
	struct pare_arena arena;
	char *text;                    /* parsed text (malloc, owned) or NULL */
	struct pare_db_trigger *v;     /* n (malloc) */
	size_t n, cap;
};

void pare_db_triggers_init(struct pare_db_triggers *t);
void pare_db_triggers_release(struct pare_db_triggers *t);

/* Parse (t must be empty; t owns text on success and failure).  Errors
 * "NAME line N: ...": a line without a valid checksum, a checksum given
 * twice, a line longer than PARE_DB_MAX_TRIGGER_LINE, a NUL or control
 * byte.  Empty lines are skipped. */
int pare_db_triggers_parse(struct pare_db_triggers *t, char *text, size_t len,
			   const char *name, struct pare_error *err);
/* Read <root>/lib/apk/db/triggers; a missing file is empty. */
int pare_db_triggers_read(struct pare_db_triggers *t, struct pare_root *root,
			  struct pare_error *err);
int pare_db_triggers_write_text(const struct pare_db_triggers *t, struct pare_buf *out,
				struct pare_error *err);
/* Write <root>/lib/apk/db/triggers atomically (0644). */
int pare_db_triggers_write(const struct pare_db_triggers *t, struct pare_root *root,
			   struct pare_error *err);

/* The entry of the package with that identity, or NULL. */
const struct pare_db_trigger *pare_db_triggers_find(const struct pare_db_triggers *t,
						    const struct pare_digest_value *identity);
/* Set the globs (space-separated; copied) of a package, replacing its
 * entry; empty globs remove it. */
int pare_db_triggers_set(struct pare_db_triggers *t, const struct pare_digest_value *identity,
			 struct pare_slice globs, struct pare_error *err);
/* Remove the package's entry: 1 if there was one. */
int pare_db_triggers_remove(struct pare_db_triggers *t,
			    const struct pare_digest_value *identity);

#endif
