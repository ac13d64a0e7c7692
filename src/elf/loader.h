/* A static dynamic loader: which shared objects an ELF file would load,
 * resolved inside a root the way glibc's ld.so does, without running
 * anything.
 *
 * For each DT_NEEDED name of an object L, in load (breadth-first) order:
 *   0. an object already loaded under that name, or whose SONAME it is,
 *      is reused; a name with a '/' is a path (tokens expanded);
 *   1. unless L has DT_RUNPATH: the DT_RPATH of L, then of the object that
 *      loaded L, and so on up to the executable (each only if that object
 *      has no DT_RUNPATH), then the executable's DT_RPATH;
 *   2. the library path of the options (LD_LIBRARY_PATH);
 *   3. L's DT_RUNPATH;
 *   4. unless L has DF_1_NODEFLIB: the directories of <root>/etc/ld.so.conf
 *      (stand-in for ld.so.cache: a file counts there only if it is named
 *      as its SONAME and looks like a library, as ldconfig's cache);
 *   5. unless DF_1_NODEFLIB: the architecture's default directories.
 * A candidate of the wrong class, byte order or machine, or not ET_DYN,
 * is skipped as ld.so skips it; if nothing else is found the miss is
 * reported as "wrong class/machine" instead of "not found".  A file
 * already loaded under another name (same device and inode) is reused.
 * Tokens $ORIGIN, $LIB and $PLATFORM are expanded in RPATH, RUNPATH and
 * the library path.  The interpreter (PT_INTERP, or the architecture's
 * for a shared object) is loaded first and takes its place in the order
 * where something first needs it by its SONAME (and is not listed when
 * nothing does, as ld.so drops itself then); an object without DT_NEEDED
 * is what ldd calls "statically linked".
 *
 * After the closure every version need (DT_VERNEED) is checked against
 * the providing object's definitions (DT_VERDEF); weak needs are not
 * required.
 *
 * Not modelled: ld.so.preload, LD_PRELOAD, DT_AUXILIARY/DT_FILTER
 * filtees, glibc-hwcaps and legacy hwcap subdirectories, secure-mode
 * (setuid) restrictions, relative RPATH elements (dropped).
 *
 * Ownership: struct pare_ld owns the root descriptor and the parsed
 * configuration; a struct pare_ld_result owns every object, string and
 * problem it holds (until pare_ld_result_release()).
 */
#ifndef PARE_ELF_LOADER_H
#define PARE_ELF_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/error.h"
#include "base/hashmap.h"
#include "base/rootpath.h"
#include "elf/elf.h"
#include "elf/ldpath.h"

#define PARE_LD_MAX_OBJECTS 4096

struct pare_ld_opts {
	const char *library_path; /* colon-separated, like LD_LIBRARY_PATH; NULL: none */
	bool no_ldconf;           /* do not read etc/ld.so.conf */
};

struct pare_ld {
	struct pare_root root;
	bool root_open;
	bool root_is_slash;       /* the root is "/": relative FILEs work as on the host */
	struct pare_ld_opts opts;
	struct pare_arena arena;  /* configuration strings */
	struct pare_strlist conf_dirs;
	bool conf_read;
};

enum pare_ld_problem_kind {
	PARE_LD_MISSING = 1,      /* no file for a DT_NEEDED name */
	PARE_LD_WRONG_ARCH,       /* only files of another class/machine */
	PARE_LD_MISSING_VERSION,  /* a version need not defined by the provider */
	PARE_LD_NO_INTERP,        /* the interpreter is not in the root */
	PARE_LD_BAD_OBJECT,       /* a file was found but is not a valid ELF */
};

struct pare_ld_problem {
	enum pare_ld_problem_kind kind;
	const char *object;   /* who needs it (path as found) */
	const char *name;     /* the needed name (or interpreter path) */
	const char *version;  /* PARE_LD_MISSING_VERSION: the version */
	const char *message;  /* one line, complete */
};

struct pare_ld_obj {
	const char *name;     /* the name it was first needed by; main: the FILE */
	const char *path;     /* absolute inside the root, as searched; NULL: not found */
	struct pare_elf elf;  /* parsed when path != NULL */
	size_t loader;        /* index of the object that needed it first; SIZE_MAX for main */
	uint64_t dev, ino;
	bool is_interp;
	bool placed;          /* in the load order yet */
	/* Internal: RPATH and RUNPATH expanded for this object, on demand. */
	struct pare_strlist rpath_dirs, runpath_dirs;
	bool dirs_done;
};

struct pare_ld_result {
	struct pare_arena arena;
	struct pare_ld_obj *objs; /* objs[0] is the FILE itself */
	size_t nobjs, cap;
	size_t *order;            /* load order (indices), without the FILE */
	size_t norder;
	struct pare_ld_problem *problems;
	size_t nproblems, pcap;
	struct pare_map names;    /* name or SONAME -> index + 1 */
	const struct pare_ld_arch *arch;
	struct pare_ld_arch arch_tmp;
	const char *lib_token;    /* the value of $LIB */
	struct pare_strlist default_dirs;
	struct pare_strlist lib_path;
	bool dynamic;             /* false: static, nothing to load */
};

int pare_ld_init(struct pare_ld *ld, const char *root, const struct pare_ld_opts *opts,
		 struct pare_error *err);
void pare_ld_release(struct pare_ld *ld);

void pare_ld_result_init(struct pare_ld_result *res);
void pare_ld_result_release(struct pare_ld_result *res);

/* Resolve FILE: an absolute FILE is taken inside the root; a relative one
 * from the current directory (its $ORIGIN is then its directory on the
 * host, looked up inside the root).  Returns 0 when the closure was
 * computed, whatever problems it found (see res->problems); a negative
 * code when FILE itself cannot be read or parsed, or on ENOMEM. */
int pare_ld_resolve(struct pare_ld *ld, const char *file, struct pare_ld_result *res,
		    struct pare_error *err);

#endif
