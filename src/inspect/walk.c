/* The one walk of the root: every entry lstat'ed, every regular file's
 * head read once (ELF parsed once, #!, secrets), dynamic ELF files resolved
 * by the static loader.  Plus the lookups the checks share. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "apk/arch.h"
#include "base/buf.h"
#include "elf/elf.h"
#include "elf/loader.h"
#include "inspect/int.h"

bool pi_has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

void pi_each_path(struct pare_insp_ctx *c, struct pare_insp_out *o, const char *list,
		  void (*fn)(struct pare_insp_ctx *c, struct pare_insp_out *o, const char *elem))
{
	char d[PARE_PATH_MAX];
	while (list && *list) {
		const char *e = strchr(list, ':');
		size_t n = e ? (size_t)(e - list) : strlen(list);
		if (n && n < sizeof(d)) {
			memcpy(d, list, n);
			d[n] = '\0';
			fn(c, o, d);
		}
		list += n + (e != NULL);
	}
}

bool pi_has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

static int add_file(struct pare_insp_ctx *c, struct pi_file **out, struct pare_error *err)
{
	if (c->nfiles >= c->max_files)
		return pare_error_set(err, -PARE_E_TOO_BIG, "%s: more than %llu files, inspection "
				      "stopped", c->t->root, (unsigned long long)c->max_files);
	if (c->nfiles == c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 1024;
		struct pi_file *nf = realloc(c->files, ncap * sizeof(*nf));
		if (!nf)
			return -ENOMEM;
		c->files = nf;
		c->cap = ncap;
	}
	*out = &c->files[c->nfiles++];
	memset(*out, 0, sizeof(**out));
	(*out)->elf = -1;
	return 0;
}

/* ---- secrets in a buffer */

static bool is_upalnum(char ch)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
}

static bool has_aws_key(const char *p, size_t n)
{
	for (const char *q = p; (q = memmem(q, n - (size_t)(q - p), "AKIA", 4)) != NULL; q += 4) {
		size_t left = n - (size_t)(q - p);
		if (left < 20)
			return false;
		size_t k = 4;
		while (k < 20 && is_upalnum(q[k]))
			k++;
		if (k == 20 && (left == 20 || !is_upalnum(q[20])) &&
		    (q == p || !is_upalnum(q[-1])))
			return true;
	}
	return false;
}

static bool token_at(const char *p, size_t n, const char *prefix, size_t minlen)
{
	size_t pl = strlen(prefix);
	for (const char *q = p; (q = memmem(q, n - (size_t)(q - p), prefix, pl)) != NULL; q += pl) {
		size_t k = pl, left = n - (size_t)(q - p);
		while (k < left && (is_upalnum(q[k]) || (q[k] >= 'a' && q[k] <= 'z') || q[k] == '_' ||
				    q[k] == '-'))
			k++;
		if (k - pl >= minlen)
			return true;
	}
	return false;
}

static uint32_t scan_secrets(const char *p, size_t n)
{
	uint32_t f = 0;
	if (memmem(p, n, "-----BEGIN OPENSSH PRIVATE KEY-----", 35))
		f |= PI_F_SSH_KEY;
	static const char *const pem[] = {
		"-----BEGIN PRIVATE KEY-----", "-----BEGIN RSA PRIVATE KEY-----",
		"-----BEGIN EC PRIVATE KEY-----", "-----BEGIN DSA PRIVATE KEY-----",
		"-----BEGIN ENCRYPTED PRIVATE KEY-----", NULL,
	};
	for (size_t i = 0; pem[i]; i++)
		if (memmem(p, n, pem[i], strlen(pem[i])))
			f |= PI_F_PEM_KEY;
	if (memmem(p, n, "-----BEGIN CERTIFICATE-----", 27))
		f |= PI_F_CERT;
	if (has_aws_key(p, n))
		f |= PI_F_AWS;
	if (token_at(p, n, "ghp_", 30) || token_at(p, n, "github_pat_", 30) ||
	    token_at(p, n, "glpat-", 20) || token_at(p, n, "xoxb-", 20) || token_at(p, n, "xoxp-", 20))
		f |= PI_F_TOKEN;
	if (memmem(p, n, "\"private_key_id\"", 16) && memmem(p, n, "\"private_key\"", 13))
		f |= PI_F_GCP_KEY;
	return f;
}

/* ---- one regular file */

