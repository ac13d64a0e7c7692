/* Parsing lib/apk/db/installed (see db/installed.h).
 *
 * Each record is read line by line with the generic record reader.  The
 * database's own lines (F M R a Z g q s f) build the package's directory
 * and file lists; all other lines are collected, with their line numbers,
 * into a small text that the APKINDEX parser turns into the pkgent (its
 * messages are mapped back to the lines of the database). */
#include "db/installed.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/dbfile.h"
#include "db/installed_internal.h"

struct rd {
	struct pare_db_installed *db;
	struct pare_rec_reader rr;
	struct pare_buf part;    /* index lines of the record */
	uint64_t *lines;         /* their line numbers in the database */
	size_t nlines, lines_cap;
	struct pare_buf layout;  /* letters of the record's lines */
	struct pare_db_pkg *pkg; /* record being read */
	struct pare_db_dir *dir; /* current F: */
	struct pare_db_file *file; /* current R: (in dir) */
	bool seen_p;
	uint64_t line;           /* line of the current field */
};

static int line_error(struct rd *rd, char c, int code, struct pare_error *err, const char *why,
		      struct pare_slice v)
{
	int shown = v.len > 64 ? 64 : (int)v.len;
	return pare_error_set(err, code, "%s line %" PRIu64 ": %c: %s '%.*s%s'", rd->db->name,
			      rd->line, c, why, shown, v.ptr ? v.ptr : "", v.len > 64 ? "..." : "");
}

/* ---- F: R: M: a: Z: */

static int on_dir(struct rd *rd, struct pare_slice v, struct pare_error *err)
{
	if (!rd->seen_p)
		return line_error(rd, 'F', -PARE_E_FORMAT, err, "directory before P:", v);
	if (v.len && pare_path_check_name(v, NULL) < 0)
		return line_error(rd, 'F', -PARE_E_UNSAFE_PATH, err, "unsafe path", v);
	if (v.len && v.ptr[v.len - 1] == '/')
		return line_error(rd, 'F', -PARE_E_FORMAT, err, "trailing '/' in", v);
	if (pare_map_get(&rd->pkg->dirmap, v))
		return line_error(rd, 'F', -PARE_E_FORMAT, err, "directory listed twice:", v);
	rd->dir = pare_db__dir_new(rd->db, rd->pkg, v, err);
	rd->file = NULL;
	return rd->dir ? 0 : -ENOMEM;
}

static bool bad_file_name(struct pare_slice v)
{
	return v.len == 0 || memchr(v.ptr, '/', v.len) || pare_slice_eq_cstr(v, ".") ||
	       pare_slice_eq_cstr(v, "..");
}

static int on_file(struct rd *rd, struct pare_slice v, struct pare_error *err)
{
	if (!rd->dir)
		return line_error(rd, 'R', -PARE_E_FORMAT, err, "file before any F:", v);
	if (bad_file_name(v))
		return line_error(rd, 'R', -PARE_E_UNSAFE_PATH, err, "bad file name", v);
	struct pare_db_file *f = pare_db__file_new(rd->db, rd->dir, v, err);
	if (!f)
		return -ENOMEM;
	struct pare_db_file *old = pare_map_get(&rd->db->files, f->path);
	if (old && old->pkg == rd->pkg)
		return line_error(rd, 'R', -PARE_E_FORMAT, err, "file listed twice:", f->path);
	if (old && old->pkg)
		rd->db->nshared++;
	else if (pare_map_put(&rd->db->files, f->path, f, NULL) < 0)
		return pare_error_set(err, -ENOMEM, "%s: out of memory", rd->db->name);
	rd->file = f;
	return 0;
}

static int on_acl(struct rd *rd, char c, struct pare_slice v, struct pare_error *err)
{
	bool *has = c == 'M' ? (rd->dir ? &rd->dir->has_acl : NULL)
			     : (rd->file ? &rd->file->has_acl : NULL);
	if (!has)
		return line_error(rd, c, -PARE_E_FORMAT, err,
				  c == 'M' ? "mode before any F:" : "mode without R:", v);
	if (*has)
		return line_error(rd, c, -PARE_E_FORMAT, err, "repeated:", v);
	struct pare_db_acl *acl = c == 'M' ? &rd->dir->acl : &rd->file->acl;
	if (pare_db_acl_parse(v, acl) < 0)
		return line_error(rd, c, -PARE_E_FORMAT, err, "not uid:gid:mode[:Q1...]:", v);
	*has = true;
	if (c == 'M')
		rd->dir->acl_text = v;
	else
		rd->file->acl_text = v;
	return 0;
}

