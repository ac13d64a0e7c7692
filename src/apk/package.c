/* APK v2 package reader: one streaming pass that hashes, verifies and hands
 * data entries to a visitor.  See package.h for the layout and verdicts. */
#include "apk/package.h"

#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/bigbuf.h"
#include "io/gzip.h"
#include "io/stream.h"

/* Digests of one gzip member's compressed bytes.  The first member may be
 * the signature member or (unsigned packages) the control member, so all
 * three algorithms run until we know. */
struct member_digests {
	struct pare_digest sha1, sha256, sha512;
};

struct pkg_reader {
	struct pare_pkg *pkg;
	const char *name;
	const struct pare_pkg_read_opts *opts;
	const struct pare_pkg_visitor *v;
	struct pare_gz_reader gz;
	struct pare_istream gzs;
	struct member_digests md;
	bool md_ready;
	struct pare_digest data;
	bool data_ready;
	struct pare_slice sig_bytes[PARE_PKG_MAX_SIGS];
};

static const char *const control_names[] = {
	".PKGINFO",     ".pre-install",   ".post-install", ".pre-deinstall",
	".post-deinstall", ".pre-upgrade", ".post-upgrade", ".trigger",
};

bool pare_pkg_is_control_name(struct pare_slice name)
{
	for (size_t i = 0; i < sizeof(control_names) / sizeof(control_names[0]); i++)
		if (pare_slice_eq_cstr(name, control_names[i]))
			return true;
	return false;
}

void pare_pkg_init(struct pare_pkg *pkg)
{
	memset(pkg, 0, sizeof(*pkg));
	pare_arena_init(&pkg->arena, 16384, 0);
	pare_pkginfo_init(&pkg->info);
	pkg->trust = -PARE_E_UNTRUSTED;
}

void pare_pkg_release(struct pare_pkg *pkg)
{
	if (!pkg)
		return;
	pare_pkginfo_release(&pkg->info);
	pare_arena_release(&pkg->arena);
	pare_bigbuf_free(pkg->index_buf);
	pkg->index_buf = NULL;
	pkg->index_buf_len = 0;
}

static void md_hook(void *ctx, const void *p, size_t n)
{
	struct member_digests *md = ctx;
	if (md->sha1.ctx)
		pare_digest_update(&md->sha1, p, n);
	if (md->sha256.ctx)
		pare_digest_update(&md->sha256, p, n);
	if (md->sha512.ctx)
		pare_digest_update(&md->sha512, p, n);
}

static void md_release(struct pkg_reader *rd)
{
	pare_digest_release(&rd->md.sha1);
	pare_digest_release(&rd->md.sha256);
	pare_digest_release(&rd->md.sha512);
	rd->md_ready = false;
}

/* Hash the current member with SHA-1 (the identity) and with whatever
 * the signatures seen so far need: nothing else is computed, which keeps
 * index loads cheap. */
static int md_start(struct pkg_reader *rd, bool sha256, bool sha512, struct pare_error *err)
{
	md_release(rd);
	int r = pare_digest_init(&rd->md.sha1, PARE_DIGEST_SHA1);
	if (r == 0 && sha256)
		r = pare_digest_init(&rd->md.sha256, PARE_DIGEST_SHA256);
	if (r == 0 && sha512)
		r = pare_digest_init(&rd->md.sha512, PARE_DIGEST_SHA512);
	rd->md_ready = true;
	if (r < 0)
		return pare_error_set(err, -PARE_E_CRYPTO, "%s: cannot set up digests", rd->name);
	pare_gz_set_hook(&rd->gz, md_hook, &rd->md);
	return 0;
}

static bool sigs_use(const struct pare_pkg *pkg, enum pare_digest_alg alg)
{
	for (size_t i = 0; i < pkg->nsigs; i++)
		if (pkg->sigs[i].alg == alg)
			return true;
	return false;
}

static void data_hook(void *ctx, const void *p, size_t n)
{
	pare_digest_update(ctx, p, n);
}

