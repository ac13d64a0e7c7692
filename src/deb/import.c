/* pare import-deb: reading, splitting and writing (see import.h). */
#include "deb/import_int.h"

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "apk/arch.h"
#include "apk/mkpkg.h"
#include "io/atomic.h"
#include "io/stream.h"
#include "io/tree.h"
#include "split/split.h"

char *imp_strf(struct imp *m, const char *fmt, ...)
{
	char buf[4096];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return NULL;
	return pare_arena_strdup(&m->arena, pare_slice_make(buf, (size_t)n));
}

int imp_pathf(char *out, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(out, size, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size) {
		out[0] = '\0';
		return -PARE_E_TOO_BIG;
	}
	return 0;
}

int imp_mkparents(const char *base, const char *rel, struct pare_error *err)
{
	char p[PATH_MAX];
	int n = imp_pathf(p, sizeof(p), "%s/%s", base, rel);
	if (n < 0 || (size_t)n >= sizeof(p))
		return pare_error_set(err, -PARE_E_TOO_BIG, "%s: path too long", rel);
	for (char *s = p + strlen(base) + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			return pare_error_set(err, -errno, "%s: %s", p, strerror(errno));
		*s = '/';
	}
	return 0;
}

struct isub *imp_sub(struct imp *m, struct ideb *d, const char *name, struct pare_error *err)
{
	for (size_t i = 0; i < d->nsubs; i++)
		if (!strcmp(d->subs[i].name, name))
			return &d->subs[i];
	if (d->nsubs == IMP_MAX_SUBS) {
		pare_error_set(err, -PARE_E_TOO_BIG, "%s: more than %u subpackages", d->name,
			       IMP_MAX_SUBS);
		return NULL;
	}
	struct isub *s = &d->subs[d->nsubs];
	memset(s, 0, sizeof(*s));
	s->name = name;
	s->deb = d;
	s->suffix = pare_split_suffix_of(d->main, name);
	for (size_t k = 0; d->rules && k < d->rules->nsplits; k++)
		if (!strcmp(d->rules->splits[k].name, name))
			s->rule = &d->rules->splits[k];
	s->tree = imp_strf(m, "%s/s%zu/%s", m->tmp, (size_t)(d - m->debs), name);
	if (!s->tree || pare_mkdir_p(s->tree, 0755, err) < 0) {
		if (!s->tree)
			pare_error_set(err, -ENOMEM, "out of memory");
		return NULL;
	}
	d->nsubs++;
	return s;
}

int imp_write_file(struct isub *s, const char *rel, const char *data, size_t len, mode_t mode,
		   struct pare_error *err)
{
	int r = imp_mkparents(s->tree, rel, err);
	if (r < 0)
		return r;
	char p[PATH_MAX];
	imp_pathf(p, sizeof(p), "%s/%s", s->tree, rel);
	int fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0)
		return pare_error_set(err, -errno, "%s: %s", p, strerror(errno));
	r = pare_write_all(fd, data, len);
	if (r < 0)
		r = pare_error_set(err, r, "%s: %s", p, strerror(-r));
	fchmod(fd, mode);
	close(fd);
	s->nfiles++;
	return r;
}

int imp_add_link(struct imp *m, struct isub *s, const char *path, const char *target)
{
	char *t = imp_strf(m, "%s\n%s", path, target);
	return t ? pare_strlist_add(&s->links, &m->arena, pare_slice_from(t)) : -ENOMEM;
}

/* ---- reading one .deb ---- */

static char *dup_slice(struct imp *m, struct pare_slice s)
{
	return pare_arena_strdup(&m->arena, s.ptr ? s : PARE_SLICE_LIT(""));
}

static int licence_cb(void *ctx, struct pare_slice name)
{
	struct pare_buf *b = ctx;
	if (b->len && pare_buf_append_str(b, " AND ") < 0)
		return -PARE_E_TOO_BIG;
	for (size_t i = 0; i < name.len; i++)
		if (pare_buf_putc(b, name.ptr[i] == ' ' ? '-' : name.ptr[i]) < 0)
			return -PARE_E_TOO_BIG;
	return 0;
}

