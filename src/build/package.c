/* Packaging a build's output (package.h). */
#include "build/package.h"

#include <dirent.h>
#include <fcntl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "apk/mkpkg.h"
#include "base/rootpath.h"
#include "build/tree.h"
#include "elf/elf.h"
#include "elf/sca.h"
#include "io/atomic.h"
#include "split/split.h"

void pare_build_pkg_result_init(struct pare_build_pkg_result *res)
{
	memset(res, 0, sizeof(*res));
	pare_arena_init(&res->arena, 0, 0);
	res->lint.arena = &res->arena;
}

void pare_build_pkg_result_release(struct pare_build_pkg_result *res)
{
	if (!res)
		return;
	pare_build_lint_release(&res->lint);
	free(res->pkgs);
	pare_arena_release(&res->arena);
	memset(res, 0, sizeof(*res));
}

/* Remove now-empty directories from path's parent up to (not incl.) top. */
static void prune_up(const char *top, const char *rel)
{
	char p[PARE_PATH_MAX];
	pare_build_pathf(p, sizeof(p), "%s/%s", top, rel);
	for (char *s = strrchr(p, '/'); s && s > p + strlen(top); s = strrchr(p, '/')) {
		*s = '\0';
		if (rmdir(p) < 0)
			break;
	}
}

static int move_file(const struct pare_build_pkg_opts *o, const char *rel, const char *to,
		     struct pare_error *err)
{
	char src[PARE_PATH_MAX], dst[PARE_PATH_MAX], dir[PARE_PATH_MAX];
	pare_build_pathf(src, sizeof(src), "%s/%s/%s", o->pkgbase, o->r->pkgname, rel);
	if (!strcmp(to, PARE_SPLIT_DROP)) {
		if (unlink(src) < 0)
			return pare_error_set(err, -errno, "%s: %s", src, strerror(errno));
	} else {
		pare_build_pathf(dst, sizeof(dst), "%s/%s/%s", o->pkgbase, to, rel);
		snprintf(dir, sizeof(dir), "%s", dst);
		*strrchr(dir, '/') = '\0';
		int r = pare_mkdir_p(dir, 0755, err);
		if (r < 0)
			return r;
		if (chown(dir, o->uid_base, o->uid_base) < 0) {
			/* best effort: the directory's owner is root inside anyway */
		}
		if (rename(src, dst) < 0)
			return pare_error_set(err, -errno, "move %s to %s: %s", rel, to,
					      strerror(errno));
	}
	char top[PARE_PATH_MAX];
	pare_build_pathf(top, sizeof(top), "%s/%s", o->pkgbase, o->r->pkgname);
	prune_up(top, rel);
	return 0;
}

