/* --help, `pare help APPLET` and the man page, all from the option and
 * applet tables so the three never disagree. */
#include <string.h>

#include "cli/cli.h"
#include "config.h"

static const char tagline[] = "build minimal glibc container images from APK packages";

static void option_label(const struct pare_option *o, char *buf, size_t size)
{
	int n;
	if (o->short_name)
		n = snprintf(buf, size, "-%c, --%s", o->short_name, o->long_name);
	else
		n = snprintf(buf, size, "    --%s", o->long_name);
	if (o->arg_name && n > 0 && (size_t)n < size)
		snprintf(buf + n, size - (size_t)n, " %s", o->arg_name);
}

static void print_options(FILE *out, const struct pare_option *t)
{
	char label[64];
	for (; t && t->long_name; t++) {
		if (!t->help)
			continue;
		option_label(t, label, sizeof(label));
		fprintf(out, "  %-28s %s\n", label, t->help);
	}
}

void pare_help_main(FILE *out)
{
	fprintf(out, "pare %s - %s\n\n", PARE_VERSION, tagline);
	fprintf(out, "usage: pare [<options>] APPLET [<arguments>]\n\nApplets:\n");
	for (size_t i = 0; pare_applets[i]; i++) {
		const struct pare_applet *a = pare_applets[i];
		if (!(a->flags & PARE_APPLET_HIDDEN))
			fprintf(out, "  %-12s %s\n", a->name, a->summary);
	}
	fprintf(out, "\nGlobal options (before or after the applet name):\n");
	print_options(out, pare_global_options);
	fprintf(out, "\nFor help on an applet: pare help APPLET (or pare APPLET --help).\n");
	fprintf(out, "Topics: pare help");
	for (const struct pare_help_topic *t = pare_help_topics; t->name; t++)
		fprintf(out, "%s%s", t == pare_help_topics ? " " : "|", t->name);
	fputc('\n', out);
}

/* pare help APPLET SUB: the description paragraphs that start with
 * "pare APPLET SUB" and the options whose help starts with "SUB:", one a
 * line.  Returns -1 when nothing is about SUB. */
int pare_help_sub(FILE *out, const struct pare_applet *a, const char *sub)
{
	char lead[128], tag[64];
	snprintf(lead, sizeof(lead), "pare %s %s ", a->name, sub);
	snprintf(tag, sizeof(tag), "%s: ", sub);
	size_t found = 0;
	for (const char *p = a->description; p && *p;) {
		const char *end = strstr(p, "\n\n");
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (strncmp(p, lead, strlen(lead)) == 0)
			fprintf(out, "%s%.*s\n", found++ ? "\n" : "", (int)len, p);
		p = end ? end + 2 : p + len;
	}
	if (!found)
		return -1;
	fprintf(out, "\nOptions:\n");
	char label[64];
	for (const struct pare_option *t = a->options; t && t->long_name; t++) {
		if (!t->help || strncmp(t->help, tag, strlen(tag)) != 0)
			continue;
		option_label(t, label, sizeof(label));
		fprintf(out, "  %-28s %s\n", label, t->help + strlen(tag));
	}
	fprintf(out, "\nGlobal options are listed by 'pare --help'.\n");
	return 0;
}

void pare_help_applet(FILE *out, const struct pare_applet *a)
{
	fprintf(out, "usage: pare %s %s\n\n%s\n", a->name, a->usage, a->summary);
	if (a->description)
		fprintf(out, "\n%s\n", a->description);
	if (a->options && a->options->long_name) {
		fprintf(out, "\nOptions:\n");
		print_options(out, a->options);
	}
	fprintf(out, "\nGlobal options are listed by 'pare --help'.\n");
}

/* scdoc treats * _ and \ as markup. */
static void man_text(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '*' || *s == '_' || *s == '\\')
			fputc('\\', out);
		fputc(*s, out);
	}
}

static void man_options(FILE *out, const struct pare_option *t)
{
	for (; t && t->long_name; t++) {
		if (!t->help)
			continue;
		fputc('*', out);
		if (t->short_name)
			fprintf(out, "-%c, ", t->short_name);
		fprintf(out, "--%s*", t->long_name);
		if (t->arg_name)
			fprintf(out, " _%s_", t->arg_name);
		fputs("\n\t", out);
		man_text(out, t->help);
		fputs("\n\n", out);
	}
}

void pare_help_man(FILE *out)
{
	fprintf(out, "pare(1)\n\n# NAME\n\npare - %s\n\n", tagline);
	fprintf(out, "# SYNOPSIS\n\n*pare* [_options_] _applet_ [_arguments_]\n\n");
	fprintf(out, "# DESCRIPTION\n\npare keeps apk's applet names, flags and output where "
		     "apk has them, and adds applets for building packages and images.\n\n");
	fprintf(out, "# GLOBAL OPTIONS\n\n");
	man_options(out, pare_global_options);
	fprintf(out, "# APPLETS\n\n");
	for (size_t i = 0; pare_applets[i]; i++) {
		const struct pare_applet *a = pare_applets[i];
		if (a->flags & PARE_APPLET_HIDDEN)
			continue;
		fprintf(out, "## pare %s\n\n*pare %s* ", a->name, a->name);
		man_text(out, a->usage);
		fputs("\n\n", out);
		man_text(out, a->summary);
		fputs("\n\n", out);
		if (a->description) {
			man_text(out, a->description);
			fputs("\n\n", out);
		}
		man_options(out, a->options);
	}
	for (const struct pare_help_topic *t = pare_help_topics; t->name; t++) {
		fprintf(out, "# %s\n\n", t->title);
		man_text(out, t->text);
		fputs("\n\n", out);
	}
	fprintf(out, "# VERSION\n\n%s\n", PARE_VERSION);
}
