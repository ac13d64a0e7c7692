/* APKINDEX: the generic record reader, the index parser and the reader of
 * APKINDEX.tar.gz files (see apk/index.h). */
#include "apk/index.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "apk/index_internal.h"
#include "base/bigbuf.h"
#include "base/bytes16.h"
#include "apk/pkginfo.h"

const char pare_index_field_order[] = "CPVASITULomtckDpir";

/* ---- record reader */

/* Offset of the first control byte other than '\t' in p[from..len) (the
 * '\n' that ends a line, or a byte no value may hold), or len.  Lines are
 * short (Alpine's average 43 bytes): inline, sixteen bytes at a time,
 * where a memchr call costs more to set up than to run; one pass finds
 * both. */
static size_t find_line_end(const char *p, size_t from, size_t len)
{
	size_t i = from;
	for (; len - i >= 16; i += 16) {
		pare_v16 v = pare_v16_load(p + i);
		pare_v16_mask m = (v < 0x20) & (v != '\t');
		if (pare_v16_any(m))
			return i + pare_v16_first(m);
	}
	while (i < len && ((unsigned char)p[i] >= 0x20 || p[i] == '\t'))
		i++;
	return i;
}

void pare_rec_reader_init(struct pare_rec_reader *rr, struct pare_slice text, const char *name)
{
	rr->text = text;
	rr->pos = 0;
	rr->line = 1;
	rr->rec_line = 0;
	rr->name = name ? name : "index";
}

bool pare_rec_next_record(struct pare_rec_reader *rr)
{
	while (rr->pos < rr->text.len && rr->text.ptr[rr->pos] == '\n') {
		rr->pos++;
		rr->line++;
	}
	rr->rec_line = rr->line;
	return rr->pos < rr->text.len;
}

static int rec_error(struct pare_rec_reader *rr, int code, struct pare_error *err,
		     const char *what, unsigned char c)
{
	return pare_error_set(err, code, "%s line %" PRIu64 ": %s (byte 0x%02x)", rr->name,
			      rr->line, what, c);
}

int pare_rec_next_field(struct pare_rec_reader *rr, char *letter, struct pare_slice *value,
			struct pare_error *err)
{
	const char *p = rr->text.ptr;
	size_t len = rr->text.len, pos = rr->pos;
	if (pos >= len)
		return 0;
	if (p[pos] == '\n') {
		rr->pos = pos + 1;
		rr->line++;
		return 0;
	}
	unsigned char c = (unsigned char)p[pos];
	if (len - pos < 2 || p[pos + 1] != ':' || c <= 0x20 || c >= 0x7f || c == ':')
		return rec_error(rr, -PARE_E_FORMAT, err, "not a field line (want X:value)", c);
	size_t start = pos + 2, end = find_line_end(p, start, len);
	if (end < len && p[end] != '\n')
		return rec_error(rr, -PARE_E_FORMAT, err, "control character in a value",
				 (unsigned char)p[end]);
	if (end - start > PARE_INDEX_MAX_LINE)
		return pare_error_set(err, -PARE_E_TOO_BIG, "%s line %" PRIu64 ": line longer than %u bytes",
				      rr->name, rr->line, PARE_INDEX_MAX_LINE);
	*letter = (char)c;
	*value = (struct pare_slice){ p + start, end - start };
	rr->pos = end < len ? end + 1 : len;
	rr->line++;
	return 1;
}

/* ---- lifecycle */

struct text_node {
	struct text_node *next;
	char *text;
};

void pare_index_init(struct pare_index *idx)
{
	memset(idx, 0, sizeof(*idx));
	pare_arena_init(&idx->arena, 256 * 1024, 0);
	idx->trust = -PARE_E_UNTRUSTED;
}

void pare_index_release(struct pare_index *idx)
{
	if (!idx)
		return;
	for (struct text_node *t = idx->more_texts; t; t = t->next)
		free(t->text);
	if (idx->text_block)
		pare_bigbuf_free(idx->text_block);
	else
		free(idx->text);
	pare_bigbuf_free(idx->ents);
	pare_arena_release(&idx->arena);
	pare_index_init(idx);
}

