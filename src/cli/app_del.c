/* pare del [-r] NAME...: remove constraints from the world and show the
 * change, as apk del (naming what still keeps a deleted package). */
#include <stdlib.h>
#include <string.h>

#include "cli/applets.h"
#include "cli/solve_common.h"

enum { O_RDEPENDS = 1 };

static const struct pare_option del_options[] = {
	{ "rdepends", 'r', PARE_OPT_NOARG, NULL, O_RDEPENDS,
	  "Also delete the world entries that depend on the named packages" },
	{ 0 },
};

struct del_ctx {
	bool rdepends;
};

static int del_parse(void *ctx, int id, const char *arg, struct pare_error *err)
{
	struct del_ctx *d = ctx;
	if (id == O_RDEPENDS)
		d->rdepends = true;
	return 0;
}

/* Does a package of name n depend, transitively, on target? */
static bool reaches(const struct pare_sname *n, const struct pare_sname *target, uint8_t *seen,
		    bool installed_only)
{
	if (n == target)
		return true;
	if (seen[n->id])
		return false;
	seen[n->id] = 1;
	for (uint32_t i = 0; i < n->own.n; i++) {
		const struct pare_spkg *p = n->own.v[i];
		if (installed_only && !(p->flags & PARE_SPKG_INSTALLED))
			continue;
		for (uint32_t j = 0; j < p->ndepends; j++)
			if (!p->depends[j].conflict &&
			    reaches(p->depends[j].name, target, seen, installed_only))
				return true;
	}
	return false;
}

static void drop_world(struct pare_solve_ctx *c, const struct pare_sname *n, bool rdepends)
{
	size_t k = 0;
	uint8_t *seen = calloc(c->u->nnames + 1, 1);
	for (size_t i = 0; i < c->nworld; i++) {
		bool drop = c->world[i].name == n;
		if (!drop && rdepends && seen && !c->world[i].conflict) {
			memset(seen, 0, c->u->nnames + 1);
			drop = reaches(c->world[i].name, n, seen, true);
		}
		if (!drop)
			c->world[k++] = c->world[i];
	}
	c->nworld = k;
	free(seen);
}

/* The selected package standing for each name (own name first). */
static const struct pare_spkg **selected_map(const struct pare_solve_ctx *c,
					     const struct pare_solution *sol)
{
	const struct pare_spkg **m = calloc(c->u->nnames + 1, sizeof(*m));
	for (uint32_t i = 0; m && i < sol->nselected; i++)
		m[sol->selected[i]->name->id] = sol->selected[i];
	for (uint32_t i = 0; m && i < sol->nselected; i++) {
		const struct pare_spkg *p = sol->selected[i];
		for (uint32_t j = 0; j < p->nprovides; j++)
			if (!m[p->provides[j].name->id])
				m[p->provides[j].name->id] = p;
	}
	return m;
}

static bool pulls(const struct pare_spkg **m, const struct pare_spkg *p,
		  const struct pare_spkg *target, uint8_t *seen)
{
	if (p == target)
		return true;
	if (seen[p->id])
		return false;
	seen[p->id] = 1;
	for (uint32_t i = 0; i < p->ndepends; i++) {
		const struct pare_spkg *q = m[p->depends[i].name->id];
		if (!p->depends[i].conflict && q && pulls(m, q, target, seen))
			return true;
	}
	return false;
}

/* "World updated, but the following packages are not removed due to:" */
static void print_kept(struct pare_solve_ctx *c, const struct pare_solution *sol,
		       const struct pare_sname **names, int n)
{
	bool header = false;
	const struct pare_spkg **m = selected_map(c, sol);
	uint8_t *seen = calloc(c->u->npkgs + 1, 1);
	for (int i = 0; m && seen && i < n; i++) {
		const struct pare_spkg *kept = m[names[i]->id];
		if (!kept || kept->name != names[i])
			continue;
		bool any = false;
		for (size_t w = 0; w < c->nworld; w++) {
			const struct pare_spkg *top = m[c->world[w].name->id];
			memset(seen, 0, c->u->npkgs + 1);
			if (c->world[w].conflict || !top || !pulls(m, top, kept, seen))
				continue;
			if (!header)
				fprintf(c->cli->out, "World updated, but the following packages are not "
						     "removed due to:\n");
			if (!any)
				fprintf(c->cli->out, "  %s:", names[i]->str.ptr);
			header = any = true;
			fprintf(c->cli->out, " %s", c->world[w].name->str.ptr);
		}
		if (any)
			fputc('\n', c->cli->out);
	}
	if (header)
		fputc('\n', c->cli->out);
	free(seen);
	free(m);
}

static int del_run(void *ctx, struct pare_cli *cli, int argc, char **argv)
{
	struct del_ctx *d = ctx;
	struct pare_solve_ctx c;
	struct pare_solution sol;
	pare_solution_init(&sol);
	int status = 1;
	memset(&c, 0, sizeof(c));
	const struct pare_sname **names = calloc((size_t)argc + 1, sizeof(*names));
	if (!names || pare_solve_ctx_open(&c, cli) < 0)
		goto out;
	for (int i = 0; i < argc; i++) {
		names[i] = pare_universe_name(c.u, pare_slice_from(argv[i]));
		if (!names[i] || pare_solve_name_flag(&c, names[i], PARE_SOLVE_REMOVED) < 0)
			goto out;
	}
	if (pare_solve_ctx_finalize(&c) < 0)
		goto out;
	for (int i = 0; i < argc; i++)
		drop_world(&c, names[i], d->rdepends);
	if (pare_solve_ctx_solve(&c, 0, &sol) < 0)
		goto out;
	if (!sol.ok) {
		status = pare_solve_print_errors(&c, &sol);
		goto out;
	}
	print_kept(&c, &sol, names, argc);
	status = pare_solve_finish(&c, &sol);
out:
	pare_solution_release(&sol);
	pare_solve_ctx_release(&c);
	free(names);
	return status;
}

const struct pare_applet pare_applet_del = {
	.name = "del",
	.summary = "Remove constraints from the world and the packages no longer needed",
	.usage = "[-r] NAME...",
	.description =
		"Remove every world entry for each NAME and select the packages the rest of the "
		"world needs; packages nothing needs any more are purged. A package that another "
		"world entry still needs stays, and is named with what keeps it. With -r, world "
		"entries that depend on a NAME are removed too.",
	.options = del_options,
	.ctx_size = sizeof(struct del_ctx),
	.parse = del_parse,
	.run = del_run,
};
