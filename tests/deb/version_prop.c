/* Property test of the Debian version code against dpkg.
 *
 * Reads lines "A B R" on stdin, where R is dpkg's verdict for A vs B
 * ('<', '=' or '>', from `dpkg --compare-versions`), and checks
 *   1. pare_deb_version_compare(A, B) says R (any disagreement fails);
 *   2. the mapped APK versions are valid and compare, with pare's own apk
 *      comparison, as R -- or the pair falls in one of the classes the
 *      mapping documents as beyond the APK grammar (src/deb/version.c,
 *      a-d), which this file recognises on its own, from the Debian
 *      strings, without calling the mapping's code.
 * Prints the counts and every failure; exit 1 on any failure.
 */
#include <stdio.h>
#include <string.h>

#include "apk/version.h"
#include "deb/deb.h"

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_lower(char c)
{
	return c >= 'a' && c <= 'z';
}

static bool is_alpha(char c)
{
	return is_lower(c) || (c >= 'A' && c <= 'Z');
}

struct pair {
	struct pare_slice word, num;
};

/* Split a version part into dpkg's (non-digits, digits) pairs. */
static size_t pairs_of(struct pare_slice s, struct pair *out, size_t max)
{
	size_t n = 0;
	size_t i = 0;
	while (i < s.len && n < max) {
		size_t w = i;
		while (i < s.len && !is_digit(s.ptr[i]))
			i++;
		size_t d = i;
		while (i < s.len && is_digit(s.ptr[i]))
			i++;
		out[n++] = (struct pair){ pare_slice_make(s.ptr + w, d - w),
					  pare_slice_make(s.ptr + d, i - d) };
	}
	return n;
}

static bool num_eq(struct pare_slice a, struct pare_slice b)
{
	while (a.len && a.ptr[0] == '0')
		a = pare_slice_sub(a, 1, a.len - 1);
	while (b.len && b.ptr[0] == '0')
		b = pare_slice_sub(b, 1, b.len - 1);
	return pare_slice_eq(a, b);
}

/* The suffix group a separator word gets, by the documented rule 4:
 * '~' words by the text after '~' (below "b", "p", "r", or above), words
 * starting with a letter, '+', '-', anything else. */
static int group_of(struct pare_slice w)
{
	if (w.len == 0)
		return 100; /* no word: the end of the part */
	char c = w.ptr[0];
	if (c == '~') {
		char n = w.len > 1 ? w.ptr[1] : 0;
		/* dpkg's order after '~': '~' < end < letters < others */
		if (n == '~' || n == 0 || (is_alpha(n) && n < 'b'))
			return 0;
		if (is_alpha(n) && n < 'p')
			return 1;
		if (is_alpha(n) && n < 'r')
			return 2;
		return 3;
	}
	if (is_alpha(c))
		return 10;
	if (c == '+')
		return 11;
	if (c == '-')
		return 12;
	return 13;
}

static bool plain_revision(struct pare_slice r)
{
	for (size_t i = 0; i < r.len; i++)
		if (!is_digit(r.ptr[i]))
			return false;
	return true;
}

static size_t first_num_digits(struct pare_slice up)
{
	size_t n = 0;
	while (n < up.len && up.ptr[n] == '0' && n + 1 < up.len && is_digit(up.ptr[n + 1]))
		up = pare_slice_sub(up, 1, up.len - 1);
	while (n < up.len && is_digit(up.ptr[n]))
		n++;
	return n;
}

enum { MAXP = 128 };

/* Which documented class explains a mapped order that differs from dpkg's
 * (dcmp = dpkg's verdict on a vs b); NULL when none does. */
