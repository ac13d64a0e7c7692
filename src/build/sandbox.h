/* Running a command in a build sandbox.
 *
 * The child gets new user, mount, pid, uts and ipc namespaces, and a new
 * network namespace (only a loopback interface, brought up) unless
 * opts->net.  The user namespace maps host uids/gids uid_base ..
 * uid_base+65535 to 0..65535 inside: the build runs as root inside, which
 * is host uid uid_base outside, so files owned by host root (the build
 * root's installed files) cannot be written, while files chowned inside
 * keep their inside owner (host uid_base + N).  The parent, host root,
 * writes the maps.
 *
 * Filesystem: root (a host directory) becomes "/" (pivot_root, the old
 * root detached) and is read-only; a fresh /proc, a tmpfs /tmp (1777) and
 * a tmpfs /dev holding null zero full random urandom tty (bind mounts of
 * the host's nodes) and the fd/stdin/stdout/stderr links; each bind
 * mounted at its dest (which must exist in root), read-only unless
 * writable.  The mounts are made as host root in the new mount
 * namespace (owned by the initial user namespace, so the build can neither
 * unmount nor remount them), then pid 1 enters the new user namespace.
 * No new privileges; the child dies with the parent.
 *
 * The command runs with cwd "/", the environment env only, stdin
 * /dev/null and stdout/stderr on out_fd.  pid 1 inside reaps orphans;
 * when the command exits, whatever it left running is killed and pid 1
 * exits with the command's status.
 */
#ifndef PARE_BUILD_SANDBOX_H
#define PARE_BUILD_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

#define PARE_SANDBOX_UID_BASE 200000u
#define PARE_SANDBOX_IDS 65536u

struct pare_sandbox_bind {
	const char *src;  /* host path */
	const char *dest; /* absolute path inside */
	bool writable;
};

struct pare_sandbox_opts {
	const char *root;
	const struct pare_sandbox_bind *binds;
	size_t nbinds;
	bool net;
	char *const *argv; /* argv[0]: absolute path inside */
	char *const *env;
	uint32_t uid_base; /* 0: PARE_SANDBOX_UID_BASE */
	int out_fd;
	const char *hostname; /* NULL: "pare-build" */
};

/* Run; *status gets the command's exit status (128+N for signal N).
 * Returns 0 when the sandbox ran (whatever the status), or a negative code
 * when it could not be set up (err says which step). */
int pare_sandbox_run(const struct pare_sandbox_opts *o, int *status, struct pare_error *err);

#endif
