#include "apk/pkginfo.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "apk/version.h"

#define ARENA_CHUNK (16 * 1024)
/* Generous for the largest text, yet a bound on what hostile input costs. */
#define ARENA_LIMIT (64 * 1024 * 1024)
/* Longest key; longer ones are malformed, not unknown. */
#define KEY_MAX 64
/* Repeated license lines combined at most; each one copies the whole
 * text so far. */
#define LICENSE_PARTS_MAX 64
/* Longest part of a value quoted in an error message. */
#define QUOTE_MAX 80
#define QFMT "\"%.*s%s\""
#define QARG(s)                                                  \
	(int)((s).len < QUOTE_MAX ? (s).len : QUOTE_MAX),         \
		(s).ptr ? (s).ptr : "", (s).len > QUOTE_MAX ? "..." : ""

enum kind { K_TEXT, K_NUMBER, K_DEPS, K_PATHS };
enum check { C_NONE, C_NAME, C_VERSION, C_HASH, C_LICENSE };

struct keydef {
	const char *name;
	enum kind kind;
	enum check check;
	bool one_line;  /* lists: written on one line, not one per item */
	size_t off;     /* of the slice, number or list in the pkginfo */
	size_t has_off; /* numbers: of the has_ flag */
};

#define OFF(f) offsetof(struct pare_pkginfo, f)
#define TEXT(f, c) { #f, K_TEXT, c, false, OFF(f), 0 }
#define NUM(f) { #f, K_NUMBER, C_NONE, false, OFF(f), OFF(has_##f) }
#define LIST(f, k, one) { #f, k, C_NONE, one, OFF(f), 0 }

/* In the order the writer emits them (abuild's); the unknown keys go
 * right before the last entry, datahash. */
