/* Runtime needs: what glibc and interpreters load at run time that
 * DT_NEEDED does not show (NSS modules, gconv modules, locales, the CA
 * bundle, zone files, network databases, standard libraries). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "elf/glibc_conf.h"
#include "inspect/int.h"

#define PI_MAX_CONF (1u << 20)

static bool has_glibc(const struct pare_insp_ctx *c)
{
	return pi_find_lib(c, "libc.so.6") != NULL;
}

static void run_nsswitch(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	if (!has_glibc(c)) {
		pi_na(o, "no glibc (libc.so.6) in the image");
		return;
	}
	if (!pi_resolve(c, "/etc/nsswitch.conf", NULL))
		pi_fail(o, "/etc/nsswitch.conf is missing (glibc falls back to its built-in "
			"defaults, which name modules the image may not have)");
}

struct nss_walk {
	struct pare_insp_ctx *c;
	struct pare_insp_out *o;
};

static int nss_service(void *ctx, struct pare_slice db, struct pare_slice w)
{
	struct nss_walk *x = ctx;
	char lib[256];
	if (pare_nss_builtin(w))
		return 0;
	snprintf(lib, sizeof(lib), "libnss_%.*s.so.2", (int)w.len, w.ptr);
	if (!pi_find_lib(x->c, lib))
		pi_fail(x->o, "nsswitch.conf '%.*s' uses '%.*s': %s is missing", (int)db.len, db.ptr,
			(int)w.len, w.ptr, lib);
	return 0;
}

static void run_nss_modules(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	size_t n = 0;
	char *text = pi_read(c, "/etc/nsswitch.conf", PI_MAX_CONF, &n);
	if (!text) {
		pi_na(o, "no /etc/nsswitch.conf");
		return;
	}
	struct nss_walk x = { c, o };
	pare_nsswitch_each(pare_slice_make(text, n), nss_service, &x);
}

static const char *const gconv_dirs[] = {
	"/usr/lib/x86_64-linux-gnu/gconv", "/usr/lib/aarch64-linux-gnu/gconv",
	"/usr/lib64/gconv", "/usr/lib/gconv", NULL,
};

struct gconv_walk {
	struct pare_insp_ctx *c;
	struct pare_insp_out *o;
	const char *dir, *file;
};

static int gconv_line(void *ctx, const struct pare_gconv_line *l)
{
	struct gconv_walk *x = ctx;
	char lib[PARE_PATH_MAX];
	if (l->kind != PARE_GCONV_MODULE)
		return 0;
	if (l->file.ptr[0] == '/')
		snprintf(lib, sizeof(lib), "%.*s.so", (int)l->file.len, l->file.ptr);
	else
		snprintf(lib, sizeof(lib), "%s/%.*s.so", x->dir, (int)l->file.len, l->file.ptr);
	if (!pi_resolve(x->c, lib, NULL))
		pi_fail(x->o, "%s: module %.*s -> %.*s needs %s, which is missing", x->file,
			(int)l->from.len, l->from.ptr, (int)l->to.len, l->to.ptr, lib);
	return 0;
}

static void gconv_conf(struct pare_insp_ctx *c, struct pare_insp_out *o, const char *dir,
		       const char *file)
{
	size_t n = 0;
	char *text = pi_read(c, file, PI_MAX_CONF, &n);
	struct gconv_walk x = { c, o, dir, file };
	if (text)
		pare_gconv_conf_each(pare_slice_make(text, n), gconv_line, &x);
}

static void run_gconv(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	bool any = false;
	for (size_t i = 0; gconv_dirs[i]; i++) {
		const char *d = gconv_dirs[i];
		if (!pi_lookup(c, d))
			continue;
		any = true;
		char path[PARE_PATH_MAX];
		snprintf(path, sizeof(path), "%s/gconv-modules", d);
		gconv_conf(c, o, d, path);
		snprintf(path, sizeof(path), "%s/gconv-modules.d", d);
		size_t pl = strlen(path);
		for (size_t k = 0; k < c->nfiles; k++) {
			const char *p = c->files[k].path;
			if (strncmp(p, path, pl) == 0 && p[pl] == '/' && pi_has_suffix(p, ".conf"))
				gconv_conf(c, o, d, p);
		}
	}
	if (!any)
		pi_na(o, "no gconv directory");
}

static void run_gconv_config(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	bool any = false;
	for (size_t i = 0; gconv_dirs[i]; i++) {
		const char *d = gconv_dirs[i];
		if (!pi_any_under(c, d, ""))
			continue;
		bool has_so = false;
		size_t dl = strlen(d);
		for (size_t k = 0; k < c->nfiles && !has_so; k++)
			has_so = strncmp(c->files[k].path, d, dl) == 0 &&
				 pi_has_suffix(c->files[k].path, ".so");
		if (!has_so)
			continue;
		any = true;
		char p1[PARE_PATH_MAX];
		snprintf(p1, sizeof(p1), "%s/gconv-modules", d);
		if (!pi_resolve(c, p1, NULL) && !pi_any_under(c, d, "gconv-modules.d"))
			pi_fail(o, "%s holds modules but no gconv-modules configuration", d);
	}
	if (!any)
		pi_na(o, "no gconv modules");
}

/* "en_US.UTF-8@euro" -> "en_US.utf8@euro" (glibc's normalised codeset:
 * lower case, letters and digits only). */
