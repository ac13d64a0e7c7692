/* pare manifest FILE...: the checksum and path of every regular file in
 * each package, as apk manifest prints them ("sha1:HEX  PATH"). */
#include "apk/package.h"
#include "base/buf.h"
#include "cli/applets.h"
#include "cli/common.h"

#define MANIFEST_MAX (256u << 20)

static int manifest_entry(void *ctx, const struct pare_tar_entry *e, struct pare_istream *content,
			  struct pare_error *err)
{
	struct pare_buf *out = ctx;
	if (e->type != PARE_TAR_REG && e->type != PARE_TAR_LINK)
		return 0;
	/* A hard link usually has no checksum record: apk 3 prints "none". */
	char hex[2 * PARE_DIGEST_MAX + 1] = "";
	const char *kind = "none";
	if (e->checksum.alg != PARE_DIGEST_NONE) {
		kind = pare_digest_name(e->checksum.alg);
		pare_hex_encode(e->checksum.bytes, e->checksum.len, hex);
	}
	int r = pare_buf_appendf(out, "%s:%s  %.*s\n", kind, hex,
				 (int)e->name.len, e->name.ptr);
	if (r < 0)
		return pare_error_set(err, r, "manifest larger than %u bytes", MANIFEST_MAX);
	return 0;
}

/* Lines are printed only once the whole package verified. */
static bool manifest_one(struct pare_cli *cli, struct pare_keyring *keys, const char *path)
{
	struct pare_pkg pkg;
	struct pare_buf out;
	struct pare_error err = { 0 };
	struct pare_pkg_read_opts opts = { .keys = keys };
	struct pare_pkg_visitor v = { .entry = manifest_entry, .ctx = &out };
	pare_pkg_init(&pkg);
	pare_buf_init(&out, MANIFEST_MAX);
	int r = pare_pkg_read_file(&pkg, path, &opts, &v, &err);
	bool ok = r == 0 && (pkg.trust == 0 ||
			     (pkg.trust == -PARE_E_UNTRUSTED && cli->opts.allow_untrusted));
	if (r < 0)
		pare_cli_report(cli, r, &err);
	else if (pkg.kind != PARE_PKG_KIND_PACKAGE)
		ok = false, pare_cli_error(cli, "%s: not a package", path);
	else if (!ok)
		pare_cli_error(cli, "%s: %s", path,
			       pkg.trust == -PARE_E_BAD_SIGNATURE ? "BAD signature"
								   : "UNTRUSTED signature");
	else
		fwrite(out.data ? out.data : "", 1, out.len, cli->out);
	pare_buf_release(&out);
	pare_pkg_release(&pkg);
	return ok;
}

static int manifest_run(void *ctx, struct pare_cli *cli, int argc, char **argv)
{
	struct pare_cli_keys k;
	struct pare_error err = { 0 };
	if (argc == 0) {
		pare_cli_error(cli, "manifest: no files given");
		return 1;
	}
	int r = pare_cli_keys_open(cli, &k, &err);
	if (r < 0) {
		pare_cli_report(cli, r, &err);
		return 1;
	}
	int failed = 0;
	for (int i = 0; i < argc; i++)
		failed += !manifest_one(cli, k.keys, argv[i]);
	pare_cli_keys_release(&k);
	return failed ? 1 : 0;
}

const struct pare_applet pare_applet_manifest = {
	.name = "manifest",
	.summary = "Show the checksums of the files in packages",
	.usage = "FILE...",
	.description =
		"Print \"sha1:HEX  PATH\" for every regular file of each package (\"none:  PATH\" "
		"for a hard link without a checksum, as apk 3 does), after the "
		"whole package verified (signature, datahash, every file's checksum). "
		"Untrusted packages need --allow-untrusted.",
	.run = manifest_run,
};
