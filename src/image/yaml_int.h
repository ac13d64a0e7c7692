/* Internal to src/image: a small, bounded YAML tree built from libfyaml's
 * event parser, with the position of every node.
 *
 * The tree keeps only what the config schema needs: mappings (pairs of
 * key, value), sequences and scalars (text, and whether it was plain, i.e.
 * unquoted, so that `uid: "10"` can be told from `uid: 10`).  Aliases, more
 * than one document, and anything past the bounds in config.h are refused,
 * and so is a scalar key given twice in one map ("NAME:LINE:COL: duplicate
 * key "x" (first on line N)"), so readers of the tree never check that.
 *
 * Ownership: nodes and scalar text live in the arena given to the parser.
 */
#ifndef PARE_IMAGE_YAML_INT_H
#define PARE_IMAGE_YAML_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/error.h"
#include "base/slice.h"

enum ynode_kind { YN_SCALAR, YN_MAP, YN_SEQ };

struct ynode {
	enum ynode_kind kind;
	unsigned line, col;     /* 1-based */
	struct pare_slice text; /* scalars: NUL-terminated in the arena */
	bool plain;             /* scalars: unquoted, not a block scalar */
	struct ynode *first, *last, *next; /* children; maps alternate key, value */
	size_t n;               /* children (maps: 2 per pair) */
};

/* Parse text into *root (NULL for an empty document).  Messages start with
 * "NAME:LINE:COLUMN: ". */
int pare_yaml_parse(struct pare_arena *a, const char *name, struct pare_slice text,
		    struct ynode **root, struct pare_error *err);

#endif
