#include "apk/version.h"

#include <string.h>

#include "base/error.h"

/* Token types, in the order they may appear in a version.  When two
 * versions agree up to a point and then continue with tokens of different
 * types, the one whose token comes earlier in this order is the greater
 * (more components beat fewer), except that a pre-release suffix is lower
 * than anything. */
enum tok_type {
	TOK_NUM,
	TOK_LETTER,
	TOK_SUFFIX,
	TOK_SUFFIX_NUM,
	TOK_HASH,
	TOK_REV,
	TOK_END,
	TOK_INVALID,
};

/* Suffixes in sort order; index < SUFFIX_RELEASE means pre-release. */
static const char *const suffixes[] = {
	"alpha", "beta", "pre", "rc", "", "cvs", "svn", "git", "hg", "p",
};
#define SUFFIX_RELEASE 4
#define NSUFFIXES (sizeof(suffixes) / sizeof(suffixes[0]))

struct tok {
	enum tok_type type;
	struct pare_slice val; /* digits, letter, suffix name or hash */
	int suffix;            /* index in suffixes[] for TOK_SUFFIX */
	bool first;            /* TOK_NUM: the first number of the version */
};

/* Walks a version; `prev` is the type of the last token returned
 * (TOK_END before the first one). */
struct tokenizer {
	struct pare_slice s;
	size_t pos;
	enum tok_type prev;
	bool started;
};

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_lower(char c)
{
	return c >= 'a' && c <= 'z';
}

static bool is_hex(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f');
}

/* Length of the run at pos whose chars satisfy pred. */
static size_t span(const struct tokenizer *t, bool (*pred)(char))
{
	size_t n = 0;
	while (t->pos + n < t->s.len && pred(t->s.ptr[t->pos + n]))
		n++;
	return n;
}

/* Take n chars at pos as the token value. */
static void take(struct tokenizer *t, struct tok *k, enum tok_type type,
		 size_t n)
{
	k->type = type;
	k->val = pare_slice_sub(t->s, t->pos, n);
	t->pos += n;
}

static int suffix_index(struct pare_slice name)
{
	for (size_t i = 0; i < NSUFFIXES; i++)
		if (i != SUFFIX_RELEASE && pare_slice_eq_cstr(name, suffixes[i]))
			return (int)i;
	return -1;
}

/* Which separators may follow a token of type `prev`. */
static bool allowed_after(enum tok_type prev, char sep)
{
	switch (sep) {
	case '.':
		return prev == TOK_NUM;
	case '_':
		return prev <= TOK_SUFFIX_NUM;
	case '~':
		return prev <= TOK_SUFFIX_NUM;
	case '-':
		return prev <= TOK_HASH;
	default:
		return false;
	}
}

/* The token after a separator char `sep` (already consumed). */
static void next_after_sep(struct tokenizer *t, struct tok *k, char sep)
{
	size_t n;
	switch (sep) {
	case '.':
		n = span(t, is_digit);
		take(t, k, n ? TOK_NUM : TOK_INVALID, n);
		return;
	case '_':
		n = span(t, is_lower);
		take(t, k, TOK_SUFFIX, n);
		k->suffix = suffix_index(k->val);
		if (k->suffix < 0)
			k->type = TOK_INVALID;
		return;
	case '~':
		n = span(t, is_hex);
		take(t, k, n ? TOK_HASH : TOK_INVALID, n);
		return;
	default: /* '-' */
		if (t->pos < t->s.len && t->s.ptr[t->pos] == 'r') {
			t->pos++;
			n = span(t, is_digit);
			take(t, k, n ? TOK_REV : TOK_INVALID, n);
		} else {
			take(t, k, TOK_INVALID, 0);
		}
		return;
	}
}

static struct tok next_token(struct tokenizer *t)
{
	struct tok k = { .type = TOK_INVALID, .suffix = -1 };
	if (t->prev == TOK_INVALID)
		return k;
	if (!t->started) {
		t->started = true;
		size_t n = span(t, is_digit);
		take(t, &k, n ? TOK_NUM : TOK_INVALID, n);
		k.first = true;
	} else if (t->pos == t->s.len) {
		k.type = TOK_END;
	} else {
		char c = t->s.ptr[t->pos];
		size_t n;
		if (t->prev == TOK_NUM && is_lower(c)) {
			take(t, &k, TOK_LETTER, 1);
		} else if (t->prev == TOK_SUFFIX && (n = span(t, is_digit))) {
			take(t, &k, TOK_SUFFIX_NUM, n);
		} else if (allowed_after(t->prev, c)) {
			t->pos++;
			next_after_sep(t, &k, c);
		}
	}
	t->prev = k.type;
	return k;
}

