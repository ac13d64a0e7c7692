#include "io/atomic.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int open_dir_of(const char *path, char **copy, const char **base)
{
	*copy = strdup(path);
	if (!*copy)
		return -ENOMEM;
	char *slash = strrchr(*copy, '/');
	int fd;
	if (!slash) {
		*base = *copy;
		fd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	} else if (slash == *copy) {
		*base = slash + 1;
		fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	} else {
		*slash = '\0';
		fd = open(*copy, O_PATH | O_DIRECTORY | O_CLOEXEC);
		*slash = '/';
		*base = slash + 1;
	}
	return fd < 0 ? -errno : fd;
}

static int create_tmp(struct pare_atomic_file *f, mode_t mode)
{
	for (int tries = 0; tries < 16; tries++) {
		unsigned long long rnd = 0;
		if (getrandom(&rnd, sizeof(rnd), 0) < 0)
			rnd = (unsigned long long)getpid() * 2654435761u + (unsigned)tries;
		char name[64];
		snprintf(name, sizeof(name), ".pare-tmp.%016llx", rnd);
		int fd = openat(f->dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
				mode);
		if (fd >= 0) {
			f->tmpname = strdup(name);
			if (!f->tmpname) {
				unlinkat(f->dirfd, name, 0);
				close(fd);
				return -ENOMEM;
			}
			return fd;
		}
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

static bool is_tmp_name(const char *n)
{
	if (strncmp(n, ".pare-tmp.", 10) != 0 || strlen(n) != 26)
		return false;
	for (const char *p = n + 10; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return false;
	return true;
}

unsigned pare_atomic_sweep(const char *dir, unsigned min_age)
{
	unsigned removed = 0;
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	time_t now = time(NULL);
	for (struct dirent *de; (de = readdir(d)) != NULL;) {
		struct stat st;
		if (!is_tmp_name(de->d_name) ||
		    fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISREG(st.st_mode) || now - st.st_mtime < (time_t)min_age)
			continue;
		if (unlinkat(dirfd(d), de->d_name, 0) == 0)
			removed++;
	}
	closedir(d);
	return removed;
}

int pare_atomic_open(struct pare_atomic_file *f, const char *path, mode_t mode,
		     struct pare_error *err)
{
	memset(f, 0, sizeof(*f));
	f->fd = -1;
	f->dirfd = open_dir_of(path, &f->path, &f->base);
	if (f->dirfd < 0) {
		int r = f->dirfd;
		free(f->path);
		f->path = NULL;
		return pare_error_set(err, r, "%s: cannot open its directory: %s", path,
				      strerror(-r));
	}
	int fd = create_tmp(f, mode);
	if (fd < 0) {
		pare_atomic_abort(f);
		return pare_error_set(err, fd, "%s: cannot create a temporary file: %s", path,
				      strerror(-fd));
	}
	f->fd = fd;
	pare_fd_ostream_init(&f->fs, &f->out, fd, f->path);
	return 0;
}

int pare_atomic_commit(struct pare_atomic_file *f, struct pare_error *err)
{
	int r = 0;
	if (fsync(f->fd) < 0 || close(f->fd) < 0)
		r = -errno;
	f->fd = -1;
	if (r == 0 && renameat(f->dirfd, f->tmpname, f->dirfd, f->base) < 0)
		r = -errno;
	if (r < 0) {
		pare_error_set(err, r, "%s: cannot write: %s", f->path, strerror(-r));
		pare_atomic_abort(f);
		return r;
	}
	free(f->tmpname);
	f->tmpname = NULL;
	int dfd = openat(f->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	pare_atomic_abort(f);
	return 0;
}

void pare_atomic_abort(struct pare_atomic_file *f)
{
	if (!f)
		return;
	if (f->fd >= 0)
		close(f->fd);
	if (f->tmpname && f->dirfd >= 0)
		unlinkat(f->dirfd, f->tmpname, 0);
	if (f->dirfd >= 0)
		close(f->dirfd);
	free(f->tmpname);
	free(f->path);
	memset(f, 0, sizeof(*f));
	f->fd = -1;
	f->dirfd = -1;
}

int pare_mkdir_p(const char *dir, mode_t mode, struct pare_error *err)
{
	char buf[4096];
	size_t len = strlen(dir);
	if (len == 0 || len >= sizeof(buf))
		return pare_error_set(err, -ENAMETOOLONG, "%s: bad directory name", dir);
	memcpy(buf, dir, len + 1);
	for (size_t i = 1; i <= len; i++) {
		if (i < len && buf[i] != '/')
			continue;
		char c = buf[i];
		buf[i] = '\0';
		if (mkdir(buf, mode) < 0 && errno != EEXIST)
			return pare_error_set(err, -errno, "%s: cannot create directory: %s", buf,
					      strerror(errno));
		buf[i] = c;
	}
	return 0;
}

static void remove_at_depth(int dfd, const char *name, unsigned depth)
{
	struct stat st;
	if (depth > 256 || fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return;
	if (!S_ISDIR(st.st_mode)) {
		unlinkat(dfd, name, 0);
		return;
	}
	int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;
	if (!d && fd >= 0)
		close(fd);
	while (d && (de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			remove_at_depth(dirfd(d), de->d_name, depth + 1);
	if (d)
		closedir(d);
	unlinkat(dfd, name, AT_REMOVEDIR);
}

void pare_remove_at(int dfd, const char *name)
{
	remove_at_depth(dfd, name, 0);
}

