/* pare import-deb -o REPO -k KEY [FILE.deb...] [--apt NAME...] [--set FILE]
 * [--closure]: Debian packages into a signed repository of split APK
 * subpackages (deb/import.h). */
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cli/applets.h"
#include "cli/common.h"
#include "deb/import.h"

#define MAX_ARGS 4096

enum { ID_OUTPUT = 1, ID_KEY, ID_KEY_NAME, ID_APT, ID_SET, ID_CLOSURE, ID_DEB_CACHE, ID_DISTRO, ID_LOCALE_CACHE };

struct imp_ctx {
	const char *output, *key, *key_name, *deb_cache, *distro, *locale_cache;
	const char *apt[MAX_ARGS];
	size_t napt;
	const char *sets[64];
	size_t nsets;
	bool closure;
};

static const struct pare_option imp_options[] = {
	{ "output", 'o', PARE_OPT_ARG, "REPO", ID_OUTPUT, "Repository folder to write (REPO/ARCH/)" },
	{ "sign-key", 'k', PARE_OPT_ARG, "KEY", ID_KEY, "Sign packages and index with KEY" },
	{ "key-name", 'p', PARE_OPT_ARG, "NAME", ID_KEY_NAME,
	  "Public key name to record (default: KEY's file name + .pub)" },
	{ "apt", 0, PARE_OPT_ARG, "NAME[=VERSION]", ID_APT,
	  "Download NAME with apt-get (repeatable)" },
	{ "set", 0, PARE_OPT_ARG, "FILE", ID_SET,
	  "Set file: split rules, and the packages to import when no names or files are given "
	  "(default: the base set, sets/base.yaml of pare's source tree; --set none for no set)" },
	{ "closure", 0, PARE_OPT_NOARG, NULL, ID_CLOSURE,
	  "Follow Depends and Pre-Depends of the --apt names" },
	{ "deb-cache", 0, PARE_OPT_ARG, "DIR", ID_DEB_CACHE,
	  "Keep downloaded .deb files in DIR (default: $XDG_CACHE_HOME/pare/debs)" },
	{ "locale-cache", 0, PARE_OPT_ARG, "DIR", ID_LOCALE_CACHE,
	  "Keep compiled locales in DIR for later runs (default: the .deb cache's locales/; "
	  "'' for none)" },
	{ "distro", 0, PARE_OPT_ARG, "NAME", ID_DISTRO,
	  "The purls' distro= qualifier (default: this host's, e.g. debian-12; '' for none)" },
	{ 0 },
};

static int imp_parse(void *ctx, int id, const char *arg, struct pare_error *err)
{
	struct imp_ctx *x = ctx;
	switch (id) {
	case ID_OUTPUT: x->output = arg; break;
	case ID_KEY: x->key = arg; break;
	case ID_KEY_NAME: x->key_name = arg; break;
	case ID_DEB_CACHE: x->deb_cache = arg; break;
	case ID_DISTRO: x->distro = arg; break;
	case ID_LOCALE_CACHE: x->locale_cache = arg; break;
	case ID_CLOSURE: x->closure = true; break;
	case ID_APT:
		if (x->napt == MAX_ARGS)
			return pare_error_set(err, -PARE_E_USAGE, "--apt: too many names");
		x->apt[x->napt++] = arg;
		break;
	case ID_SET:
		if (x->nsets == sizeof(x->sets) / sizeof(x->sets[0]))
			return pare_error_set(err, -PARE_E_USAGE, "--set: too many files");
		x->sets[x->nsets++] = arg;
		break;
	}
	return 0;
}

static const char *deb_cache(struct imp_ctx *x, struct pare_cli *cli, char *buf, size_t n)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	if (x->deb_cache)
		return x->deb_cache;
	if (cli->opts.cache_dir)
		snprintf(buf, n, "%s/debs", cli->opts.cache_dir);
	else if (xdg && xdg[0])
		snprintf(buf, n, "%s/pare/debs", xdg);
	else
		snprintf(buf, n, "%s/.cache/pare/debs", home && home[0] ? home : "/tmp");
	return buf;
}

