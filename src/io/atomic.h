/* Files replaced atomically: written to a temporary name created with
 * O_EXCL in the target's directory, fsynced, then renamed over the target.
 * A failure at any point leaves the previous file (or no file) intact.
 *
 * Ownership: the struct owns fd and the temporary name until commit or
 * abort; pare_atomic_abort() is safe to call after a commit (no-op).
 */
#ifndef PARE_IO_ATOMIC_H
#define PARE_IO_ATOMIC_H

#include <stdbool.h>
#include <sys/types.h>

#include "base/error.h"
#include "io/stream.h"

struct pare_atomic_file {
	int fd;          /* -1 when not open */
	int dirfd;
	char *path;      /* final path (owned copy) */
	char *tmpname;   /* temporary name inside dirfd (owned) */
	const char *base;/* final name inside dirfd (points into path) */
	struct pare_fd_stream fs;
	struct pare_ostream out; /* writes to fd */
};

int pare_atomic_open(struct pare_atomic_file *f, const char *path, mode_t mode,
		     struct pare_error *err);
/* fsync, rename into place, fsync the directory. */
int pare_atomic_commit(struct pare_atomic_file *f, struct pare_error *err);
/* Remove the temporary; the target is untouched. */
void pare_atomic_abort(struct pare_atomic_file *f);

/* Remove the temporaries of pare_atomic_open (".pare-tmp.<16 hex>",
 * regular files) in dir that nobody has written to for min_age seconds:
 * what a killed run left behind.  A live download writes to its
 * temporary at least every low-speed interval, so an old mtime means
 * dead.  Best effort; returns how many were removed. */
unsigned pare_atomic_sweep(const char *dir, unsigned min_age);

/* mkdir -p for a path the caller chose (a command-line destination, a
 * staging directory): each missing component is created with mode; an
 * existing directory is fine.  Not for paths from archives: those go
 * through a struct pare_root. */
int pare_mkdir_p(const char *dir, mode_t mode, struct pare_error *err);

/* rm -rf of name below the directory dfd, never following a symlink
 * (descriptor walk, at most 256 levels deep).  Errors are ignored: what
 * cannot be removed stays. */
void pare_remove_at(int dfd, const char *name);
/* (a whole tree at a path the caller chose: pare_tree_remove, io/tree.h) */

#endif
