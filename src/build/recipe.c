/* The driver's dump of an APKBUILD (see recipe.h). */
#include "build/recipe.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apk/dep.h"
#include "apk/pkginfo.h"
#include "apk/version.h"

const char *const PARE_RECIPE_VARS[] = {
	"pkgname", "pkgver", "pkgrel", "pkgdesc", "url", "arch", "license", "depends",
	"makedepends", "checkdepends", "install", "triggers", "subpackages", "source",
	"sha512sums", "options", "provides", "replaces", "provider_priority", "install_if",
	"builddir", "SOURCE_DATE_EPOCH", NULL,
};

enum { V_PKGNAME, V_PKGVER, V_PKGREL, V_PKGDESC, V_URL, V_ARCH, V_LICENSE, V_DEPENDS,
       V_MAKEDEPENDS, V_CHECKDEPENDS, V_INSTALL, V_TRIGGERS, V_SUBPACKAGES, V_SOURCE,
       V_SHA512SUMS, V_OPTIONS, V_PROVIDES, V_REPLACES, V_PROVIDER_PRIORITY, V_INSTALL_IF,
       V_BUILDDIR, V_SDE, V_COUNT };

struct raw {
	struct pare_slice val[V_COUNT];
	bool seen[V_COUNT];
};

void pare_recipe_init(struct pare_recipe *r, const char *file)
{
	memset(r, 0, sizeof(*r));
	pare_arena_init(&r->arena, 0, 0);
	r->file = file;
	r->source_date_epoch = -1;
}

void pare_recipe_release(struct pare_recipe *r)
{
	if (!r)
		return;
	pare_arena_release(&r->arena);
	const char *file = r->file;
	memset(r, 0, sizeof(*r));
	r->file = file;
}

static int bad(struct pare_recipe *r, struct pare_error *err, const char *what, const char *why)
{
	return pare_error_set(err, -PARE_E_FORMAT, "%s: %s: %s", r->file, what, why);
}

static bool clean_text(struct pare_slice s)
{
	for (size_t i = 0; i < s.len; i++) {
		unsigned char c = (unsigned char)s.ptr[i];
		if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f)
			return false;
	}
	return true;
}

/* Split on blanks and newlines into arena strings. */
static int words(struct pare_recipe *r, struct pare_slice s, const char *var,
		 struct pare_recipe_words *out, struct pare_error *err)
{
	size_t n = 0, cap = 0;
	const char **v = NULL;
	for (size_t i = 0; i < s.len;) {
		while (i < s.len && (s.ptr[i] == ' ' || s.ptr[i] == '\t' || s.ptr[i] == '\n'))
			i++;
		size_t j = i;
		while (j < s.len && s.ptr[j] != ' ' && s.ptr[j] != '\t' && s.ptr[j] != '\n')
			j++;
		if (j == i)
			break;
		if (n == PARE_RECIPE_MAX_WORDS)
			return bad(r, err, var, "too many words");
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			const char **nv = pare_arena_alloc(&r->arena, cap * sizeof(*nv));
			if (!nv)
				return pare_error_set(err, -ENOMEM, "out of memory");
			if (n)
				memcpy(nv, v, n * sizeof(*nv));
			v = nv;
		}
		v[n] = pare_arena_strdup(&r->arena, pare_slice_make(s.ptr + i, j - i));
		if (!v[n++])
			return pare_error_set(err, -ENOMEM, "out of memory");
		i = j;
	}
	out->v = v;
	out->n = n;
	return 0;
}

