/* The installed database: lib/apk/db/installed, in apk-tools' format.
 *
 * Format (apk-tools 2.x and 3.x, "FDB"): one record per installed
 * package, records separated by an empty line, lines "X:value" (the
 * generic record syntax of apk/index.h).  A record holds
 *
 *   - the index fields of the package (C P V A S I T U L o m t c k D p i r
 *     and any other letter), parsed with the APKINDEX parser into a
 *     struct pare_pkgent;
 *   - installed-only fields: g: tags (words), q: replaces priority
 *     (decimal), s: repository tag, f: broken flags (letters: f files,
 *     s script, x xattrs, S file checksums are sha256 cut to 160 bits);
 *   - the package's files, grouped by directory:
 *       F:dir            a directory ("usr/bin"; "" is the root), then
 *       M:uid:gid:mode[:Q1xattrs]   its owner and mode when not the default
 *                                   root:root 0755 (may come anywhere
 *                                   after its F:, before the next F:)
 *       R:name           a file in that directory (no '/'), then
 *       a:uid:gid:mode[:Q1xattrs]   its owner and mode when not the default
 *                                   root:root 0644
 *       Z:Q1...          its checksum (Q1/Q2 base64 or X1/X2 hex; for a
 *                        symlink the checksum of the target text)
 *     mode is octal (apk writes "755"; others write "0755"); the optional
 *     Q1 hash is of the file's extended attributes.
 *
 * Reading is strict where apk is vague: R: needs a preceding F:, a: and
 * Z: need an R: in the current directory, M:/a:/Z: appear at most once per
 * directory or file, a package name appears once in the database, a
 * directory once per package and a file once per package.  Values are
 * validated (numbers, octal modes <= 07777, checksums).  Every error names
 * the file and the line.  A last record not followed by an empty line
 * (written by some tools; apk itself drops such a record) is accepted.
 *
 * Lossless round trip: each parsed package remembers the letters of its
 * lines in order (`layout`) and every M:/a:/Z: value as written, so an
 * unmodified database is written back byte for byte.  A package built or
 * changed through this API (layout empty) is written canonically, in
 * apk-tools' order: the index fields in pare_index_field_order, g: q: s:
 * f:, then per directory F:, M:, and per file R:, a:, Z:.  Empty lines
 * between records are normalised to one.
 *
 * Ownership: struct pare_db_installed owns the text it parsed, an arena
 * holding every package, directory and file (their addresses never change
 * until release: pointers to them stay valid across additions and
 * removals), an internal struct pare_index (its arena holds the pkgent
 * strings and dependency arrays), the malloc'ed pointer arrays and maps.
 * Every slice in these structs points into the text or an arena.
 *
 * Invariants: pkgs[0..npkgs) are the live packages, names unique; a live
 * package's dirs and files have pkg == that package; files (owner map)
 * maps "dir/name" (or "name" in the root directory) to the first live
 * package's file of that path; a removed package or a file taken over by
 * another package has pkg == NULL.  acl_text / csum_text, when non-empty,
 * are the values as read and agree with acl / csum (writers use them);
 * code that changes acl or csum clears them (the setters below do).
 */
#ifndef PARE_DB_INSTALLED_H
#define PARE_DB_INSTALLED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "apk/index.h"
#include "base/arena.h"
#include "base/buf.h"
#include "base/error.h"
#include "base/hashmap.h"
#include "base/rootpath.h"
#include "base/slice.h"
#include "io/digest.h"

/* Bounds for untrusted input. */
#define PARE_DB_MAX_INSTALLED (512u << 20) /* bytes of lib/apk/db/installed */
#define PARE_DB_MAX_INDEX_PART (8u << 20)  /* index lines of one record */

/* apk's default owner and modes (written without M:/a:). */
#define PARE_DB_DEFAULT_DIR_MODE 0755u
#define PARE_DB_DEFAULT_FILE_MODE 0644u

/* Owner, permission bits and the hash of the extended attributes. */
struct pare_db_acl {
	uint32_t uid, gid;
	uint32_t mode;                  /* permission bits, <= 07777 */
	struct pare_digest_value xattr; /* alg NONE when there is none */
};

struct pare_db_pkg;
struct pare_db_dir;