static void print_text(struct pare_cli *cli, const struct pare_import_report *r)
{
	for (size_t i = 0; i < r->ndebs; i++) {
		const struct pare_import_debrep *d = &r->debs[i];
		fprintf(cli->out, "%s %s (source %s): %zu subpackages\n", d->deb,
			d->version && d->version[0] ? d->version : "-", d->source, d->nsubs);
		for (size_t k = 0; k < d->nsubs; k++)
			fprintf(cli->out, "  %-40s %10llu bytes %6zu files\n", d->subs[k].name,
				(unsigned long long)d->subs[k].size, d->subs[k].nfiles);
		if (d->ndropped)
			fprintf(cli->out, "  dropped: %zu files, %llu bytes\n", d->ndropped,
				(unsigned long long)d->dropped_bytes);
		if (d->scripts && d->scripts[0])
			fprintf(cli->out, "  maintainer scripts not run: %s%s%s\n", d->scripts,
				d->effects && d->effects[0] ? "; reproduced: " : "",
				d->effects ? d->effects : "");
		else if (d->effects && d->effects[0])
			fprintf(cli->out, "  reproduced: %s\n", d->effects);
		if (d->unmet && d->unmet[0])
			fprintf(cli->out, "  needs nobody provides (left out): %s\n", d->unmet);
	}
	/* subpackages per source package */
	fprintf(cli->out, "Subpackages per source package:\n");
	for (size_t i = 0; i < r->ndebs; i++) {
		const char *src = r->debs[i].source;
		bool first = true;
		for (size_t k = 0; k < i && first; k++)
			first = strcmp(r->debs[k].source, src) != 0;
		if (!first)
			continue;
		size_t n = 0;
		for (size_t k = i; k < r->ndebs; k++)
			if (!strcmp(r->debs[k].source, src))
				n += r->debs[k].nsubs;
		fprintf(cli->out, "  %-30s %zu\n", src, n);
	}
	fprintf(cli->out, "Wrote %zu packages into %s\n", r->npkgs, r->arch);
}

static json_t *jstr(const char *s)
{
	return json_string(s ? s : "");
}

static void print_json(struct pare_cli *cli, const struct pare_import_report *r)
{
	json_t *o = json_object(), *debs = json_array();
	for (size_t i = 0; i < r->ndebs; i++) {
		const struct pare_import_debrep *d = &r->debs[i];
		json_t *j = json_object(), *subs = json_array();
		json_object_set_new(j, "package", jstr(d->deb));
		json_object_set_new(j, "version", jstr(d->version));
		json_object_set_new(j, "source", jstr(d->source));
		for (size_t k = 0; k < d->nsubs; k++) {
			json_t *s = json_object();
			json_object_set_new(s, "name", jstr(d->subs[k].name));
			json_object_set_new(s, "version", jstr(d->subs[k].version));
			json_object_set_new(s, "installed_size", json_integer((json_int_t)d->subs[k].size));
			json_object_set_new(s, "apk_size", json_integer((json_int_t)d->subs[k].apk_size));
			json_object_set_new(s, "files", json_integer((json_int_t)d->subs[k].nfiles));
			json_array_append_new(subs, s);
		}
		json_object_set_new(j, "subpackages", subs);
		json_object_set_new(j, "dropped_files", json_integer((json_int_t)d->ndropped));
		json_object_set_new(j, "dropped_bytes", json_integer((json_int_t)d->dropped_bytes));
		json_object_set_new(j, "scripts_not_run", jstr(d->scripts));
		json_object_set_new(j, "reproduced", jstr(d->effects));
		json_object_set_new(j, "unmet", jstr(d->unmet));
		json_array_append_new(debs, j);
	}
	json_t *src = json_object();
	for (size_t i = 0; i < r->ndebs; i++) {
		json_t *c = json_object_get(src, r->debs[i].source);
		json_int_t n = (c ? json_integer_value(c) : 0) + (json_int_t)r->debs[i].nsubs;
		json_object_set_new(src, r->debs[i].source, json_integer(n));
	}
	json_object_set_new(o, "subpackages_per_source", src);
	json_object_set_new(o, "arch", jstr(r->arch));
	json_object_set_new(o, "packages_written", json_integer((json_int_t)r->npkgs));
	json_object_set_new(o, "debs", debs);
	char *text = json_dumps(o, JSON_PRESERVE_ORDER | JSON_INDENT(2));
	if (text)
		fprintf(cli->out, "%s\n", text);
	free(text);
	json_decref(o);
}

static int collect(struct imp_ctx *x, struct pare_cli *cli, const struct pare_importset *set,
		   int argc, char **argv, struct pare_arena *a, const char ***debs, size_t *n,
		   struct pare_error *err)
{
	const char *names[MAX_ARGS];
	size_t nn = 0;
	for (size_t i = 0; i < x->napt; i++)
		names[nn++] = x->apt[i];
	/* Without names or files, the sets' own import lists (their closure
	 * when a set says closure: true); with them, the sets' with: lists. */
	bool own = !x->napt && !argc;
	for (size_t i = 0; own && i < set->import.n && nn < MAX_ARGS; i++)
		names[nn++] = set->import.v[i];
	for (size_t i = 0; !own && i < set->with.n && nn < MAX_ARGS; i++)
		names[nn++] = set->with.v[i];
	const char **fetched = NULL;
	size_t nf = 0;
	char cache[4096];
	if (nn) {
		struct pare_apt_opts ao = { .cache_dir = deb_cache(x, cli, cache, sizeof(cache)),
					    .set = set, .closure = x->closure || (own && set->closure),
					    .log = &cli->log };
		int r = pare_apt_fetch(&ao, names, nn, a, &fetched, &nf, err);
		if (r < 0)
			return r;
	}
	*debs = pare_arena_alloc(a, ((size_t)argc + nf + 1) * sizeof(**debs));
	if (!*debs)
		return pare_error_set(err, -ENOMEM, "out of memory");
	*n = 0;
	for (int i = 0; i < argc; i++)
		(*debs)[(*n)++] = argv[i];
	for (size_t i = 0; i < nf; i++)
		(*debs)[(*n)++] = fetched[i];
	return 0;
}

