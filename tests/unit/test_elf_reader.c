/* Unit tests for src/elf/elf.c: what the reader finds in small programs
 * and libraries compiled at test time (RPATH, RUNPATH, version scripts,
 * static, PIE, debug info), and clean errors on hostile files made by
 * corrupting them (truncation, offsets past the end, huge counts, string
 * offsets out of range, a mismatched class byte). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <elf.h>

#include "../elf/elf_test_util.h"
#include "elf/elf.h"

static char dir[256];
static bool have_static;

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "%s", tu_mkdtemp());
	FILE *f;
	char p[512];
	snprintf(p, sizeof(p), "%s/foo.c", dir);
	f = fopen(p, "w");
	fputs("int foo1(void) { return 1; }\nint foo2(void) { return 2; }\n", f);
	fclose(f);
	snprintf(p, sizeof(p), "%s/foo.map", dir);
	f = fopen(p, "w");
	fputs("FOO_1.0 { global: foo1; local: *; };\nFOO_2.0 { global: foo2; } FOO_1.0;\n", f);
	fclose(f);
	snprintf(p, sizeof(p), "%s/main.c", dir);
	f = fopen(p, "w");
	fputs("#include <stdio.h>\nint foo2(void);\n"
	      "int main(void) { printf(\"%d\\n\", foo2()); return 0; }\n", f);
	fclose(f);
	TU_SH("cd '%s' && cc -shared -fPIC -Wl,-soname,libfoo.so.1 -Wl,--version-script=foo.map "
	      "-o libfoo.so.1 foo.c", dir);
	TU_SH("cd '%s' && cc -g -o prog_rpath main.c -L. -l:libfoo.so.1 "
	      "-Wl,--disable-new-dtags -Wl,-rpath,'$ORIGIN/lib:/opt/x'", dir);
	TU_SH("cd '%s' && cc -o prog_runpath main.c -L. -l:libfoo.so.1 -Wl,--enable-new-dtags "
	      "-Wl,-rpath,'$ORIGIN/../lib' -s", dir);
	have_static = tu_sh("cd '%s' && echo 'int main(void){return 0;}' > s.c && "
			    "cc -static -o prog_static s.c 2>/dev/null", dir) == 0;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tu_cleanup();
	return 0;
}

static void parse_path(struct pare_elf *e, const char *name)
{
	char p[512];
	size_t len;
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	unsigned char *img = tu_read(p, &len);
	struct pare_error err = { 0 };
	pare_elf_init(e);
	int rc = pare_elf_parse(e, img, len, name, &err);
	free(img);
	if (rc != 0)
		fail_msg("%s: %s", name, err.msg);
}

static const struct pare_elf_verneed *find_need(const struct pare_elf *e, const char *file)
{
	for (size_t i = 0; i < e->nverneed; i++)
		if (strcmp(e->verneed[i].file, file) == 0)
			return &e->verneed[i];
	return NULL;
}

static bool needs_version(const struct pare_elf_verneed *vn, const char *v)
{
	for (size_t i = 0; vn && i < vn->n; i++)
		if (strcmp(vn->v[i].name, v) == 0 && vn->v[i].hash == pare_elf_hash(v))
			return true;
	return false;
}

static void test_library(void **state)
{
	(void)state;
	struct pare_elf e;
	parse_path(&e, "libfoo.so.1");
	assert_int_equal(e.elfclass, ELFCLASS64);
	assert_int_equal(e.machine, EM_X86_64);
	assert_int_equal(e.kind, PARE_ELF_SHARED);
	assert_string_equal(e.soname, "libfoo.so.1");
	assert_null(e.interp);
	assert_non_null(pare_elf_find_verdef(&e, "FOO_1.0"));
	assert_non_null(pare_elf_find_verdef(&e, "FOO_2.0"));
	assert_null(pare_elf_find_verdef(&e, "FOO_3.0"));
	assert_true(e.has_dynsym);
	pare_elf_release(&e);
	pare_elf_release(&e); /* twice is harmless */
	pare_elf_release(NULL);
}

static void test_program_rpath(void **state)
{
	(void)state;
	struct pare_elf e;
	parse_path(&e, "prog_rpath");
	assert_int_equal(e.kind, PARE_ELF_PIE);
	assert_string_equal(e.interp, "/lib64/ld-linux-x86-64.so.2");
	assert_int_equal(e.nneeded, 2);
	assert_string_equal(e.needed[0], "libfoo.so.1");
	assert_string_equal(e.needed[1], "libc.so.6");
	assert_string_equal(e.rpath, "$ORIGIN/lib:/opt/x");
	assert_null(e.runpath);
	assert_true(needs_version(find_need(&e, "libfoo.so.1"), "FOO_2.0"));
	assert_non_null(find_need(&e, "libc.so.6"));
	assert_true(e.has_symtab);
	assert_true(e.has_debug);
	assert_true(e.flags_1 & DF_1_PIE);
	pare_elf_release(&e);
}

