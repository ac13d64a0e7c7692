/* Helpers shared by the test_db_* unit tests: fixture lookup, whole-file
 * reads, temporary roots. */
#ifndef PARE_TEST_DB_UTIL_H
#define PARE_TEST_DB_UTIL_H

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/rootpath.h"
#include "io/stream.h"

/* The installed-db fixtures folder, or NULL. */
static inline const char *db_fixtures(char *buf, size_t size)
{
	static const char *cand[] = { "../shared/fixtures/real", "../../shared/fixtures/real",
				      "../../../shared/fixtures/real",
				      "/work/shared/fixtures/real" };
	const char *env = getenv("PARE_FIXTURES_DIR");
	struct stat st;
	const char *dir = NULL;
	if (env && stat(env, &st) == 0)
		dir = env;
	for (size_t i = 0; !dir && i < sizeof(cand) / sizeof(cand[0]); i++)
		if (stat(cand[i], &st) == 0 && S_ISDIR(st.st_mode))
			dir = cand[i];
	if (!dir)
		return NULL;
	snprintf(buf, size, "%s/installed-db", dir);
	return stat(buf, &st) == 0 ? buf : NULL;
}

/* malloc'ed content of path (NUL-terminated), or NULL. */
static inline char *db_slurp(const char *path, size_t *len)
{
	struct pare_buf b;
	pare_buf_init(&b, 1u << 30);
	if (pare_read_file(path, &b, NULL) < 0) {
		pare_buf_release(&b);
		return NULL;
	}
	return pare_buf_detach(&b, len);
}

static inline int db_write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	size_t w = fwrite(p, 1, n, f);
	return fclose(f) == 0 && w == n ? 0 : -1;
}

/* A fresh temporary directory (path in buf). */
static inline char *db_tmpdir(char *buf, size_t size)
{
	const char *t = getenv("TMPDIR");
	snprintf(buf, size, "%s/pare-db-XXXXXX", t && *t ? t : "/tmp");
	return mkdtemp(buf);
}

static inline int db_rm_cb(const char *p, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st; (void)type; (void)ftw;
	return remove(p) < 0 ? -1 : 0;
}

static inline void db_rmtree(const char *dir)
{
	nftw(dir, db_rm_cb, 16, FTW_PHYS | FTW_DEPTH);
}

/* mkdir -p of dir/rel. */
static inline int db_mkdirs(const char *dir, const char *rel)
{
	char p[4096];
	int n = snprintf(p, sizeof(p), "%s/%s", dir, rel);
	if (n < 0 || (size_t)n >= sizeof(p))
		return -1;
	for (char *s = p + strlen(dir) + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		mkdir(p, 0755);
		*s = '/';
	}
	return mkdir(p, 0755) == 0 || errno == EEXIST ? 0 : -1;
}

#endif
