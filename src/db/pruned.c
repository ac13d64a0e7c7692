/* The prune record (see pruned.h). */
#include "db/pruned.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/stream.h"

void pare_prune_record_init(struct pare_prune_record *r)
{
	memset(r, 0, sizeof(*r));
	pare_arena_init(&r->arena, 0, 0);
	pare_map_init(&r->paths);
}

void pare_prune_record_release(struct pare_prune_record *r)
{
	if (!r)
		return;
	pare_map_release(&r->paths);
	free(r->v);
	pare_arena_release(&r->arena);
	pare_prune_record_init(r);
}

int pare_prune_record_add(struct pare_prune_record *r, const char *pkg, const char *path)
{
	while (*path == '/')
		path++;
	if (pare_map_get(&r->paths, pare_slice_from(path)))
		return 0;
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;
		struct pare_prune_entry *nv = realloc(r->v, cap * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		r->v = nv;
		r->cap = cap;
	}
	char *p = pare_arena_strdup(&r->arena, pare_slice_from(path));
	char *k = pare_arena_strdup(&r->arena, pare_slice_from(pkg ? pkg : ""));
	if (!p || !k || pare_map_put(&r->paths, pare_slice_from(p),
				     (void *)(uintptr_t)(r->n + 1), NULL) < 0)
		return -ENOMEM;
	r->v[r->n].pkg = k;
	r->v[r->n].path = p;
	r->n++;
	return 0;
}

static bool name_ok(struct pare_slice s)
{
	if (s.len == 0 || s.len > 255)
		return false;
	for (size_t i = 0; i < s.len; i++)
		if ((unsigned char)s.ptr[i] <= ' ' || (unsigned char)s.ptr[i] >= 0x7f)
			return false;
	return true;
}

int pare_prune_record_parse(struct pare_prune_record *r, const char *text, size_t len,
			    const char *name, struct pare_error *err)
{
	char pkg[256] = "", path[PARE_PATH_MAX + 1];
	size_t lineno = 0;
	if (len > PARE_PRUNE_RECORD_MAX)
		return pare_error_set(err, -PARE_E_TOO_BIG, "%s: larger than %u bytes", name,
				      PARE_PRUNE_RECORD_MAX);
	for (size_t pos = 0; pos < len;) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - (text + pos)) : len - pos;
		struct pare_slice line = pare_slice_make(text + pos, ll);
		pos += ll + (nl ? 1 : 0);
		lineno++;
		if (ll == 0 || line.ptr[0] == '#')
			continue;
		struct pare_slice v = pare_slice_make(line.ptr + 2, ll >= 2 ? ll - 2 : 0);
		int rc = 0;
		if (ll < 2 || line.ptr[1] != ':')
			rc = -PARE_E_FORMAT;
		else if (line.ptr[0] == 'P' && name_ok(v)) {
			memcpy(pkg, v.ptr, v.len);
			pkg[v.len] = '\0';
		} else if (line.ptr[0] == 'R' && v.len <= PARE_PATH_MAX &&
			   pare_path_check_name(v, NULL) == 0) {
			memcpy(path, v.ptr, v.len);
			path[v.len] = '\0';
			rc = strlen(path) == v.len ? pare_prune_record_add(r, pkg, path)
						   : -PARE_E_FORMAT;
		} else
			rc = -PARE_E_FORMAT;
		if (rc == -ENOMEM)
			return pare_error_set(err, rc, "out of memory");
		if (rc < 0)
			return pare_error_set(err, rc, "%s line %zu: not P:NAME or R:PATH (a relative "
					      "path inside the root)", name, lineno);
	}
	return 0;
}

int pare_prune_record_read(struct pare_prune_record *r, struct pare_root *root,
			   struct pare_error *err)
{
	struct pare_buf b;
	int fd = pare_root_openat(root, PARE_PRUNE_RECORD_PATH, O_RDONLY | O_CLOEXEC, 0, NULL);
	if (fd == -ENOENT)
		return 0;
	if (fd < 0)
		return pare_error_set(err, fd, "%s: cannot open", PARE_PRUNE_RECORD_PATH);
	pare_buf_init(&b, PARE_PRUNE_RECORD_MAX);
	int rc = pare_read_fd(fd, &b, PARE_PRUNE_RECORD_PATH, err);
	close(fd);
	if (rc == 0) {
		struct pare_slice s = pare_buf_slice(&b);
		rc = pare_prune_record_parse(r, s.ptr, s.len, PARE_PRUNE_RECORD_PATH, err);
	}
	pare_buf_release(&b);
	return rc;
}

static int entry_cmp(const void *x, const void *y)
{
	const struct pare_prune_entry *p = x, *q = y;
	int c = strcmp(p->pkg, q->pkg);
	return c ? c : strcmp(p->path, q->path);
}

int pare_prune_record_format(struct pare_prune_record *r, struct pare_buf *out)
{
	if (r->n) /* qsort(NULL, 0, ...) is undefined (found by fuzz_pruned) */
		qsort(r->v, r->n, sizeof(*r->v), entry_cmp);
	pare_map_release(&r->paths);
	pare_map_init(&r->paths);
	int rc = pare_buf_appendf(out, "# pare: files removed below their packages by "
				  "pare image build --prune=trace\n");
	for (size_t i = 0; rc == 0 && i < r->n; i++) {
		if (pare_map_put(&r->paths, pare_slice_from(r->v[i].path),
				 (void *)(uintptr_t)(i + 1), NULL) < 0)
			return -ENOMEM;
		if (*r->v[i].pkg && (i == 0 || strcmp(r->v[i - 1].pkg, r->v[i].pkg) != 0))
			rc = pare_buf_appendf(out, "P:%s\n", r->v[i].pkg);
		if (rc == 0)
			rc = pare_buf_appendf(out, "R:%s\n", r->v[i].path);
	}
	return rc;
}

const char *pare_prune_record_find(const struct pare_prune_record *r, struct pare_slice path)
{
	if (path.len && path.ptr[0] == '/')
		path = pare_slice_make(path.ptr + 1, path.len - 1);
	uintptr_t i = (uintptr_t)pare_map_get(&r->paths, path);
	return i ? r->v[i - 1].pkg : NULL;
}

size_t pare_prune_record_count(const struct pare_prune_record *r, const char *pkg)
{
	size_t n = 0;
	for (size_t i = 0; i < r->n; i++)
		n += strcmp(r->v[i].pkg, pkg) == 0;
	return n;
}
