/* lib/apk/db/triggers (see db/triggers.h). */
#include "db/triggers.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "base/hashmap.h"
#include "db/dbfile.h"
#include "db/installed.h"

void pare_db_triggers_init(struct pare_db_triggers *t)
{
	memset(t, 0, sizeof(*t));
	pare_arena_init(&t->arena, 4096, 0);
}

void pare_db_triggers_release(struct pare_db_triggers *t)
{
	if (!t)
		return;
	free(t->text);
	free(t->v);
	pare_arena_release(&t->arena);
	pare_db_triggers_init(t);
}

static bool same_identity(const struct pare_digest_value *a, const struct pare_digest_value *b)
{
	return a->alg != PARE_DIGEST_NONE && a->alg == b->alg && a->len == b->len &&
	       memcmp(a->bytes, b->bytes, a->len) == 0;
}

const struct pare_db_trigger *pare_db_triggers_find(const struct pare_db_triggers *t,
						    const struct pare_digest_value *identity)
{
	for (size_t i = 0; i < t->n; i++)
		if (same_identity(&t->v[i].identity, identity))
			return &t->v[i];
	return NULL;
}

static struct pare_db_trigger *append(struct pare_db_triggers *t, struct pare_error *err)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		struct pare_db_trigger *v = realloc(t->v, cap * sizeof(*v));
		if (!v) {
			pare_error_set(err, -ENOMEM, "triggers: out of memory");
			return NULL;
		}
		t->v = v;
		t->cap = cap;
	}
	return &t->v[t->n++];
}

static int parse_line(struct pare_db_triggers *t, struct pare_map *seen, struct pare_slice l,
		      const char *name, uint64_t line, struct pare_error *err)
{
	if (l.len > PARE_DB_MAX_TRIGGER_LINE)
		return pare_error_set(err, -PARE_E_TOO_BIG, "%s line %" PRIu64 ": longer than %u "
				      "bytes", name, line, PARE_DB_MAX_TRIGGER_LINE);
	for (size_t i = 0; i < l.len; i++)
		if ((unsigned char)l.ptr[i] < 0x20)
			return pare_error_set(err, -PARE_E_FORMAT, "%s line %" PRIu64 ": control "
					      "byte 0x%02x", name, line, (unsigned char)l.ptr[i]);
	struct pare_slice id = l, globs = PARE_SLICE_NULL;
	ptrdiff_t sp = pare_slice_find(l, ' ');
	if (sp >= 0) {
		id = pare_slice_make(l.ptr, (size_t)sp);
		globs = pare_slice_make(l.ptr + sp + 1, l.len - (size_t)sp - 1);
	}
	struct pare_db_trigger e = { .identity_text = id, .globs = globs };
	if (pare_db_csum_parse(id, &e.identity) < 0)
		return pare_error_set(err, -PARE_E_FORMAT, "%s line %" PRIu64 ": not a package "
				      "checksum: '%.*s'", name, line, id.len > 64 ? 64 : (int)id.len,
				      id.ptr);
	struct pare_slice key = pare_arena_slice(&t->arena,
		pare_slice_make((const char *)e.identity.bytes, e.identity.len));
	if (!key.ptr)
		return pare_error_set(err, -ENOMEM, "triggers: out of memory");
	if (pare_map_get(seen, key))
		return pare_error_set(err, -PARE_E_FORMAT, "%s line %" PRIu64 ": %.*s listed twice",
				      name, line, (int)id.len, id.ptr);
	struct pare_db_trigger *slot = append(t, err);
	if (!slot)
		return -ENOMEM;
	*slot = e;
	if (pare_map_put(seen, key, (void *)key.ptr, NULL) < 0)
		return pare_error_set(err, -ENOMEM, "triggers: out of memory");
	return 0;
}

