#!/usr/bin/env python3
"""Differential check of the hostile corpus against apk-tools (issue 20).

usage: apk_diff.py PARE PINNED [--apk APK] [--write]     (or APK=... in the environment)

Generates the corpus of gen_corpus.py and, for every case, runs

    TOOL verify --allow-untrusted FILE
    TOOL extract --allow-untrusted -C ROOT FILE      (pare)
    TOOL extract --allow-untrusted --destination ROOT FILE   (apk)

and prints one line per case:

    NAME extracted=PATH,PATH,...|nothing verify=ok|fail

where extracted lists what the extraction left under ROOT (sorted relative
paths; "/" marks a directory, "@" a symlink) when it exited 0, and is
"nothing" when it failed or wrote nothing (apk 3.0's extract applet exits
0 on many packages it refuses, writing nothing; a failed extraction may
leave different debris in each tool).  The extraction outcome is what is
compared; verify verdicts are only counted.

PINNED is a text file of such lines recorded from apk-tools 3.0 (see its
header).  Without --apk, pare's lines are compared with PINNED; with
--apk, apk's lines are made live and compared with PINNED (so a pinned
file that no longer matches apk is noticed), then pare's with apk's.
--write (with --apk) rewrites PINNED from apk instead of comparing.

Lines of PINNED starting with "known NAME: reason" mark a case where pare
deliberately differs from apk-tools; such a case is reported, not failed.
Closes with "agree N, known N, differ N" and exits 1 if anything differs.
Standard library only.
"""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_corpus  # noqa: E402

TIMEOUT = 30


def run(cmd):
    env = dict(os.environ, LC_ALL="C", NO_COLOR="1")
    try:
        p = subprocess.run(cmd, capture_output=True, timeout=TIMEOUT, env=env,
                           stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return None
    return p.returncode


def listing(root):
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        rel = os.path.relpath(dirpath, root)
        for n in dirnames + filenames:
            p = os.path.normpath(os.path.join(rel, n))
            full = os.path.join(dirpath, n)
            mark = "@" if os.path.islink(full) else "/" if os.path.isdir(full) else ""
            out.append(p + mark)
    return ",".join(sorted(out)) or "(empty)"


def verdict(rc):
    return "ok" if rc == 0 else "timeout" if rc is None else "fail"


# apk 3.0.6's `extract --destination` follows an absolute entry name out of
# the destination (name-absolute-etc writes /etc/pare-hostile-test), so apk
# runs in a private mount namespace whose / is read-only; only the work
# folder (bound onto itself first) stays writable.
SANDBOX = 'mount --bind "$0" "$0" && mount -o remount,bind,ro / && exec "$@"'


def sandboxed(work, cmd):
    return ["unshare", "--mount", "--propagation", "private", "sh", "-c", SANDBOX, work] + cmd


def one(tool, is_apk, path, box):
    """"extracted=LIST verify=V" or "extracted=nothing verify=V"."""
    shutil.rmtree(box, ignore_errors=True)
    os.makedirs(box)
    wrap = (lambda c: sandboxed(os.path.dirname(box), c)) if is_apk else (lambda c: c)
    v = verdict(run(wrap([tool, "verify", "--allow-untrusted", path])))
    dest = ["--destination", box] if is_apk else ["-C", box]
    rc = run(wrap([tool, "extract", "--allow-untrusted"] + dest + [path]))
    files = listing(box) if rc == 0 else "(empty)"
    return "extracted=%s verify=%s" % ("nothing" if files == "(empty)" else files, v)


def lines_for(tool, is_apk, cases, box):
    return {os.path.basename(p)[:-4]: one(tool, is_apk, p, box) for p, _ in cases}


def read_pinned(path):
    pinned, known = {}, {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            if line.startswith("known "):
                name, _, why = line[6:].partition(":")
                known[name.strip()] = why.strip()
                continue
            name, _, rest = line.partition(" ")
            pinned[name] = rest
    return pinned, known


def write_pinned(path, apk_lines, known):
    with open(path, "w", encoding="utf-8") as f:
        f.write("# apk-tools 3.0 verdicts on the hostile corpus (tests/hostile/gen_corpus.py),\n"
                "# recorded by tests/hostile/apk_diff.py --apk APK --write; one line per case:\n"
                "# NAME extracted=..|nothing verify=..  (see apk_diff.py).  \"known NAME: why\"\n"
                "# marks a case where pare deliberately differs.  Recorded with apk-tools 3.0.6\n"
                "# (built outside this repository).  apk ran with / read-only: its extract\n"
                "# follows an absolute entry name out of --destination.\n")
        for name, why in sorted(known.items()):
            f.write("known %s: %s\n" % (name, why))
        for name in sorted(apk_lines):
            f.write("%s %s\n" % (name, apk_lines[name]))


def compare(label, got, want, known):
    """Compare the extraction outcome (the first field); count verify
    verdicts that differ separately (apk's verify of an unsigned v2 package
    with --allow-untrusted does not check the per-file checksums)."""
    agree = kn = differ = vdiff = 0
    for name in sorted(set(got) | set(want)):
        g, w = got.get(name, "(missing) -"), want.get(name, "(missing) -")
        vdiff += g.split(" ")[-1] != w.split(" ")[-1]
        if g.split(" ")[0] == w.split(" ")[0]:
            agree += 1
        elif name in known:
            kn += 1
            print("known %s: %s: pare %s; apk %s (%s)" % (label, name, g, w, known[name]))
        else:
            differ += 1
            print("DIFFER %s: %s: pare %s; apk %s" % (label, name, g, w))
    print("%s: verify verdicts differ on %d of %d cases (not compared)" %
          (label, vdiff, len(set(got) | set(want))))
    return agree, kn, differ


def main():
    args = sys.argv[1:]
    apk = None
    write = "--write" in args
    if write:
        args.remove("--write")
    if "--apk" in args:
        i = args.index("--apk")
        apk = os.path.abspath(args[i + 1])
        del args[i:i + 2]
    apk = apk or (os.path.abspath(os.environ["APK"]) if os.environ.get("APK") else None)
    if len(args) != 2 or (write and not apk):
        sys.stderr.write("usage: apk_diff.py PARE PINNED [--apk APK] [--write]\n")
        return 2
    pare, pinned_path = os.path.abspath(args[0]), args[1]
    tmp = tempfile.mkdtemp(prefix="pare-apkdiff-")
    try:
        cases = gen_corpus.generate(os.path.join(tmp, "corpus"), os.path.join(tmp, "canary"))
        box = os.path.join(tmp, "root")
        pinned, known = read_pinned(pinned_path) if os.path.exists(pinned_path) else ({}, {})
        if apk:
            apk_lines = lines_for(apk, True, cases, box)
            if write:
                write_pinned(pinned_path, apk_lines, known)
                print("wrote %d apk verdicts to %s" % (len(apk_lines), pinned_path))
                return 0
            _, _, stale = compare("pinned-vs-live-apk", pinned, apk_lines, {})
            if stale:
                print("the pinned verdicts no longer match this apk: rerun with --write")
            want = apk_lines
        else:
            stale = 0
            want = pinned
        got = lines_for(pare, False, cases, box)
        agree, kn, differ = compare("pare-vs-apk", got, want, known)
        print("agree %d, known %d, differ %d" % (agree, kn, differ + stale))
        return 1 if differ or stale or not agree else 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