struct pare_db_file {
	struct pare_slice name;         /* in its directory, no '/' */
	struct pare_slice path;         /* "dir/name" or "name" (arena) */
	struct pare_db_dir *dir;
	struct pare_db_pkg *pkg;        /* owner; NULL once removed/taken over */
	bool has_acl;                   /* a: present */
	struct pare_db_acl acl;         /* valid when has_acl */
	struct pare_slice acl_text;     /* a: value as read, or empty */
	struct pare_digest_value csum;  /* Z:, alg NONE when absent */
	struct pare_slice csum_text;    /* Z: value as read, or empty */
};

struct pare_db_dir {
	struct pare_slice path;         /* "usr/bin"; "" is the root */
	struct pare_db_pkg *pkg;
	bool has_acl;                   /* M: present */
	struct pare_db_acl acl;         /* valid when has_acl */
	struct pare_slice acl_text;     /* M: value as read, or empty */
	struct pare_db_file **files;    /* nfiles, in order (malloc) */
	uint32_t nfiles, files_cap;
};

/* How a parsed record ended (for the byte-exact write of the last one). */
enum pare_db_rec_end {
	PARE_DB_END_BLANK = 0,   /* "...\n\n" (always written for new records) */
	PARE_DB_END_NEWLINE = 1, /* "...\n" at the end of the text */
	PARE_DB_END_NONE = 2,    /* no final newline */
};

struct pare_db_pkg {
	struct pare_pkgent ent;         /* index fields (slices: text/arenas) */
	struct pare_slice tags;         /* g: words as written, or empty */
	struct pare_slice replaces_priority_text; /* q: as written, or empty */
	uint64_t replaces_priority;     /* q: (0 when absent) */
	struct pare_slice repo_tag;     /* s:, or empty */
	struct pare_slice broken;       /* f: letters, or empty */
	struct pare_db_dir **dirs;      /* ndirs, in order (malloc) */
	uint32_t ndirs, dirs_cap;
	struct pare_map dirmap;         /* path -> struct pare_db_dir * */
	struct pare_slice layout;       /* letters of the lines as read; empty:
					 * write canonically */
	enum pare_db_rec_end end;
	bool live;                      /* false once removed */
};

struct pare_db_installed {
	struct pare_arena arena;
	struct pare_index idx;          /* parser; owns pkgent memory (n == 0) */
	char *text;                     /* parsed text (malloc, owned) or NULL */
	size_t text_len;
	const char *name;               /* for messages (not owned) */
	struct pare_db_pkg **pkgs;      /* npkgs live packages (malloc) */
	size_t npkgs, pkgs_cap;
	struct pare_map names;          /* name -> struct pare_db_pkg * */
	struct pare_map files;          /* path -> struct pare_db_file * */
	struct pare_map dirs;           /* path -> internal directory refcount */
	uint64_t nshared;               /* files listed by more than one package */
};

void pare_db_installed_init(struct pare_db_installed *db);
/* Free everything; db is as after init.  NULL is fine. */
void pare_db_installed_release(struct pare_db_installed *db);

/* Parse the text of an installed database into db (which must be empty).
 * db takes ownership of `text` (malloc'ed, len bytes) on success and on
 * failure.  name is used in messages ("NAME line N: ...") and must outlive
 * db.  On error db is left empty (as after init).  Returns 0,
 * -PARE_E_FORMAT, -PARE_E_TOO_BIG, -PARE_E_INVALID_DEP or -ENOMEM. */
int pare_db_installed_parse(struct pare_db_installed *db, char *text, size_t len,
			    const char *name, struct pare_error *err);

/* Read <root>/lib/apk/db/installed.  A missing file is an empty database
 * (returns 0). */
int pare_db_installed_read(struct pare_db_installed *db, struct pare_root *root,
			   struct pare_error *err);

/* Append the database text to out (packages in pkgs order; see the top of
 * this file for the byte-exact and canonical forms). */
int pare_db_installed_write_text(const struct pare_db_installed *db, struct pare_buf *out,
				 struct pare_error *err);

/* Write <root>/lib/apk/db/installed atomically (mode 0644; the directory
 * is created when missing). */
int pare_db_installed_write(const struct pare_db_installed *db, struct pare_root *root,
			    struct pare_error *err);

/* ---- lookups */

/* The live package called name, or NULL. */
struct pare_db_pkg *pare_db_find_pkg(const struct pare_db_installed *db, struct pare_slice name);

