/* Committing a change set to a root: the installer.
 *
 * pare_txn_commit() applies changes (in the order given: dependencies
 * first, as the solver orders them) to a root whose database the caller
 * has read and locked (db/lock.h: the lock must be held for the whole
 * call).  The transaction layer knows index entries (apk/index.h), never
 * the solver: the caller maps its change set to struct pare_txn_change.
 *
 * Per package installed (INSTALL UPGRADE DOWNGRADE REPLACE REINSTALL):
 *   1. the package file: change->pkg_path, else a verified copy from the
 *      repositories (pare_repos_cache_pkg: size and C: checked);
 *   2. one streaming read (pare_pkg_read) that verifies the signature, the
 *      identity against the entry's C:, the datahash (which covers every
 *      file; a package without one has each file's checksum checked)
 *      while each data entry is checked and staged under a
 *      temporary name or none (commit/extract.h).  Checks per entry: a file owned
 *      by another installed package is refused unless the new package
 *      replaces it (r:), both have the same origin, the owner leaves in
 *      this transaction, or force_overwrite; a path that passes through a
 *      symlink owned by a package is refused unless that package also
 *      lists the directory the symlink leads to (merged-/usr layouts) --
 *      and conflicts are then checked on the path the file really lands
 *      on, so a symlink can never redirect a file onto another package's;
 *      a file under etc/ that exists on disk with content that is neither
 *      the old version's (db Z:) nor the new one is kept and the new file
 *      goes to NAME.apk-new;
 *   3. .pre-install / .pre-upgrade (only after the whole package verified);
 *      a failure abandons the package (temporaries removed);
 *   4. renames into place (pare_extract_commit);
 *   5. the database in memory: the old record goes, the new one (files with
 *      modes, owners and checksums from the tar entries) comes;
 *   6. when the change deletes or takes over files (an upgrade, a
 *      replacement, a takeover): one journal entry (see Convergence) with
 *      the new record and the paths of the old version the new one lacks
 *      is appended and fdatasync'ed (scripts.tar / triggers are written
 *      when they changed), then those files are deleted and directories
 *      no package lists any more are removed when empty;
 *   7. .post-install / .post-upgrade.
 * Per package removed (REMOVE): .pre-deinstall, record dropped, a journal
 * entry naming it and the paths to delete, files deleted (modified etc/
 * files kept, paths another package lists kept), .post-deinstall.
 * RETAG only updates the repository tag (s:).
 *
 * A failing script marks the package as apk does (f: gets 's') and counts
 * an error; `pare fix` reinstalls it, which runs the scripts again.  A
 * failing package is an error and the transaction goes on with the next
 * change (apk's behaviour); the result counts errors.
 *
 * Triggers: after the last change, each installed package whose trigger
 * globs (lib/apk/db/triggers) match a directory where files were added or
 * removed runs its .trigger script with the matched directories ("/usr/bin")
 * as arguments.
 *
 * Convergence: lib/apk/db/installed is written once, at the end (after
 * one syncfs of the root's filesystem).  Until then the journal,
 * PARE_TXN_JOURNAL_PATH (journal.c has the format), says what changed: a
 * fresh install adds nothing (its files are unowned until the database
 * lists them, which the database may always omit); a change that deletes
 * or takes over files appends an entry with its new record (or the name
 * it removes) and the paths about to be deleted, and makes it durable
 * before the first deletion.  A package's files are all in place
 * (renamed) before an entry lists them.  The journal is removed after the
 * final database write.  pare_txn_recover() (called under the lock before
 * anything is planned, and by pare_txn_commit itself) finds a journal
 * left by a killed run, replays its complete entries onto the database
 * read from disk, deletes the listed paths no package owns (etc/ files
 * excepted), sweeps stale temporary names (".apk.<hex>",
 * ".NAME.pare-<hex>") out of every directory the database lists,
 * lib/apk/db, etc/apk and the script directory, writes the database and
 * removes the journal.  So after a kill -9 at any moment the recovered
 * database describes a subset of the disk (plus unowned files), and the
 * same request run again converges.  Installed packages' directories are
 * also swept of temporaries after each install.
 *
 * Scripts run in a child: a new mount namespace (and, when not root, a
 * new user namespace mapping the caller to root), chroot to the root,
 * cwd "/", stdin /dev/null, environment PATH=/usr/sbin:/usr/bin:/sbin:/bin
 * only; their output goes to the log, line by line.  The script is written
 * to var/cache/misc/ inside the root for the run (as apk does) and removed.
 *
 * Ownership: nothing passed in is kept after the call.  db, world, scripts
 * and triggers are updated in memory and written to the root.
 */
#ifndef PARE_COMMIT_TRANSACTION_H
#define PARE_COMMIT_TRANSACTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "apk/index.h"
#include "apk/sign.h"
#include "base/error.h"
#include "base/log.h"
#include "base/progress.h"
#include "base/rootpath.h"
#include "commit/extract.h"
#include "db/installed.h"
#include "db/scripts.h"
#include "db/triggers.h"
#include "db/world.h"

struct pare_repos;