static void note_shebang(struct pare_insp_ctx *c, struct pi_file *f, const char *h, size_t n)
{
	size_t i = 2, end;
	while (i < n && (h[i] == ' ' || h[i] == '\t'))
		i++;
	end = i;
	while (end < n && h[end] != ' ' && h[end] != '\t' && h[end] != '\n' && h[end] != '\r' &&
	       h[end] != '\0')
		end++;
	f->flags |= PI_F_SHEBANG;
	f->shebang = pare_arena_strdup(&c->arena, pare_slice_make(h + i, end - i));
}

static int note_elf(struct pare_insp_ctx *c, struct pi_file *f, int fd)
{
	struct pare_elf e;
	struct pare_error err = { 0 };
	pare_elf_init(&e);
	f->flags |= PI_F_ELF;
	if (pare_elf_parse_fd(&e, fd, f->path, &err) < 0) {
		f->flags |= PI_F_ELF_BAD;
		pare_elf_release(&e);
		return 0;
	}
	if (c->nelfs == c->elfcap) {
		size_t ncap = c->elfcap ? c->elfcap * 2 : 256;
		struct pi_elf *ne = realloc(c->elfs, ncap * sizeof(*ne));
		if (!ne) {
			pare_elf_release(&e);
			return -ENOMEM;
		}
		c->elfs = ne;
		c->elfcap = ncap;
	}
	struct pi_elf *x = &c->elfs[c->nelfs];
	memset(x, 0, sizeof(*x));
	x->file = (size_t)(f - c->files);
	x->type = e.type;
	x->machine = e.machine;
	x->elfclass = e.elfclass;
	x->kind = (int)e.kind;
#define DUP(s) ((s) ? pare_arena_strdup(&c->arena, pare_slice_from(s)) : NULL)
	x->interp = DUP(e.interp);
	x->soname = DUP(e.soname);
	x->rpath = DUP(e.rpath);
	x->runpath = DUP(e.runpath);
#undef DUP
	x->nneeded = e.nneeded;
	x->has_debug = e.has_debug;
	x->has_symtab = e.has_symtab;
	x->has_gnu_stack = e.has_gnu_stack;
	x->exec_stack = e.exec_stack;
	x->has_relro = e.has_relro;
	x->textrel = e.textrel;
	x->bind_now = e.bind_now;
	x->stack_chk = e.stack_chk;
	x->fortify = e.fortify;
	x->has_dynamic = e.has_dynamic;
	f->elf = (int32_t)c->nelfs++;
	pare_elf_release(&e);
	return 0;
}

static int read_regular(struct pare_insp_ctx *c, struct pi_file *f, int dfd, const char *name)
{
	int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return 0; /* unreadable: the checks see it without content */
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_ino != f->ino) {
		close(fd);
		return 0;
	}
	if (f->mode & 0111) {
		char cap[64];
		if (fgetxattr(fd, "security.capability", cap, sizeof(cap)) > 0)
			f->flags |= PI_F_CAP;
	}
	size_t want = f->size < PI_SCAN_MAX ? (size_t)f->size : PI_HEAD;
	char stackbuf[PI_HEAD];
	char *buf = want > sizeof(stackbuf) ? malloc(want) : stackbuf;
	int rc = 0;
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	ssize_t n = want ? pread(fd, buf, want, 0) : 0;
	if (n >= 4 && pare_elf_is_elf(buf, (size_t)n)) {
		rc = note_elf(c, f, fd);
	} else if (n > 0) {
		if (n >= 2 && buf[0] == '#' && buf[1] == '!')
			note_shebang(c, f, buf, (size_t)(n < 256 ? n : 256));
		f->flags |= scan_secrets(buf, (size_t)n);
	}
	if (buf != stackbuf)
		free(buf);
	close(fd);
	return rc;
}

static bool bad_name(const char *name)
{
	size_t bad;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return true;
	return !pare_slice_utf8_valid(pare_slice_from(name), &bad);
}

/* ---- the directory walk */

static int walk_dir(struct pare_insp_ctx *c, int dfd, struct pare_buf *path, unsigned depth,
		    struct pare_error *err);

