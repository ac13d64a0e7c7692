/* contents.baseimage (image/baseimage.h): the APKINDEX scanner and the
 * merge of the base's runtime config under the image config's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "image/baseimage.h"
#include "image/image.h"

static int atoms(const char *text, struct pare_baseimage *b, struct pare_error *err)
{
	pare_baseimage_init(b);
	return pare_baseimage_index_atoms(b, pare_slice_from(text), "idx", err);
}

static void test_index_atoms(void **state)
{
	(void)state;
	struct pare_baseimage b;
	struct pare_error err = { 0 };
	assert_int_equal(atoms("C:Q1x=\nP:bb\nV:1.0-r0\nT:t\n\nP:app\nV:2\n\n", &b, &err), 0);
	assert_int_equal(b.natoms, 2);
	assert_string_equal(b.atoms[0], "bb=1.0-r0");
	assert_string_equal(b.atoms[1], "app=2");
	pare_baseimage_release(&b);
	assert_int_equal(atoms("", &b, &err), 0);
	assert_int_equal(b.natoms, 0);
	pare_baseimage_release(&b);
	assert_int_equal(atoms("P:bb\nV:1", &b, &err), 0); /* the end ends a record */
	assert_int_equal(b.natoms, 1);
	pare_baseimage_release(&b);
	assert_int_equal(atoms("P:bb\n\n", &b, &err), -PARE_E_FORMAT); /* no version */
	pare_baseimage_release(&b);
	assert_int_equal(atoms("P:a b\nV:1\n\n", &b, &err), -PARE_E_FORMAT);
	assert_non_null(strstr(err.msg, "idx:3:"));
	pare_baseimage_release(&b);
	assert_int_equal(atoms("P:a\nV:1..x\n\n", &b, &err), -PARE_E_FORMAT);
	pare_baseimage_release(&b);
}

static bool has(const struct pare_oci_image *img, const char *kv)
{
	for (size_t i = 0; i < img->nenv; i++)
		if (!strcmp(img->env[i], kv))
			return true;
	return false;
}

static void test_merge_config(void **state)
{
	(void)state;
	struct pare_image_config c;
	struct pare_error err = { 0 };
	const char *text = "environment:\n  A: config\narchs: [x86_64]\n";
	assert_int_equal(pare_image_config_parse(&c, "t.yaml", pare_slice_from(text), &err), 0);
	struct pare_baseimage b;
	pare_baseimage_init(&b);
	static const char *env[] = { "A=base", "B=base", "PATH=/base" };
	static const char *ep[] = { "/bin/sh" };
	static struct pare_image_kv labels[] = { { "l", "base" } };
	b.env = env, b.nenv = 3, b.entrypoint = ep, b.nentrypoint = 1;
	b.working_dir = "/w", b.user = "65532", b.labels = labels, b.nlabels = 1;
	struct pare_arena a;
	pare_arena_init(&a, 0, 0);
	struct pare_oci_image img;
	assert_int_equal(pare_image_oci_config(&c, &c.archs[0], 0, &a, &img, &err), 0);
	assert_int_equal(pare_baseimage_merge_config(&b, &c, &a, &img, &err), 0);
	assert_true(has(&img, "A=config")); /* the config's variable wins */
	assert_false(has(&img, "A=base"));
	assert_true(has(&img, "B=base"));
	assert_true(has(&img, "PATH=/base")); /* over pare's default PATH */
	assert_int_equal(img.nentrypoint, 1);
	assert_string_equal(img.entrypoint[0], "/bin/sh");
	assert_string_equal(img.working_dir, "/w");
	assert_string_equal(img.user, "65532");
	assert_int_equal(img.nlabels >= 1, 1);
	for (size_t i = 1; i < img.nenv; i++)
		assert_true(strcmp(img.env[i - 1], img.env[i]) < 0);
	pare_arena_release(&a);
	pare_baseimage_release(&b);
	pare_image_config_release(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_index_atoms),
		cmocka_unit_test(test_merge_config),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
