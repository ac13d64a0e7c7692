/* pare image build: the options and the run of the `build` subcommand of
 * `pare image` (app_image.c holds the applet and its subcommand table;
 * its option table includes PARE_IMAGE_BUILD_OPTIONS and hands ids from
 * PARE_IMAGE_BUILD_OPT_BASE up to pare_image_build_parse). */
#ifndef PARE_CLI_APP_IMAGE_BUILD_H
#define PARE_CLI_APP_IMAGE_BUILD_H

#include <stdbool.h>
#include <stddef.h>

#include "cli/cli.h"
#include "cli/image_verify.h"
#include "image/config.h"

#define PARE_IMAGE_BUILD_CLI_MAX_BINARIES 64
#define PARE_IMAGE_BUILD_OPT_BASE 100

enum {
	PIB_OPT_OUTPUT = PARE_IMAGE_BUILD_OPT_BASE,
	PIB_OPT_DOCKER,
	PIB_OPT_REPO_TAG,
	PIB_OPT_TAG,
	PIB_OPT_SBOM,
	PIB_OPT_ADD_BINARY,
	PIB_OPT_RUN_SCRIPTS,
	PIB_OPT_PUSH,
	PIB_OPT_STAGING,
	PIB_OPT_LEVEL,
	PIB_OPT_SKIP_TESTS,
	PIB_OPT_ALLOW,
	PIB_OPT_END,
};

/* Rows for the applet's option table. */
#define PARE_IMAGE_BUILD_OPTIONS \
	{ "output", 'o', PARE_OPT_ARG, "OUT", PIB_OPT_OUTPUT, \
	  "build: the OCI image layout directory to write" }, \
	{ "docker-archive", 0, PARE_OPT_ARG, "FILE", PIB_OPT_DOCKER, \
	  "build: also write a docker-archive tarball (first architecture)" }, \
	{ "repo-tag", 0, PARE_OPT_ARG, "NAME:TAG", PIB_OPT_REPO_TAG, \
	  "build: RepoTags entry of the docker archive" }, \
	{ "tag", 't', PARE_OPT_ARG, "TAG", PIB_OPT_TAG, \
	  "build: ref name recorded in index.json" }, \
	{ "sbom", 0, PARE_OPT_ARG, "FILE", PIB_OPT_SBOM, \
	  "build: where the SPDX SBOM goes (default OUT/sbom.spdx.json)" }, \
	{ "add-binary", 0, PARE_OPT_ARG, "FILE[:DEST]", PIB_OPT_ADD_BINARY, \
	  "build: copy an application binary into the image (default /usr/bin/NAME) and " \
	  "install what its ELF needs (repeatable)" }, \
	{ "run-scripts", 0, PARE_OPT_NOARG, NULL, PIB_OPT_RUN_SCRIPTS, \
	  "build: run package scripts in the root (off by default, as apko)" }, \
	{ "push", 0, PARE_OPT_ARG, "REF", PIB_OPT_PUSH, \
	  "build: push the image to REF after building it" }, \
	{ "staging", 0, PARE_OPT_ARG, "DIR", PIB_OPT_STAGING, \
	  "build: build the roots in DIR/ARCH and keep them (default: temporary)" }, \
	{ "level", 0, PARE_OPT_ARG, "N", PIB_OPT_LEVEL, "build: gzip level 1-9 (default 6)" }, \
	{ "skip-tests", 0, PARE_OPT_NOARG, NULL, PIB_OPT_SKIP_TESTS, \
	  "build: do not run the config's test: commands or the smoke check" }, \
	{ "allow", 0, PARE_OPT_ARG, "ID", PIB_OPT_ALLOW, \
	  "build: waive the inspection check ID (repeatable)" }

struct pare_image_build_args {
	const char *output, *docker_archive, *repo_tag, *tag, *sbom, *push, *staging;
	struct pare_image_binary binaries[PARE_IMAGE_BUILD_CLI_MAX_BINARIES];
	char *owned[PARE_IMAGE_BUILD_CLI_MAX_BINARIES]; /* FILE copies of FILE:DEST (malloc) */
	size_t nbinaries;
	bool run_scripts;
	int level;
	struct pare_image_verify verify; /* inspection and tests (image_verify.h) */
};

/* One option of the rows above (id in [PARE_IMAGE_BUILD_OPT_BASE,
 * PIB_OPT_END)); other ids are ignored. */
int pare_image_build_parse(struct pare_image_build_args *b, int id, const char *arg,
			   struct pare_error *err);

/* pare image build CONFIG: returns the exit status.  registry_config and
 * insecure are the applet's push settings (for --push). */
int pare_image_build_main(struct pare_image_build_args *b, const char *registry_config,
			  bool insecure, struct pare_cli *cli, int argc, char **argv);

#endif
