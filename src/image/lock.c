/* apko's lock file (see lock.h). */
#include "image/lock.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/oci_int.h"
#include "io/digest.h"
#include "io/stream.h"

struct pare_image_lock *pare_image_lock_new(void)
{
	struct pare_image_lock *l = calloc(1, sizeof(*l));
	if (l)
		pare_arena_init(&l->arena, 0, 0);
	return l;
}

void pare_image_lock_free(struct pare_image_lock *l)
{
	if (!l)
		return;
	free(l->pkgs);
	pare_arena_release(&l->arena);
	free(l);
}

static const char *lock_strdup(struct pare_image_lock *l, const char *s)
{
	return s ? pare_arena_strdup(&l->arena, pare_slice_from(s)) : NULL;
}

int pare_image_lock_add(struct pare_image_lock *l, const struct pare_image_lock_pkg *p,
			struct pare_error *err)
{
	if (l->n == PARE_IMAGE_LOCK_MAX_PACKAGES)
		return pare_error_set(err, -PARE_E_TOO_BIG, "lock: more than %u packages",
				      PARE_IMAGE_LOCK_MAX_PACKAGES);
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		struct pare_image_lock_pkg *v = realloc(l->pkgs, cap * sizeof(*v));
		if (!v)
			return pare_error_set(err, -ENOMEM, "out of memory");
		l->pkgs = v;
		l->cap = cap;
	}
	struct pare_image_lock_pkg *q = &l->pkgs[l->n];
	*q = *p;
	q->name = lock_strdup(l, p->name);
	q->version = lock_strdup(l, p->version);
	q->arch = lock_strdup(l, p->arch);
	q->url = lock_strdup(l, p->url);
	q->checksum = lock_strdup(l, p->checksum);
	if (!q->name || !q->version || !q->arch || !q->checksum || (p->url && !q->url))
		return pare_error_set(err, -ENOMEM, "out of memory");
	l->n++;
	return 0;
}

/* ---- writing */

/* "sha1-<base64>" / "sha256-<base64>" */
static void sri(const struct pare_digest_value *v, char *out)
{
	size_t n = (size_t)snprintf(out, 16, "%s-", v->alg == PARE_DIGEST_SHA1 ? "sha1" : "sha256");
	out[n + pare_base64_encode(v->bytes, v->len, out + n)] = '\0';
}

static json_t *range(struct jb *b, const struct pare_apk_range *r)
{
	char text[64], sum[128];
	json_t *o = json_object();
	snprintf(text, sizeof(text), "bytes=%llu-%llu", (unsigned long long)r->first,
		 (unsigned long long)r->last);
	sri(&r->digest, sum);
	jb_set(b, o, "range", jb_str(b, text));
	jb_set(b, o, "checksum", jb_str(b, sum));
	return o;
}

static json_t *package(struct jb *b, const struct pare_image_lock_pkg *p)
{
	json_t *o = json_object();
	jb_set(b, o, "name", jb_str(b, p->name));
	jb_set(b, o, "url", jb_str(b, p->url ? p->url : ""));
	jb_set(b, o, "version", jb_str(b, p->version));
	jb_set(b, o, "architecture", jb_str(b, p->arch));
	if (p->members.has_signature)
		jb_set(b, o, "signature", range(b, &p->members.signature));
	jb_set(b, o, "control", range(b, &p->members.control));
	jb_set(b, o, "data", range(b, &p->members.data));
	jb_set(b, o, "checksum", jb_str(b, p->checksum));
	return o;
}

static json_t *repos(struct jb *b, const struct pare_image_config *cfg, const char *const *archs,
		     size_t narchs, enum pare_image_repo_use use)
{
	json_t *a = json_array();
	char url[8192];
	for (size_t i = 0; i < cfg->nrepositories; i++) {
		const struct pare_image_repo *r = &cfg->repositories[i];
		if (r->use != use)
			continue;
		size_t l = strlen(r->url);
		while (l > 1 && r->url[l - 1] == '/')
			l--;
		for (size_t k = 0; k < narchs; k++) {
			json_t *o = json_object();
			snprintf(url, sizeof(url), "%.*s/%s/APKINDEX.tar.gz", (int)l, r->url, archs[k]);
			jb_set(b, o, "name", jb_str(b, r->url));
			jb_set(b, o, "url", jb_str(b, url));
			jb_set(b, o, "architecture", jb_str(b, archs[k]));
			jb_push(b, a, o);
		}
	}
	return a;
}

static int config_checksum(const char *path, char *out, struct pare_error *err)
{
	struct pare_digest_value v;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return pare_error_set(err, -errno, "%s: %s", path, strerror(errno));
	int r = pare_digest_fd(fd, PARE_DIGEST_SHA256, &v);
	close(fd);
	if (r == 0)
		sri(&v, out);
	return r < 0 ? pare_error_set(err, r, "%s: checksum failed: %s", path,
				      r == -PARE_E_CRYPTO ? "digest error" : strerror(-r))
		     : 0;
}

