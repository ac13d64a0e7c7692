/* pare build [-o REPO] [-k KEY] [--plan] RECIPE_DIR...: build APKBUILD
 * recipes in a sandbox into signed, split packages (src/build/). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build/build.h"
#include "cli/applets.h"
#include "cli/common.h"
#include "cli/repos.h"

enum { B_OUT = 1, B_KEY, B_PLAN, B_SRCDEST, B_OFFLINE, B_KEEP, B_SHELL, B_JOBS, B_BASE,
       B_WORKDIR, B_FETCH_DEBIAN, B_ROOT_CACHE };

struct build_ctx {
	const char *out, *key, *srcdest, *shell, *base, *workdir, *root_cache;
	bool plan, offline, keep, no_debian;
	unsigned jobs;
};

static const struct pare_option build_options[] = {
	PARE_CLI_OPT("output", 'o', PARE_OPT_ARG, "REPO", B_OUT,
		     "Repository folder to write REPO/ARCH/*.apk and its index to (default: ./packages)"),
	PARE_CLI_OPT("sign-key", 'k', PARE_OPT_ARG, "KEY", B_KEY,
		     "Sign the packages and the index with the private KEY"),
	PARE_CLI_OPT("plan", 0, PARE_OPT_NOARG, NULL, B_PLAN,
		     "Print the build graph (with --json: nodes, edges, order) and build nothing"),
	PARE_CLI_OPT("srcdest", 0, PARE_OPT_ARG, "DIR", B_SRCDEST,
		     "Where sources are looked for and downloaded to (default: $SRCDEST)"),
	PARE_CLI_OPT("offline", 0, PARE_OPT_NOARG, NULL, B_OFFLINE,
		     "Never download: every source must be in SRCDEST or the recipe folder"),
	PARE_CLI_OPT("no-debian-sources", 0, PARE_OPT_NOARG, NULL, B_FETCH_DEBIAN,
		     "Do not look for missing sources in Debian's source archive (apt-get source) "
		     "before their URLs"),
	PARE_CLI_OPT("keep-work", 0, PARE_OPT_NOARG, NULL, B_KEEP,
		     "Keep the work directory (build root, sources, package trees, log)"),
	PARE_CLI_OPT("work-dir", 0, PARE_OPT_ARG, "DIR", B_WORKDIR,
		     "Parent of the work directories (default: /var/tmp)"),
	PARE_CLI_OPT("root-cache", 0, PARE_OPT_ARG, "DIR|none", B_ROOT_CACHE,
		     "Keep build roots by the packages they hold and reuse them (default: "
		     "/var/cache/pare/build-roots; none: a fresh root per build)"),
	PARE_CLI_OPT("shell", 0, PARE_OPT_ARG, "FILE", B_SHELL,
		     "Static shell used to read recipes (default: /bin/busybox)"),
	PARE_CLI_OPT("jobs", 'j', PARE_OPT_ARG, "N", B_JOBS, "Parallel jobs inside the build (2)"),
	PARE_CLI_OPT("base", 0, PARE_OPT_ARG, "ATOMS", B_BASE,
		     "The build root's base packages, blank- or comma-separated (default: build-base)"),
	{ 0 },
};

static int build_parse(void *ctx, int id, const char *arg, struct pare_error *err)
{
	struct build_ctx *b = ctx;
	switch (id) {
	case B_OUT: b->out = arg; break;
	case B_KEY: b->key = arg; break;
	case B_PLAN: b->plan = true; break;
	case B_SRCDEST: b->srcdest = arg; break;
	case B_OFFLINE: b->offline = true; break;
	case B_KEEP: b->keep = true; break;
	case B_SHELL: b->shell = arg; break;
	case B_BASE: b->base = arg; break;
	case B_WORKDIR: b->workdir = arg; break;
	case B_FETCH_DEBIAN: b->no_debian = true; break;
	case B_ROOT_CACHE: b->root_cache = arg; break;
	case B_JOBS: {
		uint64_t n;
		if (!pare_slice_to_u64(pare_slice_from(arg), &n) || n == 0 || n > 256)
			return pare_error_set(err, -PARE_E_USAGE, "--jobs: '%s' is not 1..256", arg);
		b->jobs = (unsigned)n;
		break;
	}
	}
	return 0;
}

static void strip_slash(char *s)
{
	size_t n = strlen(s);
	while (n > 1 && s[n - 1] == '/')
		s[--n] = '\0';
}

static int plan(struct build_ctx *b, struct pare_cli *cli, const struct pare_build_opts *o,
		int argc, char **argv)
{
	struct pare_recipe *rs = calloc((size_t)argc, sizeof(*rs));
	char (*files)[4096] = calloc((size_t)argc, sizeof(*files));
	struct pare_error err = { 0 };
	int r = rs && files ? 0 : -ENOMEM;
	(void)b;
	for (int i = 0; r == 0 && i < argc; i++) {
		snprintf(files[i], sizeof(files[i]), "%s/APKBUILD", argv[i]);
		pare_recipe_init(&rs[i], files[i]);
		r = pare_build_read_recipe(o, argv[i], &rs[i], &err);
	}
	struct pare_buf out;
	pare_buf_init(&out, 64u << 20);
	if (r == 0)
		r = pare_build_plan_json(rs, (const char *const *)argv, (size_t)argc, &out, &err);
	if (r == 0)
		fwrite(out.data, 1, out.len, cli->out);
	else
		pare_cli_report(cli, r, &err);
	pare_buf_release(&out);
	for (int i = 0; rs && i < argc; i++)
		pare_recipe_release(&rs[i]);
	free(rs);
	free(files);
	return r == 0 ? 0 : 1;
}

static void report_build(struct pare_cli *cli, const char *dir, const struct pare_build_result *res)
{
	const struct pare_build_pkg_result *p = &res->pkgs;
	for (size_t i = 0; i < p->lint.nwarnings; i++)
		pare_log_warning(&cli->log, "%s: lint %s", dir, p->lint.warnings[i]);
	for (size_t i = 0; i < p->lint.nerrors; i++)
		pare_cli_error(cli, "%s: lint %s", dir, p->lint.errors[i]);
	for (size_t i = 0; i < p->npkgs; i++)
		fprintf(cli->out, "%s %llu\n", p->pkgs[i].path, (unsigned long long)p->pkgs[i].size);
	fprintf(cli->out, "OK: %s: %zu packages (build root %zu packages in %.1fs%s, build %.1fs; "
		"read %.1fs, sources %.1fs, packaging %.1fs)\n", dir, p->npkgs, res->root_pkgs,
		res->seconds_root, res->root_reused ? " reused" : "", res->seconds_build, res->seconds_read, res->seconds_sources,
		res->seconds_package);
}

/* The last line of the build log, for the error message. */
static void log_tail(struct pare_cli *cli, const char *log)
{
	FILE *f = log[0] ? fopen(log, "re") : NULL;
	if (!f)
		return;
	char line[1024], last[1024] = "";
	while (fgets(line, sizeof(line), f))
		if (line[0] != '\n')
			snprintf(last, sizeof(last), "%s", line);
	fclose(f);
	last[strcspn(last, "\n")] = '\0';
	pare_log_info(&cli->log, "build log %s ends: %s", log, last);
}

