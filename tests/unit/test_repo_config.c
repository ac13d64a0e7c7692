/* Unit tests for repo/: configuration parsing, cache names, package URLs. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "repo/repo.h"
#include "repo/repo_int.h"

static char root[256];

static void write_file(const char *rel, const char *text)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/%s", root, rel);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **state)
{
	(void)state;
	char p[512];
	snprintf(root, sizeof(root), "/tmp/pare-test-repo-XXXXXX");
	assert_non_null(mkdtemp(root));
	snprintf(p, sizeof(p), "%s/etc", root);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/etc/apk", root);
	mkdir(p, 0755);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char p[512];
	const char *files[] = { "etc/apk/repositories", "etc/apk/arch", "other",
				"repo/x86_64/a-1-r0.apk" };
	for (size_t i = 0; i < 4; i++) {
		snprintf(p, sizeof(p), "%s/%s", root, files[i]);
		unlink(p);
	}
	const char *dirs[] = { "repo/x86_64/d-1-r0.apk", "repo/x86_64", "repo" };
	for (size_t i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s/%s", root, dirs[i]);
		rmdir(p);
	}
	snprintf(p, sizeof(p), "%s/etc/apk", root);
	rmdir(p);
	snprintf(p, sizeof(p), "%s/etc", root);
	rmdir(p);
	rmdir(root);
	return 0;
}

static void test_file_and_extra(void **state)
{
	(void)state;
	struct pare_repos rs;
	struct pare_error err = { 0 };
	write_file("etc/apk/repositories",
		   "# comment\n\n  http://127.0.0.1:1/main/  \n@edge https://127.0.0.1:2/edge\n"
		   "v2 file:///srv/repo\nhttp://127.0.0.1:1/main\n"
		   "http://127.0.0.1:3/base a b");
	write_file("etc/apk/arch", "aarch64\n");
	const char *extra[] = { "/srv/other" };
	struct pare_repo_config cfg = { .root = root, .extra = extra, .nextra = 1 };
	assert_int_equal(pare_repos_init(&rs, &cfg, &err), 0);
	assert_string_equal(rs.arch, "aarch64");
	assert_int_equal(rs.n, 6);
	assert_string_equal(rs.v[0].url, "http://127.0.0.1:1/main");
	assert_int_equal(rs.v[0].kind, PARE_REPO_HTTP);
	assert_null(rs.v[0].tag);
	assert_string_equal(rs.v[0].index_url, "http://127.0.0.1:1/main/aarch64/APKINDEX.tar.gz");
	assert_string_equal(rs.v[1].tag, "edge");
	assert_int_equal(rs.v[2].kind, PARE_REPO_LOCAL);
	assert_string_equal(rs.v[2].base, "/srv/repo");
	assert_string_equal(rs.v[2].index_url, "/srv/repo/aarch64/APKINDEX.tar.gz");
	assert_string_equal(rs.v[3].url, "http://127.0.0.1:3/base/a");
	assert_string_equal(rs.v[4].url, "http://127.0.0.1:3/base/b");
	assert_string_equal(rs.v[5].url, "/srv/other");
	char want[512];
	snprintf(want, sizeof(want), "%s/etc/apk/cache", root);
	assert_string_equal(rs.cache_dir, want);
	pare_repos_release(&rs);
	pare_repos_release(&rs);
}

static void test_bad_line(void **state)
{
	(void)state;
	struct pare_repos rs;
	struct pare_error err = { 0 };
	write_file("etc/apk/repositories", "http://127.0.0.1/a\nftp://127.0.0.1/b\n");
	struct pare_repo_config cfg = { .root = root, .arch = "x86_64" };
	assert_int_equal(pare_repos_init(&rs, &cfg, &err), -PARE_E_UNSUPPORTED);
	char want[512];
	snprintf(want, sizeof(want),
		 "%s/etc/apk/repositories line 2: repository 'ftp://127.0.0.1/b': not an absolute "
		 "path, file://, http:// or https:// URL", root);
	assert_string_equal(err.msg, want);
	pare_repos_release(&rs);

	write_file("etc/apk/repositories", "set x=1\n");
	assert_int_equal(pare_repos_init(&rs, &cfg, &err), -PARE_E_UNSUPPORTED);
	pare_repos_release(&rs);
	write_file("etc/apk/repositories", "@ http://x\n");
	assert_int_equal(pare_repos_init(&rs, &cfg, &err), -PARE_E_FORMAT);
	pare_repos_release(&rs);
}

static void test_relative_extra_and_files(void **state)
{
	(void)state;
	struct pare_repos rs;
	struct pare_error err = { 0 };
	char cwd[400], want[512], other[512];
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	snprintf(other, sizeof(other), "%s/other", root);
	write_file("other", "/srv/x\n");
	const char *extra[] = { "rel/repo" };
	struct pare_repo_config cfg = { .root = root, .extra = extra, .nextra = 1,
					.repositories_file = other, .arch = "x86_64",
					.cache_dir = "/var/tmp/c" };
	assert_int_equal(pare_repos_init(&rs, &cfg, &err), 0);
	assert_int_equal(rs.n, 2);
	assert_string_equal(rs.v[0].url, "/srv/x");
	snprintf(want, sizeof(want), "%s/rel/repo", cwd);
	assert_string_equal(rs.v[1].url, want);
	assert_string_equal(rs.cache_dir, "/var/tmp/c");
	pare_repos_release(&rs);

	cfg.repositories_file = "/nonexistent/repositories";
	assert_int_equal(pare_repos_init(&rs, &cfg, &err), -ENOENT);
	assert_string_equal(err.msg, "/nonexistent/repositories: No such file or directory");
	pare_repos_release(&rs);

	cfg.repositories_file = other;
	cfg.arch = "x86/64";
	assert_int_equal(pare_repos_init(&rs, &cfg, &err), -PARE_E_FORMAT);
	pare_repos_release(&rs);
}

static void test_no_cache_dir_removed(void **state)
{
	(void)state;
	struct pare_repos rs;
	struct pare_error err = { 0 };
	struct pare_repo_config cfg = { .root = root, .arch = "x86_64", .no_cache = true,
					.tmp_dir = root };
	assert_int_equal(pare_repos_init(&rs, &cfg, &err), 0);
	assert_true(rs.cache_temp);
	char dir[512], file[600];
	snprintf(dir, sizeof(dir), "%s", rs.cache_dir);
	struct stat st;
	/* made only when something is to be written in it, 0700 */
	assert_int_equal(stat(dir, &st), -1);
	assert_int_equal(pare_repo_cache_ensure(&rs, &err), 0);
	assert_int_equal(pare_repo_cache_ensure(&rs, &err), 0);
	assert_string_equal(rs.cache_dir, dir);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	snprintf(file, sizeof(file), "%s/x", dir);
	FILE *f = fopen(file, "w");
	assert_non_null(f);
	fclose(f);
	pare_repos_release(&rs);
	assert_int_equal(stat(dir, &st), -1);
	/* never made: nothing to remove, nothing left */
	assert_int_equal(pare_repos_init(&rs, &cfg, &err), 0);
	snprintf(dir, sizeof(dir), "%s", rs.cache_dir);
	pare_repos_release(&rs);
	assert_int_equal(stat(dir, &st), -1);
}

