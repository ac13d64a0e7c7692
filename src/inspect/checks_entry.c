/* Entrypoint and accounts: what runs exists, resolves and may run; the
 * accounts it runs as are consistent. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "elf/elf.h"
#include "inspect/int.h"

/* The program the container starts: entrypoint[0], else cmd[0]. */
static const char *program(const struct pare_insp_ctx *c, const char **what)
{
	const struct pare_insp_runinfo *r = &c->t->run;
	if (r->nentrypoint) {
		*what = "entrypoint";
		return r->entrypoint[0];
	}
	if (r->ncmd) {
		*what = "cmd";
		return r->cmd[0];
	}
	return NULL;
}

static bool need_run(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	if (!c->t->run.present) {
		pi_na(o, "no image config (a bare directory)");
		return false;
	}
	return true;
}

static const char *prog_or_na(struct pare_insp_ctx *c, struct pare_insp_out *o, const char **what)
{
	if (!need_run(c, o))
		return NULL;
	const char *p = program(c, what);
	if (!p)
		pi_na(o, "no entrypoint or cmd");
	return p;
}

static void ent_defined(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	const char *what;
	if (need_run(c, o) && !program(c, &what))
		pi_fail(o, "the image has neither an entrypoint nor a cmd");
}

/* The path a program name stands for (PATH search for bare names). */
static const char *locate(struct pare_insp_ctx *c, const char *name)
{
	const char *path = name;
	if (!strchr(name, '/') && !pi_find_program(c, name, &path))
		return NULL;
	return path;
}

static void ent_exists(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	const char *what, *p = prog_or_na(c, o, &what);
	if (!p)
		return;
	const char *path = locate(c, p);
	if (!path)
		pi_fail(o, "%s %s: not found in the image's PATH", what, p);
	else if (!pi_lookup(c, path) && !pi_resolve(c, path, NULL))
		pi_fail(o, "%s %s does not exist in the image", what, path);
}

/* Describe a symlink chain that does not end in a file. */
static void chain_fail(struct pare_insp_ctx *c, struct pare_insp_out *o, const char *what,
		       const char *path, const char *why)
{
	const struct pi_file *l = pi_lookup(c, path);
	if (l && S_ISLNK(l->mode))
		pi_fail(o, "%s %s is a symlink to %s, which %s (dangling)", what, path,
			l->link ? l->link : "?", why);
	else
		pi_fail(o, "%s %s: %s", what, path, why);
}

static void ent_resolves(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	const char *what, *why = "does not exist", *p = prog_or_na(c, o, &what);
	const char *path = p ? locate(c, p) : NULL;
	if (!path)
		return;
	const struct pi_file *f = pi_resolve(c, path, &why);
	if (!f)
		chain_fail(c, o, what, path, why);
	else if (!S_ISREG(f->mode))
		pi_fail(o, "%s %s resolves to %s, not a regular file", what, path, f->path);
}

/* May the image's user run it?  Owner, group or other execute bit. */
static bool may_exec(const struct pare_insp_ctx *c, const struct pi_file *f)
{
	const char *u = c->t->run.user;
	const struct pi_account *a = u ? pi_user(c, u) : NULL;
	if (!u || (a && a->id == 0) || strcmp(u, "0") == 0 || strcmp(u, "root") == 0)
		return (f->mode & 0111) != 0;
	if (a && a->id == f->uid)
		return (f->mode & 0100) != 0;
	if (a && a->gid == f->gid)
		return (f->mode & 0010) != 0;
	return (f->mode & 0001) != 0;
}

static void ent_executable(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	const char *what, *p = prog_or_na(c, o, &what);
	const char *path = p ? locate(c, p) : NULL;
	const struct pi_file *f = path ? pi_resolve(c, path, NULL) : NULL;
	if (f && S_ISREG(f->mode) && !may_exec(c, f))
		pi_fail(o, "%s %s (%s, mode %o, owner %u:%u) is not executable by the image's user",
			what, path, f->path, f->mode & 07777, f->uid, f->gid);
}

static void check_shebang(struct pare_insp_ctx *c, struct pare_insp_out *o, const char *what,
			  const struct pi_file *f, int depth)
{
	const char *why = "does not exist";
	if (!f->shebang || depth > 4)
		return;
	const struct pi_file *i = f->shebang[0] ? pi_resolve(c, f->shebang, &why) : NULL;
	if (!i || !S_ISREG(i->mode) || !(i->mode & 0111))
		pi_fail(o, "%s %s: #! interpreter '%s' %s", what, f->path, f->shebang,
			i ? "is not an executable file" : why);
	else
		check_shebang(c, o, what, i, depth + 1);
}

