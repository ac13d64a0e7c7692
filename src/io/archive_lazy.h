/* libarchive, loaded on first use (dlopen of libarchive.so.13) instead of
 * at start: it pulls in libxml2, ICU and libstdc++, whose mapping and
 * relocation cost every run ~3 MB of RSS and ~5 M instructions although
 * only .deb import, source unpacking and image inspection need it
 * (issue 18).  The same pattern as io/curl_lazy.h.
 *
 * Include this instead of <archive.h>/<archive_entry.h> (deb/deb.c,
 * build/unpack.c, inspect/target.c).  archive_read_new() loads the
 * library and returns NULL when it cannot (pare_archive_load_error() says
 * why); every other function listed takes an object that came from it, so
 * the table is filled by then.  Loaded once per process, never unloaded. */
#ifndef PARE_IO_ARCHIVE_LAZY_H
#define PARE_IO_ARCHIVE_LAZY_H

#include <archive.h>
#include <archive_entry.h>

#define PARE_ARCHIVE_FUNCS(X)                                                              \
	X(archive_entry_filetype) X(archive_entry_gid) X(archive_entry_gname)              \
	X(archive_entry_hardlink) X(archive_entry_uname)                                  \
	X(archive_entry_mode) X(archive_entry_mtime) X(archive_entry_pathname)            \
	X(archive_entry_perm) X(archive_entry_rdev) X(archive_entry_size)                 \
	X(archive_entry_size_is_set) X(archive_entry_symlink) X(archive_entry_uid)        \
	X(archive_entry_xattr_next) X(archive_entry_xattr_reset) X(archive_error_string)  \
	X(archive_filter_bytes) X(archive_filter_code) X(archive_format)                  \
	X(archive_read_data) X(archive_read_data_block) X(archive_read_free)              \
	X(archive_read_new) X(archive_read_next_header) X(archive_read_open)              \
	X(archive_read_open_fd) X(archive_read_open_filename)                             \
	X(archive_read_support_filter_all) X(archive_read_support_filter_bzip2)           \
	X(archive_read_support_filter_gzip) X(archive_read_support_filter_xz)             \
	X(archive_read_support_filter_zstd) X(archive_read_support_format_ar)             \
	X(archive_read_support_format_gnutar) X(archive_read_support_format_raw)          \
	X(archive_read_support_format_tar) X(archive_read_support_format_zip)             \
	X(archive_set_error)

#define PARE_ARCHIVE_FIELD(f) __typeof__(f) *p_##f;
struct pare_archive_api {
	PARE_ARCHIVE_FUNCS(PARE_ARCHIVE_FIELD)
};
#undef PARE_ARCHIVE_FIELD

extern struct pare_archive_api pare_archive;

/* Load libarchive (once); 0, or -1 when the library or one of the
 * functions above is missing. */
int pare_archive_load(void);
const char *pare_archive_load_error(void);
/* archive_read_new() after pare_archive_load(); NULL when loading failed. */
struct archive *pare_archive_read_new(void);

#define archive_entry_filetype pare_archive.p_archive_entry_filetype
#define archive_entry_gid pare_archive.p_archive_entry_gid
#define archive_entry_gname pare_archive.p_archive_entry_gname
#define archive_entry_hardlink pare_archive.p_archive_entry_hardlink
#define archive_entry_mode pare_archive.p_archive_entry_mode
#define archive_entry_mtime pare_archive.p_archive_entry_mtime
#define archive_entry_pathname pare_archive.p_archive_entry_pathname
#define archive_entry_perm pare_archive.p_archive_entry_perm
#define archive_entry_rdev pare_archive.p_archive_entry_rdev
#define archive_entry_size pare_archive.p_archive_entry_size
#define archive_entry_size_is_set pare_archive.p_archive_entry_size_is_set
#define archive_entry_symlink pare_archive.p_archive_entry_symlink
#define archive_entry_uid pare_archive.p_archive_entry_uid
#define archive_entry_uname pare_archive.p_archive_entry_uname
#define archive_entry_xattr_next pare_archive.p_archive_entry_xattr_next
#define archive_entry_xattr_reset pare_archive.p_archive_entry_xattr_reset
#define archive_error_string pare_archive.p_archive_error_string
#define archive_filter_bytes pare_archive.p_archive_filter_bytes
#define archive_filter_code pare_archive.p_archive_filter_code
#define archive_format pare_archive.p_archive_format
#define archive_read_data pare_archive.p_archive_read_data
#define archive_read_data_block pare_archive.p_archive_read_data_block
#define archive_read_free pare_archive.p_archive_read_free
#define archive_read_new pare_archive_read_new
#define archive_read_next_header pare_archive.p_archive_read_next_header
#define archive_read_open pare_archive.p_archive_read_open
#define archive_read_open_fd pare_archive.p_archive_read_open_fd
#define archive_read_open_filename pare_archive.p_archive_read_open_filename
#define archive_read_support_filter_all pare_archive.p_archive_read_support_filter_all
#define archive_read_support_filter_bzip2 pare_archive.p_archive_read_support_filter_bzip2
#define archive_read_support_filter_gzip pare_archive.p_archive_read_support_filter_gzip
#define archive_read_support_filter_xz pare_archive.p_archive_read_support_filter_xz
#define archive_read_support_filter_zstd pare_archive.p_archive_read_support_filter_zstd
#define archive_read_support_format_ar pare_archive.p_archive_read_support_format_ar
#define archive_read_support_format_gnutar pare_archive.p_archive_read_support_format_gnutar
#define archive_read_support_format_raw pare_archive.p_archive_read_support_format_raw
#define archive_read_support_format_tar pare_archive.p_archive_read_support_format_tar
#define archive_read_support_format_zip pare_archive.p_archive_read_support_format_zip
#define archive_set_error pare_archive.p_archive_set_error

#endif
