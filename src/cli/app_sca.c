/* pare sca DIR|PKG: derive so:, cmd: and pc: provides and depends from a
 * package's files, as abuild and melange do; optionally compare them with
 * the lists a package's .PKGINFO records. */
#include <errno.h>
#include <jansson.h>
#include <string.h>
#include <sys/stat.h>

#include "apk/package.h"
#include "base/buf.h"
#include "cli/applets.h"
#include "elf/sca.h"
#include "io/stream.h"

enum { O_VERSION = 1, O_COMPARE };

static const struct pare_option sca_options[] = {
	{ .long_name = "pkgver", .arg = PARE_OPT_ARG, .arg_name = "VER", .id = O_VERSION,
	  .help = "Version for cmd: provides (default: pkgver from .PKGINFO)" },
	{ .long_name = "compare", .arg = PARE_OPT_NOARG, .id = O_COMPARE,
	  .help = "Compare with the so:/cmd:/pc: lists the .PKGINFO records" },
	{ .long_name = NULL },
};

struct sca_ctx {
	const char *version;
	bool compare;
	struct pare_sca sca;
	struct pare_arena arena;
	struct pare_slice pkginfo; /* raw .PKGINFO text, when there is one */
	const char *pkgver;
};

static int sca_parse(void *vctx, int id, const char *arg, struct pare_error *err)
{
	struct sca_ctx *ctx = vctx;
	if (id == O_VERSION)
		ctx->version = arg;
	else if (id == O_COMPARE)
		ctx->compare = true;
	else
		return pare_error_set(err, -PARE_E_USAGE, "unknown option");
	return 0;
}

static int sca_entry(void *vctx, const struct pare_tar_entry *e, struct pare_istream *content,
		     struct pare_error *err)
{
	struct sca_ctx *ctx = vctx;
	char path[PARE_PATH_MAX], target[PARE_PATH_MAX];
	snprintf(path, sizeof(path), "%.*s", (int)e->name.len, e->name.ptr);
	if (e->type == PARE_TAR_SYMLINK) {
		snprintf(target, sizeof(target), "%.*s", (int)e->linkname.len, e->linkname.ptr);
		return pare_sca_add_symlink(&ctx->sca, path, target, err);
	}
	if (e->type != PARE_TAR_REG)
		return 0;
	return pare_sca_add_stream(&ctx->sca, path, e->mode, e->size, content, err);
}

static int read_pkg(struct pare_cli *cli, struct sca_ctx *ctx, const char *path,
		    struct pare_pkg *pkg, struct pare_error *err)
{
	struct pare_pkg_read_opts opts = { 0 };
	struct pare_pkg_visitor v = { .entry = sca_entry, .ctx = ctx };
	int rc = pare_pkg_read_file(pkg, path, &opts, &v, err);
	if (rc < 0)
		return rc;
	if (pkg->kind != PARE_PKG_KIND_PACKAGE)
		return pare_error_set(err, -PARE_E_FORMAT, "%s: not a package", path);
	ctx->pkginfo = pkg->pkginfo_text;
	ctx->pkgver = pare_arena_strdup(&ctx->arena, pkg->info.pkgver);
	(void)cli;
	return 0;
}

/* DIR/.PKGINFO, if any: its text, and its pkgver for cmd: names. */
static int read_dir_pkginfo(struct sca_ctx *ctx, const char *dir, struct pare_buf *b,
			    struct pare_error *err)
{
	char p[PARE_PATH_MAX];
	snprintf(p, sizeof(p), "%s/.PKGINFO", dir);
	struct stat st;
	if (stat(p, &st) < 0)
		return 0;
	int rc = pare_read_file(p, b, err);
	if (rc < 0)
		return rc;
	ctx->pkginfo = pare_buf_slice(b);
	struct pare_slice text = ctx->pkginfo, line, key;
	while (text.len) {
		pare_slice_split(&text, '\n', &line);
		if (pare_slice_split(&line, '=', &key) &&
		    pare_slice_eq_cstr(pare_slice_trim(key), "pkgver"))
			ctx->pkgver = pare_arena_strdup(&ctx->arena, pare_slice_trim(line));
	}
	return 0;
}

/* The recorded so:/cmd:/pc: names of one .PKGINFO key ("depend"). */
static int recorded(struct sca_ctx *ctx, const char *want, struct pare_strlist *out)
{
	struct pare_slice text = ctx->pkginfo, line, key;
	int rc = 0;
	while (rc == 0 && text.len) {
		pare_slice_split(&text, '\n', &line);
		if (!pare_slice_split(&line, '=', &key) ||
		    !pare_slice_eq_cstr(pare_slice_trim(key), want))
			continue;
		struct pare_slice v = pare_slice_trim(line), w;
		while (rc == 0 && pare_slice_next_word(&v, &w))
			if (pare_slice_starts_with(w, PARE_SLICE_LIT("so:")) ||
			    pare_slice_starts_with(w, PARE_SLICE_LIT("cmd:")) ||
			    pare_slice_starts_with(w, PARE_SLICE_LIT("pc:")))
				rc = pare_strlist_add(out, &ctx->arena, w);
	}
	return rc;
}

static bool has(const struct pare_strlist *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return true;
	return false;
}

