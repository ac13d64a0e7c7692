/* Internal to the image builder (build*.c): the state of one
 * architecture's build and the steps that share it. */
#ifndef PARE_IMAGE_BUILD_INT_H
#define PARE_IMAGE_BUILD_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "apk/sign.h"
#include "base/arena.h"
#include "base/rootpath.h"
#include "db/installed.h"
#include "image/baseimage.h"
#include "image/build.h"
#include "image/layer.h"
#include "repo/repo.h"
#include "session/session.h"

/* A binary to copy into the image. */
struct pib_binary {
	const char *src;  /* on the build host */
	const char *dest; /* absolute in the image */
	const char *package; /* owner of dest in a repository's CONTENTS: installed, not copied */
};

/* A so: need of a binary (for the world and for messages). */
struct pib_need {
	const char *atom; /* "so:libc.so.6" */
	const char *file; /* the binary's host path (a runtime need: its reason) */
	bool prunable;    /* a runtime need --prune=trace may still prune below
			   * the package (the entrypoint's program: the tests run it) */
};

/* Per installed package: what the SBOM and the shares need. */
struct pib_pkg {
	const struct pare_pkgent *ent;
	char sha256[65]; /* of the .apk file */
	const char *source[3]; /* import-deb's purl, debian_package, debian_version
				* (arena), or NULL */
};

/* Ownership: everything in the arena or owned as noted; released by
 * pib_arch_release(). */
struct pib_arch {
	const struct pare_image_build_opts *o;
	const struct pare_image_config *cfg;
	struct pare_image_build_result *res;
	struct pare_image_build_image *img;
	struct pare_arena arena;
	const char *root_path;      /* absolute staging root (arena) */
	struct pare_root root;
	bool root_open;
	/* The staging root's session (session/session.h): lock, database,
	 * keys, repositories, universe; the installer commits through it. */
	struct pare_session s;
	bool s_open;
	struct pare_universe *u;    /* &s.u; moved to res on a SOLVE failure */
	struct pare_db_installed *db; /* &s.db */
	const struct pare_pkgent **excluded; /* filtered by the policy (malloc) */
	size_t nexcluded, excluded_cap;
	bool excluded_oom;
	struct pare_sdep *world;    /* malloc */
	size_t nworld;
	const char **world_atoms;   /* texts, for etc/apk/world (arena) */
	struct pib_binary *bins;    /* arena */
	size_t nbins;
	struct pib_need *needs;     /* arena */
	size_t nneeds;
	struct pare_solution sol;
	struct pib_pkg *pkgs;       /* installed, in order (malloc) */
	size_t npkgs;
	struct pare_layer_table table;
	struct pare_baseimage *base; /* contents.baseimage (malloc), or NULL */
};

/* build_base.c: contents.baseimage (image/baseimage.h).  pib_base_unpack:
 * open the base for the arch, unpack it into the staging root, read its
 * installed packages (a->base set).  pib_base_layers: copy the base's
 * blobs into l and make *layers = base layers + top (arena), img merged
 * with the base's config. */
int pib_base_unpack(struct pib_arch *a, struct pare_error *err);
int pib_base_layers(const struct pare_baseimage *b, struct pare_oci_layout *l,
		    const struct pare_oci_layer *top, const struct pare_image_config *cfg,
		    struct pare_arena *arena, struct pare_oci_image *img,
		    struct pare_oci_layer **layers, size_t *nlayers, struct pare_error *err);
void pib_base_release(struct pib_arch *a);

/* build_contents.c: set bins[].package from the repositories' contents
 * indexes. */
int pib_contents_owners(struct pib_arch *a, struct pare_error *err);
/* The package owning path (leading '/' optional) in a local repository's
 * CONTENTS (arena), or NULL. */
const char *pib_contents_owner(struct pib_arch *a, const char *path);

