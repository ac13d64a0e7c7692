/* pare verify FILE...: check packages and signed indexes as apk verify
 * does.  One line per file; exit 1 if any is not OK. */
#include "apk/package.h"
#include "cli/applets.h"
#include "cli/common.h"

static bool verify_one(struct pare_cli *cli, struct pare_keyring *keys, const char *path,
		       void *ctx)
{
	struct pare_pkg pkg;
	struct pare_error err = { 0 };
	struct pare_pkg_read_opts opts = { .keys = keys };
	pare_pkg_init(&pkg);
	int r = pare_pkg_read_file(&pkg, path, &opts, NULL, &err);
	bool ok = false;
	if (r < 0)
		fprintf(cli->out, "%s\n", pare_error_text(&err, r));
	else if (pare_cli_trusted(cli, pkg.trust))
		ok = true;
	else
		fprintf(cli->out, "%s: %s\n", path, pare_cli_trust_text(cli, pkg.trust));
	if (ok)
		fprintf(cli->out, "%s: OK\n", path);
	if (r == 0 && !ok && cli->opts.verbosity > 1)
		pare_log_verbose(&cli->log, "%s: %s", path, pkg.trust_msg);
	pare_pkg_release(&pkg);
	return ok;
}

static int verify_run(void *ctx, struct pare_cli *cli, int argc, char **argv)
{
	return pare_cli_each_file(cli, "verify", argc, argv, false, verify_one, NULL);
}

const struct pare_applet pare_applet_verify = {
	.name = "verify",
	.summary = "Verify package and index signatures and integrity",
	.usage = "FILE...",
	.description =
		"Check each package or signed index: its structure, its signatures against the "
		"trusted keys (--keys-dir, default etc/apk/keys under the root), the datahash of "
		"a package's data and every file's checksum. Prints one line per FILE: OK, "
		"UNTRUSTED signature, BAD signature, or the integrity error. With "
		"--allow-untrusted an untrusted but intact file is OK; a BAD signature never is. "
		"Exits 1 if any FILE is not OK.",
	.run = verify_run,
};