/* Print "+ key = X" (derived only) and "- key = X" (recorded only). */
static int compare_one(struct pare_cli *cli, const char *key, const struct pare_strlist *mine,
		       const struct pare_strlist *theirs, json_t *j)
{
	int diffs = 0;
	json_t *extra = json_array(), *missing = json_array();
	for (size_t i = 0; i < mine->n; i++)
		if (!has(theirs, mine->v[i])) {
			diffs++;
			json_array_append_new(extra, json_string(mine->v[i]));
			if (!j)
				fprintf(cli->out, "+ %s = %s\n", key, mine->v[i]);
		}
	for (size_t i = 0; i < theirs->n; i++)
		if (!has(mine, theirs->v[i])) {
			diffs++;
			json_array_append_new(missing, json_string(theirs->v[i]));
			if (!j)
				fprintf(cli->out, "- %s = %s\n", key, theirs->v[i]);
		}
	if (j) {
		json_t *o = json_object();
		json_object_set_new(o, "derived_only", extra);
		json_object_set_new(o, "recorded_only", missing);
		json_object_set_new(j, key, o);
	} else {
		json_decref(extra);
		json_decref(missing);
	}
	return diffs;
}

static json_t *jlist(const struct pare_strlist *l)
{
	json_t *a = json_array();
	for (size_t i = 0; i < l->n; i++)
		json_array_append_new(a, json_string(l->v[i]));
	return a;
}

static int report(struct pare_cli *cli, struct sca_ctx *ctx, const char *what,
		  const struct pare_sca_result *r)
{
	json_t *j = cli->opts.json ? json_object() : NULL;
	int diffs = 0;
	if (j) {
		json_object_set_new(j, "path", json_string(what));
		json_object_set_new(j, "depends", jlist(&r->depends));
		json_object_set_new(j, "provides", jlist(&r->provides));
	} else {
		for (size_t i = 0; i < r->depends.n; i++)
			fprintf(cli->out, "depend = %s\n", r->depends.v[i]);
		for (size_t i = 0; i < r->provides.n; i++)
			fprintf(cli->out, "provides = %s\n", r->provides.v[i]);
	}
	if (ctx->compare) {
		struct pare_strlist dep = { 0 }, prov = { 0 };
		if (recorded(ctx, "depend", &dep) < 0 || recorded(ctx, "provides", &prov) < 0)
			return -ENOMEM;
		json_t *c = j ? json_object() : NULL;
		if (!j)
			fprintf(cli->out, "# compared with %s/.PKGINFO\n", what);
		diffs = compare_one(cli, "depend", &r->depends, &dep, c) +
			compare_one(cli, "provides", &r->provides, &prov, c);
		if (c)
			json_object_set_new(j, "compare", c);
	}
	if (j) {
		json_dumpf(j, cli->out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', cli->out);
		json_decref(j);
	}
	return diffs;
}

static int sca_run(void *vctx, struct pare_cli *cli, int argc, char **argv)
{
	struct sca_ctx *ctx = vctx;
	if (argc != 1) {
		pare_cli_error(cli, "sca: give one DIR or PKG");
		return 1;
	}
	struct pare_error err = { 0 };
	struct pare_pkg pkg;
	struct pare_buf pkginfo;
	struct pare_sca_result r;
	struct stat st;
	pare_sca_init(&ctx->sca);
	pare_arena_init(&ctx->arena, 16 * 1024, 0);
	pare_pkg_init(&pkg);
	pare_buf_init(&pkginfo, PARE_PKGINFO_MAX_TEXT);
	int rc = stat(argv[0], &st) < 0 ? pare_error_set(&err, -errno, "%s: %s", argv[0],
							   strerror(errno)) : 0;
	if (rc == 0 && S_ISDIR(st.st_mode)) {
		rc = read_dir_pkginfo(ctx, argv[0], &pkginfo, &err);
		if (rc == 0)
			rc = pare_sca_add_dir(&ctx->sca, argv[0], &err);
	} else if (rc == 0) {
		rc = read_pkg(cli, ctx, argv[0], &pkg, &err);
	}
	if (rc == 0)
		rc = pare_sca_finish(&ctx->sca, ctx->version ? ctx->version : ctx->pkgver, &r, &err);
	if (rc == 0 && ctx->compare && !ctx->pkginfo.len)
		rc = pare_error_set(&err, -PARE_E_NOT_FOUND, "%s: no .PKGINFO to compare with", argv[0]);
	int diffs = rc == 0 ? report(cli, ctx, argv[0], &r) : 0;
	if (rc < 0)
		pare_cli_report(cli, rc, &err);
	pare_buf_release(&pkginfo);
	pare_pkg_release(&pkg);
	pare_arena_release(&ctx->arena);
	pare_sca_release(&ctx->sca);
	return rc < 0 || diffs != 0 ? 1 : 0;
}

const struct pare_applet pare_applet_sca = {
	.name = "sca",
	.summary = "Derive so:, cmd: and pc: provides and depends from a package's files",
	.usage = "[--pkgver VER] [--compare] DIR|PKG",
	.description =
		"Analyse the files of a directory tree or a .apk package as abuild and "
		"melange do and print the derived lines in .PKGINFO syntax, sorted: "
		"\"depend = so:libc.so.6\" for each DT_NEEDED and interpreter the package does "
		"not provide itself (and for the library a *.so* symlink names), \"provides = "
		"so:libfoo.so.1=1\" for each shared library with a SONAME in a library "
		"directory, \"provides = cmd:NAME=PKGVER\" for each executable in a bin or sbin "
		"directory, \"provides = pc:NAME=VER\" and \"depend = pc:NAME\" from pkg-config "
		"files. PKGVER comes from --pkgver or the .PKGINFO (of the package, or DIR/.PKGINFO). "
		"With --compare, also print the differences with the so:/cmd:/pc: names the "
		".PKGINFO records (\"+\" derived only, \"-\" recorded only) and exit 1 if there "
		"are any. A package's signature is not required, its integrity is.",
	.options = sca_options,
	.flags = PARE_APPLET_JSON,
	.ctx_size = sizeof(struct sca_ctx),
	.parse = sca_parse,
	.run = sca_run,
};
