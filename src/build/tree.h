/* A package directory as a sorted list of entries (lstat, never followed),
 * for splitting, lint, SCA and owner manifests.  Internal to src/build. */
#ifndef PARE_BUILD_TREE_H
#define PARE_BUILD_TREE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/arena.h"
#include "base/error.h"

#define PARE_BUILD_TREE_MAX 1000000u
#define PARE_BUILD_TREE_DEPTH 256

struct pare_build_tent {
	const char *path; /* relative, no leading '/' */
	mode_t mode;      /* st_mode */
	uid_t uid;
	gid_t gid;
	uint64_t size;
};

/* Ownership: entries and paths live in arena (the caller's). */
struct pare_build_tree {
	struct pare_build_tent *v;
	size_t n, cap;
};

/* List dir's contents (bytewise sorted by path).  v is malloc'ed: free it
 * with pare_build_tree_release. */
int pare_build_tree_read(struct pare_build_tree *t, const char *dir, struct pare_arena *a,
			 struct pare_error *err);
void pare_build_tree_release(struct pare_build_tree *t);

/* snprintf for paths: returns 0, or -ENAMETOOLONG when out (n bytes) is too
 * small (out then holds "" so a truncated path is never used). */
int pare_build_pathf(char *out, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
