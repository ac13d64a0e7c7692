/* The splitting policy table and the glob matcher (see split.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "split/split.h"

#define LIBDIRS "{lib,usr/lib,lib64,usr/lib64}"
#define LIBDIRS_ALL "{lib,usr/lib,lib64,usr/lib64,lib/*-linux-gnu,usr/lib/*-linux-gnu}"

const struct pare_split_rule pare_split_policy[] = {
	{ "usr/share/lintian/**", PARE_SPLIT_DROP, PARE_SPLIT_ANY },
	{ "usr/share/bug/**", PARE_SPLIT_DROP, PARE_SPLIT_ANY },
	{ "usr/share/doc-base/**", PARE_SPLIT_DROP, PARE_SPLIT_ANY },
	{ "usr/share/menu/**", PARE_SPLIT_DROP, PARE_SPLIT_ANY },
	{ "usr/lib/debug/**", "-dbg", PARE_SPLIT_ANY },
	{ "**.debug", "-dbg", PARE_SPLIT_ANY },
	{ "usr/include/**", "-dev", PARE_SPLIT_ANY },
	{ "usr/{lib,lib/*-linux-gnu,share}/pkgconfig/*.pc", "-dev", PARE_SPLIT_ANY },
	{ "usr/{lib,lib/*-linux-gnu,share}/cmake/**", "-dev", PARE_SPLIT_ANY },
	{ LIBDIRS_ALL "/*.la", "-dev", PARE_SPLIT_ANY },
	{ LIBDIRS_ALL "/lib*.so", "-dev", PARE_SPLIT_LINK },
	{ LIBDIRS_ALL "/*.a", "-static", PARE_SPLIT_ANY },
	{ "usr/share/doc/*/{copyright,LICENSE*,LICENCE*,COPYING*}", NULL, PARE_SPLIT_ANY },
	{ "usr/share/{man,info,gtk-doc,doc}/**", "-doc", PARE_SPLIT_ANY },
	{ "usr/share/locale/*/LC_MESSAGES/**", "-lang", PARE_SPLIT_ANY },
	{ "{usr/share/bash-completion,etc/bash_completion.d}/**", "-bash-completion",
	  PARE_SPLIT_ANY },
	{ "usr/share/zsh/**", "-zsh-completion", PARE_SPLIT_ANY },
	{ "usr/share/fish/**", "-fish-completion", PARE_SPLIT_ANY },
	{ "etc/init.d/**", "-openrc", PARE_SPLIT_ANY },
	{ "{lib,usr/lib}/systemd/{system,user}/**", "-systemd", PARE_SPLIT_ANY },
	{ "{lib,usr/lib}/{tmpfiles.d,sysusers.d}/**", "-systemd", PARE_SPLIT_ANY },
	{ "etc/systemd/**", "-systemd", PARE_SPLIT_ANY },
	{ "**/__pycache__/**", "-pyc", PARE_SPLIT_ANY },
	{ "**.pyc", "-pyc", PARE_SPLIT_ANY },
	{ LIBDIRS_ALL "/lib*.so.*", "-libs", PARE_SPLIT_LIB_WITH_EXEC },
};
const size_t pare_split_npolicy = sizeof(pare_split_policy) / sizeof(pare_split_policy[0]);

static const struct {
	const char *suffix, *trigger;
} install_ifs[] = {
	{ "-doc", "docs" },
	{ "-lang", "lang" },
	{ "-bash-completion", "bash-completion" },
	{ "-zsh-completion", "zsh" },
	{ "-fish-completion", "fish" },
	{ "-pyc", "pyc" },
};

/* ---- glob ---- */

static bool match_class(const char **pp, char c)
{
	const char *p = *pp + 1;
	bool neg = *p == '!' || *p == '^';
	if (neg)
		p++;
	bool hit = false;
	const char *start = p;
	while (*p && (*p != ']' || p == start)) {
		if (p[1] == '-' && p[2] && p[2] != ']') {
			hit |= c >= p[0] && c <= p[2];
			p += 3;
		} else {
			hit |= *p == c;
			p++;
		}
	}
	*pp = *p ? p + 1 : p;
	return hit != neg && c != '/';
}

/* Match without braces.  depth bounds the recursion of '*', *budget the
 * total work (a pattern with many stars against a long path gives up). */
