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
