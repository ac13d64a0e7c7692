/* pare upgrade [-a] [-l] [--prune] [--ignore] [NAME...]: upgrade installed
 * packages as apk upgrade does, with its preupgrade step (the package
 * that owns the running program first, and --preupgrade-depends). */
#include <stdlib.h>
#include <string.h>

#include "apk/version.h"
#include "cli/applets.h"
#include "cli/solve_common.h"

enum {
	O_AVAILABLE = 1, O_LATEST, O_IGNORE, O_PRUNE, O_SELF_ONLY, O_PRE_ONLY, O_PRE_DEPENDS,
	O_NO_SELF, O_PREUPGRADE,
};

#define MAX_PRE 64

static const struct pare_option upgrade_options[] = {
	{ "available", 'a', PARE_OPT_NOARG, NULL, O_AVAILABLE,
	  "Reset packages to versions available from the repositories (may downgrade)" },
	{ "latest", 'l', PARE_OPT_NOARG, NULL, O_LATEST, "Always choose the latest version" },
	{ "ignore", 0, PARE_OPT_NOARG, NULL, O_IGNORE, "Upgrade all packages but the named ones" },
	{ "prune", 0, PARE_OPT_NOARG, NULL, O_PRUNE,
	  "Remove world entries no repository provides any more" },
	{ "self-upgrade-only", 0, PARE_OPT_NOARG, NULL, O_SELF_ONLY, "Only do the preupgrade" },
	{ "preupgrade-only", 0, PARE_OPT_NOARG, NULL, O_PRE_ONLY, "Only do the preupgrade" },
	{ "preupgrade-depends", 0, PARE_OPT_ARG, "ATOM", O_PRE_DEPENDS,
	  "Add (or with '!' remove) a preupgrade dependency" },
	{ "no-self-upgrade", 0, PARE_OPT_NOARG, NULL, O_NO_SELF, "Skip the preupgrade" },
	{ "preupgrade", 0, PARE_OPT_ARG, "BOOL", O_PREUPGRADE, "Enable or disable the preupgrade" },
	{ 0 },
};

struct upgrade_ctx {
	bool available, latest, ignore, prune, pre_only, no_pre;
	const char *pre[MAX_PRE];
	int npre;
};

static int upgrade_parse(void *ctx, int id, const char *arg, struct pare_error *err)
{
	struct upgrade_ctx *x = ctx;
	switch (id) {
	case O_AVAILABLE: x->available = true; break;
	case O_LATEST: x->latest = true; break;
	case O_IGNORE: x->ignore = true; break;
	case O_PRUNE: x->prune = true; break;
	case O_SELF_ONLY:
	case O_PRE_ONLY: x->pre_only = true; break;
	case O_NO_SELF: x->no_pre = true; break;
	case O_PREUPGRADE: x->no_pre = arg && (strcmp(arg, "no") == 0 || strcmp(arg, "0") == 0); break;
	case O_PRE_DEPENDS:
		if (x->npre >= MAX_PRE)
			return pare_error_set(err, -PARE_E_USAGE, "too many --preupgrade-depends");
		x->pre[x->npre++] = arg;
		break;
	}
	return 0;
}

static bool in_repo(const struct pare_sname *n)
{
	for (uint32_t i = 0; i < n->nclaims; i++)
		if (n->claims[i].pkg->repos)
			return true;
	for (uint32_t i = 0; i < n->uprov.n; i++)
		if (((const struct pare_spkg *)n->uprov.v[i])->repos)
			return true;
	return false;
}

static void prune_world(struct pare_solve_ctx *c)
{
	size_t k = 0;
	for (size_t i = 0; i < c->nworld; i++)
		if (c->world[i].conflict || in_repo(c->world[i].name))
			c->world[k++] = c->world[i];
	c->nworld = k;
}

static void reset_versions(struct pare_solve_ctx *c)
{
	for (size_t i = 0; i < c->nworld; i++) {
		struct pare_sdep *d = &c->world[i];
		if (d->conflict)
			continue;
		d->op = PARE_VERSION_ANY;
		d->version = PARE_SLICE_NULL;
		d->checksum = false;
	}
}

/* Does a repository have a newer package of p's name? */
static bool has_upgrade(const struct pare_spkg *p)
{
	for (uint32_t i = 0; i < p->name->own.n; i++) {
		const struct pare_spkg *q = p->name->own.v[i];
		if (q->repos && pare_version_compare(q->version, p->version) == PARE_VERSION_GREATER)
			return true;
	}
	return false;
}

/* Installed packages matching the preupgrade atoms (implicitly: the owner
 * of the running program); mark them for upgrade.  Returns how many have
 * an upgrade. */
static int mark_preupgrade(struct pare_solve_ctx *c, struct upgrade_ctx *x)
{
	struct pare_sdep atoms[MAX_PRE + 1];
	int n = 0, found = 0;
	if (c->s.self)
		atoms[n++] = (struct pare_sdep){ .name = c->s.self->name, .op = PARE_VERSION_ANY };
	for (int i = 0; i < x->npre; i++) {
		struct pare_sdep d;
		if (pare_solve_parse_world_dep(c, x->pre[i] + (x->pre[i][0] == '!'), false, &d) < 0)
			return -1;
		int k = 0;
		for (int j = 0; j < n; j++)
			if (atoms[j].name != d.name)
				atoms[k++] = atoms[j];
		n = k;
		if (x->pre[i][0] != '!')
			atoms[n++] = d;
	}
	for (uint32_t i = 0; i < c->u->npkgs; i++) {
		const struct pare_spkg *p = c->u->pkgs[i];
		if (!(p->flags & PARE_SPKG_INSTALLED))
			continue;
		for (int j = 0; j < n; j++) {
			if (!pare_sdep_hits(&atoms[j], p) || !has_upgrade(p))
				continue;
			if (pare_solve_name_flag(c, p->name, PARE_SOLVE_UPGRADE) < 0)
				return -1;
			found++;
			break;
		}
	}
	return found;
}

