/* The compiled-locale cache of pare import-deb (see import.h,
 * locale_cache): localedef's output for one locale is a pure function of
 * the locale sources (the .deb holding usr/share/i18n), the locale name
 * and the localedef program, so a later import of the same .deb reuses it
 * instead of compiling again (localedef is most of an import's work beyond
 * decompressing and compressing).
 *
 * Layout: CACHE/KEY/ holds the files localedef wrote (two levels:
 * LC_* and LC_MESSAGES/SYS_LC_MESSAGES), KEY = SHA-256 (hex) of
 * "pare-localedef-1", the locale spec, the .deb file's SHA-256 and the
 * output of `localedef --version`, NUL-separated.  An entry is made in
 * CACHE/.tmp-KEY-XXXXXX and renamed into place, so a reader sees whole
 * entries only.  Failures to write the cache are ignored (it is a cache);
 * a hit is copied (hard links when the cache is on the same file system).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "deb/import_int.h"
#include "io/atomic.h"
#include "io/digest.h"
#include "io/stream.h"
#include "io/tree.h"

#define LCACHE_MAX_DEPTH 2
#define LCACHE_MAX_FILE (256u << 20)

static int copy_file(const char *from, const char *to)
{
	if (link(from, to) == 0)
		return 0;
	int in = open(from, O_RDONLY | O_NOFOLLOW | O_CLOEXEC), r = 0;
	int out = in < 0 ? -1 : open(to, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (in < 0 || out < 0)
		r = -errno;
	if (r == 0) {
		struct pare_fd_stream fs;
		struct pare_ostream os;
		struct pare_error e = { 0 };
		pare_fd_ostream_init(&fs, &os, out, to);
		r = pare_copy_fd(in, &os, LCACHE_MAX_FILE, from, &e);
	}
	if (in >= 0)
		close(in);
	if (out >= 0 && close(out) < 0 && r == 0)
		r = -errno;
	return r;
}

/* Copy the regular files and folders of from into to (made), at most
 * LCACHE_MAX_DEPTH levels; anything else is skipped. */
static int copy_tree(const char *from, const char *to, int depth)
{
	if (mkdir(to, 0755) < 0 && errno != EEXIST)
		return -errno;
	DIR *dp = opendir(from);
	if (!dp)
		return -errno;
	struct dirent *de;
	int r = 0;
	while (r == 0 && (de = readdir(dp))) {
		char f[PATH_MAX], t[PATH_MAX];
		struct stat st;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (imp_pathf(f, sizeof(f), "%s/%s", from, de->d_name) < 0 ||
		    imp_pathf(t, sizeof(t), "%s/%s", to, de->d_name) < 0 || lstat(f, &st) < 0)
			r = -PARE_E_TOO_BIG;
		else if (S_ISDIR(st.st_mode) && depth < LCACHE_MAX_DEPTH)
			r = copy_tree(f, t, depth + 1);
		else if (S_ISREG(st.st_mode))
			r = copy_file(f, t);
	}
	closedir(dp);
	return r;
}

/* The localedef program's identity, once per run ("" when it cannot be
 * asked: then nothing is cached). */
static const char *localedef_id(struct imp *m)
{
	if (m->localedef_id)
		return m->localedef_id;
	struct pare_buf b;
	struct pare_error err = { 0 };
	pare_buf_init(&b, 64 * 1024);
	char *argv[] = { "localedef", "--version", NULL };
	int st = imp_run(argv, NULL, NULL, &b, false, &err);
	m->localedef_id = st == 0 && b.len ? imp_strf(m, "%.*s", (int)b.len, b.data) : "";
	if (!m->localedef_id)
		m->localedef_id = "";
	pare_buf_release(&b);
	return m->localedef_id;
}

int imp_lcache_key(struct imp *m, struct ideb *d, const char *spec, char key[65])
{
	key[0] = '\0';
	const char *id = localedef_id(m);
	if (!m->o->locale_cache || !id[0] || !d->file)
		return 0;
	if (!d->file_sha256[0]) {
		struct pare_digest_value v;
		int fd = open(d->file, O_RDONLY | O_CLOEXEC);
		int r = fd < 0 ? -errno : pare_digest_fd(fd, PARE_DIGEST_SHA256, &v);
		if (fd >= 0)
			close(fd);
		if (r < 0)
			return 0;
		pare_hex_encode(v.bytes, v.len, d->file_sha256);
	}
	struct pare_digest h;
	struct pare_digest_value v;
	int r = pare_digest_init(&h, PARE_DIGEST_SHA256);
	const char *parts[] = { "pare-localedef-1", spec, d->file_sha256, id };
	for (size_t i = 0; r == 0 && i < sizeof(parts) / sizeof(parts[0]); i++)
		r = pare_digest_update(&h, parts[i], strlen(parts[i]) + 1);
	if (r == 0)
		r = pare_digest_final(&h, &v);
	pare_digest_release(&h);
	if (r == 0)
		pare_hex_encode(v.bytes, v.len, key);
	return 0;
}

bool imp_lcache_get(struct imp *m, const char *key, const char *out)
{
	char p[PATH_MAX];
	struct stat st;
	if (!key[0] || imp_pathf(p, sizeof(p), "%s/%s", m->o->locale_cache, key) < 0 ||
	    stat(p, &st) < 0 || !S_ISDIR(st.st_mode))
		return false;
	if (copy_tree(p, out, 1) == 0)
		return true;
	pare_tree_remove(out); /* a half copy: compile instead */
	return false;
}

void imp_lcache_put(struct imp *m, const char *key, const char *out)
{
	char tmp[PATH_MAX], final[PATH_MAX];
	struct pare_error err = { 0 };
	if (!key[0] || pare_mkdir_p(m->o->locale_cache, 0755, &err) < 0 ||
	    imp_pathf(final, sizeof(final), "%s/%s", m->o->locale_cache, key) < 0 ||
	    imp_pathf(tmp, sizeof(tmp), "%s/.tmp-%s-XXXXXX", m->o->locale_cache, key) < 0 ||
	    !mkdtemp(tmp))
		return;
	if (copy_tree(out, tmp, 1) < 0 || chmod(tmp, 0755) < 0 || rename(tmp, final) < 0)
		pare_tree_remove(tmp); /* another run made it first, or no room */
}
