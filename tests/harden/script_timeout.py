#!/usr/bin/env python3
"""Issue 20 defect 5: a pre-install script that never ends (and leaves a
background child holding its output) must not block pare forever while it
holds the database lock: with --script-timeout 2 the script's process
group is killed, the run ends, and the lock is free again.

usage: script_timeout.py PARE
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "install"))
import run as inst  # noqa: E402  (its Env builds signed packages with scripts)

MARK = "pare-hang-%d" % os.getpid()


def main():
    base = tempfile.mkdtemp(prefix="pare-script-timeout-")
    ok = True
    try:
        env = inst.Env(base)
        sh = env.pkg("sh", "1-r0", {"bin/busybox": open("/bin/busybox", "rb").read(),
                                    "bin/sh": ("link", "busybox")})
        hang = env.pkg("hang", "1-r0", {"usr/share/hang": b"x\n"}, scripts={
            "pre-install": "#!/bin/sh\necho starting\n"
                           "/bin/busybox sh -c '/bin/busybox sleep 30; :' %s &\n"
                           "/bin/busybox sh -c '/bin/busybox sleep 30; :' %s\n" % (MARK, MARK)})
        r = env.root("r")
        inst.pare("install-files", "--initdb", sh, root=r, check_rc=0)
        t0 = time.monotonic()
        p = subprocess.run([inst.PARE, "--root", r, "--script-timeout", "2", "install-files", hang],
                           capture_output=True, text=True, timeout=60)
        took = time.monotonic() - t0
        out = p.stdout + p.stderr
        print(out.strip())
        checks = [
            (took < 10, "the run ended after %.1f s" % took),
            ("still running after 2 s" in out, "the timeout is reported"),
            (subprocess.run(["pgrep", "-f", MARK], capture_output=True).returncode != 0,
             "no process of the script's group survives"),
        ]
        q = subprocess.run([inst.PARE, "--root", r, "--wait", "0", "install-files", sh],
                           capture_output=True, text=True, timeout=30)
        checks.append(("lock" not in (q.stdout + q.stderr).lower(), "the lock is free again"))
        h = subprocess.run([inst.PARE, "help"], capture_output=True, text=True)
        checks.append(("--script-timeout SECONDS" in h.stdout + h.stderr, "documented in help"))
        for good, what in checks:
            print(("ok   " if good else "FAIL ") + what)
            ok &= good
    finally:  # a surviving script (the bug) ends by itself within 30 s
        shutil.rmtree(base, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
