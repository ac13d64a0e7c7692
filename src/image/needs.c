/* Runtime needs DT_NEEDED does not show, resolved at build time from a
 * table of rules (docs/image-tests.md, "Runtime needs").  Each rule looks
 * at the config (environment, packages) and the binaries' so: needs and
 * names a package; a package the repositories have is added to the world
 * with its reason (reported in the log and by the solver's explanations as
 * "needed by <reason>"); one they lack is a warning, and pare inspect
 * fails the image if the file the rule is about is missing.
 *
 * Rules of the "after the solve" phase look at what the solution
 * installs (needs_conf.c): the NSS modules of the services its
 * nsswitch.conf names, the gconv modules of contents.runtime.gconv. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "image/build_int.h"
#include "image/needs_int.h"

enum need_trigger {
	NEED_ALWAYS,   /* unless the config names a package starting with `match` */
	NEED_LOCALE,   /* LANG, LC_ALL, LC_*: the package is derived from the value */
	NEED_TZ,       /* TZ names a zone file */
	NEED_TLS,      /* a TLS library is needed (binary so: needs or config packages) */
	NEED_ENTRY,    /* the entrypoint's program, by the repositories' CONTENTS */
	NEED_NSS,      /* after the solve: a service nsswitch.conf names */
	NEED_GCONV,    /* after the solve: a charset contents.runtime.gconv lists */
};

struct need_rule {
	enum need_trigger trigger;
	const char *package;  /* NULL: derived (locales) */
	const char *fallback; /* tried when package is absent */
	const char *reason;
};

static const struct need_rule rules[] = {
	{ NEED_ALWAYS, "baselayout", NULL,
	  "the base layout (passwd, group, nsswitch.conf, hosts, services, protocols, /tmp)" },
	{ NEED_LOCALE, NULL, NULL, "the locale data of %s=%s" },
	{ NEED_TZ, "tzdata-utc", "tzdata", "the zone file of TZ=%s" },
	{ NEED_TZ, "tzdata", NULL, "the zone file of TZ=%s" },
	{ NEED_TLS, "ca-certificates-bundle", NULL,
	  "a CA bundle for the TLS library %s" },
	{ NEED_ENTRY, NULL, NULL, "the entrypoint %s" },
	{ NEED_NSS, NULL, NULL, "the NSS service '%s' of nsswitch.conf (%s)" },
	{ NEED_GCONV, NULL, NULL, "the gconv module of %s (contents.runtime.gconv)" },
};

/* Does a package of the universe have this name or provide it?  (Before
 * the universe is finalized, so by its packages, not its reverse maps.) */
bool pib_need_available(struct pib_arch *a, const char *name)
{
	const struct pare_sname *n = pare_universe_find_name(a->u, pare_slice_from(name));
	for (uint32_t i = 0; n && i < a->u->npkgs; i++) {
		const struct pare_spkg *p = a->u->pkgs[i];
		if (p->name == n)
			return true;
		for (uint32_t k = 0; k < p->nprovides; k++)
			if (p->provides[k].name == n)
				return true;
	}
	return false;
}

static bool named(const struct pib_arch *a, const char *prefix)
{
	for (size_t i = 0; i < a->cfg->npackages; i++)
		if (strncmp(a->cfg->packages[i], prefix, strlen(prefix)) == 0)
			return true;
	return false;
}

/* Does a package the config names (NAME or NAME<op>VERSION) provide
 * `cmd:` + the entrypoint's file name?  Then it brings the entrypoint, and
 * the repositories' CONTENTS owner (maybe another build of the program)
 * must not be added beside it. */
static bool named_provides_cmd(const struct pib_arch *a, const char *entry)
{
	const char *base = strrchr(entry, '/');
	char cmd[300];
	if (!base || (size_t)snprintf(cmd, sizeof(cmd), "cmd:%s", base + 1) >= sizeof(cmd))
		return false;
	const struct pare_sname *c = pare_universe_find_name(a->u, pare_slice_from(cmd));
	for (uint32_t i = 0; c && i < a->u->npkgs; i++) {
		const struct pare_spkg *p = a->u->pkgs[i];
		bool provides = false;
		for (uint32_t k = 0; !provides && k < p->nprovides; k++)
			provides = p->provides[k].name == c;
		for (size_t j = 0; provides && j < a->cfg->npackages; j++) {
			const char *want = a->cfg->packages[j];
			size_t len = strcspn(want, "<>=~");
			if (p->name->str.len == len && memcmp(p->name->str.ptr, want, len) == 0)
				return true;
		}
	}
	return false;
}

