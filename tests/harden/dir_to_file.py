#!/usr/bin/env python3
"""Issue 20: a directory that becomes a file or a symlink on upgrade must
apply (it failed with "a directory exists where the package has a file",
leaving the old version).  A directory that holds a file the old version
does not own (a user's, another package's) still refuses the upgrade.

usage: dir_to_file.py PARE
"""
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "install"))
import run as inst  # noqa: E402  (signed packages, roots, audit)


def main():
    base = tempfile.mkdtemp(prefix="pare-dir-to-file-")
    try:
        env = inst.Env(base)
        a1 = env.pkg("a", "1-r0", {"usr/share/x/f": b"1\n", "usr/share/y/sub/g": b"1\n",
                                   "usr/share/z": b"file\n"})
        a2 = env.pkg("a", "2-r0", {"usr/share/x": b"now a file\n", "usr/share/y": ("link", "x"),
                                   "usr/share/z/h": b"now a dir\n"})
        r = env.root("ok")
        inst.pare("install-files", "--initdb", a1, root=r, check_rc=0)
        p = inst.pare("install-files", a2, root=r)
        share = os.path.join(r, "usr/share")
        inst.check(p.returncode == 0, "upgrade applies: %s" % p.stderr.strip())
        inst.check(os.path.isfile(share + "/x") and open(share + "/x").read() == "now a file\n",
                   "the directory became the file")
        inst.check(os.path.islink(share + "/y") and os.readlink(share + "/y") == "x",
                   "the directory became the symlink")
        inst.check(os.path.isfile(share + "/z/h"), "the file became a directory")
        inst.check(inst.audit(r) == "", "audit is clean: %r" % inst.audit(r))
        db = open(os.path.join(r, "lib/apk/db/installed")).read()
        inst.check("V:2-r0" in db and "R:f" not in db, "the database holds a-2 only")

        sh = env.pkg("sh", "1-r0", {"bin/busybox": open("/bin/busybox", "rb").read(),
                                    "bin/sh": ("link", "busybox")})
        bad = env.pkg("a", "3-r0", {"usr/share/x/f": b"3\n", "usr/share/z/h": b"3\n"},
                      scripts={"pre-upgrade": "#!/bin/sh\nexit 1\n"})
        r3 = env.root("abort")
        inst.pare("install-files", "--initdb", sh, a1, root=r3, check_rc=0)
        p = inst.pare("install-files", bad, root=r3)
        z = os.path.join(r3, "usr/share/z")
        inst.check(p.returncode != 0 and os.path.isfile(z) and open(z).read() == "file\n",
                   "a failed upgrade puts the file back where the directory was")
        inst.check(inst.stale(r3) == [], "no temporaries left: %s" % inst.stale(r3))

        r2 = env.root("foreign")
        inst.pare("install-files", "--initdb", a1, root=r2, check_rc=0)
        open(os.path.join(r2, "usr/share/x/mine"), "w").write("user data\n")
        p = inst.pare("install-files", a2, root=r2)
        inst.check(p.returncode != 0 and "a directory exists" in p.stderr,
                   "a directory with a foreign file is not replaced")
        inst.check(open(os.path.join(r2, "usr/share/x/mine")).read() == "user data\n",
                   "the foreign file is intact")
    finally:
        shutil.rmtree(base, ignore_errors=True)
    return 1 if inst.failures else 0


if __name__ == "__main__":
    sys.exit(main())
