/* pare list [--available] [PATTERN...]: packages in the repositories, as
 * apk list prints them: "NAME-VERSION ARCH {ORIGIN} (LICENSE)". */
#include <fnmatch.h>
#include <stdlib.h>

#include "cli/applets.h"
#include "cli/info_installed.h"
#include "cli/repos.h"
#include "db/installed.h"

enum { L_AVAILABLE = 1, L_INSTALLED, L_ORIGIN };

struct list_ctx {
	bool installed, origin;
};

static const struct pare_option list_options[] = {
	PARE_CLI_OPT("available", 'a', PARE_OPT_NOARG, NULL, L_AVAILABLE,
		     "Consider only available packages"),
	PARE_CLI_OPT("installed", 'I', PARE_OPT_NOARG, NULL, L_INSTALLED,
	  "Consider only installed packages (from the root's database)"),
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

static void list_print(struct pare_cli *cli, const struct pare_pkgent *e, json_t *arr,
		       bool installed)
{
	struct pare_slice origin = e->origin.len ? e->origin : e->name;
	if (arr) {
		json_array_append_new(arr, pare_cli_pkgent_json(e));
		return;
	}
	fprintf(cli->out, "%.*s-%.*s %.*s {%.*s} (%.*s)%s\n", (int)e->name.len, e->name.ptr,
		(int)e->version.len, e->version.ptr, (int)e->arch.len, e->arch.ptr,
		(int)origin.len, origin.ptr, (int)e->license.len, e->license.ptr,
		installed ? " [installed]" : "");
}

/* --installed: the root's database, sorted by name. */
static int list_installed(struct list_ctx *l, struct pare_cli *cli, int argc, char **argv)
{
	struct pare_root root;
	struct pare_db_installed db;
	int r = pare_cli_installed_read(cli, &root, &db);
	if (r == 0) {
		json_t *arr = cli->opts.json ? json_array() : NULL;
		pare_db_sort(&db);
		for (size_t i = 0; i < db.npkgs; i++)
			if (list_match(l, &db.pkgs[i]->ent, argc, argv))
				list_print(cli, &db.pkgs[i]->ent, arr, true);
		if (arr)
			pare_cli_json_print(cli, arr);
	}
	pare_db_installed_release(&db);
	pare_root_release(&root);
	return r < 0 ? 1 : 0;
}

static int list_run(void *ctx, struct pare_cli *cli, int argc, char **argv)
{
	struct list_ctx *l = ctx;
	struct pare_cli_repos cr;
	const struct pare_pkgent **v = NULL;
	size_t n = 0;
	int status = 1;
	if (l->installed)
		return list_installed(l, cli, argc, argv);
	json_t *arr = cli->opts.json ? json_array() : NULL;
	if (pare_cli_repos_open(cli, &cr, false) < 0)
		goto out;
	if (pare_cli_repos_sorted(&cr.repos, true, &v, &n) < 0) {
		pare_cli_error(cli, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if (list_match(l, v[i], argc, argv))
			list_print(cli, v[i], arr, false);
	status = cr.refused ? 1 : 0;
	if (arr)
		pare_cli_json_print(cli, arr);
	arr = NULL;
out:
	json_decref(arr);
	free(v);
	pare_cli_repos_close(&cr);
	return status;
}

const struct pare_applet pare_applet_list = {
	.name = "list",
	.summary = "List packages in the repositories",
	.usage = "[--available | --installed] [-o] [PATTERN...]",
	.description =
		"Print 'NAME-VERSION ARCH {ORIGIN} (LICENSE)' for every package in the repositories "
		"whose name (with --origin: origin) matches a PATTERN (fnmatch(3) globs); all "
		"packages without a PATTERN. With --installed, the root's installed packages, "
		"each followed by ' [installed]' as apk. --json prints an array of objects "
		"(name, version, arch, origin, license, description, url, size, installedSize).",
	.flags = PARE_APPLET_JSON,
	.options = list_options,
	.ctx_size = sizeof(struct list_ctx),
	.parse = list_parse,
	.run = list_run,
};