/* Step 1: the shared policy over the main package. */
static int split_main(const struct pare_build_pkg_opts *o, struct pare_arena *a,
		      struct pare_error *err)
{
	char dir[PARE_PATH_MAX];
	pare_build_pathf(dir, sizeof(dir), "%s/%s", o->pkgbase, o->r->pkgname);
	struct pare_build_tree t;
	int r = pare_build_tree_read(&t, dir, a, err);
	struct pare_split_entry *ents = r == 0 ? calloc(t.n + 1, sizeof(*ents)) : NULL;
	const char **out = r == 0 ? calloc(t.n + 1, sizeof(*out)) : NULL;
	if (r == 0 && (!ents || !out))
		r = pare_error_set(err, -ENOMEM, "out of memory");
	for (size_t i = 0; r == 0 && i < t.n; i++)
		ents[i] = (struct pare_split_entry){
			.path = t.v[i].path, .is_link = S_ISLNK(t.v[i].mode),
			.is_dir = S_ISDIR(t.v[i].mode),
			.is_exec = S_ISREG(t.v[i].mode) && (t.v[i].mode & 0111) };
	if (r == 0)
		r = pare_split_assign(o->r->pkgname, NULL, 0, ents, t.n, a, out, err);
	for (size_t i = 0; r == 0 && i < t.n; i++)
		if (!ents[i].is_dir && strcmp(out[i], o->r->pkgname))
			r = move_file(o, t.v[i].path, out[i], err);
	free(ents);
	free(out);
	pare_build_tree_release(&t);
	return r;
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* Step 2: package names, main first, then sorted. */
static int list_pkgs(const struct pare_build_pkg_opts *o, struct pare_arena *a,
		     const char ***names, size_t *n, struct pare_error *err)
{
	DIR *d = opendir(o->pkgbase);
	if (!d)
		return pare_error_set(err, -errno, "%s: %s", o->pkgbase, strerror(errno));
	size_t cap = 64;
	const char **v = pare_arena_alloc(a, cap * sizeof(*v));
	*n = 0;
	v[(*n)++] = o->r->pkgname;
	struct dirent *de;
	while (v && (de = readdir(d))) {
		if (de->d_name[0] == '.' || !strcmp(de->d_name, o->r->pkgname))
			continue;
		if (*n == cap)
			break;
		v[(*n)++] = pare_arena_strdup(a, pare_slice_from(de->d_name));
	}
	closedir(d);
	if (!v)
		return pare_error_set(err, -ENOMEM, "out of memory");
	qsort(v + 1, *n - 1, sizeof(*v), cmp_str);
	*names = v;
	return 0;
}

static int set(struct pare_pkginfo *pi, const char *k, const char *v, struct pare_error *err)
{
	return v && *v ? pare_pkginfo_set(pi, k, pare_slice_from(v), err) : 0;
}

static int set_words(struct pare_pkginfo *pi, const char *k, const struct pare_recipe_words *w,
		     struct pare_error *err)
{
	int r = 0;
	for (size_t i = 0; r == 0 && i < w->n; i++)
		r = set(pi, k, w->v[i], err);
	return r;
}

static int set_list(struct pare_pkginfo *pi, const char *k, const struct pare_strlist *l,
		    struct pare_error *err)
{
	int r = 0;
	for (size_t i = 0; r == 0 && i < l->n; i++)
		r = set(pi, k, l->v[i], err);
	return r;
}

static bool noarch(const struct pare_recipe *r)
{
	return r->arch.n == 1 && !strcmp(r->arch.v[0], "noarch");
}

static int pkginfo(const struct pare_build_pkg_opts *o, const char *name, bool is_main,
		   const struct pare_sca_result *sca, struct pare_pkginfo *pi,
		   struct pare_error *err)
{
	const struct pare_recipe *r = o->r;
	char desc[1024], num[32], iif[512];
	const char *suffix = is_main ? NULL : pare_split_suffix_of(r->pkgname, name);
	const struct pare_recipe_subpkg *sp = NULL;
	for (size_t i = 0; !is_main && i < r->nsubpkgs; i++)
		if (!strcmp(r->subpkgs[i].name, name))
			sp = &r->subpkgs[i];
	snprintf(desc, sizeof(desc), "%s%s%s%s", r->pkgdesc, is_main ? "" : " (",
		 is_main ? "" : (suffix ? suffix + 1 : name), is_main ? "" : ")");
	if (sp && sp->pkgdesc && *sp->pkgdesc)
		snprintf(desc, sizeof(desc), "%s", sp->pkgdesc);
	snprintf(num, sizeof(num), "%lld", (long long)(o->sde < 0 ? 0 : o->sde));
	int e = set(pi, "pkgname", name, err);
	if (e == 0) e = set(pi, "pkgver", r->version, err);
	if (e == 0) e = set(pi, "pkgdesc", desc, err);
	if (e == 0) e = set(pi, "url", r->url, err);
	if (e == 0) e = set(pi, "builddate", num, err);
	if (e == 0) e = set(pi, "arch", noarch(r) ? "noarch" : o->arch, err);
	if (e == 0) e = set(pi, "origin", r->pkgname, err);
	if (e == 0) e = set(pi, "license", r->license, err);
	if (e == 0) e = set_list(pi, "depend", &sca->depends, err);
	if (e == 0) e = set_list(pi, "provides", &sca->provides, err);
	if (e == 0 && is_main) {
		e = set_words(pi, "depend", &r->depends, err);
		if (e == 0) e = set_words(pi, "provides", &r->provides, err);
		if (e == 0) e = set_words(pi, "replaces", &r->replaces, err);
		if (e == 0) e = set_words(pi, "install_if", &r->install_if, err);
		snprintf(num, sizeof(num), "%llu", (unsigned long long)r->provider_priority);
		if (e == 0 && r->has_provider_priority)
			e = set(pi, "provider_priority", num, err);
	}
	if (e == 0 && sp) {
		e = set_words(pi, "depend", &sp->depends, err);
		if (e == 0) e = set_words(pi, "provides", &sp->provides, err);
		if (e == 0) e = set_words(pi, "install_if", &sp->install_if, err);
	}
	const char *trig = suffix ? pare_split_install_if(suffix) : NULL;
	if (e == 0 && trig) {
		snprintf(iif, sizeof(iif), "%s=%s %s", r->pkgname, r->version, trig);
		e = set(pi, "install_if", iif, err);
	}
	return e;
}

/* Manifest lines for what is not owned by root inside. */
static int manifest(const struct pare_build_pkg_opts *o, const char *name,
		    const struct pare_build_tree *t, char *path, size_t n, struct pare_error *err)
{
	snprintf(path, n, "%s/%s.manifest", o->work_dir, name);
	FILE *f = fopen(path, "we");
	if (!f)
		return pare_error_set(err, -errno, "%s: %s", path, strerror(errno));
	for (size_t i = 0; i < t->n; i++) {
		const struct pare_build_tent *e = &t->v[i];
		if (strpbrk(e->path, " \t\n"))
			continue;
		unsigned u = e->uid >= o->uid_base ? e->uid - o->uid_base : 0;
		unsigned g = e->gid >= o->uid_base ? e->gid - o->uid_base : 0;
		if (u || g)
			fprintf(f, "%s - %u:%u\n", e->path, u, g);
	}
	if (fclose(f) != 0)
		return pare_error_set(err, -EIO, "%s: write failed", path);
	return 0;
}

/* Install scripts named NAME.SCRIPT in install=, from the verified sources. */
static size_t scripts(const struct pare_build_pkg_opts *o, const char *name,
		      struct pare_mkpkg_script *sc, char paths[][PARE_PATH_MAX], size_t max)
{
	size_t n = 0, len = strlen(name);
	for (size_t i = 0; i < o->r->install.n && n < max; i++) {
		const char *w = o->r->install.v[i];
		if (strncmp(w, name, len) || w[len] != '.' || strchr(w + len + 1, '.'))
			continue;
		snprintf(paths[n], PARE_PATH_MAX, "%s/%s", o->sources_dir, w);
		sc[n].name = w + len;
		sc[n].path = paths[n];
		n++;
	}
	return n;
}

static bool provided(const char *dep, const struct pare_strlist *own,
		     const struct pare_repos *repos)
{
	size_t k = strcspn(dep, "=<>~");
	struct pare_slice name = pare_slice_make(dep, k);
	for (size_t i = 0; i < own->n; i++)
		if (!strncmp(own->v[i], dep, k) && (own->v[i][k] == '\0' || own->v[i][k] == '='))
			return true;
	for (size_t i = 0; repos && i < repos->n; i++) {
		const struct pare_index *x = &repos->v[i].index;
		for (size_t j = 0; j < x->n; j++)
			for (uint32_t p = 0; p < x->ents[j].provides.n; p++)
				if (pare_slice_eq(x->ents[j].provides.v[p].name, name))
					return true;
	}
	return false;
}

struct one_pkg {
	const char *name;
	char dir[PARE_PATH_MAX];
	struct pare_build_tree tree;
	struct pare_sca sca;
	struct pare_sca_result res;
	bool has_files;
};

/* The SONAME of the ELF file at path, or NULL. */
static const char *soname_of(const char *path, struct pare_arena *a)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	struct pare_elf e;
	pare_elf_init(&e);
	const char *so = NULL;
	if (pare_elf_parse_fd(&e, fd, path, NULL) == 0 && e.soname)
		so = pare_arena_strdup(a, pare_slice_from(e.soname));
	pare_elf_release(&e);
	close(fd);
	return so;
}

