/* A directory of the old version that the new version has as a file,
 * symlink or other non-directory (see pare_extract_opts.may_replace): it
 * may go when the old version is the only package that lists it and
 * everything on disk below it belongs to the old version, which the
 * upgrade removes anyway.  Paths below a replaced directory are then not
 * deleted one by one (they are gone).  The reverse, a file or symlink of
 * the old version where the new one has a directory, may go when the old
 * version owns it. */
#include "commit/txn_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define REPLACE_MAX_DEPTH 64

static bool old_lists_dir(const struct pare_db_pkg *oldp, struct pare_slice path)
{
	for (uint32_t i = 0; i < oldp->ndirs; i++)
		if (pare_slice_eq(oldp->dirs[i]->path, path))
			return true;
	return false;
}

/* Does every non-directory below fd (at path) belong to oldp? */
static bool only_old_files(const struct txn_stage *s, int fd, char *path, size_t len,
			   unsigned depth)
{
	DIR *d = depth <= REPLACE_MAX_DEPTH ? fdopendir(fd) : NULL;
	if (!d) {
		close(fd);
		return false;
	}
	bool ok = true;
	for (struct dirent *de; ok && (de = readdir(d)) != NULL;) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		int n = snprintf(path + len, PARE_PATH_MAX + 1 - len, "/%s", de->d_name);
		struct stat st;
		if (n < 0 || (size_t)n > PARE_PATH_MAX - len ||
		    fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			ok = false;
		} else if (S_ISDIR(st.st_mode)) {
			int sub = openat(dirfd(d), de->d_name,
					O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			ok = sub >= 0 && only_old_files(s, sub, path, len + (size_t)n, depth + 1);
		} else {
			const struct pare_db_file *f =
				pare_db_owner(s->t->db, pare_slice_make(path, len + (size_t)n));
			ok = f && f->pkg == s->oldp;
		}
		path[len] = '\0';
	}
	closedir(d);
	return ok;
}

static bool replace_dir(struct txn_stage *s, const char *path)
{
	struct pare_slice p = pare_slice_from(path);
	if (!s->oldp || p.len == 0 || p.len > PARE_PATH_MAX || !old_lists_dir(s->oldp, p) ||
	    pare_db_dir_users(s->t->db, p) > 1)
		return false;
	char buf[PARE_PATH_MAX + 1];
	memcpy(buf, path, p.len + 1);
	int fd = pare_root_openat(s->t->o->root, buf, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC,
				  0, NULL);
	if (fd < 0 || !only_old_files(s, fd, buf, p.len, 0))
		return false;
	struct pare_slice key = pare_arena_slice(&s->arena, p);
	return key.ptr && pare_map_put(&s->replaced, key, (void *)key.ptr, NULL) >= 0;
}

bool txn_may_replace(void *ctx, const char *path, bool existing_dir)
{
	struct txn_stage *s = ctx;
	if (existing_dir)
		return replace_dir(s, path);
	const struct pare_db_file *f = pare_db_owner(s->t->db, pare_slice_from(path));
	return s->oldp && f && f->pkg == s->oldp;
}

bool txn_under_replaced(const struct txn_stage *s, struct pare_slice path)
{
	for (size_t i = 0; i < path.len; i++)
		if (path.ptr[i] == '/' && pare_map_get(&s->replaced, pare_slice_make(path.ptr, i)))
			return true;
	return false;
}
