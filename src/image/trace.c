/* The fanotify recorder (see trace.h). */
#include "image/trace.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/stream.h"

void pare_trace_init(struct pare_trace *t)
{
	memset(t, 0, sizeof(*t));
	t->fd = -1;
	pare_arena_init(&t->arena, 0, 0);
	pare_map_init(&t->seen);
}

void pare_trace_release(struct pare_trace *t)
{
	if (!t)
		return;
	if (t->fd >= 0)
		close(t->fd);
	pare_map_release(&t->seen);
	free(t->paths);
	pare_arena_release(&t->arena);
	pare_trace_init(t);
}

int pare_trace_add(struct pare_trace *t, const char *rel)
{
	while (*rel == '/')
		rel++;
	if (!*rel || pare_map_get(&t->seen, pare_slice_from(rel)))
		return 0;
	if (t->n >= PARE_TRACE_MAX_PATHS)
		return -PARE_E_TOO_BIG;
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 256;
		const char **nv = realloc(t->paths, cap * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		t->paths = nv;
		t->cap = cap;
	}
	char *k = pare_arena_strdup(&t->arena, pare_slice_from(rel));
	if (!k || pare_map_put(&t->seen, pare_slice_from(k), k, NULL) < 0)
		return -ENOMEM;
	t->paths[t->n++] = k;
	return 0;
}

bool pare_trace_has(const struct pare_trace *t, const char *rel)
{
	while (*rel == '/')
		rel++;
	return pare_map_get(&t->seen, pare_slice_from(rel)) != NULL;
}

/* Is path a mount point: its mount id (or device) differs from its
 * parent's (a bind mount keeps the device). */
static bool is_mount_point(const char *path)
{
	char parent[PATH_MAX + 4];
	struct statx a, b;
	if (snprintf(parent, sizeof(parent), "%s/..", path) >= (int)sizeof(parent))
		return false;
	if (statx(AT_FDCWD, path, 0, STATX_MNT_ID, &a) < 0 ||
	    statx(AT_FDCWD, parent, 0, STATX_MNT_ID, &b) < 0)
		return false;
	if ((a.stx_mask & STATX_MNT_ID) && (b.stx_mask & STATX_MNT_ID) &&
	    a.stx_mnt_id != b.stx_mnt_id)
		return true;
	return a.stx_dev_major != b.stx_dev_major || a.stx_dev_minor != b.stx_dev_minor;
}

int pare_trace_start(struct pare_trace *t, const char *mount_path, struct pare_error *err)
{
	char real[PATH_MAX];
	if (!realpath(mount_path, real))
		return pare_error_set(err, -errno, "trace: %s: %s", mount_path, strerror(errno));
	if (!is_mount_point(real))
		return pare_error_set(err, -PARE_E_USAGE, "trace: %s is not a mount point of its "
				      "own (tracing needs the test runner's overlay)", real);
	t->prefix_len = strlen(real);
	memcpy(t->prefix, real, t->prefix_len + 1);
	t->fd = fanotify_init(FAN_CLASS_NOTIF | FAN_CLOEXEC | FAN_NONBLOCK | FAN_UNLIMITED_QUEUE,
			      O_RDONLY | O_LARGEFILE | O_CLOEXEC);
	if (t->fd < 0)
		return pare_error_set(err, -errno, "trace: fanotify_init: %s (tracing needs "
				      "CAP_SYS_ADMIN and a kernel with fanotify)", strerror(errno));
	if (fanotify_mark(t->fd, FAN_MARK_ADD | FAN_MARK_FILESYSTEM, FAN_OPEN | FAN_OPEN_EXEC,
			  AT_FDCWD, real) < 0) {
		int e = errno;
		close(t->fd);
		t->fd = -1;
		return pare_error_set(err, -e, "trace: fanotify_mark %s: %s", real, strerror(e));
	}
	return 0;
}

/* The event's file as a root-relative path; NULL to ignore it. */
static const char *rel_path(struct pare_trace *t, int fd, char *buf, size_t n)
{
	char proc[64];
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	ssize_t l = readlink(proc, buf, n - 1);
	if (l <= 0 || buf[0] != '/')
		return NULL;
	buf[l] = '\0';
	if (strncmp(buf, t->prefix, t->prefix_len) == 0 &&
	    (buf[t->prefix_len] == '/' || buf[t->prefix_len] == '\0'))
		return buf + t->prefix_len;
	return buf;
}

int pare_trace_drain(struct pare_trace *t, struct pare_error *err)
{
	char buf[64 * 1024] __attribute__((aligned(8)));
	char path[PATH_MAX];
	int r = 0;
	while (t->fd >= 0) {
		ssize_t n = pare_read_some(t->fd, buf, sizeof(buf));
		if (n == -EAGAIN)
			return r;
		if (n <= 0)
			return n == 0 ? r : pare_error_set(err, (int)n, "trace: read: %s",
							   strerror((int)-n));
		struct fanotify_event_metadata *m = (struct fanotify_event_metadata *)buf;
		for (; FAN_EVENT_OK(m, n); m = FAN_EVENT_NEXT(m, n)) {
			if (m->mask & FAN_Q_OVERFLOW)
				t->overflow = true;
			if (m->fd < 0)
				continue;
			const char *rel = rel_path(t, m->fd, path, sizeof(path));
			close(m->fd);
			int a = rel ? pare_trace_add(t, rel) : 0;
			if (a < 0 && r == 0)
				r = pare_error_set(err, a, "trace: %s", a == -ENOMEM ? "out of memory"
						   : "too many files");
		}
	}
	return r;
}

int pare_trace_stop(struct pare_trace *t, struct pare_error *err)
{
	int r = pare_trace_drain(t, err);
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
	if (r == 0 && t->overflow)
		r = pare_error_set(err, -PARE_E_TOO_BIG, "trace: the kernel dropped events "
				   "(queue overflow): the trace is incomplete");
	return r;
}
