/* Set-up shared by the repository applets (update, search, info, policy,
 * fetch, list): keys, repositories from the global options, loaded
 * indexes, and queries over them.
 *
 * Timeouts for tests and slow links come from the environment (the CLI
 * reads it, the library does not): PARE_HTTP_TIMEOUT (seconds without
 * progress, apk's --timeout; default 60), PARE_HTTP_CONNECT_TIMEOUT_MS
 * (15000), PARE_HTTP_RETRIES (2), PARE_HTTP_RETRY_DELAY_MS (1000),
 * PARE_HTTP_MAX_TIME_MS (0: the library's deadline); --timeout SECONDS wins
 * over it. */
#ifndef PARE_CLI_REPOS_H
#define PARE_CLI_REPOS_H

#include <jansson.h>

#include "cli/common.h"
#include "repo/repo.h"

/* One option-table entry with designated fields (hidden stays false). */
#define PARE_CLI_OPT(l, s, a, n, i, h)                                              \
	{ .long_name = (l), .short_name = (s), .arg = (a), .arg_name = (n), .id = (i), \
	  .help = (h) }

struct pare_cli_repos {
	struct pare_cli_keys keys;
	struct pare_repos repos;
	int unavailable, stale;
	int refused; /* repositories whose index signature was refused */
};

/* The repository configuration of the global options (-X, --arch, cache,
 * timeouts from the environment); keys are not set. */
void pare_cli_repo_config(struct pare_cli *cli, struct pare_repo_config *cfg);

/* Open keys and repositories and load the indexes (refresh: pare
 * update).  Failing repositories are reported (as ERROR lines when
 * refresh, else WARNING lines) and counted; an untrusted one adds the keys
 * hint.  Queries (search, info, list) exit 1 when one was refused, as apk.  Returns 0, or a negative code
 * after printing why (the caller exits 1).  Always release with
 * pare_cli_repos_close(). */
int pare_cli_repos_open(struct pare_cli *cli, struct pare_cli_repos *cr, bool refresh);
/* Same; lazy_deps: the entries' dependency lists stay text (repo.h's
 * lazy_deps), for an applet that reads none of them (search). */
int pare_cli_repos_open_lists(struct pare_cli *cli, struct pare_cli_repos *cr, bool refresh,
			      bool lazy_deps);
void pare_cli_repos_close(struct pare_cli_repos *cr);

/* The total_timeout_ms for struct pare_http_opts from --timeout (or
 * PARE_HTTP_MAX_TIME_MS): 0 the library's default, -1 none. */
long pare_cli_http_deadline_ms(const struct pare_cli *cli);
/* The script_timeout for struct pare_txn_opts from --script-timeout: 0
 * the library's default, -1 none. */
int pare_cli_script_timeout(const struct pare_cli *cli);

/* All entries of every loaded index, sorted by name, ascending version,
 * then repository order; with dedupe the same package (identity) from
 * several repositories appears once.  *out is malloc'ed (free it);
 * pointers are into the indexes. */
int pare_cli_repos_sorted(const struct pare_repos *rs, bool dedupe,
			  const struct pare_pkgent ***out, size_t *n);
/* pare_cli_repos_open (no refresh) then pare_cli_repos_sorted, the error
 * printed; close cr afterwards either way.  For list, search, policy. */
int pare_cli_repos_open_sorted(struct pare_cli *cli, struct pare_cli_repos *cr, bool dedupe,
			       const struct pare_pkgent ***out, size_t *n);
/* Same, of the entries keep() accepts (sorting only those). */
int pare_cli_repos_sorted_if(const struct pare_repos *rs, bool dedupe,
			     bool (*keep)(void *ctx, const struct pare_pkgent *e), void *ctx,
			     const struct pare_pkgent ***out, size_t *n);

/* The entry to use for name: the highest version from an untagged
 * repository, else from any; NULL when there is none. */
const struct pare_pkgent *pare_cli_repos_best(const struct pare_repos *rs,
					      struct pare_slice name);

/* An index entry as a JSON object (name, version, arch, origin, license,
 * description, url, size, installedSize) for --json. */
json_t *pare_cli_pkgent_json(const struct pare_pkgent *e);

/* "1234 KiB" as apk prints sizes. */
void pare_cli_human_size(uint64_t size, char *out, size_t n);

#endif
