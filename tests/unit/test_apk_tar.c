/* Unit tests for src/apk/tar.c: writer/reader round-trips, archives made
 * by the system's GNU tar (posix and gnu formats), hostile inputs that must
 * fail with the right code, and real APK packages from the fixtures
 * (every APK-TOOLS.checksum.SHA1 must match the content).
 *
 * Fixtures are looked up in $PARE_FIXTURES_DIR, ../shared/fixtures/real,
 * ../../shared/fixtures/real and /work/shared/fixtures/real; the tests that
 * need them are skipped when none exists. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "apk/tar.h"
#include "base/buf.h"
#include "base/error.h"
#include "io/digest.h"
#include "io/stream.h"

/* ---- reading helpers ---- */

#define MAX_REC 16

struct rentry {
	char *name, *link, *uname, *gname;
	char type;
	uint32_t mode, dmaj, dmin;
	uint64_t uid, gid, size, offset, header_offset;
	int64_t mtime;
	struct pare_digest_value checksum;
	size_t nrecords;
	char *rkey[MAX_REC];
	char *rval[MAX_REC];
	size_t rvlen[MAX_REC];
	unsigned char *data;
	size_t datalen;
};

struct rlist {
	struct rentry *e;
	size_t n, cap;
};

static void rlist_free(struct rlist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		struct rentry *e = &l->e[i];
		free(e->name);
		free(e->link);
		free(e->uname);
		free(e->gname);
		free(e->data);
		for (size_t k = 0; k < e->nrecords && k < MAX_REC; k++) {
			free(e->rkey[k]);
			free(e->rval[k]);
		}
	}
	free(l->e);
	l->e = NULL;
	l->n = l->cap = 0;
}

static void copy_entry(struct rentry *d, const struct pare_tar_entry *e)
{
	memset(d, 0, sizeof(*d));
	d->name = pare_slice_dup(e->name);
	d->link = pare_slice_dup(e->linkname);
	d->uname = pare_slice_dup(e->uname);
	d->gname = pare_slice_dup(e->gname);
	/* The header promises NUL-terminated strings. */
	assert_int_equal(e->name.ptr[e->name.len], '\0');
	assert_int_equal(e->linkname.ptr[e->linkname.len], '\0');
	d->type = e->type;
	d->mode = e->mode;
	d->uid = e->uid;
	d->gid = e->gid;
	d->size = e->size;
	d->mtime = e->mtime;
	d->dmaj = e->devmajor;
	d->dmin = e->devminor;
	d->offset = e->offset;
	d->header_offset = e->header_offset;
	d->checksum = e->checksum;
	d->nrecords = e->nrecords;
	for (size_t k = 0; k < e->nrecords && k < MAX_REC; k++) {
		d->rkey[k] = pare_slice_dup(e->records[k].key);
		d->rval[k] = malloc(e->records[k].value.len + 1);
		memcpy(d->rval[k], e->records[k].value.ptr, e->records[k].value.len + 1);
		d->rvlen[k] = e->records[k].value.len;
	}
}

/* Read all entries and their data (in odd-sized chunks).  Returns the
 * final code of next()/read() (0 at a clean end). */
static int read_stream(struct pare_istream *in, const struct pare_tar_limits *lim,
		       struct rlist *out, struct pare_error *err)
{
	struct pare_tar_reader r;
	struct pare_tar_entry e;
	int rc;
	assert_int_equal(pare_tar_reader_init(&r, in, lim), 0);
	while ((rc = pare_tar_next(&r, &e, err)) == 1) {
		if (out->n == out->cap) {
			out->cap = out->cap ? out->cap * 2 : 16;
			out->e = realloc(out->e, out->cap * sizeof(*out->e));
			assert_non_null(out->e);
		}
		struct rentry *d = &out->e[out->n++];
		copy_entry(d, &e);
		/* Test archives are small; a header may claim more than the
		 * stream holds, so never allocate what it claims. */
		size_t cap = e.size < (1u << 20) ? (size_t)e.size : (1u << 20);
		d->data = malloc(cap + 1);
		assert_non_null(d->data);
		unsigned char chunk[333];
		ssize_t k;
		while ((k = pare_tar_read(&r, chunk, sizeof(chunk), err)) > 0) {
			assert_true(d->datalen + (size_t)k <= e.size);
			assert_true(d->datalen + (size_t)k <= cap);
			memcpy(d->data + d->datalen, chunk, (size_t)k);
			d->datalen += (size_t)k;
		}
		if (k < 0) {
			rc = (int)k;
			break;
		}
		assert_int_equal(d->datalen, e.size);
	}
	/* Errors are sticky. */
	if (rc < 0)
		assert_int_equal(pare_tar_next(&r, &e, NULL), rc);
	pare_tar_reader_release(&r);
	return rc;
}

static int read_mem(const void *p, size_t len, const struct pare_tar_limits *lim,
		    struct rlist *out, struct pare_error *err)
{
	struct pare_mem_istream m;
	struct pare_istream in;
	pare_mem_istream_init(&m, &in, p, len);
	return read_stream(&in, lim, out, err);
}

static const struct rentry *find(const struct rlist *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->e[i].name, name) == 0)
			return &l->e[i];
	return NULL;
}

/* ---- writing helpers ---- */

struct wout {
	struct pare_buf buf;
	struct pare_ostream os;
	struct pare_tar_writer w;
};

static void wout_init(struct wout *o)
{
	pare_buf_init(&o->buf, 64u << 20);
	pare_buf_ostream_init(&o->os, &o->buf);
	assert_int_equal(pare_tar_writer_init(&o->w, &o->os), 0);
}

static void wout_release(struct wout *o)
{
	pare_tar_writer_release(&o->w);
	pare_buf_release(&o->buf);
}

