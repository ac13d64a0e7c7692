/* Debian binary packages (.deb): reading, safe extraction, metadata.
 *
 * This is the umbrella header of src/deb/: it declares the .deb reader and
 * includes the control-paragraph parser (deb/control.h) and the Debian
 * version code (deb/version.h), so an importer needs only this include.
 *
 * The container (deb(5)): an ar archive whose first member is
 * "debian-binary" (text "2.x\n"), then "control.tar[.gz|.xz|.zst]", then
 * "data.tar[.gz|.xz|.zst|.bz2]"; members whose names start with '_' may
 * appear after debian-binary and are skipped; anything else is refused.
 * Each tar member must use the compression its name says (libarchive is
 * given that one filter only) and be a tar archive (no other format).
 *
 * Control member: its regular files ("control", "md5sums", "conffiles",
 * "preinst", "postinst", "prerm", "postrm", "triggers", "shlibs", ...) are
 * kept in memory, each at most limits.max_control_file bytes, all at most
 * limits.max_control_total; "control" must be present.  Maintainer scripts
 * are NEVER run by anything in src/deb/: they are only kept and reported.
 *
 * Data member: every entry is checked before anything sees it:
 *   - the name: a leading "./" and trailing '/' are removed; the entry "./"
 *     itself is skipped; what is left must pass pare_path_check_name()
 *     (relative, no "..", no control characters, bounded length);
 *   - the type: regular file, directory, symlink or hard link only; device
 *     nodes, fifos, sockets are refused;
 *   - a hard link must name an earlier regular file of the same package;
 *   - names are canonical (no empty or "." components), so one file has
 *     one name; a second non-directory entry for the same path is refused,
 *     and so is a path that runs through an earlier symlink or file of the
 *     package, or a non-directory where earlier entries put files;
 *   - sizes: at most limits.max_entries entries, limits.max_data bytes of
 *     file content in total (decompressed, so a compression bomb stops
 *     there), and libarchive's own decompression is bounded by reading
 *     only that much.
 *
 * Errors: every function returns 0 or a negative code (base/error.h) and
 * fills err with ONE line "NAME: reason" where NAME is the caller's name
 * for the file (e.g. its path) -- e.g. "x.deb: data.tar.xz: ../etc/passwd:
 * path has a '..' component".
 *
 * Extraction: pare_deb_extract() writes the data tree into a directory the
 * caller provides, which MUST be empty and private (a fresh mkdtemp(3)
 * directory).  It never follows a symlink while resolving a path (every
 * parent is opened with O_NOFOLLOW, one component at a time, through the
 * pare_root), so nothing lands outside the directory.  On error the
 * directory holds a partial tree: the caller removes it
 * (pare_deb_remove_tree() does that safely) and never renames it to a final
 * path.  On success the caller renames it (or reads from it) as it likes.
 * Modes are kept as the tar says, set-id bits included (they are reported
 * in pare_deb_entry.mode); owners are applied only when opts.apply_owners
 * (default: the files belong to the caller; the tar's uid/gid are recorded
 * in the entries either way); mtimes are applied as the tar says.
 *
 * Typical importer use:
 *
 *     struct pare_deb deb;
 *     struct pare_error err;
 *     char tmp[] = "/some/dir/.import.XXXXXX";   (on the final file system)
 *     int fd = open(path, O_RDONLY | O_CLOEXEC);
 *     mkdtemp(tmp);
 *     struct pare_root root;
 *     pare_root_open(&root, tmp, &err);
 *     struct pare_deb_extract_opts opts = { .apply_owners = false };
 *     int r = pare_deb_extract(fd, path, NULL, &root, &opts, &deb, &err);
 *     if (r < 0) { pare_deb_remove_tree(tmp, NULL); report err.msg; }
 *     else {
 *         struct pare_deb_pkginfo info;
 *         r = pare_deb_pkginfo_parse(pare_deb_control_text(&deb), &info, &err);
 *         ... deb.entries[i] is the file list in archive order ...
 *         ... pare_deb_version_to_apk(info.version, &buf, &err) ...
 *     }
 *     pare_deb_release(&deb); pare_root_release(&root); close(fd);
 *
 * Without a directory, pare_deb_read() calls a visitor for each data entry
 * with a stream over its content (the same checks apply).
 *
 * Ownership: struct pare_deb owns everything it points to (one arena);
 * pare_deb_release() frees it and accepts a zeroed or released struct.
 * The reader keeps no global state; one struct per package, any thread.
 */
#ifndef PARE_DEB_DEB_H
#define PARE_DEB_DEB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/arena.h"
#include "base/error.h"
#include "base/rootpath.h"
#include "base/slice.h"
#include "deb/control.h"
#include "deb/version.h"
#include "io/stream.h"

/* Bounds on untrusted input.  A zero field means the default below. */
struct pare_deb_limits {
	uint64_t max_members;       /* ar members (incl. '_' ones): 16 */
	uint64_t max_control_member; /* control.tar* bytes as stored: 8 MiB */
	uint64_t max_control_file;  /* one file in control.tar: 1 MiB */
	uint64_t max_control_total; /* all control files, decompressed: 8 MiB */
	uint64_t max_control_entries; /* entries in control.tar: 64 */
	uint64_t max_data;          /* data file bytes, decompressed: 4 GiB */
	uint64_t max_entries;       /* data.tar entries: 1 << 20 */
};

