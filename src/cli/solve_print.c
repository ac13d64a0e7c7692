/* Printing solver results exactly as apk does. */
#include "cli/solve_common.h"

#include "apk/version.h"
#include "base/buf.h"
#include "cli/commit_cli.h"

#include <stdlib.h>
#include <string.h>

#define WRAP_WIDTH 50

void pare_solve_fmt_size(uint64_t size, char *buf, size_t n)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double s = (double)size;
	size_t i = 0;
	while (s >= 10000 && i + 1 < sizeof(units) / sizeof(units[0])) {
		s /= 1024;
		i++;
	}
	if (i < 2)
		snprintf(buf, n, "%llu %s", (unsigned long long)s, units[i]);
	else
		snprintf(buf, n, "%.1f %s", s, units[i]);
}

/* Word-wrapped list: "<indent>label w1 w2 ..." kept under WRAP_WIDTH. */
struct wrap {
	FILE *f;
	int x, indent, words;
	bool lead; /* a label precedes the first word */
};

static void wrap_start(struct wrap *w, FILE *f, int indent, const char *label)
{
	w->f = f;
	w->words = 0;
	w->lead = label[0] != '\0';
	fprintf(f, "%*s%s", indent, "", label);
	w->x = indent + (int)strlen(label);
	w->indent = label[0] ? w->x + 1 : indent;
}

static void wrap_word(struct wrap *w, const char *s)
{
	int len = (int)strlen(s);
	bool space = w->lead || w->words > 0;
	if (w->words > 0 && w->x + 1 + len >= WRAP_WIDTH) {
		fprintf(w->f, "\n%*s", w->indent, "");
		w->x = w->indent;
		space = false;
	}
	fprintf(w->f, "%s%s", space ? " " : "", s);
	w->x += len + (space ? 1 : 0);
	w->words++;
}

static void wrap_text(struct wrap *w, const char *text)
{
	char word[256];
	while (*text) {
		size_t n = strcspn(text, " ");
		if (n && n < sizeof(word)) {
			memcpy(word, text, n);
			word[n] = '\0';
			wrap_word(w, word);
		}
		text += n;
		text += *text == ' ';
	}
}

static void wrap_end(struct wrap *w)
{
	fputc('\n', w->f);
}

static void pkg_label(const struct pare_universe *u, const struct pare_spkg *p, uint8_t tag,
		      char *buf, size_t n)
{
	if (tag && tag < u->ntags)
		snprintf(buf, n, "%s@%.*s", p->name->str.ptr, (int)u->tags[tag].len,
			 u->tags[tag].ptr);
	else
		snprintf(buf, n, "%s", p->name->str.ptr);
}

static const char *change_verb(enum pare_change_kind k)
{
	switch (k) {
	case PARE_CHANGE_INSTALL: return "Installing";
	case PARE_CHANGE_UPGRADE: return "Upgrading";
	case PARE_CHANGE_DOWNGRADE: return "Downgrading";
	case PARE_CHANGE_REPLACE: return "Replacing";
	case PARE_CHANGE_REINSTALL: return "Reinstalling";
	case PARE_CHANGE_RETAG: return "Updating pinning";
	case PARE_CHANGE_REMOVE: return "Purging";
	}
	return "?";
}

void pare_solve_print_changes(struct pare_solve_ctx *c, const struct pare_solution *sol)
{
	FILE *f = c->cli->out;
	char label[512], digits[16];
	int width = snprintf(digits, sizeof(digits), "%u", sol->nchanges);
	for (uint32_t i = 0; i < sol->nchanges; i++) {
		const struct pare_change *ch = &sol->changes[i];
		const struct pare_spkg *p = ch->new_pkg ? ch->new_pkg : ch->old_pkg;
		pkg_label(c->u, p, ch->new_pkg ? ch->new_tag : 0, label, sizeof(label));
		fprintf(f, "(%*u/%u) %s %s (", width, i + 1, sol->nchanges, change_verb(ch->kind),
			label);
		if (ch->old_pkg && ch->new_pkg && ch->old_pkg != ch->new_pkg)
			fprintf(f, "%s -> ", ch->old_pkg->version.ptr);
		fprintf(f, "%s)\n", p->version.ptr);
	}
}

