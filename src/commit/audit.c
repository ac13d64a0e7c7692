/* apk audit: walk a root and compare it with the installed database. */
#include "commit/audit.h"
#include "db/pruned.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/hashmap.h"
#include "io/digest.h"

#define AUDIT_MAX_DEPTH 256

struct audit {
	const struct pare_db_installed *db;
	const struct pare_audit_opts *o;
	struct pare_arena arena;
	struct pare_map seen;   /* files found on disk */
	struct pare_map walked; /* directories read */
	struct pare_prune_record pruned; /* files removed below their packages */
	char path[PARE_PATH_MAX + 2];
};

static bool in_etc(struct pare_slice p)
{
	if (pare_slice_eq_cstr(p, "etc/apk") || pare_slice_starts_with(p, PARE_SLICE_LIT("etc/apk/")))
		return false;
	return pare_slice_eq_cstr(p, "etc") || pare_slice_starts_with(p, PARE_SLICE_LIT("etc/"));
}

static void remember(struct audit *a, struct pare_map *m, struct pare_slice p)
{
	struct pare_slice k = pare_arena_slice(&a->arena, p);
	if (k.ptr || p.len == 0)
		pare_map_put(m, k.ptr ? k : PARE_SLICE_LIT(""), (void *)1, NULL);
}

static int content_digest(int dirfd, const char *name, const struct stat *st,
			  enum pare_digest_alg alg, struct pare_digest_value *out)
{
	char buf[PARE_PATH_MAX + 1];
	if (S_ISLNK(st->st_mode)) {
		ssize_t n = readlinkat(dirfd, name, buf, sizeof(buf));
		return n < 0 ? -errno : pare_digest_buffer(alg, buf, (size_t)n, out);
	}
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int r = pare_digest_fd(fd, alg, out);
	close(fd);
	return r;
}

static char check_file(struct audit *a, int dirfd, const char *name, const struct stat *st,
		       const struct pare_db_file *f)
{
	if (f->csum.alg == PARE_DIGEST_NONE)
		return S_ISLNK(st->st_mode) ? 'U' : 0;
	struct pare_digest_value v;
	if (content_digest(dirfd, name, st, f->csum.alg, &v) < 0)
		return 'e';
	if (v.len != f->csum.len || memcmp(v.bytes, f->csum.bytes, v.len))
		return 'U';
	if (!a->o->check_permissions || S_ISLNK(st->st_mode))
		return 0;
	uint32_t mode = f->has_acl ? f->acl.mode : PARE_DB_DEFAULT_FILE_MODE;
	uint32_t uid = f->has_acl ? f->acl.uid : 0, gid = f->has_acl ? f->acl.gid : 0;
	if ((st->st_mode & 07777) != mode || st->st_uid != uid || st->st_gid != gid)
		return 'M';
	return 0;
}

static void report(struct audit *a, char reason, const char *path, const struct pare_db_file *f)
{
	if (reason && a->o->report)
		a->o->report(a->o->ctx, reason, path, f);
}

static void audit_entry(struct audit *a, int dirfd, size_t len, const char *name, int depth);

static void walk(struct audit *a, int dirfd, size_t len, int depth)
{
	remember(a, &a->walked, pare_slice_make(a->path, len));
	DIR *dh = fdopendir(dirfd);
	if (!dh) {
		close(dirfd);
		return;
	}
	for (struct dirent *de; (de = readdir(dh));) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		audit_entry(a, dirfd, len, de->d_name, depth);
	}
	closedir(dh);
}

static bool descend(struct audit *a, struct pare_slice full, bool *unlisted)
{
	*unlisted = pare_db_dir_users(a->db, full) == 0;
	switch (a->o->mode) {
	case PARE_AUDIT_BACKUP:
		return in_etc(full) || pare_slice_eq_cstr(full, "etc");
	case PARE_AUDIT_SYSTEM:
		return !*unlisted;
	default:
		return true;
	}
}