static struct pare_tar_header hdr(const char *name, char type, uint64_t size)
{
	struct pare_tar_header h;
	memset(&h, 0, sizeof(h));
	h.name = pare_slice_from(name);
	h.type = type;
	h.mode = type == PARE_TAR_DIR ? 0755 : 0644;
	h.size = size;
	h.mtime = 1700000000;
	h.uname = pare_slice_from("root");
	h.gname = pare_slice_from("root");
	return h;
}

static void put_file(struct wout *o, struct pare_tar_header h, const void *data)
{
	struct pare_error err = { 0 };
	assert_int_equal(pare_tar_write_entry_header(&o->w, &h, &err), 0);
	if (h.size)
		assert_int_equal(pare_tar_write_data(&o->w, data, (size_t)h.size, &err), 0);
	assert_int_equal(pare_tar_finish_entry(&o->w, &err), 0);
	assert_int_equal(o->w.offset % 512, 0);
}

static char *repeat(char c, size_t n)
{
	char *s = malloc(n + 1);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

static void sha1_of(const void *p, size_t n, struct pare_digest_value *v)
{
	assert_int_equal(pare_digest_buffer(PARE_DIGEST_SHA1, p, n, v), 0);
}

/* ---- round trips ---- */

struct rt_names {
	char *split150;  /* fits ustar prefix + name */
	char *long300;   /* needs PAX path */
	char *noslash120;
	char *link200;
	char *uname40;
	char *dir;
	char *slashdir; /* 122 bytes ending in '/' */
};

static void rt_names_init(struct rt_names *n)
{
	char *a = repeat('a', 80), *b = repeat('b', 69);
	size_t len = 80 + 1 + 69 + 1;
	n->split150 = malloc(len);
	snprintf(n->split150, len, "%s/%s", a, b);
	free(a);
	free(b);
	n->long300 = repeat('c', 300);
	for (size_t i = 50; i < 300; i += 50)
		n->long300[i] = '/';
	n->noslash120 = repeat('d', 120);
	n->link200 = repeat('e', 200);
	n->uname40 = repeat('u', 40);
	n->dir = repeat('f', 130);
	n->dir[60] = '/';
	n->slashdir = repeat('g', 122);
	n->slashdir[60] = '/';
	n->slashdir[121] = '/';
}

static void rt_names_free(struct rt_names *n)
{
	free(n->split150);
	free(n->long300);
	free(n->noslash120);
	free(n->link200);
	free(n->uname40);
	free(n->dir);
	free(n->slashdir);
}

static const char xattr_val[] = { 'a', '\0', 'b', '\n', 'c' };

static void write_roundtrip(struct wout *o, const struct rt_names *n, const unsigned char *big)
{
	struct pare_tar_header h;
	put_file(o, hdr("usr", PARE_TAR_DIR, 0), NULL);
	h = hdr("usr/bin/hello", PARE_TAR_REG, 12);
	h.mode = 04755;
	sha1_of("hello world\n", 12, &h.checksum);
	put_file(o, h, "hello world\n");
	h = hdr(n->split150, PARE_TAR_REG, 2000);
	sha1_of(big, 2000, &h.checksum);
	put_file(o, h, big);
	put_file(o, hdr(n->long300, PARE_TAR_REG, 3), "abc");
	put_file(o, hdr(n->noslash120, PARE_TAR_REG, 0), NULL);
	h = hdr("usr/lib/link", PARE_TAR_SYMLINK, 0);
	h.linkname = pare_slice_from(n->link200);
	h.mode = 0777;
	sha1_of(n->link200, 200, &h.checksum);
	put_file(o, h, NULL);
	h = hdr("usr/bin/hello2", PARE_TAR_LINK, 0);
	h.linkname = pare_slice_from("usr/bin/hello");
	put_file(o, h, NULL);
	put_file(o, hdr("empty", PARE_TAR_REG, 0), NULL);
	struct pare_tar_record x[2] = {
		{ PARE_SLICE_LIT("SCHILY.xattr.user.z"), PARE_SLICE_LIT("zz") },
		{ PARE_SLICE_LIT("SCHILY.xattr.security.capability"),
		  pare_slice_make(xattr_val, sizeof(xattr_val)) },
	};
	h = hdr("bin/ping", PARE_TAR_REG, 1);
	h.records = x;
	h.nrecords = 2;
	put_file(o, h, "p");
	h = hdr("owned", PARE_TAR_REG, 0);
	h.uid = 5000000;
	h.gid = 3000000000u;
	h.uname = pare_slice_from(n->uname40);
	h.mtime = -100;
	put_file(o, h, NULL);
	h = hdr("dev/tty0", PARE_TAR_CHR, 0);
	h.devmajor = 4;
	h.devminor = 64;
	put_file(o, h, NULL);
	put_file(o, hdr("fifo", PARE_TAR_FIFO, 0), NULL);
	put_file(o, hdr(n->dir, PARE_TAR_DIR, 0), NULL);
	put_file(o, hdr(n->slashdir, PARE_TAR_DIR, 0), NULL);
	struct pare_error err = { 0 };
	assert_int_equal(pare_tar_write_end(&o->w, &err), 0);
}

static void check_roundtrip(const struct rlist *l, const struct rt_names *n,
			    const unsigned char *big)
{
	assert_int_equal(l->n, 14);
	n->slashdir[121] = '\0';
	assert_int_equal(find(l, n->slashdir)->type, PARE_TAR_DIR);
	n->slashdir[121] = '/';
	const struct rentry *e = find(l, "usr");
	assert_non_null(e);
	assert_int_equal(e->type, PARE_TAR_DIR);
	assert_int_equal(e->mode, 0755);
	assert_string_equal(e->uname, "root");
	assert_int_equal(e->mtime, 1700000000);
	assert_int_equal(e->checksum.alg, PARE_DIGEST_NONE);
	assert_int_equal(e->offset, 0);
	e = find(l, "usr/bin/hello");
	assert_non_null(e);
	assert_int_equal(e->mode, 04755);
	assert_memory_equal(e->data, "hello world\n", 12);
	struct pare_digest_value v;
	sha1_of("hello world\n", 12, &v);
	assert_int_equal(e->checksum.alg, PARE_DIGEST_SHA1);
	assert_memory_equal(e->checksum.bytes, v.bytes, 20);
	assert_int_equal(e->nrecords, 1);
	assert_true(e->header_offset > e->offset); /* after its PAX header */
	e = find(l, n->split150);
	assert_non_null(e);
	assert_int_equal(e->size, 2000);
	assert_memory_equal(e->data, big, 2000);
	e = find(l, n->long300);
	assert_non_null(e);
	assert_memory_equal(e->data, "abc", 3);
	assert_non_null(find(l, n->noslash120));
	e = find(l, "usr/lib/link");
	assert_non_null(e);
	assert_int_equal(e->type, PARE_TAR_SYMLINK);
	assert_string_equal(e->link, n->link200);
	sha1_of(n->link200, 200, &v);
	assert_memory_equal(e->checksum.bytes, v.bytes, 20);
	e = find(l, "usr/bin/hello2");
	assert_non_null(e);
	assert_int_equal(e->type, PARE_TAR_LINK);
	assert_string_equal(e->link, "usr/bin/hello");
	e = find(l, "empty");
	assert_non_null(e);
	assert_int_equal(e->size, 0);
	e = find(l, "bin/ping");
	assert_non_null(e);
	assert_int_equal(e->nrecords, 2);
	/* Sorted by key. */
	assert_string_equal(e->rkey[0], "SCHILY.xattr.security.capability");
	assert_int_equal(e->rvlen[0], sizeof(xattr_val));
	assert_memory_equal(e->rval[0], xattr_val, sizeof(xattr_val));
	assert_string_equal(e->rkey[1], "SCHILY.xattr.user.z");
	assert_string_equal(e->rval[1], "zz");
	e = find(l, "owned");
	assert_non_null(e);
	assert_int_equal(e->uid, 5000000);
	assert_int_equal(e->gid, 3000000000u);
	assert_string_equal(e->uname, n->uname40);
	assert_int_equal(e->mtime, -100);
	e = find(l, "dev/tty0");
	assert_non_null(e);
	assert_int_equal(e->type, PARE_TAR_CHR);
	assert_int_equal(e->dmaj, 4);
	assert_int_equal(e->dmin, 64);
	assert_int_equal(find(l, "fifo")->type, PARE_TAR_FIFO);
	assert_non_null(find(l, n->dir));
}

static void test_roundtrip(void **state)
{
	(void)state;
	struct rt_names n;
	unsigned char big[2000];
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (unsigned char)(i * 7 + 3);
	rt_names_init(&n);
	struct wout a, b;
	wout_init(&a);
	wout_init(&b);
	write_roundtrip(&a, &n, big);
	write_roundtrip(&b, &n, big);
	/* Deterministic. */
	assert_int_equal(a.buf.len, b.buf.len);
	assert_memory_equal(a.buf.data, b.buf.data, a.buf.len);
	assert_int_equal(a.w.offset, a.buf.len);
	assert_int_equal(a.buf.len % 512, 0);
	/* The 150-byte name used the prefix field, not PAX. */
	assert_null(memmem(a.buf.data, a.buf.len, "path=aaaa", 9));
	assert_null(memmem(a.buf.data, a.buf.len, "path=gggg", 9));
	assert_non_null(memmem(a.buf.data, a.buf.len, "path=cccc", 9));

	struct rlist l = { .n = 0 };
	struct pare_error err = { 0 };
	assert_int_equal(read_mem(a.buf.data, a.buf.len, NULL, &l, &err), 0);
	check_roundtrip(&l, &n, big);
	rlist_free(&l);
	/* Control-style: no end blocks, clean end at the entry boundary. */
	assert_int_equal(read_mem(a.buf.data, a.buf.len - 1024, NULL, &l, &err), 0);
	assert_int_equal(l.n, 14);
	rlist_free(&l);
	wout_release(&a);
	wout_release(&b);
	rt_names_free(&n);
}

/* The entry istream and skip_data. */
static void test_entry_istream(void **state)
{
	(void)state;
	struct wout o;
	wout_init(&o);
	put_file(&o, hdr("a", PARE_TAR_REG, 5), "hello");
	put_file(&o, hdr("b", PARE_TAR_REG, 3), "xyz");
	char *q = repeat('q', 700);
	put_file(&o, hdr("c", PARE_TAR_REG, 700), q);
	free(q);
	assert_int_equal(pare_tar_write_end(&o.w, NULL), 0);

	struct pare_mem_istream m;
	struct pare_istream in, es;
	struct pare_tar_reader r;
	struct pare_tar_entry e;
	char buf[16];
	pare_mem_istream_init(&m, &in, o.buf.data, o.buf.len);
	assert_int_equal(pare_tar_reader_init(&r, &in, NULL), 0);
	assert_int_equal(pare_tar_next(&r, &e, NULL), 1);
	pare_tar_entry_istream(&r, &es);
	assert_int_equal(pare_istream_read_full(&es, buf, 5, NULL), 0);
	assert_memory_equal(buf, "hello", 5);
	assert_int_equal(pare_istream_read(&es, buf, sizeof(buf), NULL), 0);
	assert_int_equal(pare_tar_next(&r, &e, NULL), 1);
	assert_int_equal(pare_tar_read(&r, buf, 1, NULL), 1);
	assert_int_equal(pare_tar_skip_data(&r, NULL), 0);
	assert_int_equal(pare_tar_read(&r, buf, 1, NULL), 0);
	assert_int_equal(pare_tar_next(&r, &e, NULL), 1); /* c, unread */
	assert_string_equal(e.name.ptr, "c");
	assert_int_equal(pare_tar_next(&r, &e, NULL), 0);
	assert_int_equal(pare_tar_next(&r, &e, NULL), 0);
	assert_int_equal(r.offset, o.buf.len);
	pare_tar_reader_release(&r);
	pare_tar_reader_release(NULL);
	wout_release(&o);
}

static void test_writer_misuse(void **state)
{
	(void)state;
	struct wout o;
	struct pare_error err = { 0 };
	wout_init(&o);
	struct pare_tar_header h = hdr("a", PARE_TAR_REG, 2);
	assert_int_equal(pare_tar_write_entry_header(&o.w, &h, &err), 0);
	assert_int_equal(pare_tar_write_data(&o.w, "abc", 3, &err), -EINVAL);
	assert_int_equal(pare_tar_finish_entry(&o.w, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "missing"));
	assert_int_equal(pare_tar_write_entry_header(&o.w, &h, &err), -EINVAL);
	assert_int_equal(pare_tar_write_data(&o.w, "ab", 2, &err), 0);
	/* The next header closes the complete entry. */
	h = hdr("a\0b", PARE_TAR_REG, 0);
	h.name.len = 3;
	assert_int_equal(pare_tar_write_entry_header(&o.w, &h, &err), -EINVAL);
	h = hdr("", PARE_TAR_REG, 0);
	assert_int_equal(pare_tar_write_entry_header(&o.w, &h, &err), -EINVAL);
	h = hdr("x", 'x', 0);
	assert_int_equal(pare_tar_write_entry_header(&o.w, &h, &err), -EINVAL);
	struct pare_tar_record dup = { PARE_SLICE_LIT("path"), PARE_SLICE_LIT("y") };
	char *longname = repeat('n', 200);
	h = hdr(longname, PARE_TAR_REG, 0);
	h.records = &dup;
	h.nrecords = 1;
	assert_int_equal(pare_tar_write_entry_header(&o.w, &h, &err), -EINVAL);
	free(longname);
	char *huge = repeat('n', 5000);
	h = hdr(huge, PARE_TAR_REG, 0);
	assert_int_equal(pare_tar_write_entry_header(&o.w, &h, &err), -PARE_E_TOO_BIG);
	free(huge);
	wout_release(&o);
	pare_tar_writer_release(NULL);
}

/* ---- system tar ---- */

static void write_file(const char *dir, const char *name, const void *p, size_t n)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	if (n)
		assert_int_equal(fwrite(p, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int run(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct pare_buf b;
	pare_buf_init(&b, 256u << 20);
	char tmp[65536];
	size_t k;
	while ((k = fread(tmp, 1, sizeof(tmp), f)) > 0)
		assert_int_equal(pare_buf_append(&b, tmp, k), 0);
	fclose(f);
	return (unsigned char *)pare_buf_detach(&b, len);
}

static void system_tar(const char *format)
{
	if (run("tar --version >/dev/null 2>&1") != 0)
		skip();
	char tmpl[] = "/tmp/pare-tar-XXXXXX";
	char *dir = mkdtemp(tmpl);
	assert_non_null(dir);
	char d[4200], longdir[300], longfile[600];
	snprintf(d, sizeof(d), "%s/t", dir);
	assert_int_equal(mkdir(d, 0755), 0);
	char *seg = repeat('s', 90);
	snprintf(longdir, sizeof(longdir), "%s/%s/%s", seg, seg, seg);
	snprintf(longfile, sizeof(longfile), "%s/%s", longdir, "file-with-a-long-name");
	assert_int_equal(run("mkdir -p '%s/%s'", d, longdir), 0);
	unsigned char big[5000];
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (unsigned char)(i * 13);
	write_file(d, "hello.txt", "hi\n", 3);
	write_file(d, "empty", "", 0);
	write_file(d, "big.bin", big, sizeof(big));
	write_file(d, longfile, "deep", 4);
	char *tgt = repeat('t', 150);
	assert_int_equal(run("cd '%s' && ln -s %s sym && ln -s hello.txt short && ln hello.txt hard",
			     d, tgt), 0);
	assert_int_equal(run("tar --format=%s --owner=0 --group=0 -cf '%s/out.tar' -C '%s' "
			     "hello.txt empty big.bin sym short hard '%s' '%s'",
			     format, dir, d, seg, longfile), 0);
	size_t len;
	char tarpath[4200];
	snprintf(tarpath, sizeof(tarpath), "%s/out.tar", dir);
	unsigned char *data = slurp(tarpath, &len);
	assert_non_null(data);

	struct rlist l = { .n = 0 };
	struct pare_error err = { 0 };
	int rc = read_mem(data, len, NULL, &l, &err);
	if (rc != 0)
		fail_msg("%s: %s", format, err.msg);
	const struct rentry *e = find(&l, "hello.txt");
	assert_non_null(e);
	assert_int_equal(e->type, PARE_TAR_REG);
	assert_int_equal(e->size, 3);
	assert_memory_equal(e->data, "hi\n", 3);
	assert_int_equal(e->uid, 0);
	e = find(&l, "empty");
	assert_non_null(e);
	assert_int_equal(e->size, 0);
	e = find(&l, "big.bin");
	assert_non_null(e);
	assert_int_equal(e->size, sizeof(big));
	assert_memory_equal(e->data, big, sizeof(big));
	e = find(&l, "sym");
	assert_non_null(e);
	assert_int_equal(e->type, PARE_TAR_SYMLINK);
	assert_string_equal(e->link, tgt);
	e = find(&l, "short");
	assert_non_null(e);
	assert_string_equal(e->link, "hello.txt");
	e = find(&l, "hard");
	assert_non_null(e);
	assert_int_equal(e->type, PARE_TAR_LINK);
	assert_string_equal(e->link, "hello.txt");
	e = find(&l, seg);
	assert_non_null(e);
	assert_int_equal(e->type, PARE_TAR_DIR); /* trailing '/' stripped */
	assert_non_null(find(&l, longdir));
	e = find(&l, longfile);
	assert_non_null(e);
	assert_memory_equal(e->data, "deep", 4);
	assert_true(e->mtime > 1000000000);

	rlist_free(&l);
	free(data);
	free(tgt);
	free(seg);
	assert_int_equal(run("rm -rf '%s'", dir), 0);
}

static void test_system_tar_posix(void **state)
{
	(void)state;
	system_tar("posix");
}

static void test_system_tar_gnu(void **state)
{
	(void)state;
	system_tar("gnu");
}

/* GNU tar extracts what the writer wrote: long names, prefix split,
 * long link targets, hard links. */
static void test_system_tar_reads_ours(void **state)
{
	(void)state;
	if (run("tar --version >/dev/null 2>&1") != 0)
		skip();
	struct rt_names n;
	unsigned char big[2000];
	memset(big, 'B', sizeof(big));
	rt_names_init(&n);
	struct wout o;
	wout_init(&o);
	write_roundtrip(&o, &n, big);
	char tmpl[] = "/tmp/pare-tar-XXXXXX";
	char *dir = mkdtemp(tmpl);
	assert_non_null(dir);
	write_file(dir, "ours.tar", o.buf.data, o.buf.len);
	assert_int_equal(run("mkdir '%s/x' && tar -xf '%s/ours.tar' -C '%s/x' "
			     "--no-same-owner --warning=no-unknown-keyword "
			     "--exclude=dev --exclude=fifo --exclude=owned",
			     dir, dir, dir), 0);
	char path[8192];
	struct stat st;
	snprintf(path, sizeof(path), "%s/x/%s", dir, n.long300);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 3);
	snprintf(path, sizeof(path), "%s/x/%s", dir, n.split150);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 2000);
	snprintf(path, sizeof(path), "%s/x/usr/bin/hello2", dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_nlink, 2);
	char target[512];
	snprintf(path, sizeof(path), "%s/x/usr/lib/link", dir);
	ssize_t k = readlink(path, target, sizeof(target));
	assert_int_equal(k, 200);
	assert_memory_equal(target, n.link200, 200);
	assert_int_equal(run("rm -rf '%s'", dir), 0);
	wout_release(&o);
	rt_names_free(&n);
}

/* ---- hostile input ---- */

static void fix_checksum(unsigned char *b)
{
	unsigned sum = 0;
	memset(b + 148, ' ', 8);
	for (int i = 0; i < 512; i++)
		sum += b[i];
	snprintf((char *)b + 148, 8, "%06o", sum);
	b[155] = ' ';
}

/* A hand-made ustar header block. */
static void mk_block(unsigned char *b, const char *name, char type, uint64_t size)
{
	memset(b, 0, 512);
	memcpy(b, name, strlen(name));
	memcpy(b + 100, "0000644", 8);
	memcpy(b + 108, "0000000", 8);
	memcpy(b + 116, "0000000", 8);
	for (int i = 10; i >= 0; i--, size >>= 3)
		b[124 + i] = (unsigned char)('0' + (size & 7));
	memcpy(b + 136, "14600000000", 12);
	b[156] = (unsigned char)type;
	memcpy(b + 257, "ustar\0" "00", 8);
	fix_checksum(b);
}

/* An archive: a PAX header with data `pax`, then file "f" holding "data". */
static size_t mk_pax_archive(unsigned char *out, const char *pax, size_t paxlen)
{
	size_t n = 0;
	mk_block(out, "PaxHeaders/f", 'x', paxlen);
	n += 512;
	memset(out + n, 0, (paxlen + 511) / 512 * 512);
	memcpy(out + n, pax, paxlen);
	n += (paxlen + 511) / 512 * 512;
	mk_block(out + n, "f", '0', 4);
	n += 512;
	memset(out + n, 0, 512);
	memcpy(out + n, "data", 4);
	n += 512;
	memset(out + n, 0, 1024);
	return n + 1024;
}

static int read_code(const void *p, size_t len, const struct pare_tar_limits *lim,
		     struct pare_error *err)
{
	struct rlist l = { .n = 0 };
	memset(err, 0, sizeof(*err));
	int rc = read_mem(p, len, lim, &l, err);
	rlist_free(&l);
	return rc;
}

static void expect_fail(const void *p, size_t len, int code, const char *msgpart)
{
	struct pare_error err;
	int rc = read_code(p, len, NULL, &err);
	if (rc != code)
		fail_msg("expected %d got %d (%s)", code, rc, err.msg);
	assert_int_equal(err.code, code);
	assert_null(strchr(err.msg, '\n'));
	if (msgpart && !strstr(err.msg, msgpart))
		fail_msg("message '%s' lacks '%s'", err.msg, msgpart);
}

static void test_pax_records(void **state)
{
	(void)state;
	static unsigned char a[8192];
	struct pare_error err;
	size_t n;
	const char good[] = "19 path=renamed/ok\n";
	n = mk_pax_archive(a, good, sizeof(good) - 1);
	struct rlist l = { .n = 0 };
	assert_int_equal(read_mem(a, n, NULL, &l, &err), 0);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.e[0].name, "renamed/ok");
	rlist_free(&l);

	const char big_len[] = "99999999 path=x\n";
	n = mk_pax_archive(a, big_len, sizeof(big_len) - 1);
	expect_fail(a, n, -PARE_E_FORMAT, "runs past");
	const char zero_len[] = "0 path=x\n";
	n = mk_pax_archive(a, zero_len, sizeof(zero_len) - 1);
	expect_fail(a, n, -PARE_E_FORMAT, "too small");
	const char past[] = "30 path=x\n";
	n = mk_pax_archive(a, past, sizeof(past) - 1);
	expect_fail(a, n, -PARE_E_FORMAT, "past the end");
	const char noeq[] = "11 pathxyz\n";
	n = mk_pax_archive(a, noeq, sizeof(noeq) - 1);
	expect_fail(a, n, -PARE_E_FORMAT, "'='");
	const char nonl[] = "10 path=xy";
	n = mk_pax_archive(a, nonl, sizeof(nonl) - 1);
	expect_fail(a, n, -PARE_E_FORMAT, "newline");
	const char nolen[] = "path=x\n";
	n = mk_pax_archive(a, nolen, sizeof(nolen) - 1);
	expect_fail(a, n, -PARE_E_FORMAT, "decimal");
	const char badsum[] = "32 APK-TOOLS.checksum.SHA1=abcd\n";
	n = mk_pax_archive(a, badsum, sizeof(badsum) - 1);
	expect_fail(a, n, -PARE_E_FORMAT, "hex");
	const char badsize[] = "12 size=12x\n";
	n = mk_pax_archive(a, badsize, sizeof(badsize) - 1);
	expect_fail(a, n, -PARE_E_FORMAT, "size");
	const char nulpath[] = "12 path=a\0b\n";
	n = mk_pax_archive(a, nulpath, sizeof(nulpath) - 1);
	expect_fail(a, n, -PARE_E_FORMAT, "NUL");
	/* Fractional and negative mtimes. */
	const char mt[] = "20 mtime=-12.987654\n";
	n = mk_pax_archive(a, mt, sizeof(mt) - 1);
	assert_int_equal(read_mem(a, n, NULL, &l, &err), 0);
	assert_int_equal(l.e[0].mtime, -12);
	rlist_free(&l);
}

