/* Files of the installed database, inside a root: bounded whole-file
 * reads and atomic replacement.
 *
 * Every path here is relative to a struct pare_root ("lib/apk/db/installed")
 * and resolved inside it (base/rootpath.h), so a symlink planted in the
 * root cannot redirect a database write outside it.
 *
 * Atomic replacement: the content is written to a temporary created with
 * O_CREAT|O_EXCL|O_NOFOLLOW in the target's own directory
 * (".<name>.pare-<16 hex>"), fsynced, renamed over the target with
 * renameat(2), and the directory is fsynced.  On any failure the temporary
 * is removed and the previous file (or its absence) is untouched, so a
 * crash leaves either the old or the new file, never a mix.
 */
#ifndef PARE_DB_DBFILE_H
#define PARE_DB_DBFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "base/buf.h"
#include "base/error.h"
#include "base/rootpath.h"

/* Where apk keeps its database, relative to the root. */
#define PARE_DB_INSTALLED_PATH "lib/apk/db/installed"
#define PARE_DB_SCRIPTS_PATH "lib/apk/db/scripts.tar"
#define PARE_DB_SCRIPTS_GZ_PATH "lib/apk/db/scripts.tar.gz"
#define PARE_DB_TRIGGERS_PATH "lib/apk/db/triggers"
#define PARE_DB_LOCK_PATH "lib/apk/db/lock"
#define PARE_DB_WORLD_PATH "etc/apk/world"

/* Append the whole file at path (inside root) to b, bounded by b->max
 * (-PARE_E_TOO_BIG, "PATH: larger than N bytes").  A missing file gives
 * -ENOENT (err set too: callers that accept absence test the code). */
int pare_db_file_read(struct pare_root *root, const char *path, struct pare_buf *b,
		      struct pare_error *err);

/* The whole file at path (inside root, at most max bytes) as malloc'ed
 * text for a parser that takes ownership: 1 with *text and *len set, 0 when
 * the file does not exist (apk treats a missing database file as empty),
 * or a negative code. */
int pare_db_file_take(struct pare_root *root, const char *path, size_t max, char **text,
		      size_t *len, struct pare_error *err);

/* Replace the file at path (inside root) atomically with data[0..len),
 * mode `mode` (umask not applied).  Missing parent directories are created
 * (0755) when mkdirs is set.  Returns 0 or a negative code; the target is
 * untouched on failure. */
int pare_db_file_write(struct pare_root *root, const char *path, const void *data, size_t len,
		       mode_t mode, bool mkdirs, struct pare_error *err);

#endif
