/* pare image SUBCOMMAND ...: images.  Subcommands are rows of image_subs[]
 * below; each takes the applet's parsed options and its own arguments. */
#include <errno.h>
#include <jansson.h>
#include <string.h>

#include "cli/app_image_build.h"
#include "cli/app_image_report.h"
#include "cli/applets.h"
#include "image/registry.h"

enum { IMG_REGISTRY_CONFIG = 1, IMG_INSECURE, IMG_HTML };

struct image_ctx {
	const char *registry_config; /* --registry-config */
	const char *html;            /* report: --html */
	bool insecure;               /* --insecure */
	struct pare_image_build_args build; /* build's options (app_image_build.h) */
};

struct image_sub {
	const char *name;
	int (*run)(struct image_ctx *m, struct pare_cli *cli, int argc, char **argv);
};

static const struct pare_option image_options[] = {
	{ "registry-config", 0, PARE_OPT_ARG, "FILE", IMG_REGISTRY_CONFIG,
	  "push: docker config.json with registry credentials (default "
	  "$DOCKER_CONFIG/config.json or ~/.docker/config.json)" },
	{ "insecure", 0, PARE_OPT_NOARG, NULL, IMG_INSECURE,
	  "push: plain HTTP to the registry (always so for localhost and 127.0.0.1)" },
	{ "html", 0, PARE_OPT_ARG, "FILE", IMG_HTML,
	  "report: also write the report as one self-contained HTML page" },
	PARE_IMAGE_BUILD_OPTIONS,
	{ 0 },
};

static int image_parse(void *ctx, int id, const char *arg, struct pare_error *err)
{
	struct image_ctx *m = ctx;
	(void)err;
	switch (id) {
	case IMG_REGISTRY_CONFIG: m->registry_config = arg; break;
	case IMG_INSECURE: m->insecure = true; break;
	case IMG_HTML: m->html = arg; break;
	default: return pare_image_build_parse(&m->build, id, arg, err);
	}
	return 0;
}

/* ---- push ---- */