/* Returns -1 on error, 1 if it printed a preupgrade, 0 if none was due. */
static int preupgrade(struct pare_solve_ctx *c, struct upgrade_ctx *x, int *status)
{
	struct pare_solution sol;
	pare_solution_init(&sol);
	int n = mark_preupgrade(c, x);
	int r = n;
	if (n > 0) {
		r = pare_solve_ctx_solve(c, 0, &sol);
		if (r == 0 && sol.ok && sol.nchanges) {
			fprintf(c->cli->out, "Preupgrading:\n");
			*status = pare_solve_finish(c, &sol);
			r = *status ? -1 : 1;
		} else if (r == 0 && !sol.ok) {
			*status = pare_solve_print_errors(c, &sol);
			r = -1;
		}
	}
	if (c->name_flags)
		memset(c->name_flags, 0, c->nname_flags);
	pare_solution_release(&sol);
	return r;
}

static void note_unavailable(struct pare_solve_ctx *c)
{
	const struct pare_spkg **v = calloc(c->u->npkgs + 1, sizeof(*v));
	uint32_t n = 0;
	for (uint32_t i = 0; v && i < c->u->npkgs; i++) {
		const struct pare_spkg *p = c->u->pkgs[i];
		if ((p->flags & PARE_SPKG_INSTALLED) && !p->repos)
			v[n++] = p;
	}
	if (n) {
		for (uint32_t i = 1; i < n; i++)
			for (uint32_t j = i; j > 0 && strcmp(v[j]->name->str.ptr,
							     v[j - 1]->name->str.ptr) < 0; j--) {
				const struct pare_spkg *t = v[j];
				v[j] = v[j - 1];
				v[j - 1] = t;
			}
		fprintf(c->cli->out, "NOTE: Consider running apk upgrade with --prune and/or "
				     "--available.\nThe following packages are no longer available "
				     "from a repository:\n ");
		for (uint32_t i = 0; i < n; i++)
			fprintf(c->cli->out, " %s", v[i]->name->str.ptr);
		fputc('\n', c->cli->out);
	}
	free(v);
}

static int name_flags_for_args(struct pare_solve_ctx *c, struct upgrade_ctx *x, int argc,
			       char **argv, unsigned *global)
{
	uint8_t f = PARE_SOLVE_UPGRADE | (x->latest ? PARE_SOLVE_LATEST : 0);
	*global = x->available ? PARE_SOLVE_AVAILABLE : 0;
	if (argc == 0 || x->ignore)
		*global |= f;
	for (int i = 0; i < argc; i++) {
		const struct pare_sname *n = pare_universe_name(c->u, pare_slice_from(argv[i]));
		if (!n)
			return -1;
		int r = x->ignore ? pare_solve_name_flag(c, n, PARE_SOLVE_HOLD)
				  : pare_solve_name_flag(c, n, f);
		if (r < 0)
			return r;
	}
	return 0;
}

static int upgrade_run(void *ctx, struct pare_cli *cli, int argc, char **argv)
{
	struct upgrade_ctx *x = ctx;
	struct pare_solve_ctx c;
	struct pare_solution sol;
	unsigned global = 0;
	int status = 1;
	pare_solution_init(&sol);
	if (pare_solve_ctx_open(&c, cli) < 0 || pare_solve_ctx_finalize(&c) < 0)
		goto out;
	pare_solve_world_sort(&c);
	if (!x->no_pre) {
		int r = preupgrade(&c, x, &status);
		if (r < 0)
			goto out;
		if (x->pre_only) {
			status = 0;
			goto out;
		}
	}
	if (x->prune)
		prune_world(&c);
	if (x->available)
		reset_versions(&c);
	if (name_flags_for_args(&c, x, argc, argv, &global) < 0)
		goto out;
	if (cli->opts.verbosity > 1)
		note_unavailable(&c);
	status = pare_solve_and_report(&c, global, &sol);
out:
	pare_solution_release(&sol);
	pare_solve_ctx_release(&c);
	return status;
}

const struct pare_applet pare_applet_upgrade = {
	.name = "upgrade",
	.summary = "Upgrade installed packages",
	.usage = "[-a] [-l] [--prune] [--ignore] [NAME...]",
	.description =
		"Upgrade the installed packages (or only the NAMEs, with their needed "
		"dependencies) to the best versions the world allows. When the package that owns "
		"the running program, or one matching --preupgrade-depends, has an upgrade, it is "
		"upgraded first ('Preupgrading:'). -a also resets versioned world entries and "
		"prefers repository packages even if that downgrades; --prune removes world "
		"entries no repository provides.",
	.options = upgrade_options,
	.ctx_size = sizeof(struct upgrade_ctx),
	.parse = upgrade_parse,
	.run = upgrade_run,
};
