/* Redaction of credentials in URLs shown to people: see url.h. */
#include "io/url.h"

#include <string.h>
#include <strings.h>

struct out {
	char *p;
	size_t cap, len;
	bool cut;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->cap == 0)
		return;
	size_t room = o->cap - 1 - o->len;
	if (n > room) {
		n = room;
		o->cut = true;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
}

static bool scheme_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '+' || c == '-' || c == '.';
}

/* Length of "scheme://" at the start of s, or 0. */
static size_t scheme_len(struct pare_slice s)
{
	size_t i = 0;
	while (i < s.len && scheme_char(s.ptr[i]))
		i++;
	return i > 0 && i + 3 <= s.len && memcmp(s.ptr + i, "://", 3) == 0 ? i + 3 : 0;
}

static bool secret_name(struct pare_slice k)
{
	static const char *const words[] = { "token", "pass", "secret", "sig", "key",
					     "auth", "cred", "session" };
	for (size_t w = 0; w < sizeof(words) / sizeof(words[0]); w++) {
		size_t wl = strlen(words[w]);
		for (size_t i = 0; i + wl <= k.len; i++)
			if (strncasecmp(k.ptr + i, words[w], wl) == 0)
				return true;
	}
	return false;
}

/* The query (without '?'), each secret value replaced. */
static bool put_query(struct out *o, struct pare_slice q)
{
	bool hit = false;
	while (q.len > 0) {
		size_t n = 0;
		while (n < q.len && q.ptr[n] != '&' && q.ptr[n] != ';')
			n++;
		const char *eq = memchr(q.ptr, '=', n);
		if (eq && secret_name(pare_slice_make(q.ptr, (size_t)(eq - q.ptr)))) {
			put(o, q.ptr, (size_t)(eq - q.ptr) + 1);
			put(o, "***", 3);
			hit = true;
		} else {
			put(o, q.ptr, n);
		}
		if (n < q.len)
			put(o, q.ptr + n, 1);
		q.ptr += n < q.len ? n + 1 : n;
		q.len -= n < q.len ? n + 1 : n;
	}
	return hit;
}

/* Write the redacted url to o; true when something was hidden. */
static bool redact(struct pare_slice s, struct out *o)
{
	size_t sl = scheme_len(s), i = sl;
	bool hit = false;
	if (sl == 0) {
		put(o, s.ptr, s.len);
		return false;
	}
	while (i < s.len && s.ptr[i] != '/' && s.ptr[i] != '?' && s.ptr[i] != '#')
		i++;
	struct pare_slice auth = pare_slice_make(s.ptr + sl, i - sl);
	const char *at = NULL;
	for (size_t k = 0; k < auth.len; k++)
		if (auth.ptr[k] == '@')
			at = auth.ptr + k;
	put(o, s.ptr, sl);
	if (at) {
		put(o, "***", 3);
		put(o, at, (size_t)(auth.ptr + auth.len - at));
		hit = true;
	} else {
		put(o, auth.ptr, auth.len);
	}
	size_t path = i;
	while (i < s.len && s.ptr[i] != '?' && s.ptr[i] != '#')
		i++;
	put(o, s.ptr + path, i - path);
	if (i < s.len && s.ptr[i] == '?') {
		size_t q = ++i;
		while (i < s.len && s.ptr[i] != '#')
			i++;
		put(o, "?", 1);
		hit |= put_query(o, pare_slice_make(s.ptr + q, i - q));
	}
	put(o, s.ptr + i, s.len - i);
	return hit;
}

const char *pare_url_redact_slice(struct pare_slice url, char *out, size_t cap)
{
	struct out o = { .p = out, .cap = cap };
	if (cap == 0)
		return out;
	redact(url, &o);
	if (o.cut && cap > 4)
		memcpy(out + cap - 4, "...", 3);
	out[o.cut && cap > 4 ? cap - 1 : o.len] = '\0';
	return out;
}

const char *pare_url_redact(const char *url, char *out, size_t cap)
{
	return pare_url_redact_slice(pare_slice_from(url ? url : ""), out, cap);
}

bool pare_url_has_secret(struct pare_slice url)
{
	struct out o = { 0 };
	return redact(url, &o);
}