static void audit_dir(struct audit *a, int dirfd, size_t len, const char *name, int depth)
{
	size_t flen = strlen(a->path);
	bool unlisted;
	if (!descend(a, pare_slice_make(a->path, flen), &unlisted) || depth >= AUDIT_MAX_DEPTH)
		return;
	if (a->o->mode == PARE_AUDIT_FULL && unlisted) {
		a->path[flen] = '/';
		a->path[flen + 1] = '\0';
		report(a, 'd', a->path, NULL);
		a->path[flen] = '\0';
	}
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0)
		walk(a, fd, flen, depth + 1);
	(void)len;
}

static void audit_entry(struct audit *a, int dirfd, size_t len, const char *name, int depth)
{
	size_t nl = strlen(name);
	if (len + 1 + nl >= PARE_PATH_MAX)
		return;
	size_t flen = len;
	if (len)
		a->path[flen++] = '/';
	memcpy(a->path + flen, name, nl + 1);
	flen += nl;
	struct stat st;
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		report(a, 'e', a->path, NULL);
	} else if (S_ISDIR(st.st_mode)) {
		audit_dir(a, dirfd, len, name, depth);
	} else {
		struct pare_slice full = pare_slice_make(a->path, flen);
		const struct pare_db_file *f = pare_db_owner(a->db, full);
		if (f)
			remember(a, &a->seen, full);
		bool etc = in_etc(full);
		char reason = 0;
		if (a->o->mode == PARE_AUDIT_BACKUP && !etc)
			reason = 0;
		else if (a->o->mode == PARE_AUDIT_SYSTEM && (!f || etc))
			reason = 0;
		else if (!f)
			reason = pare_slice_ends_with(full, PARE_SLICE_LIT(".apk-new")) &&
					 a->o->mode == PARE_AUDIT_BACKUP
				 ? 0
				 : 'A';
		else
			reason = check_file(a, dirfd, name, &st, f);
		report(a, reason, a->path, f);
	}
	a->path[len] = '\0';
}

static void report_missing(struct audit *a)
{
	for (size_t i = 0; i < a->db->npkgs; i++) {
		struct pare_db_file_iter it;
		pare_db_file_iter_init(&it, a->db->pkgs[i]);
		for (const struct pare_db_file *f; (f = pare_db_file_iter_next(&it));) {
			bool pruned = pare_prune_record_find(&a->pruned, f->path);
			/* a pruned file's folder may have gone with it */
			if (f->pkg != a->db->pkgs[i] || pare_map_get(&a->seen, f->path) ||
			    (!pare_map_get(&a->walked, f->dir->path) && !pruned))
				continue;
			bool etc = in_etc(f->path);
			if ((a->o->mode == PARE_AUDIT_BACKUP && !etc) ||
			    (a->o->mode == PARE_AUDIT_SYSTEM && etc))
				continue;
			char p[PARE_PATH_MAX + 1];
			snprintf(p, sizeof(p), "%.*s", (int)f->path.len, f->path.ptr);
			report(a, pruned ? 'P' : 'X', p, f);
		}
	}
}

int pare_audit(struct pare_root *root, const struct pare_db_installed *db,
	       const struct pare_audit_opts *o, struct pare_error *err)
{
	struct audit a;
	memset(&a, 0, sizeof(a));
	a.db = db;
	a.o = o;
	pare_arena_init(&a.arena, 65536, 0);
	pare_map_init(&a.seen);
	pare_map_init(&a.walked);
	pare_prune_record_init(&a.pruned);
	int fd = openat(root->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int r = fd < 0 ? pare_error_set(err, -errno, "cannot read the root: %s", strerror(errno))
		       : 0;
	if (fd >= 0 && (r = pare_prune_record_read(&a.pruned, root, err)) < 0)
		close(fd);
	else if (fd >= 0) {
		walk(&a, fd, 0, 0);
		report_missing(&a);
	}
	pare_map_release(&a.seen);
	pare_map_release(&a.walked);
	pare_prune_record_release(&a.pruned);
	pare_arena_release(&a.arena);
	return r;
}
