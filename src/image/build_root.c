/* What the builder adds to a root besides packages: accounts,
 * os-release, apk's configuration, the application's binaries and the
 * config's paths.  Every path is resolved inside the root. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "image/build_int.h"
#include "io/url.h"
#include "io/stream.h"

#define PIB_MAX_ETC (4u << 20) /* passwd, group, os-release as read */
#define PIB_MAX_PATH_DEPTH 64

/* ---- files inside the root */

/* Open path for writing, replacing a non-directory already there. */
static int create_at(struct pare_root *root, const char *path, uint32_t mode,
		     struct pare_error *err)
{
	const char *base;
	int dfd = pare_root_open_parent(root, path, true, 0755, &base, err);
	if (dfd < 0)
		return dfd;
	if (unlinkat(dfd, base, 0) < 0 && errno != ENOENT) {
		int e = errno;
		close(dfd);
		return pare_error_set(err, -e, "/%s: cannot replace: %s", path, strerror(e));
	}
	int fd = openat(dfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	int e = errno;
	close(dfd);
	if (fd < 0)
		return pare_error_set(err, -e, "/%s: cannot create: %s", path, strerror(e));
	if (fchmod(fd, mode) < 0) {
		e = errno;
		close(fd);
		return pare_error_set(err, -e, "/%s: chmod: %s", path, strerror(e));
	}
	return fd;
}

int pib_write_file(struct pare_root *root, const char *path, const void *p, size_t n,
		   uint32_t mode, struct pare_error *err)
{
	int fd = create_at(root, path, mode, err);
	if (fd < 0)
		return fd;
	int r = pare_write_all(fd, p, n);
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r < 0)
		return pare_error_set(err, r, "/%s: write: %s", path, strerror(-r));
	return 0;
}

int pib_read_small(struct pare_root *root, struct pare_arena *arena, const char *path, size_t max,
		   char **out, size_t *len, struct pare_error *err)
{
	int fd = pare_root_openat(root, path, O_RDONLY | O_CLOEXEC, 0, NULL);
	if (fd < 0)
		return fd == -ENOENT ? -ENOENT : pare_error_set(err, fd, "/%s: cannot open", path);
	char *buf = pare_arena_alloc(arena, max + 1);
	size_t n = 0;
	ssize_t got = 0;
	while (buf && n < max && (got = pare_read_some(fd, buf + n, max - n)) > 0)
		n += (size_t)got;
	close(fd);
	if (!buf)
		return pare_error_set(err, -ENOMEM, "out of memory");
	if (got < 0)
		return pare_error_set(err, -EIO, "/%s: read error", path);
	if (n == max)
		return pare_error_set(err, -PARE_E_TOO_BIG, "/%s: larger than %zu bytes", path, max);
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

/* ---- accounts */

/* Does the colon-separated file text have an entry called name? */
static bool has_entry(const char *text, const char *name)
{
	size_t n = strlen(name);
	for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL)
		if (strncmp(l, name, n) == 0 && l[n] == ':')
			return true;
	return false;
}

static int existing(const struct pib_root_in *in, const char *path, struct pare_buf *b,
		    struct pare_error *err)
{
	char *text;
	size_t len;
	int r = pib_read_small(in->root, in->arena, path, PIB_MAX_ETC, &text, &len, err);
	if (r == -ENOENT)
		return 0;
	if (r == 0 && len)
		r = pare_buf_append(b, text, len);
	if (r == 0 && len && text[len - 1] != '\n')
		r = pare_buf_putc(b, '\n');
	return r;
}

