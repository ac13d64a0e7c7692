/* Listing a package directory (tree.h). */
#include "build/tree.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/rootpath.h"

static int add(struct pare_build_tree *t, struct pare_arena *a, const char *path,
	       const struct stat *st, struct pare_error *err)
{
	if (t->n == PARE_BUILD_TREE_MAX)
		return pare_error_set(err, -PARE_E_TOO_BIG, "%s: too many files", path);
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 256;
		struct pare_build_tent *nv = realloc(t->v, cap * sizeof(*nv));
		if (!nv)
			return pare_error_set(err, -ENOMEM, "out of memory");
		t->v = nv;
		t->cap = cap;
	}
	const char *p = pare_arena_strdup(a, pare_slice_from(path));
	if (!p)
		return pare_error_set(err, -ENOMEM, "out of memory");
	t->v[t->n++] = (struct pare_build_tent){ .path = p, .mode = st->st_mode, .uid = st->st_uid,
						 .gid = st->st_gid, .size = (uint64_t)st->st_size };
	return 0;
}

static int walk(struct pare_build_tree *t, struct pare_arena *a, int dfd, const char *prefix,
		unsigned depth, struct pare_error *err)
{
	if (depth > PARE_BUILD_TREE_DEPTH)
		return pare_error_set(err, -PARE_E_TOO_BIG, "%s: too deep", prefix);
	DIR *d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return pare_error_set(err, -errno, "%s: %s", prefix, strerror(errno));
	}
	int r = 0;
	struct dirent *de;
	while (r == 0 && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		char path[PARE_PATH_MAX];
		if ((size_t)snprintf(path, sizeof(path), "%s%s%s", prefix, *prefix ? "/" : "",
				     de->d_name) >= sizeof(path))
			return closedir(d), pare_error_set(err, -ENAMETOOLONG, "%s: name too long",
							    prefix);
		struct stat st;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			r = pare_error_set(err, -errno, "%s: %s", path, strerror(errno));
			break;
		}
		r = add(t, a, path, &st, err);
		if (r == 0 && S_ISDIR(st.st_mode)) {
			int sub = openat(dirfd(d), de->d_name,
					 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			r = sub < 0 ? pare_error_set(err, -errno, "%s: %s", path, strerror(errno))
				    : walk(t, a, sub, path, depth + 1, err);
		}
	}
	closedir(d);
	return r;
}

static int cmp(const void *x, const void *y)
{
	return strcmp(((const struct pare_build_tent *)x)->path,
		      ((const struct pare_build_tent *)y)->path);
}

int pare_build_tree_read(struct pare_build_tree *t, const char *dir, struct pare_arena *a,
			 struct pare_error *err)
{
	memset(t, 0, sizeof(*t));
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return pare_error_set(err, -errno, "%s: %s", dir, strerror(errno));
	int r = walk(t, a, fd, "", 0, err);
	if (r == 0 && t->n)
		qsort(t->v, t->n, sizeof(*t->v), cmp);
	return r;
}

void pare_build_tree_release(struct pare_build_tree *t)
{
	if (!t)
		return;
	free(t->v);
	memset(t, 0, sizeof(*t));
}

int pare_build_pathf(char *out, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int k = vsnprintf(out, n, fmt, ap);
	va_end(ap);
	if (k < 0 || (size_t)k >= n) {
		if (n)
			out[0] = '\0';
		return -ENAMETOOLONG;
	}
	return 0;
}
