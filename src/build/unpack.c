/* Unpacking a verified source archive inside a directory (source.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/rootpath.h"
#include "io/archive_lazy.h"
#include "build/source.h"

bool pare_build_is_archive(const char *name)
{
	static const char *const ext[] = { ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2",
					   ".tar.xz", ".txz", ".tar.zst", ".tar.lz", ".zip" };
	size_t n = strlen(name);
	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		size_t k = strlen(ext[i]);
		if (n > k && !strcmp(name + n - k, ext[i]))
			return true;
	}
	return false;
}

struct unpack {
	struct archive *a;
	struct pare_root root;
	const char *archive;
	uid_t uid;
	gid_t gid;
	uint64_t max, total;
};

static int fail(struct unpack *u, const char *name, struct pare_error *err, int code,
		const char *why)
{
	return pare_error_set(err, code, "%s: %s: %s", u->archive, name ? name : "", why);
}

static int write_data(struct unpack *u, int fd, const char *name, struct pare_error *err)
{
	const void *buf;
	size_t len;
	la_int64_t off;
	for (;;) {
		int r = archive_read_data_block(u->a, &buf, &len, &off);
		if (r == ARCHIVE_EOF)
			return 0;
		if (r < ARCHIVE_WARN)
			return fail(u, name, err, -PARE_E_FORMAT, archive_error_string(u->a));
		if (off < 0 || (uint64_t)off + len > u->max - u->total + 0)
			return fail(u, name, err, -PARE_E_TOO_BIG, "more data than the unpack bound");
		if (pwrite(fd, buf, len, off) != (ssize_t)len)
			return fail(u, name, err, -errno, strerror(errno));
	}
}

static int regular(struct unpack *u, struct archive_entry *e, const char *name, mode_t mode,
		   struct pare_error *err)
{
	la_int64_t size = archive_entry_size(e);
	if (size < 0 || (uint64_t)size > u->max - u->total)
		return fail(u, name, err, -PARE_E_TOO_BIG, "larger than what is left of the bound");
	int fd = pare_root_openat(&u->root, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
				  O_CLOEXEC, 0600, err);
	if (fd < 0)
		return fd;
	int r = write_data(u, fd, name, err);
	if (r == 0 && ftruncate(fd, size) < 0)
		r = fail(u, name, err, -errno, strerror(errno));
	/* the archive's mtimes: make must see generated files as up to date */
	struct timespec ts[2] = { { .tv_sec = archive_entry_mtime(e) },
				  { .tv_sec = archive_entry_mtime(e) } };
	if (r == 0 && (fchown(fd, u->uid, u->gid) < 0 || fchmod(fd, mode) < 0 ||
		       futimens(fd, ts) < 0))
		r = fail(u, name, err, -errno, strerror(errno));
	close(fd);
	u->total += (uint64_t)size;
	return r;
}

static int at_parent(struct unpack *u, const char *name, const char **base,
		     struct pare_error *err)
{
	return pare_root_open_parent(&u->root, name, true, 0755, base, err);
}

static int directory(struct unpack *u, const char *name, mode_t mode, struct pare_error *err)
{
	const char *base;
	int dfd = at_parent(u, name, &base, err);
	if (dfd < 0)
		return dfd;
	int r = 0;
	if (mkdirat(dfd, base, 0700) < 0 && errno != EEXIST)
		r = fail(u, name, err, -errno, strerror(errno));
	int fd = r == 0 ? openat(dfd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) : -1;
	if (r == 0 && fd < 0)
		r = fail(u, name, err, -errno, "not a directory");
	if (fd >= 0 && (fchown(fd, u->uid, u->gid) < 0 || fchmod(fd, mode | 0700) < 0))
		r = fail(u, name, err, -errno, strerror(errno));
	if (fd >= 0)
		close(fd);
	close(dfd);
	return r;
}

