/* Unit tests for src/elf/loader.c and ldpath.c: a root assembled in a
 * scratch directory (host libc and ld.so copied in, merged /usr with
 * symlinks, libraries compiled at test time) and resolved like ld.so:
 * RPATH vs RUNPATH, $ORIGIN, ld.so.conf includes, missing objects,
 * missing versions, wrong machine; and the path helpers on their own. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <elf.h>

#include "../elf/elf_test_util.h"
#include "apk/arch.h"
#include "elf/loader.h"

static char dir[256], root[300];

static void write_text(const char *rel, const char *text)
{
	char p[600];
	snprintf(p, sizeof(p), "%s/%s", root, rel);
	tu_write(p, text, strlen(text));
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "%s", tu_mkdtemp());
	snprintf(root, sizeof(root), "%s/root", dir);
	/* Merged /usr: /lib -> usr/lib, /lib64 -> usr/lib64. */
	TU_SH("cd '%s' && mkdir -p root/usr/lib/x86_64-linux-gnu root/usr/lib64 root/etc/ld.so.conf.d "
	      "root/opt/conf root/opt/app/bin root/opt/app/lib root/opt/rp root/opt/run && "
	      "ln -s usr/lib root/lib && ln -s usr/lib64 root/lib64", dir);
	TU_SH("cp -L /lib/x86_64-linux-gnu/libc.so.6 '%s/usr/lib/x86_64-linux-gnu/' && "
	      "cp -L /lib64/ld-linux-x86-64.so.2 '%s/usr/lib64/' && "
	      "ln -s ../../lib64/ld-linux-x86-64.so.2 '%s/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2'",
	      root, root, root);
	TU_SH("cd '%s' && printf 'int foo1(void){return 1;}\\nint foo2(void){return 2;}\\n' > foo.c && "
	      "printf 'FOO_1.0 { global: foo1; local: *; };\\nFOO_2.0 { global: foo2; } FOO_1.0;\\n' > v2.map && "
	      "printf 'FOO_1.0 { global: foo1; foo2; local: *; };\\n' > v1.map && "
	      "cc -shared -fPIC -Wl,-soname,libfoo.so.1 -Wl,--version-script=v2.map -o libfoo.so.1 foo.c && "
	      "cc -shared -fPIC -Wl,-soname,libfoo.so.1 -Wl,--version-script=v1.map -o libfoo1.so foo.c && "
	      "printf 'int foo2(void);\\nint main(void){return foo2();}\\n' > main.c", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tu_cleanup();
	return 0;
}

/* Build a program needing libfoo.so.1 with extra linker flags. */
static void build_prog(const char *out, const char *flags)
{
	TU_SH("cd '%s' && cc -o '%s/%s' main.c -L. -l:libfoo.so.1 %s", dir, root, out, flags);
}

static void resolve(const char *file, struct pare_ld_result *res, const struct pare_ld_opts *o)
{
	struct pare_ld ld;
	struct pare_error err = { 0 };
	if (pare_ld_init(&ld, root, o, &err) != 0)
		fail_msg("init: %s", err.msg);
	pare_ld_result_init(res);
	if (pare_ld_resolve(&ld, file, res, &err) != 0)
		fail_msg("resolve %s: %s", file, err.msg);
	pare_ld_release(&ld);
}

static const char *path_of(const struct pare_ld_result *res, const char *name)
{
	for (size_t i = 0; i < res->norder; i++) {
		const struct pare_ld_obj *o = &res->objs[res->order[i]];
		if (strcmp(o->name, name) == 0)
			return o->path ? o->path : "(not found)";
	}
	return "(not listed)";
}

static void put_lib(const char *src, const char *dest)
{
	TU_SH("mkdir -p \"$(dirname '%s/%s')\" && cp '%s/%s' '%s/%s'", root, dest, dir, src, root,
	      dest);
}

static void test_default_dirs_and_order(void **state)
{
	(void)state;
	put_lib("libfoo.so.1", "usr/lib/libfoo.so.1");
	build_prog("opt/app/bin/plain", "");
	struct pare_ld_result res;
	resolve("/opt/app/bin/plain", &res, NULL);
	assert_true(res.dynamic);
	assert_int_equal(res.nproblems, 0);
	assert_string_equal(path_of(&res, "libfoo.so.1"), "/lib/libfoo.so.1");
	assert_string_equal(path_of(&res, "libc.so.6"), "/lib/x86_64-linux-gnu/libc.so.6");
	/* ld.so is listed where libc needs it, after the executable's needs. */
	assert_int_equal(res.norder, 3);
	assert_true(res.objs[res.order[2]].is_interp);
	assert_string_equal(res.objs[res.order[2]].path, "/lib64/ld-linux-x86-64.so.2");
	pare_ld_result_release(&res);
	TU_SH("rm -f '%s/usr/lib/libfoo.so.1'", root);
}

