/* Repository set-up shared by the repository applets (see repos.h). */
#include "cli/repos.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "apk/version.h"

static long env_long(const char *name, long fallback)
{
	const char *v = getenv(name);
	uint64_t n;
	if (!v || !pare_slice_to_u64(pare_slice_from(v), &n) || n > 86400000)
		return fallback;
	return (long)n;
}

long pare_cli_http_deadline_ms(const struct pare_cli *cli)
{
	if (cli->opts.timeout_set)
		return cli->opts.timeout ? (long)cli->opts.timeout * 1000 : -1;
	return env_long("PARE_HTTP_MAX_TIME_MS", 0);
}

int pare_cli_script_timeout(const struct pare_cli *cli)
{
	if (!cli->opts.script_timeout_set)
		return 0;
	return cli->opts.script_timeout ? (int)cli->opts.script_timeout : -1;
}

static void http_opts_from_env(const struct pare_cli *cli, struct pare_http_opts *o)
{
	o->low_speed_time = env_long("PARE_HTTP_TIMEOUT", 60);
	o->connect_timeout_ms = env_long("PARE_HTTP_CONNECT_TIMEOUT_MS", 15000);
	o->retries = (int)env_long("PARE_HTTP_RETRIES", 2);
	o->retry_delay_ms = env_long("PARE_HTTP_RETRY_DELAY_MS", 1000);
	o->total_timeout_ms = pare_cli_http_deadline_ms(cli);
}

static void report_repos(struct pare_cli *cli, struct pare_cli_repos *cr, bool refresh)
{
	for (size_t i = 0; i < cr->repos.n; i++) {
		const struct pare_repo *r = &cr->repos.v[i];
		if (!r->error[0])
			continue;
		bool trust = r->code == -PARE_E_UNTRUSTED || r->code == -PARE_E_BAD_SIGNATURE;
		cr->refused += trust;
		if (r->code == -PARE_E_UNTRUSTED)
			cli->saw_untrusted = true;
		if (refresh)
			pare_cli_error(cli, "%s", r->error);
		else
			pare_log_warning(&cli->log, "%s%s", r->error,
					 r->stale ? " (using the cached index)" : "");
	}
	if (cli->saw_untrusted) {
		char hint[8192];
		pare_cli_untrusted_hint(&cr->keys, hint, sizeof(hint));
		pare_log_warning(&cli->log, "%s", hint);
	}
}

void pare_cli_repo_config(struct pare_cli *cli, struct pare_repo_config *cfg)
{
	*cfg = (struct pare_repo_config){
		.root = cli->opts.root,
		.repositories_file = cli->opts.repositories_file,
		.extra = cli->opts.repos,
		.nextra = (size_t)cli->opts.nrepos,
		.arch = cli->opts.arch,
		.cache_dir = cli->opts.cache_dir,
		.no_cache = cli->opts.no_cache,
		.no_network = cli->opts.no_network,
		.tmp_dir = getenv("TMPDIR"),
		.allow_untrusted = cli->opts.allow_untrusted,
		.log = &cli->log,
		.progress = &cli->progress,
		.allow_index_downgrade = cli->opts.allow_index_downgrade,
		.index_max_age = (int64_t)cli->opts.index_max_age * 86400,
	};
	http_opts_from_env(cli, &cfg->http);
}

int pare_cli_repos_open(struct pare_cli *cli, struct pare_cli_repos *cr, bool refresh)
{
	return pare_cli_repos_open_lists(cli, cr, refresh, false);
}

int pare_cli_repos_open_lists(struct pare_cli *cli, struct pare_cli_repos *cr, bool refresh,
			      bool lazy_deps)
{
	struct pare_error err = { 0 };
	struct pare_repo_config cfg;
	pare_cli_repo_config(cli, &cfg);
	cfg.lazy_deps = lazy_deps;
	memset(cr, 0, sizeof(*cr));
	cr->keys.root.fd = -1;
	int r = pare_cli_keys_open(cli, &cr->keys, &err);
	if (r == 0) {
		cfg.keys = cr->keys.keys;
		r = pare_repos_init(&cr->repos, &cfg, &err);
	}
	if (r == 0)
		r = pare_repos_load(&cr->repos, refresh || cli->opts.update_cache, &cr->unavailable,
				    &cr->stale, &err);
	if (r < 0) {
		pare_cli_report(cli, r, &err);
		return r;
	}
	report_repos(cli, cr, refresh);
	return 0;
}

void pare_cli_repos_close(struct pare_cli_repos *cr)
{
	if (!cr)
		return;
	pare_repos_release(&cr->repos);
	pare_cli_keys_release(&cr->keys);
}