static const struct keydef keys[] = {
	TEXT(pkgname, C_NAME),
	TEXT(pkgver, C_VERSION),
	TEXT(pkgdesc, C_NONE),
	TEXT(url, C_NONE),
	NUM(builddate),
	TEXT(packager, C_NONE),
	NUM(size),
	TEXT(arch, C_NONE),
	TEXT(origin, C_NONE),
	TEXT(commit, C_NONE),
	TEXT(maintainer, C_NONE),
	LIST(replaces, K_DEPS, false),
	NUM(provider_priority),
	NUM(replaces_priority),
	TEXT(license, C_LICENSE),
	LIST(depend, K_DEPS, false),
	LIST(provides, K_DEPS, false),
	LIST(install_if, K_DEPS, true),
	LIST(triggers, K_PATHS, true),
	TEXT(datahash, C_HASH),
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

/* State that only parsing has: where each key was first seen (0: not
 * yet), and how many license parts were combined. */
struct parse_ctx {
	size_t first_line[NKEYS];
	unsigned license_parts;
};

#define FIELD(pi, k, type) ((type *)(void *)((char *)(pi) + (k)->off))
#define CFIELD(pi, k, type) \
	((const type *)(const void *)((const char *)(pi) + (k)->off))

void pare_pkginfo_init(struct pare_pkginfo *pi)
{
	memset(pi, 0, sizeof(*pi));
	pare_arena_init(&pi->arena, ARENA_CHUNK, ARENA_LIMIT);
}

void pare_pkginfo_release(struct pare_pkginfo *pi)
{
	if (!pi)
		return;
	pare_arena_release(&pi->arena);
	pare_pkginfo_init(pi);
}

/* ---- checks shared by the parser, set and the writer ---- */

static bool is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

/* The bytes a name may hold after its first: letters, digits and
 * ". _ + -" (one load a byte; names are checked for every index entry). */
static const unsigned char name_byte[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0,
	0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1,
	0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

bool pare_pkginfo_name_valid(struct pare_slice name)
{
	/* A leading '.' is how apk names virtual packages (apk add -t
	 * .build-deps); "." and ".." alone are not names. */
	bool dot = name.len > 0 && name.ptr[0] == '.';
	if (name.len == 0 || name.len > PARE_PKGINFO_MAX_NAME ||
	    !(is_alnum(name.ptr[0]) || dot) || (dot && (name.len == 1 || name.ptr[1] == '.')))
		return false;
	unsigned char all = 1;
	for (size_t i = 1; i < name.len; i++)
		all &= name_byte[(unsigned char)name.ptr[i]];
	return all;
}

static bool key_valid(struct pare_slice key)
{
	if (key.len == 0 || key.len > KEY_MAX)
		return false;
	for (size_t i = 0; i < key.len; i++) {
		char c = key.ptr[i];
		if (!is_alnum(c) && c != '_' && c != '-' && c != '.')
			return false;
	}
	return true;
}

/* Index of the first control character (tab excepted), or -1. */
static ptrdiff_t find_control(struct pare_slice s)
{
	for (size_t i = 0; i < s.len; i++) {
		unsigned char c = (unsigned char)s.ptr[i];
		if ((c < ' ' && c != '\t') || c == 0x7f)
			return (ptrdiff_t)i;
	}
	return -1;
}

static bool has_blank(struct pare_slice s)
{
	return pare_slice_find(s, ' ') >= 0 || pare_slice_find(s, '\t') >= 0;
}

/* What a parse would give back unchanged: no control characters, no
 * outer blanks. */
static bool value_clean(struct pare_slice s)
{
	struct pare_slice t = pare_slice_trim(s);
	return find_control(s) < 0 && t.len == s.len;
}

static bool hash_valid(struct pare_slice s)
{
	if (s.len != 64)
		return false;
	for (size_t i = 0; i < s.len; i++) {
		char c = s.ptr[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
		      (c >= 'A' && c <= 'F')))
			return false;
	}
	return true;
}

static int check_text(const struct keydef *k, struct pare_slice v,
		      struct pare_error *err)
{
	switch (k->check) {
	case C_NAME:
		if (!pare_pkginfo_name_valid(v))
			return pare_error_set(err, -PARE_E_FORMAT,
					      "invalid package name " QFMT,
					      QARG(v));
		break;
	case C_VERSION:
		if (!pare_version_valid(v))
			return pare_error_set(err, -PARE_E_INVALID_VERSION,
					      "invalid version " QFMT, QARG(v));
		break;
	case C_HASH:
		if (v.len && !hash_valid(v))
			return pare_error_set(err, -PARE_E_FORMAT,
					      "not 64 hex digits: " QFMT,
					      QARG(v));
		break;
	case C_NONE:
	case C_LICENSE:
		break;
	}
	return 0;
}

static const struct keydef *find_key(struct pare_slice key)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (pare_slice_eq_cstr(key, keys[i].name))
			return &keys[i];
	return NULL;
}

/* ---- arrays in the arena ---- */

static int check_room(size_t n, size_t extra, struct pare_error *err)
{
	if (extra > PARE_PKGINFO_MAX_VALUES - n)
		return pare_error_set(err, -PARE_E_TOO_BIG,
				      "more than %d values",
				      PARE_PKGINFO_MAX_VALUES);
	return 0;
}

/* Room for n + extra elements: returns old (enough capacity already) or
 * a bigger copy in the arena (the old array is simply abandoned there),
 * NULL when out of memory.  Callers checked n + extra with check_room. */
static void *reserve(struct pare_arena *a, void *old, size_t n, size_t *cap,
		     size_t extra, size_t elem)
{
	if (n + extra <= *cap)
		return old;
	size_t ncap = *cap ? *cap : 8;
	while (ncap < n + extra)
		ncap *= 2;
	if (ncap > PARE_PKGINFO_MAX_VALUES)
		ncap = PARE_PKGINFO_MAX_VALUES;
	void *p = pare_arena_alloc(a, ncap * elem);
	if (!p)
		return NULL;
	if (n)
		memcpy(p, old, n * elem);
	*cap = ncap;
	return p;
}

static int no_memory(struct pare_error *err)
{
	return pare_error_set(err, -ENOMEM, "out of memory");
}

