/* Unit tests for src/image/trace.c (the fanotify recorder), src/image/
 * prune.c (the plan) and src/db/pruned.c (the record).  The recorder
 * tests need root (fanotify, mounts): a private tmpfs is bind-mounted and
 * traced; a file opened, an executable run and a file mmap'ed through the
 * bind mount are recorded root-relative, and a file only stat()ed is not.
 * Without root they are skipped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "db/pruned.h"
#include "image/prune.h"
#include "image/trace.h"
#include "io/tree.h"

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "we");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int copy_file(const char *from, const char *to)
{
	char cmd[8192];
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s' && chmod 755 '%s'", from, to, to);
	return system(cmd);
}

static void trace_bind_mount(void **state)
{
	(void)state;
	if (geteuid() != 0 || access("/bin/busybox", X_OK) != 0) {
		skip();
		return;
	}
	char dir[256], fs[300], bind[300], p[512];
	assert_int_equal(pare_tree_mkdtemp("trace", dir, sizeof(dir)), 0);
	snprintf(fs, sizeof(fs), "%s/fs", dir);
	snprintf(bind, sizeof(bind), "%s/bind", dir);
	assert_int_equal(mkdir(fs, 0755), 0);
	assert_int_equal(mkdir(bind, 0755), 0);
	if (mount("tmpfs", fs, "tmpfs", 0, "size=16m") < 0) {
		pare_tree_remove(dir);
		skip();
		return;
	}
	snprintf(p, sizeof(p), "%s/data", fs);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/data/opened.txt", fs);
	write_text(p, "opened\n");
	snprintf(p, sizeof(p), "%s/data/mapped.bin", fs);
	write_text(p, "mapped bytes\n");
	snprintf(p, sizeof(p), "%s/data/stated.txt", fs);
	write_text(p, "only stat()ed\n");
	snprintf(p, sizeof(p), "%s/busybox", fs);
	assert_int_equal(copy_file("/bin/busybox", p), 0);
	assert_int_equal(mount(fs, bind, NULL, MS_BIND, NULL), 0);

	struct pare_trace t;
	struct pare_error err = { 0 };
	pare_trace_init(&t);
	int rc = pare_trace_start(&t, bind, &err);
	if (rc < 0) {
		print_message("fanotify unavailable: %s\n", err.msg);
		umount2(bind, MNT_DETACH);
		umount2(fs, MNT_DETACH);
		pare_tree_remove(dir);
		skip();
		return;
	}
	/* open */
	snprintf(p, sizeof(p), "%s/data/opened.txt", bind);
	int fd = open(p, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	close(fd);
	/* mmap */
	snprintf(p, sizeof(p), "%s/data/mapped.bin", bind);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	void *m = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	assert_true(m != MAP_FAILED);
	assert_int_equal(((const char *)m)[0], 'm');
	munmap(m, 4096);
	/* stat only: no event */
	struct stat st;
	snprintf(p, sizeof(p), "%s/data/stated.txt", bind);
	assert_int_equal(stat(p, &st), 0);
	/* exec */
	snprintf(p, sizeof(p), "%s/busybox", bind);
	pid_t pid = fork();
	if (pid == 0) {
		execl(p, "true", (char *)NULL);
		_exit(127);
	}
	int ws;
	assert_int_equal(waitpid(pid, &ws, 0), pid);
	assert_true(WIFEXITED(ws) && WEXITSTATUS(ws) == 0);

	assert_int_equal(pare_trace_stop(&t, &err), 0);
	assert_true(pare_trace_has(&t, "data/opened.txt"));
	assert_true(pare_trace_has(&t, "data/mapped.bin"));
	assert_true(pare_trace_has(&t, "/busybox"));
	assert_false(pare_trace_has(&t, "data/stated.txt"));
	assert_int_equal(t.fd, -1);
	pare_trace_release(&t);
	umount2(bind, MNT_DETACH);
	umount2(fs, MNT_DETACH);
	pare_tree_remove(dir);
}

