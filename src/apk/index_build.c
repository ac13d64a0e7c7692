/* Building an index: entries copied in, entries made from package files,
 * look-ups and the deterministic order. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "apk/index.h"
#include "apk/index_internal.h"
#include "base/bigbuf.h"
#include "apk/pkginfo.h"

static bool has_newline(struct pare_slice s)
{
	return s.len && (memchr(s.ptr, '\n', s.len) || memchr(s.ptr, '\0', s.len));
}

static int copy_slice(struct pare_arena *a, struct pare_slice *s, struct pare_error *err)
{
	if (s->len == 0) {
		*s = PARE_SLICE_NULL;
		return 0;
	}
	if (has_newline(*s))
		return pare_error_set(err, -PARE_E_FORMAT, "index entry: a value holds a newline");
	*s = pare_arena_slice(a, *s);
	return s->ptr ? 0 : pare_error_set(err, -ENOMEM, "out of memory");
}

static int copy_deps(struct pare_arena *a, struct pare_deplist *l, char c, uint32_t flags,
		     struct pare_error *err)
{
	int r = copy_slice(a, &l->text, err);
	if (r < 0)
		return r;
	bool bad, tolerant = (flags & pare_index_bad_flag(c)) != 0;
	uint32_t n = l->n;
	r = pare_index_deplist_parse(a, l->text, tolerant, &bad, l, err);
	if (r == 0 && tolerant && l->n > n) { /* an emptied install_if stays empty */
		l->v = NULL;
		l->n = 0;
	}
	return r;
}

static int copy_ent(struct pare_arena *a, struct pare_pkgent *e, struct pare_error *err)
{
	struct pare_slice *s[] = { &e->name, &e->version, &e->arch, &e->description, &e->url,
				   &e->license, &e->origin, &e->maintainer, &e->commit,
				   &e->identity_text, &e->order };
	struct pare_deplist *l[] = { &e->depends, &e->provides, &e->install_if, &e->replaces };
	int r = 0;
	for (size_t i = 0; r == 0 && i < sizeof(s) / sizeof(s[0]); i++)
		r = copy_slice(a, s[i], err);
	for (size_t i = 0; r == 0 && i < sizeof(l) / sizeof(l[0]); i++)
		r = copy_deps(a, l[i], "Dpir"[i], e->flags, err);
	if (r < 0 || e->nunknown == 0) {
		e->unknown = NULL;
		return r;
	}
	struct pare_index_field *u = pare_arena_alloc(a, e->nunknown * sizeof(*u));
	if (!u)
		return pare_error_set(err, -ENOMEM, "out of memory");
	for (uint32_t i = 0; r == 0 && i < e->nunknown; i++) {
		u[i] = e->unknown[i];
		r = copy_slice(a, &u[i].value, err);
	}
	e->unknown = u;
	return r;
}

int pare_index_add(struct pare_index *idx, const struct pare_pkgent *e, struct pare_error *err)
{
	if (!pare_pkginfo_name_valid(e->name) || e->version.len == 0)
		return pare_error_set(err, -PARE_E_FORMAT, "index entry %.*s-%.*s: invalid name or "
				      "version", (int)e->name.len, e->name.ptr ? e->name.ptr : "",
				      (int)e->version.len, e->version.ptr ? e->version.ptr : "");
	if (e->nunknown > PARE_INDEX_MAX_UNKNOWN)
		return pare_error_set(err, -PARE_E_TOO_BIG, "index entry: too many unknown fields");
	int r = pare_index_reserve(idx, 1, err);
	if (r < 0)
		return r;
	struct pare_pkgent *n = &idx->ents[idx->n];
	*n = *e;
	r = copy_ent(&idx->arena, n, err);
	if (r < 0)
		return pare_error_prefix(err, r, "%.*s: ", (int)e->name.len, e->name.ptr);
	idx->n++;
	return 0;
}

/* The atoms of a .PKGINFO list as index text, in buf (reset first). */
static int deps_text(const struct pare_pkginfo_deps *d, struct pare_buf *buf,
		     struct pare_slice *out, struct pare_error *err)
{
	char atom[4096];
	pare_buf_reset(buf);
	for (size_t i = 0; i < d->n; i++) {
		int n = pare_dep_format(&d->v[i], atom, sizeof(atom));
		if (n < 0 || (size_t)n >= sizeof(atom))
			return pare_error_set(err, -PARE_E_INVALID_DEP, "dependency too long");
		int r = (i ? pare_buf_putc(buf, ' ') : 0);
		if (r == 0)
			r = pare_buf_append(buf, atom, (size_t)n);
		if (r < 0)
			return pare_error_set(err, r, "dependency list too long");
	}
	*out = pare_buf_slice(buf);
	return 0;
}

