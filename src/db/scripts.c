/* lib/apk/db/scripts.tar (see db/scripts.h). */
#include "db/scripts.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "apk/tar.h"
#include "db/dbfile.h"
#include "db/installed.h"
#include "io/gzip.h"
#include "io/stream.h"

static const char *const type_names[PARE_SCRIPT_NTYPES] = {
	"pre-install", "post-install", "pre-deinstall", "post-deinstall",
	"pre-upgrade", "post-upgrade", "trigger",
};

const char *pare_script_type_name(int type)
{
	return type >= 0 && type < PARE_SCRIPT_NTYPES ? type_names[type] : NULL;
}

int pare_script_type_parse(struct pare_slice s)
{
	for (int i = 0; i < PARE_SCRIPT_NTYPES; i++)
		if (pare_slice_eq_cstr(s, type_names[i]))
			return i;
	return -1;
}

void pare_db_scripts_init(struct pare_db_scripts *s)
{
	memset(s, 0, sizeof(*s));
	pare_arena_init(&s->arena, 64 * 1024, 0);
}

void pare_db_scripts_release(struct pare_db_scripts *s)
{
	if (!s)
		return;
	free(s->v);
	pare_arena_release(&s->arena);
	pare_db_scripts_init(s);
}

static struct pare_db_script *append(struct pare_db_scripts *s, struct pare_error *err)
{
	if (s->n >= PARE_DB_MAX_SCRIPTS) {
		pare_error_set(err, -PARE_E_TOO_BIG, "scripts: more than %u entries",
			       PARE_DB_MAX_SCRIPTS);
		return NULL;
	}
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		struct pare_db_script *v = realloc(s->v, cap * sizeof(*v));
		if (!v) {
			pare_error_set(err, -ENOMEM, "scripts: out of memory");
			return NULL;
		}
		s->v = v;
		s->cap = cap;
	}
	struct pare_db_script *e = &s->v[s->n++];
	memset(e, 0, sizeof(*e));
	e->type = -1;
	return e;
}

/* Split "<pkgver>.<identity>.<type>" as apk does (the last two dots). */
static void split_name(struct pare_db_script *e)
{
	struct pare_slice n = e->name;
	ptrdiff_t dot2 = -1, dot1 = -1;
	for (size_t i = n.len; i > 0; i--) {
		if (n.ptr[i - 1] != '.')
			continue;
		if (dot2 < 0) {
			dot2 = (ptrdiff_t)i - 1;
		} else {
			dot1 = (ptrdiff_t)i - 1;
			break;
		}
	}
	if (dot1 <= 0)
		return;
	struct pare_slice id = pare_slice_make(n.ptr + dot1 + 1, (size_t)(dot2 - dot1 - 1));
	struct pare_slice type = pare_slice_make(n.ptr + dot2 + 1, n.len - (size_t)dot2 - 1);
	int t = pare_script_type_parse(type);
	if (t < 0 || pare_db_csum_parse(id, &e->identity) < 0) {
		memset(&e->identity, 0, sizeof(e->identity));
		return;
	}
	e->type = t;
	e->identity_text = id;
	e->pkgver = pare_slice_make(n.ptr, (size_t)dot1);
}

static int read_entry(struct pare_db_scripts *s, struct pare_tar_reader *tr,
		      const struct pare_tar_entry *te, const char *name, struct pare_error *err)
{
	if (te->size > PARE_DB_MAX_SCRIPT)
		return pare_error_set(err, -PARE_E_TOO_BIG, "%s: %.*s: larger than %u bytes", name,
				      (int)te->name.len, te->name.ptr, PARE_DB_MAX_SCRIPT);
	struct pare_db_script *e = append(s, err);
	if (!e)
		return -ENOMEM;
	char *data = pare_arena_alloc(&s->arena, (size_t)te->size + 1);
	e->name = pare_arena_slice(&s->arena, te->name);
	e->uname = pare_arena_slice(&s->arena, te->uname);
	e->gname = pare_arena_slice(&s->arena, te->gname);
	if (!data || !e->name.ptr || !e->uname.ptr || !e->gname.ptr)
		return pare_error_set(err, -ENOMEM, "scripts: out of memory");
	struct pare_istream in;
	pare_tar_entry_istream(tr, &in);
	int r = pare_istream_read_full(&in, data, (size_t)te->size, err);
	if (r < 0)
		return pare_error_prefix(err, r, "%s: %.*s: ", name, (int)te->name.len,
					 te->name.ptr);
	data[te->size] = '\0';
	e->data = pare_slice_make(data, (size_t)te->size);
	e->mode = te->mode;
	e->uid = te->uid;
	e->gid = te->gid;
	e->mtime = te->mtime;
	split_name(e);
	return 0;
}