static void trace_refuses_plain_dir(void **state)
{
	(void)state;
	char dir[256];
	struct pare_trace t;
	struct pare_error err = { 0 };
	assert_int_equal(pare_tree_mkdtemp("trace", dir, sizeof(dir)), 0);
	pare_trace_init(&t);
	assert_true(pare_trace_start(&t, dir, &err) < 0);
	assert_non_null(strstr(err.msg, "mount point"));
	pare_trace_release(&t);
	pare_tree_remove(dir);
}

/* ---- the plan: trace, rules, keep: globs, links, apply and restore */

static void plan_apply_restore(void **state)
{
	(void)state;
	char dir[256], root[300], stash[300], p[512];
	assert_int_equal(pare_tree_mkdtemp("prune", dir, sizeof(dir)), 0);
	snprintf(root, sizeof(root), "%s/root", dir);
	snprintf(stash, sizeof(stash), "%s/stash", dir);
	const char *dirs[] = { "", "/etc", "/usr", "/usr/bin", "/usr/share", "/usr/share/x",
			       "/bin", NULL };
	for (size_t i = 0; dirs[i]; i++) {
		snprintf(p, sizeof(p), "%s%s", root, dirs[i]);
		assert_int_equal(mkdir(p, 0755), 0);
	}
	const char *files[] = { "/etc/conf", "/usr/bin/tool", "/usr/share/x/used",
				"/usr/share/x/unused", "/usr/share/x/keep.me", NULL };
	for (size_t i = 0; files[i]; i++) {
		snprintf(p, sizeof(p), "%s%s", root, files[i]);
		write_text(p, files[i]);
	}
	snprintf(p, sizeof(p), "%s/bin/tool", root);
	assert_int_equal(symlink("/usr/bin/tool", p), 0);
	snprintf(p, sizeof(p), "%s/bin/gone", root);
	assert_int_equal(symlink("/usr/share/x/unused", p), 0);

	struct pare_trace t;
	pare_trace_init(&t);
	assert_int_equal(pare_trace_add(&t, "usr/bin/tool"), 0);
	assert_int_equal(pare_trace_add(&t, "/usr/share/x/used"), 0);
	const char *keep[] = { "/usr/share/*/keep.*" };
	struct pare_prune_opts o = { .root = root, .trace = &t, .keep = keep, .nkeep = 1,
				     .stash = stash };
	struct pare_prune_result r;
	struct pare_error err = { 0 };
	pare_prune_result_init(&r);
	assert_int_equal(pare_prune_plan(&o, &r, &err), 0);
	assert_int_equal(r.nremoved, 2);
	assert_string_equal(r.removed[0].path, "bin/gone");
	assert_string_equal(r.removed[1].path, "usr/share/x/unused");
	assert_int_equal(pare_prune_apply(&o, &r, &err), 0);
	snprintf(p, sizeof(p), "%s/usr/share/x/unused", root);
	assert_int_equal(access(p, F_OK), -1);
	snprintf(p, sizeof(p), "%s/usr/share/x/keep.me", root);
	assert_int_equal(access(p, F_OK), 0);
	snprintf(p, sizeof(p), "%s/bin/tool", root);
	assert_int_equal(faccessat(AT_FDCWD, p, F_OK, AT_SYMLINK_NOFOLLOW), 0);
	snprintf(p, sizeof(p), "%s/bin/gone", root);
	assert_int_equal(faccessat(AT_FDCWD, p, F_OK, AT_SYMLINK_NOFOLLOW), -1);

	/* the record says what went */
	struct pare_root rt;
	struct pare_prune_record rec;
	pare_prune_record_init(&rec);
	assert_int_equal(pare_root_open(&rt, root, &err), 0);
	assert_int_equal(pare_prune_record_read(&rec, &rt, &err), 0);
	assert_int_equal(rec.n, 2);
	assert_non_null(pare_prune_record_find(&rec, pare_slice_from("/usr/share/x/unused")));
	assert_null(pare_prune_record_find(&rec, pare_slice_from("usr/share/x/used")));
	pare_prune_record_release(&rec);

	/* which removed file does a failure message name? */
	assert_string_equal(pare_prune_named_file(&r, "cat: can't open '/usr/share/x/unused'"),
			    "usr/share/x/unused");
	assert_null(pare_prune_named_file(&r, "all fine"));
	assert_string_equal(pare_prune_named_file(&r, "Can't locate x/unused in @INC"),
			    "usr/share/x/unused");
	assert_string_equal(pare_prune_named_file(&r, "No module named 'unused'"),
			    "usr/share/x/unused");

	assert_int_equal(pare_prune_restore(&o, &r, &err), 0);
	snprintf(p, sizeof(p), "%s/usr/share/x/unused", root);
	assert_int_equal(access(p, F_OK), 0);
	snprintf(p, sizeof(p), "%s/%s", root, PARE_PRUNE_RECORD_PATH);
	assert_int_equal(access(p, F_OK), -1);
	pare_root_release(&rt);
	pare_prune_result_release(&r);
	pare_trace_release(&t);
	pare_tree_remove(dir);
}

