/* Writing an index: APKINDEX text and APKINDEX.tar.gz (optionally signed). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "apk/index.h"
#include "apk/pkgsign.h"
#include "apk/tar.h"
#include "io/atomic.h"
#include "io/gzip.h"

#define INDEX_OUT_MAX ((size_t)PARE_INDEX_MAX_TEXT * 2)

static int put_field(struct pare_buf *out, char letter, struct pare_slice v)
{
	char head[2] = { letter, ':' };
	int r = pare_buf_append(out, head, 2);
	if (r == 0 && v.len)
		r = pare_buf_append(out, v.ptr, v.len);
	return r ? r : pare_buf_putc(out, '\n');
}

static int put_number(struct pare_buf *out, char letter, uint64_t v)
{
	char num[24];
	int n = snprintf(num, sizeof(num), "%" PRIu64, v);
	return put_field(out, letter, pare_slice_make(num, (size_t)n));
}

static const struct pare_deplist *deplist_of(const struct pare_pkgent *e, char c)
{
	switch (c) {
	case 'D': return &e->depends;
	case 'p': return &e->provides;
	case 'i': return &e->install_if;
	case 'r': return &e->replaces;
	default: return NULL;
	}
}

static const struct pare_slice *text_of(const struct pare_pkgent *e, char c)
{
	switch (c) {
	case 'C': return &e->identity_text;
	case 'P': return &e->name;
	case 'V': return &e->version;
	case 'A': return &e->arch;
	case 'T': return &e->description;
	case 'U': return &e->url;
	case 'L': return &e->license;
	case 'o': return &e->origin;
	case 'm': return &e->maintainer;
	case 'c': return &e->commit;
	default: return NULL;
	}
}

static const uint64_t *number_of(const struct pare_pkgent *e, char c)
{
	switch (c) {
	case 'S': return &e->size;
	case 'I': return &e->installed_size;
	case 't': return &e->build_time;
	case 'k': return &e->provider_priority;
	default: return NULL;
	}
}

/* Write known field c; `always`: even when empty or zero. */
static int put_known(struct pare_buf *out, const struct pare_pkgent *e, char c, bool always)
{
	const struct pare_slice *s = text_of(e, c);
	const uint64_t *num = number_of(e, c);
	const struct pare_deplist *l = deplist_of(e, c);
	if (s)
		return (always || s->len) ? put_field(out, c, *s) : 0;
	if (num)
		return (always || *num) ? put_number(out, c, *num) : 0;
	return (always || l->text.len) ? put_field(out, c, l->text) : 0;
}

static bool canonical_always(char c)
{
	return c == 'P' || c == 'V' || c == 'S' || c == 'I' || c == 'T' || c == 'U' || c == 'L';
}

static int write_canonical(struct pare_buf *out, const struct pare_pkgent *e)
{
	int r = 0;
	for (const char *c = pare_index_field_order; r == 0 && *c; c++)
		r = put_known(out, e, *c, canonical_always(*c));
	for (uint32_t i = 0; r == 0 && i < e->nunknown; i++)
		r = put_field(out, e->unknown[i].letter, e->unknown[i].value);
	return r;
}

/* In the recorded order; known fields missing from it and unknown fields
 * beyond it follow (so edits are not lost). */
static int write_ordered(struct pare_buf *out, const struct pare_pkgent *e)
{
	uint64_t done[2] = { 0, 0 };
	uint32_t nu = 0;
	int r = 0;
	for (size_t i = 0; r == 0 && i < e->order.len; i++) {
		unsigned char c = (unsigned char)e->order.ptr[i];
		uint64_t bit = 1ULL << (c & 63), *w = &done[(c >> 6) & 1];
		if (c == 0 || c >= 0x80 || !strchr(pare_index_field_order, c)) {
			if (nu < e->nunknown)
				r = put_field(out, e->unknown[nu].letter, e->unknown[nu].value);
			nu++;
		} else if (!(*w & bit)) {
			*w |= bit;
			r = put_known(out, e, (char)c, true);
		}
	}
	for (const char *c = pare_index_field_order; r == 0 && *c; c++)
		if (!(done[((unsigned char)*c >> 6) & 1] & (1ULL << (*c & 63))))
			r = put_known(out, e, *c, *c == 'P' || *c == 'V');
	for (; r == 0 && nu < e->nunknown; nu++)
		r = put_field(out, e->unknown[nu].letter, e->unknown[nu].value);
	return r;
}

static bool bad_value(struct pare_slice s)
{
	return s.len && (memchr(s.ptr, '\n', s.len) || memchr(s.ptr, '\0', s.len));
}

static int check_ent(const struct pare_pkgent *e, size_t i, struct pare_error *err)
{
	bool bad = e->name.len == 0 || e->version.len == 0;
	for (const char *c = pare_index_field_order; !bad && *c; c++) {
		const struct pare_slice *s = text_of(e, *c);
		const struct pare_deplist *l = deplist_of(e, *c);
		bad = (s && bad_value(*s)) || (l && bad_value(l->text));
	}
	for (uint32_t k = 0; !bad && k < e->nunknown; k++)
		bad = bad_value(e->unknown[k].value) || e->unknown[k].letter <= ' ' ||
		      e->unknown[k].letter == ':' || (unsigned char)e->unknown[k].letter >= 0x7f;
	if (bad)
		return pare_error_set(err, -PARE_E_FORMAT, "index entry %zu (%.*s): missing name or "
				      "version, or a value with a newline", i, (int)e->name.len,
				      e->name.ptr ? e->name.ptr : "");
	return 0;
}

