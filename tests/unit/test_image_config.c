/* Unit tests for src/image/config.c: real-world-shaped apko configurations
 * from tests/image/configs/ (directory given as argv[1] or
 * PARE_IMAGE_CONFIGS), and broken ones written inline: typos with their
 * suggestions at every level, wrong types, bad octal modes, unsupported
 * keys, YAML syntax errors and hostile YAML, each with FILE:LINE:COLUMN. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/buf.h"
#include "image/config.h"

static const char *configs_dir = "tests/image/configs";

static void load_ok(struct pare_image_config *c, const char *name)
{
	char path[1024];
	struct pare_error err = { 0 };
	snprintf(path, sizeof(path), "%s/%s", configs_dir, name);
	int r = pare_image_config_load(c, path, &err);
	if (r != 0)
		fail_msg("%s: %s", path, err.msg);
}

/* Parse text and expect failure with code and a message containing want. */
static void parse_fails(const char *text, int code, const char *want)
{
	struct pare_image_config c;
	struct pare_error err = { 0 };
	int r = pare_image_config_parse(&c, "t.yaml", pare_slice_from(text), &err);
	if (r != code || !strstr(err.msg, want))
		fail_msg("want %d '%s', got %d '%s'", code, want, r, err.msg);
	pare_image_config_release(&c);
}

static void test_wolfi_base(void **state)
{
	struct pare_image_config c;
	load_ok(&c, "wolfi-base.yaml");
	assert_int_equal(c.nrepositories, 1);
	assert_int_equal(c.repositories[0].kind, PARE_IMAGE_REPO_HTTP);
	assert_null(c.repositories[0].tag);
	assert_int_equal(c.nkeyring, 1);
	assert_int_equal(c.npackages, 3);
	assert_string_equal(c.packages[1], "ca-certificates-bundle");
	assert_int_equal(c.nentrypoint, 2);
	assert_string_equal(c.entrypoint[0], "/bin/sh");
	assert_string_equal(c.entrypoint[1], "-l");
	assert_int_equal(c.narchs, 2);
	assert_string_equal(c.archs[0].oci, "amd64");
	assert_string_equal(c.archs[1].oci, "arm64");
	assert_string_equal(c.archs[1].apk, "aarch64");
	assert_int_equal(c.nenvironment, 1);
	assert_string_equal(c.environment[0].key, "PATH");
	pare_image_config_release(&c);
}

static void test_nginx(void **state)
{
	struct pare_image_config c;
	load_ok(&c, "nginx.yaml");
	assert_int_equal(c.nrepositories, 2);
	assert_string_equal(c.repositories[1].tag, "local");
	assert_string_equal(c.repositories[1].url, "/github/workspace/packages");
	assert_int_equal(c.repositories[1].kind, PARE_IMAGE_REPO_PATH);
	assert_string_equal(c.packages[2], "nginx-mod-http-brotli@local");
	assert_int_equal(c.nentrypoint, 3);
	assert_string_equal(c.entrypoint[0], "/bin/sh");
	assert_string_equal(c.entrypoint[1], "-c");
	assert_string_equal(c.entrypoint[2], c.entrypoint_shell_fragment);
	assert_string_equal(c.stop_signal, "SIGQUIT");
	assert_string_equal(c.work_dir, "/usr/share/nginx");
	assert_int_equal(c.ngroups, 1);
	assert_int_equal(c.groups[0].gid, 10000);
	assert_int_equal(c.groups[0].nmembers, 1);
	assert_int_equal(c.nusers, 1);
	assert_int_equal(c.users[0].uid, 10000);
	assert_false(c.users[0].has_gid);
	assert_string_equal(c.users[0].homedir, "/var/lib/nginx");
	assert_string_equal(c.run_as, "nginx");
	assert_int_equal(c.nenvironment, 2);
	assert_string_equal(c.environment[1].value, "8080");
	assert_int_equal(c.npaths, 5);
	assert_int_equal(c.paths[0].type, PARE_IMAGE_PATH_DIRECTORY);
	assert_int_equal(c.paths[0].permissions, 0755);
	assert_int_equal(c.paths[1].type, PARE_IMAGE_PATH_HARDLINK);
	assert_int_equal(c.paths[1].permissions, 0644);
	assert_int_equal(c.paths[2].type, PARE_IMAGE_PATH_PERMISSIONS);
	assert_true(c.paths[2].recursive);
	assert_false(c.paths[2].has_uid);
	assert_int_equal(c.paths[3].type, PARE_IMAGE_PATH_SYMLINK);
	assert_int_equal(c.paths[4].type, PARE_IMAGE_PATH_EMPTY_FILE);
	assert_int_equal(c.narchs, 2);
	assert_string_equal(c.archs[1].apk, "armv7");
	assert_string_equal(c.archs[1].variant, "v7");
	assert_int_equal(c.nannotations, 2);
	assert_int_equal(c.nvolumes, 1);
	pare_image_config_release(&c);
}

