/* Extracting one package's data entries into a root, safely.
 *
 * The extractor is a package visitor (apk/package.h): while pare_pkg_read()
 * streams the package, every entry is staged inside the root, and only
 * pare_extract_commit() -- called once the read returned 0 and the caller
 * accepted pkg.trust -- moves anything to a final path.  On any failure the
 * caller calls pare_extract_abort(), which removes every temporary (and the
 * directories the extractor created, as long as nothing was renamed yet).
 *
 * Staging (during the read):
 *   - directories are created at once (with the entry's permission bits
 *     for package directories, 0755 for missing parents that the package
 *     does not list; the umask applies until the commit); an existing
 *     directory, or a symlink in the root that resolves to one, is fine;
 *     anything else is an error.  Their modes, owners, times and xattrs are
 *     applied at commit.
 *   - regular files are written to a temporary name in their final
 *     directory ("<tmp_prefix><16 random hex><counter hex>", created with
 *     O_CREAT|O_EXCL|O_NOFOLLOW with the entry's permission bits, never
 *     set-id ones, retried on EEXIST) -- or, when nothing is at the final
 *     path, without a name (O_TMPFILE, up to 128 held open per package,
 *     where the file system and linkat(AT_EMPTY_PATH) allow it): then a
 *     killed run leaves nothing behind, and the commit links the file in
 *     place (or, should the path have been taken meanwhile, links it to a
 *     temporary name and renames that) -- or, when the caller offered one
 *     for the entry (pare_extract_offer, below) and nothing is at the final
 *     path, the offered unnamed file, already written with its metadata;
 *     symlinks,
 *     fifos and (when allowed) device nodes are made under such a name too;
 *     hard links are linkat(2) to the temporary of an earlier regular file
 *     (or hard link) of the same package, and to nothing else.
 *   - every path is resolved through the pare_root (never outside it).  A
 *     path that passes through anything this package creates other than a
 *     directory (its symlinks, above all) is refused, as is a non-directory
 *     entry at a path that is a directory (in the root or in the package),
 *     and a second entry for the same non-directory path.
 *
 * Commit, in this order (each step is done for all entries before the
 * next):
 *   1. on each staged temporary (still at its temporary name, so a failure
 *      here leaves every final path untouched): owner (when apply_owners),
 *      then mode (after the owner, so set-id bits survive; set-id bits are
 *      dropped unless owners are applied as root), then xattrs (from
 *      SCHILY.xattr.* records), then mtime (atime = mtime).  A regular
 *      file without set-id bits or xattrs had this done through its own
 *      descriptor when it was written (still under its temporary name);
 *   2. rename (or link, see above) regular files, hard links and special
 *      files into place, in package order; then symlinks;
 *   3. package directories: owner, mode, xattrs, mtime, deepest first (or
 *      handed to opts.defer_dir).
 * An error in step 2 or 3 stops the commit; what was renamed stays, the
 * caller's pare_extract_abort() removes the temporaries left.
 *
 * xattrs the file system (or the caller's privileges) refuse with ENOTSUP
 * or EPERM are skipped and counted in xattr_warnings.  Owners are the tar
 * header's numeric uid/gid (names are not looked up).
 *
 * Bounds: at most opts.max_entries paths tracked (entries plus parent
 * directories, default PARE_EXTRACT_DEFAULT_MAX_ENTRIES), paths of at most
 * PARE_PATH_MAX bytes, names of at most 255, at most
 * PARE_EXTRACT_DEFAULT_MAX_META bytes of tracked metadata (paths, link
 * targets, xattrs).
 *
 * Ownership: the extractor borrows the root (which must outlive it) and
 * owns everything else; pare_extract_release() frees it (NULL is fine) and
 * does not remove temporaries -- call pare_extract_abort() first unless the
 * commit succeeded.  Not thread-safe; one package per extractor.
 */
#ifndef PARE_COMMIT_EXTRACT_H
#define PARE_COMMIT_EXTRACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "apk/package.h"
#include "base/arena.h"
#include "base/buf.h"
#include "base/error.h"
#include "base/hashmap.h"
#include "base/rootpath.h"

#define PARE_EXTRACT_DEFAULT_MAX_ENTRIES (1u << 20)
#define PARE_EXTRACT_DEFAULT_MAX_META (512u << 20)
#define PARE_EXTRACT_TMP_PREFIX ".apk."
#define PARE_EXTRACT_TMP_PREFIX_MAX 32
#define PARE_EXTRACT_DIR_CACHE 16

/* A package directory's owner, mode (as applied: set-id bits already
 * dropped when they are), mtime, and whether the extractor created it. */