static void ent_shebang(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	const char *what, *p = prog_or_na(c, o, &what);
	const char *path = p ? locate(c, p) : NULL;
	const struct pi_file *f = path ? pi_resolve(c, path, NULL) : NULL;
	if (f)
		check_shebang(c, o, what, f, 0);
}

static void ent_loader(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	const char *what, *p = prog_or_na(c, o, &what);
	const char *path = p ? locate(c, p) : NULL;
	const struct pi_file *f = path ? pi_resolve(c, path, NULL) : NULL;
	if (f && f->shebang)
		f = pi_resolve(c, f->shebang, NULL);
	if (!f || f->elf < 0)
		return;
	const struct pi_elf *x = &c->elfs[f->elf];
	for (size_t i = 0; i < x->nproblems; i++)
		pi_fail(o, "%s %s: %s", what, path, x->problems[i]);
}

static void ent_cmd(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	if (!need_run(c, o))
		return;
	const struct pare_insp_runinfo *r = &c->t->run;
	if (r->nentrypoint || !r->ncmd) {
		pi_na(o, r->ncmd ? "cmd are the entrypoint's arguments" : "no cmd");
		return;
	}
	const char *path = locate(c, r->cmd[0]), *why = "does not exist";
	const struct pi_file *f = path ? pi_resolve(c, path, &why) : NULL;
	if (!f || !S_ISREG(f->mode))
		pi_fail(o, "cmd %s %s", r->cmd[0], path ? why : "is not in the image's PATH");
}

static void ent_workdir(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	if (!need_run(c, o))
		return;
	const char *w = c->t->run.workdir, *why = "does not exist";
	if (!w || !*w) {
		pi_na(o, "no work-dir");
		return;
	}
	const struct pi_file *f = pi_resolve(c, w, &why);
	if (!f)
		pi_fail(o, "work-dir %s %s", w, why);
	else if (!S_ISDIR(f->mode))
		pi_fail(o, "work-dir %s is not a directory", w);
}

static bool in_bin_dir(const char *p)
{
	return strstr(p, "/bin/") || strstr(p, "/sbin/") || strstr(p, "/libexec/");
}

static void ent_scripts(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	for (size_t i = 0; i < c->nfiles; i++) {
		const struct pi_file *f = &c->files[i];
		if (f->shebang && (f->mode & 0111) && in_bin_dir(f->path))
			check_shebang(c, o, "script", f, 3);
	}
}

static void ent_shebang_abs(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	for (size_t i = 0; i < c->nfiles; i++) {
		const struct pi_file *f = &c->files[i];
		if (f->shebang && (f->mode & 0111) && f->shebang[0] != '/')
			pi_fail(o, "%s: #! interpreter '%s' is not an absolute path", f->path,
				f->shebang);
	}
}

/* ---- accounts */

static void split_user(const char *spec, char *user, char *group, size_t n)
{
	const char *colon = strchr(spec, ':');
	snprintf(user, n, "%.*s", colon ? (int)(colon - spec) : (int)strlen(spec), spec);
	snprintf(group, n, "%s", colon ? colon + 1 : "");
}

/* The run-as user and group (u, g; g may be ""), or false: not applicable. */
static bool run_user(struct pare_insp_ctx *c, struct pare_insp_out *o, char *u, char *g, size_t n)
{
	if (!need_run(c, o))
		return false;
	if (!c->t->run.user || !*c->t->run.user) {
		pi_na(o, "runs as root (no user set)");
		return false;
	}
	split_user(c->t->run.user, u, g, n);
	return true;
}

static void acc_user(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	char u[256], g[256];
	if (run_user(c, o, u, g, sizeof(u)) && !pi_user(c, u))
		pi_fail(o, "user %s is not in /etc/passwd%s", u, c->passwd_present ? "" : " (missing)");
}

static void acc_group(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	char u[256], g[256];
	if (!run_user(c, o, u, g, sizeof(u)))
		return;
	const struct pi_account *a = pi_user(c, u);
	if (*g && !pi_group(c, g))
		pi_fail(o, "group %s is not in /etc/group", g);
	else if (!*g && a) {
		char id[16];
		snprintf(id, sizeof(id), "%u", a->gid);
		if (!pi_group(c, id))
			pi_fail(o, "user %s's group %u is not in /etc/group", u, a->gid);
	}
}