int pare_db_triggers_parse(struct pare_db_triggers *t, char *text, size_t len,
			   const char *name, struct pare_error *err)
{
	name = name ? name : PARE_DB_TRIGGERS_PATH;
	t->text = text;
	struct pare_slice rest = pare_slice_make(text, len), l;
	uint64_t line = 0;
	struct pare_map seen;
	pare_map_init(&seen);
	int r = 0;
	if (len > PARE_DB_MAX_TRIGGERS_TEXT)
		r = pare_error_set(err, -PARE_E_TOO_BIG, "%s: larger than %u bytes", name,
				   PARE_DB_MAX_TRIGGERS_TEXT);
	while (r == 0 && rest.len) {
		pare_slice_split(&rest, '\n', &l);
		line++;
		if (l.len)
			r = parse_line(t, &seen, l, name, line, err);
	}
	pare_map_release(&seen);
	if (r < 0)
		pare_db_triggers_release(t);
	return r;
}

int pare_db_triggers_read(struct pare_db_triggers *t, struct pare_root *root,
			  struct pare_error *err)
{
	char *text;
	size_t len;
	int r = pare_db_file_take(root, PARE_DB_TRIGGERS_PATH, PARE_DB_MAX_TRIGGERS_TEXT, &text, &len, err);
	if (r <= 0)
		return r;
	return pare_db_triggers_parse(t, text, len, PARE_DB_TRIGGERS_PATH, err);
}

int pare_db_triggers_write_text(const struct pare_db_triggers *t, struct pare_buf *out,
				struct pare_error *err)
{
	size_t start = out->len;
	int r = 0;
	for (size_t i = 0; r == 0 && i < t->n; i++) {
		const struct pare_db_trigger *e = &t->v[i];
		char id[64];
		struct pare_slice ids = e->identity_text;
		if (ids.len == 0) {
			if (pare_apk_checksum_format(&e->identity, id, sizeof(id)) < 0)
				return pare_error_set(err, -PARE_E_FORMAT, "triggers: bad identity");
			ids = pare_slice_from(id);
		}
		r = pare_buf_append_slice(out, ids);
		if (r == 0 && e->globs.len)
			r = pare_buf_putc(out, ' ');
		if (r == 0)
			r = pare_buf_append_slice(out, e->globs);
		if (r == 0)
			r = pare_buf_putc(out, '\n');
	}
	if (r < 0) {
		pare_buf_truncate(out, start);
		return pare_error_set(err, r, "triggers: %s", pare_strerror(r));
	}
	return 0;
}

int pare_db_triggers_write(const struct pare_db_triggers *t, struct pare_root *root,
			   struct pare_error *err)
{
	struct pare_buf b;
	pare_buf_init(&b, (size_t)PARE_DB_MAX_TRIGGERS_TEXT * 2);
	int r = pare_db_triggers_write_text(t, &b, err);
	if (r == 0)
		r = pare_db_file_write(root, PARE_DB_TRIGGERS_PATH, b.data ? b.data : "", b.len,
				       0644, true, err);
	pare_buf_release(&b);
	return r;
}

int pare_db_triggers_remove(struct pare_db_triggers *t,
			    const struct pare_digest_value *identity)
{
	const struct pare_db_trigger *e = pare_db_triggers_find(t, identity);
	if (!e)
		return 0;
	size_t i = (size_t)(e - t->v);
	memmove(&t->v[i], &t->v[i + 1], (t->n - i - 1) * sizeof(*t->v));
	t->n--;
	return 1;
}

int pare_db_triggers_set(struct pare_db_triggers *t, const struct pare_digest_value *identity,
			 struct pare_slice globs, struct pare_error *err)
{
	globs = pare_slice_trim(globs);
	if (globs.len == 0) {
		pare_db_triggers_remove(t, identity);
		return 0;
	}
	if (globs.len > PARE_DB_MAX_TRIGGER_LINE || memchr(globs.ptr, '\n', globs.len))
		return pare_error_set(err, -PARE_E_FORMAT, "triggers: bad globs");
	struct pare_db_trigger e = { .identity = *identity };
	e.globs = pare_arena_slice(&t->arena, globs);
	if (!e.globs.ptr)
		return pare_error_set(err, -ENOMEM, "triggers: out of memory");
	struct pare_db_trigger *slot = (struct pare_db_trigger *)pare_db_triggers_find(t, identity);
	if (!slot && !(slot = append(t, err)))
		return -ENOMEM;
	*slot = e;
	return 0;
}