static int passwd_text(const struct pib_root_in *in, struct pare_buf *b, struct pare_error *err)
{
	struct pare_buf old;
	pare_buf_init(&old, PIB_MAX_ETC);
	int r = existing(in, "etc/passwd", &old, err);
	if (r == 0)
		r = pare_buf_putc(&old, '\0');
	const char *text = (const char *)pare_buf_slice(&old).ptr;
	if (r == 0 && !has_entry(text, "root"))
		r = pare_buf_append_str(b, "root:x:0:0:root:/root:/bin/sh\n");
	if (r == 0)
		r = pare_buf_append_str(b, text);
	for (size_t i = 0; r == 0 && i < in->cfg->nusers; i++) {
		const struct pare_image_user *u = &in->cfg->users[i];
		if (has_entry(text, u->name))
			continue;
		r = pare_buf_appendf(b, "%s:x:%u:%u::%s%s:%s\n", u->name, u->uid,
				     u->has_gid ? u->gid : u->uid, u->homedir ? "" : "/home/",
				     u->homedir ? u->homedir : u->name,
				     u->shell ? u->shell : "/bin/sh");
	}
	pare_buf_release(&old);
	return r;
}

static int group_text(const struct pib_root_in *in, struct pare_buf *b, struct pare_error *err)
{
	struct pare_buf old;
	pare_buf_init(&old, PIB_MAX_ETC);
	int r = existing(in, "etc/group", &old, err);
	if (r == 0)
		r = pare_buf_putc(&old, '\0');
	const char *text = (const char *)pare_buf_slice(&old).ptr;
	if (r == 0 && !has_entry(text, "root"))
		r = pare_buf_append_str(b, "root:x:0:\n");
	if (r == 0)
		r = pare_buf_append_str(b, text);
	for (size_t i = 0; r == 0 && i < in->cfg->ngroups; i++) {
		const struct pare_image_group *g = &in->cfg->groups[i];
		if (has_entry(text, g->name))
			continue;
		r = pare_buf_appendf(b, "%s:x:%u:", g->name, g->gid);
		for (size_t m = 0; r == 0 && m < g->nmembers; m++)
			r = pare_buf_appendf(b, "%s%s", m ? "," : "", g->members[m]);
		if (r == 0)
			r = pare_buf_putc(b, '\n');
	}
	pare_buf_release(&old);
	return r;
}

/* Record owner and mode of a path for the layer (and on disk as root). */
static int set_meta(const struct pib_root_in *in, const char *path, bool has_mode,
		    uint32_t mode, bool has_uid, uint32_t uid, bool has_gid, uint32_t gid,
		    struct pare_error *err)
{
	struct stat st;
	const char *base;
	int dfd = pare_root_open_parent(in->root, path, false, 0, &base, err);
	if (dfd < 0)
		return dfd;
	if (fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		int e = errno;
		close(dfd);
		return pare_error_set(err, -e, "/%s: %s", path, strerror(e));
	}
	const struct pare_layer_meta *old = pare_layer_table_get(in->table, path);
	struct pare_layer_meta m = old ? *old : (struct pare_layer_meta){ .mode = st.st_mode & 07777 };
	if (has_mode && !S_ISLNK(st.st_mode)) {
		m.mode = mode;
		fchmodat(dfd, base, mode, 0);
	}
	if (has_uid)
		m.uid = uid;
	if (has_gid)
		m.gid = gid;
	if ((has_uid || has_gid) && geteuid() == 0)
		fchownat(dfd, base, (uid_t)m.uid, (gid_t)m.gid, AT_SYMLINK_NOFOLLOW);
	close(dfd);
	if (pare_layer_table_set(in->table, path, &m) < 0)
		return pare_error_set(err, -ENOMEM, "out of memory");
	return 0;
}

static int make_dir(const struct pib_root_in *in, const char *path, uint32_t mode,
		    struct pare_error *err)
{
	const char *base;
	int dfd = pare_root_open_parent(in->root, path, true, 0755, &base, err);
	if (dfd < 0)
		return dfd;
	int r = mkdirat(dfd, base, mode) < 0 ? -errno : 0;
	struct stat st;
	if (r == -EEXIST && fstatat(dfd, base, &st, 0) == 0 && S_ISDIR(st.st_mode))
		r = 0;
	close(dfd);
	if (r < 0)
		return pare_error_set(err, r, "/%s: cannot create directory: %s", path, strerror(-r));
	return 0;
}

