/* pare ldd [--root DIR] FILE...: the shared objects each FILE loads,
 * resolved inside the root without running anything, printed as glibc's
 * ldd prints them (without load addresses). */
#include <elf.h>
#include <jansson.h>
#include <string.h>

#include "cli/applets.h"
#include "elf/loader.h"

enum { O_LIBPATH = 1, O_NO_LDCONF };

static const struct pare_option ldd_options[] = {
	{ .long_name = "library-path", .short_name = 'L', .arg = PARE_OPT_ARG, .arg_name = "PATH",
	  .id = O_LIBPATH,
	  .help = "Search these directories (colon-separated) like LD_LIBRARY_PATH" },
	{ .long_name = "no-ldconf", .arg = PARE_OPT_NOARG, .id = O_NO_LDCONF,
	  .help = "Ignore etc/ld.so.conf in the root" },
	{ .long_name = NULL },
};

struct ldd_ctx {
	struct pare_ld_opts opts;
};

static int ldd_parse(void *vctx, int id, const char *arg, struct pare_error *err)
{
	struct ldd_ctx *ctx = vctx;
	if (id == O_LIBPATH)
		ctx->opts.library_path = arg;
	else if (id == O_NO_LDCONF)
		ctx->opts.no_ldconf = true;
	else
		return pare_error_set(err, -PARE_E_USAGE, "unknown option");
	return 0;
}

static void print_text(struct pare_cli *cli, const struct pare_ld_result *res)
{
	const struct pare_elf *x = &res->objs[0].elf;
	if (!res->dynamic || x->nneeded == 0) {
		if (x->kind == PARE_ELF_STATIC_PIE || res->dynamic)
			fprintf(cli->out, "\tstatically linked\n");
		else
			fprintf(cli->errout, "\tnot a dynamic executable\n");
		return;
	}
	for (size_t i = 0; i < res->norder; i++) {
		const struct pare_ld_obj *o = &res->objs[res->order[i]];
		if (!o->path)
			fprintf(cli->out, "\t%s => not found\n", o->name);
		else if (strcmp(o->name, o->path) == 0)
			fprintf(cli->out, "\t%s\n", o->path);
		else
			fprintf(cli->out, "\t%s => %s\n", o->name, o->path);
	}
}

static json_t *jstr_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static const char *problem_kind(enum pare_ld_problem_kind k)
{
	switch (k) {
	case PARE_LD_MISSING: return "missing";
	case PARE_LD_WRONG_ARCH: return "wrong-arch";
	case PARE_LD_MISSING_VERSION: return "missing-version";
	case PARE_LD_NO_INTERP: return "no-interpreter";
	case PARE_LD_BAD_OBJECT: return "bad-object";
	}
	return "unknown";
}

static json_t *json_versions(const struct pare_elf *e)
{
	json_t *needs = json_object();
	for (size_t i = 0; i < e->nverneed; i++) {
		json_t *a = json_array();
		for (size_t j = 0; j < e->verneed[i].n; j++)
			json_array_append_new(a, json_string(e->verneed[i].v[j].name));
		json_object_set_new(needs, e->verneed[i].file, a);
	}
	return needs;
}

static json_t *json_elf(const struct pare_elf *e)
{
	char mbuf[32];
	json_t *o = json_object();
	json_object_set_new(o, "kind", json_string(pare_elf_kind_name(e->kind)));
	json_object_set_new(o, "class", json_integer(e->elfclass == ELFCLASS64 ? 64 : 32));
	json_object_set_new(o, "byte_order", json_string(e->data == ELFDATA2MSB ? "big" : "little"));
	json_object_set_new(o, "machine", json_string(pare_elf_machine_name(e->machine, mbuf,
									     sizeof(mbuf))));
	json_object_set_new(o, "interpreter", jstr_or_null(e->interp));
	json_object_set_new(o, "soname", jstr_or_null(e->soname));
	json_object_set_new(o, "rpath", jstr_or_null(e->rpath));
	json_object_set_new(o, "runpath", jstr_or_null(e->runpath));
	json_t *needed = json_array(), *defs = json_array();
	for (size_t i = 0; i < e->nneeded; i++)
		json_array_append_new(needed, json_string(e->needed[i]));
	for (size_t i = 0; i < e->nverdef; i++)
		if (!(e->verdef[i].flags & VER_FLG_BASE))
			json_array_append_new(defs, json_string(e->verdef[i].name));
	json_object_set_new(o, "needed", needed);
	json_object_set_new(o, "version_needs", json_versions(e));
	json_object_set_new(o, "version_definitions", defs);
	json_object_set_new(o, "flags", json_integer((json_int_t)e->flags));
	json_object_set_new(o, "flags_1", json_integer((json_int_t)e->flags_1));
	json_object_set_new(o, "symtab", json_boolean(e->has_symtab));
	json_object_set_new(o, "debug_info", json_boolean(e->has_debug));
	return o;
}

