/* Fuzz target: the driver's NUL-separated dump of an APKBUILD
 * (build/recipe.h), as a hostile recipe could make it; also as the dump of
 * a split function's variables.  Invariants after a successful parse:
 * pkgname and version present, as many sha512s as sources. */
#include <stdint.h>
#include <string.h>

#include "build/recipe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pare_slice s = pare_slice_make((const char *)data, size);
	struct pare_recipe r;
	pare_recipe_init(&r, "fuzz/APKBUILD");
	if (pare_recipe_parse(&r, s, NULL) == 0) {
		if (!r.pkgname || !*r.pkgname || !r.version)
			__builtin_trap();
		for (size_t i = 0; i < r.nsources; i++)
			if (strlen(r.sources[i].sha512) != 128 || !r.sources[i].name[0])
				__builtin_trap();
		for (size_t i = 0; i < r.nsubpkgs; i++)
			(void)pare_recipe_parse_sub(&r, &r.subpkgs[i], s, NULL);
		(void)pare_recipe_has_option(&r, "net");
	}
	pare_recipe_release(&r);
	return 0;
}
