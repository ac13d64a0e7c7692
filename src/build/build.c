/* pare build orchestration (build.h). */
#include "build/build.h"
#include "io/tree.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "apk/dep.h"
#include "base/rootpath.h"
#include "build/build_int.h"
#include "build/tree.h"
#include "build/driver.h"
#include "build/root.h"
#include "build/sandbox.h"
#include "build/source.h"
#include "io/atomic.h"
#include "io/stream.h"

void pare_build_result_init(struct pare_build_result *res)
{
	memset(res, 0, sizeof(*res));
	pare_build_pkg_result_init(&res->pkgs);
	res->sde = -1;
}

void pare_build_result_release(struct pare_build_result *res)
{
	if (res)
		pare_build_pkg_result_release(&res->pkgs);
}

int pbi_sub(char *out, size_t n, const char *dir, const char *name, bool create, uid_t uid,
	       struct pare_error *err)
{
	if ((size_t)snprintf(out, n, "%s/%s", dir, name) >= n)
		return pare_error_set(err, -ENAMETOOLONG, "%s/%s: path too long", dir, name);
	if (!create)
		return 0;
	int r = pare_mkdir_p(out, 0755, err);
	if (r == 0 && uid && chown(out, uid, uid) < 0)
		r = pare_error_set(err, -errno, "chown %s: %s", out, strerror(errno));
	return r;
}

int pbi_make_work(const struct pare_build_opts *o, char *dir, size_t n,
		     struct pare_error *err)
{
	snprintf(dir, n, "%s/pare-build.XXXXXX", o->work_base ? o->work_base : "/var/tmp");
	if (!mkdtemp(dir))
		return pare_error_set(err, -errno, "%s: %s", dir, strerror(errno));
	if (chmod(dir, 0755) < 0)
		return pare_error_set(err, -errno, "%s: %s", dir, strerror(errno));
	return 0;
}

int pbi_write_file(const char *path, const char *text, struct pare_error *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	int r = fd < 0 ? -errno : pare_write_all(fd, text, strlen(text));
	if (fd >= 0)
		close(fd);
	return r < 0 ? pare_error_set(err, r, "%s: %s", path, strerror(-r)) : 0;
}

/* Mount points of the sandbox inside root (created as host root). */
int pbi_mount_points(const char *root, bool shell, struct pare_error *err)
{
	static const char *const dirs[] = { "proc", "tmp", "dev", "build/recipe", "build/sources",
					    "build/src", "build/pkg", "build/meta", "bin" };
	char p[PARE_PATH_MAX];
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		int r = pbi_sub(p, sizeof(p), root, dirs[i], true, 0, err);
		if (r < 0)
			return r;
	}
	if (shell) {
		pare_build_pathf(p, sizeof(p), "%s/bin/sh", root);
		return pbi_write_file(p, "", err);
	}
	return 0;
}

const char *pbi_host_arch(const struct pare_build_opts *o, struct utsname *u)
{
	if (o->arch)
		return o->arch;
	uname(u);
	return u->machine;
}

int pbi_run_driver(const struct pare_build_opts *o, const char *root,
		      const struct pare_sandbox_bind *b, size_t nb, const char *phase, bool net,
		      int64_t sde, int out_fd, struct pare_error *err)
{
	char store[4096], *env[PARE_BUILD_ENV_MAX + 1];
	struct utsname u;
	int r = pare_build_env(pbi_host_arch(o, &u), sde, o->jobs ? o->jobs : 2, env, store,
			       sizeof(store));
	if (r < 0)
		return pare_error_set(err, r, "build environment too large");
	char *argv[] = { "/bin/sh", "/build/meta/driver.sh", (char *)phase, NULL };
	struct pare_sandbox_opts so = { .root = root, .binds = b, .nbinds = nb, .net = net,
					.argv = argv, .env = env, .out_fd = out_fd };
	int status = 0;
	r = pare_sandbox_run(&so, &status, err);
	if (r == 0 && status != 0)
		r = pare_error_set(err, -EIO, "driver %s exited with status %d", phase,
				   status);
	return r;
}

