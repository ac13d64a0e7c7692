/* ELF reader on elfutils libelf: headers through gelf, the dynamic section
 * and version chains through elf_getdata_rawchunk (which converts byte
 * order and class), strings straight from the image after bounds checks. */
#include "elf/elf.h"

#include <errno.h>
#include <gelf.h>
#include <limits.h>
#include <stdarg.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

struct load_seg {
	uint64_t vaddr, offset, filesz;
};

/* Parse state; lives for one pare_elf_parse() call. */
struct rd {
	const unsigned char *img;
	size_t size;
	Elf *elf;
	const char *name;
	struct pare_elf *e;
	struct pare_error *err;
	struct load_seg *loads;
	size_t nloads;
	uint64_t dyn_off, dyn_size;  /* PT_DYNAMIC */
	uint64_t interp_off, interp_size;
	bool has_interp;
	/* From the dynamic section. */
	uint64_t strtab, strsz, verneed, verneednum, verdef, verdefnum;
	uint64_t soname, rpath, runpath;
	bool has_soname, has_rpath, has_runpath, has_strtab, has_strsz;
	uint64_t *needed_off;
	/* Fallback string table: the section SHT_DYNAMIC links to. */
	uint64_t sec_strtab_off, sec_strtab_size;
	bool has_sec_strtab;
	const unsigned char *strs; /* mapped DT_STRTAB */
	size_t strs_len;
};

#define FAIL(r, code, ...) fail((r), (code), __VA_ARGS__)

