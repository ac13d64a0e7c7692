/* Dependency analysis of a package's files (rules in sca.h). */
#include "elf/sca.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/rootpath.h"
#include "elf/elf.h"

#define SCA_MAX_DEPTH 64

void pare_sca_init(struct pare_sca *s)
{
	memset(s, 0, sizeof(*s));
	pare_arena_init(&s->arena, 64 * 1024, 0);
}

void pare_sca_release(struct pare_sca *s)
{
	if (!s)
		return;
	free(s->files);
	free(s->pcs);
	pare_arena_release(&s->arena);
	pare_sca_init(s);
}

/* Leading "./" and '/' dropped (pare_path_trim_lead; still NUL-ended). */
static const char *norm_path(const char *p)
{
	return pare_path_trim_lead(pare_slice_from(p)).ptr;
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

/* The directory part of path as a slice ("" for a top-level name). */
static struct pare_slice dir_of(const char *path)
{
	const char *s = strrchr(path, '/');
	return pare_slice_make(path, s ? (size_t)(s - path) : 0);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && strcmp(s + a - b, suffix) == 0;
}

static struct pare_sca_file *new_file(struct pare_sca *s, const char *path, uint32_t mode)
{
	if (s->nfiles == PARE_SCA_MAX_FILES)
		return NULL;
	if (s->nfiles == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		struct pare_sca_file *v = realloc(s->files, cap * sizeof(*v));
		if (!v)
			return NULL;
		s->files = v;
		s->cap = cap;
	}
	struct pare_sca_file *f = &s->files[s->nfiles];
	memset(f, 0, sizeof(*f));
	f->path = pare_arena_strdup(&s->arena, pare_slice_from(norm_path(path)));
	f->mode = mode & 07777;
	if (!f->path)
		return NULL;
	s->nfiles++;
	return f;
}

static const char *astr(struct pare_sca *s, const char *p)
{
	return p ? pare_arena_strdup(&s->arena, pare_slice_from(p)) : NULL;
}

/* Keep what the analysis needs from a parsed ELF file. */
static int keep_elf(struct pare_sca *s, struct pare_sca_file *f, const struct pare_elf *e)
{
	f->is_elf = true;
	f->etype = e->type;
	f->soname = astr(s, e->soname);
	f->interp = astr(s, e->interp);
	f->needed = pare_arena_alloc(&s->arena, (e->nneeded + 1) * sizeof(char *));
	if (!f->needed)
		return -ENOMEM;
	for (size_t i = 0; i < e->nneeded; i++)
		if (!(f->needed[f->nneeded++] = astr(s, e->needed[i])))
			return -ENOMEM;
	return 0;
}

static bool is_pc_path(const char *path)
{
	struct pare_slice d = dir_of(path);
	return ends_with(path, ".pc") &&
	       (pare_slice_eq_cstr(d, "pkgconfig") ||
		pare_slice_ends_with(d, PARE_SLICE_LIT("/pkgconfig")));
}

static bool is_ldconf_path(const char *path)
{
	return strncmp(path, "etc/ld.so.conf.d/", 17) == 0 && ends_with(path, ".conf") &&
	       !strchr(path + 17, '/');
}

static int add_pc(struct pare_sca *s, const char *path, struct pare_slice text,
		  struct pare_error *err)
{
	if (s->npcs == s->pcap) {
		size_t cap = s->pcap ? s->pcap * 2 : 16;
		struct pare_sca_pc *v = realloc(s->pcs, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		s->pcs = v;
		s->pcap = cap;
	}
	struct pare_sca_pc *pc = &s->pcs[s->npcs];
	memset(pc, 0, sizeof(*pc));
	struct pare_error perr = { 0 };
	if (pare_pc_parse(text, &s->arena, &pc->version, &pc->requires, &perr) < 0)
		return 0; /* an unreadable .pc provides nothing (melange warns) */
	const char *b = base_name(path);
	pc->path = path;
	pc->name = pare_arena_strdup(&s->arena, pare_slice_make(b, strlen(b) - 3));
	if (!pc->name)
		return -ENOMEM;
	s->npcs++;
	(void)err;
	return 0;
}

static int add_ldconf(struct pare_sca *s, struct pare_slice text)
{
	struct pare_slice line;
	int rc = 0;
	while (rc == 0 && text.len) {
		pare_slice_split(&text, '\n', &line);
		ptrdiff_t hash = pare_slice_find(line, '#');
		if (hash >= 0)
			line.len = (size_t)hash;
		line = pare_slice_trim(line);
		if (line.len < 2 || line.ptr[0] != '/')
			continue;
		while (line.len > 1 && line.ptr[line.len - 1] == '/')
			line.len--;
		rc = pare_strlist_add(&s->extra_libdirs, &s->arena, pare_slice_sub(line, 1, line.len - 1));
	}
	return rc;
}

int pare_sca_add_file(struct pare_sca *s, const char *path, uint32_t mode, const void *data,
		      size_t size, struct pare_error *err)
{
	struct pare_sca_file *f = new_file(s, path, mode);
	if (!f)
		return pare_error_set(err, -ENOMEM, "%s: cannot record the file", path);
	if (data && pare_elf_is_elf(data, size)) {
		struct pare_elf e;
		struct pare_error perr = { 0 };
		pare_elf_init(&e);
		int rc = pare_elf_parse(&e, data, size, f->path, &perr);
		if (rc == 0)
			rc = keep_elf(s, f, &e);
		pare_elf_release(&e);
		return rc == -ENOMEM ? rc : 0; /* a broken ELF file is no library */
	}
	if (data && is_pc_path(f->path))
		return add_pc(s, f->path, pare_slice_make(data, size), err);
	if (data && is_ldconf_path(f->path))
		return add_ldconf(s, pare_slice_make(data, size));
	return 0;
}

int pare_sca_add_symlink(struct pare_sca *s, const char *path, const char *target,
			 struct pare_error *err)
{
	struct pare_sca_file *f = new_file(s, path, 0777);
	if (!f || !(f->target = astr(s, target)))
		return pare_error_set(err, -ENOMEM, "%s: cannot record the link", path);
	f->is_link = true;
	return 0;
}

/* Read the rest of a stream into b (bounded by b's max). */
static int read_rest(struct pare_istream *in, struct pare_buf *b, uint64_t size,
		     struct pare_error *err)
{
	while ((uint64_t)b->len < size) {
		uint64_t want = size - b->len;
		size_t chunk = want > (1u << 20) ? (1u << 20) : (size_t)want;
		int rc = pare_buf_reserve(b, chunk);
		if (rc < 0)
			return rc;
		ssize_t n = pare_istream_read(in, b->data + b->len, chunk, err);
		if (n < 0)
			return (int)n;
		if (n == 0)
			return -PARE_E_TRUNCATED;
		b->len += (size_t)n;
		b->data[b->len] = '\0';
	}
	return 0;
}

int pare_sca_add_stream(struct pare_sca *s, const char *path, uint32_t mode, uint64_t size,
			struct pare_istream *in, struct pare_error *err)
{
	const char *np = norm_path(path);
	bool text = is_pc_path(np) || is_ldconf_path(np);
	uint64_t max = text ? PARE_SCA_MAX_PC : PARE_SCA_MAX_FILE;
	struct pare_buf b;
	pare_buf_init(&b, (size_t)max);
	int rc = size >= 4 ? read_rest(in, &b, 4, err) : 0;
	bool elf = b.len == 4 && pare_elf_is_elf(b.data, 4);
	if (rc == 0 && (elf || text) && size > max)
		rc = pare_error_set(err, -PARE_E_TOO_BIG, "%s: %llu bytes, more than the %llu analysed",
				    np, (unsigned long long)size, (unsigned long long)max);
	else if (rc == 0 && (elf || text))
		rc = read_rest(in, &b, size, err);
	else if (rc < 0)
		rc = pare_error_prefix(err, rc, "%s", np);
	if (rc == 0)
		rc = pare_sca_add_file(s, path, mode, (elf || text) ? b.data : NULL, b.len, err);
	pare_buf_release(&b);
	return rc;
}

struct walk {
	struct pare_sca *s;
	struct pare_error *err;
	char path[PARE_PATH_MAX];
};

static int walk_dir(struct walk *w, int dfd, size_t plen, int depth);

static int walk_entry(struct walk *w, int dfd, const char *name, size_t plen, int depth)
{
	struct stat st;
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return pare_error_set(w->err, -errno, "%s: %s", w->path, strerror(errno));
	if (S_ISDIR(st.st_mode)) {
		int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return pare_error_set(w->err, -errno, "%s: %s", w->path, strerror(errno));
		return walk_dir(w, fd, plen, depth + 1); /* closes fd */
	}
	if (S_ISLNK(st.st_mode)) {
		char target[PARE_PATH_MAX];
		ssize_t n = readlinkat(dfd, name, target, sizeof(target) - 1);
		if (n < 0)
			return pare_error_set(w->err, -errno, "%s: %s", w->path, strerror(errno));
		target[n] = '\0';
		return pare_sca_add_symlink(w->s, w->path, target, w->err);
	}
	if (!S_ISREG(st.st_mode))
		return 0;
	int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return pare_error_set(w->err, -errno, "%s: %s", w->path, strerror(errno));
	struct pare_fd_stream fs;
	struct pare_istream in;
	pare_fd_istream_init(&fs, &in, fd, w->path);
	int rc = pare_sca_add_stream(w->s, w->path, st.st_mode, (uint64_t)st.st_size, &in, w->err);
	close(fd);
	return rc;
}

/* Walk the open directory dfd (closed here); w->path[0..plen) is its path. */
static int walk_dir(struct walk *w, int dfd, size_t plen, int depth)
{
	if (depth > SCA_MAX_DEPTH) {
		close(dfd);
		return pare_error_set(w->err, -PARE_E_TOO_BIG, "%s: more than %d levels deep",
				      w->path, SCA_MAX_DEPTH);
	}
	DIR *d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return -errno;
	}
	int rc = 0;
	struct dirent *de;
	while (rc == 0 && (de = readdir(d))) {
		const char *nm = de->d_name;
		/* Skip . and ..; at the top, also .PKGINFO, .SIGN.* and the like. */
		if (strcmp(nm, ".") == 0 || strcmp(nm, "..") == 0 || (depth == 0 && nm[0] == '.'))
			continue;
		int n = snprintf(w->path + plen, sizeof(w->path) - plen, "%s%s", plen ? "/" : "", nm);
		if (n < 0 || (size_t)n >= sizeof(w->path) - plen)
			rc = pare_error_set(w->err, -ENAMETOOLONG, "%s/%s: path too long", w->path, nm);
		else
			rc = walk_entry(w, dfd, nm, plen + (size_t)n, depth);
		w->path[plen] = '\0';
	}
	closedir(d);
	return rc;
}

int pare_sca_add_dir(struct pare_sca *s, const char *dir, struct pare_error *err)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return pare_error_set(err, -errno, "%s: %s", dir, strerror(errno));
	struct walk *w = calloc(1, sizeof(*w));
	if (!w) {
		close(fd);
		return -ENOMEM;
	}
	w->s = s;
	w->err = err;
	int rc = walk_dir(w, fd, 0, 0);
	free(w);
	return rc;
}