static void test_rpath_origin_and_runpath(void **state)
{
	(void)state;
	put_lib("libfoo.so.1", "opt/app/lib/libfoo.so.1");
	put_lib("libfoo1.so", "opt/rp/libfoo.so.1"); /* only FOO_1.0 */
	build_prog("opt/app/bin/rp", "-Wl,--disable-new-dtags -Wl,-rpath,'$ORIGIN/../lib'");
	build_prog("opt/app/bin/run", "-Wl,--enable-new-dtags -Wl,-rpath,'$ORIGIN/../lib'");
	struct pare_ld_result res;
	resolve("/opt/app/bin/rp", &res, NULL);
	assert_string_equal(path_of(&res, "libfoo.so.1"), "/opt/app/bin/../lib/libfoo.so.1");
	assert_int_equal(res.nproblems, 0);
	pare_ld_result_release(&res);

	/* RPATH wins over the library path; RUNPATH loses to it. */
	struct pare_ld_opts o = { .library_path = "/opt/rp" };
	resolve("/opt/app/bin/rp", &res, &o);
	assert_string_equal(path_of(&res, "libfoo.so.1"), "/opt/app/bin/../lib/libfoo.so.1");
	pare_ld_result_release(&res);
	resolve("/opt/app/bin/run", &res, &o);
	assert_string_equal(path_of(&res, "libfoo.so.1"), "/opt/rp/libfoo.so.1");
	/* ... and that copy lacks FOO_2.0: a missing version, named. */
	assert_int_equal(res.nproblems, 1);
	assert_int_equal(res.problems[0].kind, PARE_LD_MISSING_VERSION);
	assert_string_equal(res.problems[0].version, "FOO_2.0");
	assert_non_null(strstr(res.problems[0].message, "root provides up to FOO_1.0"));
	pare_ld_result_release(&res);
	TU_SH("rm -rf '%s/opt/app/lib' '%s/opt/rp'", root, root);
}

static void test_missing_and_ldconf(void **state)
{
	(void)state;
	build_prog("opt/app/bin/conf", "");
	struct pare_ld_result res;
	resolve("/opt/app/bin/conf", &res, NULL);
	assert_string_equal(path_of(&res, "libfoo.so.1"), "(not found)");
	assert_int_equal(res.nproblems, 1);
	assert_int_equal(res.problems[0].kind, PARE_LD_MISSING);
	pare_ld_result_release(&res);

	write_text("etc/ld.so.conf", "# comment\ninclude ld.so.conf.d/*.conf\nhwcap 0 x\n");
	write_text("etc/ld.so.conf.d/a.conf", "/opt/conf/   # trailing comment\n/opt/none\n");
	put_lib("libfoo.so.1", "opt/conf/libfoo.so.1");
	resolve("/opt/app/bin/conf", &res, NULL);
	assert_string_equal(path_of(&res, "libfoo.so.1"), "/opt/conf/libfoo.so.1");
	assert_int_equal(res.nproblems, 0);
	pare_ld_result_release(&res);

	struct pare_ld_opts o = { .no_ldconf = true };
	resolve("/opt/app/bin/conf", &res, &o);
	assert_string_equal(path_of(&res, "libfoo.so.1"), "(not found)");
	pare_ld_result_release(&res);
	TU_SH("rm -rf '%s/opt/conf/libfoo.so.1' '%s/etc/ld.so.conf'", root, root);
}

static void test_wrong_machine(void **state)
{
	(void)state;
	put_lib("libfoo.so.1", "usr/lib/libfoo.so.1");
	char p[600];
	snprintf(p, sizeof(p), "%s/usr/lib/libfoo.so.1", root);
	size_t len;
	unsigned char *img = tu_read(p, &len);
	((Elf64_Ehdr *)img)->e_machine = EM_AARCH64;
	tu_write(p, img, len);
	free(img);
	build_prog("opt/app/bin/wrong", "");
	struct pare_ld_result res;
	resolve("/opt/app/bin/wrong", &res, NULL);
	assert_string_equal(path_of(&res, "libfoo.so.1"), "(not found)");
	assert_int_equal(res.nproblems, 1);
	assert_int_equal(res.problems[0].kind, PARE_LD_WRONG_ARCH);
	assert_non_null(strstr(res.problems[0].message, "aarch64"));
	pare_ld_result_release(&res);
	TU_SH("rm -f '%s'", p);
}

