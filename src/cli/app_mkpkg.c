/* pare mkpkg [DIR]: write a package from a tree and metadata. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apk/mkpkg.h"
#include "apk/package.h"
#include "io/stream.h"
#include "repo/repo.h"
#include "cli/applets.h"
#include "cli/common.h"

#define MKPKG_MAX_SETS 256

enum { MK_OUTPUT = 1, MK_INFO, MK_SET, MK_SCRIPT, MK_MANIFEST, MK_KEEP_OWNERS, MK_SIGN_KEY,
       MK_KEY_NAME, MK_SIGN_TYPE, MK_LEVEL };

struct mkpkg_ctx {
	const char *output, *info, *manifest, *sign_key, *key_name;
	const char *sets[MKPKG_MAX_SETS];
	size_t nsets;
	struct pare_mkpkg_script scripts[PARE_PKG_MAX_SCRIPTS];
	char script_names[PARE_PKG_MAX_SCRIPTS][32];
	size_t nscripts;
	bool keep_owners;
	enum pare_digest_alg sig_alg;
	int level;
};

static const struct pare_option mkpkg_options[] = {
	{ "output", 'o', PARE_OPT_ARG, "FILE", MK_OUTPUT,
	  "Package file to write (default NAME-VERSION.apk)" },
	{ "info", 'I', PARE_OPT_ARG, "FILE", MK_INFO, "Read metadata from FILE (.PKGINFO syntax)" },
	{ "set", 's', PARE_OPT_ARG, "KEY=VALUE", MK_SET,
	  "Set a .PKGINFO field (repeatable; list keys add)" },
	{ "script", 0, PARE_OPT_ARG, "NAME=FILE", MK_SCRIPT,
	  "Add a script: pre-install, post-install, pre-upgrade, post-upgrade, "
	  "pre-deinstall, post-deinstall or trigger" },
	{ "manifest", 'm', PARE_OPT_ARG, "FILE", MK_MANIFEST,
	  "Modes and owners: lines of PATH MODE OWNER:GROUP" },
	{ "keep-owners", 0, PARE_OPT_NOARG, NULL, MK_KEEP_OWNERS,
	  "Record the tree's owners instead of root:root" },
	{ "sign-key", 'k', PARE_OPT_ARG, "KEY", MK_SIGN_KEY, "Sign the package with KEY" },
	{ "key-name", 'p', PARE_OPT_ARG, "NAME", MK_KEY_NAME,
	  "Public key name to record (default: KEY's file name + .pub)" },
	{ "sign-type", 't', PARE_OPT_ARG, "TYPE", MK_SIGN_TYPE, "rsa256 (default), rsa512 or rsa" },
	{ "level", 'l', PARE_OPT_ARG, "N", MK_LEVEL, "gzip level 1-9 (default 9)" },
	{ 0 },
};

static int add_script(struct mkpkg_ctx *m, const char *arg, struct pare_error *err)
{
	const char *eq = strchr(arg, '=');
	if (!eq || eq == arg || !eq[1] || m->nscripts >= PARE_PKG_MAX_SCRIPTS)
		return pare_error_set(err, -PARE_E_USAGE, "--script: want NAME=FILE, got '%s'", arg);
	char *name = m->script_names[m->nscripts];
	int n = snprintf(name, sizeof(m->script_names[0]), "%s%.*s", arg[0] == '.' ? "" : ".",
			 (int)(eq - arg), arg);
	if (n < 0 || (size_t)n >= sizeof(m->script_names[0]))
		return pare_error_set(err, -PARE_E_USAGE, "--script: bad name in '%s'", arg);
	m->scripts[m->nscripts++] = (struct pare_mkpkg_script){ name, eq + 1 };
	return 0;
}

static int mkpkg_parse(void *ctx, int id, const char *arg, struct pare_error *err)
{
	struct mkpkg_ctx *m = ctx;
	char *end;
	switch (id) {
	case MK_OUTPUT: m->output = arg; break;
	case MK_INFO: m->info = arg; break;
	case MK_MANIFEST: m->manifest = arg; break;
	case MK_KEEP_OWNERS: m->keep_owners = true; break;
	case MK_SIGN_KEY: m->sign_key = arg; break;
	case MK_KEY_NAME: m->key_name = arg; break;
	case MK_SCRIPT: return add_script(m, arg, err);
	case MK_SET:
		if (m->nsets >= MKPKG_MAX_SETS || !strchr(arg, '='))
			return pare_error_set(err, -PARE_E_USAGE, "--set: want KEY=VALUE, got '%s'", arg);
		m->sets[m->nsets++] = arg;
		break;
	case MK_SIGN_TYPE:
		m->sig_alg = !strcmp(arg, "rsa256") ? PARE_DIGEST_SHA256
			   : !strcmp(arg, "rsa512") ? PARE_DIGEST_SHA512
			   : !strcmp(arg, "rsa")    ? PARE_DIGEST_SHA1
						    : PARE_DIGEST_NONE;
		if (m->sig_alg == PARE_DIGEST_NONE)
			return pare_error_set(err, -PARE_E_USAGE, "--sign-type: '%s' is not rsa, "
					      "rsa256 or rsa512", arg);
		break;
	case MK_LEVEL:
		m->level = (int)strtol(arg, &end, 10);
		if (*end || m->level < 1 || m->level > 9)
			return pare_error_set(err, -PARE_E_USAGE, "--level: '%s' is not 1-9", arg);
		break;
	}
	return 0;
}

static int read_info(const char *path, struct pare_buf *text, struct pare_pkginfo *pi,
		     struct pare_error *err)
{
	int r = pare_read_file(path, text, err);
	if (r < 0)
		return r;
	r = pare_pkginfo_parse(pi, pare_buf_slice(text), err);
	return r < 0 ? pare_error_prefix(err, r, "%s: ", path) : 0;
}

static int build_info(struct mkpkg_ctx *m, struct pare_buf *text, struct pare_pkginfo *pi,
		      struct pare_error *err)
{
	int r = 0;
	pare_pkginfo_init(pi);
	if (m->info && (r = read_info(m->info, text, pi, err)) < 0)
		return r;
	for (size_t i = 0; r == 0 && i < m->nsets; i++) {
		const char *eq = strchr(m->sets[i], '=');
		char key[64];
		snprintf(key, sizeof(key), "%.*s", (int)(eq - m->sets[i]), m->sets[i]);
		r = pare_pkginfo_set(pi, key, pare_slice_from(eq + 1), err);
	}
	if (r == 0 && pi->arch.len == 0) {
		r = pare_pkginfo_set(pi, "arch", pare_slice_from(pare_repo_host_arch()), err);
	}
	if (r == 0 && (pi->pkgname.len == 0 || pi->pkgver.len == 0))
		r = pare_error_set(err, -PARE_E_USAGE,
				   "mkpkg: pkgname and pkgver are needed (--set pkgname=... "
				   "--set pkgver=... or --info FILE)");
	return r;
}

static int mkpkg_do(struct mkpkg_ctx *m, struct pare_cli *cli, const char *tree,
		    struct pare_pkginfo *pi, struct pare_privkey *key, struct pare_error *err)
{
	char out[4096], keyname[256];
	if (m->output)
		snprintf(out, sizeof(out), "%s", m->output);
	else
		snprintf(out, sizeof(out), "%.*s-%.*s.apk", (int)pi->pkgname.len, pi->pkgname.ptr,
			 (int)pi->pkgver.len, pi->pkgver.ptr);
	if (m->sign_key) {
		if (m->key_name)
			snprintf(keyname, sizeof(keyname), "%s", m->key_name);
		else if (pare_pubkey_name_for(m->sign_key, keyname, sizeof(keyname)) < 0)
			return pare_error_set(err, -PARE_E_USAGE, "cannot derive a key name from %s",
					      m->sign_key);
	}
	struct pare_mkpkg_opts o = {
		.tree = tree,
		.info = pi,
		.scripts = m->scripts,
		.nscripts = m->nscripts,
		.manifest = m->manifest,
		.keep_owners = m->keep_owners,
		.source_date_epoch = pare_cli_source_date_epoch(-1),
		.level = m->level,
		.key = m->sign_key ? key : NULL,
		.keyname = keyname,
		.sig_alg = m->sig_alg,
	};
	int r = pare_mkpkg(&o, out, err);
	if (r == 0)
		pare_log_verbose(&cli->log, "wrote %s", out);
	return r;
}

static int mkpkg_run(void *ctx, struct pare_cli *cli, int argc, char **argv)
{
	struct mkpkg_ctx *m = ctx;
	struct pare_buf text;
	struct pare_pkginfo pi;
	struct pare_privkey key = { 0 };
	struct pare_error err = { 0 };
	if (argc > 1) {
		pare_cli_error(cli, "mkpkg: give at most one directory");
		return 1;
	}
	pare_buf_init(&text, PARE_PKG_PKGINFO_MAX);
	int r = build_info(m, &text, &pi, &err);
	if (r == 0 && m->sign_key)
		r = pare_privkey_load(&key, m->sign_key, &err);
	if (r == 0)
		r = mkpkg_do(m, cli, argc ? argv[0] : NULL, &pi, &key, &err);
	if (r < 0)
		pare_cli_report(cli, r, &err);
	pare_privkey_release(&key);
	pare_pkginfo_release(&pi);
	pare_buf_release(&text);
	return r < 0 ? 1 : 0;
}

const struct pare_applet pare_applet_mkpkg = {
	.name = "mkpkg",
	.summary = "Write an APK package from a directory",
	.usage = "[-o FILE] [-I PKGINFO] [-s KEY=VALUE]... [--script NAME=FILE]... "
		 "[-m MANIFEST] [-k KEY] [DIR]",
	.description =
		"Package the files under DIR (none if DIR is not given) with the metadata from "
		"--info and --set (pkgname and pkgver are required; arch defaults to the host's). "
		"The output is deterministic: entries sorted, owners root:root unless "
		"--keep-owners or a manifest says otherwise, mtimes clamped to "
		"SOURCE_DATE_EPOCH, builddate = SOURCE_DATE_EPOCH (or the newest mtime). size "
		"and datahash are computed. Each regular file and symlink carries its SHA-1; "
		"the control part has no end-of-archive blocks, as apk-tools expects. With "
		"--sign-key the package is signed (see pare sign).",
	.options = mkpkg_options,
	.ctx_size = sizeof(struct mkpkg_ctx),
	.parse = mkpkg_parse,
	.run = mkpkg_run,
};