static void test_program_runpath_stripped(void **state)
{
	(void)state;
	struct pare_elf e;
	parse_path(&e, "prog_runpath");
	assert_null(e.rpath);
	assert_string_equal(e.runpath, "$ORIGIN/../lib");
	assert_false(e.has_symtab);
	assert_false(e.has_debug);
	pare_elf_release(&e);
}

static void test_static(void **state)
{
	(void)state;
	if (!have_static)
		skip();
	struct pare_elf e;
	parse_path(&e, "prog_static");
	assert_true(e.kind == PARE_ELF_STATIC || e.kind == PARE_ELF_STATIC_PIE);
	assert_int_equal(e.nneeded, 0);
	assert_null(e.interp);
	pare_elf_release(&e);
}

static void test_names(void **state)
{
	(void)state;
	char buf[32];
	assert_string_equal(pare_elf_machine_name(EM_AARCH64, buf, sizeof(buf)), "aarch64");
	assert_string_equal(pare_elf_machine_name(9999, buf, sizeof(buf)), "em_9999");
	assert_string_equal(pare_elf_kind_name(PARE_ELF_PIE), "pie");
	assert_true(pare_elf_version_cmp("GLIBC_2.38", "GLIBC_2.4") > 0);
	assert_true(pare_elf_version_cmp("GLIBC_2.3.4", "GLIBC_2.3") > 0);
	assert_int_equal(pare_elf_version_cmp("GLIBC_2.34", "GLIBC_2.34"), 0);
	assert_true(pare_elf_version_cmp("GCC_3.0", "GLIBC_2.0") < 0);
	assert_int_equal(pare_elf_hash("GLIBC_2.2.5"), 0x09691a75);
}

/* The hand-made seeds of the fuzz corpus (tests/elf/mkelf.py): big- and
 * little-endian, 32- and 64-bit, machines the host toolchain cannot
 * build for.  Found next to this source file. */
static void check_seed(const char *name, uint8_t cls, uint8_t data, uint16_t machine)
{
	char p[1024];
	const char *slash = strrchr(__FILE__, '/');
	snprintf(p, sizeof(p), "%.*s/../fuzz/corpus/elf/%s", (int)(slash ? slash - __FILE__ : 1),
		 slash ? __FILE__ : ".", name);
	if (access(p, R_OK) != 0)
		skip();
	size_t len;
	unsigned char *img = tu_read(p, &len);
	struct pare_elf e;
	struct pare_error err = { 0 };
	pare_elf_init(&e);
	if (pare_elf_parse(&e, img, len, name, &err) != 0)
		fail_msg("%s", err.msg);
	free(img);
	assert_int_equal(e.elfclass, cls);
	assert_int_equal(e.data, data);
	assert_int_equal(e.machine, machine);
	assert_int_equal(e.kind, PARE_ELF_PIE);
	assert_string_equal(e.interp, "/lib/ld-test.so.1");
	assert_int_equal(e.nneeded, 2);
	assert_string_equal(e.needed[1], "libbar.so.2");
	assert_string_equal(e.soname, "libtest.so.1");
	assert_string_equal(e.runpath, "$ORIGIN/../lib");
	assert_true(needs_version(find_need(&e, "libc.so.6"), "GLIBC_2.34"));
	assert_true(needs_version(find_need(&e, "libc.so.6"), "GLIBC_2.17"));
	assert_non_null(pare_elf_find_verdef(&e, "FOO_1.0"));
	assert_int_equal(e.nsections, 0);
	pare_elf_release(&e);
}

static void test_other_arches(void **state)
{
	(void)state;
	check_seed("elf64-be-s390x.so", ELFCLASS64, ELFDATA2MSB, EM_S390);
	check_seed("elf32-be-ppc.so", ELFCLASS32, ELFDATA2MSB, EM_PPC);
	check_seed("elf32-le-arm.so", ELFCLASS32, ELFDATA2LSB, EM_ARM);
	check_seed("elf64-le-aarch64.so", ELFCLASS64, ELFDATA2LSB, EM_AARCH64);
}

/* Parse a modified copy; the result must be a clean error. */
static int parse_bytes(const unsigned char *img, size_t len, struct pare_error *err)
{
	struct pare_elf e;
	pare_elf_init(&e);
	unsigned char *exact = malloc(len ? len : 1);
	memcpy(exact, img, len);
	int rc = pare_elf_parse(&e, exact, len, "hostile", err);
	free(exact);
	pare_elf_release(&e);
	return rc;
}

static unsigned char *load(const char *name, size_t *len)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return tu_read(p, len);
}

