/* pare dump FILE: everything pare knows about one package or signed index:
 * identity, signatures and their verdicts, trust, datahash, every .PKGINFO
 * field, scripts and every data entry.  Untrusted input is shown too (the
 * verdict is reported, not enforced); a format or integrity error is
 * reported like any other applet does and exits 1.
 *
 * Entries are collected through the package visitor and printed only after
 * pare_pkg_read() has returned 0, so nothing is shown for a package that
 * fails half way.  Text output is meant for people; --json prints one
 * object with the same content, keys in a fixed order. */
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "apk/package.h"
#include "cli/applets.h"
#include "cli/common.h"

#define DUMP_MAX_ENTRIES (1u << 20)   /* entries collected */
#define DUMP_ARENA_MAX (256u << 20)   /* bytes of names collected */
#define DUMP_ARENA_CHUNK (64u << 10)

/* One data (or index) entry, copied out of the tar reader. */
struct dump_entry {
	char type;
	uint32_t mode;
	uint64_t uid, gid, size;
	int64_t mtime;
	struct pare_slice name, linkname, uname, gname; /* in the list's arena */
	struct pare_digest_value checksum;
};

struct dump_list {
	const char *path; /* for messages */
	struct pare_arena arena;
	struct dump_entry *v;
	size_t n, cap;
};

static void list_init(struct dump_list *l, const char *path)
{
	memset(l, 0, sizeof(*l));
	l->path = path;
	pare_arena_init(&l->arena, DUMP_ARENA_CHUNK, DUMP_ARENA_MAX);
}

static void list_release(struct dump_list *l)
{
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
	pare_arena_release(&l->arena);
}

static int list_grow(struct dump_list *l, struct pare_error *err)
{
	if (l->n >= DUMP_MAX_ENTRIES)
		return pare_error_set(err, -PARE_E_TOO_BIG, "%s: more than %u entries to show",
				      l->path, DUMP_MAX_ENTRIES);
	size_t cap = l->cap ? 2 * l->cap : 64;
	struct dump_entry *v = realloc(l->v, cap * sizeof(*v));
	if (!v)
		return pare_error_set(err, -ENOMEM, "%s: out of memory", l->path);
	l->v = v;
	l->cap = cap;
	return 0;
}

static bool copy_slice(struct dump_list *l, struct pare_slice s, struct pare_slice *out)
{
	*out = pare_arena_slice(&l->arena, s);
	return out->ptr != NULL;
}

static int collect_entry(void *ctx, const struct pare_tar_entry *e, struct pare_istream *content,
			 struct pare_error *err)
{
	struct dump_list *l = ctx;
	(void)content; /* the reader drains and checks it */
	if (l->n == l->cap) {
		int r = list_grow(l, err);
		if (r < 0)
			return r;
	}
	struct dump_entry *d = &l->v[l->n];
	*d = (struct dump_entry){ .type = e->type, .mode = e->mode, .uid = e->uid, .gid = e->gid,
				  .size = e->size, .mtime = e->mtime, .checksum = e->checksum };
	if (!copy_slice(l, e->name, &d->name) || !copy_slice(l, e->linkname, &d->linkname) ||
	    !copy_slice(l, e->uname, &d->uname) || !copy_slice(l, e->gname, &d->gname))
		return pare_error_set(err, -PARE_E_TOO_BIG, "%s: entry names exceed %u bytes",
				      l->path, DUMP_ARENA_MAX);
	l->n++;
	return 0;
}

/* ---- shared formatting ------------------------------------------------ */

static const char *sig_kind(enum pare_digest_alg alg)
{
	switch (alg) {
	case PARE_DIGEST_SHA1: return "RSA";
	case PARE_DIGEST_SHA256: return "RSA256";
	case PARE_DIGEST_SHA512: return "RSA512";
	default: return "?";
	}
}

static const char *sig_verdict(int status)
{
	if (status == 1)
		return "not checked";
	if (status == 0)
		return "OK";
	if (status == -PARE_E_UNTRUSTED)
		return "UNTRUSTED";
	if (status == -PARE_E_BAD_SIGNATURE)
		return "BAD";
	return "ERROR";
}

