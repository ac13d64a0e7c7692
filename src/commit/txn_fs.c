/* File-system work of a transaction besides extraction: digests of files
 * on disk, deleting files and directories of removed packages, sweeping
 * temporaries a killed run left behind. */
#include "commit/txn_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool txn_is_protected(struct pare_slice path)
{
	return pare_slice_starts_with(path, PARE_SLICE_LIT("etc/"));
}

int txn_file_digest(struct pare_root *root, const char *path, enum pare_digest_alg alg,
		    struct pare_digest_value *out)
{
	int fd = pare_root_openat(root, path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0,
				  NULL);
	if (fd < 0)
		return fd;
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	int r = pare_digest_fd(fd, alg, out);
	close(fd);
	return r;
}

void txn_touch(struct txn *t, struct pare_slice path)
{
	const char *slash = path.len ? memrchr(path.ptr, '/', path.len) : NULL;
	struct pare_slice dir = slash ? pare_slice_make(path.ptr, (size_t)(slash - path.ptr))
				      : PARE_SLICE_LIT("");
	if (pare_map_get(&t->touched, dir))
		return;
	struct pare_slice k = pare_arena_slice(&t->arena, dir);
	if (k.ptr)
		pare_map_put(&t->touched, k, (void *)k.ptr, NULL);
}

/* Is the file on disk a modified protected file that must stay? */
static bool keep_modified(struct txn_stage *s, struct pare_slice path, const char *resolved,
			  const struct pare_digest_value *csum)
{
	if (!txn_is_protected(path) || !csum || csum->alg == PARE_DIGEST_NONE)
		return false;
	struct pare_digest_value disk;
	if (txn_file_digest(s->t->o->root, resolved, csum->alg, &disk) < 0)
		return false;
	if (disk.len == csum->len && !memcmp(disk.bytes, csum->bytes, csum->len))
		return false;
	pare_log_warning(s->t->o->log, "keeping the modified /%.*s", (int)path.len, path.ptr);
	return true;
}

int txn_delete_file(struct txn_stage *s, struct pare_slice path,
		    const struct pare_digest_value *csum)
{
	struct pare_error err = { 0 };
	const char *slash = memrchr(path.ptr, '/', path.len);
	struct pare_slice dir = slash ? pare_slice_make(path.ptr, (size_t)(slash - path.ptr))
				      : PARE_SLICE_LIT("");
	struct pare_slice base = slash ? pare_slice_make(slash + 1, path.len - dir.len - 1) : path;
	const struct txn_dir *d;
	if (txn_resolve_dir(s, dir, &d, &err) < 0) {
		pare_log_warning(s->t->o->log, "not deleting /%.*s: %s", (int)path.len, path.ptr,
				 err.msg);
		return 0;
	}
	char resolved[PARE_PATH_MAX + 1];
	snprintf(resolved, sizeof(resolved), "%.*s%s%.*s", (int)d->resolved.len, d->resolved.ptr,
		 d->resolved.len ? "/" : "", (int)base.len, base.ptr);
	if (pare_db_owner(s->t->db, pare_slice_from(resolved)) ||
	    keep_modified(s, path, resolved, csum))
		return 0;
	const char *b;
	int pfd = pare_root_open_parent(s->t->o->root, resolved, false, 0, &b, NULL);
	if (pfd == -ENOENT)
		return 0;
	if (pfd < 0)
		return pfd;
	int r = unlinkat(pfd, b, 0) < 0 ? -errno : 0;
	close(pfd);
	txn_touch(s->t, path);
	return r == -ENOENT || r == -EISDIR || r == -EPERM ? 0 : r;
}

static size_t depth(struct pare_slice p)
{
	size_t n = 1;
	for (size_t i = 0; i < p.len; i++)
		n += p.ptr[i] == '/';
	return p.len ? n : 0;
}

static int deeper_first(const void *a, const void *b)
{
	size_t x = depth(*(const struct pare_slice *)a), y = depth(*(const struct pare_slice *)b);
	return x > y ? -1 : x < y;
}

void txn_remove_dirs(struct txn *t, struct pare_slice *dirs, size_t n)
{
	if (n == 0)
		return;
	qsort(dirs, n, sizeof(*dirs), deeper_first);
	for (size_t i = 0; i < n; i++) {
		char path[PARE_PATH_MAX + 1];
		if (dirs[i].len == 0 || dirs[i].len > PARE_PATH_MAX ||
		    pare_db_dir_users(t->db, dirs[i]) > 0)
			continue;
		snprintf(path, sizeof(path), "%.*s", (int)dirs[i].len, dirs[i].ptr);
		const char *b;
		int pfd = pare_root_open_parent(t->o->root, path, false, 0, &b, NULL);
		if (pfd < 0)
			continue;
		struct stat st;
		if (fstatat(pfd, b, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode) &&
		    unlinkat(pfd, b, AT_REMOVEDIR) == 0)
			txn_touch(t, dirs[i]);
		close(pfd);
	}
}

