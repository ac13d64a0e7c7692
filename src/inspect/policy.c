/* Waivers: `--allow ID` and a YAML policy file, read with the project's
 * bounded YAML tree (image/yaml_int.h: sizes, depth and node counts
 * bounded, aliases refused).
 *
 *   waive:
 *     - id: ELF-014
 *       reason: "upstream builds without BIND_NOW"
 *     ELF-015: "..."           # (a map of ID: reason is accepted too)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/buf.h"
#include "image/yaml_int.h"
#include "inspect/inspect.h"
#include "io/stream.h"

void pare_insp_policy_init(struct pare_insp_policy *p)
{
	memset(p, 0, sizeof(*p));
	pare_arena_init(&p->arena, 0, PARE_INSP_MAX_POLICY * 8);
}

void pare_insp_policy_release(struct pare_insp_policy *p)
{
	if (!p)
		return;
	free(p->w);
	pare_arena_release(&p->arena);
	pare_insp_policy_init(p);
}

int pare_insp_policy_add(struct pare_insp_policy *p, const char *id, const char *reason,
			 struct pare_error *err)
{
	if (!pare_insp_check_find(id))
		return pare_error_set(err, -PARE_E_NOT_FOUND, "waiver: '%s' is not a check id", id);
	if (!reason || !*reason)
		return pare_error_set(err, -PARE_E_FORMAT, "waiver %s: a reason is required", id);
	if (p->n == PARE_INSP_MAX_WAIVERS)
		return pare_error_set(err, -PARE_E_TOO_BIG, "more than %u waivers",
				      PARE_INSP_MAX_WAIVERS);
	if (p->n == p->cap) {
		size_t ncap = p->cap ? p->cap * 2 : 16;
		struct pare_insp_waiver *nw = realloc(p->w, ncap * sizeof(*nw));
		if (!nw)
			return -ENOMEM;
		p->w = nw;
		p->cap = ncap;
	}
	const char *i = pare_arena_strdup(&p->arena, pare_slice_from(id));
	const char *r = pare_arena_strdup(&p->arena, pare_slice_from(reason));
	if (!i || !r)
		return -ENOMEM;
	p->w[p->n++] = (struct pare_insp_waiver){ i, r };
	return 0;
}

static int at(struct pare_error *err, const char *name, const struct ynode *n, const char *msg)
{
	return pare_error_set(err, -PARE_E_FORMAT, "%s:%u:%u: %s", name, n ? n->line : 1,
			      n ? n->col : 1, msg);
}

static int add_at(struct pare_insp_policy *p, const char *name, const struct ynode *n,
		  const char *id, const char *reason, struct pare_error *err)
{
	struct pare_error e2 = { 0 };
	int rc = pare_insp_policy_add(p, id, reason, &e2);
	return rc < 0 ? pare_error_set(err, rc, "%s:%u:%u: %s", name, n->line, n->col, e2.msg) : 0;
}

static int waive_item(struct pare_insp_policy *p, const char *name, const struct ynode *it,
		      struct pare_error *err)
{
	const char *id = NULL, *reason = NULL;
	if (it->kind != YN_MAP)
		return at(err, name, it, "a waiver is a map with id and reason");
	for (const struct ynode *k = it->first; k && k->next; k = k->next->next) {
		const struct ynode *v = k->next;
		if (k->kind != YN_SCALAR || v->kind != YN_SCALAR)
			return at(err, name, k, "id and reason are strings");
		if (pare_slice_eq_cstr(k->text, "id"))
			id = v->text.ptr;
		else if (pare_slice_eq_cstr(k->text, "reason"))
			reason = v->text.ptr;
		else
			return at(err, name, k, "unknown key (want id, reason)");
	}
	if (!id)
		return at(err, name, it, "waiver without an id");
	return add_at(p, name, it, id, reason, err);
}

static int waive_list(struct pare_insp_policy *p, const char *name, const struct ynode *v,
		      struct pare_error *err)
{
	int rc = 0;
	if (v->kind == YN_SEQ) {
		for (const struct ynode *it = v->first; rc == 0 && it; it = it->next)
			rc = waive_item(p, name, it, err);
	} else if (v->kind == YN_MAP) {
		for (const struct ynode *k = v->first; rc == 0 && k && k->next; k = k->next->next) {
			if (k->kind != YN_SCALAR || k->next->kind != YN_SCALAR)
				return at(err, name, k, "waive: ID: reason, both strings");
			rc = add_at(p, name, k, k->text.ptr, k->next->text.ptr, err);
		}
	} else {
		rc = at(err, name, v, "waive: a list of {id, reason} or a map ID: reason");
	}
	return rc;
}

int pare_insp_policy_parse(struct pare_insp_policy *p, const char *name, struct pare_slice text,
			   struct pare_error *err)
{
	struct ynode *root = NULL;
	if (text.len > PARE_INSP_MAX_POLICY)
		return pare_error_set(err, -PARE_E_TOO_BIG, "%s: larger than %u bytes", name,
				      PARE_INSP_MAX_POLICY);
	int rc = pare_yaml_parse(&p->arena, name, text, &root, err);
	if (rc < 0 || !root)
		return rc;
	if (root->kind != YN_MAP)
		return at(err, name, root, "a policy is a map (waive: ...)");
	for (const struct ynode *k = root->first; rc == 0 && k && k->next; k = k->next->next) {
		if (k->kind != YN_SCALAR || !pare_slice_eq_cstr(k->text, "waive"))
			return at(err, name, k, "unknown key (want waive)");
		rc = waive_list(p, name, k->next, err);
	}
	return rc;
}

int pare_insp_policy_load(struct pare_insp_policy *p, const char *path, struct pare_error *err)
{
	struct pare_buf b;
	pare_buf_init(&b, PARE_INSP_MAX_POLICY);
	int rc = pare_read_file(path, &b, err);
	if (rc == 0)
		rc = pare_insp_policy_parse(p, path, pare_buf_slice(&b), err);
	pare_buf_release(&b);
	return rc;
}