static void test_pax_limits(void **state)
{
	(void)state;
	static unsigned char a[80000];
	static char pax[70000];
	struct pare_error err;
	/* Over max_pax. */
	size_t plen = 0;
	while (plen + 20 < 66000)
		plen += (size_t)snprintf(pax + plen, 21, "20 comment=%08zu\n", plen);
	size_t n = mk_pax_archive(a, pax, plen);
	assert_int_equal(read_code(a, n, NULL, &err), -PARE_E_TOO_BIG);
	/* Over max_pax_records (a small header, many records). */
	struct pare_tar_limits lim;
	pare_tar_limits_default(&lim);
	lim.max_pax_records = 10;
	n = mk_pax_archive(a, pax, 20 * 11);
	assert_int_equal(read_code(a, n, &lim, &err), -PARE_E_TOO_BIG);
	n = mk_pax_archive(a, pax, 20 * 10);
	assert_int_equal(read_code(a, n, &lim, &err), 0);
	/* Entry size cap. */
	lim.max_entry_size = 3;
	assert_int_equal(read_code(a, n, &lim, &err), -PARE_E_TOO_BIG);
}

static void test_bad_headers(void **state)
{
	(void)state;
	static unsigned char a[4096];
	struct pare_error err;
	size_t n = mk_pax_archive(a, "12 uid=1234\n", 12);
	assert_int_equal(read_code(a, n, NULL, &err), 0);

	/* Bad checksum. */
	a[1024 + 2] ^= 1;
	expect_fail(a, n, -PARE_E_FORMAT, "checksum");
	/* Signed-char checksum variant is accepted. */
	n = mk_pax_archive(a, "12 uid=1234\n", 12);
	a[1024 + 50] = 0xe9;
	{
		int sum = 0;
		memset(a + 1024 + 148, ' ', 8);
		for (int i = 0; i < 512; i++)
			sum += (signed char)a[1024 + i];
		snprintf((char *)a + 1024 + 148, 8, "%06o", sum);
	}
	assert_int_equal(read_code(a, n, NULL, &err), 0);
	/* Garbage in the size field. */
	n = mk_pax_archive(a, "12 uid=1234\n", 12);
	memcpy(a + 1024 + 124, "0000000004x", 12);
	fix_checksum(a + 1024);
	expect_fail(a, n, -PARE_E_FORMAT, "tar header at offset 1024: size field is not octal");
	/* Base-256 negative size. */
	n = mk_pax_archive(a, "12 uid=1234\n", 12);
	memset(a + 1024 + 124, 0xff, 12);
	fix_checksum(a + 1024);
	expect_fail(a, n, -PARE_E_FORMAT, "negative");
	/* Base-256 positive size is fine. */
	n = mk_pax_archive(a, "12 uid=1234\n", 12);
	memset(a + 1024 + 124, 0, 12);
	a[1024 + 124] = 0x80;
	a[1024 + 135] = 4;
	fix_checksum(a + 1024);
	assert_int_equal(read_code(a, n, NULL, &err), 0);
	/* Octal overflow. */
	n = mk_pax_archive(a, "12 uid=1234\n", 12);
	memcpy(a + 1024 + 136, "777777777777", 12);
	memcpy(a + 1024 + 124, "77777777777", 12);
	fix_checksum(a + 1024);
	expect_fail(a, n, -PARE_E_TRUNCATED, NULL); /* size 8 GiB, stream short */
	/* Non-zero data after the end-of-archive block. */
	n = mk_pax_archive(a, "12 uid=1234\n", 12);
	a[n - 1] = 1;
	expect_fail(a, n, -PARE_E_FORMAT, "after the end-of-archive");
	/* A second PAX header for one entry. */
	n = mk_pax_archive(a, "12 uid=1234\n", 12);
	memcpy(a + 1024, a, 1024);
	expect_fail(a, n, -PARE_E_FORMAT, "second PAX");
	/* A zero block right after a PAX header. */
	n = mk_pax_archive(a, "12 uid=1234\n", 12);
	memset(a + 1024, 0, 1024);
	expect_fail(a, n - 1024, -PARE_E_FORMAT, "right after");
}

