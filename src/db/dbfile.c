/* Bounded reads and atomic replacement of database files inside a root. */
#include "db/dbfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/stream.h"

int pare_db_file_read(struct pare_root *root, const char *path, struct pare_buf *b,
		      struct pare_error *err)
{
	int fd = pare_root_openat(root, path, O_RDONLY | O_CLOEXEC | O_NOCTTY, 0, NULL);
	if (fd < 0)
		return pare_error_set(err, fd, "%s: %s", path, strerror(-fd));
	int r = pare_read_fd(fd, b, path, err);
	close(fd);
	return r;
}

/* Create ".<base>.pare-<hex>" in dirfd; returns the fd, name in tmp. */
static int create_tmp(int dirfd, const char *base, mode_t mode, char *tmp, size_t tmpsize)
{
	for (int tries = 0; tries < 16; tries++) {
		unsigned long long rnd = 0;
		if (getrandom(&rnd, sizeof(rnd), GRND_NONBLOCK) != (ssize_t)sizeof(rnd))
			rnd = (unsigned long long)getpid() * 2654435761u + (unsigned)tries;
		int n = snprintf(tmp, tmpsize, ".%.64s.pare-%016llx", base, rnd);
		if (n < 0 || (size_t)n >= tmpsize)
			return -ENAMETOOLONG;
		int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
				mode & 0777);
		if (fd >= 0)
			return fd;
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

static int sync_dir(int dirfd)
{
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int r = fsync(fd) < 0 && errno != EINVAL ? -errno : 0;
	close(fd);
	return r;
}

int pare_db_file_write(struct pare_root *root, const char *path, const void *data, size_t len,
		       mode_t mode, bool mkdirs, struct pare_error *err)
{
	const char *base;
	int dirfd = pare_root_open_parent(root, path, mkdirs, 0755, &base, err);
	if (dirfd < 0)
		return dirfd;
	char tmp[128];
	int r, fd = create_tmp(dirfd, base, mode, tmp, sizeof(tmp));
	if (fd < 0) {
		r = pare_error_set(err, fd, "%s: cannot create a temporary file: %s", path,
				   strerror(-fd));
		goto out;
	}
	r = fchmod(fd, mode & 07777) < 0 ? -errno : 0;
	if (r == 0)
		r = pare_write_all(fd, data, len);
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && renameat(dirfd, tmp, dirfd, base) < 0)
		r = -errno;
	if (r < 0) {
		unlinkat(dirfd, tmp, 0);
		r = pare_error_set(err, r, "%s: cannot write: %s", path, strerror(-r));
		goto out;
	}
	if ((r = sync_dir(dirfd)) < 0)
		r = pare_error_set(err, r, "%s: fsync of its directory: %s", path, strerror(-r));
out:
	close(dirfd);
	return r;
}

int pare_db_file_take(struct pare_root *root, const char *path, size_t max, char **text,
		      size_t *len, struct pare_error *err)
{
	struct pare_buf b;
	pare_buf_init(&b, max);
	int r = pare_db_file_read(root, path, &b, err);
	if (r < 0) {
		pare_buf_release(&b);
		if (r != -ENOENT)
			return r;
		pare_error_clear(err);
		return 0;
	}
	*text = pare_buf_detach(&b, len);
	if (!*text)
		return pare_error_set(err, -ENOMEM, "%s: out of memory", path);
	return 1;
}