static void normalise_locale(const char *in, char *out, size_t n)
{
	const char *dot = strchr(in, '.'), *at = strchr(in, '@');
	size_t k = 0;
	for (const char *p = in; *p && k + 1 < n; p++) {
		bool in_codeset = dot && p > dot && (!at || p < at);
		if (in_codeset && !isalnum((unsigned char)*p))
			continue;
		out[k++] = in_codeset ? (char)tolower((unsigned char)*p) : *p;
	}
	out[k] = '\0';
}

static bool locale_present(struct pare_insp_ctx *c, const char *name)
{
	if (strcmp(name, "C") == 0 || strcmp(name, "POSIX") == 0 || !*name)
		return true;
	char norm[256], path[PARE_PATH_MAX];
	normalise_locale(name, norm, sizeof(norm));
	const char *const cand[] = { name, norm, NULL };
	for (size_t i = 0; cand[i]; i++) {
		snprintf(path, sizeof(path), "/usr/lib/locale/%s/LC_CTYPE", cand[i]);
		if (pi_resolve(c, path, NULL))
			return true;
	}
	/* locale-archive: the names are stored as strings in it. */
	const struct pi_file *a = pi_resolve(c, "/usr/lib/locale/locale-archive", NULL);
	if (a && a->size) {
		size_t len;
		char *t = pi_read(c, "/usr/lib/locale/locale-archive", 256u << 20, &len);
		if (t && (memmem(t, len, norm, strlen(norm) + 1) || memmem(t, len, name, strlen(name) + 1)))
			return true;
	}
	return false;
}

static void check_locale_vars(struct pare_insp_ctx *c, struct pare_insp_out *o, bool lang)
{
	static const char *const vars[] = { "LC_ALL", "LC_CTYPE", "LC_MESSAGES", "LC_COLLATE",
					    "LC_NUMERIC", "LC_TIME", "LC_MONETARY", NULL };
	if (!c->t->run.present) {
		pi_na(o, "no image environment");
		return;
	}
	bool any = false;
	for (size_t i = 0; lang ? i < 1 : vars[i] != NULL; i++) {
		const char *var = lang ? "LANG" : vars[i];
		const char *v = pi_env(c, var);
		if (!v)
			continue;
		any = true;
		if (!locale_present(c, v))
			pi_fail(o, "%s=%s: no locale data (/usr/lib/locale/%s or the locale-archive)",
				var, v, v);
	}
	if (!any)
		pi_na(o, lang ? "LANG is not set" : "no LC_* variable set");
}

static void run_lang(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	check_locale_vars(c, o, true);
}

static void run_lc(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	check_locale_vars(c, o, false);
}

static void run_ssl_file(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	const char *v = pi_env(c, "SSL_CERT_FILE");
	const char *why = NULL;
	if (!v) {
		pi_na(o, "SSL_CERT_FILE is not set");
		return;
	}
	/* Image builders (apko, pare) set the default path in every image;
	 * only a TLS library makes a missing default bundle matter (RUN-009). */
	if (strcmp(v, "/etc/ssl/certs/ca-certificates.crt") == 0 && !pi_has_tls_lib(c)) {
		pi_na(o, "the default SSL_CERT_FILE and no TLS library");
		return;
	}
	const struct pi_file *f = pi_resolve(c, v, &why);
	if (!f)
		pi_fail(o, "SSL_CERT_FILE=%s %s", v, why);
	else if (!S_ISREG(f->mode) || f->size == 0)
		pi_fail(o, "SSL_CERT_FILE=%s is not a non-empty regular file", v);
}

static void ssl_dir(struct pare_insp_ctx *c, struct pare_insp_out *o, const char *d)
{
	const struct pi_file *f = pi_resolve(c, d, NULL);
	if (!f || !S_ISDIR(f->mode))
		pi_fail(o, "SSL_CERT_DIR names %s, which is not a directory here", d);
}