static void tokenizer_init(struct tokenizer *t, struct pare_slice v)
{
	*t = (struct tokenizer){ .s = v, .prev = TOK_END };
}

/* Digits, then ".digits" any number of times, then an optional "-r" and
 * digits, and nothing else: "1.2.3-r0", most versions in an index.  Each
 * such version is valid for the tokenizer below (NUM, NUM..., REV, END). */
static bool plain_version(struct pare_slice v)
{
	size_t i = 0, n = v.len;
	for (;;) {
		size_t d = i;
		while (i < n && is_digit(v.ptr[i]))
			i++;
		if (i == d)
			return false;
		if (i == n)
			return true;
		if (v.ptr[i] != '.')
			break;
		i++;
	}
	if (n - i < 3 || v.ptr[i] != '-' || v.ptr[i + 1] != 'r')
		return false;
	for (i += 2; i < n; i++)
		if (!is_digit(v.ptr[i]))
			return false;
	return true;
}

bool pare_version_valid(struct pare_slice v)
{
	if (plain_version(v))
		return true;
	struct tokenizer t;
	tokenizer_init(&t, v);
	for (;;) {
		struct tok k = next_token(&t);
		if (k.type == TOK_END)
			return true;
		if (k.type == TOK_INVALID)
			return false;
	}
}

static int result_of(int cmp)
{
	if (cmp < 0)
		return PARE_VERSION_LESS;
	return cmp > 0 ? PARE_VERSION_GREATER : PARE_VERSION_EQUAL;
}

/* Numeric comparison of digit strings of any length. */
static int cmp_numeric(struct pare_slice a, struct pare_slice b)
{
	while (a.len > 1 && a.ptr[0] == '0')
		a = pare_slice_sub(a, 1, a.len - 1);
	while (b.len > 1 && b.ptr[0] == '0')
		b = pare_slice_sub(b, 1, b.len - 1);
	if (a.len != b.len)
		return a.len < b.len ? -1 : 1;
	return pare_slice_cmp(a, b);
}

/* Compare two tokens of the same type. */
static int cmp_same(const struct tok *a, const struct tok *b)
{
	switch (a->type) {
	case TOK_NUM:
		/* After the first number, a leading zero makes it a fraction. */
		if (!a->first && (a->val.ptr[0] == '0' || b->val.ptr[0] == '0'))
			return result_of(pare_slice_cmp(a->val, b->val));
		return result_of(cmp_numeric(a->val, b->val));
	case TOK_SUFFIX:
		return result_of(a->suffix - b->suffix);
	case TOK_SUFFIX_NUM:
	case TOK_REV:
		return result_of(cmp_numeric(a->val, b->val));
	default: /* letter, hash */
		return result_of(pare_slice_cmp(a->val, b->val));
	}
}

static bool is_pre_release(const struct tok *k)
{
	return k->type == TOK_SUFFIX && k->suffix < SUFFIX_RELEASE;
}

int pare_version_compare_fuzzy(struct pare_slice a, struct pare_slice b,
			       bool fuzzy)
{
	/* The same bytes make the same tokens, and every token compares equal
	 * to itself (an invalid one ends in the same string comparison): the
	 * '=' dependencies between a package and its subpackages. */
	if (pare_slice_eq(a, b))
		return PARE_VERSION_EQUAL;
	struct tokenizer ta, tb;
	tokenizer_init(&ta, a);
	tokenizer_init(&tb, b);
	for (;;) {
		struct tok ka = next_token(&ta);
		struct tok kb = next_token(&tb);
		if (ka.type == TOK_INVALID || kb.type == TOK_INVALID)
			break;
		if (ka.type == kb.type) {
			if (ka.type == TOK_END)
				return PARE_VERSION_EQUAL;
			int r = cmp_same(&ka, &kb);
			if (r != PARE_VERSION_EQUAL)
				return r;
			continue;
		}
		if (fuzzy && kb.type == TOK_END)
			return PARE_VERSION_EQUAL;
		if (is_pre_release(&ka))
			return PARE_VERSION_LESS;
		if (is_pre_release(&kb))
			return PARE_VERSION_GREATER;
		return ka.type < kb.type ? PARE_VERSION_GREATER
					 : PARE_VERSION_LESS;
	}
	/* Undecided when an invalid token showed up: compare the strings. */
	return result_of(pare_slice_cmp(a, b));
}

