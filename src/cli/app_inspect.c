/* pare inspect TARGET: the inspection table over a root directory, an OCI
 * image layout or a docker-archive (src/inspect/inspect.h). */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cli/applets.h"
#include "cli/inspect_print.h"
#include "config.h"
#include "image/config.h"
#include "image/image.h"
#include "inspect/inspect.h"
#include "repo/repo.h"

enum { O_SARIF = 1, O_POLICY, O_ALLOW, O_IMAGE, O_MAX_FILES, O_FAILURES, O_CONFIG };

#define INSPECT_MAX_ALLOW 256

static const struct pare_option inspect_options[] = {
	{ "sarif", 0, PARE_OPT_ARG, "FILE", O_SARIF, "Also write the findings as SARIF 2.1.0" },
	{ "policy", 0, PARE_OPT_ARG, "FILE", O_POLICY,
	  "Waive checks: YAML 'waive: [{id: ID, reason: TEXT}]'" },
	{ "allow", 0, PARE_OPT_ARG, "ID", O_ALLOW, "Waive the check ID (repeatable)" },
	{ "image", 0, PARE_OPT_ARG, "REF", O_IMAGE,
	  "The image of an OCI layout that holds several (ref name or manifest digest)" },
	{ "max-files", 0, PARE_OPT_ARG, "N", O_MAX_FILES,
	  "Refuse targets with more than N entries (default 500000)" },
	{ "failures", 0, PARE_OPT_NOARG, NULL, O_FAILURES, "List only failed and waived checks" },
	{ "config", 0, PARE_OPT_ARG, "CONFIG.yaml", O_CONFIG,
	  "A directory TARGET runs as this image config says (entrypoint, environment, user)" },
	{ 0 },
};

struct inspect_ctx {
	const char *sarif, *policy, *image, *config;
	const char *allow[INSPECT_MAX_ALLOW];
	size_t nallow;
	unsigned long long max_files;
	bool failures;
};

static int inspect_parse(void *vctx, int id, const char *arg, struct pare_error *err)
{
	struct inspect_ctx *c = vctx;
	char *end;
	switch (id) {
	case O_SARIF: c->sarif = arg; break;
	case O_POLICY: c->policy = arg; break;
	case O_IMAGE: c->image = arg; break;
	case O_FAILURES: c->failures = true; break;
	case O_CONFIG: c->config = arg; break;
	case O_ALLOW:
		if (c->nallow == INSPECT_MAX_ALLOW)
			return pare_error_set(err, -PARE_E_USAGE, "--allow: more than %u",
					      INSPECT_MAX_ALLOW);
		c->allow[c->nallow++] = arg;
		break;
	case O_MAX_FILES:
		c->max_files = strtoull(arg, &end, 10);
		if (*end || c->max_files == 0)
			return pare_error_set(err, -PARE_E_USAGE, "--max-files: '%s' is not a count",
					      arg);
		break;
	default:
		return pare_error_set(err, -PARE_E_USAGE, "unknown option");
	}
	return 0;
}