int pare_image_lock_render(const struct pare_image_lock *l, const char *config_path,
			   const struct pare_image_config *cfg, const char *const *archs,
			   size_t narchs, char **out, size_t *len, struct pare_error *err)
{
	struct jb b = { 0 };
	char sum[128];
	const char *base = strrchr(config_path, '/');
	*out = NULL;
	int r = config_checksum(config_path, sum, err);
	if (r < 0)
		return r;
	json_t *doc = json_object(), *conf = json_object(), *contents = json_object(),
	       *keys = json_array(), *pk = json_array();
	jb_set(&b, doc, "version", jb_str(&b, "v1"));
	jb_set(&b, conf, "name", jb_str(&b, base ? base + 1 : config_path));
	jb_set(&b, conf, "checksum", jb_str(&b, sum));
	jb_set(&b, doc, "config", conf);
	for (size_t i = 0; i < cfg->nkeyring; i++) {
		json_t *k = json_object();
		jb_set(&b, k, "name", jb_str(&b, cfg->keyring[i]));
		jb_set(&b, k, "url", jb_str(&b, cfg->keyring[i]));
		jb_push(&b, keys, k);
	}
	jb_set(&b, contents, "keyring", keys);
	jb_set(&b, contents, "build_repositories",
	       repos(&b, cfg, archs, narchs, PARE_IMAGE_REPO_BUILD));
	jb_set(&b, contents, "repositories", repos(&b, cfg, archs, narchs, PARE_IMAGE_REPO_BOTH));
	for (size_t i = 0; i < l->n; i++)
		jb_push(&b, pk, package(&b, &l->pkgs[i]));
	jb_set(&b, contents, "packages", pk);
	jb_set(&b, doc, "contents", contents);
	r = jb_dump(&b, doc, JSON_INDENT(2), out, len, err, "lock");
	char *grown = r == 0 ? realloc(*out, *len + 2) : NULL;
	if (r == 0 && !grown)
		r = pare_error_set(err, -ENOMEM, "out of memory");
	if (grown) {
		grown[(*len)++] = '\n';
		grown[*len] = '\0';
		*out = grown;
	}
	if (r < 0) {
		free(*out);
		*out = NULL;
	}
	return r;
}

/* ---- reading */

static const char *field(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_string(v) && json_string_length(v) < 4096 ? json_string_value(v) : NULL;
}

static int read_packages(struct pare_image_lock *l, json_t *pk, const char *path,
			 struct pare_error *err)
{
	size_t i;
	json_t *e;
	if (!json_is_array(pk))
		return pare_error_set(err, -PARE_E_FORMAT, "%s: contents.packages is not a list",
				      path);
	json_array_foreach(pk, i, e) {
		struct pare_image_lock_pkg p = {
			.name = field(e, "name"), .version = field(e, "version"),
			.arch = field(e, "architecture"), .url = field(e, "url"),
			.checksum = field(e, "checksum"),
		};
		if (!p.name || !p.version || !p.arch || !p.checksum)
			return pare_error_set(err, -PARE_E_FORMAT, "%s: package %zu lacks name, "
					      "version, architecture or checksum", path, i + 1);
		int r = pare_image_lock_add(l, &p, err);
		if (r < 0)
			return r;
	}
	return 0;
}

int pare_image_lock_parse(struct pare_image_lock *l, const char *text, size_t len,
			  const char *name, struct pare_error *err)
{
	json_error_t je;
	if (len > PARE_IMAGE_LOCK_MAX_BYTES)
		return pare_error_set(err, -PARE_E_TOO_BIG, "lock %s: larger than %u bytes", name,
				      PARE_IMAGE_LOCK_MAX_BYTES);
	json_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!doc)
		return pare_error_set(err, -PARE_E_FORMAT, "lock %s:%d:%d: %s", name, je.line,
				      je.column, je.text);
	int r = 0;
	const char *v = field(doc, "version");
	if (!v || strcmp(v, "v1") != 0)
		r = pare_error_set(err, -PARE_E_UNSUPPORTED, "lock %s: version %s, not v1", name,
				   v ? v : "missing");
	if (r == 0)
		r = read_packages(l, json_object_get(json_object_get(doc, "contents"), "packages"),
				  name, err);
	json_decref(doc);
	return r;
}

int pare_image_lock_load(struct pare_image_lock *l, const char *path, struct pare_error *err)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return pare_error_set(err, -errno, "lock %s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > PARE_IMAGE_LOCK_MAX_BYTES) {
		close(fd);
		return pare_error_set(err, -PARE_E_TOO_BIG, "lock %s: not a regular file of at "
				      "most %u bytes", path, PARE_IMAGE_LOCK_MAX_BYTES);
	}
	size_t len = (size_t)st.st_size, got = 0;
	char *text = malloc(len + 1);
	int r = text ? 0 : pare_error_set(err, -ENOMEM, "out of memory");
	while (r == 0 && got < len) {
		ssize_t n = pare_read_some(fd, text + got, len - got);
		if (n <= 0)
			r = pare_error_set(err, n < 0 ? (int)n : -PARE_E_FORMAT, "lock %s: %s", path,
					   n < 0 ? strerror((int)-n) : "shorter than its size");
		else
			got += (size_t)n;
	}
	close(fd);
	if (r == 0)
		r = pare_image_lock_parse(l, text, len, path, err);
	free(text);
	return r;
}

int pare_image_lock_default_path(const char *config_path, char *out, size_t n)
{
	size_t l = strlen(config_path);
	if (l > 5 && strcmp(config_path + l - 5, ".yaml") == 0)
		l -= 5;
	else if (l > 4 && strcmp(config_path + l - 4, ".yml") == 0)
		l -= 4;
	int k = snprintf(out, n, "%.*s.lock.json", (int)l, config_path);
	return k < 0 || (size_t)k >= n ? -ENAMETOOLONG : 0;
}
