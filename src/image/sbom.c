/* SPDX 2.3 image SBOMs (see sbom.h); CycloneDX in sbom_cdx.c. */
#include "image/sbom.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "apk/dep.h"
#include "base/arena.h"
#include "base/buf.h"
#include "base/hashmap.h"
#include "image/oci_int.h"
#include "io/url.h"
#include "image/sbom_int.h"

#define NOASSERTION "NOASSERTION"

struct sb {
	const struct pare_sbom_opts *o;
	const struct pare_sbom_package *pkgs;
	size_t n;
	struct pare_arena arena;
	struct pare_map ids;    /* SPDX ids in use */
	struct pare_map byname; /* package name -> its SPDX id */
	const char **pkg_ids;
	struct jb b;
	json_t *packages, *rels;
	const char *image_id;
};

/* ---- identifiers and purls ---- */

static bool id_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '-';
}

/* "SPDXRef-<prefix><text>" with other characters as '-', unique. */
static const char *make_id(struct sb *s, const char *prefix, const char *text)
{
	struct pare_buf b;
	const char *id = NULL;
	pare_buf_init(&b, 4096);
	int r = pare_buf_appendf(&b, "SPDXRef-%s", prefix);
	for (const char *p = text; r == 0 && *p; p++)
		r = pare_buf_putc(&b, id_char(*p) ? *p : '-');
	size_t base = b.len;
	for (unsigned k = 2; r == 0 && pare_map_get(&s->ids, pare_buf_slice(&b)); k++) {
		pare_buf_truncate(&b, base);
		r = pare_buf_appendf(&b, "-%u", k);
	}
	if (r == 0) {
		struct pare_slice copy = pare_arena_slice(&s->arena, pare_buf_slice(&b));
		if (copy.ptr && pare_map_put(&s->ids, copy, (void *)copy.ptr, NULL) == 0)
			id = copy.ptr;
	}
	pare_buf_release(&b);
	if (!id && s->b.rc == 0)
		s->b.rc = -ENOMEM;
	return id ? id : "SPDXRef-invalid";
}

static json_t *purl_ref_one(struct sb *s, const char *purl)
{
	json_t *ref = json_object();
	jb_set(&s->b, ref, "referenceCategory", jb_str(&s->b, "PACKAGE-MANAGER"));
	jb_set(&s->b, ref, "referenceLocator", jb_str(&s->b, purl));
	jb_set(&s->b, ref, "referenceType", jb_str(&s->b, "purl"));
	return ref;
}

static json_t *purl_ref(struct sb *s, const char *purl)
{
	json_t *refs = json_array();
	jb_push(&s->b, refs, purl_ref_one(s, purl));
	return refs;
}

static void add_rel(struct sb *s, const char *from, const char *type, const char *to)
{
	json_t *r = json_object();
	jb_set(&s->b, r, "spdxElementId", jb_str(&s->b, from));
	jb_set(&s->b, r, "relationshipType", jb_str(&s->b, type));
	jb_set(&s->b, r, "relatedSpdxElement", jb_str(&s->b, to));
	jb_push(&s->b, s->rels, r);
}

static const char *supplier(struct sb *s, struct pare_buf *b)
{
	if (!s->o->supplier || !s->o->supplier[0])
		return NOASSERTION;
	pare_buf_reset(b);
	return pare_buf_appendf(b, "Organization: %s", s->o->supplier) == 0 ? b->data : NOASSERTION;
}

/* ---- the image, its layers, the OS ---- */

static json_t *base_package(struct sb *s, const char *id, const char *name, const char *version)
{
	json_t *p = json_object();
	jb_set(&s->b, p, "SPDXID", jb_str(&s->b, id));
	jb_set(&s->b, p, "name", jb_str(&s->b, name));
	jb_set(&s->b, p, "versionInfo", jb_str(&s->b, version));
	jb_set(&s->b, p, "filesAnalyzed", json_false());
	return p;
}

