#!/usr/bin/env python3
"""Run the command blocks of README.md, as a reader would type them.

usage: run_readme.py PARE README.md SOURCE_ROOT (fast|slow)

A command block is a fenced (```) or indented (4 spaces) code block.  The
HTML comment on the line before it (blank lines allowed) may mark it:

  <!-- readme: synopsis -->     a synopsis with placeholders: never run
  <!-- readme: slow -->         needs the network or a long time: run only
                                in the slow mode (meson test --setup slow)
  <!-- readme: in-checkout -->  runs in a copy of SOURCE_ROOT (no .git, no
                                build folders) instead of the scratch
                                directory (combine: "slow, in-checkout")
  <!-- readme: needs APPLET --> run only when `pare APPLET --help` works
                                (a block written ahead of its applet)

Unmarked blocks run in both modes.  Blocks run in order, each with
`bash -euo pipefail`, in one scratch directory shared by the blocks (state
carries over, as for a reader), with the pare under test first on PATH.
Prints one line per block and closes with "N passed, N failed, N skipped".
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

MARK = re.compile(r"<!--\s*readme:\s*(.*?)\s*-->")


def blocks(text):
    """(marks, code, line) of every code block."""
    lines = text.split("\n")
    out, i, marks = [], 0, None
    while i < len(lines):
        line = lines[i]
        m = MARK.search(line)
        if m:
            marks = {w.strip() for w in m.group(1).split(",") if w.strip()}
            i += 1
            continue
        if line.startswith("```"):
            start, body = i + 1, []
            i += 1
            while i < len(lines) and not lines[i].startswith("```"):
                body.append(lines[i])
                i += 1
            out.append((marks or set(), "\n".join(body), start + 1))
            marks, i = None, i + 1
            continue
        if line.startswith("    ") and (i == 0 or not lines[i - 1].strip()):
            start, body = i, []
            while i < len(lines) and (lines[i].startswith("    ") or not lines[i].strip()):
                body.append(lines[i][4:])
                i += 1
            while body and not body[-1].strip():
                body.pop()
            out.append((marks or set(), "\n".join(body), start + 1))
            marks = None
            continue
        if line.strip():
            marks = None
        i += 1
    return out


def has(marks, word):
    return any(m.split()[0] == word for m in marks)


def needs_ok(pare, marks):
    for m in marks:
        if m.startswith("needs "):
            applet = m.split(None, 1)[1]
            p = subprocess.run([pare, applet, "--help"], capture_output=True)
            if p.returncode != 0:
                return "pare %s is not there yet" % applet
    return None


def checkout(root, scratch):
    """A copy of the source tree (no .git, no build folders) in scratch, so
    that a block run "in the checkout" never touches the real one."""
    dest = os.path.join(scratch, "checkout")
    if not os.path.isdir(dest):
        def ignore(d, names):
            # build folders at the top only (src/build is source)
            top = os.path.abspath(d) == os.path.abspath(root)
            return [n for n in names if n == ".git" or n.endswith(".log") or
                    (top and (n == "build" or n.startswith("build-")))]
        shutil.copytree(root, dest, symlinks=True, ignore=ignore)
    return dest


def main():
    pare, readme, root, mode = sys.argv[1:5]
    pare = os.path.abspath(pare)
    bindir = tempfile.mkdtemp(prefix="pare-readme-bin-")
    os.symlink(pare, os.path.join(bindir, "pare"))
    scratch = tempfile.mkdtemp(prefix="pare-readme-")
    env = dict(os.environ, PATH=bindir + ":" + os.environ.get("PATH", ""), LC_ALL="C")
    passed = failed = skipped = 0
    try:
        for marks, code, line in blocks(open(readme, encoding="utf-8").read()):
            where = "README.md:%d" % line
            why = None
            if has(marks, "synopsis"):
                why = "synopsis"
            elif has(marks, "slow") and mode != "slow":
                why = "slow (meson test --setup slow)"
            else:
                why = needs_ok(pare, marks)
            if why:
                skipped += 1
                print("skip %s: %s" % (where, why))
                continue
            cwd = checkout(root, scratch) if has(marks, "in-checkout") else scratch
            p = subprocess.run(["bash", "-euo", "pipefail", "-c", code], cwd=cwd, env=env,
                               capture_output=True, timeout=3000 if has(marks, "slow") else 300,
                               stdin=subprocess.DEVNULL)
            if p.returncode == 0:
                passed += 1
                print("ok   %s" % where)
            else:
                failed += 1
                print("FAIL %s: exit %d\n--- block\n%s\n--- stdout\n%s--- stderr\n%s" % (
                    where, p.returncode, code, p.stdout.decode(errors="replace")[-3000:],
                    p.stderr.decode(errors="replace")[-3000:]))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        shutil.rmtree(bindir, ignore_errors=True)
    print("%d passed, %d failed, %d skipped" % (passed, failed, skipped))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
