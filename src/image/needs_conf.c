/* Runtime needs that the packages' own configuration decides, resolved
 * after the solve (needs.c's rules NEED_NSS and NEED_GCONV):
 *
 * - NSS: the solution's etc/nsswitch.conf (read out of the package that
 *   ships it: the one a local repository's CONTENTS names, else the first
 *   package of the solution up to 4 MiB that has it) names services; each one libc does not have built in is
 *   libnss_SERVICE.so.2, and the package providing so:libnss_SERVICE.so.2
 *   is added.
 * - gconv: each charset of contents.runtime.gconv goes through the alias
 *   and module lines of the gconv configuration the repositories' gconv
 *   packages ship (gconv-modules, gconv-modules.d/NAME.conf), and the
 *   package whose configuration has the module is added.
 *
 * Package files are read here before the install and without verifying
 * them: what they say only chooses packages to add; the installer
 * verifies every package before anything lands in the root.  Reads are
 * bounded (package size, file size, number of packages). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "apk/package.h"
#include "elf/glibc_conf.h"
#include "image/needs_int.h"

#define NC_FILE_MAX (1u << 20)          /* one configuration file */
#define NC_NSS_PKG_MAX (4ull << 20)     /* packages searched for nsswitch.conf */
#define NC_GCONV_PKG_MAX (256ull << 20) /* a gconv package read for its config */
#define NC_GCONV_PKGS 64u               /* gconv packages read at most */
#define NC_STOP (-ECANCELED)            /* the visitor found what it wanted */

/* A configuration file taken out of a package. */
struct nc_text {
	const char *pkg; /* the package's name */
	char *text;
	size_t len;
};

struct nc_read {
	struct pib_arch *a;
	const char *pkg;
	bool (*want)(struct pare_slice name);
	bool first_only;
	struct nc_text *out;
	size_t n, cap;
};

static int nc_entry(void *ctx, const struct pare_tar_entry *e, struct pare_istream *content,
		    struct pare_error *err)
{
	struct nc_read *x = ctx;
	if (e->type != PARE_TAR_REG && e->type != '\0')
		return 0;
	if (!x->want(e->name) || e->size > NC_FILE_MAX || x->n == x->cap)
		return 0;
	char *t = pare_arena_alloc(&x->a->arena, (size_t)e->size + 1);
	if (!t)
		return pare_error_set(err, -ENOMEM, "out of memory");
	int r = pare_istream_read_full(content, t, (size_t)e->size, err);
	if (r < 0)
		return r;
	t[e->size] = '\0';
	x->out[x->n++] = (struct nc_text){ x->pkg, t, (size_t)e->size };
	return x->first_only ? NC_STOP : 0;
}

/* Read the files `want` accepts out of p's package file into x->out.
 * A package that cannot be read is skipped (the install reports it). */
static int nc_read_pkg(struct nc_read *x, const struct pare_spkg *p, uint64_t max,
		       struct pare_error *err)
{
	char path[PARE_PATH_MAX];
	const struct pare_pkgent *e = pare_session_entry(&x->a->s, p);
	if (!e || p->size > max || pib_package_file(x->a, e, path, sizeof(path), err) < 0)
		return 0;
	struct pare_pkg pkg;
	struct pare_pkg_read_opts ro = { .keys = NULL };
	struct pare_pkg_visitor v = { .entry = nc_entry, .ctx = x };
	struct pare_error e2 = { 0 };
	x->pkg = p->name->str.ptr;
	pare_pkg_init(&pkg);
	int r = pare_pkg_read_file(&pkg, path, &ro, &v, &e2);
	pare_pkg_release(&pkg);
	if (r == -ENOMEM)
		return pare_error_set(err, r, "out of memory");
	return 0;
}

/* ---- NSS */

static bool is_nsswitch(struct pare_slice name)
{
	return pare_slice_eq_cstr(name, "etc/nsswitch.conf");
}

