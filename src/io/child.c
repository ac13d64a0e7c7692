#include "io/child.h"

#include <errno.h>
#include <sys/wait.h>

int pare_wait_child(pid_t pid, int *status)
{
	int st = 0;
	for (;;) {
		if (waitpid(pid, &st, 0) >= 0) {
			*status = st;
			return 0;
		}
		if (errno != EINTR)
			return -errno;
	}
}
