/* Build order and the build graph as JSON (build.h). */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "apk/dep.h"
#include "build/build.h"
#include "split/split.h"

/* Does recipe m make the package called name? */
static bool makes(const struct pare_recipe *m, struct pare_slice name)
{
	if (pare_slice_eq_cstr(name, m->pkgname))
		return true;
	for (size_t i = 0; i < m->nsubpkgs; i++)
		if (pare_slice_eq_cstr(name, m->subpkgs[i].name))
			return true;
	char buf[512];
	snprintf(buf, sizeof(buf), "%.*s", (int)name.len, name.ptr);
	return pare_split_suffix_of(m->pkgname, buf) != NULL;
}

static bool needs(const struct pare_recipe *r, const struct pare_recipe *m)
{
	const struct pare_recipe_words *ws[] = { &r->makedepends, &r->checkdepends };
	for (size_t k = 0; k < 2; k++)
		for (size_t i = 0; i < ws[k]->n; i++) {
			struct pare_dep d;
			if (pare_dep_parse(pare_slice_from(ws[k]->v[i]), &d, NULL) == 0 &&
			    !d.conflict && makes(m, d.name))
				return true;
		}
	return false;
}

int pare_build_order(const struct pare_recipe *recipes, size_t n, size_t *order,
		     size_t *edges, size_t *nedges, struct pare_error *err)
{
	size_t *indeg = calloc(n + 1, sizeof(*indeg));
	bool *done = calloc(n + 1, sizeof(*done));
	if (!indeg || !done) {
		free(indeg);
		free(done);
		return pare_error_set(err, -ENOMEM, "out of memory");
	}
	*nedges = 0;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++)
			if (i != j && needs(&recipes[i], &recipes[j])) {
				edges[2 * *nedges] = i;
				edges[2 * *nedges + 1] = j;
				(*nedges)++;
				indeg[i]++;
			}
	int r = 0;
	for (size_t k = 0; k < n && r == 0; k++) {
		size_t pick = n;
		for (size_t i = 0; i < n && pick == n; i++)
			if (!done[i] && indeg[i] == 0)
				pick = i;
		if (pick == n) {
			for (size_t i = 0; i < n; i++)
				if (!done[i]) {
					r = pare_error_set(err, -PARE_E_FORMAT, "%s: dependency cycle "
							   "between recipes", recipes[i].file);
					break;
				}
			break;
		}
		done[pick] = true;
		order[k] = pick;
		for (size_t e = 0; e < *nedges; e++)
			if (edges[2 * e + 1] == pick)
				indeg[edges[2 * e]]--;
	}
	free(indeg);
	free(done);
	return r;
}

static json_t *strs(const char *const *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static json_t *node(const struct pare_recipe *r, const char *dir)
{
	json_t *in = strs(r->makedepends.v, r->makedepends.n);
	json_t *chk = strs(r->checkdepends.v, r->checkdepends.n);
	json_array_extend(in, chk);
	json_decref(chk);
	json_t *srcs = json_array(), *out = json_array();
	for (size_t i = 0; i < r->nsources; i++)
		json_array_append_new(srcs, json_pack("{s:s,s:s?,s:s}", "name", r->sources[i].name,
						      "url", r->sources[i].url, "sha512",
						      r->sources[i].sha512));
	json_array_append_new(out, json_string(r->pkgname));
	for (size_t i = 0; i < r->nsubpkgs; i++)
		json_array_append_new(out, json_string(r->subpkgs[i].name));
	return json_pack("{s:s,s:s,s:s,s:s,s:o,s:o,s:o}", "id", r->pkgname, "dir", dir, "pkgname",
			 r->pkgname, "version", r->version, "inputs", in, "sources", srcs,
			 "outputs", out);
}

int pare_build_plan_json(const struct pare_recipe *recipes, const char *const *dirs, size_t n,
			 struct pare_buf *out, struct pare_error *err)
{
	size_t *order = calloc(n + 1, sizeof(*order)), *edges = calloc(2 * n * n + 2, sizeof(*edges));
	size_t ne = 0;
	int r = order && edges ? pare_build_order(recipes, n, order, edges, &ne, err)
			       : pare_error_set(err, -ENOMEM, "out of memory");
	json_t *root = r == 0 ? json_object() : NULL, *nodes = json_array(), *je = json_array(),
	       *jo = json_array();
	for (size_t i = 0; root && i < n; i++)
		json_array_append_new(nodes, node(&recipes[i], dirs[i]));
	for (size_t i = 0; root && i < ne; i++)
		json_array_append_new(je, json_pack("{s:s,s:s}", "from",
						    recipes[edges[2 * i]].pkgname, "to",
						    recipes[edges[2 * i + 1]].pkgname));
	for (size_t i = 0; root && i < n; i++)
		json_array_append_new(jo, json_string(recipes[order[i]].pkgname));
	if (root) {
		json_object_set(root, "nodes", nodes);
		json_object_set(root, "edges", je);
		json_object_set(root, "order", jo);
		char *s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		if (!s || pare_buf_append_str(out, s) < 0 || pare_buf_putc(out, '\n') < 0)
			r = pare_error_set(err, -ENOMEM, "out of memory");
		free(s);
	}
	json_decref(root);
	json_decref(nodes);
	json_decref(je);
	json_decref(jo);
	free(order);
	free(edges);
	return r;
}
