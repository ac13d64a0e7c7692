/* Loading the solver's inputs and printing its results in apk's words. */
#include "cli/solve_common.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "apk/dep.h"
#include "apk/index.h"
#include "apk/version.h"
#include "cli/common.h"
#include "io/digest.h"
#include "solver/from_index.h"

#define MAX_DB_FILE (512u << 20)

/* ---- Reading files. */

static int read_whole(const char *path, char **out, size_t *len, struct pare_error *err)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return pare_error_set(err, -errno, "%s: %s", path, strerror(errno));
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	int r = 0;
	while (buf) {
		if (n == cap) {
			char *nb = cap >= MAX_DB_FILE ? NULL : realloc(buf, cap * 2);
			if (!nb) {
				r = pare_error_set(err, -PARE_E_TOO_BIG, "%s: too big", path);
				break;
			}
			buf = nb;
			cap *= 2;
		}
		size_t got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	if (!buf)
		r = pare_error_set(err, -ENOMEM, "out of memory");
	else if (r == 0 && ferror(f))
		r = pare_error_set(err, -EIO, "%s: read error", path);
	fclose(f);
	if (r < 0) {
		free(buf);
		return r;
	}
	*out = buf;
	*len = n;
	return 0;
}

/* An APKINDEX.tar.gz (signature checked against the trusted keys) or a
 * plain APKINDEX text (read only with --allow-untrusted). */
static int load_index(struct pare_solve_ctx *c, const char *path, enum pare_spkg_source src,
		      int repo, struct pare_error *err)
{
	struct pare_index idx;
	struct pare_cli_keys keys;
	pare_index_init(&idx);
	int r = pare_cli_keys_open(c->cli, &keys, err);
	if (r < 0)
		return r;
	struct pare_index_read_opts o = {
		.keys = keys.keys, .allow_untrusted = c->cli->opts.allow_untrusted,
	};
	r = pare_index_read_file(&idx, path, &o, err);
	pare_cli_keys_release(&keys);
	for (size_t i = 0; r == 0 && i < idx.n; i++) {
		struct pare_spkg_desc d;
		pare_spkg_desc_from_pkgent(&d, &idx.ents[i]);
		if (idx.ents[i].flags & PARE_PKGENT_BAD_PROVIDES)
			c->degraded = true;
		r = pare_universe_add(&c->u, &d, src, repo, NULL, err);
	}
	pare_index_release(&idx);
	return r;
}

/* ---- The installed database ("L:value" records with file lines). */

struct dep_list {
	struct pare_dep *v;
	size_t n, cap;
};

static int deps_append(struct dep_list *l, struct pare_slice text, bool *bad)
{
	struct pare_dep d;
	int r;
	while ((r = pare_deps_next(&text, &d, NULL)) != 0) {
		if (r < 0) {
			*bad = true;
			return 0;
		}
		if (l->n == l->cap) {
			size_t cap = l->cap ? l->cap * 2 : 8;
			struct pare_dep *nv = realloc(l->v, cap * sizeof(*nv));
			if (!nv)
				return -ENOMEM;
			l->v = nv;
			l->cap = cap;
		}
		l->v[l->n++] = d;
	}
	return 0;
}

struct inst_rec {
	struct pare_spkg_desc d;
	struct dep_list dep, prov, iif, repl;
	struct pare_digest_value id;
	struct pare_slice dir;
	bool self;
	bool failed;   /* "f:" an earlier commit left it broken (e.g. a script failed) */
};

