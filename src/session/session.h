/* A database session: everything one run of add/del/upgrade/fix (and the
 * read-only applets) needs from a root, loaded once, in one order, under
 * one lock.  The conceptual anchor is apk-tools' `struct apk_database`
 * (nothing of its code): open, lock, read, solve, commit, release.
 *
 * pare_session_open():
 *   1. opens the root (created with its database directories when
 *      initdb) -- or none (root NULL: only test inputs and -X repositories);
 *   2. when lock is set, TAKES lib/apk/db/lock FIRST (waiting up to
 *      wait_seconds, calling waiting() once), so that nothing read below
 *      can change before the commit: two concurrent runs serialise as a
 *      whole (read-solve-commit), never interleave;
 *   3. reads lib/apk/db/installed and etc/apk/world (and, for a commit or
 *      db_only, scripts.tar and triggers) with the one strict parser of
 *      each (db/), or test_instdb / test_world instead; db_only stops here;
 *   4. opens the trusted keys (keys_dir absolute as given, relative under
 *      the root; a missing directory is "no keys");
 *   5. loads the repositories: test_repos (index files, conformance runs),
 *      (a URL is a remote repository), else the configured ones when
 *      need_repos (repo/repo.h; the per-repository failures stay in
 *      repos.v[i].error for the caller to report; HTTP ones are remote);
 *   6. builds the solver's universe once for the architecture (arch, else
 *      the root's etc/apk/arch, else the host's: pare_repo_arch_resolve):
 *      installed packages, repositories (remembering for each package id
 *      the index entry it came from; skip() may leave entries out; with
 *      --no-network a remote package in the cache counts as cached), the
 *      cache index (test_cache, or
 *      etc/apk/cache/installed when the root is on tmpfs or root_tmpfs is
 *      set, as apk does), and the world as solver atoms.
 * pare_session_commit() maps a solution's change set to index entries and
 * applies it with the transaction layer (commit/transaction.h) and the
 * new world, under the lock taken in step 2.
 *
 * Nothing here prints: errors come back in struct pare_error; repository
 * warnings are left in repos for the caller.
 *
 * Ownership: the session owns the root fd, the lock, the databases, the
 * keyring, the repositories and their indexes, and the universe.  Pointers
 * it hands out (entries, universe objects) live until pare_session_close().
 */
#ifndef PARE_SESSION_SESSION_H
#define PARE_SESSION_SESSION_H

#include <stdbool.h>
#include <stddef.h>

#include "apk/index.h"
#include "apk/sign.h"
#include "base/error.h"
#include "base/rootpath.h"
#include "commit/transaction.h"
#include "db/installed.h"
#include "db/lock.h"
#include "db/scripts.h"
#include "db/triggers.h"
#include "db/world.h"
#include "io/http.h"
#include "repo/repo.h"
#include "solver/solver.h"
#include "solver/universe.h"

struct pare_session_opts {
	const char *root;              /* NULL: no root */
	bool lock;                     /* take the database lock (for a commit) */
	unsigned wait_seconds;         /* --wait */
	bool initdb;                   /* create the root and its database dirs */
	bool create_db;                /* create lib/apk/db (only) for the lock */
	bool db_only;                  /* read-only applets (info, audit, stats): read the
					* installed database, scripts.tar and triggers;
					* no world, keys, repositories or universe */
	void (*waiting)(void *ctx);    /* called once before waiting for the lock */
	void *ctx;
	const char *keys_dir;          /* NULL: etc/apk/keys under the root */
	bool allow_untrusted;
	bool need_repos;               /* load the configured repositories */
	bool solve_only;               /* the caller only solves and prints (a
					* simulation): the repositories' index
					* entries are given back while the universe
					* is built, then dropped (see
					* pare_session_drop_entries) */
	struct pare_repo_config repo;  /* root and keys are filled in by the session */
	/* Leave an index entry out of the universe (image builds keep -dev and
	 * -doc subpackages out unless named); NULL: keep everything. */
	bool (*skip)(void *ctx, const struct pare_pkgent *e);
	void *skip_ctx;
	int root_tmpfs;                /* read etc/apk/cache/installed: 1 yes, -1 no,
					* 0 when the root is on tmpfs (apk's auto) */
	/* Conformance inputs (apk's test options) instead of the root's files. */
	const char *const *test_repos; /* "[@TAG:]FILE" index files, or "[@TAG:]URL":
					* a remote repository (read even with
					* --no-network, as apk reads a cached index) */
	size_t ntest_repos;
	const char *test_instdb, *test_world, *test_cache;
};