static bool nologin(const char *shell)
{
	const char *b = strrchr(shell, '/');
	b = b ? b + 1 : shell;
	return !*shell || strcmp(b, "nologin") == 0 || strcmp(b, "false") == 0 ||
	       strcmp(b, "sync") == 0 || strcmp(b, "halt") == 0 || strcmp(b, "shutdown") == 0;
}

static bool need_passwd(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	if (!c->passwd_present)
		pi_na(o, "no /etc/passwd");
	return c->passwd_present;
}

static void acc_homes(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	char u[256], g[256] = "";
	if (!need_passwd(c, o))
		return;
	if (c->t->run.user)
		split_user(c->t->run.user, u, g, sizeof(u));
	const struct pi_account *runas = c->t->run.user ? pi_user(c, u) : NULL;
	for (size_t i = 0; i < c->nusers; i++) {
		const struct pi_account *a = &c->users[i];
		if (!a->ok || !a->home || strcmp(a->home, "/nonexistent") == 0)
			continue;
		if ((a == runas || !nologin(a->shell)) && !pi_resolve(c, a->home, NULL))
			pi_fail(o, "user %s: home %s does not exist", a->name, a->home);
	}
}

static void acc_shells(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	if (!need_passwd(c, o))
		return;
	for (size_t i = 0; i < c->nusers; i++) {
		const struct pi_account *a = &c->users[i];
		if (a->ok && a->shell && !nologin(a->shell) && !pi_resolve(c, a->shell, NULL))
			pi_fail(o, "user %s: shell %s does not exist (use a nologin shell)", a->name,
				a->shell);
	}
}

static void acc_tmp(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	const struct pi_file *f = pi_lookup(c, "/tmp");
	if (!f)
		pi_na(o, "no /tmp (ACC-014)");
	else if (!S_ISDIR(f->mode) || (f->mode & 07777) != 01777)
		pi_fail(o, "/tmp has mode %o, not 1777", f->mode & 07777);
}

static void acc_tmp_exists(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	if (!pi_lookup(c, "/tmp"))
		pi_fail(o, "/tmp is missing (programs that write temporary files fail)");
}

static void acc_parse(struct pare_insp_ctx *c, struct pare_insp_out *o, bool users)
{
	const struct pi_account *v = users ? c->users : c->groups;
	size_t n = users ? c->nusers : c->ngroups;
	if (!(users ? c->passwd_present : c->group_present)) {
		pi_na(o, users ? "no /etc/passwd" : "no /etc/group");
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (!v[i].ok)
			pi_fail(o, "%s: malformed line '%s'", users ? "/etc/passwd" : "/etc/group",
				v[i].line);
}

static void acc_passwd_parses(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	acc_parse(c, o, true);
}

static void acc_group_parses(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	acc_parse(c, o, false);
}

static void acc_dups(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	if (!need_passwd(c, o))
		return;
	for (size_t i = 0; i < c->nusers; i++)
		for (size_t k = 0; k < i; k++) {
			const struct pi_account *a = &c->users[i], *b = &c->users[k];
			if (!a->ok || !b->ok)
				continue;
			if (strcmp(a->name, b->name) == 0)
				pi_fail(o, "user %s listed twice", a->name);
			else if (a->id == b->id)
				pi_fail(o, "uid %u shared by %s and %s", a->id, b->name, a->name);
		}
}

static void acc_gids(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	if (!need_passwd(c, o))
		return;
	for (size_t i = 0; i < c->nusers; i++) {
		char id[16];
		const struct pi_account *a = &c->users[i];
		snprintf(id, sizeof(id), "%u", a->gid);
		if (a->ok && !pi_group(c, id))
			pi_fail(o, "user %s: primary group %u is not in /etc/group", a->name, a->gid);
	}
}

static void acc_nonroot(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	char u[256], g[256];
	if (!need_run(c, o))
		return;
	const char *spec = c->t->run.user;
	if (!spec || !*spec) {
		pi_fail(o, "the image runs as root (no user set)");
		return;
	}
	split_user(spec, u, g, sizeof(u));
	const struct pi_account *a = pi_user(c, u);
	if (strcmp(u, "0") == 0 || strcmp(u, "root") == 0 || (a && a->id == 0))
		pi_fail(o, "the image runs as root (%s)", spec);
}

static void acc_root(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	const struct pi_account *r = need_passwd(c, o) ? pi_user(c, "0") : NULL;
	if (c->passwd_present && !r)
		pi_fail(o, "no uid 0 account in /etc/passwd");
}

static void acc_empty_password(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	if (!need_passwd(c, o))
		return;
	for (size_t i = 0; i < c->nusers; i++)
		if (c->users[i].ok && c->users[i].passwd && !*c->users[i].passwd)
			pi_fail(o, "user %s has an empty password field (login without a password)",
				c->users[i].name);
}

static void acc_members(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	if (!c->group_present) {
		pi_na(o, "no /etc/group");
		return;
	}
	for (size_t i = 0; i < c->ngroups; i++) {
		const char *l = c->groups[i].line;
		const char *m = l;
		for (int k = 0; k < 3 && m; k++)
			m = strchr(m, ':') ? strchr(m, ':') + 1 : NULL;
		char buf[1024];
		snprintf(buf, sizeof(buf), "%s", m ? m : "");
		char *save = NULL;
		for (char *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save))
			if (!pi_user(c, w))
				pi_fail(o, "group %s: member %s is not a user", c->groups[i].name, w);
	}
}

