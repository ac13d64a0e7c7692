/* pare list [--available] [PATTERN...]: packages in the repositories, as
 * apk list prints them: "NAME-VERSION ARCH {ORIGIN} (LICENSE)". */
#include <fnmatch.h>
#include <stdlib.h>

#include "cli/applets.h"
#include "cli/info_installed.h"
#include "cli/repos.h"
#include "apk/version.h"
#include "db/installed.h"
#include "db/why.h"

enum { L_AVAILABLE = 1, L_INSTALLED, L_ORIGIN, L_UPGRADABLE, L_ORPHANED };

struct list_ctx {
	bool installed, origin, upgradable, orphaned;
};

static const struct pare_option list_options[] = {
	PARE_CLI_OPT("available", 'a', PARE_OPT_NOARG, NULL, L_AVAILABLE,
		     "Consider only available packages"),
	PARE_CLI_OPT("installed", 'I', PARE_OPT_NOARG, NULL, L_INSTALLED,
	  "Consider only installed packages (from the root's database)"),
	PARE_CLI_OPT("origin", 'o', PARE_OPT_NOARG, NULL, L_ORIGIN, "Match PATTERN against origins"),
	PARE_CLI_OPT("upgradable", 'u', PARE_OPT_NOARG, NULL, L_UPGRADABLE,
		     "Installed packages a repository has a newer version of (the new one is "
		     "printed, '[upgradable from: OLD]')"),
	PARE_CLI_OPT("orphaned", 'O', PARE_OPT_NOARG, NULL, L_ORPHANED,
		     "Installed packages no world atom leads to (see pare why)"),
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
	else if (id == L_UPGRADABLE)
		l->upgradable = true;
	else if (id == L_ORPHANED)
		l->orphaned = true;
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

/* --upgradable: the newer entry, apk's "[upgradable from: NAME-OLD]". */
static void print_upgradable(struct pare_cli *cli, const struct pare_pkgent *old,
			     const struct pare_pkgent *e, json_t *arr)
{
	if (arr) {
		json_t *o = pare_cli_pkgent_json(e);
		json_object_set_new(o, "upgradableFrom", json_stringn(old->version.ptr,
								      old->version.len));
		json_array_append_new(arr, o);
		return;
	}
	struct pare_slice origin = e->origin.len ? e->origin : e->name;
	fprintf(cli->out, "%.*s-%.*s %.*s {%.*s} (%.*s) [upgradable from: %.*s-%.*s]\n",
		(int)e->name.len, e->name.ptr, (int)e->version.len, e->version.ptr,
		(int)e->arch.len, e->arch.ptr, (int)origin.len, origin.ptr, (int)e->license.len,
		e->license.ptr, (int)old->name.len, old->name.ptr, (int)old->version.len,
		old->version.ptr);
}

static bool orphan(const struct pare_db_installed *db, const struct pare_world *w,
		   const struct pare_db_pkg *p)
{
	struct pare_why_step steps[PARE_WHY_MAX_STEPS];
	size_t n;
	return pare_why(db, w, p, steps, PARE_WHY_MAX_STEPS, &n, NULL) == -PARE_E_NOT_FOUND;
}

/* --installed, --upgradable, --orphaned: the root's database, by name. */
static int list_installed(struct list_ctx *l, struct pare_cli *cli, int argc, char **argv)
{
	struct pare_session ses;
	struct pare_world w;
	struct pare_cli_repos cr;
	struct pare_error err = { 0 };
	bool repos = false;
	pare_world_init(&w);
	int r = pare_cli_installed_read(cli, &ses);
	if (r == 0 && l->orphaned && (r = pare_world_read(&w, &ses.root, &err)) < 0)
		pare_cli_report(cli, r, &err);
	if (r == 0 && l->upgradable)
		r = (repos = pare_cli_repos_open(cli, &cr, false) == 0) ? 0 : -1;
	if (r == 0) {
		json_t *arr = cli->opts.json ? json_array() : NULL;
		pare_db_sort(&ses.db);
		for (size_t i = 0; i < ses.db.npkgs; i++) {
			const struct pare_pkgent *e = &ses.db.pkgs[i]->ent, *b;
			if (!list_match(l, e, argc, argv) || (l->orphaned && !orphan(&ses.db, &w, ses.db.pkgs[i])))
				continue;
			if (!l->upgradable)
				list_print(cli, e, arr, true);
			else if ((b = pare_cli_repos_best(&cr.repos, e->name)) &&
				 pare_version_compare(e->version, b->version) == PARE_VERSION_LESS)
				print_upgradable(cli, e, b, arr);
		}
		if (arr)
			pare_cli_json_print(cli, arr);
	}
	if (repos)
		pare_cli_repos_close(&cr);
	pare_world_release(&w);
	pare_session_close(&ses);
	return r < 0 ? 1 : 0;
}

static int list_run(void *ctx, struct pare_cli *cli, int argc, char **argv)
{
	struct list_ctx *l = ctx;
	struct pare_cli_repos cr;
	const struct pare_pkgent **v = NULL;
	size_t n = 0;
	int status = 1;
	if (l->installed || l->upgradable || l->orphaned)
		return list_installed(l, cli, argc, argv);
	json_t *arr = cli->opts.json ? json_array() : NULL;
	if (pare_cli_repos_open_sorted(cli, &cr, true, &v, &n) < 0)
		goto out;
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
	.usage = "[--available | --installed | --upgradable | --orphaned] [-o] [PATTERN...]",
	.description =
		"Print 'NAME-VERSION ARCH {ORIGIN} (LICENSE)' for every package in the repositories "
		"whose name (with --origin: origin) matches a PATTERN (fnmatch(3) globs); all "
		"packages without a PATTERN. With --installed, the root's installed packages, "
		"each followed by ' [installed]' as apk; --upgradable, the newer versions the "
		"repositories have of installed packages; --orphaned, installed packages no "
		"world atom leads to. --json prints an array of objects "
		"(name, version, arch, origin, license, description, url, size, installedSize).",
	.flags = PARE_APPLET_JSON,
	.options = list_options,
	.ctx_size = sizeof(struct list_ctx),
	.parse = list_parse,
	.run = list_run,
};