struct pare_extract_dirmeta {
	const char *path;  /* normalised, relative to the root */
	size_t len;
	uint32_t mode;
	uint32_t uid, gid;
	bool owners;       /* apply uid/gid */
	bool created;
	int64_t mtime;
};

/* O_PATH descriptors of directories inside one root, kept across the
 * extractors of a transaction (opts.dirs): path -> descriptor, at most
 * PARE_EXTRACT_SHARED_DIRS of them (then all are closed and it starts
 * again).  The owner drops it whenever a directory may have gone or
 * changed (an extractor does when it removes one). */
#define PARE_EXTRACT_SHARED_DIRS 256
struct pare_extract_dircache {
	struct pare_map map;     /* path (arena) -> (void *)(intptr_t)(fd + 1) */
	struct pare_arena arena;
};
void pare_extract_dircache_init(struct pare_extract_dircache *c);
/* Close every descriptor (it stays usable). */
void pare_extract_dircache_drop(struct pare_extract_dircache *c);
void pare_extract_dircache_release(struct pare_extract_dircache *c);
/* The descriptor of directory path[0..len) ("" the root), opened through
 * root when not cached; owned by the cache, valid until the next call. */
int pare_extract_dircache_get(struct pare_extract_dircache *c, struct pare_root *root,
			      const char *path, size_t len, int *fd);

enum pare_extract_owners {
	PARE_EXTRACT_OWNERS_AUTO = 0, /* apply owners when geteuid() == 0 */
	PARE_EXTRACT_OWNERS_ON = 1,
	PARE_EXTRACT_OWNERS_OFF = 2,
};

struct pare_extract_opts {
	enum pare_extract_owners owners;
	bool allow_devices;     /* char/block nodes (also needs euid 0) */
	const char *tmp_prefix; /* NULL: PARE_EXTRACT_TMP_PREFIX; must be a
				 * plain name of 1..32 bytes, no '/' */
	const char *name;       /* package name for messages, or NULL */
	size_t max_entries;     /* 0: PARE_EXTRACT_DEFAULT_MAX_ENTRIES */
	/* A directory exists where the package has a file, symlink or other
	 * non-directory (existing_dir), or a non-directory where it needs a
	 * directory: refused, unless this says the old one may go (an upgrade
	 * turns a directory of the old version into a file, or the reverse).
	 * A directory is then removed with everything in it right before the
	 * new entry is renamed into place; a non-directory is renamed aside
	 * to a temporary name while staging (restored by an abort, deleted by
	 * the commit).  path is normalised, relative to the root. */
	bool (*may_replace)(void *ctx, const char *path, bool existing_dir);
	void *replace_ctx;
	/* When set, step 3 of the commit hands each package directory
	 * without xattrs to defer_dir instead of applying its metadata; the
	 * caller applies it later with pare_extract_dir_apply() (a
	 * transaction does it once per directory at its end, not once per
	 * package).  m and its path live only during the call. */
	void (*defer_dir)(void *ctx, const struct pare_extract_dirmeta *m);
	void *defer_ctx;
	/* Directory descriptors shared with other extractors (borrowed; NULL:
	 * the extractor keeps its own few). */
	struct pare_extract_dircache *dirs;
};

struct pare_extract_node; /* internal: one tracked path */

enum pare_extract_state {
	PARE_EXTRACT_STAGING = 0, /* entries may arrive */
	PARE_EXTRACT_FAILED,      /* an entry failed: only abort/release */
	PARE_EXTRACT_COMMITTING,  /* renames may have happened */
	PARE_EXTRACT_DONE,        /* committed */
	PARE_EXTRACT_ABORTED,
};

/* Fields are internal except the statistics at the end. */
struct pare_extract {
	struct pare_root *root;           /* borrowed */
	bool apply_owners, allow_devices, is_root;
	char tmp_prefix[PARE_EXTRACT_TMP_PREFIX_MAX + 1];
	const char *name;                 /* borrowed, may be NULL */
	size_t max_entries;
	bool (*may_replace)(void *ctx, const char *path, bool existing_dir);
	void *replace_ctx;
	void (*defer_dir)(void *ctx, const struct pare_extract_dirmeta *m);
	void *defer_ctx;
	struct pare_extract_dircache *shared_dirs; /* borrowed, or NULL */
	enum pare_extract_state state;
	struct pare_arena arena;          /* nodes, paths, link targets, xattrs */
	struct pare_map paths;            /* normalised path -> node */
	struct pare_map temps;            /* "dir/tmpname" -> node */
	struct pare_extract_node **nodes; /* every node, in creation order */
	size_t nnodes, nodes_cap;
	uint64_t tmp_salt, tmp_counter;
	/* O_PATH descriptors of the last PARE_EXTRACT_DIR_CACHE directories
	 * used (path malloc'd, fd -1 when free), replaced round-robin and
	 * dropped when a directory is removed; dir_fd is the one last
	 * returned (owned by the cache). */
	struct pare_extract_dir {
		char *path;
		size_t len;
		int fd;
	} dirs[PARE_EXTRACT_DIR_CACHE];
	size_t dir_next;
	int dir_fd;
	unsigned char *copy_buf;          /* content copy buffer */
	size_t nanon;                     /* unnamed (O_TMPFILE) temporaries open */
	bool no_anon;                     /* the file system has none: named only */
	int offer_fd;                     /* pare_extract_offer's file, or -1 */
	uint64_t offer_size;
	/* Statistics. */
	uint64_t nfiles, ndirs, nlinks, nsymlinks, nspecial;
	uint64_t bytes;                   /* regular file bytes written */
	uint64_t xattr_warnings;          /* xattrs skipped (ENOTSUP/EPERM) */
	uint64_t meta_warnings;           /* pre-existing directories whose
					   * owner/mode/times could not be set
					   * (EPERM/EACCES) */
};

