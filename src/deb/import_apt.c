/* Debian packages through apt (see import.h, pare_apt_fetch): apt-cache to
 * look names up and follow dependencies, apt-get download to fetch what the
 * cache lacks.  Commands run with an argv (no shell), stdin from /dev/null,
 * their output bounded. */
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/hashmap.h"
#include "deb/deb.h"
#include "deb/import_int.h"
#include "io/child.h"
#include "io/atomic.h"
#include "io/stream.h"

#define APT_MAX_OUTPUT (8u << 20)
#define APT_MAX_PKGS 20000u
#define APT_BATCH 64
#define APT_LOOKUP_BATCH 256

struct apkg {
	const char *name, *version, *arch, *file;
	char *para; /* the control paragraph apt-cache printed */
};

struct apt {
	const struct pare_apt_opts *o;
	struct pare_arena *a;
	struct apkg *v;
	size_t n, cap;
	struct pare_map chosen; /* name and Provides -> struct apkg index + 1 */
	struct pare_map paras;  /* name -> its downloadable paragraph (batch lookups) */
	struct pare_map tried;  /* names already asked for in a batch */
	const char **queue;
	size_t nq, qcap, qpos;
};

static int run(char *const argv[], const char *cwd, struct pare_buf *out, bool keep_err,
	       struct pare_error *err)
{
	return imp_run(argv, cwd, NULL, out, keep_err, err);
}

/* Fork argv with stdin from /dev/null, stdout to out_fd (-1: /dev/null),
 * stderr to out_fd when keep_err (else /dev/null), in cwd, env added. */
static pid_t start(char *const argv[], const char *cwd, const char *const *env, int out_fd,
		   bool keep_err)
{
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	int devnull = open("/dev/null", O_RDWR);
	int out = out_fd >= 0 ? out_fd : devnull;
	if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(out, 1) < 0 ||
	    dup2(keep_err ? out : devnull, 2) < 0 || (cwd && chdir(cwd) < 0))
		_exit(127);
	for (size_t i = 0; env && env[i] && env[i + 1]; i += 2)
		if (setenv(env[i], env[i + 1], 1) < 0)
			_exit(127);
	execvp(argv[0], argv);
	_exit(127);
}

int imp_wait(pid_t pid)
{
	int st;
	if (pare_wait_child(pid, &st) < 0)
		return 128;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

int imp_spawn(char *const argv[], const char *const *env, pid_t *pid, struct pare_error *err)
{
	*pid = start(argv, NULL, env, -1, false);
	return *pid < 0 ? pare_error_set(err, -errno, "fork: %s", strerror(errno)) : 0;
}

int imp_run(char *const argv[], const char *cwd, const char *const *env, struct pare_buf *out,
	    bool keep_err, struct pare_error *err)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return pare_error_set(err, -errno, "pipe: %s", strerror(errno));
	pid_t pid = start(argv, cwd, env, p[1], keep_err);
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return pare_error_set(err, -errno, "fork: %s", strerror(errno));
	}
	close(p[1]);
	char chunk[65536];
	ssize_t k;
	int r = 0;
	while ((k = pare_read_some(p[0], chunk, sizeof(chunk))) > 0)
		if (r == 0 && out && pare_buf_append(out, chunk, (size_t)k) < 0)
			r = pare_error_set(err, -PARE_E_TOO_BIG, "%s: output too big", argv[0]);
	close(p[0]);
	int st = imp_wait(pid);
	return r < 0 ? r : st;
}

/* The first paragraph of apt-cache's output that apt can download (has a
 * Filename: the dpkg status of a locally installed version has none). */
