/* Loader checks: every ELF file resolves inside the image, its search
 * paths stay inside it, and the hardening report. */
#include <elf.h>
#include <string.h>
#include <sys/stat.h>

#include "elf/elf.h"
#include "elf/loader.h"
#include "elf/ldpath.h"
#include "inspect/int.h"

#define EACH_ELF(c, x) for (const struct pi_elf *x = (c)->elfs; x < (c)->elfs + (c)->nelfs; x++)
#define PATH(c, x) ((c)->files[(x)->file].path)

static bool is_program(const struct pi_elf *x)
{
	return x->kind == PARE_ELF_PIE || x->kind == PARE_ELF_DYNAMIC ||
	       x->kind == PARE_ELF_STATIC || x->kind == PARE_ELF_STATIC_PIE;
}

static bool is_dyn_object(const struct pi_elf *x)
{
	return x->has_dynamic && (x->kind == PARE_ELF_PIE || x->kind == PARE_ELF_DYNAMIC ||
				  x->kind == PARE_ELF_SHARED);
}

/* A dynamic program (not a library that also has an interpreter, as libc). */
static bool is_dyn_program(const struct pi_elf *x)
{
	return x->has_dynamic && !x->soname &&
	       (x->kind == PARE_ELF_PIE || x->kind == PARE_ELF_DYNAMIC);
}

static void need_elf(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	if (c->nelfs == 0)
		pi_na(o, "no ELF files");
}

static void problems_of(struct pare_insp_ctx *c, struct pare_insp_out *o, int kinds)
{
	need_elf(c, o);
	EACH_ELF(c, x)
		if (x->problem_kinds & kinds)
			for (size_t i = 0; i < x->nproblems; i++)
				pi_fail(o, "%s", x->problems[i]);
}

static void elf_needed(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	problems_of(c, o, 1 << PARE_LD_MISSING);
}

static void elf_versions(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	problems_of(c, o, 1 << PARE_LD_MISSING_VERSION);
}

static void elf_interp(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	need_elf(c, o);
	EACH_ELF(c, x) {
		const char *why = NULL;
		if (x->interp && !pi_resolve(c, x->interp, &why))
			pi_fail(o, "%s: interpreter %s %s", PATH(c, x), x->interp, why);
	}
}

static void elf_arch(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	problems_of(c, o, 1 << PARE_LD_WRONG_ARCH);
	if (!c->machine)
		return;
	EACH_ELF(c, x)
		if (is_program(x) && (x->machine != c->machine || x->elfclass != c->elfclass))
			pi_fail(o, "%s: machine %u class %u, the image's programs are %u/%u",
				PATH(c, x), x->machine, x->elfclass, c->machine, c->elfclass);
}

static void elf_bad(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	for (size_t i = 0; i < c->nfiles; i++)
		if (c->files[i].flags & PI_F_ELF_BAD)
			pi_fail(o, "%s: ELF magic but unreadable (truncated or corrupt)",
				c->files[i].path);
	problems_of(c, o, 1 << PARE_LD_BAD_OBJECT);
}

/* Each absolute element of an RPATH/RUNPATH (tokens left alone). */
static void each_path_dir(struct pare_insp_ctx *c, struct pare_insp_out *o, const struct pi_elf *x,
			  const char *list, bool writable)
{
	char buf[PARE_PATH_MAX];
	while (list && *list) {
		const char *e = strchr(list, ':');
		size_t n = e ? (size_t)(e - list) : strlen(list);
		snprintf(buf, sizeof(buf), "%.*s", (int)n, list);
		list += n + (e != NULL);
		if (pi_has_prefix(buf, "$ORIGIN") || pi_has_prefix(buf, "${ORIGIN}"))
			continue; /* relative to the object: inside the image */
		if (writable) {
			const struct pi_file *d = pi_resolve(c, buf, NULL);
			bool tmp = pi_has_prefix(buf, "/tmp") || pi_has_prefix(buf, "/var/tmp") ||
				   pi_has_prefix(buf, "/dev/shm");
			if (tmp || (d && (d->mode & 0002)))
				pi_fail(o, "%s: search path %s is writable by everyone",
					c->files[x->file].path, buf);
		} else if (buf[0] != '/') {
			pi_fail(o, "%s: relative search path '%s' (depends on the working directory)",
				c->files[x->file].path, buf);
		} else if (!pi_resolve(c, buf, NULL)) {
			pi_fail(o, "%s: search path %s is not in the image (points at the build "
				"host)", c->files[x->file].path, buf);
		}
	}
}

