/* pare fetch NAME... [-o DIR]: download packages from the repositories,
 * each verified against its index entry before it appears in DIR. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/applets.h"
#include "cli/repos.h"
#include "io/url.h"

enum { FETCH_OUTPUT = 1, FETCH_URL };

struct fetch_ctx {
	const char *output;
	bool url;
};

static const struct pare_option fetch_options[] = {
	PARE_CLI_OPT("output", 'o', PARE_OPT_ARG, "DIR", FETCH_OUTPUT,
	  "Write the packages to DIR (default: the working directory)"),
	PARE_CLI_OPT("url", 0, PARE_OPT_NOARG, NULL, FETCH_URL, "Print each package's full URL"),
	{ 0 },
};

static int fetch_parse(void *ctx, int id, const char *arg, struct pare_error *err)
{
	(void)err;
	struct fetch_ctx *f = ctx;
	if (id == FETCH_OUTPUT)
		f->output = arg;
	else if (id == FETCH_URL)
		f->url = true;
	return 0;
}

static int fetch_one(struct pare_cli *cli, struct fetch_ctx *f, struct pare_repos *rs,
		     const char *name)
{
	struct pare_error err = { 0 };
	char url[PARE_PATH_MAX], dest[PARE_PATH_MAX];
	const struct pare_pkgent *e = pare_cli_repos_best(rs, pare_slice_from(name));
	if (!e) {
		pare_cli_error(cli, "%s: unable to select package", name);
		return 1;
	}
	int n = snprintf(dest, sizeof(dest), "%s/%.*s-%.*s.apk", f->output ? f->output : ".",
			 (int)e->name.len, e->name.ptr, (int)e->version.len, e->version.ptr);
	int r = n < 0 || (size_t)n >= sizeof(dest)
			? pare_error_set(&err, -ENAMETOOLONG, "%s: output path too long", name)
			: pare_repos_pkg_url(rs, e, url, sizeof(url), &err);
	if (r == 0) {
		char shown[PARE_URL_SHOWN_MAX];
		if (f->url)
			fprintf(cli->out, "%s\n", pare_url_redact(url, shown, sizeof(shown)));
		else if (cli->opts.verbosity > 0)
			fprintf(cli->out, "Downloading %.*s-%.*s\n", (int)e->name.len, e->name.ptr,
				(int)e->version.len, e->version.ptr);
		fflush(cli->out);
		r = pare_repos_fetch_pkg(rs, e, dest, &err);
	}
	if (r < 0) {
		pare_cli_report(cli, r, &err);
		return 1;
	}
	return 0;
}

static int fetch_run(void *ctx, struct pare_cli *cli, int argc, char **argv)
{
	struct fetch_ctx *f = ctx;
	struct pare_cli_repos cr;
	if (argc == 0) {
		pare_cli_error(cli, "fetch: name at least one package");
		return 1;
	}
	if (pare_cli_repos_open(cli, &cr, false) < 0) {
		pare_cli_repos_close(&cr);
		return 1;
	}
	int failed = 0;
	for (int i = 0; i < argc; i++)
		failed += fetch_one(cli, f, &cr.repos, argv[i]);
	pare_cli_repos_close(&cr);
	return failed ? 1 : 0;
}

const struct pare_applet pare_applet_fetch = {
	.name = "fetch",
	.summary = "Download packages from the repositories",
	.usage = "[-o DIR] [--url] NAME...",
	.description =
		"Download the latest version of each NAME (untagged repositories first) to DIR as "
		"NAME-VERSION.apk. Every package is checked against its index entry before it is "
		"renamed into place: its size (the download is bounded by the index's S:), its "
		"identity (SHA-1 of the control part, the index's C:) and its own data hashes. "
		"A verified copy in the cache is used instead of the network. Exits 1 if any "
		"NAME could not be fetched.",
	.options = fetch_options,
	.ctx_size = sizeof(struct fetch_ctx),
	.parse = fetch_parse,
	.run = fetch_run,
};
