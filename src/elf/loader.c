/* The static loader (see loader.h for the search order it follows). */
#include "elf/loader.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <limits.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define NONE SIZE_MAX

int pare_ld_init(struct pare_ld *ld, const char *root, const struct pare_ld_opts *opts,
		 struct pare_error *err)
{
	memset(ld, 0, sizeof(*ld));
	pare_arena_init(&ld->arena, 16 * 1024, 16u << 20);
	if (opts)
		ld->opts = *opts;
	if (ld->opts.library_path) {
		ld->opts.library_path = pare_arena_strdup(&ld->arena,
							   pare_slice_from(opts->library_path));
		if (!ld->opts.library_path)
			return -ENOMEM;
	}
	char real[PATH_MAX];
	ld->root_is_slash = realpath(root, real) && strcmp(real, "/") == 0;
	int rc = pare_root_open(&ld->root, root, err);
	if (rc < 0)
		return rc;
	ld->root_open = true;
	return 0;
}

void pare_ld_release(struct pare_ld *ld)
{
	if (!ld)
		return;
	if (ld->root_open)
		pare_root_release(&ld->root);
	pare_arena_release(&ld->arena);
	memset(ld, 0, sizeof(*ld));
}

static int ensure_conf(struct pare_ld *ld, struct pare_error *err)
{
	if (ld->conf_read || ld->opts.no_ldconf)
		return 0;
	int rc = pare_ld_read_conf(&ld->root, "/etc/ld.so.conf", &ld->arena, &ld->conf_dirs, err);
	if (rc == 0)
		ld->conf_read = true;
	return rc;
}

void pare_ld_result_init(struct pare_ld_result *res)
{
	memset(res, 0, sizeof(*res));
	pare_arena_init(&res->arena, 16 * 1024, 0);
	pare_map_init(&res->names);
}

void pare_ld_result_release(struct pare_ld_result *res)
{
	if (!res)
		return;
	for (size_t i = 0; i < res->nobjs; i++)
		pare_elf_release(&res->objs[i].elf);
	free(res->objs);
	free(res->order);
	free(res->problems);
	pare_map_release(&res->names);
	pare_arena_release(&res->arena);
	pare_ld_result_init(res);
}

static const char *astr(struct pare_ld_result *res, const char *s)
{
	return s ? pare_arena_strdup(&res->arena, pare_slice_from(s)) : NULL;
}

static int add_obj(struct pare_ld_result *res, const char *name, size_t loader, size_t *idx)
{
	if (res->nobjs == PARE_LD_MAX_OBJECTS)
		return -PARE_E_TOO_BIG;
	if (res->nobjs == res->cap) {
		size_t cap = res->cap ? res->cap * 2 : 32;
		struct pare_ld_obj *v = realloc(res->objs, cap * sizeof(*v));
		size_t *o = realloc(res->order, cap * sizeof(*o));
		if (v)
			res->objs = v;
		if (o)
			res->order = o;
		if (!v || !o)
			return -ENOMEM;
		res->cap = cap;
	}
	struct pare_ld_obj *ob = &res->objs[res->nobjs];
	memset(ob, 0, sizeof(*ob));
	pare_elf_init(&ob->elf);
	ob->name = astr(res, name);
	ob->loader = loader;
	*idx = res->nobjs++;
	return ob->name ? 0 : -ENOMEM;
}

static void place(struct pare_ld_result *res, size_t idx)
{
	if (idx == 0 || res->objs[idx].placed)
		return;
	res->objs[idx].placed = true;
	res->order[res->norder++] = idx;
}

