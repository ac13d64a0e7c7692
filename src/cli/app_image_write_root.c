/* pare image-write-root ROOT OUT: pack a ready root directory as an OCI
 * image layout (hidden; a stand-in until `pare image build` glues the
 * solver and installer in front of the same library calls). */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "cli/applets.h"
#include "cli/common.h"
#include "image/config.h"
#include "image/image.h"
#include "image/layer.h"
#include "image/oci.h"
#include "image/sbom.h"

#define IWR_MAX_ARCHS 16

enum { IWR_CONFIG = 1, IWR_TAG, IWR_DOCKER, IWR_REPO_TAG, IWR_SBOM, IWR_ROOT_OWNED, IWR_XATTRS,
       IWR_LEVEL };

struct iwr_ctx {
	const char *config, *tag, *docker, *repo_tag, *sbom;
	bool root_owned, xattrs;
	int level;
};

static const struct pare_option iwr_options[] = {
	{ .long_name = "config", .short_name = 'c', .arg = PARE_OPT_ARG, .arg_name = "YAML",
	  .id = IWR_CONFIG, .help = "apko image configuration for the runtime settings" },
	{ .long_name = "tag", .short_name = 't', .arg = PARE_OPT_ARG, .arg_name = "TAG",
	  .id = IWR_TAG, .help = "Ref name recorded in index.json" },
	{ .long_name = "docker-archive", .arg = PARE_OPT_ARG, .arg_name = "FILE",
	  .id = IWR_DOCKER, .help = "Also write a docker-archive tarball (first architecture)" },
	{ .long_name = "repo-tag", .arg = PARE_OPT_ARG, .arg_name = "NAME:TAG",
	  .id = IWR_REPO_TAG, .help = "RepoTags entry of the docker archive" },
	{ .long_name = "sbom", .arg = PARE_OPT_ARG, .arg_name = "FILE", .id = IWR_SBOM,
	  .help = "Write an SPDX 2.3 SBOM of the (first) image" },
	{ .long_name = "root-owned", .arg = PARE_OPT_NOARG, .id = IWR_ROOT_OWNED,
	  .help = "Record every file as 0:0 instead of the file system's owners" },
	{ .long_name = "xattrs", .arg = PARE_OPT_NOARG, .id = IWR_XATTRS,
	  .help = "Record extended attributes" },
	{ .long_name = "level", .short_name = 'l', .arg = PARE_OPT_ARG, .arg_name = "N",
	  .id = IWR_LEVEL, .help = "gzip level 1-9 (default 6)" },
	{ 0 },
};

static int iwr_parse(void *ctx, int id, const char *arg, struct pare_error *err)
{
	struct iwr_ctx *m = ctx;
	char *end;
	switch (id) {
	case IWR_CONFIG: m->config = arg; break;
	case IWR_TAG: m->tag = arg; break;
	case IWR_DOCKER: m->docker = arg; break;
	case IWR_REPO_TAG: m->repo_tag = arg; break;
	case IWR_SBOM: m->sbom = arg; break;
	case IWR_ROOT_OWNED: m->root_owned = true; break;
	case IWR_XATTRS: m->xattrs = true; break;
	case IWR_LEVEL:
		m->level = (int)strtol(arg, &end, 10);
		if (*end || m->level < 1 || m->level > 9)
			return pare_error_set(err, -PARE_E_USAGE, "--level: '%s' is not 1-9", arg);
		break;
	}
	return 0;
}

/* The architectures to write: the config's, else --arch, else x86_64. */
static int pick_archs(struct pare_cli *cli, const struct pare_image_config *c,
		      struct pare_image_arch *archs, size_t *n, struct pare_error *err)
{
	*n = 0;
	for (size_t i = 0; i < c->narchs && *n < IWR_MAX_ARCHS; i++)
		archs[(*n)++] = c->archs[i];
	if (*n)
		return 0;
	const char *name = cli->opts.arch ? cli->opts.arch : "x86_64";
	if (pare_image_arch_lookup(pare_slice_from(name), &archs[0]) < 0)
		return pare_error_set(err, -PARE_E_USAGE, "unknown architecture '%s'", name);
	*n = 1;
	return 0;
}

struct iwr_run {
	struct iwr_ctx *m;
	struct pare_cli *cli;
	struct pare_image_config cfg;
	struct pare_arena arena;
	struct pare_oci_layout layout;
	struct pare_oci_layer layer;
	struct pare_oci_desc manifests[IWR_MAX_ARCHS], top;
	struct pare_image_arch archs[IWR_MAX_ARCHS];
	size_t narchs;
	int64_t epoch;
};

