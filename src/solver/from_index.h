/* Adapter from an index entry (apk/index.h) to the solver's package
 * description.  The universe itself knows no file formats; callers that
 * read indexes or the installed database use this one mapping so every
 * path into the solver treats entries alike (e.g. which are broken).
 *
 * The description borrows the entry's slices and arrays; it is valid as
 * long as the entry (and its index) is.
 */
#ifndef PARE_SOLVER_FROM_INDEX_H
#define PARE_SOLVER_FROM_INDEX_H

#include "apk/index.h"
#include "solver/universe.h"

/* Fill d from e.  An entry is broken (never installable) when a D: or i:
 * atom did not parse, or when one of its own lists uses "@tag", which
 * apk refuses in packages. */
void pare_spkg_desc_from_pkgent(struct pare_spkg_desc *d, const struct pare_pkgent *e);

#endif
