/* Commit order of a selection: removals of packages nothing refers to
 * any more first; then, from the world in its order, each package after
 * what it depends on (a package that replaces installed ones right after
 * their removal), install_if packages right after the last package that
 * triggers them; then the remaining removals, dependents first. */
#include "solver/engine.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "apk/version.h"
#include "solver/svec.h"

struct walk {
	struct pare_engine *e;
	uint8_t *done;                 /* per package */
	bool all;                      /* record every selected package (soft) */
	const struct pare_spkg **list; /* soft: the walk order */
	uint32_t nlist, list_cap;
	int err;
};

static bool installed_kept(const struct walk *w, const struct pare_spkg *p)
{
	return (p->flags & PARE_SPKG_INSTALLED) && w->e->sel[p->id];
}

static void add_change(struct walk *w, enum pare_change_kind k, const struct pare_spkg *old,
		       const struct pare_spkg *new_pkg)
{
	struct pare_solution *s = w->e->sol;
	if (pare_sgrow((void **)&s->changes, &s->changes_cap, s->nchanges, sizeof(*s->changes)) < 0) {
		w->err = -ENOMEM;
		return;
	}
	s->changes[s->nchanges++] = (struct pare_change){
		.kind = k, .old_pkg = old, .new_pkg = new_pkg,
		.new_tag = new_pkg ? w->e->sel_tag[new_pkg->id] : 0,
	};
}

static void record_pkg(struct walk *w, const struct pare_spkg *p)
{
	if (w->all) {
		if (pare_sgrow((void **)&w->list, &w->list_cap, w->nlist, sizeof(*w->list)) < 0)
			w->err = -ENOMEM;
		else
			w->list[w->nlist++] = p;
	}
}

/* The walk is a depth-first search over dependencies, reverse
 * dependencies and install_if triggers.  A chain of packages can be as long
 * as an index is (hundreds of thousands of entries), so the search keeps its
 * own stack of frames instead of recursing: each frame is one call of the
 * recursive formulation (a package to emit, a name to visit, a package to
 * remove) with the loop position it had reached. */
enum frame_kind { F_PKG, F_NAME, F_REM };

struct frame {
	uint8_t kind, phase;
	const void *obj;  /* struct pare_spkg (F_PKG, F_REM) or pare_sname */
	uint32_t i, j;
};

struct fstack {
	struct frame *v;
	uint32_t n, cap;
};

/* Installed, not selected, and not upgraded (no other package of its
 * name is selected). */
static bool removed(const struct walk *w, const struct pare_spkg *q)
{
	const struct pare_spkg *c = pare_engine_chosen(w->e, q->name);
	return (q->flags & PARE_SPKG_INSTALLED) && !w->e->sel[q->id] &&
	       !(c && c->name == q->name);
}

static const struct pare_spkg *installed_of(const struct walk *w, const struct pare_sname *n)
{
	for (uint32_t i = 0; i < n->own.n; i++) {
		const struct pare_spkg *q = n->own.v[i];
		if (q->flags & PARE_SPKG_INSTALLED)
			return q;
	}
	return NULL;
}

static void record_change(struct walk *w, const struct pare_spkg *old, const struct pare_spkg *p)
{
	const struct pare_engine *e = w->e;
	if (old == p) {
		unsigned f = e->nflags[p->name->id] | e->req->flags;
		if (f & PARE_SOLVE_REINSTALL)
			add_change(w, PARE_CHANGE_REINSTALL, p, p);
		else if (e->sel_tag[p->id] != p->installed_tag)
			add_change(w, PARE_CHANGE_RETAG, p, p);
		return;
	}
	if (!old) {
		add_change(w, PARE_CHANGE_INSTALL, NULL, p);
		return;
	}
	int c = pare_version_compare(p->version, old->version);
	add_change(w, c == PARE_VERSION_GREATER ? PARE_CHANGE_UPGRADE
		      : c == PARE_VERSION_LESS ? PARE_CHANGE_DOWNGRADE
					       : PARE_CHANGE_REPLACE, old, p);
}

static bool iif_ready(const struct walk *w, const struct pare_spkg *q)
{
	for (uint32_t i = 0; i < q->ninstall_if; i++) {
		const struct pare_sdep *d = &q->install_if[i];
		if (d->conflict)
			continue;
		const struct pare_spkg *c = pare_engine_chosen(w->e, d->name);
		if (!c || !w->done[c->id])
			return false;
	}
	return true;
}

