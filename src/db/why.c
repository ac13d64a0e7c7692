/* Why is a package installed (see why.h): breadth-first search from the
 * world over depends and install_if edges, parents recorded per package. */
#include "db/why.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static bool provides(const struct pare_db_pkg *p, struct pare_slice name)
{
	if (pare_slice_eq(p->ent.name, name))
		return true;
	for (uint32_t i = 0; i < p->ent.provides.n; i++)
		if (pare_slice_eq(p->ent.provides.v[i].name, name))
			return true;
	return false;
}

const struct pare_db_pkg *pare_why_provider(const struct pare_db_installed *db,
					    struct pare_slice name)
{
	const struct pare_db_pkg *p = pare_db_find_pkg(db, name);
	for (size_t i = 0; !p && i < db->npkgs; i++)
		if (provides(db->pkgs[i], name))
			p = db->pkgs[i];
	return p;
}

struct node {
	ptrdiff_t parent;        /* index in db->pkgs, -1: from the world */
	enum pare_why_kind kind;
	struct pare_slice via;
	bool seen;
};

struct search {
	const struct pare_db_installed *db;
	struct node *nodes;
	size_t *queue;
	size_t head, tail;
};

static void visit(struct search *s, size_t i, ptrdiff_t parent, enum pare_why_kind kind,
		  struct pare_slice via)
{
	if (s->nodes[i].seen)
		return;
	s->nodes[i] = (struct node){ .parent = parent, .kind = kind, .via = via, .seen = true };
	s->queue[s->tail++] = i;
}

/* Every package providing name becomes reachable from parent. */
static void visit_providers(struct search *s, struct pare_slice name, ptrdiff_t parent,
			    enum pare_why_kind kind, struct pare_slice via)
{
	for (size_t i = 0; i < s->db->npkgs; i++)
		if (provides(s->db->pkgs[i], name))
			visit(s, i, parent, kind, via);
}

static void expand(struct search *s, size_t at)
{
	const struct pare_db_pkg *p = s->db->pkgs[at];
	for (uint32_t k = 0; k < p->ent.depends.n; k++) {
		const struct pare_dep *d = &p->ent.depends.v[k];
		if (!d->conflict)
			visit_providers(s, d->name, (ptrdiff_t)at, PARE_WHY_DEPENDS, d->name);
	}
	for (size_t q = 0; q < s->db->npkgs; q++) {
		const struct pare_deplist *ii = &s->db->pkgs[q]->ent.install_if;
		for (uint32_t k = 0; k < ii->n; k++)
			if (!ii->v[k].conflict && provides(p, ii->v[k].name))
				visit(s, q, (ptrdiff_t)at, PARE_WHY_INSTALL_IF, ii->v[k].name);
	}
}

static int chain(struct search *s, size_t t, struct pare_why_step *steps, size_t max,
		 size_t *n, struct pare_error *err)
{
	size_t len = 0;
	for (ptrdiff_t i = (ptrdiff_t)t; i >= 0; i = s->nodes[i].parent)
		len++;
	if (len > max)
		return pare_error_set(err, -PARE_E_TOO_BIG, "the chain has more than %zu steps",
				      max);
	size_t k = len;
	for (ptrdiff_t i = (ptrdiff_t)t; i >= 0; i = s->nodes[i].parent) {
		k--;
		steps[k] = (struct pare_why_step){ .kind = s->nodes[i].kind,
						   .via = s->nodes[i].via,
						   .pkg = s->db->pkgs[i] };
	}
	*n = len;
	return 0;
}

int pare_why(const struct pare_db_installed *db, const struct pare_world *world,
	     const struct pare_db_pkg *target, struct pare_why_step *steps, size_t max,
	     size_t *n, struct pare_error *err)
{
	struct search s = { .db = db };
	ptrdiff_t t = -1;
	*n = 0;
	for (size_t i = 0; i < db->npkgs; i++)
		if (db->pkgs[i] == target)
			t = (ptrdiff_t)i;
	s.nodes = calloc(db->npkgs + 1, sizeof(*s.nodes));
	s.queue = calloc(db->npkgs + 1, sizeof(*s.queue));
	int r = s.nodes && s.queue ? 0 : pare_error_set(err, -ENOMEM, "out of memory");
	for (size_t i = 0; r == 0 && i < world->n; i++)
		if (!world->atoms[i].dep.conflict)
			visit_providers(&s, world->atoms[i].dep.name, -1, PARE_WHY_WORLD,
					world->atoms[i].text);
	while (r == 0 && t >= 0 && !s.nodes[t].seen && s.head < s.tail)
		expand(&s, s.queue[s.head++]);
	if (r == 0 && (t < 0 || !s.nodes[t].seen))
		r = pare_error_set(err, -PARE_E_NOT_FOUND,
				   "%.*s: no world atom leads to it (an orphan: apk would remove it)",
				   (int)target->ent.name.len, target->ent.name.ptr);
	if (r == 0)
		r = chain(&s, (size_t)t, steps, max, n, err);
	free(s.nodes);
	free(s.queue);
	return r;
}