/* All atoms of value or none: validate and count first, then append. */
static int add_deps(struct pare_pkginfo *pi, struct pare_pkginfo_deps *l,
		    struct pare_slice value, struct pare_error *err)
{
	struct pare_slice s = value;
	struct pare_dep d;
	size_t count = 0;
	int r;
	struct pare_error derr = { 0 };
	while ((r = pare_deps_next(&s, &d, &derr)) > 0)
		count++;
	if (r < 0 && (pi->flags & PARE_PKGINFO_TOLERANT)) {
		if (pi->dropped_lists++ == 0)
			snprintf(pi->dropped_msg, sizeof(pi->dropped_msg), "%s", derr.msg);
		return 0;
	}
	if (r < 0) {
		if (err)
			*err = derr;
		return r;
	}
	if ((r = check_room(l->n, count, err)) < 0)
		return r;
	struct pare_dep *v = reserve(&pi->arena, l->v, l->n, &l->cap, count,
				     sizeof(*v));
	if (!v)
		return no_memory(err);
	l->v = v;
	s = value;
	while (pare_deps_next(&s, &d, NULL) > 0)
		l->v[l->n++] = d;
	return 0;
}

static int add_paths(struct pare_pkginfo *pi, struct pare_slice value,
		     struct pare_error *err)
{
	struct pare_pkginfo_paths *l = &pi->triggers;
	struct pare_slice s = value, w;
	size_t count = 0;
	int r;
	while (pare_slice_next_word(&s, &w)) {
		if (w.ptr[0] != '/')
			return pare_error_set(err, -PARE_E_FORMAT,
					      "not an absolute path: " QFMT,
					      QARG(w));
		count++;
	}
	if ((r = check_room(l->n, count, err)) < 0)
		return r;
	struct pare_slice *v = reserve(&pi->arena, l->v, l->n, &l->cap,
				       count, sizeof(*v));
	if (!v)
		return no_memory(err);
	l->v = v;
	s = value;
	while (pare_slice_next_word(&s, &w))
		l->v[l->n++] = w;
	return 0;
}

static int add_unknown(struct pare_pkginfo *pi, struct pare_slice key,
		       struct pare_slice value, struct pare_error *err)
{
	struct pare_pkginfo_kvs *l = &pi->unknown;
	int r = check_room(l->n, 1, err);
	if (r < 0)
		return r;
	struct pare_pkginfo_kv *v = reserve(&pi->arena, l->v, l->n, &l->cap,
					    1, sizeof(*v));
	if (!v)
		return no_memory(err);
	l->v = v;
	l->v[l->n++] = (struct pare_pkginfo_kv){ key, value };
	return 0;
}

/* ---- applying one key ---- */

/* Append part to dst, in parentheses when it has a blank (so that an
 * "A OR B" part keeps its meaning next to AND). */
static char *put_part(char *dst, struct pare_slice part, bool wrap)
{
	wrap = wrap && has_blank(part);
	if (wrap)
		*dst++ = '(';
	memcpy(dst, part.ptr, part.len);
	dst += part.len;
	if (wrap)
		*dst++ = ')';
	return dst;
}

/* A repeated license line (old melange writes one per license): the
 * package is under all of them, so combine into "A AND B". */
static int add_license(struct pare_pkginfo *pi, struct pare_slice add,
		       struct parse_ctx *ctx, struct pare_error *err)
{
	struct pare_slice old = pi->license;
	if (add.len == 0)
		return 0;
	if (old.len == 0) {
		pi->license = add;
		ctx->license_parts = 1;
		return 0;
	}
	if (ctx->license_parts >= LICENSE_PARTS_MAX)
		return pare_error_set(err, -PARE_E_TOO_BIG,
				      "more than %d license lines",
				      LICENSE_PARTS_MAX);
	static const char and[] = " AND ";
	size_t n = old.len + add.len + sizeof(and) - 1 + 4;
	char *p = pare_arena_alloc(&pi->arena, n + 1);
	if (!p)
		return no_memory(err);
	/* Parts combined earlier are ANDs already and need no parentheses. */
	char *e = put_part(p, old, ctx->license_parts == 1);
	memcpy(e, and, sizeof(and) - 1);
	e = put_part(e + sizeof(and) - 1, add, true);
	*e = '\0';
	pi->license = pare_slice_make(p, (size_t)(e - p));
	ctx->license_parts++;
	return 0;
}