void pare_index_release_front(struct pare_index *idx, size_t n)
{
	if (n == 0 || n > idx->n)
		return;
	/* records lie in text order: the text before the last released
	 * record's name holds no value of a later entry */
	const char *upto = idx->ents[n - 1].name.ptr;
	if (idx->text_block && !idx->more_texts && upto && upto >= idx->text &&
	    upto <= idx->text + idx->text_len)
		pare_bigbuf_release_front(idx->text_block, (size_t)(upto - idx->text_block));
	pare_bigbuf_release_front(idx->ents, n * sizeof(*idx->ents));
}

void pare_pkgent_clear(struct pare_pkgent *e)
{
	memset(e, 0, sizeof(*e));
	e->repo = -1;
}

int pare_index_reserve(struct pare_index *idx, size_t extra, struct pare_error *err)
{
	if (extra > PARE_INDEX_MAX_ENTRIES || idx->n > PARE_INDEX_MAX_ENTRIES - extra)
		return pare_error_set(err, -PARE_E_TOO_BIG, "index: more than %u entries",
				      PARE_INDEX_MAX_ENTRIES);
	if (idx->n + extra <= idx->cap)
		return 0;
	/* a bulk reservation (an index's counted records) is exact; one more
	 * entry at a time doubles */
	size_t cap = extra > 1 ? idx->n + extra : idx->cap ? idx->cap : 16;
	while (cap < idx->n + extra)
		cap *= 2;
	/* Alpine's 5004 entries take 2.2 MB: on huge pages (base/bigbuf.h) */
	struct pare_pkgent *v = pare_bigbuf_alloc(cap * sizeof(*v));
	if (!v)
		return pare_error_set(err, -ENOMEM, "index: out of memory");
	if (idx->n)
		memcpy(v, idx->ents, idx->n * sizeof(*v));
	pare_bigbuf_free(idx->ents);
	idx->ents = v;
	idx->cap = cap;
	return 0;
}

/* ---- dependency lists */

/* Next atom of a list: atoms are separated by runs of spaces or tabs. */
/* Next atom of a list (text from start to end): atoms are separated by
 * runs of spaces or tabs.  Sixteen bytes at a time, and the last (short)
 * stretch of a list of 16 bytes or more as the block that ends it, the
 * bytes before the atom masked out. */
static bool next_atom(const char **pp, const char *start, const char *end,
		      struct pare_slice *atom)
{
	static const pare_v16 iota = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };
	const char *p = *pp;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p == end)
		return false;
	const char *q = p, *found = NULL; /* atoms are short: no memchr calls */
	for (; end - q >= 16 && !found; q += 16) {
		pare_v16 v = pare_v16_load(q);
		pare_v16_mask m = (v == ' ') | (v == '\t');
		if (pare_v16_any(m))
			found = q + pare_v16_first(m);
	}
	if (!found && q < end && end - start >= 16) {
		const char *b = end - 16; /* b < q <= end: no separator in [b, q) matters */
		pare_v16 v = pare_v16_load(b);
		pare_v16_mask m = ((v == ' ') | (v == '\t')) & (iota >= (unsigned char)(q - b));
		found = pare_v16_any(m) ? b + pare_v16_first(m) : end;
	}
	if (!found) {
		while (q < end && *q != ' ' && *q != '\t')
			q++;
		found = q;
	}
	*atom = (struct pare_slice){ p, (size_t)(found - p) };
	*pp = found;
	return true;
}

/* Atoms are at least one byte plus a separator: at most this many. */
static size_t atoms_max(struct pare_slice text)
{
	return (text.len + 1) / 2;
}

/* The atoms of text into v (room for atoms_max(text)); *got of them. */
static int parse_atoms(struct pare_slice text, bool tolerant, bool *bad, struct pare_dep *v,
		       size_t *got, struct pare_error *err)
{
	const char *p = text.ptr, *end = text.len ? text.ptr + text.len : text.ptr;
	struct pare_slice atom;
	int r = 0;
	*got = 0;
	*bad = false;
	while (r == 0 && next_atom(&p, text.ptr, end, &atom)) {
		if (*got == PARE_INDEX_MAX_DEPS)
			r = pare_error_set(err, -PARE_E_TOO_BIG, "more than %u atoms", PARE_INDEX_MAX_DEPS);
		else if (pare_dep_parse(atom, &v[*got], tolerant ? NULL : err) == 0)
			(*got)++;
		else if (tolerant)
			*bad = true;
		else
			r = -PARE_E_INVALID_DEP;
	}
	return r;
}