int pare_index_add_pkg(struct pare_index *idx, const struct pare_pkg *pkg, uint64_t file_size,
		       struct pare_error *err)
{
	const struct pare_pkginfo *pi = &pkg->info;
	if (pkg->kind != PARE_PKG_KIND_PACKAGE || !pkg->has_info)
		return pare_error_set(err, -PARE_E_FORMAT, "not a package with a .PKGINFO");
	struct pare_pkgent e;
	pare_pkgent_clear(&e);
	e.name = pi->pkgname;
	e.version = pi->pkgver;
	e.arch = pi->arch;
	e.description = pi->pkgdesc;
	e.url = pi->url;
	e.license = pi->license;
	e.origin = pi->origin;
	e.maintainer = pi->maintainer;
	e.commit = pi->commit;
	e.size = file_size;
	e.installed_size = pi->size;
	e.build_time = pi->builddate;
	e.provider_priority = pi->provider_priority;
	e.flags = PARE_PKGENT_HAS_SIZE | PARE_PKGENT_HAS_ISIZE |
		  (pi->has_builddate ? PARE_PKGENT_HAS_BUILD_TIME : 0) |
		  (pi->has_provider_priority ? PARE_PKGENT_HAS_PRIORITY : 0);
	e.identity_text = pare_slice_from(pkg->identity);
	if (pare_apk_checksum_parse(e.identity_text.ptr, e.identity_text.len, &e.identity) < 0)
		return pare_error_set(err, -PARE_E_FORMAT, "package without an identity");
	const struct pare_pkginfo_deps *src[] = { &pi->depend, &pi->provides, &pi->install_if,
						  &pi->replaces };
	struct pare_deplist *dst[] = { &e.depends, &e.provides, &e.install_if, &e.replaces };
	struct pare_buf bufs[4];
	int r = 0;
	for (size_t i = 0; i < 4; i++) {
		pare_buf_init(&bufs[i], PARE_INDEX_MAX_LINE);
		if (r == 0)
			r = deps_text(src[i], &bufs[i], &dst[i]->text, err);
	}
	if (r == 0)
		r = pare_index_add(idx, &e, err);
	for (size_t i = 0; i < 4; i++)
		pare_buf_release(&bufs[i]);
	return r;
}

int pare_index_add_pkg_file(struct pare_index *idx, const char *path,
			    const struct pare_index_read_opts *opts, struct pare_error *err)
{
	static const struct pare_index_read_opts none;
	struct stat st;
	if (!opts)
		opts = &none;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return pare_error_set(err, -e, "%s: %s", path, strerror(e));
	}
	struct pare_fd_stream f;
	struct pare_istream s;
	struct pare_pkg pkg;
	struct pare_pkg_read_opts po = { .keys = opts->keys, .skip_file_sums = true };
	pare_fd_istream_init(&f, &s, fd, path);
	pare_pkg_init(&pkg);
	int r = pare_pkg_read(&pkg, &s, path, &po, NULL, err);
	close(fd);
	if (r == 0 && pkg.kind != PARE_PKG_KIND_PACKAGE)
		r = pare_error_set(err, -PARE_E_FORMAT, "%s: an index, not a package", path);
	if (r == 0 && pkg.trust != 0 &&
	    !(pkg.trust == -PARE_E_UNTRUSTED && opts->allow_untrusted))
		r = pare_error_set(err, pkg.trust, "%s: %s signature%s%s", path,
				   pkg.trust == -PARE_E_BAD_SIGNATURE ? "BAD" : "UNTRUSTED",
				   pkg.trust_msg[0] ? ": " : "", pkg.trust_msg);
	if (r == 0) {
		r = pare_index_add_pkg(idx, &pkg, (uint64_t)st.st_size, err);
		if (r < 0)
			r = pare_error_prefix(err, r, "%s: ", path);
	}
	pare_pkg_release(&pkg);
	return r;
}

/* Is filename exactly NAME "-" VERSION ".apk"? */
static bool file_matches(const struct pare_pkgent *e, struct pare_slice f)
{
	size_t n = e->name.len, v = e->version.len;
	if (f.len != n + 1 + v + 4)
		return false;
	return memcmp(f.ptr, e->name.ptr, n) == 0 && f.ptr[n] == '-' &&
	       memcmp(f.ptr + n + 1, e->version.ptr, v) == 0 &&
	       memcmp(f.ptr + n + 1 + v, ".apk", 4) == 0;
}

ptrdiff_t pare_index_find_file(const struct pare_index *idx, struct pare_slice filename,
			       uint64_t size)
{
	for (size_t i = 0; i < idx->n; i++)
		if (idx->ents[i].size == size && file_matches(&idx->ents[i], filename))
			return (ptrdiff_t)i;
	return -1;
}

ptrdiff_t pare_index_find(const struct pare_index *idx, struct pare_slice name,
			  struct pare_slice version)
{
	for (size_t i = 0; i < idx->n; i++)
		if (pare_slice_eq(idx->ents[i].name, name) &&
		    pare_slice_eq(idx->ents[i].version, version))
			return (ptrdiff_t)i;
	return -1;
}

int pare_pkgent_cmp(const struct pare_pkgent *a, const struct pare_pkgent *b)
{
	int c = pare_slice_cmp(a->name, b->name);
	if (c)
		return c;
	c = pare_version_compare(a->version, b->version);
	if (c == PARE_VERSION_LESS)
		return -1;
	if (c == PARE_VERSION_GREATER)
		return 1;
	c = pare_slice_cmp(a->version, b->version);
	return c ? c : pare_slice_cmp(a->identity_text, b->identity_text);
}

static int cmp_pos(const void *pa, const void *pb, void *ctx)
{
	const struct pare_pkgent *v = ctx;
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	int c = pare_pkgent_cmp(&v[a], &v[b]);
	return c ? c : (a > b) - (a < b);
}

int pare_index_sort(struct pare_index *idx)
{
	if (idx->n < 2)
		return 0;
	size_t *pos = malloc(idx->n * sizeof(*pos));
	struct pare_pkgent *out = pare_bigbuf_alloc(idx->cap * sizeof(*out));
	if (!pos || !out) {
		free(pos);
		pare_bigbuf_free(out);
		return -ENOMEM;
	}
	for (size_t i = 0; i < idx->n; i++)
		pos[i] = i;
	qsort_r(pos, idx->n, sizeof(*pos), cmp_pos, idx->ents);
	for (size_t i = 0; i < idx->n; i++)
		out[i] = idx->ents[pos[i]];
	free(pos);
	pare_bigbuf_free(idx->ents);
	idx->ents = out;
	return 0;
}
