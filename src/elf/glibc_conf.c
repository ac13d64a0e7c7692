/* nsswitch.conf and gconv module configuration (see glibc_conf.h). */
#include <ctype.h>
#include <string.h>

#include "elf/glibc_conf.h"

bool pare_nss_builtin(struct pare_slice s)
{
	return pare_slice_eq_cstr(s, "files") || pare_slice_eq_cstr(s, "dns");
}

/* The line without its comment. */
static struct pare_slice uncommented(struct pare_slice line)
{
	ptrdiff_t hash = pare_slice_find(line, '#');
	return hash >= 0 ? pare_slice_sub(line, 0, (size_t)hash) : line;
}

int pare_nsswitch_each(struct pare_slice text,
		       int (*fn)(void *ctx, struct pare_slice db, struct pare_slice service),
		       void *ctx)
{
	struct pare_slice line, word;
	for (bool more = text.len > 0; more;) {
		more = pare_slice_split(&text, '\n', &line);
		line = uncommented(line);
		ptrdiff_t colon = pare_slice_find(line, ':');
		if (colon <= 0)
			continue;
		struct pare_slice db = pare_slice_trim(pare_slice_sub(line, 0, (size_t)colon));
		if (db.len == 0) /* "  : files": no database (found by fuzz_glibcconf) */
			continue;
		struct pare_slice rest = pare_slice_sub(line, (size_t)colon + 1,
							line.len - (size_t)colon - 1);
		bool in_action = false;
		while (pare_slice_next_word(&rest, &word)) {
			/* "[NOTFOUND=return]" or "[ !UNAVAIL = return ]" */
			bool opens = word.ptr[0] == '[';
			bool closes = word.ptr[word.len - 1] == ']';
			if (opens || in_action) {
				in_action = !closes;
				continue;
			}
			int r = fn(ctx, db, word);
			if (r)
				return r;
		}
	}
	return 0;
}

int pare_gconv_conf_each(struct pare_slice text,
			 int (*fn)(void *ctx, const struct pare_gconv_line *l), void *ctx)
{
	struct pare_slice line;
	for (bool more = text.len > 0; more;) {
		more = pare_slice_split(&text, '\n', &line);
		struct pare_slice rest = uncommented(line), w[4];
		size_t n = 0;
		while (n < 4 && pare_slice_next_word(&rest, &w[n]))
			n++;
		struct pare_gconv_line l = { 0 };
		if (n >= 3 && pare_slice_eq_cstr(w[0], "alias"))
			l = (struct pare_gconv_line){ PARE_GCONV_ALIAS, w[1], w[2], PARE_SLICE_NULL };
		else if (n >= 4 && pare_slice_eq_cstr(w[0], "module"))
			l = (struct pare_gconv_line){ PARE_GCONV_MODULE, w[1], w[2], w[3] };
		else
			continue;
		int r = fn(ctx, &l);
		if (r)
			return r;
	}
	return 0;
}

static struct pare_slice unslashed(struct pare_slice s)
{
	while (s.len && s.ptr[s.len - 1] == '/')
		s.len--;
	return s;
}

bool pare_gconv_name_eq(struct pare_slice a, struct pare_slice b)
{
	a = unslashed(a);
	b = unslashed(b);
	if (a.len != b.len)
		return false;
	for (size_t i = 0; i < a.len; i++)
		if (toupper((unsigned char)a.ptr[i]) != toupper((unsigned char)b.ptr[i]))
			return false;
	return true;
}

/* glibc's built-in transformations and their aliases (measured on glibc
 * 2.36 with an empty gconv directory: UTF-16/32/7 are modules). */
static const char *const builtin[] = {
	"INTERNAL", "WCHAR_T", "UTF-8", "UTF8", "ISO-10646/UTF8", "ISO-10646/UTF-8",
	"ISO-IR-193", "UCS-4", "UCS4", "UCS-4BE", "UCS-4LE", "ISO-10646", "ISO-10646/UCS4",
	"CSUCS4", "10646-1:1993", "10646-1:1993/UCS4", "UCS-2", "UCS2", "UCS-2BE", "UCS-2LE",
	"ISO-10646/UCS2", "CSUNICODE", "UNICODEBIG", "UNICODELITTLE", "ANSI_X3.4-1968",
	"ANSI_X3.4-1986", "ANSI_X3.4", "ISO-IR-6", "ISO_646.IRV:1991", "ASCII", "ISO646-US",
	"US-ASCII", "US", "IBM367", "CP367", "CSASCII", NULL,
};

bool pare_gconv_builtin(struct pare_slice name)
{
	for (size_t i = 0; builtin[i]; i++)
		if (pare_gconv_name_eq(name, pare_slice_from(builtin[i])))
			return true;
	return false;
}
