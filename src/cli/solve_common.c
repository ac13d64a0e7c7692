/* Loading the solver's inputs and printing its results in apk's words. */
#include "cli/solve_common.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "apk/dep.h"
#include "apk/index.h"
#include "apk/version.h"
#include "cli/common.h"
#include "cli/commit_cli.h"

/* ---- World. */

int pare_solve_world_add(struct pare_solve_ctx *c, const struct pare_sdep *d)
{
	for (size_t i = 0; i < c->nworld; i++) {
		if (c->world[i].name == d->name) {
			c->world[i] = *d;
			return 0;
		}
	}
	if (c->nworld == c->world_cap) {
		size_t cap = c->world_cap ? c->world_cap * 2 : 16;
		struct pare_sdep *nw = realloc(c->world, cap * sizeof(*nw));
		if (!nw)
			return -ENOMEM;
		c->world = nw;
		c->world_cap = cap;
	}
	c->world[c->nworld++] = *d;
	return 0;
}

static int world_cmp(const void *a, const void *b)
{
	const struct pare_sdep *x = a, *y = b;
	return pare_slice_cmp(x->name->str, y->name->str);
}

void pare_solve_world_sort(struct pare_solve_ctx *c)
{
	if (c->nworld)
		qsort(c->world, c->nworld, sizeof(*c->world), world_cmp);
}

/* ---- Opening. */

const struct pare_pkgent *pare_solve_ctx_entry(const struct pare_solve_ctx *c,
					       const struct pare_spkg *p)
{
	return c->s_open ? pare_session_entry(&c->s, p) : NULL;
}

static bool test_inputs(const struct pare_global_opts *o)
{
	return o->test_instdb || o->test_world || o->test_cache || o->ntest_repos;
}

int pare_solve_ctx_open(struct pare_solve_ctx *c, struct pare_cli *cli)
{
	memset(c, 0, sizeof(*c));
	c->cli = cli;
	c->u = &c->s.u;
	bool lock = !cli->opts.simulate && !test_inputs(&cli->opts);
	/* a simulation fetches nothing: the universe suffices */
	int r = pare_cli_session_open(cli, &c->s, lock, true, cli->opts.simulate);
	c->s_open = true;
	if (r < 0)
		return r;
	c->world = calloc(c->s.nworld_deps + 16, sizeof(*c->world));
	if (!c->world) {
		pare_cli_report(cli, -ENOMEM, NULL);
		return -ENOMEM;
	}
	c->world_cap = c->s.nworld_deps + 16;
	for (size_t i = 0; i < c->s.nworld_deps; i++)
		if ((r = pare_solve_world_add(c, &c->s.world_deps[i])) < 0)
			return r;
	if (c->u->has_broken || c->s.degraded) {
		fflush(cli->out);
		pare_log_warning(&cli->log, "The indexes contain broken packages which %s.",
				 c->u->has_broken ? "are not installable" : "might not function properly");
	}
	return 0;
}

void pare_solve_ctx_release(struct pare_solve_ctx *c)
{
	if (!c)
		return;
	if (c->s_open)
		pare_session_close(&c->s);
	free(c->world);
	free(c->name_flags);
	memset(c, 0, sizeof(*c));
}

int pare_solve_parse_world_dep(struct pare_solve_ctx *c, const char *arg, bool virtual_dep,
			       struct pare_sdep *out)
{
	struct pare_dep d;
	int r = pare_dep_parse(pare_slice_from(arg), &d, NULL);
	if (r == 0 && virtual_dep && d.tag.len)
		r = -PARE_E_INVALID_DEP;
	if (r < 0) {
		fflush(c->cli->out);
		if (virtual_dep)
			pare_cli_error(c->cli, "'%s' is not a valid package dependency, format is "
					       "name([<>~=]version)", arg);
		else
			pare_cli_error(c->cli, "'%s' is not a valid world dependency, format is "
					       "name(@tag)([<>~=]version)", arg);
		return r;
	}
	struct pare_error err = { 0 };
	r = pare_universe_dep(c->u, &d, out, &err);
	if (r < 0)
		pare_cli_report(c->cli, r, &err);
	return r;
}

static int grow_flags(struct pare_solve_ctx *c)
{
	if (c->nname_flags >= c->u->nnames)
		return 0;
	size_t n = c->u->nnames + 64;
	uint8_t *nf = realloc(c->name_flags, n);
	if (!nf)
		return -ENOMEM;
	memset(nf + c->nname_flags, 0, n - c->nname_flags);
	c->name_flags = nf;
	c->nname_flags = n;
	return 0;
}

int pare_solve_name_flag(struct pare_solve_ctx *c, const struct pare_sname *n, uint8_t flags)
{
	int r = grow_flags(c);
	if (r == 0)
		c->name_flags[n->id] |= flags;
	return r;
}

int pare_solve_ctx_finalize(struct pare_solve_ctx *c)
{
	if (c->finalized)
		return 0;
	struct pare_error err = { 0 };
	int r = pare_universe_finalize(c->u, &err);
	if (r < 0)
		return r;
	c->finalized = true;
	return 0;
}

int pare_solve_name_flag_deps(struct pare_solve_ctx *c, const struct pare_sname *n, uint8_t flags,
			      bool installed_only)
{
	int r = pare_solve_ctx_finalize(c);
	if (r == 0)
		r = grow_flags(c);
	if (r < 0)
		return r;
	uint8_t *seen = calloc(c->u->nnames + 1, 1);
	const struct pare_sname **stack = calloc(c->u->nnames + 1, sizeof(*stack));
	size_t sp = 0;
	if (!seen || !stack) {
		free(seen);
		free(stack);
		return -ENOMEM;
	}
	stack[sp++] = n;
	seen[n->id] = 1;
	while (sp) {
		const struct pare_sname *x = stack[--sp];
		c->name_flags[x->id] |= flags;
		for (uint32_t i = 0; i < x->own.n; i++) {
			const struct pare_spkg *p = x->own.v[i];
			if (installed_only && !(p->flags & PARE_SPKG_INSTALLED))
				continue;
			for (uint32_t j = 0; j < p->ndepends; j++) {
				const struct pare_sname *dn = p->depends[j].name;
				if (!seen[dn->id] && !p->depends[j].conflict) {
					seen[dn->id] = 1;
					stack[sp++] = dn;
				}
			}
		}
	}
	free(seen);
	free(stack);
	return 0;
}

int pare_solve_ctx_solve(struct pare_solve_ctx *c, unsigned flags, struct pare_solution *sol)
{
	struct pare_error err = { 0 };
	int r = pare_solve_ctx_finalize(c);
	if (r == 0)
		r = grow_flags(c);
	if (r < 0) {
		pare_cli_report(c->cli, r, NULL);
		return r;
	}
	struct pare_solve_request req = {
		.world = c->world,
		.nworld = c->nworld,
		.flags = flags,
		.name_flags = c->name_flags,
		.nname_flags = c->nname_flags,
		.no_network = c->cli->opts.no_network,
	};
	r = pare_solve(c->u, &req, sol, &err);
	if (r < 0)
		pare_cli_report(c->cli, r, &err);
	return r;
}