static const char *env(const struct pib_arch *a, const char *key)
{
	for (size_t i = 0; i < a->cfg->nenvironment; i++)
		if (strcmp(a->cfg->environment[i].key, key) == 0)
			return a->cfg->environment[i].value;
	return NULL;
}

int pib_need_add(struct pib_arch *a, const char *pkg, const char *reason, struct pare_error *err)
{
	for (size_t i = 0; i < a->nneeds; i++)
		if (strcmp(a->needs[i].atom, pkg) == 0)
			return 0;
	struct pib_need *nv = pare_arena_alloc(&a->arena, (a->nneeds + 1) * sizeof(*nv));
	char *atom = pare_arena_strdup(&a->arena, pare_slice_from(pkg));
	char *why = pare_arena_strdup(&a->arena, pare_slice_from(reason));
	if (!nv || !atom || !why)
		return pare_error_set(err, -ENOMEM, "out of memory");
	if (a->nneeds)
		memcpy(nv, a->needs, a->nneeds * sizeof(*nv));
	nv[a->nneeds++] = (struct pib_need){ .atom = atom, .file = why };
	a->needs = nv;
	/* for the report: the result's own copies */
	struct pare_image_build_image *img = a->img;
	struct pare_image_build_need *rv = pare_arena_alloc(&a->res->arena,
							     (img->nneeds + 1) * sizeof(*rv));
	const char *rp = pare_arena_strdup(&a->res->arena, pare_slice_from(pkg));
	const char *rw = pare_arena_strdup(&a->res->arena, pare_slice_from(reason));
	if (!rv || !rp || !rw)
		return pare_error_set(err, -ENOMEM, "out of memory");
	if (img->nneeds)
		memcpy(rv, img->needs, img->nneeds * sizeof(*rv));
	rv[img->nneeds++] = (struct pare_image_build_need){ rp, rw };
	img->needs = rv;
	pare_log_msg(a->o->log, PARE_LOG_INFO, "%s: runtime need: %s (%s)", a->img->arch.apk, pkg,
		     reason);
	return 0;
}

/* Add pkg (or fallback) when the repositories have it; else warn. */
static int want(struct pib_arch *a, const char *pkg, const char *fallback, const char *reason,
		struct pare_error *err)
{
	if (pib_need_available(a, pkg))
		return pib_need_add(a, pkg, reason, err);
	if (fallback && pib_need_available(a, fallback))
		return pib_need_add(a, fallback, reason, err);
	pare_log_msg(a->o->log, PARE_LOG_WARNING, "%s: runtime need: %s is not in the repositories "
		     "(%s); pare inspect will fail the image if the file is missing",
		     a->img->arch.apk, pkg, reason);
	return 0;
}

/* "en_US.UTF-8" -> "glibc-locale-en-us"; "C.UTF-8" -> "glibc-locale-c-utf8". */
static bool locale_package(const char *v, char *out, size_t n)
{
	if (!*v || !strcmp(v, "C") || !strcmp(v, "POSIX"))
		return false;
	if (!strncmp(v, "C.", 2)) {
		snprintf(out, n, "glibc-locale-c-utf8");
		return true;
	}
	size_t k = (size_t)snprintf(out, n, "glibc-locale-");
	for (const char *p = v; *p && *p != '.' && *p != '@' && k + 1 < n; p++)
		out[k++] = *p == '_' ? '-' : (char)tolower((unsigned char)*p);
	out[k] = '\0';
	return true;
}

static const char *tls_need(const struct pib_arch *a)
{
	static const char *const libs[] = { "so:libssl.so", "so:libcrypto.so", "so:libgnutls.so",
					    NULL };
	static const char *const pkgs[] = { "openssl", "libssl", "libcrypto", "gnutls", "curl",
					    NULL };
	for (size_t i = 0; i < a->nneeds; i++)
		for (size_t k = 0; libs[k]; k++)
			if (!strncmp(a->needs[i].atom, libs[k], strlen(libs[k])))
				return a->needs[i].atom + 3;
	for (size_t i = 0; i < a->cfg->npackages; i++)
		for (size_t k = 0; pkgs[k]; k++)
			if (!strncmp(a->cfg->packages[i], pkgs[k], strlen(pkgs[k])))
				return a->cfg->packages[i];
	return NULL;
}

/* The variables whose value names a locale (pare inspect RUN-005/006). */
static const char *const locale_vars[] = { "LANG", "LC_ALL", "LC_CTYPE", "LC_MESSAGES",
					   "LC_COLLATE", "LC_NUMERIC", "LC_TIME", "LC_MONETARY",
					   NULL };

