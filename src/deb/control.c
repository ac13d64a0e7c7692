/* Debian control paragraphs, the binary package fields, DEP-5 licences. */
#include "deb/control.h"

#include <errno.h>
#include <stdio.h>
#include <strings.h>

#include "deb/version.h"

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* The next line of *text without its '\n'; false at the end. */
static bool next_line(struct pare_slice *text, struct pare_slice *line)
{
	if (text->len == 0)
		return false;
	ptrdiff_t nl = pare_slice_find(*text, '\n');
	size_t n = nl < 0 ? text->len : (size_t)nl;
	*line = pare_slice_sub(*text, 0, n);
	size_t skip = nl < 0 ? n : n + 1;
	*text = pare_slice_sub(*text, skip, text->len - skip);
	return true;
}

static bool line_blank(struct pare_slice l)
{
	for (size_t i = 0; i < l.len; i++)
		if (!is_blank(l.ptr[i]) && l.ptr[i] != '\r')
			return false;
	return true;
}

static bool name_ok(struct pare_slice n)
{
	if (n.len == 0 || n.ptr[0] == '#' || n.ptr[0] == '-')
		return false;
	for (size_t i = 0; i < n.len; i++)
		if ((unsigned char)n.ptr[i] < 0x21 || (unsigned char)n.ptr[i] > 0x7e)
			return false;
	return true;
}

static struct pare_deb_field *find_field(struct pare_deb_para *p, struct pare_slice name)
{
	for (size_t i = 0; i < p->nfields; i++)
		if (p->fields[i].name.len == name.len &&
		    strncasecmp(p->fields[i].name.ptr, name.ptr, name.len) == 0)
			return &p->fields[i];
	return NULL;
}

static int add_field(struct pare_deb_para *p, struct pare_slice line, size_t lineno,
		     struct pare_error *err)
{
	ptrdiff_t colon = pare_slice_find(line, ':');
	if (colon < 0)
		return pare_error_set(err, -PARE_E_FORMAT, "line %zu: no ':' in field line", lineno);
	struct pare_slice name = pare_slice_sub(line, 0, (size_t)colon);
	if (!name_ok(name))
		return pare_error_set(err, -PARE_E_FORMAT, "line %zu: invalid field name", lineno);
	if (find_field(p, name))
		return pare_error_set(err, -PARE_E_FORMAT, "line %zu: field '%.*s' repeated",
				      lineno, (int)name.len, name.ptr);
	if (p->nfields == PARE_DEB_PARA_MAX_FIELDS)
		return pare_error_set(err, -PARE_E_TOO_BIG, "line %zu: more than %d fields",
				      lineno, PARE_DEB_PARA_MAX_FIELDS);
	struct pare_slice value = pare_slice_sub(line, (size_t)colon + 1, line.len - (size_t)colon - 1);
	p->fields[p->nfields++] = (struct pare_deb_field){ name, pare_slice_trim(value) };
	return 0;
}

/* Extend the last field's value to the end of the continuation line `line`. */
static void extend_field(struct pare_deb_para *p, struct pare_slice line)
{
	struct pare_deb_field *f = &p->fields[p->nfields - 1];
	struct pare_slice end = pare_slice_trim(line);
	if (end.len == 0)
		return;
	if (f->value.len == 0) /* "Field:" with nothing, then continuation lines */
		f->value = pare_slice_make(line.ptr, 0);
	const char *stop = end.ptr + end.len;
	f->value.len = (size_t)(stop - f->value.ptr);
}

int pare_deb_para_next(struct pare_slice *text, struct pare_deb_para *p, size_t *line,
		       struct pare_error *err)
{
	size_t local = 0;
	size_t *ln = line ? line : &local;
	p->nfields = 0;
	p->line = 0;
	struct pare_slice l;
	struct pare_slice save = *text;
	while (next_line(text, &l)) {
		(*ln)++;
		bool blank = line_blank(l);
		if (blank && p->nfields) {
			return 1;
		} else if (blank) {
			/* between paragraphs */
		} else if (l.ptr[0] == '#') {
			/* comment */
		} else if (is_blank(l.ptr[0])) {
			if (p->nfields == 0)
				return pare_error_set(err, -PARE_E_FORMAT,
						      "line %zu: continuation line before any field", *ln);
			extend_field(p, l);
		} else {
			if (p->nfields == 0)
				p->line = *ln;
			int r = add_field(p, l, *ln, err);
			if (r < 0)
				return r;
		}
		save = *text;
	}
	*text = save;
	return p->nfields ? 1 : 0;
}