static int set_number(struct pare_pkginfo *pi, const struct keydef *k,
		      struct pare_slice v, struct pare_error *err)
{
	uint64_t n;
	if (!pare_slice_to_u64(v, &n)) {
		bool digits = v.len > 0;
		for (size_t i = 0; i < v.len; i++)
			digits = digits && v.ptr[i] >= '0' && v.ptr[i] <= '9';
		return pare_error_set(err, -PARE_E_FORMAT,
				      digits ? "number too big: " QFMT
					     : "not a decimal number: " QFMT,
				      QARG(v));
	}
	*FIELD(pi, k, uint64_t) = n;
	*(bool *)(void *)((char *)pi + k->has_off) = true;
	return 0;
}

/* ctx is NULL for pare_pkginfo_set: replace instead of refusing
 * duplicates. */
static int apply(struct pare_pkginfo *pi, const struct keydef *k,
		 struct pare_slice value, struct parse_ctx *ctx, size_t line,
		 struct pare_error *err)
{
	size_t i = (size_t)(k - keys);
	bool single = k->kind == K_TEXT || k->kind == K_NUMBER;
	int r = 0;
	if (ctx && single && ctx->first_line[i]) {
		if (k->check == C_LICENSE)
			return add_license(pi, value, ctx, err);
		return pare_error_set(err, -PARE_E_FORMAT,
				      "duplicated key (first on line %zu)",
				      ctx->first_line[i]);
	}
	switch (k->kind) {
	case K_TEXT:
		if ((r = check_text(k, value, err)) < 0)
			return r;
		*FIELD(pi, k, struct pare_slice) = value;
		if (ctx && k->check == C_LICENSE)
			ctx->license_parts = value.len ? 1 : 0;
		break;
	case K_NUMBER:
		r = set_number(pi, k, value, err);
		break;
	case K_DEPS:
		r = add_deps(pi, FIELD(pi, k, struct pare_pkginfo_deps), value,
			     err);
		break;
	case K_PATHS:
		r = add_paths(pi, value, err);
		break;
	}
	if (r < 0)
		return r;
	if (ctx && !ctx->first_line[i])
		ctx->first_line[i] = line;
	return 0;
}

static int apply_key(struct pare_pkginfo *pi, struct pare_slice key,
		     struct pare_slice value, struct parse_ctx *ctx,
		     size_t line, struct pare_error *err)
{
	const struct keydef *k = find_key(key);
	if (!k)
		return add_unknown(pi, key, value, err);
	return apply(pi, k, value, ctx, line, err);
}

/* ---- parsing ---- */

static int parse_line(struct pare_pkginfo *pi, struct pare_slice line,
		      size_t lineno, struct parse_ctx *ctx,
		      struct pare_error *err)
{
	ptrdiff_t bad = find_control(line);
	if (bad >= 0)
		return pare_error_set(err, -PARE_E_FORMAT,
				      ".PKGINFO line %zu: control character "
				      "0x%02x at column %td",
				      lineno, (unsigned char)line.ptr[bad],
				      bad + 1);
	struct pare_slice value = pare_slice_trim(line), key;
	if (value.len == 0 || value.ptr[0] == '#')
		return 0;
	if (!pare_slice_split(&value, '=', &key))
		return pare_error_set(err, -PARE_E_FORMAT,
				      ".PKGINFO line %zu: not \"key = value\"",
				      lineno);
	key = pare_slice_trim(key);
	value = pare_slice_trim(value);
	if (!key_valid(key))
		return pare_error_set(err, -PARE_E_FORMAT,
				      ".PKGINFO line %zu: invalid key " QFMT,
				      lineno, QARG(key));
	int r = apply_key(pi, key, value, ctx, lineno, err);
	if (r < 0)
		return pare_error_prefix(err, r, ".PKGINFO line %zu: %.*s: ",
					 lineno, (int)key.len, key.ptr);
	return 0;
}