static int write_json(const char *path, json_t *j, struct pare_error *err)
{
	if (json_dump_file(j, path, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0)
		return pare_error_set(err, -EIO, "%s: cannot write", path);
	return 0;
}

static int load_policy(struct inspect_ctx *c, struct pare_insp_policy *p, struct pare_error *err)
{
	int rc = c->policy ? pare_insp_policy_load(p, c->policy, err) : 0;
	for (size_t i = 0; rc == 0 && i < c->nallow; i++)
		rc = pare_insp_policy_add(p, c->allow[i], "allowed with --allow", err);
	return rc;
}

/* --config: the run settings of a directory target, as the image would have
 * them (defaults for PATH and SSL_CERT_FILE included). */
static int apply_config(struct inspect_ctx *c, struct pare_insp_target *t,
			struct pare_image_config *cfg, struct pare_error *err)
{
	struct pare_image_arch arch;
	struct pare_oci_image img;
	if (t->oci)
		return pare_error_set(err, -PARE_E_USAGE, "--config: only for a directory TARGET "
				      "(an image has its own config)");
	int rc = pare_image_config_load(cfg, c->config, err);
	if (rc == 0)
		rc = pare_image_arch_lookup(pare_slice_from(pare_repo_host_arch()), &arch);
	if (rc == 0)
		rc = pare_image_oci_config(cfg, &arch, 0, &t->arena, &img, err);
	if (rc < 0)
		return rc;
	t->run = (struct pare_insp_runinfo){
		.present = true, .env = img.env, .nenv = img.nenv,
		.entrypoint = img.entrypoint, .nentrypoint = img.nentrypoint,
		.cmd = img.cmd, .ncmd = img.ncmd, .user = img.user, .workdir = img.working_dir,
	};
	return 0;
}

static int inspect_run(void *vctx, struct pare_cli *cli, int argc, char **argv)
{
	struct inspect_ctx *c = vctx;
	if (argc != 1) {
		pare_cli_error(cli, "inspect: want one TARGET (a directory, an OCI layout or a "
			       "docker-archive)");
		return 2;
	}
	struct pare_error err = { 0 };
	struct pare_insp_policy pol;
	struct pare_insp_target t;
	struct pare_insp_report rep;
	struct pare_insp_target_opts to = { .image_ref = c->image, .max_files = c->max_files };
	struct pare_insp_opts io = { .policy = &pol, .max_files = c->max_files };
	pare_insp_policy_init(&pol);
	pare_insp_target_init(&t);
	pare_insp_report_init(&rep);
	int rc = load_policy(c, &pol, &err);
	struct pare_image_config cfg;
	memset(&cfg, 0, sizeof(cfg));
	if (rc == 0)
		rc = pare_insp_target_open(&t, argv[0], &to, &err);
	if (rc == 0 && c->config)
		rc = apply_config(c, &t, &cfg, &err);
	if (rc == 0 && c->config)
		rc = pare_insp_policy_asked(&pol, cfg.packages, cfg.npackages, &err);
	if (rc == 0)
		rc = pare_insp_run(&t, &io, &rep, &err);
	if (rc == 0)
		rep.target = argv[0]; /* not the temporary unpack directory */
	if (rc == 0 && c->sarif) {
		json_t *s = pare_insp_report_sarif(&rep, PARE_VERSION);
		rc = write_json(c->sarif, s, &err);
		json_decref(s);
	}
	int status = 2;
	if (rc < 0) {
		pare_cli_report(cli, rc, &err);
	} else {
		if (cli->opts.json) {
			json_t *j = pare_insp_report_json(&rep);
			json_dumpf(j, cli->out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
			fputc('\n', cli->out);
			json_decref(j);
		} else {
			pare_inspect_print_text(cli, &rep, c->failures);
		}
		status = rep.failed ? 1 : 0;
	}
	pare_insp_report_release(&rep);
	pare_insp_target_release(&t);
	pare_insp_policy_release(&pol);
	if (c->config)
		pare_image_config_release(&cfg);
	return status;
}

const struct pare_applet pare_applet_inspect = {
	.name = "inspect",
	.summary = "Check an image or a root: loader, runtime needs, entrypoint, content, secrets",
	.usage = "[--json] [--sarif FILE] [--policy FILE] [--allow ID]... [--image REF] "
		 "[--config CONFIG.yaml] TARGET",
	.description =
		"Run the inspection table over TARGET: a root directory, an OCI image layout "
		"(--image REF when it holds several images) or a docker-archive tarball. Images "
		"are unpacked, layers in order with whiteouts, into a private temporary "
		"directory (names with '..' or absolute names, symlink loops in parents and "
		"more than --max-files entries are refused with one line); nothing in TARGET "
		"changes. The root is walked once: each ELF file is parsed once and resolved by "
		"the static loader. Every check has a stable id (ELF-001), a title, a severity "
		"(error, warning, info) and a result (pass, fail, n/a, waived) with its evidence. "
		"Categories: Loader, Runtime needs (NSS, gconv, locales, CA bundle, TZ, "
		"interpreter standard libraries), Entrypoint and accounts, Content policy, "
		"Packages, Secrets, OCI. The table ends with 'N passed, N failed, N warnings'; "
		"--json prints every check, --sarif FILE writes SARIF 2.1.0 for CI annotations. "
		"--policy FILE (YAML: waive: [{id: ELF-014, reason: ...}]) and --allow ID waive "
		"checks; a waived check is reported with its reason. A directory has no image "
		"config, so the entrypoint checks are not applicable unless --config names the "
		"apko config it will run with. Exit status: 0 when no "
		"error-level check failed, 1 when one did, 2 when the target could not be read.",
	.options = inspect_options,
	.flags = PARE_APPLET_JSON,
	.ctx_size = sizeof(struct inspect_ctx),
	.parse = inspect_parse,
	.run = inspect_run,
};