__attribute__((format(printf, 3, 4)))
static int fail(struct rd *r, int code, const char *fmt, ...)
{
	char what[PARE_ERROR_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return pare_error_set(r->err, code, "%s: ELF: %s", r->name, what);
}

void pare_elf_init(struct pare_elf *e)
{
	memset(e, 0, sizeof(*e));
	pare_arena_init(&e->arena, 16 * 1024, 0);
}

void pare_elf_release(struct pare_elf *e)
{
	if (!e)
		return;
	pare_arena_release(&e->arena);
	pare_elf_init(e);
}

bool pare_elf_is_elf(const void *data, size_t size)
{
	return size >= SELFMAG && memcmp(data, ELFMAG, SELFMAG) == 0;
}

/* off + len <= size, without overflow. */
static bool in_image(const struct rd *r, uint64_t off, uint64_t len)
{
	return off <= r->size && len <= r->size - off;
}

static int check_ident(struct rd *r)
{
	if (r->size < EI_NIDENT || !pare_elf_is_elf(r->img, r->size))
		return FAIL(r, -PARE_E_FORMAT, "not an ELF file");
	uint8_t cls = r->img[EI_CLASS], data = r->img[EI_DATA];
	if (cls != ELFCLASS32 && cls != ELFCLASS64)
		return FAIL(r, -PARE_E_FORMAT, "invalid class %u", cls);
	if (data != ELFDATA2LSB && data != ELFDATA2MSB)
		return FAIL(r, -PARE_E_FORMAT, "invalid byte order %u", data);
	if (r->img[EI_VERSION] != EV_CURRENT)
		return FAIL(r, -PARE_E_FORMAT, "invalid ident version %u", r->img[EI_VERSION]);
	size_t ehsize = cls == ELFCLASS32 ? sizeof(Elf32_Ehdr) : sizeof(Elf64_Ehdr);
	if (r->size < ehsize)
		return FAIL(r, -PARE_E_TRUNCATED, "file of %zu bytes is shorter than its %zu-byte header",
			    r->size, ehsize);
	r->e->elfclass = cls;
	r->e->data = data;
	r->e->osabi = r->img[EI_OSABI];
	return 0;
}

static int read_ehdr(struct rd *r, GElf_Ehdr *eh)
{
	if (!gelf_getehdr(r->elf, eh))
		return FAIL(r, -PARE_E_FORMAT, "bad header: %s", elf_errmsg(-1));
	/* A header of the other class read as this one has a wrong size
	 * here: the class byte and the header disagree. */
	size_t ehsize = r->e->elfclass == ELFCLASS32 ? sizeof(Elf32_Ehdr) : sizeof(Elf64_Ehdr);
	if (eh->e_ehsize != ehsize || eh->e_version != EV_CURRENT)
		return FAIL(r, -PARE_E_FORMAT, "header size %u / version %u do not match %s",
			    eh->e_ehsize, eh->e_version,
			    r->e->elfclass == ELFCLASS32 ? "ELFCLASS32" : "ELFCLASS64");
	r->e->type = eh->e_type;
	r->e->machine = eh->e_machine;
	r->e->eflags = eh->e_flags;
	return 0;
}

static void note_segment(struct rd *r, const GElf_Phdr *ph)
{
	switch (ph->p_type) {
	case PT_LOAD:
		r->loads[r->nloads++] = (struct load_seg){ ph->p_vaddr, ph->p_offset, ph->p_filesz };
		break;
	case PT_INTERP:
		if (!r->has_interp) {
			r->has_interp = true;
			r->interp_off = ph->p_offset;
			r->interp_size = ph->p_filesz;
		}
		break;
	case PT_GNU_STACK:
		r->e->has_gnu_stack = true;
		r->e->exec_stack = (ph->p_flags & PF_X) != 0;
		break;
	case PT_GNU_RELRO:
		r->e->has_relro = true;
		break;
	case PT_DYNAMIC:
		if (!r->e->has_dynamic) {
			r->e->has_dynamic = true;
			r->dyn_off = ph->p_offset;
			r->dyn_size = ph->p_filesz;
		}
		break;
	}
}

static int read_segments(struct rd *r, const GElf_Ehdr *eh)
{
	size_t n;
	if (elf_getphdrnum(r->elf, &n) != 0)
		return FAIL(r, -PARE_E_FORMAT, "bad program header count: %s", elf_errmsg(-1));
	/* libelf clamps the count to what fits in the file; the header's own
	 * count is what the file claims, and must fit. */
	if (eh->e_phnum != PN_XNUM)
		n = eh->e_phnum;
	if (n == 0)
		return 0;
	size_t entsize = gelf_fsize(r->elf, ELF_T_PHDR, 1, EV_CURRENT);
	if (eh->e_phentsize != entsize)
		return FAIL(r, -PARE_E_FORMAT, "program header size %u, expected %zu",
			    eh->e_phentsize, entsize);
	if (n > r->size / entsize || !in_image(r, eh->e_phoff, (uint64_t)n * entsize))
		return FAIL(r, -PARE_E_TRUNCATED, "%zu program headers at offset %llu past the end",
			    n, (unsigned long long)eh->e_phoff);
	r->loads = pare_arena_alloc(&r->e->arena, n * sizeof(*r->loads));
	if (!r->loads)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(r->elf, (int)i, &ph))
			return FAIL(r, -PARE_E_FORMAT, "program header %zu: %s", i, elf_errmsg(-1));
		note_segment(r, &ph);
	}
	r->e->nsegments = n;
	return 0;
}

static int read_interp(struct rd *r)
{
	if (!r->has_interp)
		return 0;
	if (r->interp_size == 0 || !in_image(r, r->interp_off, r->interp_size))
		return FAIL(r, -PARE_E_TRUNCATED, "PT_INTERP at %llu (+%llu) past the end",
			    (unsigned long long)r->interp_off, (unsigned long long)r->interp_size);
	const char *s = (const char *)r->img + r->interp_off;
	size_t len = strnlen(s, (size_t)r->interp_size);
	if (len == 0 || len >= PARE_ERROR_MSG_MAX)
		return FAIL(r, -PARE_E_FORMAT, "PT_INTERP of %zu bytes", len);
	r->e->interp = pare_arena_strdup(&r->e->arena, pare_slice_make(s, len));
	return r->e->interp ? 0 : -ENOMEM;
}

/* Hardening symbols among the names of .dynsym (bounded by the section
 * data libelf checked against the image). */
