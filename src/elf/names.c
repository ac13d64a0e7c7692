/* Printable names for ELF machines and kinds, and version-name ordering. */
#include "elf/elf.h"

#include <ctype.h>
#include <elf.h>
#include <stdio.h>
#include <string.h>

/* Display names for any e_machine a file may carry (also machines pare
 * never installs for), so not the package architecture table (apk/arch.h). */
static const struct {
	uint16_t machine;
	const char *name;
} machines[] = {
	{ EM_386, "i386" },       { EM_X86_64, "x86_64" },   { EM_AARCH64, "aarch64" },
	{ EM_ARM, "arm" },        { EM_PPC, "ppc" },         { EM_PPC64, "ppc64" },
	{ EM_S390, "s390" },      { EM_MIPS, "mips" },       { EM_RISCV, "riscv" },
	{ EM_SPARC, "sparc" },    { EM_SPARCV9, "sparc64" }, { EM_IA_64, "ia64" },
	{ EM_LOONGARCH, "loongarch" }, { EM_68K, "m68k" },   { EM_SH, "sh" },
	{ EM_ALPHA, "alpha" },    { EM_PARISC, "parisc" },   { EM_BPF, "bpf" },
};

const char *pare_elf_machine_name(uint16_t machine, char *buf, size_t bufsize)
{
	for (size_t i = 0; i < sizeof(machines) / sizeof(machines[0]); i++)
		if (machines[i].machine == machine)
			return machines[i].name;
	snprintf(buf, bufsize, "em_%u", machine);
	return buf;
}

const char *pare_elf_kind_name(enum pare_elf_kind kind)
{
	switch (kind) {
	case PARE_ELF_RELOCATABLE: return "relocatable";
	case PARE_ELF_STATIC: return "static";
	case PARE_ELF_STATIC_PIE: return "static-pie";
	case PARE_ELF_DYNAMIC: return "dynamic";
	case PARE_ELF_PIE: return "pie";
	case PARE_ELF_SHARED: return "shared";
	case PARE_ELF_CORE: return "core";
	case PARE_ELF_OTHER: break;
	}
	return "other";
}

/* Length of the prefix before the version numbers ("GLIBC_" in
 * "GLIBC_2.34"): up to the first digit that follows a '_'. */
static size_t version_prefix(const char *s)
{
	for (size_t i = 0; s[i]; i++)
		if (s[i] == '_' && isdigit((unsigned char)s[i + 1]))
			return i + 1;
	return strlen(s);
}

int pare_elf_version_cmp(const char *a, const char *b)
{
	size_t pa = version_prefix(a), pb = version_prefix(b);
	int c = memcmp(a, b, pa < pb ? pa : pb);
	if (c != 0 || pa != pb)
		return c ? c : (pa < pb ? -1 : 1);
	a += pa;
	b += pb;
	while (*a || *b) {
		if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
			unsigned long long x = 0, y = 0;
			while (isdigit((unsigned char)*a) && x < 1000000000ULL)
				x = x * 10 + (unsigned)(*a++ - '0');
			while (isdigit((unsigned char)*b) && y < 1000000000ULL)
				y = y * 10 + (unsigned)(*b++ - '0');
			if (x != y)
				return x < y ? -1 : 1;
			continue;
		}
		if (*a != *b)
			return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
		a++;
		b++;
	}
	return 0;
}
