/* etc/apk/world: the dependency atoms the user asked for.
 *
 * Format: atoms ([!]NAME[@TAG][OP VERSION], or NAME><Q1...; apk/dep.h)
 * separated by white space (spaces, tabs, newlines).  apk-tools 2.14 and
 * 3.0 write one atom per line, sorted by name, each followed by "\n"; an
 * empty world is the single line "\n".  pare writes the same: atoms in
 * array order (pare_world_add keeps a sorted world sorted), each atom as
 * written when it was read or added.
 *
 * Ownership: a struct pare_world owns its text and arena; every slice in
 * its atoms points into them and is valid until pare_world_release().
 * Invariants: names are unique (adding an atom for a name replaces the
 * old one, as apk does); atoms[i].text parses to atoms[i].dep.
 */
#ifndef PARE_DB_WORLD_H
#define PARE_DB_WORLD_H

#include <stddef.h>

#include "apk/dep.h"
#include "base/arena.h"
#include "base/buf.h"
#include "base/error.h"
#include "base/rootpath.h"
#include "base/slice.h"

#define PARE_WORLD_MAX_TEXT (1u << 20) /* bytes of etc/apk/world */
#define PARE_WORLD_MAX_ATOMS 65536u

struct pare_world_atom {
	struct pare_dep dep;
	struct pare_slice text; /* the atom as written */
};

struct pare_world {
	struct pare_arena arena;
	char *text;                   /* parsed text (malloc, owned) or NULL */
	struct pare_world_atom *atoms; /* n (malloc) */
	size_t n, cap;
};

void pare_world_init(struct pare_world *w);
void pare_world_release(struct pare_world *w);

/* Parse world text (w must be empty); w owns `text` (malloc'ed) on
 * success and on failure.  An atom that does not parse, or a name given
 * twice, fails with -PARE_E_INVALID_DEP / -PARE_E_FORMAT and "NAME line
 * N: ..."; w is then empty. */
int pare_world_parse(struct pare_world *w, char *text, size_t len, const char *name,
		     struct pare_error *err);
/* Read <root>/etc/apk/world; a missing file is an empty world. */
int pare_world_read(struct pare_world *w, struct pare_root *root, struct pare_error *err);

/* Append the text: each atom and "\n"; "\n" when empty. */
int pare_world_write_text(const struct pare_world *w, struct pare_buf *out,
			  struct pare_error *err);
/* Write <root>/etc/apk/world atomically (0644; etc/apk created if missing). */
int pare_world_write(const struct pare_world *w, struct pare_root *root, struct pare_error *err);

/* Index of the atom for name, or -1. */
ptrdiff_t pare_world_find(const struct pare_world *w, struct pare_slice name);
/* Add the atom (text is parsed and copied): it replaces the atom of the
 * same name, else it is inserted before the first atom whose name sorts
 * after it (bytewise).  -PARE_E_INVALID_DEP, -PARE_E_TOO_BIG, -ENOMEM. */
int pare_world_add(struct pare_world *w, struct pare_slice atom, struct pare_error *err);
/* Remove the atom for name: 1 if there was one, 0 if not. */
int pare_world_remove(struct pare_world *w, struct pare_slice name);

#endif
