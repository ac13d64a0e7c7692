/* Paths resolved inside a root directory, never escaping it.
 *
 * Everything the installer and extractor write goes through a pare_root:
 * a path is resolved as if the root were "/" (absolute symlink targets and
 * ".." stop at the root; magic links such as /proc/self/fd/N are refused).
 * On kernels with openat2(2) this is RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS;
 * elsewhere (or when a seccomp filter hides openat2) an equivalent walk
 * that opens one component at a time with O_NOFOLLOW and expands symlinks
 * itself.  The walk is not proof against a concurrent rename that moves a
 * directory out of the root mid-walk; openat2 is.
 *
 * Ownership: the root owns fd; release it with pare_root_release().
 */
#ifndef PARE_BASE_ROOTPATH_H
#define PARE_BASE_ROOTPATH_H

#include <stdbool.h>
#include <sys/types.h>

#include "base/error.h"
#include "base/slice.h"

#define PARE_PATH_MAX 4096
#define PARE_SYMLINK_MAX 40 /* as the kernel's MAXSYMLINKS */

enum pare_root_mode {
	PARE_ROOT_AUTO = 0,    /* openat2 when the kernel has it */
	PARE_ROOT_OPENAT2 = 1, /* decided: openat2 works */
	PARE_ROOT_WALK = 2,    /* decided or forced: component walk */
};

struct pare_root {
	int fd;                   /* O_PATH descriptor of the root directory */
	enum pare_root_mode mode; /* may be set to PARE_ROOT_WALK to force it */
};

int pare_root_open(struct pare_root *r, const char *path, struct pare_error *err);
/* Take ownership of an already open directory descriptor. */
void pare_root_from_fd(struct pare_root *r, int fd);
void pare_root_release(struct pare_root *r);

/* openat(2) of path (absolute or relative, both taken inside the root) with
 * flags and mode.  O_NOFOLLOW and O_CREAT|O_EXCL do not follow a final
 * symlink; other opens follow it inside the root.  Returns the fd or a
 * negative code. */
int pare_root_openat(struct pare_root *r, const char *path, int flags, mode_t mode,
		     struct pare_error *err);

/* Resolve the directory that holds the last component of path and return
 * an O_PATH|O_DIRECTORY fd to it (creating missing directories with mode
 * when create is set).  *base receives the last component (a pointer into
 * path); it is never "", "." or "..".  */
int pare_root_open_parent(struct pare_root *r, const char *path, bool create, mode_t mode,
			  const char **base, struct pare_error *err);

/* Whether `name` (a path taken from an archive or a database) is acceptable
 * to write: relative, not empty, no ".." component, no control characters,
 * at most PARE_PATH_MAX bytes.  Fills err with the reason. */
int pare_path_check_name(struct pare_slice name, struct pare_error *err);

/* The one normalisation of an archive or database path name: refuse what
 * pare_path_check_name refuses, drop "." and empty components, write the
 * rest joined by '/' to out (PARE_PATH_MAX + 1 bytes, NUL-terminated; ""
 * for the root itself) and its length to *len. */
int pare_path_normalise(struct pare_slice name, char *out, size_t *len, struct pare_error *err);

/* The path a tar member name stands for under a root, for matching names
 * (not for writing: see above): leading "./" and '/' dropped, nothing
 * checked.  "./usr/bin/x", "/usr/bin/x" and "usr/bin/x" are the same. */
struct pare_slice pare_path_trim_lead(struct pare_slice name);

/* The one trimming of an archive member name before it is checked for
 * writing (pare_path_check_name): leading "./" dropped (repeatedly),
 * trailing '/' dropped, and "", "." and a name of only '/' give "" (the
 * root itself, as tar and umoci write it).  Unlike pare_path_trim_lead a
 * leading '/' is kept otherwise, so that an absolute name is still refused
 * by the check.  Nothing is checked here. */
struct pare_slice pare_path_trim_entry(struct pare_slice name);

#endif
