/* CycloneDX 1.5 JSON image SBOMs (see sbom.h, PARE_SBOM_CYCLONEDX).
 *
 * bom-refs: the image is "image:<digest>", a package its purl (unique:
 * the caller lists each name once).  Determinism as for SPDX: packages in
 * the given order, timestamp = opts.created, serialNumber from the image
 * digest, fixed key order. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apk/dep.h"
#include "base/hashmap.h"
#include "image/oci_int.h"
#include "image/sbom_int.h"

struct cdx {
	const struct pare_sbom_opts *o;
	const struct pare_sbom_package *pkgs;
	size_t n;
	char **refs;        /* purl of each package (malloc) */
	struct pare_map byname; /* name -> its ref */
	struct jb b;
};

/* urn:uuid: of a version-5-shaped UUID taken from the digest's hex. */
static void serial(const char *digest, char *out, size_t n)
{
	char h[33];
	memcpy(h, digest + 7, 32);
	h[32] = '\0';
	h[12] = '5';
	h[16] = "89ab"[(h[16] >= 'a' ? h[16] - 'a' + 10 : h[16] - '0') & 3];
	snprintf(out, n, "urn:uuid:%.8s-%.4s-%.4s-%.4s-%.12s", h, h + 8, h + 12, h + 16, h + 20);
}

static json_t *image_component(struct cdx *c)
{
	struct pare_buf b;
	char ref[96];
	const char *name = c->o->image_name ? c->o->image_name : "image";
	json_t *comp = json_object(), *hashes = json_array(), *h = json_object();
	pare_buf_init(&b, 8192);
	snprintf(ref, sizeof(ref), "image:%s", c->o->image_digest);
	int r = pare_buf_append_str(&b, "pkg:oci/");
	if (r == 0)
		r = pare_buf_append_pct(&b, pare_slice_from(name), NULL, 0);
	if (r == 0)
		r = pare_buf_append_str(&b, "@sha256%3A");
	if (r == 0)
		r = pare_buf_append_str(&b, c->o->image_digest + 7);
	if (r == 0 && c->o->arch)
		r = pare_buf_appendf(&b, "?arch=%s", c->o->arch);
	if (r < 0 && c->b.rc == 0)
		c->b.rc = r;
	jb_set(&c->b, comp, "bom-ref", jb_str(&c->b, ref));
	jb_set(&c->b, comp, "type", jb_str(&c->b, "container"));
	jb_set(&c->b, comp, "name", jb_str(&c->b, name));
	jb_set(&c->b, comp, "version", jb_str(&c->b, c->o->image_digest));
	jb_set(&c->b, h, "alg", jb_str(&c->b, "SHA-256"));
	jb_set(&c->b, h, "content", jb_str(&c->b, c->o->image_digest + 7));
	jb_push(&c->b, hashes, h);
	jb_set(&c->b, comp, "hashes", hashes);
	jb_set(&c->b, comp, "purl", jb_str(&c->b, b.data ? b.data : ""));
	pare_buf_release(&b);
	return comp;
}

static json_t *metadata(struct cdx *c)
{
	char ts[32], tool[128], version[64] = "";
	const char *t = c->o->tool ? c->o->tool : "pare";
	const char *sp = strchr(t, ' ');
	snprintf(tool, sizeof(tool), "%.*s", sp ? (int)(sp - t) : (int)strlen(t), t);
	if (sp)
		snprintf(version, sizeof(version), "%s", sp + 1);
	pare_oci_rfc3339(c->o->created, ts);
	json_t *m = json_object(), *tools = json_object(), *comps = json_array(),
	       *tc = json_object();
	jb_set(&c->b, m, "timestamp", jb_str(&c->b, ts));
	jb_set(&c->b, tc, "type", jb_str(&c->b, "application"));
	jb_set(&c->b, tc, "name", jb_str(&c->b, tool));
	if (*version)
		jb_set(&c->b, tc, "version", jb_str(&c->b, version));
	jb_push(&c->b, comps, tc);
	jb_set(&c->b, tools, "components", comps);
	jb_set(&c->b, m, "tools", tools);
	jb_set(&c->b, m, "component", image_component(c));
	return m;
}

static void cdx_pruned(struct cdx *c, json_t *props, const struct pare_sbom_package *pk)
{
	struct pare_buf b;
	pare_buf_init(&b, PARE_SBOM_MAX_PRUNED_TEXT);
	if (pare_sbom_pruned_text(pk, &b, "") == 0) {
		json_t *pp = json_object();
		jb_set(&c->b, pp, "name", jb_str(&c->b, "pare:pruned"));
		jb_set(&c->b, pp, "value", jb_str(&c->b, b.data));
		jb_push(&c->b, props, pp);
	}
	pare_buf_release(&b);
}

