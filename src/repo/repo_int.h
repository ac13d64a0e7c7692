/* Internal helpers of src/repo (not part of the library's interface). */
#ifndef PARE_REPO_REPO_INT_H
#define PARE_REPO_REPO_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "base/error.h"
#include "io/stream.h"
#include "repo/repo.h"

/* Remove the files directly inside dir, then dir (best effort; used for
 * the temporary cache, which holds no subdirectories). */
void pare_repo_remove_tree(const char *dir);
/* mkdir -p dir (mode 0755). */
int pare_repo_mkdirs(const char *dir, struct pare_error *err);
/* Create the cache directory if needed. */
int pare_repo_cache_ensure(struct pare_repos *rs, struct pare_error *err);
/* The HTTP handle, created on first use. */
int pare_repo_http(struct pare_repos *rs, struct pare_http **h, struct pare_error *err);
/* "DIR/NAME" into out; -ENAMETOOLONG if it does not fit. */
int pare_repo_join(char *out, size_t size, const char *dir, const char *name);
/* Read a small text file (ETag sidecar): 0 with out filled (no newline),
 * or a negative code. */
int pare_repo_read_small(const char *path, char *out, size_t size);
/* Rollback and freeze checks of r->index just read (fresh.c): 0, or
 * -PARE_E_ROLLBACK when it is older than one read before; records a newer
 * build time. */
int pare_repo_check_fresh(struct pare_repos *rs, struct pare_repo *r, struct pare_error *err);
/* Write text to path atomically. */
int pare_repo_write_small(const char *path, const char *text, struct pare_error *err);

#endif
