/* apko's contents.baseimage: an OCI layout whose image is the base under
 * the packages an image config adds.
 *
 *   contents:
 *     baseimage:
 *       image: base/           an OCI layout (index.json, blobs/sha256)
 *       apkindex: base-index/  holding ARCH/APKINDEX: the packages the
 *                              base image has installed (APKINDEX text)
 *
 * What pare image build does with it, per architecture:
 *   1. open (pare_baseimage_open): index.json -> (image index ->) the
 *      manifest for the arch; its config must name that architecture; the
 *      layers (media types OCI tar, tar+gzip or Docker's rootfs.diff
 *      tar.gzip, at most PARE_BASEIMAGE_MAX_LAYERS) and the config's
 *      rootfs.diff_ids (one per layer) and runtime config are read;
 *   2. unpack (pare_baseimage_unpack): each layer blob is checked against
 *      its digest, then its entries are extracted into the staging root by
 *      the package extractor (commit/extract.h: paths stay inside the root,
 *      nothing half-written); a whiteout (".wh.") is refused
 *      (-PARE_E_UNSUPPORTED: pare does not flatten deletions); then every
 *      path of the root is recorded (type, mode, owner, size, mtime, inode);
 *   3. installed packages (pare_baseimage_installed): APKINDEX's P:/V:
 *      records become world atoms "NAME=VERSION", so the solver keeps the
 *      base's packages at their versions and installs only what is new;
 *      when the base has no lib/apk/db/installed (an image not made by an
 *      apk tool) the APKINDEX text becomes it;
 *   4. the image: the base's layer blobs are copied (digest checked) into
 *      the output layout and listed first; the new layer holds only the
 *      paths that are new or changed since step 2 (directories always);
 *      the OCI config takes the base's runtime config (Env by variable,
 *      Entrypoint, Cmd, WorkingDir, User, StopSignal, Labels by key,
 *      Volumes) wherever the image config does not set that field or
 *      variable (pare_baseimage_merge_config).
 * Files of the base that the build removes are not whited out (nothing
 * pare does removes them: the base's packages are pinned).
 *
 * Hostile input: JSON is bounded (PARE_OCI_MAX_JSON) and digest-checked,
 * blobs are regular files named by sha256 digests, the APKINDEX is at most
 * PARE_BASEIMAGE_MAX_INDEX bytes with valid names and versions, the
 * extractor's limits apply.
 *
 * Ownership: everything lives in b's arena and map until
 * pare_baseimage_release().
 */
#ifndef PARE_IMAGE_BASEIMAGE_H
#define PARE_IMAGE_BASEIMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "base/arena.h"
#include "base/error.h"
#include "base/hashmap.h"
#include "base/rootpath.h"
#include "image/config.h"
#include "image/oci.h"

#define PARE_BASEIMAGE_MAX_LAYERS 127u
#define PARE_BASEIMAGE_MAX_INDEX (64u << 20)
#define PARE_BASEIMAGE_MAX_PATHS 2000000u

struct pare_baseimage {
	struct pare_arena arena;
	const char *layout;
	struct pare_oci_layer *layers; /* blob descriptors as the base lists them */
	size_t nlayers;
	/* the base's runtime config (absent: NULL / 0) */
	const char **env, **entrypoint, **cmd, **volumes;
	size_t nenv, nentrypoint, ncmd, nvolumes;
	const char *working_dir, *user, *stop_signal;
	struct pare_image_kv *labels;
	size_t nlabels;
	/* NAME=VERSION of each installed package (step 3) */
	const char **atoms;
	size_t natoms;
	struct pare_map paths; /* path -> struct pare_baseimage_stat (step 2) */
	size_t npaths;
};

void pare_baseimage_init(struct pare_baseimage *b);
void pare_baseimage_release(struct pare_baseimage *b);

/* Step 1; oci_arch/variant: "amd64", NULL. */
int pare_baseimage_open(struct pare_baseimage *b, const char *layout, const char *oci_arch,
			struct pare_error *err);

/* Step 2 into root (root_path: its absolute path). */
int pare_baseimage_unpack(struct pare_baseimage *b, struct pare_root *root,
			  const char *root_path, struct pare_error *err);

/* Step 3: apkindex_dir/apk_arch/APKINDEX. */
int pare_baseimage_installed(struct pare_baseimage *b, const char *apkindex_dir,
			     const char *apk_arch, struct pare_root *root, struct pare_error *err);

/* The parser of step 3: P:/V: of each record of an APKINDEX text (records
 * end with an empty line or the text's end; other fields are skipped)
 * appended to b->atoms as NAME=VERSION; file names the text in errors
 * ("FILE:LINE: ..."). */
int pare_baseimage_index_atoms(struct pare_baseimage *b, struct pare_slice text,
			       const char *file, struct pare_error *err);

/* Is path (relative, as the layer writer names it) a non-directory that
 * is exactly as the base left it? */
bool pare_baseimage_unchanged(const struct pare_baseimage *b, const char *path,
			      const struct stat *st);

/* Copy the base's layer blobs into l (digests checked). */
int pare_baseimage_copy_blobs(const struct pare_baseimage *b, struct pare_oci_layout *l,
			      struct pare_error *err);

/* Fill what img (from pare_image_oci_config(cfg)) leaves to the base;
 * new arrays live in arena a. */
int pare_baseimage_merge_config(const struct pare_baseimage *b,
				const struct pare_image_config *cfg, struct pare_arena *a,
				struct pare_oci_image *img, struct pare_error *err);

#endif
