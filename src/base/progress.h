/* Progress reporting for long operations (downloads, installs, builds).
 *
 * Library code reports progress through a `struct pare_progress` whose
 * callback the caller owns; the CLI's terminal renderer (src/cli/output.c)
 * draws a bar only on a terminal, honours NO_COLOR and stays silent with -q.
 * A NULL progress, or a NULL fn, ignores updates.
 */
#ifndef PARE_BASE_PROGRESS_H
#define PARE_BASE_PROGRESS_H

#include <stdint.h>

typedef void (*pare_progress_fn)(void *ctx, const char *label, uint64_t done, uint64_t total);

struct pare_progress {
	pare_progress_fn fn;
	void *ctx;
};

/* total == 0 means unknown; done == total ends the operation. */
void pare_progress_update(const struct pare_progress *p, const char *label, uint64_t done,
			  uint64_t total);

#endif
