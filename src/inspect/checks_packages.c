/* Packages: the installed database parses, matches the disk, satisfies the
 * world and its own dependencies, holds no excluded subpackage, and the
 * SBOM beside the image lists exactly what is installed. */
#include <stdio.h>
#include <string.h>

#include "apk/dep.h"
#include "commit/audit.h"
#include "inspect/int.h"

static bool need_db(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	if (!c->db_present)
		pi_na(o, "no installed database (lib/apk/db/installed)");
	else if (!c->db_ok)
		pi_na(o, "the installed database does not parse (PKG-001)");
	return c->db_ok;
}

static void pkg_parses(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	if (!c->db_present)
		pi_na(o, "no installed database (lib/apk/db/installed)");
	else if (!c->db_ok)
		pi_fail(o, "%s", c->db_error ? c->db_error : "lib/apk/db/installed does not parse");
}

struct audit_ctx {
	struct pare_insp_out *o;
	char want;
};

static void audit_report(void *ctx, char reason, const char *path, const struct pare_db_file *f)
{
	struct audit_ctx *a = ctx;
	if (reason != a->want)
		return;
	if (f && f->pkg)
		pi_fail(a->o, "/%s (%.*s)%s", path, (int)f->pkg->ent.name.len, f->pkg->ent.name.ptr,
			reason == 'X' ? " is missing" : " differs from its package");
	else
		pi_fail(a->o, "/%s %s", path, reason == 'X' ? "is missing" : "differs");
}

static void run_audit(struct pare_insp_ctx *c, struct pare_insp_out *o, char want)
{
	struct pare_error err = { 0 };
	struct audit_ctx a = { o, want };
	struct pare_audit_opts ao = { .mode = PARE_AUDIT_SYSTEM, .report = audit_report, .ctx = &a };
	if (!need_db(c, o))
		return;
	int rc = pare_audit(&c->root, &c->db, &ao, &err);
	if (rc < 0)
		pi_fail(o, "audit: %s", pare_error_text(&err, rc));
}

static void pkg_audit_modified(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	run_audit(c, o, 'U');
}

static void pkg_audit_missing(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	run_audit(c, o, 'X');
}

/* Is d met by an installed package or one of its provides? */
static bool installed_meets(const struct pare_insp_ctx *c, const struct pare_dep *d)
{
	for (size_t i = 0; i < c->db.npkgs; i++) {
		const struct pare_pkgent *e = &c->db.pkgs[i]->ent;
		if (pare_dep_satisfied_by_csum(d, e->name, e->version, e->identity_text))
			return true;
		for (uint32_t k = 0; k < e->provides.n; k++) {
			const struct pare_dep *p = &e->provides.v[k];
			if (pare_slice_eq(p->name, d->name) &&
			    (p->version.len ? pare_dep_satisfied_by(d, p->name, p->version)
					    : d->op == PARE_VERSION_ANY))
				return true;
		}
	}
	return false;
}

static void pkg_world(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	if (!need_db(c, o))
		return;
	size_t len;
	char *w = pi_read(c, "/etc/apk/world", 1u << 20, &len);
	if (!w) {
		pi_na(o, "no etc/apk/world");
		return;
	}
	struct pare_slice s = pare_slice_make(w, len);
	struct pare_dep d;
	struct pare_error err = { 0 };
	int rc;
	while ((rc = pare_deps_next(&s, &d, &err)) > 0) {
		bool met = installed_meets(c, &d);
		if (d.conflict ? false : !met)
			pi_fail(o, "world needs %.*s, which nothing installed satisfies",
				(int)d.name.len, d.name.ptr);
	}
	if (rc < 0)
		pi_fail(o, "etc/apk/world: %s", pare_error_text(&err, rc));
}

static void pkg_depends(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	if (!need_db(c, o))
		return;
	for (size_t i = 0; i < c->db.npkgs; i++) {
		const struct pare_pkgent *e = &c->db.pkgs[i]->ent;
		for (uint32_t k = 0; k < e->depends.n; k++) {
			const struct pare_dep *d = &e->depends.v[k];
			if (!d->conflict && !installed_meets(c, d))
				pi_fail(o, "%.*s depends on %.*s, which is not installed",
					(int)e->name.len, e->name.ptr, (int)d->name.len, d->name.ptr);
		}
	}
}

static void excluded(struct pare_insp_ctx *c, struct pare_insp_out *o, const char *const *sfx)
{
	if (!need_db(c, o))
		return;
	for (size_t i = 0; i < c->db.npkgs; i++) {
		struct pare_slice n = c->db.pkgs[i]->ent.name;
		for (size_t k = 0; sfx[k]; k++)
			if (pare_slice_ends_with(n, pare_slice_from(sfx[k])))
				pi_fail(o, "%.*s is installed (%s subpackage)", (int)n.len, n.ptr, sfx[k]);
	}
}

#define EXCLUDE_CHECK(fn, ...) \
	static void fn(struct pare_insp_ctx *c, struct pare_insp_out *o) \
	{ \
		static const char *const s[] = { __VA_ARGS__, NULL }; \
		excluded(c, o, s); \
	}

