/* lib/apk/db/scripts.tar: the scripts of installed packages.
 *
 * A tar of regular files named "<name>-<version>.<identity>.<type>":
 * identity is the package's C: checksum ("Q1" + base64, as apk-tools 2.x
 * writes it, or "X1" + hex, as apk-tools 3.x does), type one of
 * pre-install post-install pre-deinstall post-deinstall pre-upgrade
 * post-upgrade trigger.  apk writes mode 0755, owner root:root and the
 * package's build time as mtime.  apk-tools 3 writes a new root's scripts
 * to lib/apk/db/scripts.tar.gz (the same tar, gzipped) and uses
 * scripts.tar when that exists; apk-tools 2 knows only scripts.tar.  pare
 * reads scripts.tar, else scripts.tar.gz, and writes back to the one it
 * read (scripts.tar for a new root, which both read).
 *
 * Entries whose name does not parse are kept (type -1, identity alg NONE)
 * so that nothing is lost; entries that are not regular files are skipped
 * (apk ignores them too) and counted.  The tar is written with the
 * project's deterministic tar writer (apk/tar.h): the entries, names,
 * modes, owners, times and contents round-trip; the header bytes are the
 * writer's (POSIX ustar), not apk's GNU-style ones.
 *
 * Ownership: struct pare_db_scripts owns its arena (names, contents) and
 * its entry array.  Slices are valid until release.
 */
#ifndef PARE_DB_SCRIPTS_H
#define PARE_DB_SCRIPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "apk/index.h"
#include "base/arena.h"
#include "base/buf.h"
#include "base/error.h"
#include "base/rootpath.h"
#include "base/slice.h"
#include "io/digest.h"

#define PARE_DB_MAX_SCRIPTS_TAR (256u << 20) /* bytes, decompressed */
#define PARE_DB_MAX_SCRIPT (16u << 20)       /* one script */
#define PARE_DB_MAX_SCRIPTS 65536u           /* entries */

enum pare_script_type {
	PARE_SCRIPT_PRE_INSTALL = 0,
	PARE_SCRIPT_POST_INSTALL,
	PARE_SCRIPT_PRE_DEINSTALL,
	PARE_SCRIPT_POST_DEINSTALL,
	PARE_SCRIPT_PRE_UPGRADE,
	PARE_SCRIPT_POST_UPGRADE,
	PARE_SCRIPT_TRIGGER,
	PARE_SCRIPT_NTYPES
};

/* "post-install" ... ; NULL for a bad type. */
const char *pare_script_type_name(int type);
/* The type named s ("post-install"), or -1. */
int pare_script_type_parse(struct pare_slice s);

struct pare_db_script {
	struct pare_slice name;            /* tar entry name */
	struct pare_slice pkgver;          /* "<name>-<version>" */
	struct pare_slice identity_text;   /* "Q1..." / "X1..." */
	struct pare_digest_value identity; /* alg NONE if the name did not parse */
	int type;                          /* PARE_SCRIPT_*, or -1 */
	struct pare_slice data;            /* the script */
	uint32_t mode;
	uint64_t uid, gid;
	int64_t mtime;
	struct pare_slice uname, gname;
};

struct pare_db_scripts {
	struct pare_arena arena;
	struct pare_db_script *v;  /* n entries, in file order (malloc) */
	size_t n, cap;
	bool gz;                   /* read from scripts.tar.gz (written there too) */
	uint64_t nskipped;         /* non-regular entries dropped by the read */
};

void pare_db_scripts_init(struct pare_db_scripts *s);
void pare_db_scripts_release(struct pare_db_scripts *s);

/* Parse a tar (plain, not gzipped) held in memory; s must be empty.
 * name is for messages.  On error s is empty. */
int pare_db_scripts_parse(struct pare_db_scripts *s, const void *tar, size_t len,
			  const char *name, struct pare_error *err);
/* Read <root>/lib/apk/db/scripts.tar, else scripts.tar.gz (sets gz); none
 * is an empty set. */
int pare_db_scripts_read(struct pare_db_scripts *s, struct pare_root *root,
			 struct pare_error *err);

/* Append the tar (entries in order, then the two zero blocks) to out. */
int pare_db_scripts_write_tar(const struct pare_db_scripts *s, struct pare_buf *out,
			      struct pare_error *err);
/* Write scripts.tar (or scripts.tar.gz when s->gz) atomically, 0644. */
int pare_db_scripts_write(const struct pare_db_scripts *s, struct pare_root *root,
			  struct pare_error *err);

/* The script of that type for the package with that identity, or NULL. */
const struct pare_db_script *pare_db_scripts_find(const struct pare_db_scripts *s,
						  const struct pare_digest_value *identity,
						  int type);
/* Add (or replace) the script `type` of package e (name, version,
 * identity -- which must be set -- and build_time are used): entry
 * "<name>-<version>.Q1<base64>.<type>", mode 0755, root:root, mtime
 * build_time.  data is copied. */
int pare_db_scripts_add(struct pare_db_scripts *s, const struct pare_pkgent *e, int type,
			struct pare_slice data, struct pare_error *err);
/* Drop every script of the package with that identity; returns how many. */
size_t pare_db_scripts_remove_pkg(struct pare_db_scripts *s,
				  const struct pare_digest_value *identity);

#endif