static void test_cache_names(void **state)
{
	(void)state;
	char name[64];
	struct pare_error err = { 0 };
	/* SHA-1("http://127.0.0.1/x86_64/APKINDEX.tar.gz"), first 4 bytes */
	assert_true(pare_repo_index_cache_name("http://127.0.0.1/x86_64/APKINDEX.tar.gz", name,
					       sizeof(name)) > 0);
	assert_int_equal(strlen(name), strlen("APKINDEX.12345678.tar.gz"));
	assert_memory_equal(name, "APKINDEX.", 9);

	struct pare_pkgent e = { .name = PARE_SLICE_LIT("libstdc++"),
				 .version = PARE_SLICE_LIT("1.0-r0"), .repo = 0 };
	e.identity.alg = PARE_DIGEST_SHA1;
	e.identity.len = 20;
	memset(e.identity.bytes, 0xab, 20);
	assert_true(pare_repo_pkg_cache_name(&e, name, sizeof(name), &err) > 0);
	assert_string_equal(name, "libstdc++-1.0-r0.abababab.apk");
	e.name = PARE_SLICE_LIT("../evil");
	assert_int_equal(pare_repo_pkg_cache_name(&e, name, sizeof(name), &err),
			 -PARE_E_UNSAFE_PATH);
	e.name = PARE_SLICE_LIT("a/b");
	assert_int_equal(pare_repo_pkg_cache_name(&e, name, sizeof(name), &err),
			 -PARE_E_UNSAFE_PATH);
}

