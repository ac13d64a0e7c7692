/* pare image sign [--key KEY] [OUT] REF: sign an image in a registry (see
 * image/cosign.h).  The digest comes from REF@DIGEST, else from the layout
 * OUT's index.json (what `pare image push OUT REF` pushed).  Also run by
 * image build --push REF --sign KEY.  Returns the exit status. */
#ifndef PARE_CLI_APP_IMAGE_SIGN_H
#define PARE_CLI_APP_IMAGE_SIGN_H

#include <stdbool.h>

#include "cli/cli.h"

int pare_image_sign_run(struct pare_cli *cli, const char *key_path, const char *layout,
			const char *ref, const char *registry_config, bool insecure);

#endif