static int parse_lines(struct pare_pkginfo *pi, struct pare_slice text,
		       struct pare_error *err)
{
	struct parse_ctx ctx = { { 0 }, 0 };
	size_t pos = 0, lineno = 0;
	while (pos < text.len) {
		const char *nl = memchr(text.ptr + pos, '\n', text.len - pos);
		size_t end = nl ? (size_t)(nl - text.ptr) : text.len;
		if (++lineno > PARE_PKGINFO_MAX_LINES)
			return pare_error_set(err, -PARE_E_TOO_BIG,
					      ".PKGINFO: more than %d lines",
					      PARE_PKGINFO_MAX_LINES);
		if (end - pos > PARE_PKGINFO_MAX_LINE)
			return pare_error_set(err, -PARE_E_TOO_BIG,
					      ".PKGINFO line %zu: longer than "
					      "%d bytes",
					      lineno, PARE_PKGINFO_MAX_LINE);
		int r = parse_line(pi, pare_slice_sub(text, pos, end - pos),
				   lineno, &ctx, err);
		if (r < 0)
			return r;
		pos = end + 1;
	}
	return 0;
}

int pare_pkginfo_parse(struct pare_pkginfo *pi, struct pare_slice text,
		       struct pare_error *err)
{
	return pare_pkginfo_parse_flags(pi, text, 0, err);
}

int pare_pkginfo_parse_flags(struct pare_pkginfo *pi, struct pare_slice text, unsigned flags,
			     struct pare_error *err)
{
	int r = 0;
	pare_pkginfo_init(pi);
	pi->flags = flags;
	if (text.len > PARE_PKGINFO_MAX_TEXT)
		r = pare_error_set(err, -PARE_E_TOO_BIG,
				   ".PKGINFO: %zu bytes, more than %d", text.len,
				   PARE_PKGINFO_MAX_TEXT);
	if (r == 0)
		r = parse_lines(pi, text, err);
	if (r == 0 && pi->pkgname.len == 0)
		r = pare_error_set(err, -PARE_E_FORMAT,
				   ".PKGINFO: no pkgname");
	if (r == 0 && pi->pkgver.len == 0)
		r = pare_error_set(err, -PARE_E_FORMAT, ".PKGINFO: no pkgver");
	if (r < 0)
		pare_pkginfo_release(pi);
	return r;
}

/* ---- set ---- */

int pare_pkginfo_set(struct pare_pkginfo *pi, const char *key,
		     struct pare_slice value, struct pare_error *err)
{
	struct pare_slice k = pare_slice_from(key);
	if (!key_valid(k))
		return pare_error_set(err, -PARE_E_FORMAT,
				      "invalid .PKGINFO key " QFMT, QARG(k));
	value = pare_slice_trim(value);
	if (find_control(value) >= 0)
		return pare_error_set(err, -PARE_E_FORMAT,
				      "%s: control character in value", key);
	/* Copies: the caller's strings may not outlive pi. */
	k = pare_arena_slice(&pi->arena, k);
	value = pare_arena_slice(&pi->arena, value);
	if (!k.ptr || !value.ptr)
		return no_memory(err);
	int r = apply_key(pi, k, value, NULL, 0, err);
	if (r < 0)
		return pare_error_prefix(err, r, "%s: ", key);
	return 0;
}

/* ---- writing ---- */

static int unwritable(struct pare_error *err, struct pare_slice key,
		      const char *why)
{
	return pare_error_set(err, -PARE_E_FORMAT, ".PKGINFO: %.*s: %s",
			      (int)key.len, key.ptr, why);
}

static int check_trigger(struct pare_slice p, struct pare_error *err)
{
	if (p.len == 0 || p.ptr[0] != '/' || has_blank(p) || !value_clean(p))
		return unwritable(err, PARE_SLICE_LIT("triggers"),
				  "not an absolute path without blanks");
	return 0;
}