static const char *trust_verdict(int trust)
{
	return trust == 0 ? "OK" : trust == -PARE_E_BAD_SIGNATURE ? "BAD" : "UNTRUSTED";
}

static const char *type_name(char type)
{
	switch (type) {
	case PARE_TAR_REG: return "file";
	case PARE_TAR_LINK: return "hardlink";
	case PARE_TAR_SYMLINK: return "symlink";
	case PARE_TAR_CHR: return "char";
	case PARE_TAR_BLK: return "block";
	case PARE_TAR_DIR: return "dir";
	case PARE_TAR_FIFO: return "fifo";
	default: return "other";
	}
}

static char type_char(char type)
{
	static const char map[] = "-hlcbdp"; /* '0'..'6', as tar -tv shows them */
	if (type >= '0' && type <= '6')
		return map[type - '0'];
	return '?';
}

static char perm_char(uint32_t mode, uint32_t bit, char c)
{
	return (mode & bit) ? c : '-';
}

static char special_char(uint32_t mode, uint32_t xbit, uint32_t sbit, char set, char unset)
{
	if (mode & sbit)
		return (mode & xbit) ? set : unset;
	return (mode & xbit) ? 'x' : '-';
}

/* "drwxr-xr-x": ls-style, with s/S and t/T for the special bits. */
static void mode_string(char type, uint32_t mode, char out[11])
{
	out[0] = type_char(type);
	out[1] = perm_char(mode, 0400, 'r');
	out[2] = perm_char(mode, 0200, 'w');
	out[3] = special_char(mode, 0100, 04000, 's', 'S');
	out[4] = perm_char(mode, 040, 'r');
	out[5] = perm_char(mode, 020, 'w');
	out[6] = special_char(mode, 010, 02000, 's', 'S');
	out[7] = perm_char(mode, 04, 'r');
	out[8] = perm_char(mode, 02, 'w');
	out[9] = special_char(mode, 01, 01000, 't', 'T');
	out[10] = '\0';
}

/* "2023-05-12 10:00:00" in UTC, or the raw number if it is out of range. */
static void time_string(int64_t t, char *out, size_t size)
{
	struct tm tm;
	time_t tt = (time_t)t;
	if ((int64_t)tt != t || !gmtime_r(&tt, &tm) ||
	    strftime(out, size, "%Y-%m-%d %H:%M:%S", &tm) == 0)
		snprintf(out, size, "%" PRId64, t);
}

static void sha1_string(const struct pare_digest_value *v, char *out)
{
	out[0] = '\0';
	if (v->alg != PARE_DIGEST_NONE && v->len <= PARE_DIGEST_MAX)
		pare_hex_encode(v->bytes, v->len, out);
}

static struct pare_slice cstr(const char *s)
{
	return pare_slice_from(s ? s : "");
}

/* The canonical text of an atom (malloc'ed), or NULL. */
static char *dep_text(const struct pare_dep *d)
{
	int n = pare_dep_format(d, NULL, 0);
	if (n < 0)
		return NULL;
	char *text = malloc((size_t)n + 1);
	if (text && pare_dep_format(d, text, (size_t)n + 1) != n) {
		free(text);
		text = NULL;
	}
	return text;
}

/* ---- text output ------------------------------------------------------- */

/* A name or field as one line (pare_buf_append_escaped: controls, tab,
 * C1 and bytes outside UTF-8 as \xNN, '\' doubled), so that one item stays
 * on one line and reads back unambiguously whatever the archive holds;
 * with text, a script line (tab and '\' kept). */
static void put_line(FILE *f, struct pare_slice s, bool text)
{
	struct pare_buf b;
	pare_buf_init(&b, 4 * s.len + 1);
	int r = text ? pare_buf_append_escaped_text(&b, s) : pare_buf_append_escaped(&b, s);
	if (r == 0)
		fwrite(b.data ? b.data : "", 1, b.len, f);
	pare_buf_release(&b);
}

static void put_escaped(FILE *f, struct pare_slice s)
{
	put_line(f, s, false);
}

static void put_field(FILE *f, const char *label, struct pare_slice value)
{
	fprintf(f, "%s", label);
	put_escaped(f, value);
	fputc('\n', f);
}

