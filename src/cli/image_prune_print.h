/* Printing what `pare image build --prune=trace` removed (text, --explain,
 * and the "prune" object of --json). */
#ifndef PARE_CLI_IMAGE_PRUNE_PRINT_H
#define PARE_CLI_IMAGE_PRUNE_PRINT_H

#include <jansson.h>
#include <stdbool.h>

#include "cli/cli.h"
#include "image/build.h"

void pare_image_prune_print(struct pare_cli *cli, const char *arch,
			    const struct pare_image_build_prune *p, bool explain);
json_t *pare_image_prune_json(const struct pare_image_build_prune *p);

#endif
