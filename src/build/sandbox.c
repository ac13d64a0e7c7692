/* The build sandbox (see sandbox.h). */
#include "build/sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/rootpath.h"
#include "io/child.h"
#include "io/stream.h"

/* Report a failed step through the error pipe and leave. */
static void die(int efd, const char *step, const char *what)
{
	char msg[512];
	int e = errno;
	int n = snprintf(msg, sizeof(msg), "%s %s: %s", step, what ? what : "", strerror(e));
	if (n > 0 && write(efd, msg, (size_t)n < sizeof(msg) ? (size_t)n : sizeof(msg) - 1) < 0)
		_exit(126);
	_exit(126);
}

static unsigned long locked_flags(const char *path)
{
	struct statvfs sv;
	unsigned long f = 0;
	if (statvfs(path, &sv) < 0)
		return 0;
	if (sv.f_flag & ST_NOSUID)
		f |= MS_NOSUID;
	if (sv.f_flag & ST_NODEV)
		f |= MS_NODEV;
	if (sv.f_flag & ST_NOEXEC)
		f |= MS_NOEXEC;
	return f;
}

static void in_root(char *buf, size_t n, const char *root, const char *dest)
{
	snprintf(buf, n, "%s/%s", root, dest[0] == '/' ? dest + 1 : dest);
}

static void make_dev(int efd, const char *root)
{
	static const char *const nodes[] = { "null", "zero", "full", "random", "urandom", "tty" };
	char p[PARE_PATH_MAX], h[64];
	in_root(p, sizeof(p), root, "/dev");
	if (mount("tmpfs", p, "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755,size=1m") < 0)
		die(efd, "mount tmpfs", p);
	for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++) {
		snprintf(h, sizeof(h), "/dev/%s", nodes[i]);
		snprintf(p, sizeof(p), "%s/dev/%s", root, nodes[i]);
		int fd = open(p, O_CREAT | O_WRONLY | O_CLOEXEC, 0666);
		if (fd < 0)
			die(efd, "create", p);
		close(fd);
		if (mount(h, p, NULL, MS_BIND, NULL) < 0)
			die(efd, "bind mount", p);
	}
	static const char *const links[][2] = {
		{ "/proc/self/fd", "fd" }, { "/proc/self/fd/0", "stdin" },
		{ "/proc/self/fd/1", "stdout" }, { "/proc/self/fd/2", "stderr" },
	};
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		snprintf(p, sizeof(p), "%s/dev/%s", root, links[i][1]);
		if (symlink(links[i][0], p) < 0)
			die(efd, "symlink", p);
	}
}

static void loopback_up(void)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return;
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, "lo", 3);
	if (ioctl(s, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
		(void)ioctl(s, SIOCSIFFLAGS, &ifr);
	}
	close(s);
}

static void bind_at(int efd, const char *src, const char *dest, bool writable)
{
	if (mount(src, dest, NULL, MS_BIND | MS_REC, NULL) < 0)
		die(efd, "bind mount", dest);
	if (!writable && mount(NULL, dest, NULL,
			       MS_BIND | MS_REMOUNT | MS_RDONLY | locked_flags(dest), NULL) < 0)
		die(efd, "read-only remount", dest);
}

