/* Runtime needs DT_NEEDED does not show, resolved at build time from a
 * table of rules (docs/image-tests.md, "Runtime needs").  Each rule looks
 * at the config (environment, packages) and the binaries' so: needs and
 * names a package; a package the repositories have is added to the world
 * with its reason (reported in the log and by the solver's explanations as
 * "needed by <reason>"); one they lack is a warning, and pare inspect
 * fails the image if the file the rule is about is missing.
 *
 * Not resolved here: NSS modules (their services are in nsswitch.conf,
 * which only exists after the install: pare inspect RUN-002 checks them),
 * gconv families (no config key yet; RUN-003/RUN-004 check the
 * configuration that is installed). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "image/build_int.h"

enum need_trigger {
	NEED_ALWAYS,   /* unless the config names a package starting with `match` */
	NEED_LOCALE,   /* LANG / LC_ALL: the package is derived from the value */
	NEED_TZ,       /* TZ names a zone file */
	NEED_TLS,      /* a TLS library is needed (binary so: needs or config packages) */
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
};

/* Does a package of the universe have this name or provide it?  (Before
 * the universe is finalized, so by its packages, not its reverse maps.) */
static bool available(const struct pib_needs_in *in, const char *name)
{
	const struct pare_sname *n = pare_universe_find_name(in->u, pare_slice_from(name));
	for (uint32_t i = 0; n && i < in->u->npkgs; i++) {
		const struct pare_spkg *p = in->u->pkgs[i];
		if (p->name == n)
			return true;
		for (uint32_t k = 0; k < p->nprovides; k++)
			if (p->provides[k].name == n)
				return true;
	}
	return false;
}

static bool named(const struct pib_needs_in *in, const char *prefix)
{
	for (size_t i = 0; i < in->cfg->npackages; i++)
		if (strncmp(in->cfg->packages[i], prefix, strlen(prefix)) == 0)
			return true;
	return false;
}

static const char *env(const struct pib_needs_in *in, const char *key)
{
	for (size_t i = 0; i < in->cfg->nenvironment; i++)
		if (strcmp(in->cfg->environment[i].key, key) == 0)
			return in->cfg->environment[i].value;
	return NULL;
}

static int add(const struct pib_needs_in *in, const char *pkg, const char *reason,
	       struct pare_error *err)
{
	for (size_t i = 0; i < *in->nneeds; i++)
		if (strcmp((*in->needs)[i].atom, pkg) == 0)
			return 0;
	struct pib_need *nv = pare_arena_alloc(in->arena, (*in->nneeds + 1) * sizeof(*nv));
	char *atom = pare_arena_strdup(in->arena, pare_slice_from(pkg));
	char *why = pare_arena_strdup(in->arena, pare_slice_from(reason));
	if (!nv || !atom || !why)
		return pare_error_set(err, -ENOMEM, "out of memory");
	if (*in->nneeds)
		memcpy(nv, *in->needs, *in->nneeds * sizeof(*nv));
	nv[(*in->nneeds)++] = (struct pib_need){ atom, why };
	*in->needs = nv;
	pare_log_msg(in->log, PARE_LOG_INFO, "%s: runtime need: %s (%s)", in->arch, pkg, reason);
	return 0;
}

