/* pare lint and pare test for recipes (check.h). */
#include "build/check.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "apk/package.h"
#include "base/rootpath.h"
#include "build/build_int.h"
#include "build/root.h"
#include "build/tree.h"
#include "commit/extract.h"
#include "io/tree.h"

/* Read apk, extracting its files into dir (an empty directory). */
static int unpack_apk(const char *apk, const char *dir, struct pare_pkg *pkg,
		      struct pare_error *err)
{
	struct pare_root root;
	int e = pare_root_open(&root, dir, err);
	if (e < 0)
		return e;
	struct pare_extract x;
	struct pare_pkg_visitor v;
	struct pare_pkg_read_opts ro = { .keys = NULL };
	struct pare_extract_opts xo = { .name = apk };
	e = pare_extract_init(&x, &root, &xo, err);
	if (e == 0) {
		pare_extract_visitor(&x, &v);
		e = pare_pkg_read_file(pkg, apk, &ro, &v, err);
		if (e == 0 && pkg->kind != PARE_PKG_KIND_PACKAGE)
			e = pare_error_set(err, -PARE_E_FORMAT, "%s: not a package", apk);
		if (e == 0)
			e = pare_extract_commit(&x, err);
		if (e < 0)
			pare_extract_abort(&x);
		pare_extract_release(&x);
	}
	pare_root_release(&root);
	return e;
}

static bool is_main_pkg(const struct pare_pkg *pkg)
{
	return pkg->info.origin.len == 0 || pare_slice_eq(pkg->info.origin, pkg->info.pkgname);
}

int pare_build_lint_apk(const struct pare_build_opts *o, struct pare_build_lint *l,
			const struct pare_recipe *r, const char *apk, struct pare_error *err)
{
	char work[PARE_PATH_MAX], dir[PARE_PATH_MAX];
	int e = pbi_make_work(o, work, sizeof(work), err);
	if (e < 0)
		return e;
	/* owners and set-id bits are applied: nobody else may reach them */
	if (chmod(work, 0700) < 0) {
		e = pare_error_set(err, -errno, "%s: %s", work, strerror(errno));
		pare_tree_remove(work);
		return e;
	}
	struct pare_pkg pkg;
	pare_pkg_init(&pkg);
	struct pare_build_tree t = { 0 };
	e = pbi_sub(dir, sizeof(dir), work, "files", true, 0, err);
	if (e == 0)
		e = unpack_apk(apk, dir, &pkg, err);
	if (e == 0)
		e = pare_build_tree_read(&t, dir, l->arena, err);
	const char *name = e == 0 ? pare_arena_strdup(l->arena, pkg.info.pkgname) : NULL;
	if (e == 0 && !name)
		e = pare_error_set(err, -ENOMEM, "out of memory");
	if (e == 0)
		e = pare_build_lint_pkg(l, r, name, dir, &t, is_main_pkg(&pkg), err);
	pare_build_tree_release(&t);
	pare_pkg_release(&pkg);
	pare_tree_remove(work);
	return e;
}

/* Is path a package of recipe r (origin and version)? */
static int of_recipe(const char *path, const struct pare_recipe *r, bool *yes,
		     struct pare_error *err)
{
	struct pare_pkg pkg;
	pare_pkg_init(&pkg);
	struct pare_pkg_read_opts ro = { .control_only = true };
	int e = pare_pkg_read_file(&pkg, path, &ro, NULL, err);
	if (e == 0) {
		struct pare_slice origin = pkg.info.origin.len ? pkg.info.origin : pkg.info.pkgname;
		*yes = pkg.kind == PARE_PKG_KIND_PACKAGE && pare_slice_eq_cstr(origin, r->pkgname) &&
		       pare_slice_eq_cstr(pkg.info.pkgver, r->version);
	}
	pare_pkg_release(&pkg);
	return e;
}

static int path_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int pare_build_recipe_apks(const struct pare_build_opts *o, const struct pare_recipe *r,
			   struct pare_arena *a, const char ***paths, size_t *n,
			   struct pare_error *err)
{
	char dir[PARE_PATH_MAX], p[PARE_PATH_MAX];
	struct utsname u;
	if (pare_build_pathf(dir, sizeof(dir), "%s/%s", o->out_dir, pbi_host_arch(o, &u)) < 0)
		return pare_error_set(err, -ENAMETOOLONG, "%s: path too long", o->out_dir);
	*paths = NULL;
	*n = 0;
	DIR *d = opendir(dir);
	if (!d)
		return pare_error_set(err, -errno, "%s: %s", dir, strerror(errno));
	const char **v = calloc(PARE_BUILD_CHECK_MAX_APKS, sizeof(*v));
	int e = v ? 0 : pare_error_set(err, -ENOMEM, "out of memory");
	for (struct dirent *de; e == 0 && (de = readdir(d));) {
		size_t len = strlen(de->d_name);
		bool yes = false;
		if (len < 5 || strcmp(de->d_name + len - 4, ".apk") ||
		    pare_build_pathf(p, sizeof(p), "%s/%s", dir, de->d_name) < 0)
			continue;
		e = of_recipe(p, r, &yes, err);
		if (e == 0 && yes && *n == PARE_BUILD_CHECK_MAX_APKS)
			e = pare_error_set(err, -PARE_E_TOO_BIG, "%s: more than %u packages", dir,
					   PARE_BUILD_CHECK_MAX_APKS);
		if (e == 0 && yes && !(v[(*n)++] = pare_arena_strdup(a, pare_slice_from(p))))
			e = pare_error_set(err, -ENOMEM, "out of memory");
	}
	closedir(d);
	if (e == 0 && *n == 0)
		e = pare_error_set(err, -PARE_E_NOT_FOUND,
				   "%s: no package of %s-%s (origin %s) here; run pare build first", dir,
				   r->pkgname, r->version, r->pkgname);
	if (e < 0) {
		free(v);
		*n = 0;
		return e;
	}
	qsort(v, *n, sizeof(*v), path_cmp);
	*paths = v;
	return 0;
}