static json_t *component(struct cdx *c, size_t i)
{
	const struct pare_sbom_package *pk = &c->pkgs[i];
	json_t *p = json_object();
	jb_set(&c->b, p, "bom-ref", jb_str(&c->b, c->refs[i]));
	jb_set(&c->b, p, "type", jb_str(&c->b, "library"));
	if (c->o->supplier && c->o->supplier[0]) {
		json_t *s = json_object();
		jb_set(&c->b, s, "name", jb_str(&c->b, c->o->supplier));
		jb_set(&c->b, p, "supplier", s);
	}
	if (pk->maintainer && pk->maintainer[0])
		jb_set(&c->b, p, "author", jb_str(&c->b, pk->maintainer));
	jb_set(&c->b, p, "name", jb_str(&c->b, pk->name));
	jb_set(&c->b, p, "version", jb_str(&c->b, pk->version));
	if (pk->file_sha256) {
		json_t *hs = json_array(), *h = json_object();
		jb_set(&c->b, h, "alg", jb_str(&c->b, "SHA-256"));
		jb_set(&c->b, h, "content", jb_str(&c->b, pk->file_sha256));
		jb_push(&c->b, hs, h);
		jb_set(&c->b, p, "hashes", hs);
	}
	if (pk->license && pk->license[0]) {
		/* apk license fields are SPDX-like expressions, not always
		 * valid ones: carried as a license name, never reinterpreted */
		json_t *ls = json_array(), *l = json_object(), *lic = json_object();
		jb_set(&c->b, lic, "name", jb_str(&c->b, pk->license));
		jb_set(&c->b, l, "license", lic);
		jb_push(&c->b, ls, l);
		jb_set(&c->b, p, "licenses", ls);
	}
	jb_set(&c->b, p, "purl", jb_str(&c->b, c->refs[i]));
	if (pk->source_purl) { /* the Debian package it was made from */
		json_t *ped = json_object(), *anc = json_array(), *a = json_object();
		jb_set(&c->b, a, "type", jb_str(&c->b, "library"));
		jb_set(&c->b, a, "name", jb_str(&c->b, pk->source_name ? pk->source_name : pk->name));
		if (pk->source_version)
			jb_set(&c->b, a, "version", jb_str(&c->b, pk->source_version));
		jb_set(&c->b, a, "purl", jb_str(&c->b, pk->source_purl));
		jb_push(&c->b, anc, a);
		jb_set(&c->b, ped, "ancestors", anc);
		jb_set(&c->b, p, "pedigree", ped);
	}
	if (pk->url && pk->url[0]) {
		json_t *ers = json_array(), *er = json_object();
		jb_set(&c->b, er, "type", jb_str(&c->b, "website"));
		jb_set(&c->b, er, "url", jb_str(&c->b, pk->url));
		jb_push(&c->b, ers, er);
		jb_set(&c->b, p, "externalReferences", ers);
	}
	if (pk->identity) {
		json_t *props = json_array(), *pr = json_object();
		jb_set(&c->b, pr, "name", jb_str(&c->b, "apk:identity"));
		jb_set(&c->b, pr, "value", jb_str(&c->b, pk->identity));
		jb_push(&c->b, props, pr);
		if (pk->origin && strcmp(pk->origin, pk->name) != 0) {
			json_t *po = json_object();
			jb_set(&c->b, po, "name", jb_str(&c->b, "apk:origin"));
			jb_set(&c->b, po, "value", jb_str(&c->b, pk->origin));
			jb_push(&c->b, props, po);
		}
		if (pk->npruned)
			cdx_pruned(c, props, pk);
		jb_set(&c->b, p, "properties", props);
	}
	return p;
}

/* {"ref": R, "dependsOn": [...]}: each dependency that names a listed
 * package, once, in atom order. */
static json_t *dependency(struct cdx *c, size_t i)
{
	const struct pare_sbom_package *pk = &c->pkgs[i];
	json_t *d = json_object(), *on = json_array();
	struct pare_map seen;
	pare_map_init(&seen);
	for (size_t k = 0; k < pk->ndepends; k++) {
		struct pare_dep dep;
		if (pare_dep_parse(pare_slice_from(pk->depends[k]), &dep, NULL) < 0 ||
		    dep.conflict)
			continue;
		const char *to = pare_map_get(&c->byname, dep.name);
		if (!to || to == c->refs[i] || pare_map_get(&seen, dep.name))
			continue;
		if (pare_map_put(&seen, dep.name, (void *)to, NULL) < 0 && c->b.rc == 0)
			c->b.rc = -ENOMEM;
		jb_push(&c->b, on, jb_str(&c->b, to));
	}
	pare_map_release(&seen);
	jb_set(&c->b, d, "ref", jb_str(&c->b, c->refs[i]));
	jb_set(&c->b, d, "dependsOn", on);
	return d;
}