void pare_solve_print_ok(struct pare_solve_ctx *c, const struct pare_solution *sol)
{
	char size[32];
	pare_solve_fmt_size(sol->installed_size, size, sizeof(size));
	if (c->cli->opts.verbosity > 1) {
		uint64_t files = 0, dirs = 0;
		for (uint32_t i = 0; i < sol->nselected; i++) {
			files += sol->selected[i]->nfiles;
			dirs += sol->selected[i]->ndirs;
		}
		fprintf(c->cli->out, "OK: %u packages, %llu dirs, %llu files, %s\n", sol->nselected,
			(unsigned long long)dirs, (unsigned long long)files, size);
	} else {
		fprintf(c->cli->out, "OK: %s in %u packages\n", size, sol->nselected);
	}
}

static void reason_text(const struct pare_universe *u, const struct pare_reason *r, char *buf,
			size_t n)
{
	char dep[512];
	int w = 0;
	if (r->pkg)
		w = pare_spkg_format(r->pkg, buf, n);
	else
		w = snprintf(buf, n, "world");
	if (w < 0 || (size_t)w >= n || !r->dep)
		return;
	pare_sdep_format(u, r->dep, dep, sizeof(dep));
	snprintf(buf + w, n - (size_t)w, "[%s]", dep);
}

static void print_reasons(struct pare_solve_ctx *c, FILE *f, const char *label,
			  const struct pare_reasons *rs, bool names_only)
{
	char text[1024];
	struct wrap w;
	if (rs->n == 0)
		return;
	wrap_start(&w, f, 4, label);
	for (uint32_t i = 0; i < rs->n; i++) {
		if (names_only)
			snprintf(text, sizeof(text), "%s", rs->v[i].pkg->name->str.ptr);
		else
			reason_text(c->u, &rs->v[i], text, sizeof(text));
		wrap_word(&w, text);
	}
	wrap_end(&w);
}

static void print_line(FILE *f, const char *label, const char *text)
{
	struct wrap w;
	wrap_start(&w, f, 4, label);
	wrap_text(&w, text);
	wrap_end(&w);
}

static void print_problem(struct pare_solve_ctx *c, FILE *f, const struct pare_problem *p)
{
	char buf[512];
	if (p->kind != PARE_PROBLEM_PACKAGE) {
		bool virt = p->kind == PARE_PROBLEM_VIRTUAL;
		fprintf(f, "  %s (%s):\n", p->name->str.ptr, virt ? "virtual" : "no such package");
		if (virt) {
			print_line(f, "note:", "please select one of the 'provided by' packages "
					       "explicitly");
			print_reasons(c, f, "provided by:", &p->provided_by, true);
		}
		print_reasons(c, f, "required by:", &p->required_by, false);
		return;
	}
	pare_spkg_format(p->pkg, buf, sizeof(buf));
	fprintf(f, "  %s:\n", buf);
	if (p->uninstallable)
		print_line(f, "error:", "uninstallable");
	if (p->bad_arch)
		print_line(f, "arch:", p->pkg->arch.ptr);
	if (p->masked_network)
		print_line(f, "masked in:", "--no-network");
	if (p->masked_tag >= 0) {
		snprintf(buf, sizeof(buf), "@%.*s", (int)c->u->tags[p->masked_tag].len,
			 c->u->tags[p->masked_tag].ptr);
		print_line(f, "masked in:", buf);
	}
	print_reasons(c, f, "conflicts:", &p->conflicts, false);
	print_reasons(c, f, "breaks:", &p->breaks, false);
	print_reasons(c, f, "satisfies:", &p->satisfies, false);
}

int pare_solve_print_errors(struct pare_solve_ctx *c, const struct pare_solution *sol)
{
	FILE *f = c->cli->errout;
	fflush(c->cli->out);
	fprintf(f, "ERROR: unable to select packages:\n");
	for (uint32_t i = 0; i < sol->nproblems; i++)
		print_problem(c, f, &sol->problems[i]);
	if (sol->nproblems == 0)
		fprintf(f, "  (search budget exhausted)\n");
	fflush(f);
	return sol->nproblems ? (int)(sol->nproblems > 255 ? 255 : sol->nproblems) : 1;
}