static int make_homes(const struct pib_root_in *in, struct pare_error *err)
{
	for (size_t i = 0; i < in->cfg->nusers; i++) {
		const struct pare_image_user *u = &in->cfg->users[i];
		char path[PARE_PATH_MAX];
		if (u->homedir)
			snprintf(path, sizeof(path), "%s", u->homedir + (u->homedir[0] == '/'));
		else
			snprintf(path, sizeof(path), "home/%s", u->name);
		if (pare_path_check_name(pare_slice_from(path), err) < 0)
			return pare_error_prefix(err, -PARE_E_UNSAFE_PATH, "user %s homedir", u->name);
		int fd = pare_root_openat(in->root, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0, NULL);
		if (fd >= 0) {
			close(fd);
			continue; /* a package made it: its owner stays */
		}
		int r = make_dir(in, path, 0755, err);
		if (r == 0)
			r = set_meta(in, path, true, 0755, true, u->uid, true,
				     u->has_gid ? u->gid : u->uid, err);
		if (r < 0)
			return r;
	}
	return 0;
}

static int write_buf(const struct pib_root_in *in, const char *path, struct pare_buf *b,
		     struct pare_error *err)
{
	struct pare_slice s = pare_buf_slice(b);
	return pib_write_file(in->root, path, s.ptr, s.len, 0644, err);
}

int pib_write_accounts(const struct pib_root_in *in, struct pare_error *err)
{
	struct pare_buf b;
	pare_buf_init(&b, 2 * PIB_MAX_ETC);
	int r = passwd_text(in, &b, err);
	if (r == 0)
		r = write_buf(in, "etc/passwd", &b, err);
	pare_buf_reset(&b);
	if (r == 0)
		r = group_text(in, &b, err);
	if (r == 0)
		r = write_buf(in, "etc/group", &b, err);
	pare_buf_release(&b);
	if (r == 0)
		r = make_homes(in, err);
	return r == -ENOMEM || r == -PARE_E_TOO_BIG ? pare_error_set(err, r, "accounts: too big") : r;
}

/* ---- os-release, apk's files */

