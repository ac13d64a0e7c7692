/* Image configurations: apko's YAML schema, read with libfyaml.
 *
 * Keys read (apko's names; `binaries` is pare's own):
 *
 *   contents: repositories, build_repositories, runtime_repositories
 *             (URL, path, file://URL or "@tag URL"), keyring (paths or
 *             URLs), packages (dependency atoms, "name@tag>=1.2"),
 *             binaries ("FILE[:DEST]", pare: strip-down inputs),
 *             runtime: gconv (pare: charsets whose gconv modules the image
 *             needs, "SHIFT_JIS"; docs/image-tests.md, "Runtime needs")
 *   entrypoint: command | shell-fragment, type (only "" / absent)
 *   cmd, work-dir, stop-signal, vcs-url
 *   environment, annotations   (maps of strings)
 *   accounts: groups (groupname gid members), users (username uid gid
 *             shell homedir), run-as
 *   paths: path type (directory empty-file hardlink symlink permissions)
 *          source uid gid permissions (octal: 0o755, 0755) recursive
 *   volumes (list), archs (list: apk or OCI names, "all" is refused)
 *   test (pare's own: list of name, run, exit, stdout, stderr, timeout,
 *         network, daemon, ready: {port | run}; see docs/image-tests.md)
 *
 * include: another config file (relative to this one's folder) that is
 * read first (pare_image_config_load only; at most
 * PARE_IMAGE_CONFIG_MAX_INCLUDES deep): lists are the base's items then
 * this file's (environment and annotations: this file's value wins for a
 * key), strings and archs come from this file when it sets them.
 *
 * contents.baseimage: image (an OCI layout folder) and apkindex (a folder
 * holding ARCH/APKINDEX, the base's installed packages), both required,
 * relative to the config's folder; see image/baseimage.h.
 *
 * Keys apko knows but pare does not implement (layering, format,
 * certificates, contents.runtime_keyring,
 * entrypoint.services, entrypoint type service-bundle) fail with
 * -PARE_E_UNSUPPORTED at their position; any other key fails with
 * -PARE_E_FORMAT and the nearest valid key ("did you mean 'packages'?").
 *
 * Every error message starts with FILE:LINE:COLUMN (1-based).
 *
 * Bounds (YAML is hostile input): the file is at most
 * PARE_IMAGE_CONFIG_MAX_FILE bytes, nesting at most
 * PARE_IMAGE_CONFIG_MAX_DEPTH levels, at most PARE_IMAGE_CONFIG_MAX_NODES
 * nodes in all and PARE_IMAGE_CONFIG_MAX_LIST items in one list or map, a
 * scalar at most PARE_IMAGE_CONFIG_MAX_SCALAR bytes.  Aliases are refused
 * (no expansion bombs); so are duplicate keys and multiple documents.
 *
 * Ownership: everything a config points to lives in its arena; strings are
 * NUL-terminated and stay valid until pare_image_config_release().
 * Absent optional strings are NULL; absent lists have n == 0.
 */
#ifndef PARE_IMAGE_CONFIG_H
#define PARE_IMAGE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/error.h"
#include "base/slice.h"

#define PARE_IMAGE_CONFIG_MAX_FILE (1024u * 1024u)
#define PARE_IMAGE_CONFIG_MAX_DEPTH 16u
#define PARE_IMAGE_CONFIG_MAX_NODES 100000u
#define PARE_IMAGE_CONFIG_MAX_LIST 10000u
#define PARE_IMAGE_CONFIG_MAX_SCALAR (64u * 1024u)
#define PARE_IMAGE_CONFIG_MAX_ARGV 1024u

enum pare_image_repo_kind {
	PARE_IMAGE_REPO_PATH = 0, /* a local directory */
	PARE_IMAGE_REPO_FILE,     /* file:// URL (url holds it as written) */
	PARE_IMAGE_REPO_HTTP,     /* http:// or https:// */
};

enum pare_image_repo_use {
	PARE_IMAGE_REPO_BOTH = 0, /* repositories: build time and in the image */
	PARE_IMAGE_REPO_BUILD,    /* build_repositories: build time only */
	PARE_IMAGE_REPO_RUNTIME,  /* runtime_repositories: image only */
};

struct pare_image_repo {
	const char *tag; /* "@tag" form's tag without the '@', else NULL */
	const char *url; /* path or URL as written */
	enum pare_image_repo_kind kind;
	enum pare_image_repo_use use;
};

struct pare_image_binary {
	const char *src;  /* file on the build host */
	const char *dest; /* absolute path in the image; NULL: decided later */
};

struct pare_image_kv {
	const char *key, *value;
};

struct pare_image_group {
	const char *name;
	uint32_t gid;
	const char **members;
	size_t nmembers;
};

struct pare_image_user {
	const char *name;
	uint32_t uid;
	bool has_gid; /* absent: apko uses the uid */
	uint32_t gid;
	const char *shell;   /* NULL when absent */
	const char *homedir; /* NULL when absent */
};

enum pare_image_path_type {
	PARE_IMAGE_PATH_DIRECTORY = 0,
	PARE_IMAGE_PATH_EMPTY_FILE,
	PARE_IMAGE_PATH_HARDLINK,
	PARE_IMAGE_PATH_SYMLINK,
	PARE_IMAGE_PATH_PERMISSIONS,
};

struct pare_image_path {
	enum pare_image_path_type type;
	const char *path;   /* as written (absolute in practice) */
	const char *source; /* hardlink/symlink target; NULL otherwise */
	bool has_uid, has_gid, has_permissions;
	uint32_t uid, gid;
	uint32_t permissions; /* 07777 at most */
	bool recursive;
};

