/* CLI glue for the session (session/session.h) and its commits: build the
 * session's options from the global options, print what goes wrong, the
 * repositories that are unavailable (WARNING lines, as apk), apk's change
 * lines ("(1/2) Installing b (2)"), a progress bar on a terminal, and the
 * summary ("OK: 12 MiB in 25 packages", or "1 error; 12 MiB in 25
 * packages").
 *
 * add/del/upgrade/fix open one session (locked unless --simulate), solve on
 * its universe and commit the solution's items (pare_session_items_from)
 * with the new world within the same session: nothing is read twice and
 * nothing changes between the read and the commit.
 */
#ifndef PARE_CLI_COMMIT_CLI_H
#define PARE_CLI_COMMIT_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "cli/cli.h"
#include "commit/transaction.h"
#include "session/session.h"

struct pare_cli_commit_opts {
	bool no_scripts, force_overwrite;
	bool initdb;                /* create lib/apk/db (and the root) when missing */
	bool no_chown;              /* record owners, do not apply them */
	unsigned wait_seconds;      /* --wait N */
	struct pare_session_commit_opts session; /* kinds and world edits */
};

/* Open the session for this run (lock: for a commit; need_repos: load the
 * configured repositories; solve_only: nothing will be fetched or
 * committed, see pare_session_opts).  Prints why it failed; returns 0 or
 * a negative code.  Close with pare_session_close() in any case. */
int pare_cli_session_open(struct pare_cli *cli, struct pare_session *s, bool lock,
			  bool need_repos, bool solve_only);

/* Commit items in an open, locked session; returns the exit status (0, or 1
 * with every failure printed). */
int pare_cli_session_commit(struct pare_cli *cli, struct pare_session *s,
			    const struct pare_cli_commit_opts *o,
			    const struct pare_session_item *items, size_t n);

/* Open a locked session and commit items (install-files). */
int pare_cli_commit(struct pare_cli *cli, const struct pare_cli_commit_opts *o,
		    const struct pare_session_item *items, size_t n);

/* One apk change line: "(  3/120) Upgrading name (1.0 -> 1.1)" into f.
 * verb is "Installing", "Upgrading", ... (pare_cli_commit_verb). */
void pare_cli_commit_line(FILE *f, size_t i, size_t n, const char *verb, struct pare_slice name,
			  struct pare_slice tag, struct pare_slice old_version,
			  struct pare_slice new_version);
const char *pare_cli_commit_verb(enum pare_txn_kind k);

/* A read-only session on the root named by --root (default "/") for info,
 * audit and stats: the installed database, scripts.tar and triggers, no
 * lock.  Close it with pare_session_close() in any case. */
int pare_cli_session_open_db(struct pare_cli *cli, struct pare_session *s, struct pare_error *err);

#endif