static bool match_plain(const char *p, const char *s, int depth, unsigned long *budget)
{
	if (depth > 64 || ++*budget > PARE_SPLIT_GLOB_BUDGET)
		return false;
	while (*p) {
		if (p[0] == '*' && p[1] == '*') {
			p += 2;
			if (*p == '/' && match_plain(p + 1, s, depth + 1, budget))
				return true; /* "a/ ** /b" matches "a/b" */
			for (const char *t = s;; t++) {
				if (match_plain(p, t, depth + 1, budget))
					return true;
				if (!*t)
					return false;
			}
		}
		if (*p == '*') {
			p++;
			for (const char *t = s;; t++) {
				if (match_plain(p, t, depth + 1, budget))
					return true;
				if (!*t || *t == '/')
					return false;
			}
		}
		if (!*s)
			return false;
		if (*p == '?') {
			if (*s == '/')
				return false;
			p++;
		} else if (*p == '[') {
			if (!match_class(&p, *s))
				return false;
		} else {
			if (*p != *s)
				return false;
			p++;
		}
		s++;
	}
	return *s == '\0';
}

/* Expand the first {a,b} group and match each alternative. */
static bool match_braces(const char *p, const char *s, int depth, unsigned long *budget)
{
	const char *open = strchr(p, '{');
	const char *close = open ? strchr(open, '}') : NULL;
	if (!open || !close || depth > 8)
		return match_plain(p, s, 0, budget);
	char buf[PARE_SPLIT_MAX_GLOB + 1];
	const char *alt = open + 1;
	for (;;) {
		const char *end = alt;
		while (end < close && *end != ',')
			end++;
		int n = snprintf(buf, sizeof(buf), "%.*s%.*s%s", (int)(open - p), p,
				 (int)(end - alt), alt, close + 1);
		if (n > 0 && (size_t)n < sizeof(buf) && match_braces(buf, s, depth + 1, budget))
			return true;
		if (end >= close)
			return false;
		alt = end + 1;
	}
}

bool pare_split_glob(const char *pattern, const char *path)
{
	if (strlen(pattern) > PARE_SPLIT_MAX_GLOB)
		return false;
	unsigned long budget = 0;
	return match_braces(pattern, path, 0, &budget);
}

/* ---- policy ---- */

static bool has_exec(const struct pare_split_entry *ents, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!ents[i].is_dir &&
		    (ents[i].is_exec || ents[i].is_link) &&
		    pare_split_glob("{bin,sbin,usr/bin,usr/sbin,usr/games}/*", ents[i].path))
			return true;
	return false;
}

static const char *policy_suffix(const struct pare_split_entry *e, bool exec, bool *matched)
{
	for (size_t i = 0; i < pare_split_npolicy; i++) {
		const struct pare_split_rule *r = &pare_split_policy[i];
		if (r->when == PARE_SPLIT_LINK && !e->is_link)
			continue;
		if (r->when == PARE_SPLIT_LIB_WITH_EXEC && (!exec || e->is_dir))
			continue;
		if (pare_split_glob(r->glob, e->path)) {
			*matched = true;
			return r->suffix;
		}
	}
	*matched = false;
	return NULL;
}

int pare_split_assign(const char *main, const struct pare_split_custom *custom, size_t ncustom,
		      const struct pare_split_entry *ents, size_t n, struct pare_arena *a,
		      const char **out, struct pare_error *err)
{
	bool exec = has_exec(ents, n);
	for (size_t i = 0; i < n; i++) {
		out[i] = NULL;
		for (size_t k = 0; k < ncustom && !out[i]; k++)
			if (pare_split_glob(custom[k].glob, ents[i].path))
				out[i] = custom[k].name;
		if (out[i])
			continue;
		bool matched;
		const char *suffix = policy_suffix(&ents[i], exec, &matched);
		if (!suffix) {
			out[i] = main;
		} else if (!strcmp(suffix, PARE_SPLIT_DROP)) {
			out[i] = PARE_SPLIT_DROP;
		} else {
			char buf[512];
			int len = snprintf(buf, sizeof(buf), "%s%s", main, suffix);
			if (len < 0 || (size_t)len >= sizeof(buf))
				return pare_error_set(err, -PARE_E_TOO_BIG, "%s: package name too long", main);
			out[i] = pare_arena_strdup(a, pare_slice_make(buf, (size_t)len));
			if (!out[i])
				return pare_error_set(err, -ENOMEM, "out of memory");
		}
	}
	return 0;
}

const char *pare_split_suffix_of(const char *main, const char *name)
{
	size_t m = strlen(main);
	if (strncmp(main, name, m) != 0)
		return NULL;
	for (size_t i = 0; i < pare_split_npolicy; i++) {
		const char *s = pare_split_policy[i].suffix;
		if (s && s[0] == '-' && !strcmp(name + m, s))
			return s;
	}
	return NULL;
}

const char *pare_split_install_if(const char *suffix)
{
	for (size_t i = 0; suffix && i < sizeof(install_ifs) / sizeof(install_ifs[0]); i++)
		if (!strcmp(install_ifs[i].suffix, suffix))
			return install_ifs[i].trigger;
	return NULL;
}
