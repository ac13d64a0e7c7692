/* pare info for installed packages: -L (contents), -W (owner of a file),
 * -r (reverse dependencies), and the index fields of installed packages
 * (-s, -R, ...), read from <root>/lib/apk/db/installed. */
#ifndef PARE_CLI_INFO_INSTALLED_H
#define PARE_CLI_INFO_INSTALLED_H

#include <stdbool.h>

#include "apk/index.h"
#include "cli/cli.h"
#include "db/installed.h"
#include "session/session.h"

enum {
	PARE_INFO_CONTENTS = 1 << 0, /* -L */
	PARE_INFO_WHO_OWNS = 1 << 1, /* -W: the arguments are paths */
	PARE_INFO_RDEPENDS = 1 << 2, /* -r */
};

typedef void (*pare_info_print_fn)(struct pare_cli *cli, unsigned fields,
				   const struct pare_pkgent *e);

/* Handle the request from the installed database when an installed-only
 * option is given (inst != 0) or every NAME is installed; *status gets
 * the exit status.  Returns false (nothing printed) otherwise, and the
 * caller answers from the repositories. */
bool pare_info_installed(struct pare_cli *cli, unsigned inst, unsigned fields,
			 pare_info_print_fn print, int argc, char **argv, int *status);

/* Open --root's database read-only through a session (s->db, s->world;
 * pare_session_close(s) on every path); on failure the error is printed
 * and -1 returned. */
int pare_cli_installed_read(struct pare_cli *cli, struct pare_session *s);

/* pare info without NAME: the installed packages, one name a line as apk
 * info prints them (NAME-VERSION with -v), sorted by name.  Returns the
 * exit status. */
int pare_info_list_installed(struct pare_cli *cli);

#endif