static int read_records(struct pare_recipe *r, struct pare_slice dump, struct raw *raw,
			struct pare_slice *fns, size_t maxfns, size_t *nfns, struct pare_error *err)
{
	if (dump.len > PARE_RECIPE_MAX_DUMP)
		return bad(r, err, "driver output", "too big");
	if (dump.len && dump.ptr[dump.len - 1] != '\0')
		return bad(r, err, "driver output", "truncated record");
	struct pare_slice rest = dump, rec;
	while (rest.len && pare_slice_split(&rest, '\0', &rec)) {
		if (rec.len > 2 && rec.ptr[0] == 'f' && rec.ptr[1] == ':') {
			if (*nfns == maxfns)
				return bad(r, err, "functions", "too many");
			fns[(*nfns)++] = pare_slice_sub(rec, 2, rec.len - 2);
			continue;
		}
		ptrdiff_t eq = pare_slice_find(rec, '=');
		if (rec.len < 3 || rec.ptr[0] != 'v' || rec.ptr[1] != ':' || eq < 0)
			return bad(r, err, "driver output", "malformed record");
		struct pare_slice name = pare_slice_sub(rec, 2, (size_t)eq - 2);
		struct pare_slice val = pare_slice_sub(rec, (size_t)eq + 1, rec.len - (size_t)eq - 1);
		size_t k = 0;
		while (k < V_COUNT && !pare_slice_eq_cstr(name, PARE_RECIPE_VARS[k]))
			k++;
		if (k == V_COUNT)
			return bad(r, err, "driver output", "unknown variable");
		if (raw->seen[k])
			return bad(r, err, PARE_RECIPE_VARS[k], "set twice");
		if (!clean_text(val))
			return bad(r, err, PARE_RECIPE_VARS[k], "control character in value");
		raw->seen[k] = true;
		raw->val[k] = val;
	}
	return 0;
}

static int text(struct pare_recipe *r, struct pare_slice s, const char **out,
		struct pare_error *err)
{
	s = pare_slice_trim(s);
	*out = pare_arena_strdup(&r->arena, s);
	return *out ? 0 : pare_error_set(err, -ENOMEM, "out of memory");
}

static int atoms(struct pare_recipe *r, struct pare_slice s, const char *var,
		 struct pare_recipe_words *out, struct pare_error *err)
{
	int e = words(r, s, var, out, err);
	for (size_t i = 0; e == 0 && i < out->n; i++) {
		struct pare_dep d;
		if (pare_dep_parse(pare_slice_from(out->v[i]), &d, NULL) < 0)
			return pare_error_set(err, -PARE_E_FORMAT, "%s: %s: '%s' is not a dependency",
					      r->file, var, out->v[i]);
	}
	return e;
}

bool pare_recipe_has_function(const struct pare_recipe *r, const char *name)
{
	for (size_t i = 0; i < r->functions.n; i++)
		if (!strcmp(r->functions.v[i], name))
			return true;
	return false;
}

bool pare_recipe_has_option(const struct pare_recipe *r, const char *opt)
{
	for (size_t i = 0; i < r->options.n; i++)
		if (!strcmp(r->options.v[i], opt))
			return true;
	return false;
}

/* "NAME[:FUNC[:ARCH]]" */
static int subpackages(struct pare_recipe *r, struct pare_slice s, struct pare_error *err)
{
	struct pare_recipe_words w;
	int e = words(r, s, "subpackages", &w, err);
	if (e < 0)
		return e;
	r->subpkgs = pare_arena_zalloc(&r->arena, (w.n ? w.n : 1) * sizeof(*r->subpkgs));
	if (!r->subpkgs)
		return pare_error_set(err, -ENOMEM, "out of memory");
	for (size_t i = 0; i < w.n; i++) {
		struct pare_slice rest = pare_slice_from(w.v[i]), name, func = PARE_SLICE_NULL;
		pare_slice_split(&rest, ':', &name);
		if (rest.len)
			pare_slice_split(&rest, ':', &func);
		struct pare_recipe_subpkg *sp = &r->subpkgs[r->nsubpkgs++];
		if (!pare_pkginfo_name_valid(name) || pare_slice_eq_cstr(name, r->pkgname))
			return pare_error_set(err, -PARE_E_FORMAT, "%s: subpackages: '%s' is not a "
					      "valid subpackage name", r->file, w.v[i]);
		sp->name = pare_arena_strdup(&r->arena, name);
		sp->func = func.len ? pare_arena_strdup(&r->arena, func) : NULL;
		if (!sp->name || (func.len && !sp->func))
			return pare_error_set(err, -ENOMEM, "out of memory");
		if (sp->func && !pare_recipe_has_function(r, sp->func))
			return pare_error_set(err, -PARE_E_FORMAT, "%s: subpackages: %s: function "
					      "%s is not defined", r->file, sp->name, sp->func);
	}
	return 0;
}

