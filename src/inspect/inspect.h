/* pare inspect: a table of small checks run over an image root.
 *
 * A target is a root directory, an OCI image layout (one image, or the one
 * named by `image_ref` among several), or a docker-archive tarball.  Images
 * are unpacked (layers in order, whiteouts honoured) into a private
 * temporary directory that is removed by pare_insp_target_release(); the
 * unpacking is bounded (PARE_INSP_MAX_FILES entries, PARE_INSP_MAX_BYTES
 * bytes, names checked with pare_path_check_name, links kept inside the
 * root) and refuses with one line.  Nothing in the target is changed.
 *
 * The root is walked ONCE (pare_insp_run): every entry is lstat'ed, every
 * regular file's head is read (ELF magic, `#!`, secrets), every ELF file is
 * parsed once (elf/elf.h) and every dynamic one resolved by the static
 * loader (elf/loader.h).  Then each check of the table (id,
 * title, severity, category, function) looks at what the walk gathered and
 * says pass, fail or not applicable, with evidence (paths or entries).  A
 * new check is one table entry (inspect/checks_*.c).
 *
 * Waivers: a policy (pare_insp_policy, read from YAML by policy.c, or
 * filled from --allow) turns a failed check into WAIVED with its reason.
 *
 * Ownership: a struct pare_insp_report owns its arena (evidence strings)
 * until pare_insp_report_release(); a target owns its temporary tree.
 */
#ifndef PARE_INSPECT_INSPECT_H
#define PARE_INSPECT_INSPECT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/error.h"
#include "base/slice.h"

#define PARE_INSP_MAX_FILES 500000u         /* entries walked or unpacked */
#define PARE_INSP_MAX_BYTES (16ULL << 30)   /* bytes unpacked from layers */
#define PARE_INSP_MAX_DEPTH 128u            /* directory nesting */
#define PARE_INSP_MAX_EVIDENCE 50u          /* evidence lines kept per check */
#define PARE_INSP_MAX_WAIVERS 1024u
#define PARE_INSP_MAX_POLICY (256u * 1024u) /* policy file bytes */
#define PARE_INSP_MAX_JSON (8u << 20)       /* manifests, configs, SBOMs read */

enum pare_insp_severity { PARE_INSP_ERROR = 0, PARE_INSP_WARNING, PARE_INSP_INFO };
enum pare_insp_status { PARE_INSP_PASS = 0, PARE_INSP_FAIL, PARE_INSP_NA, PARE_INSP_WAIVED };

/* What the image config says about running it (from the OCI config, or
 * from an image config for a staged root).  present == false: unknown
 * (a bare directory), and the checks that need it are not applicable. */
struct pare_insp_runinfo {
	bool present;
	const char *const *env; /* "KEY=VALUE" */
	size_t nenv;
	const char *const *entrypoint;
	size_t nentrypoint;
	const char *const *cmd;
	size_t ncmd;
	const char *user;    /* "name", "uid", "uid:gid", "name:group" or NULL */
	const char *workdir; /* NULL: unset */
};

/* An image unpacked, or a directory taken as it is. */
struct pare_insp_oci; /* internal: the layout's manifest, config, layers */

struct pare_insp_target {
	struct pare_arena arena;
	const char *root;        /* the root directory to inspect */
	char *tmpdir;            /* malloc; removed at release */
	const char *kind;        /* "directory", "oci-layout", "docker-archive" */
	struct pare_insp_runinfo run;
	struct pare_insp_oci *oci; /* NULL for a directory */
};

struct pare_insp_target_opts {
	const char *image_ref;   /* --image: ref name or manifest digest */
	const char *tmp_dir;     /* NULL: $TMPDIR or /tmp */
	uint64_t max_files;      /* 0: PARE_INSP_MAX_FILES */
	uint64_t max_bytes;      /* 0: PARE_INSP_MAX_BYTES */
};

void pare_insp_target_init(struct pare_insp_target *t);
void pare_insp_target_release(struct pare_insp_target *t);
/* Detect what path is and make a root of it. */
int pare_insp_target_open(struct pare_insp_target *t, const char *path,
			  const struct pare_insp_target_opts *o, struct pare_error *err);

