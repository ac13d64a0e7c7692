/* pare index -o APKINDEX.tar.gz PKG...: write a repository index, as
 * apk-tools' `apk index` does. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "apk/index.h"
#include "cli/applets.h"
#include "cli/common.h"

enum { IX_OUTPUT = 1, IX_DESCRIPTION, IX_REWRITE_ARCH, IX_INDEX, IX_SIGN_KEY, IX_KEY_NAME,
       IX_SIGN_TYPE, IX_NO_WARNINGS };

struct index_ctx {
	const char *output, *description, *rewrite_arch, *old, *sign_key, *key_name;
	enum pare_digest_alg sig_alg;
	bool no_warnings;
};

static const struct pare_option index_options[] = {
	{ "output", 'o', PARE_OPT_ARG, "FILE", IX_OUTPUT, "Write the index to FILE" },
	{ "description", 'd', PARE_OPT_ARG, "TEXT", IX_DESCRIPTION,
	  "Description of the index (its DESCRIPTION member)" },
	{ "rewrite-arch", 0, PARE_OPT_ARG, "ARCH", IX_REWRITE_ARCH,
	  "Set every package's architecture to ARCH" },
	{ "index", 'x', PARE_OPT_ARG, "INDEX", IX_INDEX,
	  "Reuse entries of the old INDEX for unchanged package files" },
	{ "sign-key", 'k', PARE_OPT_ARG, "KEY", IX_SIGN_KEY, "Sign the index with KEY" },
	{ "key-name", 'p', PARE_OPT_ARG, "NAME", IX_KEY_NAME,
	  "Public key name to record (default: KEY's file name + .pub)" },
	{ "sign-type", 't', PARE_OPT_ARG, "TYPE", IX_SIGN_TYPE, "rsa256 (default), rsa512 or rsa" },
	{ "no-warnings", 0, PARE_OPT_NOARG, NULL, IX_NO_WARNINGS,
	  "Accepted for apk compatibility (pare prints no provider warnings)" },
	{ 0 },
};

static int index_parse(void *ctx, int id, const char *arg, struct pare_error *err)
{
	struct index_ctx *x = ctx;
	switch (id) {
	case IX_OUTPUT: x->output = arg; break;
	case IX_DESCRIPTION: x->description = arg; break;
	case IX_REWRITE_ARCH: x->rewrite_arch = arg; break;
	case IX_INDEX: x->old = arg; break;
	case IX_SIGN_KEY: x->sign_key = arg; break;
	case IX_KEY_NAME: x->key_name = arg; break;
	case IX_NO_WARNINGS: x->no_warnings = true; break;
	case IX_SIGN_TYPE:
		x->sig_alg = !strcmp(arg, "rsa256") ? PARE_DIGEST_SHA256
			   : !strcmp(arg, "rsa512") ? PARE_DIGEST_SHA512
			   : !strcmp(arg, "rsa")    ? PARE_DIGEST_SHA1
						    : PARE_DIGEST_NONE;
		if (x->sig_alg == PARE_DIGEST_NONE)
			return pare_error_set(err, -PARE_E_USAGE, "--sign-type: '%s' is not rsa, "
					      "rsa256 or rsa512", arg);
		break;
	}
	return 0;
}

/* The old index (-x): read even when not trusted (it only saves work; a
 * reused entry still has to match the file's name and size), never when
 * its signature is BAD.  *mtime gets the file's mtime. */
static int read_old(struct index_ctx *x, struct pare_keyring *keys, struct pare_index *old,
		    int64_t *mtime, struct pare_error *err)
{
	struct stat st;
	if (stat(x->old, &st) < 0) {
		*mtime = INT64_MIN; /* apk: a missing old index is not an error */
		return 0;
	}
	*mtime = st.st_mtime;
	struct pare_index_read_opts o = { .keys = keys, .allow_untrusted = true };
	return pare_index_read_file(old, x->old, &o, err);
}

static struct pare_slice base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return pare_slice_from(s ? s + 1 : path);
}

/* Add every PKG: reused from the old index when its name and size match
 * an old entry and it is not newer than the old index (apk's rule), else
 * read in full.  Returns the number of errors; *newpkgs counts reads. */