__attribute__((format(printf, 6, 7)))
static int add_problem(struct pare_ld_result *res, enum pare_ld_problem_kind kind,
		       const char *object, const char *name, const char *version,
		       const char *fmt, ...)
{
	if (res->nproblems == res->pcap) {
		size_t cap = res->pcap ? res->pcap * 2 : 8;
		struct pare_ld_problem *p = realloc(res->problems, cap * sizeof(*p));
		if (!p)
			return -ENOMEM;
		res->problems = p;
		res->pcap = cap;
	}
	char msg[PARE_ERROR_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	struct pare_ld_problem *p = &res->problems[res->nproblems++];
	*p = (struct pare_ld_problem){ kind, astr(res, object), astr(res, name), astr(res, version),
				       astr(res, msg) };
	return p->message ? 0 : -ENOMEM;
}

static int reg_name(struct pare_ld_result *res, const char *name, size_t idx)
{
	if (!name || pare_map_get(&res->names, pare_slice_from(name)))
		return 0;
	struct pare_slice key = pare_arena_slice(&res->arena, pare_slice_from(name));
	if (!key.ptr)
		return -ENOMEM;
	return pare_map_put(&res->names, key, (void *)(uintptr_t)(idx + 1), NULL);
}

static size_t find_name(const struct pare_ld_result *res, const char *name)
{
	void *v = pare_map_get(&res->names, pare_slice_from(name));
	return v ? (size_t)(uintptr_t)v - 1 : NONE;
}

/* Why a candidate was passed over, for the report when nothing fits. */
struct miss {
	char path[PARE_PATH_MAX];
	char why[160];
	enum pare_ld_problem_kind kind;
};

struct cand {
	size_t reuse;         /* an object with the same file identity, or NONE */
	struct pare_elf elf;  /* parsed when reuse == NONE */
	uint64_t dev, ino;
};

static const char *class_name(uint8_t c)
{
	return c == ELFCLASS32 ? "ELFCLASS32" : c == ELFCLASS64 ? "ELFCLASS64" : "ELFCLASS?";
}

/* Does e fit the executable like ld.so's open_verify requires? */
static bool compatible(const struct pare_ld_result *res, const struct pare_elf *e,
		       struct miss *m, const char *path)
{
	const struct pare_elf *x = &res->objs[0].elf;
	char b1[32], b2[32];
	if (e->elfclass == x->elfclass && e->data == x->data && e->machine == x->machine &&
	    e->type == ET_DYN)
		return true;
	m->kind = PARE_LD_WRONG_ARCH;
	snprintf(m->path, sizeof(m->path), "%s", path);
	if (e->type != ET_DYN)
		snprintf(m->why, sizeof(m->why), "is not a shared object (e_type %u)", e->type);
	else
		snprintf(m->why, sizeof(m->why), "is %s %s%s, not %s %s", class_name(e->elfclass),
			 pare_elf_machine_name(e->machine, b1, sizeof(b1)),
			 e->data != x->data ? (e->data == ELFDATA2MSB ? " big-endian" : " little-endian") : "",
			 class_name(x->elfclass), pare_elf_machine_name(x->machine, b2, sizeof(b2)));
	return false;
}

static size_t find_identity(const struct pare_ld_result *res, uint64_t dev, uint64_t ino)
{
	for (size_t i = 0; i < res->nobjs; i++)
		if (res->objs[i].path && res->objs[i].dev == dev && res->objs[i].ino == ino)
			return i;
	return NONE;
}

/* Open and check one candidate path. 1: usable (c filled), 0: skip. */
static int try_candidate(struct pare_ld *ld, struct pare_ld_result *res, const char *path,
			 struct cand *c, struct miss *m)
{
	int fd = pare_root_openat(&ld->root, path, O_RDONLY | O_CLOEXEC, 0, NULL);
	if (fd < 0)
		return fd == -ENOMEM ? fd : 0;
	struct stat st;
	int rc = 0;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		goto out;
	c->dev = st.st_dev;
	c->ino = st.st_ino;
	c->reuse = find_identity(res, c->dev, c->ino);
	const struct pare_elf *e = c->reuse != NONE ? &res->objs[c->reuse].elf : &c->elf;
	if (c->reuse == NONE) {
		struct pare_error perr = { 0 };
		rc = pare_elf_parse_fd(&c->elf, fd, path, &perr);
		if (rc < 0) {
			rc = rc == -ENOMEM ? rc : 0;
			m->kind = PARE_LD_BAD_OBJECT;
			snprintf(m->path, sizeof(m->path), "%s", path);
			snprintf(m->why, sizeof(m->why), "is not a valid ELF file");
			goto out;
		}
	}
	rc = compatible(res, e, m, path) ? 1 : 0;
out:
	close(fd);
	return rc;
}

/* ldconfig caches a file under its SONAME only, and only lib*.so* and
 * ld-*.so* names: a search in the ld.so.conf directories stands in for
 * the cache, so it must not find more than the cache would. */
static bool cache_would_have(const char *name, const struct pare_elf *e)
{
	if (strncmp(name, "lib", 3) != 0 && strncmp(name, "ld-", 3) != 0)
		return false;
	if (!strstr(name, ".so"))
		return false;
	return !e->soname || strcmp(e->soname, name) == 0;
}

/* Search `name` in each directory of dirs; 1 when found (c filled). */
static int search_dirs(struct pare_ld *ld, struct pare_ld_result *res, const char *name,
		       const struct pare_strlist *dirs, bool cache_rule, struct cand *c,
		       char *path, struct miss *m)
{
	for (size_t i = 0; i < dirs->n; i++) {
		int n = snprintf(path, PARE_PATH_MAX, "%s/%s", strcmp(dirs->v[i], "/") ? dirs->v[i] : "",
				 name);
		if (n < 0 || n >= PARE_PATH_MAX)
			continue;
		int rc = try_candidate(ld, res, path, c, m);
		if (rc < 0)
			return rc;
		const struct pare_elf *e = c->reuse != NONE ? &res->objs[c->reuse].elf : &c->elf;
		if (rc == 1 && (!cache_rule || cache_would_have(name, e)))
			return 1;
		pare_elf_release(&c->elf);
	}
	return 0;
}

static void dirname_of(const char *path, char *out, size_t size)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		snprintf(out, size, ".");
	else if (slash == path)
		snprintf(out, size, "/");
	else
		snprintf(out, size, "%.*s", (int)(slash - path), path);
}