static void test_app_strip(void **state)
{
	struct pare_image_config c;
	load_ok(&c, "app-strip.yaml");
	assert_int_equal(c.repositories[0].kind, PARE_IMAGE_REPO_FILE);
	assert_int_equal(c.repositories[1].kind, PARE_IMAGE_REPO_PATH);
	assert_string_equal(c.packages[1], "!busybox");
	assert_int_equal(c.nbinaries, 2);
	/* relative local paths are taken from the config file's folder;
	 * absolute paths and URLs stay as written */
	char want[1100];
	snprintf(want, sizeof(want), "%s/build/server", configs_dir);
	assert_string_equal(c.binaries[0].src, want);
	assert_string_equal(c.binaries[0].dest, "/usr/bin/server");
	snprintf(want, sizeof(want), "%s/build/helper", configs_dir);
	assert_string_equal(c.binaries[1].src, want);
	assert_string_equal(c.repositories[1].url, "/srv/repo/local");
	assert_string_equal(c.repositories[0].url, "file:///srv/repo/main");
	assert_string_equal(c.keyring[0], "/etc/pare/keys/local.rsa.pub");
	assert_null(c.binaries[1].dest);
	assert_int_equal(c.nentrypoint, 6);
	assert_string_equal(c.entrypoint[2], ":8080");
	assert_string_equal(c.entrypoint[4], "my server");
	assert_string_equal(c.entrypoint[5], "#1");
	assert_int_equal(c.ncmd, 1);
	assert_string_equal(c.cmd[0], "--verbose");
	assert_true(c.users[0].has_gid);
	assert_int_equal(c.users[0].gid, 65532);
	assert_string_equal(c.run_as, "65532");
	assert_non_null(strstr(c.vcs_url, "@0123"));
	pare_image_config_release(&c);
}

static void test_minimal_and_empty(void **state)
{
	struct pare_image_config c;
	struct pare_error err = { 0 };
	load_ok(&c, "minimal.yaml");
	assert_int_equal(c.npackages, 1);
	assert_int_equal(c.narchs, 0);
	assert_null(c.work_dir);
	pare_image_config_release(&c);
	assert_int_equal(pare_image_config_parse(&c, "e", pare_slice_from(""), &err), 0);
	pare_image_config_release(&c);
	assert_int_equal(pare_image_config_parse(&c, "e", pare_slice_from("# only\n"), &err), 0);
	pare_image_config_release(&c);
	/* null values are absent values */
	assert_int_equal(pare_image_config_parse(&c, "e",
		pare_slice_from("contents:\n  packages:\ncmd: ~\n"), &err), 0);
	assert_int_equal(c.npackages, 0);
	assert_null(c.cmd_text);
	pare_image_config_release(&c);
}

static void test_missing_file(void **state)
{
	struct pare_image_config c;
	struct pare_error err = { 0 };
	assert_true(pare_image_config_load(&c, "/nonexistent/x.yaml", &err) < 0);
	assert_non_null(strstr(err.msg, "/nonexistent/x.yaml"));
	pare_image_config_release(&c);
}