static int inst_field(struct inst_rec *x, char k, struct pare_slice v)
{
	uint64_t num = 0;
	bool bad = false;
	int r = 0;
	switch (k) {
	case 'P': x->d.name = v; break;
	case 'V': x->d.version = v; break;
	case 'A': x->d.arch = v; break;
	case 's': x->d.installed_tag = v; break;
	case 'S': pare_slice_to_u64(v, &x->d.size); break;
	case 'I': pare_slice_to_u64(v, &x->d.installed_size); break;
	case 'k':
		x->d.has_priority = pare_slice_to_u64(v, &num);
		x->d.provider_priority = num;
		break;
	case 'C':
		if (pare_apk_checksum_parse(v.ptr, v.len, &x->id) == 0) {
			x->d.identity = x->id.bytes;
			x->d.identity_len = x->id.len;
		}
		break;
	case 'D': r = deps_append(&x->dep, v, &bad); break;
	case 'p': r = deps_append(&x->prov, v, &bad); break;
	case 'i': r = deps_append(&x->iif, v, &bad); break;
	case 'r': r = deps_append(&x->repl, v, &bad); break;
	case 'F': x->dir = v; x->d.ndirs++; break;
	case 'f': x->failed = v.len > 0; break;
	case 'R':
		x->d.nfiles++;
		if (pare_slice_eq_cstr(x->dir, "proc/self") && pare_slice_eq_cstr(v, "exe"))
			x->self = true;
		break;
	}
	if (bad)
		x->d.broken = true;
	return r;
}

static void inst_reset(struct inst_rec *x)
{
	struct dep_list a = x->dep, b = x->prov, c = x->iif, d = x->repl;
	memset(x, 0, sizeof(*x));
	a.n = b.n = c.n = d.n = 0;
	x->dep = a;
	x->prov = b;
	x->iif = c;
	x->repl = d;
}

static int inst_add(struct pare_solve_ctx *c, struct inst_rec *x, struct pare_error *err)
{
	if (!x->d.name.len || !x->d.version.len)
		return 0;
	x->d.depends = x->dep.v;
	x->d.ndepends = x->dep.n;
	x->d.provides = x->prov.v;
	x->d.nprovides = x->prov.n;
	x->d.install_if = x->iif.v;
	x->d.ninstall_if = x->iif.n;
	x->d.replaces = x->repl.v;
	x->d.nreplaces = x->repl.n;
	struct pare_spkg *p;
	int r = pare_universe_add(&c->u, &x->d, PARE_SPKG_FROM_INSTALLED, -1, &p, err);
	if (r == 0 && x->self)
		c->self = p;
	if (r == 0 && x->failed) {
		const struct pare_sname **v = realloc(c->failed, (c->nfailed + 1) * sizeof(*v));
		if (!v)
			return pare_error_set(err, -ENOMEM, "out of memory");
		c->failed = v;
		c->failed[c->nfailed++] = p->name;
	}
	return r;
}

static int load_installed(struct pare_solve_ctx *c, const char *path, struct pare_error *err)
{
	char *text;
	size_t len;
	int r = read_whole(path, &text, &len, err);
	if (r < 0)
		return r;
	struct pare_rec_reader rr;
	struct inst_rec x;
	memset(&x, 0, sizeof(x));
	pare_rec_reader_init(&rr, pare_slice_make(text, len), path);
	while (r == 0 && pare_rec_next_record(&rr)) {
		char k;
		struct pare_slice v;
		inst_reset(&x);
		while (r == 0 && (r = pare_rec_next_field(&rr, &k, &v, err)) > 0)
			r = inst_field(&x, k, v);
		if (r == 0)
			r = inst_add(c, &x, err);
	}
	free(x.dep.v);
	free(x.prov.v);
	free(x.iif.v);
	free(x.repl.v);
	free(text);
	return r;
}

/* ---- World. */

int pare_solve_world_add(struct pare_solve_ctx *c, const struct pare_sdep *d)
{
	for (size_t i = 0; i < c->nworld; i++) {
		if (c->world[i].name == d->name) {
			c->world[i] = *d;
			return 0;
		}
	}
	if (c->nworld == c->world_cap) {
		size_t cap = c->world_cap ? c->world_cap * 2 : 16;
		struct pare_sdep *nw = realloc(c->world, cap * sizeof(*nw));
		if (!nw)
			return -ENOMEM;
		c->world = nw;
		c->world_cap = cap;
	}
	c->world[c->nworld++] = *d;
	return 0;
}

