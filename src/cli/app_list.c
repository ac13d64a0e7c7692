/* pare list [--available] [PATTERN...]: packages in the repositories, as
 * apk list prints them: "NAME-VERSION ARCH {ORIGIN} (LICENSE)". */
#include <fnmatch.h>
#include <stdlib.h>

#include "cli/applets.h"
#include "cli/repos.h"

enum { L_AVAILABLE = 1, L_INSTALLED, L_ORIGIN };

struct list_ctx {
	bool installed, origin;
};

static const struct pare_option list_options[] = {
	PARE_CLI_OPT("available", 'a', PARE_OPT_NOARG, NULL, L_AVAILABLE,
		     "Consider only available packages"),
	PARE_CLI_OPT("installed", 'I', PARE_OPT_NOARG, NULL, L_INSTALLED,
	  "Consider only installed packages (not supported yet)"),
	PARE_CLI_OPT("origin", 'o', PARE_OPT_NOARG, NULL, L_ORIGIN, "Match PATTERN against origins"),
	{ 0 },
};

static int list_parse(void *ctx, int id, const char *arg, struct pare_error *err)
{
	(void)arg;
	(void)err;
	struct list_ctx *l = ctx;
	if (id == L_INSTALLED)
		l->installed = true;
	else if (id == L_ORIGIN)
		l->origin = true;
	return 0;
}

static bool list_match(const struct list_ctx *l, const struct pare_pkgent *e, int argc,
		       char **argv)
{
	char buf[1024];
	struct pare_slice s = l->origin ? e->origin : e->name;
	if (argc == 0)
		return true;
	snprintf(buf, sizeof(buf), "%.*s", (int)s.len, s.ptr);
	for (int i = 0; i < argc; i++)
		if (fnmatch(argv[i], buf, 0) == 0)
			return true;
	return false;
}

static void list_print(struct pare_cli *cli, const struct pare_pkgent *e)
{
	struct pare_slice origin = e->origin.len ? e->origin : e->name;
	fprintf(cli->out, "%.*s-%.*s %.*s {%.*s} (%.*s)\n", (int)e->name.len, e->name.ptr,
		(int)e->version.len, e->version.ptr, (int)e->arch.len, e->arch.ptr,
		(int)origin.len, origin.ptr, (int)e->license.len, e->license.ptr);
}

static int list_run(void *ctx, struct pare_cli *cli, int argc, char **argv)
{
	struct list_ctx *l = ctx;
	struct pare_cli_repos cr;
	const struct pare_pkgent **v = NULL;
	size_t n = 0;
	int status = 1;
	if (l->installed) {
		pare_cli_error(cli, "list: --installed is not supported yet");
		return 1;
	}
	if (pare_cli_repos_open(cli, &cr, false) < 0)
		goto out;
	if (pare_cli_repos_sorted(&cr.repos, true, &v, &n) < 0) {
		pare_cli_error(cli, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if (list_match(l, v[i], argc, argv))
			list_print(cli, v[i]);
	status = cr.refused ? 1 : 0;
out:
	free(v);
	pare_cli_repos_close(&cr);
	return status;
}

const struct pare_applet pare_applet_list = {
	.name = "list",
	.summary = "List packages in the repositories",
	.usage = "[--available] [-o] [PATTERN...]",
	.description =
		"Print 'NAME-VERSION ARCH {ORIGIN} (LICENSE)' for every package in the repositories "
		"whose name (with --origin: origin) matches a PATTERN (fnmatch(3) globs); all "
		"packages without a PATTERN. Only available packages are listed for now.",
	.options = list_options,
	.ctx_size = sizeof(struct list_ctx),
	.parse = list_parse,
	.run = list_run,
};
