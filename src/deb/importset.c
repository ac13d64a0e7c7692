/* Set files for import-deb (see importset.h). */
#include "deb/importset.h"

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "apk/pkginfo.h"
#include "base/rootpath.h"
#include "image/yaml_int.h"
#include "io/stream.h"

struct sctx {
	struct pare_importset *s;
	const char *name;
	struct pare_error *err;
	bool rules_only; /* loaded through another set's rules: (packages only) */
};

/* rules: files nest at most this deep (a set naming itself stops here). */
#define PARE_IMPORTSET_MAX_DEPTH 4

static int fail(struct sctx *x, const struct ynode *n, const char *fmt, const char *arg)
{
	char msg[256];
	snprintf(msg, sizeof(msg), fmt, arg);
	return pare_error_set(x->err, -PARE_E_FORMAT, "%s:%u:%u: %s", x->name, n ? n->line : 0,
			      n ? n->col : 0, msg);
}

static int want(struct sctx *x, const struct ynode *n, enum ynode_kind k, const char *what)
{
	static const char *const kinds[] = { "a text", "a mapping", "a list" };
	if (n && n->kind == k)
		return 0;
	char msg[128];
	snprintf(msg, sizeof(msg), "%s must be %s", what, kinds[k]);
	return fail(x, n, "%s", msg);
}

static int get_str(struct sctx *x, const struct ynode *n, const char *what, const char **out)
{
	int r = want(x, n, YN_SCALAR, what);
	if (r == 0 && n->text.len == 0)
		return fail(x, n, "%s is empty", what);
	if (r == 0)
		*out = n->text.ptr;
	return r;
}

static int get_bool(struct sctx *x, const struct ynode *n, const char *what, bool *out)
{
	int r = want(x, n, YN_SCALAR, what);
	if (r < 0)
		return r;
	if (pare_slice_eq_cstr(n->text, "true"))
		*out = true;
	else if (pare_slice_eq_cstr(n->text, "false"))
		*out = false;
	else
		return fail(x, n, "%s must be true or false", what);
	return 0;
}

/* A list of texts; a single text is a list of one. */
static int get_list(struct sctx *x, const struct ynode *n, const char *what,
		    struct pare_importset_list *l)
{
	if (n && n->kind == YN_SCALAR) {
		l->v = pare_arena_alloc(&x->s->arena, sizeof(*l->v));
		if (!l->v)
			return -ENOMEM;
		l->n = 1;
		return get_str(x, n, what, &l->v[0]);
	}
	int r = want(x, n, YN_SEQ, what);
	if (r < 0)
		return r;
	const char **old = l->v;
	l->v = pare_arena_alloc(&x->s->arena, (l->n + n->n + 1) * sizeof(*l->v));
	if (!l->v)
		return -ENOMEM;
	if (l->n)
		memcpy(l->v, old, l->n * sizeof(*l->v));
	for (const struct ynode *it = n->first; it; it = it->next)
		if ((r = get_str(x, it, what, &l->v[l->n++])) < 0)
			return r;
	return 0;
}

/* A package name (it becomes a folder and a file name). */
static int get_name(struct sctx *x, const struct ynode *n, const char *what, const char **out)
{
	int r = get_str(x, n, what, out);
	if (r == 0 && !pare_pkginfo_name_valid(pare_slice_from(*out)))
		return fail(x, n, "'%s' is not a valid package name", *out);
	return r;
}

/* A path inside the root: relative, no "..", no control characters. */
static int get_path(struct sctx *x, const struct ynode *n, const char *what, const char **out)
{
	struct pare_error e = { 0 };
	int r = get_str(x, n, what, out);
	if (r == 0 && pare_path_check_name(pare_slice_from(*out), &e) < 0)
		return fail(x, n, "'%s' is not a relative path inside the root", *out);
	return r;
}

static bool key_is(const struct ynode *k, const char *name)
{
	return pare_slice_eq_cstr(k->text, name);
}

static int split_item(struct sctx *x, const struct ynode *k, const struct ynode *v,
		      struct pare_importset_split *sp)
{
	int r = get_name(x, k, "a split name", &sp->name);
	if (r < 0 || v->kind != YN_MAP)
		return r < 0 ? r : get_list(x, v, "split paths", &sp->globs);
	for (const struct ynode *kk = v->first; kk && r == 0; kk = kk->next->next) {
		const struct ynode *vv = kk->next;
		if (key_is(kk, "paths"))
			r = get_list(x, vv, "paths", &sp->globs);
		else if (key_is(kk, "depends"))
			r = get_list(x, vv, "depends", &sp->depends);
		else if (key_is(kk, "gconv"))
			r = get_bool(x, vv, "gconv", &sp->gconv);
		else if (key_is(kk, "description"))
			r = get_str(x, vv, "description", &sp->description);
		else
			r = fail(x, kk, "unknown key '%s' in a split", kk->text.ptr);
	}
	return r;
}