/* Read an entry's whole content into the package arena (bounded). */
static int read_content(struct pkg_reader *rd, struct pare_tar_reader *tr,
			const struct pare_tar_entry *e, uint64_t max, struct pare_slice *out,
			struct pare_error *err)
{
	if (e->size > max)
		return pare_error_set(err, -PARE_E_TOO_BIG, "%s: %.*s is %llu bytes, more than %llu",
				      rd->name, (int)e->name.len, e->name.ptr,
				      (unsigned long long)e->size, (unsigned long long)max);
	char *p = pare_arena_alloc(&rd->pkg->arena, (size_t)e->size + 1);
	if (!p)
		return pare_error_set(err, -ENOMEM, "%s: out of memory", rd->name);
	struct pare_istream s;
	pare_tar_entry_istream(tr, &s);
	int r = pare_istream_read_full(&s, p, (size_t)e->size, err);
	if (r < 0)
		return pare_error_prefix(err, r, "%s: %.*s: ", rd->name, (int)e->name.len,
					 e->name.ptr);
	p[e->size] = '\0';
	*out = pare_slice_make(p, (size_t)e->size);
	return 0;
}

static int read_signatures(struct pkg_reader *rd, struct pare_tar_reader *tr,
			   struct pare_tar_entry *e, struct pare_error *err)
{
	struct pare_pkg *pkg = rd->pkg;
	int r;
	do {
		enum pare_digest_alg alg;
		struct pare_slice key;
		int kind = pare_sign_entry_parse(e->name, &alg, &key);
		if (kind == 0)
			return pare_error_set(err, -PARE_E_FORMAT,
					      "%s: %.*s in the signature part", rd->name,
					      (int)e->name.len, e->name.ptr);
		/* A signature bigger than any real one is ignored, as apk does,
		 * so the next one is still checked. */
		if (kind > 0 && pkg->nsigs < PARE_PKG_MAX_SIGS && e->size <= PARE_PKG_SIG_MAX_BYTES) {
			struct pare_pkg_sig *sig = &pkg->sigs[pkg->nsigs];
			r = read_content(rd, tr, e, PARE_PKG_SIG_MAX_BYTES, &rd->sig_bytes[pkg->nsigs],
					 err);
			if (r < 0)
				return r;
			sig->alg = alg;
			snprintf(sig->keyname, sizeof(sig->keyname), "%.*s", (int)key.len, key.ptr);
			sig->status = 1;
			pkg->nsigs++;
		}
		/* Unknown kinds (and more than we keep) are skipped, as apk does. */
		r = pare_tar_next(tr, e, err);
	} while (r > 0);
	return r < 0 ? pare_error_prefix(err, r, "%s: signature part: ", rd->name) : 0;
}

static const struct pare_digest_value *pick_digest(const struct pare_digest_value d[3],
						   enum pare_digest_alg alg)
{
	for (int i = 0; i < 3; i++)
		if (d[i].alg == alg)
			return &d[i];
	return NULL;
}

/* Any one good signature by a known key makes the package trusted; a bad
 * one is remembered in case no other verifies. */
static void verify_signatures(struct pkg_reader *rd, const struct pare_digest_value d[3])
{
	struct pare_pkg *pkg = rd->pkg;
	pkg->trust = -PARE_E_UNTRUSTED;
	snprintf(pkg->trust_msg, sizeof(pkg->trust_msg), "%s",
		 pkg->nsigs ? "signed by no known key" : "not signed");
	if (!rd->opts->keys)
		return;
	for (size_t i = 0; i < pkg->nsigs; i++) {
		struct pare_pkg_sig *sig = &pkg->sigs[i];
		struct pare_error verr = { 0 };
		sig->status = pare_keyring_verify(rd->opts->keys, pare_slice_from(sig->keyname),
						  sig->alg, pick_digest(d, sig->alg),
						  rd->sig_bytes[i].ptr, rd->sig_bytes[i].len, &verr);
		if (sig->status == 0 && pkg->trust != 0) {
			pkg->trust = 0;
			pkg->signer = sig->keyname;
			pkg->trust_msg[0] = '\0';
		} else if (sig->status == -PARE_E_BAD_SIGNATURE && pkg->trust != 0) {
			pkg->trust = -PARE_E_BAD_SIGNATURE;
			snprintf(pkg->trust_msg, sizeof(pkg->trust_msg), "%s", verr.msg);
		} else if (sig->status != 0 && pkg->trust == -PARE_E_UNTRUSTED) {
			snprintf(pkg->trust_msg, sizeof(pkg->trust_msg), "%s",
				 verr.msg[0] ? verr.msg : "signed by no known key");
		}
	}
}

