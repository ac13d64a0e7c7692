/* APKINDEX: the package index of a repository, read and written.
 *
 * Text format (plain APKINDEX, and lib/apk/db/installed uses the same
 * record syntax): records separated by one or more empty lines; each
 * record is lines "X:value" where X is one byte (the field letter) and
 * value runs to the end of the line.  Index fields (apk-tools' letters):
 *
 *   C identity ("Q1"+base64 sha1 of the control member)   P name
 *   V version   A arch   S package file size   I installed size
 *   T description   U url   L license   o origin   m maintainer
 *   t build time   c commit   k provider_priority
 *   D depends   p provides   i install_if   r replaces (atom lists)
 *
 * Any other letter is kept, in order, as an unknown field.
 *
 * APKINDEX.tar.gz: [signature member] index member; the index member is
 * a tar (DESCRIPTION optional, then APKINDEX, then end-of-archive blocks).
 * pare_index_read_file() verifies the signature (apk/package.h) before a
 * single entry is parsed: the text is only buffered while the file
 * streams, and an index that is not trusted is refused as a whole (unless
 * the caller allows UNTRUSTED; a BAD signature is always refused).
 *
 * Layers: pare_rec_* is the generic record reader (no allocation, no
 * knowledge of letters) that the installed-database reader reuses;
 * pare_index_* builds struct pare_index on top of it.
 *
 * Ownership: a struct pare_index owns its text (one buffer holding the
 * decompressed APKINDEX), its arena (entry strings made by the library,
 * dependency arrays, unknown-field arrays, copies) and its entry array.
 * Every slice in a struct pare_pkgent, and every slice in its deps,
 * points into the index's text or arena and is valid until
 * pare_index_release().  Entries are stored in one array that may move
 * when entries are added (pare_index_add*): keep indexes, not pointers,
 * across additions.
 *
 * Invariants of an entry in an index: name is non-empty and a valid
 * package name; version non-empty (not necessarily valid: real indexes
 * hold versions like "0.99f7-r1", which compare as apk compares them); identity.alg is
 * SHA1 or SHA256 exactly when identity_text is non-empty; every deplist's
 * v[0..n) are the atoms of its text that parse, in order (all of them
 * unless the entry has the list's PARE_PKGENT_BAD_* flag), and text is
 * the list as written; no value contains a newline or NUL.
 */
#ifndef PARE_APK_INDEX_H
#define PARE_APK_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "apk/dep.h"
#include "apk/package.h"
#include "apk/sign.h"
#include "base/arena.h"
#include "base/buf.h"
#include "base/error.h"
#include "base/slice.h"
#include "io/digest.h"

/* Bounds for untrusted input. */
#define PARE_INDEX_MAX_TEXT (256u << 20)   /* plain APKINDEX bytes */
#define PARE_INDEX_MAX_FILE (256u << 20)   /* an index file as stored (read whole) */
#define PARE_INDEX_MAX_DESCRIPTION 4096u   /* DESCRIPTION bytes */
#define PARE_INDEX_MAX_LINE (1u << 20)     /* one "X:value" line */
#define PARE_INDEX_MAX_ENTRIES (1u << 20)  /* records in one index */
#define PARE_INDEX_MAX_DEPS 65536u         /* atoms in one list */
#define PARE_INDEX_MAX_UNKNOWN 256u        /* unknown fields per record */
#define PARE_INDEX_MAX_FIELDS 1024u        /* lines per index record */

/* ---- Generic record reader ("X:value" lines, records split by blank
 * lines).  Works on a slice the caller keeps alive; allocates nothing.
 *
 * Usage:
 *   struct pare_rec_reader rr;
 *   pare_rec_reader_init(&rr, text, "APKINDEX");
 *   while (pare_rec_next_record(&rr)) {
 *       char c; struct pare_slice v;
 *       while ((r = pare_rec_next_field(&rr, &c, &v, err)) > 0) ...;
 *       if (r < 0) fail;
 *   }
 *
 * Line rules: a line is "X:value" with X any byte other than '\n' and ':'
 * ... in practice a letter; value has no '\n' and no control byte other
 * than tab (CR and NUL included are errors); at most PARE_INDEX_MAX_LINE
 * bytes.  The last line may lack its '\n'.  Errors name the source and
 * the line number: "APKINDEX line 17: ...". */
struct pare_rec_reader {
	struct pare_slice text;
	size_t pos;          /* next unread byte */
	uint64_t line;       /* number of the line at pos (1-based) */
	uint64_t rec_line;   /* first line of the current record */
	const char *name;    /* for messages (not owned) */
};

