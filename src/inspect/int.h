/* Internal to src/inspect: what the one walk gathers, and the helpers the
 * checks share.  Everything lives in the context's arena or in arrays it
 * owns (released by pi_ctx_release). */
#ifndef PARE_INSPECT_INT_H
#define PARE_INSPECT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

#include "base/hashmap.h"
#include "base/rootpath.h"
#include "db/installed.h"
#include "inspect/inspect.h"

/* Facts a file has, from its head (first PI_HEAD bytes) and xattrs. */
enum {
	PI_F_ELF = 1u << 0,      /* ELF magic */
	PI_F_ELF_BAD = 1u << 1,  /* ELF magic but the parser refused it */
	PI_F_SHEBANG = 1u << 2,  /* starts with #! */
	PI_F_CAP = 1u << 3,      /* security.capability xattr */
	PI_F_PEM_KEY = 1u << 4,  /* -----BEGIN ... PRIVATE KEY----- */
	PI_F_SSH_KEY = 1u << 5,  /* -----BEGIN OPENSSH PRIVATE KEY----- */
	PI_F_AWS = 1u << 6,      /* AKIA + 16 [A-Z0-9] */
	PI_F_TOKEN = 1u << 7,    /* ghp_/gho_/github_pat_/xoxb-/xoxp-/glpat- tokens */
	PI_F_BADNAME = 1u << 8,  /* control characters or invalid UTF-8 in the name */
	PI_F_CERT = 1u << 9,     /* -----BEGIN CERTIFICATE----- */
	PI_F_GCP_KEY = 1u << 10, /* "private_key_id" (service account JSON) */
};

#define PI_HEAD 4096u           /* bytes read from every regular file */
#define PI_SCAN_MAX (1u << 20)  /* files up to this size are scanned for secrets whole */

/* An ELF file's facts, copied from struct pare_elf (which is released). */
struct pi_elf {
	size_t file;          /* index in ctx->files */
	uint16_t type, machine;
	uint8_t elfclass;
	int kind;             /* enum pare_elf_kind */
	const char *interp, *soname, *rpath, *runpath;
	size_t nneeded;
	bool has_debug, has_symtab, has_gnu_stack, exec_stack, has_relro, textrel, bind_now;
	bool stack_chk, fortify, has_dynamic;
	const char **problems; /* loader problems (one line each) */
	size_t nproblems;
	int problem_kinds;     /* bit (1 << enum pare_ld_problem_kind) */
};

struct pi_file {
	const char *path;    /* absolute inside the root: "/usr/bin/x" */
	uint32_t mode, uid, gid, nlink;
	uint64_t size, ino, dev;
	const char *link;    /* symlink target, or NULL */
	const char *shebang; /* #! interpreter path, or NULL */
	uint32_t flags;      /* PI_F_* */
	int32_t elf;         /* index in ctx->elfs, or -1 */
};

/* A passwd or group line. */
struct pi_account {
	const char *name, *home, *shell, *passwd;
	uint32_t id, gid;
	bool ok; /* parsed: right field count and numeric ids */
	const char *line;
};

struct pare_insp_ctx {
	struct pare_arena arena;
	const struct pare_insp_target *t;
	struct pare_root root;
	struct pi_file *files;
	size_t nfiles, cap;
	struct pare_map by_path;    /* path -> index + 1 */
	struct pi_elf *elfs;
	size_t nelfs, elfcap;
	uint64_t max_files;
	/* The installed database, when lib/apk/db/installed exists. */
	bool db_present, db_ok;
	const char *db_error;
	struct pare_db_installed db;
	/* etc/passwd and etc/group. */
	struct pi_account *users, *groups;
	size_t nusers, ngroups;
	bool passwd_present, group_present;
	/* Image architecture (from the first dynamic executable): for checks. */
	uint16_t machine;
	uint8_t elfclass;
};

