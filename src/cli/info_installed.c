/* pare info on installed packages (see info_installed.h). */
#include "cli/info_installed.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commit_cli.h"
#include "cli/repos.h"
#include "db/installed.h"

static void pkg_head(struct pare_cli *cli, const struct pare_pkgent *e, const char *what)
{
	fprintf(cli->out, "%.*s-%.*s %s:\n", (int)e->name.len, e->name.ptr, (int)e->version.len,
		e->version.ptr, what);
}

static void print_contents(struct pare_cli *cli, const struct pare_db_pkg *p)
{
	struct pare_db_file_iter it;
	pkg_head(cli, &p->ent, "contains");
	pare_db_file_iter_init(&it, p);
	for (const struct pare_db_file *f; (f = pare_db_file_iter_next(&it));)
		fprintf(cli->out, "%.*s\n", (int)f->path.len, f->path.ptr);
	fputc('\n', cli->out);
}

static bool depends_on(const struct pare_pkgent *e, const struct pare_db_pkg *p)
{
	for (uint32_t i = 0; i < e->depends.n; i++) {
		const struct pare_dep *d = &e->depends.v[i];
		if (d->conflict)
			continue;
		if (pare_slice_eq(d->name, p->ent.name))
			return true;
		for (uint32_t j = 0; j < p->ent.provides.n; j++)
			if (pare_slice_eq(d->name, p->ent.provides.v[j].name))
				return true;
	}
	return false;
}

static void print_rdepends(struct pare_cli *cli, const struct pare_db_installed *db,
			   const struct pare_db_pkg *p)
{
	pkg_head(cli, &p->ent, "is required by");
	for (size_t i = 0; i < db->npkgs; i++)
		if (db->pkgs[i] != p && depends_on(&db->pkgs[i]->ent, p))
			fprintf(cli->out, "%.*s-%.*s\n", (int)db->pkgs[i]->ent.name.len,
				db->pkgs[i]->ent.name.ptr, (int)db->pkgs[i]->ent.version.len,
				db->pkgs[i]->ent.version.ptr);
	fputc('\n', cli->out);
}

static int who_owns(struct pare_cli *cli, const struct pare_db_installed *db, const char *arg)
{
	struct pare_slice p = pare_slice_from(arg);
	while (p.len && p.ptr[0] == '/')
		p = pare_slice_sub(p, 1, p.len - 1);
	const struct pare_db_file *f = pare_db_owner(db, p);
	if (!f) {
		pare_cli_error(cli, "%s: Could not find owner package", arg);
		return 1;
	}
	fprintf(cli->out, "%s is owned by %.*s-%.*s\n", arg, (int)f->pkg->ent.name.len,
		f->pkg->ent.name.ptr, (int)f->pkg->ent.version.len, f->pkg->ent.version.ptr);
	return 0;
}

static int answer(struct pare_cli *cli, const struct pare_db_installed *db, unsigned inst,
		  unsigned fields, pare_info_print_fn print, int argc, char **argv)
{
	int bad = 0;
	for (int i = 0; i < argc; i++) {
		if (inst & PARE_INFO_WHO_OWNS) {
			bad |= who_owns(cli, db, argv[i]);
			continue;
		}
		const struct pare_db_pkg *p = pare_db_find_pkg(db, pare_slice_from(argv[i]));
		if (!p) {
			pare_cli_error(cli, "%s: not installed", argv[i]);
			bad = 1;
			continue;
		}
		if (fields || !inst)
			print(cli, fields, &p->ent);
		if (inst & PARE_INFO_CONTENTS)
			print_contents(cli, p);
		if (inst & PARE_INFO_RDEPENDS)
			print_rdepends(cli, db, p);
	}
	return bad;
}

bool pare_info_installed(struct pare_cli *cli, unsigned inst, unsigned fields,
			 pare_info_print_fn print, int argc, char **argv, int *status)
{
	struct pare_session ses;
	struct pare_error err = { 0 };
	bool handled = false;
	int r = pare_cli_session_open_db(cli, &ses, &err);
	const struct pare_db_installed *db = &ses.db;
	if (r < 0 && inst) {
		pare_cli_report(cli, r, &err);
		*status = 1;
		handled = true;
	} else if (r == 0) {
		bool all = argc > 0;
		for (int i = 0; all && i < argc; i++)
			all = pare_db_find_pkg(db, pare_slice_from(argv[i])) != NULL;
		if (inst || all) {
			*status = answer(cli, db, inst, fields, print, argc, argv);
			handled = true;
		}
	}
	pare_session_close(&ses);
	return handled;
}

static int cmp_pkg(const void *a, const void *b)
{
	const struct pare_db_pkg *x = *(const struct pare_db_pkg *const *)a;
	const struct pare_db_pkg *y = *(const struct pare_db_pkg *const *)b;
	return pare_slice_cmp(x->ent.name, y->ent.name);
}

int pare_cli_installed_read(struct pare_cli *cli, struct pare_session *s)
{
	struct pare_error err = { 0 };
	int r = pare_cli_session_open_db(cli, s, &err);
	if (r < 0)
		pare_cli_report(cli, r, &err);
	return r < 0 ? -1 : 0;
}

int pare_info_list_installed(struct pare_cli *cli)
{
	struct pare_session ses;
	const struct pare_db_pkg **v = NULL;
	int r = pare_cli_installed_read(cli, &ses);
		if (r == 0 && !(v = calloc(ses.db.npkgs + 1, sizeof(*v)))) {
		pare_cli_error(cli, "out of memory");
		r = -1;
	}
	if (r == 0) {
		for (size_t i = 0; i < ses.db.npkgs; i++)
			v[i] = ses.db.pkgs[i];
		qsort(v, ses.db.npkgs, sizeof(*v), cmp_pkg);
		json_t *arr = cli->opts.json ? json_array() : NULL;
		for (size_t i = 0; arr && i < ses.db.npkgs; i++)
			json_array_append_new(arr, pare_cli_pkgent_json(&v[i]->ent));
		if (arr)
			pare_cli_json_print(cli, arr);
		for (size_t i = 0; !arr && i < ses.db.npkgs; i++) {
			const struct pare_pkgent *e = &v[i]->ent;
			fprintf(cli->out, "%.*s", (int)e->name.len, e->name.ptr);
			if (cli->opts.verbosity > 1)
				fprintf(cli->out, "-%.*s", (int)e->version.len, e->version.ptr);
			fputc('\n', cli->out);
		}
	}
	free(v);
	pare_session_close(&ses);
	return r < 0 ? 1 : 0;
}