static void test_pkg_url(void **state)
{
	(void)state;
	struct pare_repos rs;
	struct pare_error err = { 0 };
	char url[256];
	write_file("etc/apk/repositories", "http://127.0.0.1:8080/repo/\n");
	struct pare_repo_config cfg = { .root = root, .arch = "x86_64" };
	assert_int_equal(pare_repos_init(&rs, &cfg, &err), 0);
	struct pare_pkgent e = { .name = PARE_SLICE_LIT("g++ x"),
				 .version = PARE_SLICE_LIT("1.0-r0"), .repo = 0 };
	e.identity.alg = PARE_DIGEST_SHA1;
	e.identity.len = 20;
	assert_int_equal(pare_repos_pkg_url(&rs, &e, url, sizeof(url), &err), -PARE_E_NOT_FOUND);
	rs.v[0].loaded = true;
	assert_int_equal(pare_repos_pkg_url(&rs, &e, url, sizeof(url), &err), 0);
	assert_string_equal(url, "http://127.0.0.1:8080/repo/x86_64/g++%20x-1.0-r0.apk");
	assert_int_equal(pare_repos_pkg_url(&rs, &e, url, 20, &err), -ENAMETOOLONG);
	pare_repos_release(&rs);
}

/* A local repository's package is opened in place (by name below a kept
 * directory descriptor) and checked: regular file, size of S:. */
static void test_pkg_open_local(void **state)
{
	(void)state;
	struct pare_repos rs;
	struct pare_error err = { 0 };
	char path[512], dir[512];
	snprintf(dir, sizeof(dir), "%s/repo", root);
	mkdir(dir, 0755);
	snprintf(dir, sizeof(dir), "%s/repo/x86_64", root);
	mkdir(dir, 0755);
	write_file("repo/x86_64/a-1-r0.apk", "12345");
	snprintf(dir, sizeof(dir), "%s/repo/x86_64/d-1-r0.apk", root);
	mkdir(dir, 0755);
	snprintf(dir, sizeof(dir), "%s/repo\n", root);
	write_file("etc/apk/repositories", dir);
	struct pare_repo_config cfg = { .root = root, .arch = "x86_64" };
	assert_int_equal(pare_repos_init(&rs, &cfg, &err), 0);
	assert_int_equal(rs.v[0].kind, PARE_REPO_LOCAL);
	rs.v[0].loaded = true;
	struct pare_pkgent e = { .name = PARE_SLICE_LIT("a"), .version = PARE_SLICE_LIT("1-r0"),
				 .repo = 0, .size = 5, .flags = PARE_PKGENT_HAS_SIZE };
	e.identity.alg = PARE_DIGEST_SHA1;
	e.identity.len = 20;
	for (int i = 0; i < 2; i++) { /* the second time through the kept descriptor */
		int fd = -1;
		assert_int_equal(pare_repos_pkg_open(&rs, &e, path, sizeof(path), &fd, &err), 0);
		char buf[8] = { 0 };
		assert_int_equal(read(fd, buf, sizeof(buf)), 5);
		assert_string_equal(buf, "12345");
		close(fd);
	}
	int fd = 7;
	e.size = 6;
	assert_int_equal(pare_repos_pkg_open(&rs, &e, path, sizeof(path), &fd, &err),
			 -PARE_E_INTEGRITY);
	assert_int_equal(fd, -1);
	e.name = PARE_SLICE_LIT("d");
	assert_int_equal(pare_repos_pkg_open(&rs, &e, path, sizeof(path), &fd, &err), -PARE_E_FORMAT);
	e.name = PARE_SLICE_LIT("b");
	assert_int_equal(pare_repos_pkg_open(&rs, &e, path, sizeof(path), &fd, &err), -ENOENT);
	pare_repos_release(&rs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_file_and_extra, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_relative_extra_and_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_cache_dir_removed, setup, teardown),
		cmocka_unit_test(test_cache_names),
		cmocka_unit_test_setup_teardown(test_pkg_url, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pkg_open_local, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