static int world_cmp(const void *a, const void *b)
{
	const struct pare_sdep *x = a, *y = b;
	return pare_slice_cmp(x->name->str, y->name->str);
}

void pare_solve_world_sort(struct pare_solve_ctx *c)
{
	if (c->nworld)
		qsort(c->world, c->nworld, sizeof(*c->world), world_cmp);
}

static int load_world_text(struct pare_solve_ctx *c, struct pare_slice text, struct pare_error *err)
{
	struct pare_slice word;
	while (pare_slice_next_word(&text, &word)) {
		struct pare_dep d;
		struct pare_sdep sd;
		int r = pare_dep_parse(word, &d, err);
		if (r == 0)
			r = pare_universe_dep(&c->u, &d, &sd, err);
		if (r == 0)
			r = pare_solve_world_add(c, &sd);
		if (r < 0)
			return r;
	}
	return 0;
}

static int load_world_file(struct pare_solve_ctx *c, const char *path, struct pare_error *err)
{
	char *text;
	size_t len;
	FILE *f = fopen(path, "rb");
	if (!f)
		return 0; /* no world yet */
	fclose(f);
	int r = read_whole(path, &text, &len, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < len; i++)
		if (text[i] == '\n' || text[i] == '\r')
			text[i] = ' ';
	r = load_world_text(c, pare_slice_make(text, len), err);
	free(text);
	return r;
}

/* ---- Opening. */

static const char *host_arch(void)
{
	static const struct { const char *uname, *apk; } map[] = {
		{ "x86_64", "x86_64" }, { "aarch64", "aarch64" }, { "armv7l", "armv7" },
		{ "armv6l", "armhf" },  { "i686", "x86" },       { "i586", "x86" },
		{ "ppc64le", "ppc64le" }, { "s390x", "s390x" },  { "riscv64", "riscv64" },
	};
	struct utsname un;
	if (uname(&un) == 0)
		for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
			if (strcmp(un.machine, map[i].uname) == 0)
				return map[i].apk;
	return "x86_64";
}

static int root_path(struct pare_cli *cli, const char *rel, char *buf, size_t n)
{
	const char *root = cli->opts.root ? cli->opts.root : "/";
	int w = snprintf(buf, n, "%s%s%s", root, root[strlen(root) - 1] == '/' ? "" : "/", rel);
	return w < 0 || (size_t)w >= n ? -PARE_E_TOO_BIG : 0;
}

static int add_repo(struct pare_solve_ctx *c, const char *spec, struct pare_error *err)
{
	struct pare_slice tag = PARE_SLICE_NULL;
	const char *path = spec;
	if (spec[0] == '@') {
		const char *colon = strchr(spec, ':');
		if (!colon)
			return pare_error_set(err, -PARE_E_USAGE, "--test-repo %s: expected @TAG:FILE",
					      spec);
		tag = pare_slice_make(spec + 1, (size_t)(colon - spec - 1));
		path = colon + 1;
	}
	int repo = pare_universe_add_repo(&c->u, tag);
	if (repo < 0)
		return pare_error_set(err, repo, "too many repositories");
	return load_index(c, path, PARE_SPKG_FROM_REPO, repo, err);
}

static int remember_entry(struct pare_solve_ctx *c, const struct pare_spkg *p,
			  const struct pare_pkgent *e)
{
	if (p->id >= c->npkg_ent) {
		size_t n = p->id + 256;
		const struct pare_pkgent **v = realloc(c->pkg_ent, n * sizeof(*v));
		if (!v)
			return -ENOMEM;
		memset(v + c->npkg_ent, 0, (n - c->npkg_ent) * sizeof(*v));
		c->pkg_ent = v;
		c->npkg_ent = n;
	}
	if (!c->pkg_ent[p->id])
		c->pkg_ent[p->id] = e;
	return 0;
}

const struct pare_pkgent *pare_solve_ctx_entry(const struct pare_solve_ctx *c,
					       const struct pare_spkg *p)
{
	return p->id < c->npkg_ent ? c->pkg_ent[p->id] : NULL;
}

