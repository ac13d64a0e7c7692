/* CLI glue for transactions (commit/transaction.h): lock the root, read
 * its databases, map a change list to index entries, print apk's lines
 * ("(1/2) Installing b (2)"), a progress bar on a terminal, and the
 * summary ("OK: 12 MiB in 25 packages", or "1 error; 12 MiB in 25
 * packages").
 *
 * For add/del/upgrade/fix: after a successful solve (and not --simulate),
 * build one struct pare_cli_commit_item per struct pare_change, in order:
 *   kind      from the change kind (same order of enumerators),
 *   old_name  old_pkg->name->str (NULL slice for INSTALL),
 *   new_name/new_version/new_identity(_len)/new_tag  from new_pkg
 *             (identity and identity_len of the spkg; the tag's text),
 * and the new world as atom texts (world_set), then call
 * pare_cli_commit().  The entry of each new package is found in the
 * repositories by identity (else name and version); the old one in the
 * installed database by name.
 */
#ifndef PARE_CLI_COMMIT_CLI_H
#define PARE_CLI_COMMIT_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "cli/cli.h"
#include "commit/transaction.h"

struct pare_cli_commit_item {
	enum pare_txn_kind kind;
	struct pare_slice old_name;         /* installed package (not INSTALL) */
	struct pare_slice new_name, new_version;
	const unsigned char *new_identity;  /* SHA-1 of the control member, or NULL */
	size_t new_identity_len;
	struct pare_slice new_tag;          /* repository tag, "" untagged */
	const char *pkg_path;               /* a local .apk instead of a repository */
};

struct pare_cli_commit_opts {
	bool no_scripts, force_overwrite;
	bool initdb;                /* create lib/apk/db (and the root) when missing */
	bool no_chown;              /* record owners, do not apply them */
	bool auto_kinds;            /* pkg_path items: INSTALL becomes UPGRADE etc. when a
				     * package of that name is installed; dropped when it is
				     * the same package (unless reinstall) */
	bool reinstall;
	unsigned wait_seconds;      /* --wait N */
	const char *const *world_set; /* NULL: world kept (or edited below) */
	size_t nworld_set;
	const char *const *world_add; /* atoms added to the world as read */
	size_t nworld_add;
	const char *const *world_del; /* names removed from it */
	size_t nworld_del;
};

/* Run the transaction; returns the exit status (0, or 1 with every
 * failure printed). */
int pare_cli_commit(struct pare_cli *cli, const struct pare_cli_commit_opts *o,
		    const struct pare_cli_commit_item *items, size_t n);

/* One apk change line: "(  3/120) Upgrading name (1.0 -> 1.1)" into f.
 * verb is "Installing", "Upgrading", ... (pare_cli_commit_verb). */
void pare_cli_commit_line(FILE *f, size_t i, size_t n, const char *verb, struct pare_slice name,
			  struct pare_slice tag, struct pare_slice old_version,
			  struct pare_slice new_version);
const char *pare_cli_commit_verb(enum pare_txn_kind k);

/* Open the root named by --root (default "/"), for read-only applets
 * (info, audit, stats), which take no lock. */
int pare_cli_open_root(struct pare_cli *cli, struct pare_root *root, struct pare_error *err);

#endif
