/* Image tests as a config label (JSON) and back (see test.h). */
#include <errno.h>
#include <jansson.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "image/test.h"

static json_t *argv_json(const char *const *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

char *pare_image_tests_to_json(const struct pare_image_test *tests, size_t n)
{
	json_t *all = json_array();
	for (size_t i = 0; i < n; i++) {
		const struct pare_image_test *t = &tests[i];
		json_t *o = json_object();
		if (t->name)
			json_object_set_new(o, "name", json_string(t->name));
		json_object_set_new(o, "run", argv_json(t->run, t->nrun));
		json_object_set_new(o, "exit", json_integer(t->exit));
		if (t->stdout_re)
			json_object_set_new(o, "stdout", json_string(t->stdout_re));
		if (t->stderr_re)
			json_object_set_new(o, "stderr", json_string(t->stderr_re));
		if (t->timeout)
			json_object_set_new(o, "timeout", json_integer(t->timeout));
		if (t->network_host)
			json_object_set_new(o, "network", json_string("host"));
		if (t->daemon) {
			json_t *r = json_object();
			json_object_set_new(o, "daemon", json_true());
			if (t->ready_port)
				json_object_set_new(r, "port", json_integer(t->ready_port));
			if (t->nready_run)
				json_object_set_new(r, "run", argv_json(t->ready_run, t->nready_run));
			json_object_set_new(o, "ready", r);
		}
		json_array_append_new(all, o);
	}
	char *s = json_dumps(all, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(all);
	return s;
}

static const char *jstr(struct pare_arena *a, json_t *o, const char *key, bool *bad)
{
	json_t *v = json_object_get(o, key);
	if (!v)
		return NULL;
	if (!json_is_string(v)) {
		*bad = true;
		return NULL;
	}
	return pare_arena_strdup(a, pare_slice_from(json_string_value(v)));
}

static const char **jargv(struct pare_arena *a, json_t *v, size_t *n, bool *bad)
{
	*n = 0;
	if (!v)
		return NULL;
	if (!json_is_array(v) || json_array_size(v) == 0 ||
	    json_array_size(v) > PARE_IMAGE_CONFIG_MAX_ARGV) {
		*bad = true;
		return NULL;
	}
	const char **out = pare_arena_zalloc(a, (json_array_size(v) + 1) * sizeof(char *));
	size_t i;
	json_t *x;
	json_array_foreach(v, i, x) {
		if (!out || !json_is_string(x)) {
			*bad = true;
			return NULL;
		}
		out[(*n)++] = pare_arena_strdup(a, pare_slice_from(json_string_value(x)));
	}
	return out;
}

static bool jnum(json_t *o, const char *key, uint32_t max, uint32_t *out, bool *bad)
{
	json_t *v = json_object_get(o, key);
	if (!v)
		return false;
	if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > max) {
		*bad = true;
		return false;
	}
	*out = (uint32_t)json_integer_value(v);
	return true;
}

static bool regex_ok(const char *re)
{
	regex_t r;
	if (!re)
		return true;
	if (regcomp(&r, re, REG_EXTENDED | REG_NOSUB) != 0)
		return false;
	regfree(&r);
	return true;
}

static int one_test(struct pare_arena *a, json_t *o, struct pare_image_test *t)
{
	bool bad = !json_is_object(o);
	json_t *ready = json_object_get(o, "ready");
	const char *net;
	memset(t, 0, sizeof(*t));
	if (bad)
		return -1;
	t->name = jstr(a, o, "name", &bad);
	t->run = jargv(a, json_object_get(o, "run"), &t->nrun, &bad);
	jnum(o, "exit", 255, &t->exit, &bad);
	t->stdout_re = jstr(a, o, "stdout", &bad);
	t->stderr_re = jstr(a, o, "stderr", &bad);
	jnum(o, "timeout", 3600, &t->timeout, &bad);
	net = jstr(a, o, "network", &bad);
	t->network_host = net && strcmp(net, "host") == 0;
	t->daemon = json_is_true(json_object_get(o, "daemon"));
	jnum(ready, "port", 65535, &t->ready_port, &bad);
	t->ready_run = jargv(a, json_object_get(ready, "run"), &t->nready_run, &bad);
	if (bad || !t->nrun || !regex_ok(t->stdout_re) || !regex_ok(t->stderr_re) ||
	    (t->daemon && !t->ready_port && !t->nready_run))
		return -1;
	return 0;
}

int pare_image_tests_from_json(struct pare_arena *arena, struct pare_slice text,
			       struct pare_image_test **tests, size_t *n, struct pare_error *err)
{
	json_error_t je;
	*tests = NULL;
	*n = 0;
	if (text.len > PARE_IMAGE_TEST_MAX_LABEL)
		return pare_error_set(err, -PARE_E_TOO_BIG, "label %s: larger than %u bytes",
				      PARE_IMAGE_TEST_LABEL, PARE_IMAGE_TEST_MAX_LABEL);
	json_t *all = json_loadb(text.ptr, text.len, JSON_REJECT_DUPLICATES, &je);
	if (!json_is_array(all) || json_array_size(all) > PARE_IMAGE_TEST_MAX_TESTS) {
		json_decref(all);
		return pare_error_set(err, -PARE_E_FORMAT, "label %s: not a list of at most %u "
				      "tests%s%s", PARE_IMAGE_TEST_LABEL, PARE_IMAGE_TEST_MAX_TESTS,
				      all ? "" : ": ", all ? "" : je.text);
	}
	struct pare_image_test *v = pare_arena_zalloc(arena, (json_array_size(all) + 1) *
							     sizeof(*v));
	size_t i;
	json_t *o;
	int rc = v ? 0 : -ENOMEM;
	json_array_foreach(all, i, o) {
		if (rc == 0 && one_test(arena, o, &v[i]) < 0)
			rc = pare_error_set(err, -PARE_E_FORMAT, "label %s: test %zu is malformed",
					    PARE_IMAGE_TEST_LABEL, i + 1);
	}
	if (rc == 0) {
		*tests = v;
		*n = json_array_size(all);
	}
	json_decref(all);
	return rc;
}