/* The header lies about the size: the stream ends, or the next header is
 * read from the middle of data. */
static void test_lying_size(void **state)
{
	(void)state;
	static unsigned char a[4096];
	mk_block(a, "f", '0', 10000);
	memset(a + 512, 'x', 600);
	expect_fail(a, 1112, -PARE_E_TRUNCATED, "'f'");
	/* Says 1 block, holds 2: the second data block is taken as a header. */
	mk_block(a, "f", '0', 512);
	memset(a + 512, 'x', 1024);
	memset(a + 1536, 0, 1024);
	expect_fail(a, 2560, -PARE_E_FORMAT, "checksum field is not octal");
}

static void test_name_limits(void **state)
{
	(void)state;
	struct wout o;
	wout_init(&o);
	char *name = repeat('n', 300);
	put_file(&o, hdr(name, PARE_TAR_REG, 0), NULL);
	struct pare_tar_limits lim;
	pare_tar_limits_default(&lim);
	lim.max_name = 200;
	struct pare_error err;
	assert_int_equal(read_code(o.buf.data, o.buf.len, &lim, &err), -PARE_E_TOO_BIG);
	assert_non_null(strstr(err.msg, "limit"));
	lim.max_name = 300;
	assert_int_equal(read_code(o.buf.data, o.buf.len, &lim, &err), 0);
	wout_release(&o);

	/* GNU long name over its limit. */
	static unsigned char a[8192];
	mk_block(a, "././@LongLink", 'L', 5000);
	memset(a + 512, 'l', 5000);
	memset(a + 512 + 5000, 0, 120);
	mk_block(a + 5632, "short", '0', 0);
	assert_int_equal(read_code(a, 6144, NULL, &err), -PARE_E_TOO_BIG);
	lim.max_longname = 8000;
	lim.max_name = 8000;
	struct rlist l = { .n = 0 };
	assert_int_equal(read_mem(a, 6144, &lim, &l, &err), 0);
	assert_int_equal(strlen(l.e[0].name), 5000);
	rlist_free(&l);
	free(name);
}

