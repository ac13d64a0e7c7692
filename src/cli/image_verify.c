/* The checks `pare image build` runs before it reports success, and
 * `pare image test OUT` (see image_verify.h). */
#include "cli/image_verify.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/inspect_print.h"
#include "image/image.h"
#include "image/test.h"
#include "repo/repo.h"

static void print_test_failure(struct pare_cli *cli, const struct pare_image_test_result *r)
{
	fprintf(cli->errout, "test '%s' failed: %s\n  command: %s\n", r->name,
		r->why ? r->why : "", r->argv_text);
	if (r->status > -1000)
		fprintf(cli->errout, "  exit: %d\n", r->status);
	if (r->out && *r->out)
		fprintf(cli->errout, "  stdout:\n%s%s", r->out,
			r->out[strlen(r->out) - 1] == '\n' ? "" : "\n");
	if (r->errout && *r->errout)
		fprintf(cli->errout, "  stderr:\n%s%s", r->errout,
			r->errout[strlen(r->errout) - 1] == '\n' ? "" : "\n");
}

/* Run the tests (or the smoke check) in root; returns failures or < 0. */
static int run_tests(struct pare_cli *cli, const char *root, const struct pare_image_test *tests,
		     size_t ntests, bool smoke, const struct pare_insp_runinfo *run,
		     size_t *nrun, struct pare_error *err)
{
	struct pare_image_test_report rep;
	struct pare_image_test_opts to = {
		.root = root, .tests = tests, .ntests = ntests, .smoke = smoke,
		.entrypoint = run->entrypoint, .nentrypoint = run->nentrypoint,
		.cmd = run->cmd, .ncmd = run->ncmd, .env = run->env, .nenv = run->nenv,
		.user = run->user, .cwd = run->workdir, .log = &cli->log,
	};
	pare_image_test_report_init(&rep);
	int rc = pare_image_test_run(&to, &rep, err);
	for (size_t i = 0; i < rep.n; i++)
		if (!rep.results[i].passed)
			print_test_failure(cli, &rep.results[i]);
	*nrun = rep.n;
	if (rc == 0)
		rc = (int)rep.failed;
	pare_image_test_report_release(&rep);
	return rc;
}

static int inspect_root(struct pare_image_verify *v, const char *root,
			const struct pare_image_config *cfg, const struct pare_insp_runinfo *run,
			struct pare_error *err)
{
	struct pare_insp_policy pol;
	struct pare_insp_target t;
	struct pare_insp_report rep;
	pare_insp_policy_init(&pol);
	pare_insp_target_init(&t);
	pare_insp_report_init(&rep);
	t.root = root;
	t.kind = "staged root";
	t.run = *run;
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < v->nallow; i++)
		rc = pare_insp_policy_add(&pol, v->allow[i], "allowed with --allow", err);
	if (rc == 0)
		rc = pare_insp_policy_asked(&pol, cfg->packages, cfg->npackages, err);
	struct pare_insp_opts io = { .policy = &pol };
	if (rc == 0)
		rc = pare_insp_run(&t, &io, &rep, err);
	if (rc == 0) {
		v->inspect_failed = rep.failed;
		v->inspect_warnings = rep.warnings;
		if (rep.failed || v->cli->opts.verbosity > 1) {
			FILE *save = v->cli->out;
			v->cli->out = v->cli->errout; /* keep stdout for the result */
			pare_inspect_print_text(v->cli, &rep, v->cli->opts.verbosity <= 1);
			v->cli->out = save;
		}
		if (rep.failed)
			rc = pare_error_set(err, -PARE_E_INTEGRITY, "inspection: %zu error-level "
					    "check%s failed (listed above; --allow ID waives one)",
					    rep.failed, rep.failed == 1 ? "" : "s");
	}
	t.root = NULL; /* not ours */
	pare_insp_report_release(&rep);
	pare_insp_target_release(&t);
	pare_insp_policy_release(&pol);
	return rc;
}

/* Why the tests cannot run here, or NULL. */
static const char *runc_missing(void)
{
	if (geteuid() != 0)
		return "not root: runc needs root to run them";
	const char *path = getenv("PATH");
	char buf[4096];
	for (const char *p = path ? path : "/usr/sbin:/usr/bin:/sbin:/bin"; *p;) {
		const char *e = strchr(p, ':');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (n && snprintf(buf, sizeof(buf), "%.*s/runc", (int)n, p) < (int)sizeof(buf) &&
		    access(buf, X_OK) == 0)
			return NULL;
		p += n + (e != NULL);
	}
	return "runc is not installed";
}