int pare_index_deplist_parse(struct pare_arena *a, struct pare_slice text, bool tolerant,
			     bool *bad, struct pare_deplist *out, struct pare_error *err)
{
	size_t cap = atoms_max(text), got = 0;
	struct pare_dep local[64], *v = local;
	out->v = NULL;
	out->n = 0;
	out->text = text;
	*bad = false;
	if (cap > 64 && !(v = malloc(cap * sizeof(*v))))
		return pare_error_set(err, -ENOMEM, "out of memory");
	int r = parse_atoms(text, tolerant, bad, v, &got, err);
	if (r == 0 && got) {
		out->v = pare_arena_alloc(a, got * sizeof(*v));
		if (out->v) {
			memcpy(out->v, v, got * sizeof(*v));
			out->n = (uint32_t)got;
		} else {
			r = pare_error_set(err, -ENOMEM, "out of memory");
		}
	}
	if (v != local)
		free(v);
	return r;
}

uint32_t pare_index_bad_flag(char c)
{
	switch (c) {
	case 'D': return PARE_PKGENT_BAD_DEPENDS;
	case 'p': return PARE_PKGENT_BAD_PROVIDES;
	case 'i': return PARE_PKGENT_BAD_INSTALL_IF;
	default: return PARE_PKGENT_BAD_REPLACES;
	}
}

/* ---- lists kept as text (PARE_INDEX_LAZY_DEPS) */

static struct pare_deplist *entry_list(struct pare_pkgent *e, size_t i)
{
	struct pare_deplist *l[] = { &e->depends, &e->provides, &e->install_if, &e->replaces };
	return l[i];
}

/* Parse e's four lists (pending) into v (room for all their atoms), set
 * the lists' v/n and the BAD_* flags, as add_deps does. */
static int parse_lists(struct pare_pkgent *e, struct pare_dep *v, struct pare_error *err)
{
	static const char letters[] = "Dpir";
	for (size_t i = 0; i < 4; i++) {
		struct pare_deplist *l = entry_list(e, i);
		bool bad;
		size_t got;
		int r = parse_atoms(l->text, true, &bad, v, &got, err);
		if (r < 0)
			return r;
		l->v = got ? v : NULL;
		l->n = (uint32_t)got;
		if (got) /* v is NULL when every list is empty */
			v += got;
		if (bad) {
			e->flags |= pare_index_bad_flag(letters[i]);
			if (letters[i] == 'i') { /* apk drops a partial install_if rule */
				l->v = NULL;
				l->n = 0;
			}
		}
	}
	e->flags &= ~(uint32_t)PARE_PKGENT_DEPS_PENDING;
	return 0;
}

static size_t lists_max(const struct pare_pkgent *e)
{
	return atoms_max(e->depends.text) + atoms_max(e->provides.text) +
	       atoms_max(e->install_if.text) + atoms_max(e->replaces.text);
}

int pare_index_entry_deps(struct pare_index *idx, struct pare_pkgent *e, struct pare_error *err)
{
	if (!(e->flags & PARE_PKGENT_DEPS_PENDING))
		return 0;
	struct pare_dep *tmp = NULL;
	size_t cap = 0;
	struct pare_pkgent out;
	int r = pare_pkgent_deps_tmp(e, &out, &tmp, &cap, err);
	for (size_t i = 0; r == 0 && i < 4; i++) { /* each list into the arena, exactly */
		struct pare_deplist *l = entry_list(&out, i);
		struct pare_dep *v = l->n ? pare_arena_alloc(&idx->arena, l->n * sizeof(*v)) : NULL;
		if (l->n && !v)
			r = pare_error_set(err, -ENOMEM, "out of memory");
		else if (l->n)
			memcpy(v, l->v, l->n * sizeof(*v));
		l->v = v;
	}
	if (r == 0)
		*e = out;
	free(tmp);
	return r;
}

