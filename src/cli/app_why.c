/* pare why ROOT PATH|PACKAGE...: the chain that brought a file or a package
 * into a root (world atom -> package -> dependency -> ... -> file), from
 * the root's installed database and world (db/why.h). */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/applets.h"
#include "db/why.h"
#include "image/config.h"
#include "image/layout_files.h"

#define PARE_WHY_MAX_DB (256u << 20) /* the largest database read from an image */

static void pkg_text(const struct pare_db_pkg *p, char *buf, size_t n)
{
	snprintf(buf, n, "%.*s-%.*s", (int)p->ent.name.len, p->ent.name.ptr,
		 (int)p->ent.version.len, p->ent.version.ptr);
}

static void print_chain(struct pare_cli *cli, const struct pare_why_step *s, size_t n)
{
	char a[512], b[512];
	for (size_t i = 0; i < n; i++) {
		pkg_text(s[i].pkg, b, sizeof(b));
		if (s[i].kind == PARE_WHY_WORLD) {
			bool need = s[i].via.len > 3 && memcmp(s[i].via.ptr, "so:", 3) == 0;
			fprintf(cli->out, "world[%.*s]%s -> %s\n", (int)s[i].via.len, s[i].via.ptr,
				need ? " (a binary's ELF need: --add-binary or contents.binaries)"
				     : "", b);
			continue;
		}
		pkg_text(s[i - 1].pkg, a, sizeof(a));
		if (s[i].kind == PARE_WHY_DEPENDS)
			fprintf(cli->out, "%s depends on %.*s -> %s\n", a, (int)s[i].via.len,
				s[i].via.ptr, b);
		else
			fprintf(cli->out, "%s meets the install_if rule (%.*s) of %s\n", a,
				(int)s[i].via.len, s[i].via.ptr, b);
	}
}

static json_t *chain_json(const char *what, const char *file, const struct pare_why_step *s,
			  size_t n)
{
	static const char *const kinds[] = { "world", "depends", "install_if" };
	json_t *o = json_object(), *steps = json_array();
	char b[512];
	json_object_set_new(o, "query", json_string(what));
	if (file)
		json_object_set_new(o, "file", json_string(file));
	for (size_t i = 0; i < n; i++) {
		json_t *st = json_object();
		pkg_text(s[i].pkg, b, sizeof(b));
		json_object_set_new(st, "via", json_string(kinds[s[i].kind]));
		json_object_set_new(st, "atom", json_stringn(s[i].via.ptr, s[i].via.len));
		json_object_set_new(st, "package", json_string(b));
		json_array_append_new(steps, st);
	}
	json_object_set_new(o, "chain", steps);
	return o;
}

/* A path (has a '/') is looked up as a file, anything else as a package
 * name, then as a provided name (so:libc.so.6, cmd:sh). */
static const struct pare_db_pkg *target(struct pare_cli *cli, const struct pare_db_installed *db,
					const char *arg, const char **file)
{
	*file = NULL;
	if (strchr(arg, '/')) {
		struct pare_slice p = pare_slice_from(arg);
		while (p.len && p.ptr[0] == '/')
			p = pare_slice_sub(p, 1, p.len - 1);
		const struct pare_db_file *f = pare_db_owner(db, p);
		if (!f)
			pare_cli_error(cli, "%s: no installed package owns it", arg);
		*file = arg;
		return f ? f->pkg : NULL;
	}
	const struct pare_db_pkg *p = pare_why_provider(db, pare_slice_from(arg));
	if (!p)
		pare_cli_error(cli, "%s: not installed, and no installed package provides it", arg);
	return p;
}

static int why_one(struct pare_cli *cli, const struct pare_db_installed *db,
		   const struct pare_world *w, const char *arg, json_t *out)
{
	struct pare_why_step steps[PARE_WHY_MAX_STEPS];
	struct pare_error err = { 0 };
	const char *file;
	size_t n;
	const struct pare_db_pkg *t = target(cli, db, arg, &file);
	if (!t)
		return 1;
	int r = pare_why(db, w, t, steps, PARE_WHY_MAX_STEPS, &n, &err);
	if (r < 0) {
		pare_cli_report(cli, r, &err);
		return 1;
	}
	if (out) {
		json_array_append_new(out, chain_json(arg, file, steps, n));
		return 0;
	}
	print_chain(cli, steps, n);
	if (file) {
		char b[512];
		pkg_text(t, b, sizeof(b));
		fprintf(cli->out, "%s contains %s\n", b, file);
	}
	return 0;
}

