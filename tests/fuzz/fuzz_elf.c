/* Fuzz target: the ELF reader (any class, byte order, machine) and, on
 * the same bytes, the SCA's per-file analysis and the pkg-config parser.
 * A parse either fails with a message or yields a consistent result:
 * every string present, counts matching arrays, version lookups total. */
#include <stdint.h>
#include <string.h>

#include "elf/elf.h"
#include "elf/sca.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const struct pare_elf *e)
{
	for (size_t i = 0; i < e->nneeded; i++)
		if (!e->needed[i])
			__builtin_trap();
	for (size_t i = 0; i < e->nverneed; i++) {
		if (!e->verneed[i].file)
			__builtin_trap();
		for (size_t j = 0; j < e->verneed[i].n; j++)
			if (!e->verneed[i].v[j].name ||
			    pare_elf_find_verdef(e, e->verneed[i].v[j].name) == (void *)1)
				__builtin_trap();
	}
	for (size_t i = 0; i < e->nverdef; i++)
		if (!e->verdef[i].name || pare_elf_version_cmp(e->verdef[i].name, e->verdef[i].name))
			__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pare_elf e;
	struct pare_error err = { 0 };
	pare_elf_init(&e);
	int rc = pare_elf_parse(&e, data, size, "fuzz", &err);
	if (rc == 0)
		check(&e);
	else if (err.msg[0] == '\0')
		__builtin_trap(); /* every refusal says why */
	pare_elf_release(&e);

	struct pare_sca s;
	struct pare_sca_result r;
	pare_sca_init(&s);
	(void)pare_sca_add_file(&s, "usr/lib/libfuzz.so.1", 0755, data, size, NULL);
	(void)pare_sca_add_file(&s, "usr/lib/pkgconfig/fuzz.pc", 0644, data, size, NULL);
	(void)pare_sca_finish(&s, "1-r0", &r, NULL);
	pare_sca_release(&s);
	return 0;
}
