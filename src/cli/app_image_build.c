/* pare image build CONFIG -o OUT: the CLI side of image/build.h (options,
 * printing the result, the solver's explanation, --push). */
#include "cli/app_image_build.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "cli/app_image_sign.h"
#include "cli/common.h"
#include "cli/image_prune_print.h"
#include "cli/repos.h"
#include "cli/solve_common.h"
#include "image/build.h"
#include "image/registry.h"
#include "io/atomic.h"
#include "image/sbom.h"
#include "io/tree.h"

int pare_image_build_parse(struct pare_image_build_args *b, int id, const char *arg,
			   struct pare_error *err)
{
	char *end;
	switch (id) {
	case PIB_OPT_OUTPUT: b->output = arg; break;
	case PIB_OPT_DOCKER: b->docker_archive = arg; break;
	case PIB_OPT_REPO_TAG: b->repo_tag = arg; break;
	case PIB_OPT_TAG: b->tag = arg; break;
	case PIB_OPT_SBOM: b->sbom = arg; break;
	case PIB_OPT_PUSH: b->push = arg; break;
	case PIB_OPT_STAGING: b->staging = arg; break;
	case PIB_OPT_LOCK: b->lock = arg; break;
	case PIB_OPT_SIGN: b->sign = arg; break;
	case PIB_OPT_RUN_SCRIPTS: b->run_scripts = true; break;
	case PIB_OPT_SKIP_TESTS: b->verify.skip_tests = true; break;
	case PIB_OPT_EXPLAIN: b->explain = true; break;
	case PIB_OPT_PRUNE:
		if (strcmp(arg, "trace") != 0 && strcmp(arg, "none") != 0)
			return pare_error_set(err, -PARE_E_USAGE, "--prune: '%s' is not trace or none",
					      arg);
		b->prune = strcmp(arg, "trace") == 0 ? 1 : -1;
		break;
	case PIB_OPT_ALLOW:
		if (b->verify.nallow == PARE_IMAGE_VERIFY_MAX_ALLOW)
			return pare_error_set(err, -PARE_E_USAGE, "--allow: more than %u",
					      PARE_IMAGE_VERIFY_MAX_ALLOW);
		b->verify.allow[b->verify.nallow++] = arg;
		break;
	case PIB_OPT_SBOM_FORMAT:
		if (strcmp(arg, "spdx") != 0 && strcmp(arg, "cyclonedx") != 0)
			return pare_error_set(err, -PARE_E_USAGE,
					      "--sbom-format: '%s' is not spdx or cyclonedx", arg);
		b->sbom_format = strcmp(arg, "spdx") == 0 ? PARE_SBOM_SPDX : PARE_SBOM_CYCLONEDX;
		break;
	case PIB_OPT_LEVEL:
		b->level = (int)strtol(arg, &end, 10);
		if (*end || b->level < 1 || b->level > 9)
			return pare_error_set(err, -PARE_E_USAGE, "--level: '%s' is not 1-9", arg);
		break;
	case PIB_OPT_ADD_BINARY: {
		if (b->nbinaries == PARE_IMAGE_BUILD_CLI_MAX_BINARIES)
			return pare_error_set(err, -PARE_E_USAGE, "--add-binary: more than %u",
					      PARE_IMAGE_BUILD_CLI_MAX_BINARIES);
		/* FILE[:DEST]: DEST is absolute, so the split is at ":/" */
		const char *sep = strstr(arg, ":/");
		struct pare_image_binary *x = &b->binaries[b->nbinaries];
		b->owned[b->nbinaries] = sep ? strndup(arg, (size_t)(sep - arg)) : NULL;
		x->src = sep ? b->owned[b->nbinaries] : arg;
		x->dest = sep ? sep + 1 : NULL;
		if (!x->src || !*x->src)
			return pare_error_set(err, -PARE_E_USAGE, "--add-binary '%s': no file", arg);
		b->nbinaries++;
		break;
	}
	}
	return 0;
}

/* ---- building into OUT.pare-tmp-XXXXXX, published by rename only when
 * everything passed (a failed build leaves no image at OUT) */

static void pare_image_out_temp(const char *out, char *tmp, size_t n)
{
	size_t len = strlen(out);
	while (len > 1 && out[len - 1] == '/')
		len--;
	if (snprintf(tmp, n, "%.*s.pare-tmp-XXXXXX", (int)len, out) >= (int)n || !mkdtemp(tmp))
		tmp[0] = '\0';
}