int pare_db_scripts_parse(struct pare_db_scripts *s, const void *tar, size_t len,
			  const char *name, struct pare_error *err)
{
	name = name ? name : PARE_DB_SCRIPTS_PATH;
	struct pare_mem_istream m;
	struct pare_istream in;
	struct pare_tar_reader tr;
	struct pare_tar_entry te;
	pare_mem_istream_init(&m, &in, tar, len);
	pare_tar_reader_init(&tr, &in, NULL);
	int r;
	while ((r = pare_tar_next(&tr, &te, err)) > 0) {
		if (te.type != PARE_TAR_REG) {
			s->nskipped++;
			continue;
		}
		if ((r = read_entry(s, &tr, &te, name, err)) < 0)
			break;
	}
	pare_tar_reader_release(&tr);
	if (r < 0) {
		if (err && !strstr(err->msg, name))
			pare_error_prefix(err, r, "%s: ", name);
		pare_db_scripts_release(s);
	}
	return r < 0 ? r : 0;
}

static int gunzip(const struct pare_buf *in, struct pare_buf *out, const char *name,
		  struct pare_error *err)
{
	struct pare_mem_istream m;
	struct pare_istream src, gs;
	struct pare_gz_reader *gz = malloc(sizeof(*gz));
	if (!gz)
		return pare_error_set(err, -ENOMEM, "%s: out of memory", name);
	pare_mem_istream_init(&m, &src, in->data, in->len);
	int r = pare_gz_reader_init(gz, &src, name, err);
	if (r == 0) {
		pare_gz_set_multi(gz, true);
		pare_gz_set_limit(gz, PARE_DB_MAX_SCRIPTS_TAR);
		pare_gz_istream(gz, &gs);
	}
	char chunk[65536];
	ssize_t n = 0;
	while (r == 0 && (n = pare_istream_read(&gs, chunk, sizeof(chunk), err)) > 0)
		r = pare_buf_append(out, chunk, (size_t)n);
	if (r == 0 && n < 0)
		r = (int)n;
	if (r < 0 && (!err || err->code != r))
		r = pare_error_set(err, r, "%s: %s", name, pare_strerror(r));
	pare_gz_reader_release(gz);
	free(gz);
	return r;
}

int pare_db_scripts_read(struct pare_db_scripts *s, struct pare_root *root,
			 struct pare_error *err)
{
	struct pare_buf raw, tar;
	pare_buf_init(&raw, PARE_DB_MAX_SCRIPTS_TAR);
	pare_buf_init(&tar, PARE_DB_MAX_SCRIPTS_TAR);
	const char *name = PARE_DB_SCRIPTS_PATH;
	int r = pare_db_file_read(root, name, &raw, err);
	if (r == -ENOENT) {
		name = PARE_DB_SCRIPTS_GZ_PATH;
		r = pare_db_file_read(root, name, &raw, err);
		if (r == 0) {
			s->gz = true;
			r = gunzip(&raw, &tar, name, err);
		}
	}
	if (r == -ENOENT) {
		pare_error_clear(err);
		r = 0;
	} else if (r == 0) {
		const struct pare_buf *b = s->gz ? &tar : &raw;
		bool gz = s->gz;
		r = pare_db_scripts_parse(s, b->data, b->len, name, err);
		s->gz = gz;
	}
	pare_buf_release(&raw);
	pare_buf_release(&tar);
	return r;
}

static int write_entry(struct pare_tar_writer *tw, const struct pare_db_script *e,
		       struct pare_error *err)
{
	struct pare_tar_header h = {
		.name = e->name,
		.uname = e->uname,
		.gname = e->gname,
		.type = PARE_TAR_REG,
		.mode = e->mode,
		.uid = e->uid,
		.gid = e->gid,
		.mtime = e->mtime,
		.size = e->data.len,
	};
	int r = pare_tar_write_entry_header(tw, &h, err);
	if (r == 0 && e->data.len)
		r = pare_tar_write_data(tw, e->data.ptr, e->data.len, err);
	return r ? r : pare_tar_finish_entry(tw, err);
}

int pare_db_scripts_write_tar(const struct pare_db_scripts *s, struct pare_buf *out,
			      struct pare_error *err)
{
	struct pare_ostream os;
	struct pare_tar_writer tw;
	size_t start = out->len;
	pare_buf_ostream_init(&os, out);
	int r = pare_tar_writer_init(&tw, &os);
	for (size_t i = 0; r == 0 && i < s->n; i++)
		r = write_entry(&tw, &s->v[i], err);
	if (r == 0)
		r = pare_tar_write_end(&tw, err);
	pare_tar_writer_release(&tw);
	if (r < 0)
		pare_buf_truncate(out, start);
	return r;
}