/* An OCI image layout (the image for --arch, else the first): the database
 * and world from its layers. */
static int read_image(struct pare_cli *cli, const char *layout, struct pare_db_installed *db,
		      struct pare_world *w, struct pare_error *err)
{
	static const char *const paths[] = { "lib/apk/db/installed", "etc/apk/world" };
	struct pare_image_arch arch;
	char *texts[2];
	size_t lens[2];
	const char *oci = cli->opts.arch &&
			  pare_image_arch_lookup(pare_slice_from(cli->opts.arch), &arch) == 0
			  ? arch.oci : NULL;
	int r = pare_layout_read_files(layout, oci, paths, 2, PARE_WHY_MAX_DB, texts, lens, err);
	if (r < 0)
		return r;
	if (!texts[0]) {
		free(texts[1]);
		return pare_error_set(err, -PARE_E_NOT_FOUND, "%s: the image has no "
				      "lib/apk/db/installed", layout);
	}
	r = pare_db_installed_parse(db, texts[0], lens[0], "lib/apk/db/installed", err);
	if (texts[1] && r == 0)
		r = pare_world_parse(w, texts[1], lens[1], "etc/apk/world", err);
	else
		free(texts[1]);
	return r;
}

static bool is_layout(const char *dir)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/oci-layout", dir);
	return access(path, F_OK) == 0;
}

static int why_run(void *ctx, struct pare_cli *cli, int argc, char **argv)
{
	(void)ctx;
	struct pare_root root = { .fd = -1 };
	struct pare_db_installed db;
	struct pare_world w;
	struct pare_error err = { 0 };
	if (argc < 2) {
		pare_cli_error(cli, "why: want ROOT and at least one PATH or PACKAGE");
		return 1;
	}
	pare_db_installed_init(&db);
	pare_world_init(&w);
	int r;
	if (is_layout(argv[0])) {
		r = read_image(cli, argv[0], &db, &w, &err);
	} else {
		r = pare_root_open(&root, argv[0], &err);
		if (r == 0)
			r = pare_db_installed_read(&db, &root, &err);
		if (r == 0)
			r = pare_world_read(&w, &root, &err);
	}
	int status = 0;
	json_t *out = r == 0 && cli->opts.json ? json_array() : NULL;
	if (r < 0) {
		pare_cli_report(cli, r, &err);
		status = 1;
	}
	for (int i = 1; r == 0 && i < argc; i++) {
		if (i > 1 && !out)
			fputc('\n', cli->out);
		status |= why_one(cli, &db, &w, argv[i], out);
	}
	if (out) {
		pare_cli_json_print(cli, out);
	}
	pare_world_release(&w);
	pare_db_installed_release(&db);
	pare_root_release(&root);
	return status;
}

const struct pare_applet pare_applet_why = {
	.name = "why",
	.summary = "Explain why a file or package is in a root or image",
	.usage = "ROOT|IMAGE PATH|PACKAGE...",
	.description =
		"For each PATH (anything with a '/': the installed package that owns it) or "
		"PACKAGE (a name, or a provided name such as so:libc.so.6), print the shortest "
		"chain that brought it into ROOT (an installed root, or the staging root that "
		"pare image build --staging DIR keeps in DIR/ARCH) or IMAGE (an OCI layout "
		"written by pare image build -o; the image for --arch, else the first): the "
		"world atom, then each "
		"package and the dependency atom (or the install_if rule) that pulled in the "
		"next one, and for a PATH the package that contains it. A world atom so:NAME is "
		"the ELF need of a binary the image was built with (--add-binary or "
		"contents.binaries). Read from lib/apk/db/installed and etc/apk/world only. "
		"Exits 1 if something is not installed or no world atom leads to it "
		"(an orphan). --json prints the chains as an array.",
	.flags = PARE_APPLET_JSON,
	.run = why_run,
};