/* A lib*.so link whose target another package of this build holds (a -dev
 * package's link to the runtime library): depend on that package at this
 * version (SCA cannot see the target from this package alone, and an
 * so: name could be met by another package, leaving the link dangling). */
static int link_deps(const struct pare_build_pkg_opts *o, struct pare_build_pkg_result *res,
		     struct one_pkg *p, const char *const *names, size_t n)
{
	for (size_t i = 0; i < p->tree.n; i++) {
		const struct pare_build_tent *t = &p->tree.v[i];
		const char *base = strrchr(t->path, '/');
		base = base ? base + 1 : t->path;
		if (!S_ISLNK(t->mode) || strncmp(base, "lib", 3) || !strstr(base, ".so"))
			continue;
		char link[PARE_PATH_MAX], target[PARE_PATH_MAX], rel[PARE_PATH_MAX];
		if (pare_build_pathf(link, sizeof(link), "%s/%s", p->dir, t->path) < 0)
			continue;
		ssize_t k = readlink(link, target, sizeof(target) - 1);
		if (k <= 0 || memchr(target, '/', (size_t)k))
			continue; /* only links within the directory */
		target[k] = '\0';
		int dl = (int)(base - t->path);
		for (size_t j = 0; j < n; j++) {
			if (pare_build_pathf(rel, sizeof(rel), "%s/%s/%.*s%s", o->pkgbase, names[j], dl,
					     t->path, target) < 0)
				continue;
			const char *so = strcmp(names[j], p->name) ? soname_of(rel, &res->arena) : NULL;
			char dep[512];
			/* the very package and version: another package's so: name
			 * would leave this link dangling */
			snprintf(dep, sizeof(dep), "%s=%s", names[j], o->r->version);
			if (so && pare_strlist_add(&p->res.depends, &res->arena, pare_slice_from(dep)) < 0)
				return -ENOMEM;
		}
	}
	return 0;
}

