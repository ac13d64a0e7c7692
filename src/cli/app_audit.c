/* pare audit [--system|--full] [--check-permissions]: changed, added and
 * removed files of a root against its installed database, in apk audit's
 * format ("U etc/motd"). */
#include <jansson.h>
#include <string.h>

#include "cli/applets.h"
#include "cli/commit_cli.h"
#include "cli/info_installed.h"
#include "cli/repos.h"
#include "commit/audit.h"

enum { A_SYSTEM = 1, A_FULL, A_BACKUP, A_PERMS, A_PACKAGES };

static const struct pare_option audit_options[] = {
	PARE_CLI_OPT("backup", 0, PARE_OPT_NOARG, NULL, A_BACKUP,
		     "Audit configuration files (etc/) only (default)"),
	PARE_CLI_OPT("system", 0, PARE_OPT_NOARG, NULL, A_SYSTEM, "Audit every installed file"),
	PARE_CLI_OPT("full", 0, PARE_OPT_NOARG, NULL, A_FULL,
		     "As --system, and report every file and directory no package lists"),
	PARE_CLI_OPT("check-permissions", 0, PARE_OPT_NOARG, NULL, A_PERMS,
		     "Check modes and owners too"),
	PARE_CLI_OPT("packages", 0, PARE_OPT_NOARG, NULL, A_PACKAGES,
		     "Print only the packages with changed files"),
	{ 0 },
};

struct audit_ctx {
	struct pare_audit_opts o;
	bool packages;
	struct pare_cli *cli;
	unsigned changes;
	const struct pare_db_pkg *last;
	json_t *json; /* --json: [{reason, path, package}] */
};

static int audit_parse(void *ctx, int id, const char *arg, struct pare_error *err)
{
	struct audit_ctx *a = ctx;
	(void)arg;
	(void)err;
	switch (id) {
	case A_SYSTEM: a->o.mode = PARE_AUDIT_SYSTEM; break;
	case A_FULL: a->o.mode = PARE_AUDIT_FULL; break;
	case A_BACKUP: a->o.mode = PARE_AUDIT_BACKUP; break;
	case A_PERMS: a->o.check_permissions = true; break;
	case A_PACKAGES: a->packages = true; break;
	default: break;
	}
	return 0;
}

static void audit_report(void *ctx, char reason, const char *path, const struct pare_db_file *f)
{
	struct audit_ctx *a = ctx;
	a->changes++;
	if (a->json) {
		char rs[2] = { reason, '\0' };
		json_t *o = json_object();
		json_object_set_new(o, "reason", json_string(rs));
		json_object_set_new(o, "path", json_string(path));
		json_object_set_new(o, "package", f && f->pkg ? json_stringn(f->pkg->ent.name.ptr,
									f->pkg->ent.name.len)
							 : json_null());
		json_array_append_new(a->json, o);
		return;
	}
	if (!a->packages) {
		fprintf(a->cli->out, "%c %s\n", reason, path);
		return;
	}
	if (f && f->pkg && f->pkg != a->last) {
		a->last = f->pkg;
		fprintf(a->cli->out, "%.*s\n", (int)f->pkg->ent.name.len, f->pkg->ent.name.ptr);
	}
}

static int audit_run(void *ctx, struct pare_cli *cli, int argc, char **argv)
{
	struct audit_ctx *a = ctx;
	(void)argv;
	if (argc > 0) {
		pare_cli_error(cli, "audit: directories as arguments are not supported yet");
		return 1;
	}
	struct pare_session ses;
	struct pare_error err = { 0 };
	a->cli = cli;
	a->o.report = audit_report;
	a->o.ctx = a;
	a->json = cli->opts.json ? json_array() : NULL;
	int r = pare_cli_session_open_db(cli, &ses, &err);
	if (r == 0)
		r = pare_audit(&ses.root, &ses.db, &a->o, &err);
	if (r < 0)
		pare_cli_report(cli, r, &err);
	if (r == 0 && a->json)
		pare_cli_json_print(cli, a->json);
	else
		json_decref(a->json);
	pare_session_close(&ses);
	return r < 0 ? 1 : 0;
}

const struct pare_applet pare_applet_audit = {
	.name = "audit",
	.summary = "Audit the root for changes against the package database",
	.usage = "[--backup|--system|--full] [--check-permissions] [--packages]",
	.description =
		"Print one line per difference, as apk audit: 'A' a file no package lists, 'd' such "
		"a directory (--full), 'U' content changed, 'M' mode or owner changed "
		"(--check-permissions), 'X' a listed file is missing, 'P' it was removed on purpose "
		"(pare image build --prune=trace; listed in lib/apk/db/pruned), 'e' it could not "
		"be read. "
		"Default (--backup): configuration files under etc/ (etc/apk excluded); --system: "
		"every installed file; --full: also every file and directory no package lists. "
		"--json: an array of {reason, path, package}.",
	.flags = PARE_APPLET_JSON,
	.options = audit_options,
	.ctx_size = sizeof(struct audit_ctx),
	.parse = audit_parse,
	.run = audit_run,
};
