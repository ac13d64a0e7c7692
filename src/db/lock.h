/* The database lock: lib/apk/db/lock, as apk-tools takes it.
 *
 * An exclusive flock(2) on lib/apk/db/lock (created 0600 when missing),
 * the same lock apk-tools 2 and 3 take, so pare and apk exclude each
 * other.  The lock belongs to the open file description: it is released
 * by pare_db_unlock() or when the process exits (also when killed).
 *
 * Waiting (apk's --wait N): when the lock is held, wait_seconds 0 fails at
 * once; otherwise the lock is polled (every 20..200 ms, growing) until it
 * is free or wait_seconds have passed (-ETIMEDOUT).  No signals or global
 * state are used.  The `waiting` callback, when set, is called once before
 * the first wait (the CLI prints "Waiting for repository lock").
 *
 * Ownership: struct pare_db_lock owns fd (-1 when not held).
 */
#ifndef PARE_DB_LOCK_H
#define PARE_DB_LOCK_H

#include <stdbool.h>

#include "base/error.h"
#include "base/rootpath.h"

struct pare_db_lock {
	int fd; /* -1 when not held */
};

struct pare_db_lock_opts {
	unsigned wait_seconds;           /* 0: fail at once when held */
	bool create_dirs;                /* create lib/apk/db when missing */
	void (*waiting)(void *ctx);      /* called once before waiting */
	void *ctx;
};

void pare_db_lock_init(struct pare_db_lock *l);
/* Take the lock of the database under root.  opts may be NULL (no wait,
 * no directory creation).  Returns 0, -EWOULDBLOCK when held and not
 * waiting, -ETIMEDOUT when the wait ran out, or the error of opening the
 * lock file (-ENOENT when lib/apk/db is missing). */
int pare_db_lock(struct pare_db_lock *l, struct pare_root *root,
		 const struct pare_db_lock_opts *opts, struct pare_error *err);
/* Release (close the file).  Safe when not held.  The lock file stays, as
 * with apk. */
void pare_db_unlock(struct pare_db_lock *l);

#endif
