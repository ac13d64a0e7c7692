/* pare help [APPLET]: the same text as --help. */
#include <string.h>

#include "cli/applets.h"

enum { HELP_MAN = 1 };

struct help_ctx {
	bool man;
};

static const struct pare_option help_options[] = {
	{ "man", 0, PARE_OPT_NOARG, NULL, HELP_MAN, "Print the man page source (scdoc)" },
	{ 0 },
};

static int help_parse(void *ctx, int id, const char *arg, struct pare_error *err)
{
	struct help_ctx *h = ctx;
	if (id == HELP_MAN)
		h->man = true;
	return 0;
}

static int help_run(void *ctx, struct pare_cli *cli, int argc, char **argv)
{
	struct help_ctx *h = ctx;
	if (h->man) {
		pare_help_man(cli->out);
		return 0;
	}
	if (argc == 0) {
		pare_help_main(cli->out);
		return 0;
	}
	const struct pare_applet *a = pare_applet_find(argv[0]);
	const struct pare_help_topic *t = a ? NULL : pare_help_topic_find(argv[0]);
	if (t) {
		fprintf(cli->out, "%s\n\n%s\n", t->title, t->text);
		return 0;
	}
	if (!a) {
		pare_cli_error(cli, "'%s' is not a pare command. See 'pare --help'.", argv[0]);
		return 1;
	}
	if (argc > 1) {
		if (pare_help_sub(cli->out, a, argv[1]) == 0)
			return 0;
		pare_cli_error(cli, "'%s %s' is not a pare command. See 'pare help %s'.", argv[0],
			       argv[1], argv[0]);
		return 1;
	}
	pare_help_applet(cli->out, a);
	return 0;
}

const struct pare_applet pare_applet_help = {
	.name = "help",
	.summary = "Show help for pare or for one applet",
	.usage = "[APPLET [SUBCOMMAND] | TOPIC]",
	.description = "TOPIC is one of examples, environment, files, exit-status, "
		       "image-config (the man page's sections of the same names).",
	.options = help_options,
	.ctx_size = sizeof(struct help_ctx),
	.parse = help_parse,
	.run = help_run,
};
