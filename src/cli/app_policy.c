/* pare policy NAME...: the versions of each package in the repositories
 * and where each comes from, in apk policy's format. */
#include <stdlib.h>

#include "cli/applets.h"
#include "cli/repos.h"

static void print_policy(struct pare_cli *cli, const struct pare_repos *rs,
			 const struct pare_pkgent *const *v, size_t n, struct pare_slice name)
{
	bool any = false;
	const struct pare_pkgent *prev = NULL;
	for (size_t i = 0; i < n; i++) {
		const struct pare_pkgent *e = v[i];
		if (!pare_slice_eq(e->name, name))
			continue;
		if (!any)
			fprintf(cli->out, "%.*s policy:\n", (int)name.len, name.ptr);
		any = true;
		if (!prev || !pare_slice_eq(prev->version, e->version))
			fprintf(cli->out, "  %.*s:\n", (int)e->version.len, e->version.ptr);
		prev = e;
		const struct pare_repo *r = &rs->v[e->repo];
		if (r->tag)
			fprintf(cli->out, "    @%s %s\n", r->tag, r->url);
		else
			fprintf(cli->out, "    %s\n", r->url);
	}
}

static int policy_run(void *ctx, struct pare_cli *cli, int argc, char **argv)
{
	(void)ctx;
	struct pare_cli_repos cr;
	const struct pare_pkgent **v = NULL;
	size_t n = 0;
	int status = 1;
	if (pare_cli_repos_open(cli, &cr, false) < 0)
		goto out;
	if (pare_cli_repos_sorted(&cr.repos, false, &v, &n) < 0) {
		pare_cli_error(cli, "out of memory");
		goto out;
	}
	for (int i = 0; i < argc; i++)
		print_policy(cli, &cr.repos, v, n, pare_slice_from(argv[i]));
	status = 0;
out:
	free(v);
	pare_cli_repos_close(&cr);
	return status;
}

const struct pare_applet pare_applet_policy = {
	.name = "policy",
	.summary = "Show the versions of packages and the repositories they come from",
	.usage = "NAME...",
	.description =
		"For each NAME found in the repositories, print 'NAME policy:', then each version "
		"in ascending order as '  VERSION:' followed by one '    [@TAG ]URL' line per "
		"repository that has it.",
	.run = policy_run,
};
