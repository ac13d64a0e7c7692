/* Dependencies of imported subpackages (see import.h, step 4). */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "deb/import_int.h"
#include "apk/pkginfo.h"
#include "elf/sca.h"
#include "split/split.h"

static bool strlist_has(const struct pare_strlist *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i], s))
			return true;
	return false;
}

static int copy_list(struct imp *m, struct pare_strlist *to, const struct pare_strlist *from)
{
	int r = 0;
	for (size_t i = 0; r == 0 && i < from->n; i++)
		r = pare_strlist_add(to, &m->arena, pare_slice_from(from->v[i]));
	return r;
}

/* "so:libc.so.6=6" -> "so:libc.so.6" (in the map's key form). */
static struct pare_slice prov_key(const char *atom)
{
	const char *eq = strchr(atom, '=');
	return pare_slice_make(atom, eq ? (size_t)(eq - atom) : strlen(atom));
}

static int register_provides(struct imp *m, struct isub *s, const struct pare_strlist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		struct pare_slice k = prov_key(l->v[i]);
		if (!pare_map_get(&m->provs, k) && pare_map_put(&m->provs, k, s, NULL) < 0)
			return -ENOMEM;
	}
	return 0;
}

static int analyse_sub(struct imp *m, struct ideb *d, struct isub *s, struct pare_error *err)
{
	struct pare_sca sca;
	struct pare_sca_result res;
	pare_sca_init(&sca);
	int r = pare_sca_add_dir(&sca, s->tree, err);
	if (r == 0)
		r = pare_sca_finish(&sca, d->apkver, &res, err);
	if (r == 0 && (copy_list(m, &s->provides, &res.provides) < 0 ||
		       copy_list(m, &s->needs, &res.depends) < 0 ||
		       register_provides(m, s, &s->provides) < 0 ||
		       register_provides(m, s, &s->extra_provides) < 0))
		r = pare_error_set(err, -ENOMEM, "out of memory");
	pare_sca_release(&sca);
	return r;
}

/* Debian Provides name the package too (virtual packages), after every
 * real name. */
static int register_debian_provides(struct imp *m, struct ideb *d)
{
	struct pare_deb_deplist l;
	struct pare_error e = { 0 };
	int r = 0;
	if (pare_deb_deps_parse(d->info.provides, &l, &e) == 0)
		for (size_t i = 0; r == 0 && i < l.ndeps; i++)
			if (!pare_map_get(&m->bydeb, l.deps[i].name))
				r = pare_map_put(&m->bydeb, l.deps[i].name, d, NULL);
	pare_deb_deplist_release(&l);
	return r;
}

int imp_analyse(struct imp *m, struct pare_error *err)
{
	int r = 0;
	for (size_t i = 0; r == 0 && i < m->ndebs; i++)
		for (size_t k = 0; r == 0 && k < m->debs[i].nsubs; k++)
			if (m->debs[i].subs[k].rep)
				r = analyse_sub(m, &m->debs[i], &m->debs[i].subs[k], err);
	for (size_t i = 0; r == 0 && i < m->ndebs; i++)
		if (m->debs[i].file && register_debian_provides(m, &m->debs[i]) < 0)
			r = pare_error_set(err, -ENOMEM, "out of memory");
	return r;
}

/* ---- symlink targets ---- */

/* The package path a symlink at `path` with `target` points to, "" when it
 * leaves the root. */