/* Cut a small archive at every length: only entry boundaries and lengths
 * at or past the first end block may succeed. */
static void test_truncated_everywhere(void **state)
{
	(void)state;
	struct wout o;
	wout_init(&o);
	struct pare_tar_header h = hdr("a/file", PARE_TAR_REG, 700);
	char *content = repeat('z', 700);
	sha1_of(content, 700, &h.checksum);
	put_file(&o, h, content);
	uint64_t b1 = o.w.offset;
	put_file(&o, hdr("b", PARE_TAR_REG, 5), "hello");
	uint64_t b2 = o.w.offset;
	assert_int_equal(pare_tar_write_end(&o.w, NULL), 0);
	struct pare_error err;
	for (size_t len = 1; len < o.buf.len; len++) {
		int rc = read_code(o.buf.data, len, NULL, &err);
		if (len == b1 || len == b2 || len >= b2 + 512) {
			assert_int_equal(rc, 0);
		} else if (rc != -PARE_E_TRUNCATED) {
			fail_msg("length %zu: got %d (%s)", len, rc, err.msg);
		}
	}
	free(content);
	wout_release(&o);
}

/* ---- real packages ---- */

static const char *fixtures_dir(void)
{
	static const char *cand[] = { "../shared/fixtures/real", "../../shared/fixtures/real",
				      "../../../shared/fixtures/real",
				      "/work/shared/fixtures/real" };
	const char *env = getenv("PARE_FIXTURES_DIR");
	struct stat st;
	if (env && stat(env, &st) == 0)
		return env;
	for (size_t i = 0; i < sizeof(cand) / sizeof(cand[0]); i++)
		if (stat(cand[i], &st) == 0 && S_ISDIR(st.st_mode))
			return cand[i];
	return NULL;
}