static int finish_control(struct pkg_reader *rd, struct pare_error *err)
{
	struct pare_digest_value d[3] = { { 0 } };
	struct pare_digest *md[3] = { &rd->md.sha1, &rd->md.sha256, &rd->md.sha512 };
	for (int i = 0; i < 3; i++)
		if (md[i]->ctx && pare_digest_final(md[i], &d[i]) < 0)
			return pare_error_set(err, -PARE_E_CRYPTO, "%s: digest failed", rd->name);
	md_release(rd);
	pare_gz_set_hook(&rd->gz, NULL, NULL);
	rd->pkg->control_sha1 = d[0];
	pare_apk_checksum_format(&d[0], rd->pkg->identity, sizeof(rd->pkg->identity));
	verify_signatures(rd, d);
	return 0;
}

static int add_script(struct pkg_reader *rd, struct pare_tar_reader *tr,
		      const struct pare_tar_entry *e, struct pare_error *err)
{
	struct pare_pkg *pkg = rd->pkg;
	if (pkg->nscripts >= PARE_PKG_MAX_SCRIPTS)
		return pare_error_set(err, -PARE_E_TOO_BIG, "%s: more than %d scripts", rd->name,
				      PARE_PKG_MAX_SCRIPTS);
	struct pare_pkg_script *s = &pkg->scripts[pkg->nscripts];
	int r = read_content(rd, tr, e, PARE_PKG_SCRIPT_MAX, &s->body, err);
	if (r < 0)
		return r;
	s->name = pare_arena_strdup(&pkg->arena, e->name);
	if (!s->name)
		return pare_error_set(err, -ENOMEM, "%s: out of memory", rd->name);
	s->mode = e->mode;
	pkg->nscripts++;
	return 0;
}

static int add_pkginfo(struct pkg_reader *rd, struct pare_tar_reader *tr,
		       const struct pare_tar_entry *e, struct pare_error *err)
{
	struct pare_pkg *pkg = rd->pkg;
	if (pkg->has_info)
		return pare_error_set(err, -PARE_E_FORMAT, "%s: two .PKGINFO entries", rd->name);
	int r = read_content(rd, tr, e, PARE_PKG_PKGINFO_MAX, &pkg->pkginfo_text, err);
	if (r < 0)
		return r;
	pare_pkginfo_release(&pkg->info);
	r = pare_pkginfo_parse_flags(&pkg->info, pkg->pkginfo_text, PARE_PKGINFO_TOLERANT, err);
	if (r < 0)
		return pare_error_prefix(err, r, "%s: ", rd->name);
	pkg->has_info = true;
	return 0;
}

static int control_entry(struct pkg_reader *rd, struct pare_tar_reader *tr,
			 const struct pare_tar_entry *e, struct pare_error *err)
{
	if (pare_slice_starts_with(e->name, PARE_SLICE_LIT(".SIGN.")))
		return pare_error_set(err, -PARE_E_FORMAT,
				      "%s: signature entry %.*s after the control data", rd->name,
				      (int)e->name.len, e->name.ptr);
	if (e->name.len == 0 || e->name.ptr[0] != '.')
		return pare_error_set(err, -PARE_E_FORMAT, "%s: data entry %.*s in the control part",
				      rd->name, (int)e->name.len, e->name.ptr);
	if (!pare_pkg_is_control_name(e->name))
		return 0; /* unknown control files are ignored, as apk does */
	if (e->type != PARE_TAR_REG)
		return pare_error_set(err, -PARE_E_FORMAT, "%s: control entry %.*s is not a file",
				      rd->name, (int)e->name.len, e->name.ptr);
	if (pare_slice_eq_cstr(e->name, ".PKGINFO"))
		return add_pkginfo(rd, tr, e, err);
	return add_script(rd, tr, e, err);
}

static bool is_index_name(struct pare_slice name)
{
	return pare_slice_eq_cstr(name, "APKINDEX") || pare_slice_eq_cstr(name, "DESCRIPTION");
}

