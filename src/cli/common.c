#include "cli/common.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ROOT/DIR (or DIR when absolute) made absolute with the working
 * directory, for messages only. */
static void searched_name(struct pare_cli *cli, const char *dir, char *out, size_t n)
{
	char cwd[2048] = "";
	const char *root = cli->opts.root ? cli->opts.root : "/";
	if (dir[0] == '/') {
		snprintf(out, n, "%s", dir);
		return;
	}
	if (root[0] != '/' && !getcwd(cwd, sizeof(cwd)))
		cwd[0] = '\0';
	snprintf(out, n, "%s%s%s%s%s", cwd, *cwd ? "/" : "", root,
		 root[strlen(root) - 1] == '/' ? "" : "/", dir);
}

int pare_cli_keys_open(struct pare_cli *cli, struct pare_cli_keys *k, struct pare_error *err)
{
	memset(k, 0, sizeof(*k));
	k->root.fd = -1;
	const char *dir = cli->opts.keys_dir ? cli->opts.keys_dir : "etc/apk/keys";
	int r;
	k->relative = cli->opts.keys_dir && dir[0] != '/';
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
		k->absent = true;
		searched_name(cli, dir, k->searched, sizeof(k->searched));
		return 0;
	}
	if (r < 0)
		return r;
	snprintf(k->searched, sizeof(k->searched), "%s", k->ring.shown);
	k->keys = &k->ring;
	return 0;
}

void pare_cli_untrusted_hint(const struct pare_cli_keys *k, char *buf, size_t n)
{
	snprintf(buf, n, "trusted keys are read from %s%s%s; to trust a key, copy its .pub "
		 "file there, name another folder with --keys-dir DIR, or (image configs) list "
		 "it in contents.keyring", k->searched, k->absent ? " (absent)" : "",
		 k->relative ? " (a relative --keys-dir is taken under --root, as apk does)" : "");
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

const char *pare_cli_trust_text(struct pare_cli *cli, int trust)
{
	if (trust == -PARE_E_UNTRUSTED)
		cli->saw_untrusted = true;
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
	if (cli->saw_untrusted) {
		char hint[PARE_ERROR_MSG_MAX + 4200];
		pare_cli_untrusted_hint(&k, hint, sizeof(hint));
		pare_log_warning(&cli->log, "%s", hint);
	}
	pare_cli_keys_release(&k);
	return failed ? 1 : 0;
}
