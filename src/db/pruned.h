/* The prune record: which files `pare image build --prune=trace` removed
 * below their packages, kept in the image at PARE_PRUNE_RECORD_PATH
 * (lib/apk/db/pruned) so that the package database stays true: apk-tools
 * reads only installed, scripts.tar, triggers and lock in that directory
 * and ignores this file; pare audit and pare inspect read it and report a
 * listed file as pruned, not missing; the SBOM lists it per package.
 *
 * Text, one item a line, sorted (package name, then path):
 *   # comment lines and blank lines are ignored
 *   P:NAME      the package the following R: lines belong to
 *                (R: lines before any P: are files no package owns)
 *   R:PATH      a removed path, root-relative ("usr/share/x/y")
 * Bounded: PARE_PRUNE_RECORD_MAX bytes, PARE_PATH_MAX per path; a path
 * must pass pare_path_check_name; a package name is 1..255 printable
 * bytes without spaces.  Anything else is -PARE_E_FORMAT with the line.
 *
 * Ownership: a record owns its arena, paths and names. */
#ifndef PARE_DB_PRUNED_H
#define PARE_DB_PRUNED_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/error.h"
#include "base/hashmap.h"
#include "base/rootpath.h"
#include "base/slice.h"

#define PARE_PRUNE_RECORD_PATH "lib/apk/db/pruned"
#define PARE_PRUNE_RECORD_MAX (64u * 1024u * 1024u)

struct pare_prune_entry {
	const char *pkg;  /* "" for files no package owns */
	const char *path;
};

struct pare_prune_record {
	struct pare_arena arena;
	struct pare_prune_entry *v; /* malloc */
	size_t n, cap;
	struct pare_map paths;      /* path -> entry index + 1 (as a pointer) */
};

void pare_prune_record_init(struct pare_prune_record *r);
void pare_prune_record_release(struct pare_prune_record *r);

int pare_prune_record_add(struct pare_prune_record *r, const char *pkg, const char *path);
/* Parse text (len bytes, need not be NUL-terminated) into an empty record. */
int pare_prune_record_parse(struct pare_prune_record *r, const char *text, size_t len,
			    const char *name, struct pare_error *err);
/* Read <root>/lib/apk/db/pruned; absent: an empty record, 0. */
int pare_prune_record_read(struct pare_prune_record *r, struct pare_root *root,
			   struct pare_error *err);
/* The record's text (entries sorted by package, then path). */
int pare_prune_record_format(struct pare_prune_record *r, struct pare_buf *out);
/* Was path (one leading '/' ignored) pruned?  Its package, or NULL. */
const char *pare_prune_record_find(const struct pare_prune_record *r, struct pare_slice path);
/* How many paths of pkg were pruned. */
size_t pare_prune_record_count(const struct pare_prune_record *r, const char *pkg);

#endif
