#!/usr/bin/env python3
"""Run apk-tools' solver scenarios (NAME.test files) against pare.

usage: solver_run.py PARE SCENARIO_DIR [--roots] [TEST...]

Each scenario becomes one pare command line, in the way apk's own test
harness drives apk (see ../shared/conformance/README.md):

    pare --simulate --allow-untrusted [--test-repo [@TAG:]FILE]...
         [--test-instdb FILE] [--test-world "A B"] [--test-cache FILE] ARGS

With --roots each scenario runs on a real root instead (a fresh temporary
directory): @INSTALLED becomes its lib/apk/db/installed, @WORLD its
etc/apk/world and @CACHE its etc/apk/cache/installed, read with
--root-tmpfs yes, so the session's own reading of a root is what is tested.

Repositories (@REPO) are remote in apk's scenarios: the runner serves the
scenario folder from an HTTP server on 127.0.0.1 that it starts (and stops)
itself and passes each repository as a URL, so --no-network masks them for
the reason apk does (remote), while local folders stay usable.

stdout and stderr together are compared byte for byte with the text after
@EXPECT.  Prints one FAIL line (with a diff) per failing scenario and
"N passed, N failed"; exits 0 only when every scenario passed.
"""
import difflib
import functools
import http.server
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(folder):
    """An HTTP server for folder on 127.0.0.1 (a free port), in a thread."""
    handler = functools.partial(Quiet, directory=folder)
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


BASE_URL = None  # "http://127.0.0.1:PORT" serving the scenario folder, when set
ROOTS = False     # --roots: scenarios on real roots


def repo_ref(testdir, name):
    if BASE_URL:
        return "%s/%s" % (BASE_URL, name)
    return os.path.join(testdir, name)


def command(pare, path):
    """The pare command line and the expected output of one scenario."""
    testdir = os.path.dirname(os.path.abspath(path))
    args, repos, opts, expect, root_files = [], [], [], None, []
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    for i, ln in enumerate(lines):
        if ln == "@EXPECT":
            expect = "\n".join(lines[i + 1:])
            break
        if ln.startswith("@ARGS "):
            args += shlex.split(ln[6:])
        elif ln.startswith("@REPO @"):
            tag, repo = ln[6:].split(" ", 1)
            repos += ["--test-repo", "%s:%s" % (tag, repo_ref(testdir, repo))]
        elif ln.startswith("@REPO "):
            repos += ["--test-repo", repo_ref(testdir, ln[6:])]
        elif ln.startswith("@INSTALLED "):
            opts += ["--test-instdb", os.path.join(testdir, ln[11:])]
        elif ln.startswith("@WORLD "):
            opts += ["--test-world", ln[7:]]
        elif ln.startswith("@CACHE "):
            opts += ["--test-cache", os.path.join(testdir, ln[7:])]
        elif ln.startswith("@"):
            raise ValueError("%s: invalid directive: %s" % (path, ln))
        if ROOTS and opts:
            root_files.append((opts[-2], opts[-1]))
            del opts[-2:]
    if expect is None:
        raise ValueError("%s: no @EXPECT" % path)
    cmd = [pare, "--simulate", "--allow-untrusted"] + repos + opts + args
    return cmd, expect, root_files


def make_root(root_files):
    """A root holding the scenario's installed database, world and cache."""
    root = tempfile.mkdtemp(prefix="pare-scenario-")
    for d in ("lib/apk/db", "etc/apk/cache"):
        os.makedirs(os.path.join(root, d))
    open(os.path.join(root, "etc/apk/world"), "w").close()
    open(os.path.join(root, "lib/apk/db/installed"), "w").close()
    for opt, value in root_files:
        if opt == "--test-world":
            with open(os.path.join(root, "etc/apk/world"), "w") as f:
                f.write("".join(a + "\n" for a in value.split()))
        else:
            dest = "lib/apk/db/installed" if opt == "--test-instdb" else "etc/apk/cache/installed"
            shutil.copyfile(value, os.path.join(root, dest))
    return root


def run_one(pare, path):
    cmd, expect, root_files = command(pare, path)
    root = make_root(root_files) if ROOTS else None
    if root:
        cmd[1:1] = ["--root", root, "--root-tmpfs", "yes"]
    env = dict(os.environ, NO_COLOR="1")
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
                           timeout=60)
    finally:
        if root:
            shutil.rmtree(root)
    got = p.stdout.decode("utf-8", "replace")
    if got == expect:
        return True, ""
    diff = "".join(difflib.unified_diff(expect.splitlines(True), got.splitlines(True),
                                        "expected", "pare"))
    return False, "$ %s\n%s" % (" ".join(shlex.quote(c) for c in cmd), diff)


def main():
    if len(sys.argv) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    global BASE_URL, ROOTS
    pare, folder = sys.argv[1], sys.argv[2]
    rest = sys.argv[3:]
    if rest and rest[0] == "--roots":
        ROOTS = True
        rest = rest[1:]
    srv = serve(os.path.abspath(folder))
    BASE_URL = "http://127.0.0.1:%d" % srv.server_address[1]
    tests = rest or sorted(
        os.path.join(folder, n) for n in os.listdir(folder) if n.endswith(".test"))
    passed = failed = 0
    for t in tests:
        try:
            ok, report = run_one(pare, t)
        except (ValueError, subprocess.TimeoutExpired) as e:
            ok, report = False, str(e)
        if ok:
            passed += 1
        else:
            failed += 1
            print("FAIL: %s\n%s" % (os.path.basename(t), report))
    srv.shutdown()
    srv.server_close()
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