static int index_entry(struct pkg_reader *rd, struct pare_tar_reader *tr,
		       const struct pare_tar_entry *e, struct pare_error *err)
{
	if (!is_index_name(e->name) || e->type != PARE_TAR_REG)
		return pare_error_set(err, -PARE_E_FORMAT, "%s: unexpected entry %.*s in an index",
				      rd->name, (int)e->name.len, e->name.ptr);
	if (!rd->v || !rd->v->index_entry)
		return 0;
	struct pare_istream s;
	pare_tar_entry_istream(tr, &s);
	return rd->v->index_entry(rd->v->ctx, e, &s, err);
}

/* The member after the signatures: a package's control part or an index. */
static int read_control(struct pkg_reader *rd, struct pare_tar_reader *tr,
			struct pare_tar_entry *e, struct pare_error *err)
{
	struct pare_pkg *pkg = rd->pkg;
	pkg->kind = is_index_name(e->name) ? PARE_PKG_KIND_INDEX : PARE_PKG_KIND_PACKAGE;
	if (pkg->kind == PARE_PKG_KIND_INDEX)
		pare_gz_raise_limit(&rd->gz, PARE_PKG_INDEX_PART_MAX);
	int r;
	do {
		r = pkg->kind == PARE_PKG_KIND_INDEX ? index_entry(rd, tr, e, err)
						     : control_entry(rd, tr, e, err);
		if (r < 0)
			return r;
		r = pare_tar_next(tr, e, err);
	} while (r > 0);
	if (r < 0)
		return pare_error_prefix(err, r, "%s: %s part: ", rd->name,
					 pkg->kind == PARE_PKG_KIND_INDEX ? "index" : "control");
	if (pkg->kind == PARE_PKG_KIND_PACKAGE && !pkg->has_info)
		return pare_error_set(err, -PARE_E_FORMAT, "%s: no .PKGINFO in the control part",
				      rd->name);
	return 0;
}

/* A stream over an entry's content that hashes what passes through it.
 * Errors of the underlying tar/gzip stream get the package name here, so
 * that they name the file whether the visitor or the drain loop saw them. */
struct sum_stream {
	struct pare_istream inner;
	struct pare_digest sha1;
	bool hashing;  /* false: the datahash covers the content */
	const char *name;
};

static ssize_t sum_read(void *ctx, void *buf, size_t n, struct pare_error *err)
{
	struct sum_stream *s = ctx;
	ssize_t r = pare_istream_read(&s->inner, buf, n, err);
	if (r > 0 && s->hashing)
		pare_digest_update(&s->sha1, buf, (size_t)r);
	if (r < 0)
		return pare_error_prefix(err, (int)r, "%s: data part: ", s->name);
	return r;
}

static int entry_mismatch(struct pkg_reader *rd, const struct pare_tar_entry *e,
			  struct pare_error *err)
{
	return pare_error_set(err, -PARE_E_INTEGRITY, "%s: %.*s: file checksum mismatch",
			      rd->name, (int)e->name.len, e->name.ptr);
}

static int check_sum(struct pkg_reader *rd, const struct pare_tar_entry *e,
		     const struct pare_digest_value *got, struct pare_error *err)
{
	if (e->checksum.alg == PARE_DIGEST_NONE)
		return 0;
	if (got->len != e->checksum.len || memcmp(got->bytes, e->checksum.bytes, got->len) != 0)
		return entry_mismatch(rd, e, err);
	return 0;
}

/* Read past a file's content (the datahash is still computed). */
static int skip_file(struct pkg_reader *rd, struct pare_tar_reader *tr, struct pare_error *err)
{
	struct pare_istream in;
	unsigned char sink[16384];
	ssize_t n;
	pare_tar_entry_istream(tr, &in);
	while ((n = pare_istream_read(&in, sink, sizeof(sink), err)) > 0)
		;
	return n < 0 ? pare_error_prefix(err, (int)n, "%s: data part: ", rd->name) : 0;
}

