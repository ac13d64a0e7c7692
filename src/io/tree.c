/* Directory trees (see tree.h). */
#include "io/tree.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int pare_tree_mkdtemp(const char *what, char *out, unsigned n)
{
	const char *tmp = getenv("TMPDIR");
	int len = snprintf(out, n, "%s/pare-%s-XXXXXX", tmp && *tmp ? tmp : "/tmp", what);
	if (len < 0 || (unsigned)len >= n)
		return -ENAMETOOLONG;
	return mkdtemp(out) ? 0 : -errno;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	int r = flag == FTW_DP ? rmdir(path) : unlink(path);
	return r < 0 && errno != ENOENT ? -errno : 0;
}

int pare_tree_remove(const char *dir)
{
	/* FTW_PHYS: symlinks are removed, never followed; FTW_MOUNT: a file
	 * system mounted inside (a sandbox's leftover) is not descended. */
	int r = nftw(dir, rm_entry, 32, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
	if (r < 0 && errno == ENOENT)
		return 0;
	return r < 0 ? -errno : r;
}
