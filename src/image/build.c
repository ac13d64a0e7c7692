/* pare image build: the orchestration (see build.h). */
#include "image/build.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/atomic.h"
#include "apk/dep.h"
#include "image/build_int.h"
#include "image/image.h"
#include "image/sbom.h"
#include "io/stream.h"
#include "io/tree.h"
#include "solver/from_index.h"

/* ---- the policy */

static const char *const excluded_suffixes[] = {
	"-dev", "-doc", "-dbg", "-static", "-lang", "-openrc",
	"-bash-completion", "-zsh-completion", "-fish-completion", NULL,
};

const char *pare_image_excluded_suffix(struct pare_slice name)
{
	for (size_t i = 0; excluded_suffixes[i]; i++)
		if (name.len > strlen(excluded_suffixes[i]) &&
		    pare_slice_ends_with(name, pare_slice_from(excluded_suffixes[i])))
			return excluded_suffixes[i];
	return NULL;
}

/* ---- result */

void pare_image_build_result_init(struct pare_image_build_result *res)
{
	memset(res, 0, sizeof(*res));
	pare_arena_init(&res->arena, 0, 0);
	pare_solution_init(&res->solution);
}

void pare_image_build_result_release(struct pare_image_build_result *res)
{
	if (!res)
		return;
	for (size_t i = 0; i < res->ntemp_roots; i++) {
		pare_tree_remove(res->temp_roots[i]);
		free(res->temp_roots[i]);
	}
	free(res->temp_roots);
	pare_image_lock_free(res->lock);
	pare_image_lock_free(res->lock_in);
	pare_solution_release(&res->solution);
	free(res->world);
	if (res->universe) {
		pare_universe_release(res->universe);
		free(res->universe);
	}
	pare_arena_release(&res->arena);
	memset(res, 0, sizeof(*res));
}

int pib_problem(struct pare_image_build_result *res, struct pare_error *err, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (res->nproblems >= PARE_IMAGE_BUILD_MAX_PROBLEMS)
		return 0;
	if (res->nproblems % 32 == 0) {
		const char **nv = pare_arena_alloc(&res->arena, (res->nproblems + 32) * sizeof(*nv));
		if (!nv)
			return pare_error_set(err, -ENOMEM, "out of memory");
		if (res->nproblems)
			memcpy(nv, res->problems, res->nproblems * sizeof(*nv));
		res->problems = nv;
	}
	res->problems[res->nproblems] = pare_arena_strdup(&res->arena, pare_slice_from(line));
	if (!res->problems[res->nproblems])
		return pare_error_set(err, -ENOMEM, "out of memory");
	res->nproblems++;
	return 0;
}


/* 1: path is absent or an empty directory; 0: it is not; negative: error. */
static int dir_is_empty(const char *path)
{
	DIR *d = opendir(path);
	if (!d)
		return errno == ENOENT ? 1 : -errno;
	int empty = 1;
	for (struct dirent *de; empty && (de = readdir(d));)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			empty = 0;
	closedir(d);
	return empty;
}

