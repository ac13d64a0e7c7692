/* Package repositories: configuration, the download cache, refreshing
 * indexes and fetching verified packages.
 *
 * Configuration (as apk-tools has it, see apk-repositories(5)):
 *   - the repositories file: <root>/etc/apk/repositories, or the file named
 *     by --repositories-file (relative to the working directory; it must
 *     exist).  Lines: "# comment", "[v2] [@tag] URL [COMPONENT...]"
 *     (components expand to URL/COMPONENT, one repository each).
 *     "set", "ndx" and "v3" lines are refused as unsupported.
 *   - then each -X/--repository URL, in order (added to the file's list;
 *     a relative path is taken from the working directory).
 *   - a repository is an absolute local path, a file:// URL (both LOCAL) or
 *     an http:// / https:// URL (HTTP).  The same URL twice is one
 *     repository (the first occurrence wins, tag included).
 *   - the architecture: --arch, else the first word of <root>/etc/apk/arch,
 *     else the host's (uname, in apk's names).
 *
 * Layout (apk v2): the index of repository URL is URL/ARCH/APKINDEX.tar.gz,
 * a package is URL/ARCH/NAME-VERSION.apk.
 *
 * Cache (as apk-tools 2.x names its files): --cache-dir (absolute as
 * given, relative under the root) or <root>/etc/apk/cache, created when
 * first written to.  It holds
 *   APKINDEX.<h>.tar.gz   the index of an HTTP repository, <h> = the first
 *                         4 bytes of SHA-1 of the index URL, in hex;
 *   APKINDEX.<h>.etag     the ETag the server sent with it (if any);
 *   NAME-VERSION.<c>.apk  a package, <c> = the first 4 bytes of its
 *                         identity (the C: SHA-1), in hex.
 * An index's mtime is the server's Last-Modified, so a refresh is a
 * conditional GET (If-None-Match with the ETag, If-Modified-Since with the
 * mtime) and an unchanged index is not downloaded again.  Local
 * repositories are read in place and never cached.  With no_cache a private
 * temporary directory stands in for the cache and is removed by
 * pare_repos_release().
 *
 * Nothing half-written: every download goes to a temporary name (O_EXCL)
 * in its destination directory, is verified, and only then renamed into
 * place; any failure removes the temporary file and leaves an older copy
 * intact.  Temporaries a killed run left in the cache (untouched for
 * PARE_REPO_TMP_MAX_AGE seconds) are removed when indexes are loaded.  An index is verified by reading it (signature by a trusted key,
 * or UNTRUSTED with allow_untrusted; never BAD); a package by its size
 * (the download is bounded by the entry's S:) and its identity (the
 * SHA-1 of its control member must equal the entry's C:), plus the
 * package's own datahash and file checksums (a download for an install,
 * pare_repos_pkg_path, is checked for size and identity only: the
 * installer's reader verifies the rest once, while it stages the package).
 *
 * Index freshness (rollback and freeze protection, after TUF's attack
 * list): the cache keeps, per repository, the newest build time of a
 * trusted signed index read from it (APKINDEX.<h>.seen; the build time is
 * the newest mtime of the index's APKINDEX/DESCRIPTION members, which the
 * signature covers; `pare index` writes SOURCE_DATE_EPOCH there).  An
 * index built earlier is refused (-PARE_E_ROLLBACK; a refreshed HTTP index
 * is then not committed and the cached newer one is used, marked stale)
 * unless allow_index_downgrade.  An index built more than index_max_age
 * seconds ago is used with a warning.  Local repositories are checked
 * only when the cache directory exists; with no_cache nothing is kept.
 *
 * Messages: nothing here prints.  Per-repository failures are kept in
 * struct pare_repo (error, code) for the caller to report; downloads and
 * retries log through cfg->log, progress goes to cfg->progress.
 *
 * Ownership: struct pare_repos owns its repositories, their strings and
 * indexes, the HTTP handle and the temporary cache.  Borrowed: the keyring,
 * log and progress in the config (they must outlive the repos).
 */
#ifndef PARE_REPO_REPO_H
#define PARE_REPO_REPO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "apk/index.h"
#include "apk/sign.h"
#include "base/error.h"
#include "base/log.h"
#include "base/progress.h"
#include "base/slice.h"
#include "io/http.h"