struct pare_session {
	struct pare_root root;
	bool root_open;
	struct pare_db_lock lock;
	struct pare_db_installed db;
	struct pare_world world;
	struct pare_db_scripts scripts;
	struct pare_db_triggers triggers;
	struct pare_keyring ring;
	struct pare_keyring *keys;     /* &ring, or NULL: no trusted keys */
	struct pare_repos repos;
	bool repos_open;
	struct pare_index *extra_v;    /* test repositories, the cache index (nextra) */
	size_t nextra;
	struct pare_http http;         /* for test repositories given as URLs */
	bool http_ready;
	struct pare_index local;       /* entries of committed local package files */
	bool allow_untrusted;
	char arch[PARE_REPO_ARCH_MAX];
	struct pare_universe u;
	struct pare_sdep *world_deps;  /* the world as solver atoms (malloc) */
	size_t nworld_deps;
	const struct pare_pkgent **pkg_ent; /* by package id: its repository entry, or NULL */
	size_t npkg_ent;
	const struct pare_spkg *self;  /* the package owning proc/self/exe, if installed */
	const struct pare_sname **failed; /* installed with "f:" (what `fix` fixes) */
	size_t nfailed;
	bool degraded;                 /* an index entry had a provide that did not parse */
};

/* Open (see the top).  s is always initialised: close it even on failure. */
int pare_session_open(struct pare_session *s, const struct pare_session_opts *o,
		      struct pare_error *err);
void pare_session_close(struct pare_session *s);

/* Move the universe out of the session (for a caller that explains a
 * failed solve after closing it): malloc'ed, release it with
 * pare_universe_release() and free(); the session keeps an empty one.
 * NULL when out of memory. */
struct pare_universe *pare_session_take_universe(struct pare_session *s);

/* The index entry a package can be fetched through, or NULL. */
const struct pare_pkgent *pare_session_entry(const struct pare_session *s,
					     const struct pare_spkg *p);

/* Release the repositories' index entries and texts (the universe holds
 * its own copies of what the solver reads): for a caller that only solves
 * and prints, such as a simulation, whose peak memory this lowers by the
 * size of the indexes.  Afterwards pare_session_entry() is NULL for every
 * package and nothing can be committed; the repositories' names and
 * errors stay. */
void pare_session_drop_entries(struct pare_session *s);

/* One change to commit, as the solver (or a list of files) names it. */
struct pare_session_item {
	enum pare_txn_kind kind;
	struct pare_slice old_name;         /* installed package (not INSTALL) */
	struct pare_slice new_name, new_version;
	const unsigned char *new_identity;  /* SHA-1 of the control member, or NULL */
	size_t new_identity_len;
	struct pare_slice new_tag;          /* repository tag, "" untagged */
	const char *pkg_path;               /* a local .apk instead of a repository */
};

struct pare_session_commit_opts {
	bool auto_kinds;            /* pkg_path items: INSTALL becomes UPGRADE etc. when a
				     * package of that name is installed; dropped when it is
				     * the same package (unless reinstall) */
	bool reinstall;
	const char *const *world_set; /* NULL: world kept (or edited below) */
	size_t nworld_set;
	const char *const *world_add; /* atoms added to the world as read */
	size_t nworld_add;
	const char *const *world_del; /* names removed from it */
	size_t nworld_del;
};

/* The items of a solution's change set, in its order (items: nchanges). */
void pare_session_items_from(const struct pare_session *s, const struct pare_solution *sol,
			     struct pare_session_item *items);

/* Commit: each item is mapped to its index entry (new: the entry the
 * package id came from, else found by identity, else name and version; a
 * pkg_path is read) and installed record (old); then the world is edited
 * and pare_txn_commit() runs with the session's root, databases,
 * repositories and keys (the rest of topts as given).  Needs the lock.
 * Returns a negative code when nothing was committed (err says why; res
 * zeroed), else 0 once the transaction ran: res counts its errors (each
 * was logged). */
int pare_session_commit(struct pare_session *s, const struct pare_txn_opts *topts,
			const struct pare_session_commit_opts *co,
			const struct pare_session_item *items, size_t n,
			struct pare_txn_result *res, struct pare_error *err);

#endif