static void elf_rpath_outside(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	need_elf(c, o);
	EACH_ELF(c, x) {
		each_path_dir(c, o, x, x->rpath, false);
		each_path_dir(c, o, x, x->runpath, false);
	}
}

static void elf_rpath_writable(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	need_elf(c, o);
	EACH_ELF(c, x) {
		each_path_dir(c, o, x, x->rpath, true);
		each_path_dir(c, o, x, x->runpath, true);
	}
}

static void elf_rpath_deprecated(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	need_elf(c, o);
	EACH_ELF(c, x)
		if (x->rpath)
			pi_fail(o, "%s: DT_RPATH %s (DT_RUNPATH lets LD_LIBRARY_PATH override)",
				PATH(c, x), x->rpath);
}

static void elf_textrel(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	need_elf(c, o);
	EACH_ELF(c, x)
		if (x->textrel)
			pi_fail(o, "%s: text relocations", PATH(c, x));
}

static void elf_execstack(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	need_elf(c, o);
	EACH_ELF(c, x)
		if (x->exec_stack && x->kind != PARE_ELF_RELOCATABLE)
			pi_fail(o, "%s: PT_GNU_STACK is executable", PATH(c, x));
}

static void elf_nostackhdr(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	need_elf(c, o);
	EACH_ELF(c, x)
		if (!x->has_gnu_stack && is_dyn_object(x))
			pi_fail(o, "%s: no PT_GNU_STACK (the kernel may make the stack executable)",
				PATH(c, x));
}

static void elf_pie(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	need_elf(c, o);
	EACH_ELF(c, x)
		if (x->kind == PARE_ELF_DYNAMIC)
			pi_fail(o, "%s: not position independent (ET_EXEC)", PATH(c, x));
}

static void elf_relro(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	need_elf(c, o);
	EACH_ELF(c, x)
		if (is_dyn_object(x) && !x->has_relro)
			pi_fail(o, "%s: no RELRO", PATH(c, x));
}

static void elf_bindnow(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	need_elf(c, o);
	EACH_ELF(c, x)
		if (is_dyn_program(x) && !x->bind_now)
			pi_fail(o, "%s: lazy binding (no BIND_NOW: partial RELRO only)", PATH(c, x));
}

static void elf_stackprot(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	need_elf(c, o);
	EACH_ELF(c, x)
		if (is_dyn_program(x) && !x->stack_chk)
			pi_fail(o, "%s: no stack protector (__stack_chk_fail not used)", PATH(c, x));
}

static void elf_fortify(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	need_elf(c, o);
	EACH_ELF(c, x)
		if (is_dyn_program(x) && !x->fortify)
			pi_fail(o, "%s: no FORTIFY_SOURCE functions (__*_chk)", PATH(c, x));
}

static void elf_symtab(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	need_elf(c, o);
	EACH_ELF(c, x)
		if (x->has_symtab && x->kind != PARE_ELF_RELOCATABLE)
			pi_fail(o, "%s: not stripped (.symtab)", PATH(c, x));
}

static void elf_soname(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	need_elf(c, o);
	EACH_ELF(c, x) {
		const char *p = PATH(c, x);
		if (x->kind == PARE_ELF_SHARED && !x->soname && strstr(p, "/lib") &&
		    strstr(p, ".so"))
			pi_fail(o, "%s: shared library without DT_SONAME", p);
	}
}

