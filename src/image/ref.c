/* Image references: see ref.h for the grammar. */
#include "image/ref.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/slice.h"

static bool is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool is_alnum(char c)
{
	return is_lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

/* One path component: [a-z0-9]+ ((\.|_|__|-+)[a-z0-9]+)* */
static bool component_valid(struct pare_slice s)
{
	size_t i = 0;
	if (s.len == 0 || !is_lower_alnum(s.ptr[0]) || !is_lower_alnum(s.ptr[s.len - 1]))
		return false;
	while (i < s.len) {
		while (i < s.len && is_lower_alnum(s.ptr[i]))
			i++;
		if (i == s.len)
			break;
		size_t sep = i;
		if (s.ptr[i] == '.')
			i++;
		else if (s.ptr[i] == '_')
			i += (i + 1 < s.len && s.ptr[i + 1] == '_') ? 2 : 1;
		else
			while (i < s.len && s.ptr[i] == '-')
				i++;
		if (i == sep || i == s.len || !is_lower_alnum(s.ptr[i]))
			return false;
	}
	return true;
}

static bool name_valid(struct pare_slice s)
{
	struct pare_slice comp;
	if (s.len == 0)
		return false;
	while (s.len > 0) {
		bool more = pare_slice_split(&s, '/', &comp);
		if (!component_valid(comp) || (more && s.len == 0))
			return false;
	}
	return true;
}

static bool port_valid(struct pare_slice p)
{
	uint64_t v;
	return p.len > 0 && p.len <= 5 && pare_slice_to_u64(p, &v) && v > 0 && v <= 65535;
}

/* host[:port], [v6]:port, or a name made of [A-Za-z0-9-] labels and dots. */
static bool host_valid(struct pare_slice s)
{
	if (s.len > 0 && s.ptr[0] == '[') {
		ptrdiff_t close = pare_slice_find(s, ']');
		if (close < 2)
			return false;
		for (ptrdiff_t i = 1; i < close; i++)
			if (!(is_alnum(s.ptr[i]) || s.ptr[i] == ':' || s.ptr[i] == '.'))
				return false;
		struct pare_slice rest =
			pare_slice_sub(s, (size_t)close + 1, s.len - (size_t)close - 1);
		return rest.len == 0 ||
		       (rest.ptr[0] == ':' && port_valid(pare_slice_sub(rest, 1, rest.len - 1)));
	}
	struct pare_slice host = s, port = PARE_SLICE_NULL;
	ptrdiff_t colon = pare_slice_find(s, ':');
	if (colon >= 0) {
		host = pare_slice_sub(s, 0, (size_t)colon);
		port = pare_slice_sub(s, (size_t)colon + 1, s.len - (size_t)colon - 1);
		if (!port_valid(port))
			return false;
	}
	if (host.len == 0 || host.ptr[0] == '.' || host.ptr[0] == '-' ||
	    host.ptr[host.len - 1] == '.' || host.ptr[host.len - 1] == '-')
		return false;
	for (size_t i = 0; i < host.len; i++)
		if (!(is_alnum(host.ptr[i]) || host.ptr[i] == '-' ||
		      (host.ptr[i] == '.' && host.ptr[i + 1] != '.')))
			return false;
	return true;
}

static bool tag_valid(struct pare_slice s)
{
	if (s.len == 0 || s.len > PARE_REF_TAG_MAX || !(is_alnum(s.ptr[0]) || s.ptr[0] == '_'))
		return false;
	for (size_t i = 1; i < s.len; i++)
		if (!(is_alnum(s.ptr[i]) || s.ptr[i] == '_' || s.ptr[i] == '.' || s.ptr[i] == '-'))
			return false;
	return true;
}

/* ALGO:HEX; ALGO = [a-z0-9]+([+._-][a-z0-9]+)*, HEX = [a-f0-9]{32,} (64 for sha256). */
static bool digest_valid(struct pare_slice s)
{
	ptrdiff_t colon = pare_slice_find(s, ':');
	if (colon < 1 || s.len > PARE_REF_DIGEST_MAX)
		return false;
	struct pare_slice alg = pare_slice_sub(s, 0, (size_t)colon);
	struct pare_slice hex = pare_slice_sub(s, (size_t)colon + 1, s.len - (size_t)colon - 1);
	for (size_t i = 0; i < alg.len; i++) {
		char c = alg.ptr[i];
		bool sep = c == '+' || c == '.' || c == '_' || c == '-';
		if (!is_lower_alnum(c) &&
		    !(sep && i > 0 && i + 1 < alg.len && is_lower_alnum(alg.ptr[i + 1])))
			return false;
	}
	if (hex.len < 32 || (pare_slice_eq_cstr(alg, "sha256") && hex.len != 64))
		return false;
	for (size_t i = 0; i < hex.len; i++)
		if (!((hex.ptr[i] >= '0' && hex.ptr[i] <= '9') ||
		      (hex.ptr[i] >= 'a' && hex.ptr[i] <= 'f')))
			return false;
	return true;
}

static void copy_slice(char *dst, size_t size, struct pare_slice s)
{
	size_t n = s.len < size ? s.len : size - 1;
	memcpy(dst, s.ptr, n);
	dst[n] = '\0';
}

/* Split "[host/]path" into host and name (docker's rules, see ref.h). */
static int split_host(struct pare_image_ref *ref, struct pare_slice name, const char *text,
		      struct pare_error *err)
{
	ptrdiff_t slash = pare_slice_find(name, '/');
	struct pare_slice first = slash < 0 ? name : pare_slice_sub(name, 0, (size_t)slash);
	bool has_host = slash >= 0 && (pare_slice_find(first, '.') >= 0 ||
				       pare_slice_find(first, ':') >= 0 ||
				       pare_slice_eq_cstr(first, "localhost"));
	if (has_host) {
		if (!host_valid(first))
			return pare_error_set(err, -PARE_E_FORMAT,
					      "%s: '%.*s' is not a registry host", text,
					      (int)first.len, first.ptr);
		copy_slice(ref->host, sizeof(ref->host), first);
		name = pare_slice_sub(name, (size_t)slash + 1, name.len - (size_t)slash - 1);
	} else {
		snprintf(ref->host, sizeof(ref->host), "%s", PARE_REF_DOCKER_HUB);
	}
	if (!name_valid(name))
		return pare_error_set(err, -PARE_E_FORMAT,
				      "%s: '%.*s' is not a repository name (lowercase letters, "
				      "digits and separators . _ __ - between them, components "
				      "joined by /)", text, (int)name.len, name.ptr);
	bool library = !has_host && pare_slice_find(name, '/') < 0;
	size_t need = strlen(ref->host) + 1 + name.len + (library ? 8 : 0);
	if (need > PARE_REF_NAME_MAX)
		return pare_error_set(err, -PARE_E_FORMAT, "%s: name longer than %d bytes", text,
				      PARE_REF_NAME_MAX);
	snprintf(ref->name, sizeof(ref->name), "%s%.*s", library ? "library/" : "",
		 (int)name.len, name.ptr);
	return 0;
}

int pare_image_ref_parse(const char *text, struct pare_image_ref *ref, struct pare_error *err)
{
	memset(ref, 0, sizeof(*ref));
	struct pare_slice s = pare_slice_from(text ? text : "");
	if (s.len == 0)
		return pare_error_set(err, -PARE_E_FORMAT, "empty image reference");
	const char *at = memchr(s.ptr, '@', s.len);
	if (at) {
		struct pare_slice d = pare_slice_make(at + 1, s.len - (size_t)(at + 1 - s.ptr));
		if (!digest_valid(d))
			return pare_error_set(
				err, -PARE_E_FORMAT,
				"%s: '%.*s' is not a digest (ALGO:HEX, sha256:<64 hex>)", text,
				(int)(d.len > 100 ? 100 : d.len), d.ptr);
		copy_slice(ref->digest, sizeof(ref->digest), d);
		s.len = (size_t)(at - s.ptr);
	}
	const char *slash = memrchr(s.ptr, '/', s.len);
	const char *from = slash ? slash + 1 : s.ptr;
	const char *colon = memchr(from, ':', s.len - (size_t)(from - s.ptr));
	if (colon) {
		struct pare_slice t =
			pare_slice_make(colon + 1, s.len - (size_t)(colon + 1 - s.ptr));
		if (!tag_valid(t))
			return pare_error_set(
				err, -PARE_E_FORMAT,
				"%s: '%.*s' is not a tag ([A-Za-z0-9_][A-Za-z0-9_.-], "
				"at most 128)",
				text, (int)(t.len > 200 ? 200 : t.len), t.ptr);
		copy_slice(ref->tag, sizeof(ref->tag), t);
		s.len = (size_t)(colon - s.ptr);
	}
	int r = split_host(ref, s, text, err);
	if (r == 0 && !ref->tag[0] && !ref->digest[0])
		snprintf(ref->tag, sizeof(ref->tag), "latest");
	return r;
}

const char *pare_image_ref_api_host(const struct pare_image_ref *ref)
{
	return strcmp(ref->host, PARE_REF_DOCKER_HUB) == 0 ? "registry-1.docker.io" : ref->host;
}

bool pare_image_ref_is_local(const struct pare_image_ref *ref)
{
	struct pare_slice h = pare_slice_from(ref->host);
	ptrdiff_t colon = h.len && h.ptr[0] == '[' ? -1 : pare_slice_find(h, ':');
	if (colon >= 0)
		h.len = (size_t)colon;
	if (pare_slice_eq_cstr(h, "localhost") ||
	    pare_slice_starts_with(h, PARE_SLICE_LIT("[::1]")))
		return true;
	if (!pare_slice_starts_with(h, PARE_SLICE_LIT("127.")))
		return false;
	for (size_t i = 4; i < h.len; i++)
		if (!((h.ptr[i] >= '0' && h.ptr[i] <= '9') || h.ptr[i] == '.'))
			return false;
	return true;
}

const char *pare_image_ref_reference(const struct pare_image_ref *ref)
{
	return ref->tag[0] ? ref->tag : ref->digest;
}

int pare_image_ref_format(const struct pare_image_ref *ref, char *out, size_t size)
{
	int n = snprintf(out, size, "%s/%s%s%s%s%s", ref->host, ref->name, ref->tag[0] ? ":" : "",
			 ref->tag, ref->digest[0] ? "@" : "", ref->digest);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}