static bool all_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

/* Names of temporaries pare (or apk) makes: extractor ".apk.<hex>",
 * database ".<name>.pare-<16 hex>", scripts ".pare-<label>.<pid>". */
static bool is_stale(const char *name, bool script_dir)
{
	size_t n = strlen(name);
	const size_t xp = sizeof(PARE_EXTRACT_TMP_PREFIX) - 1;
	if (n > xp + 16 && !strncmp(name, PARE_EXTRACT_TMP_PREFIX, xp) &&
	    all_hex(name + xp, n - xp))
		return true;
	if (name[0] == '.' && n > 22 && !strncmp(name + n - 22, ".pare-", 6) &&
	    all_hex(name + n - 16, 16))
		return true;
	return script_dir && !strncmp(name, ".pare-", 6);
}

void txn_sweep_dir(struct txn *t, struct pare_slice dir)
{
	char path[PARE_PATH_MAX + 1];
	if (dir.len > PARE_PATH_MAX)
		return;
	/* Stale temporaries come only from earlier runs: once swept in this
	 * transaction a directory stays clean (every later temporary of ours
	 * is renamed or removed before the next sweep). */
	if (pare_map_get(&t->swept_dirs, dir))
		return;
	struct pare_slice key = pare_arena_slice(&t->arena, dir);
	if (key.ptr)
		pare_map_put(&t->swept_dirs, key, (void *)1, NULL);
	snprintf(path, sizeof(path), "%.*s", (int)dir.len, dir.ptr);
	int fd = pare_root_openat(t->o->root, dir.len ? path : ".",
				  O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0, NULL);
	if (fd < 0)
		return;
	DIR *dh = fdopendir(fd);
	if (!dh) {
		close(fd);
		return;
	}
	bool script_dir = !strcmp(path, PARE_TXN_SCRIPT_DIR);
	for (struct dirent *de; (de = readdir(dh));) {
		if (is_stale(de->d_name, script_dir) && unlinkat(fd, de->d_name, 0) == 0)
			t->res->swept++;
	}
	closedir(dh);
}

/* ---- directory metadata, once per transaction ---- */

void txn_defer_dir(void *ctx, const struct pare_extract_dirmeta *m)
{
	struct txn *t = ctx;
	struct pare_slice key = pare_slice_make(m->path, m->len);
	struct pare_extract_dirmeta *d = pare_map_get(&t->dirmeta, key);
	bool created = d && d->created;
	if (d) {
		key = pare_slice_make(d->path, d->len); /* the arena copy */
	} else {
		d = pare_arena_zalloc(&t->arena, sizeof(*d));
		key = pare_arena_slice(&t->arena, key);
		if (!d || !key.ptr || pare_map_put(&t->dirmeta, key, d, NULL) < 0) {
			t->res->errors++;
			pare_log_error(t->o->log, "/%.*s: out of memory", (int)m->len, m->path);
			return;
		}
	}
	*d = *m; /* the last package that lists it decides, as if applied now */
	d->path = key.ptr;
	d->created = created || m->created;
}

static size_t depth_of(const struct pare_extract_dirmeta *m)
{
	size_t n = 0;
	for (size_t i = 0; i < m->len; i++)
		n += m->path[i] == '/';
	return n;
}

static int deepest_first(const void *a, const void *b)
{
	const struct pare_extract_dirmeta *x = *(const struct pare_extract_dirmeta *const *)a;
	const struct pare_extract_dirmeta *y = *(const struct pare_extract_dirmeta *const *)b;
	size_t dx = depth_of(x), dy = depth_of(y);
	if (dx != dy)
		return dx > dy ? -1 : 1;
	return pare_slice_cmp(pare_slice_make(x->path, x->len), pare_slice_make(y->path, y->len));
}

void txn_apply_dirs(struct txn *t)
{
	size_t n = 0, pos = 0;
	struct pare_slice k;
	void *v;
	while (pare_map_next(&t->dirmeta, &pos, &k, &v))
		n++;
	if (n == 0)
		return;
	struct pare_extract_dirmeta **all = malloc(n * sizeof(*all));
	if (!all) {
		t->res->errors++;
		pare_log_error(t->o->log, "directory metadata: out of memory");
		return;
	}
	n = pos = 0;
	while (pare_map_next(&t->dirmeta, &pos, &k, &v))
		all[n++] = v;
	qsort(all, n, sizeof(*all), deepest_first);
	for (size_t i = 0; i < n; i++) {
		struct pare_error e = { 0 };
		if (pare_extract_dir_apply(t->o->root, &t->dirfds, all[i], &e) < 0) {
			t->res->errors++;
			pare_log_error(t->o->log, "%s", e.msg);
		}
	}
	free(all);
	pare_map_release(&t->dirmeta); /* applied (their memory is the arena's) */
	pare_map_init(&t->dirmeta);
}