#define PARE_REPO_MAX 64                      /* repositories in one run */
#define PARE_REPO_FILE_MAX (1u << 20)         /* repositories file bytes */
#define PARE_REPO_ARCH_MAX 64                 /* architecture name bytes */
#define PARE_REPO_INDEX_MAX (256ULL << 20)    /* a downloaded APKINDEX.tar.gz */
#define PARE_REPO_PKG_MAX (8ULL << 30)        /* a package whose entry has no S: */
#define PARE_REPO_TMP_MAX_AGE 3600u           /* seconds: an idle temporary is dead */

enum pare_repo_kind { PARE_REPO_LOCAL = 1, PARE_REPO_HTTP = 2 };

struct pare_repo {
	char *url;        /* for messages: `given` with credentials hidden (io/url.h) */
	char *given;      /* as configured, trailing '/' removed; may hold a
			   * password or token: never shown */
	char *tag;        /* "@tag" without '@', or NULL */
	enum pare_repo_kind kind;
	char *base;       /* LOCAL: the directory; HTTP: the URL */
	char *index_url;  /* BASE/ARCH/APKINDEX.tar.gz (a path when LOCAL) */
	char cache_name[32]; /* "APKINDEX.<h>.tar.gz" */
	/* After pare_repos_load(): */
	bool loaded;      /* index holds the repository's entries */
	bool stale;       /* refresh failed; an older cached index is used */
	bool fetched;     /* the index was downloaded in this run */
	int code;         /* 0 or why the repository is unavailable/stale */
	char error[PARE_ERROR_MSG_MAX]; /* "" or the one-line reason */
	struct pare_index index; /* entries have .repo = this repository's number */
};

struct pare_repo_config {
	const char *root;              /* NULL: "/" */
	const char *repositories_file; /* NULL: <root>/etc/apk/repositories (may be absent) */
	const char *const *extra;      /* -X values, in order */
	size_t nextra;
	const char *arch;              /* NULL: <root>/etc/apk/arch, else the host's */
	const char *cache_dir;         /* NULL: <root>/etc/apk/cache */
	bool no_cache;                 /* use a temporary cache, removed at release */
	bool no_network;               /* --no-network: HTTP repositories only from the cache */
	bool lazy_deps;                /* indexes read with PARE_INDEX_LAZY_DEPS: for callers
					* that reach entries' lists only through
					* pare_index_entry_deps() / pare_pkgent_deps_tmp() */
	const char *tmp_dir;           /* where that goes; NULL: "/tmp" */
	struct pare_keyring *keys;     /* trusted keys (borrowed); NULL: none */
	bool allow_untrusted;
	bool allow_index_downgrade;    /* accept an index older than one seen before */
	int64_t index_max_age;         /* seconds; an older index warns; 0: no check */
	uint64_t index_max;            /* 0: PARE_REPO_INDEX_MAX */
	struct pare_http_opts http;    /* timeouts and retries (log/progress: set below) */
	const struct pare_log *log;
	const struct pare_progress *progress;
};

struct pare_repos {
	struct pare_repo *v; /* n repositories (owned) */
	size_t n;
	char *root;          /* owned copy */
	char arch[PARE_REPO_ARCH_MAX];
	char *cache_dir;     /* absolute path of the cache (may not exist yet) */
	bool cache_temp;     /* cache_dir is a private temporary directory, made
			      * (mkdir 0700, a random name) when first needed */
	bool cache_made;     /* ... and it was made */
	char *pkg_dir;       /* the directory pare_repos_pkg_open last opened a */
	int pkg_dirfd1;      /* package in, and its descriptor + 1 (0: none) */
	bool no_network;     /* never download (cached indexes only) */
	bool lazy_deps;      /* see pare_repo_config */
	struct pare_keyring *keys;
	bool allow_untrusted;
	bool allow_index_downgrade;
	int64_t index_max_age;
	int64_t now;         /* 0: the clock (tests set it) */
	uint64_t index_max;
	struct pare_http_opts http_opts;
	struct pare_http http;
	bool http_ready;
	const struct pare_log *log;
	const struct pare_progress *progress;
};

/* Read the configuration and build the list (no network, no index).
 * Errors: an unreadable or malformed repositories file ("FILE line N:
 * ..."), a bad URL, a bad architecture, more than PARE_REPO_MAX
 * repositories.  rs is always initialised (release it even on failure). */
int pare_repos_init(struct pare_repos *rs, const struct pare_repo_config *cfg,
		    struct pare_error *err);
void pare_repos_release(struct pare_repos *rs);

/* Add one repository from a configuration line ("[v2] [@tag] URL
 * [COMPONENT...]"; comments and blank lines add nothing).  cwd_relative:
 * accept a relative path (from -X).  Exposed for tests. */
int pare_repos_add_line(struct pare_repos *rs, struct pare_slice line, bool cwd_relative,
			struct pare_error *err);

