/* Where glibc's dynamic loader looks, for a given root and architecture:
 * the architecture profiles (default directories, interpreter, $PLATFORM),
 * ld.so.conf with its include globs, and the expansion of dynamic string
 * tokens ($ORIGIN, $LIB, $PLATFORM) in RPATH/RUNPATH/LD_LIBRARY_PATH.
 *
 * Ownership: lists hold strings in the arena the caller passes; the
 * arena must outlive them.
 */
#ifndef PARE_ELF_LDPATH_H
#define PARE_ELF_LDPATH_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/error.h"
#include "base/rootpath.h"

/* One machine's glibc conventions. */
struct pare_ld_arch {
	uint8_t elfclass;     /* ELFCLASS32/64 */
	uint8_t data;         /* ELFDATA2LSB/MSB */
	uint16_t machine;
	const char *name;     /* "x86_64" */
	const char *triplet;  /* multiarch directory, "x86_64-linux-gnu" */
	const char *interp;   /* the usual PT_INTERP */
	const char *platform; /* AT_PLATFORM, for $PLATFORM */
	const char *multilib; /* "lib64": /lib64 and /usr/lib64 are default directories */
};

/* The profile for a class, byte order and machine; an unknown machine
 * gets a generic profile (/lib, /usr/lib; lib64 for 64-bit) in *tmp. */
const struct pare_ld_arch *pare_ld_arch_find(uint8_t elfclass, uint8_t data, uint16_t machine,
					     struct pare_ld_arch *tmp);

/* A growable list of C strings in an arena. Invariant: n <= cap. */
struct pare_strlist {
	const char **v;
	size_t n, cap;
};

/* Append s (copied into a) unless already present.  */
int pare_strlist_add(struct pare_strlist *l, struct pare_arena *a, struct pare_slice s);

/* The default directories for arch (absolute, without trailing slash):
 * /lib/<triplet> /usr/lib/<triplet> [/lib64 /usr/lib64] /lib /usr/lib
 * (lib64 being the profile's multilib directory, libx32 for x32). */
int pare_ld_default_dirs(const struct pare_ld_arch *arch, struct pare_arena *a,
			 struct pare_strlist *out);

/* Read <root>/etc/ld.so.conf: one directory per line, `#` comments,
 * `include PATTERN...` (a glob in the last component; relative patterns
 * are relative to the including file's directory; matches in sorted
 * order), `hwcap` lines ignored, duplicates dropped.  A missing file is
 * an empty list.  Includes nest at most 16 deep.  Every file is opened
 * inside the root. */
int pare_ld_read_conf(struct pare_root *root, const char *path, struct pare_arena *a,
		      struct pare_strlist *out, struct pare_error *err);

/* Values for the dynamic string tokens. origin may be NULL (then a path
 * element that uses $ORIGIN is dropped, as ld.so does). */
struct pare_ld_dst {
	const char *origin;   /* directory of the object, absolute */
	const char *lib;      /* "lib", "lib64", "lib/x86_64-linux-gnu" */
	const char *platform; /* "x86_64" */
};

/* Split a colon-separated path list, expand tokens in each element and
 * append the absolute results (trailing slashes removed; empty and
 * relative elements dropped) to out. */
int pare_ld_expand_path(const char *list, const struct pare_ld_dst *dst, struct pare_arena *a,
			struct pare_strlist *out);

#endif