static int on_csum(struct rd *rd, struct pare_slice v, struct pare_error *err)
{
	if (!rd->file)
		return line_error(rd, 'Z', -PARE_E_FORMAT, err, "checksum without R:", v);
	if (rd->file->csum.alg != PARE_DIGEST_NONE)
		return line_error(rd, 'Z', -PARE_E_FORMAT, err, "repeated:", v);
	if (pare_db_csum_parse(v, &rd->file->csum) < 0)
		return line_error(rd, 'Z', -PARE_E_FORMAT, err, "not a Q1/Q2/X1/X2 checksum:", v);
	rd->file->csum_text = v;
	return 0;
}

/* ---- g: q: s: f: */

static int on_single(struct rd *rd, char c, struct pare_slice v, struct pare_error *err)
{
	struct pare_db_pkg *p = rd->pkg;
	struct pare_slice *dst = c == 'g' ? &p->tags
			       : c == 'q' ? &p->replaces_priority_text
			       : c == 's' ? &p->repo_tag : &p->broken;
	if (dst->ptr)
		return line_error(rd, c, -PARE_E_FORMAT, err, "field repeated:", v);
	if (v.len == 0)
		return line_error(rd, c, -PARE_E_FORMAT, err, "empty value", v);
	if (c == 'q' && !pare_slice_to_u64(v, &p->replaces_priority))
		return line_error(rd, c, -PARE_E_FORMAT, err, "not a decimal number:", v);
	*dst = v;
	return 0;
}

/* ---- index lines */

static int keep_index_line(struct rd *rd, char c, struct pare_slice v, struct pare_error *err)
{
	if (rd->nlines == rd->lines_cap) {
		size_t cap = rd->lines_cap ? rd->lines_cap * 2 : 64;
		uint64_t *n = realloc(rd->lines, cap * sizeof(*n));
		if (!n)
			return pare_error_set(err, -ENOMEM, "%s: out of memory", rd->db->name);
		rd->lines = n;
		rd->lines_cap = cap;
	}
	char head[2] = { c, ':' };
	int r = pare_buf_append(&rd->part, head, 2);
	if (r == 0)
		r = pare_buf_append_slice(&rd->part, v);
	if (r == 0)
		r = pare_buf_putc(&rd->part, '\n');
	if (r < 0)
		return line_error(rd, c, r, err, "package fields too large, at", v);
	rd->lines[rd->nlines++] = rd->line;
	rd->seen_p |= c == 'P';
	return 0;
}

static int on_field(struct rd *rd, char c, struct pare_slice v, struct pare_error *err)
{
	int r = pare_buf_putc(&rd->layout, c);
	if (r < 0)
		return pare_error_set(err, r, "%s line %" PRIu64 ": record too long", rd->db->name,
				      rd->line);
	switch (c) {
	case 'F': return on_dir(rd, v, err);
	case 'R': return on_file(rd, v, err);
	case 'M': case 'a': return on_acl(rd, c, v, err);
	case 'Z': return on_csum(rd, v, err);
	case 'g': case 'q': case 's': case 'f': return on_single(rd, c, v, err);
	default: return keep_index_line(rd, c, v, err);
	}
}

/* "NAME line N: ..." from the index parser, N counted in rd->part: name
 * the database line instead. */
static int remap_error(struct rd *rd, int r, struct pare_error *err)
{
	if (!err)
		return r;
	size_t nl = strlen(rd->db->name);
	const char *m = err->msg;
	if (strncmp(m, rd->db->name, nl) != 0 || strncmp(m + nl, " line ", 6) != 0)
		return r;
	char *end;
	unsigned long long n = strtoull(m + nl + 6, &end, 10);
	if (n == 0 || n > rd->nlines)
		return r;
	char msg[PARE_ERROR_MSG_MAX];
	snprintf(msg, sizeof(msg), "%s line %" PRIu64 "%s", rd->db->name, rd->lines[n - 1], end);
	return pare_error_set(err, r, "%s", msg);
}