static int get_splits(struct sctx *x, const struct ynode *v, struct pare_importset_pkg *p)
{
	int r = want(x, v, YN_MAP, "split");
	if (r < 0)
		return r;
	/* one "split" key per package: the tree refuses a second one */
	p->splits = pare_arena_zalloc(&x->s->arena, (v->n / 2 + 1) * sizeof(*p->splits));
	if (!p->splits)
		return -ENOMEM;
	for (const struct ynode *k = v->first; k && r == 0; k = k->next->next)
		r = split_item(x, k, k->next, &p->splits[p->nsplits++]);
	return r;
}

static int alt_item(struct sctx *x, const struct ynode *v, struct pare_importset_alt *a)
{
	int r = want(x, v, YN_MAP, "an alternative");
	for (const struct ynode *k = r == 0 ? v->first : NULL; k && r == 0; k = k->next->next) {
		if (key_is(k, "link"))
			r = get_path(x, k->next, "link", &a->link);
		else if (key_is(k, "target"))
			r = get_str(x, k->next, "target", &a->target);
		else if (key_is(k, "package"))
			r = get_name(x, k->next, "package", &a->package);
		else
			r = fail(x, k, "unknown key '%s' in an alternative", k->text.ptr);
	}
	if (r == 0 && (!a->link || !a->target))
		r = fail(x, v, "%s", "an alternative needs link and target");
	return r;
}

static int get_alts(struct sctx *x, const struct ynode *v, struct pare_importset_pkg *p)
{
	int r = want(x, v, YN_SEQ, "alternatives");
	if (r < 0)
		return r;
	p->alts = pare_arena_zalloc(&x->s->arena, (v->n + 1) * sizeof(*p->alts));
	if (!p->alts)
		return -ENOMEM;
	for (const struct ynode *it = v->first; it && r == 0; it = it->next)
		r = alt_item(x, it, &p->alts[p->nalts++]);
	return r;
}

static int pkg_key(struct sctx *x, const struct ynode *k, const struct ynode *v,
		   struct pare_importset_pkg *p)
{
	if (key_is(k, "name"))
		return get_name(x, v, "name", &p->name);
	if (key_is(k, "drop"))
		return get_list(x, v, "drop", &p->drop);
	if (key_is(k, "depends"))
		return get_list(x, v, "depends", &p->depends);
	if (key_is(k, "ignore-depends"))
		return get_list(x, v, "ignore-depends", &p->ignore_depends);
	if (key_is(k, "split"))
		return get_splits(x, v, p);
	if (key_is(k, "alternatives"))
		return get_alts(x, v, p);
	if (key_is(k, "localedef"))
		return get_list(x, v, "localedef", &p->localedef);
	if (key_is(k, "ca-bundle"))
		return get_name(x, v, "ca-bundle", &p->ca_bundle);
	return fail(x, k, "unknown key '%s' in a package", k->text.ptr);
}

static int add_pkg(struct sctx *x, const struct ynode *k, const struct ynode *v)
{
	struct pare_importset *s = x->s;
	if (s->npkgs == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 64;
		struct pare_importset_pkg *np = pare_arena_zalloc(&s->arena, cap * sizeof(*np));
		if (!np)
			return -ENOMEM;
		if (s->npkgs)
			memcpy(np, s->pkgs, s->npkgs * sizeof(*np));
		s->pkgs = np;
		s->cap = cap;
	}
	struct pare_importset_pkg *p = &s->pkgs[s->npkgs];
	memset(p, 0, sizeof(*p));
	int r = get_name(x, k, "a package name", &p->deb);
	/* the same name twice in one map is refused by the tree (yaml_int.h) */
	if (r == 0 && v->kind == YN_SCALAR && v->text.len == 0)
		v = NULL; /* "pkg:" with no rules */
	if (r == 0 && v)
		r = want(x, v, YN_MAP, "a package's rules");
	for (const struct ynode *kk = v && r == 0 ? v->first : NULL; kk && r == 0;
	     kk = kk->next->next)
		r = pkg_key(x, kk, kk->next, p);
	if (r == 0 && !p->name)
		p->name = p->deb;
	if (r == 0)
		s->npkgs++;
	return r;
}

static int load_set(struct pare_importset *s, const char *path, bool rules_only,
		    struct pare_error *err);

/* rules: [FILE...]: the package rules of other set files (relative to
 * this one's folder), without their import lists. */
static int load_rules(struct sctx *x, const struct ynode *v)
{
	struct pare_importset_list l = { 0 };
	int r = get_list(x, v, "rules", &l);
	const char *slash = strrchr(x->name, '/');
	int dirlen = slash ? (int)(slash - x->name) : 1;
	const char *dir = slash ? x->name : ".";
	if (r == 0 && x->s->depth >= PARE_IMPORTSET_MAX_DEPTH)
		return fail(x, v, "rules: nested more than %s deep", "4");
	x->s->depth++;
	for (size_t i = 0; r == 0 && i < l.n; i++) {
		char path[4096];
		if (l.v[i][0] == '/')
			snprintf(path, sizeof(path), "%s", l.v[i]);
		else
			snprintf(path, sizeof(path), "%.*s/%s", dirlen, dir, l.v[i]);
		r = load_set(x->s, path, true, x->err);
	}
	x->s->depth--;
	return r;
}

