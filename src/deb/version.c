/* Debian versions: syntax, dpkg's order, the APK mapping (the rules are
 * in version.h). */
#include "deb/version.h"

#include <string.h>

#include "apk/arch.h"
#include "deb/control.h"

#define EPOCH_PAD 10

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_alnum(char c)
{
	return is_digit(c) || is_alpha(c);
}

static int bad(struct pare_error *err, struct pare_slice v, const char *why)
{
	return pare_error_set(err, -PARE_E_INVALID_VERSION, "'%.*s': %s",
			      (int)(v.len > 80 ? 80 : v.len), v.ptr ? v.ptr : "", why);
}

static bool chars_ok(struct pare_slice s, const char *extra)
{
	for (size_t i = 0; i < s.len; i++)
		if (!is_alnum(s.ptr[i]) && !strchr(extra, s.ptr[i]))
			return false;
	return true;
}

int pare_deb_version_parse(struct pare_slice v, struct pare_deb_version *out,
			   struct pare_error *err)
{
	*out = (struct pare_deb_version){ PARE_SLICE_NULL, PARE_SLICE_NULL, PARE_SLICE_NULL };
	if (v.len == 0)
		return bad(err, v, "empty version");
	if (v.len > PARE_DEB_VERSION_MAX)
		return bad(err, v, "version longer than 256 bytes");
	struct pare_slice rest = v;
	ptrdiff_t colon = pare_slice_find(v, ':');
	if (colon >= 0) {
		out->epoch = pare_slice_sub(v, 0, (size_t)colon);
		rest = pare_slice_sub(v, (size_t)colon + 1, v.len - (size_t)colon - 1);
		if (out->epoch.len == 0 || out->epoch.len > 9 || !chars_ok(out->epoch, ""))
			return bad(err, v, "epoch is not a number of at most 9 digits");
		for (size_t i = 0; i < out->epoch.len; i++)
			if (!is_digit(out->epoch.ptr[i]))
				return bad(err, v, "epoch is not a number of at most 9 digits");
	}
	size_t dash = rest.len;
	for (size_t i = rest.len; i > 0; i--)
		if (rest.ptr[i - 1] == '-') {
			dash = i - 1;
			break;
		}
	out->upstream = pare_slice_sub(rest, 0, dash);
	if (dash < rest.len) {
		out->revision = pare_slice_sub(rest, dash + 1, rest.len - dash - 1);
		if (out->revision.len == 0)
			return bad(err, v, "empty revision after '-'");
		if (!chars_ok(out->revision, ".+~"))
			return bad(err, v, "invalid character in revision");
	}
	if (out->upstream.len == 0)
		return bad(err, v, "empty upstream version");
	if (!is_digit(out->upstream.ptr[0]))
		return bad(err, v, "upstream version does not start with a digit");
	if (!chars_ok(out->upstream, out->revision.len ? ".+~-" : ".+~"))
		return bad(err, v, "invalid character in upstream version");
	return 0;
}

/* dpkg's character weight: '~' lowest, then the end of the part (0), then
 * letters, then everything else. */
static int order(int c)
{
	if (c == '~')
		return -1;
	if (is_digit((char)c) || c == 0)
		return 0;
	if (is_alpha((char)c))
		return c;
	return c + 256;
}

/* Numeric comparison of two digit runs of any length. */
static int cmp_digits(struct pare_slice a, struct pare_slice b)
{
	while (a.len && a.ptr[0] == '0')
		a = pare_slice_sub(a, 1, a.len - 1);
	while (b.len && b.ptr[0] == '0')
		b = pare_slice_sub(b, 1, b.len - 1);
	if (a.len != b.len)
		return a.len < b.len ? -1 : 1;
	int c = a.len ? memcmp(a.ptr, b.ptr, a.len) : 0;
	return c < 0 ? -1 : c > 0;
}

/* One (non-digits, digits) pair of a version part. */
struct pair {
	struct pare_slice word, num;
};

static bool next_pair(struct pare_slice *s, struct pair *p)
{
	if (s->len == 0)
		return false;
	size_t i = 0;
	while (i < s->len && !is_digit(s->ptr[i]))
		i++;
	p->word = pare_slice_sub(*s, 0, i);
	size_t j = i;
	while (j < s->len && is_digit(s->ptr[j]))
		j++;
	p->num = pare_slice_sub(*s, i, j - i);
	*s = pare_slice_sub(*s, j, s->len - j);
	return true;
}