/* Inflate every gzip member of p; bounds[i] is the end of member i. */
static int inflate_members(const unsigned char *p, size_t len, struct pare_buf *out,
			   size_t *bounds, size_t maxm, size_t *nm)
{
	*nm = 0;
	while (len > 0) {
		z_stream z;
		memset(&z, 0, sizeof(z));
		if (inflateInit2(&z, 16 + 15) != Z_OK)
			return -1;
		z.next_in = (unsigned char *)p;
		z.avail_in = (uInt)len;
		int zr;
		do {
			unsigned char tmp[65536];
			z.next_out = tmp;
			z.avail_out = sizeof(tmp);
			zr = inflate(&z, Z_NO_FLUSH);
			if (zr != Z_OK && zr != Z_STREAM_END) {
				inflateEnd(&z);
				return -1;
			}
			if (pare_buf_append(out, tmp, sizeof(tmp) - z.avail_out) < 0) {
				inflateEnd(&z);
				return -1;
			}
		} while (zr != Z_STREAM_END);
		size_t used = len - z.avail_in;
		inflateEnd(&z);
		p += used;
		len -= used;
		if (*nm < maxm)
			bounds[(*nm)++] = out->len;
	}
	return 0;
}

struct pkg {
	struct pare_buf tar;
	size_t bounds[8], nm;
};

