/* include: merging an included (base) config under the one that includes
 * it (see config.h). */
#include <errno.h>
#include <string.h>

#include "image/config.h"

/* *own = base[0..nb) then own[0..*n) in c's arena. */
static int cat(struct pare_image_config *c, void *ownp, size_t *n, const void *base, size_t nb,
	       size_t size)
{
	void **own = ownp;
	if (nb == 0)
		return 0;
	char *v = pare_arena_alloc(&c->arena, (nb + *n) * size);
	if (!v)
		return -ENOMEM;
	memcpy(v, base, nb * size);
	if (*n)
		memcpy(v + nb * size, *own, *n * size);
	*own = v;
	*n += nb;
	return 0;
}

static bool has_key(const struct pare_image_kv *kv, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(kv[i].key, key) == 0)
			return true;
	return false;
}

/* The base's pairs whose key this file does not set, then this file's. */
static int kv_merge(struct pare_image_config *c, struct pare_image_kv **own, size_t *n,
		    const struct pare_image_kv *base, size_t nb)
{
	struct pare_image_kv *v = pare_arena_alloc(&c->arena, (nb + *n + 1) * sizeof(*v));
	size_t k = 0;
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < nb; i++)
		if (!has_key(*own, *n, base[i].key))
			v[k++] = base[i];
	if (*n)
		memcpy(v + k, *own, *n * sizeof(*v));
	*own = v;
	*n += k;
	return 0;
}

#define SCALAR(f) \
	do { \
		if (!c->f) \
			c->f = b->f; \
	} while (0)

static void scalars(struct pare_image_config *c, const struct pare_image_config *b)
{
	if (!c->entrypoint_command && !c->entrypoint_shell_fragment) {
		c->entrypoint_command = b->entrypoint_command;
		c->entrypoint_shell_fragment = b->entrypoint_shell_fragment;
		c->entrypoint = b->entrypoint;
		c->nentrypoint = b->nentrypoint;
	}
	if (!c->cmd_text) {
		c->cmd_text = b->cmd_text;
		c->cmd = b->cmd;
		c->ncmd = b->ncmd;
	}
	if (!c->baseimage) {
		c->baseimage = b->baseimage;
		c->baseimage_apkindex = b->baseimage_apkindex;
	}
	SCALAR(work_dir);
	SCALAR(stop_signal);
	SCALAR(vcs_url);
	SCALAR(run_as);
	if (!c->narchs) {
		c->archs = b->archs;
		c->narchs = b->narchs;
	}
}

int pare_image_config_merge_base(struct pare_image_config *c, struct pare_error *err)
{
	const struct pare_image_config *b = c->base;
	int r = 0;
	if (!b)
		return 0;
	if (r == 0)
		r = cat(c, &c->repositories, &c->nrepositories, b->repositories, b->nrepositories,
			sizeof(*b->repositories));
	if (r == 0)
		r = cat(c, &c->keyring, &c->nkeyring, b->keyring, b->nkeyring, sizeof(*b->keyring));
	if (r == 0)
		r = cat(c, &c->packages, &c->npackages, b->packages, b->npackages,
			sizeof(*b->packages));
	if (r == 0)
		r = cat(c, &c->binaries, &c->nbinaries, b->binaries, b->nbinaries,
			sizeof(*b->binaries));
	if (r == 0)
		r = cat(c, &c->gconv, &c->ngconv, b->gconv, b->ngconv, sizeof(*b->gconv));
	if (r == 0)
		r = cat(c, &c->groups, &c->ngroups, b->groups, b->ngroups, sizeof(*b->groups));
	if (r == 0)
		r = cat(c, &c->users, &c->nusers, b->users, b->nusers, sizeof(*b->users));
	if (r == 0)
		r = cat(c, &c->paths, &c->npaths, b->paths, b->npaths, sizeof(*b->paths));
	if (r == 0)
		r = cat(c, &c->volumes, &c->nvolumes, b->volumes, b->nvolumes, sizeof(*b->volumes));
	if (r == 0)
		r = cat(c, &c->keep, &c->nkeep, b->keep, b->nkeep, sizeof(*b->keep));
	if (r == 0)
		r = cat(c, &c->keep_packages, &c->nkeep_packages, b->keep_packages,
			b->nkeep_packages, sizeof(*b->keep_packages));
	if (r == 0)
		r = kv_merge(c, &c->environment, &c->nenvironment, b->environment,
			     b->nenvironment);
	if (r == 0)
		r = kv_merge(c, &c->annotations, &c->nannotations, b->annotations,
			     b->nannotations);
	if (r < 0)
		return pare_error_set(err, r, "%s: include: out of memory", c->file);
	scalars(c, b);
	return 0;
}
