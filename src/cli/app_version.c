/* pare version: compare (-t) and check (-c) version strings, as apk does. */
#include "apk/version.h"
#include "cli/applets.h"
#include "cli/info_installed.h"
#include "cli/repos.h"
#include "db/installed.h"

enum { VERSION_CHECK = 1, VERSION_TEST };

struct version_ctx {
	bool check;
	bool test;
};

static const struct pare_option version_options[] = {
	{ "check", 'c', PARE_OPT_NOARG, NULL, VERSION_CHECK,
	  "Check that each VERSION is valid; print the invalid ones" },
	{ "test", 't', PARE_OPT_NOARG, NULL, VERSION_TEST,
	  "Compare two versions and print <, = or >" },
	{ 0 },
};

static int version_parse(void *ctx, int id, const char *arg, struct pare_error *err)
{
	struct version_ctx *v = ctx;
	if (id == VERSION_CHECK)
		v->check = true;
	else if (id == VERSION_TEST)
		v->test = true;
	return 0;
}

static int version_check(struct pare_cli *cli, int argc, char **argv)
{
	int invalid = 0;
	for (int i = 0; i < argc; i++) {
		if (!pare_version_valid(pare_slice_from(argv[i]))) {
			fprintf(cli->out, "%s\n", argv[i]);
			invalid++;
		}
	}
	return invalid > 0 ? 1 : 0;
}

static int version_test(struct pare_cli *cli, int argc, char **argv)
{
	if (argc != 2) {
		pare_cli_error(cli, "version -t needs exactly two versions");
		return 1;
	}
	unsigned r = pare_version_compare(pare_slice_from(argv[0]), pare_slice_from(argv[1]));
	fprintf(cli->out, "%s\n", pare_version_op_str(r));
	return 0;
}

static bool named(struct pare_slice name, int argc, char **argv)
{
	for (int i = 0; i < argc; i++)
		if (pare_slice_eq_cstr(name, argv[i]))
			return true;
	return argc == 0;
}

/* apk version: each installed package (or each NAME) against the best
 * version in the repositories: '<' an upgrade exists, '>' the installed one
 * is newer, '?' no repository has it; up-to-date ones ('=') are left out,
 * as apk does. */
static int version_installed(struct pare_cli *cli, int argc, char **argv)
{
	struct pare_session ses;
	struct pare_cli_repos cr;
	if (pare_cli_installed_read(cli, &ses) < 0) {
		pare_session_close(&ses);
		return 1;
	}
	bool repos = pare_cli_repos_open(cli, &cr, false) == 0;
	pare_db_sort(&ses.db);
	fprintf(cli->out, "%-40s %s\n", "Installed:", "Available:");
	for (size_t i = 0; repos && i < ses.db.npkgs; i++) {
		const struct pare_pkgent *e = &ses.db.pkgs[i]->ent;
		if (!named(e->name, argc, argv))
			continue;
		const struct pare_pkgent *b = pare_cli_repos_best(&cr.repos, e->name);
		char label[512];
		snprintf(label, sizeof(label), "%.*s-%.*s", (int)e->name.len, e->name.ptr,
			 (int)e->version.len, e->version.ptr);
		unsigned c = b ? pare_version_compare(e->version, b->version) : 0;
		if (b && c == PARE_VERSION_EQUAL)
			continue;
		fprintf(cli->out, "%-40s %s %.*s\n", label,
			!b ? "?" : c == PARE_VERSION_LESS ? "<" : ">", b ? (int)b->version.len : 0,
			b ? b->version.ptr : "");
	}
	pare_cli_repos_close(&cr);
	pare_session_close(&ses);
	return repos ? 0 : 1;
}

static int version_run(void *ctx, struct pare_cli *cli, int argc, char **argv)
{
	struct version_ctx *v = ctx;
	if (v->check && v->test) {
		pare_cli_error(cli, "version: -c and -t exclude each other");
		return 1;
	}
	if (v->check)
		return version_check(cli, argc, argv);
	if (v->test)
		return version_test(cli, argc, argv);
	return version_installed(cli, argc, argv);
}

const struct pare_applet pare_applet_version = {
	.name = "version",
	.summary = "Compare and check version strings",
	.usage = "[NAME...] | -t VERSION1 VERSION2 | -c VERSION...",
	.description =
		"With -t, print whether VERSION1 is less than (<), equal to (=) or greater "
		"than (>) VERSION2, using apk's rules (numbers, a letter, _alpha/_beta/_pre/_rc "
		"before the release, _cvs/_svn/_git/_hg/_p after, ~hash, -rN). Invalid versions "
		"compare as strings. With -c, print each invalid VERSION and exit 1 if any. "
		"Without -t or -c, as apk version: each installed package (or each NAME) whose "
		"version differs from the best one in the repositories, with '<' (an upgrade "
		"is available), '>' (the installed one is newer) or '?' (no repository has it).",
	.options = version_options,
	.ctx_size = sizeof(struct version_ctx),
	.parse = version_parse,
	.run = version_run,
};
