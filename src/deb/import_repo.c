/* The repository side of import-deb: REPO/ARCH/APKINDEX.tar.gz (apk/index.h,
 * the same code as `pare index`) and the contents index REPO/ARCH/CONTENTS.
 *
 * Index: every .apk file in REPO/ARCH, sorted by file name; the entry of a file
 * that is not newer than the old index and whose name and size match an
 * old entry is reused (apk index's rule), the others are read in full.
 * Signed with the import key; tar mtime SOURCE_DATE_EPOCH or 0.
 *
 * CONTENTS (plain text, one line per non-directory file of a package):
 *     PATH<TAB>PACKAGE\n
 * PATH relative to the root (no leading '/'), PACKAGE the name of the
 * package in this folder that owns it; lines sorted bytewise.  Lines of
 * packages written again are replaced; lines of packages no longer in the
 * index are dropped.  At most PARE_IMPORT_MAX_CONTENTS bytes.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "apk/index.h"
#include "apk/package.h"
#include "deb/import_int.h"
#include "io/atomic.h"
#include "io/stream.h"

#define PARE_IMPORT_MAX_CONTENTS (512u << 20)

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int list_apks(struct imp *m, const char *dir, const char ***out, size_t *n,
		     struct pare_error *err)
{
	DIR *dp = opendir(dir);
	if (!dp)
		return pare_error_set(err, -errno, "%s: %s", dir, strerror(errno));
	size_t cap = 256;
	const char **v = malloc(cap * sizeof(*v));
	struct dirent *de;
	*n = 0;
	while (v && (de = readdir(dp))) {
		size_t len = strlen(de->d_name);
		if (len < 5 || strcmp(de->d_name + len - 4, ".apk") || de->d_name[0] == '.')
			continue;
		if (*n == cap) {
			const char **nv = realloc(v, 2 * cap * sizeof(*v));
			if (!nv) {
				free(v);
				v = NULL;
				break;
			}
			v = nv;
			cap *= 2;
		}
		v[(*n)++] = pare_arena_strdup(&m->arena, pare_slice_make(de->d_name, len));
	}
	closedir(dp);
	if (!v)
		return pare_error_set(err, -ENOMEM, "out of memory");
	qsort(v, *n, sizeof(*v), cmp_str);
	*out = v;
	return 0;
}

/* A package this run has just written: the index needs its control
 * member only (identity, .PKGINFO); re-reading and re-verifying the data
 * that was hashed while it was written would double the run's inflate and
 * hashing work. */
static int add_fresh(struct pare_index *idx, const char *path, uint64_t size,
		     struct pare_error *err)
{
	struct pare_pkg pkg;
	struct pare_pkg_read_opts po = { .control_only = true };
	pare_pkg_init(&pkg);
	int r = pare_pkg_read_file(&pkg, path, &po, NULL, err);
	if (r == 0 && (r = pare_index_add_pkg(idx, &pkg, size, err)) < 0)
		r = pare_error_prefix(err, r, "%s: ", path);
	pare_pkg_release(&pkg);
	return r;
}

static int add_all(struct imp *m, const char *dir, struct pare_index *idx,
		   const struct pare_index *old, int64_t old_mtime, struct pare_error *err)
{
	const char **names = NULL;
	size_t n = 0;
	int r = list_apks(m, dir, &names, &n, err);
	struct pare_index_read_opts ro = { .allow_untrusted = true };
	for (size_t i = 0; r == 0 && i < n; i++) {
		char p[PATH_MAX];
		struct stat st;
		imp_pathf(p, sizeof(p), "%s/%s", dir, names[i]);
		if (stat(p, &st) < 0)
			continue;
		ptrdiff_t k = -1;
		if (old && old_mtime >= st.st_mtime)
			k = pare_index_find_file(old, pare_slice_from(names[i]), (uint64_t)st.st_size);
		if (k >= 0)
			r = pare_index_add(idx, &old->ents[k], err);
		else if (pare_map_get(&m->fresh, pare_slice_from(names[i])))
			r = add_fresh(idx, p, (uint64_t)st.st_size, err);
		else
			r = pare_index_add_pkg_file(idx, p, &ro, err);
	}
	free(names);
	return r;
}