static int link_entry(struct unpack *u, struct archive_entry *e, const char *name, bool hard,
		      struct pare_error *err)
{
	const char *target = hard ? archive_entry_hardlink(e) : archive_entry_symlink(e);
	const char *base;
	if (!target || !*target)
		return fail(u, name, err, -PARE_E_FORMAT, "link without a target");
	int r = 0, dfd = at_parent(u, name, &base, err);
	if (dfd < 0)
		return dfd;
	if (!hard) {
		struct timespec ts[2] = { { .tv_sec = archive_entry_mtime(e) },
					  { .tv_sec = archive_entry_mtime(e) } };
		if (symlinkat(target, dfd, base) < 0 ||
		    fchownat(dfd, base, u->uid, u->gid, AT_SYMLINK_NOFOLLOW) < 0 ||
		    utimensat(dfd, base, ts, AT_SYMLINK_NOFOLLOW) < 0)
			r = fail(u, name, err, -errno, strerror(errno));
	} else {
		struct pare_error e2 = { 0 };
		int tfd = pare_path_check_name(pare_slice_from(target), &e2) < 0 ? -1 :
			  pare_root_openat(&u->root, target, O_PATH | O_NOFOLLOW | O_CLOEXEC, 0, &e2);
		if (tfd < 0)
			r = fail(u, name, err, -PARE_E_FORMAT, "hard link to a file not in the archive");
		else if (linkat(tfd, "", dfd, base, AT_EMPTY_PATH) < 0)
			r = fail(u, name, err, -errno, strerror(errno));
		if (tfd >= 0)
			close(tfd);
	}
	close(dfd);
	return r;
}

static int entry(struct unpack *u, struct archive_entry *e, struct pare_error *err)
{
	const char *raw = archive_entry_pathname(e);
	if (!raw)
		return fail(u, "", err, -PARE_E_FORMAT, "entry without a name");
	char name[PARE_PATH_MAX];
	struct pare_slice t = pare_path_trim_entry(pare_slice_from(raw));
	if (t.len == 0)
		return 0; /* the root itself */
	int r = pare_path_check_name(t, err);
	if (r == 0 && t.len >= sizeof(name))
		r = pare_error_set(err, -PARE_E_UNSAFE_PATH, "path name longer than %zu bytes",
				   sizeof(name) - 1);
	if (r < 0)
		return pare_error_prefix(err, r, "%s: ", u->archive);
	memcpy(name, t.ptr, t.len);
	name[t.len] = '\0';
	mode_t mode = archive_entry_perm(e) & 0777;
	if (archive_entry_hardlink(e))
		return link_entry(u, e, name, true, err);
	switch (archive_entry_filetype(e)) {
	case AE_IFREG: return regular(u, e, name, mode, err);
	case AE_IFDIR: return directory(u, name, mode, err);
	case AE_IFLNK: return link_entry(u, e, name, false, err);
	default: return 0; /* devices, fifos: not in a source tree */
	}
}

int pare_build_unpack(const char *archive, const char *dest, uid_t uid, gid_t gid,
		      uint64_t max_bytes, struct pare_error *err)
{
	struct unpack u = { .archive = archive, .uid = uid, .gid = gid,
			    .max = max_bytes ? max_bytes : PARE_BUILD_MAX_UNPACK };
	int r = pare_root_open(&u.root, dest, err);
	if (r < 0)
		return r;
	u.a = archive_read_new();
	if (!u.a) {
		pare_root_release(&u.root);
		return pare_error_set(err, -ENOMEM, "out of memory");
	}
	archive_read_support_filter_all(u.a);
	archive_read_support_format_tar(u.a);
	archive_read_support_format_gnutar(u.a);
	archive_read_support_format_zip(u.a);
	if (archive_read_open_filename(u.a, archive, 65536) != ARCHIVE_OK)
		r = fail(&u, "", err, -PARE_E_FORMAT, archive_error_string(u.a));
	struct archive_entry *e;
	for (unsigned count = 0; r == 0;) {
		int k = archive_read_next_header(u.a, &e);
		if (k == ARCHIVE_EOF)
			break;
		if (k < ARCHIVE_WARN) {
			r = fail(&u, "", err, -PARE_E_FORMAT, archive_error_string(u.a));
			break;
		}
		if (++count > PARE_BUILD_MAX_ENTRIES)
			r = fail(&u, "", err, -PARE_E_TOO_BIG, "too many entries");
		else
			r = entry(&u, e, err);
	}
	archive_read_free(u.a);
	pare_root_release(&u.root);
	return r;
}
