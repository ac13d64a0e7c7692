/* Image layers: a deterministic tar of a root directory, gzipped, with the
 * digests an OCI image needs computed while it streams.
 *
 * Order: a depth-first walk with each directory's entries sorted bytewise,
 * so a directory always comes before what it holds and the order never
 * depends on the file system.  Names are relative ("usr/bin/hello",
 * directories with a trailing '/'); the root itself is not an entry.
 *
 * Metadata: mode bits and owners come from the file system
 * (opts.owners == PARE_LAYER_OWNERS_FS) or are root:root
 * (PARE_LAYER_OWNERS_ROOT); either way the optional callback may then
 * replace them per path (the installer fills a struct pare_layer_table
 * from the installed database, and pare_layer_table_apply is the callback).
 * mtimes are all set to SOURCE_DATE_EPOCH (clamp_mtime: only those later
 * than it are lowered); atime and ctime are never written; owner names are
 * written only when the callback gives them.  PAX headers appear only when
 * ustar cannot hold an entry (long names, big numbers) or for xattrs
 * (SCHILY.xattr.*, with opts.xattrs).  Regular files with several links
 * are written once, later names as hard links to the first.  Sockets are
 * left out.
 *
 * Output: gzip (fixed level, no name, mtime 0).  info->diff_id is the
 * SHA-256 of the uncompressed tar, info->digest and info->size those of
 * the gzip bytes written to out.
 *
 * Bounds: at most opts.max_entries entries (0: PARE_LAYER_MAX_ENTRIES),
 * PARE_LAYER_MAX_DEPTH directory levels, paths of PARE_PATH_MAX bytes.
 * A file that changes size while it is read fails the write.
 *
 * Whiteouts: a name starting with ".wh." (including the opaque marker
 * ".wh..wh..opq") tells a runtime to delete what lower layers hold, so
 * such a file from a package would silently delete instead of exist.  The
 * writer refuses every such name (-PARE_E_UNSUPPORTED), naming the path
 * and, when the callback filled meta.origin, the package that carries it.
 */
#ifndef PARE_IMAGE_LAYER_H
#define PARE_IMAGE_LAYER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include "base/arena.h"
#include "base/error.h"
#include "base/hashmap.h"
#include "io/digest.h"
#include "io/stream.h"

#define PARE_LAYER_MAX_ENTRIES 2000000u
#define PARE_LAYER_MAX_DEPTH 256u
#define PARE_LAYER_DEFAULT_LEVEL 6

/* What a layer records for one path besides its type and content. */
struct pare_layer_meta {
	uint32_t mode;             /* permission bits, 07777 */
	uint64_t uid, gid;
	const char *uname, *gname; /* NULL: not written */
	const char *origin;        /* what put the path there ("pkg-1.0-r0"),
				    * for messages; NULL: unknown */
	bool skip;                 /* leave the path out (a directory: with
				    * everything below it) */
};

/* Called for every path before it is written, with meta filled from the
 * file system (or root:root); may change meta.  path is relative to the
 * root, without a leading or trailing '/'.  Strings put in meta must live
 * until the layer is written.  Returns 0 or a negative code. */
typedef int (*pare_layer_meta_fn)(void *ctx, const char *path, const struct stat *st,
				  struct pare_layer_meta *meta, struct pare_error *err);

enum pare_layer_owners {
	PARE_LAYER_OWNERS_FS = 0, /* uid/gid from the file system */
	PARE_LAYER_OWNERS_ROOT,   /* 0:0 */
};

struct pare_layer_opts {
	const char *root;          /* directory to pack */
	int64_t source_date_epoch; /* < 0 means 0 */
	bool clamp_mtime;          /* min(mtime, epoch) instead of epoch */
	int level;                 /* gzip 1..9; 0: PARE_LAYER_DEFAULT_LEVEL */
	bool xattrs;               /* record extended attributes */
	enum pare_layer_owners owners;
	pare_layer_meta_fn meta_fn; /* optional */
	void *meta_ctx;
	size_t max_entries;
};

struct pare_layer_info {
	struct pare_digest_value diff_id; /* SHA-256 of the tar */
	struct pare_digest_value digest;  /* SHA-256 of the gzip stream */
	uint64_t size;                    /* gzip bytes */
	uint64_t tar_size;                /* tar bytes */
	uint64_t entries;
};

int pare_layer_write(const struct pare_layer_opts *o, struct pare_ostream *out,
		     struct pare_layer_info *info, struct pare_error *err);

/* Is this file name (one component) an OCI whiteout marker? */
bool pare_layer_is_whiteout(const char *name);

/* An override table: per-path metadata, e.g. from the installed database.
 * Paths are stored without leading '/' (one is stripped when given).
 * Ownership: the table copies paths and names into its arena. */
struct pare_layer_table {
	struct pare_arena arena;
	struct pare_map map; /* path -> struct pare_layer_meta */
};

void pare_layer_table_init(struct pare_layer_table *t);
void pare_layer_table_release(struct pare_layer_table *t);
/* Add or replace the entry for path. */
int pare_layer_table_set(struct pare_layer_table *t, const char *path,
			 const struct pare_layer_meta *m);
const struct pare_layer_meta *pare_layer_table_get(const struct pare_layer_table *t,
						   const char *path);
/* A pare_layer_meta_fn (ctx = the table): paths in the table take its
 * metadata; others keep theirs. */
int pare_layer_table_apply(void *ctx, const char *path, const struct stat *st,
			   struct pare_layer_meta *meta, struct pare_error *err);

#endif