int pib_keep_temp(struct pare_image_build_result *res, const char *path)
{
	char **nv = realloc(res->temp_roots, (res->ntemp_roots + 1) * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	res->temp_roots = nv;
	nv[res->ntemp_roots] = strdup(path);
	if (!nv[res->ntemp_roots])
		return -ENOMEM;
	res->ntemp_roots++;
	return 0;
}

static int make_root(struct pib_arch *a, struct pare_error *err)
{
	char path[PARE_PATH_MAX], real[PATH_MAX];
	int r, w;
	if (a->o->staging_dir) {
		w = snprintf(path, sizeof(path), "%s/%s", a->o->staging_dir, a->img->arch.apk);
		if (w < 0 || (size_t)w >= sizeof(path))
			return pare_error_set(err, -ENAMETOOLONG, "staging directory name too long");
		if ((r = dir_is_empty(path)) <= 0)
			return pare_error_set(err, r < 0 ? r : -EEXIST,
					      "%s: the staging root must not exist or be empty",
					      path);
		if ((r = pare_mkdir_p(path, 0755, err)) < 0)
			return r;
	} else {
		const char *tmp = a->o->tmp_dir ? a->o->tmp_dir : getenv("TMPDIR");
		w = snprintf(path, sizeof(path), "%s/pare-image-%s.XXXXXX", tmp && *tmp ? tmp : "/tmp",
			     a->img->arch.apk);
		if (w < 0 || (size_t)w >= sizeof(path))
			return pare_error_set(err, -ENAMETOOLONG, "temporary directory name too long");
		if (!mkdtemp(path))
			return pare_error_set(err, -errno, "%s: cannot create: %s", path,
					      strerror(errno));
		if (pib_keep_temp(a->res, path) < 0)
			return pare_error_set(err, -ENOMEM, "out of memory");
		chmod(path, 0755);
	}
	if (!realpath(path, real))
		return pare_error_set(err, -errno, "%s: %s", path, strerror(errno));
	a->root_path = pare_arena_strdup(&a->res->arena, pare_slice_from(real));
	a->img->root = a->root_path;
	if (!a->root_path)
		return pare_error_set(err, -ENOMEM, "out of memory");
	r = pare_root_open(&a->root, a->root_path, err);
	a->root_open = r == 0;
	return r;
}

/* ---- the keyring */

static int fetch_key(struct pib_arch *a, const char *url, struct pare_buf *b,
		     struct pare_error *err)
{
	struct pare_http http;
	struct pare_ostream out;
	int r = pare_http_init(&http, a->o->http, err);
	if (r < 0)
		return r;
	pare_buf_ostream_init(&out, b);
	struct pare_http_request req = { .url = url, .max_bytes = PARE_IMAGE_BUILD_MAX_KEY };
	r = pare_http_get(&http, &req, &out, NULL, err);
	pare_http_release(&http);
	return r;
}

static int add_key(struct pib_arch *a, const char *spec, struct pare_error *err)
{
	struct pare_buf b;
	char path[PARE_PATH_MAX];
	const char *base = strrchr(spec, '/');
	base = base ? base + 1 : spec;
	int r = pare_keyname_check(pare_slice_from(base), err);
	if (r < 0)
		return pare_error_prefix(err, r, "keyring %s", spec);
	pare_buf_init(&b, PARE_IMAGE_BUILD_MAX_KEY);
	r = pare_http_is_url(spec) ? fetch_key(a, spec, &b, err) : pare_read_file(spec, &b, err);
	if (r < 0)
		pare_error_prefix(err, r, "keyring: ");
	if (r == 0 && snprintf(path, sizeof(path), "etc/apk/keys/%s", base) >= (int)sizeof(path))
		r = pare_error_set(err, -ENAMETOOLONG, "%s: name too long", spec);
	if (r == 0) {
		struct pare_slice s = pare_buf_slice(&b);
		r = pib_write_file(&a->root, path, s.ptr, s.len, 0644, err);
	}
	pare_buf_release(&b);
	return r;
}

static int setup_keys(struct pib_arch *a, struct pare_error *err)
{
	int r = 0;
	const char *base;
	int fd = pare_root_open_parent(&a->root, "etc/apk/keys/x", true, 0755, &base, err);
	if (fd < 0)
		return fd;
	close(fd);
	for (size_t i = 0; r == 0 && i < a->cfg->nkeyring; i++)
		r = add_key(a, a->cfg->keyring[i], err);
	return r;
}

/* ---- repositories and the universe */

/* Is name named by an atom of contents.packages? */
static bool named_in_config(const struct pare_image_config *c, struct pare_slice name)
{
	for (size_t i = 0; i < c->npackages; i++) {
		struct pare_dep d;
		if (pare_dep_parse(pare_slice_from(c->packages[i]), &d, NULL) == 0 &&
		    pare_slice_eq(d.name, name))
			return true;
	}
	return false;
}

static int note_excluded(struct pib_arch *a, const struct pare_pkgent *e)
{
	if (a->nexcluded == a->excluded_cap) {
		size_t cap = a->excluded_cap ? a->excluded_cap * 2 : 32;
		const struct pare_pkgent **nv = realloc(a->excluded, cap * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		a->excluded = nv;
		a->excluded_cap = cap;
	}
	a->excluded[a->nexcluded++] = e;
	return 0;
}

/* Index entries left out of the universe: -dev/-doc... subpackages not
 * named in contents.packages (kept for the explanation of a failed solve). */
static bool skip_entry(void *ctx, const struct pare_pkgent *e)
{
	struct pib_arch *a = ctx;
	if (!pare_image_excluded_suffix(e->name) || named_in_config(a->cfg, e->name))
		return false;
	if (note_excluded(a, e) < 0)
		a->excluded_oom = true;
	return true;
}

/* The config's build repositories as repository lines ("@tag URL"). */
static int repo_lines(struct pib_arch *a, const char ***out, size_t *n, struct pare_error *err)
{
	const char **v = pare_arena_zalloc(&a->arena, (a->cfg->nrepositories + 1) * sizeof(*v));
	if (!v)
		return pare_error_set(err, -ENOMEM, "out of memory");
	*n = 0;
	for (size_t i = 0; i < a->cfg->nrepositories; i++) {
		const struct pare_image_repo *p = &a->cfg->repositories[i];
		char line[PARE_PATH_MAX + 128];
		if (p->use == PARE_IMAGE_REPO_RUNTIME)
			continue;
		snprintf(line, sizeof(line), "%s%s%s%s", p->tag ? "@" : "", p->tag ? p->tag : "",
			 p->tag ? " " : "", p->url);
		if (!(v[(*n)++] = pare_arena_strdup(&a->arena, pare_slice_from(line))))
			return pare_error_set(err, -ENOMEM, "out of memory");
	}
	/* no repositories is fine for an image of static binaries alone */
	if (*n == 0 && a->cfg->npackages)
		return pare_error_set(err, -PARE_E_USAGE, "%s: contents.packages names packages but "
				      "there are no repositories", a->cfg->file);
	*out = v;
	return 0;
}

/* The staging root's session: database lock, keys (written by setup_keys),
 * every build repository (all must load), the universe. */
static int open_session(struct pib_arch *a, struct pare_error *err)
{
	const char **lines = NULL;
	size_t nlines = 0;
	int r = repo_lines(a, &lines, &nlines, err);
	if (r < 0)
		return r;
	struct pare_session_opts so = {
		.root = a->root_path,
		.lock = true,
		.create_db = true,
		.allow_untrusted = a->o->allow_untrusted,
		.need_repos = nlines > 0,
		.repo = {
			.arch = a->img->arch.apk,
			.extra = lines,
			.nextra = nlines,
			.cache_dir = a->o->cache_dir,
			.no_cache = a->o->cache_dir == NULL,
			.tmp_dir = a->o->tmp_dir,
			.log = a->o->log,
			.progress = a->o->progress,
		},
		.skip = skip_entry,
		.skip_ctx = a,
		.root_tmpfs = -1,
	};
	if (a->o->http)
		so.repo.http = *a->o->http;
	r = pare_session_open(&a->s, &so, err);
	a->s_open = true;
	a->u = &a->s.u;
	a->db = &a->s.db;
	if (r == 0 && a->excluded_oom)
		r = pare_error_set(err, -ENOMEM, "out of memory");
	for (size_t i = 0; r == 0 && i < a->s.repos.n; i++)
		if (!a->s.repos.v[i].loaded)
			r = pare_error_set(err, a->s.repos.v[i].code ? a->s.repos.v[i].code : -EIO,
					   "repository %s: %s%s", a->s.repos.v[i].url,
					   a->s.repos.v[i].error,
					   a->s.repos.v[i].code == -PARE_E_UNTRUSTED
						   ? " (an image trusts only the keys its "
						     "contents.keyring lists: add the signer's .pub)"
						   : "");
	return r;
}

/* ---- world and solve */

static int world_add(struct pib_arch *a, const char *atom, struct pare_error *err)
{
	struct pare_dep d;
	struct pare_sdep sd;
	int r = pare_dep_parse(pare_slice_from(atom), &d, err);
	if (r == 0)
		r = pare_universe_dep(a->u, &d, &sd, err);
	if (r < 0)
		return pare_error_prefix(err, r, "%s: package '%s'", a->cfg->file, atom);
	for (size_t i = 0; i < a->nworld; i++)
		if (a->world[i].name == sd.name)
			return 0;
	if (a->nworld % 32 == 0) {
		struct pare_sdep *nw = realloc(a->world, (a->nworld + 32) * sizeof(*nw));
		const char **nt = pare_arena_alloc(&a->arena, (a->nworld + 32) * sizeof(*nt));
		if (!nw || !nt) {
			if (nw)
				a->world = nw;
			return pare_error_set(err, -ENOMEM, "out of memory");
		}
		a->world = nw;
		if (a->nworld)
			memcpy(nt, a->world_atoms, a->nworld * sizeof(*nt));
		a->world_atoms = nt;
	}
	a->world[a->nworld] = sd;
	a->world_atoms[a->nworld++] = atom;
	return 0;
}

static int make_world(struct pib_arch *a, struct pare_error *err)
{
	int r = 0;
	for (size_t i = 0; r == 0 && i < a->cfg->npackages; i++)
		r = world_add(a, a->cfg->packages[i], err);
	for (size_t i = 0; r == 0 && i < a->nneeds; i++)
		r = world_add(a, a->needs[i].atom, err);
	for (size_t i = 0; r == 0 && a->base && i < a->base->natoms; i++)
		r = world_add(a, a->base->atoms[i], err); /* the base's packages stay as they are */
	return r;
}

static bool ent_claims(const struct pare_pkgent *e, struct pare_slice name)
{
	if (pare_slice_eq(e->name, name))
		return true;
	for (uint32_t i = 0; i < e->provides.n; i++)
		if (pare_slice_eq(e->provides.v[i].name, name))
			return true;
	return false;
}

/* Who asked for name: a binary's file, a package, or the config. */
static void requirer_text(struct pib_arch *a, const struct pare_problem *p, char *buf, size_t n)
{
	const struct pare_reason *r = p->required_by.n ? &p->required_by.v[0] : NULL;
	if (r && r->pkg) {
		char pkg[256];
		pare_spkg_format(r->pkg, pkg, sizeof(pkg));
		snprintf(buf, n, "needed by package %s", pkg);
		return;
	}
	for (size_t i = 0; i < a->nneeds; i++)
		if (pare_slice_eq_cstr(p->name->str, a->needs[i].atom)) {
			snprintf(buf, n, "needed by %s", a->needs[i].file);
			return;
		}
	snprintf(buf, n, "named in %s", a->cfg->file);
}

/* A failed solve: is a missing name one only an excluded package has? */
static int check_excluded(struct pib_arch *a, struct pare_error *err)
{
	for (uint32_t i = 0; i < a->sol.nproblems; i++) {
		const struct pare_problem *p = &a->sol.problems[i];
		if (p->kind == PARE_PROBLEM_PACKAGE)
			continue;
		for (size_t j = 0; j < a->nexcluded; j++) {
			const struct pare_pkgent *e = a->excluded[j];
			char who[512];
			if (!ent_claims(e, p->name->str))
				continue;
			requirer_text(a, p, who, sizeof(who));
			int r = pib_problem(a->res, err, "%s (%s) is provided only by %.*s-%.*s, which is "
					    "kept out of images (%s subpackages are installed only "
					    "when named in contents.packages)",
					    p->name->str.ptr, who, (int)e->name.len, e->name.ptr,
					    (int)e->version.len, e->version.ptr,
					    pare_image_excluded_suffix(e->name));
			if (r < 0)
				return r;
			break;
		}
	}
	return 0;
}

/* A failed solve: a binary's so: need nothing provides, in the words of
 * the binary ("BINARY needs libfoo.so.1, which no package ... provides"). */
static int pib_need_problems(struct pib_arch *a, struct pare_error *err)
{
	for (uint32_t i = 0; i < a->sol.nproblems; i++) {
		const struct pare_problem *p = &a->sol.problems[i];
		if (p->kind == PARE_PROBLEM_PACKAGE)
			continue;
		for (size_t j = 0; j < a->nneeds; j++) {
			if (!pare_slice_eq_cstr(p->name->str, a->needs[j].atom))
				continue;
			int r = pib_problem(a->res, err, "%s needs %s, which no package in the "
					    "repositories provides (add a repository that has it, "
					    "or a package that ships it to contents.packages)",
					    a->needs[j].file, a->needs[j].atom + 3);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

static int solve(struct pib_arch *a, struct pare_error *err)
{
	int r = make_world(a, err);
	if (r == 0)
		r = pare_universe_finalize(a->u, err);
	if (r < 0)
		return r;
	struct pare_solve_request req = { .world = a->world, .nworld = a->nworld };
	r = pare_solve(a->u, &req, &a->sol, err);
	if (r < 0 || a->sol.ok)
		return r;
	a->res->failed_arch = a->img->arch.apk;
	r = check_excluded(a, err);
	if (r < 0)
		return r;
	if (a->res->nproblems) {
		a->res->failure = PARE_IMAGE_BUILD_EXCLUDED;
		return pare_error_set(err, -PARE_E_NOT_FOUND, "%s", a->res->problems[0]);
	}
	r = pib_need_problems(a, err);
	if (r < 0)
		return r;
	a->res->failure = PARE_IMAGE_BUILD_SOLVE;
	a->res->universe = pare_session_take_universe(&a->s);
	if (!a->res->universe)
		return pare_error_set(err, -ENOMEM, "out of memory");
	a->res->solution = a->sol;
	a->res->world = a->world;
	a->world = NULL;
	a->u = NULL;
	pare_solution_init(&a->sol);
	return pare_error_set(err, -PARE_E_NOT_FOUND, "unable to select packages");
}

/* ---- binaries from the config and the options */

static int add_binary(struct pib_arch *a, const char *src, const char *dest,
		      struct pare_error *err)
{
	char buf[PARE_PATH_MAX];
	if (!dest) {
		const char *base = strrchr(src, '/');
		snprintf(buf, sizeof(buf), "/usr/bin/%s", base ? base + 1 : src);
		dest = buf;
	}
	if (dest[0] != '/')
		return pare_error_set(err, -PARE_E_USAGE, "binary %s: destination %s is not absolute",
				      src, dest);
	if (a->nbins >= PARE_IMAGE_BUILD_MAX_BINARIES)
		return pare_error_set(err, -PARE_E_TOO_BIG, "more than %u binaries",
				      PARE_IMAGE_BUILD_MAX_BINARIES);
	if (a->nbins == 0) {
		a->bins = pare_arena_zalloc(&a->arena,
					   PARE_IMAGE_BUILD_MAX_BINARIES * sizeof(*a->bins));
		if (!a->bins)
			return pare_error_set(err, -ENOMEM, "out of memory");
	}
	a->bins[a->nbins].src = src;
	a->bins[a->nbins].dest = pare_arena_strdup(&a->arena, pare_slice_from(dest));
	if (!a->bins[a->nbins].dest)
		return pare_error_set(err, -ENOMEM, "out of memory");
	a->nbins++;
	return 0;
}

static int collect_binaries(struct pib_arch *a, struct pare_error *err)
{
	int r = 0;
	for (size_t i = 0; r == 0 && i < a->cfg->nbinaries; i++)
		r = add_binary(a, a->cfg->binaries[i].src, a->cfg->binaries[i].dest, err);
	for (size_t i = 0; r == 0 && i < a->o->nbinaries; i++)
		r = add_binary(a, a->o->binaries[i].src, a->o->binaries[i].dest, err);
	return r;
}

/* ---- writing */

/* The layer/OCI and SBOM step's inputs: the finished root, its owners
 * and modes, the installed packages; nothing of the solve.  Borrowed from
 * the architecture's build; results go to img (strings in arena, the
 * result's). */
struct pib_output_in {
	const struct pare_image_build_opts *o;
	const struct pare_image_config *cfg;
	const char *root_path;
	const struct pare_layer_table *table;
	const struct pib_pkg *pkgs; /* installed, in order */
	size_t npkgs;
	const char *os_id, *os_version; /* of the root's etc/os-release */
	struct pare_image_build_image *img;
	struct pare_arena *arena;
	const struct pare_baseimage *base; /* contents.baseimage, or NULL */
};

/* Owners and modes from the table (the installed database, accounts,
 * paths); a symlink keeps its mode. */
static int layer_meta(void *ctx, const char *path, const struct stat *st,
		      struct pare_layer_meta *meta, struct pare_error *err)
{
	(void)err;
	const struct pib_output_in *in = ctx;
	if (in->base && pare_baseimage_unchanged(in->base, path, st)) {
		meta->skip = true; /* the base's layers have it */
		return 0;
	}
	const struct pare_layer_meta *m = pare_layer_table_get(in->table, path);
	if (!m)
		return 0;
	uint32_t mode = meta->mode;
	*meta = *m;
	if (S_ISLNK(st->st_mode))
		meta->mode = mode;
	return 0;
}

static int write_image(const struct pib_output_in *in, struct pare_oci_layout *l,
		       struct pare_error *err)
{
	struct pare_layer_opts lo = {
		.root = in->root_path,
		.source_date_epoch = in->o->source_date_epoch,
		.level = in->o->level,
		.owners = PARE_LAYER_OWNERS_ROOT,
		.meta_fn = layer_meta,
		.meta_ctx = (void *)in,
	};
	struct pare_layer_info info;
	struct pare_oci_image img;
	struct pare_oci_layer *layers = &in->img->layer;
	size_t nlayers = 1;
	int r = pare_oci_add_layer(l, &lo, &in->img->layer, &info, err);
	if (r == 0)
		r = pare_image_oci_config(in->cfg, &in->img->arch, in->o->source_date_epoch,
					  in->arena, &img, err);
	if (r == 0 && in->base)
		r = pib_base_layers(in->base, l, &in->img->layer, in->cfg, in->arena, &img, &layers,
				    &nlayers, err);
	if (r == 0)
		r = pare_oci_write_image(l, &img, layers, nlayers, &in->img->manifest, err);
	in->img->tar_size = info.tar_size;
	in->img->image_size = in->img->layer.blob.size + in->img->manifest.size;
	return r;
}

static char *arena_slice(const struct pib_output_in *in, struct pare_slice s)
{
	return s.len ? pare_arena_strdup(in->arena, s) : NULL;
}

static int sbom_pkg(const struct pib_output_in *in, const struct pib_pkg *p,
		    struct pare_sbom_package *s)
{
	const struct pare_pkgent *e = p->ent;
	memset(s, 0, sizeof(*s));
	s->name = arena_slice(in, e->name);
	s->version = arena_slice(in, e->version);
	s->arch = arena_slice(in, e->arch);
	s->license = arena_slice(in, e->license);
	s->origin = arena_slice(in, e->origin);
	s->maintainer = arena_slice(in, e->maintainer);
	s->url = arena_slice(in, e->url);
	s->identity = arena_slice(in, e->identity_text);
	s->file_sha256 = p->sha256[0] ? p->sha256 : NULL;
	s->source_purl = p->source[0];
	s->source_name = p->source[1];
	s->source_version = p->source[2];
	/* depends as the names of the installed packages that meet them
	 * (so:, cmd: and pc: atoms are met through provides) */
	const char **deps = pare_arena_alloc(in->arena, (e->depends.n + 1) * sizeof(*deps));
	size_t nd = 0;
	if (!deps || !s->name || !s->version)
		return -ENOMEM;
	for (uint32_t i = 0; i < e->depends.n; i++) {
		const struct pare_dep *d = &e->depends.v[i];
		for (size_t j = 0; !d->conflict && j < in->npkgs; j++) {
			const struct pare_pkgent *q = in->pkgs[j].ent;
			if (q == e || !ent_claims(q, d->name))
				continue;
			if (!(deps[nd++] = arena_slice(in, q->name)))
				return -ENOMEM;
			break;
		}
	}
	s->depends = deps;
	s->ndepends = nd;
	const struct pare_image_build_prune *pr = in->img->prune;
	for (size_t i = 0; pr && pr->kept && i < pr->npkgs; i++)
		if (pare_slice_eq_cstr(e->name, pr->pkgs[i].name)) {
			s->pruned = pr->pkgs[i].removed;
			s->npruned = pr->pkgs[i].removed_files;
		}
	return 0;
}

/* ID= and VERSION_ID= of the image's os-release. */
static void os_ids(struct pib_arch *a, const char **id, const char **version)
{
	char *text;
	size_t len;
	*id = "pare";
	*version = a->o->os_version ? a->o->os_version : "0";
	if (pib_read_small(&a->root, &a->arena, "etc/os-release", 64 * 1024, &text, &len,
			   NULL) < 0)
		return;
	for (char *line = text; line && *line;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		char *v = strchr(line, '=');
		if (v) {
			*v++ = '\0';
			size_t vl = strlen(v);
			if (vl >= 2 && (v[0] == '"' || v[0] == '\'') && v[vl - 1] == v[0]) {
				v[vl - 1] = '\0';
				v++;
			}
			if (strcmp(line, "ID") == 0)
				*id = v;
			else if (strcmp(line, "VERSION_ID") == 0)
				*version = v;
		}
		line = nl ? nl + 1 : NULL;
	}
}

static int write_sbom(const struct pib_output_in *in, const char *path, struct pare_error *err)
{
	struct pare_sbom_package *pkgs = calloc(in->npkgs + 1, sizeof(*pkgs));
	const char *layers[1] = { in->img->layer.blob.digest };
	struct pare_sbom_opts so = {
		.format = (enum pare_sbom_format)in->o->sbom_format,
		.image_name = in->o->tag ? in->o->tag : "image",
		.image_digest = in->img->manifest.digest,
		.layer_digests = layers,
		.nlayers = 1,
		.arch = in->img->arch.oci,
		.tool = in->o->tool,
		.created = in->o->source_date_epoch,
		.os_id = in->os_id,
		.os_version = in->os_version,
	};
	int r = pkgs ? 0 : -ENOMEM;
	for (size_t i = 0; r == 0 && i < in->npkgs; i++)
		r = sbom_pkg(in, &in->pkgs[i], &pkgs[i]);
	if (r < 0)
		r = pare_error_set(err, r, "out of memory");
	else
		r = pare_sbom_write(&so, pkgs, in->npkgs, path, err);
	free(pkgs);
	if (r == 0)
		in->img->sbom_path = pare_arena_strdup(in->arena, pare_slice_from(path));
	return r;
}

static int sbom_for(const struct pib_output_in *in, size_t i, size_t n, struct pare_error *err)
{
	char path[PARE_PATH_MAX];
	const char *ext = in->o->sbom_format == PARE_SBOM_CYCLONEDX ? "cdx" : "spdx";
	if (in->o->sbom_path && i > 0)
		return 0;
	if (in->o->sbom_path)
		snprintf(path, sizeof(path), "%s", in->o->sbom_path);
	else if (n == 1)
		snprintf(path, sizeof(path), "%s/sbom.%s.json", in->o->out_dir, ext);
	else
		snprintf(path, sizeof(path), "%s/sbom-%s.%s.json", in->o->out_dir,
			 in->img->arch.apk, ext);
	return write_sbom(in, path, err);
}

/* The output step: layer, OCI config and manifest, SBOM. */
static int write_outputs(struct pib_arch *a, size_t i, size_t n, struct pare_oci_layout *l,
			 struct pare_error *err)
{
	struct pib_output_in in = {
		.o = a->o, .cfg = a->cfg, .root_path = a->root_path, .table = &a->table,
		.pkgs = a->pkgs, .npkgs = a->npkgs, .img = a->img, .arena = &a->res->arena,
		.base = a->base,
	};
	int r = write_image(&in, l, err);
	if (r < 0)
		return r;
	os_ids(a, &in.os_id, &in.os_version);
	return sbom_for(&in, i, n, err);
}

/* ---- one architecture */

static void pib_arch_release(struct pib_arch *a)
{
	pare_layer_table_release(&a->table);
	pib_base_release(a);
	free(a->pkgs);
	pare_solution_release(&a->sol);
	free(a->excluded);
	free(a->world);
	if (a->s_open)
		pare_session_close(&a->s);
	if (a->root_open)
		pare_root_release(&a->root);
	pare_arena_release(&a->arena);
}

struct pib_check_in pib_check_inputs(struct pib_arch *a)
{
	return (struct pib_check_in){
		.root = &a->root, .root_path = a->root_path, .log = a->o->log, .db = a->db,
		.img = a->img, .res = a->res,
	};
}

static int install_and_verify(struct pib_arch *a, struct pare_error *err)
{
	const struct pib_root_in ri = {
		.cfg = a->cfg, .os_version = a->o->os_version, .arch = a->img->arch.apk,
		.root = &a->root, .arena = &a->arena, .table = &a->table, .db = a->db,
		.world_atoms = a->world_atoms, .nworld = a->nworld,
		.bins = a->bins, .nbins = a->nbins,
	};
	int r = pib_install(a, err);
	if (r == 0)
		r = pib_write_accounts(&ri, err);
	if (r == 0)
		r = pib_write_os_release(&ri, err);
	if (r == 0)
		r = pib_write_apk_files(&ri, err);
	if (r == 0)
		r = pib_copy_binaries(&ri, err);
	if (r == 0)
		r = pib_apply_paths(&ri, err);
	const struct pib_check_in ci = pib_check_inputs(a);
	if (r == 0)
		r = pib_loader_check(&ci, err);
	if (r == 0)
		r = pib_shares(&ci, err);
	return r;
}

static int build_arch(const struct pare_image_build_opts *o, const struct pare_image_config *cfg,
		      struct pare_image_build_result *res, size_t i, size_t n,
		      struct pare_oci_layout *l, struct pare_error *err)
{
	struct pib_arch a = { .o = o, .cfg = cfg, .res = res, .img = &res->images[i] };
	pare_arena_init(&a.arena, 0, 0);
	pare_solution_init(&a.sol);
	pare_layer_table_init(&a.table);
	int r = make_root(&a, err);
	if (r == 0 && cfg->baseimage)
		r = pib_base_unpack(&a, err);
	if (r == 0)
		r = setup_keys(&a, err);
	if (r == 0)
		r = open_session(&a, err);
	if (r == 0)
		r = collect_binaries(&a, err);
	if (r == 0)
		r = pib_binary_needs(&a, err);
	if (r == 0)
		r = pib_runtime_needs(&a, err);
	if (r == 0)
		r = solve(&a, err);
	if (r == 0 && (r = pib_runtime_needs_solved(&a, err)) > 0) {
		pare_solution_release(&a.sol);
		pare_solution_init(&a.sol);
		r = solve(&a, err);
	}
	if (r == 0 && (o->lock_path || o->lock_in || o->resolve_only))
		r = pib_lock_step(&a, err);
	if (r == 0 && (o->lock_path || o->resolve_only))
		goto out; /* pare image lock: the solve is all */
	if (r == 0)
		r = install_and_verify(&a, err);
	if (r == 0 && !o->no_prune && (o->prune_trace || cfg->prune_trace))
		r = pib_prune(&a, err);
	if (r == 0)
		r = write_outputs(&a, i, n, l, err);
	if (r == 0 && o->verify)
		r = o->verify(o->verify_ctx, a.root_path, cfg, &a.img->arch, err);
out:
	if (r < 0 && !a.res->failed_arch)
		a.res->failed_arch = a.img->arch.apk;
	pib_arch_release(&a);
	return r;
}

/* The result outlives the config: its own copies of the names. */
static int copy_arch(struct pare_image_build_result *res, const struct pare_image_arch *in,
		     struct pare_image_arch *out)
{
	out->apk = pare_arena_strdup(&res->arena, pare_slice_from(in->apk));
	out->oci = pare_arena_strdup(&res->arena, pare_slice_from(in->oci));
	out->variant = in->variant ? pare_arena_strdup(&res->arena, pare_slice_from(in->variant))
				   : NULL;
	return out->apk && out->oci && (out->variant || !in->variant) ? 0 : -ENOMEM;
}

static int pick_archs(const struct pare_image_build_opts *o, const struct pare_image_config *c,
		      struct pare_image_build_result *res, struct pare_error *err)
{
	res->nimages = 0;
	for (size_t i = 0; i < c->narchs; i++) {
		if (res->nimages == PARE_IMAGE_BUILD_MAX_ARCHS)
			return pare_error_set(err, -PARE_E_TOO_BIG, "more than %u architectures",
					      PARE_IMAGE_BUILD_MAX_ARCHS);
		if (copy_arch(res, &c->archs[i], &res->images[res->nimages++].arch) < 0)
			return pare_error_set(err, -ENOMEM, "out of memory");
	}
	if (res->nimages)
		return 0;
	const char *name = o->arch ? o->arch : pare_repo_host_arch();
	struct pare_image_arch arch;
	if (pare_image_arch_lookup(pare_slice_from(name), &arch) < 0)
		return pare_error_set(err, -PARE_E_USAGE, "unknown architecture '%s'", name);
	if (copy_arch(res, &arch, &res->images[0].arch) < 0)
		return pare_error_set(err, -ENOMEM, "out of memory");
	res->nimages = 1;
	return 0;
}

static int finish(const struct pare_image_build_opts *o, struct pare_image_build_result *res,
		  struct pare_oci_layout *l, struct pare_error *err)
{
	struct pare_oci_desc m[PARE_IMAGE_BUILD_MAX_ARCHS];
	for (size_t i = 0; i < res->nimages; i++)
		m[i] = res->images[i].manifest;
	int r = pare_oci_write_index(l, m, res->nimages, o->tag, NULL, 0, &res->top, err);
	if (r == 0 && o->docker_archive)
		r = pare_oci_write_docker_archive(o->out_dir, &m[0], o->repo_tag,
						  o->source_date_epoch, o->docker_archive, err);
	return r;
}

int pare_image_build(const struct pare_image_build_opts *o, struct pare_image_build_result *res,
		     struct pare_error *err)
{
	struct pare_image_config cfg;
	struct pare_oci_layout layout = { .blobfd = -1 };
	memset(&cfg, 0, sizeof(cfg));
	if (!o->config_path || (!o->out_dir && !o->lock_path && !o->resolve_only))
		return pare_error_set(err, -PARE_E_USAGE, "a config and an output directory are needed");
	res->failure = PARE_IMAGE_BUILD_FAILED;
	int r = pare_image_config_load(&cfg, o->config_path, err);
	if (r == 0)
		r = pick_archs(o, &cfg, res, err);
	if (r == 0 && !o->lock_path && !o->resolve_only)
		r = pare_oci_layout_open(&layout, o->out_dir, err);
	for (size_t i = 0; r == 0 && i < res->nimages; i++)
		r = build_arch(o, &cfg, res, i, res->nimages, &layout, err);
	if (r == 0)
		r = o->lock_path ? pib_lock_write(o, &cfg, res, err)
		    : o->resolve_only ? 0 : finish(o, res, &layout, err);
	if (r == 0)
		res->failure = PARE_IMAGE_BUILD_OK;
	pare_oci_layout_close(&layout);
	pare_image_config_release(&cfg);
	return r;
}