static char *first_para(struct apt *t, struct pare_slice text)
{
	while (text.len) {
		struct pare_slice para = text;
		for (size_t i = 0; i + 1 < text.len; i++)
			if (text.ptr[i] == '\n' && text.ptr[i + 1] == '\n') {
				para.len = i + 1;
				break;
			}
		bool has_file = false;
		for (size_t i = 0; i + 10 <= para.len && !has_file; i++)
			has_file = (i == 0 || para.ptr[i - 1] == '\n') && !memcmp(para.ptr + i, "Filename:", 9);
		if (has_file)
			return pare_arena_strdup(t->a, para);
		text = pare_slice_sub(text, para.len, text.len - para.len);
		while (text.len && text.ptr[0] == '\n')
			text = pare_slice_sub(text, 1, text.len - 1);
	}
	return NULL;
}

static int show(struct apt *t, const char *spec, char **para, struct pare_error *err)
{
	struct pare_buf b;
	pare_buf_init(&b, APT_MAX_OUTPUT);
	char *argv[] = { "apt-cache", "show", "--no-all-versions", (char *)spec, NULL };
	int r = run(argv, NULL, &b, false, err);
	*para = NULL;
	if (r == 0 && b.len > 0)
		*para = first_para(t, pare_buf_slice(&b));
	if (r == 0 && b.len > 0 && !*para) { /* the candidate is installed only: all versions */
		char *all[] = { "apt-cache", "show", (char *)spec, NULL };
		pare_buf_reset(&b);
		r = run(all, NULL, &b, false, err);
		if (r == 0)
			*para = first_para(t, pare_buf_slice(&b));
	}
	pare_buf_release(&b);
	return r < 0 ? r : 0;
}

/* A real package providing the virtual name (apt-cache showpkg's Reverse
 * Provides): one already chosen, else the first listed. */
static int provider(struct apt *t, const char *name, char *out, size_t size,
		    struct pare_error *err)
{
	struct pare_buf b;
	pare_buf_init(&b, APT_MAX_OUTPUT);
	char *argv[] = { "apt-cache", "showpkg", (char *)name, NULL };
	int r = run(argv, NULL, &b, false, err);
	out[0] = '\0';
	const char *rp = r == 0 && b.data ? strstr(b.data, "\nReverse Provides: \n") : NULL;
	if (rp) {
		struct pare_slice text = pare_slice_from(rp + 20), line, word;
		while (pare_slice_split(&text, '\n', &line) && pare_slice_next_word(&line, &word)) {
			if (!out[0] || pare_map_get(&t->chosen, word))
				snprintf(out, size, "%.*s", (int)word.len, word.ptr);
			if (pare_map_get(&t->chosen, word))
				break;
		}
	}
	pare_buf_release(&b);
	return r < 0 ? r : 0;
}

static int enqueue(struct apt *t, struct pare_slice name)
{
	if (t->nq == t->qcap) {
		size_t cap = t->qcap ? 2 * t->qcap : 64;
		const char **nq = pare_arena_alloc(t->a, cap * sizeof(*nq));
		if (!nq)
			return -ENOMEM;
		if (t->nq)
			memcpy(nq, t->queue, t->nq * sizeof(*nq));
		t->queue = nq;
		t->qcap = cap;
	}
	t->queue[t->nq] = pare_arena_strdup(t->a, name);
	return t->queue[t->nq++] ? 0 : -ENOMEM;
}

static bool script_only(const struct apt *t, struct pare_slice name)
{
	const struct pare_importset *s = t->o->set;
	for (size_t i = 0; s && i < s->script_only.n; i++)
		if (pare_slice_eq_cstr(name, s->script_only.v[i]))
			return true;
	return false;
}

/* Queue the dependencies of one field: per group the alternative already
 * chosen, else the first. */
static int follow(struct apt *t, struct pare_slice field, struct pare_error *err)
{
	struct pare_deb_deplist l;
	int r = pare_deb_deps_parse(field, &l, err);
	for (size_t g = 0; r == 0 && g < l.ngroups; g++) {
		const struct pare_deb_depgroup *grp = &l.groups[g];
		bool have = false;
		for (size_t i = 0; i < grp->n && !have; i++)
			have = pare_map_get(&t->chosen, l.deps[grp->first + i].name) != NULL;
		struct pare_slice first = l.deps[grp->first].name;
		if (!have && !script_only(t, first))
			r = enqueue(t, first);
	}
	pare_deb_deplist_release(&l);
	return r;
}