static void push_print_json(struct pare_cli *cli, const char *ref,
			    const struct pare_registry_push_result *res)
{
	json_t *o = json_object();
	json_object_set_new(o, "reference", json_string(ref));
	json_object_set_new(o, "digest", json_string(res->digest));
	json_object_set_new(o, "mediaType", json_string(res->media_type));
	json_object_set_new(o, "blobsPushed", json_integer(res->blobs_pushed));
	json_object_set_new(o, "blobsExisting", json_integer(res->blobs_existing));
	json_object_set_new(o, "manifests", json_integer(res->manifests));
	json_object_set_new(o, "bytesPushed", json_integer((json_int_t)res->bytes_pushed));
	json_dumpf(o, cli->out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', cli->out);
	json_decref(o);
}

/* REF@DIGEST, with any digest REF already had replaced. */
static void push_print(struct pare_cli *cli, const char *ref,
		       const struct pare_registry_push_result *res)
{
	const char *at = strchr(ref, '@');
	int n = at ? (int)(at - ref) : (int)strlen(ref);
	if (cli->opts.json)
		push_print_json(cli, ref, res);
	else
		fprintf(cli->out, "%.*s@%s\n", n, ref, res->digest);
}

static int image_push_run(struct image_ctx *m, struct pare_cli *cli, int argc, char **argv)
{
	struct pare_error err = { 0 };
	struct pare_registry_push_result res;
	if (argc != 2) {
		pare_cli_error(cli, "image push: want OUT REF (an OCI layout directory and "
			       "HOST[:PORT]/NAME[:TAG|@DIGEST])");
		return 1;
	}
	struct pare_http_opts http = {
		.retries = 2,
		.progress = &cli->progress,
		.log = &cli->log,
	};
	struct pare_registry_opts opts = {
		.config_path = m->registry_config,
		.insecure = m->insecure,
		.http = &http,
		.log = &cli->log,
	};
	int r = pare_registry_push_layout(argv[0], argv[1], &opts, &res, &err);
	if (r < 0) {
		pare_cli_report(cli, r, &err);
		return 1;
	}
	pare_log_verbose(&cli->log, "%u blobs pushed (%llu bytes), %u already there, %u manifests",
			 res.blobs_pushed, (unsigned long long)res.bytes_pushed,
			 res.blobs_existing, res.manifests);
	push_print(cli, argv[1], &res);
	return 0;
}

/* ---- build (app_image_build.c) ---- */

static int image_build_run(struct image_ctx *m, struct pare_cli *cli, int argc, char **argv)
{
	return pare_image_build_main(&m->build, m->registry_config, m->insecure, cli, argc, argv);
}

/* ---- test (image_verify.c) ---- */

static int image_test_run(struct image_ctx *m, struct pare_cli *cli, int argc, char **argv)
{
	(void)m;
	return pare_image_test_main(cli, argc, argv);
}

static int image_report_run(struct image_ctx *m, struct pare_cli *cli, int argc, char **argv)
{
	return pare_image_report_main(m->html, cli, argc, argv);
}

/* ---- dispatch ---- */

static const struct image_sub image_subs[] = {
	{ "push", image_push_run },
	{ "build", image_build_run },
	{ "report", image_report_run },
	{ "test", image_test_run },
};

static int image_run(void *ctx, struct pare_cli *cli, int argc, char **argv)
{
	if (argc < 1) {
		pare_cli_error(cli, "image: name a subcommand (see 'pare help image')");
		return 1;
	}
	for (size_t i = 0; i < sizeof(image_subs) / sizeof(image_subs[0]); i++)
		if (strcmp(argv[0], image_subs[i].name) == 0)
			return image_subs[i].run(ctx, cli, argc - 1, argv + 1);
	pare_cli_error(cli, "image: '%s' is not a subcommand (see 'pare help image')", argv[0]);
	return 1;
}

const struct pare_applet pare_applet_image = {
	.name = "image",
	.summary = "Work with OCI images: build from an apko config, push to a registry",
	.usage = "push [--registry-config FILE] [--insecure] OUT REF | build CONFIG.yaml "
		 "-o OUT [--docker-archive FILE] [--sbom FILE] [--arch ARCH] "
		 "[--add-binary FILE[:DEST]]... [--run-scripts] [--push REF] [--staging DIR] "
		 "[-t TAG] [--skip-tests] [--allow ID]... [--json] | test OUT | report OUT [--html FILE] [--json]",
	.description =
		"pare image push OUT REF pushes the OCI image layout OUT (one image, or an image "
		"index and its images) to the registry named by REF "
		"(HOST[:PORT]/NAME[:TAG|@DIGEST], tag latest by default) with the OCI "
		"distribution API: blobs the registry already has are skipped, the others are "
		"uploaded whole and re-hashed on the way, then the manifests are put (children "
		"of an index by digest, the top one under the tag). Credentials come from a "
		"docker config.json (auths.HOST.auth); Basic and Bearer token authentication "
		"are supported. HTTPS is used except for localhost and 127.0.0.1 or with "
		"--insecure. Prints REF@DIGEST of what was pushed; -v lists each blob as "
		"\"exists\" or \"pushed\". "
		"pare image build CONFIG.yaml -o OUT reads an apko image configuration, loads its "
		"signed repositories with its keyring, adds the so: needs of every binary named by "
		"contents.binaries or --add-binary (copied into the image, default /usr/bin/NAME), "
		"solves (keeping -dev, -doc, -dbg, -static, -lang, -openrc and shell-completion "
		"subpackages out unless contents.packages names them), installs the packages "
		"verified into a staging root (scripts off), writes /etc/passwd, /etc/group, "
		"/etc/os-release and apk's configuration, applies paths, checks with the static "
		"loader that every ELF file resolves inside the root, and writes a reproducible OCI "
		"layout (SOURCE_DATE_EPOCH), an SPDX SBOM (OUT/sbom.spdx.json or --sbom) and, with "
		"--docker-archive, a docker archive. It ends with the image size and each "
		"package's share of it (--json for scripts). Before it reports success, build "
		"runs pare inspect over the staged root (an error-level finding fails the build; "
		"--allow ID waives a check) and the config's test: commands in the image with "
		"runc, or without a test: section a smoke check of the entrypoint "
		"(docs/image-tests.md); --skip-tests skips them. The image is written to a "
		"temporary directory beside OUT and renamed to OUT only when everything passed. "
		"pare image test OUT runs the tests stored in the image (label "
		"dev.pare.image.tests) again, or the smoke check. "
		"pare image report OUT reads a catalog run directory (OUT/results.json, written "
		"by scripts/demo.sh, and the OCI layouts it names) and prints, per image, its size "
		"against the Debian baselines, the inspection and test verdicts; --json gives the "
		"whole report (sizes per package, per top-level directory, the largest files, "
		"what the strip-down left out and why) and --html FILE one self-contained page "
		"with inline SVG charts.",
	.options = image_options,
	.flags = PARE_APPLET_JSON,
	.ctx_size = sizeof(struct image_ctx),
	.parse = image_parse,
	.run = image_run,
};