static bool in_list(struct pare_slice d, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (pare_slice_eq_cstr(d, list[i]))
			return true;
	return false;
}

static const char *const std_libdirs[] = {
	"lib", "lib32", "lib64", "usr/lib", "usr/lib32", "usr/lib64",
	"usr/local/lib", "usr/local/lib32", "usr/local/lib64",
};

static bool is_libdir(const struct pare_sca *s, struct pare_slice d)
{
	size_t nstd = sizeof(std_libdirs) / sizeof(std_libdirs[0]);
	if (in_list(d, std_libdirs, nstd))
		return true;
	for (size_t i = 0; i < s->extra_libdirs.n; i++)
		if (pare_slice_eq_cstr(d, s->extra_libdirs.v[i]))
			return true;
	ptrdiff_t last = -1;
	for (size_t i = 0; i < d.len; i++)
		if (d.ptr[i] == '/')
			last = (ptrdiff_t)i;
	struct pare_slice tail = pare_slice_sub(d, (size_t)(last + 1), d.len - (size_t)(last + 1));
	static const char *const libnames[] = { "lib", "lib32", "lib64" };
	if (in_list(tail, libnames, 3))
		return true;
	/* A multiarch directory: usr/lib/x86_64-linux-gnu. */
	struct pare_slice parent = pare_slice_sub(d, 0, last < 0 ? 0 : (size_t)last);
	char tmp[256];
	snprintf(tmp, sizeof(tmp), "%.*s", (int)tail.len, tail.ptr);
	return last >= 0 && strstr(tmp, "-linux-") && in_list(parent, std_libdirs, nstd);
}