/* Load every repository's index.  refresh (pare update): ask HTTP servers
 * for a newer index (conditional GET); otherwise a cached index is used
 * as it is and only a missing one is downloaded.  Local indexes are read
 * in place.  A repository that fails is left unloaded (or stale, on an
 * older cached index) with its reason in repo->error; the function returns
 * 0 unless something fatal happened (no memory).  the counts in unavailable and stale (may
 * be NULL) count those repositories. */
int pare_repos_load(struct pare_repos *rs, bool refresh, int *unavailable, int *stale,
		    struct pare_error *err);

/* Number of distinct packages (by identity, else name-version) over the
 * loaded indexes. */
size_t pare_repos_count_distinct(const struct pare_repos *rs);

/* The URL (or path) of the package file of e (e->repo names the
 * repository): BASE/ARCH/NAME-VERSION.apk, with unsafe URL bytes
 * percent-encoded. */
int pare_repos_pkg_url(const struct pare_repos *rs, const struct pare_pkgent *e, char *out,
		       size_t size, struct pare_error *err);

/* Download (or copy, from a local repository) the package of e to
 * dest_path, verified against e as described above; dest_path is replaced
 * atomically.  A verified copy already in the cache is used instead of
 * the network.  Errors name the URL and the reason ("...: size 2048,
 * index says 1024", "...: identity Q1..., index says Q1..."). */
int pare_repos_fetch_pkg(struct pare_repos *rs, const struct pare_pkgent *e,
			 const char *dest_path, struct pare_error *err);

/* Make sure a verified copy of e's package is in the cache (downloading
 * it when missing) and put its path in out.  With no_cache the copy is in
 * the temporary cache and lives until pare_repos_release(). */
int pare_repos_cache_pkg(struct pare_repos *rs, const struct pare_pkgent *e, char *out,
			 size_t size, struct pare_error *err);

/* The file to read e's package from, for a reader that verifies it (size,
 * identity, datahash, checksums) while it stages the package, so each
 * package is read once: in place for a local repository (a regular file
 * whose size matches S:), else the cache copy when one of the right size
 * is there, else a download into the cache checked for size and identity
 * (the C: of the control member; the data is the reader's to verify).  A reader that finds the cache copy bad calls
 * pare_repos_forget_pkg so that the next run fetches it again. */
int pare_repos_pkg_path(struct pare_repos *rs, const struct pare_pkgent *e, char *out,
			size_t size, struct pare_error *err);
/* pare_repos_pkg_path, opened: *fd (the caller closes it) reads the file
 * out names, checked to be a regular file of e's size.  In a local
 * repository the file is opened by its name below a kept descriptor of
 * its directory, not by a walk of the whole path. */
int pare_repos_pkg_open(struct pare_repos *rs, const struct pare_pkgent *e, char *out,
			size_t size, int *fd, struct pare_error *err);
void pare_repos_forget_pkg(struct pare_repos *rs, const struct pare_pkgent *e);
/* Is a copy of e's package (of the right size) in the cache? */
bool pare_repos_pkg_cached(const struct pare_repos *rs, const struct pare_pkgent *e);

/* Check a package file against an index entry: size (when e has S:) and
 * identity (SHA-1 of the control member, e's C:), and the package's own
 * integrity (datahash, file checksums).  name is used in messages. */
int pare_repo_verify_pkg_file(const char *path, const struct pare_pkgent *e, const char *name,
			      struct pare_error *err);

/* Cache file names (exposed for tests): "APKINDEX.<h>.tar.gz" for an
 * index URL and "NAME-VERSION.<c>.apk" for an entry.  Return the length,
 * or a negative code if out is too small or the entry has no SHA-1
 * identity or an unsafe name/version. */
int pare_repo_index_cache_name(const char *index_url, char *out, size_t size);
int pare_repo_pkg_cache_name(const struct pare_pkgent *e, char *out, size_t size,
			     struct pare_error *err);

/* The host architecture in apk's names ("x86_64", "aarch64", "x86",
 * "armv7", "armhf", ...): the one table from uname's machine names to
 * apk's (config.c; extend it there). */
const char *pare_repo_host_arch(void);

/* The architecture of a run, as apk chooses it: arch (--arch) when not
 * NULL, else the first word of <root>/etc/apk/arch, else the host's.
 * Checked to be a plain name; written NUL-terminated to out. */
int pare_repo_arch_resolve(const char *root, const char *arch, char out[PARE_REPO_ARCH_MAX],
			   struct pare_error *err);

#endif