static json_t *bom(struct cdx *c)
{
	char sn[64], img[96];
	json_t *doc = json_object(), *comps = json_array(), *deps = json_array(),
	       *top = json_object(), *all = json_array();
	serial(c->o->image_digest, sn, sizeof(sn));
	snprintf(img, sizeof(img), "image:%s", c->o->image_digest);
	jb_set(&c->b, doc, "$schema", jb_str(&c->b, "http://cyclonedx.org/schema/bom-1.5.schema.json"));
	jb_set(&c->b, doc, "bomFormat", jb_str(&c->b, "CycloneDX"));
	jb_set(&c->b, doc, "specVersion", jb_str(&c->b, "1.5"));
	jb_set(&c->b, doc, "serialNumber", jb_str(&c->b, sn));
	jb_set(&c->b, doc, "version", json_integer(1));
	jb_set(&c->b, doc, "metadata", metadata(c));
	for (size_t i = 0; i < c->n; i++) {
		jb_push(&c->b, comps, component(c, i));
		jb_push(&c->b, all, jb_str(&c->b, c->refs[i]));
	}
	jb_set(&c->b, doc, "components", comps);
	jb_set(&c->b, top, "ref", jb_str(&c->b, img));
	jb_set(&c->b, top, "dependsOn", all);
	jb_push(&c->b, deps, top);
	for (size_t i = 0; i < c->n; i++)
		jb_push(&c->b, deps, dependency(c, i));
	jb_set(&c->b, doc, "dependencies", deps);
	return doc;
}

static int make_refs(struct cdx *c, struct pare_error *err)
{
	struct pare_buf b;
	int r = 0;
	pare_buf_init(&b, 8192);
	for (size_t i = 0; r == 0 && i < c->n; i++) {
		const struct pare_sbom_package *pk = &c->pkgs[i];
		if (!pk->name || !pk->name[0] || !pk->version || !pk->version[0])
			r = pare_error_set(err, -EINVAL, "sbom: package %zu has no name or version", i);
		else if (pare_map_get(&c->byname, pare_slice_from(pk->name)))
			r = pare_error_set(err, -EINVAL, "sbom: package %s listed twice", pk->name);
		else if (pare_sbom_apk_purl(c->o, pk, &b) < 0 || !(c->refs[i] = strdup(b.data)))
			r = pare_error_set(err, -ENOMEM, "sbom: out of memory");
		else
			r = pare_map_put(&c->byname, pare_slice_from(pk->name), c->refs[i], NULL);
	}
	pare_buf_release(&b);
	return r;
}

int pare_sbom_render_cyclonedx(const struct pare_sbom_opts *o,
			       const struct pare_sbom_package *pkgs, size_t n, char **out,
			       size_t *len, struct pare_error *err)
{
	struct cdx c = { .o = o, .pkgs = pkgs, .n = n };
	*out = NULL;
	if (!pare_oci_digest_valid(o->image_digest))
		return pare_error_set(err, -EINVAL, "sbom: the image digest is not sha256:<hex>");
	if (n > PARE_SBOM_MAX_PACKAGES)
		return pare_error_set(err, -PARE_E_TOO_BIG, "sbom: more than %u packages",
				      PARE_SBOM_MAX_PACKAGES);
	pare_map_init(&c.byname);
	c.refs = calloc(n ? n : 1, sizeof(*c.refs));
	int r = c.refs ? make_refs(&c, err) : pare_error_set(err, -ENOMEM, "out of memory");
	if (r == 0)
		r = jb_dump(&c.b, bom(&c), JSON_INDENT(2), out, len, err, "sbom");
	if (r == 0) {
		char *grown = realloc(*out, *len + 2);
		if (!grown) {
			r = pare_error_set(err, -ENOMEM, "out of memory");
		} else {
			grown[(*len)++] = '\n';
			grown[*len] = '\0';
			*out = grown;
		}
	}
	for (size_t i = 0; c.refs && i < n; i++)
		free(c.refs[i]);
	free(c.refs);
	pare_map_release(&c.byname);
	if (r < 0) {
		free(*out);
		*out = NULL;
	}
	return r;
}
