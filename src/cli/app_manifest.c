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
static bool manifest_one(struct pare_cli *cli, struct pare_keyring *keys, const char *path,
			 void *ctx)
{
	struct pare_pkg pkg;
	struct pare_buf out;
	struct pare_error err = { 0 };
	struct pare_pkg_read_opts opts = { .keys = keys };
	struct pare_pkg_visitor v = { .entry = manifest_entry, .ctx = &out };
	pare_pkg_init(&pkg);
	pare_buf_init(&out, MANIFEST_MAX);
	int r = pare_pkg_read_file(&pkg, path, &opts, &v, &err);
	bool ok = r == 0 && pare_cli_trusted(cli, pkg.trust);
	if (r < 0)
		pare_cli_report(cli, r, &err);
	else if (pkg.kind != PARE_PKG_KIND_PACKAGE)
		ok = false, pare_cli_error(cli, "%s: not a package", path);
	else if (!ok)
		pare_cli_error(cli, "%s: %s", path, pare_cli_trust_text(cli, pkg.trust));
	else
		fwrite(out.data ? out.data : "", 1, out.len, cli->out);
	pare_buf_release(&out);
	pare_pkg_release(&pkg);
	return ok;
}

static int manifest_run(void *ctx, struct pare_cli *cli, int argc, char **argv)
{
	return pare_cli_each_file(cli, "manifest", argc, argv, false, manifest_one, NULL);
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