static int visit_file(struct pkg_reader *rd, struct pare_tar_reader *tr,
		      const struct pare_tar_entry *e, struct pare_error *err)
{
	bool skip = rd->opts->skip_file_sums && rd->pkg->info.datahash.len;
	if (skip && !rd->v)
		return skip_file(rd, tr, err);
	struct sum_stream s = { .name = rd->name };
	struct pare_istream outer = { .read = sum_read, .ctx = &s };
	pare_tar_entry_istream(tr, &s.inner);
	s.hashing = !skip;
	if (s.hashing && pare_digest_init(&s.sha1, PARE_DIGEST_SHA1) < 0)
		return pare_error_set(err, -PARE_E_CRYPTO, "%s: digest failed", rd->name);
	int r = 0;
	if (rd->v && rd->v->entry)
		r = rd->v->entry(rd->v->ctx, e, &outer, err);
	if (!s.hashing) /* pare_tar_next skips what the visitor left */
		return r;
	unsigned char sink[16384];
	ssize_t n;
	while (r == 0 && (n = sum_read(&s, sink, sizeof(sink), err)) != 0)
		if (n < 0)
			r = (int)n;
	struct pare_digest_value got;
	if (r == 0 && pare_digest_final(&s.sha1, &got) < 0)
		r = pare_error_set(err, -PARE_E_CRYPTO, "%s: digest failed", rd->name);
	pare_digest_release(&s.sha1);
	return r < 0 ? r : check_sum(rd, e, &got, err);
}

static int visit_other(struct pkg_reader *rd, const struct pare_tar_entry *e,
		       struct pare_error *err)
{
	if (e->type == PARE_TAR_SYMLINK) {
		struct pare_digest_value got;
		if (e->linkname.len == 0)
			return pare_error_set(err, -PARE_E_FORMAT, "%s: %.*s: symlink without target",
					      rd->name, (int)e->name.len, e->name.ptr);
		if (pare_digest_buffer(PARE_DIGEST_SHA1, e->linkname.ptr, e->linkname.len, &got) < 0)
			return pare_error_set(err, -PARE_E_CRYPTO, "%s: digest failed", rd->name);
		int r = check_sum(rd, e, &got, err);
		if (r < 0)
			return r;
	}
	if (e->type == PARE_TAR_LINK) {
		int r = pare_path_check_name(e->linkname, err);
		if (r < 0)
			return pare_error_prefix(err, r, "%s: hard link %.*s: ", rd->name,
						 (int)e->name.len, e->name.ptr);
	}
	if (!rd->v || !rd->v->entry)
		return 0;
	struct pare_mem_istream empty;
	struct pare_istream s;
	pare_mem_istream_init(&empty, &s, NULL, 0);
	return rd->v->entry(rd->v->ctx, e, &s, err);
}

static int data_entry(struct pkg_reader *rd, struct pare_tar_reader *tr,
		      const struct pare_tar_entry *e, struct pare_error *err)
{
	int r = pare_path_check_name(e->name, err);
	if (r < 0)
		return pare_error_prefix(err, r, "%s: ", rd->name);
	if (pare_pkg_is_control_name(e->name) ||
	    pare_slice_starts_with(e->name, PARE_SLICE_LIT(".SIGN.")))
		return pare_error_set(err, -PARE_E_FORMAT, "%s: control entry %.*s in the data part",
				      rd->name, (int)e->name.len, e->name.ptr);
	if (!strchr("0123456", e->type))
		return pare_error_set(err, -PARE_E_UNSUPPORTED,
				      "%s: %.*s: unsupported tar entry type '%c'", rd->name,
				      (int)e->name.len, e->name.ptr, e->type > 32 ? e->type : '?');
	rd->pkg->nentries++;
	if (e->type != PARE_TAR_REG)
		return visit_other(rd, e, err);
	rd->pkg->data_bytes += e->size; /* bounded by the decompression limit */
	return visit_file(rd, tr, e, err);
}

static uint64_t data_limit(const struct pkg_reader *rd)
{
	if (rd->opts->max_data)
		return rd->opts->max_data;
	const struct pare_pkginfo *pi = &rd->pkg->info;
	/* Headers and padding cost at most a few blocks per entry; four times
	 * the declared size plus 64 MiB is generous and still stops a bomb. */
	if (pi->has_size && pi->size < (PARE_PKG_DATA_DEFAULT_MAX - (64u << 20)) / 4)
		return 4 * pi->size + (64u << 20);
	return PARE_PKG_DATA_DEFAULT_MAX;
}

