/* pare dot [NAME...]: the dependency graph of a root's installed packages
 * in Graphviz's language, as apk dot --installed draws it: one edge per
 * dependency atom from a package to the installed package that provides
 * it, labelled with the atom when it is not the package's own name. */
#include <stdlib.h>
#include <string.h>

#include "cli/applets.h"
#include "cli/info_installed.h"
#include "db/why.h"

static void node(struct pare_cli *cli, const struct pare_db_pkg *p)
{
	fprintf(cli->out, "\"%.*s-%.*s\"", (int)p->ent.name.len, p->ent.name.ptr,
		(int)p->ent.version.len, p->ent.version.ptr);
}

static size_t index_of(const struct pare_db_installed *db, const struct pare_db_pkg *p)
{
	for (size_t i = 0; i < db->npkgs; i++)
		if (db->pkgs[i] == p)
			return i;
	return 0;
}

/* Edges out of package i; newly reached packages are marked and queued. */
static void edges(struct pare_cli *cli, const struct pare_db_installed *db, size_t i,
		  bool *seen, size_t *queue, size_t *tail)
{
	const struct pare_db_pkg *p = db->pkgs[i];
	for (uint32_t k = 0; k < p->ent.depends.n; k++) {
		const struct pare_dep *d = &p->ent.depends.v[k];
		const struct pare_db_pkg *q = d->conflict ? NULL : pare_why_provider(db, d->name);
		if (!q)
			continue;
		fputs("  ", cli->out);
		node(cli, p);
		fputs(" -> ", cli->out);
		node(cli, q);
		if (!pare_slice_eq(d->name, q->ent.name))
			fprintf(cli->out, " [label=\"%.*s\"]", (int)d->name.len, d->name.ptr);
		fputs(";\n", cli->out);
		size_t j = index_of(db, q);
		if (!seen[j]) {
			seen[j] = true;
			queue[(*tail)++] = j;
		}
	}
}

static int dot_run(void *ctx, struct pare_cli *cli, int argc, char **argv)
{
	(void)ctx;
	struct pare_session ses;
	int status = 1;
	if (pare_cli_installed_read(cli, &ses) < 0)
		goto out;
	pare_db_sort(&ses.db);
	bool *seen = calloc(ses.db.npkgs + 1, sizeof(*seen));
	size_t *queue = calloc(ses.db.npkgs + 1, sizeof(*queue)), head = 0, tail = 0;
	if (!seen || !queue) {
		pare_cli_error(cli, "out of memory");
	} else {
		status = 0;
		for (size_t i = 0; i < ses.db.npkgs; i++) {
			bool want = argc == 0;
			for (int a = 0; !want && a < argc; a++)
				want = pare_slice_eq_cstr(ses.db.pkgs[i]->ent.name, argv[a]);
			if (want) {
				seen[i] = true;
				queue[tail++] = i;
			}
		}
		for (int a = 0; a < argc; a++)
			if (!pare_db_find_pkg(&ses.db, pare_slice_from(argv[a]))) {
				pare_cli_error(cli, "%s: not installed", argv[a]);
				status = 1;
			}
		fputs("digraph \"installed\" {\n  rankdir=LR;\n  node [shape=box];\n", cli->out);
		while (head < tail)
			edges(cli, &ses.db, queue[head++], seen, queue, &tail);
		fputs("}\n", cli->out);
	}
	free(seen);
	free(queue);
out:
	pare_session_close(&ses);
	return status;
}

const struct pare_applet pare_applet_dot = {
	.name = "dot",
	.summary = "Draw the installed dependency graph (Graphviz)",
	.usage = "[NAME...]",
	.description =
		"Print the dependency graph of the packages installed under --root in "
		"Graphviz's dot language (render with dot -Tsvg): an edge from each package to "
		"the installed package that meets each of its dependencies, labelled with the "
		"atom when it is a provided name (so:, cmd:, pc:). With NAMEs, only what they "
		"reach. Exits 1 if a NAME is not installed.",
	.run = dot_run,
};