static void text_signatures(FILE *f, const struct pare_pkg *pkg)
{
	if (pkg->nsigs == 0)
		fputs("signatures: none\n", f);
	for (size_t i = 0; i < pkg->nsigs; i++) {
		const struct pare_pkg_sig *s = &pkg->sigs[i];
		fprintf(f, "signature: %s ", sig_kind(s->alg));
		put_escaped(f, cstr(s->keyname));
		fprintf(f, ": %s\n", sig_verdict(s->status));
	}
}

static void text_trust(FILE *f, const struct pare_pkg *pkg)
{
	fprintf(f, "trust: %s", trust_verdict(pkg->trust));
	if (pkg->trust == 0 && pkg->signer) {
		fputs(" (signed by ", f);
		put_escaped(f, cstr(pkg->signer));
		fputc(')', f);
	} else if (pkg->trust != 0 && pkg->trust_msg[0]) {
		fputs(" (", f);
		put_escaped(f, cstr(pkg->trust_msg));
		fputc(')', f);
	}
	fputc('\n', f);
}

static void text_datahash(FILE *f, const struct pare_pkg *pkg)
{
	char hex[2 * PARE_DIGEST_MAX + 1];
	if (pkg->info.datahash.len) {
		fputs("datahash: ", f);
		put_escaped(f, pkg->info.datahash);
		fputs(pkg->datahash_verified ? " (verified)\n" : " (not verified)\n", f);
	} else {
		fputs("datahash: none\n", f);
	}
	if (pkg->data_sha256.alg != PARE_DIGEST_NONE) {
		pare_hex_encode(pkg->data_sha256.bytes, pkg->data_sha256.len, hex);
		fprintf(f, "data sha256: %s\n", hex);
	}
}

static void text_head(FILE *f, const char *path, const struct pare_pkg *pkg)
{
	put_field(f, "file: ", cstr(path));
	fprintf(f, "kind: %s\n", pkg->kind == PARE_PKG_KIND_INDEX ? "index" : "package");
	fprintf(f, "identity: %s\n", pkg->identity);
	fprintf(f, "file size: %" PRIu64 "\n", pkg->file_size);
	text_signatures(f, pkg);
	text_trust(f, pkg);
	if (pkg->kind == PARE_PKG_KIND_PACKAGE) {
		text_datahash(f, pkg);
		fprintf(f, "data entries: %" PRIu64 "\n", pkg->nentries);
		fprintf(f, "data bytes: %" PRIu64 "\n", pkg->data_bytes);
	}
}

static void text_kv(FILE *f, const char *key, struct pare_slice value)
{
	if (value.len == 0)
		return;
	fprintf(f, "  %s = ", key);
	put_escaped(f, value);
	fputc('\n', f);
}

static void text_num(FILE *f, const char *key, bool has, uint64_t v)
{
	if (has)
		fprintf(f, "  %s = %" PRIu64 "\n", key, v);
}

static void text_deps(FILE *f, const char *key, const struct pare_pkginfo_deps *deps)
{
	for (size_t i = 0; i < deps->n; i++) {
		char *atom = dep_text(&deps->v[i]);
		fprintf(f, "  %s = ", key);
		if (atom)
			put_escaped(f, cstr(atom));
		else
			fputs("(unprintable atom)", f);
		fputc('\n', f);
		free(atom);
	}
}

static void text_pkginfo(FILE *f, const struct pare_pkginfo *pi)
{
	fputs("\npkginfo:\n", f);
	text_kv(f, "pkgname", pi->pkgname);
	text_kv(f, "pkgver", pi->pkgver);
	text_kv(f, "pkgdesc", pi->pkgdesc);
	text_kv(f, "url", pi->url);
	text_num(f, "builddate", pi->has_builddate, pi->builddate);
	text_kv(f, "packager", pi->packager);
	text_num(f, "size", pi->has_size, pi->size);
	text_kv(f, "arch", pi->arch);
	text_kv(f, "origin", pi->origin);
	text_kv(f, "commit", pi->commit);
	text_kv(f, "maintainer", pi->maintainer);
	text_deps(f, "replaces", &pi->replaces);
	text_num(f, "provider_priority", pi->has_provider_priority, pi->provider_priority);
	text_num(f, "replaces_priority", pi->has_replaces_priority, pi->replaces_priority);
	text_kv(f, "license", pi->license);
	text_deps(f, "depend", &pi->depend);
	text_deps(f, "provides", &pi->provides);
	text_deps(f, "install_if", &pi->install_if);
	for (size_t i = 0; i < pi->triggers.n; i++)
		text_kv(f, "triggers", pi->triggers.v[i]);
	text_kv(f, "datahash", pi->datahash);
	if (pi->dropped_lists)
		fprintf(f, "  (%zu dependency lines dropped: %s)\n", pi->dropped_lists,
			pi->dropped_msg);
}