EXCLUDE_CHECK(pkg_dev, "-dev")
EXCLUDE_CHECK(pkg_doc, "-doc")
EXCLUDE_CHECK(pkg_dbg, "-dbg")
EXCLUDE_CHECK(pkg_static, "-static")
EXCLUDE_CHECK(pkg_extras, "-lang", "-openrc", "-bash-completion", "-zsh-completion",
	      "-fish-completion")

static void pkg_shared_files(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	if (need_db(c, o) && c->db.nshared)
		pi_fail(o, "%llu files are listed by more than one package",
			(unsigned long long)c->db.nshared);
}

static void pkg_license(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	if (!need_db(c, o))
		return;
	for (size_t i = 0; i < c->db.npkgs; i++) {
		const struct pare_pkgent *e = &c->db.pkgs[i]->ent;
		if (!e->license.len)
			pi_fail(o, "%.*s has no licence (L:)", (int)e->name.len, e->name.ptr);
	}
}

/* ---- SBOM: packages[].name/versionInfo of an SPDX document */

static const char *sbom_path(const struct pare_insp_ctx *c)
{
	if (c->t->oci && c->t->oci->sbom_path)
		return c->t->oci->sbom_path;
	return NULL;
}

static void pkg_sbom(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	const char *path = sbom_path(c);
	if (!path) {
		pi_na(o, "no SBOM beside the image");
		return;
	}
	if (!need_db(c, o))
		return;
	json_error_t je;
	json_t *doc = json_load_file(path, 0, &je);
	json_t *pkgs = doc ? json_object_get(doc, "packages") : NULL;
	if (!json_is_array(pkgs)) {
		pi_fail(o, "%s: not an SPDX document with packages (%s)", path,
			doc ? "no packages" : je.text);
		json_decref(doc);
		return;
	}
	size_t listed = 0, i;
	json_t *p;
	json_array_foreach(pkgs, i, p) {
		const char *n = json_string_value(json_object_get(p, "name"));
		const char *v = json_string_value(json_object_get(p, "versionInfo"));
		const char *pid = json_string_value(json_object_get(p, "SPDXID"));
		if (!n || (pid && strstr(pid, "Image")) || (pid && strstr(pid, "OperatingSystem")))
			continue;
		struct pare_db_pkg *dp = pare_db_find_pkg(&c->db, pare_slice_from(n));
		if (!dp) {
			if (v)
				pi_fail(o, "SBOM lists %s %s, which is not installed", n, v);
			continue;
		}
		listed++;
		if (v && !pare_slice_eq_cstr(dp->ent.version, v))
			pi_fail(o, "SBOM lists %s %s, installed is %.*s", n, v,
				(int)dp->ent.version.len, dp->ent.version.ptr);
		if (!v)
			pi_fail(o, "SBOM lists %s without a version", n);
		if (!json_is_string(json_object_get(p, "licenseDeclared")))
			pi_fail(o, "SBOM lists %s without a licence (licenseDeclared)", n);
		if (json_array_size(json_object_get(p, "checksums")) == 0)
			pi_fail(o, "SBOM lists %s without a checksum", n);
	}
	for (size_t k = 0; k < c->db.npkgs; k++) {
		const struct pare_pkgent *e = &c->db.pkgs[k]->ent;
		bool found = false;
		json_array_foreach(pkgs, i, p) {
			const char *n = json_string_value(json_object_get(p, "name"));
			if (n && pare_slice_eq_cstr(e->name, n))
				found = true;
		}
		if (!found)
			pi_fail(o, "%.*s is installed but not in the SBOM", (int)e->name.len,
				e->name.ptr);
	}
	(void)listed;
	json_decref(doc);
}

const struct pare_insp_check pi_checks_packages[] = {
	{ "PKG-001", "the installed database parses", PARE_INSP_ERROR, "Packages", pkg_parses },
	{ "PKG-002", "installed files match their packages (audit)", PARE_INSP_ERROR, "Packages", pkg_audit_modified },
	{ "PKG-003", "every file the database lists is present", PARE_INSP_ERROR, "Packages", pkg_audit_missing },
	{ "PKG-004", "the world is satisfied", PARE_INSP_ERROR, "Packages", pkg_world },
	{ "PKG-005", "every installed package's dependencies are installed", PARE_INSP_ERROR, "Packages", pkg_depends },
	{ "PKG-006", "no -dev subpackage installed", PARE_INSP_WARNING, "Packages", pkg_dev },
	{ "PKG-007", "no -doc subpackage installed", PARE_INSP_WARNING, "Packages", pkg_doc },
	{ "PKG-008", "no -dbg subpackage installed", PARE_INSP_WARNING, "Packages", pkg_dbg },
	{ "PKG-009", "no -static subpackage installed", PARE_INSP_WARNING, "Packages", pkg_static },
	{ "PKG-010", "no -lang, -openrc or completion subpackage installed", PARE_INSP_WARNING, "Packages", pkg_extras },
	{ "PKG-011", "no file listed by two packages", PARE_INSP_WARNING, "Packages", pkg_shared_files },
	{ "PKG-012", "every installed package has a licence", PARE_INSP_INFO, "Packages", pkg_license },
	{ "PKG-013", "the SBOM lists exactly the installed packages, with versions, licences and checksums", PARE_INSP_ERROR, "Packages", pkg_sbom },
	{ NULL, NULL, 0, NULL, NULL },
};
