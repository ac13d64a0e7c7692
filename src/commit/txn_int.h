/* Internal state of a transaction, shared by transaction.c (the loop and
 * the database updates), txn_stage.c (the visitor that checks and stages
 * each entry) and txn_fs.c (deletions, sweeping, digests of files on disk).
 *
 * Ownership: struct txn owns its arena and maps (paths are arena strings);
 * struct txn_stage owns its extractor, arena and maps, and borrows the
 * transaction.  Every slice kept in these maps points into an arena.
 */
#ifndef PARE_COMMIT_TXN_INT_H
#define PARE_COMMIT_TXN_INT_H

#include "commit/transaction.h"

struct txn {
	const struct pare_txn_opts *o;
	struct pare_db_installed *db;
	struct pare_db_scripts *scripts;
	struct pare_db_triggers *triggers;
	struct pare_txn_result *res;
	struct pare_arena arena;
	struct pare_map touched;  /* directories where files came or went */
	struct pare_map leaving;  /* names of packages this transaction removes */
	struct pare_map fresh;    /* identity text of packages installed now */
	struct pare_map swept_dirs; /* directories swept of stale temporaries */
	struct pare_map realdirs; /* directories that resolve to themselves (no
				   * symlink on the way), learnt from committed
				   * packages; forgotten whenever anything is
				   * deleted, replaced, or a script or a failed
				   * package ran (txn_forget_dirs) */
	struct pare_arena realdirs_arena;
	struct pare_extract_dircache dirfds; /* for every extractor and resolution;
					      * dropped with realdirs */
	struct pare_map dirmeta;  /* package directory -> struct pare_extract_dirmeta
				   * (arena), applied once at the end */
	char root_real[PARE_PATH_MAX]; /* host path of the root, "" if unknown */
	size_t root_real_len;
	bool recover;             /* a previous transaction was killed */
	int jfd;                  /* the journal (journal.c), -1 when closed */
	uint64_t jsize;           /* its bytes of complete entries */
	struct pare_buf jentry;   /* the entry being built */
	bool scripts_dirty, triggers_dirty;
	uint64_t progress_done, progress_total;
	struct txn_prefetch *pf;  /* packages read ahead (txn_prefetch.c), or NULL */
};

/* One data entry of the package being staged, as the database records it. */
struct txn_ent {
	struct pare_slice path;   /* normalised nominal path (arena) */
	char type;                /* PARE_TAR_* */
	uint32_t mode;            /* as applied (set-id bits dropped when they are) */
	uint32_t uid, gid;
	struct pare_digest_value csum; /* SHA1 (files, symlinks), or NONE */
	bool replace;             /* taken over from another package */
	bool apk_new;             /* written as PATH.apk-new */
};

/* A resolved directory: where path[...] really is inside the root. */
struct txn_dir {
	struct pare_slice resolved; /* "" for the root */
};

struct txn_stage {
	struct txn *t;
	const struct pare_pkgent *ent;     /* the new package */
	const struct pare_db_pkg *oldp;    /* its installed version, or NULL */
	struct pare_extract x;
	struct pare_pkg_visitor xv;        /* the extractor's visitor */
	struct pare_arena arena;
	struct txn_ent **ents;             /* in package order (arena entries) */
	size_t nents, cap;
	struct pare_map paths;             /* nominal path -> struct txn_ent * */
	struct pare_map dirs;              /* directory path -> struct txn_dir * */
	struct pare_map replaced;          /* directories of the old version that
					    * the new one replaces by a file */
	bool drop_setid;                   /* set-id bits are not applied */
};

/* txn_stage.c */
int txn_stage_init(struct txn_stage *s, struct txn *t, const struct pare_pkgent *ent,
		   const struct pare_db_pkg *oldp, const char *label, struct pare_error *err);
void txn_stage_release(struct txn_stage *s);
void txn_stage_visitor(struct txn_stage *s, struct pare_pkg_visitor *v);
/* Resolve directory dir (nominal) inside the root with the symlink rule of
 * transaction.h; *out stays valid until the stage is released.  self: the
 * packages whose symlinks count as the package's own (may be NULL). */
int txn_resolve_dir(struct txn_stage *s, struct pare_slice dir, const struct txn_dir **out,
		    struct pare_error *err);

/* txn_fs.c: the extractor's defer_dir (ctx: the transaction), and the
 * deferred directories' metadata applied, deepest first (failures
 * logged and counted), before any script runs and at the end. */
void txn_defer_dir(void *ctx, const struct pare_extract_dirmeta *m);
void txn_apply_dirs(struct txn *t);

/* txn_stage.c: remember the directories of a committed stage that
 * resolve to themselves; forget them all. */
void txn_learn_dirs(struct txn *t, const struct txn_stage *s);
void txn_forget_dirs(struct txn *t);

/* txn_replace.c: the extractor's may_replace (ctx: the stage), and
 * whether path lies below a directory it allowed to go. */
