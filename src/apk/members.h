/* The byte ranges and digests of the gzip members of an APK v2 file, as
 * apko's lock file records them: the signature member (SHA-1 of its
 * compressed bytes), the control member (SHA-1: the package identity,
 * "Q1" + base64) and the data (SHA-256 of the compressed bytes of every
 * remaining member: the datahash).  A file of two members has no
 * signature (has_signature false).  Structure only: nothing is verified
 * here (the repository layer checks the file against its index entry).
 */
#ifndef PARE_APK_MEMBERS_H
#define PARE_APK_MEMBERS_H

#include <stdbool.h>
#include <stdint.h>

#include "base/error.h"
#include "io/digest.h"

#define PARE_APK_MEMBERS_MAX_OUT (8ULL << 30) /* decompressed bytes per member */

struct pare_apk_range {
	uint64_t first, last; /* inclusive byte offsets, as an HTTP Range */
	struct pare_digest_value digest;
};

struct pare_apk_members {
	bool has_signature;
	struct pare_apk_range signature, control, data;
};

/* Read the file at path; -PARE_E_FORMAT when it has fewer than two
 * members or a gzip error (message names path). */
int pare_apk_members_read(const char *path, struct pare_apk_members *out,
			  struct pare_error *err);

#endif