static bool is_bindir(struct pare_slice d)
{
	static const char *const bins[] = { "bin", "sbin", "usr/bin", "usr/sbin",
					     "usr/local/bin", "usr/local/sbin" };
	return in_list(d, bins, sizeof(bins) / sizeof(bins[0]));
}

static int addf(struct pare_strlist *l, struct pare_arena *a, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int addf(struct pare_strlist *l, struct pare_arena *a, const char *fmt, ...)
{
	char buf[PARE_PATH_MAX];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return -PARE_E_TOO_BIG;
	return pare_strlist_add(l, a, pare_slice_from(buf));
}

/* "libfoo.so.1.2" -> "1.2"; the text between the first ".so." and the
 * next one; "0" without a ".so." (melange's rule). */
static struct pare_slice so_version(const char *soname)
{
	const char *p = strstr(soname, ".so.");
	if (!p)
		return PARE_SLICE_LIT("0");
	p += 4;
	const char *q = strstr(p, ".so.");
	return pare_slice_make(p, q ? (size_t)(q - p) : strlen(p));
}

/* A DT_NEEDED name that a library provides as its DT_SONAME: "libz.so.1",
 * and also sonames without a version after ".so" ("libdb-5.3.so",
 * Debian's libdb5.3), which every library's provides cover. */
static bool is_shared_name(const char *name)
{
	return strstr(name, ".so.") || ends_with(name, ".so");
}

static int derive_elf(struct pare_sca *s, const struct pare_sca_file *f, struct pare_sca_result *r)
{
	int rc = 0;
	if (f->interp) {
		const char *b = base_name(f->interp);
		if (strncmp(b, "ld-musl-", 8) == 0)
			rc = addf(&r->depends, &s->arena, "so:libc.musl-%s", b + 8);
		else
			rc = addf(&r->depends, &s->arena, "so:%s", b);
	}
	for (size_t i = 0; rc == 0 && i < f->nneeded; i++)
		if (is_shared_name(f->needed[i]))
			rc = addf(&r->depends, &s->arena, "so:%s", f->needed[i]);
	if (rc == 0 && f->soname && f->etype == ET_DYN && is_libdir(s, dir_of(f->path))) {
		struct pare_slice v = so_version(f->soname);
		rc = addf(&r->provides, &s->arena, "so:%s=%.*s", f->soname, (int)v.len, v.ptr);
	}
	return rc;
}

/* The library a `*.so*` symlink points to, among the package's files. */
static const struct pare_sca_file *link_library(const struct pare_sca *s,
						const struct pare_sca_file *l)
{
	const char *tb = base_name(l->target);
	const struct pare_sca_file *any = NULL;
	for (size_t i = 0; i < s->nfiles; i++) {
		const struct pare_sca_file *f = &s->files[i];
		if (!f->is_elf || strcmp(base_name(f->path), tb) != 0 || !is_libdir(s, dir_of(f->path)))
			continue;
		if (pare_slice_eq(dir_of(f->path), dir_of(l->path)))
			return f;
		if (!any)
			any = f;
	}
	return any;
}

static int derive_file(struct pare_sca *s, const struct pare_sca_file *f, const char *version,
		       struct pare_sca_result *r)
{
	int rc = 0;
	bool exec = f->is_link || (f->mode & 0111);
	if (exec && is_bindir(dir_of(f->path)))
		rc = version && version[0]
			     ? addf(&r->provides, &s->arena, "cmd:%s=%s", base_name(f->path), version)
			     : addf(&r->provides, &s->arena, "cmd:%s", base_name(f->path));
	if (rc == 0 && f->is_elf)
		rc = derive_elf(s, f, r);
	if (rc == 0 && f->is_link && strstr(base_name(f->path), ".so")) {
		const struct pare_sca_file *lib = link_library(s, f);
		if (lib && lib->soname)
			rc = addf(&r->depends, &s->arena, "so:%s", lib->soname);
	}
	return rc;
}

/* apk versions use "_rc1" where pkg-config versions say "-rc1". */
static int pc_provide(struct pare_sca *s, const struct pare_sca_pc *pc, struct pare_sca_result *r)
{
	if (!pc->version || !pc->version[0])
		return addf(&r->provides, &s->arena, "pc:%s", pc->name);
	char v[512];
	size_t n = 0;
	for (const char *p = pc->version; *p && n + 2 < sizeof(v); p++) {
		static const char *const tags[] = { "-alpha", "-beta", "-rc", "-pre" };
		bool tag = false;
		for (size_t i = 0; i < 4 && !tag; i++)
			tag = strncmp(p, tags[i], strlen(tags[i])) == 0;
		v[n++] = tag ? '_' : *p;
	}
	v[n] = '\0';
	return addf(&r->provides, &s->arena, "pc:%s=%s", pc->name, v);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Drop depends the package provides itself (by name, ignoring "=VER"). */
static void drop_self(struct pare_sca_result *r)
{
	size_t out = 0;
	for (size_t i = 0; i < r->depends.n; i++) {
		const char *d = r->depends.v[i];
		bool self = false;
		for (size_t j = 0; j < r->provides.n && !self; j++) {
			const char *p = r->provides.v[j];
			size_t plen = strcspn(p, "=");
			self = strlen(d) == plen && strncmp(d, p, plen) == 0;
		}
		if (!self)
			r->depends.v[out++] = d;
	}
	r->depends.n = out;
}

int pare_sca_finish(struct pare_sca *s, const char *version, struct pare_sca_result *r,
		    struct pare_error *err)
{
	memset(r, 0, sizeof(*r));
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < s->nfiles; i++)
		rc = derive_file(s, &s->files[i], version, r);
	for (size_t i = 0; rc == 0 && i < s->npcs; i++) {
		rc = pc_provide(s, &s->pcs[i], r);
		for (size_t j = 0; rc == 0 && j < s->pcs[i].requires.n; j++)
			rc = addf(&r->depends, &s->arena, "pc:%s", s->pcs[i].requires.v[j]);
	}
	if (rc < 0)
		return pare_error_set(err, rc, "dependency analysis: %s", pare_strerror(rc));
	drop_self(r);
	if (r->provides.n > 1)
		qsort(r->provides.v, r->provides.n, sizeof(char *), cmp_str);
	if (r->depends.n > 1)
		qsort(r->depends.v, r->depends.n, sizeof(char *), cmp_str);
	return 0;
}