struct pare_insp_out {
	struct pare_insp_ctx *c;
	struct pare_insp_result *r;
	bool touched; /* fail/pass/na decided explicitly */
};

/* ---- results (table.c) */
/* Record one piece of evidence and mark the check failed. */
void pi_fail(struct pare_insp_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Not applicable, with the reason. */
void pi_na(struct pare_insp_out *o, const char *why);
/* Attach a note to a pass (info checks: what was seen). */
void pi_note(struct pare_insp_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- lookups (walk.c) */
const struct pi_file *pi_lookup(const struct pare_insp_ctx *c, const char *path);
/* Follow symlinks inside the root (at most PARE_SYMLINK_MAX); NULL when
 * dangling, looping or escaping.  why (may be NULL) says which. */
const struct pi_file *pi_resolve(const struct pare_insp_ctx *c, const char *path,
				 const char **why);
/* Read a small file (following links inside the root) into the arena,
 * NUL-terminated; NULL when absent or larger than max. */
char *pi_read(struct pare_insp_ctx *c, const char *path, size_t max, size_t *len);
/* The environment value KEY of the run info, or NULL. */
const char *pi_env(const struct pare_insp_ctx *c, const char *key);
/* A program name resolved the way execvp does with the image's PATH. */
const struct pi_file *pi_find_program(const struct pare_insp_ctx *c, const char *name,
				      const char **path_out);
bool pi_has_prefix(const char *s, const char *prefix);
/* Call fn for each non-empty element of a colon-separated list. */
void pi_each_path(struct pare_insp_ctx *c, struct pare_insp_out *o, const char *list,
		  void (*fn)(struct pare_insp_ctx *c, struct pare_insp_out *o, const char *elem));
bool pi_has_suffix(const char *s, const char *suffix);
/* Is a library with this file name in a standard library directory? */
const struct pi_file *pi_find_lib(const struct pare_insp_ctx *c, const char *name);
/* Any file whose path matches prefix/NAME with NAME starting with stem. */
bool pi_any_under(const struct pare_insp_ctx *c, const char *dir, const char *stem);
bool pi_has_tls_lib(const struct pare_insp_ctx *c);
/* Accounts (accounts.c). */
const struct pi_account *pi_user(const struct pare_insp_ctx *c, const char *name_or_id);
const struct pi_account *pi_group(const struct pare_insp_ctx *c, const char *name_or_id);
int pi_read_accounts(struct pare_insp_ctx *c);

/* The walk (walk.c) and the OCI data (target.c). */
int pi_walk(struct pare_insp_ctx *c, struct pare_error *err);
void pi_ctx_release(struct pare_insp_ctx *c);

/* OCI facts gathered while unpacking (target.c). */
struct pare_insp_oci {
	const char *layout;      /* layout dir (or the unpacked docker archive) */
	bool is_docker;
	bool layout_file_ok;     /* oci-layout with imageLayoutVersion */
	json_t *manifest, *config; /* owned */
	const char *manifest_mt, *config_mt;
	const char **bad_media_types; size_t nbad_mt;
	const char **bad_digests; size_t nbad_digests;   /* blob sha256 != descriptor */
	const char **bad_sizes; size_t nbad_sizes;
	const char **bad_diffids; size_t nbad_diffids;
	const char **whiteouts; size_t nwhiteouts;       /* .wh. names seen in layers */
	size_t nlayers, ndiff_ids;
	bool schema_ok;
	const char *sbom_path;   /* OUT/sbom*.spdx.json when present */
};

/* The check tables of each category. */
extern const struct pare_insp_check pi_checks_elf[];
extern const struct pare_insp_check pi_checks_runtime[];
extern const struct pare_insp_check pi_checks_entry[];
extern const struct pare_insp_check pi_checks_content[];
extern const struct pare_insp_check pi_checks_packages[];
extern const struct pare_insp_check pi_checks_secrets[];
extern const struct pare_insp_check pi_checks_oci[];

#endif
