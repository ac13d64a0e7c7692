/* pare image report: the `report` subcommand of `pare image`
 * (app_image.c holds the applet and its subcommand table). */
#ifndef PARE_CLI_APP_IMAGE_REPORT_H
#define PARE_CLI_APP_IMAGE_REPORT_H

#include "cli/cli.h"

/* OUT [--json] [--html FILE]: html is the --html argument or NULL. */
int pare_image_report_main(const char *html, struct pare_cli *cli, int argc, char **argv);

#endif