/* The DEP-5 licences of usr/share/doc/NAME/copyright (a regular file). */
static void read_licence(struct imp *m, struct ideb *d)
{
	char p[PATH_MAX];
	imp_pathf(p, sizeof(p), "%s/usr/share/doc/%s/copyright", d->ex, d->name);
	int fd = open(p, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	d->license = "";
	if (fd < 0)
		return;
	struct pare_buf text, lic;
	pare_buf_init(&text, 1u << 20);
	pare_buf_init(&lic, 1000);
	struct pare_error e = { 0 };
	int k = pare_read_fd(fd, &text, p, &e);
	close(fd);
	if (k == 0 && pare_deb_copyright_licenses(pare_buf_slice(&text), licence_cb, &lic, &e) == 0 &&
	    lic.len)
		d->license = dup_slice(m, pare_buf_slice(&lic));
	pare_buf_release(&text);
	pare_buf_release(&lic);
}

static int map_version(struct imp *m, struct ideb *d, struct pare_error *err)
{
	struct pare_buf b;
	pare_buf_init(&b, 1024);
	int r = pare_deb_version_to_apk(d->info.version, &b, err);
	if (r == 0)
		d->apkver = dup_slice(m, pare_buf_slice(&b));
	pare_buf_reset(&b);
	if (r == 0 && (r = pare_deb_purl(PARE_SLICE_LIT("debian"), d->info.package, d->info.version,
					  d->info.architecture, &b)) == 0)
		r = m->distro[0] ? pare_deb_purl_qualifier(&b, "distro", pare_slice_from(m->distro)) : 0;
	if (r == 0)
		d->purl = dup_slice(m, pare_buf_slice(&b));
	pare_buf_release(&b);
	if (r == 0 && (!d->apkver || !d->purl))
		r = pare_error_set(err, -ENOMEM, "out of memory");
	return r;
}

static int read_meta(struct imp *m, struct ideb *d, struct pare_error *err)
{
	int r = pare_deb_pkginfo_parse(pare_deb_control_text(&d->deb), &d->info, err);
	if (r < 0)
		return r;
	d->name = dup_slice(m, d->info.package);
	d->version = dup_slice(m, d->info.version);
	d->source = dup_slice(m, d->info.source);
	d->synopsis = dup_slice(m, d->info.synopsis);
	d->url = dup_slice(m, d->info.homepage);
	d->maintainer = dup_slice(m, d->info.maintainer);
	if (pare_slice_eq_cstr(d->info.architecture, "all"))
		d->arch = "noarch";
	else if (!(d->arch = pare_deb_arch_to_apk(d->info.architecture)))
		return pare_error_set(err, -PARE_E_UNSUPPORTED, "%s: architecture '%.*s' unknown",
				      d->file, (int)d->info.architecture.len,
				      d->info.architecture.ptr);
	if ((r = map_version(m, d, err)) < 0)
		return r;
	d->rules = pare_importset_find(m->o->set, d->name);
	d->main = d->rules ? d->rules->name : d->name;
	d->sde = m->o->source_date_epoch;
	for (size_t i = 0; d->sde < 0 && i < d->deb.nentries; i++)
		if (d->deb.entries[i].mtime > d->sde)
			d->sde = d->deb.entries[i].mtime;
	if (d->sde < 0)
		d->sde = 0;
	read_licence(m, d);
	return 0;
}

static int load_deb(struct imp *m, struct ideb *d, struct pare_error *err)
{
	d->ex = imp_strf(m, "%s/x%zu", m->tmp, (size_t)(d - m->debs));
	if (!d->ex)
		return pare_error_set(err, -ENOMEM, "out of memory");
	if (mkdir(d->ex, 0700) < 0)
		return pare_error_set(err, -errno, "%s: %s", d->ex, strerror(errno));
	int fd = open(d->file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return pare_error_set(err, -errno, "%s: %s", d->file, strerror(errno));
	struct pare_root root;
	int r = pare_root_open(&root, d->ex, err);
	if (r == 0) {
		r = pare_deb_extract(fd, d->file, NULL, &root, NULL, &d->deb, err);
		pare_root_release(&root);
	}
	close(fd);
	if (r == 0)
		r = read_meta(m, d, err);
	return r;
}

/* ---- splitting ---- */

static int custom_rules(struct imp *m, const struct ideb *d, struct pare_split_custom **out,
			size_t *n)
{
	const struct pare_importset_pkg *p = d->rules;
	*n = 0;
	*out = NULL;
	if (!p)
		return 0;
	size_t total = p->drop.n;
	for (size_t i = 0; i < p->nsplits; i++)
		total += p->splits[i].globs.n;
	*out = pare_arena_alloc(&m->arena, (total + 1) * sizeof(**out));
	if (!*out)
		return -ENOMEM;
	for (size_t i = 0; i < p->drop.n; i++)
		(*out)[(*n)++] = (struct pare_split_custom){ p->drop.v[i], PARE_SPLIT_DROP };
	for (size_t i = 0; i < p->nsplits; i++)
		for (size_t k = 0; k < p->splits[i].globs.n; k++)
			(*out)[(*n)++] = (struct pare_split_custom){ p->splits[i].globs.v[k],
								     p->splits[i].name };
	return 0;
}

static bool is_licence(const char *path)
{
	return pare_split_glob("usr/share/doc/*/{copyright,LICENSE*,LICENCE*,COPYING*}", path);
}

/* Move one non-directory entry into its subpackage's tree. */
static int move_entry(struct imp *m, struct ideb *d, const struct pare_deb_entry *e,
		      const char *name, struct pare_error *err)
{
	if (!strcmp(name, PARE_SPLIT_DROP)) {
		d->rep->ndropped++;
		d->rep->dropped_bytes += e->size;
		return 0;
	}
	struct isub *s = imp_sub(m, d, name, err);
	if (!s)
		return err->code;
	int r = imp_mkparents(s->tree, e->path, err);
	char from[PATH_MAX], to[PATH_MAX];
	imp_pathf(from, sizeof(from), "%s/%s", d->ex, e->path);
	imp_pathf(to, sizeof(to), "%s/%s", s->tree, e->path);
	if (r == 0 && e->type == PARE_DEB_DIR)
		r = mkdir(to, e->mode & 07777) < 0 && errno != EEXIST ? -errno : 0;
	else if (r == 0 && rename(from, to) < 0)
		r = -errno;
	if (r < 0 && !err->msg[0])
		return pare_error_set(err, r, "%s: %s", to, strerror(-r));
	if (r < 0 || e->type == PARE_DEB_DIR)
		return r;
	s->nfiles++;
	s->nlicence += is_licence(e->path);
	if (e->type == PARE_DEB_SYMLINK && (r = imp_add_link(m, s, e->path, e->link)) < 0)
		return pare_error_set(err, r, "out of memory");
	return pare_map_put(&m->owners, pare_slice_from(e->path), s, NULL) < 0
		       ? pare_error_set(err, -ENOMEM, "out of memory")
		       : 0;
}

/* Directories keep the modes the package gave them. */
static void dir_modes(struct ideb *d)
{
	for (size_t i = 0; i < d->deb.nentries; i++) {
		const struct pare_deb_entry *e = &d->deb.entries[i];
		if (e->type != PARE_DEB_DIR)
			continue;
		for (size_t k = 0; k < d->nsubs; k++) {
			char p[PATH_MAX];
			imp_pathf(p, sizeof(p), "%s/%s", d->subs[k].tree, e->path);
			chmod(p, e->mode & 07777);
		}
	}
}

static int split_deb(struct imp *m, struct ideb *d, struct pare_error *err)
{
	size_t n = d->deb.nentries;
	struct pare_split_entry *ents = pare_arena_zalloc(&m->arena, (n + 1) * sizeof(*ents));
	const char **names = pare_arena_zalloc(&m->arena, (n + 1) * sizeof(*names));
	struct pare_map parents;
	pare_map_init(&parents);
	struct pare_split_custom *custom;
	size_t ncustom;
	int r = !ents || !names ? -ENOMEM : custom_rules(m, d, &custom, &ncustom);
	for (size_t i = 0; r == 0 && i < n; i++) {
		const struct pare_deb_entry *e = &d->deb.entries[i];
		ents[i] = (struct pare_split_entry){ e->path, e->type == PARE_DEB_SYMLINK,
						     e->type == PARE_DEB_DIR, (e->mode & 0111) != 0 };
		const char *slash = strrchr(e->path, '/');
		if (slash)
			r = pare_map_put(&parents, pare_slice_make(e->path, (size_t)(slash - e->path)),
					 (void *)e, NULL);
	}
	if (r == 0)
		r = pare_split_assign(d->main, custom, ncustom, ents, n, &m->arena, names, err);
	/* The main package always exists: others depend on it by name. */
	if (r == 0 && !imp_sub(m, d, d->main, err))
		r = err->code;
	for (size_t i = 0; r == 0 && i < n; i++) {
		const struct pare_deb_entry *e = &d->deb.entries[i];
		if (e->type == PARE_DEB_DIR && pare_map_get(&parents, pare_slice_from(e->path)))
			continue; /* made as a parent of what it holds */
		r = move_entry(m, d, e, names[i], err);
	}
	pare_map_release(&parents);
	if (r == -ENOMEM && !err->msg[0])
		pare_error_set(err, r, "out of memory");
	return r;
}

/* ---- writing ---- */

static int set_kv(struct pare_pkginfo *pi, const char *key, const char *value,
		  struct pare_error *err)
{
	if (!value || !value[0])
		return 0;
	return pare_pkginfo_set(pi, key, pare_slice_from(value), err);
}

static int set_list(struct pare_pkginfo *pi, const char *key, const struct pare_strlist *l,
		    struct pare_error *err)
{
	int r = 0;
	for (size_t i = 0; r == 0 && i < l->n; i++)
		r = set_kv(pi, key, l->v[i], err);
	return r;
}

static int fill_info(struct ideb *d, struct isub *s, struct pare_pkginfo *pi,
		     struct pare_error *err)
{
	const char *desc = s->rule && s->rule->description ? s->rule->description : d->synopsis;
	int r = set_kv(pi, "pkgname", s->name, err);
	if (r == 0) r = set_kv(pi, "pkgver", d->apkver, err);
	if (r == 0) r = set_kv(pi, "pkgdesc", desc, err);
	if (r == 0) r = set_kv(pi, "url", d->url, err);
	if (r == 0) r = set_kv(pi, "arch", d->arch, err);
	if (r == 0) r = set_kv(pi, "origin", d->source, err);
	if (r == 0) r = set_kv(pi, "maintainer", d->maintainer, err);
	if (r == 0) r = set_kv(pi, "license", d->license, err);
	if (r == 0) r = set_list(pi, "depend", &s->depends, err);
	if (r == 0) r = set_list(pi, "depend", &s->conflicts, err);
	if (r == 0) r = set_list(pi, "replaces", &s->replaces, err);
	if (r == 0) r = set_list(pi, "provides", &s->provides, err);
	if (r == 0) r = set_list(pi, "provides", &s->extra_provides, err);
	if (r == 0 && s->install_if.n) {
		char buf[1024] = "";
		size_t off = 0;
		for (size_t i = 0; i < s->install_if.n; i++)
			off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%s", i ? " " : "",
						s->install_if.v[i]);
		r = set_kv(pi, "install_if", buf, err);
	}
	if (r == 0) r = set_kv(pi, "debian_package", d->name, err);
	if (r == 0) r = set_kv(pi, "debian_version", d->version, err);
	if (r == 0) r = set_kv(pi, "purl", d->purl, err);
	return r;
}

static bool has_blank(const char *p)
{
	return strpbrk(p, " \t\n\r") != NULL;
}

static int owner_text(struct pare_buf *b, int64_t id, const char *name)
{
	return name ? pare_buf_appendf(b, "%s=%lld", name, (long long)id)
		    : pare_buf_appendf(b, "%lld", (long long)id);
}

/* Owners other than root:root, as the .deb's data tar has them, go into
 * the package through a mkpkg manifest (apk/mkpkg.h): NAME=ID when the tar
 * names the account, else the bare ID; apk resolves the name in the target
 * root and falls back to the id.  *path is "" when nothing needs one.
 * Paths with blanks cannot be written in a manifest: they stay root's. */
static int owners_manifest(struct imp *m, struct ideb *d, struct isub *s, char *path,
			   size_t size, struct pare_error *err)
{
	struct pare_buf b;
	pare_buf_init(&b, 64u << 20);
	int r = 0;
	path[0] = '\0';
	for (size_t i = 0; r == 0 && d->file && i < d->deb.nentries; i++) {
		const struct pare_deb_entry *e = &d->deb.entries[i];
		char p[PATH_MAX];
		struct stat st;
		if ((!e->uid && !e->gid) || has_blank(e->path))
			continue;
		if (e->type == PARE_DEB_DIR
			    ? imp_pathf(p, sizeof(p), "%s/%s", s->tree, e->path) < 0 || lstat(p, &st) < 0
			    : pare_map_get(&m->owners, pare_slice_from(e->path)) != s)
			continue;
		char mode[16] = "-"; /* a symlink keeps the tree's */
		if (e->type != PARE_DEB_SYMLINK)
			snprintf(mode, sizeof(mode), "%o", (unsigned)(e->mode & 07777));
		r = pare_buf_appendf(&b, "%s %s ", e->path, mode);
		if (r == 0)
			r = owner_text(&b, e->uid, e->uname);
		if (r == 0)
			r = pare_buf_putc(&b, ':');
		if (r == 0)
			r = owner_text(&b, e->gid, e->gname);
		if (r == 0)
			r = pare_buf_putc(&b, '\n');
	}
	if (r == 0 && b.len) {
		r = imp_pathf(path, size, "%s.owners", s->tree);
		int fd = r ? -1 : open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd < 0 || pare_write_all(fd, b.data, b.len) < 0)
			r = pare_error_set(err, -errno, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
	} else if (r < 0) {
		r = pare_error_set(err, r, "%s: owners: too many", s->name);
	}
	pare_buf_release(&b);
	return r;
}

static int write_sub(struct imp *m, struct ideb *d, struct isub *s, struct pare_error *err)
{
	struct pare_pkginfo pi;
	pare_pkginfo_init(&pi);
	char *out = imp_strf(m, "%s/%s/%s-%s.apk", m->o->repo, m->arch, s->name, d->apkver);
	char owners[PATH_MAX];
	int r = out ? fill_info(d, s, &pi, err) : pare_error_set(err, -ENOMEM, "out of memory");
	if (r == 0)
		r = owners_manifest(m, d, s, owners, sizeof(owners), err);
	if (r == 0) {
		struct pare_mkpkg_opts mo = {
			.tree = s->tree,
			.manifest = owners[0] ? owners : NULL,
			.info = &pi,
			.source_date_epoch = d->sde,
			.level = PARE_IMPORT_GZIP_LEVEL,
			.key = &m->key,
			.keyname = m->keyname,
			.sig_alg = PARE_DIGEST_SHA256,
		};
		r = pare_mkpkg(&mo, out, err);
	}
	if (r == 0 && pare_map_put(&m->fresh, pare_slice_from(strrchr(out, '/') + 1), s, NULL) < 0)
		r = pare_error_set(err, -ENOMEM, "out of memory");
	struct stat st;
	if (r == 0 && stat(out, &st) == 0) {
		s->rep->apk_size = (uint64_t)st.st_size;
		s->rep->size = pi.size;
	}
	pare_pkginfo_release(&pi);
	if (r < 0 && err->msg[0] && !strstr(err->msg, s->name)) {
		char msg[PARE_ERROR_MSG_MAX];
		snprintf(msg, sizeof(msg), "%s", err->msg);
		pare_error_set(err, r, "%s: %s", s->name, msg);
	}
	return r;
}

/* A subpackage is written when it has files; the main one always. */
static bool wanted(const struct ideb *d, const struct isub *s)
{
	return s->nfiles > 0 || s->meta || !strcmp(s->name, d->main);
}

static int report_deb(struct imp *m, struct ideb *d)
{
	struct pare_import_debrep *dr = d->rep;
	dr->deb = d->name;
	dr->version = d->version;
	dr->source = d->source;
	dr->file = d->file;
	dr->subs = pare_arena_zalloc(&m->arena, (d->nsubs + 1) * sizeof(*dr->subs));
	if (!dr->subs)
		return -ENOMEM;
	for (size_t i = 0; i < d->nsubs; i++) {
		struct isub *s = &d->subs[i];
		if (!wanted(d, s))
			continue;
		s->rep = &dr->subs[dr->nsubs++];
		s->rep->name = s->name;
		s->rep->version = d->apkver;
		s->rep->nfiles = s->nfiles;
	}
	return 0;
}

static int write_deb(struct imp *m, struct ideb *d, struct pare_error *err)
{
	int r = 0;
	for (size_t i = 0; r == 0 && i < d->nsubs; i++)
		if (d->subs[i].rep) {
			r = write_sub(m, d, &d->subs[i], err);
			m->rep->npkgs += r == 0;
		}
	d->rep->effects = dup_slice(m, pare_buf_slice(&d->effects));
	return r;
}

/* ---- the run ---- */

static int setup(struct imp *m, struct pare_error *err)
{
	const struct pare_import_opts *o = m->o;
	int r = pare_mkdir_p(o->repo, 0755, err);
	if (r < 0)
		return r;
	m->tmp = imp_strf(m, "%s/.import-XXXXXX", o->repo);
	if (!m->tmp || !mkdtemp(m->tmp))
		return pare_error_set(err, -errno, "%s: cannot make a temporary folder: %s", o->repo,
				      strerror(errno));
	m->distro = o->distro ? o->distro : imp_host_distro(m);
	if (o->keyname)
		snprintf(m->keyname, sizeof(m->keyname), "%s", o->keyname);
	else if (pare_pubkey_name_for(o->key_path, m->keyname, sizeof(m->keyname)) < 0)
		return pare_error_set(err, -PARE_E_USAGE, "cannot derive a key name from %s",
				      o->key_path);
	return pare_privkey_load(&m->key, o->key_path, err);
}

static int load_all(struct imp *m, struct pare_error *err)
{
	int r = 0;
	for (size_t i = 0; r == 0 && i < m->ndebs; i++) {
		struct ideb *d = &m->debs[i];
		d->rep = &m->rep->debs[i];
		pare_buf_init(&d->gconv, 16u << 20);
		pare_buf_init(&d->cab, 64u << 20);
		pare_buf_init(&d->effects, 4096);
		if (d->file) {
			r = load_deb(m, d, err);
			if (r == 0)
				r = imp_gen_read_inputs(m, d, err);
			if (r == 0)
				r = split_deb(m, d, err);
			if (r == 0)
				dir_modes(d);
		} else {
			r = imp_baselayout_tree(m, d, err);
		}
		if (r == 0)
			r = imp_gen_files(m, d, err);
		if (r == 0 && !m->arch && strcmp(d->arch, "noarch"))
			m->arch = d->arch;
		if (r == 0 && pare_map_get(&m->bydeb, pare_slice_from(d->name)) == NULL)
			r = pare_map_put(&m->bydeb, pare_slice_from(d->name), d, NULL);
		if (r == 0 && d->file)
			pare_log_verbose(m->o->log, "%s: %zu subpackages", d->name, d->nsubs);
	}
	return r;
}

int pare_import_run(const struct pare_import_opts *o, struct pare_import_report *rep,
		    struct pare_error *err)
{
	struct imp m = { .o = o, .rep = rep };
	pare_arena_init(&m.arena, 0, 0);
	pare_map_init(&m.owners);
	pare_map_init(&m.provs);
	pare_map_init(&m.bydeb);
	pare_map_init(&m.fresh);
	bool base = o->set && o->set->baselayout;
	m.ndebs = o->ndebs + base;
	int r = 0;
	if (o->ndebs > PARE_IMPORT_MAX_DEBS)
		r = pare_error_set(err, -PARE_E_TOO_BIG, "more than %u packages", PARE_IMPORT_MAX_DEBS);
	m.debs = r ? NULL : calloc(m.ndebs + 1, sizeof(*m.debs));
	rep->debs = pare_arena_zalloc(&m.arena, (m.ndebs + 1) * sizeof(*rep->debs));
	if (r == 0 && (!m.debs || !rep->debs))
		r = pare_error_set(err, -ENOMEM, "out of memory");
	for (size_t i = 0; r == 0 && i < o->ndebs; i++)
		m.debs[i].file = o->debs[i];
	rep->ndebs = m.ndebs;
	if (r == 0)
		r = setup(&m, err);
	if (r == 0)
		r = load_all(&m, err);
	/* background jobs end before anything reads their trees, and before
	 * the temporary folder goes, even after an error */
	struct pare_error jerr = { 0 };
	int jr = imp_gen_finish(&m, r ? &jerr : err);
	if (r == 0)
		r = jr;
	if (!m.arch)
		m.arch = pare_arch_host(); /* no .deb named one; "noarch" if unknown */
	rep->arch = m.arch;
	for (size_t i = 0; r == 0 && i < m.ndebs; i++)
		r = report_deb(&m, &m.debs[i]) < 0 ? pare_error_set(err, -ENOMEM, "out of memory") : 0;
	if (r == 0)
		r = imp_analyse(&m, err);
	if (r == 0)
		r = imp_depends(&m, err);
	char *dir = r == 0 ? imp_strf(&m, "%s/%s", o->repo, m.arch) : NULL;
	if (r == 0 && (!dir || (r = pare_mkdir_p(dir, 0755, err)) < 0) && !err->msg[0])
		r = pare_error_set(err, -ENOMEM, "out of memory");
	for (size_t i = 0; r == 0 && i < m.ndebs; i++)
		r = write_deb(&m, &m.debs[i], err);
	if (r == 0)
		r = imp_write_index(&m, err);
	/* Report strings must outlive the run: they live in m.arena, which
	 * moves to the report. */
	for (size_t i = 0; m.debs && i < m.ndebs; i++) {
		pare_deb_release(&m.debs[i].deb);
		pare_buf_release(&m.debs[i].gconv);
		pare_buf_release(&m.debs[i].cab);
		pare_buf_release(&m.debs[i].effects);
	}
	if (m.tmp)
		pare_tree_remove(m.tmp);
	free(m.debs);
	free(m.jobs);
	pare_map_release(&m.owners);
	pare_map_release(&m.provs);
	pare_map_release(&m.bydeb);
	pare_map_release(&m.fresh);
	pare_privkey_release(&m.key);
	pare_arena_release(&rep->arena);
	rep->arena = m.arena;
	return r;
}

void pare_import_report_init(struct pare_import_report *r)
{
	memset(r, 0, sizeof(*r));
	pare_arena_init(&r->arena, 0, 0);
}

void pare_import_report_release(struct pare_import_report *r)
{
	if (!r)
		return;
	pare_arena_release(&r->arena);
	memset(r, 0, sizeof(*r));
}