int pare_pkgent_deps_tmp(const struct pare_pkgent *e, struct pare_pkgent *out,
			 struct pare_dep **buf, size_t *cap, struct pare_error *err)
{
	*out = *e;
	if (!(e->flags & PARE_PKGENT_DEPS_PENDING))
		return 0;
	size_t need = lists_max(e);
	if (need > *cap) {
		size_t n = need > 2 * *cap ? need : 2 * *cap;
		struct pare_dep *v = realloc(*buf, n * sizeof(*v));
		if (!v)
			return pare_error_set(err, -ENOMEM, "out of memory");
		*buf = v;
		*cap = n;
	}
	return parse_lists(out, *buf, err);
}

/* ---- one record into one entry */

struct ent_parse {
	struct pare_index *idx;
	struct pare_rec_reader *rr;
	unsigned flags;
	uint64_t seen[2];  /* single-valued letters seen (ASCII) */
	uint64_t line;     /* line of the current field */
	char order[PARE_INDEX_MAX_FIELDS];
	size_t norder;
	struct pare_slice orders[8]; /* recent distinct field orders (arena), shared */
	size_t next_order;
	struct pare_index_field unknown[PARE_INDEX_MAX_UNKNOWN];
	size_t nunknown;
};

static int field_error(struct ent_parse *ep, char letter, int code, struct pare_error *err,
		       const char *why, struct pare_slice v)
{
	int shown = v.len > 64 ? 64 : (int)v.len;
	return pare_error_set(err, code, "%s line %" PRIu64 ": %c: %s '%.*s%s'", ep->rr->name,
			      ep->line, letter, why, shown, v.ptr ? v.ptr : "",
			      v.len > 64 ? "..." : "");
}

static int set_number(struct ent_parse *ep, char c, struct pare_slice v, uint64_t *out,
		      uint32_t flag, struct pare_pkgent *e, struct pare_error *err)
{
	if (!pare_slice_to_u64(v, out))
		return field_error(ep, c, -PARE_E_FORMAT, err, "not a decimal number:", v);
	e->flags |= flag;
	return 0;
}

static int set_identity(struct ent_parse *ep, struct pare_slice v, struct pare_pkgent *e,
			struct pare_error *err)
{
	if (v.len == 0)
		return 0;
	if (pare_apk_checksum_parse(v.ptr, v.len, &e->identity) < 0)
		return field_error(ep, 'C', -PARE_E_FORMAT, err, "not a Q1/Q2 checksum:", v);
	e->identity_text = v;
	return 0;
}

static int add_deps(struct ent_parse *ep, char c, struct pare_slice v, struct pare_deplist *l,
		    struct pare_pkgent *e, struct pare_error *err)
{
	struct pare_arena *a = &ep->idx->arena;
	if (l->text.len && v.len) {
		/* A repeated list line: the atoms add up. */
		size_t n = l->text.len + 1 + v.len;
		char *j = pare_arena_alloc(a, n);
		if (!j)
			return pare_error_set(err, -ENOMEM, "out of memory");
		memcpy(j, l->text.ptr, l->text.len);
		j[l->text.len] = ' ';
		memcpy(j + l->text.len + 1, v.ptr, v.len);
		v = pare_slice_make(j, n);
	} else if (l->text.len) {
		return 0;
	}
	if (ep->flags & PARE_INDEX_LAZY_DEPS) {
		l->text = v;
		e->flags |= PARE_PKGENT_DEPS_PENDING;
		return 0;
	}
	bool bad;
	int r = pare_index_deplist_parse(a, v, !(ep->flags & PARE_INDEX_STRICT), &bad, l, err);
	if (r < 0)
		return pare_error_prefix(err, r, "%s line %" PRIu64 ": %c: ", ep->rr->name, ep->line, c);
	if (bad) {
		e->flags |= pare_index_bad_flag(c);
		if (c == 'i') { /* apk drops a partial install_if rule */
			l->v = NULL;
			l->n = 0;
		}
	}
	return 0;
}

static bool is_single(char c)
{
	switch (c) {
	case 'C': case 'P': case 'V': case 'A': case 'S': case 'I': case 'T': case 'U':
	case 'L': case 'o': case 'm': case 't': case 'c': case 'k':
		return true;
	default:
		return false;
	}
}

static int add_unknown(struct ent_parse *ep, char c, struct pare_slice v, struct pare_error *err)
{
	if (ep->nunknown >= PARE_INDEX_MAX_UNKNOWN)
		return field_error(ep, c, -PARE_E_TOO_BIG, err, "too many unknown fields, at", v);
	ep->unknown[ep->nunknown++] = (struct pare_index_field){ c, v };
	return 0;
}