int pare_index_write_text(const struct pare_index *idx, struct pare_buf *out, unsigned flags,
			  struct pare_error *err)
{
	size_t start = out->len;
	int r = 0;
	for (size_t i = 0; r == 0 && i < idx->n; i++) {
		const struct pare_pkgent *e = &idx->ents[i];
		if ((r = check_ent(e, i, err)) < 0)
			break;
		if ((flags & PARE_INDEX_WRITE_CANONICAL) || e->order.len == 0)
			r = write_canonical(out, e);
		else
			r = write_ordered(out, e);
		if (r == 0)
			r = pare_buf_putc(out, '\n');
		if (r < 0)
			r = pare_error_set(err, r, "index text: %s", pare_strerror(r));
	}
	if (r < 0)
		pare_buf_truncate(out, start);
	return r;
}

static int tar_file(struct pare_tar_writer *w, const char *name, struct pare_slice data,
		    int64_t mtime, struct pare_error *err)
{
	struct pare_tar_header h = {
		.name = pare_slice_from(name),
		.uname = PARE_SLICE_LIT("root"),
		.gname = PARE_SLICE_LIT("root"),
		.type = PARE_TAR_REG,
		.mode = 0644,
		.mtime = mtime,
		.size = data.len,
	};
	int r = pare_tar_write_entry_header(w, &h, err);
	if (r == 0 && data.len)
		r = pare_tar_write_data(w, data.ptr, data.len, err);
	return r ? r : pare_tar_finish_entry(w, err);
}

/* The index member: gzip of tar(DESCRIPTION?, APKINDEX, end). */
static int index_member(const struct pare_index *idx, const struct pare_index_write_opts *o,
			struct pare_buf *member, struct pare_error *err)
{
	struct pare_buf text;
	struct pare_ostream mo, gzo;
	struct pare_gz_writer gz;
	struct pare_tar_writer tw;
	pare_buf_init(&text, INDEX_OUT_MAX);
	int r = pare_index_write_text(idx, &text, o->flags, err);
	if (r < 0)
		goto out_text;
	pare_buf_ostream_init(&mo, member);
	if ((r = pare_gz_writer_init(&gz, &mo, o->level ? o->level : 9, err)) < 0)
		goto out_text;
	pare_gz_ostream(&gz, &gzo);
	pare_tar_writer_init(&tw, &gzo);
	if (idx->description.len)
		r = tar_file(&tw, "DESCRIPTION", idx->description, o->mtime, err);
	if (r == 0)
		r = tar_file(&tw, "APKINDEX", pare_buf_slice(&text), o->mtime, err);
	if (r == 0)
		r = pare_tar_write_end(&tw, err);
	if (r == 0)
		r = pare_gz_finish_member(&gz, err);
	pare_tar_writer_release(&tw);
	pare_gz_writer_release(&gz);
out_text:
	pare_buf_release(&text);
	return r;
}

int pare_index_write_targz(const struct pare_index *idx, const struct pare_index_write_opts *o,
			   struct pare_buf *out, struct pare_error *err)
{
	struct pare_buf member;
	size_t start = out->len;
	pare_buf_init(&member, INDEX_OUT_MAX);
	int r = index_member(idx, o, &member, err);
	if (r == 0 && o->key) {
		enum pare_digest_alg alg = o->sig_alg ? o->sig_alg : PARE_DIGEST_SHA256;
		struct pare_digest_value d;
		r = pare_digest_buffer(alg, member.data, member.len, &d);
		if (r < 0)
			r = pare_error_set(err, r, "index: cannot hash the index member");
		else if (!o->keyname)
			r = pare_error_set(err, -EINVAL, "index: signing needs a key name");
		else
			r = pare_sig_member_sign(out, o->key, o->keyname, &d, o->mtime, err);
	}
	if (r == 0 && pare_buf_append(out, member.data, member.len) < 0)
		r = pare_error_set(err, -PARE_E_TOO_BIG, "index: output too big");
	if (r < 0)
		pare_buf_truncate(out, start);
	pare_buf_release(&member);
	return r;
}

int pare_index_write_targz_file(const struct pare_index *idx,
				const struct pare_index_write_opts *o, const char *path,
				struct pare_error *err)
{
	struct pare_buf b;
	struct pare_atomic_file f;
	pare_buf_init(&b, INDEX_OUT_MAX * 2);
	int r = pare_index_write_targz(idx, o, &b, err);
	if (r == 0 && (r = pare_atomic_open(&f, path, 0644, err)) == 0) {
		r = pare_ostream_write(&f.out, b.data, b.len, err);
		if (r == 0)
			r = pare_atomic_commit(&f, err);
		if (r < 0)
			pare_atomic_abort(&f);
	}
	pare_buf_release(&b);
	return r;
}