/* Paths in the result that point into tmp now point into out. */
static void retarget(struct pare_image_build_result *res, const char *tmp, const char *out)
{
	size_t tl = strlen(tmp);
	char buf[4096];
	for (size_t i = 0; i < res->nimages; i++) {
		const char *p = res->images[i].sbom_path;
		if (!p || strncmp(p, tmp, tl) != 0)
			continue;
		snprintf(buf, sizeof(buf), "%s%s", out, p + tl);
		const char *np = pare_arena_strdup(&res->arena, pare_slice_from(buf));
		if (np)
			res->images[i].sbom_path = np;
	}
}

static int pare_image_out_publish(const char *tmp, const char *out,
				  struct pare_image_build_result *res, struct pare_error *err)
{
	char old[4096];
	if (rename(tmp, out) == 0) { /* OUT absent or an empty directory */
		retarget(res, tmp, out);
		return 0;
	}
	if (errno != ENOTEMPTY && errno != EEXIST) {
		int e = errno;
		pare_tree_remove(tmp);
		return pare_error_set(err, -e, "%s: cannot put the image in place: %s", out,
				      strerror(e));
	}
	/* OUT holds an older image: move it aside, put the new one, drop the old. */
	snprintf(old, sizeof(old), "%s.pare-old-XXXXXX", tmp);
	if (!mkdtemp(old) || rmdir(old) < 0 || rename(out, old) < 0 || rename(tmp, out) < 0) {
		int e = errno;
		pare_tree_remove(tmp);
		return pare_error_set(err, -e, "%s: cannot put the image in place: %s", out,
				      strerror(e));
	}
	pare_tree_remove(old);
	retarget(res, tmp, out);
	return 0;
}

static void print_verify(struct pare_cli *cli, const struct pare_image_verify *v)
{
	fprintf(cli->out, "inspect: %zu failed, %zu warnings\n", v->inspect_failed,
		v->inspect_warnings);
	if (v->skip_tests)
		fprintf(cli->out, "tests: skipped (%s)\n",
			v->skip_reason ? v->skip_reason : "--skip-tests");
	else if (v->smoke)
		fprintf(cli->out, "tests: no test: section; smoke check of the entrypoint passed\n");
	else
		fprintf(cli->out, "tests: %zu passed\n", v->tests_run);
}

/* ---- output */