static void test_typos_suggest(void **state)
{
	parse_fails("contens:\n  packages: [a]\n", -PARE_E_FORMAT,
		    "t.yaml:1:1: unknown key 'contens' in the image configuration; did you mean "
		    "'contents'?");
	parse_fails("contents:\n  pakages: [a]\n", -PARE_E_FORMAT,
		    "t.yaml:2:3: unknown key 'pakages' in contents; did you mean 'packages'?");
	parse_fails("entrypoint:\n  comand: /bin/sh\n", -PARE_E_FORMAT,
		    "t.yaml:2:3: unknown key 'comand' in entrypoint; did you mean 'command'?");
	parse_fails("workdir: /\n", -PARE_E_FORMAT, "did you mean 'work-dir'?");
	parse_fails("enviroment:\n  A: b\n", -PARE_E_FORMAT, "did you mean 'environment'?");
	parse_fails("acounts: {}\n", -PARE_E_FORMAT, "did you mean 'accounts'?");
	parse_fails("accounts:\n  users:\n    - usrname: x\n      uid: 1\n", -PARE_E_FORMAT,
		    "t.yaml:3:7: unknown key 'usrname' in accounts.users item; did you mean "
		    "'username'?");
	parse_fails("accounts:\n  groups:\n    - groupname: g\n      gdi: 1\n", -PARE_E_FORMAT,
		    "t.yaml:4:7: unknown key 'gdi' in accounts.groups item; did you mean 'gid'?");
	parse_fails("accounts:\n  runas: x\n", -PARE_E_FORMAT, "did you mean 'run-as'?");
	parse_fails("paths:\n  - path: /x\n    type: directory\n    permisions: 0o755\n",
		    -PARE_E_FORMAT, "t.yaml:4:5: unknown key 'permisions' in paths item; did you "
				    "mean 'permissions'?");
	parse_fails("paths:\n  - path: /x\n    type: directroy\n", -PARE_E_FORMAT,
		    "t.yaml:3:11: unknown path type 'directroy'; did you mean 'directory'?");
	/* nothing close: no suggestion */
	parse_fails("zzzzzzzz: 1\n", -PARE_E_FORMAT,
		    "t.yaml:1:1: unknown key 'zzzzzzzz' in the image configuration");
}

