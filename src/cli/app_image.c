/* pare image SUBCOMMAND ...: images.  Subcommands are rows of image_subs[]
 * below; each takes the applet's parsed options and its own arguments. */
#include <errno.h>
#include <jansson.h>
#include <string.h>

#include "cli/app_image_build.h"
#include "cli/app_image_sign.h"
#include "cli/app_image_report.h"
#include "cli/applets.h"
#include "cli/repos.h"
#include "base/buf.h"
#include "image/config.h"
#include "image/registry.h"

enum { IMG_REGISTRY_CONFIG = 1, IMG_INSECURE, IMG_KEY, IMG_HTML };

struct image_ctx {
	const char *registry_config; /* --registry-config */
	const char *key;             /* --key (sign) */
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
	{ "key", 'k', PARE_OPT_ARG, "KEY", IMG_KEY,
	  "sign: the RSA private key (pare keygen) that signs" },
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
	case IMG_KEY: m->key = arg; break;
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
	pare_cli_json_print(cli, o);
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
		.total_timeout_ms = pare_cli_http_deadline_ms(cli),
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

static int image_publish_run(struct image_ctx *m, struct pare_cli *cli, int argc, char **argv)
{
	return pare_image_publish_main(&m->build, m->registry_config, m->insecure, cli, argc,
				       argv);
}

static int image_lock_run(struct image_ctx *m, struct pare_cli *cli, int argc, char **argv)
{
	return pare_image_lock_main(&m->build, cli, argc, argv, false);
}

static int image_show_packages_run(struct image_ctx *m, struct pare_cli *cli, int argc,
				   char **argv)
{
	return pare_image_lock_main(&m->build, cli, argc, argv, true);
}

/* ---- sign (app_image_sign.c) ---- */

static int image_sign_run(struct image_ctx *m, struct pare_cli *cli, int argc, char **argv)
{
	if (!m->key || argc < 1 || argc > 2) {
		pare_cli_error(cli, "image sign: want --key KEY and [OUT] REF");
		return 1;
	}
	return pare_image_sign_run(cli, m->key, argc == 2 ? argv[0] : NULL, argv[argc - 1],
				   m->registry_config, m->insecure);
}

/* ---- show-config ---- */

static int image_show_config_run(struct image_ctx *m, struct pare_cli *cli, int argc,
				 char **argv)
{
	(void)m;
	struct pare_image_config c;
	struct pare_error err = { 0 };
	struct pare_buf b;
	if (argc != 1) {
		pare_cli_error(cli, "image show-config: want CONFIG.yaml");
		return 1;
	}
	pare_buf_init(&b, 64u << 20);
	int r = pare_image_config_load(&c, argv[0], &err);
	if (r == 0 && (r = pare_image_config_render(&c, &b)) < 0)
		pare_error_set(&err, r, "%s: cannot render", argv[0]);
	if (r == 0)
		fwrite(b.data, 1, b.len, cli->out);
	else
		pare_cli_report(cli, r, &err);
	pare_buf_release(&b);
	pare_image_config_release(&c);
	return r < 0 ? 1 : 0;
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
	{ "lock", image_lock_run },
	{ "publish", image_publish_run },
	{ "sign", image_sign_run },
	{ "show-packages", image_show_packages_run },
	{ "show-config", image_show_config_run },
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
	.summary = "Work with OCI images: build from an apko config, test, lock, publish, push, sign",
	.usage = "build CONFIG.yaml (-o OUT | TAG OUT.tar) [options] | test OUT | lock CONFIG.yaml [-o FILE] "
		 "| publish CONFIG.yaml REF... | show-config CONFIG.yaml | show-packages CONFIG.yaml "
		 "| push OUT REF | sign --key KEY [OUT] REF | report OUT [--html FILE] [--json]",
	.description =
		"pare image build CONFIG.yaml -o OUT reads an apko image configuration, loads its "
		"signed repositories with its keyring (relative paths are taken from the "
		"config's folder), adds the so: needs of every binary named by "
		"contents.binaries or --add-binary (copied into the image, default "
		"/usr/bin/NAME), solves (keeping -dev, -doc, -dbg, -static, -lang, -openrc and "
		"shell-completion subpackages out unless contents.packages names them), installs "
		"the packages verified into a staging root (scripts off), writes /etc/passwd, "
		"/etc/group, /etc/os-release and apk's configuration, applies paths, checks with "
		"the static loader that every ELF file resolves inside the root, and writes a "
		"reproducible OCI layout (SOURCE_DATE_EPOCH), an SBOM (SPDX 2.3, or CycloneDX "
		"1.5 with --sbom-format cyclonedx; OUT/sbom.spdx.json or --sbom) and, with "
		"--docker-archive, a docker archive. It ends with the image size and each "
		"package's share of it (--json for scripts).\n\n"
		"pare image build CONFIG.yaml TAG OUT.tar is apko's form: the docker archive "
		"OUT.tar (RepoTags TAG) and its SBOM beside it (OUT.spdx.json), no layout left "
		"behind.\n\n"
		"pare image publish CONFIG.yaml REF... builds as image build does, into a "
		"temporary layout, and pushes it to every REF (apko publish); with --sign KEY "
		"each push is signed.\n\n"
		"pare image lock CONFIG.yaml writes apko's lock file (CONFIG.lock.json, or -o "
		"FILE): per architecture the packages the config resolves to, with versions, "
		"identities, URLs and the byte ranges and digests of their signature, control and "
		"data parts. image build --lock FILE then refuses any solve that differs. "
		"pare image show-packages CONFIG.yaml prints what the config resolves to, "
		"'ARCH NAME VERSION' a line (--json: an array), and stops there. pare image "
		"show-config CONFIG.yaml prints the config as pare reads it: includes merged, "
		"relative paths resolved, as YAML.\n\n"
		"pare image push OUT REF pushes the OCI image layout OUT (one image, or an image "
		"index and its images) to the registry named by REF "
		"(HOST[:PORT]/NAME[:TAG|@DIGEST], tag latest by default) with the OCI "
		"distribution API: blobs the registry already has are skipped, the others are "
		"uploaded whole and re-hashed on the way, then the manifests are put (children "
		"of an index by digest, the top one under the tag). Credentials come from a "
		"docker config.json (auths.HOST.auth); Basic and Bearer token authentication "
		"are supported. HTTPS is used except for localhost and 127.0.0.1 or with "
		"--insecure. Prints REF@DIGEST of what was pushed; -v lists each blob as "
		"\"exists\" or \"pushed\".\n\n"
		"Before it reports success, image build runs pare inspect over the staged root "
		"(an error-level finding fails the build; --allow ID waives a check) and the "
		"config's test: commands in the image with runc, or without a test: section a "
		"smoke check of the entrypoint (docs/image-tests.md); --skip-tests skips them. "
		"The image is written to a temporary directory beside OUT and renamed to OUT only "
		"when everything passed. pare image test OUT runs the tests stored in the image "
		"(label dev.pare.image.tests) again, or the smoke check. --prune=trace (or prune: "
		"trace in the config) traces the tests with fanotify, removes every file they do not "
		"open and no rule, keep: glob or ELF need keeps, runs them again on the pruned root "
		"and keeps the unpruned image when one fails (docs/prune.md).\n\n"
		"pare image sign --key KEY [OUT] REF signs the image REF@DIGEST (the digest "
		"from REF, else from the layout OUT it was pushed from) with a sigstore "
		"simple-signing signature, pushed to the same repository under the tag "
		"sha256-<hex>.sig, as cosign does; skopeo and podman verify it with a policy of "
		"type sigstoreSigned naming KEY.pub (signedIdentity matchRepository). image "
		"build --push REF --sign KEY does the same after the push.\n\n"
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
