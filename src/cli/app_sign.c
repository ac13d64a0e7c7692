/* pare sign -k KEY FILE...: add or replace a signature on packages and
 * indexes (as abuild-sign does). */
#include <string.h>

#include "apk/pkgsign.h"
#include "cli/applets.h"
#include "cli/common.h"

enum { SIGN_KEY = 1, SIGN_KEYNAME, SIGN_TYPE, SIGN_OUTPUT };

struct sign_ctx {
	const char *key;
	const char *keyname;
	const char *output;
	enum pare_digest_alg alg;
};

static const struct pare_option sign_options[] = {
	{ "key", 'k', PARE_OPT_ARG, "FILE", SIGN_KEY, "Private key to sign with (required)" },
	{ "key-name", 'p', PARE_OPT_ARG, "NAME",
	  SIGN_KEYNAME, "Public key name to record (default: the key's file name + .pub)" },
	{ "type", 't', PARE_OPT_ARG, "TYPE", SIGN_TYPE,
	  "rsa256 (default), rsa512, or rsa (SHA-1, for apk-tools before 2.12)" },
	{ "output", 'o', PARE_OPT_ARG, "FILE", SIGN_OUTPUT,
	  "Write the signed file here instead of replacing FILE (one FILE only)" },
	{ 0 },
};

static int sign_parse(void *ctx, int id, const char *arg, struct pare_error *err)
{
	struct sign_ctx *s = ctx;
	switch (id) {
	case SIGN_KEY: s->key = arg; break;
	case SIGN_KEYNAME: s->keyname = arg; break;
	case SIGN_OUTPUT: s->output = arg; break;
	case SIGN_TYPE:
		if (strcmp(arg, "rsa256") == 0)
			s->alg = PARE_DIGEST_SHA256;
		else if (strcmp(arg, "rsa512") == 0)
			s->alg = PARE_DIGEST_SHA512;
		else if (strcmp(arg, "rsa") == 0)
			s->alg = PARE_DIGEST_SHA1;
		else
			return pare_error_set(err, -PARE_E_USAGE,
					      "--type: '%s' is not rsa, rsa256 or rsa512", arg);
		break;
	}
	return 0;
}

static int sign_run(void *ctx, struct pare_cli *cli, int argc, char **argv)
{
	struct sign_ctx *s = ctx;
	char keyname[256];
	struct pare_privkey key;
	struct pare_error err = { 0 };
	if (!s->key || argc == 0 || (s->output && argc != 1)) {
		pare_cli_error(cli, "sign: usage: pare sign -k KEY [-o OUT] FILE...");
		return 1;
	}
	if (s->keyname)
		snprintf(keyname, sizeof(keyname), "%s", s->keyname);
	else if (pare_pubkey_name_for(s->key, keyname, sizeof(keyname)) < 0) {
		pare_cli_error(cli, "sign: cannot derive a key name from %s; use --key-name", s->key);
		return 1;
	}
	int r = pare_privkey_load(&key, s->key, &err);
	if (r < 0) {
		pare_cli_report(cli, r, &err);
		return 1;
	}
	int failed = 0;
	int64_t mtime = pare_cli_source_date_epoch(0);
	enum pare_digest_alg alg = s->alg ? s->alg : PARE_DIGEST_SHA256;
	for (int i = 0; i < argc; i++) {
		const char *out = s->output ? s->output : argv[i];
		r = pare_pkg_sign_file(argv[i], out, &key, keyname, alg, mtime, &err);
		if (r < 0) {
			pare_cli_report(cli, r, &err);
			failed++;
		}
	}
	pare_privkey_release(&key);
	return failed ? 1 : 0;
}

const struct pare_applet pare_applet_sign = {
	.name = "sign",
	.summary = "Sign packages and indexes",
	.usage = "-k KEY [-p NAME] [-t TYPE] [-o OUT] FILE...",
	.description =
		"Add a signature by KEY to each package or APKINDEX.tar.gz, replacing one of the "
		"same type and key name and keeping the others. Only the signature member is "
		"rewritten, so the package identity and datahash do not change. The file is "
		"replaced atomically. Signature entries get SOURCE_DATE_EPOCH (or 0) as mtime, "
		"so signing is reproducible.",
	.options = sign_options,
	.ctx_size = sizeof(struct sign_ctx),
	.parse = sign_parse,
	.run = sign_run,
};