/* One configured repository's index into the universe. */
static int add_loaded_repo(struct pare_solve_ctx *c, const struct pare_repo *rp,
			   struct pare_error *err)
{
	int repo = pare_universe_add_repo(&c->u, pare_slice_from(rp->tag));
	if (repo < 0)
		return pare_error_set(err, repo, "too many repositories");
	int r = 0;
	for (size_t i = 0; r == 0 && i < rp->index.n; i++) {
		const struct pare_pkgent *e = &rp->index.ents[i];
		struct pare_spkg_desc d;
		struct pare_spkg *p = NULL;
		pare_spkg_desc_from_pkgent(&d, e);
		if (e->flags & PARE_PKGENT_BAD_PROVIDES)
			c->degraded = true;
		r = pare_universe_add(&c->u, &d, PARE_SPKG_FROM_REPO, repo, &p, err);
		if (r == 0 && p && remember_entry(c, p, e) < 0)
			r = pare_error_set(err, -ENOMEM, "out of memory");
	}
	return r;
}

/* Repositories as apk configures them; unavailable ones were reported as
 * warnings by pare_cli_repos_open and are skipped, as apk does. */
static int add_configured_repos(struct pare_solve_ctx *c, struct pare_cli *cli,
				struct pare_error *err)
{
	int r = pare_cli_repos_open(cli, &c->repos, false);
	if (r < 0)
		return r;
	c->repos_open = true;
	for (size_t i = 0; r == 0 && i < c->repos.repos.n; i++)
		if (c->repos.repos.v[i].loaded)
			r = add_loaded_repo(c, &c->repos.repos.v[i], err);
	return r;
}

static int open_inputs(struct pare_solve_ctx *c, struct pare_cli *cli, struct pare_error *err)
{
	const struct pare_global_opts *o = &cli->opts;
	char path[4096];
	int r = 0;
	if (o->test_instdb)
		r = load_installed(c, o->test_instdb, err);
	else if (root_path(cli, "lib/apk/db/installed", path, sizeof(path)) == 0) {
		FILE *f = fopen(path, "rb");
		if (f) {
			fclose(f);
			r = load_installed(c, path, err);
		}
	}
	for (int i = 0; r == 0 && i < o->ntest_repos; i++)
		r = add_repo(c, o->test_repos[i], err);
	if (r == 0 && o->ntest_repos == 0)
		r = add_configured_repos(c, cli, err);
	if (r == 0 && o->test_cache)
		r = load_index(c, o->test_cache, PARE_SPKG_FROM_CACHE, -1, err);
	if (r == 0 && o->test_world)
		r = load_world_text(c, pare_slice_from(o->test_world), err);
	else if (r == 0 && root_path(cli, "etc/apk/world", path, sizeof(path)) == 0)
		r = load_world_file(c, path, err);
	return r;
}

int pare_solve_ctx_open(struct pare_solve_ctx *c, struct pare_cli *cli)
{
	struct pare_error err = { 0 };
	memset(c, 0, sizeof(*c));
	c->cli = cli;
	pare_universe_init(&c->u, pare_slice_from(cli->opts.arch ? cli->opts.arch : host_arch()));
	int r = open_inputs(c, cli, &err);
	if (r < 0) {
		if (err.code) /* else already reported (repositories) */
			pare_cli_report(cli, r, &err);
		return r;
	}
	if (c->u.has_broken || c->degraded) {
		fflush(cli->out);
		pare_log_warning(&cli->log, "The indexes contain broken packages which %s.",
				 c->u.has_broken ? "are not installable" : "might not function properly");
	}
	return 0;
}

void pare_solve_ctx_release(struct pare_solve_ctx *c)
{
	if (!c)
		return;
	pare_universe_release(&c->u);
	if (c->repos_open)
		pare_cli_repos_close(&c->repos);
	free(c->pkg_ent);
	free(c->failed);
	free(c->world);
	free(c->name_flags);
	memset(c, 0, sizeof(*c));
}