static void run_ssl_dir(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	const char *v = pi_env(c, "SSL_CERT_DIR");
	if (!v)
		pi_na(o, "SSL_CERT_DIR is not set");
	pi_each_path(c, o, v, ssl_dir);
}

static const char *const bundles[] = {
	"/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt",
	"/etc/ssl/cert.pem", "/etc/pki/tls/cacert.pem", "/etc/ssl/ca-bundle.pem", NULL,
};

static const struct pi_file *default_bundle(struct pare_insp_ctx *c, const char **name)
{
	for (size_t i = 0; bundles[i]; i++) {
		const struct pi_file *f = pi_resolve(c, bundles[i], NULL);
		if (f && S_ISREG(f->mode)) {
			*name = bundles[i];
			return f;
		}
	}
	return NULL;
}

static void run_ca_bundle(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	const char *name;
	if (!pi_has_tls_lib(c)) {
		pi_na(o, "no TLS library (libssl, libcrypto, libgnutls)");
		return;
	}
	const char *v = pi_env(c, "SSL_CERT_FILE");
	if (v && pi_resolve(c, v, NULL))
		return;
	if (!default_bundle(c, &name))
		pi_fail(o, "a TLS library is present but no CA bundle (%s)", bundles[0]);
}

static void run_ca_certs(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	const char *name = NULL;
	const char *v = pi_env(c, "SSL_CERT_FILE");
	const struct pi_file *f = v ? pi_resolve(c, v, NULL) : NULL;
	if (f)
		name = v;
	else
		f = default_bundle(c, &name);
	if (!f) {
		pi_na(o, "no CA bundle");
		return;
	}
	if (!(f->flags & PI_F_CERT))
		pi_fail(o, "%s holds no PEM certificate", name);
}

static void run_tz(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	const char *v = pi_env(c, "TZ");
	if (!v) {
		pi_na(o, "TZ is not set");
		return;
	}
	if (*v == ':')
		v++;
	if (!*v || strpbrk(v, "0123456789<,") != NULL) {
		pi_note(o, "TZ=%s is a POSIX rule, no file needed", v);
		return;
	}
	char path[PARE_PATH_MAX];
	if (v[0] == '/')
		snprintf(path, sizeof(path), "%s", v);
	else
		snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", v);
	const struct pi_file *f = pi_resolve(c, path, NULL);
	if (!f || !S_ISREG(f->mode))
		pi_fail(o, "TZ=%s: %s is missing (tzdata)", v, path);
}

static void run_localtime(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	const char *why = NULL;
	if (!pi_lookup(c, "/etc/localtime")) {
		pi_na(o, "no /etc/localtime");
		return;
	}
	if (!pi_resolve(c, "/etc/localtime", &why))
		pi_fail(o, "/etc/localtime %s", why);
}

static void need_file(struct pare_insp_ctx *c, struct pare_insp_out *o, const char *path)
{
	if (!has_glibc(c)) {
		pi_na(o, "no glibc in the image");
		return;
	}
	if (!pi_resolve(c, path, NULL))
		pi_fail(o, "%s is missing", path);
}

static void run_hosts(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	need_file(c, o, "/etc/hosts");
}

static void run_services(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	need_file(c, o, "/etc/services");
}

static void run_protocols(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	need_file(c, o, "/etc/protocols");
}

/* pythonM.N programs in bin directories need lib/pythonM.N/encodings. */
static void run_python(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	bool any = false;
	for (size_t i = 0; i < c->nfiles; i++) {
		const struct pi_file *f = &c->files[i];
		const char *b = strrchr(f->path, '/');
		unsigned maj, min;
		char tail;
		if (!b || (!strstr(f->path, "/bin/")) || S_ISDIR(f->mode) ||
		    sscanf(b + 1, "python%u.%u%c", &maj, &min, &tail) != 2)
			continue;
		any = true;
		char p1[PARE_PATH_MAX], p2[PARE_PATH_MAX], p3[PARE_PATH_MAX];
		size_t prefix = (size_t)(strstr(f->path, "/bin/") - f->path);
		snprintf(p1, sizeof(p1), "%.*s/lib/python%u.%u/encodings/__init__.py", (int)prefix,
			 f->path, maj, min);
		snprintf(p2, sizeof(p2), "%.*s/lib/python%u.%u/encodings/__init__.pyc", (int)prefix,
			 f->path, maj, min);
		snprintf(p3, sizeof(p3), "%.*s/lib/python%u%u.zip", (int)prefix, f->path, maj, min);
		if (!pi_resolve(c, p1, NULL) && !pi_resolve(c, p2, NULL) && !pi_resolve(c, p3, NULL))
			pi_fail(o, "%s: its standard library is missing (no %s: 'No module named "
				"encodings')", f->path, p1);
	}
	if (!any)
		pi_na(o, "no python interpreter");
}

