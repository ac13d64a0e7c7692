/* pare stats: statistics of the installed database, in apk stats' layout. */
#include <jansson.h>

#include "cli/applets.h"
#include "cli/commit_cli.h"
#include "db/scripts.h"
#include "db/triggers.h"

static int stats_run(void *ctx, struct pare_cli *cli, int argc, char **argv)
{
	(void)ctx;
	(void)argc;
	(void)argv;
	struct pare_session ses;
	struct pare_error err = { 0 };
	int r = pare_cli_session_open_db(cli, &ses, &err);
	if (r == 0) {
		const struct pare_db_installed *db = &ses.db;
		struct pare_txn_result t;
		pare_txn_db_totals(db, &t);
		size_t broken = 0;
		for (size_t i = 0; i < db->npkgs; i++)
			broken += db->pkgs[i]->broken.len > 0;
		if (cli->opts.json) {
			json_t *o = json_object(), *in = json_object();
			json_object_set_new(in, "packages", json_integer((json_int_t)t.npkgs));
			json_object_set_new(in, "dirs", json_integer((json_int_t)t.dirs));
			json_object_set_new(in, "files", json_integer((json_int_t)t.files));
			json_object_set_new(in, "bytes", json_integer((json_int_t)t.installed_size));
			json_object_set_new(in, "triggers", json_integer((json_int_t)ses.triggers.n));
			json_object_set_new(in, "scripts", json_integer((json_int_t)ses.scripts.n));
			json_object_set_new(in, "broken", json_integer((json_int_t)broken));
			json_object_set_new(o, "installed", in);
			pare_cli_json_print(cli, o);
		} else {
			fprintf(cli->out,
				"installed:\n  packages: %zu\n  dirs: %llu\n  files: %llu\n"
				"  bytes: %llu\n  triggers: %zu\n  scripts: %zu\n  broken: %zu\n",
				t.npkgs, (unsigned long long)t.dirs, (unsigned long long)t.files,
				(unsigned long long)t.installed_size, ses.triggers.n, ses.scripts.n, broken);
		}
	} else {
		pare_cli_report(cli, r, &err);
	}
	pare_session_close(&ses);
	return r < 0 ? 1 : 0;
}

const struct pare_applet pare_applet_stats = {
	.name = "stats",
	.summary = "Show statistics about the installed packages",
	.usage = "",
	.description = "Print the number of installed packages, their directories, files, "
		       "installed bytes, trigger and script entries, and broken packages "
		       "(--json: the same as an object).",
	.flags = PARE_APPLET_JSON,
	.run = stats_run,
};
