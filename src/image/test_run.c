/* Running image tests with runc (see test.h): one OCI bundle per
 * container in a private temporary directory, runc's state there too. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <netinet/in.h>
#include <regex.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/rootpath.h"
#include "image/test.h"

#define NOT_RUN (-1000)

struct runner {
	const struct pare_image_test_opts *o;
	struct pare_image_test_report *r;
	char dir[PARE_PATH_MAX];   /* the temporary directory */
	char state[PARE_PATH_MAX]; /* runc --root */
	const char *runc;
	char rootfs[PARE_PATH_MAX]; /* what runc gets: an overlay over the root, or a copy */
	bool mounted;
	uint32_t uid, gid;
	bool has_tmp;
	unsigned seq;
	/* daemons still running */
	pid_t dpid[PARE_IMAGE_TEST_MAX_TESTS];
	char did[PARE_IMAGE_TEST_MAX_TESTS][64];
	size_t ndaemons;
};

void pare_image_test_report_init(struct pare_image_test_report *r)
{
	memset(r, 0, sizeof(*r));
	pare_arena_init(&r->arena, 0, 0);
}

void pare_image_test_report_release(struct pare_image_test_report *r)
{
	if (!r)
		return;
	free(r->results);
	pare_arena_release(&r->arena);
	pare_image_test_report_init(r);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void nap(void)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	nanosleep(&ts, NULL);
}

/* ---- the user: a name looked up in the root's etc/passwd, or uid[:gid] */

