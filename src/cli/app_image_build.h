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
	PIB_OPT_SBOM_FORMAT,
	PIB_OPT_LOCK,
	PIB_OPT_SIGN,
	PIB_OPT_PRUNE,
	PIB_OPT_EXPLAIN,
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
	  "build: where the SBOM goes (default OUT/sbom.spdx.json or OUT/sbom.cdx.json)" }, \
	{ "sbom-format", 0, PARE_OPT_ARG, "spdx|cyclonedx", PIB_OPT_SBOM_FORMAT, \
	  "build: SPDX 2.3 JSON (default) or CycloneDX 1.5 JSON" }, \
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
	  "build: waive the inspection check ID (repeatable)" }, \
	{ "sign", 0, PARE_OPT_ARG, "KEY", PIB_OPT_SIGN, \
	  "build: sign what --push pushed with the RSA private key KEY (a sigstore " \
	  "signature, as pare image sign)" }, \
	{ "lock", 0, PARE_OPT_ARG, "FILE", PIB_OPT_LOCK, \
	  "build: build exactly what the lock FILE (pare image lock) resolved; refuse any " \
	  "difference" }, \
	{ "prune", 0, PARE_OPT_ARG, "trace|none", PIB_OPT_PRUNE, \
	  "build: remove files no test opens and no rule keeps (docs/prune.md); the tests " \
	  "run again on the pruned root, and a failure keeps the unpruned image" }, \
	{ "explain", 0, PARE_OPT_NOARG, NULL, PIB_OPT_EXPLAIN, \
	  "build: with --prune, per package the bytes kept and removed and the ten largest " \
	  "removed files" }

struct pare_image_build_args {
	const char *output, *docker_archive, *repo_tag, *tag, *sbom, *push, *staging, *lock, *sign;
	struct pare_image_binary binaries[PARE_IMAGE_BUILD_CLI_MAX_BINARIES];
	char *owned[PARE_IMAGE_BUILD_CLI_MAX_BINARIES]; /* FILE copies of FILE:DEST (malloc) */
	size_t nbinaries;
	bool run_scripts;
	int prune;       /* 0: as the config says, 1: trace, -1: none */
	bool explain;
	int level;
	struct pare_image_verify verify; /* inspection and tests (image_verify.h) */
	int sbom_format; /* enum pare_sbom_format */
};

/* One option of the rows above (id in [PARE_IMAGE_BUILD_OPT_BASE,
 * PIB_OPT_END)); other ids are ignored. */
int pare_image_build_parse(struct pare_image_build_args *b, int id, const char *arg,
			   struct pare_error *err);

/* pare image build CONFIG: returns the exit status.  registry_config and
 * insecure are the applet's push settings (for --push). */
int pare_image_build_main(struct pare_image_build_args *b, const char *registry_config,
			  bool insecure, struct pare_cli *cli, int argc, char **argv);

/* pare image publish CONFIG REF...: build into a temporary layout and push
 * it to every REF (apko publish); --sign KEY signs each push. */
int pare_image_publish_main(struct pare_image_build_args *b, const char *registry_config,
			    bool insecure, struct pare_cli *cli, int argc, char **argv);

/* pare image lock CONFIG [-o FILE], or with show, pare image show-packages
 * CONFIG ("ARCH NAME VERSION" per resolved package, --json): returns the
 * exit status. */
int pare_image_lock_main(struct pare_image_build_args *b, struct pare_cli *cli, int argc,
			 char **argv, bool show);

#endif
