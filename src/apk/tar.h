/* Tar streams as APK v2 packages use them: a pull reader and a
 * deterministic writer.
 *
 * An APK v2 package is gzip members whose decompressed bytes form tar
 * streams.  The signature and control parts end at an entry boundary with
 * no end-of-archive blocks; the data part ends with zero blocks.  Data
 * entries carry PAX 'x' headers with APK-TOOLS.checksum.SHA1 (sha1 of the
 * content; of the link target text for symlinks).
 *
 * Reader: a stream means what it means to apk-tools.  Every header's magic
 * must start with "ustar" (ustar "ustar\0" "00", or GNU "ustar  \0" with
 * 'L'/'K' long names, its prefix area not a prefix); v7 headers (no
 * magic) are refused, as apk does.  PAX 'x' and GNU 'L'/'K' headers are
 * consumed and applied to the next real entry; 'g' global headers are
 * read, bounded, syntax-checked and otherwise ignored.  A PAX size record
 * must equal the header's size (apk reads only the header's).  Entry types
 * apk-tools does not extract (any typeflag but '0'..'7', NUL included) are
 * skipped with their data, never reported; extended headers before such an
 * entry are refused ('7' is reported as a regular file).  Numeric fields are octal (NUL/space terminated)
 * or GNU base-256.  Every size taken from the input is bounded by
 * struct pare_tar_limits.  Every entry's data is honoured as `size` bytes
 * (plus padding to 512) whatever its type, so the stream stays in step.
 *
 * End of archive: next() returns 0 when the stream ends exactly at a header
 * boundary (signature/control tars) or at a zero block.  After a zero block
 * the reader drains the rest of the stream, which must be zero bytes
 * (tar pads to its record size); anything else is -PARE_E_FORMAT.
 *
 * Errors are sticky: after a negative return, every later call on the
 * reader returns the same code.
 *
 * Ownership: the reader copies the pare_istream struct (function + ctx);
 * whoever built the stream keeps ctx alive while the reader is used.  The
 * slices and the record array of an entry point into memory owned by the
 * reader and stay valid until the next call to pare_tar_next() or
 * pare_tar_reader_release().
 */
#ifndef PARE_APK_TAR_H
#define PARE_APK_TAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/buf.h"
#include "base/error.h"
#include "base/slice.h"
#include "io/digest.h"
#include "io/stream.h"

#define PARE_TAR_BLOCK 512

/* Default bounds (pare_tar_reader_init with NULL limits). */
#define PARE_TAR_DEFAULT_MAX_NAME 4096u            /* path / link name bytes */
#define PARE_TAR_DEFAULT_MAX_PAX (64u * 1024u)     /* one 'x' or 'g' header */
#define PARE_TAR_DEFAULT_MAX_PAX_RECORDS 256u      /* records per header */
#define PARE_TAR_DEFAULT_MAX_LONGNAME 4096u        /* GNU 'L'/'K' data */
#define PARE_TAR_DEFAULT_MAX_ENTRY_SIZE UINT64_MAX /* data bytes of one entry */

struct pare_tar_limits {
	size_t max_name;          /* longest name or link name (bytes) */
	size_t max_pax;           /* largest PAX extended header data */
	size_t max_pax_records;   /* most records in one PAX header */
	size_t max_longname;      /* largest GNU 'L'/'K' data */
	uint64_t max_entry_size;  /* largest entry data; values above INT64_MAX
				   * are refused anyway */
};

/* Fill l with the defaults above. */
void pare_tar_limits_default(struct pare_tar_limits *l);

/* One PAX record "key=value".  Both slices are followed by a NUL byte in
 * memory; a value may itself contain NUL bytes (xattr values are binary). */
struct pare_tar_record {
	struct pare_slice key;
	struct pare_slice value;
};

/* Entry types (the typeflag byte).  '7' (contiguous) is reported as
 * PARE_TAR_REG; other types are skipped by the reader (see above). */
#define PARE_TAR_REG '0'
#define PARE_TAR_LINK '1'
#define PARE_TAR_SYMLINK '2'
#define PARE_TAR_CHR '3'
#define PARE_TAR_BLK '4'
#define PARE_TAR_DIR '5'
#define PARE_TAR_FIFO '6'

/* One entry as the reader reports it.  Strings are NUL-terminated in memory
 * and never contain NUL bytes themselves. */
struct pare_tar_entry {
	struct pare_slice name;     /* PAX path > GNU 'L' > ustar prefix/name;
				     * directories lose one trailing '/' */
	struct pare_slice linkname; /* PAX linkpath > GNU 'K' > header */
	struct pare_slice uname;    /* PAX uname > header */
	struct pare_slice gname;    /* PAX gname > header */
	char type;                  /* PARE_TAR_* or any other byte */
	uint32_t mode;              /* permission bits only (07777) */
	uint64_t uid, gid;
	int64_t mtime;              /* seconds; PAX fraction dropped */
	uint64_t size;              /* data bytes (the header's) */
	uint32_t devmajor, devminor;
	struct pare_digest_value checksum;     /* SHA1 from the
						* APK-TOOLS.checksum.SHA1
						* record, else alg NONE */
	const struct pare_tar_record *records; /* all PAX 'x' records, in
						* order, unknown ones too */
	size_t nrecords;
	uint64_t offset;        /* first header of the entry (its PAX/GNU
				 * header if any) in the stream */
	uint64_t header_offset; /* the entry's own ustar header */
};