static int finish_pkg(struct rd *rd, struct pare_error *err)
{
	struct pare_db_installed *db = rd->db;
	struct pare_slice part = pare_arena_slice(&db->arena, pare_buf_slice(&rd->part));
	if (rd->part.len && !part.ptr)
		return pare_error_set(err, -ENOMEM, "%s: out of memory", db->name);
	db->idx.n = 0;
	int r = pare_index_parse_slice(&db->idx, part, db->name, 0, err);
	if (r < 0)
		return remap_error(rd, r, err);
	if (db->idx.n != 1)
		return pare_error_set(err, -PARE_E_FORMAT, "%s line %" PRIu64 ": record without P:",
				      db->name, rd->rr.rec_line);
	rd->pkg->ent = db->idx.ents[0];
	rd->pkg->ent.line = rd->rr.rec_line;
	db->idx.n = 0;
	if (pare_map_get(&db->names, rd->pkg->ent.name))
		return pare_error_set(err, -PARE_E_FORMAT, "%s line %" PRIu64 ": package %.*s "
				      "listed twice", db->name, rd->rr.rec_line,
				      (int)rd->pkg->ent.name.len, rd->pkg->ent.name.ptr);
	rd->pkg->layout = pare_arena_slice(&db->arena, pare_buf_slice(&rd->layout));
	if (!rd->pkg->layout.ptr)
		return pare_error_set(err, -ENOMEM, "%s: out of memory", db->name);
	return pare_db__pkg_insert(db, rd->pkg, err);
}

static int read_record(struct rd *rd, struct pare_error *err)
{
	char c;
	struct pare_slice v;
	int r;
	pare_buf_reset(&rd->part);
	pare_buf_reset(&rd->layout);
	rd->nlines = 0;
	rd->dir = NULL;
	rd->file = NULL;
	rd->seen_p = false;
	if (!(rd->pkg = pare_db__pkg_new(rd->db, err)))
		return -ENOMEM;
	for (;;) {
		rd->line = rd->rr.line;
		size_t pos = rd->rr.pos;
		if ((r = pare_rec_next_field(&rd->rr, &c, &v, err)) < 0)
			goto fail;
		if (r == 0) {
			const struct pare_slice t = rd->rr.text;
			rd->pkg->end = pos < t.len ? PARE_DB_END_BLANK
				     : t.ptr[t.len - 1] == '\n' ? PARE_DB_END_NEWLINE
								  : PARE_DB_END_NONE;
			break;
		}
		if ((r = on_field(rd, c, v, err)) < 0)
			goto fail;
	}
	if ((r = finish_pkg(rd, err)) == 0)
		return 0;
fail:
	pare_db__pkg_free_arrays(rd->pkg);
	return r;
}

int pare_db_installed_parse(struct pare_db_installed *db, char *text, size_t len,
			    const char *name, struct pare_error *err)
{
	if (name)
		db->name = name;
	db->text = text;
	db->text_len = len;
	if (len > PARE_DB_MAX_INSTALLED) {
		int r = pare_error_set(err, -PARE_E_TOO_BIG, "%s: larger than %u bytes", db->name,
				       PARE_DB_MAX_INSTALLED);
		pare_db_installed_release(db);
		return r;
	}
	struct rd rd = { .db = db };
	pare_rec_reader_init(&rd.rr, pare_slice_make(text, len), db->name);
	pare_buf_init(&rd.part, PARE_DB_MAX_INDEX_PART);
	pare_buf_init(&rd.layout, PARE_DB_MAX_INSTALLED);
	int r = 0;
	while (r == 0 && pare_rec_next_record(&rd.rr))
		r = read_record(&rd, err);
	pare_buf_release(&rd.part);
	pare_buf_release(&rd.layout);
	free(rd.lines);
	if (r < 0) {
		const char *keep = db->name;
		pare_db_installed_release(db);
		db->name = keep;
	}
	return r;
}

int pare_db_installed_read(struct pare_db_installed *db, struct pare_root *root,
			   struct pare_error *err)
{
	char *text;
	size_t len;
	int r = pare_db_file_take(root, PARE_DB_INSTALLED_PATH, PARE_DB_MAX_INSTALLED, &text, &len, err);
	if (r <= 0)
		return r;
	return pare_db_installed_parse(db, text, len, PARE_DB_INSTALLED_PATH, err);
}
