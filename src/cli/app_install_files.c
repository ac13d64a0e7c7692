/* pare install-files [--remove NAME]... FILE.apk...: a hidden applet that
 * commits local package files to --root without the solver (tests and
 * benchmarks of the transaction layer; `add` uses the same code). */
#include <stdlib.h>
#include <string.h>

#include "cli/applets.h"
#include "cli/commit_cli.h"
#include "cli/repos.h"

#define IF_MAX_REMOVE 4096

enum { O_REMOVE = 1, O_NO_SCRIPTS, O_FORCE_OVERWRITE, O_WAIT, O_NO_CHOWN, O_INITDB,
       O_REINSTALL };

static const struct pare_option if_options[] = {
	PARE_CLI_OPT("remove", 0, PARE_OPT_ARG, "NAME", O_REMOVE, "Remove the installed package NAME"),
	PARE_CLI_OPT("no-scripts", 0, PARE_OPT_NOARG, NULL, O_NO_SCRIPTS, "Do not run scripts"),
	PARE_CLI_OPT("force-overwrite", 0, PARE_OPT_NOARG, NULL, O_FORCE_OVERWRITE,
		     "Overwrite files of other packages"),
	PARE_CLI_OPT("wait", 0, PARE_OPT_ARG, "N", O_WAIT, "Wait up to N seconds for the lock"),
	PARE_CLI_OPT("no-chown", 0, PARE_OPT_NOARG, NULL, O_NO_CHOWN,
		     "Record owners in the database, do not apply them"),
	PARE_CLI_OPT("initdb", 0, PARE_OPT_NOARG, NULL, O_INITDB, "Create the database"),
	PARE_CLI_OPT("reinstall", 0, PARE_OPT_NOARG, NULL, O_REINSTALL,
		     "Reinstall packages that are installed already"),
	{ 0 },
};

struct if_ctx {
	struct pare_cli_commit_opts o;
	const char *remove[IF_MAX_REMOVE];
	size_t nremove;
};

static int if_parse(void *ctx, int id, const char *arg, struct pare_error *err)
{
	struct if_ctx *c = ctx;
	switch (id) {
	case O_REMOVE:
		if (c->nremove == IF_MAX_REMOVE)
			return pare_error_set(err, -PARE_E_USAGE, "too many --remove");
		c->remove[c->nremove++] = arg;
		break;
	case O_NO_SCRIPTS: c->o.no_scripts = true; break;
	case O_FORCE_OVERWRITE: c->o.force_overwrite = true; break;
	case O_WAIT: c->o.wait_seconds = (unsigned)strtoul(arg, NULL, 10); break;
	case O_NO_CHOWN: c->o.no_chown = true; break;
	case O_INITDB: c->o.initdb = true; break;
	case O_REINSTALL: c->o.session.reinstall = true; break;
	default: break;
	}
	return 0;
}

/* "dir/name-1.0-r0.apk" -> world atom "name" is added by the caller from
 * the package itself; here only the removals and files are listed. */
static int if_run(void *ctx, struct pare_cli *cli, int argc, char **argv)
{
	struct if_ctx *c = ctx;
	size_t n = c->nremove + (size_t)argc;
	struct pare_session_item *items = calloc(n + 1, sizeof(*items));
	if (!items) {
		pare_cli_error(cli, "out of memory");
		return 1;
	}
	size_t k = 0;
	for (size_t i = 0; i < c->nremove; i++)
		items[k++] = (struct pare_session_item){ .kind = PARE_TXN_REMOVE,
							    .old_name = pare_slice_from(c->remove[i]) };
	for (int i = 0; i < argc; i++)
		items[k++] = (struct pare_session_item){ .kind = PARE_TXN_INSTALL,
							    .pkg_path = argv[i] };
	c->o.session.auto_kinds = true;
	c->o.session.world_del = c->remove;
	c->o.session.nworld_del = c->nremove;
	int status = pare_cli_commit(cli, &c->o, items, k);
	free(items);
	return status;
}

const struct pare_applet pare_applet_install_files = {
	.name = "install-files",
	.summary = "Commit local package files to a root (no solver; for tests)",
	.usage = "[--remove NAME]... [FILE.apk...]",
	.description = "Install, upgrade or remove packages given as files, in the order given, "
		       "through the transaction layer that add and del use.",
	.options = if_options,
	.flags = PARE_APPLET_HIDDEN,
	.ctx_size = sizeof(struct if_ctx),
	.parse = if_parse,
	.run = if_run,
};
