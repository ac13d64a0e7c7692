/* pare image build: from an apko configuration to a verified, reproducible
 * OCI image.  The orchestration only; nothing here prints.
 *
 * Per architecture (the config's archs, else opts.arch, else the host's):
 *   1. a staging root (opts.staging_dir/ARCH when given and kept, else a
 *      mkdtemp directory removed at release); the keyring (paths, or
 *      http(s) URLs fetched with io/http.h) is copied to etc/apk/keys
 *      there and is the only trust anchor; the repositories (the config's
 *      `repositories` and `build_repositories`; paths, file://, http(s)://,
 *      "@tag URL") are loaded with repo/repo.h: signed indexes only, unless
 *      allow_untrusted.
 *   2. strip-down: every binary (contents.binaries and opts.binaries,
 *      "FILE[:DEST]", DEST defaulting to /usr/bin/BASENAME) is parsed as
 *      ELF; its DT_NEEDED names and its interpreter's basename become
 *      `so:NAME` world atoms, as SCA derives package depends.
 *      Policy: packages named *-dev -doc -dbg -static -lang -openrc
 *      -bash-completion -zsh-completion -fish-completion are not added to
 *      the universe at all (filtering providers before the solve, so the
 *      solver can never pick them, not even through install_if or as the
 *      best provider of a so: name), unless a contents.packages atom names
 *      them.  When the solve then fails on a name that only a filtered
 *      package provides, the failure is PARE_IMAGE_BUILD_EXCLUDED and the
 *      problem lines name that package and who needed it (a binary's file,
 *      a package, or the config).
 *   3. the solve (solver/solver.h, apk's semantics); no solution is
 *      PARE_IMAGE_BUILD_SOLVE with the universe and solution kept in the
 *      result for the caller to explain as apk does.
 *   4. install in the solver's order through the transaction layer
 *      (commit/transaction.h, the installer `pare add` uses): each
 *      package read in place from a local repository or from the
 *      verified cache, read once (signature or signed index entry,
 *      identity, datahash, each file's checksum) while staging its files,
 *      renamed into place only after it verified; owners applied when
 *      running as root and always recorded in lib/apk/db/installed.
 *      Scripts run only with run_scripts (apko runs none), in the
 *      transaction layer's sandbox chrooted into the staging root; a
 *      failing script fails the build.  Then generated
 *      files: etc/passwd and etc/group (entries from packages kept, root
 *      always, the config's accounts added), etc/os-release (kept when a
 *      package has one, else ID=pare and VERSION_ID=opts.os_version),
 *      etc/apk/world, etc/apk/repositories (runtime repositories),
 *      etc/apk/arch, the binaries, and the config's paths.
 *   5. verify: every ELF executable and shared object in the root is
 *      resolved by the static loader (elf/loader.h) inside the root; any
 *      missing object, version or wrong class/machine is
 *      PARE_IMAGE_BUILD_LOADER with one problem line each.
 *   6. write: one layer (sorted, mtimes = source_date_epoch, owners and
 *      modes from the installed database through a layer override table,
 *      so the image is right even when built without root), the image
 *      config and manifest into the OCI layout at out_dir.
 * Then index.json (an image index when there are several archs), the
 * docker archive (first arch) when asked, and the SBOM of each image.
 *
 * Determinism: the same config, packages and epoch give the same bytes.
 *
 * Errors: a negative return with err set.  For SOLVE, EXCLUDED and LOADER
 * the return is -PARE_E_NOT_FOUND / -PARE_E_INTEGRITY and res->failure,
 * res->failed_arch and the problem lines say more.
 *
 * Ownership: the result owns everything it points to (its arena, the
 * universe and solution of a SOLVE failure) until
 * pare_image_build_result_release() (the universe, world and solution of a
 * SOLVE failure too); the options are only read during
 * the call.
 */
#ifndef PARE_IMAGE_BUILD_H
#define PARE_IMAGE_BUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/error.h"
#include "base/log.h"
#include "base/progress.h"
#include "image/config.h"
#include "image/lock.h"
#include "image/oci.h"
#include "io/http.h"
#include "solver/solver.h"
#include "solver/universe.h"

#define PARE_IMAGE_BUILD_MAX_ARCHS 16
#define PARE_IMAGE_BUILD_MAX_BINARIES 256
#define PARE_IMAGE_BUILD_MAX_PROBLEMS 1000
#define PARE_IMAGE_BUILD_MAX_KEY (64u * 1024u) /* one public key file */
#define PARE_IMAGE_BUILD_MAX_BINARY (1ULL << 30) /* one binary to copy */