/* Expand an object's RPATH and RUNPATH once. */
static int object_dirs(struct pare_ld_result *res, size_t idx)
{
	struct pare_ld_obj *ob = &res->objs[idx];
	if (ob->dirs_done)
		return 0;
	char origin[PARE_PATH_MAX];
	dirname_of(ob->path, origin, sizeof(origin));
	struct pare_ld_dst dst = { origin[0] == '/' ? origin : NULL, res->lib_token,
				   res->arch->platform };
	int rc = 0;
	if (ob->elf.rpath)
		rc = pare_ld_expand_path(ob->elf.rpath, &dst, &res->arena, &ob->rpath_dirs);
	if (rc == 0 && ob->elf.runpath)
		rc = pare_ld_expand_path(ob->elf.runpath, &dst, &res->arena, &ob->runpath_dirs);
	ob->dirs_done = rc == 0;
	return rc;
}

/* Step 1 of the search: RPATHs up the loader chain, then the executable's. */
static int search_rpaths(struct pare_ld *ld, struct pare_ld_result *res, const char *name,
			 size_t req, struct cand *c, char *path, struct miss *m)
{
	if (res->objs[req].elf.runpath)
		return 0;
	bool did_main = false;
	for (size_t l = req; l != NONE; l = res->objs[l].loader) {
		struct pare_ld_obj *ob = &res->objs[l];
		if (!ob->elf.rpath || ob->elf.runpath)
			continue;
		int rc = object_dirs(res, l);
		if (rc == 0)
			rc = search_dirs(ld, res, name, &res->objs[l].rpath_dirs, false, c, path, m);
		if (rc != 0)
			return rc;
		did_main |= l == 0;
	}
	const struct pare_ld_obj *x = &res->objs[0];
	if (did_main || !x->elf.rpath || x->elf.runpath)
		return 0;
	int rc = object_dirs(res, 0);
	return rc < 0 ? rc : search_dirs(ld, res, name, &res->objs[0].rpath_dirs, false, c, path, m);
}

static int search_all(struct pare_ld *ld, struct pare_ld_result *res, const char *name,
		      size_t req, struct cand *c, char *path, struct miss *m)
{
	int rc = search_rpaths(ld, res, name, req, c, path, m);
	if (rc == 0)
		rc = search_dirs(ld, res, name, &res->lib_path, false, c, path, m);
	if (rc == 0 && res->objs[req].elf.runpath) {
		rc = object_dirs(res, req);
		if (rc == 0)
			rc = search_dirs(ld, res, name, &res->objs[req].runpath_dirs, false, c, path, m);
	}
	bool nodeflib = res->objs[req].elf.flags_1 & DF_1_NODEFLIB;
	if (rc == 0 && !nodeflib)
		rc = search_dirs(ld, res, name, &ld->conf_dirs, true, c, path, m);
	if (rc == 0 && !nodeflib)
		rc = search_dirs(ld, res, name, &res->default_dirs, false, c, path, m);
	return rc;
}