static int walk_entry(struct pare_insp_ctx *c, int dfd, const char *name, struct pare_buf *path,
		      unsigned depth, struct pare_error *err)
{
	struct stat st;
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return 0;
	size_t plen = path->len;
	int rc = pare_buf_putc(path, '/');
	if (rc == 0)
		rc = pare_buf_append_str(path, name);
	if (rc < 0)
		return pare_error_set(err, rc, "%s: path too long", c->t->root);
	struct pi_file *f = NULL;
	if ((rc = add_file(c, &f, err)) < 0)
		return rc;
	f->path = pare_arena_strdup(&c->arena, pare_slice_make(path->data, path->len));
	if (!f->path)
		return -ENOMEM;
	f->mode = st.st_mode;
	f->uid = st.st_uid;
	f->gid = st.st_gid;
	f->nlink = (uint32_t)st.st_nlink;
	f->size = (uint64_t)st.st_size;
	f->ino = st.st_ino;
	f->dev = st.st_dev;
	if (bad_name(name))
		f->flags |= PI_F_BADNAME;
	size_t idx = c->nfiles;
	rc = pare_map_put(&c->by_path, pare_slice_make(f->path, path->len), (void *)idx, NULL);
	if (rc == 0 && S_ISLNK(st.st_mode)) {
		char tgt[PARE_PATH_MAX];
		ssize_t n = readlinkat(dfd, name, tgt, sizeof(tgt));
		if (n >= 0 && (size_t)n < sizeof(tgt))
			f->link = pare_arena_strdup(&c->arena, pare_slice_make(tgt, (size_t)n));
	} else if (rc == 0 && S_ISREG(st.st_mode)) {
		rc = read_regular(c, f, dfd, name);
	} else if (rc == 0 && S_ISDIR(st.st_mode)) {
		if (depth >= PARE_INSP_MAX_DEPTH)
			return pare_error_set(err, -PARE_E_TOO_BIG, "%s: directories nested deeper "
					      "than %u", path->data, PARE_INSP_MAX_DEPTH);
		int sub = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub >= 0)
			rc = walk_dir(c, sub, path, depth + 1, err);
	}
	pare_buf_truncate(path, plen);
	return rc;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Takes ownership of dirfd.  Entries in sorted order (stable evidence). */
static int walk_dir(struct pare_insp_ctx *c, int dfd, struct pare_buf *path, unsigned depth,
		    struct pare_error *err)
{
	DIR *d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return 0;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;
	struct dirent *de;
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 32;
			char **nn = realloc(names, ncap * sizeof(*nn));
			if (!nn) {
				rc = -ENOMEM;
				break;
			}
			names = nn;
			cap = ncap;
		}
		if (c->nfiles + n >= c->max_files) {
			rc = pare_error_set(err, -PARE_E_TOO_BIG, "%s: more than %llu files, "
					    "inspection stopped", c->t->root,
					    (unsigned long long)c->max_files);
			break;
		}
		if (!(names[n] = strdup(de->d_name)))
			rc = -ENOMEM;
		else
			n++;
	}
	if (rc == 0 && n > 1) /* an empty directory has no array */
		qsort(names, n, sizeof(*names), name_cmp);
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = walk_entry(c, dirfd(d), names[i], path, depth, err);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
	return rc;
}

/* ---- the loader over every dynamic ELF file */

static void resolve_elfs(struct pare_insp_ctx *c)
{
	struct pare_ld ld;
	struct pare_error err = { 0 };
	if (pare_ld_init(&ld, c->t->root, NULL, &err) < 0) {
		pare_ld_release(&ld);
		return;
	}
	for (size_t i = 0; i < c->nelfs; i++) {
		struct pi_elf *x = &c->elfs[i];
		if (!x->has_dynamic || x->kind == PARE_ELF_RELOCATABLE || x->kind == PARE_ELF_CORE)
			continue;
		struct pare_ld_result res;
		pare_ld_result_init(&res);
		err.msg[0] = '\0';
		int rc = pare_ld_resolve(&ld, c->files[x->file].path, &res, &err);
		size_t np = rc < 0 ? 1 : res.nproblems;
		if (np && (x->problems = pare_arena_alloc(&c->arena, np * sizeof(char *)))) {
			for (size_t k = 0; k < np; k++) {
				const char *m = rc < 0 ? err.msg : res.problems[k].message;
				x->problems[x->nproblems++] =
					pare_arena_strdup(&c->arena, pare_slice_from(m));
				x->problem_kinds |= rc < 0 ? 1 << PARE_LD_BAD_OBJECT
							   : 1 << res.problems[k].kind;
			}
		}
		pare_ld_result_release(&res);
	}
	pare_ld_release(&ld);
}