static int ent_field(struct ent_parse *ep, char c, struct pare_slice v, struct pare_pkgent *e,
		     struct pare_error *err)
{
	if (is_single(c)) {
		uint64_t bit = 1ULL << ((unsigned char)c & 63);
		uint64_t *w = &ep->seen[((unsigned char)c >> 6) & 1];
		if (*w & bit)
			return field_error(ep, c, -PARE_E_FORMAT, err, "field repeated:", v);
		*w |= bit;
	}
	switch (c) {
	case 'P': e->name = v; return 0;
	case 'V': e->version = v; return 0;
	case 'A': e->arch = v; return 0;
	case 'T': e->description = v; return 0;
	case 'U': e->url = v; return 0;
	case 'L': e->license = v; return 0;
	case 'o': e->origin = v; return 0;
	case 'm': e->maintainer = v; return 0;
	case 'c': e->commit = v; return 0;
	case 'C': return set_identity(ep, v, e, err);
	case 'S': return set_number(ep, c, v, &e->size, PARE_PKGENT_HAS_SIZE, e, err);
	case 'I': return set_number(ep, c, v, &e->installed_size, PARE_PKGENT_HAS_ISIZE, e, err);
	case 't': return set_number(ep, c, v, &e->build_time, PARE_PKGENT_HAS_BUILD_TIME, e, err);
	case 'k': return set_number(ep, c, v, &e->provider_priority, PARE_PKGENT_HAS_PRIORITY, e,
				    err);
	case 'D': return add_deps(ep, c, v, &e->depends, e, err);
	case 'p': return add_deps(ep, c, v, &e->provides, e, err);
	case 'i': return add_deps(ep, c, v, &e->install_if, e, err);
	case 'r': return add_deps(ep, c, v, &e->replaces, e, err);
	default: return add_unknown(ep, c, v, err);
	}
}

static int ent_finish(struct ent_parse *ep, struct pare_pkgent *e, struct pare_error *err)
{
	struct pare_arena *a = &ep->idx->arena;
	ep->line = e->line;
	if (e->name.len == 0)
		return pare_error_set(err, -PARE_E_FORMAT, "%s line %" PRIu64 ": record without P:",
				      ep->rr->name, e->line);
	if (e->version.len == 0)
		return pare_error_set(err, -PARE_E_FORMAT, "%s line %" PRIu64 ": record without V:",
				      ep->rr->name, e->line);
	if (!pare_pkginfo_name_valid(e->name))
		return field_error(ep, 'P', -PARE_E_FORMAT, err, "invalid package name", e->name);
	/* Versions are not validated: real indexes hold some that are not
	 * valid ("0.99f7-r1" in Alpine 3.17); apk compares them anyway. */
	/* most records share one of a few field orders: one copy each */
	struct pare_slice order = PARE_SLICE_NULL;
	for (size_t i = 0; i < 8 && !order.ptr; i++)
		if (ep->orders[i].len == ep->norder &&
		    memcmp(ep->orders[i].ptr, ep->order, ep->norder) == 0)
			order = ep->orders[i];
	if (!order.ptr) {
		char *o = pare_arena_alloc(a, ep->norder);
		if (!o)
			return pare_error_set(err, -ENOMEM, "out of memory");
		memcpy(o, ep->order, ep->norder);
		order = pare_slice_make(o, ep->norder);
		ep->orders[ep->next_order++ % 8] = order;
	}
	struct pare_index_field *unk = NULL;
	if (ep->nunknown)
		unk = pare_arena_alloc(a, ep->nunknown * sizeof(*unk));
	if (ep->nunknown && !unk)
		return pare_error_set(err, -ENOMEM, "out of memory");
	if (ep->nunknown)
		memcpy(unk, ep->unknown, ep->nunknown * sizeof(*unk));
	e->order = order;
	e->unknown = unk;
	e->nunknown = (uint32_t)ep->nunknown;
	return 0;
}

