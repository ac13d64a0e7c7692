/* Rollback and freeze protection for repository indexes (see repo.h,
 * "Index freshness").
 *
 * Per repository the cache keeps APKINDEX.<h>.seen: the newest build time
 * (decimal unix seconds) of a trusted index read from it, replaced
 * atomically.  An index built before that time is an older, validly signed
 * index served again (a replay, or a mirror rolled back) and is refused
 * unless allow_index_downgrade; an index older than index_max_age seconds
 * gives a warning (a mirror that stopped updating, or one frozen on
 * purpose). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "repo/repo.h"
#include "repo/repo_int.h"

static int seen_path(const struct pare_repos *rs, const struct pare_repo *r, char *out,
		     size_t size)
{
	char name[48];
	size_t stem = strlen(r->cache_name) - strlen(".tar.gz");
	snprintf(name, sizeof(name), "%.*s.seen", (int)stem, r->cache_name);
	return pare_repo_join(out, size, rs->cache_dir, name);
}

static int64_t read_seen(const char *path)
{
	char text[32];
	uint64_t v;
	if (pare_repo_read_small(path, text, sizeof(text)) < 0 ||
	    !pare_slice_to_u64(pare_slice_from(text), &v) || v > INT64_MAX)
		return 0;
	return (int64_t)v;
}

static void utc(int64_t t, char *out, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!gmtime_r(&tt, &tm) || strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, size, "@%" PRId64, t);
}

/* Is the cache directory there (a local repository never creates it)? */
static bool cache_present(const struct pare_repos *rs)
{
	struct stat st;
	return !rs->cache_temp && stat(rs->cache_dir, &st) == 0 && S_ISDIR(st.st_mode);
}

int pare_repo_check_fresh(struct pare_repos *rs, struct pare_repo *r, struct pare_error *err)
{
	const struct pare_index *idx = &r->index;
	char path[PARE_PATH_MAX], built[40], seen_at[40];
	if (!idx->signed_file || idx->trust != 0 || idx->build_time <= 0 || !cache_present(rs) ||
	    seen_path(rs, r, path, sizeof(path)) < 0)
		return 0;
	int64_t seen = read_seen(path);
	utc(idx->build_time, built, sizeof(built));
	if (seen > idx->build_time) {
		utc(seen, seen_at, sizeof(seen_at));
		if (!rs->allow_index_downgrade)
			return pare_error_set(err, -PARE_E_ROLLBACK,
					      "%s: index built %s is older than one read before "
					      "(built %s): a replayed or rolled-back index, refused "
					      "(--allow-index-downgrade accepts it)",
					      r->url, built, seen_at);
		pare_log_warning(rs->log, "%s: index built %s is older than one read before "
				 "(built %s): accepted (--allow-index-downgrade)", r->url, built,
				 seen_at);
	}
	int64_t now = rs->now > 0 ? rs->now : (int64_t)time(NULL);
	if (rs->index_max_age > 0 && now - idx->build_time > rs->index_max_age)
		pare_log_warning(rs->log, "%s: index built %s is more than %" PRId64 " days old: "
				 "the repository may be frozen", r->url, built,
				 rs->index_max_age / 86400);
	if (seen < idx->build_time) {
		char text[32];
		snprintf(text, sizeof(text), "%" PRId64, idx->build_time);
		pare_repo_write_small(path, text, NULL); /* best effort: a read-only cache */
	}
	return 0;
}
