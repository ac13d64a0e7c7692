/* db_check ROOT: read ROOT's apk database with pare (lib/apk/db/installed,
 * etc/apk/world, lib/apk/db/triggers, lib/apk/db/scripts.tar[.gz]), check
 * that pare writes installed, world and triggers back byte for byte and
 * scripts.tar with the same entries, then write all four back into ROOT
 * (atomically, as the installer will).  Prints one line per file; exits 1
 * on a difference, 2 on an error.  Used by apk_roundtrip.sh (not part of
 * the meson suite). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/rootpath.h"
#include "db/dbfile.h"
#include "db/installed.h"
#include "db/scripts.h"
#include "db/triggers.h"
#include "db/world.h"

static int same(const char *what, struct pare_root *root, const char *path,
		const struct pare_buf *out)
{
	struct pare_buf orig;
	pare_buf_init(&orig, 1u << 30);
	int r = pare_db_file_read(root, path, &orig, NULL);
	if (r == -ENOENT) {
		printf("%s: absent\n", what);
		pare_buf_release(&orig);
		return 0;
	}
	int ok = r == 0 && orig.len == out->len && memcmp(orig.data, out->data, out->len) == 0;
	printf("%s: %s (%zu bytes)\n", what, ok ? "identical" : "DIFFERENT", orig.len);
	pare_buf_release(&orig);
	return ok ? 0 : 1;
}

static int fail(const char *what, const struct pare_error *err)
{
	fprintf(stderr, "db_check: %s: %s\n", what, err->msg);
	return 2;
}

static int scripts_same(const struct pare_db_scripts *a, const struct pare_db_scripts *b)
{
	if (a->n != b->n)
		return 1;
	for (size_t i = 0; i < a->n; i++)
		if (!pare_slice_eq(a->v[i].name, b->v[i].name) ||
		    !pare_slice_eq(a->v[i].data, b->v[i].data) || a->v[i].mode != b->v[i].mode ||
		    a->v[i].mtime != b->v[i].mtime)
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	struct pare_error err = { 0 };
	struct pare_root root;
	if (argc != 2) {
		fprintf(stderr, "usage: db_check ROOT\n");
		return 2;
	}
	if (pare_root_open(&root, argv[1], &err) < 0)
		return fail(argv[1], &err);
	struct pare_db_installed db;
	struct pare_world w;
	struct pare_db_triggers t;
	struct pare_db_scripts s, s2;
	pare_db_installed_init(&db);
	pare_world_init(&w);
	pare_db_triggers_init(&t);
	pare_db_scripts_init(&s);
	pare_db_scripts_init(&s2);
	if (pare_db_installed_read(&db, &root, &err) < 0)
		return fail("installed", &err);
	if (pare_world_read(&w, &root, &err) < 0)
		return fail("world", &err);
	if (pare_db_triggers_read(&t, &root, &err) < 0)
		return fail("triggers", &err);
	if (pare_db_scripts_read(&s, &root, &err) < 0)
		return fail("scripts", &err);

	struct pare_buf b;
	pare_buf_init(&b, 1u << 30);
	int bad = 0;
	if (pare_db_installed_write_text(&db, &b, &err) < 0)
		return fail("installed", &err);
	printf("installed: %zu packages\n", db.npkgs);
	bad |= same("installed", &root, PARE_DB_INSTALLED_PATH, &b);
	pare_buf_reset(&b);
	if (pare_world_write_text(&w, &b, &err) < 0)
		return fail("world", &err);
	bad |= same("world", &root, PARE_DB_WORLD_PATH, &b);
	pare_buf_reset(&b);
	if (pare_db_triggers_write_text(&t, &b, &err) < 0)
		return fail("triggers", &err);
	bad |= same("triggers", &root, PARE_DB_TRIGGERS_PATH, &b);
	pare_buf_reset(&b);
	if (pare_db_scripts_write_tar(&s, &b, &err) < 0 ||
	    pare_db_scripts_parse(&s2, b.data, b.len, "rewritten", &err) < 0)
		return fail("scripts", &err);
	int sd = scripts_same(&s, &s2);
	printf("scripts%s: %zu entries, %s\n", s.gz ? ".tar.gz" : ".tar", s.n,
	       sd ? "DIFFERENT" : "same entries");
	bad |= sd;

	if (pare_db_installed_write(&db, &root, &err) < 0 || pare_world_write(&w, &root, &err) < 0 ||
	    pare_db_triggers_write(&t, &root, &err) < 0 ||
	    pare_db_scripts_write(&s, &root, &err) < 0)
		return fail("write", &err);
	pare_buf_release(&b);
	pare_db_installed_release(&db);
	pare_world_release(&w);
	pare_db_triggers_release(&t);
	pare_db_scripts_release(&s);
	pare_db_scripts_release(&s2);
	pare_root_release(&root);
	return bad;
}
