/* Fuzz target: dependency lists and versions as they come from .PKGINFO
 * and APKINDEX files.  Checks that parse -> format -> parse is stable. */
#include <stdint.h>
#include <string.h>

#include "apk/dep.h"
#include "apk/version.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pare_slice s = pare_slice_make((const char *)data, size);
	struct pare_dep d;
	char text[8192];
	while (pare_deps_next(&s, &d, NULL) > 0) {
		int n = pare_dep_format(&d, text, sizeof(text));
		if (n > 0 && (size_t)n < sizeof(text)) {
			struct pare_dep again;
			if (pare_dep_parse(pare_slice_make(text, (size_t)n), &again, NULL) != 0)
				__builtin_trap();
		}
		(void)pare_dep_satisfied_by(&d, d.name, d.version);
		if (d.version.len)
			(void)pare_version_compare(d.version, pare_slice_make((const char *)data, size));
	}
	(void)pare_version_valid(pare_slice_make((const char *)data, size));
	(void)pare_version_test_expr(pare_slice_make((const char *)data, size));
	return 0;
}
