/* Writing lib/apk/db/installed (see db/installed.h).
 *
 * The index fields of a package are written by the APKINDEX writer into a
 * scratch buffer; a parsed package's lines are then replayed in the order
 * recorded in its layout, taking index lines from that buffer and the
 * database's own lines from the directory and file lists.  If the layout
 * no longer matches the lists, the package is written canonically. */
#include "db/installed.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/dbfile.h"
#include "db/installed_internal.h"

struct wr {
	const struct pare_db_pkg *pkg;
	struct pare_buf *out;
	struct pare_slice index; /* index lines still to write */
};

static int put_line(struct pare_buf *out, char c, struct pare_slice v)
{
	char head[2] = { c, ':' };
	int r = pare_buf_append(out, head, 2);
	if (r == 0)
		r = pare_buf_append_slice(out, v);
	return r ? r : pare_buf_putc(out, '\n');
}

static int put_acl(struct pare_buf *out, char c, const struct pare_db_acl *acl,
		   struct pare_slice text)
{
	if (text.len)
		return put_line(out, c, text);
	char v[160];
	int n = snprintf(v, sizeof(v), "%" PRIu32 ":%" PRIu32 ":%" PRIo32, acl->uid, acl->gid,
			 acl->mode & 07777);
	if (acl->xattr.alg != PARE_DIGEST_NONE) {
		v[n++] = ':';
		if (pare_apk_checksum_format(&acl->xattr, v + n, sizeof(v) - (size_t)n) < 0)
			return -PARE_E_FORMAT;
		n += (int)strlen(v + n);
	}
	return put_line(out, c, pare_slice_make(v, (size_t)n));
}

static int put_csum(struct pare_buf *out, const struct pare_db_file *f)
{
	if (f->csum_text.len)
		return put_line(out, 'Z', f->csum_text);
	char v[64];
	if (pare_apk_checksum_format(&f->csum, v, sizeof(v)) < 0)
		return -PARE_E_FORMAT;
	return put_line(out, 'Z', pare_slice_from(v));
}

static int put_file(struct pare_buf *out, const struct pare_db_file *f)
{
	int r = put_line(out, 'R', f->name);
	if (r == 0 && f->has_acl)
		r = put_acl(out, 'a', &f->acl, f->acl_text);
	if (r == 0 && f->csum.alg != PARE_DIGEST_NONE)
		r = put_csum(out, f);
	return r;
}

static int put_dir(struct pare_buf *out, const struct pare_db_dir *d)
{
	int r = put_line(out, 'F', d->path);
	if (r == 0 && d->has_acl)
		r = put_acl(out, 'M', &d->acl, d->acl_text);
	for (uint32_t i = 0; r == 0 && i < d->nfiles; i++)
		r = put_file(out, d->files[i]);
	return r;
}

static const struct pare_slice *single_of(const struct pare_db_pkg *p, char c)
{
	switch (c) {
	case 'g': return &p->tags;
	case 'q': return &p->replaces_priority_text;
	case 's': return &p->repo_tag;
	default: return &p->broken;
	}
}

static int put_single(struct pare_buf *out, const struct pare_db_pkg *p, char c)
{
	const struct pare_slice *v = single_of(p, c);
	if (c == 'q' && v->len == 0 && p->replaces_priority) {
		char num[24];
		int n = snprintf(num, sizeof(num), "%" PRIu64, p->replaces_priority);
		return put_line(out, 'q', pare_slice_make(num, (size_t)n));
	}
	return v->len ? put_line(out, c, *v) : 0;
}

static int write_canonical(struct wr *w)
{
	int r = pare_buf_append_slice(w->out, w->index);
	for (const char *c = "gqsf"; r == 0 && *c; c++)
		r = put_single(w->out, w->pkg, *c);
	for (uint32_t i = 0; r == 0 && i < w->pkg->ndirs; i++)
		r = put_dir(w->out, w->pkg->dirs[i]);
	return r;
}

/* ---- replaying a layout */

