/* pare version: compare (-t) and check (-c) version strings, as apk does. */
#include "apk/version.h"
#include "cli/applets.h"

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
	pare_cli_error(cli, "version: listing installed package versions needs an installed "
			    "database, which this pare cannot read yet; use -t or -c");
	return 1;
}

const struct pare_applet pare_applet_version = {
	.name = "version",
	.summary = "Compare and check version strings",
	.usage = "-t VERSION1 VERSION2 | -c VERSION...",
	.description =
		"With -t, print whether VERSION1 is less than (<), equal to (=) or greater "
		"than (>) VERSION2, using apk's rules (numbers, a letter, _alpha/_beta/_pre/_rc "
		"before the release, _cvs/_svn/_git/_hg/_p after, ~hash, -rN). Invalid versions "
		"compare as strings. With -c, print each invalid VERSION and exit 1 if any.",
	.options = version_options,
	.ctx_size = sizeof(struct version_ctx),
	.parse = version_parse,
	.run = version_run,
};