/* The file at path ("usr/bin/ls"; one leading '/' is ignored) owned by a
 * live package, or NULL.  Its owner is ->pkg. */
const struct pare_db_file *pare_db_owner(const struct pare_db_installed *db,
					 struct pare_slice path);

/* How many live packages list the directory path ("" is the root). */
uint32_t pare_db_dir_users(const struct pare_db_installed *db, struct pare_slice path);

/* Iterate over the files of a package, directory by directory:
 *   struct pare_db_file_iter it; pare_db_file_iter_init(&it, pkg);
 *   for (const struct pare_db_file *f; (f = pare_db_file_iter_next(&it)); ) ... */
struct pare_db_file_iter {
	const struct pare_db_pkg *pkg;
	uint32_t d, f;
};
void pare_db_file_iter_init(struct pare_db_file_iter *it, const struct pare_db_pkg *pkg);
const struct pare_db_file *pare_db_file_iter_next(struct pare_db_file_iter *it);
/* Number of files of a package. */
size_t pare_db_pkg_nfiles(const struct pare_db_pkg *pkg);

/* ---- changes (for the installer).  Each clears the layout of the
 * packages it touches (they are then written canonically). */

/* Add a package with the index fields of e (deep-copied; its `order` is
 * dropped) and no files.  -EEXIST when a live package has that name. */
int pare_db_add_pkg(struct pare_db_installed *db, const struct pare_pkgent *e,
		    struct pare_db_pkg **out, struct pare_error *err);

/* The directory path of pkg, created (with acl, or no M: when acl is NULL)
 * if the package does not list it yet; an existing one gets acl when acl
 * is not NULL.  path must pass pare_path_check_name() or be "" (the root);
 * one trailing '/' is dropped. */
int pare_db_pkg_add_dir(struct pare_db_installed *db, struct pare_db_pkg *pkg,
			struct pare_slice path, const struct pare_db_acl *acl,
			struct pare_db_dir **out, struct pare_error *err);

/* pare_db_pkg_add_file flags */
enum {
	/* Take the path over from the live package that owns it (apk's
	 * `replaces`): the file leaves that package's list. */
	PARE_DB_ADD_REPLACE = 1 << 0,
};

/* Add the file path ("dir/name") to pkg, its directory added as by
 * pare_db_pkg_add_dir(acl NULL) when missing; acl (NULL: none) and csum
 * (NULL or alg NONE: no Z:) are copied.  -EEXIST if pkg lists the path
 * already, or another live package owns it and REPLACE is not given. */
int pare_db_pkg_add_file(struct pare_db_installed *db, struct pare_db_pkg *pkg,
			 struct pare_slice path, const struct pare_db_acl *acl,
			 const struct pare_digest_value *csum, unsigned flags,
			 struct pare_db_file **out, struct pare_error *err);

/* Remove a package, its directories and files from the database (their
 * memory stays valid until release; pkg->live becomes false).  A path
 * that another live package lists as well (counted in nshared when read)
 * then reports no owner. */
void pare_db_remove_pkg(struct pare_db_installed *db, struct pare_db_pkg *pkg);

/* Sort the packages by name (bytewise), as apk writes them. */
void pare_db_sort(struct pare_db_installed *db);

/* Put a copy of src (a package of another database: index fields, g: q:
 * s: f:, directories and files with owners, modes and checksums) into db
 * in place of the live package of that name, if any; every file is taken
 * over from whichever package owns it (REPLACE).  For the transaction
 * journal's replay (installed_put.c). */
int pare_db_put_pkg(struct pare_db_installed *db, const struct pare_db_pkg *src,
		    struct pare_db_pkg **out, struct pare_error *err);

/* Append pkg's record (with its ending blank line) as
 * pare_db_installed_write_text() writes it. */
int pare_db_pkg_write_text(const struct pare_db_pkg *pkg, struct pare_buf *out,
			   struct pare_error *err);

/* Parse "uid:gid:mode[:Q1...]" (an M:/a: value).  -PARE_E_FORMAT. */
int pare_db_acl_parse(struct pare_slice v, struct pare_db_acl *acl);
/* Parse a file or xattr checksum: Q1/Q2 base64 or X1/X2 hex (sha1 or
 * sha256).  -PARE_E_FORMAT. */
int pare_db_csum_parse(struct pare_slice v, struct pare_digest_value *out);

#endif