static int choose(struct apt *t, const char *para, struct pare_deb_pkginfo *info,
		  struct pare_error *err)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 128;
		struct apkg *nv = pare_arena_zalloc(t->a, cap * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		if (t->n)
			memcpy(nv, t->v, t->n * sizeof(*nv));
		t->v = nv;
		t->cap = cap;
	}
	struct apkg *p = &t->v[t->n++];
	p->para = (char *)para;
	p->name = pare_arena_strdup(t->a, info->package);
	p->version = pare_arena_strdup(t->a, info->version);
	p->arch = pare_arena_strdup(t->a, info->architecture);
	void *idx = (void *)(uintptr_t)t->n;
	int r = pare_map_put(&t->chosen, pare_slice_from(p->name), idx, NULL);
	struct pare_deb_deplist l;
	if (r == 0 && pare_deb_deps_parse(info->provides, &l, err) == 0)
		for (size_t i = 0; r == 0 && i < l.ndeps; i++)
			if (!pare_map_get(&t->chosen, l.deps[i].name))
				r = pare_map_put(&t->chosen, l.deps[i].name, idx, NULL);
	pare_deb_deplist_release(&l);
	if (r == 0 && t->o->closure) {
		r = follow(t, info->pre_depends, err);
		if (r == 0)
			r = follow(t, info->depends, err);
	}
	return r;
}

/* Look one queued spec up ("NAME", "NAME=VERSION", "NAME:any"). */
static int lookup(struct apt *t, const char *spec, struct pare_error *err)
{
	char name[512];
	snprintf(name, sizeof(name), "%s", spec);
	char *colon = strchr(name, ':');
	if (colon && !strchr(name, '='))
		*colon = '\0';
	char *eq = strchr(name, '=');
	struct pare_slice key = pare_slice_make(name, eq ? (size_t)(eq - name) : strlen(name));
	if (pare_map_get(&t->chosen, key))
		return 0;
	char *para = eq ? NULL : pare_map_get(&t->paras, key);
	int r = para ? 0 : show(t, name, &para, err);
	if (r == 0 && !para && !eq) {
		char prov[256];
		r = provider(t, name, prov, sizeof(prov), err);
		if (r == 0 && prov[0] && pare_map_get(&t->chosen, pare_slice_from(prov)))
			return 0;
		if (r == 0 && prov[0])
			r = show(t, prov, &para, err);
	}
	if (r < 0)
		return r;
	if (!para)
		return pare_error_set(err, -PARE_E_NOT_FOUND, "%s: no such package in apt's lists", spec);
	struct pare_deb_pkginfo info;
	r = pare_deb_pkginfo_parse(pare_slice_from(para), &info, err);
	if (r == 0 && pare_map_get(&t->chosen, info.package))
		return 0;
	return r < 0 ? r : choose(t, para, &info, err);
}

/* One apt-cache call for the plain names queued from qpos on (apt-cache
 * per name is most of a large closure's time); what it finds is kept in
 * t->paras, the rest is looked up one by one. */
