/* pare verify FILE...: check packages and signed indexes as apk verify
 * does.  One line per file; exit 1 if any is not OK. */
#include "apk/package.h"
#include "cli/applets.h"
#include "cli/common.h"

static const char *trust_text(int trust)
{
	return trust == -PARE_E_BAD_SIGNATURE ? "BAD signature" : "UNTRUSTED signature";
}

static bool verify_one(struct pare_cli *cli, struct pare_keyring *keys, const char *path)
{
	struct pare_pkg pkg;
	struct pare_error err = { 0 };
	struct pare_pkg_read_opts opts = { .keys = keys };
	pare_pkg_init(&pkg);
	int r = pare_pkg_read_file(&pkg, path, &opts, NULL, &err);
	bool ok = false;
	if (r < 0)
		fprintf(cli->out, "%s\n", pare_error_text(&err, r));
	else if (pkg.trust == 0 || (pkg.trust == -PARE_E_UNTRUSTED && cli->opts.allow_untrusted))
		ok = true;
	else
		fprintf(cli->out, "%s: %s\n", path, trust_text(pkg.trust));
	if (ok)
		fprintf(cli->out, "%s: OK\n", path);
	if (r == 0 && !ok && cli->opts.verbosity > 1)
		pare_log_verbose(&cli->log, "%s: %s", path, pkg.trust_msg);
	pare_pkg_release(&pkg);
	return ok;
}

static int verify_run(void *ctx, struct pare_cli *cli, int argc, char **argv)
{
	struct pare_cli_keys k;
	struct pare_error err = { 0 };
	if (argc == 0) {
		pare_cli_error(cli, "verify: no files given");
		return 1;
	}
	int r = pare_cli_keys_open(cli, &k, &err);
	if (r < 0) {
		pare_cli_report(cli, r, &err);
		return 1;
	}
	int failed = 0;
	for (int i = 0; i < argc; i++)
		failed += !verify_one(cli, k.keys, argv[i]);
	pare_cli_keys_release(&k);
	return failed ? 1 : 0;
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