void pare_rec_reader_init(struct pare_rec_reader *rr, struct pare_slice text, const char *name);
/* Skip blank lines; true if a record starts (fields follow), false at the
 * end of the text. */
bool pare_rec_next_record(struct pare_rec_reader *rr);
/* Next field of the current record: 1 with *letter and *value (a slice of
 * the text), 0 at the end of the record (a blank line, consumed, or the
 * end of the text), or -PARE_E_FORMAT / -PARE_E_TOO_BIG with err set. */
int pare_rec_next_field(struct pare_rec_reader *rr, char *letter, struct pare_slice *value,
			struct pare_error *err);

/* ---- Index entries. */

/* A dependency list (D p i r): the atoms, and the list as written. */
struct pare_deplist {
	struct pare_dep *v;     /* n atoms (arena); NULL when n == 0 */
	uint32_t n;
	struct pare_slice text; /* space-separated atoms, as in the index */
};

/* An unknown field, kept for a lossless write. */
struct pare_index_field {
	char letter;
	struct pare_slice value;
};

/* pare_pkgent.flags */
enum {
	PARE_PKGENT_HAS_SIZE = 1 << 0,       /* S: present */
	PARE_PKGENT_HAS_ISIZE = 1 << 1,      /* I: present */
	PARE_PKGENT_HAS_BUILD_TIME = 1 << 2, /* t: present */
	PARE_PKGENT_HAS_PRIORITY = 1 << 3,   /* k: present */
	/* An atom of a list did not parse (read without PARE_INDEX_STRICT):
	 * the list holds the atoms that did (install_if: none, as apk drops
	 * a partial rule) and its text is kept as written.  A package with
	 * BAD_DEPENDS must not be installed (apk marks it uninstallable). */
	PARE_PKGENT_BAD_DEPENDS = 1 << 4,    /* D */
	PARE_PKGENT_BAD_PROVIDES = 1 << 5,   /* p */
	PARE_PKGENT_BAD_INSTALL_IF = 1 << 6, /* i */
	PARE_PKGENT_BAD_REPLACES = 1 << 7,   /* r */
	/* Read with PARE_INDEX_LAZY_DEPS: the lists hold their text only
	 * (v NULL, n 0, no BAD_* flags yet) until pare_index_entry_deps(). */
	PARE_PKGENT_DEPS_PENDING = 1 << 8,
};

/* One package as an index describes it. */
struct pare_pkgent {
	struct pare_slice name;          /* P */
	struct pare_slice version;       /* V */
	struct pare_slice arch;          /* A */
	struct pare_slice description;   /* T */
	struct pare_slice url;           /* U */
	struct pare_slice license;       /* L */
	struct pare_slice origin;        /* o */
	struct pare_slice maintainer;    /* m */
	struct pare_slice commit;        /* c */
	struct pare_slice identity_text; /* C, "Q1..." as written; may be empty */
	struct pare_digest_value identity; /* C parsed; alg NONE when absent */
	uint64_t size;                   /* S: package file bytes */
	uint64_t installed_size;         /* I */
	uint64_t build_time;             /* t */
	uint64_t provider_priority;      /* k */
	struct pare_deplist depends;     /* D */
	struct pare_deplist provides;    /* p */
	struct pare_deplist install_if;  /* i */
	struct pare_deplist replaces;    /* r */
	struct pare_index_field *unknown; /* nunknown fields, in input order */
	uint32_t nunknown;
	uint32_t flags;                  /* PARE_PKGENT_* */
	/* Letters of the fields in the order they were read (one per line),
	 * so pare_index_write_text() can reproduce the input; empty for
	 * entries built from packages (canonical order). */
	struct pare_slice order;
	uint64_t line;                   /* first line of the record (0: not parsed) */
	int repo;                        /* for the repository layer; -1 by default */
};

/* The canonical field order of apk-tools' `apk index`: C P V A S I T U L
 * o m t c k D p i r (unknown fields follow, in order).  S, I, T, U and L
 * are written even when empty/zero, as apk does; the others only when
 * present. */
extern const char pare_index_field_order[];

