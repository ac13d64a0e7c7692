/* pare search PATTERN...: packages whose name (or, with -d, description)
 * matches, as apk search prints them. */
#include <ctype.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/applets.h"
#include "cli/repos.h"

enum { S_ALL = 1, S_DESC, S_EXACT, S_ORIGIN };

struct search_ctx {
	bool all, desc, exact, origin;
	int argc;   /* the patterns, for name_kept */
	char **argv;
};

static const struct pare_option search_options[] = {
	PARE_CLI_OPT("all", 'a', PARE_OPT_NOARG, NULL, S_ALL,
		     "Print every matching version, not only the latest"),
	PARE_CLI_OPT("description", 'd', PARE_OPT_NOARG, NULL, S_DESC,
	  "Also match descriptions, and print them"),
	PARE_CLI_OPT("exact", 'e', PARE_OPT_NOARG, NULL, S_EXACT, "Match names exactly"),
	PARE_CLI_OPT("origin", 'o', PARE_OPT_NOARG, NULL, S_ORIGIN,
		     "Print the origin (base package) name"),
	{ 0 },
};

static int search_parse(void *ctx, int id, const char *arg, struct pare_error *err)
{
	(void)arg;
	(void)err;
	struct search_ctx *s = ctx;
	switch (id) {
	case S_ALL: s->all = true; break;
	case S_DESC: s->desc = true; break;
	case S_EXACT: s->exact = true; break;
	case S_ORIGIN: s->origin = true; break;
	}
	return 0;
}

static bool has_glob(const char *p)
{
	return strpbrk(p, "*?[") != NULL;
}

/* pat occurs in s, ASCII case ignored (strcasestr on the slice, no copy:
 * search reads every entry of every index). */
static bool has_casesub(struct pare_slice s, const char *pat)
{
	size_t m = strlen(pat);
	for (size_t i = 0; i + m <= s.len; i++) {
		size_t k = 0;
		while (k < m && tolower((unsigned char)s.ptr[i + k]) == tolower((unsigned char)pat[k]))
			k++;
		if (k == m)
			return true;
	}
	return false;
}

/* Case-insensitive substring (apk's rule), or a glob when the pattern has one. */
static bool text_matches(const char *pat, struct pare_slice s, bool exact)
{
	if (exact)
		return pare_slice_eq_cstr(s, pat);
	if (!has_glob(pat))
		return has_casesub(s, pat);
	char buf[4096];
	snprintf(buf, sizeof(buf), "%.*s", (int)s.len, s.ptr);
	return fnmatch(pat, buf, FNM_CASEFOLD) == 0;
}

static bool matches(const struct search_ctx *s, const struct pare_pkgent *e, int argc,
		    char **argv)
{
	if (argc == 0)
		return true;
	for (int i = 0; i < argc; i++) {
		if (text_matches(argv[i], e->name, s->exact))
			return true;
		if (s->desc && !s->exact && text_matches(argv[i], e->description, false))
			return true;
	}
	return false;
}

/* Without --description only names match: the other names need no
 * sorting (every version of a matching name is kept, so "latest" is as
 * over all entries). */
static bool name_kept(void *ctx, const struct pare_pkgent *e)
{
	const struct search_ctx *s = ctx;
	return matches(s, e, s->argc, s->argv);
}

static void print_one(struct pare_cli *cli, const struct search_ctx *s,
		      const struct pare_pkgent *e)
{
	struct pare_slice name = s->origin && e->origin.len ? e->origin : e->name;
	fprintf(cli->out, "%.*s", (int)name.len, name.ptr);
	if (cli->opts.verbosity > 0)
		fprintf(cli->out, "-%.*s", (int)e->version.len, e->version.ptr);
	if (s->desc || cli->opts.verbosity > 1)
		fprintf(cli->out, " - %.*s", (int)e->description.len, e->description.ptr);
	fputc('\n', cli->out);
}

static int search_run(void *ctx, struct pare_cli *cli, int argc, char **argv)
{
	struct search_ctx *s = ctx;
	struct pare_cli_repos cr;
	const struct pare_pkgent **v = NULL;
	size_t n = 0;
	int status = 1;
	if (pare_cli_repos_open_lists(cli, &cr, false, true) < 0)
		goto out;
	s->argc = argc;
	s->argv = argv;
	if (pare_cli_repos_sorted_if(&cr.repos, true, s->desc ? NULL : name_kept, s, &v, &n) < 0) {
		pare_cli_error(cli, "out of memory");
		goto out;
	}
	json_t *arr = cli->opts.json ? json_array() : NULL;
	for (size_t i = 0; i < n; i++) {
		bool latest = i + 1 == n || !pare_slice_eq(v[i]->name, v[i + 1]->name);
		if (!(s->all || latest) || !matches(s, v[i], argc, argv))
			continue;
		if (arr)
			json_array_append_new(arr, pare_cli_pkgent_json(v[i]));
		else
			print_one(cli, s, v[i]);
	}
	if (arr)
		pare_cli_json_print(cli, arr);
	status = cr.refused ? 1 : 0;
out:
	free(v);
	pare_cli_repos_close(&cr);
	return status;
}

const struct pare_applet pare_applet_search = {
	.name = "search",
	.flags = PARE_APPLET_JSON,
	.summary = "Search repositories for packages by name or description",
	.usage = "[-a] [-d] [-e] [PATTERN...]",
	.description =
		"Print NAME-VERSION for each package in the repositories whose name contains a "
		"PATTERN (case-insensitive; a PATTERN with * ? [ is a glob), only the latest version "
		"unless --all. With --description, descriptions are searched too and printed as "
		"NAME-VERSION - DESCRIPTION. With no PATTERN every package is listed.",
	.options = search_options,
	.ctx_size = sizeof(struct search_ctx),
	.parse = search_parse,
	.run = search_run,
};
