#include "cli/common.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int pare_cli_keys_open(struct pare_cli *cli, struct pare_cli_keys *k, struct pare_error *err)
{
	memset(k, 0, sizeof(*k));
	k->root.fd = -1;
	const char *dir = cli->opts.keys_dir ? cli->opts.keys_dir : "etc/apk/keys";
	int r;
	if (dir[0] == '/') {
		r = pare_keyring_open(&k->ring, dir, err);
	} else {
		r = pare_root_open(&k->root, cli->opts.root, err);
		if (r < 0)
			return r;
		k->root_open = true;
		r = pare_keyring_open_root(&k->ring, &k->root, dir, err);
	}
	if (r == -ENOENT) {
		pare_error_clear(err);
		return 0;
	}
	if (r < 0)
		return r;
	k->keys = &k->ring;
	return 0;
}

void pare_cli_keys_release(struct pare_cli_keys *k)
{
	if (!k)
		return;
	if (k->keys)
		pare_keyring_release(k->keys);
	k->keys = NULL;
	if (k->root_open)
		pare_root_release(&k->root);
	k->root_open = false;
}

int64_t pare_cli_source_date_epoch(int64_t fallback)
{
	const char *v = getenv("SOURCE_DATE_EPOCH");
	uint64_t t;
	if (!v || !pare_slice_to_u64(pare_slice_from(v), &t) || t > INT64_MAX)
		return fallback;
	return (int64_t)t;
}

bool pare_cli_trusted(const struct pare_cli *cli, int trust)
{
	return trust == 0 || (trust == -PARE_E_UNTRUSTED && cli->opts.allow_untrusted);
}

const char *pare_cli_trust_text(int trust)
{
	return trust == -PARE_E_BAD_SIGNATURE ? "BAD signature" : "UNTRUSTED signature";
}

int pare_cli_each_file(struct pare_cli *cli, const char *applet, int argc, char **argv,
		       bool stop, pare_cli_file_fn fn, void *ctx)
{
	struct pare_cli_keys k;
	struct pare_error err = { 0 };
	if (argc == 0) {
		pare_cli_error(cli, "%s: no files given", applet);
		return 1;
	}
	int r = pare_cli_keys_open(cli, &k, &err);
	if (r < 0) {
		pare_cli_report(cli, r, &err);
		return 1;
	}
	int failed = 0;
	for (int i = 0; i < argc && !(stop && failed); i++)
		failed += !fn(cli, k.keys, argv[i], ctx);
	pare_cli_keys_release(&k);
	return failed ? 1 : 0;
}