static int check_unknown(const struct pare_pkginfo_kv *kv,
			 struct pare_error *err)
{
	if (!key_valid(kv->key) || find_key(kv->key))
		return unwritable(err, kv->key, "not a valid unknown key");
	if (!value_clean(kv->value))
		return unwritable(err, kv->key,
				  "control character or outer blanks");
	return 0;
}

/* Everything but the atoms (checked as they are written) must be what a
 * parse could have produced, or the output would not read back the same. */
static int check_writable(const struct pare_pkginfo *pi,
			  struct pare_error *err)
{
	int r = 0;
	for (size_t i = 0; r == 0 && i < NKEYS; i++) {
		const struct keydef *k = &keys[i];
		struct pare_slice name = pare_slice_from(k->name);
		if (k->kind == K_TEXT) {
			struct pare_slice v = *CFIELD(pi, k, struct pare_slice);
			if (!value_clean(v))
				return unwritable(err, name,
						  "control character or outer "
						  "blanks");
			r = check_text(k, v, err);
			if (r < 0)
				return pare_error_prefix(err, r, ".PKGINFO: %s: ",
							 k->name);
		}
	}
	for (size_t i = 0; r == 0 && i < pi->triggers.n; i++)
		r = check_trigger(pi->triggers.v[i], err);
	for (size_t i = 0; r == 0 && i < pi->unknown.n; i++)
		r = check_unknown(&pi->unknown.v[i], err);
	return r;
}

static int put_line(struct pare_buf *out, struct pare_slice key,
		    struct pare_slice v)
{
	int r = pare_buf_append_slice(out, key);
	if (r == 0)
		r = pare_buf_append_str(out, " = ");
	if (r == 0)
		r = pare_buf_append_slice(out, v);
	if (r == 0)
		r = pare_buf_putc(out, '\n');
	return r;
}

static bool dep_same(const struct pare_dep *a, const struct pare_dep *b)
{
	return pare_slice_eq(a->name, b->name) &&
	       pare_slice_eq(a->version, b->version) &&
	       pare_slice_eq(a->tag, b->tag) && a->op == b->op &&
	       a->conflict == b->conflict && a->checksum == b->checksum;
}

/* Append the canonical text of d, checking that it parses back to d. */
static int put_dep(struct pare_buf *out, const struct pare_dep *d,
		   const char *key, struct pare_error *err)
{
	struct pare_dep back;
	int n = pare_dep_format(d, NULL, 0);
	if (n <= 0)
		return unwritable(err, pare_slice_from(key), "invalid atom");
	int r = pare_buf_reserve(out, (size_t)n);
	if (r < 0)
		return r;
	/* Formatted in place: reserve made room for n bytes and the NUL. */
	char *p = out->data + out->len;
	pare_dep_format(d, p, (size_t)n + 1);
	struct pare_slice text = pare_slice_make(p, (size_t)n);
	if (pare_dep_parse(text, &back, NULL) < 0 || !dep_same(d, &back)) {
		p[0] = '\0';
		return unwritable(err, pare_slice_from(key),
				  "atom does not read back the same");
	}
	out->len += (size_t)n;
	return 0;
}

/* Before each item of a list: "key = " to start a line, or a blank to
 * go on with a one-line list.  One-line lists move on to a new line
 * rather than grow past what the parser accepts. */
static int put_sep(struct pare_buf *out, const struct keydef *k, bool first,
		   size_t item_len, size_t *line_start)
{
	int r = 0;
	if (!first) {
		bool fits = out->len - *line_start + 1 + item_len <=
			    PARE_PKGINFO_MAX_LINE;
		if (k->one_line && fits)
			return pare_buf_putc(out, ' ');
		r = pare_buf_putc(out, '\n');
	}
	*line_start = out->len;
	if (r == 0)
		r = pare_buf_appendf(out, "%s = ", k->name);
	return r;
}