struct pare_slice pare_deb_para_get(const struct pare_deb_para *p, const char *name)
{
	struct pare_deb_field *f = find_field((struct pare_deb_para *)p, pare_slice_from(name));
	return f ? f->value : PARE_SLICE_NULL;
}

/* ---- Binary package fields. */

static bool package_name_ok(struct pare_slice n)
{
	if (n.len < 2 || n.len > 128)
		return false;
	for (size_t i = 0; i < n.len; i++) {
		char c = n.ptr[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
		if (!alnum && (i == 0 || (c != '+' && c != '-' && c != '.')))
			return false;
	}
	return true;
}

static bool arch_name_ok(struct pare_slice a)
{
	if (a.len == 0 || a.len > 32)
		return false;
	for (size_t i = 0; i < a.len; i++) {
		char c = a.ptr[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
			return false;
	}
	return true;
}

/* "name (version)" or "name". */
static int split_source(struct pare_slice s, struct pare_deb_pkginfo *out, struct pare_error *err)
{
	struct pare_slice name = s;
	ptrdiff_t open = pare_slice_find(s, '(');
	if (open >= 0) {
		name = pare_slice_trim(pare_slice_sub(s, 0, (size_t)open));
		struct pare_slice rest = pare_slice_trim(pare_slice_sub(s, (size_t)open + 1,
									s.len - (size_t)open - 1));
		if (rest.len == 0 || rest.ptr[rest.len - 1] != ')')
			return pare_error_set(err, -PARE_E_FORMAT, "Source: no ')' after the version");
		struct pare_slice ver = pare_slice_trim(pare_slice_sub(rest, 0, rest.len - 1));
		struct pare_deb_version dv;
		int r = pare_deb_version_parse(ver, &dv, err);
		if (r < 0)
			return pare_error_prefix(err, r, "Source: ");
		out->source_version = ver;
	}
	if (!package_name_ok(name))
		return pare_error_set(err, -PARE_E_FORMAT, "Source: invalid package name '%.*s'",
				      (int)(name.len > 80 ? 80 : name.len), name.ptr);
	out->source = name;
	return 0;
}

static void take_description(struct pare_slice d, struct pare_deb_pkginfo *out)
{
	ptrdiff_t nl = pare_slice_find(d, '\n');
	if (nl < 0) {
		out->synopsis = d;
		return;
	}
	out->synopsis = pare_slice_trim(pare_slice_sub(d, 0, (size_t)nl));
	out->description = pare_slice_sub(d, (size_t)nl + 1, d.len - (size_t)nl - 1);
}

static int require(const struct pare_deb_para *p, const char *name, struct pare_slice *out,
		   struct pare_error *err)
{
	*out = pare_deb_para_get(p, name);
	if (!out->ptr || out->len == 0)
		return pare_error_set(err, -PARE_E_FORMAT, "no %s field", name);
	return 0;
}

int pare_deb_pkginfo_parse(struct pare_slice text, struct pare_deb_pkginfo *out,
			   struct pare_error *err)
{
	*out = (struct pare_deb_pkginfo){ 0 };
	struct pare_deb_para *p = malloc(sizeof(*p));
	if (!p)
		return pare_error_set(err, -ENOMEM, "out of memory");
	size_t line = 0;
	int r = pare_deb_para_next(&text, p, &line, err);
	if (r == 0)
		r = pare_error_set(err, -PARE_E_FORMAT, "empty control file");
	if (r < 0)
		goto out;
	struct pare_deb_para extra;
	r = pare_deb_para_next(&text, &extra, &line, NULL);
	if (r != 0) {
		r = pare_error_set(err, -PARE_E_FORMAT, "line %zu: more than one paragraph", line);
		goto out;
	}
	struct pare_deb_version dv;
	if ((r = require(p, "Package", &out->package, err)) < 0 ||
	    (r = require(p, "Version", &out->version, err)) < 0 ||
	    (r = require(p, "Architecture", &out->architecture, err)) < 0)
		goto out;
	if (!package_name_ok(out->package)) {
		r = pare_error_set(err, -PARE_E_FORMAT, "invalid package name '%.*s'",
				   (int)(out->package.len > 80 ? 80 : out->package.len), out->package.ptr);
		goto out;
	}
	if ((r = pare_deb_version_parse(out->version, &dv, err)) < 0) {
		pare_error_prefix(err, r, "Version: ");
		goto out;
	}
	if (!arch_name_ok(out->architecture)) {
		r = pare_error_set(err, -PARE_E_FORMAT, "invalid Architecture '%.*s'",
				   (int)(out->architecture.len > 40 ? 40 : out->architecture.len),
				   out->architecture.ptr);
		goto out;
	}
	take_description(pare_deb_para_get(p, "Description"), out);
	out->homepage = pare_deb_para_get(p, "Homepage");
	out->maintainer = pare_deb_para_get(p, "Maintainer");
	out->section = pare_deb_para_get(p, "Section");
	out->priority = pare_deb_para_get(p, "Priority");
	out->multi_arch = pare_deb_para_get(p, "Multi-Arch");
	out->essential = pare_deb_para_get(p, "Essential");
	out->depends = pare_deb_para_get(p, "Depends");
	out->pre_depends = pare_deb_para_get(p, "Pre-Depends");
	out->recommends = pare_deb_para_get(p, "Recommends");
	out->suggests = pare_deb_para_get(p, "Suggests");
	out->provides = pare_deb_para_get(p, "Provides");
	out->conflicts = pare_deb_para_get(p, "Conflicts");
	out->breaks = pare_deb_para_get(p, "Breaks");
	out->replaces = pare_deb_para_get(p, "Replaces");
	out->source = out->package;
	out->source_version = out->version;
	struct pare_slice src = pare_deb_para_get(p, "Source");
	if (src.len && (r = split_source(src, out, err)) < 0)
		goto out;
	struct pare_slice isz = pare_deb_para_get(p, "Installed-Size");
	if (isz.len && !pare_slice_to_u64(isz, &out->installed_size_kib)) {
		r = pare_error_set(err, -PARE_E_FORMAT, "Installed-Size is not a number");
		goto out;
	}
	r = 0;
out:
	free(p);
	return r;
}

int pare_deb_description_text(struct pare_slice raw, struct pare_buf *out)
{
	struct pare_slice l;
	bool first = true;
	int r = 0;
	while (r == 0 && next_line(&raw, &l)) {
		if (!first)
			r = pare_buf_putc(out, '\n');
		first = false;
		if (l.len && is_blank(l.ptr[0]))
			l = pare_slice_sub(l, 1, l.len - 1);
		if (r == 0 && !pare_slice_eq_cstr(pare_slice_trim(l), "."))
			r = pare_buf_append_slice(out, l);
	}
	return r;
}

/* ---- DEP-5 copyright. */

int pare_deb_copyright_licenses(struct pare_slice text, pare_deb_license_fn fn, void *ctx,
				struct pare_error *err)
{
	struct pare_deb_para *p = malloc(sizeof(*p));
	if (!p)
		return pare_error_set(err, -ENOMEM, "out of memory");
	enum { MAX_SEEN = 256 };
	struct pare_slice seen[MAX_SEEN];
	size_t nseen = 0, line = 0;
	/* Free text (no paragraph, or one without "Format:") is not DEP-5. */
	int r = pare_deb_para_next(&text, p, &line, NULL);
	if (r <= 0 || !pare_deb_para_get(p, "Format").ptr)
		r = pare_error_set(err, -PARE_E_UNSUPPORTED, "not a machine-readable copyright file");
	while (r > 0) {
		struct pare_slice lic = pare_deb_para_get(p, "License");
		ptrdiff_t nl = pare_slice_find(lic, '\n');
		if (nl >= 0)
			lic = pare_slice_trim(pare_slice_sub(lic, 0, (size_t)nl));
		bool dup = lic.len == 0;
		for (size_t i = 0; !dup && i < nseen; i++)
			dup = pare_slice_eq(seen[i], lic);
		if (!dup && nseen < MAX_SEEN) {
			seen[nseen++] = lic;
			if ((r = fn(ctx, lic)) != 0)
				break;
		}
		r = pare_deb_para_next(&text, p, &line, err);
	}
	free(p);
	return r < 0 ? r : 0;
}
