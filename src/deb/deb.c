/* The .deb reader: ar container, control.tar, data.tar, through libarchive.
 * See deb.h for the rules; this file enforces them. */
#include "deb/deb.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/hashmap.h"
#include "base/rootpath.h"
#include "io/archive_lazy.h"

#define READ_BLOCK (64u << 10)
/* Tar headers and padding on top of the content bytes a tar may hold
 * before the decompressed-size bound trips: per entry, a header block,
 * padding and a generous allowance for PAX/GNU long-name records. */
#define TAR_OVERHEAD_PER_ENTRY (16u << 10)

struct reader {
	const char *name;
	struct pare_deb_limits lim;
	struct pare_deb *d;
	struct archive *ar;   /* the ar container */
	const char *member;   /* current member name, for messages */
	pare_deb_visit_fn visit;
	void *ctx;
	struct pare_error *err;
	struct pare_map paths; /* data path -> (void *)(index + 1) */
	size_t cap_entries;
	size_t cap_cfiles;
	uint64_t control_total;
};

static void limits_fill(struct pare_deb_limits *l, const struct pare_deb_limits *in)
{
	*l = in ? *in : (struct pare_deb_limits){ 0 };
	if (!l->max_members)
		l->max_members = PARE_DEB_DEFAULT_MAX_MEMBERS;
	if (!l->max_control_member)
		l->max_control_member = PARE_DEB_DEFAULT_MAX_CONTROL_MEMBER;
	if (!l->max_control_file)
		l->max_control_file = PARE_DEB_DEFAULT_MAX_CONTROL_FILE;
	if (!l->max_control_total)
		l->max_control_total = PARE_DEB_DEFAULT_MAX_CONTROL_TOTAL;
	if (!l->max_control_entries)
		l->max_control_entries = PARE_DEB_DEFAULT_MAX_CONTROL_ENTRIES;
	if (!l->max_data)
		l->max_data = PARE_DEB_DEFAULT_MAX_DATA;
	if (!l->max_entries)
		l->max_entries = PARE_DEB_DEFAULT_MAX_ENTRIES;
}