/* A name with a '/': a path (tokens expanded), used as it is. */
static int search_path_name(struct pare_ld *ld, struct pare_ld_result *res, const char *name,
			    size_t req, struct cand *c, char *path, struct miss *m)
{
	struct pare_strlist one = { 0 };
	char origin[PARE_PATH_MAX];
	dirname_of(res->objs[req].path, origin, sizeof(origin));
	struct pare_ld_dst dst = { origin[0] == '/' ? origin : NULL, res->lib_token,
				   res->arch->platform };
	char dir[PARE_PATH_MAX];
	dirname_of(name, dir, sizeof(dir));
	int rc = pare_ld_expand_path(dir, &dst, &res->arena, &one);
	if (rc < 0 || one.n == 0)
		return rc;
	const char *base = strrchr(name, '/') + 1;
	return search_dirs(ld, res, base, &one, false, c, path, m);
}

static int report_miss(struct pare_ld_result *res, size_t req, const char *name,
		       const struct miss *m)
{
	const char *who = res->objs[req].path;
	if (m->path[0])
		return add_problem(res, m->kind, who, name, NULL,
				   "%s: not found (needed by %s); %s %s", name, who, m->path, m->why);
	return add_problem(res, PARE_LD_MISSING, who, name, NULL, "%s: not found (needed by %s)",
			   name, who);
}

/* Take over a found candidate as a new object (or an alias of one). */
static int adopt(struct pare_ld_result *res, const char *name, size_t req, struct cand *c,
		 const char *path, size_t *idx)
{
	if (c->reuse != NONE) {
		*idx = c->reuse;
		return reg_name(res, name, c->reuse);
	}
	int rc = add_obj(res, name, req, idx);
	if (rc < 0)
		return rc;
	struct pare_ld_obj *ob = &res->objs[*idx];
	ob->elf = c->elf;
	pare_elf_init(&c->elf);
	ob->path = astr(res, path);
	ob->dev = c->dev;
	ob->ino = c->ino;
	if (!ob->path)
		return -ENOMEM;
	rc = reg_name(res, name, *idx);
	return rc < 0 ? rc : reg_name(res, ob->elf.soname, *idx);
}

/* Resolve one needed name for object req; *idx gets the object. */
static int lookup(struct pare_ld *ld, struct pare_ld_result *res, const char *name, size_t req,
		  size_t *idx)
{
	*idx = find_name(res, name);
	if (*idx != NONE)
		return 0;
	struct cand c = { .reuse = NONE };
	struct miss m = { 0 };
	char path[PARE_PATH_MAX];
	pare_elf_init(&c.elf);
	int rc = strchr(name, '/') ? search_path_name(ld, res, name, req, &c, path, &m)
				   : search_all(ld, res, name, req, &c, path, &m);
	if (rc == 1)
		rc = adopt(res, name, req, &c, path, idx);
	else if (rc == 0) {
		/* Not found: an entry without a path, so that later needs of the
		 * same name reuse it (ldd prints it once). */
		rc = add_obj(res, name, req, idx);
		if (rc == 0)
			rc = reg_name(res, name, *idx);
		if (rc == 0)
			rc = report_miss(res, req, name, &m);
	}
	pare_elf_release(&c.elf);
	return rc;
}

