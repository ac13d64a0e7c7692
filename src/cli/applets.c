/* The command table: every applet pare knows, in --help order. */
#include "cli/applets.h"

const struct pare_applet *const pare_applets[] = {
	&pare_applet_add,
	&pare_applet_del,
	&pare_applet_fix,
	&pare_applet_upgrade,
	&pare_applet_dump,
	&pare_applet_extract,
	&pare_applet_manifest,
	&pare_applet_verify,
	&pare_applet_index,
	&pare_applet_update,
	&pare_applet_search,
	&pare_applet_info,
	&pare_applet_policy,
	&pare_applet_fetch,
	&pare_applet_list,
	&pare_applet_version,
	&pare_applet_mkpkg,
	&pare_applet_keygen,
	&pare_applet_sign,
	&pare_applet_vertest,
	&pare_applet_image_write_root,
	&pare_applet_help,
	NULL,
};
