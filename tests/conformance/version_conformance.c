/* Checks every line of apk-tools' version.data through the library.
 *
 * Usage: version_conformance PATH/version.data
 * Line forms: see pare_version_test_expr() in apk/version.h.
 * Prints one line per failure and "N passed, N failed"; exits 1 on any
 * failure, 2 on usage or I/O errors. */
#include <stdio.h>
#include <stdlib.h>

#include "apk/version.h"
#include "base/slice.h"

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s version.data\n", argv[0]);
		return 2;
	}
	FILE *f = fopen(argv[1], "r");
	if (!f) {
		perror(argv[1]);
		return 2;
	}
	char *buf = NULL;
	size_t cap = 0;
	ssize_t len;
	unsigned long lineno = 0, passed = 0, failed = 0;
	while ((len = getline(&buf, &cap, f)) >= 0) {
		lineno++;
		struct pare_slice raw = pare_slice_make(buf, (size_t)len);
		int r = pare_version_test_expr(raw);
		if (r == 2)
			continue;
		if (r == 1) {
			passed++;
			continue;
		}
		failed++;
		printf("%s:%lu: %s: %.*s\n", argv[1], lineno,
		       r < 0 ? "unreadable line" : "FAIL",
		       (int)pare_slice_trim(raw).len, buf);
	}
	free(buf);
	fclose(f);
	printf("%lu passed, %lu failed\n", passed, failed);
	return failed ? 1 : 0;
}