struct pare_index {
	struct pare_arena arena;
	char *text;                  /* the APKINDEX text (malloc, owned) or NULL */
	size_t text_len;
	char *text_block;            /* internal: the allocation (owned) text lies in
				      * when it is not text itself (the index member
				      * inflated whole, base/bigbuf.h), else NULL */
	void *more_texts;            /* internal: texts of later parse_text calls */
	struct pare_slice description; /* DESCRIPTION (text or arena); may be empty */
	struct pare_pkgent *ents;    /* n entries (base/bigbuf.h, owned; may move on add) */
	size_t n, cap;
	/* Set by pare_index_read_file() for APKINDEX.tar.gz: */
	bool signed_file;            /* it was an APKINDEX.tar.gz */
	int trust;                   /* 0, -PARE_E_UNTRUSTED or -PARE_E_BAD_SIGNATURE
				      * (pare_pkg verdicts); -PARE_E_UNTRUSTED for
				      * plain text */
	char signer[PARE_KEYNAME_MAX + 1]; /* key that verified, or "" */
	char trust_msg[PARE_ERROR_MSG_MAX]; /* why not trusted, or "" */
	int64_t build_time;          /* newest mtime of its APKINDEX and DESCRIPTION
				      * members (covered by the signature): when
				      * the index was built; 0 when unknown */
};

/* Parse flags. */
enum {
	/* A dependency atom that does not parse fails the whole index.
	 * Without it (the default, as apk reads indexes from newer tools) the
	 * atom is skipped and the entry flagged PARE_PKGENT_BAD_*; real
	 * indexes need this ("pc:jemalloc=5.3.0_" in Alpine 3.17). */
	PARE_INDEX_STRICT = 1 << 0,
	/* Keep D p i r as text only (PARE_PKGENT_DEPS_PENDING): for a reader
	 * that needs the atoms of few entries (a search, a solve that builds
	 * its own atoms with pare_pkgent_deps_tmp()).  Tolerant only: STRICT
	 * with it is refused (-EINVAL). */
	PARE_INDEX_LAZY_DEPS = 1 << 1,
};

/* Parse the lists of an entry read with PARE_INDEX_LAZY_DEPS into idx's
 * arena, with the BAD_* flags an eager read sets; nothing when they are
 * parsed already.  0 or -ENOMEM, -PARE_E_TOO_BIG. */
int pare_index_entry_deps(struct pare_index *idx, struct pare_pkgent *e, struct pare_error *err);
/* For one walk over entries (building a universe): *out becomes a copy of
 * e whose lists are parsed into *buf (malloc'ed, grown, *cap atoms; free
 * it after the walk) when e's are pending, else e as it is. */
int pare_pkgent_deps_tmp(const struct pare_pkgent *e, struct pare_pkgent *out,
			 struct pare_dep **buf, size_t *cap, struct pare_error *err);

void pare_index_init(struct pare_index *idx);
/* Free everything; idx is empty (as after init) afterwards.  NULL is fine. */
void pare_index_release(struct pare_index *idx);
/* Entries [0, n) (and the text before the last of them) will not be read
 * again: a reader that copies entries out in order and then releases the
 * index gives their memory back as it goes.  Only the entries from n on
 * stay valid (pare_index_release() still frees everything); a text or
 * entry array from malloc is left as it is (base/bigbuf.h). */
void pare_index_release_front(struct pare_index *idx, size_t n);

/* Parse APKINDEX text.  The index takes ownership of `text` (malloc'ed,
 * len bytes, need not be NUL-terminated) on success and on failure, and
 * appends its records to idx's entries.  On error, entries added by this
 * call are dropped and err names "name line N: X: why".  Rules:
 * each record needs P (a valid package name) and V (non-empty); a single-valued
 * field appears once (D p i r may repeat: atoms add up); numbers are plain
 * decimal; C is "Q1"/"Q2" + base64 of the right length.  Returns 0,
 * -PARE_E_FORMAT, -PARE_E_TOO_BIG, -PARE_E_INVALID_DEP, -ENOMEM. */
int pare_index_parse_text(struct pare_index *idx, char *text, size_t len, const char *name,
			  unsigned flags, struct pare_error *err);
/* Same, for text the caller keeps alive (not copied, not owned) as long
 * as idx is used. */
int pare_index_parse_slice(struct pare_index *idx, struct pare_slice text, const char *name,
			   unsigned flags, struct pare_error *err);

struct pare_index_read_opts {
	struct pare_keyring *keys; /* NULL: nothing is trusted */
	bool allow_untrusted;      /* accept UNTRUSTED (never BAD) signed files,
				    * and plain text */
	unsigned flags;            /* PARE_INDEX_STRICT ... */
};

/* Read path: an APKINDEX.tar.gz (starts with the gzip magic) or plain
 * APKINDEX text.  For a .tar.gz the signature is verified first and
 * idx->trust/signer/trust_msg are set; when the verdict is not 0 the
 * whole index is refused (-PARE_E_UNTRUSTED or -PARE_E_BAD_SIGNATURE,
 * nothing parsed) unless opts->allow_untrusted and it is UNTRUSTED.  Plain
 * text has no signature: trust is -PARE_E_UNTRUSTED and it is read only
 * with allow_untrusted.  The index must be empty (just initialised). */