static int parse_record(struct ent_parse *ep, struct pare_pkgent *e, struct pare_error *err)
{
	struct pare_rec_reader *rr = ep->rr;
	char c;
	struct pare_slice v;
	int r;
	pare_pkgent_clear(e);
	e->line = rr->rec_line;
	ep->seen[0] = ep->seen[1] = 0;
	ep->norder = ep->nunknown = 0;
	for (;;) {
		ep->line = rr->line;
		r = pare_rec_next_field(rr, &c, &v, err);
		if (r <= 0)
			break;
		if (ep->norder >= PARE_INDEX_MAX_FIELDS)
			return field_error(ep, c, -PARE_E_TOO_BIG, err, "too many fields, at", v);
		ep->order[ep->norder++] = c;
		if ((r = ent_field(ep, c, v, e, err)) < 0)
			return r;
	}
	return r < 0 ? r : ent_finish(ep, e, err);
}

/* Upper bound of the records in text: one more than the blank lines
 * ("\n\n", counted without overlap).  Sixteen bytes at a time: a record
 * (~390 bytes in Alpine's index) has one. */
static size_t count_records(struct pare_slice t)
{
	size_t n = 1, i = 0, len = t.len;
	const char *p = t.ptr;
	if (len == 0) /* t.ptr may be NULL: no pointer arithmetic on it */
		return n;
	while (i + 1 < len) {
		if (len - i >= 17) {
			pare_v16_mask m = (pare_v16_load(p + i) == '\n') &
					  (pare_v16_load(p + i + 1) == '\n');
			if (!pare_v16_any(m)) {
				i += 16;
				continue;
			}
			i += pare_v16_first(m);
		} else if (!(p[i] == '\n' && p[i + 1] == '\n')) {
			i++;
			continue;
		}
		n++;
		i += 2;
	}
	return n;
}

int pare_index_parse_slice(struct pare_index *idx, struct pare_slice text, const char *name,
			   unsigned flags, struct pare_error *err)
{
	if ((flags & PARE_INDEX_LAZY_DEPS) && (flags & PARE_INDEX_STRICT))
		return pare_error_set(err, -EINVAL, "%s: lazy lists cannot be strict",
				      name ? name : "index");
	if (text.len > PARE_INDEX_MAX_TEXT)
		return pare_error_set(err, -PARE_E_TOO_BIG, "%s: index text larger than %u bytes",
				      name ? name : "index", PARE_INDEX_MAX_TEXT);
	struct pare_rec_reader rr;
	pare_rec_reader_init(&rr, text, name);
	struct ent_parse *ep = malloc(sizeof(*ep));
	if (!ep)
		return pare_error_set(err, -ENOMEM, "out of memory");
	ep->idx = idx;
	ep->rr = &rr;
	ep->flags = flags;
	memset(ep->orders, 0, sizeof(ep->orders));
	ep->next_order = 0;
	size_t first = idx->n, guess = count_records(text);
	int r = pare_index_reserve(idx, guess < PARE_INDEX_MAX_ENTRIES ? guess : 1, err);
	while (r == 0 && pare_rec_next_record(&rr)) {
		if ((r = pare_index_reserve(idx, 1, err)) < 0)
			break;
		r = parse_record(ep, &idx->ents[idx->n], err);
		if (r == 0)
			idx->n++;
	}
	free(ep);
	if (r < 0)
		idx->n = first;
	return r;
}

int pare_index_parse_text(struct pare_index *idx, char *text, size_t len, const char *name,
			  unsigned flags, struct pare_error *err)
{
	if (!idx->text) {
		idx->text = text;
		idx->text_len = len;
	} else {
		struct text_node *t = pare_arena_alloc(&idx->arena, sizeof(*t));
		if (!t) {
			free(text);
			return pare_error_set(err, -ENOMEM, "out of memory");
		}
		t->text = text;
		t->next = idx->more_texts;
		idx->more_texts = t;
	}
	return pare_index_parse_slice(idx, pare_slice_make(text, len), name, flags, err);
}

int pare_index_set_description(struct pare_index *idx, struct pare_slice text,
			       struct pare_error *err)
{
	if (text.len > PARE_INDEX_MAX_DESCRIPTION)
		return pare_error_set(err, -PARE_E_TOO_BIG, "description longer than %u bytes",
				      PARE_INDEX_MAX_DESCRIPTION);
	idx->description = text.len ? pare_arena_slice(&idx->arena, text) : PARE_SLICE_NULL;
	if (text.len && !idx->description.ptr)
		return pare_error_set(err, -ENOMEM, "out of memory");
	return 0;
}