static void scan_dynsym(struct rd *r, Elf_Scn *scn, const GElf_Shdr *sh)
{
	Elf_Data *d = elf_getdata(scn, NULL);
	if (!d || sh->sh_entsize == 0)
		return;
	size_t n = d->d_size / sh->sh_entsize;
	for (size_t i = 1; i < n && i < 1000000; i++) {
		GElf_Sym sym;
		if (!gelf_getsym(d, (int)i, &sym))
			return;
		const char *nm = elf_strptr(r->elf, sh->sh_link, sym.st_name);
		if (!nm || nm[0] != '_' || nm[1] != '_')
			continue;
		size_t len = strlen(nm);
		if (strcmp(nm, "__stack_chk_fail") == 0)
			r->e->stack_chk = true;
		else if (len > 6 && strcmp(nm + len - 4, "_chk") == 0)
			r->e->fortify = true;
	}
}

static void note_section(struct rd *r, size_t shstrndx, Elf_Scn *scn, const GElf_Shdr *sh)
{
	const char *nm = elf_strptr(r->elf, shstrndx, sh->sh_name);
	if (sh->sh_type == SHT_SYMTAB)
		r->e->has_symtab = true;
	if (sh->sh_type == SHT_DYNSYM) {
		r->e->has_dynsym = true;
		scan_dynsym(r, scn, sh);
	}
	if (nm && (strncmp(nm, ".debug_", 7) == 0 || strncmp(nm, ".zdebug_", 8) == 0) &&
	    sh->sh_type != SHT_NOBITS)
		r->e->has_debug = true;
	if (sh->sh_type == SHT_DYNAMIC && !r->has_sec_strtab) {
		Elf_Scn *ls = elf_getscn(r->elf, sh->sh_link);
		GElf_Shdr lsh;
		if (ls && gelf_getshdr(ls, &lsh) && lsh.sh_type == SHT_STRTAB) {
			r->has_sec_strtab = true;
			r->sec_strtab_off = lsh.sh_offset;
			r->sec_strtab_size = lsh.sh_size;
		}
	}
}

static int read_sections(struct rd *r, const GElf_Ehdr *eh)
{
	size_t n, shstrndx;
	if (elf_getshdrnum(r->elf, &n) != 0)
		return FAIL(r, -PARE_E_FORMAT, "bad section count: %s", elf_errmsg(-1));
	if (eh->e_shnum != 0)
		n = eh->e_shnum; /* as claimed, not as clamped */
	if (n == 0)
		return 0;
	size_t entsize = gelf_fsize(r->elf, ELF_T_SHDR, 1, EV_CURRENT);
	if (eh->e_shentsize != entsize)
		return FAIL(r, -PARE_E_FORMAT, "section header size %u, expected %zu",
			    eh->e_shentsize, entsize);
	if (n > r->size / entsize || !in_image(r, eh->e_shoff, (uint64_t)n * entsize))
		return FAIL(r, -PARE_E_TRUNCATED, "%zu section headers at offset %llu past the end",
			    n, (unsigned long long)eh->e_shoff);
	if (elf_getshdrstrndx(r->elf, &shstrndx) != 0)
		shstrndx = SHN_UNDEF;
	r->e->nsections = n;
	for (Elf_Scn *scn = elf_nextscn(r->elf, NULL); scn; scn = elf_nextscn(r->elf, scn)) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh))
			return FAIL(r, -PARE_E_FORMAT, "section %zu: %s", elf_ndxscn(scn),
				    elf_errmsg(-1));
		note_section(r, shstrndx, scn, &sh);
	}
	return 0;
}

/* Map a virtual address to a file offset through the PT_LOAD segments;
 * *avail gets the bytes readable from there (inside segment and file). */
static bool map_vaddr(const struct rd *r, uint64_t vaddr, uint64_t *off, uint64_t *avail)
{
	for (size_t i = 0; i < r->nloads; i++) {
		const struct load_seg *s = &r->loads[i];
		if (vaddr < s->vaddr || vaddr - s->vaddr >= s->filesz)
			continue;
		uint64_t delta = vaddr - s->vaddr;
		if (s->offset > r->size || delta > r->size - s->offset)
			return false;
		*off = s->offset + delta;
		uint64_t in_seg = s->filesz - delta, in_file = r->size - *off;
		*avail = in_seg < in_file ? in_seg : in_file;
		return true;
	}
	return false;
}