static json_t *oci_package(struct sb *s, const char *id, const char *digest, const char *version,
			   const char *desc, const char *media_type)
{
	struct pare_buf b, sup;
	pare_buf_init(&b, 8192);
	pare_buf_init(&sup, 1024);
	json_t *p = base_package(s, id, digest, version);
	jb_set(&s->b, p, "description", jb_str(&s->b, desc));
	jb_set(&s->b, p, "downloadLocation", jb_str(&s->b, NOASSERTION));
	jb_set(&s->b, p, "supplier", jb_str(&s->b, supplier(s, &sup)));
	jb_set(&s->b, p, "primaryPackagePurpose", jb_str(&s->b, "CONTAINER"));
	const char *image = s->o->image_name ? s->o->image_name : "image";
	int r = pare_buf_append_str(&b, "pkg:oci/");
	if (r == 0)
		r = pare_buf_append_pct(&b, pare_slice_from(image), NULL, 0);
	if (r == 0)
		r = pare_buf_appendf(&b, "@%s?", digest);
	if (r == 0 && s->o->arch)
		r = pare_buf_appendf(&b, "arch=%s&", s->o->arch);
	if (r == 0)
		r = pare_buf_append_str(&b, "mediaType=");
	if (r == 0)
		r = pare_buf_append_pct(&b, pare_slice_from(media_type), NULL, 0);
	if (r == 0)
		r = pare_buf_append_str(&b, "&os=linux");
	if (r < 0 && s->b.rc == 0)
		s->b.rc = r;
	jb_set(&s->b, p, "externalRefs", purl_ref(s, b.data ? b.data : ""));
	pare_buf_release(&b);
	pare_buf_release(&sup);
	return p;
}

static void image_packages(struct sb *s)
{
	const struct pare_sbom_opts *o = s->o;
	s->image_id = make_id(s, "Package-Image-", o->image_digest);
	json_t *img = oci_package(s, s->image_id, o->image_digest, o->image_digest,
				  "pare container image", "application/vnd.oci.image.manifest.v1+json");
	json_t *sums = json_array(), *sum = json_object();
	jb_set(&s->b, sum, "algorithm", jb_str(&s->b, "SHA256"));
	jb_set(&s->b, sum, "checksumValue", jb_str(&s->b, o->image_digest + 7));
	jb_push(&s->b, sums, sum);
	jb_set(&s->b, img, "checksums", sums);
	jb_push(&s->b, s->packages, img);
	add_rel(s, "SPDXRef-DOCUMENT", "DESCRIBES", s->image_id);
	for (size_t i = 0; i < o->nlayers; i++) {
		const char *id = make_id(s, "Package-ImageLayer-", o->layer_digests[i]);
		jb_push(&s->b, s->packages,
			oci_package(s, id, o->layer_digests[i], "1.0.0", "pare operating system layer",
				    "application/vnd.oci.image.layer.v1.tar+gzip"));
		add_rel(s, s->image_id, "CONTAINS", id);
	}
	struct pare_buf sup;
	pare_buf_init(&sup, 1024);
	const char *os = o->os_id ? o->os_id : "unknown";
	const char *id = make_id(s, "OperatingSystem-", os);
	json_t *p = base_package(s, id, os, o->os_version ? o->os_version : "unknown");
	jb_set(&s->b, p, "description", jb_str(&s->b, "Operating System"));
	jb_set(&s->b, p, "downloadLocation", jb_str(&s->b, NOASSERTION));
	jb_set(&s->b, p, "supplier", jb_str(&s->b, supplier(s, &sup)));
	jb_set(&s->b, p, "primaryPackagePurpose", jb_str(&s->b, "OPERATING_SYSTEM"));
	jb_push(&s->b, s->packages, p);
	add_rel(s, s->image_id, "CONTAINS", id);
	pare_buf_release(&sup);
}

/* ---- APK packages ---- */

