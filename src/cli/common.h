/* Set-up shared by applets: trusted keys, the root. */
#ifndef PARE_CLI_COMMON_H
#define PARE_CLI_COMMON_H

#include <stdint.h>

#include "apk/sign.h"
#include "base/rootpath.h"
#include "cli/cli.h"

/* Trusted keys for this run: --keys-dir (absolute as given, relative under
 * the root) or <root>/etc/apk/keys.  A keys directory that does not exist
 * means "no trusted keys" (*keys = NULL, return 0), so everything signed
 * is UNTRUSTED rather than an error.  Release with pare_cli_keys_release. */
struct pare_cli_keys {
	struct pare_root root;
	bool root_open;
	struct pare_keyring ring;
	struct pare_keyring *keys; /* &ring, or NULL */
	char searched[4096];       /* the folder searched, absolute when known */
	bool absent;               /* it does not exist */
	bool relative;             /* --keys-dir was given relative */
};

int pare_cli_keys_open(struct pare_cli *cli, struct pare_cli_keys *k, struct pare_error *err);
void pare_cli_keys_release(struct pare_cli_keys *k);

/* One line for stderr after an UNTRUSTED verdict: the folder searched and
 * how to trust a key ("--keys-dir", "contents.keyring"). */
void pare_cli_untrusted_hint(const struct pare_cli_keys *k, char *buf, size_t n);

/* Whether a read package's signature verdict is acceptable: trusted, or
 * untrusted (not BAD) with --allow-untrusted. */
bool pare_cli_trusted(const struct pare_cli *cli, int trust);
/* "BAD signature" or "UNTRUSTED signature" (noting the latter in
 * cli->saw_untrusted, so pare_cli_each_file adds the keys hint). */
const char *pare_cli_trust_text(struct pare_cli *cli, int trust);

/* Open the trusted keys, then call fn for each FILE argument (stopping at
 * the first failure when stop is set).  Returns the exit status: 0 when fn
 * returned true for every file, 1 otherwise (and for no FILE at all). */
typedef bool (*pare_cli_file_fn)(struct pare_cli *cli, struct pare_keyring *keys,
				 const char *path, void *ctx);
int pare_cli_each_file(struct pare_cli *cli, const char *applet, int argc, char **argv,
		       bool stop, pare_cli_file_fn fn, void *ctx);

/* SOURCE_DATE_EPOCH from the environment when set and valid, else fallback. */
int64_t pare_cli_source_date_epoch(int64_t fallback);

#endif
