#include "apk/dep.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include "base/bytes16.h"

/* Longest part of an atom quoted in an error message. */
#define QUOTE_MAX 120

static bool is_base64(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '=';
}

/* Fill err with a message naming the atom; control characters are shown
 * as '?' so the message stays on one line. */
static int dep_error(struct pare_error *err, struct pare_slice atom,
		     const char *why)
{
	char q[QUOTE_MAX + 1];
	size_t n = atom.len < QUOTE_MAX ? atom.len : QUOTE_MAX;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)atom.ptr[i];
		q[i] = (c < ' ' || c == 0x7f) ? '?' : (char)c;
	}
	q[n] = '\0';
	return pare_error_set(err, -PARE_E_INVALID_DEP,
			      "invalid dependency \"%s%s\": %s", q,
			      atom.len > n ? "..." : "", why);
}

/* What a byte is to a name or tag: 0 a name character (printable ASCII
 * other than space, '!' and the delimiters), 1 a delimiter ('@' '<' '='
 * '>' '~'), 2 no name character ('!' only marks a conflict in front of
 * the name, space, control and non-ASCII bytes). */
static const unsigned char name_class[256] = {
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0,
	1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
};

/* Take the run of s up to the first delimiter; false if it has a char
 * that no name or tag may contain. */
static bool take_word(struct pare_slice *s, struct pare_slice *word)
{
	size_t n = 0;
	for (; n + 16 <= s->len; n += 16) { /* blocks of plain name bytes */
		pare_v16 v = pare_v16_load(s->ptr + n);
		if (pare_v16_any((v <= ' ') | (v >= 0x7f) | (v == '!') | ((v >= '<') & (v <= '>')) |
				 (v == '@') | (v == '~')))
			break;
	}
	while (n < s->len && name_class[(unsigned char)s->ptr[n]] == 0)
		n++;
	if (n < s->len && name_class[(unsigned char)s->ptr[n]] == 2)
		return false;
	*word = pare_slice_sub(*s, 0, n);
	*s = pare_slice_sub(*s, n, s->len - n);
	return true;
}

/* "Q1" + base64(SHA-1) or "Q2" + base64(SHA-256). */
static bool checksum_valid(struct pare_slice v)
{
	if (v.len < 2 || v.ptr[0] != 'Q')
		return false;
	size_t want = v.ptr[1] == '1' ? 28 : v.ptr[1] == '2' ? 44 : 0;
	if (want == 0 || v.len != 2 + want) /* "Q" + any other byte is no checksum */
		return false;
	for (size_t i = 2; i < v.len; i++)
		if (!is_base64(v.ptr[i]))
			return false;
	return true;
}

/* The "OP VERSION" part after the name (and tag); rest is non-empty. */
static int parse_constraint(struct pare_slice atom, struct pare_slice rest,
			    struct pare_dep *d, struct pare_error *err)
{
	if (pare_version_op_parse(&rest, &d->op) < 0)
		return dep_error(err, atom, "unknown operator");
	if (rest.len == 0)
		return dep_error(err, atom, "operator without a version");
	d->version = rest;
	if (d->op == PARE_VERSION_CHECKSUM) {
		d->checksum = true;
		if (!checksum_valid(rest))
			return dep_error(err, atom, "invalid checksum");
	} else if (!pare_version_valid(rest)) {
		return dep_error(err, atom, "invalid version");
	}
	return 0;
}

int pare_dep_parse(struct pare_slice s, struct pare_dep *out,
		   struct pare_error *err)
{
	struct pare_dep d = { .op = PARE_VERSION_ANY };
	struct pare_slice rest = s;
	if (s.len == 0)
		return dep_error(err, s, "empty atom");
	if (rest.ptr[0] == '!') {
		d.conflict = true;
		rest = pare_slice_sub(rest, 1, rest.len - 1);
	}
	if (!take_word(&rest, &d.name))
		return dep_error(err, s, "invalid character in name");
	if (d.name.len == 0)
		return dep_error(err, s, "empty name");
	if (rest.len && rest.ptr[0] == '@') {
		rest = pare_slice_sub(rest, 1, rest.len - 1);
		if (!take_word(&rest, &d.tag) ||
		    (rest.len && rest.ptr[0] == '@'))
			return dep_error(err, s, "invalid character in tag");
		if (d.tag.len == 0)
			return dep_error(err, s, "empty tag");
	}
	if (rest.len) {
		int r = parse_constraint(s, rest, &d, err);
		if (r < 0)
			return r;
	}
	*out = d;
	return 0;
}

int pare_deps_next(struct pare_slice *s, struct pare_dep *out,
		   struct pare_error *err)
{
	struct pare_slice atom;
	if (!pare_slice_next_word(s, &atom))
		return 0;
	int r = pare_dep_parse(atom, out, err);
	return r < 0 ? r : 1;
}

int pare_deps_parse(struct pare_slice s, struct pare_dep *arr, size_t max,
		    size_t *n, struct pare_error *err)
{
	struct pare_dep d;
	int r;
	*n = 0;
	while ((r = pare_deps_next(&s, &d, err)) > 0) {
		if (*n == max)
			return pare_error_set(err, -PARE_E_TOO_BIG,
					      "more than %zu dependencies",
					      max);
		arr[(*n)++] = d;
	}
	return r;
}

int pare_dep_format(const struct pare_dep *d, char *buf, size_t size)
{
	const char *op = "";
	if (d->op != PARE_VERSION_ANY) {
		op = pare_version_op_str(d->op);
		if (op[0] == '?' || d->version.len == 0)
			return -PARE_E_INVALID_DEP;
	} else if (d->version.len) {
		return -PARE_E_INVALID_DEP;
	}
	/* %.*s takes an int; keep the total within int as well. */
	if (d->name.len > INT_MAX / 4 || d->tag.len > INT_MAX / 4 ||
	    d->version.len > INT_MAX / 4)
		return -PARE_E_TOO_BIG;
	int r = snprintf(size ? buf : NULL, size, "%s%.*s%s%.*s%s%.*s",
			 d->conflict ? "!" : "", (int)d->name.len,
			 d->name.ptr ? d->name.ptr : "", d->tag.len ? "@" : "",
			 (int)d->tag.len, d->tag.ptr ? d->tag.ptr : "", op,
			 (int)d->version.len,
			 d->version.ptr ? d->version.ptr : "");
	return r < 0 ? -PARE_E_INVALID_DEP : r;
}

bool pare_dep_satisfied_by_csum(const struct pare_dep *d,
				struct pare_slice name,
				struct pare_slice version,
				struct pare_slice csum)
{
	bool match = pare_slice_eq(d->name, name);
	if (match && d->checksum)
		match = csum.len && pare_slice_eq(d->version, csum);
	else if (match && d->op != PARE_VERSION_ANY)
		match = pare_version_match(version, d->op, d->version);
	return match != d->conflict;
}

bool pare_dep_satisfied_by(const struct pare_dep *d, struct pare_slice name,
			   struct pare_slice version)
{
	return pare_dep_satisfied_by_csum(d, name, version, PARE_SLICE_NULL);
}
