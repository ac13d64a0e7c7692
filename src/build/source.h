/* A recipe's sources: found, verified, unpacked.
 *
 * pare_build_sources_get(): for each source= entry, the file is taken
 * from the recipe folder (a plain name), else from SRCDEST (srcdest/NAME),
 * else downloaded with io/http.h into srcdest (at most
 * PARE_BUILD_MAX_SOURCE bytes).  A download goes to SRCDEST/.NAME.part
 * (locked with flock while pare writes it); a transfer cut short, or a
 * pare killed mid-way, leaves it, and the next transfer asks for the rest
 * (HTTP Range) and appends; the whole file is verified by SHA-512 before
 * it is renamed to SRCDEST/NAME (a resumed file that does not verify is
 * fetched once more from zero).  Each file is copied into out_dir/NAME while its
 * SHA-512 is computed and compared with sha512sums; a mismatch removes the
 * copy and fails naming the file and both hashes.  Only verified copies
 * are ever unpacked or seen by the build.
 *
 * With debian_source set, a source missing from SRCDEST is first looked for
 * in Debian's source archive (debsrc.c): `apt-get source --download-only
 * NAME` (apt checks Debian's signed chain), and a file of that source
 * package whose SHA-512 equals the recipe's (an .orig tarball that is the
 * upstream release, byte for byte) is taken under the recipe's name; only
 * then is the URL tried.
 *
 * pare_build_unpack(): an archive (by name: .tar, .tar.gz/.tgz, .tar.bz2,
 * .tar.xz/.txz, .tar.zst, .zip) into dest with libarchive.  Every entry
 * name is checked (pare_path_check_name) and created through a struct
 * pare_root on dest, so nothing lands outside it; regular files, dirs,
 * symlinks (created as they are, never followed) and hard links (inside
 * dest) only; setuid/setgid bits dropped; owner set to uid/gid; mtimes
 * of files and links from the archive (so make sees generated files as up
 * to date).
 * Bounds: PARE_BUILD_MAX_UNPACK bytes in all (an entry announcing more
 * is refused before a byte is written: sparse 100 GB files, bombs) and
 * PARE_BUILD_MAX_ENTRIES entries.
 */
#ifndef PARE_BUILD_SOURCE_H
#define PARE_BUILD_SOURCE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/error.h"
#include "base/log.h"
#include "build/recipe.h"
#include "io/http.h"

#define PARE_BUILD_MAX_SOURCE (2ULL << 30)
#define PARE_BUILD_MAX_UNPACK (8ULL << 30)
#define PARE_BUILD_MAX_ENTRIES 500000u

struct pare_build_src_opts {
	const char *recipe_dir;
	const char *srcdest; /* NULL: downloads go to out_dir only */
	const char *out_dir;
	const struct pare_http_opts *http; /* NULL: defaults */
	const struct pare_log *log;
	bool offline;        /* never download */
	const char *debian_source; /* Debian source package to try; NULL: none */
};

/* Get and verify every source; *newest gets the newest mtime of the
 * source files (for SOURCE_DATE_EPOCH). */
int pare_build_sources_get(const struct pare_recipe *r, const struct pare_build_src_opts *o,
			   int64_t *newest, struct pare_error *err);

/* SHA-512 of a file, as 128 hex digits. */
int pare_build_sha512_file(const char *path, char hex[129], struct pare_error *err);

/* Get the file of Debian source package pkg whose sha512 is want into
 * dest (a temporary directory under tmp_base is used and removed).
 * -ENOENT when apt-get is missing or no file matches. */
int pare_build_from_debian(const char *pkg, const char *want, const char *dest,
			   const char *tmp_base, struct pare_error *err);

/* Is name an archive pare_build_unpack takes? */
bool pare_build_is_archive(const char *name);

int pare_build_unpack(const char *archive, const char *dest, uid_t uid, gid_t gid,
		      uint64_t max_bytes, struct pare_error *err);

#endif