/* As host root, in the new mount and pid namespaces. */
static void mounts(const struct pare_sandbox_opts *o, int efd)
{
	char p[PARE_PATH_MAX];
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		die(efd, "make / private", NULL);
	if (mount(o->root, o->root, NULL, MS_BIND | MS_REC, NULL) < 0)
		die(efd, "bind mount", o->root);
	in_root(p, sizeof(p), o->root, "/proc");
	if (mount("proc", p, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		die(efd, "mount proc", p);
	in_root(p, sizeof(p), o->root, "/tmp");
	if (mount("tmpfs", p, "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777") < 0)
		die(efd, "mount tmpfs", p);
	make_dev(efd, o->root);
	for (size_t i = 0; i < o->nbinds; i++) {
		in_root(p, sizeof(p), o->root, o->binds[i].dest);
		bind_at(efd, o->binds[i].src, p, o->binds[i].writable);
	}
	if (chdir(o->root) < 0)
		die(efd, "chdir", o->root);
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		die(efd, "pivot_root", o->root);
	if (umount2(".", MNT_DETACH) < 0)
		die(efd, "detach the old root", NULL);
	if (chdir("/") < 0)
		die(efd, "chdir", "/");
	if (mount(NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | locked_flags("/"), NULL) < 0)
		die(efd, "read-only remount", "/");
}

struct sync {
	int efd;      /* error messages to the parent */
	int ready_wr; /* pid 1 -> parent: "in the new user namespace" */
	int go_rd;    /* parent -> pid 1: "maps written" */
};

/* pid 1: mounts as host root, then a new user namespace (the parent maps
 * it), root inside; starts the command and reaps until it is gone. */
static void pid1(const struct pare_sandbox_opts *o, const struct sync *sy)
{
	int efd = sy->efd;
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	mounts(o, efd);
	if (!o->net)
		loopback_up();
	if (unshare(CLONE_NEWUSER) < 0)
		die(efd, "unshare", "(user namespace)");
	char c = 'u';
	if (write(sy->ready_wr, &c, 1) != 1 || read(sy->go_rd, &c, 1) != 1 || c != 'g')
		die(efd, "wait for the uid map", NULL);
	close(sy->ready_wr);
	close(sy->go_rd);
	if (setresgid(0, 0, 0) < 0 || setgroups(0, NULL) < 0 || setresuid(0, 0, 0) < 0)
		die(efd, "become root in the user namespace", NULL);
	/* a credential change clears the parent-death signal: set it again */
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die(efd, "no_new_privs", NULL);
	pid_t w = fork();
	if (w < 0)
		die(efd, "fork", NULL);
	if (w == 0) {
		int nul = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (nul < 0 || dup2(nul, 0) < 0)
			die(efd, "open", "/dev/null");
		execve(o->argv[0], o->argv, o->env);
		die(efd, "exec", o->argv[0]);
	}
	close(efd);
	int st = 0, result = 127;
	for (;;) { /* the init's reaper: any child, until none is left */
		pid_t p = waitpid(-1, &st, 0);
		if (p < 0 && errno == EINTR)
			continue;
		if (p < 0)
			break;
		if (p == w) {
			result = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
			/* what the command left running (daemons of a test suite)
			 * goes with it: everything else in this pid namespace */
			kill(-1, SIGKILL);
		}
	}
	_exit(result);
}

/* The first child (host root): new mount, pid, uts, ipc (and net)
 * namespaces; tells the parent pid 1's pid and passes its status on. */
static void child(const struct pare_sandbox_opts *o, const struct sync *sy, int pid_wr)
{
	int flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC;
	if (!o->net)
		flags |= CLONE_NEWNET;
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (dup2(o->out_fd, 1) < 0 || dup2(o->out_fd, 2) < 0)
		die(sy->efd, "dup2", NULL);
	if (unshare(flags) < 0)
		die(sy->efd, "unshare", "(mount, pid, uts, ipc, net namespaces)");
	const char *hn = o->hostname ? o->hostname : "pare-build";
	if (sethostname(hn, strlen(hn)) < 0)
		die(sy->efd, "sethostname", NULL);
	pid_t p = fork();
	if (p < 0)
		die(sy->efd, "fork", NULL);
	if (p == 0) {
		close(pid_wr);
		pid1(o, sy);
	}
	if (write(pid_wr, &p, sizeof(p)) != (ssize_t)sizeof(p))
		die(sy->efd, "report the pid", NULL);
	close(pid_wr);
	close(sy->efd);
	close(sy->ready_wr);
	close(sy->go_rd);
	int st = 0;
	pare_wait_child(p, &st);
	_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
}

static int write_map(pid_t pid, const char *file, uint32_t base, struct pare_error *err)
{
	char path[64], line[64];
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	int n = snprintf(line, sizeof(line), "0 %u %u\n", base, PARE_SANDBOX_IDS);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	/* one write(2), not pare_write_all: the kernel takes a map whole or not */
	if (fd < 0 || write(fd, line, (size_t)n) != n) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return pare_error_set(err, -e, "sandbox: write %s: %s", path, strerror(e));
	}
	close(fd);
	return 0;
}

static int collect(pid_t pid, int efd, int r, int *status, struct pare_error *err)
{
	char msg[512];
	ssize_t n = 0, k;
	while (n < (ssize_t)sizeof(msg) - 1 &&
	       (k = pare_read_some(efd, msg + n, sizeof(msg) - 1 - (size_t)n)) != 0) {
		if (k < 0)
			break;
		n += k;
	}
	msg[n > 0 ? n : 0] = '\0';
	close(efd);
	int st = 0;
	pare_wait_child(pid, &st);
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	if (r == 0 && n > 0)
		r = pare_error_set(err, -PARE_E_UNSUPPORTED, "sandbox: %s", msg);
	return r;
}

/* Wait for pid 1's pid and its "in a user namespace", write the maps. */
static int parent(pid_t pid, uint32_t base, int efd, int pid_rd, int ready_rd, int go_wr,
		  int *status, struct pare_error *err)
{
	pid_t p1 = 0;
	char c = 0;
	int r = 0;
	if (read(pid_rd, &p1, sizeof(p1)) == (ssize_t)sizeof(p1) && p1 > 0 &&
	    read(ready_rd, &c, 1) == 1 && c == 'u') {
		r = write_map(p1, "uid_map", base, err);
		if (r == 0)
			r = write_map(p1, "gid_map", base, err);
		c = r == 0 ? 'g' : 'x';
		if (write(go_wr, &c, 1) != 1 && r == 0)
			r = pare_error_set(err, -EIO, "sandbox: the child went away");
	}
	close(go_wr);
	close(ready_rd);
	close(pid_rd);
	return collect(pid, efd, r, status, err);
}

static void close_all(int *fds, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

int pare_sandbox_run(const struct pare_sandbox_opts *o, int *status, struct pare_error *err)
{
	int fd[8] = { -1, -1, -1, -1, -1, -1, -1, -1 }; /* error, pid, ready, go pipes */
	uint32_t base = o->uid_base ? o->uid_base : PARE_SANDBOX_UID_BASE;
	*status = -1;
	for (int i = 0; i < 4; i++)
		if (pipe2(fd + 2 * i, O_CLOEXEC) < 0) {
			int e = errno;
			close_all(fd, 8);
			return pare_error_set(err, -e, "sandbox: pipe: %s", strerror(e));
		}
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		close_all(fd, 8);
		return pare_error_set(err, -e, "sandbox: fork: %s", strerror(e));
	}
	if (pid == 0) {
		close(fd[0]);
		close(fd[2]);
		close(fd[4]);
		close(fd[7]);
		struct sync sy = { .efd = fd[1], .ready_wr = fd[5], .go_rd = fd[6] };
		child(o, &sy, fd[3]);
	}
	close(fd[1]);
	close(fd[3]);
	close(fd[5]);
	close(fd[6]);
	return parent(pid, base, fd[0], fd[2], fd[4], fd[7], status, err);
}