static int check_datahash(struct pkg_reader *rd, struct pare_error *err)
{
	struct pare_pkg *pkg = rd->pkg;
	if (pare_digest_final(&rd->data, &pkg->data_sha256) < 0)
		return pare_error_set(err, -PARE_E_CRYPTO, "%s: digest failed", rd->name);
	struct pare_slice want = pkg->info.datahash;
	if (want.len == 0) {
		/* The signature covers only the control member; without a
		 * datahash nothing ties the data to it, so the package cannot
		 * be trusted whatever its signatures say. */
		if (pkg->trust == 0) {
			pkg->signer = NULL;
			pkg->trust = -PARE_E_UNTRUSTED;
			snprintf(pkg->trust_msg, sizeof(pkg->trust_msg), "%s",
				 "no datahash: the data is not covered by the signature");
		}
		return 0;
	}
	char hex[2 * PARE_DIGEST_MAX + 1];
	pare_hex_encode(pkg->data_sha256.bytes, pkg->data_sha256.len, hex);
	if (want.len != 2 * pkg->data_sha256.len || strncasecmp(want.ptr, hex, want.len) != 0)
		return pare_error_set(err, -PARE_E_INTEGRITY,
				      "%s: data does not match datahash (sha256 %s, .PKGINFO says %.*s)",
				      rd->name, hex, (int)want.len, want.ptr);
	pkg->datahash_verified = true;
	return 0;
}

static int read_data(struct pkg_reader *rd, struct pare_error *err)
{
	int r = pare_gz_next_member(&rd->gz, err);
	if (r == 0)
		return pare_error_set(err, -PARE_E_FORMAT, "%s: no data part", rd->name);
	if (r < 0)
		return r;
	if (pare_digest_init(&rd->data, PARE_DIGEST_SHA256) < 0)
		return pare_error_set(err, -PARE_E_CRYPTO, "%s: digest failed", rd->name);
	rd->data_ready = true;
	/* The datahash covers the data member's compressed bytes: with it,
	 * the CRC32 of each member adds nothing (skip_file_sums callers). */
	pare_gz_set_crc(&rd->gz, !(rd->opts->skip_file_sums && rd->pkg->info.datahash.len));
	pare_gz_set_hook(&rd->gz, data_hook, &rd->data);
	pare_gz_set_multi(&rd->gz, true);
	pare_gz_set_limit(&rd->gz, data_limit(rd));
	struct pare_tar_reader tr;
	struct pare_tar_entry e;
	pare_tar_reader_init(&tr, &rd->gzs, NULL);
	for (;;) {
		r = pare_tar_next(&tr, &e, err);
		if (r < 0)
			r = pare_error_prefix(err, r, "%s: data part: ", rd->name);
		if (r <= 0)
			break;
		r = data_entry(rd, &tr, &e, err);
		if (r < 0)
			break;
	}
	pare_tar_reader_release(&tr);
	return r < 0 ? r : check_datahash(rd, err);
}

/* The first member: signatures (then the control member follows) or
 * directly the control member of an unsigned package. */
static int read_head(struct pkg_reader *rd, struct pare_tar_reader *tr,
		     struct pare_tar_entry *e, struct pare_error *err)
{
	int r = pare_tar_next(tr, e, err);
	if (r < 0)
		return pare_error_prefix(err, r, "%s: ", rd->name);
	if (r == 0)
		return pare_error_set(err, -PARE_E_FORMAT, "%s: empty archive", rd->name);
	if (!pare_slice_starts_with(e->name, PARE_SLICE_LIT(".SIGN.")))
		return 0;
	r = read_signatures(rd, tr, e, err);
	if (r < 0)
		return r;
	r = pare_gz_next_member(&rd->gz, err);
	if (r < 0)
		return pare_error_prefix(err, r, "%s: ", rd->name);
	if (r == 0)
		return pare_error_set(err, -PARE_E_FORMAT, "%s: nothing after the signatures",
				      rd->name);
	r = md_start(rd, sigs_use(rd->pkg, PARE_DIGEST_SHA256), sigs_use(rd->pkg, PARE_DIGEST_SHA512),
		     err);
	if (r < 0)
		return r;
	pare_gz_set_limit(&rd->gz, PARE_PKG_CONTROL_PART_MAX);
	pare_tar_reader_release(tr);
	pare_tar_reader_init(tr, &rd->gzs, NULL);
	r = pare_tar_next(tr, e, err);
	if (r < 0)
		return pare_error_prefix(err, r, "%s: control part: ", rd->name);
	if (r == 0)
		return pare_error_set(err, -PARE_E_FORMAT, "%s: empty control part", rd->name);
	return 0;
}