/* The test root: pkgname=VERSION + checkdepends. */
static int test_root(const struct pare_build_opts *o, const char *root,
		     const struct pare_recipe *r, size_t *npkgs, struct pare_error *err)
{
	const char *world[PARE_RECIPE_MAX_WORDS + 1];
	size_t n = 0;
	char self[512];
	if ((size_t)snprintf(self, sizeof(self), "%s=%s", r->pkgname, r->version) >= sizeof(self))
		return pare_error_set(err, -E2BIG, "%s: name too long", r->file);
	world[n++] = self;
	for (size_t i = 0; i < r->checkdepends.n && n < PARE_RECIPE_MAX_WORDS + 1; i++)
		world[n++] = r->checkdepends.v[i];
	struct pare_repos repos;
	memset(&repos, 0, sizeof(repos));
	/* no root cache: installcheck() may change the root it runs in */
	struct pare_build_root_stats st = { 0 };
	int e = pbi_root_install(o, root, NULL, r->file, world, n, &repos, &st, err);
	*npkgs = st.npkgs;
	pare_repos_release(&repos);
	return e;
}

static int test_in(const struct pare_build_opts *o, const char *dir, const char *work,
		   struct pare_recipe *r, size_t *npkgs, int out_fd, struct pare_error *err)
{
	char root[PARE_PATH_MAX], meta[PARE_PATH_MAX], p[PARE_PATH_MAX];
	int e = pbi_read_in(o, work, dir, r, err);
	if (e == 0 && !pare_recipe_has_function(r, "installcheck"))
		e = pare_error_set(err, -PARE_E_NOT_FOUND,
				   "%s: no installcheck() function: nothing to test", r->file);
	if (e == 0)
		e = pbi_sub(root, sizeof(root), work, "root", true, 0, err);
	if (e == 0)
		e = test_root(o, root, r, npkgs, err);
	bool shell = false;
	if (e == 0 && pare_build_pathf(p, sizeof(p), "%s/bin/sh", root) == 0) {
		struct stat st;
		shell = stat(p, &st) != 0; /* follows links inside: a dangling one is none */
		if (shell)
			unlink(p);
	}
	if (e == 0)
		e = pbi_mount_points(root, shell, err);
	if (e == 0)
		e = pbi_etc_files(root, pare_recipe_has_option(r, "net"), err);
	/* the read left meta/driver.sh */
	if (e == 0)
		e = pbi_sub(meta, sizeof(meta), work, "meta", false, 0, err);
	if (e < 0)
		return e;
	struct pare_sandbox_bind b[] = {
		{ .src = dir, .dest = "/build/recipe" },
		{ .src = meta, .dest = "/build/meta", .writable = true },
		{ .src = o->shell ? o->shell : "/bin/busybox", .dest = "/bin/sh" },
	};
	e = pbi_run_driver(o, root, b, shell ? 3 : 2, "test", pare_recipe_has_option(r, "net"),
			   r->source_date_epoch, out_fd, err);
	return e < 0 ? pare_error_prefix(err, e, "%s: installcheck failed: ", r->file) : 0;
}

int pare_build_test(const struct pare_build_opts *o, const char *dir, struct pare_recipe *r,
		    size_t *npkgs, int out_fd, char *res_work, size_t res_work_size,
		    struct pare_error *err)
{
	char work[PARE_PATH_MAX];
	struct stat st;
	res_work[0] = '\0';
	if (stat(r->file, &st) < 0)
		return pare_error_set(err, -errno, "%s: %s", r->file, strerror(errno));
	int e = pbi_make_work(o, work, sizeof(work), err);
	if (e < 0)
		return e;
	e = test_in(o, dir, work, r, npkgs, out_fd, err);
	if (o->keep_work)
		snprintf(res_work, res_work_size, "%s", work);
	else
		pare_tree_remove(work);
	return e;
}