static void text_unknown(FILE *f, const struct pare_pkginfo *pi)
{
	fputs(pi->unknown.n ? "\nunknown pkginfo keys:\n" : "\nunknown pkginfo keys: none\n", f);
	for (size_t i = 0; i < pi->unknown.n; i++) {
		fputs("  ", f);
		put_escaped(f, pi->unknown.v[i].key);
		fputs(" = ", f);
		put_escaped(f, pi->unknown.v[i].value);
		fputc('\n', f);
	}
}

/* A script's text, each line indented, control characters escaped. */
static void text_script_body(FILE *f, struct pare_slice body)
{
	struct pare_slice line;
	while (body.len) {
		pare_slice_split(&body, '\n', &line);
		fputs("    | ", f);
		put_line(f, line, true);
		fputc('\n', f);
	}
}

static void text_scripts(FILE *f, const struct pare_pkg *pkg, bool verbose)
{
	fputs(pkg->nscripts ? "\nscripts:\n" : "\nscripts: none\n", f);
	for (size_t i = 0; i < pkg->nscripts; i++) {
		const struct pare_pkg_script *s = &pkg->scripts[i];
		char mode[11];
		mode_string(PARE_TAR_REG, s->mode, mode);
		fprintf(f, "  %s %s %zu bytes\n", mode, s->name, s->body.len);
		if (verbose)
			text_script_body(f, s->body);
	}
}

static void text_owner(FILE *f, const struct dump_entry *d)
{
	if (d->uname.len && d->gname.len) {
		put_escaped(f, d->uname);
		fputc(':', f);
		put_escaped(f, d->gname);
	} else {
		fprintf(f, "%" PRIu64 ":%" PRIu64, d->uid, d->gid);
	}
}

static void text_entry(FILE *f, const struct dump_entry *d)
{
	char mode[11], when[64], sha[2 * PARE_DIGEST_MAX + 1];
	mode_string(d->type, d->mode, mode);
	time_string(d->mtime, when, sizeof(when));
	fprintf(f, "  %s ", mode);
	text_owner(f, d);
	fprintf(f, " %" PRIu64 " %s ", d->size, when);
	put_escaped(f, d->name);
	if (d->type == PARE_TAR_SYMLINK || d->type == PARE_TAR_LINK) {
		fputs(d->type == PARE_TAR_SYMLINK ? " -> " : " link to ", f);
		put_escaped(f, d->linkname);
	}
	sha1_string(&d->checksum, sha);
	if (sha[0])
		fprintf(f, " %s:%s", pare_digest_name(d->checksum.alg), sha);
	fputc('\n', f);
}

static void text_dump(struct pare_cli *cli, const char *path, const struct pare_pkg *pkg,
		      const struct dump_list *l)
{
	FILE *f = cli->out;
	text_head(f, path, pkg);
	if (pkg->kind == PARE_PKG_KIND_PACKAGE) {
		text_pkginfo(f, &pkg->info);
		text_unknown(f, &pkg->info);
		text_scripts(f, pkg, cli->opts.verbosity > 1);
	}
	const char *what = pkg->kind == PARE_PKG_KIND_INDEX ? "index entries" : "entries";
	fprintf(f, l->n ? "\n%s:\n" : "\n%s: none\n", what);
	for (size_t i = 0; i < l->n; i++)
		text_entry(f, &l->v[i]);
}

/* ---- JSON output -------------------------------------------------------- */

/* A JSON string for bytes that may not be UTF-8: as is when they are,
 * else through the one escaper (pare_buf_append_escaped). */