bool txn_may_replace(void *ctx, const char *path, bool existing_dir);
bool txn_under_replaced(const struct txn_stage *s, struct pare_slice path);

/* txn_fs.c */
bool txn_is_protected(struct pare_slice path);
/* Digest (alg) of the regular file at path inside the root: 0, -ENOENT
 * (absent), -EISDIR/-EINVAL (not a regular file) or another code. */
int txn_file_digest(struct pare_root *root, const char *path, enum pare_digest_alg alg,
		    struct pare_digest_value *out);
/* Delete the file (not directory) at nominal path if no live package owns
 * it or the path it resolves to; a modified protected file is kept.
 * Returns 0 (deleted, absent or kept) or a negative code. */
int txn_delete_file(struct txn_stage *s, struct pare_slice path,
		    const struct pare_digest_value *csum);
/* Remove the directories (nominal paths, any order) no live package lists,
 * deepest first, when empty. */
void txn_remove_dirs(struct txn *t, struct pare_slice *dirs, size_t n);
/* Remove stale temporaries a killed run left in directory dir. */
void txn_sweep_dir(struct txn *t, struct pare_slice dir);
/* Remember that files changed in dir (the parent of path). */
void txn_touch(struct txn *t, struct pare_slice path);

/* journal.c: PARE_TXN_JOURNAL_PATH.  start creates it empty (header
 * only); put/gone/path add an item to the entry being built; commit
 * appends the entry and fdatasyncs it (on failure the journal is cut back
 * to its complete entries); end closes it and removes it when asked.
 * replay applies every complete entry of a journal left by a killed run
 * to t->db in order and appends the paths its entries were about to
 * delete to dels (one a line); *found says whether there was one. */
int txn_journal_start(struct txn *t, struct pare_error *err);
int txn_journal_put(struct txn *t, const struct pare_db_pkg *p, struct pare_error *err);
int txn_journal_gone(struct txn *t, struct pare_slice name, struct pare_error *err);
int txn_journal_path(struct txn *t, struct pare_slice path, struct pare_error *err);
int txn_journal_commit(struct txn *t, struct pare_error *err);
void txn_journal_end(struct txn *t, bool remove);
int txn_journal_replay(struct txn *t, bool *found, struct pare_buf *dels, struct pare_error *err);
/* The replay's parser: apply the complete entries of a journal's text to
 * db (also the fuzz target's entry point). */
int txn_journal_apply(struct pare_db_installed *db, struct pare_slice text, struct pare_buf *dels,
		      struct pare_error *err);

/* triggers.c: run the triggers that fire; returns how many failed, their
 * packages in failed_pkgs[0..min(returned, max)). */
size_t txn_run_triggers(struct txn *t, struct pare_db_pkg **failed_pkgs, size_t max);

/* The package file of an install, opened (*fd; its path in out for
 * messages), and the options its reader uses (transaction.c). */
int txn_open_pkg(struct txn *t, const struct pare_txn_change *c, char *out, size_t size, int *fd,
		 struct pare_error *err);
void txn_read_opts(const struct txn *t, const struct pare_txn_change *c,
		   struct pare_pkg_read_opts *ro);

/* Reading ahead (txn_prefetch.c): a second thread reads and verifies the
 * next few installs' package files (local ones only) into memory while the
 * main thread stages the current one; it has no effect outside memory.
 * start returns NULL when there is nothing to overlap or no thread (then
 * every package is read in place).  take: when c was read ahead, its
 * entries are replayed to v, the reader's result is moved into pkg (its
 * previous content released), *r is the reader's or the visitor's first
 * error (err filled) and true is returned; false: the caller reads it.
 * pause(true) waits until the reader is idle and keeps it so (around a
 * fork); stop joins it and frees everything.  All are no-ops on NULL.
 * When the main thread is the slower one, the reader also writes the
 * verified packages' regular files ahead as unnamed files that take hands
 * to x (txn_prefetch.c); the environment variable PARE_WRITE_AHEAD=always
 * makes it write every package's right after reading it, =never not at
 * all (for tests and measurements; the results are the same). */
struct txn_prefetch *txn_prefetch_start(struct txn *t, const struct pare_txn_change *changes,
					size_t n);
bool txn_prefetch_take(struct txn_prefetch *p, const struct pare_txn_change *c,
		       struct pare_pkg *pkg, const struct pare_pkg_visitor *v,
		       struct pare_extract *x, char *path, size_t size, int *r,
		       struct pare_error *err);
/* txn_open_pkg, serialised with the reader's opens (p may be NULL). */
int txn_prefetch_open(struct txn_prefetch *p, struct txn *t, const struct pare_txn_change *c,
		      char *out, size_t size, int *fd, struct pare_error *err);
void txn_prefetch_pause(struct txn_prefetch *p, bool pause);
void txn_prefetch_stop(struct txn_prefetch *p);

#endif
