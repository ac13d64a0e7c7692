/* A file-access recorder for image tests: fanotify, notification class,
 * FAN_OPEN | FAN_OPEN_EXEC (an mmap'ed or executed file is opened first,
 * so opens, execs and maps are all seen), no LD_PRELOAD, no ptrace.
 *
 * The mark is a filesystem mark (FAN_MARK_FILESYSTEM) on the mount the
 * caller names.  A mount mark would be narrower in principle, but runc
 * re-binds the rootfs inside the container's own mount namespace, and a
 * mount mark only follows the one vfsmount it was put on; so the test
 * runner gives each run a private overlay filesystem (test_run.c), and a
 * mark on that filesystem sees exactly the runs' accesses.  Callers must
 * not mark a shared filesystem (pare_trace_start refuses a path that is
 * not a mount point).
 *
 * Each event's path is read back with readlink(/proc/self/fd/N) and made
 * root-relative: paths under `prefix` (accesses from the host side, e.g.
 * runc before pivot_root) lose it; other absolute paths are already as
 * the container saw them (the container's root, seen from outside its
 * mount namespace, is where the path walk stops).  Opens that fail
 * (ENOENT) and stat()-only probes make no event: see docs/prune.md.
 *
 * Paths are kept in a set (sorted on request); the trace owns them. */
#ifndef PARE_IMAGE_TRACE_H
#define PARE_IMAGE_TRACE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/error.h"
#include "base/hashmap.h"

#define PARE_TRACE_MAX_PATHS (1u << 20)

struct pare_trace {
	int fd;                  /* fanotify group; -1 when stopped */
	char prefix[4096];       /* the marked mount, as the host sees it */
	size_t prefix_len;
	struct pare_arena arena; /* paths */
	struct pare_map seen;    /* root-relative path -> itself */
	const char **paths;      /* in first-seen order (malloc) */
	size_t n, cap;
	bool overflow;           /* the kernel dropped events (FAN_Q_OVERFLOW) */
};

void pare_trace_init(struct pare_trace *t);
void pare_trace_release(struct pare_trace *t);

/* Mark the filesystem mounted at mount_path (must be a mount point).
 * Needs CAP_SYS_ADMIN. */
int pare_trace_start(struct pare_trace *t, const char *mount_path, struct pare_error *err);
/* Read every queued event (never blocks). */
int pare_trace_drain(struct pare_trace *t, struct pare_error *err);
/* Drain, then close the group (the paths stay). */
int pare_trace_stop(struct pare_trace *t, struct pare_error *err);
/* Was this root-relative path ("usr/bin/x") seen? */
bool pare_trace_has(const struct pare_trace *t, const char *rel);
/* Add a path by hand (tests, merging traces). */
int pare_trace_add(struct pare_trace *t, const char *rel);

#endif