static int prefetch(struct apt *t, struct pare_error *err)
{
	char *argv[APT_LOOKUP_BATCH + 4];
	size_t n = 0;
	argv[n++] = "apt-cache";
	argv[n++] = "show";
	argv[n++] = "--no-all-versions";
	for (size_t i = t->qpos; i < t->nq && n < APT_LOOKUP_BATCH + 3; i++) {
		struct pare_slice k = pare_slice_from(t->queue[i]);
		if (strpbrk(t->queue[i], "=:") || pare_map_get(&t->chosen, k) ||
		    pare_map_get(&t->tried, k))
			continue;
		if (pare_map_put(&t->tried, k, (void *)1, NULL) < 0)
			return -ENOMEM;
		argv[n++] = (char *)t->queue[i];
	}
	argv[n] = NULL;
	if (n == 3)
		return 0;
	struct pare_buf b;
	pare_buf_init(&b, 64u << 20);
	int r = run(argv, NULL, &b, false, err);
	struct pare_slice text = pare_buf_slice(&b);
	while (r >= 0 && text.len) {
		char *para = first_para(t, text);
		if (!para)
			break;
		const char *at = strstr(b.data + (text.ptr - b.data), para);
		text = at ? pare_slice_sub(text, (size_t)(at - text.ptr) + strlen(para),
					   text.len - (size_t)(at - text.ptr) - strlen(para))
			  : pare_slice_make(NULL, 0);
		if (strncmp(para, "Package: ", 9) != 0)
			continue;
		struct pare_slice name = pare_slice_make(para + 9, strcspn(para + 9, "\n"));
		if (!pare_map_get(&t->paras, name) && pare_map_put(&t->paras, name, para, NULL) < 0)
			r = -ENOMEM;
	}
	pare_buf_release(&b);
	return r < 0 ? r : 0;
}

/* NAME_VERSION_ARCH.deb, as apt-get download names it (':' as "%3a"). */
static char *deb_file(struct apt *t, const struct apkg *p)
{
	char buf[1024];
	size_t n = (size_t)snprintf(buf, sizeof(buf), "%s/%s_", t->o->cache_dir, p->name);
	for (const char *c = p->version; *c && n + 4 < sizeof(buf); c++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, *c == ':' ? "%%3a" : "%c", *c);
	snprintf(buf + n, sizeof(buf) - n, "_%s.deb", p->arch);
	return pare_arena_strdup(t->a, pare_slice_from(buf));
}

/* The last line of apt's output starting with "E: ". */
static void apt_error(const struct pare_buf *b, char *out, size_t size)
{
	out[0] = '\0';
	const char *e = NULL;
	for (const char *p = b->data; p && (p = strstr(p, "E: ")); p += 3)
		if (p == b->data || p[-1] == '\n')
			e = p;
	if (e)
		snprintf(out, size, ": %.*s", (int)strcspn(e, "\n"), e);
}

static int download(struct apt *t, const char **specs, size_t n, struct pare_error *err)
{
	char *argv[APT_BATCH + 4];
	size_t k = 0;
	argv[k++] = "apt-get";
	argv[k++] = "-q";
	argv[k++] = "download";
	for (size_t i = 0; i < n; i++)
		argv[k++] = (char *)specs[i];
	argv[k] = NULL;
	pare_log_info(t->o->log, "Downloading %zu Debian packages with apt-get", n);
	struct pare_buf b;
	pare_buf_init(&b, APT_MAX_OUTPUT);
	int r = run(argv, t->o->cache_dir, &b, true, err);
	char why[512];
	apt_error(&b, why, sizeof(why));
	pare_buf_release(&b);
	if (r > 0 && n > 1) /* name the package that failed */
		for (size_t i = 0; i < n; i++)
			if ((r = download(t, specs + i, 1, err)) < 0)
				return r;
	if (r > 0)
		return pare_error_set(err, -PARE_E_NOT_FOUND, "apt-get download %s failed (exit %d)%s",
				      specs[0], r, why);
	return r;
}