/* Which package provides so:NAME (by name or provides), or NULL. */
static const char *so_provider(struct pib_arch *a, const char *so, bool solution)
{
	struct pare_slice want = pare_slice_from(so);
	uint32_t n = solution ? a->sol.nchanges : a->u->npkgs;
	for (uint32_t i = 0; i < n; i++) {
		const struct pare_spkg *p = solution ? a->sol.changes[i].new_pkg : a->u->pkgs[i];
		for (uint32_t k = 0; p && k < p->nprovides; k++)
			if (pare_slice_eq(p->provides[k].name->str, want))
				return p->name->str.ptr;
	}
	return NULL;
}

struct nss_walk {
	struct pib_arch *a;
	const char *reason;
	int added;
	struct pare_error *err;
};

static int nss_service(void *ctx, struct pare_slice db, struct pare_slice w)
{
	struct nss_walk *x = ctx;
	char so[300], why[512];
	if (pare_nss_builtin(w) || w.len > 64)
		return 0;
	snprintf(so, sizeof(so), "so:libnss_%.*s.so.2", (int)w.len, w.ptr);
	if (so_provider(x->a, so, true))
		return 0; /* the solution has it already */
	char svc[80], dbs[80];
	snprintf(svc, sizeof(svc), "%.*s", (int)w.len, w.ptr);
	snprintf(dbs, sizeof(dbs), "%.*s", (int)(db.len < 64 ? db.len : 64), db.ptr);
	snprintf(why, sizeof(why), x->reason, svc, dbs);
	const char *pkg = so_provider(x->a, so, false);
	if (!pkg) {
		pare_log_msg(x->a->o->log, PARE_LOG_WARNING, "%s: runtime need: no package provides "
			     "%s (%s); pare inspect will fail the image", x->a->img->arch.apk, so + 3,
			     why);
		return 0;
	}
	size_t before = x->a->nneeds;
	int r = pib_need_add(x->a, pkg, why, x->err);
	if (r < 0)
		return r;
	x->added |= x->a->nneeds > before;
	return 0;
}

int pib_need_nss(struct pib_arch *a, const char *reason, struct pare_error *err)
{
	struct nc_text found[1];
	struct nc_read x = { .a = a, .want = is_nsswitch, .first_only = true, .out = found,
			     .cap = 1 };
	/* the owner the contents index names first, then the small packages */
	const char *owner = pib_contents_owner(a, "etc/nsswitch.conf");
	for (int pass = owner ? 0 : 1; pass < 2 && x.n == 0; pass++)
		for (uint32_t i = 0; i < a->sol.nchanges && x.n == 0; i++) {
			const struct pare_spkg *p = a->sol.changes[i].new_pkg;
			if (!p || (pass == 0 && strcmp(p->name->str.ptr, owner) != 0))
				continue;
			int r = nc_read_pkg(&x, p, pass ? NC_NSS_PKG_MAX : NC_GCONV_PKG_MAX, err);
			if (r < 0)
				return r;
		}
	if (x.n == 0)
		return 0; /* no nsswitch.conf: glibc's defaults (RUN-001 warns) */
	struct nss_walk w = { .a = a, .reason = reason, .err = err };
	int r = pare_nsswitch_each(pare_slice_make(found[0].text, found[0].len), nss_service, &w);
	return r < 0 ? r : w.added;
}

/* ---- gconv */

static bool is_gconv_conf(struct pare_slice name)
{
	static const char dir[] = "/gconv/gconv-modules.d/";
	struct pare_slice d = PARE_SLICE_LIT(dir);
	if (pare_slice_ends_with(name, PARE_SLICE_LIT("/gconv/gconv-modules")))
		return true;
	if (!pare_slice_ends_with(name, PARE_SLICE_LIT(".conf")))
		return false;
	for (size_t i = 0; i + d.len <= name.len; i++)
		if (!memcmp(name.ptr + i, d.ptr, d.len))
			return memchr(name.ptr + i + d.len, '/', name.len - i - d.len) == NULL;
	return false;
}