static void test_truncated(void **state)
{
	(void)state;
	size_t len;
	unsigned char *img = load("prog_rpath", &len);
	struct pare_error err = { 0 };
	/* Every prefix up to the dynamic data, then a sample beyond. */
	for (size_t n = 0; n < len; n += n < 4096 ? 1 : 97) {
		int rc = parse_bytes(img, n, &err);
		if (n < sizeof(Elf64_Ehdr))
			assert_true(rc < 0);
		if (rc < 0)
			assert_true(err.msg[0] != '\0');
	}
	assert_int_equal(parse_bytes(img, len, &err), 0);
	free(img);
}

static void expect_error(unsigned char *img, size_t len, const char *what)
{
	struct pare_error err = { 0 };
	int rc = parse_bytes(img, len, &err);
	if (rc >= 0)
		fail_msg("%s: accepted", what);
	assert_non_null(strstr(err.msg, "hostile: ELF:"));
}

static Elf64_Dyn *dyn_entry(unsigned char *img, int64_t tag)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)img;
	Elf64_Phdr *ph = (Elf64_Phdr *)(img + eh->e_phoff);
	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_DYNAMIC)
			continue;
		for (Elf64_Dyn *d = (Elf64_Dyn *)(img + ph[i].p_offset); d->d_tag != DT_NULL; d++)
			if (d->d_tag == tag)
				return d;
	}
	fail_msg("no dynamic tag %lld", (long long)tag);
	return NULL;
}

static void test_hostile_headers(void **state)
{
	(void)state;
	size_t len;
	unsigned char *orig = load("prog_rpath", &len);
	unsigned char *img = malloc(len);
#define FRESH() memcpy(img, orig, len)
	Elf64_Ehdr *eh = (Elf64_Ehdr *)img;
	FRESH();
	eh->e_phoff = len - 8;
	expect_error(img, len, "program headers past the end");
	FRESH();
	eh->e_phnum = 0xfff0;
	expect_error(img, len, "huge program header count");
	FRESH();
	eh->e_shoff = len + 4096;
	expect_error(img, len, "section headers past the end");
	FRESH();
	eh->e_shnum = 0xfff0;
	expect_error(img, len, "huge section count");
	FRESH();
	img[EI_CLASS] = ELFCLASS32; /* a 64-bit file claiming to be 32-bit */
	expect_error(img, len, "mismatched class");
	FRESH();
	img[EI_CLASS] = 7;
	expect_error(img, len, "invalid class");
	FRESH();
	img[0] = 'X';
	expect_error(img, len, "bad magic");
	free(img);
	free(orig);
}

static void test_hostile_dynamic(void **state)
{
	(void)state;
	size_t len;
	unsigned char *orig = load("prog_rpath", &len);
	unsigned char *img = malloc(len);
	FRESH();
	dyn_entry(img, DT_NEEDED)->d_un.d_val = 0x7fffffff;
	expect_error(img, len, "DT_NEEDED string offset out of range");
	FRESH();
	dyn_entry(img, DT_STRTAB)->d_un.d_ptr = 0xdead0000;
	dyn_entry(img, DT_NEEDED)->d_un.d_val = 0x7fffffff;
	expect_error(img, len, "DT_STRTAB unmapped and offset out of range");
	FRESH();
	dyn_entry(img, DT_VERNEEDNUM)->d_un.d_val = 1u << 30;
	expect_error(img, len, "huge DT_VERNEEDNUM");
	FRESH();
	dyn_entry(img, DT_VERNEED)->d_un.d_ptr = 0xdead0000;
	expect_error(img, len, "DT_VERNEED unmapped");
	FRESH();
	Elf64_Ehdr *eh = (Elf64_Ehdr *)img;
	Elf64_Phdr *ph = (Elf64_Phdr *)(img + eh->e_phoff);
	for (int i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_INTERP)
			ph[i].p_offset = len - 2;
	expect_error(img, len, "PT_INTERP past the end");
	free(img);
	free(orig);
#undef FRESH
}

/* Random byte flips never crash (the sanitizer build checks reads). */
static void test_flips(void **state)
{
	(void)state;
	size_t len;
	unsigned char *orig = load("libfoo.so.1", &len);
	unsigned char *img = malloc(len);
	unsigned seed = 12345;
	struct pare_error err = { 0 };
	for (int round = 0; round < 2000; round++) {
		memcpy(img, orig, len);
		for (int k = 0; k < 4; k++) {
			seed = seed * 1103515245u + 12345u;
			size_t at = (seed >> 8) % (len < 8192 ? len : 8192);
			seed = seed * 1103515245u + 12345u;
			img[at] = (unsigned char)(seed >> 16);
		}
		(void)parse_bytes(img, len, &err);
	}
	free(img);
	free(orig);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_library),
		cmocka_unit_test(test_program_rpath),
		cmocka_unit_test(test_program_runpath_stripped),
		cmocka_unit_test(test_static),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_other_arches),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_hostile_headers),
		cmocka_unit_test(test_hostile_dynamic),
		cmocka_unit_test(test_flips),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