int pi_walk(struct pare_insp_ctx *c, struct pare_error *err)
{
	int fd = open(c->t->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return pare_error_set(err, -errno, "%s: %s", c->t->root, strerror(errno));
	struct pare_buf path;
	struct stat st;
	struct pi_file *root = NULL;
	int rc = fstat(fd, &st) < 0 ? -errno : add_file(c, &root, err);
	if (rc < 0) {
		close(fd);
		return rc == -ENOMEM ? rc : pare_error_set(err, rc, "%s: cannot stat", c->t->root);
	}
	root->path = "/";
	root->mode = st.st_mode;
	root->ino = st.st_ino;
	root->dev = st.st_dev;
	root->nlink = (uint32_t)st.st_nlink;
	root->uid = st.st_uid;
	root->gid = st.st_gid;
	rc = pare_map_put(&c->by_path, pare_slice_make("/", 1), (void *)(size_t)1, NULL);
	pare_buf_init(&path, PARE_PATH_MAX);
	if (rc == 0)
		rc = walk_dir(c, fd, &path, 0, err);
	pare_buf_release(&path);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < c->nelfs && !c->machine; i++) {
		const struct pi_elf *x = &c->elfs[i];
		if (x->interp && (x->kind == PARE_ELF_PIE || x->kind == PARE_ELF_DYNAMIC)) {
			c->machine = x->machine;
			c->elfclass = x->elfclass;
		}
	}
	resolve_elfs(c);
	return 0;
}

/* ---- lookups */

const struct pi_file *pi_lookup(const struct pare_insp_ctx *c, const char *path)
{
	size_t n = strlen(path);
	while (n > 1 && path[n - 1] == '/')
		n--;
	void *v = pare_map_get(&c->by_path, pare_slice_make(path, n));
	return v ? &c->files[(size_t)v - 1] : NULL;
}

/* Resolve component by component in buf (absolute, normalised). */
const struct pi_file *pi_resolve(const struct pare_insp_ctx *c, const char *path,
				 const char **why)
{
	char cur[PARE_PATH_MAX], rest[PARE_PATH_MAX];
	size_t clen = 0;
	unsigned links = 0;
	const struct pi_file *f = NULL;
	if (snprintf(rest, sizeof(rest), "%s", path) >= (int)sizeof(rest))
		goto toolong;
	cur[0] = '\0';
	char *p = rest;
	while (*p) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		char *e = strchr(p, '/');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (n == 1 && p[0] == '.') {
			p += n;
			continue;
		}
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			while (clen > 0 && cur[clen - 1] != '/')
				clen--;
			if (clen > 0)
				clen--;
			cur[clen] = '\0';
			p += n;
			continue;
		}
		if (clen + 1 + n >= sizeof(cur))
			goto toolong;
		cur[clen++] = '/';
		memcpy(cur + clen, p, n);
		clen += n;
		cur[clen] = '\0';
		p += n;
		f = pi_lookup(c, cur);
		if (!f) {
			if (why)
				*why = "does not exist";
			return NULL;
		}
		if (S_ISLNK(f->mode)) {
			if (++links > PARE_SYMLINK_MAX || !f->link) {
				if (why)
					*why = "symlink loop";
				return NULL;
			}
			char tmp[PARE_PATH_MAX];
			while (clen > 0 && cur[clen - 1] != '/')
				clen--;
			if (clen > 0)
				clen--;
			cur[clen] = '\0';
			while (*p == '/')
				p++;
			if (snprintf(tmp, sizeof(tmp), "%s%s%s", f->link, *p ? "/" : "", p) >=
			    (int)sizeof(tmp))
				goto toolong;
			if (f->link[0] == '/')
				clen = 0, cur[0] = '\0';
			memcpy(rest, tmp, strlen(tmp) + 1);
			p = rest;
			f = NULL;
		} else if (p[strspn(p, "/")] && !S_ISDIR(f->mode)) {
			if (why)
				*why = "a path component is not a directory";
			return NULL;
		}
	}
	if (!f && clen == 0)
		f = pi_lookup(c, "/");
	if (!f && clen > 0)
		f = pi_lookup(c, cur);
	if (!f && why)
		*why = clen == 0 ? "is the root" : "does not exist";
	return f;
toolong:
	if (why)
		*why = "path too long";
	return NULL;
}