const struct pare_insp_check pi_checks_entry[] = {
	{ "ENT-001", "the image has an entrypoint or a cmd", PARE_INSP_WARNING, "Entrypoint and accounts", ent_defined },
	{ "ENT-002", "the entrypoint exists", PARE_INSP_ERROR, "Entrypoint and accounts", ent_exists },
	{ "ENT-003", "the entrypoint resolves (symlink chain) to a file", PARE_INSP_ERROR, "Entrypoint and accounts", ent_resolves },
	{ "ENT-004", "the entrypoint is executable by the image's user", PARE_INSP_ERROR, "Entrypoint and accounts", ent_executable },
	{ "ENT-005", "the entrypoint's #! interpreters exist", PARE_INSP_ERROR, "Entrypoint and accounts", ent_shebang },
	{ "ENT-006", "the entrypoint's shared libraries resolve", PARE_INSP_ERROR, "Entrypoint and accounts", ent_loader },
	{ "ENT-007", "the cmd program exists when it is the program", PARE_INSP_ERROR, "Entrypoint and accounts", ent_cmd },
	{ "ENT-008", "the work-dir exists", PARE_INSP_ERROR, "Entrypoint and accounts", ent_workdir },
	/* a warning: the entrypoint's own interpreter is ENT-005 (an error); other
	 * scripts may never be called (Debian's zstd ships zstdgrep for /bin/sh) */
	{ "ENT-009", "scripts in bin directories have their #! interpreter", PARE_INSP_WARNING, "Entrypoint and accounts", ent_scripts },
	{ "ENT-010", "#! interpreters are absolute paths", PARE_INSP_WARNING, "Entrypoint and accounts", ent_shebang_abs },
	{ "ACC-001", "the run-as user exists", PARE_INSP_ERROR, "Entrypoint and accounts", acc_user },
	{ "ACC-002", "the run-as group exists", PARE_INSP_ERROR, "Entrypoint and accounts", acc_group },
	{ "ACC-003", "home directories of login users and the run-as user exist", PARE_INSP_WARNING, "Entrypoint and accounts", acc_homes },
	{ "ACC-004", "login shells exist or are nologin", PARE_INSP_WARNING, "Entrypoint and accounts", acc_shells },
	{ "ACC-005", "/tmp has mode 1777", PARE_INSP_ERROR, "Entrypoint and accounts", acc_tmp },
	{ "ACC-006", "etc/passwd lines parse", PARE_INSP_ERROR, "Entrypoint and accounts", acc_passwd_parses },
	{ "ACC-007", "etc/group lines parse", PARE_INSP_ERROR, "Entrypoint and accounts", acc_group_parses },
	{ "ACC-008", "user names and uids are unique", PARE_INSP_WARNING, "Entrypoint and accounts", acc_dups },
	{ "ACC-009", "every user's primary group exists", PARE_INSP_WARNING, "Entrypoint and accounts", acc_gids },
	{ "ACC-010", "the image runs as a non-root user", PARE_INSP_INFO, "Entrypoint and accounts", acc_nonroot },
	{ "ACC-011", "a root (uid 0) account exists", PARE_INSP_WARNING, "Entrypoint and accounts", acc_root },
	{ "ACC-012", "no account has an empty password field", PARE_INSP_ERROR, "Entrypoint and accounts", acc_empty_password },
	{ "ACC-013", "group members are users", PARE_INSP_WARNING, "Entrypoint and accounts", acc_members },
	{ "ACC-014", "/tmp exists", PARE_INSP_WARNING, "Entrypoint and accounts", acc_tmp_exists },
	{ NULL, NULL, 0, NULL, NULL },
};