int pare_sbom_apk_purl(const struct pare_sbom_opts *o, const struct pare_sbom_package *pk,
		       struct pare_buf *b)
{
	const char *ns = o->purl_namespace ? o->purl_namespace : o->os_id ? o->os_id : "unknown";
	pare_buf_reset(b);
	int r = pare_buf_append_str(b, "pkg:apk/");
	if (r == 0)
		r = pare_buf_append_pct(b, pare_slice_from(ns), NULL, 0);
	if (r == 0)
		r = pare_buf_putc(b, '/');
	if (r == 0)
		r = pare_buf_append_pct(b, pare_slice_from(pk->name), NULL, 0);
	if (r == 0)
		r = pare_buf_putc(b, '@');
	if (r == 0)
		r = pare_buf_append_pct(b, pare_slice_from(pk->version), NULL, 0);
	if (r == 0 && pk->arch) {
		r = pare_buf_append_str(b, "?arch=");
		if (r == 0)
			r = pare_buf_append_pct(b, pare_slice_from(pk->arch), NULL, 0);
	}
	return r;
}

static void apk_people(struct sb *s, json_t *p, const struct pare_sbom_package *pk,
		       struct pare_buf *b)
{
	const char *sup = supplier(s, b);
	char *sup_copy = strdup(sup);
	if (pk->maintainer && pk->maintainer[0]) {
		pare_buf_reset(b);
		if (pare_buf_appendf(b, "Person: %s", pk->maintainer) == 0)
			jb_set(&s->b, p, "originator", jb_str(&s->b, b->data));
	} else {
		jb_set(&s->b, p, "originator", jb_str(&s->b, sup_copy ? sup_copy : NOASSERTION));
	}
	jb_set(&s->b, p, "supplier", jb_str(&s->b, sup_copy ? sup_copy : NOASSERTION));
	free(sup_copy);
}

static void apk_details(struct sb *s, json_t *p, const struct pare_sbom_package *pk,
			struct pare_buf *b)
{
	if (pk->file_sha256) {
		json_t *sums = json_array(), *sum = json_object();
		jb_set(&s->b, sum, "algorithm", jb_str(&s->b, "SHA256"));
		jb_set(&s->b, sum, "checksumValue", jb_str(&s->b, pk->file_sha256));
		jb_push(&s->b, sums, sum);
		jb_set(&s->b, p, "checksums", sums);
	}
	if (pk->origin && strcmp(pk->origin, pk->name) != 0) {
		pare_buf_reset(b);
		if (pare_buf_appendf(b, "built from the origin package %s", pk->origin) == 0)
			jb_set(&s->b, p, "sourceInfo", jb_str(&s->b, b->data));
	}
	if (pk->identity || pk->npruned) {
		struct pare_buf c;
		pare_buf_init(&c, PARE_SBOM_MAX_PRUNED_TEXT);
		int r = pk->identity ? pare_buf_appendf(&c, "apk package identity %s", pk->identity)
				     : 0;
		if (r == 0 && pk->npruned)
			r = pare_sbom_pruned_text(pk, &c, pk->identity ? "; " : "");
		if (r == 0)
			jb_set(&s->b, p, "comment", jb_str(&s->b, c.data));
		pare_buf_release(&c);
	}
	jb_set(&s->b, p, "primaryPackagePurpose", jb_str(&s->b, "APPLICATION"));
	if (pare_sbom_apk_purl(s->o, pk, b) == 0) {
		json_t *refs = purl_ref(s, b->data);
		if (pk->source_purl && refs) /* the Debian package it was made from */
			jb_push(&s->b, refs, purl_ref_one(s, pk->source_purl));
		jb_set(&s->b, p, "externalRefs", refs);
	} else if (s->b.rc == 0)
		s->b.rc = -PARE_E_TOO_BIG;
}