static void elf_objects(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	need_elf(c, o);
	EACH_ELF(c, x)
		if (x->kind == PARE_ELF_RELOCATABLE && !pi_has_suffix(PATH(c, x), ".ko"))
			pi_fail(o, "%s: relocatable object file", PATH(c, x));
		else if (x->kind == PARE_ELF_CORE)
			pi_fail(o, "%s: core dump", PATH(c, x));
}

static void elf_ldconf(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	struct pare_arena a;
	struct pare_strlist dirs = { 0 };
	struct pare_error err = { 0 };
	if (!pi_lookup(c, "/etc/ld.so.conf")) {
		pi_na(o, "no etc/ld.so.conf");
		return;
	}
	pare_arena_init(&a, 0, 0);
	int rc = pare_ld_read_conf(&c->root, "/etc/ld.so.conf", &a, &dirs, &err);
	if (rc < 0)
		pi_fail(o, "%s", pare_error_text(&err, rc));
	for (size_t i = 0; rc == 0 && i < dirs.n; i++) {
		const struct pi_file *d = pi_resolve(c, dirs.v[i], NULL);
		if (!d || !S_ISDIR(d->mode))
			pi_fail(o, "etc/ld.so.conf names %s, which is not a directory here", dirs.v[i]);
	}
	pare_arena_release(&a);
}

static void elf_soname_link(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	need_elf(c, o);
	EACH_ELF(c, x) {
		const char *p = PATH(c, x);
		const char *slash = strrchr(p, '/');
		if (x->kind != PARE_ELF_SHARED || !x->soname || !slash || strchr(x->soname, '/'))
			continue;
		char buf[PARE_PATH_MAX];
		snprintf(buf, sizeof(buf), "%.*s/%s", (int)(slash - p), p, x->soname);
		if (!pi_resolve(c, buf, NULL))
			pi_fail(o, "%s: SONAME %s has no file or link beside it", p, x->soname);
	}
}

static void elf_exec_bit(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	need_elf(c, o);
	EACH_ELF(c, x) {
		const struct pi_file *f = &c->files[x->file];
		if (is_program(x) && x->kind != PARE_ELF_SHARED && !(f->mode & 0111) &&
		    (strstr(f->path, "/bin/") || strstr(f->path, "/sbin/")))
			pi_fail(o, "%s: program without an execute bit (mode %o)", f->path,
				f->mode & 07777);
	}
}

static void elf_suid_origin(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	need_elf(c, o);
	EACH_ELF(c, x) {
		const struct pi_file *f = &c->files[x->file];
		const char *rp = x->runpath ? x->runpath : x->rpath;
		if ((f->mode & (S_ISUID | S_ISGID)) && rp && strstr(rp, "ORIGIN"))
			pi_fail(o, "%s: setuid/setgid with $ORIGIN in its search path", f->path);
	}
}

static void elf_interp_usual(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	need_elf(c, o);
	EACH_ELF(c, x) {
		struct pare_ld_arch tmp;
		if (!x->interp)
			continue;
		const struct pare_ld_arch *a = pare_ld_arch_find(x->elfclass, ELFDATA2LSB,
								 x->machine, &tmp);
		if (a && a->interp && strcmp(a->interp, x->interp) != 0 &&
		    !pi_has_prefix(x->interp, "/lib/ld-musl"))
			pi_fail(o, "%s: interpreter %s, the architecture's is %s", PATH(c, x),
				x->interp, a->interp);
	}
}