static bool load_pkg(const char *rel, struct pkg *k)
{
	const char *dir = fixtures_dir();
	if (!dir)
		return false;
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	size_t len;
	unsigned char *raw = slurp(path, &len);
	if (!raw)
		return false;
	pare_buf_init(&k->tar, 256u << 20);
	assert_int_equal(inflate_members(raw, len, &k->tar, k->bounds, 8, &k->nm), 0);
	free(raw);
	return true;
}

/* Every checksum record matches the content (or the link target). */
static size_t check_checksums(const struct rlist *l, const char *what)
{
	size_t checked = 0;
	for (size_t i = 0; i < l->n; i++) {
		const struct rentry *e = &l->e[i];
		if (e->checksum.alg == PARE_DIGEST_NONE)
			continue;
		struct pare_digest_value v;
		if (e->type == PARE_TAR_SYMLINK)
			sha1_of(e->link, strlen(e->link), &v);
		else
			sha1_of(e->data, e->datalen, &v);
		if (memcmp(v.bytes, e->checksum.bytes, 20) != 0)
			fail_msg("%s: %s: checksum mismatch", what, e->name);
		checked++;
	}
	return checked;
}

static void test_real_hello(void **state)
{
	(void)state;
	struct pkg k;
	if (!load_pkg("misc/hello-0.1.0-r0.apk", &k))
		skip();
	assert_int_equal(k.nm, 2); /* unsigned: control + data */
	struct rlist l = { .n = 0 };
	struct pare_error err = { 0 };
	/* Control member alone: no end blocks, clean end. */
	assert_int_equal(read_mem(k.tar.data, k.bounds[0], NULL, &l, &err), 0);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.e[0].name, ".PKGINFO");
	rlist_free(&l);
	/* Data member. */
	size_t start = k.bounds[k.nm - 2];
	int rc = read_mem(k.tar.data + start, k.bounds[k.nm - 1] - start, NULL, &l, &err);
	if (rc != 0)
		fail_msg("%s", err.msg);
	const struct rentry *e = find(&l, "hello");
	assert_non_null(e);
	assert_int_equal(e->size, 21);
	assert_int_equal(e->checksum.alg, PARE_DIGEST_SHA1);
	assert_int_equal(check_checksums(&l, "hello"), 1);
	char hex[41];
	pare_hex_encode(e->checksum.bytes, 20, hex);
	assert_string_equal(hex, "9db6f074fca0a903137b91c7c866b21d4e7205a7");
	rlist_free(&l);
	pare_buf_release(&k.tar);
}