static json_t *json_result(const char *file, const struct pare_ld_result *res)
{
	json_t *o = json_object(), *libs = json_array(), *probs = json_array();
	json_object_set_new(o, "file", json_string(file));
	json_object_set_new(o, "elf", json_elf(&res->objs[0].elf));
	json_object_set_new(o, "dynamic", json_boolean(res->dynamic));
	for (size_t i = 0; i < res->norder; i++) {
		const struct pare_ld_obj *ob = &res->objs[res->order[i]];
		json_t *l = json_object();
		json_object_set_new(l, "name", json_string(ob->name));
		json_object_set_new(l, "path", jstr_or_null(ob->path));
		json_object_set_new(l, "interpreter", json_boolean(ob->is_interp));
		json_array_append_new(libs, l);
	}
	for (size_t i = 0; i < res->nproblems; i++) {
		const struct pare_ld_problem *p = &res->problems[i];
		json_t *j = json_object();
		json_object_set_new(j, "kind", json_string(problem_kind(p->kind)));
		json_object_set_new(j, "object", jstr_or_null(p->object));
		json_object_set_new(j, "name", jstr_or_null(p->name));
		json_object_set_new(j, "version", jstr_or_null(p->version));
		json_object_set_new(j, "message", json_string(p->message));
		json_array_append_new(probs, j);
	}
	json_object_set_new(o, "libraries", libs);
	json_object_set_new(o, "problems", probs);
	json_object_set_new(o, "ok", json_boolean(res->nproblems == 0));
	return o;
}

/* One FILE; returns true when everything resolved. */
static bool ldd_one(struct pare_cli *cli, struct pare_ld *ld, const char *file, bool header,
		    json_t *all)
{
	struct pare_ld_result res;
	struct pare_error err = { 0 };
	pare_ld_result_init(&res);
	int rc = pare_ld_resolve(ld, file, &res, &err);
	bool ok = rc == 0 && res.nproblems == 0 &&
		  (res.dynamic || res.objs[0].elf.kind == PARE_ELF_STATIC_PIE);
	if (rc < 0) {
		pare_cli_report(cli, rc, &err);
		if (all) {
			json_t *o = json_object();
			json_object_set_new(o, "file", json_string(file));
			json_object_set_new(o, "error", json_string(pare_error_text(&err, rc)));
			json_object_set_new(o, "ok", json_false());
			json_array_append_new(all, o);
		}
	} else if (all) {
		json_array_append_new(all, json_result(file, &res));
	} else {
		if (header)
			fprintf(cli->out, "%s:\n", file);
		print_text(cli, &res);
	}
	for (size_t i = 0; rc == 0 && i < res.nproblems; i++)
		pare_cli_error(cli, "%s", res.problems[i].message);
	pare_ld_result_release(&res);
	return ok;
}

static int ldd_run(void *vctx, struct pare_cli *cli, int argc, char **argv)
{
	struct ldd_ctx *ctx = vctx;
	if (argc == 0) {
		pare_cli_error(cli, "ldd: no files given");
		return 1;
	}
	struct pare_ld ld;
	struct pare_error err = { 0 };
	const char *root = cli->opts.root ? cli->opts.root : "/";
	int rc = pare_ld_init(&ld, root, &ctx->opts, &err);
	if (rc < 0) {
		pare_cli_report(cli, rc, &err);
		pare_ld_release(&ld);
		return 1;
	}
	json_t *all = cli->opts.json ? json_array() : NULL;
	int failed = 0;
	for (int i = 0; i < argc; i++)
		failed += !ldd_one(cli, &ld, argv[i], argc > 1, all);
	if (all) {
		json_dumpf(all, cli->out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', cli->out);
		json_decref(all);
	}
	pare_ld_release(&ld);
	return failed ? 1 : 0;
}

const struct pare_applet pare_applet_ldd = {
	.name = "ldd",
	.summary = "Show the shared objects a program loads, resolved inside the root",
	.usage = "[-L PATH] [--no-ldconf] FILE...",
	.description =
		"Resolve the shared objects each FILE needs the way glibc's ld.so would inside "
		"the root (--root, default /), without running anything: DT_RPATH (only "
		"without DT_RUNPATH), -L/--library-path, DT_RUNPATH, the directories of "
		"etc/ld.so.conf (with includes), then the architecture's default "
		"directories; $ORIGIN, $LIB and $PLATFORM are expanded. Prints like ldd "
		"(\"libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6\", without addresses), with "
		"a \"FILE:\" header per file when there are several. Every version need "
		"(e.g. libc.so.6 GLIBC_2.34) is checked against the provider's definitions. "
		"Missing objects, missing versions and objects of the wrong class or machine "
		"are reported on stderr, and the exit status is 1. An absolute FILE is "
		"taken inside the root, a relative one from the current directory. With "
		"--json, an array with each file's ELF details, libraries and problems.",
	.options = ldd_options,
	.flags = PARE_APPLET_JSON,
	.ctx_size = sizeof(struct ldd_ctx),
	.parse = ldd_parse,
	.run = ldd_run,
};