static bool gconv_candidate(const struct pare_spkg *p)
{
	const char *n = p->name->str.ptr;
	return strstr(n, "gconv") || strstr(n, "iconv");
}

struct gconv_find {
	struct pare_slice name;  /* what to look for */
	bool module;             /* module lines (else aliases) */
	struct pare_slice found; /* alias: its target */
};

static int gconv_line(void *ctx, const struct pare_gconv_line *l)
{
	struct gconv_find *f = ctx;
	if (!f->module && l->kind == PARE_GCONV_ALIAS && pare_gconv_name_eq(l->from, f->name)) {
		f->found = l->to;
		return 1;
	}
	if (f->module && l->kind == PARE_GCONV_MODULE &&
	    (pare_gconv_name_eq(l->from, f->name) || pare_gconv_name_eq(l->to, f->name)))
		return 1;
	return 0;
}

/* The package whose configuration has the module for cs, or NULL. */
static const char *gconv_owner(const struct nc_text *t, size_t n, const char *cs)
{
	struct gconv_find f = { .name = pare_slice_from(cs) };
	for (size_t i = 0; i < n && !f.found.len; i++)
		pare_gconv_conf_each(pare_slice_make(t[i].text, t[i].len), gconv_line, &f);
	if (f.found.len)
		f.name = f.found;
	f.module = true;
	for (size_t i = 0; i < n; i++)
		if (pare_gconv_conf_each(pare_slice_make(t[i].text, t[i].len), gconv_line, &f))
			return t[i].pkg;
	return NULL;
}

/* Read the configuration of every gconv package of the universe (each
 * name once). */
static int gconv_texts(struct pib_arch *a, struct nc_read *x, struct pare_error *err)
{
	const struct pare_sname *seen[NC_GCONV_PKGS];
	size_t nseen = 0;
	for (uint32_t i = 0; i < a->u->npkgs && nseen < NC_GCONV_PKGS; i++) {
		const struct pare_spkg *p = a->u->pkgs[i];
		bool dup = false;
		for (size_t k = 0; k < nseen && !dup; k++)
			dup = seen[k] == p->name;
		if (dup || !gconv_candidate(p))
			continue;
		seen[nseen++] = p->name;
		int r = nc_read_pkg(x, p, NC_GCONV_PKG_MAX, err);
		if (r < 0)
			return r;
	}
	return 0;
}

int pib_need_gconv(struct pib_arch *a, const char *reason, struct pare_error *err)
{
	if (a->cfg->ngconv == 0)
		return 0;
	struct nc_read x = { .a = a, .want = is_gconv_conf, .cap = 4 * NC_GCONV_PKGS };
	x.out = pare_arena_alloc(&a->arena, x.cap * sizeof(*x.out));
	if (!x.out)
		return pare_error_set(err, -ENOMEM, "out of memory");
	int r = gconv_texts(a, &x, err);
	int added = 0;
	for (size_t i = 0; r == 0 && i < a->cfg->ngconv; i++) {
		const char *cs = a->cfg->gconv[i];
		char why[512];
		snprintf(why, sizeof(why), reason, cs);
		if (pare_gconv_builtin(pare_slice_from(cs))) {
			pare_log_msg(a->o->log, PARE_LOG_INFO, "%s: runtime need: %s is built into "
				     "libc, no gconv module needed", a->img->arch.apk, cs);
			continue;
		}
		const char *pkg = gconv_owner(x.out, x.n, cs);
		if (!pkg) {
			pare_log_msg(a->o->log, PARE_LOG_WARNING, "%s: runtime need: no gconv "
				     "configuration of the repositories has a module for %s (%s)",
				     a->img->arch.apk, cs, why);
			continue;
		}
		size_t before = a->nneeds;
		r = pib_need_add(a, pkg, why, err);
		added |= a->nneeds > before;
	}
	return r < 0 ? r : added;
}
