/* pare add [-u] [-l] [-t NAME[=VERSION]] ATOM...: add constraints to the
 * world and show (with --simulate: only show) the change, as apk add. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "apk/dep.h"
#include "apk/version.h"
#include "cli/applets.h"
#include "cli/solve_common.h"

enum { O_UPGRADE = 1, O_LATEST, O_VIRTUAL, O_INITDB, O_USERMODE };

static const struct pare_option add_options[] = {
	{ "upgrade", 'u', PARE_OPT_NOARG, NULL, O_UPGRADE,
	  "Upgrade the named packages and their dependencies" },
	{ "latest", 'l', PARE_OPT_NOARG, NULL, O_LATEST,
	  "Always choose the latest version (fail rather than settle for an older one)" },
	{ "virtual", 't', PARE_OPT_ARG, "NAME[=VERSION]", O_VIRTUAL,
	  "Create a virtual package NAME depending on the ATOMs and add it to the world" },
	{ 0 },
};

struct add_ctx {
	bool upgrade, latest;
	const char *virtual_spec;
};

static int add_parse(void *ctx, int id, const char *arg, struct pare_error *err)
{
	struct add_ctx *a = ctx;
	switch (id) {
	case O_UPGRADE: a->upgrade = true; break;
	case O_LATEST: a->latest = true; break;
	case O_VIRTUAL: a->virtual_spec = arg; break;
	default: break;
	}
	return 0;
}

/* "NAME" or "NAME=VERSION" (a valid version); else apk's message. */
static int parse_virtual(struct pare_cli *cli, const char *spec, struct pare_slice *name,
			 struct pare_slice *version, char *stamp, size_t n)
{
	struct pare_dep d;
	if (pare_dep_parse(pare_slice_from(spec), &d, NULL) < 0 || d.conflict || d.tag.len ||
	    (d.version.len && d.op != PARE_VERSION_EQUAL)) {
		pare_cli_error(cli, "%s: bad package specifier", spec);
		return -PARE_E_USAGE;
	}
	*name = d.name;
	if (d.version.len) {
		*version = d.version;
		return 0;
	}
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(stamp, n, "%Y%m%d.%H%M%S", &tm);
	*version = pare_slice_from(stamp);
	return 0;
}

static int add_virtual(struct pare_solve_ctx *c, struct add_ctx *a, int argc, char **argv,
		       struct pare_sdep *out)
{
	char stamp[32];
	struct pare_slice name, version;
	int r = parse_virtual(c->cli, a->virtual_spec, &name, &version, stamp, sizeof(stamp));
	if (r < 0)
		return r;
	struct pare_dep *deps = calloc((size_t)argc + 1, sizeof(*deps));
	if (!deps)
		return -1;
	for (int i = 0; i < argc && r == 0; i++) {
		struct pare_sdep sd;
		r = pare_solve_parse_world_dep(c, argv[i], true, &sd);
		if (r == 0)
			r = pare_dep_parse(pare_slice_from(argv[i]), &deps[i], NULL);
	}
	if (r == 0 && argc == 0) {
		fflush(c->cli->out);
		pare_log_warning(&c->cli->log, "creating empty virtual package");
	}
	struct pare_spkg_desc d = {
		.name = name, .version = version, .depends = deps, .ndepends = (size_t)argc,
	};
	struct pare_error err = { 0 };
	struct pare_spkg *p = NULL;
	if (r == 0)
		r = pare_universe_add(c->u, &d, PARE_SPKG_FROM_CACHE, -1, &p, &err);
	free(deps);
	if (r < 0)
		return r;
	*out = (struct pare_sdep){ .name = p->name, .op = PARE_VERSION_ANY };
	return 0;
}

static int add_run(void *ctx, struct pare_cli *cli, int argc, char **argv)
{
	struct add_ctx *a = ctx;
	struct pare_solve_ctx c;
	struct pare_solution sol;
	pare_solution_init(&sol);
	int status = 1;
	if (pare_solve_ctx_open(&c, cli) < 0)
		goto out;
	uint8_t flags = (a->upgrade || a->latest ? PARE_SOLVE_UPGRADE : 0) |
			(a->latest ? PARE_SOLVE_LATEST : 0);
	if (a->virtual_spec) {
		struct pare_sdep vd;
		if (add_virtual(&c, a, argc, argv, &vd) < 0 || pare_solve_world_add(&c, &vd) < 0)
			goto out;
		argc = 0;
	}
	for (int i = 0; i < argc; i++) {
		struct pare_sdep d;
		if (pare_solve_parse_world_dep(&c, argv[i], false, &d) < 0 ||
		    pare_solve_world_add(&c, &d) < 0)
			goto out;
		if (flags && pare_solve_name_flag_deps(&c, d.name, flags, false) < 0)
			goto out;
	}
	pare_solve_world_sort(&c);
	status = pare_solve_and_report(&c, 0, &sol);
out:
	pare_solution_release(&sol);
	pare_solve_ctx_release(&c);
	return status;
}

const struct pare_applet pare_applet_add = {
	.name = "add",
	.summary = "Add constraints to the world and install what they need",
	.usage = "[-u] [-l] [-t NAME[=VERSION]] [ATOM...]",
	.description =
		"Add each ATOM ([!]NAME[@TAG][OP VERSION]) to the world, replacing an entry for "
		"the same name, and select the packages that satisfy the whole world: installed "
		"packages are kept unless a constraint needs another version. Prints apk's change "
		"lines and 'OK: SIZE in N packages', or 'ERROR: unable to select packages:' with "
		"what is in the way. With --simulate nothing is changed.",
	.options = add_options,
	.ctx_size = sizeof(struct add_ctx),
	.parse = add_parse,
	.run = add_run,
};