static void elf_dup_soname(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	struct pare_map seen;
	pare_map_init(&seen);
	need_elf(c, o);
	EACH_ELF(c, x) {
		const char *p = PATH(c, x);
		if (x->kind != PARE_ELF_SHARED || !x->soname || strstr(p, "/debug/"))
			continue;
		struct pare_slice k = pare_slice_from(x->soname);
		const struct pi_elf *prev = pare_map_get(&seen, k);
		if (!prev) {
			pare_map_put(&seen, k, (void *)x, NULL);
			continue;
		}
		const struct pi_file *a = &c->files[prev->file], *b = &c->files[x->file];
		if (a->ino != b->ino || a->dev != b->dev)
			pi_fail(o, "SONAME %s in both %s and %s", x->soname, a->path, b->path);
	}
	pare_map_release(&seen);
}

const struct pare_insp_check pi_checks_elf[] = {
	{ "ELF-001", "every DT_NEEDED library resolves inside the image", PARE_INSP_ERROR, "Loader", elf_needed },
	{ "ELF-002", "every symbol version needed is defined by its provider", PARE_INSP_ERROR, "Loader", elf_versions },
	{ "ELF-003", "every ELF interpreter (PT_INTERP) exists", PARE_INSP_ERROR, "Loader", elf_interp },
	{ "ELF-004", "ELF files match the image's class and machine", PARE_INSP_ERROR, "Loader", elf_arch },
	{ "ELF-005", "ELF files parse (not truncated or corrupt)", PARE_INSP_ERROR, "Loader", elf_bad },
	{ "ELF-006", "RPATH/RUNPATH stay inside the image", PARE_INSP_ERROR, "Loader", elf_rpath_outside },
	{ "ELF-007", "RPATH/RUNPATH never name writable directories", PARE_INSP_ERROR, "Loader", elf_rpath_writable },
	{ "ELF-008", "no DT_RPATH (DT_RUNPATH preferred)", PARE_INSP_INFO, "Loader", elf_rpath_deprecated },
	{ "ELF-009", "no text relocations", PARE_INSP_WARNING, "Loader", elf_textrel },
	{ "ELF-010", "no executable stack", PARE_INSP_ERROR, "Loader", elf_execstack },
	{ "ELF-011", "PT_GNU_STACK present in dynamic objects", PARE_INSP_WARNING, "Loader", elf_nostackhdr },
	{ "ELF-012", "programs are position independent (PIE)", PARE_INSP_WARNING, "Loader", elf_pie },
	{ "ELF-013", "dynamic objects have RELRO", PARE_INSP_WARNING, "Loader", elf_relro },
	{ "ELF-014", "programs bind now (full RELRO)", PARE_INSP_INFO, "Loader", elf_bindnow },
	{ "ELF-015", "programs use the stack protector", PARE_INSP_INFO, "Loader", elf_stackprot },
	{ "ELF-016", "programs use FORTIFY_SOURCE", PARE_INSP_INFO, "Loader", elf_fortify },
	{ "ELF-017", "ELF files are stripped of .symtab", PARE_INSP_INFO, "Loader", elf_symtab },
	{ "ELF-018", "shared libraries have a SONAME", PARE_INSP_WARNING, "Loader", elf_soname },
	{ "ELF-019", "no relocatable objects or core dumps", PARE_INSP_WARNING, "Loader", elf_objects },
	{ "ELF-020", "etc/ld.so.conf names existing directories", PARE_INSP_WARNING, "Loader", elf_ldconf },
	{ "ELF-021", "each library's SONAME exists beside it", PARE_INSP_WARNING, "Loader", elf_soname_link },
	{ "ELF-022", "programs in bin directories are executable", PARE_INSP_WARNING, "Loader", elf_exec_bit },
	{ "ELF-023", "no $ORIGIN search path in setuid/setgid programs", PARE_INSP_ERROR, "Loader", elf_suid_origin },
	{ "ELF-024", "interpreters are the architecture's usual ld.so", PARE_INSP_WARNING, "Loader", elf_interp_usual },
	{ "ELF-025", "no SONAME provided by two different files", PARE_INSP_WARNING, "Loader", elf_dup_soname },
	{ NULL, NULL, 0, NULL, NULL },
};
