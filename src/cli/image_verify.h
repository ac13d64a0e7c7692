/* What `pare image build` checks before it reports success (the verify
 * hook of image/build.h), and `pare image test OUT`:
 *   1. pare inspect over the staged root with the image's run settings;
 *      an error-level finding fails the build unless --allow ID waives it;
 *   2. the config's `test:` commands with runc (image/test.h), or the
 *      smoke check of the entrypoint when there are none; --skip-tests
 *      skips them and the report says so. */
#ifndef PARE_CLI_IMAGE_VERIFY_H
#define PARE_CLI_IMAGE_VERIFY_H

#include <stdbool.h>
#include <stddef.h>

#include "cli/cli.h"
#include "image/config.h"
#include "inspect/inspect.h"

#define PARE_IMAGE_VERIFY_MAX_ALLOW 256

struct pare_image_verify {
	struct pare_cli *cli;
	bool skip_tests;
	const char *skip_reason; /* why tests were skipped (set by the hook) */
	const char *allow[PARE_IMAGE_VERIFY_MAX_ALLOW];
	size_t nallow;
	/* results, for the final report */
	size_t inspect_failed, inspect_warnings, tests_run, tests_failed;
	bool smoke;
};

/* The hook (ctx: struct pare_image_verify). */
int pare_image_verify_hook(void *ctx, const char *root, const struct pare_image_config *cfg,
			   const struct pare_image_arch *arch, struct pare_error *err);

/* pare image test OUT: returns the exit status. */
int pare_image_test_main(struct pare_cli *cli, int argc, char **argv);

#endif
