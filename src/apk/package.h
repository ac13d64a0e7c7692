/* Reading and verifying APK v2 packages (and signed indexes, which share
 * the container).
 *
 * Layout: [signature member] control member [data member(s)], each a gzip
 * member; together their decompressed bytes are one tar stream.
 *   - signature member: only `.SIGN.<KIND>.<keyname>` entries; optional.
 *   - control member: `.PKGINFO` and the scripts (`.pre-install` ...,
 *     `.trigger`); no end-of-archive blocks.  Its compressed bytes are what
 *     the signatures sign; SHA-1 of them, as "Q1" + base64, is the package
 *     identity an index stores in `C:`.
 *   - data member(s): the files; `datahash` in .PKGINFO is SHA-256 of these
 *     compressed bytes; each regular file (and symlink) carries its SHA-1 in
 *     an `APK-TOOLS.checksum.SHA1` PAX record.
 * A signed index has the same signature member, then one member holding
 * `DESCRIPTION` and `APKINDEX`.
 *
 * pare_pkg_read() streams the whole file once: it hashes while it
 * decompresses, verifies the signatures as soon as the control member has
 * ended, hands each data entry to the caller's visitor, checks each file's
 * checksum after the visitor returns (unless opts.skip_file_sums and a
 * datahash is declared) and the datahash at the end.  The
 * caller must not treat anything the visitor saw as verified until
 * pare_pkg_read() has returned 0 (the extractor writes to temporary names
 * and renames only then).
 *
 * Verdicts: pare_pkg_read() returns a negative code for format and
 * integrity errors (those win over any signature verdict); when it returns
 * 0, pkg->trust holds 0 (a signature by a known key verified),
 * -PARE_E_BAD_SIGNATURE (a key of that name exists but the signature does
 * not verify, and no other signature did) or -PARE_E_UNTRUSTED (no
 * signature, or only by unknown keys, or no datahash: a signature covers
 * the control member only, and without a datahash nothing ties the data
 * to it).
 *
 * Ownership: everything in struct pare_pkg is owned by it (arena) and lives
 * until pare_pkg_release().
 */
#ifndef PARE_APK_PACKAGE_H
#define PARE_APK_PACKAGE_H

#include <stdbool.h>
#include <stdint.h>

#include "apk/pkginfo.h"
#include "apk/sign.h"
#include "apk/tar.h"
#include "base/arena.h"
#include "io/digest.h"
#include "io/stream.h"

#define PARE_PKG_MAX_SIGS 16
#define PARE_PKG_MAX_SCRIPTS 16
#define PARE_PKG_SIG_MAX_BYTES 8192          /* one signature */
#define PARE_PKG_SIGNATURE_PART_MAX (1u << 20)  /* decompressed signature member */
#define PARE_PKG_CONTROL_PART_MAX (8u << 20)    /* decompressed control member */
#define PARE_PKG_INDEX_PART_MAX (256u << 20)    /* decompressed index member */
#define PARE_PKG_PKGINFO_MAX (1u << 20)
#define PARE_PKG_SCRIPT_MAX (1u << 20)
#define PARE_PKG_DATA_DEFAULT_MAX (16ULL << 30) /* decompressed data, absent a size */

enum pare_pkg_kind { PARE_PKG_KIND_PACKAGE = 1, PARE_PKG_KIND_INDEX = 2 };

struct pare_pkg_sig {
	enum pare_digest_alg alg;
	char keyname[256];
	int status; /* 0 verified, -PARE_E_UNTRUSTED, -PARE_E_BAD_SIGNATURE; 1: not checked */
};

struct pare_pkg_script {
	const char *name;   /* ".post-install" ... (arena) */
	struct pare_slice body;
	uint32_t mode;
};

