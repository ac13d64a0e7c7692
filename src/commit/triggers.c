/* Triggers: packages whose .trigger globs match directories changed by a
 * transaction run their trigger script once, at the end, with the matched
 * directories as arguments (apk's rules: "/dir" rooted names, fnmatch with
 * FNM_PATHNAME; a glob starting with '+' fires only on changed
 * directories; a package installed by this transaction is also run for
 * every matching directory that exists in the database). */
#include "commit/txn_int.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TRIGGER_MAX_ARGS 60

bool pare_txn_trigger_match(struct pare_slice glob, struct pare_slice dir)
{
	char g[PARE_PATH_MAX + 1], d[PARE_PATH_MAX + 2];
	if (glob.len && glob.ptr[0] == '+')
		glob = pare_slice_sub(glob, 1, glob.len - 1);
	if (glob.len == 0 || glob.len > PARE_PATH_MAX || dir.len > PARE_PATH_MAX ||
	    glob.ptr[0] != '/')
		return false;
	snprintf(g, sizeof(g), "%.*s", (int)glob.len, glob.ptr);
	snprintf(d, sizeof(d), "/%.*s", (int)dir.len, dir.ptr);
	return fnmatch(g, d, FNM_PATHNAME) == 0;
}

struct trig_args {
	char *v[TRIGGER_MAX_ARGS];
	size_t n;
};

static void args_add(struct trig_args *a, struct pare_slice dir)
{
	for (size_t i = 0; i < a->n; i++)
		if (strlen(a->v[i]) == dir.len + 1 && !memcmp(a->v[i] + 1, dir.ptr, dir.len))
			return;
	if (a->n == TRIGGER_MAX_ARGS)
		return;
	char *s = malloc(dir.len + 2);
	if (!s)
		return;
	s[0] = '/';
	memcpy(s + 1, dir.ptr, dir.len);
	s[dir.len + 1] = '\0';
	a->v[a->n++] = s;
}

/* Directories of map m matching any of the globs. */
static void collect(const struct pare_map *m, struct pare_slice globs, bool changed_set,
		    struct trig_args *a)
{
	size_t pos = 0;
	struct pare_slice dir;
	void *val;
	while (pare_map_next(m, &pos, &dir, &val)) {
		struct pare_slice rest = globs, g;
		while (pare_slice_next_word(&rest, &g)) {
			if (!changed_set && g.len && g.ptr[0] == '+')
				continue;
			if (pare_txn_trigger_match(g, dir)) {
				args_add(a, dir);
				break;
			}
		}
	}
}

static struct pare_db_pkg *pkg_by_identity(struct pare_db_installed *db,
					   const struct pare_digest_value *id)
{
	for (size_t i = 0; i < db->npkgs; i++) {
		const struct pare_digest_value *v = &db->pkgs[i]->ent.identity;
		if (v->alg == id->alg && v->len == id->len && !memcmp(v->bytes, id->bytes, v->len))
			return db->pkgs[i];
	}
	return NULL;
}

/* Run one package's trigger; returns 1 if it failed. */
static int run_one(struct txn *t, const struct pare_db_trigger *tr, struct pare_db_pkg *p)
{
	struct trig_args a = { .n = 0 };
	collect(&t->touched, tr->globs, true, &a);
	if (pare_map_get(&t->fresh, p->ent.identity_text))
		collect(&t->db->dirs, tr->globs, false, &a);
	const struct pare_db_script *sc =
		a.n ? pare_db_scripts_find(t->scripts, &tr->identity, PARE_SCRIPT_TRIGGER) : NULL;
	int failed = 0;
	if (sc) {
		char label[600];
		struct pare_error err = { 0 };
		snprintf(label, sizeof(label), "%.*s-%.*s.trigger", (int)p->ent.name.len,
			 p->ent.name.ptr, (int)p->ent.version.len, p->ent.version.ptr);
		pare_log_info(t->o->log, "Executing %s", label);
		int r = pare_txn_run_script(t->o->root, label, sc->data, (const char *const *)a.v,
					    a.n, t->o->script_timeout, t->o->log, &err);
		if (r != 0) {
			pare_log_error(t->o->log, "%s", err.msg);
			failed = 1;
		}
	}
	for (size_t i = 0; i < a.n; i++)
		free(a.v[i]);
	return failed;
}

size_t txn_run_triggers(struct txn *t, struct pare_db_pkg **failed_pkgs, size_t max)
{
	size_t nfail = 0;
	for (size_t i = 0; i < t->triggers->n; i++) {
		const struct pare_db_trigger *tr = &t->triggers->v[i];
		struct pare_db_pkg *p = pkg_by_identity(t->db, &tr->identity);
		if (!p || !run_one(t, tr, p))
			continue;
		if (nfail < max)
			failed_pkgs[nfail] = p;
		nfail++;
	}
	return nfail;
}