/* An index is one member after the signatures; anything more is refused. */
static int check_index_end(struct pkg_reader *rd, struct pare_error *err)
{
	int r = pare_gz_next_member(&rd->gz, err);
	if (r < 0)
		return pare_error_prefix(err, r, "%s: ", rd->name);
	if (r > 0)
		return pare_error_set(err, -PARE_E_FORMAT, "%s: unexpected data after the index",
				      rd->name);
	return 0;
}

static int read_all(struct pkg_reader *rd, struct pare_error *err)
{
	struct pare_tar_reader tr;
	struct pare_tar_entry e;
	/* Member 0 is the control member only when there are no signatures,
	 * and then only its SHA-1 (the identity) is needed. */
	int r = md_start(rd, false, false, err);
	if (r < 0)
		return r;
	pare_gz_set_limit(&rd->gz, PARE_PKG_CONTROL_PART_MAX);
	pare_tar_reader_init(&tr, &rd->gzs, NULL);
	r = read_head(rd, &tr, &e, err);
	if (r == 0)
		r = read_control(rd, &tr, &e, err);
	pare_tar_reader_release(&tr);
	if (r == 0)
		r = finish_control(rd, err);
	if (r < 0 || rd->opts->control_only)
		return r;
	if (rd->pkg->kind == PARE_PKG_KIND_INDEX)
		return check_index_end(rd, err);
	return read_data(rd, err);
}

/* A stream that first returns a few bytes already read from `inner`. */
struct peek_stream {
	struct pare_istream *inner;
	unsigned char head[4];
	size_t len, pos;
};

static ssize_t peek_read(void *ctx, void *buf, size_t n, struct pare_error *err)
{
	struct peek_stream *p = ctx;
	if (p->pos < p->len) {
		size_t k = p->len - p->pos < n ? p->len - p->pos : n;
		memcpy(buf, p->head + p->pos, k);
		p->pos += k;
		return (ssize_t)k;
	}
	return pare_istream_read(p->inner, buf, n, err);
}

static bool peek_view(void *ctx, size_t max, const void **v, size_t *n)
{
	struct peek_stream *p = ctx;
	return p->pos == p->len && pare_istream_view(p->inner, max, v, n);
}

/* APK v3 files start with "ADBd"; say so instead of "corrupt gzip". */
static int peek_format(struct peek_stream *p, const char *name, struct pare_error *err)
{
	while (p->len < sizeof(p->head)) {
		ssize_t r = pare_istream_read(p->inner, p->head + p->len, sizeof(p->head) - p->len, err);
		if (r < 0)
			return (int)r;
		if (r == 0)
			break;
		p->len += (size_t)r;
	}
	if (p->len == 4 && memcmp(p->head, "ADBd", 4) == 0)
		return pare_error_set(err, -PARE_E_UNSUPPORTED,
				      "%s: APK v3 (ADB) file; pare reads APK v2 packages and indexes", name);
	return 0;
}

