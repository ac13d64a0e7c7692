/* Unit tests for src/elf/sca.c and pc.c: a package tree built at test
 * time (a library with a SONAME, its -dev symlink, a program, a private
 * library directory, pkg-config files, ld.so.conf.d) and the so:/cmd:/pc:
 * lists derived from it; pkg-config parsing on its own. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../elf/elf_test_util.h"
#include "elf/sca.h"

static char dir[256];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "%s", tu_mkdtemp());
	TU_SH("cd '%s' && mkdir -p pkg/usr/lib/pkgconfig pkg/usr/bin pkg/usr/share/doc "
	      "pkg/opt/x/lib pkg/opt/y pkg/etc/ld.so.conf.d && "
	      "printf 'int bar(void){return 1;}\\n' > bar.c && "
	      "printf 'int bar(void);\\nint main(void){return bar();}\\n' > main.c && "
	      "cc -shared -fPIC -Wl,-soname,libbar.so.2 -o pkg/usr/lib/libbar.so.2.1.0 bar.c && "
	      "ln -s libbar.so.2.1.0 pkg/usr/lib/libbar.so && "
	      "cc -shared -fPIC -Wl,-soname,libpriv.so.7 -o pkg/opt/x/lib/libpriv.so.7 bar.c && "
	      "cc -shared -fPIC -Wl,-soname,libconf.so.3 -o pkg/opt/y/libconf.so.3 bar.c && "
	      "cc -shared -fPIC -Wl,-soname,libplug.so.1 -o pkg/usr/share/doc/libplug.so.1 bar.c && "
	      "echo /opt/y > pkg/etc/ld.so.conf.d/y.conf && "
	      "cc -o pkg/usr/bin/tool main.c -Lpkg/usr/lib -l:libbar.so.2.1.0 -Wl,--no-as-needed -lz && "
	      "printf '#!/bin/sh\\n' > pkg/usr/bin/script && chmod 755 pkg/usr/bin/script && "
	      "printf 'data' > pkg/usr/bin/notexec && chmod 644 pkg/usr/bin/notexec && "
	      "printf 'prefix=/usr\\nv=1.4\\nName: bar\\nVersion: ${v}-rc2\\n"
	      "Requires: zlib >= 1.2, libfoo\\nRequires.private: libssl\\n' "
	      "> pkg/usr/lib/pkgconfig/bar.pc && "
	      "printf 'Name: notpc\\nVersion: 1\\n' > pkg/usr/lib/notpc.pc && "
	      "printf '#!/bin/sh\\n' > pkg/.PKGINFO",
	      dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tu_cleanup();
	return 0;
}

static void assert_list(const struct pare_strlist *l, const char *const *want, size_t n)
{
	for (size_t i = 0; i < l->n; i++)
		fprintf(stderr, "  got: %s\n", l->v[i]);
	assert_int_equal(l->n, n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(l->v[i], want[i]);
}

static void test_tree(void **state)
{
	(void)state;
	struct pare_sca s;
	struct pare_sca_result r;
	struct pare_error err = { 0 };
	char p[512];
	snprintf(p, sizeof(p), "%s/pkg", dir);
	pare_sca_init(&s);
	if (pare_sca_add_dir(&s, p, &err) != 0)
		fail_msg("%s", err.msg);
	assert_int_equal(pare_sca_finish(&s, "1.0-r3", &r, &err), 0);
	const char *const provides[] = {
		"cmd:script=1.0-r3",  "cmd:tool=1.0-r3",    "pc:bar=1.4_rc2",
		"so:libbar.so.2=2",   "so:libconf.so.3=3",  "so:libpriv.so.7=7",
	};
	/* libbar.so.2 is needed by tool and named by the -dev link, but
	 * provided here; libplug is no library (not in a library directory). */
	const char *const depends[] = {
		"pc:libfoo", "pc:zlib", "so:ld-linux-x86-64.so.2", "so:libc.so.6", "so:libz.so.1",
	};
	assert_list(&r.provides, provides, sizeof(provides) / sizeof(provides[0]));
	assert_list(&r.depends, depends, sizeof(depends) / sizeof(depends[0]));
	pare_sca_release(&s);
	pare_sca_release(&s);
}

