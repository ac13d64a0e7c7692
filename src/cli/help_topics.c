/* Help topics beside the applets: `pare help TOPIC` prints one, the man
 * page has each as a section (help.c).  One source for both. */
#include <string.h>

#include "cli/cli.h"

const struct pare_help_topic pare_help_topics[] = {
	{ "examples", "EXAMPLES",
	  "Trust a key and verify a package: pare verify --keys-dir /etc/apk/keys FILE.apk\n\n"
	  "Sign packages and index them: pare keygen -o keys me; pare sign -k keys/me.rsa "
	  "*.apk; pare --keys-dir $PWD/keys index -k keys/me.rsa -o repo/x86_64/APKINDEX.tar.gz "
	  "repo/x86_64/*.apk\n\n"
	  "Install into a new root: pare --root R --initdb -X ./repo --keys-dir $PWD/keys add "
	  "NAME; pare --root R info (the installed packages); pare why R /usr/bin/NAME\n\n"
	  "Image a program: pare image build app.yaml app:latest app.tar --add-binary "
	  "/usr/bin/app (apko's positional form; -o DIR for an OCI layout)\n\n"
	  "Pin and rebuild: pare image lock app.yaml; pare image build app.yaml -o out "
	  "--lock app.lock.json\n\n"
	  "Publish and sign: pare image build app.yaml -o out --push HOST/app:1 --sign "
	  "keys/me.rsa" },
	{ "environment", "ENVIRONMENT",
	  "SOURCE_DATE_EPOCH: seconds since 1970; the time written into images, SBOMs, "
	  "packages and indexes (default 0 for images), so builds are reproducible.\n\n"
	  "NO_COLOR: when set and not empty, output is never coloured.\n\n"
	  "DOCKER_CONFIG: the folder of the docker config.json holding registry "
	  "credentials (default ~/.docker); --registry-config names the file itself.\n\n"
	  "TMPDIR: where temporary roots, caches and layouts go (default /tmp).\n\n"
	  "PARE_HTTP_TIMEOUT, PARE_HTTP_CONNECT_TIMEOUT_MS, PARE_HTTP_RETRIES, "
	  "PARE_HTTP_RETRY_DELAY_MS, PARE_HTTP_MAX_TIME_MS: network time limits and retries "
	  "of repository downloads." },
	{ "files", "FILES",
	  "ROOT/etc/apk/keys/: trusted public keys (a relative --keys-dir is taken under "
	  "--root, as apk does; an UNTRUSTED verdict names the folder searched).\n\n"
	  "ROOT/etc/apk/repositories, ROOT/etc/apk/world, ROOT/etc/apk/arch: as apk.\n\n"
	  "ROOT/lib/apk/db/installed, scripts.tar, triggers, lock: the installed database, "
	  "in apk's formats.\n\n"
	  "ROOT/etc/apk/cache or --cache-dir: downloaded indexes and packages.\n\n"
	  "CONFIG.lock.json: apko's lock file written by pare image lock.\n\n"
	  "$DOCKER_CONFIG/config.json: registry credentials." },
	{ "exit-status", "EXIT STATUS",
	  "0: success.\n\n"
	  "1: failure, with one ERROR: line saying what, where and why: a usage error (an "
	  "unknown option or applet, a missing argument), a package or index that is not "
	  "trusted or does not verify, a query over a repository whose index was refused "
	  "(search, info, list, as apk), a solve without a solution, an image whose files "
	  "do not resolve." },
	{ "image-config", "IMAGE CONFIG",
	  "pare image reads apko's YAML. Relative paths are taken from the config file's "
	  "folder.\n\n"
	  "contents.repositories, build_repositories, runtime_repositories: paths, file://, "
	  "http(s):// URLs or \"@tag URL\"; each holds ARCH/APKINDEX.tar.gz.\n\n"
	  "contents.keyring: public keys (paths or URLs); the only keys an image build "
	  "trusts.\n\n"
	  "contents.packages: dependency atoms (name, name=1.2-r0, name@tag, !name); "
	  "-dev, -doc, -dbg, -static, -lang, -openrc and completion subpackages are "
	  "installed only when named here.\n\n"
	  "contents.binaries (pare): FILE[:DEST] copied into the image, their ELF needs "
	  "installed (as --add-binary).\n\n"
	  "contents.baseimage.image, contents.baseimage.apkindex: an OCI layout whose "
	  "image (for the arch) is the base, and a folder holding ARCH/APKINDEX, the "
	  "packages the base has installed; its layers come first, the new layer holds "
	  "only what is new or changed, its Env, Entrypoint, Cmd, WorkingDir, User, "
	  "StopSignal, Labels and Volumes apply where the config sets none.\n\n"
	  "entrypoint.command, cmd, work-dir, stop-signal, environment, annotations, "
	  "volumes, vcs-url: the OCI config.\n\n"
	  "accounts.groups (groupname, gid, members), accounts.users (username, uid, gid, "
	  "shell, homedir), accounts.run-as.\n\n"
	  "paths: path, type (directory, empty-file, hardlink, symlink, permissions), "
	  "source, uid, gid, permissions, recursive.\n\n"
	  "archs: apk or OCI names (x86_64/amd64, aarch64/arm64, ...); several give an "
	  "image index.\n\n"
	  "include: another config (relative to this one's folder) read first: lists are "
	  "its items then this file's, environment and annotations keys of this file win, "
	  "strings and archs come from this file when set.\n\n"
	  "Not implemented (refused at their line): layering, format, certificates, "
	  "contents.runtime_keyring, entrypoint.services." },
	{ 0 },
};

const struct pare_help_topic *pare_help_topic_find(const char *name)
{
	for (const struct pare_help_topic *t = pare_help_topics; t->name; t++)
		if (strcmp(t->name, name) == 0)
			return t;
	return NULL;
}