static int read_dump(const char *path, struct pare_buf *b, struct pare_error *err)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return pare_error_set(err, -errno, "%s: %s", path, strerror(errno));
	int r = pare_read_fd(fd, b, path, err);
	close(fd);
	return r;
}

int pbi_read_in(const struct pare_build_opts *o, const char *work, const char *dir,
		   struct pare_recipe *r, struct pare_error *err)
{
	char vroot[PARE_PATH_MAX], meta[PARE_PATH_MAX], p[PARE_PATH_MAX];
	int e = pbi_sub(vroot, sizeof(vroot), work, "vroot", true, 0, err);
	if (e == 0)
		e = pbi_sub(meta, sizeof(meta), work, "meta", true, PARE_SANDBOX_UID_BASE, err);
	if (e == 0)
		e = pbi_mount_points(vroot, true, err);
	pare_build_pathf(p, sizeof(p), "%s/driver.sh", meta);
	if (e == 0)
		e = pbi_write_file(p, pare_build_driver_sh, err);
	struct pare_sandbox_bind b[] = {
		{ .src = o->shell ? o->shell : "/bin/busybox", .dest = "/bin/sh" },
		{ .src = dir, .dest = "/build/recipe" },
		{ .src = meta, .dest = "/build/meta", .writable = true },
	};
	int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (e == 0)
		e = pbi_run_driver(o, vroot, b, 3, "vars", false, -1, null >= 0 ? null : 2, err);
	if (null >= 0)
		close(null);
	if (e < 0)
		return pare_error_prefix(err, e, "%s: reading the recipe: ", r->file);
	struct pare_buf buf;
	pare_buf_init(&buf, PARE_RECIPE_MAX_DUMP);
	pare_build_pathf(p, sizeof(p), "%s/vars", meta);
	e = read_dump(p, &buf, err);
	if (e == 0)
		e = pare_recipe_parse(r, pare_buf_slice(&buf), err);
	pare_buf_release(&buf);
	return e;
}

