/* Waiting for a child process.
 *
 * pare_wait_child: waitpid(2) for pid, retried on EINTR (the one wait
 * loop); *status as waitpid fills it.  0 or -errno.  A reaper that waits
 * for any child (waitpid(-1), build/sandbox.c's init) is a different loop.
 */
#ifndef PARE_IO_CHILD_H
#define PARE_IO_CHILD_H

#include <sys/types.h>

int pare_wait_child(pid_t pid, int *status);

#endif