/* A label of the image config (config.Labels), or NULL. */
const char *pare_insp_target_label(const struct pare_insp_target *t, const char *key);

/* One check of the table. */
struct pare_insp_ctx;
struct pare_insp_out;
struct pare_insp_check {
	const char *id;       /* "ELF-001": stable */
	const char *title;    /* one line */
	enum pare_insp_severity severity;
	const char *category; /* "Loader", "Runtime needs", ... */
	void (*fn)(struct pare_insp_ctx *c, struct pare_insp_out *o);
};

/* The table: one array per category (checks_*.c), read in order through
 * these (table.c); i < pare_insp_check_count(). */
size_t pare_insp_check_count(void);
const struct pare_insp_check *pare_insp_check_at(size_t i);
const struct pare_insp_check *pare_insp_check_find(const char *id);

struct pare_insp_waiver {
	const char *id;
	const char *reason;
};

struct pare_insp_policy {
	struct pare_arena arena;
	struct pare_insp_waiver *w;
	size_t n, cap;
};

void pare_insp_policy_init(struct pare_insp_policy *p);
void pare_insp_policy_release(struct pare_insp_policy *p);
/* waive: ID reason  (ID must be a known check; reason non-empty). */
int pare_insp_policy_add(struct pare_insp_policy *p, const char *id, const char *reason,
			 struct pare_error *err);
/* YAML:  waive: [ {id: ELF-007, reason: "..."} ... ]  (also a map ID: reason). */
int pare_insp_policy_parse(struct pare_insp_policy *p, const char *name, struct pare_slice text,
			   struct pare_error *err);
int pare_insp_policy_load(struct pare_insp_policy *p, const char *path, struct pare_error *err);
/* What the image config asked for is not a finding (policy_asked.c): for
 * each package atom naming a subpackage (-dev, -static, -doc, -dbg, -lang,
 * completions, -openrc, -systemd), waive the checks about that content
 * ("contents.packages names NAME"); ids already waived stay as they are. */
int pare_insp_policy_asked(struct pare_insp_policy *p, const char *const *packages, size_t n,
			   struct pare_error *err);

struct pare_insp_result {
	const struct pare_insp_check *check;
	enum pare_insp_status status;
	const char **evidence; /* at most PARE_INSP_MAX_EVIDENCE */
	size_t nevidence;
	size_t total;          /* evidence items found (may exceed nevidence) */
	const char *note;      /* why not applicable, or the waiver's reason */
};

struct pare_insp_report {
	struct pare_arena arena;
	struct pare_insp_result *results; /* one per check, table order */
	size_t n;
	size_t passed, failed, warnings, na, waived; /* failed: error-level only */
	uint64_t files, elf_files;
	const char *target, *kind;
};

struct pare_insp_opts {
	const struct pare_insp_policy *policy; /* may be NULL */
	uint64_t max_files;                    /* 0: PARE_INSP_MAX_FILES */
};

void pare_insp_report_init(struct pare_insp_report *r);
void pare_insp_report_release(struct pare_insp_report *r);

/* Walk the target once and run every check.  Returns 0 when the report is
 * complete (whatever it found); negative when the walk itself failed or a
 * bound was crossed (one line in err). */
int pare_insp_run(const struct pare_insp_target *t, const struct pare_insp_opts *o,
		  struct pare_insp_report *r, struct pare_error *err);

/* The report as documents (new references; NULL only when out of memory):
 * JSON {target, kind, files, elfFiles, checks[], summary}; SARIF 2.1.0
 * with one run, a rule per check and a result per evidence line of each
 * failed or waived check (waived ones carry a suppression); version is
 * the tool's, for the driver. */
json_t *pare_insp_report_json(const struct pare_insp_report *r);
json_t *pare_insp_report_sarif(const struct pare_insp_report *r, const char *version);

const char *pare_insp_severity_name(enum pare_insp_severity s);
const char *pare_insp_status_name(enum pare_insp_status s);

#endif
