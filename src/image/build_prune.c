/* pare image build --prune=trace (see build_int.h, image/prune.h and
 * docs/prune.md): run 1 traces the image's tests on the full root; the
 * plan removes what neither the trace nor the static analysis keeps; run
 * 2 runs the same tests on the pruned root; a failure puts every removed
 * file back and the report names the test and the removed file its output
 * names. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "image/build_int.h"
#include "image/image.h"
#include "image/prune.h"
#include "image/test.h"

/* The tests (or the smoke check) on the staged root, traced when t. */
static int run_tests(struct pib_arch *a, const struct pare_oci_image *img, struct pare_trace *t,
		     struct pare_image_test_report *rep, struct pare_error *err)
{
	struct pare_image_test_opts to = {
		.root = a->root_path, .tests = a->cfg->tests, .ntests = a->cfg->ntests,
		.smoke = !a->cfg->has_tests,
		.entrypoint = img->entrypoint, .nentrypoint = img->nentrypoint,
		.cmd = img->cmd, .ncmd = img->ncmd, .env = img->env, .nenv = img->nenv,
		.user = img->user, .cwd = img->working_dir, .tmp_dir = a->o->tmp_dir,
		.log = a->o->log, .trace = t,
	};
	return pare_image_test_run(&to, rep, err);
}

static double seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const struct pare_image_test_result *first_failed(const struct pare_image_test_report *r)
{
	for (size_t i = 0; i < r->n; i++)
		if (!r->results[i].passed)
			return &r->results[i];
	return NULL;
}

/* A failed test's output in the log, a few lines of each stream. */
static void log_output(struct pib_arch *a, const struct pare_image_test_result *t)
{
	const char *streams[2] = { t->errout, t->out };
	for (size_t k = 0; k < 2; k++) {
		const char *p = streams[k];
		for (int n = 0; p && *p && n < 5; n++) {
			size_t len = strcspn(p, "\n");
			pare_log_warning(a->o->log, "  %s %s| %.*s", t->name, k ? "stdout" : "stderr",
					 (int)(len > 300 ? 300 : len), p);
			p += len + (p[len] == '\n');
		}
	}
}

static const char *dup(struct pib_arch *a, const char *s)
{
	return s ? pare_arena_strdup(&a->res->arena, pare_slice_from(s)) : NULL;
}

/* The result's per-package lines, with the ten largest removed files. */
static int fill_report(struct pib_arch *a, const struct pare_prune_result *pr,
		       struct pare_image_build_prune *out)
{
	out->bytes_before = pr->bytes_before;
	out->bytes_after = pr->bytes_after;
	out->files_before = pr->files_before;
	out->files_after = pr->files_after;
	out->traced = pr->traced;
	out->by_rule = pr->by_rule;
	out->by_elf = pr->by_elf;
	out->by_link = pr->by_link;
	out->pkgs = pare_arena_zalloc(&a->res->arena, (pr->npkgs + 1) * sizeof(*out->pkgs));
	if (!out->pkgs)
		return -ENOMEM;
	for (size_t i = 0; i < pr->npkgs; i++) {
		const struct pare_prune_pkg *p = &pr->pkgs[i];
		struct pare_image_build_prune_pkg *q = &out->pkgs[out->npkgs];
		if (!p->kept_files && !p->removed_files)
			continue;
		out->npkgs++;
		q->name = dup(a, p->name);
		q->kept_bytes = p->kept_bytes;
		q->removed_bytes = p->removed_bytes;
		q->kept_files = p->kept_files;
		q->removed_files = p->removed_files;
		q->removed = pare_arena_zalloc(&a->res->arena, (p->removed_files + 1) *
					       sizeof(*q->removed));
		if (!q->name || !q->removed)
			return -ENOMEM;
		/* the largest: insertion into a short sorted list (ties by path) */
		size_t nrem = 0;
		for (size_t j = 0; j < pr->nremoved; j++) {
			const struct pare_prune_file *f = &pr->removed[j];
			if (strcmp(f->pkg, p->name) != 0)
				continue;
			if (!(q->removed[nrem++] = dup(a, f->path)))
				return -ENOMEM;
			size_t k = q->ntop;
			while (k > 0 && q->top_bytes[k - 1] < f->size)
				k--;
			if (k >= PARE_IMAGE_PRUNE_TOP)
				continue;
			size_t last = q->ntop < PARE_IMAGE_PRUNE_TOP ? q->ntop : PARE_IMAGE_PRUNE_TOP - 1;
			memmove(&q->top[k + 1], &q->top[k], (last - k) * sizeof(q->top[0]));
			memmove(&q->top_bytes[k + 1], &q->top_bytes[k], (last - k) * sizeof(uint64_t));
			q->top[k] = f->path; /* in pr's arena: copied below */
			q->top_bytes[k] = f->size;
			if (q->ntop < PARE_IMAGE_PRUNE_TOP)
				q->ntop++;
		}
		for (size_t k = 0; k < q->ntop; k++)
			if (!(q->top[k] = dup(a, q->top[k])))
				return -ENOMEM;
	}
	return 0;
}