static json_t *apk_package(struct sb *s, size_t i)
{
	const struct pare_sbom_package *pk = &s->pkgs[i];
	struct pare_buf b;
	pare_buf_init(&b, 8192);
	json_t *p = base_package(s, s->pkg_ids[i], pk->name, pk->version);
	const char *lic = pk->license && pk->license[0] ? pk->license : NOASSERTION;
	jb_set(&s->b, p, "licenseConcluded", jb_str(&s->b, NOASSERTION));
	jb_set(&s->b, p, "licenseDeclared", jb_str(&s->b, lic));
	jb_set(&s->b, p, "copyrightText", jb_str(&s->b, NOASSERTION));
	char shown[PARE_URL_SHOWN_MAX];
	jb_set(&s->b, p, "downloadLocation",
	       jb_str(&s->b, pk->url && pk->url[0] ? pare_url_redact(pk->url, shown, sizeof(shown))
						   : NOASSERTION));
	apk_people(s, p, pk, &b);
	apk_details(s, p, pk, &b);
	pare_buf_release(&b);
	return p;
}

static int name_ids(struct sb *s, struct pare_error *err)
{
	struct pare_buf b;
	pare_buf_init(&b, 8192);
	int r = 0;
	for (size_t i = 0; r == 0 && i < s->n; i++) {
		const struct pare_sbom_package *pk = &s->pkgs[i];
		if (!pk->name || !pk->name[0] || !pk->version || !pk->version[0])
			r = pare_error_set(err, -EINVAL, "sbom: package %zu has no name or version", i);
		pare_buf_reset(&b);
		if (r == 0)
			r = pare_buf_appendf(&b, "%s-%s", pk->name, pk->version);
		if (r == 0)
			s->pkg_ids[i] = make_id(s, "Package-apk-", b.data);
		if (r == 0 && pare_map_get(&s->byname, pare_slice_from(pk->name)))
			r = pare_error_set(err, -EINVAL, "sbom: package %s listed twice", pk->name);
		if (r == 0)
			r = pare_map_put(&s->byname, pare_slice_from(pk->name),
					 (void *)s->pkg_ids[i], NULL);
	}
	pare_buf_release(&b);
	return r;
}

/* DEPENDS_ON for every dependency whose name is a listed package (once). */
static void depends(struct sb *s, size_t i)
{
	const struct pare_sbom_package *pk = &s->pkgs[i];
	struct pare_map seen;
	pare_map_init(&seen);
	for (size_t k = 0; k < pk->ndepends; k++) {
		struct pare_dep d;
		if (pare_dep_parse(pare_slice_from(pk->depends[k]), &d, NULL) < 0 || d.conflict)
			continue;
		const char *to = pare_map_get(&s->byname, d.name);
		if (!to || to == s->pkg_ids[i] || pare_map_get(&seen, d.name))
			continue;
		if (pare_map_put(&seen, d.name, (void *)to, NULL) < 0 && s->b.rc == 0)
			s->b.rc = -ENOMEM;
		add_rel(s, s->pkg_ids[i], "DEPENDS_ON", to);
	}
	pare_map_release(&seen);
}

/* ---- the document ---- */

static json_t *creation_info(struct sb *s)
{
	char created[32], tool[256];
	pare_oci_rfc3339(s->o->created, created);
	snprintf(tool, sizeof(tool), "Tool: %s", s->o->tool ? s->o->tool : "pare");
	json_t *ci = json_object(), *creators = json_array();
	jb_set(&s->b, ci, "created", jb_str(&s->b, created));
	jb_push(&s->b, creators, jb_str(&s->b, tool));
	jb_set(&s->b, ci, "creators", creators);
	return ci;
}

