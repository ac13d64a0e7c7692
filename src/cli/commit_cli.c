/* CLI glue for transactions: see commit_cli.h. */
#include "cli/commit_cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "apk/version.h"
#include "cli/common.h"
#include "cli/repos.h"

const char *pare_cli_commit_verb(enum pare_txn_kind k)
{
	switch (k) {
	case PARE_TXN_INSTALL: return "Installing";
	case PARE_TXN_UPGRADE: return "Upgrading";
	case PARE_TXN_DOWNGRADE: return "Downgrading";
	case PARE_TXN_REPLACE: return "Replacing";
	case PARE_TXN_REINSTALL: return "Reinstalling";
	case PARE_TXN_RETAG: return "Updating pinning";
	case PARE_TXN_REMOVE: return "Purging";
	}
	return "?";
}

void pare_cli_commit_line(FILE *f, size_t i, size_t n, const char *verb, struct pare_slice name,
			  struct pare_slice tag, struct pare_slice old_version,
			  struct pare_slice new_version)
{
	char digits[24];
	int width = snprintf(digits, sizeof(digits), "%zu", n);
	fprintf(f, "(%*zu/%zu) %s %.*s%s%.*s (", width, i + 1, n, verb, (int)name.len, name.ptr,
		tag.len ? "@" : "", (int)tag.len, tag.ptr);
	if (old_version.len && new_version.len && !pare_slice_eq(old_version, new_version))
		fprintf(f, "%.*s -> ", (int)old_version.len, old_version.ptr);
	struct pare_slice v = new_version.len ? new_version : old_version;
	fprintf(f, "%.*s)\n", (int)v.len, v.ptr);
}

/* ---- the session ---- */

static void waiting_msg(void *ctx)
{
	struct pare_cli *cli = ctx;
	pare_log_warning(&cli->log, "Waiting for repository lock");
}

static void report_repos(struct pare_cli *cli, const struct pare_session *s)
{
	for (size_t i = 0; s->repos_open && i < s->repos.n; i++) {
		const struct pare_repo *r = &s->repos.v[i];
		if (r->code == -PARE_E_UNTRUSTED)
			cli->saw_untrusted = true;
		if (r->error[0])
			pare_log_warning(&cli->log, "%s%s", r->error,
					 r->stale ? " (using the cached index)" : "");
	}
	if (cli->saw_untrusted) {
		/* the folder searched, named as pare_cli_keys_open names it
		 * (read again only on this error path) */
		struct pare_cli_keys k;
		struct pare_error err = { 0 };
		char hint[8192];
		if (pare_cli_keys_open(cli, &k, &err) == 0) {
			pare_cli_untrusted_hint(&k, hint, sizeof(hint));
			pare_log_warning(&cli->log, "%s", hint);
		}
		pare_cli_keys_release(&k);
	}
}

int pare_cli_session_open(struct pare_cli *cli, struct pare_session *s, bool lock,
			  bool need_repos, bool solve_only)
{
	const struct pare_global_opts *g = &cli->opts;
	struct pare_session_opts o = {
		.root = g->root ? g->root : "/",
		.lock = lock,
		.wait_seconds = g->wait_seconds,
		.initdb = lock && g->initdb,
		.waiting = waiting_msg,
		.ctx = cli,
		.keys_dir = g->keys_dir,
		.allow_untrusted = g->allow_untrusted,
		.need_repos = need_repos,
		.solve_only = solve_only,
		.root_tmpfs = g->root_tmpfs,
		.test_repos = g->test_repos,
		.ntest_repos = (size_t)g->ntest_repos,
		.test_instdb = g->test_instdb,
		.test_world = g->test_world,
		.test_cache = g->test_cache,
	};
	pare_cli_repo_config(cli, &o.repo);
	/* the universe parses the lists itself; a commit, what it installs */
	o.repo.lazy_deps = true;
	struct pare_error err = { 0 };
	int r = pare_session_open(s, &o, &err);
	if (r < 0) {
		if (err.code == -EWOULDBLOCK || err.code == -ENOENT)
			pare_cli_error(cli, "%s", err.msg);
		else
			pare_cli_report(cli, r, &err);
		return r;
	}
	report_repos(cli, s);
	return 0;
}