static bool num(const char *s, size_t n, uint32_t *out)
{
	uint64_t v;
	if (!pare_slice_to_u64(pare_slice_make(s, n), &v) || v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

static int find_user(struct runner *x, const char *spec, struct pare_error *err)
{
	size_t ul = strcspn(spec, ":");
	const char *g = spec[ul] == ':' ? spec + ul + 1 : NULL;
	bool have_gid = g && num(g, strlen(g), &x->gid);
	if (num(spec, ul, &x->uid)) {
		if (!have_gid)
			x->gid = x->uid;
		return 0;
	}
	char path[PARE_PATH_MAX], line[1024];
	snprintf(path, sizeof(path), "%s/etc/passwd", x->o->root);
	FILE *f = fopen(path, "re");
	while (f && fgets(line, sizeof(line), f)) {
		char *fld[7], *save = NULL;
		size_t n = 0;
		for (char *p = line, *q; n < 7 && p; p = q) {
			q = strchr(p, ':');
			if (q)
				*q++ = '\0';
			fld[n++] = p;
		}
		(void)save;
		if (n >= 4 && strlen(fld[0]) == ul && strncmp(fld[0], spec, ul) == 0 &&
		    num(fld[2], strlen(fld[2]), &x->uid)) {
			if (!have_gid && !num(fld[3], strlen(fld[3]), &x->gid))
				x->gid = x->uid;
			fclose(f);
			return 0;
		}
	}
	if (f)
		fclose(f);
	return pare_error_set(err, -PARE_E_NOT_FOUND, "run-as user '%.*s' is not in the image's "
			      "/etc/passwd", (int)ul, spec);
}

/* ---- the bundle */

static json_t *mount_json(const char *dest, const char *type, const char *src, const char *opts)
{
	json_t *m = json_pack("{s:s, s:s, s:s}", "destination", dest, "type", type, "source", src);
	json_t *o = json_array();
	char buf[256];
	snprintf(buf, sizeof(buf), "%s", opts);
	char *save = NULL;
	for (char *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save))
		json_array_append_new(o, json_string(w));
	json_object_set_new(m, "options", o);
	return m;
}

static json_t *strs(const char *const *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static json_t *bundle_config(struct runner *x, const char *const *argv, size_t argc, bool host)
{
	const struct pare_image_test_opts *o = x->o;
	json_t *caps = json_pack("[s,s,s]", "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE");
	json_t *proc = json_pack("{s:b, s:{s:i, s:i}, s:o, s:o, s:s, s:b, s:{s:O, s:O, s:O, s:O}}",
				 "terminal", 0, "user", "uid", (int)x->uid, "gid", (int)x->gid,
				 "args", strs(argv, argc), "env", strs(o->env, o->nenv),
				 "cwd", o->cwd && *o->cwd ? o->cwd : "/", "noNewPrivileges", 1,
				 "capabilities", "bounding", caps, "effective", caps,
				 "permitted", caps, "ambient", caps);
	json_decref(caps);
	json_t *mounts = json_array();
	json_array_append_new(mounts, mount_json("/proc", "proc", "proc", "nosuid,noexec,nodev"));
	json_array_append_new(mounts, mount_json("/dev", "tmpfs", "tmpfs",
					    "nosuid,strictatime,mode=755,size=65536k"));
	json_array_append_new(mounts, mount_json("/dev/pts", "devpts", "devpts",
					    "nosuid,noexec,newinstance,ptmxmode=0666,mode=0620"));
	json_array_append_new(mounts, mount_json("/dev/shm", "tmpfs", "shm",
					    "nosuid,noexec,nodev,mode=1777,size=65536k"));
	json_array_append_new(mounts, mount_json("/sys", "sysfs", "sysfs", "nosuid,noexec,nodev,ro"));
	if (x->has_tmp)
		json_array_append_new(mounts, mount_json("/tmp", "tmpfs", "tmpfs",
						    "nosuid,nodev,mode=1777,size=65536k"));
	json_t *ns = json_pack("[{s:s},{s:s},{s:s},{s:s}]", "type", "pid", "type", "ipc", "type",
			       "uts", "type", "mount");
	if (!host)
		json_array_append_new(ns, json_pack("{s:s}", "type", "network"));
	json_t *linux_ = json_pack("{s:o, s:[s,s,s,s,s], s:[s,s,s,s,s]}", "namespaces", ns,
				   "maskedPaths", "/proc/kcore", "/proc/keys", "/proc/timer_list",
				   "/proc/sched_debug", "/sys/firmware",
				   "readonlyPaths", "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
				   "/proc/sysrq-trigger");
	return json_pack("{s:s, s:o, s:{s:s, s:b}, s:s, s:o, s:o}", "ociVersion", "1.0.2",
			 "process", proc, "root", "path", x->rootfs, "readonly", 1,
			 "hostname", "pare-test", "mounts", mounts, "linux", linux_);
}

static int write_bundle(struct runner *x, const char *bundle, const char *const *argv,
			size_t argc, bool host, struct pare_error *err)
{
	char path[PARE_PATH_MAX];
	if (mkdir(bundle, 0700) < 0)
		return pare_error_set(err, -errno, "%s: %s", bundle, strerror(errno));
	snprintf(path, sizeof(path), "%s/config.json", bundle);
	json_t *cfg = bundle_config(x, argv, argc, host);
	int rc = cfg && json_dump_file(cfg, path, JSON_INDENT(1)) == 0 ? 0 : -EIO;
	json_decref(cfg);
	return rc < 0 ? pare_error_set(err, rc, "%s: cannot write the bundle", path) : 0;
}

/* ---- processes */

/* Start runc with args (NULL-terminated); stdout/stderr to the files. */
static pid_t spawn(struct runner *x, const char *const *args, const char *out, const char *errp)
{
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	int fo = open(out ? out : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	int fe = open(errp ? errp : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	int fi = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (fo < 0 || fe < 0 || fi < 0)
		_exit(125);
	dup2(fi, 0);
	dup2(fo, 1);
	dup2(fe, 2);
	setpgid(0, 0);
	execvp(x->runc, (char *const *)args);
	_exit(125);
}

/* Wait for pid until deadline; returns the wait status, or -1 on timeout. */
static int wait_until(pid_t pid, double deadline)
{
	int st;
	for (;;) {
		pid_t w = waitpid(pid, &st, WNOHANG);
		if (w == pid)
			return st;
		if (w < 0)
			return 0;
		if (now() >= deadline)
			return -1;
		nap();
	}
}

static void runc_cmd(struct runner *x, const char *verb, const char *id, const char *extra)
{
	const char *args[] = { x->runc, "--root", x->state, verb, extra ? extra : id,
			       extra ? id : NULL, NULL };
	if (strcmp(verb, "kill") == 0) {
		args[4] = id;
		args[5] = "KILL";
	}
	pid_t p = spawn(x, args, NULL, NULL);
	if (p > 0)
		wait_until(p, now() + 10);
}

static void stop(struct runner *x, const char *id, pid_t pid)
{
	runc_cmd(x, "kill", id, NULL);
	if (pid > 0 && wait_until(pid, now() + 5) < 0) {
		kill(-pid, SIGKILL);
		wait_until(pid, now() + 5);
	}
	runc_cmd(x, "delete", id, "-f");
}

static const char *slurp(struct runner *x, const char *path)
{
	char *buf = pare_arena_alloc(&x->r->arena, PARE_IMAGE_TEST_MAX_OUTPUT + 1);
	FILE *f = fopen(path, "re");
	size_t n = buf && f ? fread(buf, 1, PARE_IMAGE_TEST_MAX_OUTPUT, f) : 0;
	if (f)
		fclose(f);
	if (!buf)
		return "";
	buf[n] = '\0';
	for (size_t i = 0; i < n; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
	return buf;
}

static const char *argv_text(struct runner *x, const char *const *v, size_t n)
{
	struct pare_buf b;
	pare_buf_init(&b, 4096);
	for (size_t i = 0; i < n; i++) {
		bool plain = v[i][0] && strspn(v[i], "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
					   "0123456789-_./=:,+@%") == strlen(v[i]);
		pare_buf_appendf(&b, "%s%s%s%s", i ? " " : "", plain ? "" : "'", v[i],
				 plain ? "" : "'");
	}
	const char *s = pare_arena_strdup(&x->r->arena, pare_buf_slice(&b));
	pare_buf_release(&b);
	return s ? s : "";
}

static bool search(const char *re, const char *text)
{
	regex_t r;
	if (regcomp(&r, re, REG_EXTENDED | REG_NOSUB | REG_NEWLINE) != 0)
		return false;
	bool ok = regexec(&r, text, 0, NULL, 0) == 0;
	regfree(&r);
	return ok;
}

static void set_why(struct runner *x, struct pare_image_test_result *res, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void set_why(struct runner *x, struct pare_image_test_result *res, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	res->passed = false;
	if (!res->why)
		res->why = pare_arena_strdup(&x->r->arena, pare_slice_from(buf));
}

/* Paths of one container's files. */
struct box {
	char id[64], bundle[PARE_PATH_MAX], out[PARE_PATH_MAX], err[PARE_PATH_MAX];
};

static int new_box(struct runner *x, struct box *b, const char *const *argv, size_t argc,
		   bool host, struct pare_error *err)
{
	unsigned n = x->seq++;
	snprintf(b->id, sizeof(b->id), "pare-test-%ld-%u", (long)getpid(), n);
	if (snprintf(b->bundle, sizeof(b->bundle), "%s/b%u", x->dir, n) >= (int)sizeof(b->bundle) ||
	    snprintf(b->out, sizeof(b->out), "%s/b%u.out", x->dir, n) >= (int)sizeof(b->out) ||
	    snprintf(b->err, sizeof(b->err), "%s/b%u.err", x->dir, n) >= (int)sizeof(b->err))
		return pare_error_set(err, -ENAMETOOLONG, "%s: path too long", x->dir);
	return write_bundle(x, b->bundle, argv, argc, host, err);
}

static pid_t start(struct runner *x, struct box *b)
{
	const char *args[] = { x->runc, "--root", x->state, "run", "--bundle", b->bundle, b->id,
			       NULL };
	return spawn(x, args, b->out, b->err);
}

static void judge(struct runner *x, const struct pare_image_test *t,
		  struct pare_image_test_result *res)
{
	if (res->timed_out)
		set_why(x, res, "did not finish within %u s", t->timeout ? t->timeout
			: PARE_IMAGE_TEST_TIMEOUT);
	else if (res->status != (int)t->exit)
		set_why(x, res, "exit %d, expected %u", res->status, t->exit);
	if (t->stdout_re && !search(t->stdout_re, res->out))
		set_why(x, res, "stdout does not match /%s/", t->stdout_re);
	if (t->stderr_re && !search(t->stderr_re, res->errout))
		set_why(x, res, "stderr does not match /%s/", t->stderr_re);
}

static int decode(int st)
{
	return WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? -WTERMSIG(st) : NOT_RUN;
}

/* A command: run, wait (timeout), capture. */
static int run_cmd(struct runner *x, const char *const *argv, size_t argc, bool host,
		   unsigned timeout, struct pare_image_test_result *res, struct pare_error *err)
{
	struct box b;
	int rc = new_box(x, &b, argv, argc, host, err);
	if (rc < 0)
		return rc;
	pid_t pid = start(x, &b);
	if (pid < 0)
		return pare_error_set(err, -errno, "fork: %s", strerror(errno));
	int st = wait_until(pid, now() + timeout);
	res->timed_out = st == -1;
	if (res->timed_out)
		stop(x, b.id, pid);
	else
		runc_cmd(x, "delete", b.id, "-f");
	res->status = res->timed_out ? NOT_RUN : decode(st);
	res->out = slurp(x, b.out);
	res->errout = slurp(x, b.err);
	return 0;
}

static bool port_open(uint32_t port)
{
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bool ok = s >= 0 && connect(s, (struct sockaddr *)&a, sizeof(a)) == 0;
	if (s >= 0)
		close(s);
	return ok;
}

static bool probe(struct runner *x, const struct pare_image_test *t, const char *id)
{
	if (t->ready_port)
		return port_open(t->ready_port);
	const char *args[PARE_IMAGE_CONFIG_MAX_ARGV + 8];
	size_t n = 0;
	args[n++] = x->runc;
	args[n++] = "--root";
	args[n++] = x->state;
	args[n++] = "exec";
	args[n++] = id;
	for (size_t i = 0; i < t->nready_run && n + 1 < sizeof(args) / sizeof(args[0]); i++)
		args[n++] = t->ready_run[i];
	args[n] = NULL;
	pid_t p = spawn(x, args, NULL, NULL);
	int st = p > 0 ? wait_until(p, now() + 5) : -1;
	if (st == -1 && p > 0) {
		kill(-p, SIGKILL);
		wait_until(p, now() + 1);
	}
	return st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static int run_daemon(struct runner *x, const struct pare_image_test *t,
		      struct pare_image_test_result *res, struct pare_error *err)
{
	struct box b;
	int rc = new_box(x, &b, t->run, t->nrun, t->network_host, err);
	if (rc < 0)
		return rc;
	pid_t pid = start(x, &b);
	if (pid < 0)
		return pare_error_set(err, -errno, "fork: %s", strerror(errno));
	double deadline = now() + (t->timeout ? t->timeout : PARE_IMAGE_TEST_TIMEOUT);
	bool ready = false, exited = false;
	int st = 0;
	while (!ready && !exited && now() < deadline) {
		exited = waitpid(pid, &st, WNOHANG) == pid;
		ready = !exited && probe(x, t, b.id);
		if (!ready && !exited)
			nap();
	}
	res->status = exited ? decode(st) : NOT_RUN;
	res->out = slurp(x, b.out);
	res->errout = slurp(x, b.err);
	if (ready && x->ndaemons < PARE_IMAGE_TEST_MAX_TESTS) {
		x->dpid[x->ndaemons] = pid;
		snprintf(x->did[x->ndaemons++], sizeof(x->did[0]), "%s", b.id);
		return 0;
	}
	if (exited)
		set_why(x, res, "the daemon exited (%d) before it was ready", res->status);
	else
		set_why(x, res, "not ready within %u s (%s)", t->timeout ? t->timeout
			: PARE_IMAGE_TEST_TIMEOUT, t->ready_port ? "port closed" : "probe failed");
	if (!exited)
		stop(x, b.id, pid);
	else
		runc_cmd(x, "delete", b.id, "-f");
	return 0;
}

/* Smoke check: see test.h for how it decides. */
static const char *const smoke_patterns[] = {
	"unable to start container process", "error while loading shared libraries",
	"cannot open shared object file", "bad interpreter", "exec format error",
	"Fatal Python error", "No module named", "Can't locate .* in @INC",
	"Cannot find module", NULL,
};

static int smoke(struct runner *x, struct pare_image_test_result *res, struct pare_error *err)
{
	const struct pare_image_test_opts *o = x->o;
	const char *argv[2 * PARE_IMAGE_CONFIG_MAX_ARGV];
	size_t n = 0;
	for (size_t i = 0; i < o->nentrypoint && n < PARE_IMAGE_CONFIG_MAX_ARGV; i++)
		argv[n++] = o->entrypoint[i];
	for (size_t i = 0; i < o->ncmd && n < 2 * PARE_IMAGE_CONFIG_MAX_ARGV; i++)
		argv[n++] = o->cmd[i];
	res->name = "smoke: the entrypoint starts";
	res->passed = true;
	if (n == 0) {
		res->argv_text = "";
		res->status = NOT_RUN;
		return 0; /* nothing to start */
	}
	res->argv_text = argv_text(x, argv, n);
	int rc = run_cmd(x, argv, n, false, PARE_IMAGE_SMOKE_SECONDS, res, err);
	if (rc < 0 || res->timed_out)
		return rc; /* still running: it started */
	if (res->status == 126 || res->status == 127)
		set_why(x, res, "exit %d: the program could not be executed", res->status);
	for (size_t i = 0; smoke_patterns[i]; i++)
		if (search(smoke_patterns[i], res->errout)) {
			set_why(x, res, "stderr says '%s'", smoke_patterns[i]);
			break;
		}
	return 0;
}

/* runc creates mount points (proc, dev, sys ...) in the root it gets, so
 * it never gets the image root itself: an overlay with the root as its
 * only lower layer (as root), or else a copy (cp -a). */
static int make_rootfs(struct runner *x, struct pare_error *err)
{
	char up[PARE_PATH_MAX], work[PARE_PATH_MAX], opts[3 * PARE_PATH_MAX + 64];
	if (snprintf(x->rootfs, sizeof(x->rootfs), "%s/rootfs", x->dir) >= (int)sizeof(x->rootfs) ||
	    snprintf(up, sizeof(up), "%s/upper", x->dir) >= (int)sizeof(up) ||
	    snprintf(work, sizeof(work), "%s/work", x->dir) >= (int)sizeof(work) ||
	    snprintf(opts, sizeof(opts), "lowerdir=%s,upperdir=%s,workdir=%s", x->o->root, up,
		     work) >= (int)sizeof(opts) || strpbrk(x->o->root, ",:"))
		opts[0] = '\0';
	if (mkdir(x->rootfs, 0755) < 0)
		return pare_error_set(err, -errno, "%s: %s", x->rootfs, strerror(errno));
	if (opts[0] && mkdir(up, 0755) == 0 && mkdir(work, 0700) == 0 &&
	    mount("overlay", x->rootfs, "overlay", 0, opts) == 0) {
		x->mounted = true;
		return 0;
	}
	char src[PARE_PATH_MAX + 2];
	snprintf(src, sizeof(src), "%s/.", x->o->root);
	const char *args[] = { "cp", "-a", src, x->rootfs, NULL };
	pid_t p = fork();
	if (p == 0) {
		execvp("cp", (char *const *)args);
		_exit(127);
	}
	int st = p > 0 ? wait_until(p, now() + 600) : -1;
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return pare_error_set(err, -EIO, "%s: cannot copy the image root for runc", x->rootfs);
	return 0;
}

static int setup(struct runner *x, struct pare_error *err)
{
	const char *base = x->o->tmp_dir ? x->o->tmp_dir : getenv("TMPDIR");
	struct stat st;
	x->runc = x->o->runc ? x->o->runc : "runc";
	snprintf(x->dir, sizeof(x->dir), "%s/pare-test-XXXXXX", base && *base ? base : "/tmp");
	if (!mkdtemp(x->dir))
		return pare_error_set(err, -errno, "%s: %s", x->dir, strerror(errno));
	if (snprintf(x->state, sizeof(x->state), "%s/state", x->dir) >= (int)sizeof(x->state) ||
	    mkdir(x->state, 0700) < 0)
		return pare_error_set(err, -errno, "%s: %s", x->state, strerror(errno));
	char tmp[PARE_PATH_MAX];
	x->has_tmp = snprintf(tmp, sizeof(tmp), "%s/tmp", x->o->root) < (int)sizeof(tmp) &&
		     lstat(tmp, &st) == 0 && S_ISDIR(st.st_mode);
	int rc = x->o->user && *x->o->user ? find_user(x, x->o->user, err) : 0;
	return rc == 0 ? make_rootfs(x, err) : rc;
}

static void cleanup(struct runner *x)
{
	for (size_t i = 0; i < x->ndaemons; i++)
		stop(x, x->did[i], x->dpid[i]);
	x->ndaemons = 0;
	if (x->mounted)
		umount2(x->rootfs, MNT_DETACH);
	if (!x->dir[0])
		return;
	const char *args[] = { "rm", "-rf", "--one-file-system", x->dir, NULL };
	pid_t p = fork();
	if (p == 0) {
		execvp("rm", (char *const *)args);
		_exit(127);
	}
	if (p > 0)
		wait_until(p, now() + 30);
}

static void log_result(const struct pare_image_test_opts *o, const struct pare_image_test_result *r)
{
	if (o->log)
		pare_log_msg(o->log, PARE_LOG_INFO, "test %s: %s%s%s", r->name,
			     r->passed ? "ok" : "FAILED", r->why ? ": " : "", r->why ? r->why : "");
}

int pare_image_test_run(const struct pare_image_test_opts *o, struct pare_image_test_report *r,
			struct pare_error *err)
{
	struct runner *x = calloc(1, sizeof(*x));
	size_t n = o->smoke ? 1 : o->ntests;
	if (!x)
		return -ENOMEM;
	x->o = o;
	x->r = r;
	r->smoke = o->smoke;
	r->results = calloc(n ? n : 1, sizeof(*r->results));
	int rc = r->results ? setup(x, err) : -ENOMEM;
	if (rc == 0 && o->smoke) {
		rc = smoke(x, &r->results[0], err);
		r->n = 1;
		log_result(o, &r->results[0]);
	}
	for (size_t i = 0; rc == 0 && !o->smoke && i < o->ntests; i++) {
		const struct pare_image_test *t = &o->tests[i];
		struct pare_image_test_result *res = &r->results[i];
		char name[64];
		snprintf(name, sizeof(name), "test %zu", i + 1);
		res->name = t->name ? t->name : pare_arena_strdup(&r->arena, pare_slice_from(name));
		res->argv_text = argv_text(x, t->run, t->nrun);
		res->daemon = t->daemon;
		res->passed = true;
		rc = t->daemon ? run_daemon(x, t, res, err)
			       : run_cmd(x, t->run, t->nrun, t->network_host,
					 t->timeout ? t->timeout : PARE_IMAGE_TEST_TIMEOUT, res, err);
		if (rc == 0 && !t->daemon)
			judge(x, t, res);
		r->n = i + 1;
		log_result(o, res);
	}
	for (size_t i = 0; i < r->n; i++)
		r->failed += !r->results[i].passed;
	cleanup(x);
	free(x);
	return rc;
}