static const struct pare_sname *own_name(const struct pare_spkg *p, uint32_t i)
{
	return i == 0 ? p->name : p->provides[i - 1].name;
}

/* Enter a call: what the recursive function did before its first loop. */
static void enter(struct walk *w, struct fstack *st, enum frame_kind k, const void *obj)
{
	if (k == F_PKG || k == F_REM) {
		const struct pare_spkg *p = obj;
		if (w->done[p->id] || (k == F_REM && w->all))
			return;
		w->done[p->id] = 1;
	}
	if (pare_sgrow((void **)&st->v, &st->cap, st->n, sizeof(*st->v)) < 0) {
		w->err = -ENOMEM;
		return;
	}
	st->v[st->n++] = (struct frame){ .kind = (uint8_t)k, .obj = obj };
}

/* A name: its chosen package, or the removal of what is installed of it. */
static bool step_name(struct walk *w, struct frame *f, struct frame *call)
{
	const struct pare_sname *n = f->obj;
	if (f->phase == 0) {
		const struct pare_spkg *c = pare_engine_chosen(w->e, n);
		f->phase = c ? 2 : 1;
		if (c) {
			*call = (struct frame){ .kind = F_PKG, .obj = c };
			return true;
		}
	}
	while (f->phase == 1 && f->i < n->own.n) {
		const struct pare_spkg *q = n->own.v[f->i++];
		if ((q->flags & PARE_SPKG_INSTALLED) && !w->e->sel[q->id]) {
			*call = (struct frame){ .kind = F_REM, .obj = q };
			return true;
		}
	}
	return false;
}

/* A removal: the removals of what depends on it (or is triggered by it)
 * first, then its own. */
static bool step_removal(struct walk *w, struct frame *f, struct frame *call)
{
	const struct pare_spkg *p = f->obj;
	const struct pare_sname *n = p->name;
	for (; f->phase == 0 && f->i < n->rdeps.n; f->i++, f->j = 0) {
		const struct pare_sname *rn = n->rdeps.v[f->i];
		while (f->j < rn->own.n) {
			const struct pare_spkg *q = rn->own.v[f->j++];
			if (removed(w, q)) {
				*call = (struct frame){ .kind = F_REM, .obj = q };
				return true;
			}
		}
	}
	if (f->phase == 0) {
		f->phase = 1;
		f->i = 0;
	}
	while (f->i < n->riif.n) {
		const struct pare_spkg *q = n->riif.v[f->i++];
		if (removed(w, q)) {
			*call = (struct frame){ .kind = F_REM, .obj = q };
			return true;
		}
	}
	add_change(w, PARE_CHANGE_REMOVE, p, NULL);
	return false;
}

/* Installed packages that p pushes out by claiming their names
 * (phase 1 of a package frame). */
static bool step_displaced(struct walk *w, struct frame *f, struct frame *call)
{
	const struct pare_spkg *p = f->obj;
	struct pare_slice v;
	bool unv;
	for (; f->i <= p->nprovides; f->i++, f->j = 0) {
		const struct pare_sname *n = own_name(p, f->i);
		if (f->j == 0 && (!pare_engine_claim(p, n, &v, &unv) || unv))
			continue;
		while (f->j < n->nclaims) {
			const struct pare_spkg *q = n->claims[f->j++].pkg;
			if ((q->flags & PARE_SPKG_INSTALLED) && !w->e->sel[q->id] && q->name != p->name) {
				*call = (struct frame){ .kind = F_REM, .obj = q };
				return true;
			}
		}
	}
	return false;
}

/* The package's own change, once its dependencies are in place. */
static void emit_self(struct walk *w, const struct pare_spkg *p)
{
	if (!w->all) {
		const struct pare_spkg *old = installed_of(w, p->name);
		if (old && old != p && installed_kept(w, old))
			old = NULL;
		record_change(w, (p->flags & PARE_SPKG_INSTALLED) ? p : old, p);
		if (old && old != p)
			w->done[old->id] = 1;
	}
	record_pkg(w, p);
}

/* A package: its dependencies, the removals it causes, itself, then the
 * install_if packages it completes.  Phases: 0 depends, 1 displaced,
 * 2 install_if. */