static int stash_path(struct pib_arch *a, char *out, size_t n, struct pare_error *err)
{
	if (snprintf(out, n, "%s.pruned", a->root_path) >= (int)n)
		return pare_error_set(err, -ENAMETOOLONG, "%s: name too long", a->root_path);
	if (pib_keep_temp(a->res, out) < 0)
		return pare_error_set(err, -ENOMEM, "out of memory");
	return 0;
}

/* Run 2 failed: put everything back, say which test and which file. */
static int undo(struct pib_arch *a, const struct pare_prune_opts *po, struct pare_prune_result *pr,
		const struct pare_image_test_result *bad, struct pare_image_build_prune *out,
		struct pare_error *err)
{
	const char *file = pare_prune_named_file(pr, bad->errout);
	if (!file)
		file = pare_prune_named_file(pr, bad->out);
	out->kept = false;
	log_output(a, bad);
	out->failed_test = dup(a, bad->name);
	out->missing_file = dup(a, file);
	pare_log_warning(a->o->log, "%s: prune: test '%s' fails on the pruned root (%s)%s%s%s; "
			 "the unpruned image is kept", a->img->arch.apk, bad->name,
			 bad->why ? bad->why : "failed", file ? ": it needs /" : "",
			 file ? file : "", file ? ", which was removed" : "");
	return pare_prune_restore(po, pr, err);
}

/* Packages never pruned: the config's keep-packages, and the packages the
 * runtime-need rules (needs.c: base layout, locales, zone files, CA
 * bundle) added, since a test may not exercise what they are for; not the
 * entrypoint's package, whose program the tests run like any other. */
static const char **keep_packages(struct pib_arch *a, size_t *n)
{
	const char **v = pare_arena_zalloc(&a->arena, (a->cfg->nkeep_packages + a->nneeds + 1) *
					   sizeof(*v));
	*n = 0;
	for (size_t i = 0; v && i < a->cfg->nkeep_packages; i++)
		v[(*n)++] = a->cfg->keep_packages[i];
	for (size_t i = 0; v && i < a->nneeds; i++)
		if (!strchr(a->needs[i].atom, ':') && !a->needs[i].prunable)
			v[(*n)++] = a->needs[i].atom;
	return v;
}

