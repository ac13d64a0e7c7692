/* Repository configuration: the repositories file, -X, the architecture
 * and where the cache is (see repo.h). */
#include "repo/repo.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <unistd.h>

#include "apk/arch.h"
#include "base/buf.h"
#include "base/rootpath.h"
#include "io/url.h"
#include "io/stream.h"
#include "repo/repo_int.h"

const char *pare_repo_host_arch(void)
{
	return pare_arch_host();
}

static bool arch_valid(struct pare_slice a)
{
	if (a.len == 0 || a.len >= PARE_REPO_ARCH_MAX)
		return false;
	for (size_t i = 0; i < a.len; i++) {
		char c = a.ptr[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-'))
			return false;
	}
	return true;
}

/* A file inside the root (etc/apk/...): -ENOENT when absent. */
static int read_root_file(const char *root, const char *rel, struct pare_buf *b,
			  struct pare_error *err)
{
	struct pare_root r;
	int ret = pare_root_open(&r, root, err);
	if (ret < 0)
		return ret;
	int fd = pare_root_openat(&r, rel, O_RDONLY | O_CLOEXEC, 0, NULL);
	if (fd < 0) {
		pare_root_release(&r);
		if (fd == -ENOENT)
			return fd;
		return pare_error_set(err, fd, "%s/%s: %s", root, rel, pare_strerror(fd));
	}
	char name[PARE_PATH_MAX];
	snprintf(name, sizeof(name), "%s/%s", root, rel);
	ret = pare_read_fd(fd, b, name, err);
	close(fd);
	pare_root_release(&r);
	return ret;
}

int pare_repo_arch_resolve(const char *root, const char *arch, char out[PARE_REPO_ARCH_MAX],
			   struct pare_error *err)
{
	struct pare_slice a;
	struct pare_buf b;
	pare_buf_init(&b, 4096);
	int r = 0;
	if (arch) {
		a = pare_slice_from(arch);
	} else {
		r = read_root_file(root ? root : "/", "etc/apk/arch", &b, err);
		if (r == -ENOENT || r == -ENOTDIR) {
			r = 0;
			pare_error_clear(err);
			a = pare_slice_from(pare_repo_host_arch());
		} else {
			struct pare_slice s = pare_buf_slice(&b);
			if (!pare_slice_next_word(&s, &a))
				a = PARE_SLICE_NULL;
			ptrdiff_t nl = pare_slice_find(a, '\n');
			if (nl >= 0)
				a.len = (size_t)nl;
		}
	}
	if (r == 0 && !arch_valid(a))
		r = pare_error_set(err, -PARE_E_FORMAT, "architecture '%.*s' is not valid",
				   (int)(a.len > 64 ? 64 : a.len), a.ptr ? a.ptr : "");
	if (r == 0) {
		memcpy(out, a.ptr, a.len);
		out[a.len] = '\0';
	}
	pare_buf_release(&b);
	return r;
}

static int strdupf(char **out, const char *fmt, const char *a, const char *b, const char *c)
{
	int n = snprintf(NULL, 0, fmt, a, b, c);
	if (n < 0)
		return -EINVAL;
	*out = malloc((size_t)n + 1);
	if (!*out)
		return -ENOMEM;
	snprintf(*out, (size_t)n + 1, fmt, a, b, c);
	return 0;
}

static void repo_free(struct pare_repo *r)
{
	free(r->url);
	free(r->given);
	free(r->tag);
	free(r->base);
	free(r->index_url);
	pare_index_release(&r->index);
	memset(r, 0, sizeof(*r));
}

/* Fill r's derived fields from its url. */
static int repo_derive(const struct pare_repos *rs, struct pare_repo *r)
{
	int ret;
	if (pare_http_is_url(r->given)) {
		r->kind = PARE_REPO_HTTP;
		r->base = strdup(r->given);
	} else {
		r->kind = PARE_REPO_LOCAL;
		r->base = strdup(strncmp(r->given, "file://", 7) == 0 ? r->given + 7 : r->given);
	}
	if (!r->base)
		return -ENOMEM;
	ret = strdupf(&r->index_url, "%s/%s/%s", r->base, rs->arch, "APKINDEX.tar.gz");
	if (ret < 0)
		return ret;
	return pare_repo_index_cache_name(r->index_url, r->cache_name, sizeof(r->cache_name)) < 0
		       ? -ENAMETOOLONG
		       : 0;
}

static bool has_control(struct pare_slice s)
{
	for (size_t i = 0; i < s.len; i++)
		if ((unsigned char)s.ptr[i] < 0x20 || s.ptr[i] == 0x7f)
			return true;
	return false;
}

/* The URL as the repository will use it, or an error. */
static int normalize_url(struct pare_slice u, bool cwd_relative, char **out,
			 struct pare_error *err)
{
	while (u.len > 1 && u.ptr[u.len - 1] == '/')
		u.len--;
	char shown[PARE_URL_SHOWN_MAX];
	pare_url_redact_slice(pare_slice_sub(u, 0, 200), shown, sizeof(shown));
	if (u.len == 0 || u.len >= PARE_PATH_MAX || has_control(u))
		return pare_error_set(err, -PARE_E_FORMAT, "repository '%s' is not valid", shown);
	char *s = pare_slice_dup(u);
	if (!s)
		return -ENOMEM;
	if (pare_http_is_url(s) || s[0] == '/' ||
	    (strncmp(s, "file://", 7) == 0 && s[7] == '/')) {
		*out = s;
		return 0;
	}
	free(s);
	if (memchr(u.ptr, ':', u.len) || !cwd_relative)
		return pare_error_set(err, -PARE_E_UNSUPPORTED,
				      "repository '%s': not an absolute path, file://, "
				      "http:// or https:// URL", shown);
	char cwd[PARE_PATH_MAX];
	if (!getcwd(cwd, sizeof(cwd)))
		return pare_error_set(err, -errno, "getcwd: %s", strerror(errno));
	char rel[PARE_PATH_MAX];
	snprintf(rel, sizeof(rel), "%.*s", (int)u.len, u.ptr);
	return strdupf(out, "%s/%s%s", cwd, rel, "") < 0 ? -ENOMEM : 0;
}

static int add_repo(struct pare_repos *rs, struct pare_slice tag, char *url,
		    struct pare_error *err)
{
	for (size_t i = 0; i < rs->n; i++)
		if (strcmp(rs->v[i].given, url) == 0) {
			free(url);
			return 0;
		}
	if (rs->n >= PARE_REPO_MAX) {
		free(url);
		return pare_error_set(err, -PARE_E_TOO_BIG, "too many repositories (at most %d)",
				      PARE_REPO_MAX);
	}
	struct pare_repo *r = &rs->v[rs->n];
	memset(r, 0, sizeof(*r));
	pare_index_init(&r->index);
	r->given = url;
	char shown[PARE_URL_SHOWN_MAX];
	pare_url_redact(url, shown, sizeof(shown));
	int ret = (r->url = strdup(shown)) ? 0 : -ENOMEM;
	if (ret == 0 && tag.len && !(r->tag = pare_slice_dup(tag)))
		ret = -ENOMEM;
	if (ret == 0)
		ret = repo_derive(rs, r);
	if (ret < 0) {
		pare_error_set(err, ret, "repository %s: %s", shown, pare_strerror(ret));
		repo_free(r);
		return ret;
	}
	rs->n++;
	return 0;
}

static bool word_is(struct pare_slice w, const char *s)
{
	return pare_slice_eq_cstr(w, s);
}

int pare_repos_add_line(struct pare_repos *rs, struct pare_slice line, bool cwd_relative,
			struct pare_error *err)
{
	struct pare_slice s = pare_slice_trim(line), w, tag = PARE_SLICE_NULL;
	if (s.len == 0 || s.ptr[0] == '#' || !pare_slice_next_word(&s, &w))
		return 0;
	if (word_is(w, "set") || word_is(w, "ndx") || word_is(w, "v3"))
		return pare_error_set(err, -PARE_E_UNSUPPORTED, "'%.*s' lines are not supported",
				      (int)w.len, w.ptr);
	if (word_is(w, "v2") && !pare_slice_next_word(&s, &w))
		return pare_error_set(err, -PARE_E_FORMAT, "no URL after 'v2'");
	if (w.len && w.ptr[0] == '@') {
		tag = pare_slice_sub(w, 1, w.len - 1);
		if (tag.len == 0 || has_control(tag))
			return pare_error_set(err, -PARE_E_FORMAT, "empty or invalid @tag");
		if (!pare_slice_next_word(&s, &w))
			return pare_error_set(err, -PARE_E_FORMAT, "no URL after '@%.*s'",
					      (int)tag.len, tag.ptr);
	}
	struct pare_slice url = w, comp;
	char *u;
	if (!pare_slice_next_word(&s, &comp)) {
		int r = normalize_url(url, cwd_relative, &u, err);
		return r < 0 ? r : add_repo(rs, tag, u, err);
	}
	do {
		char joined[PARE_PATH_MAX];
		int n = snprintf(joined, sizeof(joined), "%.*s/%.*s", (int)url.len, url.ptr,
				 (int)comp.len, comp.ptr);
		if (n < 0 || (size_t)n >= sizeof(joined))
			return pare_error_set(err, -ENAMETOOLONG, "repository URL too long");
		int r = normalize_url(pare_slice_make(joined, (size_t)n), cwd_relative, &u, err);
		if (r == 0)
			r = add_repo(rs, tag, u, err);
		if (r < 0)
			return r;
	} while (pare_slice_next_word(&s, &comp));
	return 0;
}

static int add_file(struct pare_repos *rs, struct pare_slice text, const char *name,
		    struct pare_error *err)
{
	struct pare_slice line;
	unsigned lineno = 0;
	while (text.len > 0) {
		lineno++;
		pare_slice_split(&text, '\n', &line); /* the last line may lack '\n' */
		int r = pare_repos_add_line(rs, line, false, err);
		if (r < 0)
			return pare_error_prefix(err, r, "%s line %u: ", name, lineno);
	}
	return 0;
}

static int load_file(struct pare_repos *rs, const struct pare_repo_config *cfg,
		     struct pare_error *err)
{
	struct pare_buf b;
	char name[PARE_PATH_MAX];
	int r;
	pare_buf_init(&b, PARE_REPO_FILE_MAX);
	if (cfg->repositories_file) {
		snprintf(name, sizeof(name), "%s", cfg->repositories_file);
		int fd = open(name, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			r = pare_error_set(err, -errno, "%s: %s", name, strerror(errno));
			goto out;
		}
		r = pare_read_fd(fd, &b, name, err);
		close(fd);
	} else {
		snprintf(name, sizeof(name), "%s%setc/apk/repositories", rs->root,
			 rs->root[strlen(rs->root) - 1] == '/' ? "" : "/");
		r = read_root_file(rs->root, "etc/apk/repositories", &b, err);
		if (r == -ENOENT) {
			r = 0;
			goto out;
		}
	}
	if (r == 0)
		r = add_file(rs, pare_buf_slice(&b), name, err);
out:
	pare_buf_release(&b);
	return r;
}

/* The cache directory's path (not created here: a --no-cache run that
 * reads local repositories only makes no directory at all). */
static int set_cache_dir(struct pare_repos *rs, const struct pare_repo_config *cfg,
			 struct pare_error *err)
{
	if (cfg->no_cache) {
		/* mkdtemp's name, chosen now so that paths under it do not
		 * change; pare_repo_cache_ensure() makes it (0700, never an
		 * existing one) */
		static const char set[] =
			"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
		unsigned char rnd[12];
		char name[sizeof(rnd) + 1];
		if (getentropy(rnd, sizeof(rnd)) < 0)
			return pare_error_set(err, -errno, "getentropy: %s", strerror(errno));
		for (size_t i = 0; i < sizeof(rnd); i++)
			name[i] = set[rnd[i] % (sizeof(set) - 1)];
		name[sizeof(rnd)] = '\0';
		const char *tmp = cfg->tmp_dir ? cfg->tmp_dir : "/tmp";
		if (strdupf(&rs->cache_dir, "%s/pare-cache.%s%s", tmp, name, "") < 0)
			return -ENOMEM;
		rs->cache_temp = true;
		return 0;
	}
	const char *dir = cfg->cache_dir ? cfg->cache_dir : "etc/apk/cache";
	if (dir[0] == '/')
		return strdupf(&rs->cache_dir, "%s%s%s", dir, "", "") < 0 ? -ENOMEM : 0;
	const char *sep = rs->root[strlen(rs->root) - 1] == '/' ? "" : "/";
	return strdupf(&rs->cache_dir, "%s%s%s", rs->root, sep, dir) < 0 ? -ENOMEM : 0;
}

int pare_repos_init(struct pare_repos *rs, const struct pare_repo_config *cfg,
		    struct pare_error *err)
{
	memset(rs, 0, sizeof(*rs));
	rs->keys = cfg->keys;
	rs->allow_untrusted = cfg->allow_untrusted;
	rs->allow_index_downgrade = cfg->allow_index_downgrade;
	rs->index_max_age = cfg->index_max_age;
	rs->no_network = cfg->no_network;
	rs->lazy_deps = cfg->lazy_deps;
	rs->index_max = cfg->index_max ? cfg->index_max : PARE_REPO_INDEX_MAX;
	rs->http_opts = cfg->http;
	rs->http_opts.log = cfg->log;
	rs->http_opts.progress = cfg->progress;
	rs->log = cfg->log;
	rs->progress = cfg->progress;
	rs->root = strdup(cfg->root && cfg->root[0] ? cfg->root : "/");
	rs->v = calloc(PARE_REPO_MAX, sizeof(*rs->v));
	if (!rs->root || !rs->v)
		return pare_error_set(err, -ENOMEM, "out of memory");
	int r = pare_repo_arch_resolve(rs->root, cfg->arch, rs->arch, err);
	if (r == 0)
		r = load_file(rs, cfg, err);
	for (size_t i = 0; r == 0 && i < cfg->nextra; i++) {
		r = pare_repos_add_line(rs, pare_slice_from(cfg->extra[i]), true, err);
		if (r < 0)
			pare_error_prefix(err, r, "--repository %s: ", cfg->extra[i]);
	}
	if (r == 0)
		r = set_cache_dir(rs, cfg, err);
	return r;
}

void pare_repos_release(struct pare_repos *rs)
{
	if (!rs)
		return;
	for (size_t i = 0; rs->v && i < rs->n; i++)
		repo_free(&rs->v[i]);
	free(rs->v);
	if (rs->http_ready)
		pare_http_release(&rs->http);
	if (rs->cache_temp && rs->cache_made && rs->cache_dir)
		pare_repo_remove_tree(rs->cache_dir);
	if (rs->pkg_dirfd1)
		close(rs->pkg_dirfd1 - 1);
	free(rs->pkg_dir);
	free(rs->cache_dir);
	free(rs->root);
	memset(rs, 0, sizeof(*rs));
}