int pare_pkg_read(struct pare_pkg *pkg, struct pare_istream *in, const char *name,
		  const struct pare_pkg_read_opts *opts, const struct pare_pkg_visitor *v,
		  struct pare_error *err)
{
	static const struct pare_pkg_read_opts no_opts;
	/* Cleared field by field around gz, whose 64 KiB input buffer needs
	 * no clearing (pare_gz_reader_init sets the rest of it). */
	struct pkg_reader rd;
	memset(&rd, 0, offsetof(struct pkg_reader, gz));
	memset(&rd.gzs, 0, sizeof(rd) - offsetof(struct pkg_reader, gzs));
	rd.pkg = pkg;
	rd.name = name;
	rd.opts = opts ? opts : &no_opts;
	rd.v = v;
	struct peek_stream peek = { .inner = in };
	struct pare_istream peeked = { .read = peek_read, .ctx = &peek, .view = peek_view };
	int r = peek_format(&peek, name, err);
	if (r < 0)
		return r;
	r = pare_gz_reader_init(&rd.gz, &peeked, name, err);
	if (r < 0)
		return r;
	pare_gz_istream(&rd.gz, &rd.gzs);
	r = read_all(&rd, err);
	pkg->file_size = rd.gz.offset;
	if (r == 0 && pkg->kind == PARE_PKG_KIND_INDEX && rd.opts->keep_index)
		pkg->index_buf = pare_gz_take_member(&rd.gz, &pkg->index_buf_len);
	md_release(&rd);
	if (rd.data_ready)
		pare_digest_release(&rd.data);
	pare_gz_reader_release(&rd.gz);
	return r;
}

int pare_pkg_read_file(struct pare_pkg *pkg, const char *path,
		       const struct pare_pkg_read_opts *opts, const struct pare_pkg_visitor *v,
		       struct pare_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return pare_error_set(err, -errno, "%s: cannot open: %s", path, strerror(errno));
	int r = pare_pkg_read_fd(pkg, fd, path, opts, v, err);
	close(fd);
	return r;
}

/* The rest of regular file fd whole in b, when it is at most
 * PARE_PKG_WHOLE_MAX bytes: true; false (fd where it was) otherwise, or
 * when reading fails (the streaming read then meets the error itself). */
static bool read_whole(int fd, const char *name, struct pare_buf *b)
{
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > PARE_PKG_WHOLE_MAX)
		return false;
	off_t at = lseek(fd, 0, SEEK_CUR);
	struct pare_error e;
	if (at < 0)
		return false;
	if (pare_read_fd(fd, b, name, &e) == 0)
		return true;
	(void)lseek(fd, at, SEEK_SET); /* a regular file: back where it was */
	return false;
}

int pare_pkg_read_fd(struct pare_pkg *pkg, int fd, const char *name,
		     const struct pare_pkg_read_opts *opts, const struct pare_pkg_visitor *v,
		     struct pare_error *err)
{
	if (!(opts && opts->control_only)) {
		struct pare_buf b;
		pare_buf_init(&b, PARE_PKG_WHOLE_MAX);
		if (read_whole(fd, name, &b)) {
			struct pare_mem_istream m;
			struct pare_istream s;
			pare_mem_istream_init(&m, &s, b.data, b.len);
			int r = pare_pkg_read(pkg, &s, name, opts, v, err);
			pare_buf_release(&b);
			return r;
		}
		pare_buf_release(&b);
	}
	struct pare_fd_stream fs;
	struct pare_istream s;
	pare_fd_istream_init(&fs, &s, fd, name);
	return pare_pkg_read(pkg, &s, name, opts, v, err);
}

int pare_pkg_file_values(const char *path, const char *const *keys, size_t n,
			 char (*out)[PARE_PKG_VALUE_MAX], struct pare_error *err)
{
	struct pare_pkg pkg;
	struct pare_pkg_read_opts ro = { .control_only = true };
	for (size_t i = 0; i < n; i++)
		out[i][0] = '\0';
	pare_pkg_init(&pkg);
	int r = pare_pkg_read_file(&pkg, path, &ro, NULL, err);
	const struct pare_pkginfo_kvs *u = &pkg.info.unknown;
	for (size_t i = 0; r == 0 && i < n; i++)
		for (size_t k = 0; k < u->n && !out[i][0]; k++)
			if (pare_slice_eq_cstr(u->v[k].key, keys[i]))
				snprintf(out[i], PARE_PKG_VALUE_MAX, "%.*s",
					 (int)(u->v[k].value.len < PARE_PKG_VALUE_MAX
						       ? u->v[k].value.len
						       : PARE_PKG_VALUE_MAX - 1),
					 u->v[k].value.ptr);
	pare_pkg_release(&pkg);
	return r;
}