static const char *explain(const struct pare_deb_version *a, const struct pare_deb_version *b,
			   int dcmp)
{
	bool epochs = (a->epoch.len && !num_eq(a->epoch, PARE_SLICE_LIT("0"))) ||
		      (b->epoch.len && !num_eq(b->epoch, PARE_SLICE_LIT("0")));
	if (epochs && (first_num_digits(a->upstream) > 10 || first_num_digits(b->upstream) > 10))
		return "d";
	if (!num_eq(a->epoch, b->epoch))
		return NULL;
	static struct pair pa[MAXP], pb[MAXP];
	size_t na = pairs_of(a->upstream, pa, MAXP), nb = pairs_of(b->upstream, pb, MAXP);
	size_t head = 1; /* pairs of the numeric head: the first, then ".N" ones */
	while (head < na && head < nb && pare_slice_eq_cstr(pa[head].word, ".") &&
	       pare_slice_eq_cstr(pb[head].word, ".") && num_eq(pa[head].num, pb[head].num))
		head++;
	for (size_t i = 0; i < na || i < nb; i++) {
		struct pair x = i < na ? pa[i] : (struct pair){ PARE_SLICE_NULL, PARE_SLICE_NULL };
		struct pair y = i < nb ? pb[i] : (struct pair){ PARE_SLICE_NULL, PARE_SLICE_NULL };
		if (pare_slice_eq(x.word, y.word) && num_eq(x.num, y.num))
			continue;
		if (!pare_slice_eq(x.word, y.word)) {
			if (x.word.len && y.word.len && group_of(x.word) == group_of(y.word))
				return "a";
			/* b: right after the head, a lone lower-case letter that
			 * dpkg puts below the other side's word */
			bool lx = x.word.len == 1 && is_lower(x.word.ptr[0]);
			bool ly = y.word.len == 1 && is_lower(y.word.ptr[0]);
			if (i == head && (lx || ly) && y.word.len && x.word.len) {
				struct pare_slice other = lx ? y.word : x.word;
				bool letter_low = lx ? dcmp < 0 : dcmp > 0;
				if (letter_low && (!is_alpha(other.ptr[0]) || other.len > 1))
					return "b";
			}
		}
		return NULL;
	}
	/* c: equal upstreams; plain vs non-plain revision, non-plain lower */
	bool plain_a = plain_revision(a->revision), plain_b = plain_revision(b->revision);
	if (plain_a != plain_b && (plain_a ? dcmp > 0 : dcmp < 0))
		return "c";
	/* a, within two non-plain revisions (their items follow "_cvsN0") */
	if (plain_a || plain_b)
		return NULL;
	na = pairs_of(a->revision, pa, MAXP);
	nb = pairs_of(b->revision, pb, MAXP);
	for (size_t i = 0; i < na && i < nb; i++) {
		if (pare_slice_eq(pa[i].word, pb[i].word) && num_eq(pa[i].num, pb[i].num))
			continue;
		if (!pare_slice_eq(pa[i].word, pb[i].word) && pa[i].word.len && pb[i].word.len &&
		    group_of(pa[i].word) == group_of(pb[i].word))
			return "a";
		return NULL;
	}
	return NULL;
}

static int verdict(char c)
{
	return c == '<' ? -1 : c == '>' ? 1 : 0;
}

int main(void)
{
	char line[1024];
	size_t total = 0, dpkg_bad = 0, same = 0, lossy[4] = { 0 }, unexplained = 0, invalid = 0;
	struct pare_buf ma, mb;
	pare_buf_init(&ma, 1024);
	pare_buf_init(&mb, 1024);
	while (fgets(line, sizeof(line), stdin)) {
		char va[512], vb[512], r;
		if (sscanf(line, "%511s %511s %c", va, vb, &r) != 3)
			continue;
		total++;
		struct pare_slice a = pare_slice_from(va), b = pare_slice_from(vb);
		int dcmp = verdict(r);
		int own = pare_deb_version_compare(a, b);
		if (own != dcmp) {
			dpkg_bad++;
			printf("FAIL dpkg: %s %c %s but pare says %d\n", va, r, vb, own);
			continue;
		}
		pare_buf_reset(&ma);
		pare_buf_reset(&mb);
		struct pare_error err;
		if (pare_deb_version_to_apk(a, &ma, &err) < 0 ||
		    pare_deb_version_to_apk(b, &mb, &err) < 0 ||
		    !pare_version_valid(pare_buf_slice(&ma)) || !pare_version_valid(pare_buf_slice(&mb))) {
			invalid++;
			printf("FAIL map: %s / %s: %s / %s\n", va, vb, ma.data ? ma.data : "",
			       mb.data ? mb.data : "");
			continue;
		}
		int ac = pare_version_compare(pare_buf_slice(&ma), pare_buf_slice(&mb));
		int mcmp = ac == PARE_VERSION_LESS ? -1 : ac == PARE_VERSION_GREATER ? 1 : 0;
		if (mcmp == dcmp) {
			same++;
			continue;
		}
		struct pare_deb_version pa, pb;
		pare_deb_version_parse(a, &pa, NULL);
		pare_deb_version_parse(b, &pb, NULL);
		const char *cls = explain(&pa, &pb, dcmp);
		if (cls) {
			lossy[cls[0] - 'a']++;
		} else {
			unexplained++;
			printf("FAIL order: %s %c %s but %s vs %s compares %d\n", va, r, vb, ma.data,
			       mb.data, mcmp);
		}
	}
	pare_buf_release(&ma);
	pare_buf_release(&mb);
	printf("pairs %zu: dpkg disagreements %zu; mapping keeps the order of %zu (%.2f%%); "
	       "documented losses a=%zu b=%zu c=%zu d=%zu; invalid %zu; unexplained %zu\n",
	       total, dpkg_bad, same, total ? 100.0 * (double)same / (double)total : 0.0, lossy[0],
	       lossy[1], lossy[2], lossy[3], invalid, unexplained);
	return (dpkg_bad || unexplained || invalid || total == 0) ? 1 : 0;
}
