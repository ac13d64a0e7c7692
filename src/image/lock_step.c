/* The image builder's lock step (build_int.h): after the solve, record
 * each chosen package for `pare image lock` (file ranges and digests, URL),
 * or hold the solve to a lock given with --lock. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "image/build_int.h"
#include "image/lock.h"
#include "image/oci_int.h"
#include <stdlib.h>

/* The solution's packages in install order (NULL entries skipped). */
static const struct pare_pkgent *solved(struct pib_arch *a, uint32_t i)
{
	const struct pare_change *c = &a->sol.changes[i];
	return c->new_pkg ? pare_session_entry(&a->s, c->new_pkg) : NULL;
}

static char *cstr(struct pib_arch *a, struct pare_slice s)
{
	return pare_arena_strdup(&a->arena, s);
}

static int record(struct pib_arch *a, const struct pare_pkgent *e, struct pare_error *err)
{
	char path[PARE_PATH_MAX], url[PARE_PATH_MAX];
	struct pare_image_lock_pkg p = {
		.name = cstr(a, e->name), .version = cstr(a, e->version),
		.arch = a->img->arch.apk, .checksum = cstr(a, e->identity_text),
	};
	if (!p.name || !p.version || !p.checksum)
		return pare_error_set(err, -ENOMEM, "out of memory");
	int r = pare_repos_pkg_url(&a->s.repos, e, url, sizeof(url), err);
	if (r == 0 && a->o->lock_path)
		r = pib_package_file(a, e, path, sizeof(path), err);
	if (r == 0 && a->o->lock_path)
		r = pare_apk_members_read(path, &p.members, err);
	/* what the lock records must be the file the index names */
	if (r == 0 && a->o->lock_path && e->identity.alg == PARE_DIGEST_SHA1 &&
	    (p.members.control.digest.len != e->identity.len ||
	     memcmp(p.members.control.digest.bytes, e->identity.bytes, e->identity.len) != 0))
		r = pare_error_set(err, -PARE_E_INTEGRITY, "%s: its control part is not the "
				   "package the index names (C:%s)", path, p.checksum);
	p.url = url;
	return r == 0 ? pare_image_lock_add(a->res->lock, &p, err) : r;
}

static const struct pare_image_lock_pkg *find(const struct pare_image_lock *l, const char *arch,
					      struct pare_slice name)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->pkgs[i].arch, arch) == 0 && pare_slice_eq_cstr(name, l->pkgs[i].name))
			return &l->pkgs[i];
	return NULL;
}

/* Every solved package is in the lock with the same version and identity,
 * and the lock names nothing more for this architecture. */
static int check(struct pib_arch *a, struct pare_error *err)
{
	const struct pare_image_lock *l = a->res->lock_in;
	const char *arch = a->img->arch.apk, *lp = a->o->lock_in;
	size_t n = 0, want = 0;
	for (uint32_t i = 0; i < a->sol.nchanges; i++) {
		const struct pare_pkgent *e = solved(a, i);
		if (!e)
			continue;
		n++;
		const struct pare_image_lock_pkg *p = find(l, arch, e->name);
		if (!p)
			return pare_error_set(err, -PARE_E_INTEGRITY, "lock %s: %s: %.*s-%.*s was "
					      "resolved but is not in the lock", lp, arch,
					      (int)e->name.len, e->name.ptr, (int)e->version.len,
					      e->version.ptr);
		if (!pare_slice_eq_cstr(e->version, p->version) ||
		    !pare_slice_eq_cstr(e->identity_text, p->checksum))
			return pare_error_set(err, -PARE_E_INTEGRITY, "lock %s: %s: %.*s resolved to "
					      "%.*s (%.*s), the lock has %s (%s)", lp, arch,
					      (int)e->name.len, e->name.ptr, (int)e->version.len,
					      e->version.ptr, (int)e->identity_text.len,
					      e->identity_text.ptr, p->version, p->checksum);
	}
	for (size_t i = 0; i < l->n; i++)
		want += strcmp(l->pkgs[i].arch, arch) == 0;
	if (want != n)
		return pare_error_set(err, -PARE_E_INTEGRITY, "lock %s: %s: the lock has %zu "
				      "packages, the config resolves to %zu", lp, arch, want, n);
	return 0;
}

int pib_lock_step(struct pib_arch *a, struct pare_error *err)
{
	int r = 0;
	if (a->o->lock_in) {
		if (!a->res->lock_in && !(a->res->lock_in = pare_image_lock_new()))
			return pare_error_set(err, -ENOMEM, "out of memory");
		if (a->res->lock_in->n == 0)
			r = pare_image_lock_load(a->res->lock_in, a->o->lock_in, err);
		if (r == 0)
			r = check(a, err);
	}
	if (r < 0 || (!a->o->lock_path && !a->o->resolve_only))
		return r;
	if (!a->res->lock && !(a->res->lock = pare_image_lock_new()))
		return pare_error_set(err, -ENOMEM, "out of memory");
	for (uint32_t i = 0; r == 0 && i < a->sol.nchanges; i++)
		if (solved(a, i))
			r = record(a, solved(a, i), err);
	return r;
}

int pib_lock_write(const struct pare_image_build_opts *o, const struct pare_image_config *cfg,
		   struct pare_image_build_result *res, struct pare_error *err)
{
	const char *archs[PARE_IMAGE_BUILD_MAX_ARCHS];
	char *text;
	size_t len;
	for (size_t i = 0; i < res->nimages; i++)
		archs[i] = res->images[i].arch.apk;
	int r = pare_image_lock_render(res->lock, o->config_path, cfg, archs, res->nimages, &text,
				       &len, err);
	if (r == 0) {
		r = pare_oci_write_file(o->lock_path, text, len, err);
		free(text);
	}
	return r;
}
