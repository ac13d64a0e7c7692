/* apko's lock file (`*.lock.json`, version "v1"): what an image config
 * resolved to, per architecture, so a later build can be held to it.
 *
 *   {"version": "v1",
 *    "config": {"name": "img.yaml", "checksum": "sha256-<base64>"},
 *    "contents": {
 *      "keyring": [{"name": K, "url": K}],
 *      "build_repositories": [{"name","url","architecture"}],
 *      "repositories": [{"name": R, "url": "R/ARCH/APKINDEX.tar.gz",
 *                        "architecture": ARCH}],
 *      "packages": [{"name", "url", "version", "architecture",
 *                    "signature": {"range": "bytes=A-B", "checksum": "sha1-<b64>"},
 *                    "control": {...sha1...}, "data": {...sha256...},
 *                    "checksum": "Q1<b64 sha1 of the control member>"}]}}
 *
 * A package without a signature member has no "signature" object.  Keys
 * in this order, 2-space indentation.  Reading takes "version" v1,
 * contents.packages (name, version, architecture, checksum required; url
 * kept) and ignores what it does not use; sizes bounded.
 *
 * Ownership: a lock owns its strings (arena) until pare_image_lock_free().
 */
#ifndef PARE_IMAGE_LOCK_H
#define PARE_IMAGE_LOCK_H

#include <stddef.h>

#include "apk/members.h"
#include "base/arena.h"
#include "base/error.h"
#include "image/config.h"

#define PARE_IMAGE_LOCK_MAX_BYTES (64u << 20)
#define PARE_IMAGE_LOCK_MAX_PACKAGES 100000u

struct pare_image_lock_pkg {
	const char *name, *version, *arch, *url;
	const char *checksum;         /* "Q1..." */
	struct pare_apk_members members; /* written; not read back */
};

struct pare_image_lock {
	struct pare_arena arena;
	struct pare_image_lock_pkg *pkgs; /* n (malloc) */
	size_t n, cap;
};

struct pare_image_lock *pare_image_lock_new(void);
void pare_image_lock_free(struct pare_image_lock *l);

/* Append a package (strings copied). */
int pare_image_lock_add(struct pare_image_lock *l, const struct pare_image_lock_pkg *p,
			struct pare_error *err);

/* Render for config (cfg, read from config_path: its name and checksum)
 * and the architectures archs[0..narchs) (apk names); malloc'ed text
 * ending in '\n'. */
int pare_image_lock_render(const struct pare_image_lock *l, const char *config_path,
			   const struct pare_image_config *cfg, const char *const *archs,
			   size_t narchs, char **out, size_t *len, struct pare_error *err);

/* Parse lock text (errors name name); packages are appended to l. */
int pare_image_lock_parse(struct pare_image_lock *l, const char *text, size_t len,
			  const char *name, struct pare_error *err);
/* Read and parse a lock file (errors name path). */
int pare_image_lock_load(struct pare_image_lock *l, const char *path, struct pare_error *err);

/* Where `pare image lock CONFIG` writes by default: CONFIG with its
 * .yaml/.yml suffix replaced by .lock.json (apko's naming). */
int pare_image_lock_default_path(const char *config_path, char *out, size_t n);

#endif