static bool is_hex128(const char *s)
{
	size_t n = strlen(s);
	if (n != 128)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

static bool good_file_name(const char *s)
{
	return *s && strcmp(s, ".") && strcmp(s, "..") && !strchr(s, '/') && strlen(s) < 256;
}

static int one_source(struct pare_recipe *r, const char *w, struct pare_recipe_source *src,
		      struct pare_error *err)
{
	const char *sep = strstr(w, "::");
	const char *url = sep ? sep + 2 : w;
	bool is_url = strstr(url, "://") != NULL;
	const char *base = strrchr(url, '/');
	struct pare_slice name = sep ? pare_slice_make(w, (size_t)(sep - w))
				     : pare_slice_from(is_url && base ? base + 1 : w);
	src->name = pare_arena_strdup(&r->arena, name);
	src->url = is_url ? pare_arena_strdup(&r->arena, pare_slice_from(url)) : NULL;
	if (!src->name || (is_url && !src->url))
		return pare_error_set(err, -ENOMEM, "out of memory");
	if (!good_file_name(src->name))
		return pare_error_set(err, -PARE_E_FORMAT, "%s: source: '%s' does not name a file "
				      "(use NAME::URL)", r->file, w);
	return 0;
}

/* source= and sha512sums= ("HEX  NAME" pairs, in the same order). */
static int sources(struct pare_recipe *r, struct pare_slice s, struct pare_slice sums,
		   struct pare_error *err)
{
	struct pare_recipe_words w, h;
	int e = words(r, s, "source", &w, err);
	if (e == 0)
		e = words(r, sums, "sha512sums", &h, err);
	if (e < 0)
		return e;
	if (h.n != 2 * w.n)
		return pare_error_set(err, -PARE_E_FORMAT, "%s: sha512sums: %zu entries for %zu "
				      "sources", r->file, h.n / 2, w.n);
	r->sources = pare_arena_zalloc(&r->arena, (w.n ? w.n : 1) * sizeof(*r->sources));
	if (!r->sources)
		return pare_error_set(err, -ENOMEM, "out of memory");
	for (size_t i = 0; i < w.n; i++) {
		struct pare_recipe_source *src = &r->sources[i];
		if ((e = one_source(r, w.v[i], src, err)) < 0)
			return e;
		if (!is_hex128(h.v[2 * i]) || strcmp(h.v[2 * i + 1], src->name))
			return pare_error_set(err, -PARE_E_FORMAT, "%s: sha512sums: entry %zu is not "
					      "'SHA512  %s'", r->file, i + 1, src->name);
		memcpy(src->sha512, h.v[2 * i], 129);
		r->nsources++;
	}
	return 0;
}

static int core(struct pare_recipe *r, const struct raw *raw, struct pare_error *err)
{
	int e = 0;
	if (!raw->val[V_PKGNAME].len || !raw->val[V_PKGVER].len)
		return bad(r, err, "pkgname/pkgver", "not set");
	if ((e = text(r, raw->val[V_PKGNAME], &r->pkgname, err)) < 0 ||
	    (e = text(r, raw->val[V_PKGVER], &r->pkgver, err)) < 0 ||
	    (e = text(r, raw->val[V_PKGREL].len ? raw->val[V_PKGREL] : pare_slice_from("0"),
		      &r->pkgrel, err)) < 0)
		return e;
	if (!pare_pkginfo_name_valid(pare_slice_from(r->pkgname)))
		return bad(r, err, "pkgname", "not a valid package name");
	char v[512];
	if ((size_t)snprintf(v, sizeof(v), "%s-r%s", r->pkgver, r->pkgrel) >= sizeof(v) ||
	    !pare_version_valid(pare_slice_from(v)))
		return pare_error_set(err, -PARE_E_FORMAT, "%s: pkgver/pkgrel: '%s' is not a valid "
				      "version", r->file, v);
	r->version = pare_arena_strdup(&r->arena, pare_slice_from(v));
	if (!r->version)
		return pare_error_set(err, -ENOMEM, "out of memory");
	uint64_t n;
	struct pare_slice pp = pare_slice_trim(raw->val[V_PROVIDER_PRIORITY]);
	if (pp.len && !pare_slice_to_u64(pp, &n))
		return bad(r, err, "provider_priority", "not a number");
	r->has_provider_priority = pp.len != 0;
	r->provider_priority = pp.len ? n : 0;
	struct pare_slice sde = pare_slice_trim(raw->val[V_SDE]);
	if (sde.len && (!pare_slice_to_u64(sde, &n) || n > INT64_MAX))
		return bad(r, err, "SOURCE_DATE_EPOCH", "not a number");
	if (sde.len)
		r->source_date_epoch = (int64_t)n;
	return 0;
}

int pare_recipe_parse(struct pare_recipe *r, struct pare_slice dump, struct pare_error *err)
{
	struct raw raw;
	memset(&raw, 0, sizeof(raw));
	struct pare_slice *fns = calloc(PARE_RECIPE_MAX_WORDS, sizeof(*fns));
	size_t nfns = 0;
	if (!fns)
		return pare_error_set(err, -ENOMEM, "out of memory");
	int e = read_records(r, dump, &raw, fns, PARE_RECIPE_MAX_WORDS, &nfns, err);
	r->functions.v = e == 0 ? pare_arena_zalloc(&r->arena, (nfns + 1) * sizeof(char *)) : NULL;
	if (e == 0 && !r->functions.v)
		e = pare_error_set(err, -ENOMEM, "out of memory");
	for (size_t i = 0; e == 0 && i < nfns; i++)
		if (!(r->functions.v[r->functions.n++] = pare_arena_strdup(&r->arena, fns[i])))
			e = pare_error_set(err, -ENOMEM, "out of memory");
	free(fns);
	if (e == 0)
		e = core(r, &raw, err);
	if (e == 0)
		e = text(r, raw.val[V_PKGDESC], &r->pkgdesc, err);
	if (e == 0)
		e = text(r, raw.val[V_URL], &r->url, err);
	if (e == 0)
		e = text(r, raw.val[V_LICENSE], &r->license, err);
	if (e == 0)
		e = text(r, raw.val[V_BUILDDIR], &r->builddir, err);
	if (e == 0)
		e = words(r, raw.val[V_ARCH], "arch", &r->arch, err);
	if (e == 0)
		e = words(r, raw.val[V_INSTALL], "install", &r->install, err);
	if (e == 0)
		e = words(r, raw.val[V_TRIGGERS], "triggers", &r->triggers, err);
	if (e == 0)
		e = words(r, raw.val[V_OPTIONS], "options", &r->options, err);
	if (e == 0)
		e = atoms(r, raw.val[V_DEPENDS], "depends", &r->depends, err);
	if (e == 0)
		e = atoms(r, raw.val[V_MAKEDEPENDS], "makedepends", &r->makedepends, err);
	if (e == 0)
		e = atoms(r, raw.val[V_CHECKDEPENDS], "checkdepends", &r->checkdepends, err);
	if (e == 0)
		e = atoms(r, raw.val[V_PROVIDES], "provides", &r->provides, err);
	if (e == 0)
		e = atoms(r, raw.val[V_REPLACES], "replaces", &r->replaces, err);
	if (e == 0)
		e = atoms(r, raw.val[V_INSTALL_IF], "install_if", &r->install_if, err);
	if (e == 0)
		e = subpackages(r, raw.val[V_SUBPACKAGES], err);
	if (e == 0)
		e = sources(r, raw.val[V_SOURCE], raw.val[V_SHA512SUMS], err);
	return e;
}

int pare_recipe_parse_sub(struct pare_recipe *r, struct pare_recipe_subpkg *sp,
			  struct pare_slice dump, struct pare_error *err)
{
	struct raw raw;
	memset(&raw, 0, sizeof(raw));
	size_t nfns = 0;
	struct pare_slice fn[1];
	int e = read_records(r, dump, &raw, fn, 0, &nfns, err);
	for (int k = 0; e == 0 && k < V_COUNT; k++)
		if (raw.seen[k] && k != V_DEPENDS && k != V_PKGDESC && k != V_PROVIDES &&
		    k != V_INSTALL_IF)
			e = bad(r, err, PARE_RECIPE_VARS[k], "not a subpackage variable");
	if (e == 0 && nfns)
		e = bad(r, err, sp->name, "unexpected function record");
	if (e == 0)
		e = text(r, raw.val[V_PKGDESC], &sp->pkgdesc, err);
	if (e == 0)
		e = atoms(r, raw.val[V_DEPENDS], "depends", &sp->depends, err);
	if (e == 0)
		e = atoms(r, raw.val[V_PROVIDES], "provides", &sp->provides, err);
	if (e == 0)
		e = atoms(r, raw.val[V_INSTALL_IF], "install_if", &sp->install_if, err);
	return e < 0 ? pare_error_prefix(err, e, "subpackage %s: ", sp->name) : 0;
}
