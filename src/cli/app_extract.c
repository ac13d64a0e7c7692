/* pare extract [-C DIR] FILE...: verify each package and unpack its files
 * into DIR, nothing reaching a final path before the whole package
 * verified. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "apk/package.h"
#include "io/atomic.h"
#include "cli/applets.h"
#include "cli/common.h"
#include "commit/extract.h"

enum { EXTRACT_DIRECTORY = 1 };

struct extract_ctx {
	const char *dir;
};

static const struct pare_option extract_options[] = {
	{ "directory", 'C', PARE_OPT_ARG, "DIR", EXTRACT_DIRECTORY,
	  "Extract into DIR (default: the current directory; created if missing)" },
	{ 0 },
};

static int extract_parse(void *ctx, int id, const char *arg, struct pare_error *err)
{
	struct extract_ctx *c = ctx;
	if (id == EXTRACT_DIRECTORY)
		c->dir = arg;
	return 0;
}


/* Where files go: DIR is created and opened only once a package is known
 * to pass, so a refused package leaves no DIR behind. */
struct extract_dest {
	const char *dir;
	struct pare_root root;
	bool open;
};

/* The verdict on a package read (r: the read's result): reported when bad. */
static bool verdict(struct pare_cli *cli, const char *path, int r, const struct pare_pkg *pkg,
		    struct pare_error *err)
{
	if (r < 0)
		pare_cli_report(cli, r, err);
	else if (pkg->kind != PARE_PKG_KIND_PACKAGE)
		pare_cli_error(cli, "%s: not a package", path);
	else if (!pare_cli_trusted(cli, pkg->trust))
		pare_cli_error(cli, "%s: %s", path, pare_cli_trust_text(cli, pkg->trust));
	else
		return true;
	return false;
}

/* Open DIR, creating it only after this first package verified (read once
 * more without extracting). */
static bool open_dest(struct pare_cli *cli, struct pare_keyring *keys, const char *path,
		      struct extract_dest *d)
{
	struct pare_error err = { 0 };
	struct stat st;
	if (d->open)
		return true;
	if (stat(d->dir, &st) < 0) {
		struct pare_pkg pkg;
		struct pare_pkg_read_opts ropts = { .keys = keys };
		pare_pkg_init(&pkg);
		int r = pare_pkg_read_file(&pkg, path, &ropts, NULL, &err);
		bool ok = verdict(cli, path, r, &pkg, &err);
		pare_pkg_release(&pkg);
		if (!ok)
			return false;
	}
	int r = pare_mkdir_p(d->dir, 0755, &err);
	if (r == 0)
		r = pare_root_open(&d->root, d->dir, &err);
	if (r < 0) {
		pare_cli_report(cli, r, &err);
		return false;
	}
	d->open = true;
	return true;
}

/* Read (staging every entry), check the verdict, then commit or abort. */
static bool extract_one(struct pare_cli *cli, struct pare_keyring *keys, const char *path,
			void *ctx)
{
	struct extract_dest *d = ctx;
	struct pare_pkg pkg;
	struct pare_extract x;
	struct pare_pkg_visitor v;
	struct pare_error err = { 0 };
	struct pare_pkg_read_opts ropts = { .keys = keys };
	struct pare_extract_opts xopts = { .name = path };
	bool ok = false;
	if (!open_dest(cli, keys, path, d))
		return false;
	pare_pkg_init(&pkg);
	int r = pare_extract_init(&x, &d->root, &xopts, &err);
	if (r == 0) {
		pare_extract_visitor(&x, &v);
		r = pare_pkg_read_file(&pkg, path, &ropts, &v, &err);
	}
	if (verdict(cli, path, r, &pkg, &err)) {
		if ((r = pare_extract_commit(&x, &err)) < 0)
			pare_cli_report(cli, r, &err);
		else
			ok = true;
	}
	if (!ok)
		pare_extract_abort(&x);
	if (ok && x.xattr_warnings)
		pare_log_warning(&cli->log, "%s: %llu extended attributes not supported here, skipped",
				 path, (unsigned long long)x.xattr_warnings);
	if (ok)
		pare_log_verbose(&cli->log, "%s: %llu files, %llu directories, %llu symlinks, "
				 "%llu hard links, %llu bytes", path,
				 (unsigned long long)x.nfiles, (unsigned long long)x.ndirs,
				 (unsigned long long)x.nsymlinks, (unsigned long long)x.nlinks,
				 (unsigned long long)x.bytes);
	if (!ok && r == 0 && cli->opts.verbosity > 1 && pkg.trust != 0)
		pare_log_verbose(&cli->log, "%s: %s", path, pkg.trust_msg);
	pare_extract_release(&x);
	pare_pkg_release(&pkg);
	return ok;
}

static int extract_run(void *ctx, struct pare_cli *cli, int argc, char **argv)
{
	struct extract_ctx *c = ctx;
	struct extract_dest d = { .dir = c->dir ? c->dir : "." };
	if (argc == 0) {
		pare_cli_error(cli, "extract: no files given");
		return 1;
	}
	int r = pare_cli_each_file(cli, "extract", argc, argv, true, extract_one, &d);
	if (d.open)
		pare_root_release(&d.root);
	return r;
}

const struct pare_applet pare_applet_extract = {
	.name = "extract",
	.summary = "Verify packages and extract their files into a directory",
	.usage = "[-C DIR] FILE...",
	.description =
		"Read each package FILE once, checking its structure, every file's checksum, the "
		"datahash and its signatures against the trusted keys (--keys-dir, default "
		"etc/apk/keys under the root), while staging its files under temporary names "
		"inside DIR. Only when the package verified and is trusted (or, with "
		"--allow-untrusted, untrusted but intact) are the files renamed into place and "
		"their owners (when running as root), modes, times and extended attributes "
		"applied; otherwise every temporary is removed and nothing is left behind. Paths "
		"never leave DIR: absolute symlinks already in DIR resolve inside it, and an entry "
		"that passes through a symlink of the package itself, or a hard link to anything "
		"but an earlier file of the package, is refused. Control files (.PKGINFO, scripts) "
		"are not extracted and scripts are not run. Packages are handled in order; the "
		"first that fails stops the command with exit status 1.",
	.options = extract_options,
	.ctx_size = sizeof(struct extract_ctx),
	.parse = extract_parse,
	.run = extract_run,
};
