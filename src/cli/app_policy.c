/* pare policy NAME...: the versions of each package in the repositories
 * and where each comes from, in apk policy's format. */
#include <jansson.h>
#include <stdlib.h>

#include "cli/applets.h"
#include "cli/repos.h"

static void print_policy(struct pare_cli *cli, const struct pare_repos *rs,
			 const struct pare_pkgent *const *v, size_t n, struct pare_slice name)
{
	bool any = false;
	const struct pare_pkgent *prev = NULL;
	for (size_t i = 0; i < n; i++) {
		const struct pare_pkgent *e = v[i];
		if (!pare_slice_eq(e->name, name))
			continue;
		if (!any)
			fprintf(cli->out, "%.*s policy:\n", (int)name.len, name.ptr);
		any = true;
		if (!prev || !pare_slice_eq(prev->version, e->version))
			fprintf(cli->out, "  %.*s:\n", (int)e->version.len, e->version.ptr);
		prev = e;
		const struct pare_repo *r = &rs->v[e->repo];
		if (r->tag)
			fprintf(cli->out, "    @%s %s\n", r->tag, r->url);
		else
			fprintf(cli->out, "    %s\n", r->url);
	}
}

/* --json: {"NAME": [{"version": V, "repositories": ["[@TAG ]URL", ...]}]} */
static json_t *policy_json(const struct pare_repos *rs, const struct pare_pkgent *const *v,
			   size_t n, struct pare_slice name)
{
	json_t *versions = json_array(), *cur = NULL;
	const struct pare_pkgent *prev = NULL;
	char line[4096];
	for (size_t i = 0; i < n; i++) {
		const struct pare_pkgent *e = v[i];
		if (!pare_slice_eq(e->name, name))
			continue;
		if (!prev || !pare_slice_eq(prev->version, e->version)) {
			json_t *o = json_object();
			cur = json_array();
			json_object_set_new(o, "version", json_stringn(e->version.ptr, e->version.len));
			json_object_set_new(o, "repositories", cur);
			json_array_append_new(versions, o);
		}
		prev = e;
		const struct pare_repo *r = &rs->v[e->repo];
		snprintf(line, sizeof(line), "%s%s%s%s", r->tag ? "@" : "", r->tag ? r->tag : "",
			 r->tag ? " " : "", r->url);
		json_array_append_new(cur, json_string(line));
	}
	return versions;
}

static int policy_run(void *ctx, struct pare_cli *cli, int argc, char **argv)
{
	(void)ctx;
	struct pare_cli_repos cr;
	const struct pare_pkgent **v = NULL;
	size_t n = 0;
	int status = 1;
	if (pare_cli_repos_open_sorted(cli, &cr, false, &v, &n) < 0)
		goto out;
	json_t *doc = cli->opts.json ? json_object() : NULL;
	for (int i = 0; i < argc; i++) {
		if (doc)
			json_object_set_new(doc, argv[i],
					    policy_json(&cr.repos, v, n, pare_slice_from(argv[i])));
		else
			print_policy(cli, &cr.repos, v, n, pare_slice_from(argv[i]));
	}
	if (doc)
		pare_cli_json_print(cli, doc);
	status = 0;
out:
	free(v);
	pare_cli_repos_close(&cr);
	return status;
}

const struct pare_applet pare_applet_policy = {
	.name = "policy",
	.summary = "Show the versions of packages and the repositories they come from",
	.usage = "NAME...",
	.description =
		"For each NAME found in the repositories, print 'NAME policy:', then each version "
		"in ascending order as '  VERSION:' followed by one '    [@TAG ]URL' line per "
		"repository that has it. --json: an object NAME -> [{version, repositories}].",
	.flags = PARE_APPLET_JSON,
	.run = policy_run,
};