int pib_write_os_release(const struct pib_root_in *in, struct pare_error *err)
{
	static const char *const have[] = { "etc/os-release", "usr/lib/os-release" };
	for (size_t i = 0; i < 2; i++) {
		int fd = pare_root_openat(in->root, have[i], O_RDONLY | O_CLOEXEC, 0, NULL);
		if (fd >= 0) {
			close(fd);
			return 0;
		}
	}
	char text[512];
	int n = snprintf(text, sizeof(text),
			 "ID=pare\nNAME=\"pare\"\nPRETTY_NAME=\"pare image\"\nVERSION_ID=%s\n"
			 "HOME_URL=\"https://github.com/pare\"\n",
			 in->os_version ? in->os_version : "0");
	return pib_write_file(in->root, "etc/os-release", text, (size_t)n, 0644, err);
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

int pib_write_apk_files(const struct pib_root_in *in, struct pare_error *err)
{
	struct pare_buf b;
	const char **atoms = calloc(in->nworld + 1, sizeof(*atoms));
	if (!atoms)
		return pare_error_set(err, -ENOMEM, "out of memory");
	if (in->nworld) { /* an image of binaries alone has no world */
		memcpy(atoms, in->world_atoms, in->nworld * sizeof(*atoms));
		qsort(atoms, in->nworld, sizeof(*atoms), cmp_str);
	}
	pare_buf_init(&b, 16u << 20);
	int r = 0;
	for (size_t i = 0; r == 0 && i < in->nworld; i++)
		r = pare_buf_appendf(&b, "%s\n", atoms[i]);
	free(atoms);
	if (r == 0)
		r = write_buf(in, "etc/apk/world", &b, err);
	pare_buf_reset(&b);
	for (size_t i = 0; r == 0 && i < in->cfg->nrepositories; i++) {
		const struct pare_image_repo *p = &in->cfg->repositories[i];
		char shown[PARE_URL_SHOWN_MAX]; /* an image never carries credentials */
		if (p->use != PARE_IMAGE_REPO_BUILD)
			r = pare_buf_appendf(&b, "%s%s%s%s\n", p->tag ? "@" : "",
					     p->tag ? p->tag : "", p->tag ? " " : "",
					     pare_url_redact(p->url, shown, sizeof(shown)));
	}
	if (r == 0)
		r = write_buf(in, "etc/apk/repositories", &b, err);
	pare_buf_reset(&b);
	if (r == 0)
		r = pare_buf_appendf(&b, "%s\n", in->arch);
	if (r == 0)
		r = write_buf(in, "etc/apk/arch", &b, err);
	pare_buf_release(&b);
	return r == -ENOMEM ? pare_error_set(err, r, "out of memory") : r;
}

/* ---- binaries */

static int copy_fd(int in, int out, const char *src, struct pare_error *err)
{
	char buf[65536];
	uint64_t total = 0;
	for (;;) {
		ssize_t got = pare_read_some(in, buf, sizeof(buf));
		if (got < 0)
			return pare_error_set(err, (int)got, "%s: read: %s", src,
					      strerror((int)-got));
		if (got == 0)
			return 0;
		total += (uint64_t)got;
		if (total > PARE_IMAGE_BUILD_MAX_BINARY)
			return pare_error_set(err, -PARE_E_TOO_BIG, "%s: too big", src);
		int r = pare_write_all(out, buf, (size_t)got);
		if (r < 0)
			return pare_error_set(err, r, "%s: write: %s", src, strerror(-r));
	}
}

static int copy_binary(const struct pib_root_in *in, const struct pib_binary *b,
		       struct pare_error *err)
{
	const char *dest = b->dest + 1;
	struct stat st;
	if (pare_path_check_name(pare_slice_from(dest), err) < 0)
		return pare_error_prefix(err, -PARE_E_UNSAFE_PATH, "binary %s", b->src);
	const struct pare_db_file *owner = pare_db_owner(in->db, pare_slice_from(dest));
	if (owner)
		return pare_error_set(err, -EEXIST, "binary %s: %s is a file of package %.*s",
				      b->src, b->dest, (int)owner->pkg->ent.name.len,
				      owner->pkg->ent.name.ptr);
	int sfd = open(b->src, O_RDONLY | O_CLOEXEC);
	if (sfd < 0 || fstat(sfd, &st) < 0 || !S_ISREG(st.st_mode)) {
		int e = sfd < 0 ? errno : EINVAL;
		if (sfd >= 0)
			close(sfd);
		return pare_error_set(err, -e, "binary %s: %s", b->src,
				      e == EINVAL ? "not a regular file" : strerror(e));
	}
	uint32_t mode = st.st_mode & 0777;
	int out = create_at(in->root, dest, mode, err);
	int r = out < 0 ? out : copy_fd(sfd, out, b->src, err);
	close(sfd);
	if (out >= 0)
		close(out);
	if (r == 0)
		r = set_meta(in, dest, true, mode, true, 0, true, 0, err);
	return r;
}

int pib_copy_binaries(const struct pib_root_in *in, struct pare_error *err)
{
	for (size_t i = 0; i < in->nbins; i++) {
		int r = in->bins[i].package ? 0 : copy_binary(in, &in->bins[i], err);
		if (r < 0)
			return r;
	}
	return 0;
}

/* ---- paths */

static int path_meta(const struct pib_root_in *in, const struct pare_image_path *p,
		     const char *path, struct pare_error *err)
{
	return set_meta(in, path, p->has_permissions, p->permissions, p->has_uid, p->uid,
			p->has_gid, p->gid, err);
}

/* The same metadata for everything below dir (paths: recursive). */
static int path_meta_tree(const struct pib_root_in *in, const struct pare_image_path *p,
			  const char *dir, unsigned depth, struct pare_error *err)
{
	if (depth > PIB_MAX_PATH_DEPTH)
		return pare_error_set(err, -PARE_E_TOO_BIG, "/%s: too deep", dir);
	int fd = pare_root_openat(in->root, dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0,
				  err);
	if (fd < 0)
		return fd;
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return pare_error_set(err, -errno, "/%s: %s", dir, strerror(errno));
	}
	int r = 0;
	for (struct dirent *de; r == 0 && (de = readdir(d));) {
		char sub[PARE_PATH_MAX];
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (snprintf(sub, sizeof(sub), "%s/%s", dir, de->d_name) >= (int)sizeof(sub)) {
			r = pare_error_set(err, -ENAMETOOLONG, "/%s: path too long", dir);
			break;
		}
		r = path_meta(in, p, sub, err);
		if (r == 0 && de->d_type == DT_DIR)
			r = path_meta_tree(in, p, sub, depth + 1, err);
	}
	closedir(d);
	return r;
}

