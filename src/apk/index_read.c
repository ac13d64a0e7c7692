/* Reading an index file: APKINDEX.tar.gz (signature verified before any
 * entry is parsed) or plain APKINDEX text. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apk/index.h"
#include "base/bigbuf.h"

/* A stream that first returns bytes already read (the sniffed magic). */
struct sniff_stream {
	unsigned char pre[2];
	size_t npre, ppos;
	struct pare_istream *inner;
};

static ssize_t sniff_read(void *ctx, void *buf, size_t n, struct pare_error *err)
{
	struct sniff_stream *s = ctx;
	if (s->ppos < s->npre) {
		size_t k = s->npre - s->ppos;
		if (k > n)
			k = n;
		memcpy(buf, s->pre + s->ppos, k);
		s->ppos += k;
		return (ssize_t)k;
	}
	return pare_istream_read(s->inner, buf, n, err);
}

static bool sniff_view(void *ctx, size_t max, const void **p, size_t *n)
{
	struct sniff_stream *s = ctx;
	return s->ppos == s->npre && pare_istream_view(s->inner, max, p, n);
}

/* What the visitor collects while the signed file streams. */
struct collect {
	const char *name;
	struct pare_buf desc, text;
	bool have_desc, have_text;
	int64_t build_time;
	/* APKINDEX in place, in the member the package reader keeps
	 * (pare_pkg.index_buf), instead of text */
	const char *view;
	size_t view_len;
};

static int collect_entry(void *ctx, const struct pare_tar_entry *e, struct pare_istream *content,
			 struct pare_error *err)
{
	struct collect *c = ctx;
	bool is_text = pare_slice_eq_cstr(e->name, "APKINDEX");
	struct pare_buf *b = is_text ? &c->text : &c->desc;
	bool *have = is_text ? &c->have_text : &c->have_desc;
	if (*have)
		return pare_error_set(err, -PARE_E_FORMAT, "%s: %.*s twice in the index", c->name,
				      (int)e->name.len, e->name.ptr);
	*have = true;
	if (e->mtime > c->build_time)
		c->build_time = e->mtime;
	if (e->size > b->max)
		return pare_error_set(err, -PARE_E_TOO_BIG, "%s: %.*s larger than %zu bytes", c->name,
				      (int)e->name.len, e->name.ptr, b->max);
	const void *p = NULL;
	size_t got = 0;
	if (is_text && pare_istream_view(content, (size_t)e->size, &p, &got) &&
	    got == e->size) {
		c->view = p;
		c->view_len = got;
		return 0;
	}
	int r = pare_buf_reserve(b, (size_t)e->size);
	if (r < 0)
		return pare_error_set(err, r, "%s: out of memory", c->name);
	if (got)
		memcpy(b->data, p, got);
	r = pare_istream_read_full(content, b->data + got, (size_t)e->size - got, err);
	if (r < 0)
		return r;
	b->len = (size_t)e->size;
	b->data[b->len] = '\0';
	return 0;
}

static int trust_check(struct pare_index *idx, const struct pare_pkg *pkg, const char *name,
		       const struct pare_index_read_opts *opts, struct pare_error *err)
{
	idx->signed_file = true;
	idx->trust = pkg->trust;
	snprintf(idx->signer, sizeof(idx->signer), "%s", pkg->signer ? pkg->signer : "");
	snprintf(idx->trust_msg, sizeof(idx->trust_msg), "%s", pkg->trust_msg);
	if (pkg->kind != PARE_PKG_KIND_INDEX)
		return pare_error_set(err, -PARE_E_FORMAT, "%s: a package, not an index", name);
	if (pkg->trust == 0 || (pkg->trust == -PARE_E_UNTRUSTED && opts->allow_untrusted))
		return 0;
	return pare_error_set(err, pkg->trust, "%s: %s signature%s%s: index refused", name,
			      pkg->trust == -PARE_E_BAD_SIGNATURE ? "BAD" : "UNTRUSTED",
			      pkg->trust_msg[0] ? ": " : "", pkg->trust_msg);
}

