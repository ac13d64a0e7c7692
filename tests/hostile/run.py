#!/usr/bin/env python3
"""Hostile package tests: pare must refuse broken and malicious packages
cleanly.

usage: run.py PARE [KEEP_DIR]

Generates the corpus of gen_corpus.py into a temporary directory (or
KEEP_DIR, which is then left in place) and runs on every file

    PARE verify --allow-untrusted FILE
    PARE extract --allow-untrusted -C ROOT FILE   (if `PARE help extract` works)

For a broken file ("fail") each run must exit non-zero and print exactly
one line (stdout and stderr together) that names the file and gives a
reason.  For every file: no crash (exit status >= 128 or killed by a
signal), no sanitizer report, no run longer than 20 s, and nothing written
outside ROOT (a canary directory beside it must stay empty).  The good
package must verify OK (and extract).  Escape cases ("any") may verify but
must not write outside ROOT.  Prints one line per failure and closes with
"N passed, N failed".
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_corpus  # noqa: E402

TIMEOUT = 20
SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
                   "ERROR: UndefinedBehaviorSanitizer")


def run(cmd):
    env = dict(os.environ, LC_ALL="C", NO_COLOR="1")
    start = time.monotonic()
    try:
        p = subprocess.run(cmd, capture_output=True, timeout=TIMEOUT, env=env,
                           stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return None, "", time.monotonic() - start
    out = (p.stdout + p.stderr).decode("utf-8", "replace")
    return p.returncode, out, time.monotonic() - start


def crash_problem(rc, out, secs):
    if rc is None:
        return "timed out after %d s" % TIMEOUT
    if rc < 0 or rc >= 128:
        return "crashed (exit status %d)" % rc
    for mark in SANITIZER_MARKS:
        if mark in out:
            return "sanitizer report: %s" % first_line_with(out, mark)
    return None


def first_line_with(out, mark):
    for line in out.splitlines():
        if mark in line:
            return line.strip()[:200]
    return mark


def output_problem(path, rc, out, expect):
    lines = out.splitlines()
    if expect == "ok":
        return None if rc == 0 else "good package refused: %r" % out.strip()[:300]
    if expect == "any":
        return None
    if expect == "skip":
        return None if rc == 0 else "refused a package apk-tools reads: %r" % out.strip()[:300]
    if rc == 0:
        return "accepted a broken package (output %r)" % out.strip()[:300]
    if len(lines) != 1:
        return "printed %d lines, not one: %r" % (len(lines), out[:400])
    line = lines[0]
    if path not in line:
        return "message does not name the file: %r" % line[:300]
    rest = line.replace(path, "", 1).strip(" :")
    if len(rest) < 3:
        return "message gives no reason: %r" % line[:300]
    return None


class Sandbox:
    """base/root is where extract writes; base/canary must stay empty and
    base must hold nothing else."""

    def __init__(self, base):
        self.base = base
        self.root = os.path.join(base, "root")
        self.canary = os.path.join(base, "canary")

    def reset(self):
        for d in (self.root, self.canary):
            shutil.rmtree(d, ignore_errors=True)
            os.makedirs(d)

    def problem(self):
        extra = sorted(set(os.listdir(self.base)) - {"root", "canary"})
        inside = os.listdir(self.canary)
        if extra or inside:
            return "wrote outside the root: %s" % (extra + ["canary/" + n for n in inside])
        if os.path.lexists("/etc/pare-hostile-test"):
            return "wrote /etc/pare-hostile-test"
        return None


def skipped_problem(root):
    """Entries apk-tools skips (usr/skipped-*) must not be extracted."""
    found = [n for _, _, names in os.walk(root) for n in names if n.startswith("skipped")]
    return "extracted entries apk-tools skips: %s" % found if found else None


def has_extract(pare):
    rc, _, _ = run([pare, "help", "extract"])
    return rc == 0


def check_one(pare, path, expect, box, extract):
    problems = []
    cmds = [("verify", [pare, "verify", "--allow-untrusted", path])]
    if extract:
        cmds.append(("extract", [pare, "extract", "--allow-untrusted", "-C", box.root, path]))
    for what, cmd in cmds:
        box.reset()
        rc, out, secs = run(cmd)
        problem = crash_problem(rc, out, secs) or box.problem()
        if not problem:
            problem = output_problem(path, rc, out, expect)
        if not problem and expect == "skip" and what == "extract":
            problem = skipped_problem(box.root)
        if problem:
            problems.append("%s: %s" % (what, problem))
    return problems


def main():
    if len(sys.argv) not in (2, 3):
        sys.stderr.write("usage: run.py PARE [KEEP_DIR]\n")
        return 2
    pare = os.path.abspath(sys.argv[1])
    keep = sys.argv[2] if len(sys.argv) == 3 else None
    tmp = tempfile.mkdtemp(prefix="pare-hostile-")
    try:
        box = Sandbox(os.path.join(tmp, "box"))
        os.makedirs(box.base)
        corpus = keep or os.path.join(tmp, "corpus")
        cases = gen_corpus.generate(corpus, box.canary)
        extract = has_extract(pare)
        if not extract:
            print("note: no extract applet; only verify is checked")
        passed = failed = 0
        start = time.monotonic()
        for path, expect in cases:
            problems = check_one(pare, path, expect, box, extract)
            for p in problems:
                print("FAIL %s: %s" % (os.path.basename(path), p))
            failed += bool(problems)
            passed += not problems
        print("time: %.1f s for %d files" % (time.monotonic() - start, len(cases)))
        print("%d passed, %d failed" % (passed, failed))
        return 1 if failed or not passed else 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