static int cmp_words(struct pare_slice a, struct pare_slice b)
{
	for (size_t i = 0; i < a.len || i < b.len; i++) {
		int ca = order(i < a.len ? (unsigned char)a.ptr[i] : 0);
		int cb = order(i < b.len ? (unsigned char)b.ptr[i] : 0);
		if (ca != cb)
			return ca < cb ? -1 : 1;
	}
	return 0;
}

/* dpkg's verrevcmp. */
static int cmp_part(struct pare_slice a, struct pare_slice b)
{
	while (a.len || b.len) {
		struct pair pa = { PARE_SLICE_NULL, PARE_SLICE_NULL };
		struct pair pb = pa;
		next_pair(&a, &pa);
		next_pair(&b, &pb);
		int c = cmp_words(pa.word, pb.word);
		if (c == 0)
			c = cmp_digits(pa.num, pb.num);
		if (c)
			return c;
	}
	return 0;
}

int pare_deb_version_cmp(const struct pare_deb_version *a, const struct pare_deb_version *b)
{
	int c = cmp_digits(a->epoch, b->epoch);
	if (c == 0)
		c = cmp_part(a->upstream, b->upstream);
	if (c == 0)
		c = cmp_part(a->revision, b->revision);
	return c;
}

int pare_deb_version_compare(struct pare_slice a, struct pare_slice b)
{
	struct pare_deb_version va, vb;
	bool oka = pare_deb_version_parse(a, &va, NULL) == 0;
	bool okb = pare_deb_version_parse(b, &vb, NULL) == 0;
	if (oka && okb)
		return pare_deb_version_cmp(&va, &vb);
	if (oka != okb)
		return oka ? 1 : -1;
	int c = pare_slice_cmp(a, b);
	return c < 0 ? -1 : c > 0;
}

bool pare_deb_version_satisfies(struct pare_slice a, int op, struct pare_slice b)
{
	if (op == PARE_DEB_OP_NONE)
		return true;
	int c = pare_deb_version_compare(a, b);
	switch (op) {
	case PARE_DEB_OP_LT:
		return c < 0;
	case PARE_DEB_OP_LE:
		return c <= 0;
	case PARE_DEB_OP_EQ:
		return c == 0;
	case PARE_DEB_OP_GE:
		return c >= 0;
	case PARE_DEB_OP_GT:
		return c > 0;
	default:
		return false;
	}
}

/* ---- The mapping. */

static struct pare_slice strip_zeros(struct pare_slice n)
{
	while (n.len > 1 && n.ptr[0] == '0')
		n = pare_slice_sub(n, 1, n.len - 1);
	return n.len ? n : PARE_SLICE_LIT("0");
}

/* Rule 4: the suffix word for a separator word. */
static const char *suffix_for(struct pare_slice w)
{
	char c = w.ptr[0];
	if (c == '~') {
		struct pare_slice t = pare_slice_sub(w, 1, w.len - 1);
		if (cmp_words(t, PARE_SLICE_LIT("b")) < 0)
			return "alpha";
		if (cmp_words(t, PARE_SLICE_LIT("p")) < 0)
			return "beta";
		if (cmp_words(t, PARE_SLICE_LIT("r")) < 0)
			return "pre";
		return "rc";
	}
	if (is_alpha(c))
		return "svn";
	if (c == '+')
		return "git";
	if (c == '-')
		return "hg";
	return "p";
}

static int put_item(struct pare_buf *out, const char *suffix, struct pare_slice num)
{
	int r = pare_buf_putc(out, '_');
	if (r == 0)
		r = pare_buf_append_str(out, suffix);
	if (r == 0)
		r = pare_buf_append_slice(out, strip_zeros(num));
	return r;
}

static int put_chain(struct pare_buf *out, struct pare_slice rest)
{
	struct pair p;
	int r = 0;
	while (r == 0 && next_pair(&rest, &p))
		r = put_item(out, suffix_for(p.word), p.num);
	return r;
}

static bool all_zeros(struct pare_slice s)
{
	for (size_t i = 0; i < s.len; i++)
		if (s.ptr[i] != '0')
			return false;
	return true;
}

static bool all_digits(struct pare_slice s)
{
	for (size_t i = 0; i < s.len; i++)
		if (!is_digit(s.ptr[i]))
			return false;
	return s.len > 0;
}

static int put_first(struct pare_buf *out, struct pare_slice epoch, struct pare_slice first)
{
	first = strip_zeros(first);
	if (all_zeros(epoch))
		return pare_buf_append_slice(out, first);
	int r = pare_buf_append_slice(out, strip_zeros(epoch));
	for (size_t i = first.len; r == 0 && i < EPOCH_PAD; i++)
		r = pare_buf_putc(out, '0');
	if (r == 0)
		r = pare_buf_append_slice(out, first);
	return r;
}

