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

/* mkdir -p for a path the caller chose (a command-line destination, a
 * staging directory): each missing component is created with mode; an
 * existing directory is fine.  Not for paths from archives: those go
 * through a struct pare_root. */
int pare_mkdir_p(const char *dir, mode_t mode, struct pare_error *err);

/* rm -rf of name below the directory dfd, never following a symlink
 * (descriptor walk, at most 256 levels deep).  Errors are ignored: what
 * cannot be removed stays. */
void pare_remove_at(int dfd, const char *name);
/* The same for a path the caller chose (a temporary directory). */
void pare_remove_tree(const char *path);

#endif
