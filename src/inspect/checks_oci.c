/* OCI: the image's own metadata is right and agrees with its root. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "inspect/int.h"

static const struct pare_insp_oci *need_oci(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	if (!c->t->oci)
		pi_na(o, "not an image (a bare directory)");
	return c->t->oci;
}

static void list(struct pare_insp_out *o, const char *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		pi_fail(o, "%s", v[i]);
}

static void oci_layout(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	const struct pare_insp_oci *x = need_oci(c, o);
	if (x && !x->is_docker && !x->layout_file_ok)
		pi_fail(o, "%s/oci-layout is missing or has no imageLayoutVersion", x->layout);
}

static void oci_media_types(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	const struct pare_insp_oci *x = need_oci(c, o);
	if (!x)
		return;
	if (x->is_docker) {
		pi_na(o, "a docker archive has no media types");
		return;
	}
	if (!x->manifest_mt || (!strstr(x->manifest_mt, "image.manifest.v1+json") &&
				!strstr(x->manifest_mt, "distribution.manifest.v2+json")))
		pi_fail(o, "manifest media type %s", x->manifest_mt ? x->manifest_mt : "(none)");
	if (!x->config_mt || (!strstr(x->config_mt, "image.config.v1+json") &&
			      !strstr(x->config_mt, "container.image.v1+json")))
		pi_fail(o, "config media type %s", x->config_mt ? x->config_mt : "(none)");
	list(o, x->bad_media_types, x->nbad_mt);
}

static void oci_digests(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	const struct pare_insp_oci *x = need_oci(c, o);
	if (x)
		list(o, x->bad_digests, x->nbad_digests);
}

static void oci_sizes(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	const struct pare_insp_oci *x = need_oci(c, o);
	if (x)
		list(o, x->bad_sizes, x->nbad_sizes);
}

static void oci_diffids(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	const struct pare_insp_oci *x = need_oci(c, o);
	if (!x)
		return;
	if (x->nlayers != x->ndiff_ids)
		pi_fail(o, "%zu layers but %zu diff_ids in the config", x->nlayers, x->ndiff_ids);
	list(o, x->bad_diffids, x->nbad_diffids);
}

static void oci_rootfs(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	const struct pare_insp_oci *x = need_oci(c, o);
	if (!x)
		return;
	const char *type = json_string_value(json_object_get(json_object_get(x->config, "rootfs"),
							     "type"));
	if (!type || strcmp(type, "layers") != 0)
		pi_fail(o, "config rootfs.type is %s, not layers", type ? type : "(none)");
}

static void oci_schema(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	const struct pare_insp_oci *x = need_oci(c, o);
	if (x && !x->schema_ok)
		pi_fail(o, "manifest schemaVersion is not 2");
}

static void path_dir(struct pare_insp_ctx *c, struct pare_insp_out *o, const char *d)
{
	const struct pi_file *f = pi_resolve(c, d, NULL);
	if (!f || !S_ISDIR(f->mode))
		pi_fail(o, "PATH entry %s is not a directory in the image", d);
}

static void oci_path(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	if (!need_oci(c, o))
		return;
	const char *path = pi_env(c, "PATH");
	if (!path)
		pi_fail(o, "the config sets no PATH");
	pi_each_path(c, o, path, path_dir);
}

static void oci_env_form(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	if (!need_oci(c, o))
		return;
	const struct pare_insp_runinfo *r = &c->t->run;
	for (size_t i = 0; i < r->nenv; i++) {
		const char *eq = strchr(r->env[i], '=');
		if (!eq || eq == r->env[i]) {
			pi_fail(o, "Env entry '%s' is not KEY=VALUE", r->env[i]);
			continue;
		}
		for (size_t k = 0; k < i; k++)
			if (strncmp(r->env[k], r->env[i], (size_t)(eq - r->env[i]) + 1) == 0)
				pi_fail(o, "Env sets %.*s twice", (int)(eq - r->env[i]), r->env[i]);
	}
}

static void oci_arch(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	const struct pare_insp_oci *x = need_oci(c, o);
	if (!x)
		return;
	const char *arch = json_string_value(json_object_get(x->config, "architecture"));
	const char *os = json_string_value(json_object_get(x->config, "os"));
	static const struct { const char *oci; uint16_t em; } map[] = {
		{ "amd64", 62 }, { "arm64", 183 }, { "386", 3 }, { "arm", 40 }, { "ppc64le", 21 },
		{ "s390x", 22 }, { "riscv64", 243 }, { NULL, 0 },
	};
	if (!os || strcmp(os, "linux") != 0)
		pi_fail(o, "config os is %s, not linux", os ? os : "(none)");
	if (!arch) {
		pi_fail(o, "config has no architecture");
		return;
	}
	for (size_t i = 0; map[i].oci && c->machine; i++)
		if (strcmp(map[i].oci, arch) == 0 && map[i].em != c->machine)
			pi_fail(o, "config architecture %s, the image's programs are ELF machine %u",
				arch, c->machine);
}

static void oci_history(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	const struct pare_insp_oci *x = need_oci(c, o);
	if (!x)
		return;
	json_t *h = json_object_get(x->config, "history"), *e;
	size_t i, nonempty = 0;
	if (!json_is_array(h) || json_array_size(h) == 0) {
		pi_fail(o, "the config has no history");
		return;
	}
	json_array_foreach(h, i, e)
		nonempty += !json_is_true(json_object_get(e, "empty_layer"));
	if (nonempty != x->nlayers)
		pi_fail(o, "%zu history entries with layers, %zu layers", nonempty, x->nlayers);
}

static void oci_annotations(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	const struct pare_insp_oci *x = need_oci(c, o);
	if (!x)
		return;
	json_t *a = json_object_get(x->manifest, "annotations");
	json_t *labels = json_object_get(json_object_get(x->config, "config"), "Labels");
	if (json_object_size(a) == 0 && json_object_size(labels) == 0)
		pi_fail(o, "neither manifest annotations nor config labels (source, version, "
			"licences)");
}

static void oci_created(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	const struct pare_insp_oci *x = need_oci(c, o);
	if (!x)
		return;
	const char *cr = json_string_value(json_object_get(x->config, "created"));
	int y, mo, d, h, mi, s;
	if (!cr || sscanf(cr, "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &s) != 6)
		pi_fail(o, "config created is %s, not an RFC 3339 time", cr ? cr : "absent");
}

static void oci_whiteouts(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	const struct pare_insp_oci *x = need_oci(c, o);
	if (x)
		list(o, x->whiteouts, x->nwhiteouts);
}

static void oci_user(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	if (!need_oci(c, o))
		return;
	const char *u = c->t->run.user;
	if (!u) {
		pi_na(o, "no user in the config");
		return;
	}
	char name[256];
	snprintf(name, sizeof(name), "%.*s", (int)strcspn(u, ":"), u);
	if (!pi_user(c, name) && strspn(name, "0123456789") != strlen(name))
		pi_fail(o, "config User %s: no such user in /etc/passwd (the runtime refuses to "
			"start)", u);
}

static void oci_volumes(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	const struct pare_insp_oci *x = need_oci(c, o);
	if (!x)
		return;
	json_t *v = json_object_get(json_object_get(x->config, "config"), "Volumes");
	const char *k;
	json_t *val;
	json_object_foreach(v, k, val) {
		const struct pi_file *f = pi_resolve(c, k, NULL);
		if (f && !S_ISDIR(f->mode))
			pi_fail(o, "volume %s is not a directory in the image", k);
	}
}

const struct pare_insp_check pi_checks_oci[] = {
	{ "OCI-001", "the layout has an oci-layout file", PARE_INSP_ERROR, "OCI", oci_layout },
	{ "OCI-002", "manifest, config and layer media types are known", PARE_INSP_ERROR, "OCI", oci_media_types },
	{ "OCI-003", "blob digests are correct", PARE_INSP_ERROR, "OCI", oci_digests },
	{ "OCI-004", "blob sizes match their descriptors", PARE_INSP_ERROR, "OCI", oci_sizes },
	{ "OCI-005", "diff_ids match the uncompressed layers", PARE_INSP_ERROR, "OCI", oci_diffids },
	{ "OCI-006", "config rootfs type is layers", PARE_INSP_ERROR, "OCI", oci_rootfs },
	{ "OCI-007", "manifest schemaVersion is 2", PARE_INSP_ERROR, "OCI", oci_schema },
	{ "OCI-008", "config PATH entries exist in the root", PARE_INSP_WARNING, "OCI", oci_path },
	{ "OCI-009", "config Env entries are KEY=VALUE, each key once", PARE_INSP_WARNING, "OCI", oci_env_form },
	{ "OCI-010", "config os and architecture agree with the root", PARE_INSP_ERROR, "OCI", oci_arch },
	{ "OCI-011", "history present, one entry per layer", PARE_INSP_WARNING, "OCI", oci_history },
	{ "OCI-012", "annotations or labels present", PARE_INSP_INFO, "OCI", oci_annotations },
	{ "OCI-013", "config created time is RFC 3339", PARE_INSP_INFO, "OCI", oci_created },
	{ "OCI-014", "layers carry no whiteout names", PARE_INSP_WARNING, "OCI", oci_whiteouts },
	{ "OCI-015", "config User names an account of the root", PARE_INSP_ERROR, "OCI", oci_user },
	{ "OCI-016", "config volumes are directories in the root", PARE_INSP_WARNING, "OCI", oci_volumes },
	{ NULL, NULL, 0, NULL, NULL },
};
