/* etc/apk/world (see db/world.h). */
#include "db/world.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "base/hashmap.h"
#include "db/dbfile.h"

void pare_world_init(struct pare_world *w)
{
	memset(w, 0, sizeof(*w));
	pare_arena_init(&w->arena, 4096, 0);
}

void pare_world_release(struct pare_world *w)
{
	if (!w)
		return;
	free(w->text);
	free(w->atoms);
	pare_arena_release(&w->arena);
	pare_world_init(w);
}

ptrdiff_t pare_world_find(const struct pare_world *w, struct pare_slice name)
{
	for (size_t i = 0; i < w->n; i++)
		if (pare_slice_eq(w->atoms[i].dep.name, name))
			return (ptrdiff_t)i;
	return -1;
}

static int reserve(struct pare_world *w, struct pare_error *err)
{
	if (w->n >= PARE_WORLD_MAX_ATOMS)
		return pare_error_set(err, -PARE_E_TOO_BIG, "world: more than %u atoms",
				      PARE_WORLD_MAX_ATOMS);
	if (w->n < w->cap)
		return 0;
	size_t cap = w->cap ? w->cap * 2 : 16;
	struct pare_world_atom *v = realloc(w->atoms, cap * sizeof(*v));
	if (!v)
		return pare_error_set(err, -ENOMEM, "world: out of memory");
	w->atoms = v;
	w->cap = cap;
	return 0;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* One atom at *line; names seen so far are in `seen`. */
static int parse_atom(struct pare_world *w, struct pare_slice word, uint64_t line,
		      struct pare_map *seen, const char *name, struct pare_error *err)
{
	struct pare_dep d;
	int r = pare_dep_parse(word, &d, err);
	if (r < 0)
		return pare_error_prefix(err, r, "%s line %" PRIu64 ": ", name, line);
	if (pare_map_get(seen, d.name))
		return pare_error_set(err, -PARE_E_FORMAT, "%s line %" PRIu64 ": %.*s given twice",
				      name, line, (int)d.name.len, d.name.ptr);
	if ((r = reserve(w, err)) < 0)
		return r;
	w->atoms[w->n] = (struct pare_world_atom){ d, word };
	if (pare_map_put(seen, d.name, (void *)word.ptr, NULL) < 0)
		return pare_error_set(err, -ENOMEM, "world: out of memory");
	w->n++;
	return 0;
}

static int parse_atoms(struct pare_world *w, struct pare_slice s, const char *name,
		       struct pare_error *err)
{
	struct pare_map seen;
	pare_map_init(&seen);
	uint64_t line = 1;
	size_t i = 0;
	int r = 0;
	while (r == 0 && i < s.len) {
		if (is_space(s.ptr[i])) {
			line += s.ptr[i++] == '\n';
			continue;
		}
		size_t start = i;
		while (i < s.len && !is_space(s.ptr[i]))
			i++;
		r = parse_atom(w, pare_slice_make(s.ptr + start, i - start), line, &seen, name,
			       err);
	}
	pare_map_release(&seen);
	return r;
}

int pare_world_parse(struct pare_world *w, char *text, size_t len, const char *name,
		     struct pare_error *err)
{
	w->text = text;
	name = name ? name : PARE_DB_WORLD_PATH;
	int r = 0;
	if (len > PARE_WORLD_MAX_TEXT)
		r = pare_error_set(err, -PARE_E_TOO_BIG, "%s: larger than %u bytes", name,
				   PARE_WORLD_MAX_TEXT);
	else if (len && memchr(text, '\0', len))
		r = pare_error_set(err, -PARE_E_FORMAT, "%s: NUL byte", name);
	if (r == 0)
		r = parse_atoms(w, pare_slice_make(text, len), name, err);
	if (r < 0)
		pare_world_release(w);
	return r;
}

int pare_world_read(struct pare_world *w, struct pare_root *root, struct pare_error *err)
{
	char *text;
	size_t len;
	int r = pare_db_file_take(root, PARE_DB_WORLD_PATH, PARE_WORLD_MAX_TEXT, &text, &len, err);
	if (r <= 0)
		return r;
	return pare_world_parse(w, text, len, PARE_DB_WORLD_PATH, err);
}

int pare_world_write_text(const struct pare_world *w, struct pare_buf *out,
			  struct pare_error *err)
{
	size_t start = out->len;
	int r = 0;
	for (size_t i = 0; r == 0 && i < w->n; i++) {
		r = pare_buf_append_slice(out, w->atoms[i].text);
		if (r == 0)
			r = pare_buf_putc(out, '\n');
	}
	if (r == 0 && w->n == 0)
		r = pare_buf_putc(out, '\n');
	if (r < 0) {
		pare_buf_truncate(out, start);
		return pare_error_set(err, r, "world: %s", pare_strerror(r));
	}
	return 0;
}

int pare_world_write(const struct pare_world *w, struct pare_root *root, struct pare_error *err)
{
	struct pare_buf b;
	pare_buf_init(&b, (size_t)PARE_WORLD_MAX_TEXT * 2);
	int r = pare_world_write_text(w, &b, err);
	if (r == 0)
		r = pare_db_file_write(root, PARE_DB_WORLD_PATH, b.data, b.len, 0644, true, err);
	pare_buf_release(&b);
	return r;
}

int pare_world_add(struct pare_world *w, struct pare_slice atom, struct pare_error *err)
{
	struct pare_slice t = pare_slice_trim(atom);
	struct pare_dep d;
	int r = pare_dep_parse(t, &d, err);
	if (r < 0)
		return r;
	struct pare_slice copy = pare_arena_slice(&w->arena, t);
	if (!copy.ptr)
		return pare_error_set(err, -ENOMEM, "world: out of memory");
	if ((r = pare_dep_parse(copy, &d, err)) < 0)
		return r;
	ptrdiff_t at = pare_world_find(w, d.name);
	if (at >= 0) {
		w->atoms[at] = (struct pare_world_atom){ d, copy };
		return 0;
	}
	if ((r = reserve(w, err)) < 0)
		return r;
	size_t i = 0;
	while (i < w->n && pare_slice_cmp(w->atoms[i].dep.name, d.name) <= 0)
		i++;
	memmove(&w->atoms[i + 1], &w->atoms[i], (w->n - i) * sizeof(*w->atoms));
	w->atoms[i] = (struct pare_world_atom){ d, copy };
	w->n++;
	return 0;
}

int pare_world_remove(struct pare_world *w, struct pare_slice name)
{
	ptrdiff_t at = pare_world_find(w, name);
	if (at < 0)
		return 0;
	memmove(&w->atoms[at], &w->atoms[at + 1], (w->n - (size_t)at - 1) * sizeof(*w->atoms));
	w->n--;
	return 1;
}
