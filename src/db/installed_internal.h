/* Internal helpers shared by installed.c, installed_read.c and
 * installed_write.c. */
#ifndef PARE_DB_INSTALLED_INTERNAL_H
#define PARE_DB_INSTALLED_INTERNAL_H

#include "db/installed.h"

/* Letters handled by the database layer itself (the rest of a record is
 * index fields). */
#define PARE_DB_FDB_LETTERS "FMRaZgqsf"

/* A new directory `path` (kept as given: arena or text) of pkg, appended
 * to its list and its map, counted in db->dirs.  The caller checked that
 * pkg does not list it yet. */
struct pare_db_dir *pare_db__dir_new(struct pare_db_installed *db, struct pare_db_pkg *pkg,
				     struct pare_slice path, struct pare_error *err);
/* A new file `name` (kept as given) appended to dir; its path is built in
 * the arena.  Not entered in db->files. */
struct pare_db_file *pare_db__file_new(struct pare_db_installed *db, struct pare_db_dir *dir,
				       struct pare_slice name, struct pare_error *err);
/* A new, empty package (arena), not yet in pkgs. */
struct pare_db_pkg *pare_db__pkg_new(struct pare_db_installed *db, struct pare_error *err);
/* Append pkg to pkgs and names (the name must be free). */
int pare_db__pkg_insert(struct pare_db_installed *db, struct pare_db_pkg *pkg,
			struct pare_error *err);
/* Free the malloc'ed parts of pkg (dir and file arrays, dirmap). */
void pare_db__pkg_free_arrays(struct pare_db_pkg *pkg);

#endif
