/* Internal to the importer (import*.c): the state of one run.
 *
 * Ownership: everything lives in imp.arena or in the struct pare_deb of
 * each package (entries, control text) until the run ends; the temporary
 * folder imp.tmp (REPO/.import-XXXXXX) is removed at the end.
 */
#ifndef PARE_DEB_IMPORT_INT_H
#define PARE_DEB_IMPORT_INT_H

#include <sys/types.h>

#include "apk/sign.h"
#include "base/hashmap.h"
#include "deb/deb.h"
#include "deb/import.h"
#include "elf/ldpath.h"

struct ideb;

/* One subpackage being made. */
struct isub {
	const char *name;
	char *tree;              /* its files: TMP/sNN/NAME */
	struct ideb *deb;
	const char *suffix;      /* a policy suffix ("-doc") or NULL */
	const struct pare_importset_split *rule; /* the set's split, or NULL */
	size_t nfiles;           /* non-directory entries */
	size_t nlicence;         /* of which licence files */
	bool meta;               /* written even without files (glibc-locales-all) */
	const char *pyc_parent;  /* a -pyc subpackage: the one whose .py it compiles */
	struct pare_strlist links;    /* symlinks: "PATH\nTARGET" */
	struct pare_strlist provides, needs; /* SCA results */
	struct pare_strlist extra_provides;  /* alternatives' so: names */
	struct pare_strlist depends, install_if, replaces;
	struct pare_strlist conflicts; /* "!name[OP V]" from Conflicts/Breaks */
	struct pare_import_sub *rep;
};

#define IMP_MAX_SUBS 256 /* subpackages made of one .deb */

struct ideb {
	const char *file;
	struct pare_deb deb;
	struct pare_deb_pkginfo info;
	const char *name, *main, *version, *apkver, *arch, *purl, *source, *license;
	const char *synopsis, *url, *maintainer;
	const struct pare_importset_pkg *rules;
	char *ex;                /* the extracted tree */
	int64_t sde;
	struct isub subs[IMP_MAX_SUBS];
	size_t nsubs;
	struct pare_buf gconv;   /* gconv-modules text(s) of the package */
	struct pare_buf cab;     /* the CA bundle (ca-bundle rule) */
	struct pare_strlist covered; /* Debian packages a derived dependency lands in */
	struct pare_import_debrep *rep;
	struct pare_buf effects;
	char file_sha256[65];    /* of the .deb file, once asked (locale cache) */
};

/* A localedef running in the background (import_gen.c): started while
 * the .deb files are read, finished by imp_gen_finish(). */
struct ijob {
	pid_t pid;
	struct ideb *d;
	struct isub *s, *all;
	const char *spec, *out, *dir;
	char key[65];            /* in the locale cache, or "" */
};

struct imp {
	const struct pare_import_opts *o;
	struct pare_arena arena;
	char *tmp;
	struct ideb *debs;
	size_t ndebs;
	struct pare_map owners;  /* path -> struct isub * */
	struct pare_map provs;   /* "so:NAME", "pc:NAME", "cmd:NAME" -> struct isub * */
	struct pare_map bydeb;   /* Debian name (and Provides) -> struct ideb * */
	struct pare_map fresh;   /* "NAME-VERSION.apk" written by this run -> its isub */
	struct pare_privkey key;
	char keyname[256];
	const char *arch;
	const char *distro;      /* purl distro= qualifier, "" for none */
	struct pare_import_report *rep;
	struct ijob *jobs;       /* jobs (malloc); running: [job0, njobs) */
	size_t job0, njobs, jobs_cap, maxjobs;
	const char *localedef_id; /* `localedef --version` (locale cache) */
};

/* snprintf into a path buffer; -PARE_E_TOO_BIG (buffer empty) when it
 * does not fit. */
int imp_pathf(char *out, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
char *imp_strf(struct imp *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Create the parent folders of rel under base (0755). */
int imp_mkparents(const char *base, const char *rel, struct pare_error *err);
/* The subpackage called name of d, created (tree made) when absent. */
struct isub *imp_sub(struct imp *m, struct ideb *d, const char *name, struct pare_error *err);
/* Record a symlink of s (for dependencies on its target's owner). */
int imp_add_link(struct imp *m, struct isub *s, const char *path, const char *target);
/* Write a small file into a subpackage's tree. */
int imp_write_file(struct isub *s, const char *rel, const char *data, size_t len, mode_t mode,
		   struct pare_error *err);

/* import_apt.c: run argv (no shell) in cwd with env (NAME, VALUE pairs,
 * NULL-terminated; may be NULL) added; stdout (and stderr when keep_err)
 * into out (bounded; may be NULL), stdin from /dev/null.  Returns the exit
 * status (>= 0) or a negative code. */
int imp_run(char *const argv[], const char *cwd, const char *const *env, struct pare_buf *out,
	    bool keep_err, struct pare_error *err);
/* Start argv (stdin, stdout and stderr /dev/null; env as for imp_run)
 * without waiting; imp_wait() gives its exit status (128: killed). */
int imp_spawn(char *const argv[], const char *const *env, pid_t *pid, struct pare_error *err);
int imp_wait(pid_t pid);

/* import_apt.c: "debian-12" from the host's /etc/os-release (ID-VERSION_ID
 * when ID is debian, where apt fetches from), else "" (in m's arena). */
const char *imp_host_distro(struct imp *m);

/* import_lcache.c: compiled locales kept between runs (o->locale_cache).
 * key: "" when nothing is to be cached. */
int imp_lcache_key(struct imp *m, struct ideb *d, const char *spec, char key[65]);
bool imp_lcache_get(struct imp *m, const char *key, const char *out);
void imp_lcache_put(struct imp *m, const char *key, const char *out);

/* import_gen.c: files maintainer scripts would have made. */
int imp_gen_read_inputs(struct imp *m, struct ideb *d, struct pare_error *err);
int imp_gen_files(struct imp *m, struct ideb *d, struct pare_error *err);
/* Wait for every background job and take in what it made (always waits
 * for all, also after an error; the first error is returned). */
int imp_gen_finish(struct imp *m, struct pare_error *err);
int imp_baselayout_tree(struct imp *m, struct ideb *d, struct pare_error *err);

/* import_deps.c */
int imp_analyse(struct imp *m, struct pare_error *err);
int imp_depends(struct imp *m, struct pare_error *err);

/* import_repo.c: the index (and contents index) of REPO/ARCH. */
int imp_write_index(struct imp *m, struct pare_error *err);

#endif