int pib_prune(struct pib_arch *a, struct pare_error *err)
{
	struct pare_arena arena;
	struct pare_oci_image img;
	struct pare_trace t;
	struct pare_image_test_report rep1, rep2;
	struct pare_prune_result pr;
	char stash[PARE_PATH_MAX];
	struct pare_image_build_prune *out = pare_arena_zalloc(&a->res->arena, sizeof(*out));
	size_t nkp = 0;
	const char **kp = keep_packages(a, &nkp);
	if (!out || !kp)
		return pare_error_set(err, -ENOMEM, "out of memory");
	pare_arena_init(&arena, 0, 0);
	pare_trace_init(&t);
	pare_image_test_report_init(&rep1);
	pare_image_test_report_init(&rep2);
	pare_prune_result_init(&pr);
	struct pare_prune_opts po = {
		.root = a->root_path, .trace = &t,
		.keep = a->cfg->keep, .nkeep = a->cfg->nkeep,
		.keep_pkgs = kp, .nkeep_pkgs = nkp,
		.db = a->db, .stash = stash,
	};
	double t0 = seconds(), t1 = t0, t2 = t0;
	int r = pare_image_oci_config(a->cfg, &a->img->arch, 0, &arena, &img, err);
	if (r == 0)
		r = stash_path(a, stash, sizeof(stash), err);
	if (r == 0)
		r = run_tests(a, &img, &t, &rep1, err);
	const struct pare_image_test_result *bad = r == 0 ? first_failed(&rep1) : NULL;
	if (r == 0 && bad)
		log_output(a, bad);
	if (r == 0 && bad)
		r = pare_error_set(err, -PARE_E_INTEGRITY, "prune: test '%s' fails before pruning "
				   "(%s); nothing was pruned", bad->name, bad->why ? bad->why : "");
	if (r == 0 && t.overflow)
		r = pare_error_set(err, -PARE_E_TOO_BIG, "prune: the trace lost events (queue "
				   "overflow); nothing was pruned");
	t1 = seconds();
	if (r == 0)
		r = pare_prune_plan(&po, &pr, err);
	if (r == 0)
		r = pare_prune_apply(&po, &pr, err);
	t2 = seconds();
	if (r == 0)
		r = run_tests(a, &img, NULL, &rep2, err);
	bad = r == 0 ? first_failed(&rep2) : NULL;
	if (r == 0 && fill_report(a, &pr, out) < 0)
		r = pare_error_set(err, -ENOMEM, "out of memory");
	if (r == 0) {
		out->kept = !bad;
		out->tests_done = true;
		out->tests_run = rep2.n;
		a->img->prune = out;
		pare_log_msg(a->o->log, PARE_LOG_INFO, "%s: prune: %zu of %zu files kept (%zu traced, "
			     "%zu by rules and keep:, %zu ELF needs, %zu links), %llu of %llu bytes",
			     a->img->arch.apk, pr.files_after, pr.files_before, pr.traced,
			     pr.by_rule, pr.by_elf, pr.by_link, (unsigned long long)pr.bytes_after,
			     (unsigned long long)pr.bytes_before);
		pare_log_msg(a->o->log, PARE_LOG_INFO, "%s: prune: traced run %.2f s, plan and "
			     "removal %.2f s, run on the pruned root %.2f s", a->img->arch.apk,
			     t1 - t0, t2 - t1, seconds() - t2);
		if (!a->cfg->has_tests)
			pare_log_msg(a->o->log, PARE_LOG_INFO, "%s: prune: no test: section, so only "
				     "the entrypoint's start was traced; what the tests do not "
				     "exercise is removed (the user's responsibility)",
				     a->img->arch.apk);
	}
	if (r == 0 && bad)
		r = undo(a, &po, &pr, bad, out, err);
	if (r < 0 && pr.applied) {
		struct pare_error ignored = { 0 };
		pare_prune_restore(&po, &pr, &ignored);
	}
	struct pib_check_in ci = pib_check_inputs(a);
	if (r == 0)
		r = pib_shares(&ci, err); /* the image's sizes as they now are */
	pare_prune_result_release(&pr);
	pare_image_test_report_release(&rep2);
	pare_image_test_report_release(&rep1);
	pare_trace_release(&t);
	pare_arena_release(&arena);
	return r;
}
