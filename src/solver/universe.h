/* The package universe the solver works on: interned names and versions,
 * packages, repositories and their tags.  No I/O and no file formats: the
 * caller (the CLI, the image builder) reads indexes and the installed
 * database and adds what they describe here.
 *
 * Identity: a package is identified by its identity hash (the index `C:`
 * field, decoded to bytes).  Adding a package whose identity is already
 * known does not create a second package: the existing one (the first
 * added) gains the repository, or the installed mark, as apk merges the
 * same package seen in several places.  A package without identity is
 * keyed by name and version instead.
 *
 * Ownership: the universe owns everything reachable from it (names,
 * packages, dependency arrays, strings), in its arena or in arrays it
 * frees in pare_universe_release().  Pointers to names and packages stay
 * valid until the release.  Nothing here keeps pointers into the caller's
 * input: every slice handed in is copied.
 *
 * Invariants (after pare_universe_finalize()): names[i]->id == i,
 * pkgs[i]->id == i; every name's `claims` lists each package that owns the
 * name (its own packages, and versioned provides) at most once per
 * package; `uprov` lists unversioned providers; `rdeps` lists the names of
 * packages that depend on (or conflict with) the name, in the order those
 * dependencies were first added; `riif` lists the packages with an
 * install_if atom on the name.
 */
#ifndef PARE_SOLVER_UNIVERSE_H
#define PARE_SOLVER_UNIVERSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "apk/dep.h"
#include "base/arena.h"
#include "base/error.h"
#include "base/hashmap.h"
#include "base/slice.h"

#define PARE_SOLVER_MAX_REPOS 63 /* repository bits in a uint64_t */
#define PARE_SOLVER_MAX_TAGS 63  /* tag 0 is "untagged" */
#define PARE_SOLVER_MAX_IDENTITY 32 /* SHA-256: apk checksums are Q1 (SHA-1) or Q2 */

struct pare_sname;
struct pare_spkg;

/* An interned dependency atom. */
struct pare_sdep {
	struct pare_sname *name;
	struct pare_slice version; /* interned; empty when unversioned */
	unsigned op;               /* PARE_VERSION_* mask; ANY when unversioned */
	bool conflict;             /* "!name" */
	bool checksum;             /* "name><Q1...": version holds the identity text */
	uint8_t tag;               /* world atoms: tag index ("name@tag"), 0 = none */
};

/* A package claiming a name: its own name, or a provide. */
struct pare_sclaim {
	struct pare_spkg *pkg;
	struct pare_slice version; /* the provided version (pkg version for own name) */
};

struct pare_svec {
	void **v;
	uint32_t n, cap;
};

struct pare_sname {
	struct pare_slice str; /* interned, NUL-terminated */
	uint32_t id;
	struct pare_svec own;    /* struct pare_spkg *: packages called this */
	struct pare_sclaim *claims; /* own packages and versioned providers */
	uint32_t nclaims, claims_cap;
	struct pare_svec uprov;  /* struct pare_spkg *: unversioned providers */
	struct pare_svec rdeps;  /* struct pare_sname *: names that depend on this one */
	struct pare_svec riif;   /* struct pare_spkg *: install_if mentions this name */
};

enum pare_spkg_flags {
	PARE_SPKG_BROKEN = 1 << 0,       /* a field did not parse: never installable */
	PARE_SPKG_HAS_PRIORITY = 1 << 1, /* provider_priority was given */
	PARE_SPKG_INSTALLED = 1 << 2,    /* in the installed database */
	PARE_SPKG_CACHED = 1 << 3,       /* in the local package cache */
};

/* (Members ordered so that no padding is needed: 176 bytes.) */
struct pare_spkg {
	uint32_t id;
	uint32_t ndepends, nprovides, ninstall_if;
	struct pare_sname *name;
	struct pare_slice version; /* interned */
	struct pare_slice arch;    /* interned; may be empty */
	struct pare_sdep *depends, *provides, *install_if;
	struct pare_sname **replaces;
	uint32_t nreplaces;
	unsigned flags;            /* PARE_SPKG_* */
	uint64_t installed_size, size, provider_priority;
	uint64_t repos;            /* bit r: available from repository r */
	uint32_t installed_order;  /* position in the installed database */
	uint32_t nfiles, ndirs;    /* installed files and directories (statistics) */
	uint8_t installed_tag;     /* tag recorded in the installed database */
	uint8_t identity_len;      /* 0: none */
	unsigned char identity[PARE_SOLVER_MAX_IDENTITY];
};

struct pare_srepo {
	uint8_t tag; /* 0: untagged */
	bool remote; /* fetched over the network: masked by no_network */
};

/* A slot of the name and package tables: the key's hash (low 32 bits)
 * and the id + 1 (0: empty).  8 bytes where a map slot takes 24. */
struct pare_id_slot {
	uint32_t hash, id1;
};