static int apply(struct pib_arch *a, const struct need_rule *r, struct pare_error *err)
{
	char why[512], pkg[128];
	const char *v;
	switch (r->trigger) {
	case NEED_ALWAYS:
		return named(a, r->package) ? 0 : want(a, r->package, r->fallback, r->reason, err);
	case NEED_LOCALE:
		for (size_t i = 0; locale_vars[i]; i++) {
			const char *key = locale_vars[i];
			v = env(a, key);
			if (!v || !locale_package(v, pkg, sizeof(pkg)))
				continue;
			snprintf(why, sizeof(why), r->reason, key, v);
			int rc = want(a, pkg, NULL, why, err);
			if (rc < 0)
				return rc;
		}
		return 0;
	case NEED_TZ:
		v = env(a, "TZ");
		if (!v || strpbrk(v, "0123456789<,") || !*v || named(a, "tzdata"))
			return 0;
		if (v[0] == ':')
			v++;
		/* tzdata-utc only for UTC; the full tzdata for other zones */
		if (strcmp(r->package, "tzdata-utc") == 0 && strcmp(v, "UTC") != 0)
			return 0;
		if (strcmp(r->package, "tzdata") == 0 && strcmp(v, "UTC") == 0)
			return 0;
		snprintf(why, sizeof(why), r->reason, v);
		return want(a, r->package, r->fallback, why, err);
	case NEED_TLS:
		v = tls_need(a);
		if (!v || named(a, r->package))
			return 0;
		snprintf(why, sizeof(why), r->reason, v);
		return want(a, r->package, r->fallback, why, err);
	case NEED_ENTRY:
		v = a->cfg->nentrypoint ? a->cfg->entrypoint[0] : NULL;
		if (v && named_provides_cmd(a, v))
			return 0;
		v = v && v[0] == '/' ? pib_contents_owner(a, v) : NULL;
		if (!v)
			return 0; /* (one the config names already stays one world entry) */
		snprintf(why, sizeof(why), r->reason, a->cfg->entrypoint[0]);
		int rc = pib_need_add(a, v, why, err);
		if (rc == 0 && a->nneeds && strcmp(a->needs[a->nneeds - 1].atom, v) == 0)
			a->needs[a->nneeds - 1].prunable = true;
		return rc;
	case NEED_NSS:
	case NEED_GCONV:
		return 0; /* after the solve */
	}
	return 0;
}

int pib_runtime_needs(struct pib_arch *a, struct pare_error *err)
{
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		int rc = apply(a, &rules[i], err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Does the solution install a package providing a TLS library? */
static const char *tls_solved(const struct pib_arch *a)
{
	static const char *const libs[] = { "so:libssl.so", "so:libcrypto.so", "so:libgnutls.so",
					    NULL };
	for (uint32_t i = 0; i < a->sol.nchanges; i++) {
		const struct pare_spkg *p = a->sol.changes[i].new_pkg;
		const struct pare_pkgent *e = p ? pare_session_entry(&a->s, p) : NULL;
		for (uint32_t j = 0; e && j < e->provides.n; j++)
			for (size_t k = 0; libs[k]; k++)
				if (e->provides.v[j].name.len > strlen(libs[k]) &&
				    !memcmp(e->provides.v[j].name.ptr, libs[k], strlen(libs[k])))
					return libs[k] + 3;
	}
	return NULL;
}

/* The TLS rule after the solve: a TLS library the solution pulled in as a
 * dependency needs the CA bundle too.  1 when it added it. */
static int tls_after(struct pib_arch *a, const struct need_rule *r, struct pare_error *err)
{
	if (named(a, r->package) || tls_need(a))
		return 0; /* asked for before the solve already */
	const char *v = tls_solved(a);
	if (!v || !pib_need_available(a, r->package))
		return 0;
	char why[512];
	snprintf(why, sizeof(why), r->reason, v);
	size_t before = a->nneeds;
	int rc = pib_need_add(a, r->package, why, err);
	return rc < 0 ? rc : a->nneeds > before;
}

int pib_runtime_needs_solved(struct pib_arch *a, struct pare_error *err)
{
	int added = 0;
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		const struct need_rule *r = &rules[i];
		int rc = r->trigger == NEED_TLS ? tls_after(a, r, err)
			 : r->trigger == NEED_NSS ? pib_need_nss(a, r->reason, err)
			 : r->trigger == NEED_GCONV ? pib_need_gconv(a, r->reason, err) : 0;
		if (rc < 0)
			return rc;
		added |= rc > 0;
	}
	return added;
}
