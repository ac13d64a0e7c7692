/* Small files out of an image: the image of an OCI layout written by
 * pare (index.json -> manifest, or an image index -> the manifest for
 * arch, else the first), its layers read in order (a later layer's file
 * replaces an earlier one's; whiteouts are not followed: pare writes one
 * layer).  Used by `pare why IMAGE` for lib/apk/db/installed and
 * etc/apk/world.
 *
 * Trust: the layout is the caller's own output, but nothing in it is taken
 * on faith: digests must be sha256:<hex> before they name a blob, blobs are
 * opened with O_NOFOLLOW as regular files, JSON is bounded
 * (PARE_OCI_MAX_JSON) and checked against its digest, a wanted file is at
 * most max bytes, the tar reader's limits apply.
 */
#ifndef PARE_IMAGE_LAYOUT_FILES_H
#define PARE_IMAGE_LAYOUT_FILES_H

#include <jansson.h>
#include <stddef.h>
#include <sys/stat.h>

#include "base/error.h"

/* The steps, for other readers of layouts (image/baseimage.h): */
/* Open blobs/sha256/<hex> of digest (sha256:<hex> checked first) as a
 * regular file, never a symlink; the fd, or a negative code. */
int pare_layout_blob_open(const char *layout, const char *digest, struct stat *st,
			  struct pare_error *err);
/* A JSON blob of at most PARE_OCI_MAX_JSON bytes, checked against its
 * digest (json_decref it), or NULL with err set. */
json_t *pare_layout_json_blob(const char *layout, const char *digest, struct pare_error *err);
/* The image manifest digest index.json leads to, through image indexes
 * (arch: the OCI architecture to pick, NULL: the first). */
int pare_layout_pick_manifest(const char *layout, const char *arch, char *out,
			      struct pare_error *err);

/* For each paths[i] (relative, "lib/apk/db/installed"), texts[i] gets a
 * malloc'ed NUL-terminated copy (lens[i] bytes) or stays NULL when no
 * layer has it.  arch (OCI name, "amd64") picks from an image index; NULL:
 * the first manifest.  On failure every texts[i] is NULL. */
int pare_layout_read_files(const char *layout, const char *arch, const char *const *paths,
			   size_t n, size_t max, char **texts, size_t *lens,
			   struct pare_error *err);

#endif
