/* ELF work of the builder: the so: needs of the application's binaries,
 * the static loader check of every ELF file in the root, and each
 * package's share of the root. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/hashmap.h"
#include "elf/elf.h"
#include "elf/loader.h"
#include "image/build_int.h"

#define PIB_WALK_MAX_DEPTH 256u
#define PIB_WALK_MAX_FILES 2000000u

/* ---- needs of the binaries */

/* prefix "so:" for a library, "" for a package that owns the binary. */
static int need_add(struct pib_arch *a, const char *prefix, const char *so, const char *file,
		    size_t *cap, struct pare_error *err)
{
	char atom[512];
	if (snprintf(atom, sizeof(atom), "%s%s", prefix, so) >= (int)sizeof(atom))
		return pare_error_set(err, -PARE_E_TOO_BIG, "%s: needed name too long", file);
	for (size_t i = 0; i < a->nneeds; i++)
		if (strcmp(a->needs[i].atom, atom) == 0)
			return 0;
	if (a->nneeds == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		struct pib_need *nv = pare_arena_alloc(&a->arena, ncap * sizeof(*nv));
		if (!nv)
			return pare_error_set(err, -ENOMEM, "out of memory");
		if (a->nneeds)
			memcpy(nv, a->needs, a->nneeds * sizeof(*nv));
		a->needs = nv;
		*cap = ncap;
	}
	a->needs[a->nneeds].atom = pare_arena_strdup(&a->arena, pare_slice_from(atom));
	a->needs[a->nneeds].file = file;
	if (!a->needs[a->nneeds].atom)
		return pare_error_set(err, -ENOMEM, "out of memory");
	a->nneeds++;
	return 0;
}

/* DT_NEEDED names with ".so" and the interpreter's basename, as SCA
 * derives a package's depends.  A file that is not ELF needs nothing. */
static int binary_needs(struct pib_arch *a, const char *file, size_t *cap,
			struct pare_error *err)
{
	struct pare_elf e;
	unsigned char magic[4];
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return pare_error_set(err, -errno, "binary %s: %s", file, strerror(errno));
	if (pread(fd, magic, 4, 0) != 4 || !pare_elf_is_elf(magic, 4)) {
		close(fd);
		return 0;
	}
	pare_elf_init(&e);
	int r = pare_elf_parse_fd(&e, fd, file, err);
	close(fd);
	for (size_t i = 0; r == 0 && i < e.nneeded; i++)
		if (strstr(e.needed[i], ".so"))
			r = need_add(a, "so:", e.needed[i], file, cap, err);
	if (r == 0 && e.interp) {
		const char *base = strrchr(e.interp, '/');
		r = need_add(a, "so:", base ? base + 1 : e.interp, file, cap, err);
	}
	pare_elf_release(&e);
	return r;
}

int pib_binary_needs(struct pib_arch *a, struct pare_error *err)
{
	size_t cap = 0;
	int r = pib_contents_owners(a, err);
	for (size_t i = 0; r == 0 && i < a->nbins; i++) {
		r = a->bins[i].package ? need_add(a, "", a->bins[i].package, a->bins[i].src, &cap, err)
				       : binary_needs(a, a->bins[i].src, &cap, err);
		if (r < 0)
			return r;
	}
	return 0;
}

/* ---- one walk of the root: every regular file */

struct pib_node {
	uint64_t size, dev, ino;
	bool elf;
};

struct pib_walk {
	struct pare_arena arena;
	struct pare_map files; /* relative path -> struct pib_node */
	const char **paths;    /* in walk order (malloc) */
	size_t n, cap;
};

static int walk_file(struct pib_walk *w, int dfd, const char *name, const char *rel,
		     const struct stat *st, struct pare_error *err)
{
	struct pib_node *nd = pare_arena_zalloc(&w->arena, sizeof(*nd));
	char *key = pare_arena_strdup(&w->arena, pare_slice_from(rel));
	if (!nd || !key)
		return pare_error_set(err, -ENOMEM, "out of memory");
	nd->size = (uint64_t)st->st_size;
	nd->dev = st->st_dev;
	nd->ino = st->st_ino;
	int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	unsigned char magic[4];
	if (fd >= 0) {
		nd->elf = pread(fd, magic, 4, 0) == 4 && pare_elf_is_elf(magic, 4);
		close(fd);
	}
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 256;
		const char **nv = cap > PIB_WALK_MAX_FILES ? NULL : realloc(w->paths, cap * sizeof(*nv));
		if (!nv)
			return pare_error_set(err, -PARE_E_TOO_BIG, "too many files in the root");
		w->paths = nv;
		w->cap = cap;
	}
	w->paths[w->n++] = key;
	if (pare_map_put(&w->files, pare_slice_from(key), nd, NULL) < 0)
		return pare_error_set(err, -ENOMEM, "out of memory");
	return 0;
}

