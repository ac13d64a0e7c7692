/* Lint of built packages (lint.h). */
#include "build/lint.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/rootpath.h"
#include "build/tree.h"
#include "elf/elf.h"

struct check {
	const char *id;
	const char *waiver; /* option that waives it */
};

static const struct check checks[] = {
	{ "usr-local", "!lint:usr-local" }, { "var-run", "!lint:var-run" },
	{ "world-writable", "!lint:world-writable" }, { "setuid", "suid" },
	{ "textrel", "textrels" }, { "execstack", "execstack" },
	{ "rpath-build", "!lint:rpath-build" }, { "dev-in-main", "!lint:dev-in-main" },
	{ "empty", "!lint:empty" }, { "so-provider", "!lint:so-provider" },
};

bool pare_build_lint_waived(const struct pare_recipe *r, const char *id)
{
	for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++)
		if (!strcmp(checks[i].id, id))
			return pare_recipe_has_option(r, checks[i].waiver);
	return false;
}

static int push(struct pare_build_lint *l, bool error, const char *line)
{
	const char ***v = error ? &l->errors : &l->warnings;
	size_t *n = error ? &l->nerrors : &l->nwarnings, *cap = error ? &l->cap_e : &l->cap_w;
	if (*n >= PARE_BUILD_LINT_MAX)
		return 0;
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 16;
		const char **nv = realloc(*v, c * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		*v = nv;
		*cap = c;
	}
	(*v)[(*n)++] = line;
	return 0;
}

int pare_build_lint_add(struct pare_build_lint *l, const struct pare_recipe *r, bool error,
			const char *id, const char *pkg, const char *path)
{
	if (pare_build_lint_waived(r, id))
		return 0;
	char line[PARE_PATH_MAX + 128];
	snprintf(line, sizeof(line), "%s: %s: %s%s", id, pkg, path[0] ? "/" : "", path);
	const char *s = pare_arena_strdup(l->arena, pare_slice_from(line));
	return s ? push(l, error, s) : -ENOMEM;
}

static bool under(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	return !strncmp(path, dir, n) && (path[n] == '/' || path[n] == '\0');
}

static bool ends(const char *s, const char *suf)
{
	size_t n = strlen(s), k = strlen(suf);
	return n >= k && !strcmp(s + n - k, suf);
}

static bool dev_file(const char *p)
{
	return under(p, "usr/include") || (ends(p, ".pc") && strstr(p, "/pkgconfig/")) ||
	       ends(p, ".a") || ends(p, ".la");
}

/* Executable PT_GNU_STACK? (libelf directly: elf.h keeps no segments) */
static bool exec_stack(int fd)
{
	bool x = false;
	Elf *e = elf_begin(fd, ELF_C_READ, NULL);
	size_t n = 0;
	if (e && elf_getphdrnum(e, &n) == 0) {
		for (size_t i = 0; i < n && i < 4096; i++) {
			GElf_Phdr ph;
			if (gelf_getphdr(e, (int)i, &ph) && ph.p_type == PT_GNU_STACK)
				x = (ph.p_flags & PF_X) != 0;
		}
	}
	if (e)
		elf_end(e);
	return x;
}

static int elf_checks(struct pare_build_lint *l, const struct pare_recipe *r, const char *pkg,
		      const char *dir, const struct pare_build_tent *te)
{
	char p[PARE_PATH_MAX];
	pare_build_pathf(p, sizeof(p), "%s/%s", dir, te->path);
	int fd = open(p, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return 0;
	unsigned char magic[4];
	int rc = 0;
	if (pread(fd, magic, 4, 0) == 4 && pare_elf_is_elf(magic, 4)) {
		struct pare_elf e;
		pare_elf_init(&e);
		if (pare_elf_parse_fd(&e, fd, p, NULL) == 0) {
			if ((e.flags & DF_TEXTREL))
				rc = pare_build_lint_add(l, r, true, "textrel", pkg, te->path);
			const char *rp = e.rpath ? e.rpath : e.runpath;
			if (rc == 0 && rp && strstr(rp, "/build/"))
				rc = pare_build_lint_add(l, r, true, "rpath-build", pkg, te->path);
			if (rc == 0 && exec_stack(fd))
				rc = pare_build_lint_add(l, r, true, "execstack", pkg, te->path);
		}
		pare_elf_release(&e);
	}
	close(fd);
	return rc;
}

static int one(struct pare_build_lint *l, const struct pare_recipe *r, const char *pkg,
	       const char *dir, const struct pare_build_tent *te, bool is_main)
{
	int rc = 0;
	if (under(te->path, "usr/local") && !S_ISDIR(te->mode))
		rc = pare_build_lint_add(l, r, true, "usr-local", pkg, te->path);
	if (rc == 0 && under(te->path, "var/run") && strcmp(te->path, "var/run"))
		rc = pare_build_lint_add(l, r, true, "var-run", pkg, te->path);
	if (rc == 0 && !S_ISLNK(te->mode) && (te->mode & S_IWOTH) &&
	    !(S_ISDIR(te->mode) && (te->mode & S_ISVTX)))
		rc = pare_build_lint_add(l, r, true, "world-writable", pkg, te->path);
	if (rc == 0 && S_ISREG(te->mode) && (te->mode & (S_ISUID | S_ISGID)))
		rc = pare_build_lint_add(l, r, true, "setuid", pkg, te->path);
	if (rc == 0 && is_main && S_ISREG(te->mode) && dev_file(te->path))
		rc = pare_build_lint_add(l, r, false, "dev-in-main", pkg, te->path);
	if (rc == 0 && S_ISREG(te->mode))
		rc = elf_checks(l, r, pkg, dir, te);
	return rc;
}

int pare_build_lint_pkg(struct pare_build_lint *l, const struct pare_recipe *r, const char *pkg,
			const char *dir, const struct pare_build_tree *t, bool is_main,
			struct pare_error *err)
{
	elf_version(EV_CURRENT);
	bool files = false;
	for (size_t i = 0; i < t->n; i++) {
		files |= !S_ISDIR(t->v[i].mode);
		if (one(l, r, pkg, dir, &t->v[i], is_main) < 0)
			return pare_error_set(err, -ENOMEM, "out of memory");
	}
	if (!files && !is_main && pare_build_lint_add(l, r, false, "empty", pkg, "") < 0)
		return pare_error_set(err, -ENOMEM, "out of memory");
	return 0;
}

void pare_build_lint_release(struct pare_build_lint *l)
{
	if (!l)
		return;
	free(l->errors);
	free(l->warnings);
	l->errors = l->warnings = NULL;
	l->nerrors = l->nwarnings = l->cap_e = l->cap_w = 0;
}
