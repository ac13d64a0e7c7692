/* The report of a catalog run: results.json plus what each image holds
 * (report.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/rootpath.h"
#include "image/oci.h"
#include "image/report.h"
#include "io/stream.h"

#define RP_WHY_EXCLUDED                                                                    \
	"not reached from the binaries: no DT_NEEDED/interpreter path and not named in "  \
	"the config"

/* A layout path from results.json: relative, no ".." component. */
static bool safe_rel(const char *p)
{
	if (!p || !*p || p[0] == '/')
		return false;
	for (const char *c = p; *c;) {
		size_t n = strcspn(c, "/");
		if (n == 2 && c[0] == '.' && c[1] == '.')
			return false;
		c += n;
		while (*c == '/')
			c++;
	}
	return true;
}

static int load_results(const char *out_dir, json_t **root, struct pare_error *err)
{
	char path[PARE_PATH_MAX];
	struct pare_buf b;
	json_error_t je;
	if ((size_t)snprintf(path, sizeof(path), "%s/results.json", out_dir) >= sizeof(path))
		return pare_error_set(err, -ENAMETOOLONG, "%s: path too long", out_dir);
	pare_buf_init(&b, PARE_OCI_MAX_JSON);
	int r = pare_read_file(path, &b, err);
	if (r == 0 && !(*root = json_loadb(b.data ? b.data : "", b.len, JSON_REJECT_DUPLICATES, &je)))
		r = pare_error_set(err, -PARE_E_FORMAT, "%s:%d: %s", path, je.line, je.text);
	pare_buf_release(&b);
	if (r == 0 && (!json_is_object(*root) ||
		       !json_is_array(json_object_get(*root, "workloads")))) {
		json_decref(*root);
		*root = NULL;
		r = pare_error_set(err, -PARE_E_FORMAT, "%s: no \"workloads\" list", path);
	}
	return r;
}

static int add_stats(const char *out_dir, json_t *w, struct pare_error *err)
{
	char path[PARE_PATH_MAX];
	const char *layout = json_string_value(json_object_get(w, "layout"));
	json_t *st = NULL;
	if (!json_object_get(w, "layout"))
		return 0;
	if (!safe_rel(layout))
		return pare_error_set(err, -PARE_E_UNSAFE_PATH,
				      "results.json: layout '%s' is not a path inside %s",
				      layout ? layout : "(not a string)", out_dir);
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", out_dir, layout) >= sizeof(path))
		return pare_error_set(err, -ENAMETOOLONG, "%s/%s: path too long", out_dir, layout);
	int r = pare_image_stats(path, &st, err);
	if (r == 0) {
		json_object_update(w, st);
		json_decref(st);
	}
	return r;
}

static json_t *twin(json_t *ws, json_t *w, const char *mode)
{
	const char *name = json_string_value(json_object_get(w, "name"));
	size_t i;
	json_t *o;
	json_array_foreach(ws, i, o) {
		const char *n = json_string_value(json_object_get(o, "name"));
		const char *m = json_string_value(json_object_get(o, "mode"));
		if (n && m && name && strcmp(n, name) == 0 && strcmp(m, mode) == 0)
			return o;
	}
	return NULL;
}

/* Keep ex sorted by bytes, largest first (then by name). */
static void insert_by_bytes(json_t *ex, json_t *e)
{
	json_int_t b = json_integer_value(json_object_get(e, "bytes"));
	const char *n = json_string_value(json_object_get(e, "name"));
	size_t i, at = json_array_size(ex);
	json_t *o;
	json_array_foreach(ex, i, o) {
		json_int_t ob = json_integer_value(json_object_get(o, "bytes"));
		if (ob < b || (ob == b && strcmp(json_string_value(json_object_get(o, "name")), n) > 0)) {
			at = i;
			break;
		}
	}
	json_array_insert_new(ex, at, e);
}

/* Packages of the packages-mode image that the add-binary image lacks. */
static void add_excluded(json_t *ws, json_t *w)
{
	const char *mode = json_string_value(json_object_get(w, "mode"));
	json_t *full, *mine = json_object_get(w, "packages"), *ex, *v;
	const char *k;
	if (!mode || strcmp(mode, "add-binary") != 0 || !json_is_object(mine))
		return;
	full = twin(ws, w, "packages");
	if (!full || !json_is_object(json_object_get(full, "packages")))
		return;
	ex = json_array();
	json_object_foreach(json_object_get(full, "packages"), k, v) {
		if (json_object_get(mine, k) || strcmp(k, "(other)") == 0)
			continue;
		json_t *e = json_object();
		json_object_set_new(e, "name", json_string(k));
		json_object_set_new(e, "bytes", json_integer(json_integer_value(v)));
		json_object_set_new(e, "why", json_string(RP_WHY_EXCLUDED));
		insert_by_bytes(ex, e);
	}
	json_object_set_new(w, "excluded", ex);
}

static void add_reduction(json_t *w)
{
	json_t *p = json_object_get(w, "pare_bytes"), *b = json_object_get(w, "debian_b_bytes");
	if (json_is_integer(p) && json_is_integer(b) && json_integer_value(b) > 0)
		json_object_set_new(w, "reduction_b",
				    json_real(1.0 - (double)json_integer_value(p) /
							    (double)json_integer_value(b)));
}

int pare_report_make(const char *out_dir, json_t **out, struct pare_error *err)
{
	json_t *root = NULL, *ws, *w;
	size_t i;
	*out = NULL;
	int r = load_results(out_dir, &root, err);
	if (r < 0)
		return r;
	ws = json_object_get(root, "workloads");
	json_array_foreach(ws, i, w) {
		if (!json_is_object(w)) {
			json_decref(root);
			return pare_error_set(err, -PARE_E_FORMAT,
					      "%s/results.json: workload %zu is not an object",
					      out_dir, i);
		}
		if ((r = add_stats(out_dir, w, err)) < 0) {
			json_decref(root);
			return r;
		}
		add_reduction(w);
	}
	json_array_foreach(ws, i, w)
		add_excluded(ws, w);
	if (!json_is_array(json_object_get(root, "compat")))
		json_object_set_new(root, "compat", json_array());
	*out = root;
	return 0;
}
