#include "base/progress.h"

#include <stddef.h>

void pare_progress_update(const struct pare_progress *p, const char *label, uint64_t done,
			  uint64_t total)
{
	if (p && p->fn)
		p->fn(p->ctx, label, done, total);
}