static void resolve_link(const char *path, const char *target, char *out, size_t size)
{
	char buf[PATH_MAX];
	if (target[0] == '/')
		snprintf(buf, sizeof(buf), "%s", target + 1);
	else {
		const char *slash = strrchr(path, '/');
		snprintf(buf, sizeof(buf), "%.*s/%s", slash ? (int)(slash - path) : 0, path, target);
		if (!slash)
			snprintf(buf, sizeof(buf), "%s", target);
	}
	size_t n = 0;
	out[0] = '\0';
	for (char *save = NULL, *c = strtok_r(buf, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		if (!strcmp(c, "."))
			continue;
		if (!strcmp(c, "..")) {
			char *last = strrchr(out, '/');
			n = last ? (size_t)(last - out) : 0;
			out[n] = '\0';
			continue;
		}
		int k = snprintf(out + n, size - n, "%s%s", n ? "/" : "", c);
		if (k < 0 || (size_t)k >= size - n) {
			out[0] = '\0';
			return;
		}
		n += (size_t)k;
	}
}

/* The subpackage owning path, trying the other side of the /usr merge. */
static struct isub *owner_of(struct imp *m, const char *path)
{
	struct isub *o = pare_map_get(&m->owners, pare_slice_from(path));
	if (o)
		return o;
	char alt[PATH_MAX];
	if (!strncmp(path, "usr/", 4))
		imp_pathf(alt, sizeof(alt), "%s", path + 4);
	else
		imp_pathf(alt, sizeof(alt), "usr/%s", path);
	return pare_map_get(&m->owners, pare_slice_from(alt));
}

/* ---- the lists ---- */

static int add_dep(struct imp *m, struct isub *s, const char *atom)
{
	if (!strcmp(atom, s->name))
		return 0;
	return pare_strlist_add(&s->depends, &m->arena, pare_slice_from(atom));
}

static int cover(struct imp *m, struct ideb *d, const struct isub *o)
{
	return pare_strlist_add(&d->covered, &m->arena, pare_slice_from(o->deb->name));
}

static int note_unmet(struct imp *m, struct ideb *d, const char *need)
{
	const char *old = d->rep->unmet ? d->rep->unmet : "";
	if (strstr(old, need))
		return 0;
	d->rep->unmet = imp_strf(m, "%s%s%s", old, old[0] ? " " : "", need);
	return d->rep->unmet ? 0 : -ENOMEM;
}

/* A so: need met by a file of the same subpackage outside the library
 * folders (gconv's libJIS.so beside the modules, found through RUNPATH). */
static bool own_file(struct imp *m, const struct ideb *d, const struct isub *s, const char *need)
{
	if (strncmp(need, "so:", 3) != 0)
		return false;
	size_t n = strlen(need + 3);
	for (size_t i = 0; i < d->deb.nentries; i++) {
		const char *p = d->deb.entries[i].path;
		size_t len = strlen(p);
		if (len > n && p[len - n - 1] == '/' && !strcmp(p + len - n, need + 3) &&
		    pare_map_get(&m->owners, pare_slice_from(p)) == s)
			return true;
	}
	return false;
}

static int derived(struct imp *m, struct ideb *d, struct isub *s)
{
	int r = 0;
	for (size_t i = 0; r == 0 && i < s->needs.n; i++) {
		struct isub *p = pare_map_get(&m->provs, prov_key(s->needs.v[i]));
		if (!p && own_file(m, d, s, s->needs.v[i]))
			continue;
		if (!p)
			r = note_unmet(m, d, s->needs.v[i]);
		else if (p != s && (r = add_dep(m, s, s->needs.v[i])) == 0)
			r = cover(m, d, p);
	}
	for (size_t i = 0; r == 0 && i < s->links.n; i++) {
		char path[PATH_MAX], res[PATH_MAX];
		const char *nl = strchr(s->links.v[i], '\n');
		imp_pathf(path, sizeof(path), "%.*s", (int)(nl - s->links.v[i]), s->links.v[i]);
		resolve_link(path, nl + 1, res, sizeof(res));
		struct isub *o = res[0] ? owner_of(m, res) : NULL;
		if (o && o != s && o->rep && (r = add_dep(m, s, o->name)) == 0)
			r = cover(m, d, o);
	}
	if (r == 0 && s->rule)
		for (size_t i = 0; r == 0 && i < s->rule->depends.n; i++)
			r = add_dep(m, s, s->rule->depends.v[i]);
	return r;
}

/* The imported package for one dependency group: the first alternative
 * that was imported (as a real package or through its Provides). */
static struct ideb *choose(struct imp *m, const struct pare_deb_deplist *l, size_t g)
{
	const struct pare_deb_depgroup *grp = &l->groups[g];
	for (size_t i = 0; i < grp->n; i++) {
		struct ideb *c = pare_map_get(&m->bydeb, l->deps[grp->first + i].name);
		if (c)
			return c;
	}
	return NULL;
}

static int debian_field(struct imp *m, struct ideb *d, struct isub *main, struct pare_slice f)
{
	const struct pare_importset *set = m->o->set;
	struct pare_deb_deplist l;
	struct pare_error e = { 0 };
	int r = 0;
	if (pare_deb_deps_parse(f, &l, &e) < 0) {
		pare_deb_deplist_release(&l);
		return 0; /* checked when the package was read */
	}
	for (size_t g = 0; r == 0 && g < l.ngroups; g++) {
		struct ideb *c = choose(m, &l, g);
		if (!c || c == d || strlist_has(&d->covered, c->name))
			continue;
		if (set && (pare_importset_list_has(&set->script_only, c->name) ||
			    (d->rules && pare_importset_list_has(&d->rules->ignore_depends, c->name))))
			continue;
		r = add_dep(m, main, c->main);
	}
	pare_deb_deplist_release(&l);
	return r;
}

static int main_depends(struct imp *m, struct ideb *d, struct isub *main)
{
	int r = 0;
	if (d->file) {
		r = debian_field(m, d, main, d->info.pre_depends);
		if (r == 0)
			r = debian_field(m, d, main, d->info.depends);
	}
	for (size_t i = 0; r == 0 && d->rules && i < d->rules->depends.n; i++)
		r = add_dep(m, main, d->rules->depends.v[i]);
	/* A main package left with no files of its own stands for the whole
	 * Debian package: it brings the set's pieces. */
	if (r == 0 && main->nfiles == main->nlicence)
		for (size_t i = 0; r == 0 && i < d->nsubs; i++)
			if (d->subs[i].rule && d->subs[i].rep)
				r = add_dep(m, main, d->subs[i].name);
	return r;
}

/* The name of a subpackage written in this run, or of an imported
 * Debian package. */
static bool known_name(struct imp *m, struct pare_slice name)
{
	const struct ideb *o = pare_map_get(&m->bydeb, name);
	if (o && pare_slice_eq_cstr(name, o->name))
		return true; /* bydeb holds Provides too: only real names count */
	for (size_t i = 0; i < m->ndebs; i++)
		for (size_t k = 0; k < m->debs[i].nsubs; k++)
			if (pare_slice_eq_cstr(name, m->debs[i].subs[k].name))
				return true;
	return false;
}

/* Debian Provides: virtual names become provides of the main subpackage
 * (versioned when Debian gives "(= V)"); names of real packages are left
 * alone.  Debian Replaces on an imported package: every subpackage of
 * this package replaces every subpackage of that one (file conflicts
 * between them are expected). */
static int provides_replaces(struct imp *m, struct ideb *d, struct isub *main)
{
	struct pare_deb_deplist l;
	struct pare_error e = { 0 };
	int r = 0;
	if (pare_deb_deps_parse(d->info.provides, &l, &e) == 0)
		for (size_t i = 0; r == 0 && i < l.ndeps; i++) {
			const struct pare_deb_dep *p = &l.deps[i];
			struct pare_buf v;
			pare_buf_init(&v, 512);
			if (known_name(m, p->name) || !pare_pkginfo_name_valid(p->name) ||
			    (p->op == PARE_DEB_OP_EQ &&
			     pare_deb_version_to_apk(p->version, &v, &e) < 0)) {
				pare_buf_release(&v);
				continue;
			}
			char *atom = imp_strf(m, "%.*s%s%s", (int)p->name.len, p->name.ptr,
					      v.len ? "=" : "", v.len ? v.data : "");
			pare_buf_release(&v);
			r = atom ? pare_strlist_add(&main->extra_provides, &m->arena,
						    pare_slice_from(atom))
				 : -ENOMEM;
		}
	pare_deb_deplist_release(&l);
	if (r < 0 || pare_deb_deps_parse(d->info.replaces, &l, &e) < 0) {
		pare_deb_deplist_release(&l);
		return r;
	}
	for (size_t i = 0; r == 0 && i < l.ndeps; i++) {
		struct ideb *o = pare_map_get(&m->bydeb, l.deps[i].name);
		if (!o || o == d || !pare_slice_eq_cstr(l.deps[i].name, o->name))
			continue; /* not imported, or only provided */
		for (size_t k = 0; r == 0 && k < o->nsubs; k++)
			for (size_t j = 0; r == 0 && j < d->nsubs; j++)
				if (o->subs[k].rep && d->subs[j].rep)
					r = pare_strlist_add(&d->subs[j].replaces, &m->arena,
							     pare_slice_from(o->subs[k].name));
	}
	pare_deb_deplist_release(&l);
	return r;
}

/* Whether d names itself (or one of its subpackages) as name, directly or
 * through its Debian Provides: dpkg ignores such self-conflicts
 * ("Provides: mta, Conflicts: mta"). */
static bool names_itself(struct ideb *d, struct pare_slice name)
{
	if (pare_slice_eq_cstr(name, d->name))
		return true;
	for (size_t i = 0; i < d->nsubs; i++)
		if (pare_slice_eq_cstr(name, d->subs[i].name))
			return true;
	struct pare_deb_deplist l;
	struct pare_error e = { 0 };
	bool found = false;
	if (pare_deb_deps_parse(d->info.provides, &l, &e) == 0)
		for (size_t i = 0; !found && i < l.ndeps; i++)
			found = pare_slice_eq(l.deps[i].name, name);
	pare_deb_deplist_release(&l);
	return found;
}

/* Debian Conflicts and Breaks: "!" atoms on the main subpackage.  A name
 * of an imported Debian package becomes its APK main name (libc6 ->
 * glibc); any other name (not imported, or virtual) stays as it is.  The
 * version is mapped as the package versions are. */
static int conflicts_field(struct imp *m, struct ideb *d, struct isub *main, struct pare_slice f)
{
	struct pare_deb_deplist l;
	struct pare_error e = { 0 };
	struct pare_buf atom;
	pare_buf_init(&atom, 1024);
	int r = 0;
	if (pare_deb_deps_parse(f, &l, &e) == 0)
		for (size_t i = 0; r == 0 && i < l.ndeps; i++) {
			const struct pare_deb_dep *c = &l.deps[i];
			struct ideb *o = pare_map_get(&m->bydeb, c->name);
			if (o == d || names_itself(d, c->name))
				continue;
			struct pare_slice name = o && pare_slice_eq_cstr(c->name, o->name)
							 ? pare_slice_from(o->main) : c->name;
			pare_buf_reset(&atom);
			if (pare_deb_dep_to_apk(c, name, true, &atom, &e) < 0)
				continue; /* not expressible in APK terms: left out */
			r = pare_strlist_add(&main->conflicts, &m->arena, pare_buf_slice(&atom));
		}
	pare_deb_deplist_release(&l);
	pare_buf_release(&atom);
	return r;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int sub_install_if(struct imp *m, struct ideb *d, struct isub *s)
{
	const char *trigger = pare_split_install_if(s->pyc_parent ? "-pyc" : s->suffix);
	if (!trigger)
		return 0;
	char *a = imp_strf(m, "%s=%s", s->pyc_parent ? s->pyc_parent : d->main, d->apkver);
	if (!a)
		return -ENOMEM;
	int r = pare_strlist_add(&s->install_if, &m->arena, pare_slice_from(a));
	return r ? r : pare_strlist_add(&s->install_if, &m->arena, pare_slice_from(trigger));
}

static int deb_depends(struct imp *m, struct ideb *d)
{
	int r = 0;
	struct isub *main = NULL;
	for (size_t i = 0; r == 0 && i < d->nsubs; i++) {
		struct isub *s = &d->subs[i];
		if (!s->rep)
			continue;
		if (!strcmp(s->name, d->main))
			main = s;
		r = derived(m, d, s);
		if (r == 0)
			r = sub_install_if(m, d, s);
	}
	if (r == 0 && main)
		r = main_depends(m, d, main);
	if (r == 0 && main && d->file)
		r = provides_replaces(m, d, main);
	if (r == 0 && main && d->file)
		r = conflicts_field(m, d, main, d->info.conflicts);
	if (r == 0 && main && d->file)
		r = conflicts_field(m, d, main, d->info.breaks);
	for (size_t i = 0; r == 0 && i < d->nsubs; i++) {
		struct isub *s = &d->subs[i];
		if (s->depends.n > 1) /* an empty list has no array to sort */
			qsort(s->depends.v, s->depends.n, sizeof(*s->depends.v), cmp_str);
		if (s->conflicts.n > 1)
			qsort(s->conflicts.v, s->conflicts.n, sizeof(*s->conflicts.v), cmp_str);
		if (s->provides.n > 1)
			qsort(s->provides.v, s->provides.n, sizeof(*s->provides.v), cmp_str);
		/* the same name from SCA and an alternative once */
		for (size_t k = 0; k < s->extra_provides.n; k++)
			if (strlist_has(&s->provides, s->extra_provides.v[k]))
				s->extra_provides.v[k] = "";
	}
	return r;
}

int imp_depends(struct imp *m, struct pare_error *err)
{
	int r = 0;
	for (size_t i = 0; r == 0 && i < m->ndebs; i++)
		r = deb_depends(m, &m->debs[i]);
	return r < 0 ? pare_error_set(err, r, "dependencies: out of memory") : 0;
}