static int build_all(struct build_ctx *b, struct pare_cli *cli, const struct pare_build_opts *o,
		     int argc, char **argv)
{
	struct pare_recipe *rs = calloc((size_t)argc, sizeof(*rs));
	char (*files)[4096] = calloc((size_t)argc, sizeof(*files));
	size_t *order = calloc((size_t)argc, sizeof(*order));
	size_t *edges = calloc(2 * (size_t)argc * (size_t)argc + 2, sizeof(*edges)), ne = 0;
	struct pare_error err = { 0 };
	int r = rs && files && order && edges ? 0 : -ENOMEM, status = 0;
	(void)b;
	for (int i = 0; r == 0 && i < argc; i++) {
		snprintf(files[i], sizeof(files[i]), "%s/APKBUILD", argv[i]);
		pare_recipe_init(&rs[i], files[i]);
		if (argc > 1)
			r = pare_build_read_recipe(o, argv[i], &rs[i], &err);
	}
	if (r == 0 && argc > 1)
		r = pare_build_order(rs, (size_t)argc, order, edges, &ne, &err);
	if (r < 0)
		pare_cli_report(cli, r, &err);
	for (int k = 0; r == 0 && k < argc; k++) {
		const char *dir = argv[argc > 1 ? order[k] : 0];
		struct pare_build_result res;
		pare_build_result_init(&res);
		pare_error_clear(&err);
		int e = pare_build_one(o, dir, &res, &err);
		if (e < 0) {
			/* context first, the one-line error last */
			for (size_t i = 0; i < res.pkgs.lint.nerrors; i++)
				pare_log_info(&cli->log, "lint %s", res.pkgs.lint.errors[i]);
			log_tail(cli, res.log);
			if (res.work_dir[0])
				pare_log_info(&cli->log, "work directory kept: %s", res.work_dir);
			fflush(cli->out);
			pare_cli_report(cli, e, &err);
			status = 1;
		} else {
			report_build(cli, dir, &res);
		}
		pare_build_result_release(&res);
		if (status)
			break;
	}
	for (int i = 0; rs && i < argc; i++)
		pare_recipe_release(&rs[i]);
	free(rs);
	free(files);
	free(order);
	free(edges);
	return r < 0 ? 1 : status;
}