int pare_image_verify_hook(void *ctx, const char *root, const struct pare_image_config *cfg,
			   const struct pare_image_arch *arch, struct pare_error *err)
{
	struct pare_image_verify *v = ctx;
	struct pare_arena a;
	struct pare_oci_image img;
	pare_arena_init(&a, 0, 0);
	int rc = pare_image_oci_config(cfg, arch, 0, &a, &img, err);
	struct pare_insp_runinfo run = {
		.present = true, .env = img.env, .nenv = img.nenv,
		.entrypoint = img.entrypoint, .nentrypoint = img.nentrypoint,
		.cmd = img.cmd, .ncmd = img.ncmd, .user = img.user, .workdir = img.working_dir,
	};
	if (rc == 0)
		rc = inspect_root(v, root, cfg, &run, err);
	const char *why_not = v->skip_tests ? "--skip-tests" : runc_missing();
	if (!why_not && strcmp(arch->apk, pare_repo_host_arch()) != 0)
		why_not = "another architecture than this host's";
	if (rc == 0 && why_not) {
		v->skip_tests = true;
		v->skip_reason = why_not;
		pare_log_msg(&v->cli->log, v->skip_reason[0] == '-' ? PARE_LOG_INFO : PARE_LOG_WARNING,
			     "%s: tests skipped (%s)", arch->apk, why_not);
	}
	size_t nrun = 0;
	v->smoke = !cfg->has_tests;
	const struct pare_image_build_prune *pr = NULL;
	for (size_t i = 0; v->res && i < v->res->nimages; i++)
		if (strcmp(v->res->images[i].arch.apk, arch->apk) == 0)
			pr = v->res->images[i].prune;
	if (rc == 0 && !v->skip_tests && pr && pr->tests_done)
		nrun = pr->tests_run; /* passed on this very root during pruning */
	else if (rc == 0 && !v->skip_tests)
		rc = run_tests(v->cli, root, cfg->tests, cfg->ntests, !cfg->has_tests, &run, &nrun,
			       err);
	v->tests_run += nrun;
	if (rc > 0) {
		v->tests_failed += (size_t)rc;
		rc = pare_error_set(err, -PARE_E_INTEGRITY, "%s: %d of %zu image test%s failed "
				    "(listed above); no image was written", arch->apk, rc, nrun,
				    nrun == 1 ? "" : "s");
	}
	pare_arena_release(&a);
	return rc;
}

/* ---- pare image test OUT */

int pare_image_test_main(struct pare_cli *cli, int argc, char **argv)
{
	if (argc != 1) {
		pare_cli_error(cli, "image test: want OUT (an OCI layout or a docker-archive)");
		return 1;
	}
	struct pare_error err = { 0 };
	struct pare_insp_target t;
	struct pare_image_test *tests = NULL;
	size_t ntests = 0, nrun = 0;
	pare_insp_target_init(&t);
	int rc = pare_insp_target_open(&t, argv[0], NULL, &err);
	if (rc == 0 && !t.oci)
		rc = pare_error_set(&err, -PARE_E_USAGE, "%s: not an image (OCI layout or "
				    "docker-archive)", argv[0]);
	const char *lv = rc == 0 ? pare_insp_target_label(&t, PARE_IMAGE_TEST_LABEL) : NULL;
	if (rc == 0 && lv)
		rc = pare_image_tests_from_json(&t.arena, pare_slice_from(lv), &tests, &ntests, &err);
	if (rc == 0)
		rc = run_tests(cli, t.root, tests, ntests, lv == NULL, &t.run, &nrun, &err);
	int status = rc == 0 ? 0 : 1;
	if (rc < 0)
		pare_cli_report(cli, rc, &err);
	else if (rc > 0)
		pare_cli_error(cli, "%s: %d of %zu test%s failed", argv[0], rc, nrun,
			       nrun == 1 ? "" : "s");
	else
		fprintf(cli->out, "OK: %zu %s passed in %s\n", nrun,
			lv ? (nrun == 1 ? "test" : "tests") : "smoke check", argv[0]);
	pare_insp_target_release(&t);
	return status;
}