static int analyse(const struct pare_build_pkg_opts *o, struct pare_build_pkg_result *res,
		   struct one_pkg *p, bool is_main, struct pare_error *err)
{
	snprintf(p->dir, sizeof(p->dir), "%s/%s", o->pkgbase, p->name);
	int r = pare_build_tree_read(&p->tree, p->dir, &res->arena, err);
	for (size_t i = 0; r == 0 && i < p->tree.n; i++)
		p->has_files |= !S_ISDIR(p->tree.v[i].mode);
	if (r == 0)
		r = pare_build_lint_pkg(&res->lint, o->r, p->name, p->dir, &p->tree, is_main, err);
	if (r == 0)
		r = pare_sca_add_dir(&p->sca, p->dir, err);
	if (r == 0)
		r = pare_sca_finish(&p->sca, o->r->version, &p->res, err);
	return r;
}

static int write_one(const struct pare_build_pkg_opts *o, struct pare_build_pkg_result *res,
		     struct one_pkg *p, bool is_main, struct pare_error *err)
{
	char out[PARE_PATH_MAX], man[PARE_PATH_MAX], spaths[8][PARE_PATH_MAX];
	struct pare_mkpkg_script sc[8];
	struct pare_pkginfo pi;
	pare_pkginfo_init(&pi);
	int r = pkginfo(o, p->name, is_main, &p->res, &pi, err);
	if (r == 0)
		r = manifest(o, p->name, &p->tree, man, sizeof(man), err);
	if (r == 0 && pare_build_pathf(out, sizeof(out), "%s/%s/%s-%s.apk", o->repo_dir, o->arch,
				       p->name, o->r->version) < 0)
		r = pare_error_set(err, -ENAMETOOLONG, "%s: output path too long", o->repo_dir);
	struct pare_mkpkg_opts mo = {
		.tree = p->dir, .info = &pi, .scripts = sc,
		.nscripts = scripts(o, p->name, sc, spaths, 8), .manifest = man,
		.source_date_epoch = o->sde < 0 ? 0 : o->sde, .level = 9, .key = o->key,
		.keyname = o->keyname, .sig_alg = PARE_DIGEST_SHA256,
	};
	if (r == 0)
		r = pare_mkpkg(&mo, out, err);
	if (r < 0)
		pare_error_prefix(err, r, "%s: package %s: ", o->r->file, p->name);
	struct stat st;
	if (r == 0 && stat(out, &st) == 0) {
		struct pare_build_pkg_out *po = &res->pkgs[res->npkgs++];
		po->name = pare_arena_strdup(&res->arena, pare_slice_from(p->name));
		po->path = pare_arena_strdup(&res->arena, pare_slice_from(out));
		po->size = (uint64_t)st.st_size;
		po->files = p->tree.n;
	}
	pare_pkginfo_release(&pi);
	return r;
}

