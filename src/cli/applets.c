/* The command table: every applet pare knows, in --help order. */
#include "cli/applets.h"

const struct pare_applet *const pare_applets[] = {
	&pare_applet_dump,
	&pare_applet_extract,
	&pare_applet_manifest,
	&pare_applet_verify,
	&pare_applet_version,
	&pare_applet_mkpkg,
	&pare_applet_keygen,
	&pare_applet_sign,
	&pare_applet_vertest,
	&pare_applet_help,
	NULL,
};
