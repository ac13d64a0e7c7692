/* Every applet, one file each (app_NAME.c); the table is in applets.c. */
#ifndef PARE_CLI_APPLETS_H
#define PARE_CLI_APPLETS_H

#include "cli/cli.h"

extern const struct pare_applet pare_applet_add;
extern const struct pare_applet pare_applet_build;
extern const struct pare_applet pare_applet_lint;
extern const struct pare_applet pare_applet_test;
extern const struct pare_applet pare_applet_del;
extern const struct pare_applet pare_applet_fix;
extern const struct pare_applet pare_applet_upgrade;
extern const struct pare_applet pare_applet_audit;
extern const struct pare_applet pare_applet_stats;
extern const struct pare_applet pare_applet_install_files;
extern const struct pare_applet pare_applet_dump;
extern const struct pare_applet pare_applet_extract;
extern const struct pare_applet pare_applet_help;
extern const struct pare_applet pare_applet_index;
extern const struct pare_applet pare_applet_import_deb;
extern const struct pare_applet pare_applet_keygen;
extern const struct pare_applet pare_applet_sign;
extern const struct pare_applet pare_applet_manifest;
extern const struct pare_applet pare_applet_mkpkg;
extern const struct pare_applet pare_applet_verify;
extern const struct pare_applet pare_applet_version;
extern const struct pare_applet pare_applet_update;
extern const struct pare_applet pare_applet_search;
extern const struct pare_applet pare_applet_info;
extern const struct pare_applet pare_applet_policy;
extern const struct pare_applet pare_applet_fetch;
extern const struct pare_applet pare_applet_list;
extern const struct pare_applet pare_applet_image;
extern const struct pare_applet pare_applet_inspect;
extern const struct pare_applet pare_applet_ldd;
extern const struct pare_applet pare_applet_sca;
extern const struct pare_applet pare_applet_vertest;
extern const struct pare_applet pare_applet_why;
extern const struct pare_applet pare_applet_dot;
extern const struct pare_applet pare_applet_cache;

#endif
