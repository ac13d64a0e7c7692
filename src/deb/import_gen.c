/* Files that Debian's maintainer scripts would have made, made at import
 * time instead (scripts are never run):
 *   - gconv: a split with `gconv: true` gets gconv-modules.d/NAME.conf with
 *     the `module` lines of the modules it holds and the `alias` lines
 *     naming them, taken from the package's gconv-modules files (which the
 *     set drops, with gconv-modules.cache, so a missing module is never
 *     named);
 *   - the CA bundle: what update-ca-certificates writes with Debian's
 *     default /etc/ca-certificates.conf (every usr/share/ca-certificates
 *     certificate, in bytewise order of the path below that folder, each
 *     ending with a newline) as etc/ssl/certs/ca-certificates.crt;
 *   - update-alternatives links from the set file (with so: provides for
 *     library links);
 *   - pare's own baselayout package.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "deb/import_int.h"
#include "io/atomic.h"
#include "io/stream.h"
#include "split/split.h"

static int effect(struct ideb *d, const char *what)
{
	if (strstr(d->effects.data ? d->effects.data : "", what))
		return 0;
	if (d->effects.len && pare_buf_append_str(&d->effects, ", ") < 0)
		return -PARE_E_TOO_BIG;
	return pare_buf_append_str(&d->effects, what);
}

static int append_file(const char *path, struct pare_buf *b, bool newline, struct pare_error *err)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return pare_error_set(err, -errno, "%s: %s", path, strerror(errno));
	int r = pare_read_fd(fd, b, path, err);
	close(fd);
	if (r == 0 && newline && b->len && b->data[b->len - 1] != '\n' && pare_buf_putc(b, '\n') < 0)
		r = pare_error_set(err, -PARE_E_TOO_BIG, "%s: too big", path);
	return r;
}

static bool wants_gconv(const struct ideb *d)
{
	for (size_t i = 0; d->rules && i < d->rules->nsplits; i++)
		if (d->rules->splits[i].gconv)
			return true;
	return false;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int read_certs(struct imp *m, struct ideb *d, struct pare_error *err)
{
	const char **v = pare_arena_alloc(&m->arena, (d->deb.nentries + 1) * sizeof(*v));
	size_t n = 0;
	if (!v)
		return pare_error_set(err, -ENOMEM, "out of memory");
	for (size_t i = 0; i < d->deb.nentries; i++) {
		const struct pare_deb_entry *e = &d->deb.entries[i];
		if (e->type == PARE_DEB_FILE && pare_split_glob("usr/share/ca-certificates/**.crt", e->path))
			v[n++] = e->path;
	}
	qsort(v, n, sizeof(*v), cmp_str);
	int r = 0;
	for (size_t i = 0; r == 0 && i < n; i++) {
		char p[PATH_MAX];
		imp_pathf(p, sizeof(p), "%s/%s", d->ex, v[i]);
		r = append_file(p, &d->cab, true, err);
	}
	return r;
}

int imp_gen_read_inputs(struct imp *m, struct ideb *d, struct pare_error *err)
{
	int r = 0;
	bool gconv = wants_gconv(d);
	for (size_t i = 0; gconv && r == 0 && i < d->deb.nentries; i++) {
		const struct pare_deb_entry *e = &d->deb.entries[i];
		if (e->type == PARE_DEB_FILE &&
		    pare_split_glob("**/gconv/{gconv-modules,gconv-modules.d/*.conf}", e->path)) {
			char p[PATH_MAX];
			imp_pathf(p, sizeof(p), "%s/%s", d->ex, e->path);
			r = append_file(p, &d->gconv, true, err);
		}
	}
	if (r == 0 && d->rules && d->rules->ca_bundle)
		r = read_certs(m, d, err);
	static const struct {
		unsigned bit;
		const char *name;
	} scripts[] = {
		{ PARE_DEB_SCRIPT_PREINST, "preinst" }, { PARE_DEB_SCRIPT_POSTINST, "postinst" },
		{ PARE_DEB_SCRIPT_PRERM, "prerm" },     { PARE_DEB_SCRIPT_POSTRM, "postrm" },
		{ PARE_DEB_SCRIPT_CONFIG, "config" },
	};
	char buf[128] = "";
	size_t off = 0;
	for (size_t i = 0; i < sizeof(scripts) / sizeof(scripts[0]); i++)
		if (d->deb.scripts & scripts[i].bit)
			off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%s", off ? " " : "",
						scripts[i].name);
	d->rep->scripts = imp_strf(m, "%s", buf);
	return r;
}

/* ---- gconv ---- */

static bool word_in(const char *w, size_t len, const struct pare_strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		if (strlen(l->v[i]) == len && !memcmp(l->v[i], w, len))
			return true;
	return false;
}

/* Split a line into up to 5 words. */
static size_t words(struct pare_slice line, struct pare_slice *w)
{
	size_t n = 0;
	struct pare_slice word;
	while (n < 5 && pare_slice_next_word(&line, &word))
		w[n++] = word;
	return n;
}

static int fragment(struct imp *m, struct ideb *d, struct isub *s, const struct pare_strlist *mods,
		    const char *dir, struct pare_error *err)
{
	struct pare_strlist names = { 0 };
	struct pare_buf out;
	pare_buf_init(&out, 4u << 20);
	int r = pare_buf_appendf(&out, "# %s: gconv modules of this package (written by pare "
				 "import-deb from %s's gconv-modules)\n", s->name, d->name);
	for (int pass = 0; pass < 2 && r == 0; pass++) {
		struct pare_slice text = pare_buf_slice(&d->gconv), line;
		while (r == 0 && pare_slice_split(&text, '\n', &line)) {
			struct pare_slice w[5];
			size_t n = words(line, w);
			if (pass == 0 && n >= 4 && pare_slice_eq_cstr(w[0], "module") &&
			    word_in(w[3].ptr, w[3].len, mods)) {
				r = pare_buf_appendf(&out, "%.*s\n", (int)line.len, line.ptr);
				if (r == 0)
					r = pare_strlist_add(&names, &m->arena, w[1]);
				if (r == 0)
					r = pare_strlist_add(&names, &m->arena, w[2]);
			} else if (pass == 1 && n >= 3 && pare_slice_eq_cstr(w[0], "alias") &&
				   word_in(w[2].ptr, w[2].len, &names)) {
				r = pare_buf_appendf(&out, "%.*s\n", (int)line.len, line.ptr);
			}
		}
	}
	char rel[PATH_MAX];
	imp_pathf(rel, sizeof(rel), "%s/gconv-modules.d/%s.conf", dir, s->name);
	if (r == 0)
		r = imp_write_file(s, rel, out.data, out.len, 0644, err);
	else
		r = pare_error_set(err, r, "%s: gconv fragment too big", s->name);
	pare_buf_release(&out);
	return r;
}

static int gen_gconv(struct imp *m, struct ideb *d, struct isub *s, struct pare_error *err)
{
	struct pare_strlist mods = { 0 };
	char dir[PATH_MAX] = "";
	for (size_t i = 0; i < d->deb.nentries; i++) {
		const struct pare_deb_entry *e = &d->deb.entries[i];
		if (pare_map_get(&m->owners, pare_slice_from(e->path)) != s ||
		    !pare_split_glob("**/gconv/*.so", e->path))
			continue;
		const char *slash = strrchr(e->path, '/');
		if (!dir[0])
			imp_pathf(dir, sizeof(dir), "%.*s", (int)(slash - e->path), e->path);
		if (pare_strlist_add(&mods, &m->arena,
				     pare_slice_make(slash + 1, strlen(slash + 1) - 3)) < 0)
			return pare_error_set(err, -ENOMEM, "out of memory");
	}
	if (!mods.n)
		return 0;
	int r = fragment(m, d, s, &mods, dir, err);
	return r ? r : effect(d, "gconv-modules fragments");
}

/* ---- alternatives ---- */

static int gen_alt(struct imp *m, struct ideb *d, const struct pare_importset_alt *a,
		   struct pare_error *err)
{
	struct isub *s = imp_sub(m, d, a->package ? a->package : d->main, err);
	if (!s)
		return err->code;
	char p[PATH_MAX];
	imp_pathf(p, sizeof(p), "%s/%s", s->tree, a->link);
	int r = imp_mkparents(s->tree, a->link, err);
	if (r == 0 && symlink(a->target, p) < 0)
		return pare_error_set(err, -errno, "%s: alternative %s: %s", d->name, a->link,
				      strerror(errno));
	s->nfiles++;
	if (r == 0 && (imp_add_link(m, s, a->link, a->target) < 0 ||
		       pare_map_put(&m->owners, pare_slice_from(a->link), s, NULL) < 0))
		return pare_error_set(err, -ENOMEM, "out of memory");
	const char *base = strrchr(a->link, '/');
	base = base ? base + 1 : a->link;
	const char *so = strstr(base, ".so.");
	if (r == 0 && so && !strncmp(base, "lib", 3)) {
		char *atom = imp_strf(m, "so:%s=%s", base, so + 4);
		if (!atom || pare_strlist_add(&s->extra_provides, &m->arena, pare_slice_from(atom)) < 0)
			return pare_error_set(err, -ENOMEM, "out of memory");
	}
	return r ? r : effect(d, "update-alternatives links");
}

/* ---- locales ---- */

#define LOCALE_PREFIX "glibc-locale-"
#define LOCALES_ALL "glibc-locales-all"

static int count_files(const char *dir)
{
	DIR *dp = opendir(dir);
	int n = 0;
	struct dirent *de;
	while (dp && (de = readdir(dp)))
		n += de->d_name[0] != '.';
	if (dp)
		closedir(dp);
	return n;
}

/* "en_US.UTF-8" -> input "en_US", charset "UTF-8", folder "en_US.utf8",
 * package "glibc-locale-en-us"; "sr_RS.UTF-8@latin" keeps the modifier. */
static int locale_names(const char *spec, char *input, char *charset, char *dir, char *pkg,
			size_t size)
{
	const char *dot = strchr(spec, '.'), *at = strchr(spec, '@');
	if (!dot || dot == spec || (at && at < dot) || strlen(spec) >= size)
		return -1;
	const char *cend = at ? at : dot + strlen(dot);
	snprintf(input, size, "%.*s%s", (int)(dot - spec), spec, at ? at : "");
	snprintf(charset, size, "%.*s", (int)(cend - dot - 1), dot + 1);
	size_t n = (size_t)snprintf(dir, size, "%.*s.", (int)(dot - spec), spec);
	for (const char *c = dot + 1; c < cend && n + 1 < size; c++)
		if ((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || (*c >= 'A' && *c <= 'Z'))
			dir[n++] = (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
	snprintf(dir + n, size - n, "%s", at ? at : "");
	n = (size_t)snprintf(pkg, size, LOCALE_PREFIX);
	for (const char *c = spec; c < dot && n + 1 < size; c++)
		pkg[n++] = *c == '_' ? '-' : (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
	for (const char *c = at; c && *c && n + 1 < size; c++)
		pkg[n++] = *c == '@' ? '-' : *c;
	pkg[n] = '\0';
	for (char *c = pkg; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-'))
			return -1;
	return 0;
}

/* Take in what one finished localedef made. */
static int locale_done(struct imp *m, struct ijob *j, int st, struct pare_error *err)
{
	/* -c: warnings give exit status 1 with the locale written */
	if (st > 1 || count_files(j->out) == 0)
		return pare_error_set(err, -PARE_E_FORMAT, "%s: localedef %s failed (exit %d)",
				      j->d->name, j->spec, st);
	j->s->nfiles = (size_t)count_files(j->out);
	/* the contents index names them too */
	DIR *dp = opendir(j->out);
	struct dirent *de;
	int r = 0;
	while (r == 0 && dp && (de = readdir(dp))) {
		char *path = de->d_name[0] == '.' || de->d_type == DT_DIR ? NULL
			   : imp_strf(m, "usr/lib/locale/%s/%s", j->dir, de->d_name);
		if (path && pare_map_put(&m->owners, pare_slice_from(path), j->s, NULL) < 0)
			r = -ENOMEM;
	}
	if (dp)
		closedir(dp);
	return r < 0 || pare_strlist_add(&j->all->depends, &m->arena, pare_slice_from(j->s->name)) < 0
		       ? pare_error_set(err, -ENOMEM, "out of memory")
		       : 0;
}

/* Wait for the oldest job; its error, else the first one seen (r). */
static int finish_one(struct imp *m, int r, struct pare_error *err)
{
	struct ijob *j = &m->jobs[m->job0++];
	int st = j->pid > 0 ? imp_wait(j->pid) : 0; /* pid 0: from the cache */
	struct pare_error e = { 0 };
	int k = locale_done(m, j, st, r ? &e : err);
	if (k == 0 && j->pid > 0)
		imp_lcache_put(m, j->key, j->out);
	return r ? r : k;
}

int imp_gen_finish(struct imp *m, struct pare_error *err)
{
	int r = 0;
	while (m->job0 < m->njobs)
		r = finish_one(m, r, err);
	return r;
}

/* localedef compiles each locale in the background, at most maxjobs at a
 * time (one per processor): the import goes on reading the next .deb files
 * meanwhile.  The output does not depend on the order. */
static int gen_locale(struct imp *m, struct ideb *d, struct isub *all, const char *spec,
		      struct pare_error *err)
{
	char input[128], charset[128], dir[128], pkg[128], i18n[PATH_MAX];
	if (locale_names(spec, input, charset, dir, pkg, sizeof(input)) < 0)
		return pare_error_set(err, -PARE_E_FORMAT, "%s: localedef: '%s' is not ll_CC.CHARSET",
				      d->name, spec);
	char *name = imp_strf(m, "%s", pkg);
	struct isub *s = name ? imp_sub(m, d, name, err) : NULL;
	if (!s)
		return name ? err->code : pare_error_set(err, -ENOMEM, "out of memory");
	char *out = imp_strf(m, "%s/usr/lib/locale/%s", s->tree, dir);
	int r = out ? imp_pathf(i18n, sizeof(i18n), "%s/usr/share/i18n", d->ex) : -ENOMEM;
	if (r == 0)
		r = imp_mkparents(s->tree, "usr/lib/locale/x", err);
	else
		return pare_error_set(err, r, "%s: locale %s: path too long", d->name, spec);
	if (r < 0)
		return r;
	if (m->njobs == m->jobs_cap) { /* jobs are only ever used by index */
		size_t cap = m->jobs_cap ? m->jobs_cap * 2 : 64;
		struct ijob *v = realloc(m->jobs, cap * sizeof(*v));
		if (!v)
			return pare_error_set(err, -ENOMEM, "out of memory");
		m->jobs = v;
		m->jobs_cap = cap;
	}
	char *argv[] = { "localedef", "--no-archive", "-c", "-i", input, "-f", charset, out, NULL };
	const char *env[] = { "I18NPATH", i18n, "LC_ALL", "C", NULL, NULL };
	struct ijob *j = &m->jobs[m->njobs];
	*j = (struct ijob){ .d = d, .s = s, .all = all, .spec = spec, .out = out,
			    .dir = imp_strf(m, "%s", dir) };
	if (!j->dir)
		return pare_error_set(err, -ENOMEM, "out of memory");
	imp_lcache_key(m, d, spec, j->key);
	if (imp_lcache_get(m, j->key, out)) { /* compiled by an earlier run: pid 0 */
		m->njobs++;
		return 0;
	}
	/* finish_one() takes jobs[job0] and never touches jobs[njobs] */
	if (m->njobs - m->job0 >= m->maxjobs && (r = finish_one(m, 0, err)) < 0)
		return r;
	r = imp_spawn(argv, env, &j->pid, err);
	m->njobs += r == 0;
	return r;
}

static int gen_locales(struct imp *m, struct ideb *d, struct pare_error *err)
{
	const struct pare_importset_list *l = &d->rules->localedef;
	struct isub *all = imp_sub(m, d, LOCALES_ALL, err);
	if (!all)
		return err->code;
	all->meta = true;
	if (m->maxjobs == 0) {
		long cpus = sysconf(_SC_NPROCESSORS_ONLN);
		m->maxjobs = cpus > 1 ? (size_t)cpus : 1;
	}
	int r = 0;
	for (size_t i = 0; r == 0 && i < l->n; i++)
		r = gen_locale(m, d, all, l->v[i], err);
	return r ? r : effect(d, "locales (localedef)");
}

/* ---- Python byte-code ---- */

#define PYTHON "/usr/bin/python3.11" /* Debian 12's interpreter: the .pyc magic matches */

/* Collect the __pycache__ folders under tree/rel (relative paths), never
 * following symlinks. */
static int find_pycache(struct imp *m, const char *tree, const char *rel, int depth,
			struct pare_strlist *out)
{
	char p[PATH_MAX];
	if (depth > 64 || imp_pathf(p, sizeof(p), "%s/%s", tree, rel) < 0)
		return 0;
	DIR *dp = opendir(p);
	struct dirent *de;
	int r = 0;
	while (r == 0 && dp && (de = readdir(dp))) {
		if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		char *sub = imp_strf(m, "%s/%s", rel, de->d_name);
		if (!sub)
			r = -ENOMEM;
		else if (!strcmp(de->d_name, "__pycache__"))
			r = pare_strlist_add(out, &m->arena, pare_slice_from(sub));
		else
			r = find_pycache(m, tree, sub, depth + 1, out);
	}
	if (dp)
		closedir(dp);
	return r;
}

static bool has_python(const struct isub *s)
{
	char p[PATH_MAX];
	struct stat st;
	static const char *const dirs[] = { "usr/lib/python3", "usr/lib/python3.11" };
	for (size_t i = 0; i < 2; i++)
		if (imp_pathf(p, sizeof(p), "%s/%s", s->tree, dirs[i]) == 0 && stat(p, &st) == 0)
			return true;
	return false;
}

/* Byte-compile the Python files of s (unchecked-hash .pyc, as py3compile
 * would at install) and move every __pycache__ into s's -pyc subpackage. */
static int gen_pyc(struct imp *m, struct ideb *d, struct isub *s, struct pare_error *err)
{
	char lib[PATH_MAX], sde[32];
	int r = imp_pathf(lib, sizeof(lib), "%s/usr/lib", s->tree);
	snprintf(sde, sizeof(sde), "%lld", (long long)d->sde);
	char *argv[] = { PYTHON, "-m", "compileall", "-q", "--invalidation-mode", "unchecked-hash",
			 "-s", s->tree, "-p", "/", lib, NULL };
	const char *env[] = { "SOURCE_DATE_EPOCH", sde, "PYTHONHASHSEED", "0", NULL, NULL };
	if (r == 0)
		r = imp_run(argv, NULL, env, NULL, false, err);
	if (r < 0)
		return r;
	/* exit 1: some file did not compile (Python's own bad-syntax tests) */
	struct pare_strlist dirs = { 0 };
	if (find_pycache(m, s->tree, "usr/lib", 0, &dirs) < 0)
		return pare_error_set(err, -ENOMEM, "out of memory");
	if (!dirs.n)
		return 0;
	char *name = imp_strf(m, "%s-pyc", s->name);
	struct isub *p = name ? imp_sub(m, d, name, err) : NULL;
	if (!p)
		return name ? err->code : pare_error_set(err, -ENOMEM, "out of memory");
	p->pyc_parent = s->name;
	for (size_t i = 0; i < dirs.n; i++) {
		char from[PATH_MAX], to[PATH_MAX];
		if ((r = imp_mkparents(p->tree, dirs.v[i], err)) < 0)
			return r;
		if (imp_pathf(from, sizeof(from), "%s/%s", s->tree, dirs.v[i]) < 0 ||
		    imp_pathf(to, sizeof(to), "%s/%s", p->tree, dirs.v[i]) < 0 || rename(from, to) < 0)
			return pare_error_set(err, -errno, "%s: %s: %s", p->name, dirs.v[i],
					      strerror(errno));
		p->nfiles += (size_t)count_files(to);
	}
	return effect(d, "Python byte-code (compileall, unchecked-hash)");
}

static int gen_pycs(struct imp *m, struct ideb *d, struct pare_error *err)
{
	struct stat st;
	if (stat(PYTHON, &st) < 0)
		return 0;
	size_t n = d->nsubs;
	int r = 0;
	for (size_t i = 0; r == 0 && i < n; i++)
		if (!d->subs[i].suffix && has_python(&d->subs[i]))
			r = gen_pyc(m, d, &d->subs[i], err);
	return r;
}

int imp_gen_files(struct imp *m, struct ideb *d, struct pare_error *err)
{
	int r = 0;
	if (d->ex)
		r = gen_pycs(m, d, err);
	if (r == 0 && d->rules && d->rules->localedef.n && d->ex)
		r = gen_locales(m, d, err);
	for (size_t i = 0; r == 0 && i < d->nsubs; i++)
		if (d->subs[i].rule && d->subs[i].rule->gconv)
			r = gen_gconv(m, d, &d->subs[i], err);
	for (size_t i = 0; r == 0 && d->rules && i < d->rules->nalts; i++)
		r = gen_alt(m, d, &d->rules->alts[i], err);
	if (r == 0 && d->rules && d->rules->ca_bundle && d->cab.len) {
		struct isub *s = imp_sub(m, d, d->rules->ca_bundle, err);
		if (!s)
			return err->code;
		r = imp_write_file(s, "etc/ssl/certs/ca-certificates.crt", d->cab.data, d->cab.len,
				   0644, err);
		if (r == 0)
			r = effect(d, "CA bundle (update-ca-certificates)");
	}
	return r;
}

/* ---- baselayout ---- */

static const char passwd[] =
	"root:x:0:0:root:/root:/bin/sh\n"
	"daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
	"bin:x:2:2:bin:/bin:/usr/sbin/nologin\n"
	"sys:x:3:3:sys:/dev:/usr/sbin/nologin\n"
	"www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\n"
	"nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n";
static const char group[] =
	"root:x:0:\ndaemon:x:1:\nbin:x:2:\nsys:x:3:\nadm:x:4:\ntty:x:5:\ndisk:x:6:\n"
	"mail:x:8:\nwww-data:x:33:\nstaff:x:50:\nusers:x:100:\nnogroup:x:65534:\n";
static const char nsswitch[] =
	"passwd: files\ngroup: files\nshadow: files\ngshadow: files\n\n"
	"hosts: files dns\nnetworks: files\n\nprotocols: files\nservices: files\n"
	"ethers: files\nrpc: files\n";
static const char hosts[] =
	"127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
	"ff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n";
static const char os_release[] =
	"NAME=\"pare\"\nID=pare\nID_LIKE=debian\nPRETTY_NAME=\"pare (glibc, from Debian 12)\"\n"
	"HOME_URL=\"https://example.invalid/pare\"\n";
static const char protocols[] =
	"ip\t0\tIP\nicmp\t1\tICMP\nigmp\t2\tIGMP\ntcp\t6\tTCP\nudp\t17\tUDP\n"
	"ipv6\t41\tIPv6\nipv6-route\t43\tIPv6-Route\nipv6-frag\t44\tIPv6-Frag\n"
	"gre\t47\tGRE\nesp\t50\tIPSEC-ESP\nah\t51\tIPSEC-AH\nipv6-icmp\t58\tIPv6-ICMP\n"
	"ipv6-nonxt\t59\tIPv6-NoNxt\nipv6-opts\t60\tIPv6-Opts\nsctp\t132\tSCTP\n"
	"udplite\t136\tUDPLite\n";
static const char services[] =
	"ftp\t\t21/tcp\nssh\t\t22/tcp\ntelnet\t\t23/tcp\nsmtp\t\t25/tcp\tmail\n"
	"domain\t\t53/tcp\ndomain\t\t53/udp\nhttp\t\t80/tcp\twww\nntp\t\t123/udp\n"
	"https\t\t443/tcp\nhttps\t\t443/udp\nsubmissions\t465/tcp\tssmtp smtps\n"
	"submission\t587/tcp\nldap\t\t389/tcp\nldaps\t\t636/tcp\nimaps\t\t993/tcp\n"
	"pop3s\t\t995/tcp\nmysql\t\t3306/tcp\npostgresql\t5432/tcp\tpostgres\n"
	"redis\t\t6379/tcp\nhttp-alt\t8080/tcp\twebcache\n";

int imp_baselayout_tree(struct imp *m, struct ideb *d, struct pare_error *err)
{
	d->name = d->main = d->source = "baselayout";
	d->version = "";
	d->apkver = "1.0-r0";
	d->arch = "noarch";
	d->synopsis = "Base files of a pare root: accounts, name service, network tables";
	d->url = d->maintainer = d->purl = "";
	d->license = "CC0-1.0";
	d->sde = m->o->source_date_epoch < 0 ? 0 : m->o->source_date_epoch;
	d->rep->scripts = "";
	struct isub *s = imp_sub(m, d, "baselayout", err);
	if (!s)
		return err->code;
	static const struct {
		const char *path, *text;
		mode_t mode;
	} files[] = {
		{ "etc/passwd", passwd, 0644 },   { "etc/group", group, 0644 },
		{ "etc/nsswitch.conf", nsswitch, 0644 }, { "etc/hosts", hosts, 0644 },
		{ "etc/os-release", os_release, 0644 }, { "etc/protocols", protocols, 0644 },
		{ "etc/services", services, 0644 },
	};
	int r = 0;
	for (size_t i = 0; r == 0 && i < sizeof(files) / sizeof(files[0]); i++)
		r = imp_write_file(s, files[i].path, files[i].text, strlen(files[i].text),
				   files[i].mode, err);
	static const struct {
		const char *path;
		mode_t mode;
	} dirs[] = { { "tmp", 01777 }, { "root", 0700 }, { "etc/ssl/certs", 0755 },
		     { "var/tmp", 01777 }, { "run", 0755 }, { "home", 0755 } };
	for (size_t i = 0; r == 0 && i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		char p[PATH_MAX];
		imp_pathf(p, sizeof(p), "%s/%s", s->tree, dirs[i].path);
		r = pare_mkdir_p(p, 0755, err);
		if (r == 0 && chmod(p, dirs[i].mode) < 0)
			r = pare_error_set(err, -errno, "%s: %s", p, strerror(errno));
	}
	return r;
}