struct replay {
	uint32_t d, f;                 /* next directory, next file in it */
	const struct pare_db_dir *dir; /* current */
	const struct pare_db_file *file;
	bool acl_done, file_acl_done, csum_done;
	uint32_t singles;              /* g q s f written (bits) */
};

/* Copy the next index line (if any) from w->index to out. */
static int next_index_line(struct wr *w)
{
	if (w->index.len == 0)
		return 0;
	const char *nl = memchr(w->index.ptr, '\n', w->index.len);
	size_t n = nl ? (size_t)(nl - w->index.ptr) + 1 : w->index.len;
	int r = pare_buf_append(w->out, w->index.ptr, n);
	w->index = pare_slice_make(w->index.ptr + n, w->index.len - n);
	return r;
}

/* Is the current file / directory complete (every a Z / M written)? */
static bool file_done(const struct replay *rp)
{
	return !rp->file || ((!rp->file->has_acl || rp->file_acl_done) &&
			     (rp->file->csum.alg == PARE_DIGEST_NONE || rp->csum_done));
}

static bool dir_done(const struct replay *rp)
{
	return !rp->dir || (file_done(rp) && (!rp->dir->has_acl || rp->acl_done));
}

/* One layout letter; false when the lists no longer match the layout. */
static bool replay_one(struct wr *w, struct replay *rp, char c, int *r)
{
	const struct pare_db_pkg *p = w->pkg;
	switch (c) {
	case 'F':
		if (!dir_done(rp) || rp->d >= p->ndirs)
			return false;
		rp->dir = p->dirs[rp->d++];
		rp->file = NULL;
		rp->f = 0;
		rp->acl_done = false;
		*r = put_line(w->out, 'F', rp->dir->path);
		return true;
	case 'M':
		if (!rp->dir || !rp->dir->has_acl || rp->acl_done)
			return false;
		rp->acl_done = true;
		*r = put_acl(w->out, 'M', &rp->dir->acl, rp->dir->acl_text);
		return true;
	case 'R':
		if (!rp->dir || !file_done(rp) || rp->f >= rp->dir->nfiles)
			return false;
		rp->file = rp->dir->files[rp->f++];
		rp->file_acl_done = rp->csum_done = false;
		*r = put_line(w->out, 'R', rp->file->name);
		return true;
	case 'a':
		if (!rp->file || !rp->file->has_acl || rp->file_acl_done)
			return false;
		rp->file_acl_done = true;
		*r = put_acl(w->out, 'a', &rp->file->acl, rp->file->acl_text);
		return true;
	case 'Z':
		if (!rp->file || rp->file->csum.alg == PARE_DIGEST_NONE || rp->csum_done)
			return false;
		rp->csum_done = true;
		*r = put_csum(w->out, rp->file);
		return true;
	default: {
		unsigned bit = c == 'g' ? 1u : c == 'q' ? 2u : c == 's' ? 4u : 8u;
		if (single_of(p, c)->len == 0 || (rp->singles & bit))
			return false;
		rp->singles |= bit;
		*r = put_single(w->out, p, c);
		return true;
	}
	}
}

static bool singles_complete(const struct pare_db_pkg *p, uint32_t done)
{
	for (unsigned i = 0; i < 4; i++)
		if (single_of(p, "gqsf"[i])->len && !(done & (1u << i)))
			return false;
	return true;
}

/* 1: written; 0: layout does not match (out restored); <0: error. */
static int write_layout(struct wr *w)
{
	const struct pare_db_pkg *p = w->pkg;
	size_t start = w->out->len;
	struct replay rp = { 0 };
	int r = 0;
	bool ok = true;
	for (size_t i = 0; ok && r == 0 && i < p->layout.len; i++) {
		char c = p->layout.ptr[i];
		if (!strchr(PARE_DB_FDB_LETTERS, c)) {
			r = next_index_line(w);
			continue;
		}
		ok = replay_one(w, &rp, c, &r);
	}
	/* Index fields added since the read (not in the layout) follow. */
	while (r == 0 && w->index.len)
		r = next_index_line(w);
	ok = ok && dir_done(&rp) && rp.d == p->ndirs && (!rp.dir || rp.f == rp.dir->nfiles) &&
	     singles_complete(p, rp.singles);
	if (r < 0)
		return r;
	if (!ok)
		pare_buf_truncate(w->out, start);
	return ok ? 1 : 0;
}

