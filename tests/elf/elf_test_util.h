/* Helpers for the ELF unit tests: a scratch directory, shell commands
 * (the C compiler builds small programs and libraries at test time),
 * whole-file reads and writes.  Header-only; each test program includes
 * it once.  Everything aborts the test on failure (cmocka's fail_msg). */
#ifndef PARE_TESTS_ELF_UTIL_H
#define PARE_TESTS_ELF_UTIL_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char tu_dir[256];

/* A fresh scratch directory (removed by tu_cleanup). */
static inline const char *tu_mkdtemp(void)
{
	snprintf(tu_dir, sizeof(tu_dir), "/tmp/pare-elf-test-XXXXXX");
	if (!mkdtemp(tu_dir))
		fail_msg("mkdtemp failed");
	return tu_dir;
}

/* Run a shell command built from fmt; returns its exit status. */
__attribute__((format(printf, 1, 2)))
static inline int tu_sh(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(cmd))
		fail_msg("command too long");
	int rc = system(cmd);
	return rc == -1 ? -1 : WEXITSTATUS(rc);
}

/* Like tu_sh, but the command must succeed. */
#define TU_SH(...)                                                              \
	do {                                                                    \
		if (tu_sh(__VA_ARGS__) != 0)                                    \
			fail_msg("command failed: %s", #__VA_ARGS__);            \
	} while (0)

static inline unsigned char *tu_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	unsigned char *p = malloc(n > 0 ? (size_t)n : 1);
	if (!p || (n > 0 && fread(p, 1, (size_t)n, f) != (size_t)n))
		fail_msg("cannot read %s", path);
	fclose(f);
	*len = (size_t)n;
	return p;
}

static inline void tu_write(const char *path, const void *p, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (!f || (len && fwrite(p, 1, len, f) != len))
		fail_msg("cannot write %s", path);
	fclose(f);
}

static inline void tu_cleanup(void)
{
	if (tu_dir[0])
		tu_sh("rm -rf '%s'", tu_dir);
	tu_dir[0] = '\0';
}

#endif