/* so: needs nobody provides: this build's packages, then the repositories. */
static int so_providers(const struct pare_build_pkg_opts *o, struct pare_build_pkg_result *res,
			struct one_pkg *v, size_t n)
{
	struct pare_strlist own = { 0 };
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < v[i].res.provides.n; j++)
			if (pare_strlist_add(&own, &res->arena, pare_slice_from(v[i].res.provides.v[j])) < 0)
				return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < v[i].res.depends.n; j++) {
			const char *d = v[i].res.depends.v[j];
			if (!strncmp(d, "so:", 3) && !provided(d, &own, o->repos) &&
			    pare_build_lint_add(&res->lint, o->r, false, "so-provider", v[i].name, d) < 0)
				return -ENOMEM;
		}
	return 0;
}

/* A split function that took no files but set depends: a metapackage
 * (abuild makes it too), written although empty. */
static bool is_meta(const struct pare_recipe *r, const char *name)
{
	for (size_t i = 0; i < r->nsubpkgs; i++)
		if (!strcmp(r->subpkgs[i].name, name))
			return r->subpkgs[i].func && r->subpkgs[i].depends.n > 0;
	return false;
}

static int write_all(const struct pare_build_pkg_opts *o, struct pare_build_pkg_result *res,
		     struct one_pkg *v, size_t n, struct pare_error *err)
{
	char dir[PARE_PATH_MAX];
	pare_build_pathf(dir, sizeof(dir), "%s/%s", o->repo_dir, o->arch);
	int r = pare_mkdir_p(dir, 0755, err);
	res->pkgs = r == 0 ? calloc(n + 1, sizeof(*res->pkgs)) : NULL;
	if (r == 0 && !res->pkgs)
		r = pare_error_set(err, -ENOMEM, "out of memory");
	for (size_t i = 0; r == 0 && i < n; i++)
		if (i == 0 || v[i].has_files || is_meta(o->r, v[i].name))
			r = write_one(o, res, &v[i], i == 0, err);
	const char **files = r == 0 ? calloc(res->npkgs + 1, sizeof(*files)) : NULL;
	if (r == 0 && !files)
		r = pare_error_set(err, -ENOMEM, "out of memory");
	for (size_t i = 0; r == 0 && i < res->npkgs; i++)
		files[i] = res->pkgs[i].path;
	if (r == 0)
		r = pare_build_index_update(dir, files, res->npkgs, o->sde, o->key, o->keyname, err);
	free(files);
	return r;
}