/* Folders the removal emptied go (a chain of them too); one that was empty
 * before, or still holds something, stays; restore makes them again. */
static void plan_removes_emptied_dirs(void **state)
{
	(void)state;
	char dir[256], root[300], stash[300], p[512];
	struct stat st;
	assert_int_equal(pare_tree_mkdtemp("prune", dir, sizeof(dir)), 0);
	snprintf(root, sizeof(root), "%s/root", dir);
	snprintf(stash, sizeof(stash), "%s/stash", dir);
	const char *dirs[] = { "", "/usr", "/usr/bin", "/usr/share", "/usr/share/doc",
			       "/usr/share/doc/a", "/usr/share/doc/b", "/usr/share/doc/b/empty",
			       "/var", "/var/log", "/var/log/app", "/opt", "/opt/x", "/opt/x/y",
			       NULL };
	for (size_t i = 0; dirs[i]; i++) {
		snprintf(p, sizeof(p), "%s%s", root, dirs[i]);
		assert_int_equal(mkdir(p, 0755), 0);
	}
	snprintf(p, sizeof(p), "%s/usr/share/doc/a", root);
	assert_int_equal(chmod(p, 0750), 0);
	const char *files[] = { "/usr/bin/tool", "/usr/share/doc/a/copyright",
				"/usr/share/doc/b/copyright", "/opt/x/y/f", NULL };
	for (size_t i = 0; files[i]; i++) {
		snprintf(p, sizeof(p), "%s%s", root, files[i]);
		write_text(p, files[i]);
	}
	struct pare_trace t;
	pare_trace_init(&t);
	assert_int_equal(pare_trace_add(&t, "usr/bin/tool"), 0);
	struct pare_prune_opts o = { .root = root, .trace = &t, .stash = stash };
	struct pare_prune_result r;
	struct pare_error err = { 0 };
	pare_prune_result_init(&r);
	assert_int_equal(pare_prune_plan(&o, &r, &err), 0);
	assert_int_equal(r.nremoved, 3);
	assert_int_equal(pare_prune_apply(&o, &r, &err), 0);
	assert_int_equal(r.ndirs, 4);
	const char *gone[] = { "/usr/share/doc/a", "/opt/x/y", "/opt/x", "/opt", NULL };
	const char *stay[] = { "/usr/share/doc/b/empty", "/usr/share/doc", "/var/log/app",
			       "/usr/bin/tool", NULL };
	for (size_t i = 0; gone[i]; i++) {
		snprintf(p, sizeof(p), "%s%s", root, gone[i]);
		assert_int_equal(access(p, F_OK), -1);
	}
	for (size_t i = 0; stay[i]; i++) {
		snprintf(p, sizeof(p), "%s%s", root, stay[i]);
		assert_int_equal(access(p, F_OK), 0);
	}
	assert_int_equal(pare_prune_restore(&o, &r, &err), 0);
	for (size_t i = 0; files[i]; i++) {
		snprintf(p, sizeof(p), "%s%s", root, files[i]);
		assert_int_equal(access(p, F_OK), 0);
	}
	snprintf(p, sizeof(p), "%s/usr/share/doc/a", root);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0750);
	pare_prune_result_release(&r);
	pare_trace_release(&t);
	pare_tree_remove(dir);
}