#define PARE_DEB_DEFAULT_MAX_MEMBERS 16u
#define PARE_DEB_DEFAULT_MAX_CONTROL_MEMBER (8u << 20)
#define PARE_DEB_DEFAULT_MAX_CONTROL_FILE (1u << 20)
#define PARE_DEB_DEFAULT_MAX_CONTROL_TOTAL (8u << 20)
#define PARE_DEB_DEFAULT_MAX_CONTROL_ENTRIES 64u
#define PARE_DEB_DEFAULT_MAX_DATA (4ull << 30)
#define PARE_DEB_DEFAULT_MAX_ENTRIES (1u << 20)

enum pare_deb_type {
	PARE_DEB_FILE = 1,
	PARE_DEB_DIR,
	PARE_DEB_SYMLINK,
	PARE_DEB_HARDLINK,
};

/* One data.tar entry, after the checks above. */
struct pare_deb_entry {
	const char *path;        /* normalised: no "./", no trailing '/', never "" */
	enum pare_deb_type type;
	mode_t mode;             /* permission bits incl. set-id and sticky (07777);
				  * a hard link has its target's */
	uint64_t size;           /* content bytes of a regular file, else 0 */
	int64_t uid, gid;        /* as the tar says (0 for root) */
	const char *uname, *gname; /* owner names as the tar says, for a
				  * non-zero id only, and only a plausible
				  * account name ([a-z_][a-z0-9_.-]*, at most
				  * 31 bytes); else NULL */
	int64_t mtime;           /* seconds since the epoch, as the tar says */
	const char *link;        /* symlink: target verbatim; hard link: the
				  * normalised path of the earlier file; else NULL */
};

/* One regular file of control.tar ("control", "postinst", ...). */
struct pare_deb_cfile {
	const char *name;        /* normalised like data paths ("postinst") */
	mode_t mode;
	const char *data;        /* NUL-terminated (NUL not counted in len) */
	size_t len;
};

/* Maintainer scripts dpkg would run; the importer reports them. */
enum {
	PARE_DEB_SCRIPT_PREINST = 1u << 0,
	PARE_DEB_SCRIPT_POSTINST = 1u << 1,
	PARE_DEB_SCRIPT_PRERM = 1u << 2,
	PARE_DEB_SCRIPT_POSTRM = 1u << 3,
	PARE_DEB_SCRIPT_CONFIG = 1u << 4,  /* debconf */
};

struct pare_deb {
	struct pare_arena arena;        /* owns every pointer below */
	char debian_binary[16];         /* "2.0" (without the newline) */
	char control_member[32];        /* "control.tar.xz", ... */
	char data_member[32];           /* "data.tar.xz", ... */
	struct pare_deb_cfile *cfiles;  /* control.tar files, archive order */
	size_t ncfiles;
	unsigned scripts;               /* PARE_DEB_SCRIPT_* present */
	struct pare_deb_entry *entries; /* data.tar entries, archive order */
	size_t nentries;
	uint64_t data_bytes;            /* sum of regular file sizes */
	size_t nsetid;                  /* entries with set-uid or set-gid bits */
};

/* Called for each data entry.  For a regular file `content` streams its
 * bytes (the visitor may read all, part or none of it); for other types it
 * is NULL.  e is valid during the call (the same data is in d->entries
 * afterwards; that array may move while the read goes on).  A non-zero
 * return stops the read and is returned: fill err with "PATH: reason" and
 * the reader prefixes "NAME: data.tar.xz: ". */
typedef int (*pare_deb_visit_fn)(void *ctx, const struct pare_deb_entry *e,
				 struct pare_istream *content, struct pare_error *err);

struct pare_deb_extract_opts {
	bool apply_owners;  /* fchownat() to the tar's uid/gid (needs root) */
};

/* Read the .deb open on fd (read from its current offset, not closed),
 * named `name` in messages.  Fills *out (zeroed first; release it even on
 * error).  limits may be NULL (defaults).  visit may be NULL (then only the
 * entry list is built). */
int pare_deb_read(int fd, const char *name, const struct pare_deb_limits *limits,
		  struct pare_deb *out, pare_deb_visit_fn visit, void *ctx,
		  struct pare_error *err);

/* pare_deb_read() that writes the data tree into `root` (an EMPTY private
 * directory; see above).  opts may be NULL. */
int pare_deb_extract(int fd, const char *name, const struct pare_deb_limits *limits,
		     struct pare_root *root, const struct pare_deb_extract_opts *opts,
		     struct pare_deb *out, struct pare_error *err);

/* The control file's text, or an empty slice if none was read. */
struct pare_slice pare_deb_control_text(const struct pare_deb *d);
/* The control.tar file `name` ("postinst"), or NULL. */
const struct pare_deb_cfile *pare_deb_cfile_get(const struct pare_deb *d, const char *name);

/* Remove the tree at path (a directory), never following symlinks; for
 * cleaning up after a failed extraction.  ENOENT is success. */
int pare_deb_remove_tree(const char *path, struct pare_error *err);

void pare_deb_release(struct pare_deb *d);

#endif