static int gzip_buf(const struct pare_buf *in, struct pare_buf *out, struct pare_error *err)
{
	struct pare_ostream os;
	struct pare_gz_writer *gz = malloc(sizeof(*gz));
	if (!gz)
		return pare_error_set(err, -ENOMEM, "scripts: out of memory");
	pare_buf_ostream_init(&os, out);
	int r = pare_gz_writer_init(gz, &os, 9, err);
	if (r == 0)
		r = pare_gz_write(gz, in->data, in->len, err);
	if (r == 0)
		r = pare_gz_finish_member(gz, err);
	pare_gz_writer_release(gz);
	free(gz);
	return r;
}

int pare_db_scripts_write(const struct pare_db_scripts *s, struct pare_root *root,
			  struct pare_error *err)
{
	struct pare_buf tar, gz;
	pare_buf_init(&tar, (size_t)PARE_DB_MAX_SCRIPTS_TAR * 2);
	pare_buf_init(&gz, (size_t)PARE_DB_MAX_SCRIPTS_TAR * 2);
	int r = pare_db_scripts_write_tar(s, &tar, err);
	if (r == 0 && s->gz)
		r = gzip_buf(&tar, &gz, err);
	if (r == 0) {
		const struct pare_buf *b = s->gz ? &gz : &tar;
		r = pare_db_file_write(root, s->gz ? PARE_DB_SCRIPTS_GZ_PATH : PARE_DB_SCRIPTS_PATH,
				       b->data, b->len, 0644, true, err);
	}
	pare_buf_release(&tar);
	pare_buf_release(&gz);
	return r;
}

static bool same_identity(const struct pare_digest_value *a, const struct pare_digest_value *b)
{
	return a->alg != PARE_DIGEST_NONE && a->alg == b->alg && a->len == b->len &&
	       memcmp(a->bytes, b->bytes, a->len) == 0;
}

const struct pare_db_script *pare_db_scripts_find(const struct pare_db_scripts *s,
						  const struct pare_digest_value *identity,
						  int type)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].type == type && same_identity(&s->v[i].identity, identity))
			return &s->v[i];
	return NULL;
}

static int make_name(struct pare_db_scripts *s, const struct pare_pkgent *e, int type,
		     struct pare_db_script *out, struct pare_error *err)
{
	char id[64];
	if (pare_apk_checksum_format(&e->identity, id, sizeof(id)) < 0)
		return pare_error_set(err, -PARE_E_FORMAT, "scripts: %.*s has no identity",
				      (int)e->name.len, e->name.ptr);
	struct pare_buf b;
	pare_buf_init(&b, PARE_PATH_MAX);
	int r = pare_buf_appendf(&b, "%.*s-%.*s.%s.%s", (int)e->name.len, e->name.ptr,
				 (int)e->version.len, e->version.ptr, id, type_names[type]);
	if (r == 0)
		out->name = pare_arena_slice(&s->arena, pare_buf_slice(&b));
	pare_buf_release(&b);
	if (r < 0)
		return pare_error_set(err, r, "scripts: name of %.*s too long", (int)e->name.len,
				      e->name.ptr);
	if (!out->name.ptr)
		return pare_error_set(err, -ENOMEM, "scripts: out of memory");
	split_name(out);
	return 0;
}

int pare_db_scripts_add(struct pare_db_scripts *s, const struct pare_pkgent *e, int type,
			struct pare_slice data, struct pare_error *err)
{
	if (!pare_script_type_name(type))
		return pare_error_set(err, -EINVAL, "scripts: bad script type %d", type);
	if (data.len > PARE_DB_MAX_SCRIPT)
		return pare_error_set(err, -PARE_E_TOO_BIG, "scripts: larger than %u bytes",
				      PARE_DB_MAX_SCRIPT);
	struct pare_db_script n = { .type = -1, .mode = 0755, .mtime = (int64_t)e->build_time };
	int r = make_name(s, e, type, &n, err);
	if (r < 0)
		return r;
	n.data = pare_arena_slice(&s->arena, data);
	n.uname = n.gname = PARE_SLICE_LIT("root");
	if (!n.data.ptr && data.len)
		return pare_error_set(err, -ENOMEM, "scripts: out of memory");
	struct pare_db_script *old = (struct pare_db_script *)pare_db_scripts_find(s, &e->identity,
										    type);
	struct pare_db_script *slot = old ? old : append(s, err);
	if (!slot)
		return -ENOMEM;
	*slot = n;
	return 0;
}

size_t pare_db_scripts_remove_pkg(struct pare_db_scripts *s,
				  const struct pare_digest_value *identity)
{
	size_t kept = 0, before = s->n;
	for (size_t i = 0; i < s->n; i++)
		if (!same_identity(&s->v[i].identity, identity))
			s->v[kept++] = s->v[i];
	s->n = kept;
	return before - kept;
}
