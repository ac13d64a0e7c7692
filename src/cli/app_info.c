/* pare info NAME...: what the repositories say about packages, in apk
 * info's format ("NAME-VERSION FIELD:", the value, an empty line). */
#include <string.h>

#include "apk/package.h"

#include "cli/applets.h"
#include "cli/info_installed.h"
#include "cli/repos.h"

enum {
	I_ALL = 1, I_DESC, I_WEB, I_SIZE, I_DEPENDS, I_PROVIDES, I_LICENSE, I_INSTALL_IF,
	I_REPLACES, I_CONTENTS, I_WHO_OWNS, I_RDEPENDS, I_ORIGIN,
};

enum {
	F_DESC = 1 << 0, F_WEB = 1 << 1, F_SIZE = 1 << 2, F_DEPENDS = 1 << 3,
	F_PROVIDES = 1 << 4, F_LICENSE = 1 << 5, F_INSTALL_IF = 1 << 6, F_REPLACES = 1 << 7,
	F_ORIGIN = 1 << 8,
};

struct info_ctx {
	unsigned fields;
	unsigned installed; /* PARE_INFO_*: answered from the installed database */
};

static const struct pare_option info_options[] = {
	PARE_CLI_OPT("all", 'a', PARE_OPT_NOARG, NULL, I_ALL, "Print everything the index knows"),
	PARE_CLI_OPT("description", 'd', PARE_OPT_NOARG, NULL, I_DESC, "Print the description"),
	PARE_CLI_OPT("webpage", 'w', PARE_OPT_NOARG, NULL, I_WEB, "Print the upstream web page"),
	PARE_CLI_OPT("size", 's', PARE_OPT_NOARG, NULL, I_SIZE, "Print the installed size"),
	PARE_CLI_OPT("depends", 'R', PARE_OPT_NOARG, NULL, I_DEPENDS, "List the dependencies"),
	PARE_CLI_OPT("provides", 'P', PARE_OPT_NOARG, NULL, I_PROVIDES, "List what the package provides"),
	PARE_CLI_OPT("license", 0, PARE_OPT_NOARG, NULL, I_LICENSE, "Print the license"),
	PARE_CLI_OPT("install-if", 0, PARE_OPT_NOARG, NULL, I_INSTALL_IF, "List the install_if rule"),
	PARE_CLI_OPT("replaces", 0, PARE_OPT_NOARG, NULL, I_REPLACES, "List the packages it replaces"),
	PARE_CLI_OPT("origin", 0, PARE_OPT_NOARG, NULL, I_ORIGIN,
		     "Print where an imported package came from (purl, Debian version)"),
	PARE_CLI_OPT("contents", 'L', PARE_OPT_NOARG, NULL, I_CONTENTS,
		     "List the files of an installed package"),
	PARE_CLI_OPT("who-owns", 'W', PARE_OPT_NOARG, NULL, I_WHO_OWNS,
		     "Print the installed package that owns each FILE"),
	PARE_CLI_OPT("rdepends", 'r', PARE_OPT_NOARG, NULL, I_RDEPENDS,
		     "List the installed packages that depend on it"),
	{ 0 },
};

static int info_parse(void *ctx, int id, const char *arg, struct pare_error *err)
{
	(void)arg;
	(void)err;
	static const unsigned bits[] = {
		[I_ALL] = F_DESC | F_WEB | F_SIZE | F_DEPENDS | F_PROVIDES | F_LICENSE |
			  F_INSTALL_IF | F_REPLACES | F_ORIGIN,
		[I_DESC] = F_DESC, [I_WEB] = F_WEB, [I_SIZE] = F_SIZE, [I_DEPENDS] = F_DEPENDS,
		[I_PROVIDES] = F_PROVIDES, [I_LICENSE] = F_LICENSE, [I_INSTALL_IF] = F_INSTALL_IF,
		[I_REPLACES] = F_REPLACES, [I_ORIGIN] = F_ORIGIN,
	};
	struct info_ctx *c = ctx;
	if (id == I_CONTENTS || id == I_WHO_OWNS || id == I_RDEPENDS) {
		c->installed |= id == I_CONTENTS ? PARE_INFO_CONTENTS
				: id == I_WHO_OWNS ? PARE_INFO_WHO_OWNS : PARE_INFO_RDEPENDS;
		return 0;
	}
	c->fields |= bits[id];
	return 0;
}

static void head(struct pare_cli *cli, const struct pare_pkgent *e, const char *what)
{
	fprintf(cli->out, "%.*s-%.*s %s:\n", (int)e->name.len, e->name.ptr, (int)e->version.len,
		e->version.ptr, what);
}

static void text_field(struct pare_cli *cli, const struct pare_pkgent *e, const char *what,
		       struct pare_slice v)
{
	head(cli, e, what);
	fprintf(cli->out, "%.*s\n\n", (int)v.len, v.ptr);
}

static void list_field(struct pare_cli *cli, const struct pare_pkgent *e, const char *what,
		       const struct pare_deplist *l)
{
	struct pare_slice s = l->text, w;
	head(cli, e, what);
	while (pare_slice_next_word(&s, &w))
		fprintf(cli->out, "%.*s\n", (int)w.len, w.ptr);
	fputc('\n', cli->out);
}