static int note_dyn(struct rd *r, const GElf_Dyn *d)
{
	uint64_t v = d->d_un.d_val;
	switch (d->d_tag) {
	case DT_NEEDED:
		if (r->e->nneeded >= PARE_ELF_MAX_NEEDED)
			return FAIL(r, -PARE_E_TOO_BIG, "more than %d DT_NEEDED entries",
				    PARE_ELF_MAX_NEEDED);
		r->needed_off[r->e->nneeded++] = v;
		break;
	case DT_SONAME: r->soname = v; r->has_soname = true; break;
	case DT_RPATH: r->rpath = v; r->has_rpath = true; break;
	case DT_RUNPATH: r->runpath = v; r->has_runpath = true; break;
	case DT_STRTAB: r->strtab = v; r->has_strtab = true; break;
	case DT_STRSZ: r->strsz = v; r->has_strsz = true; break;
	case DT_FLAGS:
		r->e->flags = v;
		r->e->textrel |= (v & DF_TEXTREL) != 0;
		r->e->bind_now |= (v & DF_BIND_NOW) != 0;
		break;
	case DT_FLAGS_1:
		r->e->flags_1 = v;
		r->e->bind_now |= (v & DF_1_NOW) != 0;
		break;
	case DT_TEXTREL: r->e->textrel = true; break;
	case DT_BIND_NOW: r->e->bind_now = true; break;
	case DT_VERNEED: r->verneed = v; break;
	case DT_VERNEEDNUM: r->verneednum = v; break;
	case DT_VERDEF: r->verdef = v; break;
	case DT_VERDEFNUM: r->verdefnum = v; break;
	}
	return 0;
}