static void test_unversioned_and_symlink_dep(void **state)
{
	(void)state;
	struct pare_sca s;
	struct pare_sca_result r;
	char p[512];
	size_t len;
	pare_sca_init(&s);
	snprintf(p, sizeof(p), "%s/pkg/usr/lib/libbar.so.2.1.0", dir);
	unsigned char *img = tu_read(p, &len);
	/* The link names a library in another library directory of the
	 * package: its SONAME is needed, and provided here, so dropped. */
	assert_int_equal(pare_sca_add_symlink(&s, "./usr/lib/libbar.so", "libbar.so.2.1.0", NULL), 0);
	assert_int_equal(pare_sca_add_symlink(&s, "usr/bin/alias", "tool", NULL), 0);
	assert_int_equal(pare_sca_add_file(&s, "/usr/lib64/libbar.so.2.1.0", 0644, img, len, NULL), 0);
	assert_int_equal(pare_sca_add_file(&s, "usr/bin/broken", 0755, "\x7f" "ELF\2\1\1", 7, NULL), 0);
	assert_int_equal(pare_sca_finish(&s, NULL, &r, NULL), 0);
	/* A broken ELF file is no library, but still an executable in bin. */
	const char *const provides[] = { "cmd:alias", "cmd:broken", "so:libbar.so.2=2" };
	assert_list(&r.provides, provides, 3);
	/* The library needs nothing (no libc call), the link's SONAME is
	 * provided here: no depends at all. */
	assert_int_equal(r.depends.n, 0);
	free(img);
	pare_sca_release(&s);
}

/* A DT_NEEDED name without ".so." after it (Debian's libdb-5.3.so) is a
 * dependency too, and its library provides it (version 0). */
static void test_unversioned_soname(void **state)
{
	(void)state;
	struct pare_sca s;
	struct pare_sca_result r;
	char p[512];
	size_t len;
	TU_SH("cd '%s' && mkdir -p un/usr/lib un/usr/bin && "
	      "cc -shared -fPIC -Wl,-soname,libdb-5.3.so -o un/usr/lib/libdb-5.3.so bar.c && "
	      "cc -o un/usr/bin/db main.c -Lun/usr/lib -l:libdb-5.3.so -Wl,--no-as-needed", dir);
	pare_sca_init(&s);
	snprintf(p, sizeof(p), "%s/un/usr/bin/db", dir);
	unsigned char *img = tu_read(p, &len);
	assert_int_equal(pare_sca_add_file(&s, "usr/bin/db", 0755, img, len, NULL), 0);
	free(img);
	assert_int_equal(pare_sca_finish(&s, NULL, &r, NULL), 0);
	const char *const depends[] = { "so:ld-linux-x86-64.so.2", "so:libc.so.6",
					"so:libdb-5.3.so" };
	assert_list(&r.depends, depends, 3);
	pare_sca_release(&s);
	pare_sca_init(&s);
	snprintf(p, sizeof(p), "%s/un/usr/lib/libdb-5.3.so", dir);
	img = tu_read(p, &len);
	assert_int_equal(pare_sca_add_file(&s, "usr/lib/libdb-5.3.so", 0755, img, len, NULL), 0);
	free(img);
	assert_int_equal(pare_sca_finish(&s, NULL, &r, NULL), 0);
	const char *const provides[] = { "so:libdb-5.3.so=0" };
	assert_list(&r.provides, provides, 1);
	pare_sca_release(&s);
}

static void test_pc_parse(void **state)
{
	(void)state;
	struct pare_arena a;
	struct pare_strlist req = { 0 };
	const char *ver;
	pare_arena_init(&a, 0, 0);
	const char *text = "a=1\nb=${a}.${a}\n# c\nVersion: ${b}\n"
			   "Requires: x,y = 2 z>=3 , w != 4\n";
	assert_int_equal(pare_pc_parse(pare_slice_from(text), &a, &ver, &req, NULL), 0);
	assert_string_equal(ver, "1.1");
	const char *const want[] = { "x", "y", "z", "w" };
	assert_list(&req, want, 4);
	/* Self-referencing variables stop at the depth bound. */
	struct pare_error err = { 0 };
	struct pare_strlist r2 = { 0 };
	assert_true(pare_pc_parse(pare_slice_from("a=${a}x\nVersion: ${a}\n"), &a, &ver, &r2,
				  &err) == 0);
	assert_true(pare_pc_parse(pare_slice_from("a=x\nb=${a}${a}${a}${a}${a}${a}${a}${a}\n"
						  "c=${b}${b}${b}${b}${b}${b}${b}${b}\n"
						  "d=${c}${c}${c}${c}${c}${c}${c}${c}\n"
						  "e=${d}${d}${d}${d}${d}${d}${d}${d}\n"
						  "f=${e}${e}${e}${e}${e}${e}${e}${e}\n"
						  "g=${f}${f}${f}${f}${f}${f}${f}${f}\n"),
				  &a, &ver, &r2, &err) < 0);
	pare_arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tree),
		cmocka_unit_test(test_unversioned_and_symlink_dep),
		cmocka_unit_test(test_unversioned_soname),
		cmocka_unit_test(test_pc_parse),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