/* --force-broken-world: keep the world atoms, in order, that still allow
 * a solution. */
static int drop_broken_world(struct pare_solve_ctx *c, unsigned flags, struct pare_solution *sol)
{
	size_t total = c->nworld, kept = 0;
	struct pare_sdep *all = c->world;
	struct pare_sdep *keep = calloc(total + 1, sizeof(*keep));
	if (!keep)
		return -1;
	for (size_t i = 0; i < total; i++) {
		keep[kept] = all[i];
		c->world = keep;
		c->nworld = kept + 1;
		if (pare_solve_ctx_solve(c, flags, sol) < 0)
			break;
		if (sol->ok)
			kept++;
	}
	c->world = keep;
	c->nworld = kept;
	c->world_cap = total + 1;
	free(all);
	return pare_solve_ctx_solve(c, flags, sol);
}

/* A world atom as apk writes it in etc/apk/world: [!]name[@tag][op version]. */
static char *world_atom_text(const struct pare_solve_ctx *c, const struct pare_sdep *d)
{
	struct pare_buf b;
	pare_buf_init(&b, 4096);
	int r = pare_buf_appendf(&b, "%s%.*s", d->conflict ? "!" : "", (int)d->name->str.len,
				 d->name->str.ptr);
	if (r == 0 && d->tag)
		r = pare_buf_appendf(&b, "@%.*s", (int)c->u->tags[d->tag].len, c->u->tags[d->tag].ptr);
	if (r == 0 && d->version.len)
		r = pare_buf_appendf(&b, "%s%.*s", pare_version_op_str(d->op), (int)d->version.len,
				     d->version.ptr);
	if (r < 0) {
		pare_buf_release(&b);
		return NULL;
	}
	return pare_buf_detach(&b, NULL);
}

/* Apply a successful solution: print it with --simulate, else commit it
 * to the root with the new world. */
static int solve_commit(struct pare_solve_ctx *c, const struct pare_solution *sol)
{
	struct pare_cli *cli = c->cli;
	struct pare_session_item *items = calloc(sol->nchanges + 1, sizeof(*items));
	char **world = calloc(c->nworld + 1, sizeof(*world));
	int status = 1;
	if (!items || !world)
		goto out;
	pare_session_items_from(&c->s, sol, items);
	for (size_t i = 0; i < c->nworld; i++)
		if (!(world[i] = world_atom_text(c, &c->world[i])))
			goto out;
	struct pare_cli_commit_opts o = {
		.no_scripts = cli->opts.no_scripts,
		.force_overwrite = cli->opts.force_overwrite,
		.no_chown = cli->opts.no_chown,
		.session = { .world_set = (const char *const *)world, .nworld_set = c->nworld },
	};
	status = pare_cli_session_commit(cli, &c->s, &o, items, sol->nchanges);
out:
	if (status && (!items || !world))
		pare_cli_error(cli, "out of memory");
	for (size_t i = 0; world && i < c->nworld; i++)
		free(world[i]);
	free(world);
	free(items);
	return status;
}

int pare_solve_finish(struct pare_solve_ctx *c, const struct pare_solution *sol)
{
	if (!c->cli->opts.simulate)
		return solve_commit(c, sol);
	pare_solve_print_changes(c, sol);
	pare_solve_print_ok(c, sol);
	return 0;
}

int pare_solve_and_report(struct pare_solve_ctx *c, unsigned flags, struct pare_solution *sol)
{
	if (pare_solve_ctx_solve(c, flags, sol) < 0)
		return 1;
	if (!sol->ok && c->cli->opts.force_broken_world && drop_broken_world(c, flags, sol) < 0)
		return 1;
	if (!sol->ok)
		return pare_solve_print_errors(c, sol);
	return pare_solve_finish(c, sol);
}
