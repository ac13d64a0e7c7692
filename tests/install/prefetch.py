#!/usr/bin/env python3
"""Read-ahead installs decide as streaming ones (commit/txn_prefetch.c).

usage: prefetch.py PARE

A transaction with two or more local package files reads them ahead on a
second thread and replays their entries; a transaction with one reads it
on the main thread as it streams.  For every file of the hostile corpus
(tests/hostile/gen_corpus.py) H, this installs [H] alone and [pfa, H, pfb]
(two good packages around it; the reader also writes files ahead there,
PARE_WRITE_AHEAD=always) with `pare install-files` into fresh roots and
requires the same verdict: the same exit status, the same error lines about
H, the same packages installed besides pfa and pfb, the same files outside
pfa's and pfb's (so nothing of a refused package is visible), pfa and pfb
installed whenever the transaction ran, no crash or sanitizer report, and
nothing written outside the root.  Prints one line per failure and closes
with "N passed, N failed".
"""
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "hostile"))
import gen_corpus  # noqa: E402

MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
         "ThreadSanitizer", "ERROR: UndefinedBehaviorSanitizer")


def run(cmd, write_ahead=None):
    env = dict(os.environ, LC_ALL="C", NO_COLOR="1")
    if write_ahead:  # the reader also writes the good packages' files ahead
        env["PARE_WRITE_AHEAD"] = write_ahead
    try:
        p = subprocess.run(cmd, capture_output=True, timeout=60, env=env,
                           stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return None, ""
    return p.returncode, (p.stdout + p.stderr).decode("utf-8", "replace")


def installed(root):
    try:
        with open(os.path.join(root, "lib/apk/db/installed")) as f:
            return {line[2:].strip() for line in f if line.startswith("P:")}
    except FileNotFoundError:
        return set()


def tree(root):
    out = set()
    for d, dirs, files in os.walk(root):
        rel = os.path.relpath(d, root)
        if rel.startswith(("lib/apk", "usr/share/pfa", "usr/share/pfb", "etc/apk", "var")):
            continue
        for n in dirs + files:
            out.add(os.path.normpath(os.path.join(rel, n)))
    # the good packages' directories and their parents
    return out - {"usr", "usr/share", "usr/share/pfa", "usr/share/pfb"}


def install(pare, root, files, write_ahead=None):
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(root)
    return run([pare, "--root", root, "--allow-untrusted", "install-files", "--initdb",
                "--no-scripts"] + files, write_ahead)


def check(pare, work, canary, good, path):
    ra, rb = os.path.join(work, "a"), os.path.join(work, "b")
    rca, outa = install(pare, ra, [path])
    rcb, outb = install(pare, rb, [good[0], path, good[1]], "always")
    problems = []
    for what, rc, out in (("alone", rca, outa), ("between", rcb, outb)):
        if rc is None or rc < 0 or rc >= 128:
            problems.append("%s: crashed or hung (status %s)" % (what, rc))
        problems += ["%s: %s" % (what, m) for m in MARKS if m in out]
    if os.listdir(canary):
        problems.append("wrote outside the root: %s" % os.listdir(canary))
        for n in os.listdir(canary):
            shutil.rmtree(os.path.join(canary, n), ignore_errors=True)
    if problems:
        return problems
    if rca != rcb:
        problems.append("status %d alone, %d between good packages" % (rca, rcb))
    name = os.path.basename(path)
    la = [l for l in outa.splitlines() if name in l]
    lb = [l for l in outb.splitlines() if name in l]
    if la != lb:
        problems.append("messages differ: %r vs %r" % (la, lb))
    ia, ib = installed(ra), installed(rb)
    if ib - {"pfa", "pfb"} != ia:
        problems.append("installed %s alone, %s between" % (sorted(ia), sorted(ib)))
    if (rcb == 0 or ib) and not {"pfa", "pfb"} <= ib:
        problems.append("the good packages were not both installed: %s" % sorted(ib))
    ta, tb = tree(ra), tree(rb)
    if ta != tb:
        problems.append("files differ: alone only %s, between only %s" %
                        (sorted(ta - tb)[:5], sorted(tb - ta)[:5]))
    return problems


def make_good(pare, work):
    out = []
    for n in ("pfa", "pfb"):
        d = os.path.join(work, "src-" + n, "usr/share", n)
        os.makedirs(d)
        for i in range(3):
            with open(os.path.join(d, "f%d" % i), "wb") as f:
                f.write(os.urandom(3000))
        apk = os.path.join(work, n + ".apk")
        rc, out_ = run([pare, "mkpkg", "-o", apk, "-s", "pkgname=" + n, "-s", "pkgver=1.0-r0",
                        "-s", "arch=noarch", os.path.join(work, "src-" + n)])
        if rc != 0:
            sys.exit("mkpkg failed: " + out_)
        out.append(apk)
    return out


def main():
    if len(sys.argv) != 2:
        sys.stderr.write("usage: prefetch.py PARE\n")
        return 2
    pare = os.path.abspath(sys.argv[1])
    # on tmpfs when there is one: each install ends with a syncfs of its file system
    shm = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
    work = tempfile.mkdtemp(prefix="pare-prefetch-", dir=shm)
    try:
        canary = os.path.join(work, "canary")
        os.makedirs(canary)
        cases = gen_corpus.generate(os.path.join(work, "corpus"), canary)
        good = make_good(pare, work)
        passed = failed = 0
        for path, _expect in cases:
            problems = check(pare, work, canary, good, path)
            for p in problems:
                print("FAIL %s: %s" % (os.path.basename(path), p))
            failed += bool(problems)
            passed += not problems
        print("%d passed, %d failed" % (passed, failed))
        return 1 if failed or not passed else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
