/* Running package scripts inside a root: fork, new mount namespace (plus
 * a user namespace when not root), chroot, clean environment, own process
 * group; a script still running at its deadline is killed with its whole
 * process group, so it never holds the database lock forever. */
#include "commit/transaction.h"
#include "io/child.h"
#include "io/stream.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SCRIPT_MAX_ARGS 64
#define INTERP_MAX 256
#define LINE_MAX_BYTES 1000

/* What the child reports on a private pipe when it fails before exec. */
struct child_fail {
	int stage; /* index into stage_text */
	int err;   /* errno */
};

static const char *const stage_text[] = {
	"cannot create a mount namespace",
	"cannot create a user namespace",
	"cannot map the user namespace",
	"cannot make mounts private",
	"cannot chroot into the root",
	"cannot execute the script",
	"cannot set up standard streams",
};

enum { ST_NS, ST_USERNS, ST_MAP, ST_PRIVATE, ST_CHROOT, ST_EXEC, ST_STDIO };

/* The interpreter a script asks for ("#!/bin/sh -e" -> "/bin/sh"), or
 * "/bin/sh" when it has no "#!" line. */
static void script_interp(struct pare_slice body, char *out, size_t size)
{
	snprintf(out, size, "/bin/sh");
	if (body.len < 3 || body.ptr[0] != '#' || body.ptr[1] != '!')
		return;
	size_t i = 2;
	while (i < body.len && (body.ptr[i] == ' ' || body.ptr[i] == '\t'))
		i++;
	size_t start = i;
	while (i < body.len && body.ptr[i] != ' ' && body.ptr[i] != '\t' && body.ptr[i] != '\n')
		i++;
	if (i > start && i - start < size)
		snprintf(out, size, "%.*s", (int)(i - start), body.ptr + start);
}

static int write_map(const char *file, const char *text)
{
	int fd = open(file, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	/* one write(2), not pare_write_all: the kernel takes a map whole or not */
	ssize_t w = write(fd, text, strlen(text));
	close(fd);
	return w == (ssize_t)strlen(text) ? 0 : -1;
}

static void child_fail(int efd, int stage)
{
	struct child_fail f = { stage, errno };
	if (write(efd, &f, sizeof(f)) < 0)
		_exit(126);
	_exit(126);
}

static void enter_namespaces(int efd, uid_t uid, gid_t gid)
{
	if (unshare(CLONE_NEWNS) == 0) {
		if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
			child_fail(efd, ST_PRIVATE);
		return;
	}
	if (errno != EPERM || uid == 0)
		child_fail(efd, ST_NS);
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
		child_fail(efd, ST_USERNS);
	char map[64];
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)uid);
	if (write_map("/proc/self/uid_map", map) < 0)
		child_fail(efd, ST_MAP);
	write_map("/proc/self/setgroups", "deny");
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)gid);
	if (write_map("/proc/self/gid_map", map) < 0)
		child_fail(efd, ST_MAP);
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		child_fail(efd, ST_PRIVATE);
}

struct child_args {
	int rootfd, nullfd, outfd, efd;
	uid_t uid;
	gid_t gid;
	const char *exec_path;
	char *const *argv;
	char *const *envp;
};