static int open_main(struct pare_ld *ld, struct pare_ld_result *res, const char *file,
		     struct pare_error *err)
{
	size_t idx;
	int rc = add_obj(res, file, NONE, &idx);
	if (rc < 0)
		return rc;
	int fd;
	char abs[PARE_PATH_MAX];
	if (file[0] == '/') {
		fd = pare_root_openat(&ld->root, file, O_RDONLY | O_CLOEXEC, 0, err);
		snprintf(abs, sizeof(abs), "%s", file);
	} else {
		char cwd[PARE_PATH_MAX];
		fd = open(file, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return pare_error_set(err, -errno, "%s: %s", file, strerror(errno));
		if (!getcwd(cwd, sizeof(cwd)))
			cwd[0] = '\0';
		int n = snprintf(abs, sizeof(abs), "%s/%s", cwd, file);
		if (n < 0 || (size_t)n >= sizeof(abs)) {
			close(fd);
			return pare_error_set(err, -ENAMETOOLONG, "%s: path too long", file);
		}
	}
	if (fd < 0)
		return fd;
	struct stat st;
	if (fstat(fd, &st) == 0) {
		res->objs[0].dev = st.st_dev;
		res->objs[0].ino = st.st_ino;
	}
	rc = pare_elf_parse_fd(&res->objs[0].elf, fd, file, err);
	close(fd);
	res->objs[0].path = astr(res, abs);
	return rc < 0 ? rc : res->objs[0].path ? 0 : -ENOMEM;
}

/* Does <root>/<dir>/libc.so.6 exist? Used to pick $LIB's value. */
static bool root_has_libc(struct pare_ld *ld, const char *dir)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/libc.so.6", dir);
	int fd = pare_root_openat(&ld->root, p, O_PATH | O_CLOEXEC, 0, NULL);
	if (fd >= 0)
		close(fd);
	return fd >= 0;
}

static int setup_arch(struct pare_ld *ld, struct pare_ld_result *res)
{
	const struct pare_elf *x = &res->objs[0].elf;
	res->arch = pare_ld_arch_find(x->elfclass, x->data, x->machine, &res->arch_tmp);
	char lib[256] = "lib";
	if (res->arch->triplet) {
		char a[300], b[300];
		snprintf(a, sizeof(a), "/lib/%s", res->arch->triplet);
		snprintf(b, sizeof(b), "/usr/lib/%s", res->arch->triplet);
		if (root_has_libc(ld, a) || root_has_libc(ld, b))
			snprintf(lib, sizeof(lib), "lib/%s", res->arch->triplet);
	}
	char a[300], b[300];
	const char *ml = res->arch->multilib;
	if (ml) {
		snprintf(a, sizeof(a), "/%s", ml);
		snprintf(b, sizeof(b), "/usr/%s", ml);
	}
	if (strcmp(lib, "lib") == 0 && ml && (root_has_libc(ld, a) || root_has_libc(ld, b)) &&
	    !root_has_libc(ld, "/lib") && !root_has_libc(ld, "/usr/lib"))
		snprintf(lib, sizeof(lib), "%s", ml);
	res->lib_token = astr(res, lib);
	if (!res->lib_token)
		return -ENOMEM;
	int rc = pare_ld_default_dirs(res->arch, &res->arena, &res->default_dirs);
	if (rc == 0 && ld->opts.library_path) {
		char origin[PARE_PATH_MAX];
		dirname_of(res->objs[0].path, origin, sizeof(origin));
		struct pare_ld_dst dst = { origin, res->lib_token, res->arch->platform };
		rc = pare_ld_expand_path(ld->opts.library_path, &dst, &res->arena, &res->lib_path);
	}
	return rc;
}

/* Load the interpreter first (ld.so is always there), unplaced. */
static int load_interp(struct pare_ld *ld, struct pare_ld_result *res)
{
	const struct pare_elf *x = &res->objs[0].elf;
	const char *interp = x->interp ? x->interp : res->arch->interp;
	if (!interp)
		return 0;
	struct cand c = { .reuse = NONE };
	struct miss m = { 0 };
	pare_elf_init(&c.elf);
	int rc = try_candidate(ld, res, interp, &c, &m);
	size_t idx;
	if (rc == 1) {
		rc = adopt(res, interp, 0, &c, interp, &idx);
		if (rc == 0)
			res->objs[idx].is_interp = true;
	} else if (rc == 0 && x->interp) {
		rc = add_problem(res, PARE_LD_NO_INTERP, res->objs[0].path, interp, NULL,
				 "%s: interpreter %s not found in the root%s%s", res->objs[0].path,
				 interp, m.path[0] ? ": it " : "", m.path[0] ? m.why : "");
	}
	pare_elf_release(&c.elf);
	return rc < 0 ? rc : 0;
}

