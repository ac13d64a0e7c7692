/* pare fix [-d] [-u] [-r] [NAME...]: reinstall (or upgrade) installed
 * packages, as apk fix does, and bring the system in line with the world. */
#include <stdlib.h>
#include <string.h>

#include "cli/applets.h"
#include "cli/solve_common.h"

enum { O_DEPENDS = 1, O_UPGRADE, O_REINSTALL, O_XATTR, O_DIRPERMS };

static const struct pare_option fix_options[] = {
	{ "depends", 'd', PARE_OPT_NOARG, NULL, O_DEPENDS, "Also fix the dependencies" },
	{ "upgrade", 'u', PARE_OPT_NOARG, NULL, O_UPGRADE,
	  "Upgrade the named packages if an upgrade does not break dependencies" },
	{ "reinstall", 'r', PARE_OPT_NOARG, NULL, O_REINSTALL, "Reinstall packages (default)" },
	{ "xattr", 'x', PARE_OPT_NOARG, NULL, O_XATTR, "Fix packages with broken xattrs" },
	{ "directory-permissions", 0, PARE_OPT_NOARG, NULL, O_DIRPERMS,
	  "Reset all directory permissions" },
	{ 0 },
};

struct fix_ctx {
	bool depends, upgrade;
};

static int fix_parse(void *ctx, int id, const char *arg, struct pare_error *err)
{
	struct fix_ctx *f = ctx;
	if (id == O_DEPENDS)
		f->depends = true;
	else if (id == O_UPGRADE)
		f->upgrade = true;
	return 0;
}

static int fix_run(void *ctx, struct pare_cli *cli, int argc, char **argv)
{
	struct fix_ctx *f = ctx;
	struct pare_solve_ctx c;
	struct pare_solution sol;
	int status = 1;
	pare_solution_init(&sol);
	if (pare_solve_ctx_open(&c, cli) < 0 || pare_solve_ctx_finalize(&c) < 0)
		goto out;
	uint8_t flags = PARE_SOLVE_REINSTALL | (f->upgrade ? PARE_SOLVE_UPGRADE : 0);
	for (int i = 0; i < argc; i++) {
		const struct pare_sname *n = pare_universe_find_name(c.u, pare_slice_from(argv[i]));
		if (!n) {
			pare_cli_error(cli, "%s: no such package", argv[i]);
			goto out;
		}
		int r = f->depends ? pare_solve_name_flag_deps(&c, n, flags, true)
				   : pare_solve_name_flag(&c, n, flags);
		if (r < 0)
			goto out;
	}
	/* Without NAMEs, apk fixes the packages an earlier commit left broken. */
	for (size_t i = 0; argc == 0 && i < c.s.nfailed; i++)
		if (pare_solve_name_flag(&c, c.s.failed[i], flags) < 0)
			goto out;
	pare_solve_world_sort(&c);
	status = pare_solve_and_report(&c, 0, &sol);
out:
	pare_solution_release(&sol);
	pare_solve_ctx_release(&c);
	return status;
}

const struct pare_applet pare_applet_fix = {
	.name = "fix",
	.summary = "Reinstall or upgrade installed packages, and repair the world",
	.usage = "[-d] [-u] [-r] [NAME...]",
	.description =
		"Reinstall the named installed packages (with -d, their dependencies too); with "
		"-u, upgrade them instead when an upgrade keeps every dependency satisfied. "
		"Without NAME, the packages an earlier commit left broken (f: in the installed "
		"database, e.g. a failed script) are reinstalled, and their install scripts run "
		"again. The rest of the system is brought in line with the world.",
	.options = fix_options,
	.ctx_size = sizeof(struct fix_ctx),
	.parse = fix_parse,
	.run = fix_run,
};
