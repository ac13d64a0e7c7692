/* pare vertest: check lines of "A OP B", "V" or "!V" (apk 3's vertest). */
#include <errno.h>
#include <string.h>

#include "apk/version.h"
#include "cli/applets.h"

#define VERTEST_LINE_MAX 4096

struct vertest_counts {
	unsigned long failed;
	unsigned long checked;
};

static int vertest_stream(struct pare_cli *cli, FILE *f, const char *name,
			  struct vertest_counts *c)
{
	char line[VERTEST_LINE_MAX];
	unsigned long lineno = 0;
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		size_t len = strlen(line);
		if (len == sizeof(line) - 1 && line[len - 1] != '\n') {
			pare_cli_error(cli, "%s:%lu: line longer than %d bytes", name, lineno,
				       VERTEST_LINE_MAX - 2);
			return -PARE_E_TOO_BIG;
		}
		struct pare_slice text = pare_slice_trim(pare_slice_make(line, len));
		int r = pare_version_test_expr(text);
		if (r == 2)
			continue;
		c->checked++;
		if (r == 1)
			continue;
		c->failed++;
		fprintf(cli->out, "%s:%lu: %s: %.*s\n", name, lineno,
			r < 0 ? "unreadable" : "FAIL", (int)text.len, text.ptr);
	}
	if (ferror(f)) {
		pare_cli_error(cli, "%s: read error: %s", name, strerror(errno));
		return -EIO;
	}
	return 0;
}

static int vertest_run(void *ctx, struct pare_cli *cli, int argc, char **argv)
{
	struct vertest_counts c = { 0 };
	if (argc == 0)
		return vertest_stream(cli, stdin, "-", &c) < 0 || c.failed ? 1 : 0;
	for (int i = 0; i < argc; i++) {
		bool is_stdin = strcmp(argv[i], "-") == 0;
		FILE *f = is_stdin ? stdin : fopen(argv[i], "r");
		if (!f) {
			pare_cli_error(cli, "%s: cannot open: %s", argv[i], strerror(errno));
			return 1;
		}
		int r = vertest_stream(cli, f, argv[i], &c);
		if (!is_stdin)
			fclose(f);
		if (r < 0)
			return 1;
	}
	if (cli->opts.verbosity > 1)
		fprintf(cli->out, "%lu checked, %lu failed\n", c.checked, c.failed);
	return c.failed ? 1 : 0;
}

const struct pare_applet pare_applet_vertest = {
	.name = "vertest",
	.summary = "Check version comparisons written as text",
	.usage = "[FILE...]",
	.description =
		"Read lines of the form \"A OP B\" (OP is one of < > = <= >= ~ <~ >~, "
		"negated by a leading !), \"V\" (V must be a valid version) or \"!V\" "
		"(V must be invalid) from each FILE, or from standard input, and print "
		"each line that does not hold. Text after # is a comment. Exits 1 if any "
		"line fails.",
	.run = vertest_run,
};
