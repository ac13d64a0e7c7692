/* lib/apk/db/lock (see db/lock.h). */
#include "db/lock.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "db/dbfile.h"

void pare_db_lock_init(struct pare_db_lock *l)
{
	l->fd = -1;
}

void pare_db_unlock(struct pare_db_lock *l)
{
	if (l && l->fd >= 0) {
		close(l->fd);
		l->fd = -1;
	}
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int64_t ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000 };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* 0 when locked, -EWOULDBLOCK when held by another, else -errno. */
static int try_lock(int fd)
{
	for (;;) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return 0;
		if (errno != EINTR)
			return errno == EWOULDBLOCK ? -EWOULDBLOCK : -errno;
	}
}

static int wait_lock(int fd, const struct pare_db_lock_opts *o)
{
	int64_t deadline = now_ms() + (int64_t)o->wait_seconds * 1000, step = 20;
	if (o->waiting)
		o->waiting(o->ctx);
	for (;;) {
		int64_t left = deadline - now_ms();
		if (left <= 0)
			return -ETIMEDOUT;
		sleep_ms(step < left ? step : left);
		int r = try_lock(fd);
		if (r != -EWOULDBLOCK)
			return r;
		step = step * 3 / 2 > 200 ? 200 : step * 3 / 2;
	}
}

/* The database directories could not be created: when one of them is a
 * symlink (taken inside the root, so one to an absolute path out of it
 * leads nowhere), say so. */
static int explain_mkdirs(struct pare_root *root, int code, struct pare_error *err)
{
	static const char *const dirs[] = { "lib", "lib/apk", "lib/apk/db" };
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		char target[PARE_PATH_MAX];
		int fd = pare_root_openat(root, dirs[i], O_PATH | O_NOFOLLOW | O_CLOEXEC, 0, NULL);
		if (fd < 0)
			break;
		ssize_t n = readlinkat(fd, "", target, sizeof(target) - 1);
		close(fd);
		if (n < 0)
			continue;
		target[n] = '\0';
		return pare_error_set(err, code,
				      "%s is a symlink to %s, which is taken inside the root "
				      "and cannot hold the package database there: %s",
				      dirs[i], target, strerror(-code));
	}
	return code;
}

static int open_lock_file(struct pare_root *root, bool mkdirs, struct pare_error *err)
{
	if (mkdirs) {
		const char *base;
		int dfd = pare_root_open_parent(root, PARE_DB_LOCK_PATH, true, 0755, &base, err);
		if (dfd < 0)
			return explain_mkdirs(root, dfd, err);
		close(dfd);
	}
	int fd = pare_root_openat(root, PARE_DB_LOCK_PATH,
				  O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600, NULL);
	if (fd < 0)
		return pare_error_set(err, fd, "%s: cannot open: %s", PARE_DB_LOCK_PATH,
				      strerror(-fd));
	return fd;
}

int pare_db_lock(struct pare_db_lock *l, struct pare_root *root,
		 const struct pare_db_lock_opts *opts, struct pare_error *err)
{
	static const struct pare_db_lock_opts none = { 0 };
	const struct pare_db_lock_opts *o = opts ? opts : &none;
	if (l->fd >= 0)
		return pare_error_set(err, -EINVAL, "%s: already held", PARE_DB_LOCK_PATH);
	int fd = open_lock_file(root, o->create_dirs, err);
	if (fd < 0)
		return fd;
	int r = try_lock(fd);
	if (r == -EWOULDBLOCK && o->wait_seconds)
		r = wait_lock(fd, o);
	if (r < 0) {
		close(fd);
		if (r == -EWOULDBLOCK)
			return pare_error_set(err, r, "%s: the database is locked by another process",
					      PARE_DB_LOCK_PATH);
		if (r == -ETIMEDOUT)
			return pare_error_set(err, r, "%s: still locked after %u seconds",
					      PARE_DB_LOCK_PATH, o->wait_seconds);
		return pare_error_set(err, r, "%s: flock: %s", PARE_DB_LOCK_PATH, strerror(-r));
	}
	l->fd = fd;
	return 0;
}