static int build_run(void *ctx, struct pare_cli *cli, int argc, char **argv)
{
	struct build_ctx *b = ctx;
	if (argc < 1) {
		pare_cli_error(cli, "build: no recipe directory given");
		return 1;
	}
	/* pare build recipes/STAR: files next to the recipe folders are skipped */
	int n = 0;
	for (int i = 0; i < argc; i++) {
		struct stat st;
		strip_slash(argv[i]);
		if (stat(argv[i], &st) == 0 && !S_ISDIR(st.st_mode)) {
			pare_log_warning(&cli->log, "%s: not a recipe directory, skipped", argv[i]);
			continue;
		}
		argv[n++] = argv[i];
	}
	argc = n;
	if (argc < 1) {
		pare_cli_error(cli, "build: no recipe directory given");
		return 1;
	}
	struct pare_error err = { 0 };
	struct pare_cli_keys keys;
	struct pare_privkey key = { 0 };
	char keyname[256] = "";
	memset(&keys, 0, sizeof(keys));
	keys.root.fd = -1;
	int r = 0;
	if (!b->plan)
		r = pare_cli_keys_open(cli, &keys, &err);
	if (r == 0 && b->key && !b->plan) {
		r = pare_privkey_load(&key, b->key, &err);
		if (r == 0 && pare_pubkey_name_for(b->key, keyname, sizeof(keyname)) < 0)
			r = pare_error_set(&err, -PARE_E_USAGE, "%s: not a usable key file name", b->key);
	}
	if (r < 0) {
		pare_cli_report(cli, r, &err);
		pare_cli_keys_release(&keys);
		return 1;
	}
	struct pare_repo_config rc = {
		.extra = cli->opts.repos, .nextra = (size_t)cli->opts.nrepos,
		.keys = keys.keys, .allow_untrusted = cli->opts.allow_untrusted,
		.log = &cli->log, .tmp_dir = getenv("TMPDIR"),
	};
	const char *base_v[64];
	size_t nbase = 0;
	char *base_copy = b->base ? strdup(b->base) : NULL;
	for (char *save = NULL, *w = base_copy ? strtok_r(base_copy, " ,", &save) : NULL;
	     w && nbase < 64; w = strtok_r(NULL, " ,", &save))
		base_v[nbase++] = w;
	const char *srcdest = b->srcdest ? b->srcdest : getenv("SRCDEST");
	struct pare_build_opts o = {
		.out_dir = b->out ? b->out : "packages", .key = b->key ? &key : NULL,
		.keyname = keyname, .repo_cfg = &rc, .arch = cli->opts.arch,
		.srcdest = srcdest ? srcdest : "/var/cache/distfiles", .offline = b->offline,
		.debian_sources = !b->no_debian && !b->offline, .work_base = b->workdir,
		.shell = b->shell, .base_world = nbase ? base_v : NULL, .nbase_world = nbase,
		.root_cache = !b->root_cache ? "/var/cache/pare/build-roots"
			      : strcmp(b->root_cache, "none") ? b->root_cache : NULL,
		.keep_work = b->keep, .jobs = b->jobs, .log_fd = cli->opts.verbosity > 1 ? 2 : -1,
		.log = &cli->log,
	};
	int status = b->plan ? plan(b, cli, &o, argc, argv) : build_all(b, cli, &o, argc, argv);
	free(base_copy);
	pare_privkey_release(&key);
	pare_cli_keys_release(&keys);
	return status;
}

const struct pare_applet pare_applet_build = {
	.name = "build",
	.summary = "Build APKBUILD recipes in a sandbox into signed, split packages",
	.usage = "[-o REPO] [-k KEY] [--plan [--json]] RECIPE_DIR...",
	.description =
		"Read each RECIPE_DIR/APKBUILD inside a sandbox (the recipe is only ever sourced "
		"there), verify its sources against sha512sums (SRCDEST, default "
		"/var/cache/distfiles, then a byte-identical file of Debian's source package of "
		"the same name via apt-get source, then the URLs), assemble a build root from the "
		"repositories given with -X and --keys-dir (build-base + makedepends + "
		"checkdepends, installed by pare's installer), run prepare/build/check/package "
		"and the split functions in new user, mount, pid, uts, ipc and network "
		"namespaces (network only with options=\"net\"), split the result by the shared "
		"policy (-dev -doc -static -dbg ...), lint it, and write signed packages to "
		"REPO/ARCH with the index updated. Several recipes build in dependency order; "
		"--plan prints the build graph as JSON instead. Builds are reproducible: the same "
		"recipe and sources give the same bytes.",
	.options = build_options,
	.flags = PARE_APPLET_JSON,
	.ctx_size = sizeof(struct build_ctx),
	.parse = build_parse,
	.run = build_run,
};