static int top_key(struct sctx *x, const struct ynode *k, const struct ynode *v)
{
	int r = 0;
	if (key_is(k, "rules"))
		return load_rules(x, v);
	if (x->rules_only && !key_is(k, "packages") && !key_is(k, "description")) {
		struct pare_importset_list ignored = { 0 };
		bool b;
		return key_is(k, "baselayout") || key_is(k, "closure") ? get_bool(x, v, "flag", &b)
		       : get_list(x, v, "list", &ignored);
	}
	if (key_is(k, "with"))
		return get_list(x, v, "with", &x->s->with);
	if (key_is(k, "closure"))
		return get_bool(x, v, "closure", &x->s->closure);
	if (key_is(k, "import"))
		return get_list(x, v, "import", &x->s->import);
	if (key_is(k, "script-only"))
		return get_list(x, v, "script-only", &x->s->script_only);
	if (key_is(k, "baselayout"))
		return get_bool(x, v, "baselayout", &x->s->baselayout);
	if (key_is(k, "description"))
		return want(x, v, YN_SCALAR, "description");
	if (!key_is(k, "packages"))
		return fail(x, k, "unknown key '%s'", k->text.ptr);
	if ((r = want(x, v, YN_MAP, "packages")) < 0)
		return r;
	for (const struct ynode *kk = v->first; kk && r == 0; kk = kk->next->next)
		r = add_pkg(x, kk, kk->next);
	return r;
}

static int parse_set(struct pare_importset *s, const char *name, const char *text, size_t len,
		     bool rules_only, struct pare_error *err)
{
	struct sctx x = { .s = s, .name = name, .err = err, .rules_only = rules_only };
	struct ynode *root = NULL;
	int r = pare_yaml_parse(&s->arena, name, pare_slice_make(text, len), &root, err);
	if (r < 0)
		return r;
	if (!root)
		return 0;
	if ((r = want(&x, root, YN_MAP, "a set file")) < 0)
		return r;
	for (const struct ynode *k = root->first; k && r == 0; k = k->next->next)
		r = top_key(&x, k, k->next);
	if (r == -ENOMEM)
		pare_error_set(err, r, "%s: out of memory", name);
	return r;
}

int pare_importset_parse(struct pare_importset *s, const char *name, const char *text,
			 size_t len, struct pare_error *err)
{
	return parse_set(s, name, text, len, false, err);
}

static int load_set(struct pare_importset *s, const char *path, bool rules_only,
		    struct pare_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return pare_error_set(err, -errno, "%s: %s", path, strerror(errno));
	struct stat st;
	int r = 0;
	char *text = NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		r = pare_error_set(err, -PARE_E_FORMAT, "%s: not a regular file", path);
	} else if ((uint64_t)st.st_size > PARE_IMPORTSET_MAX_FILE) {
		r = pare_error_set(err, -PARE_E_TOO_BIG, "%s: larger than %u bytes", path,
				   PARE_IMPORTSET_MAX_FILE);
	} else if (!(text = malloc((size_t)st.st_size + 1))) {
		r = pare_error_set(err, -ENOMEM, "%s: out of memory", path);
	} else {
		size_t got = 0;
		while (got < (size_t)st.st_size) {
			ssize_t k = pare_read_some(fd, text + got, (size_t)st.st_size - got);
			if (k <= 0) {
				r = pare_error_set(err, k < 0 ? (int)k : -PARE_E_TRUNCATED,
						   "%s: read failed", path);
				break;
			}
			got += (size_t)k;
		}
		if (r == 0)
			r = parse_set(s, path, text, got, rules_only, err);
	}
	free(text);
	close(fd);
	return r;
}

int pare_importset_load(struct pare_importset *s, const char *path, struct pare_error *err)
{
	return load_set(s, path, false, err);
}

int pare_importset_load_rules(struct pare_importset *s, const char *path, struct pare_error *err)
{
	return load_set(s, path, true, err);
}

void pare_importset_init(struct pare_importset *s)
{
	memset(s, 0, sizeof(*s));
	pare_arena_init(&s->arena, 0, 0);
}

void pare_importset_release(struct pare_importset *s)
{
	if (!s)
		return;
	pare_arena_release(&s->arena);
	memset(s, 0, sizeof(*s));
	pare_arena_init(&s->arena, 0, 0);
}

const struct pare_importset_pkg *pare_importset_find(const struct pare_importset *s,
						     const char *deb)
{
	for (size_t i = 0; s && i < s->npkgs; i++)
		if (!strcmp(s->pkgs[i].deb, deb))
			return &s->pkgs[i];
	return NULL;
}

bool pare_importset_list_has(const struct pare_importset_list *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i], name))
			return true;
	return false;
}