static int cmp_ent(const void *a, const void *b)
{
	const struct pare_pkgent *x = *(const struct pare_pkgent *const *)a;
	const struct pare_pkgent *y = *(const struct pare_pkgent *const *)b;
	int c = pare_pkgent_cmp(x, y);
	return c ? c : (x->repo > y->repo) - (x->repo < y->repo);
}

static bool same_pkg(const struct pare_pkgent *a, const struct pare_pkgent *b)
{
	return a->identity_text.len && pare_slice_eq(a->identity_text, b->identity_text) &&
	       pare_slice_eq(a->name, b->name) && pare_slice_eq(a->version, b->version);
}

int pare_cli_repos_sorted(const struct pare_repos *rs, bool dedupe,
			  const struct pare_pkgent ***out, size_t *n)
{
	return pare_cli_repos_sorted_if(rs, dedupe, NULL, NULL, out, n);
}

int pare_cli_repos_sorted_if(const struct pare_repos *rs, bool dedupe,
			     bool (*keep)(void *ctx, const struct pare_pkgent *e), void *ctx,
			     const struct pare_pkgent ***out, size_t *n)
{
	size_t total = 0, k = 0;
	for (size_t i = 0; i < rs->n; i++)
		if (rs->v[i].loaded)
			total += rs->v[i].index.n;
	const struct pare_pkgent **v = calloc(total ? total : 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < rs->n; i++)
		for (size_t j = 0; rs->v[i].loaded && j < rs->v[i].index.n; j++)
			if (!keep || keep(ctx, &rs->v[i].index.ents[j]))
				v[k++] = &rs->v[i].index.ents[j];
	qsort(v, k, sizeof(*v), cmp_ent);
	size_t m = 0;
	for (size_t i = 0; i < k; i++)
		if (m == 0 || !dedupe || !same_pkg(v[m - 1], v[i]))
			v[m++] = v[i];
	*out = v;
	*n = m;
	return 0;
}

static bool better(const struct pare_repos *rs, const struct pare_pkgent *cand,
		   const struct pare_pkgent *best)
{
	if (!best)
		return true;
	bool ct = rs->v[cand->repo].tag != NULL, bt = rs->v[best->repo].tag != NULL;
	if (ct != bt)
		return bt;
	return pare_version_compare(cand->version, best->version) == PARE_VERSION_GREATER;
}

const struct pare_pkgent *pare_cli_repos_best(const struct pare_repos *rs,
					      struct pare_slice name)
{
	const struct pare_pkgent *best = NULL;
	for (size_t i = 0; i < rs->n; i++) {
		const struct pare_index *idx = &rs->v[i].index;
		for (size_t j = 0; rs->v[i].loaded && j < idx->n; j++)
			if (pare_slice_eq(idx->ents[j].name, name) && better(rs, &idx->ents[j], best))
				best = &idx->ents[j];
	}
	return best;
}

void pare_cli_human_size(uint64_t size, char *out, size_t n)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	size_t i = 0;
	while (size >= 10000 && i < sizeof(units) / sizeof(units[0]) - 1) {
		size /= 1024;
		i++;
	}
	snprintf(out, n, "%llu %s", (unsigned long long)size, units[i]);
}

static json_t *jslice(struct pare_slice s)
{
	return json_stringn(s.ptr ? s.ptr : "", s.len);
}

json_t *pare_cli_pkgent_json(const struct pare_pkgent *e)
{
	json_t *o = json_object();
	json_object_set_new(o, "name", jslice(e->name));
	json_object_set_new(o, "version", jslice(e->version));
	json_object_set_new(o, "arch", jslice(e->arch));
	json_object_set_new(o, "origin", jslice(e->origin.len ? e->origin : e->name));
	json_object_set_new(o, "license", jslice(e->license));
	json_object_set_new(o, "description", jslice(e->description));
	json_object_set_new(o, "url", jslice(e->url));
	json_object_set_new(o, "size", json_integer((json_int_t)e->size));
	json_object_set_new(o, "installedSize", json_integer((json_int_t)e->installed_size));
	return o;
}

int pare_cli_repos_open_sorted(struct pare_cli *cli, struct pare_cli_repos *cr, bool dedupe,
			       const struct pare_pkgent ***out, size_t *n)
{
	int r = pare_cli_repos_open(cli, cr, false);
	if (r < 0)
		return r;
	r = pare_cli_repos_sorted(&cr->repos, dedupe, out, n);
	if (r < 0)
		pare_cli_error(cli, "out of memory");
	return r;
}
