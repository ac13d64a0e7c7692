/* Writing APK v2 packages from a directory tree (pare mkpkg).
 *
 * Output is deterministic: entries sorted by path (bytewise, so a directory
 * comes before its contents), owners root:root unless the tree's owners
 * are kept or a manifest says otherwise, mtimes clamped to
 * SOURCE_DATE_EPOCH when one is given, fixed gzip level, PAX records sorted.
 * The same tree and metadata give the same bytes.
 *
 * Layout written: [signature member] control member (.PKGINFO, then the
 * scripts in apk's order, no end-of-archive blocks) data member (the files,
 * each regular file and symlink with an APK-TOOLS.checksum.SHA1 record,
 * end-of-archive blocks).  .PKGINFO gets `size` (the sum of regular file
 * sizes), `datahash` (SHA-256 of the data member) and, when absent,
 * `builddate` (SOURCE_DATE_EPOCH, else the newest mtime in the tree).
 *
 * Manifest lines (optional file, '#' comments):  PATH MODE OWNER:GROUP
 *   MODE is octal (e.g. 4755) or '-' to keep the tree's; OWNER and GROUP
 *   are NUMBER, NAME or NAME=NUMBER ('-' keeps the default).  A number is
 *   recorded without a name (0 as "root"), a bare name with id 0.  apk
 *   resolves names in the target root and falls back to the id, so
 *   NAME=NUMBER is the form to use for system users.  With keep_owners the
 *   tree's ids are recorded with the build host's names for them.
 *
 * The output file is written atomically; on failure nothing is left.
 */
#ifndef PARE_APK_MKPKG_H
#define PARE_APK_MKPKG_H

#include <stdbool.h>
#include <stdint.h>

#include "apk/pkginfo.h"
#include "apk/sign.h"

#define PARE_MKPKG_MAX_ENTRIES 1000000
#define PARE_MKPKG_MAX_DEPTH 256

struct pare_mkpkg_script {
	const char *name; /* ".pre-install", ".post-install", ... ".trigger" */
	const char *path; /* file with the script */
};

struct pare_mkpkg_opts {
	const char *tree;        /* directory of files; NULL for a package without files */
	struct pare_pkginfo *info; /* metadata; size, datahash, builddate are filled in */
	const struct pare_mkpkg_script *scripts;
	size_t nscripts;
	const char *manifest;    /* optional owners/modes file */
	bool keep_owners;        /* owners from the tree instead of root:root */
	int64_t source_date_epoch; /* < 0: not set */
	int level;               /* gzip level 1..9; 0 means 9 */
	struct pare_privkey *key;  /* optional: sign the package */
	const char *keyname;
	enum pare_digest_alg sig_alg;
};

int pare_mkpkg(const struct pare_mkpkg_opts *o, const char *out_path, struct pare_error *err);

#endif