static int add_packages(struct pare_cli *cli, struct pare_keyring *keys, struct pare_index *idx,
			const struct pare_index *old, int64_t old_mtime, int argc, char **argv,
			int *newpkgs)
{
	struct pare_index_read_opts o = { .keys = keys, .allow_untrusted = cli->opts.allow_untrusted };
	int errors = 0;
	for (int i = 0; i < argc; i++) {
		struct pare_error err = { 0 };
		struct stat st;
		if (stat(argv[i], &st) < 0) {
			pare_log_warning(&cli->log, "File '%s' is unaccessible", argv[i]);
			continue;
		}
		ptrdiff_t k = -1;
		if (old && old_mtime >= st.st_mtime)
			k = pare_index_find_file(old, base_name(argv[i]), (uint64_t)st.st_size);
		int r;
		if (k >= 0) {
			r = pare_index_add(idx, &old->ents[k], &err);
			pare_log_debug(&cli->log, "%s: indexed from old index", argv[i]);
		} else {
			r = pare_index_add_pkg_file(idx, argv[i], &o, &err);
			*newpkgs += r == 0;
			pare_log_debug(&cli->log, "%s: indexed new package", argv[i]);
		}
		if (r < 0) {
			pare_cli_report(cli, r, &err);
			errors++;
		}
	}
	return errors;
}

static int write_index(struct index_ctx *x, struct pare_index *idx, struct pare_error *err)
{
	char keyname[256];
	struct pare_privkey key = { 0 };
	struct pare_index_write_opts wo = {
		.mtime = pare_cli_source_date_epoch(0),
		.flags = PARE_INDEX_WRITE_CANONICAL,
		.sig_alg = x->sig_alg,
	};
	int r = 0;
	if (x->sign_key) {
		if (x->key_name)
			snprintf(keyname, sizeof(keyname), "%s", x->key_name);
		else if (pare_pubkey_name_for(x->sign_key, keyname, sizeof(keyname)) < 0)
			return pare_error_set(err, -PARE_E_USAGE, "cannot derive a key name from %s",
					      x->sign_key);
		if ((r = pare_privkey_load(&key, x->sign_key, err)) < 0)
			return r;
		wo.key = &key;
		wo.keyname = keyname;
	}
	r = pare_index_write_targz_file(idx, &wo, x->output, err);
	pare_privkey_release(&key);
	return r;
}

static int set_fields(struct index_ctx *x, struct pare_index *idx, struct pare_error *err)
{
	int r = 0;
	if (x->description)
		r = pare_index_set_description(idx, pare_slice_from(x->description), err);
	if (r == 0 && x->rewrite_arch) {
		struct pare_slice a = pare_arena_slice(&idx->arena, pare_slice_from(x->rewrite_arch));
		if (!a.ptr)
			return pare_error_set(err, -ENOMEM, "out of memory");
		for (size_t i = 0; i < idx->n; i++)
			idx->ents[i].arch = a;
	}
	return r ? r : pare_index_sort(idx);
}

static int index_run(void *ctx, struct pare_cli *cli, int argc, char **argv)
{
	struct index_ctx *x = ctx;
	struct pare_cli_keys k;
	struct pare_index idx, old;
	struct pare_error err = { 0 };
	int64_t old_mtime = INT64_MIN;
	int newpkgs = 0, errors = 0;
	if (!x->output) {
		pare_cli_error(cli, "index: an output file is needed (-o FILE)");
		return 1;
	}
	pare_index_init(&idx);
	pare_index_init(&old);
	int r = pare_cli_keys_open(cli, &k, &err);
	if (r == 0 && x->old)
		r = read_old(x, k.keys, &old, &old_mtime, &err);
	if (r == 0) {
		errors = add_packages(cli, k.keys, &idx, x->old ? &old : NULL, old_mtime, argc, argv,
				      &newpkgs);
		if (errors == 0 && (r = set_fields(x, &idx, &err)) == 0)
			r = write_index(x, &idx, &err);
	}
	if (r < 0)
		pare_cli_report(cli, r, &err);
	else if (errors == 0)
		fprintf(cli->out, "Index has %zu packages (of which %d are new)\n", idx.n, newpkgs);
	pare_index_release(&old);
	pare_index_release(&idx);
	pare_cli_keys_release(&k);
	return r < 0 || errors ? 1 : 0;
}

const struct pare_applet pare_applet_index = {
	.name = "index",
	.summary = "Create a repository index from packages",
	.usage = "-o FILE [-d TEXT] [--rewrite-arch ARCH] [-x OLD] [-k KEY] PKG...",
	.description =
		"Write APKINDEX.tar.gz for the package files PKG, as apk index does. Each package "
		"is read in full and checked (structure, datahash, file checksums, signature: it "
		"must be signed by a trusted key, or --allow-untrusted). The output is "
		"deterministic: entries sorted by name, version and identity, fields in apk's "
		"order, tar mtimes SOURCE_DATE_EPOCH (0 when unset). With -x OLD, a package "
		"whose file name (NAME-VERSION.apk) and size match an entry of OLD and whose "
		"mtime is not newer than OLD's is taken from OLD without being read (apk's "
		"rule); OLD is read even if untrusted, never with a BAD signature. With "
		"--sign-key the index is signed (RSA256 unless --sign-type). Prints 'Index has N "
		"packages (of which M are new)'.",
	.options = index_options,
	.ctx_size = sizeof(struct index_ctx),
	.parse = index_parse,
	.run = index_run,
};
