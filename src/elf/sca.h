/* Dependency analysis of a package's files (SCA), as abuild and melange
 * derive `so:`, `cmd:` and `pc:` names for .PKGINFO.
 *
 * Files are added one at a time (from a directory walk, a .apk, or by the
 * caller); pare_sca_finish() then derives:
 *
 *   provides so:SONAME=VER  for each ET_DYN ELF file with a DT_SONAME in a
 *                           library directory; VER is the SONAME's text
 *                           after ".so." ("libfoo.so.1" -> 1), or 0.
 *   provides cmd:NAME=PKGVER for each executable (any x bit) regular file
 *                           or symlink directly in bin, sbin, usr/bin,
 *                           usr/sbin, usr/local/bin, usr/local/sbin.
 *   provides pc:NAME=VER    for each regular .pc file in a directory named
 *                           pkgconfig (its Version, "-rc1" -> "_rc1").
 *   depend so:NAME          for each DT_NEEDED name containing ".so." or
 *                           ending in ".so" (libdb-5.3.so);
 *                           so:BASENAME for each PT_INTERP (ld-musl-* as
 *                           libc.musl-*, as abuild names musl's);
 *                           so:SONAME of the library a `*.so*` symlink
 *                           points to (a -dev package needs the runtime
 *                           library its link names).
 *   depend pc:NAME          for each name in a .pc file's Requires.
 * Depends the package provides itself are dropped.  Both lists are sorted
 * (bytewise) and free of duplicates.
 *
 * Library directories: lib, lib32, lib64 under /, /usr, /usr/local, their
 * multiarch subdirectories (lib/x86_64-linux-gnu), any directory whose
 * last component is lib, lib32 or lib64 (private trees such as
 * usr/libexec/APP/lib), and the directories the package itself lists in
 * etc/ld.so.conf.d/ *.conf.
 *
 * Paths are relative to the package root ("usr/lib/libfoo.so.1"); a
 * leading "./" or "/" is dropped.  ELF files that do not parse are
 * ignored (a script is no library), as are unreadable .pc files.
 *
 * Ownership: the struct owns everything (arena) until pare_sca_release();
 * a result's strings live in the sca that produced it.
 */
#ifndef PARE_ELF_SCA_H
#define PARE_ELF_SCA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/error.h"
#include "elf/ldpath.h"
#include "io/stream.h"

#define PARE_SCA_MAX_FILE (512ULL << 20) /* bytes read from one ELF file */
#define PARE_SCA_MAX_PC (1u << 20)       /* one .pc or ld.so.conf.d file */
#define PARE_SCA_MAX_FILES (1u << 20)

struct pare_sca_file {
	const char *path;
	uint32_t mode;        /* permission bits */
	bool is_link;
	const char *target;   /* symlink target */
	bool is_elf;          /* parsed as ELF */
	uint16_t etype;
	const char *soname, *interp;
	const char **needed;
	size_t nneeded;
};

struct pare_sca_pc {
	const char *path, *name, *version;
	struct pare_strlist requires;
};

struct pare_sca {
	struct pare_arena arena;
	struct pare_sca_file *files;
	size_t nfiles, cap;
	struct pare_sca_pc *pcs;
	size_t npcs, pcap;
	struct pare_strlist extra_libdirs; /* from etc/ld.so.conf.d, without leading '/' */
};

struct pare_sca_result {
	struct pare_strlist provides; /* "so:libfoo.so.1=1", ... sorted */
	struct pare_strlist depends;  /* "so:libc.so.6", ... sorted */
};

void pare_sca_init(struct pare_sca *s);
void pare_sca_release(struct pare_sca *s);

/* Add a regular file whose whole content is in data (size bytes). */
int pare_sca_add_file(struct pare_sca *s, const char *path, uint32_t mode, const void *data,
		      size_t size, struct pare_error *err);
/* Add a regular file from a stream: only what the analysis needs is read
 * (the ELF magic first; ELF, .pc and ld.so.conf.d files in full, within
 * the bounds above).  The rest of the stream is left unread. */
int pare_sca_add_stream(struct pare_sca *s, const char *path, uint32_t mode, uint64_t size,
			struct pare_istream *in, struct pare_error *err);
int pare_sca_add_symlink(struct pare_sca *s, const char *path, const char *target,
			 struct pare_error *err);

/* Walk a directory tree (symlinks are recorded, never followed). */
int pare_sca_add_dir(struct pare_sca *s, const char *dir, struct pare_error *err);

/* Derive the lists.  version: for cmd: provides ("2.12-r0"); NULL or ""
 * gives unversioned cmd: names.  The result stays valid until s is
 * released. */
int pare_sca_finish(struct pare_sca *s, const char *version, struct pare_sca_result *r,
		    struct pare_error *err);

/* pkg-config files: the Version and the Requires names of text, with
 * ${variables} expanded (bounded).  Exposed for tests. */
int pare_pc_parse(struct pare_slice text, struct pare_arena *a, const char **version,
		  struct pare_strlist *requires, struct pare_error *err);

#endif
