/* Unit tests for the image config's `test:` section (config.c) and the
 * tests label (test_json.c): keys, defaults, errors with positions, and a
 * round trip through the label. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "image/config.h"
#include "image/test.h"

static const char *good =
	"contents:\n"
	"  packages: [busybox]\n"
	"test:\n"
	"  - name: hello\n"
	"    run: [/bin/echo, hi]\n"
	"    stdout: \"^hi$\"\n"
	"  - run: /bin/sh -c 'exit 3'\n"
	"    exit: 3\n"
	"    timeout: 5\n"
	"  - run: [/bin/httpd, -f]\n"
	"    daemon: true\n"
	"    network: host\n"
	"    ready: {port: 8080}\n";

static void test_parse(void **state)
{
	(void)state;
	struct pare_image_config c;
	struct pare_error err = { 0 };
	assert_int_equal(pare_image_config_parse(&c, "t.yaml", pare_slice_from(good), &err), 0);
	assert_true(c.has_tests);
	assert_int_equal(c.ntests, 3);
	assert_string_equal(c.tests[0].name, "hello");
	assert_int_equal(c.tests[0].nrun, 2);
	assert_int_equal(c.tests[0].exit, 0);
	assert_string_equal(c.tests[0].stdout_re, "^hi$");
	assert_null(c.tests[1].name);
	assert_int_equal(c.tests[1].nrun, 3); /* split like entrypoint.command */
	assert_string_equal(c.tests[1].run[2], "exit 3");
	assert_int_equal(c.tests[1].exit, 3);
	assert_int_equal(c.tests[1].timeout, 5);
	assert_false(c.tests[1].network_host);
	assert_true(c.tests[2].daemon);
	assert_true(c.tests[2].network_host);
	assert_int_equal(c.tests[2].ready_port, 8080);
	pare_image_config_release(&c);
}

static void expect_error(const char *yaml, const char *needle)
{
	struct pare_image_config c;
	struct pare_error err = { 0 };
	assert_true(pare_image_config_parse(&c, "t.yaml", pare_slice_from(yaml), &err) < 0);
	if (!strstr(err.msg, needle))
		fail_msg("'%s' not in '%s'", needle, err.msg);
	pare_image_config_release(&c);
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("test:\n  - name: x\n", "t.yaml:2:5");             /* no run */
	expect_error("test:\n  - run: [x]\n    stdout: \"(\"\n", "t.yaml:3:13"); /* bad regex */
	expect_error("test:\n  - run: [x]\n    exit: 300\n", "0-255");
	expect_error("test:\n  - run: [x]\n    network: bridge\n", "host or none");
	expect_error("test:\n  - run: [x]\n    daemon: true\n", "ready");
	expect_error("test:\n  - run: [x]\n    stdut: x\n", "did you mean 'stdout'");
	expect_error("test:\n  - run: []\n", "empty");
	expect_error("test:\n  - run: [x]\n    timeout: 0\n", "1-3600");
}

static void test_label_round_trip(void **state)
{
	(void)state;
	struct pare_image_config c;
	struct pare_error err = { 0 };
	struct pare_arena a;
	struct pare_image_test *t;
	size_t n;
	assert_int_equal(pare_image_config_parse(&c, "t.yaml", pare_slice_from(good), &err), 0);
	char *json = pare_image_tests_to_json(c.tests, c.ntests);
	assert_non_null(json);
	pare_arena_init(&a, 0, 0);
	assert_int_equal(pare_image_tests_from_json(&a, pare_slice_from(json), &t, &n, &err), 0);
	assert_int_equal(n, 3);
	assert_string_equal(t[0].name, "hello");
	assert_string_equal(t[0].stdout_re, "^hi$");
	assert_int_equal(t[1].exit, 3);
	assert_int_equal(t[1].timeout, 5);
	assert_true(t[2].daemon && t[2].network_host && t[2].ready_port == 8080);
	char *again = pare_image_tests_to_json(t, n);
	assert_string_equal(json, again);
	assert_true(pare_image_tests_from_json(&a, pare_slice_from("[{\"run\":[]}]"), &t, &n,
					       &err) < 0);
	assert_true(pare_image_tests_from_json(&a, pare_slice_from("{}"), &t, &n, &err) < 0);
	free(json);
	free(again);
	pare_arena_release(&a);
	pare_image_config_release(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_label_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