static void test_wrong_types(void **state)
{
	parse_fails("contents:\n  packages: busybox\n", -PARE_E_FORMAT,
		    "t.yaml:2:13: 'packages' must be a list, not a scalar");
	parse_fails("contents: [a]\n", -PARE_E_FORMAT,
		    "t.yaml:1:11: 'contents' must be a mapping, not a list");
	parse_fails("environment:\n  - A=b\n", -PARE_E_FORMAT,
		    "'environment' must be a mapping, not a list");
	parse_fails("environment:\n  A: [b]\n", -PARE_E_FORMAT,
		    "t.yaml:2:6: 'environment.A' must be a string, not a list");
	parse_fails("cmd: [a, b]\n", -PARE_E_FORMAT, "t.yaml:1:6: 'cmd' must be a string");
	parse_fails("accounts:\n  users:\n    - username: u\n      uid: abc\n", -PARE_E_FORMAT,
		    "t.yaml:4:12: 'uid' must be a number from 0 to 4294967295, not 'abc'");
	parse_fails("accounts:\n  users:\n    - username: u\n      uid: \"10\"\n", -PARE_E_FORMAT,
		    "'uid' must be a number");
	parse_fails("accounts:\n  users:\n    - username: u\n      uid: 4294967296\n",
		    -PARE_E_FORMAT, "'uid' must be a number");
	parse_fails("accounts:\n  users:\n    - uid: 1\n", -PARE_E_FORMAT,
		    "t.yaml:3:7: a user needs 'username'");
	parse_fails("paths:\n  - path: /x\n    type: directory\n    recursive: yes\n",
		    -PARE_E_FORMAT, "'recursive' must be true or false, not 'yes'");
	parse_fails("paths:\n  - path: /x\n    type: symlink\n", -PARE_E_FORMAT,
		    "a link needs 'source'");
	parse_fails("archs: [x86_64, mips]\n", -PARE_E_FORMAT,
		    "t.yaml:1:17: unknown architecture 'mips'");
	parse_fails("archs: [x86_64, amd64]\n", -PARE_E_FORMAT, "listed twice");
	parse_fails("contents:\n  repositories:\n    - ftp://x/y\n", -PARE_E_FORMAT,
		    "t.yaml:3:7: repository 'ftp://x/y'");
	parse_fails("contents:\n  repositories:\n    - \"@tag\"\n", -PARE_E_FORMAT,
		    "want 'URL' or '@tag URL'");
	parse_fails("contents:\n  binaries:\n    - ./a:bin/x\n", -PARE_E_FORMAT,
		    "must be absolute");
	/* Duplicate keys: refused by the tree for every reader. */
	parse_fails("environment:\n  A: 1\n  A: 2\n", -PARE_E_FORMAT,
		    "t.yaml:3:3: duplicate key \"A\" (first on line 2)");
	parse_fails("cmd: a\ncmd: b\n", -PARE_E_FORMAT,
		    "t.yaml:2:1: duplicate key \"cmd\" (first on line 1)");
	parse_fails("annotations: {a: 1, \"a\": 2}\n", -PARE_E_FORMAT,
		    "t.yaml:1:21: duplicate key \"a\" (first on line 1)");
	parse_fails("accounts:\n  users:\n    - {username: a, uid: 1, uid: 2}\n", -PARE_E_FORMAT,
		    "t.yaml:3:29: duplicate key \"uid\"");
	parse_fails("environment:\n  \"a\\nb\": 1\n  \"a\\nb\": 2\n", -PARE_E_FORMAT,
		    "duplicate key \"a\\x0ab\"");
	parse_fails("entrypoint:\n  command: /bin/sh -c 'unterminated\n", -PARE_E_FORMAT,
		    "t.yaml:2:12: 'entrypoint.command': unterminated single quote");
}

static void test_bad_octal(void **state)
{
	const char *pre = "paths:\n  - path: /x\n    type: permissions\n    permissions: ";
	char text[256];
	static const char *const bad[] = { "0o789", "0999", "0o", "rwxr-xr-x", "\"0o755\"",
					   "0o-1", NULL };
	for (size_t i = 0; bad[i]; i++) {
		snprintf(text, sizeof(text), "%s%s\n", pre, bad[i]);
		parse_fails(text, -PARE_E_FORMAT, "t.yaml:4:18: 'permissions': ");
		parse_fails(text, -PARE_E_FORMAT, "is not an octal mode");
	}
	snprintf(text, sizeof(text), "%s0o17777\n", pre);
	parse_fails(text, -PARE_E_FORMAT, "is above 0o7777");
	snprintf(text, sizeof(text), "%s493\n", pre);
	struct pare_image_config c;
	struct pare_error err = { 0 };
	assert_int_equal(pare_image_config_parse(&c, "t", pare_slice_from(text), &err), 0);
	assert_int_equal(c.paths[0].permissions, 0755);
	pare_image_config_release(&c);
}

static void test_packages_checked(void **state)
{
	parse_fails("contents:\n  packages:\n    - ok\n    - \"bad>=\"\n", -PARE_E_INVALID_DEP,
		    "t.yaml:4:7: package 'bad>='");
	parse_fails("contents:\n  packages:\n    - \"\"\n", -PARE_E_FORMAT, "must not be empty");
}

static void test_unsupported(void **state)
{
	parse_fails("layering: {}\n", -PARE_E_UNSUPPORTED,
		    "t.yaml:1:1: 'layering' is not supported by pare");
	parse_fails("entrypoint:\n  type: service-bundle\n", -PARE_E_UNSUPPORTED,
		    "t.yaml:2:9: entrypoint type 'service-bundle'");
}

