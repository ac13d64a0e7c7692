/* Command-line splitting (apko's shlex rules) and typo suggestions. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "base/buf.h"
#include "image/config.h"

/* ---- shlex ---- */

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

struct splitter {
	struct pare_slice s;
	size_t i;
	struct pare_buf word;
	struct pare_error *err;
};

static int quoted(struct splitter *sp, char q)
{
	for (sp->i++; sp->i < sp->s.len; sp->i++) {
		char c = sp->s.ptr[sp->i];
		if (c == q)
			return 0;
		if (q == '"' && c == '\\') {
			if (++sp->i >= sp->s.len)
				break;
			c = sp->s.ptr[sp->i];
		}
		int r = pare_buf_putc(&sp->word, c);
		if (r < 0)
			return r;
	}
	return pare_error_set(sp->err, -PARE_E_FORMAT, "unterminated %s quote",
			      q == '"' ? "double" : "single");
}

/* One word starting at sp->i (not blank). */
static int one_word(struct splitter *sp)
{
	int r = 0;
	for (; r == 0 && sp->i < sp->s.len && !is_blank(sp->s.ptr[sp->i]); sp->i++) {
		char c = sp->s.ptr[sp->i];
		if (c == '\'' || c == '"') {
			r = quoted(sp, c);
		} else if (c == '\\') {
			if (++sp->i >= sp->s.len)
				return pare_error_set(sp->err, -PARE_E_FORMAT,
						      "ends with a lone backslash");
			r = pare_buf_putc(&sp->word, sp->s.ptr[sp->i]);
		} else {
			r = pare_buf_putc(&sp->word, c);
		}
	}
	return r;
}

static void skip_comment(struct splitter *sp)
{
	while (sp->i < sp->s.len && sp->s.ptr[sp->i] != '\n')
		sp->i++;
}

int pare_image_split_command(struct pare_arena *a, struct pare_slice s, size_t max,
			     const char ***argv, struct pare_error *err)
{
	struct splitter sp = { .s = s, .err = err };
	const char *words[PARE_IMAGE_CONFIG_MAX_ARGV];
	size_t n = 0;
	int r = 0;
	if (max > PARE_IMAGE_CONFIG_MAX_ARGV)
		max = PARE_IMAGE_CONFIG_MAX_ARGV;
	pare_buf_init(&sp.word, PARE_IMAGE_CONFIG_MAX_SCALAR);
	while (r == 0) {
		while (sp.i < s.len && is_blank(s.ptr[sp.i]))
			sp.i++;
		if (sp.i >= s.len)
			break;
		if (s.ptr[sp.i] == '#') {
			skip_comment(&sp);
			continue;
		}
		pare_buf_reset(&sp.word);
		r = one_word(&sp);
		if (r == 0 && n >= max)
			r = pare_error_set(err, -PARE_E_TOO_BIG, "more than %zu words", max);
		if (r == 0 && !(words[n++] = pare_arena_strdup(a, pare_buf_slice(&sp.word))))
			r = -ENOMEM;
	}
	pare_buf_release(&sp.word);
	if (r < 0)
		return r;
	*argv = pare_arena_alloc(a, (n ? n : 1) * sizeof(**argv));
	if (!*argv)
		return -ENOMEM;
	memcpy(*argv, words, n * sizeof(*words));
	return (int)n;
}

/* ---- suggestions ---- */

#define DIST_MAX 64

static size_t min3(size_t a, size_t b, size_t c)
{
	size_t m = a < b ? a : b;
	return m < c ? m : c;
}

size_t pare_edit_distance(struct pare_slice a, struct pare_slice b)
{
	if (a.len > DIST_MAX || b.len > DIST_MAX)
		return SIZE_MAX;
	size_t d[DIST_MAX + 1][DIST_MAX + 1];
	for (size_t i = 0; i <= a.len; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= b.len; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= a.len; i++) {
		for (size_t j = 1; j <= b.len; j++) {
			size_t cost = a.ptr[i - 1] == b.ptr[j - 1] ? 0 : 1;
			d[i][j] = min3(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
			if (i > 1 && j > 1 && a.ptr[i - 1] == b.ptr[j - 2] &&
			    a.ptr[i - 2] == b.ptr[j - 1] && d[i - 2][j - 2] + 1 < d[i][j])
				d[i][j] = d[i - 2][j - 2] + 1;
		}
	}
	return d[a.len][b.len];
}

const char *pare_nearest_word(struct pare_slice word, const char *const *candidates)
{
	size_t limit = word.len / 3 > 1 ? word.len / 3 : 1;
	size_t best = SIZE_MAX;
	const char *found = NULL;
	for (size_t i = 0; candidates && candidates[i]; i++) {
		size_t d = pare_edit_distance(word, pare_slice_from(candidates[i]));
		if (d < best) {
			best = d;
			found = candidates[i];
		}
	}
	if (best > limit || best >= word.len)
		return NULL;
	return found;
}