#define PARE_TXN_JOURNAL_PATH "lib/apk/db/.pare-journal"
#define PARE_TXN_SCRIPT_DIR "var/cache/misc"
#define PARE_TXN_SCRIPT_PATH "/usr/sbin:/usr/bin:/sbin:/bin"
#define PARE_TXN_SCRIPT_TIMEOUT 300 /* seconds a script may run by default */

enum pare_txn_kind {
	PARE_TXN_INSTALL = 0,
	PARE_TXN_UPGRADE,
	PARE_TXN_DOWNGRADE,
	PARE_TXN_REPLACE,
	PARE_TXN_REINSTALL,
	PARE_TXN_RETAG,
	PARE_TXN_REMOVE,
};

/* One change.  old_ent: the installed package (by name in db; required
 * for every kind but INSTALL).  new_ent: the package to install (NULL for
 * REMOVE), an index entry with name, version and preferably identity C:.
 * pkg_path: a local package file for new_ent, or NULL to obtain it from
 * opts->repos (new_ent->repo names the repository).  index_verified: new_ent
 * comes from a signature-verified index, so a package whose identity
 * equals its C: is trusted without a package signature (as apk).
 * repo_tag: the tag of the repository ("" untagged), recorded as s:. */
struct pare_txn_change {
	enum pare_txn_kind kind;
	const struct pare_pkgent *old_ent;
	const struct pare_pkgent *new_ent;
	const char *pkg_path;
	bool index_verified;
	struct pare_slice repo_tag;
};

/* Called before each change is applied ("(1/2) Installing b (2)"). */
typedef void (*pare_txn_change_fn)(void *ctx, size_t i, size_t n,
				   const struct pare_txn_change *c);

struct pare_txn_opts {
	struct pare_root *root;          /* borrowed; the database lock is held */
	struct pare_repos *repos;        /* NULL: every change needs pkg_path */
	struct pare_keyring *keys;       /* trusted keys (NULL: none) */
	bool allow_untrusted;
	bool no_scripts;
	int script_timeout;              /* seconds per script; 0: PARE_TXN_SCRIPT_TIMEOUT,
					  * < 0: none */
	bool force_overwrite;
	bool simulate;                   /* call on_change only; change nothing */
	enum pare_extract_owners owners; /* AUTO: apply owners only as root */
	const struct pare_log *log;
	const struct pare_progress *progress; /* bytes of installed size */
	pare_txn_change_fn on_change;
	void *ctx;
};

struct pare_txn_result {
	unsigned errors;          /* failed packages + failed scripts */
	unsigned script_errors;
	size_t done;              /* changes applied */
	size_t npkgs;             /* installed packages afterwards */
	uint64_t installed_size;  /* sum of their I: */
	uint64_t files, dirs;     /* files and directories they list */
	uint64_t apk_new;         /* .apk-new files written */
	uint64_t swept;           /* stale temporaries removed */
};

/* Apply changes[0..n).  Returns 0 when everything was applied (res->errors
 * may still count failed scripts), or the code of the first failure
 * (err holds its message; later failures are logged) after going through
 * every change and writing the databases.  world (may be NULL: left as it
 * is), the installed database, scripts.tar and triggers are written at
 * the end. */
int pare_txn_commit(const struct pare_txn_opts *o, struct pare_db_installed *db,
		    struct pare_world *world, struct pare_db_scripts *scripts,
		    struct pare_db_triggers *triggers, const struct pare_txn_change *changes,
		    size_t n, struct pare_txn_result *res, struct pare_error *err);

/* Finish what a killed transaction left (see Convergence) on db, scripts
 * and triggers, read from root under the lock: 1 when a journal was found
 * and replayed (the databases are then written and the journal removed),
 * 0 when there was none, or a negative code (the journal stays). */
int pare_txn_recover(struct pare_root *root, struct pare_db_installed *db,
		     struct pare_db_scripts *scripts, struct pare_db_triggers *triggers,
		     const struct pare_log *log, struct pare_error *err);

/* Totals of the database (npkgs, installed_size, files, dirs). */
void pare_txn_db_totals(const struct pare_db_installed *db, struct pare_txn_result *res);

/* ---- scripts (scripts.c) */

/* Run a script (body) inside the root as described above, with argv[1..]
 * = args.  label ("b-2.post-install") is used for messages and prefixes
 * nothing: output lines go to log at INFO level.  Returns 0 when the
 * script exited 0, 1 when it ran and failed (err: "exited with status 3",
 * "killed by signal 9"), or a negative code when it could not run (err:
 * the interpreter is missing in the root, namespaces are not allowed).
 * The script runs in its own process group; when it (or anything it
 * started and left holding its output) still runs after timeout_s seconds
 * (0: PARE_TXN_SCRIPT_TIMEOUT; < 0: no limit) the whole group is killed
 * and 1 is returned (err: "still running after N s"). */
int pare_txn_run_script(struct pare_root *root, const char *label, struct pare_slice body,
			const char *const *args, size_t nargs, int timeout_s,
			const struct pare_log *log, struct pare_error *err);

/* ---- triggers (triggers.c) */

/* Does the trigger glob (as in lib/apk/db/triggers, "/usr/share/fonts/ *" without the blank)
 * match the directory dir ("usr/share/fonts/misc", no leading '/')? */
bool pare_txn_trigger_match(struct pare_slice glob, struct pare_slice dir);

#endif