struct pare_pkg {
	enum pare_pkg_kind kind;
	struct pare_arena arena;
	struct pare_slice pkginfo_text;  /* packages: the .PKGINFO bytes */
	struct pare_pkginfo info;        /* parsed .PKGINFO */
	bool has_info;
	struct pare_pkg_sig sigs[PARE_PKG_MAX_SIGS];
	size_t nsigs;
	int trust;
	const char *signer;              /* key that verified, or NULL */
	char trust_msg[PARE_ERROR_MSG_MAX]; /* why not trusted (one line) */
	struct pare_digest_value control_sha1;
	char identity[48];               /* "Q1" + base64(control_sha1) */
	struct pare_digest_value data_sha256;
	bool datahash_verified;          /* .PKGINFO had datahash and it matched */
	struct pare_pkg_script scripts[PARE_PKG_MAX_SCRIPTS];
	size_t nscripts;
	uint64_t nentries;               /* data entries */
	uint64_t data_bytes;             /* sum of regular file sizes */
	uint64_t file_size;              /* compressed bytes read */
	/* Indexes read with opts.keep_index: the index member when it was
	 * inflated whole (io/gzip.h), from pare_bigbuf_alloc (freed by
	 * release unless taken; a taker frees it with pare_bigbuf_free); index_entry's content views point into it. */
	void *index_buf;
	size_t index_buf_len;
};

/* Called for each data entry; `content` streams a regular file's bytes
 * (empty for other types).  The callee may read all, part or none of it.
 * Return 0 to go on, negative to stop the read with that code. */
struct pare_pkg_visitor {
	int (*entry)(void *ctx, const struct pare_tar_entry *e, struct pare_istream *content,
		     struct pare_error *err);
	/* For indexes: called with each entry of the index member
	 * (DESCRIPTION, APKINDEX). */
	int (*index_entry)(void *ctx, const struct pare_tar_entry *e, struct pare_istream *content,
			   struct pare_error *err);
	void *ctx;
};

struct pare_pkg_read_opts {
	struct pare_keyring *keys;  /* NULL: signatures are not checked */
	uint64_t max_data;          /* cap on decompressed data; 0: from size */
	bool control_only;          /* stop after the control member */
	/* When .PKGINFO has a datahash (which covers the whole data member),
	 * do not also hash each file for its checksum record: pare index (no
	 * visitor) and the installer (which then requires
	 * pkg.datahash_verified) check the data once, not twice.  A package
	 * without a datahash still has every file checked. */
	bool skip_file_sums;
	bool keep_index;            /* see pare_pkg.index_buf */
};

void pare_pkg_init(struct pare_pkg *pkg);
void pare_pkg_release(struct pare_pkg *pkg);

int pare_pkg_read(struct pare_pkg *pkg, struct pare_istream *in, const char *name,
		  const struct pare_pkg_read_opts *opts, const struct pare_pkg_visitor *v,
		  struct pare_error *err);
/* pare_pkg_read() from the open descriptor fd (not closed; name for
 * messages).  A regular file of at most PARE_PKG_WHOLE_MAX bytes is read
 * whole first (unless control_only), so that its members inflate whole
 * (io/gzip.h: libdeflate when built with it; the limits, verdicts and
 * messages are the streaming read's); anything else streams. */
#define PARE_PKG_WHOLE_MAX (2u << 20)
int pare_pkg_read_fd(struct pare_pkg *pkg, int fd, const char *name,
		     const struct pare_pkg_read_opts *opts, const struct pare_pkg_visitor *v,
		     struct pare_error *err);
/* Convenience: open path read-only and pare_pkg_read() it. */
int pare_pkg_read_file(struct pare_pkg *pkg, const char *path,
		       const struct pare_pkg_read_opts *opts, const struct pare_pkg_visitor *v,
		       struct pare_error *err);

/* Values of keys .PKGINFO does not define (such as import-deb's "purl"
 * and "debian_version"), read from the package file at path: only the
 * signature and control members are read and nothing is verified (callers
 * show these values beside index data they trust).  out[i] gets the first
 * value of keys[i] ("" when absent), cut at PARE_PKG_VALUE_MAX - 1 bytes.
 * Returns 0 or the reader's error. */
#define PARE_PKG_VALUE_MAX 1024
int pare_pkg_file_values(const char *path, const char *const *keys, size_t n,
			 char (*out)[PARE_PKG_VALUE_MAX], struct pare_error *err);

/* Is this name a control-part entry (".PKGINFO", a script, ".trigger")? */
bool pare_pkg_is_control_name(struct pare_slice name);

#endif