static void print_info(struct pare_cli *cli, unsigned f, const struct pare_pkgent *e)
{
	char size[32];
	if (f & F_DESC)
		text_field(cli, e, "description", e->description);
	if (f & F_WEB)
		text_field(cli, e, "webpage", e->url);
	if (f & F_SIZE) {
		pare_cli_human_size(e->installed_size, size, sizeof(size));
		text_field(cli, e, "installed size", pare_slice_from(size));
	}
	if (f & F_DEPENDS)
		list_field(cli, e, "depends on", &e->depends);
	if (f & F_PROVIDES)
		list_field(cli, e, "provides", &e->provides);
	if (f & F_INSTALL_IF)
		list_field(cli, e, "has auto-install rule", &e->install_if);
	if (f & F_REPLACES)
		list_field(cli, e, "replaces", &e->replaces);
	if (f & F_LICENSE)
		text_field(cli, e, "license", e->license);
}

/* The .PKGINFO keys pare import-deb adds (deb/import.h), read from the
 * package file when it is at hand: a local repository, or the cache (no
 * download for this).  The file is not verified: these lines are
 * informative, like the index's own text fields. */
static const char *const origin_keys[] = { "purl", "debian_package", "debian_version" };
enum { NORIGIN = sizeof(origin_keys) / sizeof(origin_keys[0]) };

static bool origin_values(struct pare_cli_repos *cr, const struct pare_pkgent *e,
			  char (*v)[PARE_PKG_VALUE_MAX])
{
	char path[PARE_PATH_MAX];
	struct pare_error err = { 0 };
	const struct pare_repos *rs = &cr->repos;
	bool local = e->repo >= 0 && (size_t)e->repo < rs->n &&
		     rs->v[e->repo].kind == PARE_REPO_LOCAL;
	int r = local || pare_repos_pkg_cached(rs, e)
			? pare_repos_pkg_path(&cr->repos, e, path, sizeof(path), &err)
			: -PARE_E_NOT_FOUND;
	return r == 0 && pare_pkg_file_values(path, origin_keys, NORIGIN, v, &err) == 0 &&
	       v[0][0];
}

static void print_origin(struct pare_cli *cli, struct pare_cli_repos *cr,
			 const struct pare_pkgent *e, json_t *obj)
{
	static const char *const what[] = { "purl", "debian package", "debian version" };
	char v[NORIGIN][PARE_PKG_VALUE_MAX];
	if (!origin_values(cr, e, v))
		return;
	for (size_t i = 0; i < NORIGIN; i++)
		if (v[i][0] && obj)
			json_object_set_new(obj, origin_keys[i], json_string(v[i]));
		else if (v[i][0])
			text_field(cli, e, what[i], pare_slice_from(v[i]));
}

static int info_run(void *ctx, struct pare_cli *cli, int argc, char **argv)
{
	struct info_ctx *c = ctx;
	struct pare_cli_repos cr;
	if (argc == 0 && !c->installed)
		return pare_info_list_installed(cli);
	unsigned f = c->fields ? c->fields : F_DESC | F_WEB | F_SIZE;
	int missing = 0;
	if (cli->opts.json && c->installed) {
		pare_cli_error(cli, "info: --json answers from the repositories only (not with "
			       "-L, -W or -r)");
		return 1;
	}
	if (!cli->opts.json &&
	    pare_info_installed(cli, c->installed, c->installed ? c->fields : f, print_info, argc,
				argv, &missing))
		return missing;
	if (pare_cli_repos_open(cli, &cr, false) < 0) {
		pare_cli_repos_close(&cr);
		return 1;
	}
	json_t *arr = cli->opts.json ? json_array() : NULL;
	for (int i = 0; i < argc; i++) {
		const struct pare_pkgent *e = pare_cli_repos_best(&cr.repos, pare_slice_from(argv[i]));
		if (!e) {
			pare_cli_error(cli, "%s: no such package in the repositories", argv[i]);
			missing++;
			continue;
		}
		json_t *obj = arr ? pare_cli_pkgent_json(e) : NULL;
		if (!arr)
			print_info(cli, f, e);
		if (f & F_ORIGIN)
			print_origin(cli, &cr, e, obj);
		if (obj)
			json_array_append_new(arr, obj);
	}
	if (arr)
		pare_cli_json_print(cli, arr);
	pare_cli_repos_close(&cr);
	return missing || cr.refused ? 1 : 0;
}

const struct pare_applet pare_applet_info = {
	.name = "info",
	.summary = "Print what the repositories know about packages",
	.usage = "[-a] [-d] [-w] [-s] [-R] [-P] [--license] [--origin] [-L] [-r] [NAME...] | -W FILE...",
	.description =
		"Without NAME, the installed packages are listed, one name a line (apk info; "
		"-v adds the version). "
		"For each NAME, the latest version in the repositories (untagged repositories "
		"first) is described as apk info does: a line 'NAME-VERSION FIELD:', the value, and "
		"an empty line. Without field options: description, webpage and installed size. "
		"When every NAME is installed under --root, or with -L, -W or -r, the installed "
		"database answers instead. "
		"Exits 1 if a NAME is in no repository or a repository was refused "
		"(an untrusted or bad index signature). --json prints an array of objects "
		"(the installed packages without NAME, else each NAME from the repositories).",
	.flags = PARE_APPLET_JSON,
	.options = info_options,
	.ctx_size = sizeof(struct info_ctx),
	.parse = info_parse,
	.run = info_run,
};