/* Fields are internal except `offset`. */
struct pare_tar_reader {
	struct pare_istream in;
	struct pare_tar_limits limits;
	uint64_t offset;     /* bytes consumed from `in` so far */
	uint64_t data_left;  /* unread data bytes of the current entry */
	uint64_t pad_left;   /* padding bytes after them */
	int state;           /* internal: headers / in entry / end */
	int failed;          /* sticky error code, 0 if none */
	uint64_t entry_header_offset; /* of the current entry, for messages */
	uint64_t entry_size;
	struct pare_buf name, linkname, uname, gname; /* current entry */
	struct pare_buf longname, longlink;           /* GNU 'L'/'K' data */
	struct pare_buf pax;    /* current 'x' data; records point into it */
	struct pare_buf global; /* last 'g' data (not applied) */
	struct pare_tar_record *records;
	size_t nrecords, records_cap;
};

/* limits may be NULL for the defaults.  Returns 0 (cannot fail today;
 * -EINVAL on a NULL reader or stream). */
int pare_tar_reader_init(struct pare_tar_reader *r, struct pare_istream *in,
			 const struct pare_tar_limits *limits);
/* Free what the reader holds (not the stream).  NULL is fine. */
void pare_tar_reader_release(struct pare_tar_reader *r);

/* Advance to the next entry, first skipping unread data and padding of the
 * previous one.  Returns 1 with *e filled, 0 at the end of the archive, or
 * a negative code: -PARE_E_FORMAT (bad checksum, non-octal field, bad PAX
 * record, ...), -PARE_E_TOO_BIG (a limit), -PARE_E_TRUNCATED (stream ends
 * inside a header, data or padding), or the stream's own error. */
int pare_tar_next(struct pare_tar_reader *r, struct pare_tar_entry *e, struct pare_error *err);

/* Read up to n bytes of the current entry's data.  Returns the count
 * (1..n), 0 at the end of the data (or with no current entry), or a
 * negative code (-PARE_E_TRUNCATED when the stream ends early). */
ssize_t pare_tar_read(struct pare_tar_reader *r, void *buf, size_t n, struct pare_error *err);

/* Drop the rest of the current entry's data (next() does it too). */
int pare_tar_skip_data(struct pare_tar_reader *r, struct pare_error *err);

/* Point *s at the current entry's data (read = pare_tar_read on r).  Valid
 * while r is and until the next call to pare_tar_next(). */
void pare_tar_entry_istream(struct pare_tar_reader *r, struct pare_istream *s);

/* What the writer writes for one entry.  Slices need not be
 * NUL-terminated but must not contain NUL bytes.  type '\0' means '0'. */
struct pare_tar_header {
	struct pare_slice name;     /* full path, written as given */
	struct pare_slice linkname; /* for hard links and symlinks */
	struct pare_slice uname, gname;
	char type;
	uint32_t mode; /* only 07777 is written */
	uint64_t uid, gid;
	int64_t mtime;
	uint64_t size; /* data bytes the caller will write */
	uint32_t devmajor, devminor; /* each at most 07777777 */
	struct pare_digest_value checksum; /* SHA1, or alg NONE to omit */
	const struct pare_tar_record *records; /* extra PAX records (e.g.
						* SCHILY.xattr.*), any order */
	size_t nrecords;
};

/* Deterministic writer: the same headers and data always give the same
 * bytes.  Per entry: a PAX 'x' header when needed (checksum, a name or link
 * name that does not fit ustar's name/prefix fields, uid/gid/size/mtime
 * not representable in octal, uname/gname longer than 31 bytes, extra
 * records), its records sorted by key; then the ustar header ("ustar\0"
 * "00", zero-padded octal with a NUL terminator).  What it writes stays
 * within the reader's default limits.
 *
 * Sequence: write_entry_header, write_data (exactly size bytes in total),
 * finish_entry (pads to 512; optional when the next call is another
 * write_entry_header or write_end and all data was written), ...,
 * write_end (omit it for signature/control tars).  After an error the
 * output is unusable. */
struct pare_tar_writer {
	struct pare_ostream out;
	uint64_t offset;    /* bytes written so far */
	uint64_t data_left; /* data bytes still owed for the current entry */
	uint64_t pad;       /* padding to write after them */
	bool in_entry;
	struct pare_buf pax; /* scratch for PAX data */
};

int pare_tar_writer_init(struct pare_tar_writer *w, struct pare_ostream *out);
void pare_tar_writer_release(struct pare_tar_writer *w);
int pare_tar_write_entry_header(struct pare_tar_writer *w, const struct pare_tar_header *h,
				struct pare_error *err);
int pare_tar_write_data(struct pare_tar_writer *w, const void *p, size_t n,
			struct pare_error *err);
int pare_tar_finish_entry(struct pare_tar_writer *w, struct pare_error *err);
/* Two zero blocks. */
int pare_tar_write_end(struct pare_tar_writer *w, struct pare_error *err);

#endif