static int write_index(struct imp *m, const char *dir, struct pare_index *idx,
		       struct pare_error *err)
{
	char path[PATH_MAX];
	imp_pathf(path, sizeof(path), "%s/APKINDEX.tar.gz", dir);
	struct pare_index_write_opts wo = {
		.mtime = m->o->source_date_epoch < 0 ? 0 : m->o->source_date_epoch,
		.flags = PARE_INDEX_WRITE_CANONICAL,
		.key = &m->key,
		.keyname = m->keyname,
		.sig_alg = PARE_DIGEST_SHA256,
	};
	int r = pare_index_sort(idx);
	return r < 0 ? pare_error_set(err, r, "%s: cannot sort the index", path)
		     : pare_index_write_targz_file(idx, &wo, path, err);
}

/* ---- contents ---- */

static bool written_now(const struct imp *m, struct pare_slice name)
{
	for (size_t i = 0; i < m->ndebs; i++)
		for (size_t k = 0; k < m->debs[i].nsubs; k++)
			if (m->debs[i].subs[k].rep && pare_slice_eq_cstr(name, m->debs[i].subs[k].name))
				return true;
	return false;
}

static bool in_index(const struct pare_index *idx, struct pare_slice name)
{
	for (size_t i = 0; i < idx->n; i++)
		if (pare_slice_eq(idx->ents[i].name, name))
			return true;
	return false;
}

static int old_contents(struct imp *m, const char *path, const struct pare_index *idx,
			struct pare_strlist *lines)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	struct pare_buf b;
	pare_buf_init(&b, PARE_IMPORT_MAX_CONTENTS);
	int r = pare_read_fd(fd, &b, path, NULL);
	close(fd);
	struct pare_slice text = pare_buf_slice(&b), line;
	while (r == 0 && pare_slice_split(&text, '\n', &line)) {
		ptrdiff_t tab = pare_slice_find(line, '\t');
		if (tab <= 0)
			continue;
		struct pare_slice pkg = pare_slice_sub(line, (size_t)tab + 1, line.len - (size_t)tab - 1);
		if (!written_now(m, pkg) && in_index(idx, pkg))
			r = pare_strlist_add(lines, &m->arena, line);
	}
	pare_buf_release(&b);
	return r;
}

static int write_contents(struct imp *m, const char *dir, const struct pare_index *idx,
			  struct pare_error *err)
{
	char path[PATH_MAX];
	imp_pathf(path, sizeof(path), "%s/CONTENTS", dir);
	struct pare_strlist lines = { 0 };
	int r = old_contents(m, path, idx, &lines);
	size_t pos = 0;
	struct pare_slice key;
	void *val;
	while (r == 0 && pare_map_next(&m->owners, &pos, &key, &val)) {
		const struct isub *s = val;
		if (!s->rep)
			continue;
		char *l = imp_strf(m, "%.*s\t%s", (int)key.len, key.ptr, s->name);
		r = l ? pare_strlist_add(&lines, &m->arena, pare_slice_from(l)) : -ENOMEM;
	}
	if (r < 0)
		return pare_error_set(err, r, "%s: too big", path);
	if (lines.n > 1) /* no array for an empty list */
		qsort(lines.v, lines.n, sizeof(*lines.v), cmp_str);
	struct pare_atomic_file f;
	if ((r = pare_atomic_open(&f, path, 0644, err)) < 0)
		return r;
	for (size_t i = 0; r == 0 && i < lines.n; i++) {
		r = pare_ostream_write(&f.out, lines.v[i], strlen(lines.v[i]), err);
		if (r == 0)
			r = pare_ostream_write(&f.out, "\n", 1, err);
	}
	if (r == 0)
		return pare_atomic_commit(&f, err);
	pare_atomic_abort(&f);
	return r;
}

int imp_write_index(struct imp *m, struct pare_error *err)
{
	char dir[PATH_MAX], old_path[PATH_MAX];
	imp_pathf(dir, sizeof(dir), "%s/%s", m->o->repo, m->arch);
	imp_pathf(old_path, sizeof(old_path), "%s/APKINDEX.tar.gz", dir);
	struct pare_index old, idx;
	pare_index_init(&old);
	pare_index_init(&idx);
	struct stat st;
	int64_t old_mtime = INT64_MIN;
	bool have_old = false;
	if (stat(old_path, &st) == 0) {
		struct pare_index_read_opts ro = { .allow_untrusted = true };
		struct pare_error e = { 0 };
		have_old = pare_index_read_file(&old, old_path, &ro, &e) == 0;
		old_mtime = st.st_mtime;
	}
	int r = add_all(m, dir, &idx, have_old ? &old : NULL, old_mtime, err);
	if (r == 0)
		r = write_index(m, dir, &idx, err);
	if (r == 0)
		r = write_contents(m, dir, &idx, err);
	pare_index_release(&old);
	pare_index_release(&idx);
	return r;
}
