/* Debian dependency fields: "a (>= 1) | b:any, c [amd64] <!nocheck>". */
#include "deb/control.h"

#include <errno.h>
#include <stdlib.h>

#include "apk/dep.h"
#include "apk/pkginfo.h"
#include "deb/version.h"

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void skip_space(struct pare_slice *s)
{
	while (s->len && is_space(s->ptr[0]))
		*s = pare_slice_sub(*s, 1, s->len - 1);
}

static void advance(struct pare_slice *s, size_t n)
{
	*s = pare_slice_sub(*s, n, s->len - n);
}

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '+' || c == '-' || c == '.' || c == '_';
}

static struct pare_slice take_while(struct pare_slice *s, bool (*pred)(char))
{
	size_t n = 0;
	while (n < s->len && pred(s->ptr[n]))
		n++;
	struct pare_slice t = pare_slice_sub(*s, 0, n);
	advance(s, n);
	return t;
}

static const struct {
	const char *text;
	enum pare_deb_op op;
} ops[] = {
	{ "<<", PARE_DEB_OP_LT }, { "<=", PARE_DEB_OP_LE }, { ">=", PARE_DEB_OP_GE },
	{ ">>", PARE_DEB_OP_GT }, { "=", PARE_DEB_OP_EQ },  { "<", PARE_DEB_OP_LE },
	{ ">", PARE_DEB_OP_GE },
};

const char *pare_deb_op_str(enum pare_deb_op op)
{
	switch (op) {
	case PARE_DEB_OP_LT:
		return "<<";
	case PARE_DEB_OP_LE:
		return "<=";
	case PARE_DEB_OP_EQ:
		return "=";
	case PARE_DEB_OP_GE:
		return ">=";
	case PARE_DEB_OP_GT:
		return ">>";
	default:
		return "";
	}
}

static bool version_char(char c)
{
	return !is_space(c) && c != ')' && c != '(' && c != ',' && c != '|';
}

/* "(OP VERSION)" at the start of s (after the '('). */
static int parse_constraint(struct pare_slice *s, struct pare_deb_dep *d, struct pare_error *err)
{
	skip_space(s);
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (pare_slice_starts_with(*s, pare_slice_from(ops[i].text))) {
			d->op = ops[i].op;
			advance(s, strlen(ops[i].text));
			break;
		}
	if (d->op == PARE_DEB_OP_NONE)
		return pare_error_set(err, -PARE_E_INVALID_DEP, "no relation operator after '('");
	skip_space(s);
	d->version = take_while(s, version_char);
	struct pare_deb_version v;
	int r = pare_deb_version_parse(d->version, &v, err);
	if (r < 0)
		return r;
	skip_space(s);
	if (!s->len || s->ptr[0] != ')')
		return pare_error_set(err, -PARE_E_INVALID_DEP, "no ')' after the version");
	advance(s, 1);
	return 0;
}

/* Skip "[...]" or "<...>" groups (architecture restrictions, build profiles). */
static int skip_restrictions(struct pare_slice *s, struct pare_error *err)
{
	for (;;) {
		skip_space(s);
		if (!s->len || (s->ptr[0] != '[' && s->ptr[0] != '<'))
			return 0;
		char close = s->ptr[0] == '[' ? ']' : '>';
		ptrdiff_t end = pare_slice_find(*s, close);
		if (end < 0)
			return pare_error_set(err, -PARE_E_INVALID_DEP, "no '%c' to close '%c'", close,
					      s->ptr[0]);
		advance(s, (size_t)end + 1);
	}
}

static int parse_atom(struct pare_slice *s, struct pare_deb_dep *d, struct pare_error *err)
{
	*d = (struct pare_deb_dep){ .op = PARE_DEB_OP_NONE };
	skip_space(s);
	d->name = take_while(s, name_char);
	if (d->name.len == 0)
		return pare_error_set(err, -PARE_E_INVALID_DEP, "missing package name");
	if (s->len && s->ptr[0] == ':') {
		advance(s, 1);
		d->arch_qual = take_while(s, name_char);
		if (d->arch_qual.len == 0)
			return pare_error_set(err, -PARE_E_INVALID_DEP, "empty architecture after ':'");
	}
	skip_space(s);
	if (s->len && s->ptr[0] == '(') {
		advance(s, 1);
		int r = parse_constraint(s, d, err);
		if (r < 0)
			return r;
	}
	return skip_restrictions(s, err);
}