int pare_version_compare(struct pare_slice a, struct pare_slice b)
{
	return pare_version_compare_fuzzy(a, b, false);
}

bool pare_version_match(struct pare_slice a, unsigned op_mask,
			struct pare_slice b)
{
	if (op_mask == PARE_VERSION_CHECKSUM)
		return false;
	bool fuzzy = (op_mask & PARE_VERSION_FUZZY) != 0;
	return ((unsigned)pare_version_compare_fuzzy(a, b, fuzzy) & op_mask) != 0;
}

static const struct {
	const char *text;
	unsigned mask;
} ops[] = {
	/* Canonical spellings first: pare_version_op_str picks the first. */
	{ "=", PARE_VERSION_EQUAL },
	{ "<", PARE_VERSION_LESS },
	{ ">", PARE_VERSION_GREATER },
	{ "<=", PARE_VERSION_LESS | PARE_VERSION_EQUAL },
	{ ">=", PARE_VERSION_GREATER | PARE_VERSION_EQUAL },
	{ "~", PARE_VERSION_FUZZY | PARE_VERSION_EQUAL },
	{ "=~", PARE_VERSION_FUZZY | PARE_VERSION_EQUAL },
	{ "<~", PARE_VERSION_FUZZY | PARE_VERSION_EQUAL | PARE_VERSION_LESS },
	{ ">~", PARE_VERSION_FUZZY | PARE_VERSION_EQUAL | PARE_VERSION_GREATER },
	{ "><", PARE_VERSION_CHECKSUM },
};

static bool is_op_char(char c)
{
	return c == '<' || c == '>' || c == '=' || c == '~';
}

int pare_version_op_parse(struct pare_slice *s, unsigned *op)
{
	size_t n = 0;
	while (n < s->len && is_op_char(s->ptr[n]))
		n++;
	/* every operator is one or two characters: compared in place (an
	 * index's dependencies parse one per versioned atom) */
	const char *p = s->ptr;
	for (size_t i = 0; (n == 1 || n == 2) && i < sizeof(ops) / sizeof(ops[0]); i++) {
		const char *t = ops[i].text;
		if (t[0] == p[0] && (n == 1 ? t[1] == '\0' : t[1] == p[1] && t[2] == '\0')) {
			*op = ops[i].mask;
			*s = pare_slice_sub(*s, n, s->len - n);
			return 0;
		}
	}
	return -PARE_E_INVALID_DEP;
}

const char *pare_version_op_str(unsigned op)
{
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (ops[i].mask == op)
			return ops[i].text;
	return "?";
}

static struct pare_slice strip_comment(struct pare_slice line)
{
	ptrdiff_t hash = pare_slice_find(line, '#');
	if (hash >= 0)
		line.len = (size_t)hash;
	return line;
}

static int test_compare(struct pare_slice a, struct pare_slice op_text, struct pare_slice b)
{
	bool negate = op_text.len && op_text.ptr[0] == '!';
	if (negate)
		op_text = pare_slice_sub(op_text, 1, op_text.len - 1);
	unsigned op;
	if (pare_version_op_parse(&op_text, &op) < 0 || op_text.len)
		return -PARE_E_FORMAT;
	return pare_version_match(a, op, b) != negate;
}

int pare_version_test_expr(struct pare_slice line)
{
	struct pare_slice w[4];
	size_t n = 0;
	line = strip_comment(line);
	while (n < 4 && pare_slice_next_word(&line, &w[n]))
		n++;
	if (n == 0)
		return 2;
	if (n == 1) {
		bool want_valid = w[0].ptr[0] != '!';
		if (!want_valid)
			w[0] = pare_slice_sub(w[0], 1, w[0].len - 1);
		return pare_version_valid(w[0]) == want_valid;
	}
	if (n == 3)
		return test_compare(w[0], w[1], w[2]);
	return -PARE_E_FORMAT;
}