/* ---- printing ---- */

static void on_change(void *ctx, size_t i, size_t n, const struct pare_txn_change *c)
{
	struct pare_cli *cli = ctx;
	const struct pare_pkgent *p = c->new_ent ? c->new_ent : c->old_ent;
	if (cli->opts.verbosity <= 0) /* -q: apk prints no change lines */
		return;
	pare_cli_commit_line(cli->out, i, n, pare_cli_commit_verb(c->kind), p->name, c->repo_tag,
			     c->old_ent ? c->old_ent->version : PARE_SLICE_NULL,
			     c->new_ent ? c->new_ent->version : PARE_SLICE_NULL);
	fflush(cli->out);
}

static void print_summary(struct pare_cli *cli, const struct pare_txn_result *res)
{
	char size[32];
	pare_cli_human_size(res->installed_size, size, sizeof(size));
	if (!res->errors && cli->opts.verbosity <= 0) /* -q */
		return;
	if (res->errors)
		fprintf(cli->out, "%u error%s; %s in %zu packages\n", res->errors,
			res->errors == 1 ? "" : "s", size, res->npkgs);
	else if (cli->opts.verbosity > 1)
		fprintf(cli->out, "OK: %zu packages, %llu dirs, %llu files, %s\n", res->npkgs,
			(unsigned long long)res->dirs, (unsigned long long)res->files, size);
	else
		fprintf(cli->out, "OK: %s in %zu packages\n", size, res->npkgs);
}

int pare_cli_session_commit(struct pare_cli *cli, struct pare_session *s,
			    const struct pare_cli_commit_opts *o,
			    const struct pare_session_item *items, size_t n)
{
	struct pare_txn_opts to = {
		.no_scripts = o->no_scripts,
		.script_timeout = pare_cli_script_timeout(cli),
		.force_overwrite = o->force_overwrite,
		.simulate = cli->opts.simulate,
		.owners = o->no_chown ? PARE_EXTRACT_OWNERS_OFF : PARE_EXTRACT_OWNERS_AUTO,
		.log = &cli->log,
		.progress = &cli->progress,
		.on_change = on_change,
		.ctx = cli,
	};
	struct pare_txn_result res;
	struct pare_error err = { 0 };
	int r = pare_session_commit(s, &to, &o->session, items, n, &res, &err);
	if (r < 0) {
		pare_cli_report(cli, r, &err);
		return 1;
	}
	print_summary(cli, &res);
	return res.errors ? 1 : 0;
}

static bool need_repos(const struct pare_session_item *items, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (items[i].kind != PARE_TXN_REMOVE && items[i].kind != PARE_TXN_RETAG &&
		    !items[i].pkg_path)
			return true;
	return false;
}

int pare_cli_commit(struct pare_cli *cli, const struct pare_cli_commit_opts *o,
		    const struct pare_session_item *items, size_t n)
{
	struct pare_session s;
	int status = 1;
	struct pare_global_opts saved = cli->opts;
	if (o->wait_seconds > cli->opts.wait_seconds)
		cli->opts.wait_seconds = o->wait_seconds;
	cli->opts.initdb = cli->opts.initdb || o->initdb;
	if (pare_cli_session_open(cli, &s, true, need_repos(items, n), false) == 0)
		status = pare_cli_session_commit(cli, &s, o, items, n);
	cli->opts = saved;
	pare_session_close(&s);
	return status;
}
int pare_cli_session_open_db(struct pare_cli *cli, struct pare_session *s, struct pare_error *err)
{
	struct pare_session_opts o = {
		.root = cli->opts.root ? cli->opts.root : "/",
		.db_only = true,
	};
	return pare_session_open(s, &o, err);
}