/* The recipe file must be there (and be a file) before a sandbox starts. */
static int recipe_exists(const struct pare_recipe *r, struct pare_error *err)
{
	struct stat st;
	if (stat(r->file, &st) < 0)
		return pare_error_set(err, -errno, "%s: %s", r->file, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return pare_error_set(err, -PARE_E_FORMAT, "%s: not a regular file", r->file);
	return 0;
}

int pare_build_read_recipe(const struct pare_build_opts *o, const char *dir,
			   struct pare_recipe *r, struct pare_error *err)
{
	char work[PARE_PATH_MAX];
	int e = recipe_exists(r, err);
	if (e < 0)
		return e;
	e = pbi_make_work(o, work, sizeof(work), err);
	if (e < 0)
		return e;
	e = pbi_read_in(o, work, dir, r, err);
	pare_tree_remove(work);
	return e;
}

/* Sources: verified copies, archives unpacked into src. */
static int sources(const struct pare_build_opts *o, const char *dir, const char *work,
		   const struct pare_recipe *r, int64_t *sde, struct pare_error *err)
{
	char sd[PARE_PATH_MAX], src[PARE_PATH_MAX], p[PARE_PATH_MAX];
	int e = pbi_sub(sd, sizeof(sd), work, "sources", true, 0, err);
	if (e == 0)
		e = pbi_sub(src, sizeof(src), work, "src", true, PARE_SANDBOX_UID_BASE, err);
	const char *srcdest = o->srcdest;
	struct pare_build_src_opts so = { .recipe_dir = dir, .srcdest = srcdest, .out_dir = sd,
					  .log = o->log, .offline = o->offline,
					  .debian_source = o->debian_sources ? r->pkgname : NULL };
	int64_t newest = 0;
	if (e == 0)
		e = pare_build_sources_get(r, &so, &newest, err);
	for (size_t i = 0; e == 0 && i < r->nsources; i++) {
		if (!pare_build_is_archive(r->sources[i].name))
			continue;
		pare_build_pathf(p, sizeof(p), "%s/%s", sd, r->sources[i].name);
		e = pare_build_unpack(p, src, PARE_SANDBOX_UID_BASE, PARE_SANDBOX_UID_BASE, 0, err);
		if (e < 0)
			pare_error_prefix(err, e, "%s: ", r->file);
	}
	*sde = r->source_date_epoch >= 0 ? r->source_date_epoch : newest;
	return e;
}

static int words_add(const char **v, size_t *n, size_t max, const struct pare_recipe_words *w)
{
	for (size_t i = 0; i < w->n; i++) {
		if (*n == max)
			return -E2BIG;
		v[(*n)++] = w->v[i];
	}
	return 0;
}

/* A root of the packages world names (repositories: o->repo_cfg plus the
 * output repository when it has an index), installed by pare's installer;
 * repos is left loaded for the caller (release it). */
int pbi_root_install(const struct pare_build_opts *o, const char *root, const char *cache,
		     const char *file, const char *const *world, size_t n,
		     struct pare_repos *repos, struct pare_build_root_stats *st,
		     struct pare_error *err)
{
	struct pare_repo_config cfg = *o->repo_cfg;
	cfg.root = root;
	cfg.repositories_file = "/dev/null";
	cfg.no_cache = true;
	struct utsname u;
	cfg.arch = pbi_host_arch(o, &u);
	int e = pare_repos_init(repos, &cfg, err);
	char idx[PARE_PATH_MAX];
	pare_build_pathf(idx, sizeof(idx), "%s/%s/APKINDEX.tar.gz", o->out_dir, cfg.arch);
	if (e == 0 && access(idx, R_OK) == 0)
		e = pare_repos_add_line(repos, pare_slice_from(o->out_dir), true, err);
	int unavailable = 0;
	if (e == 0)
		e = pare_repos_load(repos, false, &unavailable, NULL, err);
	for (size_t i = 0; e == 0 && i < repos->n; i++)
		if (!repos->v[i].loaded)
			e = pare_error_set(err, repos->v[i].code ? repos->v[i].code : -EIO,
					   "repository %s: %s", repos->v[i].url, repos->v[i].error);
	struct pare_build_root_opts ro = { .root = root, .cache = cache, .repos = repos,
					   .keys = cfg.keys, .arch = cfg.arch, .world = world,
					   .nworld = n, .log = o->log };
	if (e == 0)
		e = pare_build_root_install(&ro, st, err);
	return e < 0 ? pare_error_prefix(err, e, "%s: ", file) : 0;
}

static int build_root(const struct pare_build_opts *o, const char *root,
		      const struct pare_recipe *r, struct pare_repos *repos,
		      struct pare_build_result *res, struct pare_error *err)
{
	static const char *const def[] = { "build-base" };
	const char *world[2 * PARE_RECIPE_MAX_WORDS + 64];
	size_t n = 0;
	const char *const *bw = o->base_world ? o->base_world : def;
	size_t nb = o->base_world ? o->nbase_world : 1;
	for (size_t i = 0; i < nb && i < 64; i++)
		world[n++] = bw[i];
	struct pare_recipe_words none = { 0 };
	if (words_add(world, &n, sizeof(world) / sizeof(world[0]), &r->makedepends) < 0 ||
	    words_add(world, &n, sizeof(world) / sizeof(world[0]),
		      pare_recipe_has_option(r, "!check") ? &none : &r->checkdepends) < 0)
		return pare_error_set(err, -E2BIG, "%s: too many dependencies", r->file);
	/* a recipe with network access may leave anything in its root: never shared */
	const char *cache = pare_recipe_has_option(r, "net") ? NULL : o->root_cache;
	struct pare_build_root_stats st = { 0 };
	int e = pbi_root_install(o, root, cache, r->file, world, n, repos, &st, err);
	res->root_pkgs = st.npkgs;
	res->root_reused = st.reused;
	snprintf(res->root_dir, sizeof(res->root_dir), "%s", st.path);
	return e;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Files a build expects in /etc that a root of packages may lack: hosts
 * (localhost for test suites), passwd and group (root and nobody), and for
 * options="net" the host's resolv.conf.  Existing files are kept. */
int pbi_etc_files(const char *root, bool net, struct pare_error *err)
{
	static const char *const files[][2] = {
		{ "etc/hosts", "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost\n" },
		{ "etc/passwd", "root:x:0:0:root:/root:/bin/sh\n"
				"nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n" },
		{ "etc/group", "root:x:0:\nnogroup:x:65534:\n" },
	};
	char p[PARE_PATH_MAX];
	int e = pbi_sub(p, sizeof(p), root, "etc", true, 0, err);
	for (size_t i = 0; e == 0 && i < sizeof(files) / sizeof(files[0]); i++) {
		if (pare_build_pathf(p, sizeof(p), "%s/%s", root, files[i][0]) < 0)
			return pare_error_set(err, -ENAMETOOLONG, "%s: path too long", root);
		if (access(p, F_OK) != 0)
			e = pbi_write_file(p, files[i][1], err);
	}
	if (e == 0 && net && pare_build_pathf(p, sizeof(p), "%s/etc/resolv.conf", root) == 0) {
		unlink(p);
		FILE *f = fopen("/etc/resolv.conf", "re");
		char text[4096] = "";
		size_t n = f ? fread(text, 1, sizeof(text) - 1, f) : 0;
		if (f)
			fclose(f);
		text[n] = '\0';
		e = pbi_write_file(p, text, err);
	}
	return e;
}

static int compile(const struct pare_build_opts *o, const char *dir, const char *work,
		   const struct pare_recipe *r, struct pare_build_result *res,
		   struct pare_error *err)
{
	char root[PARE_PATH_MAX], meta[PARE_PATH_MAX], sd[PARE_PATH_MAX], src[PARE_PATH_MAX],
		pkg[PARE_PATH_MAX];
	int e = pare_build_pathf(root, sizeof(root), "%s", res->root_dir) < 0
			? pare_error_set(err, -ENAMETOOLONG, "build root path too long")
			: 0;
	if (e == 0)
		e = pbi_mount_points(root, false, err);
	if (e == 0)
		e = pbi_etc_files(root, pare_recipe_has_option(r, "net"), err);
	if (e == 0)
		e = pbi_sub(meta, sizeof(meta), work, "meta", true, PARE_SANDBOX_UID_BASE, err);
	if (e == 0)
		e = pbi_sub(sd, sizeof(sd), work, "sources", false, 0, err);
	if (e == 0)
		e = pbi_sub(src, sizeof(src), work, "src", false, 0, err);
	if (e == 0)
		e = pbi_sub(pkg, sizeof(pkg), work, "pkg", true, PARE_SANDBOX_UID_BASE, err);
	if (e < 0)
		return e;
	struct pare_sandbox_bind b[] = {
		{ .src = dir, .dest = "/build/recipe" },
		{ .src = sd, .dest = "/build/sources" },
		{ .src = src, .dest = "/build/src", .writable = true },
		{ .src = pkg, .dest = "/build/pkg", .writable = true },
		{ .src = meta, .dest = "/build/meta", .writable = true },
	};
	int fd = o->log_fd;
	if (fd < 0) {
		pare_build_pathf(res->log, sizeof(res->log), "%s/build.log", work);
		fd = open(res->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0)
			return pare_error_set(err, -errno, "%s: %s", res->log, strerror(errno));
	}
	e = pbi_run_driver(o, root, b, 5, "build", pare_recipe_has_option(r, "net"), res->sde, fd,
		       err);
	if (fd != o->log_fd)
		close(fd);
	return e < 0 ? pare_error_prefix(err, e, "%s: build failed: ", r->file) : 0;
}

/* What the split functions set (driver: /build/meta/sub.NAME). */
static int read_subs(const char *work, struct pare_recipe *r, struct pare_error *err)
{
	int e = 0;
	for (size_t i = 0; e == 0 && i < r->nsubpkgs; i++) {
		struct pare_recipe_subpkg *sp = &r->subpkgs[i];
		char p[PARE_PATH_MAX];
		if (!sp->func || pare_build_pathf(p, sizeof(p), "%s/meta/sub.%s", work, sp->name) < 0)
			continue;
		struct pare_buf buf;
		pare_buf_init(&buf, PARE_RECIPE_MAX_DUMP);
		e = read_dump(p, &buf, err);
		if (e == 0)
			e = pare_recipe_parse_sub(r, sp, pare_buf_slice(&buf), err);
		pare_buf_release(&buf);
	}
	return e;
}

static int build_in(const struct pare_build_opts *o, const char *dir, const char *work,
		    struct pare_recipe *r, struct pare_build_result *res, struct pare_error *err)
{
	char root[PARE_PATH_MAX], pkg[PARE_PATH_MAX], sd[PARE_PATH_MAX];
	struct pare_repos repos;
	memset(&repos, 0, sizeof(repos));
	double ts = now_s();
	int e = pbi_read_in(o, work, dir, r, err);
	double tr = now_s();
	res->seconds_read = tr - ts;
	if (e == 0)
		e = sources(o, dir, work, r, &res->sde, err);
	double t0 = now_s();
	res->seconds_sources = t0 - tr;
	if (e == 0)
		e = pbi_sub(root, sizeof(root), work, "root", true, 0, err);
	if (e == 0)
		e = build_root(o, root, r, &repos, res, err);
	double t1 = now_s();
	res->seconds_root = t1 - t0;
	if (e == 0)
		e = compile(o, dir, work, r, res, err);
	res->seconds_build = now_s() - t1;
	if (e == 0)
		e = read_subs(work, r, err);
	pare_build_pathf(pkg, sizeof(pkg), "%s/pkg", work);
	pare_build_pathf(sd, sizeof(sd), "%s/sources", work);
	struct utsname u;
	struct pare_build_pkg_opts po = {
		.r = r, .pkgbase = pkg, .sources_dir = sd, .work_dir = work,
		.repo_dir = o->out_dir, .arch = pbi_host_arch(o, &u), .sde = res->sde,
		.uid_base = PARE_SANDBOX_UID_BASE, .key = o->key, .keyname = o->keyname,
		.repos = &repos,
	};
	double tp = now_s();
	if (e == 0)
		e = pare_build_package(&po, &res->pkgs, err);
	res->seconds_package = now_s() - tp;
	pare_repos_release(&repos);
	return e;
}

int pare_build_one(const struct pare_build_opts *o, const char *dir,
		   struct pare_build_result *res, struct pare_error *err)
{
	char file[PARE_PATH_MAX];
	pare_build_pathf(file, sizeof(file), "%s/APKBUILD", dir);
	struct pare_recipe r;
	pare_recipe_init(&r, file);
	int e = recipe_exists(&r, err);
	if (e == 0)
		e = pbi_make_work(o, res->work_dir, sizeof(res->work_dir), err);
	if (e == 0)
		e = build_in(o, dir, res->work_dir, &r, res, err);
	if (e == 0 && !o->keep_work) {
		pare_tree_remove(res->work_dir);
		res->work_dir[0] = '\0';
		res->log[0] = '\0';
	}
	pare_recipe_release(&r);
	return e;
}