int pare_build_package(const struct pare_build_pkg_opts *o, struct pare_build_pkg_result *res,
		       struct pare_error *err)
{
	const char **names;
	size_t n = 0;
	int r = split_main(o, &res->arena, err);
	if (r == 0)
		r = list_pkgs(o, &res->arena, &names, &n, err);
	struct one_pkg *v = r == 0 ? calloc(n, sizeof(*v)) : NULL;
	if (r == 0 && !v)
		r = pare_error_set(err, -ENOMEM, "out of memory");
	for (size_t i = 0; v && i < n; i++) {
		v[i].name = names[i];
		pare_sca_init(&v[i].sca);
	}
	for (size_t i = 0; r == 0 && i < n; i++)
		r = analyse(o, res, &v[i], i == 0, err);
	for (size_t i = 0; r == 0 && i < n; i++)
		if (link_deps(o, res, &v[i], names, n) < 0)
			r = pare_error_set(err, -ENOMEM, "out of memory");
	if (r == 0 && so_providers(o, res, v, n) < 0)
		r = pare_error_set(err, -ENOMEM, "out of memory");
	if (r == 0 && res->lint.nerrors)
		r = pare_error_set(err, -PARE_E_INTEGRITY, "%s: lint: %s%s", o->r->file,
				   res->lint.errors[0], res->lint.nerrors > 1 ? " (and more)" : "");
	if (r == 0)
		r = write_all(o, res, v, n, err);
	for (size_t i = 0; v && i < n; i++) {
		pare_sca_release(&v[i].sca);
		pare_build_tree_release(&v[i].tree);
	}
	free(v);
	return r;
}

static bool built(const struct pare_pkgent *e, const struct pare_index *fresh)
{
	for (size_t i = 0; i < fresh->n; i++)
		if (pare_slice_eq(fresh->ents[i].name, e->name) &&
		    pare_slice_eq(fresh->ents[i].version, e->version))
			return true;
	return false;
}

int pare_build_index_update(const char *arch_dir, const char *const *files, size_t n,
			    int64_t mtime, struct pare_privkey *key, const char *keyname,
			    struct pare_error *err)
{
	char path[PARE_PATH_MAX];
	pare_build_pathf(path, sizeof(path), "%s/APKINDEX.tar.gz", arch_dir);
	struct pare_index old, fresh, idx;
	pare_index_init(&old);
	pare_index_init(&fresh);
	pare_index_init(&idx);
	struct pare_index_read_opts ro = { .allow_untrusted = true };
	int r = 0;
	struct stat st;
	if (stat(path, &st) == 0)
		r = pare_index_read_file(&old, path, &ro, err);
	for (size_t i = 0; r == 0 && i < n; i++)
		r = pare_index_add_pkg_file(&fresh, files[i], &ro, err);
	for (size_t i = 0; r == 0 && i < old.n; i++)
		if (!built(&old.ents[i], &fresh))
			r = pare_index_add(&idx, &old.ents[i], err);
	for (size_t i = 0; r == 0 && i < fresh.n; i++)
		r = pare_index_add(&idx, &fresh.ents[i], err);
	if (r == 0)
		r = pare_index_sort(&idx);
	struct pare_index_write_opts wo = { .mtime = mtime < 0 ? 0 : mtime,
					    .flags = PARE_INDEX_WRITE_CANONICAL, .key = key,
					    .keyname = keyname, .sig_alg = PARE_DIGEST_SHA256 };
	if (r == 0)
		r = pare_index_write_targz_file(&idx, &wo, path, err);
	pare_index_release(&idx);
	pare_index_release(&fresh);
	pare_index_release(&old);
	return r;
}
