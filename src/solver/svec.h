/* Small growable arrays used inside the solver (internal). */
#ifndef PARE_SOLVER_SVEC_H
#define PARE_SOLVER_SVEC_H

#include <stddef.h>
#include <stdint.h>

#include "solver/universe.h"

/* Append p; -ENOMEM on failure (v unchanged). */
int pare_svec_push(struct pare_svec *v, void *p);
void pare_svec_release(struct pare_svec *v);
/* Make room for index n in *arr (elements of elem bytes, capacity *cap). */
int pare_sgrow(void **arr, uint32_t *cap, uint32_t n, size_t elem);

#endif