/* "NAME: MEMBER: what" -- the one-line message of every failure. */
static int fail(struct reader *rd, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(struct reader *rd, int code, const char *fmt, ...)
{
	char what[PARE_ERROR_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (rd->member)
		return pare_error_set(rd->err, code, "%s: %s: %s", rd->name, rd->member, what);
	return pare_error_set(rd->err, code, "%s: %s", rd->name, what);
}

/* Prefix an error some callee already described. */
static int fail_prefixed(struct reader *rd, int code)
{
	if (rd->member)
		return pare_error_prefix(rd->err, code, "%s: %s: ", rd->name, rd->member);
	return pare_error_prefix(rd->err, code, "%s: ", rd->name);
}

/* A libarchive failure: its message, or "truncated" when it ran out. */
static int fail_archive(struct reader *rd, struct archive *a, const char *doing)
{
	const char *msg = archive_error_string(a);
	int code = -PARE_E_FORMAT;
	if (msg && (strstr(msg, "runcated") || strstr(msg, "premature") ||
		    strstr(msg, "Premature")))
		code = -PARE_E_TRUNCATED;
	return fail(rd, code, "%s: %s", doing, msg ? msg : "archive error");
}

/* ---- Names. */

/* Check the entry name raw (what = "" for an entry, or e.g. "hard link
 * target" for a name inside an entry). */
static int check_name(struct reader *rd, const char *raw, const char *what,
		      struct pare_slice *out)
{
	if (!raw)
		return fail(rd, -PARE_E_FORMAT, "entry without a name");
	if (strlen(raw) > PARE_PATH_MAX)
		return fail(rd, -PARE_E_UNSAFE_PATH, "%sentry name longer than %d bytes", what,
			    PARE_PATH_MAX);
	*out = pare_path_trim_entry(pare_slice_from(raw)); /* "": the root */
	if (out->len == 0)
		return 0;
	struct pare_error e;
	int r = pare_path_check_name(*out, &e);
	if (r < 0) {
		/* e.msg may start with the name itself: say it once. */
		const char *reason = e.msg;
		if (strncmp(reason, out->ptr, out->len) == 0 && reason[out->len] == ':')
			reason += out->len + 2;
		return fail(rd, r, "%s'%.200s': %s", what, raw, reason);
	}
	/* "a//b" and "a/./b" pass pare_path_check_name but are not names dpkg
	 * writes, and would give one file two names here. */
	struct pare_slice rest = *out, comp;
	while (rest.len) {
		pare_slice_split(&rest, '/', &comp);
		if (comp.len == 0 || pare_slice_eq_cstr(comp, "."))
			return fail(rd, -PARE_E_UNSAFE_PATH, "%s'%.200s': empty or '.' path component",
				    what, raw);
	}
	return 0;
}

/* No message may span lines: names with control characters are shown
 * with '?' in their place. */
static void one_line(struct pare_error *err)
{
	if (!err)
		return;
	for (char *p = err->msg; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
}

/* ---- Control member. */

static int add_cfile(struct reader *rd, struct pare_slice name, mode_t mode, struct archive *a,
		     uint64_t size)
{
	struct pare_deb *d = rd->d;
	if (size > rd->lim.max_control_file)
		return fail(rd, -PARE_E_TOO_BIG, "%.*s: %llu bytes, more than the %llu allowed",
			    (int)name.len, name.ptr, (unsigned long long)size,
			    (unsigned long long)rd->lim.max_control_file);
	if (size > rd->lim.max_control_total - rd->control_total)
		return fail(rd, -PARE_E_TOO_BIG, "control files larger than %llu bytes in total",
			    (unsigned long long)rd->lim.max_control_total);
	rd->control_total += size;
	if (d->ncfiles == rd->cap_cfiles) {
		size_t cap = rd->cap_cfiles ? rd->cap_cfiles * 2 : 16;
		void *p = realloc(d->cfiles, cap * sizeof(*d->cfiles));
		if (!p)
			return fail(rd, -ENOMEM, "out of memory");
		d->cfiles = p;
		rd->cap_cfiles = cap;
	}
	char *data = pare_arena_alloc(&d->arena, (size_t)size + 1);
	const char *cname = pare_arena_strdup(&d->arena, name);
	if (!data || !cname)
		return fail(rd, -ENOMEM, "out of memory");
	size_t got = 0;
	while (got < size) {
		la_ssize_t n = archive_read_data(a, data + got, (size_t)size - got);
		if (n < 0)
			return fail_archive(rd, a, "reading control file");
		if (n == 0)
			return fail(rd, -PARE_E_TRUNCATED, "%s: content ends early", cname);
		got += (size_t)n;
	}
	data[size] = '\0';
	d->cfiles[d->ncfiles++] = (struct pare_deb_cfile){ cname, mode, data, (size_t)size };
	static const struct {
		const char *name;
		unsigned bit;
	} scripts[] = {
		{ "preinst", PARE_DEB_SCRIPT_PREINST }, { "postinst", PARE_DEB_SCRIPT_POSTINST },
		{ "prerm", PARE_DEB_SCRIPT_PRERM },     { "postrm", PARE_DEB_SCRIPT_POSTRM },
		{ "config", PARE_DEB_SCRIPT_CONFIG },
	};
	for (size_t i = 0; i < sizeof(scripts) / sizeof(scripts[0]); i++)
		if (strcmp(cname, scripts[i].name) == 0)
			d->scripts |= scripts[i].bit;
	return 0;
}

static int control_entry(struct reader *rd, struct archive *a, struct archive_entry *e,
			 uint64_t *count)
{
	if (++*count > rd->lim.max_control_entries)
		return fail(rd, -PARE_E_TOO_BIG, "more than %llu entries",
			    (unsigned long long)rd->lim.max_control_entries);
	struct pare_slice name;
	int r = check_name(rd, archive_entry_pathname(e), "", &name);
	if (r < 0)
		return r;
	mode_t type = archive_entry_filetype(e);
	if (type != AE_IFREG && archive_entry_size_is_set(e) && archive_entry_size(e) > 0)
		return fail(rd, -PARE_E_FORMAT, "'%.200s': not a regular file, but with content",
			    archive_entry_pathname(e));
	if (name.len == 0 && type == AE_IFDIR)
		return 0;
	if (pare_slice_find(name, '/') >= 0 || name.len == 0)
		return fail(rd, -PARE_E_FORMAT, "%s: control files may not be in directories",
			    archive_entry_pathname(e));
	if (type != AE_IFREG || archive_entry_hardlink(e))
		return fail(rd, -PARE_E_FORMAT, "%.*s: not a regular file", (int)name.len, name.ptr);
	for (size_t i = 0; i < rd->d->ncfiles; i++)
		if (pare_slice_eq_cstr(name, rd->d->cfiles[i].name))
			return fail(rd, -PARE_E_FORMAT, "%.*s: listed twice", (int)name.len,
				    name.ptr);
	la_int64_t size = archive_entry_size(e);
	if (size < 0)
		return fail(rd, -PARE_E_FORMAT, "%.*s: no size", (int)name.len, name.ptr);
	return add_cfile(rd, name, archive_entry_perm(e) & 07777, a, (uint64_t)size);
}

/* ---- Data member. */

/* The map's value for a directory the package does not list (yet) but
 * that holds earlier entries. */
#define IMPLICIT_DIR ((void *)UINTPTR_MAX)

static struct pare_deb_entry *entry_at(struct reader *rd, struct pare_slice path)
{
	void *v = pare_map_get(&rd->paths, path);
	return v && v != IMPLICIT_DIR ? &rd->d->entries[(uintptr_t)v - 1] : NULL;
}

/* Record the parents of path that are not known yet as implicit
 * directories (the keys point into the arena copy of path). */
static int add_parents(struct reader *rd, struct pare_slice path)
{
	for (size_t i = path.len; i-- > 1;) {
		if (path.ptr[i] != '/')
			continue;
		struct pare_slice dir = pare_slice_sub(path, 0, i);
		if (pare_map_get(&rd->paths, dir))
			return 0;
		if (pare_map_put(&rd->paths, dir, IMPLICIT_DIR, NULL) < 0)
			return fail(rd, -ENOMEM, "out of memory");
	}
	return 0;
}

/* No earlier non-directory of the package may be a parent of path. */
static int check_parents(struct reader *rd, struct pare_slice path)
{
	for (size_t i = 1; i < path.len; i++) {
		if (path.ptr[i] != '/')
			continue;
		struct pare_deb_entry *p = entry_at(rd, pare_slice_sub(path, 0, i));
		if (p && p->type != PARE_DEB_DIR)
			return fail(rd, -PARE_E_UNSAFE_PATH, "%.*s: path runs through %s %s",
				    (int)path.len, path.ptr,
				    p->type == PARE_DEB_SYMLINK ? "the symlink" : "the file", p->path);
	}
	return 0;
}

static int link_target_ok(struct reader *rd, struct pare_slice path, const char *t)
{
	size_t n = t ? strlen(t) : 0;
	if (n == 0)
		return fail(rd, -PARE_E_FORMAT, "%.*s: empty symlink target", (int)path.len, path.ptr);
	if (n >= PARE_PATH_MAX)
		return fail(rd, -PARE_E_UNSAFE_PATH, "%.*s: symlink target too long", (int)path.len,
			    path.ptr);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)t[i] < 0x20 || t[i] == 0x7f)
			return fail(rd, -PARE_E_UNSAFE_PATH,
				    "%.*s: control character in symlink target", (int)path.len,
				    path.ptr);
	return 0;
}

/* *out = a copy of an owner name worth keeping (see pare_deb_entry.uname),
 * else NULL.  -ENOMEM when out of memory. */
static int account_name(struct reader *rd, const char *name, const char **out)
{
	size_t n = name ? strlen(name) : 0;
	bool ok = n > 0 && n <= 31 && ((name[0] >= 'a' && name[0] <= 'z') || name[0] == '_');
	for (size_t i = 1; ok && i < n; i++)
		ok = (name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') ||
		     name[i] == '_' || name[i] == '-' || name[i] == '.';
	*out = ok ? pare_arena_strdup(&rd->d->arena, pare_slice_make(name, n)) : NULL;
	return ok && !*out ? -ENOMEM : 0;
}

/* Fill *out from the tar entry after every check; 1 = skip this entry. */
static int data_entry_check(struct reader *rd, struct archive_entry *e, struct pare_deb_entry *out)
{
	struct pare_slice path;
	int r = check_name(rd, archive_entry_pathname(e), "", &path);
	if (r < 0)
		return r;
	mode_t ft = archive_entry_filetype(e);
	const char *hard = archive_entry_hardlink(e);
	if (path.len == 0) {
		if (ft == AE_IFDIR && !hard)
			return 1; /* "./" */
		return fail(rd, -PARE_E_UNSAFE_PATH, "'%s': not a file name",
			    archive_entry_pathname(e));
	}
	*out = (struct pare_deb_entry){ .mode = archive_entry_perm(e) & 07777,
					.uid = archive_entry_uid(e),
					.gid = archive_entry_gid(e),
					.mtime = archive_entry_mtime(e) };
	if (hard) {
		out->type = PARE_DEB_HARDLINK;
	} else if (ft == AE_IFREG) {
		out->type = PARE_DEB_FILE;
	} else if (ft == AE_IFDIR) {
		out->type = PARE_DEB_DIR;
	} else if (ft == AE_IFLNK) {
		out->type = PARE_DEB_SYMLINK;
	} else {
		const char *what = ft == AE_IFCHR ? "character device" :
				   ft == AE_IFBLK ? "block device" :
				   ft == AE_IFIFO ? "fifo" : ft == AE_IFSOCK ? "socket" : "special file";
		return fail(rd, -PARE_E_UNSAFE_PATH, "%.*s: %s not allowed", (int)path.len,
			    path.ptr, what);
	}
	/* Content on anything but a regular file would be decompressed only
	 * to be skipped, outside the content bound: refuse it.  (libarchive
	 * already ignores the size field of ustar/GNU directories and hard
	 * links; this is for the formats where it does not.) */
	if (out->type != PARE_DEB_FILE && archive_entry_size_is_set(e) && archive_entry_size(e) > 0)
		return fail(rd, -PARE_E_FORMAT, "%.*s: %s with content", (int)path.len, path.ptr,
			    out->type == PARE_DEB_DIR ? "directory" :
			    out->type == PARE_DEB_SYMLINK ? "symlink" : "hard link");
	if ((r = check_parents(rd, path)) < 0)
		return r;
	if (out->type != PARE_DEB_DIR && pare_map_get(&rd->paths, path) == IMPLICIT_DIR)
		return fail(rd, -PARE_E_FORMAT, "%.*s: not a directory, but earlier entries are in it",
			    (int)path.len, path.ptr);
	struct pare_deb_entry *old = entry_at(rd, path);
	if (old && (old->type != PARE_DEB_DIR || out->type != PARE_DEB_DIR))
		return fail(rd, -PARE_E_FORMAT, "%.*s: listed twice", (int)path.len, path.ptr);
	if (old)
		return 1; /* a directory listed again: the first one stands */
	if (out->type == PARE_DEB_HARDLINK) {
		struct pare_slice target;
		char what[PARE_PATH_MAX + 32];
		snprintf(what, sizeof(what), "%.*s: hard link target ", (int)path.len, path.ptr);
		if ((r = check_name(rd, hard, what, &target)) < 0)
			return r;
		struct pare_deb_entry *t = target.len ? entry_at(rd, target) : NULL;
		if (!t || (t->type != PARE_DEB_FILE && t->type != PARE_DEB_HARDLINK))
			return fail(rd, -PARE_E_UNSAFE_PATH,
				    "%.*s: hard link to '%.200s', which is no earlier file of the package",
				    (int)path.len, path.ptr, hard);
		out->link = t->type == PARE_DEB_FILE ? t->path : t->link;
		out->mode = t->mode;
	} else if (out->type == PARE_DEB_SYMLINK) {
		const char *t = archive_entry_symlink(e);
		if ((r = link_target_ok(rd, path, t)) < 0)
			return r;
		if (!(out->link = pare_arena_strdup(&rd->d->arena, pare_slice_from(t))))
			return fail(rd, -ENOMEM, "out of memory");
	} else if (out->type == PARE_DEB_FILE) {
		la_int64_t size = archive_entry_size(e);
		if (size < 0)
			return fail(rd, -PARE_E_FORMAT, "%.*s: no size", (int)path.len, path.ptr);
		if ((uint64_t)size > rd->lim.max_data - rd->d->data_bytes)
			return fail(rd, -PARE_E_TOO_BIG, "more than %llu bytes of file content",
				    (unsigned long long)rd->lim.max_data);
		out->size = (uint64_t)size;
	}
	if (!(out->path = pare_arena_strdup(&rd->d->arena, path)))
		return fail(rd, -ENOMEM, "out of memory");
	if ((out->uid && account_name(rd, archive_entry_uname(e), &out->uname) < 0) ||
	    (out->gid && account_name(rd, archive_entry_gname(e), &out->gname) < 0))
		return fail(rd, -ENOMEM, "out of memory");
	return 0;
}

static int add_entry(struct reader *rd, const struct pare_deb_entry *e, struct pare_deb_entry **out)
{
	struct pare_deb *d = rd->d;
	if (d->nentries >= rd->lim.max_entries)
		return fail(rd, -PARE_E_TOO_BIG, "more than %llu entries",
			    (unsigned long long)rd->lim.max_entries);
	if (d->nentries == rd->cap_entries) {
		size_t cap = rd->cap_entries ? rd->cap_entries * 2 : 64;
		void *p = realloc(d->entries, cap * sizeof(*d->entries));
		if (!p)
			return fail(rd, -ENOMEM, "out of memory");
		d->entries = p;
		rd->cap_entries = cap;
	}
	d->entries[d->nentries] = *e;
	if (pare_map_put(&rd->paths, pare_slice_from(e->path),
			 (void *)(uintptr_t)(d->nentries + 1), NULL) < 0)
		return fail(rd, -ENOMEM, "out of memory");
	*out = &d->entries[d->nentries++];
	int r = add_parents(rd, pare_slice_from(e->path));
	if (r < 0)
		return r;
	d->data_bytes += e->size;
	if (e->type == PARE_DEB_FILE && (e->mode & 06000))
		d->nsetid++;
	return 0;
}

struct content {
	struct reader *rd;
	struct archive *a;
};

static ssize_t content_read(void *ctx, void *buf, size_t n, struct pare_error *err)
{
	struct content *c = ctx;
	la_ssize_t got = archive_read_data(c->a, buf, n);
	if (got < 0)
		return fail_archive(c->rd, c->a, "reading file content");
	return got;
}

static int data_entry(struct reader *rd, struct archive *a, struct archive_entry *e)
{
	struct pare_deb_entry tmp, *ent = NULL;
	int r = data_entry_check(rd, e, &tmp);
	if (r)
		return r > 0 ? 0 : r;
	if ((r = add_entry(rd, &tmp, &ent)) < 0)
		return r;
	if (!rd->visit)
		return 0;
	struct content c = { rd, a };
	struct pare_istream s = { .read = content_read, .ctx = &c };
	pare_error_clear(rd->err);
	r = rd->visit(rd->ctx, ent, ent->type == PARE_DEB_FILE ? &s : NULL, rd->err);
	if (r == 0)
		return 0;
	if (rd->err && rd->err->code) {
		/* a message from content_read already names the file */
		if (strncmp(rd->err->msg, rd->name, strlen(rd->name)) == 0)
			return r;
		return fail_prefixed(rd, r);
	}
	return fail(rd, r < 0 ? r : -PARE_E_FORMAT, "%s: %s", ent->path, pare_strerror(r));
}

/* ---- Inner tar archives. */

struct inner_src {
	struct reader *rd;
	bool outer_failed; /* the ar member could not be read */
	char buf[READ_BLOCK];
};

static la_ssize_t inner_read(struct archive *a, void *ctx, const void **out)
{
	struct inner_src *s = ctx;
	la_ssize_t n = archive_read_data(s->rd->ar, s->buf, sizeof(s->buf));
	if (n < 0) {
		s->outer_failed = true;
		archive_set_error(a, EIO, "%s", archive_error_string(s->rd->ar));
		return -1;
	}
	*out = s->buf;
	return n;
}

/* The filter a member's name asks for; -1 for a name that is no tar. */
static int filter_for(const char *member, const char *stem, bool data)
{
	size_t n = strlen(stem);
	if (strncmp(member, stem, n) != 0)
		return -1;
	const char *ext = member + n;
	if (strcmp(ext, "") == 0)
		return ARCHIVE_FILTER_NONE;
	if (strcmp(ext, ".gz") == 0)
		return ARCHIVE_FILTER_GZIP;
	if (strcmp(ext, ".xz") == 0)
		return ARCHIVE_FILTER_XZ;
	if (strcmp(ext, ".zst") == 0)
		return ARCHIVE_FILTER_ZSTD;
	if (data && strcmp(ext, ".bz2") == 0)
		return ARCHIVE_FILTER_BZIP2;
	return -1;
}

static int support_filter(struct archive *a, int filter)
{
	switch (filter) {
	case ARCHIVE_FILTER_GZIP:
		return archive_read_support_filter_gzip(a);
	case ARCHIVE_FILTER_XZ:
		return archive_read_support_filter_xz(a);
	case ARCHIVE_FILTER_ZSTD:
		return archive_read_support_filter_zstd(a);
	case ARCHIVE_FILTER_BZIP2:
		return archive_read_support_filter_bzip2(a);
	default:
		return ARCHIVE_OK;
	}
}

typedef int (*entry_fn)(struct reader *rd, struct archive *a, struct archive_entry *e,
			uint64_t *count);

static int data_entry_fn(struct reader *rd, struct archive *a, struct archive_entry *e,
			 uint64_t *count)
{
	(void)count;
	return data_entry(rd, a, e);
}

/* Walk the tar in the current ar member with the one filter its name says.
 * max_raw bounds the decompressed bytes (content + headers). */
static int read_inner(struct reader *rd, int filter, uint64_t max_raw, entry_fn fn)
{
	struct inner_src *src = malloc(sizeof(*src));
	struct archive *a = archive_read_new();
	int r = 0;
	if (!src || !a) {
		r = fail(rd, -ENOMEM, "out of memory");
		goto out;
	}
	src->rd = rd;
	src->outer_failed = false;
	archive_read_support_format_tar(a);
	if (support_filter(a, filter) < ARCHIVE_WARN) {
		r = fail(rd, -PARE_E_UNSUPPORTED, "this libarchive cannot decompress it");
		goto out;
	}
	if (archive_read_open(a, src, NULL, inner_read, NULL) != ARCHIVE_OK) {
		r = fail_archive(rd, a, "not a tar archive");
		goto out;
	}
	uint64_t count = 0;
	for (;;) {
		struct archive_entry *e;
		int h = archive_read_next_header(a, &e);
		if (h == ARCHIVE_EOF)
			break;
		if (h < ARCHIVE_WARN) {
			r = fail_archive(rd, a, "reading tar header");
			goto out;
		}
		if (archive_filter_code(a, 0) != filter) {
			r = fail(rd, -PARE_E_FORMAT, "compression is not what the member name says");
			goto out;
		}
		if (archive_format(a) != ARCHIVE_FORMAT_TAR &&
		    (archive_format(a) & ARCHIVE_FORMAT_BASE_MASK) != ARCHIVE_FORMAT_TAR) {
			r = fail(rd, -PARE_E_FORMAT, "not a tar archive");
			goto out;
		}
		if ((uint64_t)archive_filter_bytes(a, 0) > max_raw) {
			r = fail(rd, -PARE_E_TOO_BIG, "decompresses to more than %llu bytes",
				 (unsigned long long)max_raw);
			goto out;
		}
		if ((r = fn(rd, a, e, &count)) < 0)
			goto out;
	}
out:
	if (r < 0 && src && src->outer_failed)
		r = fail_archive(rd, rd->ar, "reading the member");
	if (a)
		archive_read_free(a);
	free(src);
	return r;
}

/* ---- The ar container. */

static int read_member_small(struct reader *rd, char *buf, size_t max, size_t *len)
{
	*len = 0;
	for (;;) {
		la_ssize_t n = archive_read_data(rd->ar, buf + *len, max - *len);
		if (n < 0)
			return fail_archive(rd, rd->ar, "reading");
		if (n == 0)
			return 0;
		*len += (size_t)n;
		if (*len == max)
			return fail(rd, -PARE_E_TOO_BIG, "longer than %zu bytes", max - 1);
	}
}

static int debian_binary(struct reader *rd)
{
	char buf[17];
	size_t len;
	int r = read_member_small(rd, buf, sizeof(buf), &len);
	if (r < 0)
		return r;
	buf[len] = '\0';
	char *nl = memchr(buf, '\n', len);
	size_t line = nl ? (size_t)(nl - buf) : len;
	bool ok = nl && line >= 3 && buf[0] == '2' && buf[1] == '.';
	for (size_t i = 2; ok && i < line; i++)
		ok = buf[i] >= '0' && buf[i] <= '9';
	if (!ok)
		return fail(rd, -PARE_E_UNSUPPORTED, "format version is not 2.x");
	memcpy(rd->d->debian_binary, buf, line);
	rd->d->debian_binary[line] = '\0';
	return 0;
}

enum stage { WANT_BINARY, WANT_CONTROL, WANT_DATA, DONE };

static int member(struct reader *rd, struct archive_entry *e, enum stage *st)
{
	const char *name = archive_entry_pathname(e);
	la_int64_t size = archive_entry_size(e);
	rd->member = name;
	if (*st == WANT_BINARY) {
		if (strcmp(name, "debian-binary") != 0)
			return fail(rd, -PARE_E_FORMAT, "first member is not debian-binary");
		*st = WANT_CONTROL;
		return debian_binary(rd);
	}
	if (name[0] == '_')
		return 0; /* dpkg's reserved names: ignored */
	int f;
	if (*st == WANT_CONTROL && (f = filter_for(name, "control.tar", false)) >= 0) {
		if (size < 0 || (uint64_t)size > rd->lim.max_control_member)
			return fail(rd, -PARE_E_TOO_BIG, "member larger than %llu bytes",
				    (unsigned long long)rd->lim.max_control_member);
		snprintf(rd->d->control_member, sizeof(rd->d->control_member), "%s", name);
		*st = WANT_DATA;
		uint64_t max_raw = rd->lim.max_control_total +
				   rd->lim.max_control_entries * TAR_OVERHEAD_PER_ENTRY;
		int r = read_inner(rd, f, max_raw, control_entry);
		if (r == 0 && !pare_deb_cfile_get(rd->d, "control"))
			r = fail(rd, -PARE_E_FORMAT, "no control file");
		return r;
	}
	if (*st == WANT_DATA && (f = filter_for(name, "data.tar", true)) >= 0) {
		snprintf(rd->d->data_member, sizeof(rd->d->data_member), "%s", name);
		*st = DONE;
		uint64_t max_raw = rd->lim.max_data + rd->lim.max_entries * TAR_OVERHEAD_PER_ENTRY;
		return read_inner(rd, f, max_raw, data_entry_fn);
	}
	if (*st == WANT_CONTROL)
		return fail(rd, -PARE_E_FORMAT, "unexpected member (control.tar expected)");
	if (*st == WANT_DATA)
		return fail(rd, -PARE_E_FORMAT, "unexpected member (data.tar expected)");
	return fail(rd, -PARE_E_FORMAT, "unexpected member after data.tar");
}

static int read_ar(struct reader *rd, int fd)
{
	rd->ar = archive_read_new();
	if (!rd->ar)
		return fail(rd, -ENOMEM, "out of memory");
	archive_read_support_format_ar(rd->ar);
	if (archive_read_open_fd(rd->ar, fd, READ_BLOCK) != ARCHIVE_OK)
		return fail_archive(rd, rd->ar, "not an ar archive");
	enum stage st = WANT_BINARY;
	uint64_t n = 0;
	for (;;) {
		struct archive_entry *e;
		rd->member = NULL;
		int h = archive_read_next_header(rd->ar, &e);
		if (h == ARCHIVE_EOF)
			break;
		if (h < ARCHIVE_WARN)
			return fail_archive(rd, rd->ar, n ? "reading ar member header" : "not a .deb");
		if (archive_format(rd->ar) != ARCHIVE_FORMAT_AR &&
		    (archive_format(rd->ar) & ARCHIVE_FORMAT_BASE_MASK) != ARCHIVE_FORMAT_AR)
			return fail(rd, -PARE_E_FORMAT, "not an ar archive");
		if (++n > rd->lim.max_members)
			return fail(rd, -PARE_E_TOO_BIG, "more than %llu ar members",
				    (unsigned long long)rd->lim.max_members);
		const char *name = archive_entry_pathname(e);
		if (!name || !*name || strlen(name) > 16)
			return fail(rd, -PARE_E_FORMAT, "ar member with a bad name");
		int r = member(rd, e, &st);
		if (r < 0)
			return r;
	}
	rd->member = NULL;
	if (st == WANT_BINARY)
		return fail(rd, -PARE_E_TRUNCATED, "no ar member (empty or truncated archive)");
	if (st != DONE)
		return fail(rd, -PARE_E_TRUNCATED, "no %s member",
			    st == WANT_CONTROL ? "control.tar" : "data.tar");
	return 0;
}

int pare_deb_read(int fd, const char *name, const struct pare_deb_limits *limits,
		  struct pare_deb *out, pare_deb_visit_fn visit, void *ctx,
		  struct pare_error *err)
{
	memset(out, 0, sizeof(*out));
	pare_arena_init(&out->arena, 64u << 10, 0);
	struct reader rd = { .name = name ? name : "(deb)", .d = out, .visit = visit,
			     .ctx = ctx, .err = err };
	limits_fill(&rd.lim, limits);
	pare_map_init(&rd.paths);
	int r = read_ar(&rd, fd);
	if (r < 0)
		one_line(err);
	if (rd.ar)
		archive_read_free(rd.ar);
	pare_map_release(&rd.paths);
	return r;
}

struct pare_slice pare_deb_control_text(const struct pare_deb *d)
{
	const struct pare_deb_cfile *c = pare_deb_cfile_get(d, "control");
	return c ? pare_slice_make(c->data, c->len) : PARE_SLICE_NULL;
}

const struct pare_deb_cfile *pare_deb_cfile_get(const struct pare_deb *d, const char *name)
{
	for (size_t i = 0; i < d->ncfiles; i++)
		if (strcmp(d->cfiles[i].name, name) == 0)
			return &d->cfiles[i];
	return NULL;
}

void pare_deb_release(struct pare_deb *d)
{
	if (!d)
		return;
	free(d->cfiles);
	free(d->entries);
	pare_arena_release(&d->arena);
	memset(d, 0, sizeof(*d));
}