static int make_link(const struct pib_root_in *in, const struct pare_image_path *p,
		     const char *path, struct pare_error *err)
{
	const char *base, *sbase;
	if (!p->source)
		return pare_error_set(err, -PARE_E_USAGE, "paths %s: no source", p->path);
	int dfd = pare_root_open_parent(in->root, path, true, 0755, &base, err);
	if (dfd < 0)
		return dfd;
	unlinkat(dfd, base, 0);
	int r = 0;
	if (p->type == PARE_IMAGE_PATH_SYMLINK) {
		r = symlinkat(p->source, dfd, base) < 0 ? -errno : 0;
	} else {
		char src[PARE_PATH_MAX];
		snprintf(src, sizeof(src), "%s", p->source + (p->source[0] == '/'));
		int sfd = pare_path_check_name(pare_slice_from(src), err) < 0
				  ? -PARE_E_UNSAFE_PATH
				  : pare_root_open_parent(in->root, src, false, 0, &sbase, err);
		r = sfd < 0 ? sfd : linkat(sfd, sbase, dfd, base, 0) < 0 ? -errno : 0;
		if (sfd >= 0)
			close(sfd);
	}
	close(dfd);
	if (r < 0 && r != -PARE_E_UNSAFE_PATH)
		return pare_error_set(err, r, "paths %s -> %s: %s", p->path, p->source,
				      strerror(-r));
	return r;
}

static int apply_path(const struct pib_root_in *in, const struct pare_image_path *p,
		      struct pare_error *err)
{
	char path[PARE_PATH_MAX];
	int r = 0;
	snprintf(path, sizeof(path), "%s", p->path + (p->path[0] == '/'));
	if (pare_path_check_name(pare_slice_from(path), err) < 0)
		return pare_error_prefix(err, -PARE_E_UNSAFE_PATH, "%s: paths", in->cfg->file);
	switch (p->type) {
	case PARE_IMAGE_PATH_DIRECTORY:
		r = make_dir(in, path, p->has_permissions ? p->permissions : 0755, err);
		break;
	case PARE_IMAGE_PATH_EMPTY_FILE: {
		int fd = create_at(in->root, path, p->has_permissions ? p->permissions : 0644, err);
		r = fd < 0 ? fd : close(fd);
		break;
	}
	case PARE_IMAGE_PATH_HARDLINK:
	case PARE_IMAGE_PATH_SYMLINK:
		r = make_link(in, p, path, err);
		break;
	case PARE_IMAGE_PATH_PERMISSIONS:
		break;
	}
	if (r == 0)
		r = path_meta(in, p, path, err);
	if (r == 0 && p->recursive && p->type != PARE_IMAGE_PATH_SYMLINK) {
		struct stat st;
		const char *base;
		int dfd = pare_root_open_parent(in->root, path, false, 0, &base, err);
		bool dir = dfd >= 0 && fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
			   S_ISDIR(st.st_mode);
		if (dfd >= 0)
			close(dfd);
		if (dir)
			r = path_meta_tree(in, p, path, 0, err);
	}
	return r;
}

int pib_apply_paths(const struct pib_root_in *in, struct pare_error *err)
{
	for (size_t i = 0; i < in->cfg->npaths; i++) {
		int r = apply_path(in, &in->cfg->paths[i], err);
		if (r < 0)
			return r;
	}
	return 0;
}