/* contents.baseimage (apko): both keys, relative to the config's folder */
static void test_baseimage(void **state)
{
	(void)state;
	parse_fails("contents:\n  baseimage: {}\n", -PARE_E_FORMAT,
		    "t.yaml:2:14: contents.baseimage needs both 'image'");
	parse_fails("contents:\n  baseimage:\n    image: b\n", -PARE_E_FORMAT, "needs both");
	parse_fails("contents:\n  baseimage:\n    image: b\n    apkindex: i\n    tag: x\n",
		    -PARE_E_FORMAT, "tag");
	parse_fails("contents:\n  baseimage:\n    image: [a]\n    apkindex: i\n",
		    -PARE_E_FORMAT, "contents.baseimage.image");
	struct pare_image_config c;
	struct pare_error err = { 0 };
	const char *text = "contents:\n  baseimage:\n    image: b\n    apkindex: i\n";
	assert_int_equal(pare_image_config_parse(&c, "t.yaml", pare_slice_from(text), &err), 0);
	assert_string_equal(c.baseimage, "b");
	assert_string_equal(c.baseimage_apkindex, "i");
	pare_image_config_release(&c);
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* include: the base first, this file on top; relative to this file; a loop
 * ends at the depth bound with a message. */
static void test_prune_keys(void **state)
{
	(void)state;
	struct pare_image_config c;
	struct pare_error err = { 0 };
	const char *text = "prune: trace\nkeep: [/usr/lib/python3*/json/*, usr/share/x]\n"
			   "keep-packages: [tzdata]\n";
	assert_int_equal(pare_image_config_parse(&c, "t", pare_slice_from(text), &err), 0);
	assert_true(c.prune_trace);
	assert_int_equal(c.nkeep, 2);
	assert_string_equal(c.keep[0], "/usr/lib/python3*/json/*");
	assert_int_equal(c.nkeep_packages, 1);
	assert_string_equal(c.keep_packages[0], "tzdata");
	pare_image_config_release(&c);
	assert_int_equal(pare_image_config_parse(&c, "t", pare_slice_from("prune: none\n"), &err), 0);
	assert_false(c.prune_trace);
	pare_image_config_release(&c);
	parse_fails("prune: all\n", -PARE_E_FORMAT, "'prune' must be trace or none");
	parse_fails("keep: usr\n", -PARE_E_FORMAT, "'keep' must be a list");
}

static void test_include(void **state)
{
	(void)state;
	char dir[] = "/tmp/pare-include-XXXXXX", a[128], b[128], loop[128];
	struct pare_image_config c;
	struct pare_error err = { 0 };
	assert_non_null(mkdtemp(dir));
	snprintf(a, sizeof(a), "%s/base.yaml", dir);
	snprintf(b, sizeof(b), "%s/app.yaml", dir);
	snprintf(loop, sizeof(loop), "%s/loop.yaml", dir);
	write_text(a, "contents:\n  repositories: [./repo]\n  packages: [glibc]\n"
		      "environment:\n  A: base\n  B: base\ncmd: --base\narchs: [x86_64]\n");
	write_text(b, "include: base.yaml\ncontents:\n  packages: [app]\n"
		      "environment:\n  B: app\nentrypoint:\n  command: /usr/bin/app\n");
	write_text(loop, "include: loop.yaml\n");
	assert_int_equal(pare_image_config_load(&c, b, &err), 0);
	assert_int_equal(c.npackages, 2);
	assert_string_equal(c.packages[0], "glibc");
	assert_string_equal(c.packages[1], "app");
	assert_int_equal(c.nrepositories, 1);
	char want[160];
	snprintf(want, sizeof(want), "%s/repo", dir);
	assert_string_equal(c.repositories[0].url, want);
	assert_int_equal(c.nenvironment, 2);
	assert_string_equal(c.environment[0].key, "A");
	assert_string_equal(c.environment[1].value, "app");
	assert_string_equal(c.cmd[0], "--base");
	assert_string_equal(c.entrypoint[0], "/usr/bin/app");
	assert_int_equal(c.narchs, 1);
	pare_image_config_release(&c);
	assert_true(pare_image_config_load(&c, loop, &err) < 0);
	assert_non_null(strstr(err.msg, "nested includes"));
	pare_image_config_release(&c);
	unlink(a);
	unlink(b);
	unlink(loop);
	rmdir(dir);
}

/* show-config's rendering reads back to the same config: render(parse(
 * render(c))) == render(c), for every sample config. */
static void test_runtime_gconv(void **state)
{
	(void)state;
	struct pare_image_config c;
	struct pare_error err = { 0 };
	struct pare_buf out;
	const char *text = "contents:\n  packages: [iconv]\n  runtime:\n    gconv: [SHIFT_JIS, EBCDIC-US]\n";
	assert_int_equal(pare_image_config_parse(&c, "t", pare_slice_from(text), &err), 0);
	assert_int_equal(c.ngconv, 2);
	assert_string_equal(c.gconv[1], "EBCDIC-US");
	pare_buf_init(&out, 1u << 16);
	assert_int_equal(pare_image_config_render(&c, &out), 0);
	assert_non_null(strstr((const char *)out.data, "  runtime:\n    gconv:\n      - \"SHIFT_JIS\"\n"));
	pare_buf_release(&out);
	pare_image_config_release(&c);
	parse_fails("contents:\n  runtime:\n    gconv: SJIS\n", -PARE_E_FORMAT, "'gconv' must be a list");
	parse_fails("contents:\n  runtime:\n    gcnov: [SJIS]\n", -PARE_E_FORMAT, "did you mean 'gconv'");
}

static void test_render_roundtrip(void **state)
{
	(void)state;
	static const char *const names[] = { "app-strip.yaml", "minimal.yaml", "nginx.yaml",
					     "wolfi-base.yaml" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct pare_image_config c, d;
		struct pare_buf one, two;
		struct pare_error err = { 0 };
		pare_buf_init(&one, 1u << 20);
		pare_buf_init(&two, 1u << 20);
		load_ok(&c, names[i]);
		assert_int_equal(pare_image_config_render(&c, &one), 0);
		if (pare_image_config_parse(&d, names[i], pare_buf_slice(&one), &err) != 0)
			fail_msg("%s: rendered text does not parse: %s\n%.*s", names[i], err.msg,
				 (int)one.len, one.data);
		assert_int_equal(pare_image_config_render(&d, &two), 0);
		assert_int_equal(one.len, two.len);
		assert_memory_equal(one.data, two.data, one.len);
		pare_image_config_release(&c);
		pare_image_config_release(&d);
		pare_buf_release(&one);
		pare_buf_release(&two);
	}
}

static void test_yaml_hostile(void **state)
{
	parse_fails("contents:\n  packages: [a, b\n", -PARE_E_FORMAT, "t.yaml:");
	parse_fails("contents:\n  packages: [a, b\n", -PARE_E_FORMAT, "YAML syntax error");
	parse_fails("contents:\n  packages:\n    - a\n   - b\n", -PARE_E_FORMAT,
		    "t.yaml:4:4: YAML syntax error: ");
	parse_fails("a: &x [1]\nb: *x\n", -PARE_E_UNSUPPORTED, "t.yaml:2:4: YAML aliases");
	parse_fails("cmd: a\n---\ncmd: b\n", -PARE_E_FORMAT, "only one YAML document");
	parse_fails("- a\n", -PARE_E_FORMAT, "must be a mapping");
	/* deep nesting */
	char deep[64] = "paths: ";
	memset(deep + 7, '[', 40);
	deep[47] = '\0';
	parse_fails(deep, -PARE_E_TOO_BIG, "nesting is too deep");
	/* over the size bound */
	size_t big = PARE_IMAGE_CONFIG_MAX_FILE + 10;
	char *text = malloc(big + 1);
	memset(text, '#', big);
	text[big] = '\0';
	parse_fails(text, -PARE_E_TOO_BIG, "larger than");
	/* a NUL byte */
	struct pare_image_config c;
	struct pare_error err = { 0 };
	assert_int_equal(pare_image_config_parse(&c, "t", pare_slice_make("a: b\0", 5), &err),
			 -PARE_E_FORMAT);
	pare_image_config_release(&c);
	free(text);
}

static void test_split_command(void **state)
{
	struct pare_arena a;
	const char **argv;
	struct pare_error err = { 0 };
	pare_arena_init(&a, 0, 0);
	assert_int_equal(pare_image_split_command(&a, pare_slice_from("  a  'b c'\t\"d\\\"e\" f\\ g"),
						  16, &argv, &err), 4);
	assert_string_equal(argv[0], "a");
	assert_string_equal(argv[1], "b c");
	assert_string_equal(argv[2], "d\"e");
	assert_string_equal(argv[3], "f g");
	assert_int_equal(pare_image_split_command(&a, pare_slice_from("x # y z"), 16, &argv, &err),
			 1);
	assert_int_equal(pare_image_split_command(&a, pare_slice_from("a#b ''"), 16, &argv, &err),
			 2);
	assert_string_equal(argv[0], "a#b");
	assert_string_equal(argv[1], "");
	assert_int_equal(pare_image_split_command(&a, pare_slice_from(""), 16, &argv, &err), 0);
	assert_int_equal(pare_image_split_command(&a, pare_slice_from("\"x"), 16, &argv, &err),
			 -PARE_E_FORMAT);
	assert_int_equal(pare_image_split_command(&a, pare_slice_from("x\\"), 16, &argv, &err),
			 -PARE_E_FORMAT);
	assert_int_equal(pare_image_split_command(&a, pare_slice_from("a b c"), 2, &argv, &err),
			 -PARE_E_TOO_BIG);
	pare_arena_release(&a);
}

static void test_distance(void **state)
{
	assert_int_equal(pare_edit_distance(pare_slice_from("packages"), pare_slice_from("pakages")), 1);
	assert_int_equal(pare_edit_distance(pare_slice_from("ab"), pare_slice_from("ba")), 1);
	assert_int_equal(pare_edit_distance(pare_slice_from(""), pare_slice_from("abc")), 3);
	assert_int_equal(pare_edit_distance(pare_slice_from("kitten"), pare_slice_from("sitting")), 3);
	static const char *const words[] = { "packages", "keyring", "repositories", NULL };
	assert_string_equal(pare_nearest_word(pare_slice_from("keyrign"), words), "keyring");
	assert_null(pare_nearest_word(pare_slice_from("x"), words));
	assert_null(pare_nearest_word(pare_slice_from("volumes"), words));
}

static void test_arch_lookup(void **state)
{
	struct pare_image_arch a;
	assert_int_equal(pare_image_arch_lookup(pare_slice_from("386"), &a), 0);
	assert_string_equal(a.apk, "x86");
	assert_int_equal(pare_image_arch_lookup(pare_slice_from("armhf"), &a), 0);
	assert_string_equal(a.oci, "arm");
	assert_string_equal(a.variant, "v6");
	assert_int_equal(pare_image_arch_lookup(pare_slice_from("arm/v7"), &a), 0);
	assert_string_equal(a.apk, "armv7");
	assert_int_equal(pare_image_arch_lookup(pare_slice_from("all"), &a), -PARE_E_NOT_FOUND);
}

int main(int argc, char **argv)
{
	const char *env = getenv("PARE_IMAGE_CONFIGS");
	if (argc > 1)
		configs_dir = argv[1];
	else if (env)
		configs_dir = env;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wolfi_base),     cmocka_unit_test(test_nginx),
		cmocka_unit_test(test_app_strip),      cmocka_unit_test(test_minimal_and_empty),
		cmocka_unit_test(test_missing_file),   cmocka_unit_test(test_typos_suggest),
		cmocka_unit_test(test_wrong_types),    cmocka_unit_test(test_bad_octal),
		cmocka_unit_test(test_packages_checked), cmocka_unit_test(test_unsupported), cmocka_unit_test(test_baseimage), cmocka_unit_test(test_include), cmocka_unit_test(test_render_roundtrip), cmocka_unit_test(test_prune_keys), cmocka_unit_test(test_runtime_gconv),
		cmocka_unit_test(test_yaml_hostile),   cmocka_unit_test(test_split_command),
		cmocka_unit_test(test_distance),       cmocka_unit_test(test_arch_lookup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