/* A kept ELF program keeps what it loads (the host's true, libc, ld.so). */
static void plan_elf_closure(void **state)
{
	(void)state;
	if (access("/usr/bin/true", R_OK) != 0 ||
	    access("/lib/x86_64-linux-gnu/libc.so.6", R_OK) != 0) {
		skip();
		return;
	}
	char dir[256], root[300], stash[300], p[512];
	assert_int_equal(pare_tree_mkdtemp("prune", dir, sizeof(dir)), 0);
	snprintf(root, sizeof(root), "%s/root", dir);
	snprintf(stash, sizeof(stash), "%s/stash", dir);
	const char *dirs[] = { "", "/usr", "/usr/bin", "/lib", "/lib/x86_64-linux-gnu", "/lib64",
			       NULL };
	for (size_t i = 0; dirs[i]; i++) {
		snprintf(p, sizeof(p), "%s%s", root, dirs[i]);
		assert_int_equal(mkdir(p, 0755), 0);
	}
	snprintf(p, sizeof(p), "%s/usr/bin/true", root);
	assert_int_equal(copy_file("/usr/bin/true", p), 0);
	snprintf(p, sizeof(p), "%s/lib/x86_64-linux-gnu/libc.so.6", root);
	assert_int_equal(copy_file("/lib/x86_64-linux-gnu/libc.so.6", p), 0);
	snprintf(p, sizeof(p), "%s/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", root);
	assert_int_equal(copy_file("/lib64/ld-linux-x86-64.so.2", p), 0);
	snprintf(p, sizeof(p), "%s/lib/x86_64-linux-gnu/libunused.so.1", root);
	assert_int_equal(copy_file("/lib/x86_64-linux-gnu/libc.so.6", p), 0);
	snprintf(p, sizeof(p), "%s/lib64/ld-linux-x86-64.so.2", root);
	assert_int_equal(symlink("/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", p), 0);

	const char *keep[] = { "usr/bin/true" };
	struct pare_prune_opts o = { .root = root, .keep = keep, .nkeep = 1, .stash = stash };
	struct pare_prune_result r;
	struct pare_error err = { 0 };
	pare_prune_result_init(&r);
	assert_int_equal(pare_prune_plan(&o, &r, &err), 0);
	assert_int_equal(r.nremoved, 1);
	assert_string_equal(r.removed[0].path, "lib/x86_64-linux-gnu/libunused.so.1");
	assert_true(r.by_elf >= 2); /* libc and ld.so */
	pare_prune_result_release(&r);
	pare_tree_remove(dir);
}

static void record_parse(void **state)
{
	(void)state;
	struct pare_prune_record r;
	struct pare_error err = { 0 };
	struct pare_buf b;
	const char *ok = "# c\nR:etc/x\nP:pkg\nR:usr/a\nR:usr/b\n";
	pare_prune_record_init(&r);
	assert_int_equal(pare_prune_record_parse(&r, ok, strlen(ok), "t", &err), 0);
	assert_int_equal(r.n, 3);
	assert_string_equal(pare_prune_record_find(&r, pare_slice_from("usr/b")), "pkg");
	assert_string_equal(pare_prune_record_find(&r, pare_slice_from("etc/x")), "");
	assert_int_equal(pare_prune_record_count(&r, "pkg"), 2);
	pare_buf_init(&b, 1 << 20);
	assert_int_equal(pare_prune_record_format(&r, &b), 0);
	assert_non_null(strstr(b.data, "R:etc/x\nP:pkg\nR:usr/a\nR:usr/b\n"));
	pare_buf_release(&b);
	pare_prune_record_release(&r);
	const char *bad[] = { "R:/abs\n", "R:../up\n", "P:has space\n", "X:y\n", "R\n",
			      "P:\n" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		pare_prune_record_init(&r);
		assert_int_equal(pare_prune_record_parse(&r, bad[i], strlen(bad[i]), "t", &err),
				 -PARE_E_FORMAT);
		assert_non_null(strstr(err.msg, "line 1"));
		pare_prune_record_release(&r);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(trace_bind_mount),
		cmocka_unit_test(trace_refuses_plain_dir),
		cmocka_unit_test(plan_apply_restore),
		cmocka_unit_test(plan_removes_emptied_dirs),
		cmocka_unit_test(plan_elf_closure),
		cmocka_unit_test(record_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