struct pare_universe {
	struct pare_arena arena;
	struct pare_id_slot *name_slots; /* name text -> names[id] (open addressing, load
					  * <= 1/2, power-of-two capacity) */
	uint32_t name_slots_cap;
	struct pare_id_slot *pkg_slots;  /* identity (or name and version) -> pkgs[id] */
	uint32_t pkg_slots_cap;
	/* Interned strings (versions, arches): text -> strs[id] (slots as
	 * for names); emptied by the first finalize (later strings are
	 * shared anew). */
	struct pare_id_slot *str_slots;
	uint32_t str_slots_cap;
	struct pare_slice *strs;
	uint32_t nstrs, strs_cap;
	struct pare_sname **names;
	uint32_t nnames, names_cap;
	struct pare_spkg **pkgs;
	uint32_t npkgs, pkgs_cap;
	struct pare_srepo repos[PARE_SOLVER_MAX_REPOS];
	uint32_t nrepos;
	struct pare_slice tags[PARE_SOLVER_MAX_TAGS + 1]; /* tags[0] = "" */
	uint32_t ntags;
	struct pare_slice arch;      /* the root's architecture; empty: any */
	uint32_t ninstalled;
	uint32_t nindexed;           /* packages already in the reverse maps */
	void *rev_block;             /* the first finalize's reverse maps, sized exactly */
	size_t rev_ptrs, rev_claims; /* their sizes, counted as packages are added */
	bool rev_heap;               /* some name's vector may be its own allocation (a
				      * later finalize): release walks the names */
	bool has_broken;             /* some index entry was BROKEN */
};

/* Description of a package to add; every slice is copied. */
struct pare_spkg_desc {
	struct pare_slice name, version, arch;
	const struct pare_dep *depends, *provides, *install_if, *replaces;
	size_t ndepends, nprovides, ninstall_if, nreplaces;
	uint64_t installed_size, size, provider_priority;
	bool has_priority;
	bool broken;                  /* a field did not parse */
	const unsigned char *identity; /* NULL: none */
	size_t identity_len;
	struct pare_slice installed_tag; /* installed db `s:` (without '@') */
	uint32_t nfiles, ndirs;
};

void pare_universe_init(struct pare_universe *u, struct pare_slice arch);
/* Size the package array and the maps for `more` further packages (an
 * index's count) at once, instead of doubling while they are added.
 * -ENOMEM. */
int pare_universe_reserve(struct pare_universe *u, size_t more);
void pare_universe_release(struct pare_universe *u);

/* The interned name for s (created when new); NULL on allocation failure. */
struct pare_sname *pare_universe_name(struct pare_universe *u, struct pare_slice s);
/* The existing name, or NULL. */
struct pare_sname *pare_universe_find_name(const struct pare_universe *u, struct pare_slice s);
/* Tag index for "tag" (without '@'; created when new); -PARE_E_TOO_BIG. */
int pare_universe_tag(struct pare_universe *u, struct pare_slice tag);
/* Add a repository with tag (empty: untagged); returns its index or a
 * negative code (-PARE_E_TOO_BIG past PARE_SOLVER_MAX_REPOS). */
int pare_universe_add_repo(struct pare_universe *u, struct pare_slice tag);

/* Where a package was seen. */
enum pare_spkg_source {
	PARE_SPKG_FROM_REPO = 0,    /* repo: the repository index */
	PARE_SPKG_FROM_INSTALLED,   /* the installed database (installed order kept) */
	PARE_SPKG_FROM_CACHE,       /* the package cache */
};

/* Add (or merge, see the identity rule above) a package.  *out (if not
 * NULL) receives the package.  Returns 0 or a negative code. */
int pare_universe_add(struct pare_universe *u, const struct pare_spkg_desc *d,
		      enum pare_spkg_source src, int repo, struct pare_spkg **out,
		      struct pare_error *err);

/* Intern a dependency atom (a world entry or a request argument); a tag is
 * resolved with pare_universe_tag. */
int pare_universe_dep(struct pare_universe *u, const struct pare_dep *d, struct pare_sdep *out,
		      struct pare_error *err);

/* Build the reverse maps for the packages added since the last call.
 * Call before solving; calling again after more adds is fine.  Merging a
 * source into an already indexed package (same identity) needs no call. */
int pare_universe_finalize(struct pare_universe *u, struct pare_error *err);
/* Empty the table of interned strings (the first finalize does: the
 * strings stay valid, later ones are shared anew). */
void pare_universe_forget_strings(struct pare_universe *u);

/* Helpers on the model. */
bool pare_spkg_arch_ok(const struct pare_universe *u, const struct pare_spkg *p);
/* Does the claim (pkg claiming name at version; version empty for an
 * unversioned provide) satisfy d (positive atom)? */
bool pare_sdep_matches(const struct pare_sdep *d, const struct pare_spkg *p,
		       struct pare_slice version, bool unversioned);
/* Does p satisfy (positive d) or hit (conflict d) the atom, looking at all
 * of p's names?  For a conflict, true when p is one of the packages the
 * atom forbids. */
bool pare_sdep_hits(const struct pare_sdep *d, const struct pare_spkg *p);
/* "name-version" into buf (snprintf rules); the atom text like
 * pare_dep_format (with "@tag" resolved through u). */
int pare_spkg_format(const struct pare_spkg *p, char *buf, size_t size);
int pare_sdep_format(const struct pare_universe *u, const struct pare_sdep *d, char *buf,
		     size_t size);

#endif