int pare_index_read_file(struct pare_index *idx, const char *path,
			 const struct pare_index_read_opts *opts, struct pare_error *err);
/* Same, from what is left to read of fd (not closed; name for messages):
 * read whole first (at most PARE_INDEX_MAX_FILE bytes), so that gzip
 * members inflate in place (io/gzip.h). */
int pare_index_read_fd(struct pare_index *idx, int fd, const char *name,
		       const struct pare_index_read_opts *opts, struct pare_error *err);
/* Same, from a stream (name for messages). */
int pare_index_read(struct pare_index *idx, struct pare_istream *in, const char *name,
		    const struct pare_index_read_opts *opts, struct pare_error *err);

/* Set the description (copied into the arena). */
int pare_index_set_description(struct pare_index *idx, struct pare_slice text,
			       struct pare_error *err);

/* Append a deep copy of e (strings copied into idx's arena, dep lists
 * re-parsed from their text).  Returns 0, -ENOMEM, -PARE_E_TOO_BIG. */
int pare_index_add(struct pare_index *idx, const struct pare_pkgent *e, struct pare_error *err);

/* Append the entry for a package that was read: .PKGINFO fields, S =
 * file_size (the package file's size in bytes), C = pkg->identity. */
int pare_index_add_pkg(struct pare_index *idx, const struct pare_pkg *pkg, uint64_t file_size,
		       struct pare_error *err);

/* Read the package file at path in full (structure, signatures, datahash
 * and file checksums verified) and append its entry.  The package must be
 * trusted, or UNTRUSTED with allow_untrusted. */
int pare_index_add_pkg_file(struct pare_index *idx, const char *path,
			    const struct pare_index_read_opts *opts, struct pare_error *err);

/* The entry for the package file called `filename` ("NAME-VERSION.apk",
 * no directory) of `size` bytes, or -1.  Linear search. */
ptrdiff_t pare_index_find_file(const struct pare_index *idx, struct pare_slice filename,
			       uint64_t size);

/* Entries of one name (bytewise) and version, or -1 (linear search). */
ptrdiff_t pare_index_find(const struct pare_index *idx, struct pare_slice name,
			  struct pare_slice version);

/* apk's display order: name (bytewise), then version (apk order), then
 * identity text.  <0, 0, >0. */
int pare_pkgent_cmp(const struct pare_pkgent *a, const struct pare_pkgent *b);
/* Sort the entries by pare_pkgent_cmp (stable). */
int pare_index_sort(struct pare_index *idx);

/* Write flags. */
enum {
	/* Fields in pare_index_field_order for every entry, even those that
	 * recorded an input order (what `pare index` writes). */
	PARE_INDEX_WRITE_CANONICAL = 1 << 0,
};

/* Append the APKINDEX text of all entries (in array order; sort first
 * for a deterministic index) to out: each record ends with an empty line.
 * An entry with a recorded `order` is written in that order (a parsed
 * index is reproduced byte for byte) unless WRITE_CANONICAL.  Fails with
 * -PARE_E_FORMAT for an entry that breaks the invariants above (missing
 * name/version, a newline in a value), -PARE_E_TOO_BIG if out is full. */
int pare_index_write_text(const struct pare_index *idx, struct pare_buf *out, unsigned flags,
			  struct pare_error *err);

struct pare_index_write_opts {
	int64_t mtime;              /* tar mtime: SOURCE_DATE_EPOCH or 0 */
	unsigned flags;             /* PARE_INDEX_WRITE_* for the text */
	int level;                  /* gzip level 1-9; 0: 9 */
	struct pare_privkey *key;   /* NULL: unsigned */
	const char *keyname;        /* "<name>.rsa.pub" (with key) */
	enum pare_digest_alg sig_alg; /* SHA1 (RSA), SHA256 (RSA256, default
				       * when NONE), SHA512 */
};

/* Append a complete APKINDEX.tar.gz to out: [signature member over the
 * compressed index member] + index member (a tar of DESCRIPTION, only when
 * the description is non-empty, and APKINDEX, mode 0644, root:root,
 * mtime opts->mtime, end-of-archive blocks).  Deterministic: the same
 * index and options give the same bytes. */
int pare_index_write_targz(const struct pare_index *idx, const struct pare_index_write_opts *o,
			   struct pare_buf *out, struct pare_error *err);

/* Same, into path (replaced atomically, mode 0644). */
int pare_index_write_targz_file(const struct pare_index *idx,
				const struct pare_index_write_opts *o, const char *path,
				struct pare_error *err);

#endif
