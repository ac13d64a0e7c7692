/* Fuzz target: etc/ld.so.conf (directories, comments, include globs,
 * hwcap lines).  The input is written into a private test root once per
 * run; every directory read back is absolute. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/rootpath.h"
#include "elf/ldpath.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char root_dir[64];

static void remove_root(void)
{
	static const char *const files[] = { "etc/ld.so.conf.d/a.conf", "etc/ld.so.conf" };
	static const char *const dirs[] = { "etc/ld.so.conf.d", "etc", "" };
	char p[128];
	for (size_t i = 0; i < 2; i++) {
		snprintf(p, sizeof(p), "%s/%s", root_dir, files[i]);
		unlink(p);
	}
	for (size_t i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s/%s", root_dir, dirs[i]);
		rmdir(p);
	}
}

static void make_root(void)
{
	char p[128];
	atexit(remove_root);
	snprintf(root_dir, sizeof(root_dir), "/tmp/pare-fuzz-ldconf-%ld", (long)getpid());
	mkdir(root_dir, 0755);
	snprintf(p, sizeof(p), "%s/etc", root_dir);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/etc/ld.so.conf.d", root_dir);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/etc/ld.so.conf.d/a.conf", root_dir);
	FILE *f = fopen(p, "w");
	if (f) {
		fputs("/usr/lib/a\ninclude b*.conf\n", f);
		fclose(f);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[128];
	if (!root_dir[0])
		make_root();
	snprintf(path, sizeof(path), "%s/etc/ld.so.conf", root_dir);
	FILE *f = fopen(path, "wb");
	if (!f)
		return 0;
	if (size)
		fwrite(data, 1, size, f);
	fclose(f);
	struct pare_root root;
	if (pare_root_open(&root, root_dir, NULL) < 0)
		return 0;
	struct pare_arena a;
	struct pare_strlist dirs = { 0 };
	pare_arena_init(&a, 0, 64u << 20);
	if (pare_ld_read_conf(&root, "/etc/ld.so.conf", &a, &dirs, NULL) == 0)
		for (size_t i = 0; i < dirs.n; i++)
			if (dirs.v[i][0] != '/')
				__builtin_trap();
	pare_arena_release(&a);
	pare_root_release(&root);
	return 0;
}
