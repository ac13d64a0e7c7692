/* File-level pruning of a staged image root (pare image build
 * --prune=trace; docs/prune.md).
 *
 * The plan keeps, of every regular file and symlink in the root:
 *   - what the trace of the image's tests saw opened, executed or mapped;
 *   - what a rule of the built-in table (prune.c: etc/, the package
 *     database, NSS and resolver modules, gconv configuration, C.UTF-8
 *     locale, the UTC zone, python's start-up modules ...) or a `keep:`
 *     glob of the config matches (fnmatch without FNM_PATHNAME, on the
 *     root-relative path; a leading '/' is ignored), and the targets of
 *     kept symlinks;
 *   - the ELF closure (elf/loader.h) of every kept ELF file;
 *   - every symlink that resolves inside the root to a kept file or to a
 *     directory (traced paths are resolved paths, so the links a program
 *     was started through, /bin -> usr/bin and libfoo.so.1 -> libfoo.so.1.2
 *     stay);
 *   - every file of a package listed in keep_pkgs (`prune: false` per
 *     package).
 * Everything else is removed: moved into opts.stash (same tree shape), so
 * that pare_prune_restore can put it back.  A directory goes only when the
 * removal emptied it (it held a removed file, directly or below, and
 * nothing else is left in it): directories that were empty before (tmp,
 * var/log/NAME) stay.  The plan depends on the set of traced paths only,
 * never their order.
 *
 * Ownership: a result owns its arena and arrays. */
#ifndef PARE_IMAGE_PRUNE_H
#define PARE_IMAGE_PRUNE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/error.h"
#include "db/installed.h"
#include "db/pruned.h"
#include "image/trace.h"

struct pare_prune_opts {
	const char *root;                 /* absolute */
	const struct pare_trace *trace;   /* what the tests touched */
	const char *const *keep;          /* globs */
	size_t nkeep;
	const char *const *keep_pkgs;     /* packages never pruned */
	size_t nkeep_pkgs;
	const struct pare_db_installed *db; /* owners; may be NULL */
	const char *stash;                /* where removed files go (created) */
};

struct pare_prune_file {
	const char *path;   /* root-relative */
	const char *pkg;    /* owner, "" when none */
	uint64_t size;      /* regular file bytes (0 for a symlink) */
};

/* A directory the removal emptied and apply took away (restore makes it
 * again with the same mode and owner). */
struct pare_prune_dir {
	const char *path;   /* root-relative */
	uint32_t mode, uid, gid;
};

struct pare_prune_pkg {
	const char *name;   /* "" : files no package owns */
	uint64_t kept_bytes, removed_bytes;
	size_t kept_files, removed_files;
};

struct pare_prune_result {
	struct pare_arena arena;
	struct pare_prune_file *removed; /* sorted by path (malloc) */
	size_t nremoved, cap;
	struct pare_prune_dir *dirs;     /* removed by apply, deepest first (malloc) */
	size_t ndirs;
	struct pare_prune_pkg *pkgs;     /* sorted by removed bytes desc, name */
	size_t npkgs;
	uint64_t bytes_before, bytes_after;
	size_t files_before, files_after;
	size_t traced, by_rule, by_elf, by_link; /* why kept (counts) */
	bool applied;
};

void pare_prune_result_init(struct pare_prune_result *r);
void pare_prune_result_release(struct pare_prune_result *r);

/* Decide (the root is not changed). */
int pare_prune_plan(const struct pare_prune_opts *o, struct pare_prune_result *r,
		    struct pare_error *err);
/* Move the removed files into the stash and write the record (merged
 * with a record already in the root). */
int pare_prune_apply(const struct pare_prune_opts *o, struct pare_prune_result *r,
		     struct pare_error *err);
/* Put them back and restore the record as it was. */
int pare_prune_restore(const struct pare_prune_opts *o, struct pare_prune_result *r,
		       struct pare_error *err);
/* The removed file this text (a test's output) names: the first removed
 * path that appears in it as "/PATH"; else one a relative tail of which
 * with a '/' appears ("Can't locate Foo/Bar.pm"); else one whose name
 * without suffixes, or for __init__.py, index.* and package.json its
 * directory's name, appears quoted ('NAME' or "NAME": "No module named
 * 'json'", "Cannot find module 'express'").  NULL: none. */
const char *pare_prune_named_file(const struct pare_prune_result *r, const char *text);

#endif