static json_t *document(struct sb *s)
{
	char ns[160], name[96];
	json_t *doc = json_object(), *describes = json_array();
	snprintf(name, sizeof(name), "sbom-%s", s->o->image_digest);
	snprintf(ns, sizeof(ns), "https://spdx.org/spdxdocs/pare/%s", s->o->image_digest + 7);
	s->packages = json_array();
	s->rels = json_array();
	image_packages(s);
	for (size_t i = 0; i < s->n; i++) {
		jb_push(&s->b, s->packages, apk_package(s, i));
		add_rel(s, s->image_id, "CONTAINS", s->pkg_ids[i]);
	}
	for (size_t i = 0; i < s->n; i++)
		depends(s, i);
	jb_set(&s->b, doc, "SPDXID", jb_str(&s->b, "SPDXRef-DOCUMENT"));
	jb_set(&s->b, doc, "name", jb_str(&s->b, name));
	jb_set(&s->b, doc, "spdxVersion", jb_str(&s->b, "SPDX-2.3"));
	jb_set(&s->b, doc, "creationInfo", creation_info(s));
	jb_set(&s->b, doc, "dataLicense", jb_str(&s->b, "CC0-1.0"));
	jb_set(&s->b, doc, "documentNamespace", jb_str(&s->b, ns));
	jb_push(&s->b, describes, jb_str(&s->b, s->image_id));
	jb_set(&s->b, doc, "documentDescribes", describes);
	jb_set(&s->b, doc, "packages", s->packages);
	jb_set(&s->b, doc, "relationships", s->rels);
	return doc;
}

static bool digest_ok(const char *d)
{
	return pare_oci_digest_valid(d);
}

int pare_sbom_render(const struct pare_sbom_opts *o, const struct pare_sbom_package *pkgs,
		     size_t n, char **out, size_t *len, struct pare_error *err)
{
	struct sb s = { .o = o, .pkgs = pkgs, .n = n };
	*out = NULL;
	if (o->format == PARE_SBOM_CYCLONEDX)
		return pare_sbom_render_cyclonedx(o, pkgs, n, out, len, err);
	if (!digest_ok(o->image_digest))
		return pare_error_set(err, -EINVAL, "sbom: the image digest is not sha256:<hex>");
	for (size_t i = 0; i < o->nlayers; i++)
		if (!digest_ok(o->layer_digests[i]))
			return pare_error_set(err, -EINVAL, "sbom: layer %zu digest is not sha256:<hex>",
					      i);
	if (n > PARE_SBOM_MAX_PACKAGES)
		return pare_error_set(err, -PARE_E_TOO_BIG, "sbom: more than %u packages",
				      PARE_SBOM_MAX_PACKAGES);
	pare_arena_init(&s.arena, 0, 0);
	pare_map_init(&s.ids);
	pare_map_init(&s.byname);
	s.pkg_ids = calloc(n ? n : 1, sizeof(*s.pkg_ids));
	int r = s.pkg_ids ? name_ids(&s, err) : -ENOMEM;
	if (r == 0) {
		r = jb_dump(&s.b, document(&s), JSON_INDENT(2), out, len, err, "sbom");
		char *grown = r == 0 ? realloc(*out, *len + 2) : NULL;
		if (r == 0 && !grown)
			r = -ENOMEM;
		if (grown) {
			grown[(*len)++] = '\n';
			grown[*len] = '\0';
			*out = grown;
		}
	}
	free(s.pkg_ids);
	pare_map_release(&s.ids);
	pare_map_release(&s.byname);
	pare_arena_release(&s.arena);
	if (r < 0) {
		free(*out);
		*out = NULL;
	}
	return r;
}

int pare_sbom_write(const struct pare_sbom_opts *o, const struct pare_sbom_package *pkgs,
		    size_t n, const char *path, struct pare_error *err)
{
	char *text;
	size_t len;
	int r = pare_sbom_render(o, pkgs, n, &text, &len, err);
	if (r == 0)
		r = pare_oci_write_file(path, text, len, err);
	free(text);
	return r;
}

int pare_sbom_pruned_text(const struct pare_sbom_package *pk, struct pare_buf *b, const char *sep)
{
	int r = pare_buf_appendf(b, "%spartially installed: %zu file%s pruned by pare image build "
				 "--prune=trace (lib/apk/db/pruned):", sep, pk->npruned,
				 pk->npruned == 1 ? "" : "s");
	for (size_t i = 0; r == 0 && i < pk->npruned; i++)
		r = pare_buf_appendf(b, " /%s", pk->pruned[i]);
	return r;
}