static json_t *jstr(struct pare_slice s)
{
	json_t *j = json_stringn(s.ptr ? s.ptr : "", s.len);
	if (j)
		return j;
	struct pare_buf b;
	pare_buf_init(&b, 4 * s.len + 1);
	if (pare_buf_append_escaped(&b, s) == 0)
		j = json_stringn(b.data ? b.data : "", b.len);
	pare_buf_release(&b);
	return j;
}

static json_t *jstr_or_null(struct pare_slice s)
{
	return s.len ? jstr(s) : json_null();
}

/* Integers above what JSON integers hold here (int64) become strings. */
static json_t *ju64(uint64_t v)
{
	if (v <= INT64_MAX)
		return json_integer((json_int_t)v);
	char text[32];
	snprintf(text, sizeof(text), "%" PRIu64, v);
	return json_string(text);
}

static json_t *jnum_or_null(bool has, uint64_t v)
{
	return has ? ju64(v) : json_null();
}

static json_t *json_signatures(const struct pare_pkg *pkg)
{
	json_t *a = json_array();
	for (size_t i = 0; i < pkg->nsigs; i++) {
		const struct pare_pkg_sig *s = &pkg->sigs[i];
		json_t *o = json_object();
		json_object_set_new(o, "kind", json_string(sig_kind(s->alg)));
		json_object_set_new(o, "key", jstr(cstr(s->keyname)));
		json_object_set_new(o, "verdict", json_string(sig_verdict(s->status)));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *json_trust(const struct pare_pkg *pkg)
{
	json_t *o = json_object();
	json_object_set_new(o, "verdict", json_string(trust_verdict(pkg->trust)));
	json_object_set_new(o, "signer",
			    pkg->trust == 0 && pkg->signer ? jstr(cstr(pkg->signer)) : json_null());
	json_object_set_new(o, "reason",
			    pkg->trust != 0 ? jstr(cstr(pkg->trust_msg)) : json_null());
	return o;
}

static json_t *json_datahash(const struct pare_pkg *pkg)
{
	char hex[2 * PARE_DIGEST_MAX + 1] = "";
	json_t *o = json_object();
	json_object_set_new(o, "pkginfo", jstr_or_null(pkg->info.datahash));
	json_object_set_new(o, "verified", json_boolean(pkg->datahash_verified));
	if (pkg->data_sha256.alg != PARE_DIGEST_NONE)
		pare_hex_encode(pkg->data_sha256.bytes, pkg->data_sha256.len, hex);
	json_object_set_new(o, "sha256", hex[0] ? json_string(hex) : json_null());
	return o;
}

static json_t *json_deps(const struct pare_pkginfo_deps *deps)
{
	json_t *a = json_array();
	for (size_t i = 0; i < deps->n; i++) {
		char *atom = dep_text(&deps->v[i]);
		json_array_append_new(a, atom ? jstr(cstr(atom)) : json_null());
		free(atom);
	}
	return a;
}

static json_t *json_paths(const struct pare_pkginfo_paths *paths)
{
	json_t *a = json_array();
	for (size_t i = 0; i < paths->n; i++)
		json_array_append_new(a, jstr(paths->v[i]));
	return a;
}

static void json_pkginfo_text(json_t *o, const struct pare_pkginfo *pi)
{
	json_object_set_new(o, "pkgname", jstr_or_null(pi->pkgname));
	json_object_set_new(o, "pkgver", jstr_or_null(pi->pkgver));
	json_object_set_new(o, "pkgdesc", jstr_or_null(pi->pkgdesc));
	json_object_set_new(o, "url", jstr_or_null(pi->url));
	json_object_set_new(o, "builddate", jnum_or_null(pi->has_builddate, pi->builddate));
	json_object_set_new(o, "packager", jstr_or_null(pi->packager));
	json_object_set_new(o, "size", jnum_or_null(pi->has_size, pi->size));
	json_object_set_new(o, "arch", jstr_or_null(pi->arch));
	json_object_set_new(o, "origin", jstr_or_null(pi->origin));
	json_object_set_new(o, "commit", jstr_or_null(pi->commit));
	json_object_set_new(o, "maintainer", jstr_or_null(pi->maintainer));
}

static json_t *json_pkginfo(const struct pare_pkginfo *pi)
{
	json_t *o = json_object();
	json_pkginfo_text(o, pi);
	json_object_set_new(o, "replaces", json_deps(&pi->replaces));
	json_object_set_new(o, "provider_priority",
			    jnum_or_null(pi->has_provider_priority, pi->provider_priority));
	json_object_set_new(o, "replaces_priority",
			    jnum_or_null(pi->has_replaces_priority, pi->replaces_priority));
	json_object_set_new(o, "license", jstr_or_null(pi->license));
	json_object_set_new(o, "depend", json_deps(&pi->depend));
	json_object_set_new(o, "provides", json_deps(&pi->provides));
	json_object_set_new(o, "install_if", json_deps(&pi->install_if));
	json_object_set_new(o, "triggers", json_paths(&pi->triggers));
	json_object_set_new(o, "datahash", jstr_or_null(pi->datahash));
	json_object_set_new(o, "dropped_lists", ju64(pi->dropped_lists));
	json_object_set_new(o, "dropped_reason",
			    pi->dropped_lists ? jstr(cstr(pi->dropped_msg)) : json_null());
	return o;
}

static json_t *json_unknown(const struct pare_pkginfo *pi)
{
	json_t *a = json_array();
	for (size_t i = 0; i < pi->unknown.n; i++) {
		json_t *o = json_object();
		json_object_set_new(o, "key", jstr(pi->unknown.v[i].key));
		json_object_set_new(o, "value", jstr(pi->unknown.v[i].value));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *json_scripts(const struct pare_pkg *pkg, bool verbose)
{
	json_t *a = json_array();
	for (size_t i = 0; i < pkg->nscripts; i++) {
		const struct pare_pkg_script *s = &pkg->scripts[i];
		char mode[11], perm[8];
		mode_string(PARE_TAR_REG, s->mode, mode);
		snprintf(perm, sizeof(perm), "%04o", (unsigned)(s->mode & 07777));
		json_t *o = json_object();
		json_object_set_new(o, "name", json_string(s->name));
		json_object_set_new(o, "size", ju64(s->body.len));
		json_object_set_new(o, "mode", json_string(mode));
		json_object_set_new(o, "perm", json_string(perm));
		if (verbose)
			json_object_set_new(o, "text", jstr(s->body));
		json_array_append_new(a, o);
	}
	return a;
}

static void json_entry_owner(json_t *o, const struct dump_entry *d)
{
	json_object_set_new(o, "uid", ju64(d->uid));
	json_object_set_new(o, "gid", ju64(d->gid));
	json_object_set_new(o, "uname", jstr_or_null(d->uname));
	json_object_set_new(o, "gname", jstr_or_null(d->gname));
}

static json_t *json_entry(const struct dump_entry *d)
{
	char mode[11], perm[8], sha[2 * PARE_DIGEST_MAX + 1], type[2] = { d->type, 0 };
	mode_string(d->type, d->mode, mode);
	snprintf(perm, sizeof(perm), "%04o", (unsigned)(d->mode & 07777));
	sha1_string(&d->checksum, sha);
	json_t *o = json_object();
	json_object_set_new(o, "type", json_string(type_name(d->type)));
	if (type_char(d->type) == '?')
		json_object_set_new(o, "typeflag", jstr(pare_slice_make(type, 1)));
	json_object_set_new(o, "mode", json_string(mode));
	json_object_set_new(o, "perm", json_string(perm));
	json_entry_owner(o, d);
	json_object_set_new(o, "size", ju64(d->size));
	json_object_set_new(o, "mtime", json_integer((json_int_t)d->mtime));
	json_object_set_new(o, "path", jstr(d->name));
	json_object_set_new(o, "link", jstr_or_null(d->linkname));
	json_object_set_new(o, "sha1", sha[0] ? json_string(sha) : json_null());
	return o;
}

static json_t *json_entries(const struct dump_list *l)
{
	json_t *a = json_array();
	for (size_t i = 0; i < l->n; i++)
		json_array_append_new(a, json_entry(&l->v[i]));
	return a;
}

static void json_head(json_t *o, const char *path, const struct pare_pkg *pkg)
{
	bool package = pkg->kind == PARE_PKG_KIND_PACKAGE;
	json_object_set_new(o, "file", jstr(cstr(path)));
	json_object_set_new(o, "kind", json_string(package ? "package" : "index"));
	json_object_set_new(o, "identity", json_string(pkg->identity));
	json_object_set_new(o, "file_size", ju64(pkg->file_size));
	json_object_set_new(o, "signatures", json_signatures(pkg));
	json_object_set_new(o, "trust", json_trust(pkg));
	json_object_set_new(o, "datahash", package ? json_datahash(pkg) : json_null());
	json_object_set_new(o, "nentries", ju64(pkg->nentries));
	json_object_set_new(o, "data_bytes", ju64(pkg->data_bytes));
}

static int json_dump(struct pare_cli *cli, const char *path, const struct pare_pkg *pkg,
		     const struct dump_list *l)
{
	bool package = pkg->kind == PARE_PKG_KIND_PACKAGE;
	json_t *o = json_object();
	json_head(o, path, pkg);
	json_object_set_new(o, "pkginfo", package ? json_pkginfo(&pkg->info) : json_null());
	json_object_set_new(o, "unknown", package ? json_unknown(&pkg->info) : json_array());
	json_object_set_new(o, "scripts",
			    package ? json_scripts(pkg, cli->opts.verbosity > 1) : json_array());
	json_object_set_new(o, "entries", json_entries(l));
	char *text = json_dumps(o, JSON_PRESERVE_ORDER | JSON_INDENT(2));
	json_decref(o);
	if (!text) {
		pare_cli_error(cli, "%s: cannot format JSON (out of memory)", path);
		return 1;
	}
	fprintf(cli->out, "%s\n", text);
	free(text);
	return 0;
}

/* ---- the applet ---------------------------------------------------------- */

static int dump_one(struct pare_cli *cli, struct pare_keyring *keys, const char *path)
{
	struct pare_pkg pkg;
	struct dump_list l;
	struct pare_error err = { 0 };
	struct pare_pkg_read_opts opts = { .keys = keys };
	struct pare_pkg_visitor v = { .entry = collect_entry, .index_entry = collect_entry,
				      .ctx = &l };
	pare_pkg_init(&pkg);
	list_init(&l, path);
	int rc = 0;
	int r = pare_pkg_read_file(&pkg, path, &opts, &v, &err);
	if (r < 0) {
		pare_cli_report(cli, r, &err);
		rc = 1;
	} else if (cli->opts.json) {
		rc = json_dump(cli, path, &pkg, &l);
	} else {
		text_dump(cli, path, &pkg, &l);
	}
	list_release(&l);
	pare_pkg_release(&pkg);
	return rc;
}

static int dump_run(void *ctx, struct pare_cli *cli, int argc, char **argv)
{
	struct pare_cli_keys k;
	struct pare_error err = { 0 };
	(void)ctx;
	if (argc != 1) {
		pare_cli_error(cli, "dump: %s", argc ? "only one FILE at a time" : "no file given");
		return 1;
	}
	int r = pare_cli_keys_open(cli, &k, &err);
	if (r < 0) {
		pare_cli_report(cli, r, &err);
		return 1;
	}
	int rc = dump_one(cli, k.keys, argv[0]);
	pare_cli_keys_release(&k);
	return rc;
}

const struct pare_applet pare_applet_dump = {
	.name = "dump",
	.summary = "Show everything about one package or signed index",
	.usage = "FILE",
	.description =
		"Read FILE (a package or a signed index) completely and show its kind, identity "
		"(Q1 + base64 of the control member's SHA-1), each signature with its key name "
		"and verdict (OK, UNTRUSTED, BAD, or not checked when no keys directory "
		"exists), the overall trust, the datahash and whether it verified, every "
		".PKGINFO field (one line per dependency atom), unknown .PKGINFO keys, the "
		"scripts (with -v their text) and every data entry (type and mode, owner, size, "
		"modification time in UTC, path, link target, SHA-1). Untrusted files are shown "
		"with their verdict, not refused; a format or integrity error is reported and "
		"exits 1. With --json prints one JSON object with the same content.",
	.flags = PARE_APPLET_JSON,
	.run = dump_run,
};
