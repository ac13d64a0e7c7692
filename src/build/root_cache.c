/* Build roots kept by what they hold (root.h, "the root cache"). */
#include "build/root.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "build/tree.h"
#include "io/atomic.h"
#include "io/tree.h"

/* Roots kept at most; older ones unused for this long may go. */
#define ROOT_CACHE_MAX 8
#define ROOT_CACHE_IDLE_S (6 * 3600)

static bool is_key(const char *name)
{
	size_t n = strlen(name);
	if (n != 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((name[i] >= '0' && name[i] <= '9') || (name[i] >= 'a' && name[i] <= 'f')))
			return false;
	return true;
}

int pare_build_root_cache_find(const char *cache, const char *key, char *path, size_t n)
{
	if (pare_build_pathf(path, n, "%s/%s", cache, key) < 0)
		return 0;
	struct stat st;
	if (lstat(path, &st) < 0 || !S_ISDIR(st.st_mode))
		return 0;
	utimensat(AT_FDCWD, path, NULL, 0); /* used now: not evicted */
	return 1;
}

int pare_build_root_cache_stage(const char *cache, char *tmp, size_t n, struct pare_error *err)
{
	int r = pare_mkdir_p(cache, 0755, err);
	if (r < 0)
		return r;
	if (pare_build_pathf(tmp, n, "%s/.new-XXXXXX", cache) < 0)
		return pare_error_set(err, -ENAMETOOLONG, "%s: path too long", cache);
	if (!mkdtemp(tmp) || chmod(tmp, 0755) < 0)
		return pare_error_set(err, -errno, "%s: %s", tmp, strerror(errno));
	return 0;
}

/* Remove the least recently used roots beyond ROOT_CACHE_MAX that have been
 * idle for ROOT_CACHE_IDLE_S (a build using one touched it when it began),
 * and staging folders of builds that died. */
static void evict(const char *cache)
{
	struct ent { char name[65]; time_t mtime; } v[64];
	size_t nv = 0;
	time_t now = time(NULL);
	DIR *d = opendir(cache);
	struct dirent *de;
	char p[4096];
	while (d && (de = readdir(d))) {
		struct stat st;
		if (pare_build_pathf(p, sizeof(p), "%s/%s", cache, de->d_name) < 0 ||
		    lstat(p, &st) < 0 || !S_ISDIR(st.st_mode))
			continue;
		if (!strncmp(de->d_name, ".new-", 5) && now - st.st_mtime > ROOT_CACHE_IDLE_S * 4)
			pare_tree_remove(p);
		if (!is_key(de->d_name) || nv == sizeof(v) / sizeof(v[0]))
			continue;
		memcpy(v[nv].name, de->d_name, sizeof(v[nv].name)); /* is_key: 64 + NUL */
		v[nv++].mtime = st.st_mtime;
	}
	if (d)
		closedir(d);
	while (nv > ROOT_CACHE_MAX) {
		size_t old = 0;
		for (size_t i = 1; i < nv; i++)
			if (v[i].mtime < v[old].mtime)
				old = i;
		if (now - v[old].mtime < ROOT_CACHE_IDLE_S)
			break;
		if (pare_build_pathf(p, sizeof(p), "%s/%s", cache, v[old].name) == 0)
			pare_tree_remove(p);
		v[old] = v[--nv];
	}
}

int pare_build_root_cache_publish(const char *cache, const char *tmp, const char *key,
				  char *path, size_t n, struct pare_error *err)
{
	if (pare_build_pathf(path, n, "%s/%s", cache, key) < 0)
		return pare_error_set(err, -ENAMETOOLONG, "%s: path too long", cache);
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) < 0) {
		int e = errno;
		pare_tree_remove(tmp);
		/* another build published the same root meanwhile */
		if ((e != EEXIST && e != ENOTEMPTY) || !pare_build_root_cache_find(cache, key, path, n))
			return pare_error_set(err, -e, "%s: %s", path, strerror(e));
	}
	evict(cache);
	return 0;
}