/* pare's extension `test:` (docs/image-tests.md): a command run in the
 * built image with runc. */
struct pare_image_test {
	const char *name;        /* NULL: "test N" */
	const char **run;        /* argv (n >= 1) */
	size_t nrun;
	uint32_t exit;           /* expected status (default 0) */
	const char *stdout_re;   /* POSIX extended regex (checked at load), or NULL */
	const char *stderr_re;
	uint32_t timeout;        /* seconds; 0: the default */
	bool network_host;       /* network: host (else no network) */
	bool daemon;             /* started, probed for readiness, left running
				  * for the later tests, stopped at the end */
	uint32_t ready_port;     /* daemon: a TCP port on 127.0.0.1 that accepts */
	const char **ready_run;  /* daemon: or a command that exits 0 in it */
	size_t nready_run;
};

/* An architecture in both vocabularies. */
struct pare_image_arch {
	const char *apk;     /* "x86_64", "aarch64", "armv7", ... */
	const char *oci;     /* "amd64", "arm64", "arm", ... */
	const char *variant; /* "v6"/"v7" for arm, else NULL */
};

struct pare_image_config {
	struct pare_arena arena;
	const char *file; /* the name used in messages */
	const char *include; /* include: as written, or NULL */
	struct pare_image_config *base; /* the included config (owned), or NULL;
					 * merged lists point into it */

	struct pare_image_repo *repositories;
	size_t nrepositories;
	const char **keyring;
	size_t nkeyring;
	const char **packages; /* validated dependency atoms, as written */
	size_t npackages;
	struct pare_image_binary *binaries;
	size_t nbinaries;
	const char *baseimage;          /* contents.baseimage.image, or NULL */
	const char *baseimage_apkindex; /* contents.baseimage.apkindex */
	const char **gconv; /* contents.runtime.gconv: charset names as written */
	size_t ngconv;

	const char *entrypoint_command;        /* as written, or NULL */
	const char *entrypoint_shell_fragment; /* as written, or NULL */
	const char **entrypoint; /* the OCI Entrypoint: the command split like a
				  * shell (apko's shlex), or /bin/sh -c FRAGMENT */
	size_t nentrypoint;
	const char *cmd_text; /* as written, or NULL */
	const char **cmd;     /* split like the entrypoint command */
	size_t ncmd;

	const char *work_dir, *stop_signal, *vcs_url;
	struct pare_image_kv *environment; /* in file order, keys unique */
	size_t nenvironment;
	struct pare_image_kv *annotations; /* in file order, keys unique */
	size_t nannotations;

	struct pare_image_group *groups;
	size_t ngroups;
	struct pare_image_user *users;
	size_t nusers;
	const char *run_as;

	struct pare_image_path *paths;
	size_t npaths;
	const char **volumes;
	size_t nvolumes;
	struct pare_image_arch *archs; /* in file order, no duplicates */
	size_t narchs;
	struct pare_image_test *tests; /* test: (pare's extension) */
	size_t ntests;
	bool has_tests;                /* the key was present (even empty) */
	/* pare's extension (image/prune.h): `prune: trace` (or `none`),
	 * `keep:` globs never pruned, `keep-packages:` packages never pruned */
	bool prune_trace;
	const char **keep;
	size_t nkeep;
	const char **keep_packages;
	size_t nkeep_packages;
};

#define PARE_IMAGE_CONFIG_MAX_INCLUDES 8

/* config_include.c: merge c->base under c (see include above). */
int pare_image_config_merge_base(struct pare_image_config *c, struct pare_error *err);

/* config_show.c: the config as apko YAML (includes merged, paths as
 * resolved, every string double-quoted), appended to out; reading that text
 * back renders the same text. */
struct pare_buf;
int pare_image_config_render(const struct pare_image_config *c, struct pare_buf *out);

/* Read and check the YAML file at path.  On success the config is filled
 * (release it with pare_image_config_release, also after a failure). */
int pare_image_config_load(struct pare_image_config *c, const char *path,
			   struct pare_error *err);

/* The same from memory; `name` is used in messages. */
int pare_image_config_parse(struct pare_image_config *c, const char *name,
			    struct pare_slice text, struct pare_error *err);

void pare_image_config_release(struct pare_image_config *c);

/* apk or OCI architecture name ("x86_64", "amd64", "arm/v7", "386", ...)
 * to both forms; -PARE_E_NOT_FOUND for a name pare does not know. */
int pare_image_arch_lookup(struct pare_slice name, struct pare_image_arch *out);

/* Split a command line like apko does (google/shlex): words separated by
 * blanks; '...' literal; "..." with backslash escapes; a backslash outside
 * quotes escapes the next character; '#' at the start of a word begins a
 * comment.  argv[] and the strings are allocated in the arena.  Returns the
 * word count, or -PARE_E_FORMAT (message: what is wrong, no position) for
 * an unterminated quote or escape, -PARE_E_TOO_BIG past max words. */
int pare_image_split_command(struct pare_arena *a, struct pare_slice s, size_t max,
			     const char ***argv, struct pare_error *err);

/* Optimal-string-alignment (Damerau-Levenshtein) distance, for suggestions.
 * Strings longer than 64 bytes give SIZE_MAX. */
size_t pare_edit_distance(struct pare_slice a, struct pare_slice b);

/* The candidate nearest to `word` if it is close enough to be a likely
 * typo (distance at most max(1, len/3), and less than the word's length);
 * else NULL.  candidates ends with NULL. */
const char *pare_nearest_word(struct pare_slice word, const char *const *candidates);

#endif