static int fetch_missing(struct apt *t, struct pare_error *err)
{
	const char *specs[APT_BATCH];
	size_t n = 0;
	int r = 0;
	for (size_t i = 0; r == 0 && i <= t->n; i++) {
		if (i < t->n) {
			struct apkg *p = &t->v[i];
			p->file = deb_file(t, p);
			if (!p->file)
				return pare_error_set(err, -ENOMEM, "out of memory");
			if (access(p->file, R_OK) == 0)
				continue;
			specs[n] = pare_arena_strdup(t->a, pare_slice_from(p->name));
			char *spec = malloc(strlen(p->name) + strlen(p->version) + 2);
			if (!spec)
				return pare_error_set(err, -ENOMEM, "out of memory");
			snprintf(spec, strlen(p->name) + strlen(p->version) + 2, "%s=%s", p->name,
				 p->version);
			specs[n++] = pare_arena_strdup(t->a, pare_slice_from(spec));
			free(spec);
		}
		if (n && (n == APT_BATCH || i == t->n)) {
			r = download(t, specs, n, err);
			n = 0;
		}
	}
	for (size_t i = 0; r == 0 && i < t->n; i++)
		if (access(t->v[i].file, R_OK) < 0)
			r = pare_error_set(err, -PARE_E_NOT_FOUND, "%s: not downloaded", t->v[i].file);
	return r;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int pare_apt_fetch(const struct pare_apt_opts *o, const char *const *names, size_t n,
		   struct pare_arena *a, const char ***paths, size_t *npaths,
		   struct pare_error *err)
{
	struct apt t = { .o = o, .a = a };
	pare_map_init(&t.chosen);
	pare_map_init(&t.paras);
	pare_map_init(&t.tried);
	int r = pare_mkdir_p(o->cache_dir, 0755, err);
	for (size_t i = 0; r == 0 && i < n; i++)
		r = enqueue(&t, pare_slice_from(names[i]));
	for (; r == 0 && t.qpos < t.nq; t.qpos++) {
		if (t.n >= APT_MAX_PKGS)
			r = pare_error_set(err, -PARE_E_TOO_BIG, "more than %u packages", APT_MAX_PKGS);
		else if (pare_map_get(&t.tried, pare_slice_from(t.queue[t.qpos])) ||
			 (r = prefetch(&t, err)) == 0) /* one call per level of the search */
			r = lookup(&t, t.queue[t.qpos], err);
	}
	if (r == -ENOMEM)
		pare_error_set(err, r, "out of memory");
	if (r == 0)
		r = fetch_missing(&t, err);
	if (r == 0) {
		*paths = pare_arena_alloc(a, (t.n + 1) * sizeof(**paths));
		if (!*paths)
			r = pare_error_set(err, -ENOMEM, "out of memory");
		for (size_t i = 0; r == 0 && i < t.n; i++)
			(*paths)[i] = t.v[i].file;
		*npaths = r == 0 ? t.n : 0;
		if (r == 0)
			qsort(*paths, t.n, sizeof(**paths), cmp_str);
	}
	pare_map_release(&t.chosen);
	pare_map_release(&t.paras);
	pare_map_release(&t.tried);
	return r;
}

/* One value of os-release (unquoted), or "" when absent. */
static void os_release_value(const char *text, const char *key, char *out, size_t size)
{
	size_t klen = strlen(key);
	out[0] = '\0';
	for (const char *line = text, *nl; *line; line = nl ? nl + 1 : line + strlen(line)) {
		nl = strchr(line, '\n');
		if (strncmp(line, key, klen) != 0 || line[klen] != '=')
			continue;
		const char *v = line + klen + 1;
		size_t n = strcspn(v, "\n");
		if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
			v++;
			n -= 2;
		}
		snprintf(out, size, "%.*s", (int)(n < size ? n : size - 1), v);
		return;
	}
}

const char *imp_host_distro(struct imp *m)
{
	char text[8192], id[64], ver[64];
	int fd = open("/etc/os-release", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : pare_read_some(fd, text, sizeof(text) - 1);
	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return "";
	text[n] = '\0';
	os_release_value(text, "ID", id, sizeof(id));
	os_release_value(text, "VERSION_ID", ver, sizeof(ver));
	if (strcmp(id, "debian") != 0 || !ver[0])
		return "";
	const char *d = imp_strf(m, "debian-%s", ver);
	return d ? d : "";
}
