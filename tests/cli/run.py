#!/usr/bin/env python3
"""CLI scenario runner: one scenario per file, expected output beside it.

usage: run.py PARE CLI_DIR SHARED_DIR [NAME...]

A scenario is scenarios/NAME.cmd (the arguments to pare on one line, split
as a shell would, without running a shell) or scenarios/NAME.sh (a bash
script run with $PARE, $SHARED and a fresh temporary directory as the
working directory, for scenarios that need set-up).  Expected results:
NAME.out (exact stdout), NAME.err (exact stderr), NAME.exit (exit status);
a missing .out/.err means "empty", a missing .exit means 0.  In every file,
@SHARED@ and @TMP@ are replaced by the shared/ folder and the temporary
directory.  Prints one line per failure with a diff and closes with
"N passed, N failed".
"""
import difflib
import os
import shlex
import subprocess
import sys
import tempfile


def read(path, subst):
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        text = f.read()
    for k, v in subst.items():
        text = text.replace(k, v)
    return text


def run_one(pare, base, shared):
    with tempfile.TemporaryDirectory(prefix="pare-cli-") as tmp:
        subst = {"@SHARED@": shared, "@TMP@": tmp}
        env = dict(os.environ, PARE=pare, SHARED=shared, LC_ALL="C", NO_COLOR="1")
        env.pop("SOURCE_DATE_EPOCH", None)
        if os.path.exists(base + ".cmd"):
            args = shlex.split(read(base + ".cmd", subst))
            cmd = [pare] + args
        else:
            cmd = ["bash", "-eu", base + ".sh"]
        p = subprocess.run(cmd, cwd=tmp, env=env, capture_output=True, timeout=120,
                           stdin=subprocess.DEVNULL)
        problems = []
        for stream, got in (("out", p.stdout), ("err", p.stderr)):
            want = read(base + "." + stream, subst) or ""
            got = got.decode("utf-8", "replace")
            if got != want:
                diff = difflib.unified_diff(want.splitlines(True), got.splitlines(True),
                                            "expected " + stream, "actual " + stream)
                problems.append("".join(diff))
        want_exit = int((read(base + ".exit", subst) or "0").strip())
        if p.returncode != want_exit:
            problems.append("exit status %d, expected %d\n" % (p.returncode, want_exit))
        return problems


def main():
    pare, cli_dir, shared = (os.path.abspath(a) for a in sys.argv[1:4])
    only = set(sys.argv[4:])
    sdir = os.path.join(cli_dir, "scenarios")
    names = sorted({os.path.splitext(f)[0] for f in os.listdir(sdir)
                    if f.endswith((".cmd", ".sh"))})
    passed = failed = 0
    for name in names:
        if only and name not in only:
            continue
        problems = run_one(pare, os.path.join(sdir, name), shared)
        if problems:
            failed += 1
            print("FAIL %s\n%s" % (name, "".join(problems)))
        else:
            passed += 1
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