/* The index part of pkg (each line "X:value\n", no blank line). */
static int index_part(const struct pare_db_pkg *pkg, struct pare_buf *part, bool canonical,
		      struct pare_error *err)
{
	struct pare_index one;
	memset(&one, 0, sizeof(one));
	one.ents = (struct pare_pkgent *)&pkg->ent;
	one.n = 1;
	pare_buf_reset(part);
	int r = pare_index_write_text(&one, part, canonical ? PARE_INDEX_WRITE_CANONICAL : 0, err);
	if (r == 0 && part->len)
		pare_buf_truncate(part, part->len - 1);
	return r;
}

static int write_pkg(const struct pare_db_pkg *pkg, bool last, struct pare_buf *part,
		     struct pare_buf *out, struct pare_error *err)
{
	size_t start = out->len;
	bool layout = pkg->layout.len != 0;
	int r = index_part(pkg, part, !layout, err);
	if (r < 0)
		return r;
	struct wr w = { .pkg = pkg, .out = out, .index = pare_buf_slice(part) };
	r = layout ? write_layout(&w) : 0;
	if (r == 0) {
		if (layout && (r = index_part(pkg, part, true, err)) < 0)
			return r;
		w.index = pare_buf_slice(part);
		layout = false;
		r = write_canonical(&w);
	}
	if (r >= 0 && layout && last && pkg->end != PARE_DB_END_BLANK) {
		if (pkg->end == PARE_DB_END_NONE && out->len > start)
			pare_buf_truncate(out, out->len - 1);
		return 0;
	}
	if (r >= 0)
		r = pare_buf_putc(out, '\n');
	return r < 0 ? r : 0;
}

int pare_db_installed_write_text(const struct pare_db_installed *db, struct pare_buf *out,
				 struct pare_error *err)
{
	struct pare_buf part;
	pare_buf_init(&part, (size_t)PARE_DB_MAX_INDEX_PART * 2);
	size_t start = out->len;
	int r = 0;
	for (size_t i = 0; r == 0 && i < db->npkgs; i++) {
		const struct pare_db_pkg *p = db->pkgs[i];
		r = write_pkg(p, i + 1 == db->npkgs, &part, out, err);
		if (r < 0 && (!err || err->code == 0 || r != err->code))
			r = pare_error_set(err, r, "%s: package %.*s: %s", db->name,
					   (int)p->ent.name.len, p->ent.name.ptr, pare_strerror(r));
	}
	pare_buf_release(&part);
	if (r < 0)
		pare_buf_truncate(out, start);
	return r;
}

int pare_db_installed_write(const struct pare_db_installed *db, struct pare_root *root,
			    struct pare_error *err)
{
	struct pare_buf b;
	pare_buf_init(&b, (size_t)PARE_DB_MAX_INSTALLED * 2);
	int r = pare_db_installed_write_text(db, &b, err);
	if (r == 0)
		r = pare_db_file_write(root, PARE_DB_INSTALLED_PATH, b.data ? b.data : "", b.len,
				       0644, true, err);
	pare_buf_release(&b);
	return r;
}

int pare_db_pkg_write_text(const struct pare_db_pkg *pkg, struct pare_buf *out,
			   struct pare_error *err)
{
	struct pare_buf part;
	pare_buf_init(&part, (size_t)PARE_DB_MAX_INDEX_PART * 2);
	size_t start = out->len;
	int r = write_pkg(pkg, false, &part, out, err);
	pare_buf_release(&part);
	if (r < 0)
		pare_buf_truncate(out, start);
	return r;
}
