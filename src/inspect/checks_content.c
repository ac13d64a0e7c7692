/* Content policy: what a minimal runtime image should not carry, and file
 * kinds and modes that are risky. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "elf/elf.h"
#include "inspect/int.h"

/* Fail with every regular file (or symlink) the predicate accepts. */
static void each_file(struct pare_insp_ctx *c, struct pare_insp_out *o,
		      bool (*pred)(const struct pare_insp_ctx *, const struct pi_file *),
		      const char *what)
{
	for (size_t i = 0; i < c->nfiles; i++) {
		const struct pi_file *f = &c->files[i];
		if (!S_ISDIR(f->mode) && pred(c, f))
			pi_fail(o, "%s: %s", f->path, what);
	}
}

static bool under(const char *p, const char *dir)
{
	size_t n = strlen(dir);
	return strncmp(p, dir, n) == 0 && p[n] == '/';
}

#define PATH_CHECK(fn, what, expr) \
	static bool fn##_p(const struct pare_insp_ctx *c, const struct pi_file *f) \
	{ \
		(void)c; \
		const char *p = f->path; \
		(void)p; \
		return (expr); \
	} \
	static void fn(struct pare_insp_ctx *c, struct pare_insp_out *o) \
	{ \
		each_file(c, o, fn##_p, what); \
	}

PATH_CHECK(cnt_headers, "C header",
	   under(p, "/usr/include") || under(p, "/usr/local/include") ||
	   ((pi_has_suffix(p, ".h") || pi_has_suffix(p, ".hpp")) && strstr(p, "/include/")))
PATH_CHECK(cnt_static, "static library", pi_has_suffix(p, ".a") && strstr(p, "/lib"))
PATH_CHECK(cnt_pc, "pkg-config file", pi_has_suffix(p, ".pc") && strstr(p, "/pkgconfig/"))
PATH_CHECK(cnt_la, "libtool archive", pi_has_suffix(p, ".la") && strstr(p, "/lib"))
PATH_CHECK(cnt_man, "manual page", under(p, "/usr/share/man") || under(p, "/usr/man") ||
	   under(p, "/usr/local/share/man"))
PATH_CHECK(cnt_info, "info page", under(p, "/usr/share/info"))
/* a package's licence (usr/share/doc/NAME/copyright) is kept on purpose:
 * the split policy leaves it in the runtime package */
PATH_CHECK(cnt_doc, "documentation",
	   (under(p, "/usr/share/doc") && !pi_has_suffix(p, "/copyright")) ||
	   under(p, "/usr/share/gtk-doc") || under(p, "/usr/local/share/doc"))
PATH_CHECK(cnt_debug, "debug information",
	   under(p, "/usr/lib/debug") || pi_has_suffix(p, ".debug") ||
	   (f->elf >= 0 && c->elfs[f->elf].has_debug))
PATH_CHECK(cnt_mo, "message catalogue", pi_has_suffix(p, ".mo") && strstr(p, "/locale/"))
PATH_CHECK(cnt_completion, "shell completion",
	   under(p, "/usr/share/bash-completion") || under(p, "/etc/bash_completion.d") ||
	   under(p, "/usr/share/zsh") || under(p, "/usr/share/fish"))
PATH_CHECK(cnt_init, "init script or service unit",
	   under(p, "/etc/init.d") || under(p, "/etc/rc.d") || under(p, "/lib/systemd/system") ||
	   under(p, "/usr/lib/systemd/system") || under(p, "/etc/systemd/system"))
PATH_CHECK(cnt_cache, "package cache",
	   (under(p, "/var/cache/apk") && pi_has_suffix(p, ".apk")) ||
	   (under(p, "/var/cache/apk") && strstr(p, "APKINDEX")) ||
	   (under(p, "/var/cache/apt") && (pi_has_suffix(p, ".deb") || pi_has_suffix(p, ".bin"))) ||
	   under(p, "/var/lib/apt/lists") || under(p, "/root/.cache/pip") ||
	   under(p, "/var/cache/yum") || under(p, "/var/cache/dnf"))
PATH_CHECK(cnt_backup, "editor or patch leftover",
	   pi_has_suffix(p, "~") || pi_has_suffix(p, ".swp") || pi_has_suffix(p, ".orig") ||
	   pi_has_suffix(p, ".rej") || pi_has_suffix(p, ".bak") || pi_has_suffix(p, ".apk-new") ||
	   pi_has_suffix(p, ".dpkg-old") || pi_has_suffix(p, ".dpkg-new"))
PATH_CHECK(cnt_tmp_leftover, "left in a temporary directory",
	   under(p, "/tmp") || under(p, "/var/tmp"))
PATH_CHECK(cnt_toolchain, "compiler toolchain",
	   (f->mode & 0111) && (pi_has_suffix(p, "/bin/gcc") || pi_has_suffix(p, "/bin/cc") ||
				pi_has_suffix(p, "/bin/ld") || pi_has_suffix(p, "/bin/as") ||
				pi_has_suffix(p, "/bin/clang") || pi_has_suffix(p, "/bin/make")))
PATH_CHECK(cnt_badname, "file name with control characters or invalid UTF-8",
	   (f->flags & PI_F_BADNAME) != 0)

static void cnt_world_writable(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	for (size_t i = 0; i < c->nfiles; i++) {
		const struct pi_file *f = &c->files[i];
		if (S_ISREG(f->mode) && (f->mode & 0002))
			pi_fail(o, "%s: world-writable file (mode %o)", f->path, f->mode & 07777);
	}
}

static void cnt_world_dirs(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	for (size_t i = 0; i < c->nfiles; i++) {
		const struct pi_file *f = &c->files[i];
		if (S_ISDIR(f->mode) && (f->mode & 0002) && !(f->mode & S_ISVTX))
			pi_fail(o, "%s: world-writable directory without the sticky bit (mode %o)",
				f->path, f->mode & 07777);
	}
}

static void cnt_setuid(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	for (size_t i = 0; i < c->nfiles; i++)
		if (S_ISREG(c->files[i].mode) && (c->files[i].mode & S_ISUID))
			pi_fail(o, "%s: setuid (owner %u)", c->files[i].path, c->files[i].uid);
}

static void cnt_setgid(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	for (size_t i = 0; i < c->nfiles; i++)
		if (S_ISREG(c->files[i].mode) && (c->files[i].mode & S_ISGID))
			pi_fail(o, "%s: setgid (group %u)", c->files[i].path, c->files[i].gid);
}

static void cnt_caps(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	for (size_t i = 0; i < c->nfiles; i++)
		if (c->files[i].flags & PI_F_CAP)
			pi_fail(o, "%s: file capabilities (security.capability)", c->files[i].path);
}

static void cnt_devices(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	for (size_t i = 0; i < c->nfiles; i++) {
		const struct pi_file *f = &c->files[i];
		if (S_ISCHR(f->mode) || S_ISBLK(f->mode))
			pi_fail(o, "%s: %s device node", f->path, S_ISCHR(f->mode) ? "character" : "block");
	}
}

static void cnt_fifos(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	for (size_t i = 0; i < c->nfiles; i++) {
		const struct pi_file *f = &c->files[i];
		if (S_ISFIFO(f->mode) || S_ISSOCK(f->mode))
			pi_fail(o, "%s: %s", f->path, S_ISFIFO(f->mode) ? "FIFO" : "socket");
	}
}

static void symlinks(struct pare_insp_ctx *c, struct pare_insp_out *o, const char *want)
{
	for (size_t i = 0; i < c->nfiles; i++) {
		const struct pi_file *f = &c->files[i];
		const char *why = NULL;
		if (!S_ISLNK(f->mode) || pi_resolve(c, f->path, &why) || !why)
			continue;
		bool loop = strcmp(why, "symlink loop") == 0;
		if ((strcmp(want, "loop") == 0) == loop)
			pi_fail(o, "%s -> %s: %s", f->path, f->link ? f->link : "?", why);
	}
}

static void cnt_dangling(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	symlinks(c, o, "dangling");
}

static void cnt_loops(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	symlinks(c, o, "loop");
}

/* A relative target that climbs above the root (the kernel clamps it at
 * the root; on the host it points elsewhere). */
static void cnt_escaping(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	for (size_t i = 0; i < c->nfiles; i++) {
		const struct pi_file *f = &c->files[i];
		if (!S_ISLNK(f->mode) || !f->link || f->link[0] == '/')
			continue;
		int depth = 0;
		for (const char *p = f->path + 1; *p; p++)
			depth += *p == '/';
		for (const char *p = f->link; *p;) {
			const char *e = strchr(p, '/');
			size_t n = e ? (size_t)(e - p) : strlen(p);
			if (n == 2 && p[0] == '.' && p[1] == '.')
				depth--;
			else if (n && !(n == 1 && p[0] == '.'))
				depth++;
			if (depth < 0) {
				pi_fail(o, "%s -> %s: climbs above the root", f->path, f->link);
				break;
			}
			p += n + (e != NULL);
		}
	}
}

static void cnt_unowned(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	static const char *const generated[] = {
		"/etc/passwd", "/etc/group", "/etc/os-release", "/etc/shadow", "/etc/hosts",
		"/etc/hostname", "/etc/resolv.conf", "/etc/apk/world", "/etc/apk/repositories",
		"/etc/apk/arch", NULL,
	};
	if (!c->db_ok) {
		pi_na(o, "no installed database");
		return;
	}
	for (size_t i = 0; i < c->nfiles; i++) {
		const struct pi_file *f = &c->files[i];
		bool gen = false;
		if (S_ISDIR(f->mode) || under(f->path, "/lib/apk") || under(f->path, "/etc/apk/keys"))
			continue;
		for (size_t k = 0; generated[k] && !gen; k++)
			gen = strcmp(f->path, generated[k]) == 0;
		if (!gen && !pare_db_owner(&c->db, pare_slice_from(f->path + 1)))
			pi_fail(o, "%s: not owned by any installed package", f->path);
	}
}

static void cnt_owners(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	char id[16];
	if (!c->passwd_present) {
		pi_na(o, "no /etc/passwd");
		return;
	}
	for (size_t i = 0; i < c->nfiles; i++) {
		const struct pi_file *f = &c->files[i];
		if (f->uid == 0 && f->gid == 0)
			continue;
		snprintf(id, sizeof(id), "%u", f->uid);
		bool u = pi_user(c, id) != NULL;
		snprintf(id, sizeof(id), "%u", f->gid);
		bool g = !c->group_present || pi_group(c, id) != NULL;
		if (!u || !g)
			pi_fail(o, "%s: owner %u:%u has no %s entry", f->path, f->uid, f->gid,
				!u ? "passwd" : "group");
	}
}

static void cnt_hardlinks(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	for (size_t i = 0; i < c->nfiles; i++) {
		const struct pi_file *f = &c->files[i];
		if (S_ISREG(f->mode) && (f->mode & (S_ISUID | S_ISGID)) && f->nlink > 1)
			pi_fail(o, "%s: setuid/setgid file with %u hard links", f->path, f->nlink);
	}
}

const struct pare_insp_check pi_checks_content[] = {
	{ "CNT-001", "no C headers", PARE_INSP_WARNING, "Content policy", cnt_headers },
	{ "CNT-002", "no static libraries", PARE_INSP_WARNING, "Content policy", cnt_static },
	{ "CNT-003", "no pkg-config files", PARE_INSP_WARNING, "Content policy", cnt_pc },
	{ "CNT-004", "no libtool archives", PARE_INSP_WARNING, "Content policy", cnt_la },
	{ "CNT-005", "no manual pages", PARE_INSP_WARNING, "Content policy", cnt_man },
	{ "CNT-006", "no info pages", PARE_INSP_WARNING, "Content policy", cnt_info },
	{ "CNT-007", "no documentation", PARE_INSP_WARNING, "Content policy", cnt_doc },
	{ "CNT-008", "no debug information", PARE_INSP_WARNING, "Content policy", cnt_debug },
	{ "CNT-009", "no message catalogues", PARE_INSP_WARNING, "Content policy", cnt_mo },
	{ "CNT-010", "no shell completions", PARE_INSP_WARNING, "Content policy", cnt_completion },
	{ "CNT-011", "no init scripts or service units", PARE_INSP_WARNING, "Content policy", cnt_init },
	{ "CNT-012", "no package manager caches", PARE_INSP_WARNING, "Content policy", cnt_cache },
	{ "CNT-013", "no world-writable files", PARE_INSP_ERROR, "Content policy", cnt_world_writable },
	{ "CNT-014", "world-writable directories are sticky", PARE_INSP_ERROR, "Content policy", cnt_world_dirs },
	{ "CNT-015", "no setuid files", PARE_INSP_ERROR, "Content policy", cnt_setuid },
	{ "CNT-016", "no setgid files", PARE_INSP_ERROR, "Content policy", cnt_setgid },
	{ "CNT-017", "no file capabilities", PARE_INSP_ERROR, "Content policy", cnt_caps },
	{ "CNT-018", "no device nodes", PARE_INSP_ERROR, "Content policy", cnt_devices },
	{ "CNT-019", "no FIFOs or sockets", PARE_INSP_WARNING, "Content policy", cnt_fifos },
	{ "CNT-020", "no dangling symlinks", PARE_INSP_WARNING, "Content policy", cnt_dangling },
	{ "CNT-021", "no symlink loops", PARE_INSP_ERROR, "Content policy", cnt_loops },
	{ "CNT-022", "no symlinks climbing above the root", PARE_INSP_ERROR, "Content policy", cnt_escaping },
	{ "CNT-023", "every file is owned by an installed package", PARE_INSP_WARNING, "Content policy", cnt_unowned },
	{ "CNT-024", "file owners have passwd and group entries", PARE_INSP_WARNING, "Content policy", cnt_owners },
	{ "CNT-025", "no editor, patch or package-manager leftovers", PARE_INSP_WARNING, "Content policy", cnt_backup },
	{ "CNT-026", "temporary directories are empty", PARE_INSP_WARNING, "Content policy", cnt_tmp_leftover },
	{ "CNT-027", "no compiler toolchain", PARE_INSP_INFO, "Content policy", cnt_toolchain },
	{ "CNT-028", "file names are printable UTF-8", PARE_INSP_WARNING, "Content policy", cnt_badname },
	{ "CNT-029", "setuid/setgid files have one link", PARE_INSP_ERROR, "Content policy", cnt_hardlinks },
	{ NULL, NULL, 0, NULL, NULL },
};
