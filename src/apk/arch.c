#include "apk/arch.h"

#include <elf.h>
#include <string.h>
#include <sys/utsname.h>

static const struct pare_arch table[] = {
	{ "x86_64", "amd64", NULL, "amd64", "x86_64-linux-gnu", ELFCLASS64, ELFDATA2LSB,
	  EM_X86_64 },
	{ "aarch64", "arm64", NULL, "arm64", "aarch64-linux-gnu", ELFCLASS64, ELFDATA2LSB,
	  EM_AARCH64 },
	{ "x86", "386", NULL, "i386", "i386-linux-gnu", ELFCLASS32, ELFDATA2LSB, EM_386 },
	{ "armhf", "arm", "v6", "armel", "arm-linux-gnueabi", ELFCLASS32, ELFDATA2LSB, EM_ARM },
	{ "armv7", "arm", "v7", "armhf", "arm-linux-gnueabihf", ELFCLASS32, ELFDATA2LSB, EM_ARM },
	{ "ppc64le", "ppc64le", NULL, "ppc64el", "powerpc64le-linux-gnu", ELFCLASS64, ELFDATA2LSB,
	  EM_PPC64 },
	{ "riscv64", "riscv64", NULL, "riscv64", "riscv64-linux-gnu", ELFCLASS64, ELFDATA2LSB,
	  EM_RISCV },
	{ "s390x", "s390x", NULL, "s390x", "s390x-linux-gnu", ELFCLASS64, ELFDATA2MSB, EM_S390 },
	{ "loongarch64", "loong64", NULL, "loong64", "loongarch64-linux-gnu", ELFCLASS64,
	  ELFDATA2LSB, EM_LOONGARCH },
};

const struct pare_arch *pare_arch_table(size_t *n)
{
	*n = sizeof(table) / sizeof(table[0]);
	return table;
}

const struct pare_arch *pare_arch_by_apk(const char *apk_name)
{
	for (size_t i = 0; apk_name && i < sizeof(table) / sizeof(table[0]); i++)
		if (strcmp(apk_name, table[i].apk) == 0)
			return &table[i];
	return NULL;
}

const struct pare_arch *pare_arch_by_deb(struct pare_slice deb_name)
{
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (table[i].deb && pare_slice_eq_cstr(deb_name, table[i].deb))
			return &table[i];
	return NULL;
}

const char *pare_arch_host(void)
{
	struct utsname u;
	if (uname(&u) < 0)
		return "noarch";
	const char *m = u.machine;
	if (m[0] == 'i' && m[1] >= '3' && m[1] <= '6' && strcmp(m + 2, "86") == 0)
		return "x86";
	if (strcmp(m, "armv7l") == 0)
		return "armv7";
	if (strcmp(m, "armv6l") == 0)
		return "armhf";
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (strcmp(m, table[i].apk) == 0)
			return table[i].apk;
	return "noarch";
}