static bool step_pkg(struct walk *w, struct frame *f, struct frame *call)
{
	const struct pare_spkg *p = f->obj;
	if (f->phase == 0) {
		if (f->i < p->ndepends) {
			*call = (struct frame){ .kind = F_NAME, .obj = p->depends[f->i++].name };
			return true;
		}
		f->phase = w->all ? 2 : 1;
		f->i = f->j = 0;
		if (w->all)
			emit_self(w, p);
	}
	if (f->phase == 1) {
		if (step_displaced(w, f, call))
			return true;
		emit_self(w, p);
		f->phase = 2;
		f->i = f->j = 0;
	}
	for (; f->i <= p->nprovides; f->i++, f->j = 0) {
		const struct pare_sname *n = own_name(p, f->i);
		while (f->j < n->riif.n) {
			const struct pare_spkg *q = n->riif.v[f->j++];
			if (w->e->sel[q->id] && !w->done[q->id] && iif_ready(w, q)) {
				*call = (struct frame){ .kind = F_PKG, .obj = q };
				return true;
			}
		}
	}
	return false;
}

/* Run one call of the recursive formulation to its end. */
static void run(struct walk *w, enum frame_kind k, const void *obj)
{
	struct fstack st = { 0 };
	enter(w, &st, k, obj);
	while (st.n > 0 && !w->err) {
		struct frame *f = &st.v[st.n - 1], call;
		bool more = f->kind == F_PKG  ? step_pkg(w, f, &call)
			    : f->kind == F_NAME ? step_name(w, f, &call)
						: step_removal(w, f, &call);
		if (more)
			enter(w, &st, (enum frame_kind)call.kind, call.obj);
		else
			st.n--;
	}
	free(st.v);
}

static void emit_removal(struct walk *w, const struct pare_spkg *p)
{
	run(w, F_REM, p);
}

static void visit_name(struct walk *w, const struct pare_sname *n)
{
	run(w, F_NAME, n);
}

static void emit_pkg(struct walk *w, const struct pare_spkg *p)
{
	run(w, F_PKG, p);
}

/* Is the name of installed package p forbidden by a conflict? */
static bool referenced(const struct pare_engine *e, const struct pare_spkg *p, const uint8_t *ref)
{
	(void)e;
	return ref[p->name->id] != 0;
}

/* Names that a conflict forbids: their removal goes right before the
 * package that forbids them; every other removal comes first. */
static int mark_refs(const struct pare_engine *e, uint8_t *ref)
{
	for (size_t i = 0; i < e->req->nworld; i++)
		if (e->req->world[i].conflict)
			ref[e->req->world[i].name->id] = 1;
	for (uint32_t i = 0; i < e->nsel; i++) {
		const struct pare_spkg *p = e->selorder[i];
		for (uint32_t j = 0; j < p->ndepends; j++)
			if (p->depends[j].conflict)
				ref[p->depends[j].name->id] = 1;
	}
	return 0;
}

static int walk_all(struct walk *w)
{
	struct pare_engine *e = w->e;
	const struct pare_universe *u = e->u;
	const struct pare_spkg **inst = calloc(u->ninstalled + 1, sizeof(*inst));
	uint8_t *ref = calloc(u->nnames + 1, 1);
	if (!inst || !ref) {
		free(inst);
		free(ref);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < u->npkgs; i++)
		if (u->pkgs[i]->flags & PARE_SPKG_INSTALLED)
			inst[u->pkgs[i]->installed_order] = u->pkgs[i];
	mark_refs(e, ref);
	for (uint32_t i = 0; i < u->ninstalled; i++)
		if (inst[i] && removed(w, inst[i]) && !referenced(e, inst[i], ref))
			emit_removal(w, inst[i]);
	for (size_t i = 0; i < e->req->nworld; i++)
		visit_name(w, e->req->world[i].name);
	for (uint32_t i = 0; i < e->nsel; i++)
		emit_pkg(w, e->selorder[i]);
	for (uint32_t i = 0; i < u->ninstalled; i++)
		if (inst[i] && !e->sel[inst[i]->id])
			emit_removal(w, inst[i]);
	free(inst);
	free(ref);
	return w->err;
}

int pare_order_changes(struct pare_engine *e)
{
	struct walk w = { .e = e };
	w.done = calloc(e->u->npkgs + 1, 1);
	if (!w.done)
		return -ENOMEM;
	int r = walk_all(&w);
	free(w.done);
	return r;
}

int pare_order_walk(struct pare_engine *e, const struct pare_spkg ***out, uint32_t *n)
{
	struct walk w = { .e = e, .all = true };
	w.done = calloc(e->u->npkgs + 1, 1);
	if (!w.done)
		return -ENOMEM;
	int r = walk_all(&w);
	free(w.done);
	if (r < 0) {
		free(w.list);
		return r;
	}
	*out = w.list;
	*n = w.nlist;
	return 0;
}
