/* pare test [-o REPO] RECIPE_DIR...: melange test for pare's recipes: the
 * recipe's built packages installed into a fresh root, its installcheck()
 * run there in the build sandbox (build/check.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build/check.h"
#include "cli/applets.h"
#include "cli/common.h"
#include "cli/repos.h"

enum { T_OUT = 1, T_SHELL, T_WORKDIR, T_KEEP };

struct test_ctx {
	const char *out, *shell, *workdir;
	bool keep;
};

static const struct pare_option test_options[] = {
	PARE_CLI_OPT("output", 'o', PARE_OPT_ARG, "REPO", T_OUT,
		     "Repository folder the recipe's packages were built into (default: ./packages)"),
	PARE_CLI_OPT("shell", 0, PARE_OPT_ARG, "FILE", T_SHELL,
		     "Static shell for reading recipes and for roots without /bin/sh "
		     "(default: /bin/busybox)"),
	PARE_CLI_OPT("work-dir", 0, PARE_OPT_ARG, "DIR", T_WORKDIR,
		     "Parent of the test roots (default: /var/tmp)"),
	PARE_CLI_OPT("keep-work", 0, PARE_OPT_NOARG, NULL, T_KEEP,
		     "Keep the work directory (the test root)"),
	{ 0 },
};

static int test_parse(void *ctx, int id, const char *arg, struct pare_error *err)
{
	struct test_ctx *c = ctx;
	(void)err;
	switch (id) {
	case T_OUT: c->out = arg; break;
	case T_SHELL: c->shell = arg; break;
	case T_WORKDIR: c->workdir = arg; break;
	case T_KEEP: c->keep = true; break;
	}
	return 0;
}

static int test_one(struct pare_cli *cli, const struct pare_build_opts *o, const char *dir)
{
	char file[4096], work[4096];
	struct pare_error err = { 0 };
	struct pare_recipe r;
	size_t npkgs = 0;
	snprintf(file, sizeof(file), "%s/APKBUILD", dir);
	pare_recipe_init(&r, file);
	fflush(cli->out);
	int e = pare_build_test(o, dir, &r, &npkgs, fileno(cli->out), work, sizeof(work), &err);
	if (work[0])
		pare_log_info(&cli->log, "work directory kept: %s", work);
	if (e < 0)
		pare_cli_report(cli, e, &err);
	else if (cli->opts.verbosity > 0)
		fprintf(cli->out, "OK: %s: %s-%s installcheck passed (test root %zu packages)\n",
			dir, r.pkgname, r.version, npkgs);
	pare_recipe_release(&r);
	return e < 0 ? 1 : 0;
}

static int test_run(void *ctx, struct pare_cli *cli, int argc, char **argv)
{
	struct test_ctx *c = ctx;
	if (argc < 1) {
		pare_cli_error(cli, "test: no recipe directory given");
		return 1;
	}
	struct pare_error err = { 0 };
	struct pare_cli_keys keys;
	memset(&keys, 0, sizeof(keys));
	keys.root.fd = -1;
	int r = pare_cli_keys_open(cli, &keys, &err);
	if (r < 0) {
		pare_cli_report(cli, r, &err);
		pare_cli_keys_release(&keys);
		return 1;
	}
	struct pare_repo_config rc;
	pare_cli_repo_config(cli, &rc); /* root, cache: the test root's (build_int.h) */
	rc.keys = keys.keys;
	struct pare_build_opts o = { .out_dir = c->out ? c->out : "packages", .repo_cfg = &rc,
				     .arch = cli->opts.arch, .shell = c->shell,
				     .work_base = c->workdir, .keep_work = c->keep,
				     .log = &cli->log };
	int status = 0;
	for (int i = 0; i < argc && status == 0; i++)
		status = test_one(cli, &o, argv[i]);
	pare_cli_keys_release(&keys);
	return status;
}

const struct pare_applet pare_applet_test = {
	.name = "test",
	.summary = "Test built packages: install a recipe's packages and run its installcheck()",
	.usage = "[-o REPO] [-X REPO]... RECIPE_DIR...",
	.description =
		"melange test for APKBUILD recipes. The recipe is read in the sandbox and must "
		"define installcheck(), a shell function that checks the installed program "
		"(abuild ignores functions it does not know, so the recipe stays an APKBUILD). A "
		"fresh root gets the recipe's own package at exactly its pkgver-rPKGREL plus its "
		"checkdepends, from REPO (where pare build wrote them) and the repositories given "
		"with -X, signatures checked against --keys-dir; then installcheck runs with "
		"set -e in the build sandbox on that root (no network unless options=\"net\", "
		"cwd /tmp, the recipe read-only at /build/recipe, the static shell as /bin/sh "
		"when no package provides one). Its output goes to standard output; the exit "
		"status is 1 when it fails.",
	.options = test_options,
	.ctx_size = sizeof(struct test_ctx),
	.parse = test_parse,
	.run = test_run,
};