static int push(void **arr, size_t *n, size_t size, const void *item)
{
	if ((*n & (*n - 1)) == 0) { /* grow at powers of two */
		size_t cap = *n ? *n * 2 : 4;
		void *p = realloc(*arr, cap * size);
		if (!p)
			return -ENOMEM;
		*arr = p;
	}
	memcpy((char *)*arr + *n * size, item, size);
	(*n)++;
	return 0;
}

static int parse_field(struct pare_slice s, struct pare_deb_deplist *out, struct pare_error *err)
{
	skip_space(&s);
	while (s.len) {
		struct pare_deb_depgroup g = { out->ndeps, 0 };
		for (;;) {
			struct pare_deb_dep d;
			int r = parse_atom(&s, &d, err);
			if (r < 0)
				return r;
			if (out->ndeps >= PARE_DEB_DEPS_MAX)
				return pare_error_set(err, -PARE_E_TOO_BIG, "more than %d dependencies",
						      PARE_DEB_DEPS_MAX);
			if (push((void **)&out->deps, &out->ndeps, sizeof(d), &d) < 0)
				return pare_error_set(err, -ENOMEM, "out of memory");
			g.n++;
			skip_space(&s);
			if (!s.len || s.ptr[0] != '|')
				break;
			advance(&s, 1);
		}
		if (push((void **)&out->groups, &out->ngroups, sizeof(g), &g) < 0)
			return pare_error_set(err, -ENOMEM, "out of memory");
		if (!s.len)
			break;
		if (s.ptr[0] != ',')
			return pare_error_set(err, -PARE_E_INVALID_DEP, "unexpected '%c'", s.ptr[0]);
		advance(&s, 1);
		skip_space(&s);
	}
	return 0;
}

int pare_deb_deps_parse(struct pare_slice field, struct pare_deb_deplist *out,
			struct pare_error *err)
{
	*out = (struct pare_deb_deplist){ 0 };
	int r = parse_field(field, out, err);
	if (r < 0)
		pare_error_prefix(err, r, "'%.*s': ", (int)(field.len > 60 ? 60 : field.len),
				  field.ptr ? field.ptr : "");
	return r;
}

void pare_deb_deplist_release(struct pare_deb_deplist *l)
{
	if (!l)
		return;
	free(l->deps);
	free(l->groups);
	*l = (struct pare_deb_deplist){ 0 };
}

int pare_deb_dep_to_apk(const struct pare_deb_dep *d, struct pare_slice name, bool conflict,
			struct pare_buf *out, struct pare_error *err)
{
	static const char *const apk_op[] = {
		[PARE_DEB_OP_NONE] = "", [PARE_DEB_OP_LT] = "<", [PARE_DEB_OP_LE] = "<=",
		[PARE_DEB_OP_EQ] = "=",  [PARE_DEB_OP_GE] = ">=", [PARE_DEB_OP_GT] = ">",
	};
	if (!pare_pkginfo_name_valid(name))
		return pare_error_set(err, -PARE_E_INVALID_DEP, "'%.*s': not an APK package name",
				      (int)name.len, name.ptr ? name.ptr : "");
	if ((unsigned)d->op > PARE_DEB_OP_GT)
		return pare_error_set(err, -PARE_E_INVALID_DEP, "bad relation operator");
	size_t start = out->len;
	int r = pare_buf_appendf(out, "%s%.*s%s", conflict ? "!" : "", (int)name.len, name.ptr,
				 apk_op[d->op]);
	if (r == 0 && d->op != PARE_DEB_OP_NONE)
		r = pare_deb_version_to_apk(d->version, out, err);
	else if (r < 0)
		r = pare_error_set(err, r, "dependency too long");
	struct pare_dep check;
	if (r == 0 && pare_dep_parse(pare_slice_make(out->data + start, out->len - start), &check,
				     err) < 0)
		r = -PARE_E_INVALID_DEP;
	if (r < 0)
		pare_buf_truncate(out, start); /* nothing half-written */
	return r;
}