/* Every fixture package read as one tar stream (signature + control +
 * data); every file checksum verified. */
static void test_real_all(void **state)
{
	(void)state;
	static const char *pkgs[] = {
		"misc/hello-0.1.0-r0.apk",
		"misc/replaces-0.0.1-r0.apk",
		"misc/unsigned-test.apk",
		"alpine-3.17-main-aarch64/alpine-baselayout-3.2.0-r23.apk",
		"wolfi/hello-wolfi-2.12.1-r1.apk",
		"wolfi/hello-2.12-r0.apk",
		"wolfi/libcap-2.69-r0.apk",
		"wolfi/perl-json-4.11-r0.apk",
		"wolfi/ruby3.2-base64-0.2.0-r2.apk",
		"wolfi-generated/shbang-test-1-r1.apk",
		"wolfi-generated/ld-so-conf-d-test-1-r1.apk",
		"melange-signed-repo/x86_64/replayout-1.0.0-r0.apk",
		"melange-signed-repo/x86_64/pretend-baselayout-1.0.0-r0.apk",
		"melange-signed-repo/x86_64/custom-ca-certs-1-1.0.0-r0.apk",
		"melange-signed-repo/x86_64/custom-ca-certs-2-1.0.0-r0.apk",
		"wolfi/hello-wolfi-2.12.1-r0.apk",
		"wolfi/aws-c-s3-0.4.9-r0.apk",
		"wolfi/neon-4604-r0.apk",
	};
	if (!fixtures_dir())
		skip();
	size_t total = 0;
	for (size_t i = 0; i < sizeof(pkgs) / sizeof(pkgs[0]); i++) {
		struct pkg k;
		if (!load_pkg(pkgs[i], &k))
			fail_msg("cannot load %s", pkgs[i]);
		struct rlist l = { .n = 0 };
		struct pare_error err = { 0 };
		int rc = read_mem(k.tar.data, k.tar.len, NULL, &l, &err);
		if (rc != 0)
			fail_msg("%s: %s", pkgs[i], err.msg);
		assert_non_null(find(&l, ".PKGINFO"));
		total += check_checksums(&l, pkgs[i]);
		rlist_free(&l);
		pare_buf_release(&k.tar);
	}
	assert_true(total > 20);
}

/* Agreement with apk-tools (issue 20): a PAX size that differs from the
 * header's is refused, a header without ustar magic is refused, and an
 * entry of a type apk does not extract (NUL) is skipped with its data. */
static void test_apk_parity(void **state)
{
	(void)state;
	static unsigned char a[8192];
	const char size_same[] = "9 size=4\n";
	size_t n = mk_pax_archive(a, size_same, sizeof(size_same) - 1);
	assert_int_equal(read_code(a, n, NULL, &(struct pare_error){ 0 }), 0);
	const char size_more[] = "12 size=516\n";
	n = mk_pax_archive(a, size_more, sizeof(size_more) - 1);
	expect_fail(a, n, -PARE_E_FORMAT, "PAX size 516 differs");

	n = mk_pax_archive(a, size_same, sizeof(size_same) - 1);
	memcpy(a + 512 + 512 + 257, "xstar", 5); /* the file's header */
	fix_checksum(a + 1024);
	expect_fail(a, n, -PARE_E_FORMAT, "no ustar magic");

	memset(a, 0, sizeof(a));
	mk_block(a, "skipped", '\0', 600);
	memset(a + 512, 'x', 600);
	mk_block(a + 512 + 1024, "kept", '0', 4);
	memcpy(a + 2048, "data", 4);
	struct rlist l = { .n = 0 };
	struct pare_error err;
	assert_int_equal(read_mem(a, 2048 + 512 + 1024, NULL, &l, &err), 0);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.e[0].name, "kept");
	rlist_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_entry_istream),
		cmocka_unit_test(test_writer_misuse),
		cmocka_unit_test(test_system_tar_posix),
		cmocka_unit_test(test_system_tar_gnu),
		cmocka_unit_test(test_system_tar_reads_ours),
		cmocka_unit_test(test_pax_records),
		cmocka_unit_test(test_pax_limits),
		cmocka_unit_test(test_bad_headers),
		cmocka_unit_test(test_lying_size),
		cmocka_unit_test(test_name_limits),
		cmocka_unit_test(test_truncated_everywhere),
		cmocka_unit_test(test_real_hello),
		cmocka_unit_test(test_real_all),
		cmocka_unit_test(test_apk_parity),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
