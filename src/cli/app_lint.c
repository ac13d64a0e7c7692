/* pare lint [-o REPO] PKG.apk|RECIPE_DIR...: melange lint for pare's
 * packages: the checks pare build runs (build/lint.h) on built packages. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "build/check.h"
#include "cli/applets.h"
#include "cli/common.h"
#include "cli/repos.h"

enum { L_OUT = 1, L_SHELL, L_WORKDIR };

struct lint_ctx {
	const char *out, *shell, *workdir;
};

static const struct pare_option lint_options[] = {
	PARE_CLI_OPT("output", 'o', PARE_OPT_ARG, "REPO", L_OUT,
		     "Repository folder a RECIPE_DIR's packages are in, REPO/ARCH (default: ./packages)"),
	PARE_CLI_OPT("shell", 0, PARE_OPT_ARG, "FILE", L_SHELL,
		     "Static shell used to read recipes (default: /bin/busybox)"),
	PARE_CLI_OPT("work-dir", 0, PARE_OPT_ARG, "DIR", L_WORKDIR,
		     "Parent of the directories packages are unpacked in (default: /var/tmp)"),
	{ 0 },
};

static int lint_parse(void *ctx, int id, const char *arg, struct pare_error *err)
{
	struct lint_ctx *c = ctx;
	(void)err;
	switch (id) {
	case L_OUT: c->out = arg; break;
	case L_SHELL: c->shell = arg; break;
	case L_WORKDIR: c->workdir = arg; break;
	}
	return 0;
}

/* Lint one argument: a package file (no waivers) or a recipe's packages. */
static int lint_arg(const struct pare_build_opts *o, struct pare_build_lint *l, const char *arg,
		    size_t *npkgs, struct pare_error *err)
{
	struct stat st;
	char file[4096];
	if (stat(arg, &st) < 0)
		return pare_error_set(err, -errno, "%s: %s", arg, strerror(errno));
	snprintf(file, sizeof(file), "%s/APKBUILD", arg);
	struct pare_recipe r;
	pare_recipe_init(&r, S_ISDIR(st.st_mode) ? file : arg);
	int e = 0;
	if (!S_ISDIR(st.st_mode)) {
		e = pare_build_lint_apk(o, l, &r, arg, err);
		*npkgs += e == 0;
	} else {
		const char **v = NULL;
		size_t n = 0;
		e = pare_build_read_recipe(o, arg, &r, err);
		if (e == 0)
			e = pare_build_recipe_apks(o, &r, l->arena, &v, &n, err);
		for (size_t i = 0; e == 0 && i < n; i++) {
			e = pare_build_lint_apk(o, l, &r, v[i], err);
			*npkgs += e == 0;
		}
		free(v);
	}
	pare_recipe_release(&r);
	return e;
}

static int lint_run(void *ctx, struct pare_cli *cli, int argc, char **argv)
{
	struct lint_ctx *c = ctx;
	if (argc < 1) {
		pare_cli_error(cli, "lint: no package or recipe directory given");
		return 1;
	}
	struct pare_build_opts o = { .out_dir = c->out ? c->out : "packages",
				     .arch = cli->opts.arch, .shell = c->shell,
				     .work_base = c->workdir, .log = &cli->log };
	struct pare_arena arena;
	pare_arena_init(&arena, 64u << 10, 256u << 20);
	struct pare_build_lint l = { .arena = &arena };
	struct pare_error err = { 0 };
	size_t npkgs = 0;
	int e = 0;
	for (int i = 0; e == 0 && i < argc; i++)
		e = lint_arg(&o, &l, argv[i], &npkgs, &err);
	if (e < 0)
		pare_cli_report(cli, e, &err);
	for (size_t i = 0; i < l.nwarnings; i++)
		fprintf(cli->out, "warning: %s\n", l.warnings[i]);
	for (size_t i = 0; i < l.nerrors; i++)
		fprintf(cli->out, "error: %s\n", l.errors[i]);
	if (e == 0 && cli->opts.verbosity > 0)
		fprintf(cli->out, "%s: %zu package%s, %zu error%s, %zu warning%s\n",
			l.nerrors ? "FAIL" : "OK", npkgs, npkgs == 1 ? "" : "s", l.nerrors,
			l.nerrors == 1 ? "" : "s", l.nwarnings, l.nwarnings == 1 ? "" : "s");
	int status = e < 0 || l.nerrors ? 1 : 0;
	pare_build_lint_release(&l);
	pare_arena_release(&arena);
	return status;
}

const struct pare_applet pare_applet_lint = {
	.name = "lint",
	.summary = "Run pare build's package checks on built packages (melange lint)",
	.usage = "[-o REPO] PKG.apk|RECIPE_DIR...",
	.description =
		"Run the checks pare build applies to every package it writes on packages already "
		"built: files under usr/local or var/run, world-writable files, setuid/setgid "
		"files, ELF files with text relocations, an executable stack or an RPATH into "
		"/build (errors); headers, .pc, .a and .la files in a main package and empty "
		"subpackages (warnings). A PKG.apk is read once (checksums and datahash verified, "
		"no signature needed) and unpacked into a temporary directory; a RECIPE_DIR's "
		"recipe is read in the sandbox and every package of REPO/ARCH whose origin and "
		"version are the recipe's is checked, with the recipe's options waiving checks as "
		"in a build (suid, textrels, execstack, !lint:ID). Findings are printed one per "
		"line as SEVERITY: CHECK: PACKAGE: /PATH; the exit status is 1 when there is an "
		"error.",
	.options = lint_options,
	.ctx_size = sizeof(struct lint_ctx),
	.parse = lint_parse,
	.run = lint_run,
};
