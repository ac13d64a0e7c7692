/* pare keygen NAME: an RSA key pair for signing packages and indexes. */
#include <stdlib.h>
#include <string.h>

#include "apk/sign.h"
#include "cli/applets.h"
#include "io/atomic.h"

enum { KEYGEN_BITS = 1, KEYGEN_OUTDIR };

struct keygen_ctx {
	unsigned bits;
	const char *outdir;
};

static const struct pare_option keygen_options[] = {
	{ "bits", 'b', PARE_OPT_ARG, "N", KEYGEN_BITS, "RSA key size in bits (default 4096)" },
	{ "output-dir", 'o', PARE_OPT_ARG, "DIR", KEYGEN_OUTDIR,
	  "Write the keys into DIR, created when missing (default: the current directory)" },
	{ 0 },
};

static int keygen_parse(void *ctx, int id, const char *arg, struct pare_error *err)
{
	struct keygen_ctx *k = ctx;
	if (id == KEYGEN_OUTDIR) {
		k->outdir = arg;
		return 0;
	}
	char *end;
	unsigned long bits = strtoul(arg, &end, 10);
	if (*arg == '\0' || *end != '\0' || bits < PARE_KEYGEN_BITS_MIN || bits > PARE_KEYGEN_BITS_MAX)
		return pare_error_set(err, -PARE_E_USAGE, "--bits: '%s' is not a key size from %d to %d",
				      arg, PARE_KEYGEN_BITS_MIN, PARE_KEYGEN_BITS_MAX);
	k->bits = (unsigned)bits;
	return 0;
}

static int keygen_run(void *ctx, struct pare_cli *cli, int argc, char **argv)
{
	struct keygen_ctx *k = ctx;
	if (argc != 1) {
		pare_cli_error(cli, "keygen: give exactly one key NAME");
		return 1;
	}
	const char *name = argv[0];
	size_t n = strlen(name);
	const char *suffix = n > 4 && strcmp(name + n - 4, ".rsa") == 0 ? "" : ".rsa";
	char priv[4096], pub[4096 + 4];
	const char *dir = k->outdir ? k->outdir : ".";
	int len = snprintf(priv, sizeof(priv), "%s/%s%s", dir, name, suffix);
	if (len < 0 || (size_t)len >= sizeof(priv)) {
		pare_cli_error(cli, "keygen: path too long");
		return 1;
	}
	memcpy(pub, priv, (size_t)len);
	memcpy(pub + len, ".pub", 5);
	struct pare_error err = { 0 };
	int r = pare_keyname_check(pare_slice_from(strrchr(pub, '/') + 1), &err);
	if (r == 0 && k->outdir)
		r = pare_mkdir_p(k->outdir, 0755, &err);
	if (r == 0)
		r = pare_keygen(priv, pub, k->bits, &err);
	if (r < 0) {
		pare_cli_report(cli, r, &err);
		return 1;
	}
	fprintf(cli->out, "%s\n%s\n", priv, pub);
	return 0;
}

const struct pare_applet pare_applet_keygen = {
	.name = "keygen",
	.summary = "Create an RSA key pair for signing",
	.usage = "[-b BITS] [-o DIR] NAME",
	.description =
		"Write NAME.rsa (the private key, PKCS#8 PEM, mode 0600; never overwritten) and "
		"NAME.rsa.pub (the public key, PEM). Install the public key under its file name "
		"in etc/apk/keys of the roots that should trust what you sign; the file name is "
		"the key name recorded in signatures. Prints the two paths.",
	.options = keygen_options,
	.ctx_size = sizeof(struct keygen_ctx),
	.parse = keygen_parse,
	.run = keygen_run,
};