static int walk_dir(struct pib_walk *w, int dfd, const char *rel, unsigned depth,
		    struct pare_error *err)
{
	if (depth > PIB_WALK_MAX_DEPTH)
		return pare_error_set(err, -PARE_E_TOO_BIG, "/%s: too deep", rel);
	DIR *d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return pare_error_set(err, -errno, "/%s: %s", rel, strerror(errno));
	}
	int r = 0;
	for (struct dirent *de; r == 0 && (de = readdir(d));) {
		char sub[PARE_PATH_MAX];
		struct stat st;
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "", de->d_name) >=
		    (int)sizeof(sub))
			return closedir(d), pare_error_set(err, -ENAMETOOLONG, "/%s: too long", rel);
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (S_ISREG(st.st_mode))
			r = walk_file(w, dirfd(d), de->d_name, sub, &st, err);
		else if (S_ISDIR(st.st_mode)) {
			int fd = openat(dirfd(d), de->d_name,
					O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			r = fd < 0 ? pare_error_set(err, -errno, "/%s: %s", sub, strerror(errno))
				   : walk_dir(w, fd, sub, depth + 1, err);
		}
	}
	closedir(d);
	return r;
}

static int walk_root(const struct pib_check_in *in, struct pib_walk *w, struct pare_error *err)
{
	memset(w, 0, sizeof(*w));
	pare_arena_init(&w->arena, 0, 0);
	pare_map_init(&w->files);
	int fd = openat(in->root->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return pare_error_set(err, -errno, "%s: %s", in->root_path, strerror(errno));
	return walk_dir(w, fd, "", 0, err);
}

static void walk_release(struct pib_walk *w)
{
	pare_map_release(&w->files);
	free(w->paths);
	pare_arena_release(&w->arena);
}

/* ---- the loader check */

static int check_file(const struct pib_check_in *in, struct pare_ld *ld, const char *rel,
		      size_t *bad, struct pare_error *err)
{
	char path[PARE_PATH_MAX + 2];
	struct pare_ld_result res;
	struct pare_error lerr = { 0 };
	snprintf(path, sizeof(path), "/%s", rel);
	pare_ld_result_init(&res);
	int r = pare_ld_resolve(ld, path, &res, &lerr);
	if (r == -ENOMEM)
		r = pare_error_set(err, r, "out of memory");
	else if (r < 0) {
		pare_log_verbose(in->log, "loader check: %s: %s", path, lerr.msg);
		r = 0;
	}
	if (r == 0 && res.nproblems)
		(*bad)++;
	for (size_t i = 0; r == 0 && i < res.nproblems; i++)
		r = pib_problem(in->res, err, "%s: %s", path, res.problems[i].message);
	pare_ld_result_release(&res);
	return r;
}

static int loader_walk(const struct pib_check_in *in, struct pib_walk *w, struct pare_error *err)
{
	struct pare_ld ld;
	size_t bad = 0, checked = 0;
	int r = pare_ld_init(&ld, in->root_path, NULL, err);
	if (r < 0)
		return r;
	for (size_t i = 0; r == 0 && i < w->n; i++) {
		const struct pib_node *nd = pare_map_get(&w->files, pare_slice_from(w->paths[i]));
		if (!nd->elf)
			continue;
		checked++;
		r = check_file(in, &ld, w->paths[i], &bad, err);
	}
	pare_ld_release(&ld);
	pare_log_verbose(in->log, "loader check: %zu ELF files, %zu with problems", checked, bad);
	if (r == 0 && bad) {
		in->res->failure = PARE_IMAGE_BUILD_LOADER;
		in->res->failed_arch = in->img->arch.apk;
		r = pare_error_set(err, -PARE_E_INTEGRITY,
				   "%zu ELF file%s not resolve inside the image", bad,
				   bad == 1 ? " does" : "s do");
	}
	return r;
}

int pib_loader_check(const struct pib_check_in *in, struct pare_error *err)
{
	struct pib_walk w;
	int r = walk_root(in, &w, err);
	if (r == 0)
		r = loader_walk(in, &w, err);
	walk_release(&w);
	return r;
}

/* ---- shares */

static int share_cmp(const void *x, const void *y)
{
	const struct pare_image_build_share *p = x, *q = y;
	if (p->bytes != q->bytes)
		return p->bytes < q->bytes ? 1 : -1;
	return strcmp(p->name, q->name);
}

/* Count each inode once: for the first package that lists it. */
static int pkg_share(struct pib_walk *w, struct pare_map *seen, const struct pare_db_pkg *p,
		     struct pare_image_build_share *s)
{
	struct pare_db_file_iter it;
	pare_db_file_iter_init(&it, p);
	for (const struct pare_db_file *f; (f = pare_db_file_iter_next(&it));) {
		struct pib_node *nd = pare_map_get(&w->files, f->path);
		char key[48];
		if (!nd)
			continue;
		int n = snprintf(key, sizeof(key), "%" PRIu64 ":%" PRIu64, nd->dev, nd->ino);
		struct pare_slice k = pare_slice_make(key, (size_t)n);
		if (pare_map_get(seen, k))
			continue;
		if (pare_map_put(seen, pare_arena_slice(&w->arena, k), nd, NULL) < 0)
			return -ENOMEM;
		s->bytes += nd->size;
		s->files++;
	}
	return 0;
}

static int fill_shares(const struct pib_check_in *in, struct pib_walk *w, struct pare_error *err)
{
	struct pare_image_build_image *img = in->img;
	struct pare_map seen, inodes;
	uint64_t total = 0, owned = 0, nfiles = 0, nowned = 0;
	pare_map_init(&seen);
	pare_map_init(&inodes);
	img->shares = pare_arena_zalloc(&in->res->arena, (in->db->npkgs + 1) * sizeof(*img->shares));
	int r = img->shares ? 0 : -ENOMEM;
	for (size_t i = 0; r == 0 && i < in->db->npkgs; i++) {
		struct pare_image_build_share *s = &img->shares[i];
		s->name = pare_arena_strdup(&in->res->arena, in->db->pkgs[i]->ent.name);
		s->version = pare_arena_strdup(&in->res->arena, in->db->pkgs[i]->ent.version);
		r = s->name && s->version ? pkg_share(w, &seen, in->db->pkgs[i], s) : -ENOMEM;
		owned += s->bytes;
		nowned += s->files;
	}
	for (size_t i = 0; r == 0 && i < w->n; i++) {
		const struct pib_node *nd = pare_map_get(&w->files, pare_slice_from(w->paths[i]));
		char key[48];
		int n = snprintf(key, sizeof(key), "%" PRIu64 ":%" PRIu64, nd->dev, nd->ino);
		struct pare_slice k = pare_slice_make(key, (size_t)n);
		if (pare_map_get(&inodes, k))
			continue;
		r = pare_map_put(&inodes, pare_arena_slice(&w->arena, k), (void *)nd, NULL);
		total += nd->size;
		nfiles++;
	}
	if (r == 0) {
		struct pare_image_build_share *o = &img->shares[in->db->npkgs];
		o->name = "(other)";
		o->version = "";
		o->bytes = total - owned;
		o->files = nfiles - nowned;
		img->nshares = in->db->npkgs + 1;
		img->npkgs = in->db->npkgs;
		img->content_bytes = total;
		qsort(img->shares, img->nshares, sizeof(*img->shares), share_cmp);
	}
	pare_map_release(&seen);
	pare_map_release(&inodes);
	return r < 0 ? pare_error_set(err, r, "out of memory") : 0;
}

int pib_shares(const struct pib_check_in *in, struct pare_error *err)
{
	struct pib_walk w;
	int r = walk_root(in, &w, err);
	if (r == 0)
		r = fill_shares(in, &w, err);
	walk_release(&w);
	return r;
}
