/* Copying a package record from one installed database into another (the
 * transaction journal's replay).  See installed.h. */
#include "db/installed.h"

#include <errno.h>

static int copy_slice(struct pare_db_installed *db, struct pare_slice in, struct pare_slice *out)
{
	*out = in.len ? pare_arena_slice(&db->arena, in) : PARE_SLICE_NULL;
	return in.len && !out->ptr ? -ENOMEM : 0;
}

static int put_dirs(struct pare_db_installed *db, struct pare_db_pkg *p,
		    const struct pare_db_pkg *src, struct pare_error *err)
{
	for (uint32_t i = 0; i < src->ndirs; i++) {
		const struct pare_db_dir *sd = src->dirs[i];
		struct pare_db_dir *d;
		int r = pare_db_pkg_add_dir(db, p, sd->path, sd->has_acl ? &sd->acl : NULL, &d, err);
		for (uint32_t j = 0; r == 0 && j < sd->nfiles; j++) {
			const struct pare_db_file *sf = sd->files[j];
			r = pare_db_pkg_add_file(db, p, sf->path, sf->has_acl ? &sf->acl : NULL,
						 &sf->csum, PARE_DB_ADD_REPLACE, NULL, err);
		}
		if (r < 0)
			return r;
	}
	return 0;
}

int pare_db_put_pkg(struct pare_db_installed *db, const struct pare_db_pkg *src,
		    struct pare_db_pkg **out, struct pare_error *err)
{
	pare_db_remove_pkg(db, pare_db_find_pkg(db, src->ent.name));
	struct pare_db_pkg *p = NULL;
	int r = pare_db_add_pkg(db, &src->ent, &p, err);
	if (r < 0)
		return r;
	p->replaces_priority = src->replaces_priority;
	if (copy_slice(db, src->tags, &p->tags) < 0 ||
	    copy_slice(db, src->replaces_priority_text, &p->replaces_priority_text) < 0 ||
	    copy_slice(db, src->repo_tag, &p->repo_tag) < 0 ||
	    copy_slice(db, src->broken, &p->broken) < 0)
		return pare_error_set(err, -ENOMEM, "%s: out of memory", db->name);
	r = put_dirs(db, p, src, err);
	if (r < 0)
		return r;
	p->layout = PARE_SLICE_NULL;
	if (out)
		*out = p;
	return 0;
}
