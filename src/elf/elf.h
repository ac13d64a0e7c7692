/* Reading what an ELF file says about dynamic linking (elfutils libelf).
 *
 * Handles 32- and 64-bit files of any machine and byte order.  The reader
 * takes the whole file as one memory image and bounds every offset and
 * count it takes from the file against the image's real size: the program
 * and section header tables, PT_INTERP, PT_DYNAMIC, the string table
 * (DT_STRTAB/DT_STRSZ, addresses mapped to file offsets through PT_LOAD
 * segments, as ld.so does), each string (NUL-terminated inside DT_STRSZ),
 * and the version chains (DT_VERNEED/DT_VERDEF with their counts; the
 * `next` offsets only move forward, so a chain always ends).  A file that
 * breaks any bound is refused with -PARE_E_FORMAT or -PARE_E_TRUNCATED and
 * a message that names the field.
 *
 * What is read: class, byte order, OS ABI, type and machine; PT_INTERP;
 * DT_NEEDED (in order), DT_SONAME, DT_RPATH, DT_RUNPATH, DT_FLAGS,
 * DT_FLAGS_1; version needs (file + version names, with hashes and the
 * weak flag) and definitions; whether the file has .symtab, .dynsym and
 * .debug_* sections; and the resulting kind (static, static-pie, dynamic,
 * pie, shared object, relocatable, core).
 *
 * Ownership: a struct pare_elf owns every string and array it points to
 * (its arena); nothing points into the image, which the caller may free
 * as soon as pare_elf_parse() returns.  Release with pare_elf_release()
 * (accepts NULL; the struct is reusable after init).
 */
#ifndef PARE_ELF_ELF_H
#define PARE_ELF_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/error.h"

/* Largest file pare_elf_open() maps (a 4 GiB image is far beyond any real
 * shared object, and keeps 32-bit arithmetic out of reach). */
#define PARE_ELF_MAX_FILE (4ULL << 30)
/* Caps on what one file may declare (real files stay far below). */
#define PARE_ELF_MAX_NEEDED 4096
#define PARE_ELF_MAX_VERSIONS 65536

enum pare_elf_kind {
	PARE_ELF_OTHER = 0,    /* ET_NONE or an OS/processor-specific type */
	PARE_ELF_RELOCATABLE,  /* ET_REL (.o, kernel modules) */
	PARE_ELF_STATIC,       /* ET_EXEC without PT_DYNAMIC */
	PARE_ELF_STATIC_PIE,   /* ET_DYN, DF_1_PIE, no PT_INTERP */
	PARE_ELF_DYNAMIC,      /* ET_EXEC with PT_INTERP / PT_DYNAMIC */
	PARE_ELF_PIE,          /* ET_DYN with PT_INTERP (or DF_1_PIE) */
	PARE_ELF_SHARED,       /* ET_DYN without PT_INTERP: a shared object */
	PARE_ELF_CORE,         /* ET_CORE */
};

/* One version name: a definition (verdef) or a need (vernaux). */
struct pare_elf_version {
	const char *name;
	uint32_t hash;   /* the ELF hash as stored in the file */
	uint16_t flags;  /* VER_FLG_BASE, VER_FLG_WEAK */
	uint16_t index;  /* vd_ndx / vna_other */
};

/* Versions needed from one file (DT_VERNEED entry). */
struct pare_elf_verneed {
	const char *file; /* e.g. "libc.so.6" */
	struct pare_elf_version *v;
	size_t n;
};

struct pare_elf {
	struct pare_arena arena;
	uint8_t elfclass;    /* ELFCLASS32 or ELFCLASS64 */
	uint8_t data;        /* ELFDATA2LSB or ELFDATA2MSB */
	uint8_t osabi;
	uint16_t type;       /* e_type */
	uint16_t machine;    /* e_machine */
	uint32_t eflags;     /* e_flags */
	enum pare_elf_kind kind;
	bool has_dynamic;    /* PT_DYNAMIC present */
	const char *interp;  /* PT_INTERP or NULL */
	const char **needed; /* DT_NEEDED in file order */
	size_t nneeded;
	const char *soname;  /* NULL when absent; likewise rpath, runpath */
	const char *rpath;
	const char *runpath;
	uint64_t flags;      /* DT_FLAGS */
	uint64_t flags_1;    /* DT_FLAGS_1 (DF_1_NODEFLIB, DF_1_PIE ...) */
	struct pare_elf_verneed *verneed;
	size_t nverneed;
	struct pare_elf_version *verdef; /* including the VER_FLG_BASE entry */
	size_t nverdef;
	bool has_symtab;     /* .symtab (not stripped) */
	bool has_dynsym;
	bool has_debug;      /* .debug_* or .zdebug_* sections */
	size_t nsections;
	size_t nsegments;
	/* Hardening facts (for inspection): PT_GNU_STACK seen and its PF_X;
	 * PT_GNU_RELRO; DT_TEXTREL or DF_TEXTREL; DT_BIND_NOW, DF_BIND_NOW or
	 * DF_1_NOW; .dynsym names __stack_chk_fail / a __*_chk function. */
	bool has_gnu_stack, exec_stack, has_relro, textrel, bind_now;
	bool stack_chk, fortify;
};

void pare_elf_init(struct pare_elf *e);
void pare_elf_release(struct pare_elf *e);

/* Quick check of the magic (4 bytes) only. */
bool pare_elf_is_elf(const void *data, size_t size);

/* Parse an image of `size` bytes.  `name` is used in messages only.  The
 * image is only read; it need not stay valid afterwards.  On error e is
 * left released (empty).  Returns 0, -PARE_E_FORMAT, -PARE_E_TRUNCATED,
 * -PARE_E_TOO_BIG or -ENOMEM. */
int pare_elf_parse(struct pare_elf *e, const void *data, size_t size, const char *name,
		   struct pare_error *err);

/* Map the open regular file fd (read-only, private) and parse it. */
int pare_elf_parse_fd(struct pare_elf *e, int fd, const char *name, struct pare_error *err);

/* The verdef entry named `name` (not the base entry), or NULL. */
const struct pare_elf_version *pare_elf_find_verdef(const struct pare_elf *e, const char *name);

/* Printable names: "x86_64", "aarch64", "em_1234" (into buf) ... */
const char *pare_elf_machine_name(uint16_t machine, char *buf, size_t bufsize);
const char *pare_elf_kind_name(enum pare_elf_kind kind);

/* The ELF hash (System V), as used in version records. */
uint32_t pare_elf_hash(const char *name);

/* Order two version names of the form PREFIX_N.N.N ("GLIBC_2.34"):
 * compares the prefix as bytes, then the dotted numbers numerically. */
int pare_elf_version_cmp(const char *a, const char *b);

#endif
