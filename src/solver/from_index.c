#include "solver/from_index.h"

#include <string.h>

void pare_spkg_desc_from_pkgent(struct pare_spkg_desc *d, const struct pare_pkgent *e)
{
	memset(d, 0, sizeof(*d));
	d->name = e->name;
	d->version = e->version;
	d->arch = e->arch;
	d->depends = e->depends.v;
	d->ndepends = e->depends.n;
	d->provides = e->provides.v;
	d->nprovides = e->provides.n;
	d->install_if = e->install_if.v;
	d->ninstall_if = e->install_if.n;
	d->replaces = e->replaces.v;
	d->nreplaces = e->replaces.n;
	d->installed_size = e->installed_size;
	d->size = e->size;
	d->provider_priority = e->provider_priority;
	d->has_priority = (e->flags & PARE_PKGENT_HAS_PRIORITY) != 0;
	d->broken = (e->flags & (PARE_PKGENT_BAD_DEPENDS | PARE_PKGENT_BAD_INSTALL_IF)) != 0;
	if (e->identity.len) {
		d->identity = e->identity.bytes;
		d->identity_len = e->identity.len;
	}
	/* apk refuses "@tag" in a package's own lists */
	const struct pare_deplist *lists[] = { &e->depends, &e->provides, &e->install_if };
	for (size_t l = 0; l < 3; l++)
		for (uint32_t i = 0; i < lists[l]->n; i++)
			if (lists[l]->v[i].tag.len)
				d->broken = true;
}