/* Add a problem line to the result (bounded). */
int pib_problem(struct pare_image_build_result *res, struct pare_error *err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* build_install.c: install the solution's packages into the root through
 * the transaction layer (scripts only with run_scripts), write
 * lib/apk/db/installed, fill a->pkgs and the layer table's package
 * entries. */
int pib_install(struct pib_arch *a, struct pare_error *err);

/* build_root.c: the root step's inputs -- what it reads, and the two
 * things it changes: the files under root and owners/modes in table. */
struct pib_root_in {
	const struct pare_image_config *cfg; /* accounts, repositories, paths */
	const char *os_version;              /* NULL: "0" */
	const char *arch;                    /* apk architecture: etc/apk/arch */
	struct pare_root *root;
	struct pare_arena *arena;            /* files read back (pib_read_small) */
	struct pare_layer_table *table;
	const struct pare_db_installed *db;  /* a binary may not replace a package's file */
	const char *const *world_atoms;      /* etc/apk/world */
	size_t nworld;
	const struct pib_binary *bins;
	size_t nbins;
};
int pib_write_accounts(const struct pib_root_in *in, struct pare_error *err);
int pib_write_os_release(const struct pib_root_in *in, struct pare_error *err);
int pib_write_apk_files(const struct pib_root_in *in, struct pare_error *err);
int pib_copy_binaries(const struct pib_root_in *in, struct pare_error *err);
int pib_apply_paths(const struct pib_root_in *in, struct pare_error *err);
/* Write a whole file inside the root (parents created 0755), mode exact. */
int pib_write_file(struct pare_root *root, const char *path, const void *p, size_t n,
		   uint32_t mode, struct pare_error *err);
/* Read a small file inside the root into a NUL-terminated arena string;
 * -ENOENT when absent. */
int pib_read_small(struct pare_root *root, struct pare_arena *arena, const char *path, size_t max,
		   char **out, size_t *len, struct pare_error *err);

/* build_install.c: the verified local path of e's package file (a local
 * repository's file in place, else the cache's copy). */
int pib_package_file(struct pib_arch *a, const struct pare_pkgent *e, char *path, size_t n,
		     struct pare_error *err);

/* lock_step.c: after the solve, hold it to opts.lock_in and/or record it
 * into res->lock (opts.lock_path); pib_lock_write renders res->lock. */
int pib_lock_step(struct pib_arch *a, struct pare_error *err);
int pib_lock_write(const struct pare_image_build_opts *o, const struct pare_image_config *cfg,
		   struct pare_image_build_result *res, struct pare_error *err);

/* build_check.c: the so: needs of the binaries (into a->needs) */
int pib_binary_needs(struct pib_arch *a, struct pare_error *err);
/* The check step's inputs (loader check, shares): the installed root,
 * read only, and where the findings go. */
struct pib_check_in {
	const struct pare_root *root;        /* walked */
	const char *root_path;               /* for the static loader */
	const struct pare_log *log;
	const struct pare_db_installed *db;  /* shares: each package's files */
	struct pare_image_build_image *img;  /* arch; receives the shares */
	struct pare_image_build_result *res; /* problems, failure, the shares' arena */
};
/* build.c: the check step's inputs from an architecture's state */
struct pib_check_in pib_check_inputs(struct pib_arch *a);
int pib_loader_check(const struct pib_check_in *in, struct pare_error *err);
int pib_shares(const struct pib_check_in *in, struct pare_error *err);

/* Runtime needs DT_NEEDED does not show (base layout, locales, tzdata, CA
 * bundle), added to the needs with their reasons (needs.c).  The step takes
 * the whole architecture state: the rules after the solve (needs_conf.c)
 * read the solution's packages through the session and report to the
 * result. */
int pib_runtime_needs(struct pib_arch *a, struct pare_error *err);
/* After the solve: runtime needs that only the solution shows (a TLS
 * library pulled in as a dependency needs the CA bundle).  Returns 1 when
 * a need was added and the caller must solve again, 0 when none. */
int pib_runtime_needs_solved(struct pib_arch *a, struct pare_error *err);

/* build_prune.c: --prune=trace (image/prune.h) after the install, before
 * the layer: trace the tests, remove what nothing needs, run the tests on
 * the pruned root, and put everything back when one fails. */
int pib_prune(struct pib_arch *a, struct pare_error *err);
/* build.c: remove path when the result is released. */
int pib_keep_temp(struct pare_image_build_result *res, const char *path);

#endif
