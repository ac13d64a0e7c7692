/* pare update: refresh every repository's index, as apk update does. */
#include "cli/applets.h"
#include "cli/repos.h"

static int update_run(void *ctx, struct pare_cli *cli, int argc, char **argv)
{
	(void)ctx;
	(void)argv;
	struct pare_cli_repos cr;
	if (argc > 0) {
		pare_cli_error(cli, "update: takes no arguments");
		return 1;
	}
	if (pare_cli_repos_open(cli, &cr, true) < 0) {
		pare_cli_repos_close(&cr);
		return 1;
	}
	int bad = cr.unavailable + cr.stale;
	if (cli->opts.verbosity > 0) {
		for (size_t i = 0; i < cr.repos.n; i++) {
			const struct pare_repo *r = &cr.repos.v[i];
			if (r->loaded && r->index.description.len)
				fprintf(cli->out, "%.*s [%s]\n", (int)r->index.description.len,
					r->index.description.ptr, r->url);
		}
		size_t n = pare_repos_count_distinct(&cr.repos);
		if (bad)
			fprintf(cli->out, "%d unavailable, %d stale; %zu distinct packages available\n",
				cr.unavailable, cr.stale, n);
		else
			fprintf(cli->out, "OK: %zu distinct packages available\n", n);
	}
	pare_cli_repos_close(&cr);
	return bad > 125 ? 125 : bad;
}

const struct pare_applet pare_applet_update = {
	.name = "update",
	.summary = "Update repository indexes",
	.usage = "",
	.description =
		"Refresh the index of every configured repository (etc/apk/repositories under the "
		"root, --repositories-file, -X). An HTTP index is downloaded into the cache only "
		"when the server has a newer one (If-None-Match, If-Modified-Since); it is verified "
		"against the trusted keys before it replaces the cached copy. Prints each index's "
		"description and URL, then 'OK: N distinct packages available', or how many "
		"repositories were unavailable or stale. Exits with the number of unavailable and "
		"stale repositories.",
	.run = update_run,
};
