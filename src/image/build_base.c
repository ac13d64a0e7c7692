/* pare image build: the steps for contents.baseimage (build_int.h,
 * image/baseimage.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "image/build_int.h"

int pib_base_unpack(struct pib_arch *a, struct pare_error *err)
{
	a->base = malloc(sizeof(*a->base));
	if (!a->base)
		return pare_error_set(err, -ENOMEM, "out of memory");
	pare_baseimage_init(a->base);
	int r = pare_baseimage_open(a->base, a->cfg->baseimage, a->img->arch.oci, err);
	if (r == 0)
		r = pare_baseimage_unpack(a->base, &a->root, a->root_path, err);
	if (r == 0)
		r = pare_baseimage_installed(a->base, a->cfg->baseimage_apkindex,
					     a->img->arch.apk, &a->root, err);
	return r < 0 ? pare_error_prefix(err, r, "%s: ", a->cfg->file) : 0;
}

int pib_base_layers(const struct pare_baseimage *b, struct pare_oci_layout *l,
		    const struct pare_oci_layer *top, const struct pare_image_config *cfg,
		    struct pare_arena *arena, struct pare_oci_image *img,
		    struct pare_oci_layer **layers, size_t *nlayers, struct pare_error *err)
{
	struct pare_oci_layer *v = pare_arena_zalloc(arena, (b->nlayers + 1) * sizeof(*v));
	if (!v)
		return pare_error_set(err, -ENOMEM, "out of memory");
	memcpy(v, b->layers, b->nlayers * sizeof(*v));
	v[b->nlayers] = *top;
	*layers = v;
	*nlayers = b->nlayers + 1;
	int r = pare_baseimage_copy_blobs(b, l, err);
	if (r == 0)
		r = pare_baseimage_merge_config(b, cfg, arena, img, err);
	return r;
}

void pib_base_release(struct pib_arch *a)
{
	if (!a->base)
		return;
	pare_baseimage_release(a->base);
	free(a->base);
	a->base = NULL;
}