static int read_signed(struct pare_index *idx, struct pare_istream *in, const char *name,
		       const struct pare_index_read_opts *opts, struct pare_error *err)
{
	struct collect c = { .name = name };
	struct pare_pkg pkg;
	struct pare_pkg_read_opts po = { .keys = opts->keys, .keep_index = true };
	struct pare_pkg_visitor v = { .index_entry = collect_entry, .ctx = &c };
	pare_buf_init(&c.desc, PARE_INDEX_MAX_DESCRIPTION);
	pare_buf_init(&c.text, PARE_INDEX_MAX_TEXT);
	pare_pkg_init(&pkg);
	int r = pare_pkg_read(&pkg, in, name, &po, &v, err);
	if (r == 0)
		r = trust_check(idx, &pkg, name, opts, err);
	idx->build_time = c.build_time;
	/* APKINDEX in place: the index owns the member holding it */
	char *member = pkg.index_buf;
	size_t mlen = pkg.index_buf_len;
	pkg.index_buf = NULL;
	pare_pkg_release(&pkg);
	if (r == 0 && c.view && !(member && c.view >= member && c.view_len <= mlen &&
				  (size_t)(c.view - member) <= mlen - c.view_len))
		r = pare_error_set(err, -EIO, "%s: APKINDEX outside its member", name);
	if (r == 0 && !c.have_text)
		r = pare_error_set(err, -PARE_E_FORMAT, "%s: no APKINDEX in the index", name);
	if (r == 0)
		r = pare_index_set_description(idx, pare_buf_slice(&c.desc), err);
	pare_buf_release(&c.desc);
	if (r == 0 && c.view) {
		idx->text_block = member;
		idx->text = (char *)c.view;
		idx->text_len = c.view_len;
		member = NULL;
		r = pare_index_parse_slice(idx, pare_slice_make(c.view, c.view_len), name,
					   opts->flags, err);
	} else if (r == 0) {
		size_t len;
		char *text = pare_buf_detach(&c.text, &len);
		r = text ? pare_index_parse_text(idx, text, len, name, opts->flags, err)
			 : pare_error_set(err, -ENOMEM, "out of memory");
	}
	pare_buf_release(&c.text);
	pare_bigbuf_free(member);
	return r;
}

static int read_plain(struct pare_index *idx, struct pare_istream *in, const char *name,
		      const struct pare_index_read_opts *opts, struct pare_error *err)
{
	idx->signed_file = false;
	idx->trust = -PARE_E_UNTRUSTED;
	snprintf(idx->trust_msg, sizeof(idx->trust_msg), "plain index text has no signature");
	if (!opts->allow_untrusted)
		return pare_error_set(err, -PARE_E_UNTRUSTED,
				      "%s: plain index text has no signature: index refused", name);
	struct pare_buf b;
	pare_buf_init(&b, PARE_INDEX_MAX_TEXT);
	int r = 0;
	for (;;) {
		size_t room = b.max - b.len < 65536 ? b.max - b.len : 65536;
		char probe;
		if (room && (r = pare_buf_reserve(&b, room)) < 0)
			break;
		ssize_t n = room ? pare_istream_read(in, b.data + b.len, room, err)
				 : pare_istream_read(in, &probe, 1, err);
		if (n <= 0 || !room) {
			r = n > 0 ? -PARE_E_TOO_BIG : (int)n;
			break;
		}
		b.len += (size_t)n;
		b.data[b.len] = '\0';
	}
	if (r == -PARE_E_TOO_BIG)
		r = pare_error_set(err, r, "%s: index text larger than %u bytes", name,
				   PARE_INDEX_MAX_TEXT);
	else if (r < 0)
		r = pare_error_prefix(err, r, "%s: ", name);
	if (r == 0) {
		size_t len;
		char *text = pare_buf_detach(&b, &len);
		r = text ? pare_index_parse_text(idx, text, len, name, opts->flags, err)
			 : pare_error_set(err, -ENOMEM, "out of memory");
	}
	pare_buf_release(&b);
	return r;
}

int pare_index_read(struct pare_index *idx, struct pare_istream *in, const char *name,
		    const struct pare_index_read_opts *opts, struct pare_error *err)
{
	static const struct pare_index_read_opts none;
	struct sniff_stream s = { .inner = in };
	struct pare_istream ss = { sniff_read, &s, sniff_view };
	if (!opts)
		opts = &none;
	if (!name)
		name = "index";
	while (s.npre < 2) {
		ssize_t n = pare_istream_read(in, s.pre + s.npre, 2 - s.npre, err);
		if (n < 0)
			return pare_error_prefix(err, (int)n, "%s: ", name);
		if (n == 0)
			break;
		s.npre += (size_t)n;
	}
	if (s.npre == 2 && s.pre[0] == 0x1f && s.pre[1] == 0x8b)
		return read_signed(idx, &ss, name, opts, err);
	return read_plain(idx, &ss, name, opts, err);
}

int pare_index_read_fd(struct pare_index *idx, int fd, const char *name,
		       const struct pare_index_read_opts *opts, struct pare_error *err)
{
	struct pare_buf b;
	pare_buf_init(&b, PARE_INDEX_MAX_FILE);
	int r = pare_read_fd(fd, &b, name, err);
	if (r == 0) {
		struct pare_mem_istream m;
		struct pare_istream s;
		pare_mem_istream_init(&m, &s, b.data, b.len);
		r = pare_index_read(idx, &s, name, opts, err);
	}
	pare_buf_release(&b);
	return r;
}

int pare_index_read_file(struct pare_index *idx, const char *path,
			 const struct pare_index_read_opts *opts, struct pare_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return pare_error_set(err, -errno, "%s: %s", path, strerror(errno));
	int r = pare_index_read_fd(idx, fd, path, opts, err);
	close(fd);
	return r;
}