/* opts may be NULL (defaults).  Returns 0, -EINVAL on a bad tmp_prefix, or
 * -ENOMEM; x is safe to release in every case. */
int pare_extract_init(struct pare_extract *x, struct pare_root *root,
		      const struct pare_extract_opts *opts, struct pare_error *err);
/* Fill v with the visitor to hand to pare_pkg_read() (v->ctx = x). */
void pare_extract_visitor(struct pare_extract *x, struct pare_pkg_visitor *v);
/* Move everything into place (see above).  Only once, only after staging
 * succeeded. */
int pare_extract_commit(struct pare_extract *x, struct pare_error *err);
/* Remove every temporary still present; before a commit also remove the
 * directories the extractor created (when empty).  Best effort, idempotent. */
void pare_extract_abort(struct pare_extract *x);
/* Apply a deferred directory's metadata (owner and mode only where they
 * differ, then the times).  0, 1 when the directory is gone or not one any
 * more, or a permission error on a directory the package did not create
 * (tolerated, as for a commit), or a negative code.  dirs (may be NULL):
 * cached descriptors; the directory is opened below its parent's when
 * that is cached. */
int pare_extract_dir_apply(struct pare_root *root, struct pare_extract_dircache *dirs,
			   const struct pare_extract_dirmeta *m, struct pare_error *err);
/* Did the extractor create directory path (absent before this package)? */
bool pare_extract_created_dir(const struct pare_extract *x, struct pare_slice path);
void pare_extract_release(struct pare_extract *x);

/* Regular files written ahead, off the extractor's thread (a transaction's
 * reader thread, txn_prefetch.c).  pare_extract_prepare makes an unnamed
 * file (O_TMPFILE) in pp->dirfd -- the root's top directory, so the file
 * system must be the one of every directory it is later linked into (no
 * mount point below the root; linkat(2) refuses across mounts) -- writes
 * data[0..len) and gives it the owner, mode and times the extractor would
 * (meta_staged): 0 with *fd set (the caller owns it), 1 when the entry is
 * not one it prepares (not a regular file, len not its size, set-id bits
 * that apply, xattrs: those wait for the commit), or a negative code (no
 * O_TMPFILE, ENOSPC, ...; nothing is left behind).  Nothing is visible
 * under any name.  Thread-safe: it touches only pp (read-only) and the new
 * file.  pp is filled on the extractor's thread (prep_init, which borrows
 * root's descriptor and learns from one unnamed probe file what a new
 * file there gets -- owner, the permission bits umask and default ACL
 * leave -- so that no file needs an fstat; 0, or a negative code when
 * there is no O_TMPFILE: then nothing can be prepared). */
struct pare_extract_prep {
	int dirfd;
	bool apply_owners, is_root;
	uint32_t uid, gid, mode_mask;
};
int pare_extract_prep_init(struct pare_extract_prep *pp, struct pare_root *root,
			   enum pare_extract_owners owners);
int pare_extract_prepare(const struct pare_extract_prep *pp, const struct pare_tar_entry *e,
			 const void *data, size_t len, int *fd);
/* Offer fd (from pare_extract_prepare with the extractor's owners, size
 * bytes) for the next entry the visitor stages: ownership passes to x at
 * once.  A regular file of that size staged with nothing at its path
 * takes it as its unnamed temporary (no write, no metadata calls: only
 * the commit's linkat and close are left); otherwise it is closed, and the
 * entry is staged from its content stream as usual.  The caller offers -1
 * after each entry, which closes an offer no entry took; release closes
 * it too. */
void pare_extract_offer(struct pare_extract *x, int fd, uint64_t size);

#endif