static int write_images(struct iwr_run *w, const char *root, struct pare_error *err)
{
	struct pare_layer_opts lo = {
		.root = root,
		.source_date_epoch = w->epoch,
		.level = w->m->level,
		.xattrs = w->m->xattrs,
		.owners = w->m->root_owned ? PARE_LAYER_OWNERS_ROOT : PARE_LAYER_OWNERS_FS,
	};
	struct pare_layer_info info;
	int r = pare_oci_add_layer(&w->layout, &lo, &w->layer, &info, err);
	if (r < 0)
		return r;
	fprintf(w->cli->out, "layer %s %" PRIu64 " bytes, diff_id %s, %" PRIu64 " entries\n",
		w->layer.blob.digest, info.size, w->layer.diff_id, info.entries);
	for (size_t i = 0; r == 0 && i < w->narchs; i++) {
		struct pare_oci_image img;
		r = pare_image_oci_config(&w->cfg, &w->archs[i], w->epoch, &w->arena, &img, err);
		if (r == 0)
			r = pare_oci_write_image(&w->layout, &img, &w->layer, 1, &w->manifests[i], err);
		if (r == 0)
			fprintf(w->cli->out, "manifest %s %s\n", w->archs[i].apk,
				w->manifests[i].digest);
	}
	if (r == 0)
		r = pare_oci_write_index(&w->layout, w->manifests, w->narchs, w->m->tag, NULL, 0,
					 &w->top, err);
	if (r == 0)
		fprintf(w->cli->out, "index %s %s\n", w->top.media_type, w->top.digest);
	return r;
}

static int write_extras(struct iwr_run *w, const char *out, struct pare_error *err)
{
	int r = 0;
	if (w->m->docker)
		r = pare_oci_write_docker_archive(out, &w->manifests[0], w->m->repo_tag, w->epoch,
						  w->m->docker, err);
	if (r == 0 && w->m->sbom) {
		const char *layers[1] = { w->layer.blob.digest };
		struct pare_sbom_opts so = {
			.image_name = w->m->tag,
			.image_digest = w->manifests[0].digest,
			.layer_digests = layers,
			.nlayers = 1,
			.arch = w->archs[0].oci,
			.created = w->epoch,
			.tool = "pare " PARE_VERSION,
		};
		r = pare_sbom_write(&so, NULL, 0, w->m->sbom, err);
	}
	return r;
}

static int iwr_run(void *ctx, struct pare_cli *cli, int argc, char **argv)
{
	struct iwr_run w = { .m = ctx, .cli = cli };
	struct pare_error err = { 0 };
	if (argc != 2) {
		pare_cli_error(cli, "image-write-root: want ROOT OUT");
		return 1;
	}
	w.epoch = pare_cli_source_date_epoch(0);
	w.layout.blobfd = -1;
	pare_arena_init(&w.arena, 0, 0);
	int r = w.m->config ? pare_image_config_load(&w.cfg, w.m->config, &err)
			    : pare_image_config_parse(&w.cfg, "<none>", PARE_SLICE_NULL, &err);
	if (r == 0)
		r = pick_archs(cli, &w.cfg, w.archs, &w.narchs, &err);
	if (r == 0)
		r = pare_oci_layout_open(&w.layout, argv[1], &err);
	if (r == 0)
		r = write_images(&w, argv[0], &err);
	if (r == 0)
		r = write_extras(&w, argv[1], &err);
	if (r < 0)
		pare_cli_report(cli, r, &err);
	pare_oci_layout_close(&w.layout);
	pare_image_config_release(&w.cfg);
	pare_arena_release(&w.arena);
	return r < 0 ? 1 : 0;
}

const struct pare_applet pare_applet_image_write_root = {
	.name = "image-write-root",
	.summary = "Pack a root directory as an OCI image layout (testing)",
	.usage = "[-c YAML] [-t TAG] [--docker-archive FILE] [--sbom FILE] ROOT OUT",
	.description =
		"Write the directory ROOT as a one-layer OCI image layout in OUT: a deterministic "
		"gzipped tar (sorted, mtimes = SOURCE_DATE_EPOCH), the image config from the "
		"apko configuration given with --config (entrypoint, cmd, environment, work-dir, "
		"accounts.run-as, volumes, stop-signal, annotations, archs; contents are "
		"ignored), one manifest per architecture and index.json. Prints the digests. "
		"A stand-in for `pare image build` until the installer exists.",
	.options = iwr_options,
	.flags = PARE_APPLET_HIDDEN,
	.ctx_size = sizeof(struct iwr_ctx),
	.parse = iwr_parse,
	.run = iwr_run,
};