int pare_solve_parse_world_dep(struct pare_solve_ctx *c, const char *arg, bool virtual_dep,
			       struct pare_sdep *out)
{
	struct pare_dep d;
	int r = pare_dep_parse(pare_slice_from(arg), &d, NULL);
	if (r == 0 && virtual_dep && d.tag.len)
		r = -PARE_E_INVALID_DEP;
	if (r < 0) {
		fflush(c->cli->out);
		if (virtual_dep)
			pare_cli_error(c->cli, "'%s' is not a valid package dependency, format is "
					       "name([<>~=]version)", arg);
		else
			pare_cli_error(c->cli, "'%s' is not a valid world dependency, format is "
					       "name(@tag)([<>~=]version)", arg);
		return r;
	}
	struct pare_error err = { 0 };
	r = pare_universe_dep(&c->u, &d, out, &err);
	if (r < 0)
		pare_cli_report(c->cli, r, &err);
	return r;
}

static int grow_flags(struct pare_solve_ctx *c)
{
	if (c->nname_flags >= c->u.nnames)
		return 0;
	size_t n = c->u.nnames + 64;
	uint8_t *nf = realloc(c->name_flags, n);
	if (!nf)
		return -ENOMEM;
	memset(nf + c->nname_flags, 0, n - c->nname_flags);
	c->name_flags = nf;
	c->nname_flags = n;
	return 0;
}

int pare_solve_name_flag(struct pare_solve_ctx *c, const struct pare_sname *n, uint8_t flags)
{
	int r = grow_flags(c);
	if (r == 0)
		c->name_flags[n->id] |= flags;
	return r;
}

int pare_solve_ctx_finalize(struct pare_solve_ctx *c)
{
	if (c->finalized)
		return 0;
	struct pare_error err = { 0 };
	int r = pare_universe_finalize(&c->u, &err);
	if (r < 0)
		return r;
	c->finalized = true;
	return 0;
}

int pare_solve_name_flag_deps(struct pare_solve_ctx *c, const struct pare_sname *n, uint8_t flags,
			      bool installed_only)
{
	int r = pare_solve_ctx_finalize(c);
	if (r == 0)
		r = grow_flags(c);
	if (r < 0)
		return r;
	uint8_t *seen = calloc(c->u.nnames + 1, 1);
	const struct pare_sname **stack = calloc(c->u.nnames + 1, sizeof(*stack));
	size_t sp = 0;
	if (!seen || !stack) {
		free(seen);
		free(stack);
		return -ENOMEM;
	}
	stack[sp++] = n;
	seen[n->id] = 1;
	while (sp) {
		const struct pare_sname *x = stack[--sp];
		c->name_flags[x->id] |= flags;
		for (uint32_t i = 0; i < x->own.n; i++) {
			const struct pare_spkg *p = x->own.v[i];
			if (installed_only && !(p->flags & PARE_SPKG_INSTALLED))
				continue;
			for (uint32_t j = 0; j < p->ndepends; j++) {
				const struct pare_sname *dn = p->depends[j].name;
				if (!seen[dn->id] && !p->depends[j].conflict) {
					seen[dn->id] = 1;
					stack[sp++] = dn;
				}
			}
		}
	}
	free(seen);
	free(stack);
	return 0;
}

int pare_solve_ctx_solve(struct pare_solve_ctx *c, unsigned flags, struct pare_solution *sol)
{
	struct pare_error err = { 0 };
	int r = pare_solve_ctx_finalize(c);
	if (r == 0)
		r = grow_flags(c);
	if (r < 0) {
		pare_cli_report(c->cli, r, NULL);
		return r;
	}
	struct pare_solve_request req = {
		.world = c->world,
		.nworld = c->nworld,
		.flags = flags,
		.name_flags = c->name_flags,
		.nname_flags = c->nname_flags,
		.no_network = c->cli->opts.no_network,
	};
	r = pare_solve(&c->u, &req, sol, &err);
	if (r < 0)
		pare_cli_report(c->cli, r, &err);
	return r;
}