static int put_deps(struct pare_buf *out, const struct keydef *k,
		    const struct pare_pkginfo_deps *l, struct pare_error *err)
{
	size_t line_start = 0;
	int r = 0;
	for (size_t i = 0; r == 0 && i < l->n; i++) {
		int len = pare_dep_format(&l->v[i], NULL, 0);
		r = put_sep(out, k, i == 0, len > 0 ? (size_t)len : 0,
			    &line_start);
		if (r == 0)
			r = put_dep(out, &l->v[i], k->name, err);
	}
	if (r == 0 && l->n)
		r = pare_buf_putc(out, '\n');
	return r;
}

static int put_paths(struct pare_buf *out, const struct keydef *k,
		     const struct pare_pkginfo_paths *l)
{
	size_t line_start = 0;
	int r = 0;
	for (size_t i = 0; r == 0 && i < l->n; i++) {
		r = put_sep(out, k, i == 0, l->v[i].len, &line_start);
		if (r == 0)
			r = pare_buf_append_slice(out, l->v[i]);
	}
	if (r == 0 && l->n)
		r = pare_buf_putc(out, '\n');
	return r;
}

static int put_key(struct pare_buf *out, const struct pare_pkginfo *pi,
		   const struct keydef *k, struct pare_error *err)
{
	switch (k->kind) {
	case K_TEXT: {
		struct pare_slice v = *CFIELD(pi, k, struct pare_slice);
		return v.len ? put_line(out, pare_slice_from(k->name), v) : 0;
	}
	case K_NUMBER:
		if (!*(const bool *)(const void *)((const char *)pi +
						   k->has_off))
			return 0;
		return pare_buf_appendf(out, "%s = %" PRIu64 "\n", k->name,
					*CFIELD(pi, k, uint64_t));
	case K_DEPS:
		return put_deps(out, k,
				CFIELD(pi, k, struct pare_pkginfo_deps), err);
	case K_PATHS:
		return put_paths(out, k, CFIELD(pi, k, struct pare_pkginfo_paths));
	}
	return 0;
}

static int put_all(struct pare_buf *out, const struct pare_pkginfo *pi,
		   struct pare_error *err)
{
	int r = pare_buf_append_str(out, "# Generated by pare\n");
	for (size_t i = 0; r == 0 && i < NKEYS; i++) {
		/* Unknown keys go right before datahash, the last key. */
		for (size_t j = 0; r == 0 && i == NKEYS - 1 &&
				   j < pi->unknown.n; j++)
			r = put_line(out, pi->unknown.v[j].key,
				     pi->unknown.v[j].value);
		if (r == 0)
			r = put_key(out, pi, &keys[i], err);
	}
	return r;
}

/* What was written must be within the parser's bounds, or it would not
 * read back (a very long value, or very many atoms). */
static int check_output(const struct pare_buf *out, size_t start,
			struct pare_error *err)
{
	struct pare_slice text = pare_slice_sub(pare_buf_slice(out), start,
						out->len - start);
	struct pare_slice line;
	size_t lineno = 0;
	if (text.len > PARE_PKGINFO_MAX_TEXT)
		return pare_error_set(err, -PARE_E_TOO_BIG,
				      "writing .PKGINFO: more than %d bytes",
				      PARE_PKGINFO_MAX_TEXT);
	while (text.len) {
		pare_slice_split(&text, '\n', &line);
		lineno++;
		if (line.len > PARE_PKGINFO_MAX_LINE)
			return pare_error_set(err, -PARE_E_TOO_BIG,
					      "writing .PKGINFO: line %zu "
					      "longer than %d bytes",
					      lineno, PARE_PKGINFO_MAX_LINE);
	}
	return 0;
}

int pare_pkginfo_write(const struct pare_pkginfo *pi, struct pare_buf *out,
		       struct pare_error *err)
{
	size_t start = out->len;
	int r = check_writable(pi, err);
	if (r < 0)
		return r;
	r = put_all(out, pi, err);
	/* Atom errors come with a message, buffer errors without. */
	if (r < 0 && r != -PARE_E_FORMAT)
		r = pare_error_set(err, r, "writing .PKGINFO: %s",
				   pare_strerror(r));
	if (r == 0)
		r = check_output(out, start, err);
	if (r < 0)
		pare_buf_truncate(out, start);
	return r;
}