char *pi_read(struct pare_insp_ctx *c, const char *path, size_t max, size_t *len)
{
	const struct pi_file *f = pi_resolve(c, path, NULL);
	if (!f || !S_ISREG(f->mode) || f->size > max)
		return NULL;
	int fd = openat(c->root.fd, f->path + 1, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	char *buf = pare_arena_alloc(&c->arena, (size_t)f->size + 1);
	ssize_t n = buf ? pread(fd, buf, (size_t)f->size, 0) : -1;
	close(fd);
	if (n < 0)
		return NULL;
	buf[n] = '\0';
	if (len)
		*len = (size_t)n;
	return buf;
}

const char *pi_env(const struct pare_insp_ctx *c, const char *key)
{
	size_t kl = strlen(key);
	for (size_t i = 0; i < c->t->run.nenv; i++) {
		const char *e = c->t->run.env[i];
		if (strncmp(e, key, kl) == 0 && e[kl] == '=')
			return e + kl + 1;
	}
	return NULL;
}

const struct pi_file *pi_find_program(const struct pare_insp_ctx *c, const char *name,
				      const char **path_out)
{
	if (strchr(name, '/')) {
		if (path_out)
			*path_out = name;
		return pi_resolve(c, name, NULL);
	}
	const char *path = pi_env(c, "PATH");
	if (!path)
		path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	char buf[PARE_PATH_MAX];
	while (*path) {
		const char *e = strchr(path, ':');
		size_t n = e ? (size_t)(e - path) : strlen(path);
		if (n && snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, path, name) < (int)sizeof(buf)) {
			const struct pi_file *f = pi_resolve(c, buf, NULL);
			if (f && S_ISREG(f->mode)) {
				if (path_out) {
					char *s = pare_arena_strdup((struct pare_arena *)&c->arena,
								    pare_slice_from(buf));
					*path_out = s ? s : name;
				}
				return f;
			}
		}
		path += n + (e != NULL);
	}
	return NULL;
}

/* The multiarch directories of every architecture in the one table
 * (apk/arch.h), then the generic ones. */
static const char *const lib_dirs[] = {
	"/lib64", "/usr/lib64", "/lib", "/usr/lib", "/usr/local/lib", NULL,
};

static const struct pi_file *find_lib_in(const struct pare_insp_ctx *c, const char *dir,
					 const char *name)
{
	char buf[PARE_PATH_MAX];
	snprintf(buf, sizeof(buf), "%s/%s", dir, name);
	const struct pi_file *f = pi_resolve(c, buf, NULL);
	return f && S_ISREG(f->mode) ? f : NULL;
}

const struct pi_file *pi_find_lib(const struct pare_insp_ctx *c, const char *name)
{
	char dir[64];
	size_t n;
	const struct pare_arch *t = pare_arch_table(&n);
	const struct pi_file *f = NULL;
	for (size_t i = 0; !f && i < 2 * n; i++) {
		snprintf(dir, sizeof(dir), "%s/%s", i % 2 ? "/usr/lib" : "/lib", t[i / 2].triplet);
		f = find_lib_in(c, dir, name);
	}
	for (size_t i = 0; !f && lib_dirs[i]; i++)
		f = find_lib_in(c, lib_dirs[i], name);
	return f;
}

bool pi_any_under(const struct pare_insp_ctx *c, const char *dir, const char *stem)
{
	size_t dl = strlen(dir), sl = strlen(stem);
	for (size_t i = 0; i < c->nfiles; i++) {
		const char *p = c->files[i].path;
		if (strncmp(p, dir, dl) == 0 && p[dl] == '/' && !strchr(p + dl + 1, '/') &&
		    strncmp(p + dl + 1, stem, sl) == 0)
			return true;
	}
	return false;
}

bool pi_has_tls_lib(const struct pare_insp_ctx *c)
{
	static const char *const stems[] = { "libssl.so", "libcrypto.so", "libgnutls.so", NULL };
	for (size_t i = 0; i < c->nfiles; i++) {
		const char *b = strrchr(c->files[i].path, '/');
		for (size_t k = 0; b && stems[k]; k++)
			if (pi_has_prefix(b + 1, stems[k]))
				return true;
	}
	return false;
}

void pi_ctx_release(struct pare_insp_ctx *c)
{
	free(c->files);
	free(c->elfs);
	pare_map_release(&c->by_path);
	pare_db_installed_release(&c->db);
	pare_root_release(&c->root);
	pare_arena_release(&c->arena);
}
