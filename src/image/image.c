/* Image configuration to OCI runtime configuration (see image.h). */
#include "image/image.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image/test.h"

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool has_env(const struct pare_image_config *c, const char *key)
{
	for (size_t i = 0; i < c->nenvironment; i++)
		if (!strcmp(c->environment[i].key, key))
			return true;
	return false;
}

static const char *kv_text(struct pare_arena *a, const char *k, const char *v)
{
	size_t kl = strlen(k), vl = strlen(v);
	char *s = pare_arena_alloc(a, kl + vl + 2);
	if (!s)
		return NULL;
	memcpy(s, k, kl);
	s[kl] = '=';
	memcpy(s + kl + 1, v, vl + 1);
	return s;
}

static int build_env(const struct pare_image_config *c, struct pare_arena *a,
		     struct pare_oci_image *img)
{
	const char **env = pare_arena_alloc(a, (c->nenvironment + 2) * sizeof(*env));
	size_t n = 0;
	if (!env)
		return -ENOMEM;
	for (size_t i = 0; i < c->nenvironment; i++)
		env[n++] = kv_text(a, c->environment[i].key, c->environment[i].value);
	if (!has_env(c, "PATH"))
		env[n++] = kv_text(a, "PATH", PARE_IMAGE_DEFAULT_PATH);
	if (!has_env(c, "SSL_CERT_FILE"))
		env[n++] = kv_text(a, "SSL_CERT_FILE", PARE_IMAGE_DEFAULT_SSL_CERT_FILE);
	for (size_t i = 0; i < n; i++)
		if (!env[i])
			return -ENOMEM;
	qsort(env, n, sizeof(*env), str_cmp);
	img->env = env;
	img->nenv = n;
	return 0;
}

static const char *run_as(const struct pare_image_config *c, struct pare_arena *a)
{
	char uid[16];
	for (size_t i = 0; c->run_as && i < c->nusers; i++)
		if (!strcmp(c->users[i].name, c->run_as)) {
			snprintf(uid, sizeof(uid), "%u", c->users[i].uid);
			return pare_arena_strdup(a, pare_slice_from(uid));
		}
	return c->run_as;
}

/* annotations + created (+ source/revision from vcs-url "URL@REV"). */
static int build_annotations(const struct pare_image_config *c, int64_t epoch,
			     struct pare_arena *a, struct pare_oci_image *img)
{
	struct pare_image_kv *kv = pare_arena_alloc(a, (c->nannotations + 4) * sizeof(*kv));
	char *created = pare_arena_alloc(a, 32);
	size_t n = 0;
	if (!kv || !created)
		return -ENOMEM;
	pare_oci_rfc3339(epoch, created);
	const char *at = c->vcs_url ? strrchr(c->vcs_url, '@') : NULL;
	if (at && at != c->vcs_url && at[1]) {
		kv[n].key = "org.opencontainers.image.source";
		kv[n++].value = pare_arena_strdup(a, pare_slice_make(c->vcs_url,
								     (size_t)(at - c->vcs_url)));
		kv[n].key = "org.opencontainers.image.revision";
		kv[n++].value = at + 1;
		if (!kv[0].value)
			return -ENOMEM;
	}
	kv[n].key = "org.opencontainers.image.created";
	kv[n++].value = created;
	for (size_t i = 0; i < c->nannotations; i++) {
		size_t k = 0;
		while (k < n && strcmp(kv[k].key, c->annotations[i].key) != 0)
			k++;
		kv[k] = c->annotations[i]; /* the config's own value wins */
		n += k == n;
	}
	img->labels = img->annotations = kv;
	img->nlabels = img->nannotations = n;
	if (c->ntests) { /* the tests travel in a label (image/test.h) */
		char *t = pare_image_tests_to_json(c->tests, c->ntests);
		kv[n].key = PARE_IMAGE_TEST_LABEL;
		kv[n].value = t ? pare_arena_strdup(a, pare_slice_from(t)) : NULL;
		free(t);
		img->nlabels = n + 1;
		if (!kv[n].value)
			return -ENOMEM;
	}
	return 0;
}

int pare_image_oci_config(const struct pare_image_config *c, const struct pare_image_arch *arch,
			  int64_t epoch, struct pare_arena *a, struct pare_oci_image *img,
			  struct pare_error *err)
{
	memset(img, 0, sizeof(*img));
	img->architecture = arch->oci;
	img->variant = arch->variant;
	img->os = "linux";
	img->created = epoch;
	img->entrypoint = c->entrypoint;
	img->nentrypoint = c->nentrypoint;
	img->cmd = c->cmd;
	img->ncmd = c->ncmd;
	img->working_dir = c->work_dir;
	img->stop_signal = c->stop_signal;
	img->volumes = c->volumes;
	img->nvolumes = c->nvolumes;
	img->user = run_as(c, a);
	int r = c->run_as && !img->user ? -ENOMEM : 0;
	if (r == 0)
		r = build_env(c, a, img);
	if (r == 0)
		r = build_annotations(c, epoch, a, img);
	if (r < 0)
		return pare_error_set(err, r, "image configuration: out of memory");
	return 0;
}