/* Breadth-first over the objects in load order, as _dl_map_object_deps. */
static int closure(struct pare_ld *ld, struct pare_ld_result *res)
{
	for (size_t q = 0;; q++) {
		size_t cur = q == 0 ? 0 : (q - 1 < res->norder ? res->order[q - 1] : NONE);
		if (cur == NONE)
			break;
		if (!res->objs[cur].path)
			continue;
		for (size_t i = 0; i < res->objs[cur].elf.nneeded; i++) {
			size_t idx;
			int rc = lookup(ld, res, res->objs[cur].elf.needed[i], cur, &idx);
			if (rc < 0)
				return rc;
			place(res, idx);
		}
	}
	/* The interpreter is listed only where the closure needs it: ld.so
	 * drops itself from the list otherwise (ldd shows it so). */
	return 0;
}

/* The highest definition with the same prefix as `want` ("GLIBC_"). */
static const char *highest_like(const struct pare_elf *p, const char *want)
{
	const char *best = NULL;
	const char *us = strrchr(want, '_');
	size_t plen = us ? (size_t)(us - want) + 1 : 0;
	for (size_t i = 0; i < p->nverdef; i++) {
		const char *n = p->verdef[i].name;
		if ((p->verdef[i].flags & VER_FLG_BASE) || strncmp(n, want, plen) != 0)
			continue;
		if (!best || pare_elf_version_cmp(n, best) > 0)
			best = n;
	}
	return best;
}

static int check_need(struct pare_ld_result *res, size_t who, const struct pare_elf_verneed *vn)
{
	size_t pi = find_name(res, vn->file);
	if (pi == NONE || !res->objs[pi].path || res->objs[pi].elf.nverdef == 0)
		return 0; /* missing is reported already; no verdef: ld.so only warns */
	const struct pare_ld_obj *prov = &res->objs[pi];
	for (size_t j = 0; j < vn->n; j++) {
		const struct pare_elf_version *v = &vn->v[j];
		if ((v->flags & VER_FLG_WEAK) || pare_elf_find_verdef(&prov->elf, v->name))
			continue;
		const char *hi = highest_like(&prov->elf, v->name);
		int rc = add_problem(res, PARE_LD_MISSING_VERSION, res->objs[who].path, vn->file,
				     v->name, "%s: needs %s from %s (%s), root provides %s%s",
				     res->objs[who].path, v->name, vn->file, prov->path,
				     hi ? "up to " : "no such version", hi ? hi : "");
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int check_versions(struct pare_ld_result *res)
{
	for (size_t q = 0; q <= res->norder; q++) {
		size_t who = q == 0 ? 0 : res->order[q - 1];
		const struct pare_ld_obj *ob = &res->objs[who];
		if (!ob->path)
			continue;
		for (size_t i = 0; i < ob->elf.nverneed; i++) {
			int rc = check_need(res, who, &ob->elf.verneed[i]);
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

int pare_ld_resolve(struct pare_ld *ld, const char *file, struct pare_ld_result *res,
		    struct pare_error *err)
{
	pare_ld_result_release(res);
	int rc = open_main(ld, res, file, err);
	if (rc < 0)
		return rc;
	if (res->objs[0].elf.type != ET_EXEC && res->objs[0].elf.type != ET_DYN)
		return pare_error_set(err, -PARE_E_UNSUPPORTED,
				      "%s: not an executable or shared object (%s)", file,
				      pare_elf_kind_name(res->objs[0].elf.kind));
	res->dynamic = res->objs[0].elf.has_dynamic &&
		       res->objs[0].elf.kind != PARE_ELF_STATIC_PIE;
	if (!res->dynamic)
		return 0;
	if ((rc = reg_name(res, file, 0)) < 0 || (rc = reg_name(res, res->objs[0].elf.soname, 0)) < 0)
		return rc;
	if ((rc = ensure_conf(ld, err)) < 0)
		return rc;
	if ((rc = setup_arch(ld, res)) < 0 ||
	    (rc = load_interp(ld, res)) < 0 || (rc = closure(ld, res)) < 0 ||
	    (rc = check_versions(res)) < 0)
		return pare_error_set(err, rc, "%s: %s", file, pare_strerror(rc));
	return 0;
}
