#include "apk/arch.h"

static const struct pare_arch table[] = {
	{ "x86_64", "amd64", NULL, "amd64" },
	{ "aarch64", "arm64", NULL, "arm64" },
	{ "x86", "386", NULL, "i386" },
	{ "armhf", "arm", "v6", "armel" },
	{ "armv7", "arm", "v7", "armhf" },
	{ "ppc64le", "ppc64le", NULL, "ppc64el" },
	{ "riscv64", "riscv64", NULL, "riscv64" },
	{ "s390x", "s390x", NULL, "s390x" },
	{ "loongarch64", "loong64", NULL, "loong64" },
};

const struct pare_arch *pare_arch_table(size_t *n)
{
	*n = sizeof(table) / sizeof(table[0]);
	return table;
}

const struct pare_arch *pare_arch_by_deb(struct pare_slice deb_name)
{
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (table[i].deb && pare_slice_eq_cstr(deb_name, table[i].deb))
			return &table[i];
	return NULL;
}
