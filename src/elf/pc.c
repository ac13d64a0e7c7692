/* pkg-config (.pc) files: variables, the Version field and the names in
 * Requires, as pkg-config reads them (learned from its documented
 * format: `name=value` defines a variable, `Key: value` a field, `#`
 * starts a comment, ${name} expands a variable). */
#include "elf/sca.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "base/buf.h"

#define PC_MAX_VARS 256
#define PC_MAX_VALUE (64u * 1024)
#define PC_MAX_DEPTH 32

struct pc_var {
	struct pare_slice name, value;
};

struct pc_state {
	struct pc_var vars[PC_MAX_VARS];
	size_t nvars;
	struct pare_arena *a;
	struct pare_error *err;
};

static const struct pc_var *pc_find(const struct pc_state *st, struct pare_slice name)
{
	for (size_t i = st->nvars; i-- > 0;)
		if (pare_slice_eq(st->vars[i].name, name))
			return &st->vars[i];
	return NULL;
}

/* Expand ${var} in v into b (unknown variables expand to nothing). */
static int pc_expand(const struct pc_state *st, struct pare_slice v, struct pare_buf *b, int depth)
{
	if (depth > PC_MAX_DEPTH)
		return pare_error_set(st->err, -PARE_E_TOO_BIG, ".pc: variables nest too deep");
	for (size_t i = 0; i < v.len; i++) {
		int rc;
		if (v.ptr[i] == '$' && i + 1 < v.len && v.ptr[i + 1] == '$') {
			rc = pare_buf_putc(b, '$');
			i++;
		} else if (v.ptr[i] == '$' && i + 1 < v.len && v.ptr[i + 1] == '{') {
			struct pare_slice rest = pare_slice_sub(v, i + 2, v.len - i - 2);
			ptrdiff_t close = pare_slice_find(rest, '}');
			if (close < 0)
				return pare_buf_append_slice(b, pare_slice_sub(v, i, v.len - i));
			const struct pc_var *var = pc_find(st, pare_slice_sub(rest, 0, (size_t)close));
			rc = var ? pc_expand(st, var->value, b, depth + 1) : 0;
			i += 2 + (size_t)close;
		} else {
			rc = pare_buf_putc(b, v.ptr[i]);
		}
		if (rc < 0)
			return rc == -PARE_E_TOO_BIG
				       ? pare_error_set(st->err, rc, ".pc: value longer than %u bytes",
							PC_MAX_VALUE)
				       : rc;
	}
	return 0;
}

static bool pc_ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '.';
}

/* An operator token of a Requires list. */
static bool pc_is_op(struct pare_slice w)
{
	static const char *const ops[] = { "=", "<", ">", "<=", ">=", "!=" };
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (pare_slice_eq_cstr(w, ops[i]))
			return true;
	return false;
}

/* A pkg-config module name ("glib-2.0", "gtk+-3.0"); anything else (NUL,
 * control or non-ASCII bytes) would become a bad pc: dependency. */
static bool pc_name_ok(struct pare_slice w)
{
	for (size_t i = 0; i < w.len; i++)
		if (!pc_ident_char(w.ptr[i]) && w.ptr[i] != '-' && w.ptr[i] != '+')
			return false;
	return w.len > 0;
}

/* Names of a Requires value: "a, b >= 1.0 c" -> a b c; words that are no
 * module name are left out. */
static int pc_requires(struct pare_slice v, struct pare_arena *a, struct pare_strlist *out)
{
	bool skip_version = false;
	size_t i = 0;
	while (i < v.len) {
		while (i < v.len && (isspace((unsigned char)v.ptr[i]) || v.ptr[i] == ','))
			i++;
		size_t start = i;
		bool op = i < v.len && strchr("=<>!", v.ptr[i]);
		while (i < v.len && !isspace((unsigned char)v.ptr[i]) && v.ptr[i] != ',' &&
		       (op ? strchr("=<>!", v.ptr[i]) != NULL : strchr("=<>!", v.ptr[i]) == NULL))
			i++;
		struct pare_slice w = pare_slice_sub(v, start, i - start);
		if (w.len == 0)
			continue;
		if (pc_is_op(w)) {
			skip_version = true;
			continue;
		}
		if (skip_version) {
			skip_version = false;
			continue;
		}
		if (!pc_name_ok(w))
			continue;
		int rc = pare_strlist_add(out, a, w);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int pc_line(struct pc_state *st, struct pare_slice line, const char **version,
		   struct pare_strlist *requires, struct pare_buf *b)
{
	size_t k = 0;
	while (k < line.len && pc_ident_char(line.ptr[k]))
		k++;
	struct pare_slice key = pare_slice_sub(line, 0, k);
	struct pare_slice rest = pare_slice_trim(pare_slice_sub(line, k, line.len - k));
	if (key.len == 0 || rest.len == 0 || (rest.ptr[0] != '=' && rest.ptr[0] != ':'))
		return 0;
	bool is_var = rest.ptr[0] == '=';
	struct pare_slice value = pare_slice_trim(pare_slice_sub(rest, 1, rest.len - 1));
	pare_buf_reset(b);
	int rc = pc_expand(st, value, b, 0);
	if (rc < 0)
		return rc;
	struct pare_slice expanded = pare_arena_slice(st->a, pare_buf_slice(b));
	if (!expanded.ptr)
		return -ENOMEM;
	if (is_var) {
		if (st->nvars == PC_MAX_VARS)
			return pare_error_set(st->err, -PARE_E_TOO_BIG, ".pc: more than %d variables",
					      PC_MAX_VARS);
		st->vars[st->nvars++] = (struct pc_var){ key, expanded };
	} else if (pare_slice_eq_cstr(key, "Version")) {
		*version = expanded.ptr;
	} else if (pare_slice_eq_cstr(key, "Requires")) {
		return pc_requires(expanded, st->a, requires);
	}
	return 0;
}

int pare_pc_parse(struct pare_slice text, struct pare_arena *a, const char **version,
		  struct pare_strlist *requires, struct pare_error *err)
{
	struct pc_state *st = calloc(1, sizeof(*st));
	if (!st)
		return -ENOMEM;
	st->a = a;
	st->err = err;
	*version = NULL;
	struct pare_buf b;
	pare_buf_init(&b, PC_MAX_VALUE);
	struct pare_slice line;
	int rc = 0;
	while (rc == 0 && text.len) {
		pare_slice_split(&text, '\n', &line);
		ptrdiff_t hash = pare_slice_find(line, '#');
		if (hash >= 0)
			line.len = (size_t)hash;
		rc = pc_line(st, pare_slice_trim(line), version, requires, &b);
	}
	pare_buf_release(&b);
	free(st);
	return rc;
}