static double pct(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

static void print_image(struct pare_cli *cli, const struct pare_image_build_image *img)
{
	char size[32], tar[32], content[32];
	pare_solve_fmt_size(img->image_size, size, sizeof(size));
	pare_solve_fmt_size(img->tar_size, tar, sizeof(tar));
	pare_solve_fmt_size(img->content_bytes, content, sizeof(content));
	fprintf(cli->out, "%s: manifest %s\n", img->arch.apk, img->manifest.digest);
	fprintf(cli->out, "%s: image size %s (%" PRIu64 " bytes compressed; layer %s "
		"uncompressed), %zu package%s, %s of files:\n", img->arch.apk, size,
		img->image_size, tar, img->npkgs, img->npkgs == 1 ? "" : "s", content);
	for (size_t i = 0; i < img->nshares; i++) {
		const struct pare_image_build_share *s = &img->shares[i];
		char label[256];
		snprintf(label, sizeof(label), "%s%s%s", s->name, *s->version ? "-" : "", s->version);
		fprintf(cli->out, "  %-40s %12" PRIu64 " bytes %6.2f%%\n", label, s->bytes,
			pct(s->bytes, img->content_bytes));
	}
	if (img->sbom_path)
		fprintf(cli->out, "%s: sbom %s\n", img->arch.apk, img->sbom_path);
	for (size_t i = 0; i < img->nneeds; i++)
		fprintf(cli->out, "%s: added for the runtime: %s (%s)\n", img->arch.apk,
			img->needs[i].package, img->needs[i].reason);
}

static void print_image_prune(struct pare_cli *cli, const struct pare_image_build_image *img,
			      bool explain)
{
	if (img->prune)
		pare_image_prune_print(cli, img->arch.apk, img->prune, explain);
}

static json_t *image_json(const struct pare_image_build_image *img)
{
	json_t *o = json_object(), *pk = json_array();
	json_object_set_new(o, "arch", json_string(img->arch.apk));
	json_object_set_new(o, "platform", json_string(img->arch.oci));
	json_object_set_new(o, "manifest", json_string(img->manifest.digest));
	json_object_set_new(o, "layer", json_string(img->layer.blob.digest));
	json_object_set_new(o, "size", json_integer((json_int_t)img->image_size));
	json_object_set_new(o, "layerSize", json_integer((json_int_t)img->layer.blob.size));
	json_object_set_new(o, "uncompressedSize", json_integer((json_int_t)img->tar_size));
	json_object_set_new(o, "contentBytes", json_integer((json_int_t)img->content_bytes));
	if (img->sbom_path)
		json_object_set_new(o, "sbom", json_string(img->sbom_path));
	for (size_t i = 0; i < img->nshares; i++) {
		const struct pare_image_build_share *s = &img->shares[i];
		json_t *p = json_object();
		json_object_set_new(p, "name", json_string(s->name));
		json_object_set_new(p, "version", json_string(s->version));
		json_object_set_new(p, "bytes", json_integer((json_int_t)s->bytes));
		json_object_set_new(p, "files", json_integer((json_int_t)s->files));
		json_object_set_new(p, "percent",
				    json_real((double)(int64_t)(pct(s->bytes, img->content_bytes) *
								100.0 + 0.5) / 100.0));
		json_array_append_new(pk, p);
	}
	json_object_set_new(o, "packages", pk);
	json_t *nd = json_array();
	for (size_t i = 0; i < img->nneeds; i++)
		json_array_append_new(nd, json_pack("{s:s, s:s}", "package", img->needs[i].package,
						    "reason", img->needs[i].reason));
	json_object_set_new(o, "runtimeNeeds", nd);
	if (img->prune)
		json_object_set_new(o, "prune", pare_image_prune_json(img->prune));
	return o;
}

static void print_json(struct pare_cli *cli, const struct pare_image_build_args *b,
		       const struct pare_image_build_result *res, const char *pushed)
{
	json_t *o = json_object(), *imgs = json_array();
	json_object_set_new(o, "output", json_string(b->output));
	json_object_set_new(o, "digest", json_string(res->top.digest));
	json_object_set_new(o, "mediaType", json_string(res->top.media_type));
	for (size_t i = 0; i < res->nimages; i++)
		json_array_append_new(imgs, image_json(&res->images[i]));
	json_object_set_new(o, "images", imgs);
	if (pushed)
		json_object_set_new(o, "pushed", json_string(pushed));
	pare_cli_json_print(cli, o);
}

/* The solver's explanation, printed by the code that prints it for add. */
static void print_solve_failure(struct pare_cli *cli, struct pare_image_build_result *res)
{
	struct pare_solve_ctx sc;
	memset(&sc, 0, sizeof(sc));
	sc.cli = cli;
	sc.u = res->universe; /* only read; owned by res */
	pare_solve_print_errors(&sc, &res->solution);
}

static int report_failure(struct pare_cli *cli, struct pare_image_build_result *res, int r,
			  const struct pare_error *err)
{
	if (res->failure == PARE_IMAGE_BUILD_SOLVE) {
		if (res->failed_arch && res->nimages > 1)
			pare_log_error(&cli->log, "architecture %s:", res->failed_arch);
		print_solve_failure(cli, res);
		for (size_t i = 0; i < res->nproblems; i++)
			pare_cli_error(cli, "%s", res->problems[i]);
		return 1;
	}
	fflush(cli->out);
	if (res->failure == PARE_IMAGE_BUILD_EXCLUDED || res->failure == PARE_IMAGE_BUILD_LOADER) {
		pare_cli_error(cli, "%s: %s", res->failed_arch ? res->failed_arch : "image",
			       res->failure == PARE_IMAGE_BUILD_LOADER ? err->msg
			       : "a need is met only by an excluded subpackage");
		for (size_t i = 0; i < res->nproblems; i++)
			fprintf(cli->errout, "  %s\n", res->problems[i]);
		return 1;
	}
	pare_cli_report(cli, r, err);
	return 1;
}

static int push(struct pare_cli *cli, const char *out, const char *ref,
		const char *registry_config, bool insecure, char *pushed, size_t n)
{
	struct pare_error err = { 0 };
	struct pare_registry_push_result res;
	struct pare_http_opts http = { .retries = 2, .progress = &cli->progress, .log = &cli->log,
				       .total_timeout_ms = pare_cli_http_deadline_ms(cli) };
	struct pare_registry_opts opts = {
		.config_path = registry_config,
		.insecure = insecure,
		.http = &http,
		.log = &cli->log,
	};
	int r = pare_registry_push_layout(out, ref, &opts, &res, &err);
	if (r < 0) {
		pare_cli_report(cli, r, &err);
		return 1;
	}
	const char *at = strchr(ref, '@');
	snprintf(pushed, n, "%.*s@%s", at ? (int)(at - ref) : (int)strlen(ref), ref, res.digest);
	return 0;
}

/* apko's positional form CONFIG TAG OUT.tar: the layout goes to a
 * temporary directory, the docker archive (RepoTags TAG) to OUT.tar, the
 * SBOM beside it (OUT.spdx.json) unless --sbom names one. */
static int positional(struct pare_image_build_args *b, struct pare_cli *cli, char **argv,
		      char *tmp, size_t ntmp, char *sbom, size_t nsbom)
{
	int r = pare_tree_mkdtemp("image", tmp, (unsigned)ntmp);
	if (r < 0) {
		pare_cli_error(cli, "image build: temporary directory: %s", strerror(-r));
		return 1;
	}
	b->output = tmp;
	b->repo_tag = argv[1];
	b->docker_archive = argv[2];
	if (!b->tag) {
		const char *colon = strrchr(argv[1], ':');
		b->tag = colon && !strchr(colon, '/') ? colon + 1 : "latest";
	}
	if (!b->sbom) {
		size_t l = strlen(argv[2]);
		if (l > 4 && strcmp(argv[2] + l - 4, ".tar") == 0)
			l -= 4;
		snprintf(sbom, nsbom, "%.*s.%s.json", (int)l, argv[2],
			 b->sbom_format == PARE_SBOM_CYCLONEDX ? "cdx" : "spdx");
		b->sbom = sbom;
	}
	return 0;
}

int pare_image_build_main(struct pare_image_build_args *b, const char *registry_config,
			  bool insecure, struct pare_cli *cli, int argc, char **argv)
{
	char tmp[PARE_PATH_MAX] = "", sbom[PARE_PATH_MAX];
	if (argc == 3 && !b->output && positional(b, cli, argv, tmp, sizeof(tmp), sbom,
						  sizeof(sbom)))
		return 1;
	if ((argc != 1 && !*tmp) || !b->output) {
		pare_cli_error(cli, "image build: want CONFIG.yaml -o OUT, or CONFIG TAG OUT.tar");
		return 1;
	}
	if (b->sign && !b->push) {
		pare_cli_error(cli, "image build: --sign signs what --push pushes; add --push REF");
		return 1;
	}
	struct pare_error err = { 0 };
	struct pare_image_build_result res;
	struct pare_http_opts http = { .retries = 2, .progress = &cli->progress, .log = &cli->log,
				       .total_timeout_ms = pare_cli_http_deadline_ms(cli) };
	char tmp_out[4096];
	b->verify.cli = cli;
	b->verify.res = &res;
	pare_image_out_temp(b->output, tmp_out, sizeof(tmp_out));
	struct pare_image_build_opts o = {
		.config_path = argv[0],
		.out_dir = tmp_out,
		.docker_archive = b->docker_archive,
		.repo_tag = b->repo_tag,
		.tag = b->tag,
		.sbom_path = b->sbom,
		.sbom_format = b->sbom_format,
		.arch = cli->opts.arch,
		.binaries = b->binaries,
		.nbinaries = b->nbinaries,
		.run_scripts = b->run_scripts,
		.allow_untrusted = cli->opts.allow_untrusted,
		.cache_dir = cli->opts.no_cache ? NULL : cli->opts.cache_dir,
		.staging_dir = b->staging,
		.lock_in = b->lock,
		.source_date_epoch = pare_cli_source_date_epoch(0),
		.level = b->level,
		.prune_trace = b->prune > 0,
		.no_prune = b->prune < 0,
		.verify = pare_image_verify_hook,
		.verify_ctx = &b->verify,
		.os_version = PARE_VERSION,
		.tool = "pare " PARE_VERSION,
		.http = &http,
		.log = &cli->log,
		.progress = &cli->progress,
	};
	char pushed[1024] = "";
	pare_image_build_result_init(&res);
	int r = tmp_out[0] ? pare_image_build(&o, &res, &err) : -ENAMETOOLONG;
	if (r == 0)
		r = pare_image_out_publish(tmp_out, b->output, &res, &err);
	else if (tmp_out[0])
		pare_tree_remove(tmp_out); /* nothing half-written at OUT */
	int status = r < 0 ? report_failure(cli, &res, r, &err) : 0;
	if (status == 0 && !cli->opts.json && cli->opts.verbosity > 0)
		print_verify(cli, &b->verify);
	if (status == 0 && b->push)
		status = push(cli, b->output, b->push, registry_config, insecure, pushed,
			      sizeof(pushed));
	if (status == 0 && b->sign)
		status = pare_image_sign_run(cli, b->sign, NULL, pushed, registry_config, insecure);
	if (status == 0 && cli->opts.json) {
		print_json(cli, b, &res, b->push ? pushed : NULL);
	} else if (status == 0 && cli->opts.verbosity > 0) {
		for (size_t i = 0; i < res.nimages; i++) {
			print_image(cli, &res.images[i]);
			print_image_prune(cli, &res.images[i], b->explain);
		}
		fprintf(cli->out, "OK: %s %s in %s\n", res.top.media_type, res.top.digest,
			*tmp ? b->docker_archive : b->output);
		if (b->push)
			fprintf(cli->out, "pushed %s\n", pushed);
	}
	pare_image_build_result_release(&res);
	for (size_t i = 0; i < b->nbinaries; i++)
		free(b->owned[i]);
	if (*tmp)
		pare_tree_remove(tmp);
	return status;
}

static void print_packages(struct pare_cli *cli, const struct pare_image_lock *l)
{
	json_t *arr = cli->opts.json ? json_array() : NULL;
	for (size_t i = 0; l && i < l->n; i++) {
		const struct pare_image_lock_pkg *p = &l->pkgs[i];
		if (!arr) {
			fprintf(cli->out, "%s %s %s\n", p->arch, p->name, p->version);
			continue;
		}
		json_t *o = json_object();
		json_object_set_new(o, "arch", json_string(p->arch));
		json_object_set_new(o, "name", json_string(p->name));
		json_object_set_new(o, "version", json_string(p->version));
		json_object_set_new(o, "checksum", json_string(p->checksum));
		json_object_set_new(o, "url", json_string(p->url ? p->url : ""));
		json_array_append_new(arr, o);
	}
	if (arr)
		pare_cli_json_print(cli, arr);
}

int pare_image_lock_main(struct pare_image_build_args *b, struct pare_cli *cli, int argc,
			 char **argv, bool show)
{
	char path[PARE_PATH_MAX];
	if (argc != 1) {
		pare_cli_error(cli, "image %s: want CONFIG.yaml%s", show ? "show-packages" : "lock",
			       show ? "" : " (and -o FILE)");
		return 1;
	}
	if (!show && !b->output &&
	    pare_image_lock_default_path(argv[0], path, sizeof(path)) < 0) {
		pare_cli_error(cli, "image lock: %s: name too long", argv[0]);
		return 1;
	}
	struct pare_error err = { 0 };
	struct pare_image_build_result res;
	struct pare_http_opts http = { .retries = 2, .progress = &cli->progress, .log = &cli->log };
	struct pare_image_build_opts o = {
		.config_path = argv[0],
		.lock_path = show ? NULL : b->output ? b->output : path,
		.resolve_only = show,
		.binaries = b->binaries,
		.nbinaries = b->nbinaries,
		.arch = cli->opts.arch,
		.allow_untrusted = cli->opts.allow_untrusted,
		.cache_dir = cli->opts.no_cache ? NULL : cli->opts.cache_dir,
		.http = &http,
		.log = &cli->log,
		.progress = &cli->progress,
	};
	pare_image_build_result_init(&res);
	int r = pare_image_build(&o, &res, &err);
	int status = r < 0 ? report_failure(cli, &res, r, &err) : 0;
	if (status == 0 && show)
		print_packages(cli, res.lock);
	else if (status == 0 && cli->opts.verbosity > 0)
		fprintf(cli->out, "OK: %zu package%s locked in %s\n", res.lock ? res.lock->n : 0,
			res.lock && res.lock->n == 1 ? "" : "s", o.lock_path);
	pare_image_build_result_release(&res);
	for (size_t i = 0; i < b->nbinaries; i++)
		free(b->owned[i]);
	return status;
}

int pare_image_publish_main(struct pare_image_build_args *b, const char *registry_config,
			    bool insecure, struct pare_cli *cli, int argc, char **argv)
{
	char tmp[PARE_PATH_MAX], pushed[1024];
	if (argc < 2 || b->output) {
		pare_cli_error(cli, "image publish: want CONFIG.yaml REF... (no -o: the layout is "
			       "temporary)");
		return 1;
	}
	int r = pare_tree_mkdtemp("publish", tmp, sizeof(tmp));
	if (r < 0) {
		pare_cli_error(cli, "image publish: temporary directory: %s", strerror(-r));
		return 1;
	}
	b->output = tmp;
	b->push = argv[1];
	int status = pare_image_build_main(b, registry_config, insecure, cli, 1, argv);
	for (int i = 2; status == 0 && i < argc; i++) {
		status = push(cli, tmp, argv[i], registry_config, insecure, pushed, sizeof(pushed));
		if (status == 0 && b->sign)
			status = pare_image_sign_run(cli, b->sign, NULL, pushed, registry_config,
						     insecure);
		if (status == 0 && !cli->opts.json)
			fprintf(cli->out, "pushed %s\n", pushed);
	}
	pare_tree_remove(tmp);
	return status;
}