struct pare_image_build_opts {
	const char *config_path;    /* required */
	const char *out_dir;        /* required: the OCI layout directory */
	const char *docker_archive; /* NULL: none */
	const char *repo_tag;       /* docker archive RepoTags entry; NULL: none */
	const char *tag;            /* ref name in index.json; NULL: none */
	const char *sbom_path;      /* NULL: OUT/sbom.spdx.json (several archs:
				     * OUT/sbom-ARCH.spdx.json each); given:
				     * that file, for the first arch */
	int sbom_format;            /* enum pare_sbom_format: SPDX (default; files
				     * *.spdx.json) or CycloneDX (*.cdx.json) */
	const char *lock_path;      /* write apko's lock file (image/lock.h) here and
				     * stop after the solve: no image, out_dir unused */
	bool resolve_only;          /* stop after the solve with what it chose in
				     * res->lock (no file reads, no image) */
	const char *lock_in;        /* a lock file: refuse a solve that differs
				     * from it in any package, version or identity */
	const char *arch;           /* when the config has no archs; NULL: host */
	const struct pare_image_binary *binaries; /* added to contents.binaries */
	size_t nbinaries;
	bool run_scripts;
	bool allow_untrusted;
	const char *cache_dir;      /* package cache; NULL: a temporary one */
	const char *staging_dir;    /* NULL: temporary roots, removed; else
				     * STAGING/ARCH, kept (must not exist or be empty) */
	const char *tmp_dir;        /* NULL: $TMPDIR or /tmp */
	int64_t source_date_epoch;  /* < 0: 0 */
	int level;                  /* gzip level; 0: the layer default */
	const char *os_version;     /* VERSION_ID of a generated os-release; NULL: "0" */
	const char *tool;           /* SBOM creator ("pare 0.1.0"); NULL: "pare" */
	bool prune_trace;           /* --prune=trace (also the config's prune: trace) */
	bool no_prune;              /* --prune=none: overrides the config */
	/* Called per architecture once its layer, config and manifest are
	 * written and before index.json (so a failure leaves no image): the
	 * staged root and the config (pare inspect, the config's tests).  A
	 * negative return fails the build with err.  NULL: none. */
	int (*verify)(void *ctx, const char *root, const struct pare_image_config *cfg,
		      const struct pare_image_arch *arch, struct pare_error *err);
	void *verify_ctx;
	const struct pare_http_opts *http; /* NULL: defaults */
	const struct pare_log *log;        /* progress lines; may be NULL */
	const struct pare_progress *progress;
};

enum pare_image_build_failure {
	PARE_IMAGE_BUILD_OK = 0,
	PARE_IMAGE_BUILD_FAILED,   /* any other error: see err */
	PARE_IMAGE_BUILD_SOLVE,    /* no solution: universe + solution kept */
	PARE_IMAGE_BUILD_EXCLUDED, /* a need only an excluded subpackage meets */
	PARE_IMAGE_BUILD_LOADER,   /* an ELF file does not resolve in the root */
};

/* One package's share of an image: the bytes of the regular files it
 * installed (each inode once).  name "(other)": files no package owns
 * (generated files, binaries). */
struct pare_image_build_share {
	const char *name, *version;
	uint64_t bytes;
	uint64_t files;
};

/* --prune=trace (image/prune.h): what was removed, per package. */
#define PARE_IMAGE_PRUNE_TOP 10
struct pare_image_build_prune_pkg {
	const char *name;              /* "" : files no package owns */
	uint64_t kept_bytes, removed_bytes;
	size_t kept_files, removed_files;
	const char *top[PARE_IMAGE_PRUNE_TOP]; /* largest removed files */
	uint64_t top_bytes[PARE_IMAGE_PRUNE_TOP];
	size_t ntop;
	const char **removed;          /* every removed path, sorted (for the SBOM) */
};

struct pare_image_build_prune {
	bool kept;                     /* the pruned root passed its tests and is the image */
	bool tests_done;               /* the final root already passed the tests */
	size_t tests_run;
	uint64_t bytes_before, bytes_after;
	size_t files_before, files_after;
	size_t traced, by_rule, by_elf, by_link; /* kept files by first reason */
	struct pare_image_build_prune_pkg *pkgs; /* removed bytes desc */
	size_t npkgs;
	const char *failed_test;       /* !kept: the test that failed on the pruned root */
	const char *missing_file;      /* !kept: the removed file it names, or NULL */
};

/* A package the runtime-needs rules added (image/needs.c), and why. */
struct pare_image_build_need {
	const char *package, *reason;
};

struct pare_image_build_image {
	struct pare_image_arch arch;
	struct pare_image_build_need *needs; /* runtime needs, in the order added */
	size_t nneeds;
	struct pare_image_build_prune *prune; /* NULL: not pruned */
	const char *root;        /* the staging root (gone after release unless kept) */
	struct pare_oci_desc manifest;
	struct pare_oci_layer layer;
	uint64_t tar_size;       /* uncompressed layer */
	uint64_t content_bytes;  /* regular file bytes in the root (shares' total) */
	uint64_t image_size;     /* layer + manifest bytes (compressed, as pulled) */
	size_t npkgs;
	struct pare_image_build_share *shares; /* sorted: bytes desc, then name */
	size_t nshares;
	const char *sbom_path;   /* NULL: none written */
};

struct pare_image_build_result {
	struct pare_arena arena;
	enum pare_image_build_failure failure;
	const char *failed_arch;        /* apk name, for the failures above */
	const char **problems;          /* EXCLUDED, LOADER: one line each */
	size_t nproblems;
	struct pare_universe *universe; /* SOLVE: for the explanation */
	struct pare_solution solution;  /* SOLVE */
	struct pare_sdep *world;        /* SOLVE: the atoms its reasons point to */
	struct pare_image_build_image images[PARE_IMAGE_BUILD_MAX_ARCHS];
	size_t nimages;
	struct pare_oci_desc top;       /* what index.json points at */
	struct pare_image_lock *lock;   /* lock_path: what was recorded (internal) */
	struct pare_image_lock *lock_in; /* lock_in: as read (internal) */
	char **temp_roots;              /* removed at release (internal) */
	size_t ntemp_roots;
};

void pare_image_build_result_init(struct pare_image_build_result *res);
void pare_image_build_result_release(struct pare_image_build_result *res);

int pare_image_build(const struct pare_image_build_opts *o, struct pare_image_build_result *res,
		     struct pare_error *err);

/* Is this package name kept out of images unless named (the policy above)?
 * Returns the matching suffix ("-dev") or NULL. */
const char *pare_image_excluded_suffix(struct pare_slice name);

#endif