/* Add pkg (or fallback) when the repositories have it; else warn. */
static int want(const struct pib_needs_in *in, const char *pkg, const char *fallback,
		const char *reason, struct pare_error *err)
{
	if (available(in, pkg))
		return add(in, pkg, reason, err);
	if (fallback && available(in, fallback))
		return add(in, fallback, reason, err);
	pare_log_msg(in->log, PARE_LOG_WARNING, "%s: runtime need: %s is not in the repositories "
		     "(%s); pare inspect will fail the image if the file is missing",
		     in->arch, pkg, reason);
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

static const char *tls_need(const struct pib_needs_in *in)
{
	static const char *const libs[] = { "so:libssl.so", "so:libcrypto.so", "so:libgnutls.so",
					    NULL };
	static const char *const pkgs[] = { "openssl", "libssl", "libcrypto", "gnutls", "curl",
					    NULL };
	for (size_t i = 0; i < *in->nneeds; i++)
		for (size_t k = 0; libs[k]; k++)
			if (!strncmp((*in->needs)[i].atom, libs[k], strlen(libs[k])))
				return (*in->needs)[i].atom + 3;
	for (size_t i = 0; i < in->cfg->npackages; i++)
		for (size_t k = 0; pkgs[k]; k++)
			if (!strncmp(in->cfg->packages[i], pkgs[k], strlen(pkgs[k])))
				return in->cfg->packages[i];
	return NULL;
}

static int apply(const struct pib_needs_in *in, const struct need_rule *r,
		 struct pare_error *err)
{
	char why[512], pkg[128];
	const char *v;
	switch (r->trigger) {
	case NEED_ALWAYS:
		return named(in, r->package) ? 0 : want(in, r->package, r->fallback, r->reason, err);
	case NEED_LOCALE:
		for (size_t i = 0; i < 2; i++) {
			const char *key = i ? "LC_ALL" : "LANG";
			v = env(in, key);
			if (!v || !locale_package(v, pkg, sizeof(pkg)))
				continue;
			snprintf(why, sizeof(why), r->reason, key, v);
			int rc = want(in, pkg, NULL, why, err);
			if (rc < 0)
				return rc;
		}
		return 0;
	case NEED_TZ:
		v = env(in, "TZ");
		if (!v || strpbrk(v, "0123456789<,") || !*v || named(in, "tzdata"))
			return 0;
		if (v[0] == ':')
			v++;
		/* tzdata-utc only for UTC; the full tzdata for other zones */
		if (strcmp(r->package, "tzdata-utc") == 0 && strcmp(v, "UTC") != 0)
			return 0;
		if (strcmp(r->package, "tzdata") == 0 && strcmp(v, "UTC") == 0)
			return 0;
		snprintf(why, sizeof(why), r->reason, v);
		return want(in, r->package, r->fallback, why, err);
	case NEED_TLS:
		v = tls_need(in);
		if (!v || named(in, r->package))
			return 0;
		snprintf(why, sizeof(why), r->reason, v);
		return want(in, r->package, r->fallback, why, err);
	}
	return 0;
}

int pib_runtime_needs(const struct pib_needs_in *in, struct pare_error *err)
{
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		int rc = apply(in, &rules[i], err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Does the solution install a package providing a TLS library? */
static const char *tls_solved(const struct pib_needs_in *in)
{
	static const char *const libs[] = { "so:libssl.so", "so:libcrypto.so", "so:libgnutls.so",
					    NULL };
	for (uint32_t i = 0; i < in->sol->nchanges; i++) {
		const struct pare_spkg *p = in->sol->changes[i].new_pkg;
		const struct pare_pkgent *e = p ? pare_session_entry(in->s, p) : NULL;
		for (uint32_t j = 0; e && j < e->provides.n; j++)
			for (size_t k = 0; libs[k]; k++)
				if (e->provides.v[j].name.len > strlen(libs[k]) &&
				    !memcmp(e->provides.v[j].name.ptr, libs[k], strlen(libs[k])))
					return libs[k] + 3;
	}
	return NULL;
}

int pib_runtime_needs_solved(const struct pib_needs_in *in, struct pare_error *err)
{
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		const struct need_rule *r = &rules[i];
		if (r->trigger != NEED_TLS || named(in, r->package) || tls_need(in))
			continue; /* asked for before the solve already */
		const char *v = tls_solved(in);
		if (!v || !available(in, r->package))
			continue;
		char why[512];
		snprintf(why, sizeof(why), r->reason, v);
		size_t before = *in->nneeds;
		int rc = add(in, r->package, why, err);
		if (rc < 0)
			return rc;
		return *in->nneeds > before;
	}
	return 0;
}