static int imp_run(void *ctx, struct pare_cli *cli, int argc, char **argv)
{
	struct imp_ctx *x = ctx;
	if (!x->output || !x->key) {
		pare_cli_error(cli, "import-deb: an output repository (-o REPO) and a key (-k KEY) "
				    "are needed");
		return 1;
	}
	struct pare_importset set;
	struct pare_import_report rep;
	struct pare_arena a;
	struct pare_error err = { 0 };
	pare_importset_init(&set);
	pare_import_report_init(&rep);
	pare_arena_init(&a, 0, 0);
	int r = 0;
	/* Without --set, the base set: a package is split the same way
	 * whichever command imports it (sets/README.md). */
	if (x->nsets == 0)
		x->sets[x->nsets++] = PARE_DEFAULT_SET;
	for (size_t i = 0; r == 0 && i < x->nsets; i++)
		if (strcmp(x->sets[i], "none") != 0)
			r = pare_importset_load(&set, x->sets[i], &err);
	const char **debs = NULL;
	size_t n = 0;
	if (r == 0)
		r = collect(x, cli, &set, argc, argv, &a, &debs, &n, &err);
	if (r == 0 && n == 0 && !set.baselayout)
		r = pare_error_set(&err, -PARE_E_USAGE, "import-deb: no .deb files and no --apt names");
	char cache[PATH_MAX], lcache[PATH_MAX];
	if (x->locale_cache)
		snprintf(lcache, sizeof(lcache), "%s", x->locale_cache);
	else
		snprintf(lcache, sizeof(lcache), "%s/locales", deb_cache(x, cli, cache, sizeof(cache)));
	if (r == 0) {
		struct pare_import_opts o = {
			.repo = x->output, .key_path = x->key, .keyname = x->key_name,
			.set = &set, .debs = debs, .ndebs = n,
			.source_date_epoch = pare_cli_source_date_epoch(-1), .log = &cli->log,
			.distro = x->distro, .locale_cache = lcache[0] ? lcache : NULL,
		};
		r = pare_import_run(&o, &rep, &err);
	}
	if (r < 0)
		pare_cli_report(cli, r, &err);
	else if (cli->opts.json)
		print_json(cli, &rep);
	else
		print_text(cli, &rep);
	pare_import_report_release(&rep);
	pare_importset_release(&set);
	pare_arena_release(&a);
	return r < 0 ? 1 : 0;
}

const struct pare_applet pare_applet_import_deb = {
	.name = "import-deb",
	.summary = "Import Debian packages as split, signed APK subpackages",
	.usage = "-o REPO -k KEY [--set FILE] [--apt NAME[=VERSION]]... [--closure] [FILE.deb]...",
	.description =
		"Read Debian binary packages (FILE.deb, or downloaded with apt-get for each --apt "
		"NAME into a cache folder, so a second run downloads nothing) and write them into "
		"REPO/ARCH as APK subpackages split by pare's one policy (-dev, -doc, -dbg, "
		"-static, -lang, completions, -openrc, -systemd, -libs, -pyc) and the set files' "
		"per-package rules, signed with KEY, with a signed APKINDEX.tar.gz and a CONTENTS "
		"index (path TAB package). With --closure the Depends and Pre-Depends of the "
		"--apt names (and of the set files' import lists) are followed. Maintainer "
		"scripts are never run: their effects that matter (gconv configuration, CA "
		"bundle, alternatives) are reproduced and the rest is listed. Prints, per Debian "
		"package, the subpackages written with their sizes, what was dropped and which "
		"scripts were not run, and the count of subpackages per source package. "
		"Deterministic: the same .deb files give the same bytes (SOURCE_DATE_EPOCH, else "
		"each package's newest mtime). Each package keeps its Debian name, version and purl "
		"(pkg:deb/debian/NAME@VERSION?arch=ARCH&distro=DISTRO) as the .PKGINFO keys "
		"debian_package, debian_version and purl (apk ignores them; pare info -a and "
		"image SBOMs show them); Conflicts and Breaks become '!' dependencies, owners "
		"other than root are kept (NAME=ID as the data tar says).",
	.options = imp_options,
	.flags = PARE_APPLET_JSON,
	.ctx_size = sizeof(struct imp_ctx),
	.parse = imp_parse,
	.run = imp_run,
};
