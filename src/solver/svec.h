/* Small growable arrays used inside the solver (internal). */
#ifndef PARE_SOLVER_SVEC_H
#define PARE_SOLVER_SVEC_H

#include <stddef.h>
#include <stdint.h>

#include "solver/universe.h"

/* A vector whose cap has this bit lives in the universe's reverse-map
 * block (sized exactly by pare_universe_finalize): never freed or
 * realloc'ed; a push past its capacity moves it to its own allocation. */
#define PARE_SVEC_BORROWED 0x80000000u

/* Append p; -ENOMEM on failure (v unchanged). */
int pare_svec_push(struct pare_svec *v, void *p);
void pare_svec_release(struct pare_svec *v);
/* Make room for index n in *arr (elements of elem bytes, capacity *cap). */
int pare_sgrow(void **arr, uint32_t *cap, uint32_t n, size_t elem);

#endif
