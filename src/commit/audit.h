/* Auditing a root against its installed database, as apk audit does.
 *
 * Modes: BACKUP (default) walks etc/ (protected paths, etc/apk excluded):
 * files the database does not list are 'A' (NAME.apk-new ignored), listed
 * files whose content differs are 'U'.  SYSTEM walks the directories the
 * database lists and checks every listed file ('U'; etc/ is left to
 * BACKUP).  FULL walks the whole root: unlisted files 'A', unlisted
 * directories 'd' (recursed into) and listed files checked.  In every mode
 * a listed file of a walked directory that is missing is 'X', or 'P' when
 * the prune record (db/pruned.h, lib/apk/db/pruned) lists it; with
 * check_permissions a listed file whose mode or owner differs is 'M'.
 * Paths are reported relative to the root, directories with a trailing '/'.
 * Nothing follows a symlink: the walk opens each directory with O_NOFOLLOW
 * below the root's descriptor.
 */
#ifndef PARE_COMMIT_AUDIT_H
#define PARE_COMMIT_AUDIT_H

#include <stdbool.h>

#include "base/error.h"
#include "base/rootpath.h"
#include "db/installed.h"

enum pare_audit_mode { PARE_AUDIT_BACKUP = 0, PARE_AUDIT_SYSTEM, PARE_AUDIT_FULL };

struct pare_audit_opts {
	enum pare_audit_mode mode;
	bool check_permissions;
	void (*report)(void *ctx, char reason, const char *path,
		       const struct pare_db_file *f); /* f: NULL when unlisted */
	void *ctx;
};

/* Returns 0, or a negative code when the walk could not start. */
int pare_audit(struct pare_root *root, const struct pare_db_installed *db,
	       const struct pare_audit_opts *o, struct pare_error *err);

#endif