/* Rules 2 and 3: the head and the letter; *rest is left at what follows. */
static int put_head(struct pare_buf *out, const struct pare_deb_version *v,
		    struct pare_slice *rest)
{
	struct pair p;
	next_pair(rest, &p); /* upstream starts with a digit: word is empty */
	int r = put_first(out, v->epoch, p.num);
	struct pare_slice save = *rest;
	while (r == 0 && next_pair(rest, &p) && pare_slice_eq_cstr(p.word, ".")) {
		r = pare_buf_putc(out, '.');
		if (r == 0)
			r = pare_buf_append_slice(out, strip_zeros(p.num));
		save = *rest;
	}
	*rest = save;
	if (r < 0 || !next_pair(rest, &p))
		return r;
	if (p.word.len == 1 && p.word.ptr[0] >= 'a' && p.word.ptr[0] <= 'z') {
		r = pare_buf_putc(out, p.word.ptr[0]);
		if (r == 0 && (rest->len > 0 || !all_zeros(p.num)))
			r = put_item(out, "p", p.num);
		return r;
	}
	*rest = save;
	return 0;
}

/* Rule 5. */
static int put_revision(struct pare_buf *out, struct pare_slice rev)
{
	if (all_zeros(rev))
		return 0;
	if (all_digits(rev)) {
		int r = pare_buf_append_str(out, "-r");
		return r ? r : pare_buf_append_slice(out, strip_zeros(rev));
	}
	/* "_cvsN0", then every pair after N0 (a revision that starts with a
	 * non-digit has N0 = 0 and all its pairs follow). */
	struct pair p = { PARE_SLICE_NULL, PARE_SLICE_NULL };
	struct pare_slice after = rev;
	if (is_digit(rev.ptr[0]))
		next_pair(&after, &p);
	int r = put_item(out, "cvs", p.num);
	return r ? r : put_chain(out, after);
}

int pare_deb_version_to_apk(struct pare_slice v, struct pare_buf *out, struct pare_error *err)
{
	struct pare_deb_version dv;
	int r = pare_deb_version_parse(v, &dv, err);
	if (r < 0)
		return r;
	size_t start = out->len;
	struct pare_slice rest = dv.upstream;
	r = put_head(out, &dv, &rest);
	if (r == 0)
		r = put_chain(out, rest);
	if (r == 0)
		r = put_revision(out, dv.revision);
	if (r < 0) {
		pare_buf_truncate(out, start);
		return pare_error_set(err, r, "'%.*s': APK version too long", (int)v.len, v.ptr);
	}
	return 0;
}

/* ---- Package URLs and architectures. */

/* purl components: everything but the unreserved characters percent-encoded
 * (the one encoder, base/buf.h); names lower-cased as purl's deb type asks. */
int pare_deb_purl(struct pare_slice namespace_, struct pare_slice name, struct pare_slice version,
		  struct pare_slice arch, struct pare_buf *out)
{
	size_t start = out->len;
	int r = pare_buf_append_str(out, "pkg:deb/");
	if (r == 0 && namespace_.len) {
		r = pare_buf_append_pct(out, namespace_, NULL, PARE_PCT_LOWER);
		if (r == 0)
			r = pare_buf_putc(out, '/');
	}
	if (r == 0)
		r = pare_buf_append_pct(out, name, NULL, PARE_PCT_LOWER);
	if (r == 0 && version.len) {
		r = pare_buf_putc(out, '@');
		if (r == 0)
			r = pare_buf_append_pct(out, version, NULL, 0);
	}
	if (r == 0 && arch.len) {
		r = pare_buf_append_str(out, "?arch=");
		if (r == 0)
			r = pare_buf_append_pct(out, arch, NULL, 0);
	}
	if (r < 0)
		pare_buf_truncate(out, start);
	return r;
}

int pare_deb_purl_qualifier(struct pare_buf *out, const char *key, struct pare_slice value)
{
	size_t start = out->len;
	bool first = !out->data || !memchr(out->data, '?', out->len);
	int r = pare_buf_appendf(out, "%c%s=", first ? '?' : '&', key);
	if (r == 0)
		r = pare_buf_append_pct(out, value, NULL, 0);
	if (r < 0)
		pare_buf_truncate(out, start);
	return r;
}

const char *pare_deb_arch_to_apk(struct pare_slice deb_arch)
{
	if (pare_slice_eq_cstr(deb_arch, "all"))
		return "noarch";
	const struct pare_arch *a = pare_arch_by_deb(deb_arch);
	return a ? a->apk : NULL;
}