static bool any_suffix(const struct pare_insp_ctx *c, const char *suffix)
{
	for (size_t i = 0; i < c->nfiles; i++)
		if (pi_has_suffix(c->files[i].path, suffix))
			return true;
	return false;
}

static void run_interp_lib(struct pare_insp_ctx *c, struct pare_insp_out *o, const char *prog,
			   const char *marker, const char *what)
{
	bool any = false;
	const char *const dirs[] = { "/usr/bin/", "/bin/", "/usr/local/bin/", NULL };
	for (size_t i = 0; dirs[i]; i++) {
		char p[256];
		snprintf(p, sizeof(p), "%s%s", dirs[i], prog);
		if (!pi_lookup(c, p))
			continue;
		any = true;
		if (!any_suffix(c, marker))
			pi_fail(o, "%s is present but %s is not (%s)", p, marker + 1, what);
		break;
	}
	if (!any)
		pi_na(o, "interpreter not present");
}

static void run_perl(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	run_interp_lib(c, o, "perl", "/strict.pm", "perl's core modules");
}

static void run_ruby(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	run_interp_lib(c, o, "ruby", "/rubygems.rb", "ruby's standard library");
}

static void run_os_release(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	if (!pi_resolve(c, "/etc/os-release", NULL) && !pi_resolve(c, "/usr/lib/os-release", NULL))
		pi_fail(o, "neither /etc/os-release nor /usr/lib/os-release (scanners cannot "
			"identify the image)");
}

static void run_resolv(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	const struct pi_file *f = pi_lookup(c, "/etc/resolv.conf");
	if (!f) {
		pi_na(o, "no /etc/resolv.conf (the runtime provides it)");
		return;
	}
	if (S_ISREG(f->mode) && f->size > 0)
		pi_fail(o, "/etc/resolv.conf has build-time content (%llu bytes); the runtime "
			"should provide it", (unsigned long long)f->size);
}

const struct pare_insp_check pi_checks_runtime[] = {
	{ "RUN-001", "etc/nsswitch.conf present when glibc is", PARE_INSP_WARNING, "Runtime needs", run_nsswitch },
	{ "RUN-002", "every NSS service in nsswitch.conf has its module", PARE_INSP_ERROR, "Runtime needs", run_nss_modules },
	{ "RUN-003", "gconv-modules names only modules present", PARE_INSP_ERROR, "Runtime needs", run_gconv },
	{ "RUN-004", "gconv modules come with their configuration", PARE_INSP_ERROR, "Runtime needs", run_gconv_config },
	{ "RUN-005", "LANG has its locale data", PARE_INSP_ERROR, "Runtime needs", run_lang },
	{ "RUN-006", "LC_ALL and LC_* have their locale data", PARE_INSP_ERROR, "Runtime needs", run_lc },
	{ "RUN-007", "SSL_CERT_FILE names an existing bundle", PARE_INSP_ERROR, "Runtime needs", run_ssl_file },
	{ "RUN-008", "SSL_CERT_DIR names existing directories", PARE_INSP_ERROR, "Runtime needs", run_ssl_dir },
	{ "RUN-009", "a CA bundle is present when a TLS library is", PARE_INSP_ERROR, "Runtime needs", run_ca_bundle },
	{ "RUN-010", "the CA bundle holds certificates", PARE_INSP_WARNING, "Runtime needs", run_ca_certs },
	{ "RUN-011", "TZ names an existing zone", PARE_INSP_ERROR, "Runtime needs", run_tz },
	{ "RUN-012", "etc/localtime resolves", PARE_INSP_WARNING, "Runtime needs", run_localtime },
	{ "RUN-013", "etc/hosts present", PARE_INSP_WARNING, "Runtime needs", run_hosts },
	{ "RUN-014", "etc/services present", PARE_INSP_WARNING, "Runtime needs", run_services },
	{ "RUN-015", "etc/protocols present", PARE_INSP_WARNING, "Runtime needs", run_protocols },
	{ "RUN-016", "python interpreters have their standard library (encodings)", PARE_INSP_ERROR, "Runtime needs", run_python },
	{ "RUN-017", "perl has its core modules", PARE_INSP_ERROR, "Runtime needs", run_perl },
	{ "RUN-018", "ruby has its standard library", PARE_INSP_ERROR, "Runtime needs", run_ruby },
	{ "RUN-019", "os-release present", PARE_INSP_WARNING, "Runtime needs", run_os_release },
	{ "RUN-020", "etc/resolv.conf left to the runtime", PARE_INSP_INFO, "Runtime needs", run_resolv },
	{ NULL, NULL, 0, NULL, NULL },
};