static void test_expand_path(void **state)
{
	(void)state;
	struct pare_arena a;
	struct pare_strlist l = { 0 };
	pare_arena_init(&a, 0, 0);
	struct pare_ld_dst dst = { "/opt/app/bin", "lib/x86_64-linux-gnu", "x86_64" };
	assert_int_equal(pare_ld_expand_path("$ORIGIN/../lib:${ORIGIN}/x::/usr/$LIB/$PLATFORM/:rel:"
					     "/a/$ORIGINX:/a/$$",
					     &dst, &a, &l),
			 0);
	assert_int_equal(l.n, 5);
	assert_string_equal(l.v[0], "/opt/app/bin/../lib");
	assert_string_equal(l.v[1], "/opt/app/bin/x");
	assert_string_equal(l.v[2], "/usr/lib/x86_64-linux-gnu/x86_64");
	assert_string_equal(l.v[3], "/a/$ORIGINX");
	assert_string_equal(l.v[4], "/a/$$");
	/* Without an origin, elements using it are dropped. */
	struct pare_strlist m = { 0 };
	dst.origin = NULL;
	assert_int_equal(pare_ld_expand_path("$ORIGIN/lib:/usr/lib", &dst, &a, &m), 0);
	assert_int_equal(m.n, 1);
	pare_arena_release(&a);
}

static void test_arch_profiles(void **state)
{
	(void)state;
	struct pare_ld_arch tmp;
	const struct pare_ld_arch *x = pare_ld_arch_find(ELFCLASS64, ELFDATA2LSB, EM_X86_64, &tmp);
	assert_string_equal(x->interp, "/lib64/ld-linux-x86-64.so.2");
	const struct pare_ld_arch *a = pare_ld_arch_find(ELFCLASS64, ELFDATA2LSB, EM_AARCH64, &tmp);
	assert_string_equal(a->triplet, "aarch64-linux-gnu");
	struct pare_arena ar;
	struct pare_strlist l = { 0 };
	pare_arena_init(&ar, 0, 0);
	assert_int_equal(pare_ld_default_dirs(x, &ar, &l), 0);
	assert_int_equal(l.n, 6);
	assert_string_equal(l.v[0], "/lib/x86_64-linux-gnu");
	assert_string_equal(l.v[5], "/usr/lib");
	const struct pare_ld_arch *u = pare_ld_arch_find(ELFCLASS32, ELFDATA2MSB, 4242, &tmp);
	assert_ptr_equal(u, &tmp);
	pare_arena_release(&ar);
}

/* The glibc ABI profiles stay apart from the one architecture table
 * (apk/arch.h; they are keyed by the ELF header), so they must agree
 * with it: every package architecture's ELF header finds a profile with
 * the same triplet, except apk's armhf (Debian armel, soft float), which
 * the ELF class and machine cannot tell from armv7: the profile is the
 * hard-float one. */
static void test_arch_table_agrees(void **state)
{
	(void)state;
	size_t n;
	const struct pare_arch *t = pare_arch_table(&n);
	for (size_t i = 0; i < n; i++) {
		struct pare_ld_arch tmp;
		const struct pare_ld_arch *p =
			pare_ld_arch_find(t[i].elf_class, t[i].elf_data, t[i].elf_machine, &tmp);
		assert_ptr_not_equal(p, &tmp);
		if (strcmp(t[i].apk, "armhf") == 0)
			assert_string_equal(p->triplet, pare_arch_by_apk("armv7")->triplet);
		else
			assert_string_equal(p->triplet, t[i].triplet);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_dirs_and_order),
		cmocka_unit_test(test_arch_table_agrees),
		cmocka_unit_test(test_rpath_origin_and_runpath),
		cmocka_unit_test(test_missing_and_ldconf),
		cmocka_unit_test(test_wrong_machine),
		cmocka_unit_test(test_expand_path),
		cmocka_unit_test(test_arch_profiles),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