static void child_main(const struct child_args *a)
{
	setpgid(0, 0); /* its own group: the timeout kills everything it starts */
	if (dup2(a->nullfd, 0) < 0 || dup2(a->outfd, 1) < 0 || dup2(a->outfd, 2) < 0)
		child_fail(a->efd, ST_STDIO);
	enter_namespaces(a->efd, a->uid, a->gid);
	if (fchdir(a->rootfd) < 0 || chroot(".") < 0 || chdir("/") < 0)
		child_fail(a->efd, ST_CHROOT);
	execve(a->exec_path, a->argv, a->envp);
	child_fail(a->efd, ST_EXEC);
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait until fd is readable or the deadline (ms, monotonic; < 0: none)
 * passes.  false at the deadline. */
static bool wait_readable(int fd, int64_t deadline)
{
	for (;;) {
		int64_t left = deadline < 0 ? -1 : deadline - now_ms();
		if (deadline >= 0 && left <= 0)
			return false;
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int r = poll(&p, 1, left < 0 ? -1 : left > 60000 ? 60000 : (int)left);
		if (r > 0 || (r < 0 && errno != EINTR))
			return true;
	}
}

/* Forward the child's output to the log, one line at a time, until it
 * closes its end.  false when the deadline passed first. */
static bool pump_output(int fd, const struct pare_log *log, int64_t deadline)
{
	char buf[4096], line[LINE_MAX_BYTES + 1];
	size_t ll = 0;
	bool in_time = true;
	for (;;) {
		if (!wait_readable(fd, deadline)) {
			in_time = false;
			break;
		}
		ssize_t got = pare_read_some(fd, buf, sizeof(buf));
		if (got <= 0)
			break;
		for (ssize_t i = 0; i < got; i++) {
			if (buf[i] != '\n' && ll < LINE_MAX_BYTES) {
				line[ll++] = buf[i];
				continue;
			}
			if (buf[i] != '\n')
				continue; /* overlong line: the rest is dropped */
			line[ll] = '\0';
			pare_log_info(log, "%s", line);
			ll = 0;
		}
	}
	if (ll) {
		line[ll] = '\0';
		pare_log_info(log, "%s", line);
	}
	return in_time;
}

/* Write the script into var/cache/misc of the root; *name gets the file
 * name there.  Returns the directory fd (O_PATH) or a negative code. */
static int stage_script(struct pare_root *root, const char *label, struct pare_slice body,
			char *name, size_t size, struct pare_error *err)
{
	char path[PARE_PATH_MAX];
	snprintf(name, size, ".pare-%s.%ld", label, (long)getpid());
	snprintf(path, sizeof(path), "%s/%s", PARE_TXN_SCRIPT_DIR, name);
	const char *base;
	int dfd = pare_root_open_parent(root, path, true, 0755, &base, err);
	if (dfd < 0)
		return dfd;
	unlinkat(dfd, name, 0);
	int fd = openat(dfd, name, O_CREAT | O_EXCL | O_NOFOLLOW | O_WRONLY | O_CLOEXEC, 0700);
	int r = fd < 0 ? -errno : 0;
	if (r == 0)
		r = pare_write_all(fd, body.ptr, body.len);
	if (fd >= 0 && close(fd) < 0 && r == 0)
		r = -errno;
	if (r < 0) {
		unlinkat(dfd, name, 0);
		close(dfd);
		return pare_error_set(err, r, "%s: cannot write %s/%s: %s", label,
				      PARE_TXN_SCRIPT_DIR, name, strerror(-r));
	}
	return dfd;
}

/* Fork, run, wait.  Returns 0, 1 (script failed or timed out) or a
 * negative code. */
static int spawn(struct pare_root *root, const char *label, const char *exec_path,
		 char *const *argv, int timeout_s, const struct pare_log *log,
		 struct pare_error *err)
{
	static char *const envp[] = { "PATH=" PARE_TXN_SCRIPT_PATH, NULL };
	int out[2] = { -1, -1 }, ep[2] = { -1, -1 };
	int nullfd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (nullfd < 0 || pipe2(out, O_CLOEXEC) < 0 || pipe2(ep, O_CLOEXEC) < 0) {
		int e = errno;
		if (nullfd >= 0)
			close(nullfd);
		if (out[0] >= 0)
			close(out[0]), close(out[1]);
		return pare_error_set(err, -e, "%s: %s", label, strerror(e));
	}
	struct child_args a = { root->fd, nullfd, out[1], ep[1], getuid(), getgid(),
				exec_path, argv, envp };
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0)
		child_main(&a);
	int fork_errno = errno;
	close(out[1]);
	close(ep[1]);
	close(nullfd);
	if (pid < 0) {
		close(out[0]);
		close(ep[0]);
		return pare_error_set(err, -fork_errno, "%s: fork: %s", label, strerror(fork_errno));
	}
	setpgid(pid, pid); /* also here: no window before the child's own call */
	int64_t deadline = timeout_s > 0 ? now_ms() + (int64_t)timeout_s * 1000 : -1;
	bool in_time = pump_output(out[0], log, deadline);
	if (!in_time) {
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
	}
	close(out[0]);
	struct child_fail f;
	ssize_t got = pare_read_some(ep[0], &f, sizeof(f));
	close(ep[0]);
	int status = 0;
	pare_wait_child(pid, &status);
	if (!in_time) {
		pare_error_set(err, -ETIMEDOUT, "%s: script still running after %d s: killed with "
			       "its process group (--script-timeout)", label, timeout_s);
		return 1;
	}
	if (got == (ssize_t)sizeof(f) && f.stage >= 0 && f.stage <= ST_STDIO)
		return pare_error_set(err, -(f.err ? f.err : EIO), "%s: %s: %s", label,
				      stage_text[f.stage], strerror(f.err));
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFSIGNALED(status))
		pare_error_set(err, -EIO, "%s: script killed by signal %d", label, WTERMSIG(status));
	else
		pare_error_set(err, -EIO, "%s: script exited with error %d", label,
			       WEXITSTATUS(status));
	return 1;
}

int pare_txn_run_script(struct pare_root *root, const char *label, struct pare_slice body,
			const char *const *args, size_t nargs, int timeout_s,
			const struct pare_log *log, struct pare_error *err)
{
	char interp[INTERP_MAX], name[PARE_PATH_MAX / 2], spath[PARE_PATH_MAX];
	if (nargs > SCRIPT_MAX_ARGS - 3)
		return pare_error_set(err, -E2BIG, "%s: too many arguments", label);
	script_interp(body, interp, sizeof(interp));
	int ifd = interp[0] == '/' ? pare_root_openat(root, interp, O_PATH, 0, NULL) : -ENOENT;
	if (ifd < 0)
		return pare_error_set(err, -ENOENT, "%s: %s not found in the root: cannot run the script",
				      label, interp[0] == '/' ? interp : "(no interpreter)");
	close(ifd);
	int dfd = stage_script(root, label, body, name, sizeof(name), err);
	if (dfd < 0)
		return dfd;
	snprintf(spath, sizeof(spath), "/%s/%s", PARE_TXN_SCRIPT_DIR, name);
	bool shebang = body.len > 2 && body.ptr[0] == '#' && body.ptr[1] == '!';
	char *argv[SCRIPT_MAX_ARGS];
	size_t k = 0;
	if (!shebang)
		argv[k++] = interp;
	argv[k++] = spath;
	for (size_t i = 0; i < nargs; i++)
		argv[k++] = (char *)args[i];
	argv[k] = NULL;
	if (timeout_s == 0)
		timeout_s = PARE_TXN_SCRIPT_TIMEOUT;
	int r = spawn(root, label, shebang ? spath : interp, argv, timeout_s, log, err);
	unlinkat(dfd, name, 0);
	close(dfd);
	return r;
}