static int read_dynamic(struct rd *r)
{
	if (!r->e->has_dynamic || r->dyn_size == 0)
		return 0;
	if (!in_image(r, r->dyn_off, r->dyn_size))
		return FAIL(r, -PARE_E_TRUNCATED, "PT_DYNAMIC at %llu (+%llu) past the end",
			    (unsigned long long)r->dyn_off, (unsigned long long)r->dyn_size);
	Elf_Data *d = elf_getdata_rawchunk(r->elf, (int64_t)r->dyn_off, (size_t)r->dyn_size,
					   ELF_T_DYN);
	if (!d)
		return FAIL(r, -PARE_E_FORMAT, "dynamic section: %s", elf_errmsg(-1));
	size_t entsize = gelf_fsize(r->elf, ELF_T_DYN, 1, EV_CURRENT);
	size_t n = d->d_size / entsize;
	if (n > INT_MAX)
		n = INT_MAX;
	size_t cap = n < PARE_ELF_MAX_NEEDED ? n : PARE_ELF_MAX_NEEDED;
	r->needed_off = pare_arena_alloc(&r->e->arena, (cap ? cap : 1) * sizeof(uint64_t));
	if (!r->needed_off)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		GElf_Dyn dyn;
		if (!gelf_getdyn(d, (int)i, &dyn))
			return FAIL(r, -PARE_E_FORMAT, "dynamic entry %zu: %s", i, elf_errmsg(-1));
		if (dyn.d_tag == DT_NULL)
			break;
		int rc = note_dyn(r, &dyn);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Find the string table: DT_STRTAB mapped through PT_LOAD (what ld.so
 * uses), else the section the dynamic section links to. */
static int map_strtab(struct rd *r)
{
	uint64_t off = 0, avail = 0;
	if (!r->has_strtab && !r->has_sec_strtab)
		return FAIL(r, -PARE_E_FORMAT, "dynamic section without DT_STRTAB");
	if (r->has_strtab && map_vaddr(r, r->strtab, &off, &avail)) {
		if (r->has_strsz && r->strsz < avail)
			avail = r->strsz;
	} else if (r->has_sec_strtab) {
		off = r->sec_strtab_off;
		avail = r->sec_strtab_size;
		if (!in_image(r, off, avail))
			return FAIL(r, -PARE_E_TRUNCATED, "string table at %llu (+%llu) past the end",
				    (unsigned long long)off, (unsigned long long)avail);
	} else {
		return FAIL(r, -PARE_E_FORMAT, "DT_STRTAB address 0x%llx not in a loaded segment",
			    (unsigned long long)r->strtab);
	}
	r->strs = r->img + off;
	r->strs_len = (size_t)avail;
	return 0;
}

/* A NUL-terminated string at `off` in the string table, copied. */
static int dyn_str(struct rd *r, uint64_t off, const char *what, const char **out)
{
	if (off >= r->strs_len)
		return FAIL(r, -PARE_E_FORMAT, "%s string offset %llu past the string table (%zu bytes)",
			    what, (unsigned long long)off, r->strs_len);
	const char *s = (const char *)r->strs + off;
	const char *nul = memchr(s, '\0', r->strs_len - (size_t)off);
	if (!nul)
		return FAIL(r, -PARE_E_FORMAT, "%s string at %llu not terminated", what,
			    (unsigned long long)off);
	*out = pare_arena_strdup(&r->e->arena, pare_slice_make(s, (size_t)(nul - s)));
	return *out ? 0 : -ENOMEM;
}

static int read_strings(struct rd *r)
{
	if (!r->e->has_dynamic)
		return 0;
	bool any = r->e->nneeded || r->has_soname || r->has_rpath || r->has_runpath ||
		   r->verneed || r->verdef;
	if (!any)
		return 0;
	int rc = map_strtab(r);
	if (rc < 0)
		return rc;
	r->e->needed = pare_arena_alloc(&r->e->arena, (r->e->nneeded + 1) * sizeof(char *));
	if (!r->e->needed)
		return -ENOMEM;
	for (size_t i = 0; i < r->e->nneeded && rc == 0; i++)
		rc = dyn_str(r, r->needed_off[i], "DT_NEEDED", &r->e->needed[i]);
	if (rc == 0 && r->has_soname)
		rc = dyn_str(r, r->soname, "DT_SONAME", &r->e->soname);
	if (rc == 0 && r->has_rpath)
		rc = dyn_str(r, r->rpath, "DT_RPATH", &r->e->rpath);
	if (rc == 0 && r->has_runpath)
		rc = dyn_str(r, r->runpath, "DT_RUNPATH", &r->e->runpath);
	return rc;
}

/* Raw bytes of a version chain starting at vaddr, converted by libelf. */
static int version_chunk(struct rd *r, uint64_t vaddr, Elf_Type type, const char *what,
			 Elf_Data **out)
{
	uint64_t off, avail;
	if (!map_vaddr(r, vaddr, &off, &avail))
		return FAIL(r, -PARE_E_FORMAT, "%s address 0x%llx not in a loaded segment", what,
			    (unsigned long long)vaddr);
	if (avail > INT_MAX)
		avail = INT_MAX;
	*out = elf_getdata_rawchunk(r->elf, (int64_t)off, (size_t)avail, type);
	if (!*out)
		return FAIL(r, -PARE_E_FORMAT, "%s: %s", what, elf_errmsg(-1));
	return 0;
}

/* Advance a chain offset; `next` must move past the current record. */
static int chain_next(struct rd *r, size_t *pos, uint64_t next, size_t recsize, const char *what)
{
	if (next < recsize || next > (uint64_t)INT_MAX - *pos)
		return FAIL(r, -PARE_E_FORMAT, "%s: bad next offset %llu", what,
			    (unsigned long long)next);
	*pos += (size_t)next;
	return 0;
}

static int read_vernaux(struct rd *r, Elf_Data *d, size_t pos, const GElf_Verneed *vn,
			struct pare_elf_verneed *out)
{
	if (vn->vn_cnt > d->d_size / sizeof(Elf64_Vernaux) + 1)
		return FAIL(r, -PARE_E_FORMAT, "DT_VERNEED: %u versions do not fit", vn->vn_cnt);
	out->v = pare_arena_zalloc(&r->e->arena, (vn->vn_cnt + 1) * sizeof(*out->v));
	if (!out->v)
		return -ENOMEM;
	int rc = chain_next(r, &pos, vn->vn_aux, sizeof(GElf_Verneed), "DT_VERNEED aux");
	for (unsigned j = 0; rc == 0 && j < vn->vn_cnt; j++) {
		GElf_Vernaux va;
		if (!gelf_getvernaux(d, (int)pos, &va))
			return FAIL(r, -PARE_E_TRUNCATED, "DT_VERNEED aux at %zu past the end", pos);
		struct pare_elf_version *v = &out->v[out->n++];
		v->hash = va.vna_hash;
		v->flags = va.vna_flags;
		v->index = va.vna_other;
		rc = dyn_str(r, va.vna_name, "version need", &v->name);
		if (rc == 0 && va.vna_next == 0)
			break;
		if (rc == 0)
			rc = chain_next(r, &pos, va.vna_next, sizeof(GElf_Vernaux), "DT_VERNEED aux");
	}
	return rc;
}

static int read_verneed(struct rd *r)
{
	if (!r->verneed || r->verneednum == 0)
		return 0;
	Elf_Data *d;
	int rc = version_chunk(r, r->verneed, ELF_T_VNEED, "DT_VERNEED", &d);
	if (rc < 0)
		return rc;
	uint64_t n = r->verneednum;
	if (n > d->d_size / sizeof(GElf_Verneed) + 1 || n > PARE_ELF_MAX_VERSIONS)
		return FAIL(r, -PARE_E_FORMAT, "DT_VERNEEDNUM %llu too large", (unsigned long long)n);
	r->e->verneed = pare_arena_zalloc(&r->e->arena, (size_t)n * sizeof(*r->e->verneed));
	if (!r->e->verneed)
		return -ENOMEM;
	size_t pos = 0;
	for (uint64_t i = 0; i < n && rc == 0; i++) {
		GElf_Verneed vn;
		if (!gelf_getverneed(d, (int)pos, &vn))
			return FAIL(r, -PARE_E_TRUNCATED, "DT_VERNEED entry %llu past the end",
				    (unsigned long long)i);
		struct pare_elf_verneed *out = &r->e->verneed[r->e->nverneed++];
		rc = dyn_str(r, vn.vn_file, "DT_VERNEED file", &out->file);
		if (rc == 0)
			rc = read_vernaux(r, d, pos, &vn, out);
		if (rc < 0 || vn.vn_next == 0)
			break;
		rc = chain_next(r, &pos, vn.vn_next, sizeof(GElf_Verneed), "DT_VERNEED");
	}
	return rc;
}

static int read_verdef_one(struct rd *r, Elf_Data *d, size_t pos, const GElf_Verdef *vd)
{
	struct pare_elf_version *v = &r->e->verdef[r->e->nverdef++];
	v->hash = vd->vd_hash;
	v->flags = vd->vd_flags;
	v->index = vd->vd_ndx;
	if (vd->vd_cnt == 0)
		return FAIL(r, -PARE_E_FORMAT, "DT_VERDEF entry without a name");
	int rc = chain_next(r, &pos, vd->vd_aux, sizeof(GElf_Verdef), "DT_VERDEF aux");
	GElf_Verdaux va;
	if (rc == 0 && !gelf_getverdaux(d, (int)pos, &va))
		return FAIL(r, -PARE_E_TRUNCATED, "DT_VERDEF aux at %zu past the end", pos);
	/* Only the first aux names the version; later ones name parents. */
	return rc < 0 ? rc : dyn_str(r, va.vda_name, "version definition", &v->name);
}

static int read_verdef(struct rd *r)
{
	if (!r->verdef || r->verdefnum == 0)
		return 0;
	Elf_Data *d;
	int rc = version_chunk(r, r->verdef, ELF_T_VDEF, "DT_VERDEF", &d);
	if (rc < 0)
		return rc;
	uint64_t n = r->verdefnum;
	if (n > d->d_size / sizeof(GElf_Verdef) + 1 || n > PARE_ELF_MAX_VERSIONS)
		return FAIL(r, -PARE_E_FORMAT, "DT_VERDEFNUM %llu too large", (unsigned long long)n);
	r->e->verdef = pare_arena_zalloc(&r->e->arena, (size_t)n * sizeof(*r->e->verdef));
	if (!r->e->verdef)
		return -ENOMEM;
	size_t pos = 0;
	for (uint64_t i = 0; i < n && rc == 0; i++) {
		GElf_Verdef vd;
		if (!gelf_getverdef(d, (int)pos, &vd))
			return FAIL(r, -PARE_E_TRUNCATED, "DT_VERDEF entry %llu past the end",
				    (unsigned long long)i);
		rc = read_verdef_one(r, d, pos, &vd);
		if (rc < 0 || vd.vd_next == 0)
			break;
		rc = chain_next(r, &pos, vd.vd_next, sizeof(GElf_Verdef), "DT_VERDEF");
	}
	return rc;
}

static enum pare_elf_kind classify(const struct rd *r)
{
	const struct pare_elf *e = r->e;
	switch (e->type) {
	case ET_REL: return PARE_ELF_RELOCATABLE;
	case ET_CORE: return PARE_ELF_CORE;
	case ET_EXEC: return e->has_dynamic || e->interp ? PARE_ELF_DYNAMIC : PARE_ELF_STATIC;
	case ET_DYN:
		if (e->interp)
			return PARE_ELF_PIE;
		if (e->flags_1 & DF_1_PIE)
			return PARE_ELF_STATIC_PIE;
		return PARE_ELF_SHARED;
	default: return PARE_ELF_OTHER;
	}
}

static int parse_steps(struct rd *r)
{
	GElf_Ehdr eh;
	int rc = check_ident(r);
	if (rc < 0)
		return rc;
	r->elf = elf_memory((char *)r->img, r->size);
	if (!r->elf || elf_kind(r->elf) != ELF_K_ELF)
		return FAIL(r, -PARE_E_FORMAT, "libelf refused it: %s", elf_errmsg(-1));
	if ((rc = read_ehdr(r, &eh)) < 0 || (rc = read_segments(r, &eh)) < 0 ||
	    (rc = read_interp(r)) < 0 || (rc = read_sections(r, &eh)) < 0 ||
	    (rc = read_dynamic(r)) < 0 || (rc = read_strings(r)) < 0 ||
	    (rc = read_verneed(r)) < 0 || (rc = read_verdef(r)) < 0)
		return rc;
	r->e->kind = classify(r);
	return 0;
}

int pare_elf_parse(struct pare_elf *e, const void *data, size_t size, const char *name,
		   struct pare_error *err)
{
	pare_elf_release(e);
	if (size > PARE_ELF_MAX_FILE)
		return pare_error_set(err, -PARE_E_TOO_BIG, "%s: ELF: file of %zu bytes too large",
				      name, size);
	/* elf_version() only records the version the caller speaks. */
	elf_version(EV_CURRENT);
	struct rd r = { .img = data, .size = size, .name = name ? name : "(memory)", .e = e,
			.err = err };
	int rc = parse_steps(&r);
	if (r.elf)
		elf_end(r.elf);
	if (rc < 0)
		pare_elf_release(e);
	return rc;
}

int pare_elf_parse_fd(struct pare_elf *e, int fd, const char *name, struct pare_error *err)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return pare_error_set(err, -errno, "%s: %s", name, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return pare_error_set(err, -PARE_E_FORMAT, "%s: not a regular file", name);
	if ((uint64_t)st.st_size > PARE_ELF_MAX_FILE)
		return pare_error_set(err, -PARE_E_TOO_BIG, "%s: ELF: file too large", name);
	size_t size = (size_t)st.st_size;
	if (size < EI_NIDENT)
		return pare_error_set(err, -PARE_E_FORMAT, "%s: ELF: not an ELF file", name);
	/* Private and writable: whatever libelf does to the image stays ours. */
	void *map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED)
		return pare_error_set(err, -errno, "%s: mmap: %s", name, strerror(errno));
	int rc = pare_elf_parse(e, map, size, name, err);
	munmap(map, size);
	return rc;
}

const struct pare_elf_version *pare_elf_find_verdef(const struct pare_elf *e, const char *name)
{
	for (size_t i = 0; i < e->nverdef; i++)
		if (!(e->verdef[i].flags & VER_FLG_BASE) && strcmp(e->verdef[i].name, name) == 0)
			return &e->verdef[i];
	return NULL;
}

uint32_t pare_elf_hash(const char *name)
{
	uint32_t h = 0;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		h = (h << 4) + *p;
		uint32_t g = h & 0xf0000000u;
		if (g)
			h ^= g >> 24;
		h &= ~g;
	}
	return h;
}
