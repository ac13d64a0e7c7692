/* Debian control data (deb-control(5), Debian policy ch. 5): paragraphs,
 * the binary package fields, dependency fields, DEP-5 copyright licences.
 *
 * Paragraph syntax: "Field: value" lines; a line starting with a space or
 * tab continues the previous field; paragraphs are separated by blank
 * lines (lines of only spaces/tabs count as blank); lines starting with '#'
 * are comments (DEP-5 and source control files allow them).  Field names
 * are matched case-insensitively.  A repeated field, a continuation before
 * any field, a line without ':' or a field name with characters outside
 * 0x21..0x7e (or starting with '#' or '-') is an error.
 *
 * Everything here works on slices into the caller's text (no copies, no
 * allocation except the dependency list), is pure and thread-safe.
 * Bounds: at most PARE_DEB_PARA_MAX_FIELDS fields per paragraph; the
 * caller bounds the text (the .deb reader caps a control file at 1 MiB).
 */
#ifndef PARE_DEB_CONTROL_H
#define PARE_DEB_CONTROL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/error.h"
#include "base/slice.h"

#define PARE_DEB_PARA_MAX_FIELDS 128

struct pare_deb_field {
	struct pare_slice name;  /* as written */
	struct pare_slice value; /* after "Field:", leading/trailing blanks trimmed;
				  * continuation lines included verbatim
				  * ("first\n second\n ."), no final newline */
};

struct pare_deb_para {
	struct pare_deb_field fields[PARE_DEB_PARA_MAX_FIELDS];
	size_t nfields;
	size_t line; /* 1-based line of the paragraph's first field */
};

/* Parse the next paragraph from *text (skipping blank and comment lines
 * before it) and advance *text past it.  Returns 1 when a paragraph was
 * parsed, 0 at the end of the text, or a negative code with err set to
 * "line N: reason".  *line (if not NULL) counts lines consumed so far
 * (start it at 0) so that messages give the line in the whole text. */
int pare_deb_para_next(struct pare_slice *text, struct pare_deb_para *p, size_t *line,
		       struct pare_error *err);

/* The value of field `name` (case-insensitive), or PARE_SLICE_NULL with
 * ptr == NULL when absent (an empty value has ptr != NULL). */
struct pare_slice pare_deb_para_get(const struct pare_deb_para *p, const char *name);

/* The fields of a binary package's control file, as slices into the text.
 * Absent optional fields are empty slices (ptr NULL). */
struct pare_deb_pkginfo {
	struct pare_slice package;       /* required, checked: [a-z0-9][a-z0-9+.-]+ */
	struct pare_slice version;       /* required, checked: pare_deb_version_parse() */
	struct pare_slice architecture;  /* required: "amd64", "all", ... */
	struct pare_slice synopsis;      /* first line of Description */
	struct pare_slice description;   /* rest of Description, raw (see below) */
	struct pare_slice homepage, maintainer, section, priority, multi_arch, essential;
	struct pare_slice source;        /* source package name (Source: without "(v)"),
					  * = package when the field is absent */
	struct pare_slice source_version; /* version in "Source: n (v)", else = version */
	struct pare_slice depends, pre_depends, recommends, suggests, provides,
		conflicts, breaks, replaces;  /* raw; parse with pare_deb_deps_parse() */
	uint64_t installed_size_kib;     /* Installed-Size (KiB); 0 when absent */
};

/* Parse a binary control file (one paragraph; more than one is an error). */
int pare_deb_pkginfo_parse(struct pare_slice text, struct pare_deb_pkginfo *out,
			   struct pare_error *err);

/* The long description as text: continuation lines without their first
 * space, " ." lines as empty lines, lines joined with '\n'.  Appends to out. */
int pare_deb_description_text(struct pare_slice raw, struct pare_buf *out);

/* Dependency fields ("a (>= 1.2) | b, c:any, d [amd64] <!nocheck>").
 * Architecture restrictions "[...]" and build profiles "<...>" are
 * accepted and dropped; the ":any"/":native"/":amd64" qualifier of a name is
 * split off into arch_qual.  The obsolete operators "<" and ">" mean "<="
 * and ">=" as dpkg reads them. */
enum pare_deb_op {
	PARE_DEB_OP_NONE = 0,
	PARE_DEB_OP_LT,  /* << */
	PARE_DEB_OP_LE,  /* <= (and obsolete <) */
	PARE_DEB_OP_EQ,  /* = */
	PARE_DEB_OP_GE,  /* >= (and obsolete >) */
	PARE_DEB_OP_GT,  /* >> */
};

struct pare_deb_dep {
	struct pare_slice name;      /* package name */
	struct pare_slice arch_qual; /* "any", "native", ... or empty */
	enum pare_deb_op op;
	struct pare_slice version;   /* empty when op == NONE; syntax checked */
};

/* One comma-separated group: alternatives deps[first .. first+n-1]. */
struct pare_deb_depgroup {
	size_t first, n;
};

/* Owns deps and groups (malloc); slices point into the parsed field. */
struct pare_deb_deplist {
	struct pare_deb_dep *deps;
	size_t ndeps;
	struct pare_deb_depgroup *groups;
	size_t ngroups;
};

#define PARE_DEB_DEPS_MAX 4096 /* dependency atoms per field */

/* Parse a dependency field into *out (zeroed first; release it even on
 * error).  An empty field gives zero groups.  err: "'TEXT': reason". */
int pare_deb_deps_parse(struct pare_slice field, struct pare_deb_deplist *out,
			struct pare_error *err);
void pare_deb_deplist_release(struct pare_deb_deplist *l);
/* Text of an operator ("<<", "<=", "=", ">=", ">>", "" for NONE). */
const char *pare_deb_op_str(enum pare_deb_op op);

/* The APK atom for one Debian relation, appended to out: "[!]NAME[OP V]"
 * with NAME the package's APK name (the caller maps Debian names), OP
 * "<" for "<<", "<=", "=", ">=", ">" for ">>", and V the Debian version
 * mapped by pare_deb_version_to_apk() (deb/version.h).  conflict puts "!"
 * in front: Debian Conflicts and Breaks both become APK conflicts, since
 * apk has no "unpacked but not configured" state that Breaks would allow.
 * Returns 0, -PARE_E_INVALID_DEP when name is not a valid APK package name
 * or the result does not parse as an APK atom, -PARE_E_INVALID_VERSION
 * (bad version) or -PARE_E_TOO_BIG (out is full). */
int pare_deb_dep_to_apk(const struct pare_deb_dep *d, struct pare_slice name, bool conflict,
			struct pare_buf *out, struct pare_error *err);

/* DEP-5 (machine-readable debian/copyright): call fn for each distinct
 * licence short name, i.e. the first line of each "License:" field, in
 * order of first appearance.  Returns 0 when the text is a DEP-5 file (its
 * first paragraph has "Format:"), -PARE_E_UNSUPPORTED when it is free text
 * (most older copyright files), or fn's non-zero return / a parse error. */
typedef int (*pare_deb_license_fn)(void *ctx, struct pare_slice short_name);
int pare_deb_copyright_licenses(struct pare_slice text, pare_deb_license_fn fn, void *ctx,
				struct pare_error *err);

#endif
