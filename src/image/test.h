/* Image tests: the config's `test:` commands (or, without them, a smoke
 * check of the entrypoint) run inside an image root with runc.
 *
 * Each command runs in its own container made from an OCI bundle in a
 * temporary directory: root.path is the image root, mounted read-only;
 * /proc, /dev (tmpfs), /dev/pts, /dev/shm, /dev/mqueue, a tmpfs on /tmp
 * when the image has /tmp, and /sys read-only; namespaces pid, ipc, uts,
 * mount and network (no network, only a down loopback) unless the test
 * says `network: host`; the image's user (run-as name looked up in the
 * root's etc/passwd, or a uid[:gid]); the image's environment and work
 * dir; no capabilities beyond runc's default minimal set for a non-root
 * user.  runc's state lives in the temporary directory (--root), so runs
 * never meet other runc users.  stdout and stderr are captured (at most
 * PARE_IMAGE_TEST_MAX_OUTPUT bytes each are kept).
 *
 * A test passes when it exits with `exit` (default 0) within `timeout`
 * seconds (default PARE_IMAGE_TEST_TIMEOUT) and its stdout/stderr match
 * their regular expressions (POSIX extended, searched, not anchored;
 * ^ and $ match at line boundaries).  A
 * daemon test is started and kept running: it passes when its readiness
 * probe succeeds within the timeout (a TCP connect to 127.0.0.1:PORT, only
 * meaningful with network: host; or a command run in its container with
 * `runc exec` that exits 0); it is killed after the last test.
 *
 * The smoke check (no `test:` key): the entrypoint + cmd starts and runs
 * for PARE_IMAGE_SMOKE_SECONDS.  It fails when runc cannot start it (no
 * such file, exec format error, permission denied), when it exits with
 * 126 or 127, or when its stderr says that a shared library, an
 * interpreter or an interpreter's standard library is missing ("error
 * while loading shared libraries", "bad interpreter", "No such file or
 * directory" from the loader, "Fatal Python error", "Can't locate ... in
 * @INC", "Cannot find module").  Still running at the end, or any other
 * exit, passes (a program may legitimately print its usage and stop).
 *
 * The tests are stored in the image config as the label
 * PARE_IMAGE_TEST_LABEL (JSON, the same keys as the YAML) so that
 * `pare image test OUT` can run them again.
 *
 * Ownership: a report owns its arena (names, outputs, reasons).
 */
#ifndef PARE_IMAGE_TEST_H
#define PARE_IMAGE_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/error.h"
#include "base/log.h"
#include "image/config.h"

#define PARE_IMAGE_TEST_LABEL "dev.pare.image.tests"
#define PARE_IMAGE_TEST_TIMEOUT 30u        /* seconds */
#define PARE_IMAGE_TEST_MAX_OUTPUT 65536u  /* bytes kept of stdout/stderr each */
#define PARE_IMAGE_TEST_MAX_TESTS 256u
#define PARE_IMAGE_TEST_MAX_LABEL (256u * 1024u)
#define PARE_IMAGE_SMOKE_SECONDS 2u

struct pare_image_test_opts {
	const char *root;        /* the image root (not changed) */
	const struct pare_image_test *tests;
	size_t ntests;
	bool smoke;              /* no tests: the smoke check instead */
	const char *const *entrypoint; /* for the smoke check */
	size_t nentrypoint;
	const char *const *cmd;
	size_t ncmd;
	const char *const *env;  /* "KEY=VALUE" */
	size_t nenv;
	const char *user;        /* run-as: name, uid or uid:gid; NULL: root */
	const char *cwd;         /* NULL: "/" */
	const char *runc;        /* NULL: "runc" from PATH */
	const char *tmp_dir;     /* NULL: $TMPDIR or /tmp */
	const struct pare_log *log; /* one line per test; may be NULL */
};

struct pare_image_test_result {
	const char *name;
	const char *argv_text;   /* the command, shell-quoted for display */
	bool passed;
	bool daemon;
	int status;              /* exit status; -N: killed by signal N; -1000: not run */
	bool timed_out;
	const char *why;         /* one line when failed */
	const char *out, *errout; /* captured (possibly cut) */
};

struct pare_image_test_report {
	struct pare_arena arena;
	struct pare_image_test_result *results;
	size_t n;
	size_t failed;
	bool smoke;
};

void pare_image_test_report_init(struct pare_image_test_report *r);
void pare_image_test_report_release(struct pare_image_test_report *r);

/* Run every test (all of them, also after a failure).  Returns 0 when the
 * report is complete (see r->failed); negative when the runs could not be
 * set up (no runc, no temporary directory). */
int pare_image_test_run(const struct pare_image_test_opts *o, struct pare_image_test_report *r,
			struct pare_error *err);

/* The tests as the label value (JSON); malloc'ed, NULL on ENOMEM. */
char *pare_image_tests_to_json(const struct pare_image_test *tests, size_t n);
/* Parse a label value back; everything lives in arena.  Bounded:
 * PARE_IMAGE_TEST_MAX_LABEL bytes, PARE_IMAGE_TEST_MAX_TESTS tests,
 * PARE_IMAGE_CONFIG_MAX_ARGV words; regexes are checked. */
int pare_image_tests_from_json(struct pare_arena *arena, struct pare_slice text,
			       struct pare_image_test **tests, size_t *n, struct pare_error *err);

#endif
