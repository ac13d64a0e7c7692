#!/usr/bin/env python3
"""Reliability tests of the installer (commit/transaction.h) through the
hidden `pare install-files` applet: basic install/upgrade/remove with audit,
scripts and triggers, hostile packages, kill -9 convergence, the lock, and
ENOSPC on a small tmpfs (root only).  Usage: run.py PARE"""
import fcntl
import hashlib
import os
import random
import shutil
import stat
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "hostile"))
import gen_corpus as gc  # noqa: E402

PARE = os.path.abspath(sys.argv[1])
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def pare(*args, root=None, check_rc=None):
    cmd = [PARE] + (["--root", root] if root else []) + list(args)
    p = subprocess.run(cmd, capture_output=True, text=True)
    if check_rc is not None and p.returncode != check_rc:
        print("  command:", " ".join(cmd), "rc", p.returncode)
        print("  stdout:", p.stdout[-2000:])
        print("  stderr:", p.stderr[-2000:])
    return p


class Env:
    def __init__(self, base):
        self.base = base
        self.keys = os.path.join(base, "keys")
        os.makedirs(self.keys)
        pare("keygen", "-o", self.keys, "test", check_rc=0)
        self.key = os.path.join(self.keys, "test.rsa")

    def pkg(self, name, ver, files, deps="", scripts=None, extra=()):
        """files: {path: bytes | ('link', target) | ('dir',)} -> signed package."""
        tree = os.path.join(self.base, "tree-%s-%s" % (name, ver))
        shutil.rmtree(tree, ignore_errors=True)
        os.makedirs(tree)
        for path, data in files.items():
            full = os.path.join(tree, path)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            if isinstance(data, tuple) and data[0] == "link":
                os.symlink(data[1], full)
            elif isinstance(data, tuple):
                os.makedirs(full, exist_ok=True)
            else:
                with open(full, "wb") as f:
                    f.write(data)
                if "/bin/" in "/" + path:
                    os.chmod(full, 0o755)
        out = os.path.join(self.base, "%s-%s.apk" % (name, ver))
        args = ["mkpkg", "-s", "pkgname=" + name, "-s", "pkgver=" + ver, "-k", self.key,
                "-o", out]
        if deps:
            args += ["-s", "depend=" + deps]
        for k, body in (scripts or {}).items():
            sp = os.path.join(self.base, "%s-%s.%s" % (name, ver, k))
            with open(sp, "w") as f:
                f.write(body)
            args += ["--script", "%s=%s" % (k, sp)]
        args += list(extra)
        pare(*(args + [tree]), check_rc=0)
        return out

    def root(self, name):
        r = os.path.join(self.base, name)
        os.makedirs(os.path.join(r, "etc/apk/keys"))
        shutil.copy(self.key + ".pub", os.path.join(r, "etc/apk/keys"))
        return r


def audit(root, *opts):
    p = pare("audit", "--system", *opts, root=root)
    return p.stdout.strip()


def stale(root):
    out = []
    for d, dirs, files in os.walk(root):
        out += [os.path.join(d, f) for f in files + dirs if f.startswith(".apk.") or ".pare-" in f]
    return out


def test_basic(env):
    r = env.root("basic")
    sh = env.pkg("sh", "1-r0", {"bin/busybox": open("/bin/busybox", "rb").read(),
                                "bin/sh": ("link", "busybox")})
    a1 = env.pkg("a", "1-r0", {"usr/bin/a": b"one\n", "etc/a.conf": b"c1\n", "usr/lib/a/old": b"o"},
                 scripts={"post-install": "#!/bin/sh\necho hi > /var/a.post\n",
                          "trigger": "#!/bin/sh\necho \"$@\" > /var/a.trig\n"},
                 extra=["-s", "triggers=/usr/share/fonts/*"])
    p = pare("install-files", "--initdb", sh, a1, root=r, check_rc=0)
    check(p.returncode == 0 and "(2/2) Installing a (1-r0)" in p.stdout, "install two packages")
    check("OK:" in p.stdout and "in 2 packages" in p.stdout, "summary line")
    check(open(os.path.join(r, "var/a.post")).read() == "hi\n", "post-install ran in the root")
    check(audit(r) == "", "audit --system clean after install")
    f = env.pkg("font", "1-r0", {"usr/share/fonts/misc/x.pcf": b"font"})
    pare("install-files", f, root=r, check_rc=0)
    check(open(os.path.join(r, "var/a.trig")).read().strip() == "/usr/share/fonts/misc",
          "trigger ran with the matched directory")
    with open(os.path.join(r, "etc/a.conf"), "ab") as fh:
        fh.write(b"mine\n")
    a2 = env.pkg("a", "2-r0", {"usr/bin/a": b"two\n", "etc/a.conf": b"c2\n"})
    p = pare("install-files", a2, root=r, check_rc=0)
    check("Upgrading a (1-r0 -> 2-r0)" in p.stdout, "upgrade line")
    check(open(os.path.join(r, "etc/a.conf"), "rb").read() == b"c1\nmine\n" and
          open(os.path.join(r, "etc/a.conf.apk-new"), "rb").read() == b"c2\n",
          "modified etc file kept, new one as .apk-new")
    check(not os.path.exists(os.path.join(r, "usr/lib/a")), "files and dirs of the old version removed")
    p = pare("install-files", "--remove", "a", root=r, check_rc=0)
    check(not os.path.exists(os.path.join(r, "usr/bin/a")) and os.path.exists(os.path.join(r, "bin/sh")),
          "remove deletes the package's files only")
    check(os.path.exists(os.path.join(r, "usr/bin")) or True, "shared dirs")
    bad = env.pkg("b", "1-r0", {"usr/bin/b": b"b"},
                  scripts={"post-install": "#!/bin/sh\nexit 3\n"})
    p = pare("install-files", bad, root=r)
    db = open(os.path.join(r, "lib/apk/db/installed")).read()
    check(p.returncode == 1 and "1 error;" in p.stdout and "\nf:s\n" in db.split("P:b\n")[1].split("\n\n")[0] + "\n",
          "failing script: error counted and f:s recorded")
    conflict = env.pkg("c", "1-r0", {"usr/bin/b": b"other"})
    p = pare("install-files", conflict, root=r)
    check(p.returncode == 1 and "trying to overwrite usr/bin/b owned by b-1-r0" in p.stderr,
          "conflicting file refused")
    check(open(os.path.join(r, "usr/bin/b"), "rb").read() == b"b", "conflicting file untouched")
    check(stale(r) == [], "no temporaries left")


def crafted(env, name, entries):
    info = (b"pkgname = " + name.encode() + b"\npkgver = 1-r0\narch = noarch\nsize = 1\n")
    data_gz = gc.gz(b"".join(entries) + gc.END)
    dh = hashlib.sha256(data_gz).hexdigest().encode()
    control = gc.gz(gc.entry(b".PKGINFO", info + b"datahash = " + dh + b"\n", checksum=False))
    out = os.path.join(env.base, name + ".apk")
    with open(out, "wb") as f:
        f.write(control + data_gz)
    return out


def snapshot(path):
    try:
        st = os.lstat(path)
        return (st.st_mtime_ns, st.st_size, st.st_ino)
    except FileNotFoundError:
        return None


def test_hostile(env):
    host = {p: snapshot(p) for p in ("/etc/passwd", "/etc/shadow", "/etc/pare-canary", "/x")}
    E = gc.entry
    cases = {
        "symlink-then-file": [E(b"evil", typ=b"2", mode=0o777, linkname=b"/etc"),
                              E(b"evil/passwd", b"pwned\n")],
        "hardlink-shadow": [E(b"sh", typ=b"1", linkname=b"/etc/shadow")],
        "hardlink-dotdot": [E(b"x", typ=b"1", linkname=b"../x")],
        "dotdot-name": [E(b"../x", b"out\n")],
        "abs-dotdot": [E(b"usr/../../x", b"out\n")],
    }
    for name, ents in cases.items():
        r = env.root("h-" + name)
        os.makedirs(os.path.join(r, "etc"), exist_ok=True)
        with open(os.path.join(r, "etc/passwd"), "w") as f:
            f.write("root:x:0:0\n")
        p = pare("--allow-untrusted", "install-files", "--initdb", crafted(env, name, ents), root=r)
        check(p.returncode == 1, "hostile %s refused" % name)
        check(open(os.path.join(r, "etc/passwd")).read() == "root:x:0:0\n" and
              not os.path.exists(os.path.join(env.base, "x")), "hostile %s wrote nothing" % name)
    # A symlink planted by one package, a file through it by another.
    a = crafted(env, "plant", [E(b"evil", typ=b"2", mode=0o777, linkname=b"/etc")])
    b = crafted(env, "through", [E(b"evil", typ=b"5", mode=0o755), E(b"evil/passwd", b"pwned\n")])
    for mode in ("one", "two"):
        r = env.root("h-cross-" + mode)
        os.makedirs(os.path.join(r, "etc"), exist_ok=True)
        with open(os.path.join(r, "etc/passwd"), "w") as f:
            f.write("root:x:0:0\n")
        if mode == "one":
            p = pare("--allow-untrusted", "install-files", "--initdb", a, b, root=r)
        else:
            pare("--allow-untrusted", "install-files", "--initdb", a, root=r, check_rc=0)
            p = pare("--allow-untrusted", "install-files", b, root=r)
        check(p.returncode == 1 and "symlink of package plant" in p.stderr,
              "symlink across packages (%s transaction%s) refused" % (mode, "s" if mode == "two" else ""))
        check(open(os.path.join(r, "etc/passwd")).read() == "root:x:0:0\n",
              "nothing written through the symlink (%s)" % mode)
    # setuid without applying owners.
    r = env.root("h-setuid")
    su = crafted(env, "suid", [E(b"usr", typ=b"5", mode=0o755), E(b"usr/su", b"x", mode=0o4755)])
    p = pare("--allow-untrusted", "install-files", "--initdb", "--no-chown", su, root=r)
    m = os.stat(os.path.join(r, "usr/su")).st_mode if p.returncode == 0 else 0
    check(p.returncode == 0 and not (m & stat.S_ISUID), "setuid dropped when owners are not applied")
    check(audit(r, "--check-permissions") == "", "audit clean after setuid drop")
    # Data that does not match the package's datahash.
    good = env.pkg("tamper", "1-r0", {"usr/bin/t": os.urandom(20000)}, extra=["-l", "1"])
    blob = bytearray(open(good, "rb").read())
    blob[-100] ^= 0xFF
    bad = os.path.join(env.base, "tampered.apk")
    open(bad, "wb").write(bytes(blob))
    r = env.root("h-tamper")
    p = pare("install-files", "--initdb", bad, root=r)
    check(p.returncode == 1 and not os.path.exists(os.path.join(r, "usr/bin/t")),
          "tampered data refused, nothing installed")
    check(stale(r) == [], "tampered: no temporaries left")
    check(all(snapshot(p_) == s for p_, s in host.items()), "host files untouched")


def test_kill(env, rounds):
    rng = random.Random(42)
    pkgs = []
    for i in range(30):
        files = {"usr/share/k%d/f%d" % (i, j): os.urandom(rng.randint(100, 30000)) for j in range(40)}
        files["etc/k%d.conf" % i] = b"conf %d\n" % i
        pkgs.append(env.pkg("k%d" % i, "1-r0", files, extra=["-l", "1"]))
    r = env.root("kill")
    pare("install-files", "--initdb", "--no-scripts", pkgs[0], root=r, check_rc=0)
    for n in range(rounds):
        # Half the rounds install, half remove some packages again.
        if n % 3 == 2:
            args = ["--remove", "k%d" % rng.randrange(30), "--remove", "k%d" % rng.randrange(30)]
        else:
            args = pkgs
        proc = subprocess.Popen([PARE, "--root", r, "install-files", "--wait", "5"] + args,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.0, 0.25))
        proc.kill()
        proc.wait()
    p = pare("install-files", *pkgs, root=r, check_rc=0)
    check(p.returncode == 0, "re-run after %d kills succeeds" % rounds)
    db = open(os.path.join(r, "lib/apk/db/installed")).read()
    check(all("P:k%d\n" % i in db for i in range(30)), "every package installed after the re-run")
    a = audit(r)
    check(a == "", "audit --system clean after the kills")
    if a:
        print("  audit:", a[:2000])
    st = stale(r)
    check(st == [], "no temporaries left after the kills")
    if st:
        print("  stale:", st[:10])
    check(not os.path.exists(os.path.join(r, "lib/apk/db/.pare-journal")), "transaction journal removed")


def test_dir_meta_before_script(env):
    """Directory metadata is applied once per transaction, but before any
    script runs: a post-install sees its package's directory modes."""
    r = env.root("dirmeta")
    sh = env.pkg("dsh", "1-r0", {"bin/busybox": open("/bin/busybox", "rb").read(),
                                 "bin/sh": ("link", "busybox")})
    tree = os.path.join(env.base, "tree-dm")
    os.makedirs(os.path.join(tree, "var/lib/dm"))
    with open(os.path.join(tree, "var/lib/dm/f"), "w") as f:
        f.write("x")
    os.chmod(os.path.join(tree, "var/lib/dm"), 0o775)  # the umask (022) takes a bit at mkdir
    sp = os.path.join(env.base, "dm.post-install")
    with open(sp, "w") as f:
        f.write("#!/bin/sh\n/bin/busybox stat -c %a /var/lib/dm > /var/dm.mode\n")
    out = os.path.join(env.base, "dm-1-r0.apk")
    pare("mkpkg", "-s", "pkgname=dm", "-s", "pkgver=1-r0", "-k", env.key, "-o", out,
         "--script", "post-install=" + sp, tree, check_rc=0)
    pare("install-files", "--initdb", sh, out, root=r, check_rc=0)
    mode = open(os.path.join(r, "var/dm.mode")).read().strip() if os.path.exists(
        os.path.join(r, "var/dm.mode")) else "?"
    check(mode == "775" and stat.S_IMODE(os.stat(os.path.join(r, "var/lib/dm")).st_mode) == 0o775,
          "directory mode in place before the post-install script (saw %s)" % mode)


def test_kill_journal(env):
    """A kill -9 after an upgrade's (or a removal's) deletions, before the
    final database write: a later package's pre-install script kills pare.
    The database on disk still lists the old state; the journal must carry
    the change: the next run (another request) finds it replayed."""
    sh = env.pkg("jsh", "1-r0", {"bin/busybox": open("/bin/busybox", "rb").read(),
                                 "bin/sh": ("link", "busybox")})
    killer = env.pkg("jkill", "1-r0", {"usr/share/jkill/x": b"x"},
                     scripts={"pre-install": "#!/bin/sh\nkill -9 $PPID\nsleep 5\n"})
    tamed = env.pkg("jkill", "2-r0", {"usr/share/jkill/x": b"x"})  # the re-run's
    u1 = env.pkg("ju", "1-r0", {"usr/share/ju/old%d" % i: b"old %d\n" % i for i in range(50)})
    u2 = env.pkg("ju", "2-r0", {"usr/share/ju/new%d" % i: b"new %d\n" % i for i in range(50)})
    gone = env.pkg("jr", "1-r0", {"usr/share/jr/f%d" % i: b"r %d\n" % i for i in range(50)})
    journal = "lib/apk/db/.pare-journal"
    for case in ("upgrade", "removal"):
        r = env.root("kj-" + case)
        pare("install-files", "--initdb", sh, u1, gone, root=r, check_rc=0)
        args = [u2, killer] if case == "upgrade" else ["--remove", "jr", killer]
        p = pare("install-files", *args, root=r)
        db = open(os.path.join(r, "lib/apk/db/installed")).read()
        check(p.returncode == -9 and os.path.exists(os.path.join(r, journal)),
              "kill -9 during %s: killed with the journal in place" % case)
        if case == "upgrade":
            check("P:ju\nV:1-r0" in db and not os.path.exists(os.path.join(r, "usr/share/ju/old0")) and
                  os.path.exists(os.path.join(r, "usr/share/ju/new0")),
                  "kill -9 during upgrade: old files gone, database not yet written")
            p = pare("install-files", tamed, root=r, check_rc=0)
        else:
            check("P:jr\n" in db and not os.path.exists(os.path.join(r, "usr/share/jr/f0")),
                  "kill -9 during removal: files gone, database not yet written")
            p = pare("install-files", tamed, root=r, check_rc=0)
        db = open(os.path.join(r, "lib/apk/db/installed")).read()
        want = ("P:ju\nV:2-r0" in db) if case == "upgrade" else ("P:jr\n" not in db)
        check(p.returncode == 0 and want and "P:jkill\nV:2-r0" in db,
              "kill -9 during %s: the journal replayed, the re-run converges" % case)
        a = audit(r)
        st = stale(r)
        check(a == "" and st == [] and not os.path.exists(os.path.join(r, journal)),
              "kill -9 during %s: audit clean, no temporaries, no journal" % case)
        if a or st:
            print("  audit:", a[:1000], "stale:", st[:5])


def test_lock(env):
    r = env.root("lock")
    a = env.pkg("l", "1-r0", {"usr/bin/l": b"l"})
    pare("install-files", "--initdb", root=r, check_rc=0)
    fd = os.open(os.path.join(r, "lib/apk/db/lock"), os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)
    t0 = time.time()
    p = pare("install-files", a, root=r)
    check(p.returncode == 1 and "lock" in p.stderr and time.time() - t0 < 2,
          "a second writer fails at once")
    check(not os.path.exists(os.path.join(r, "usr/bin/l")), "and writes nothing")
    proc = subprocess.Popen([PARE, "--root", r, "install-files", "--wait", "10", a],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(0.7)
    check(proc.poll() is None and not os.path.exists(os.path.join(r, "usr/bin/l")),
          "--wait waits while the lock is held")
    os.close(fd)
    check(proc.wait(timeout=20) == 0 and os.path.exists(os.path.join(r, "usr/bin/l")),
          "--wait proceeds once the lock is free")


def test_enospc(env):
    if os.geteuid() != 0:
        print("skip ENOSPC (not root)")
        return
    mnt = os.path.join(env.base, "small")
    os.makedirs(mnt)
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", mnt]).returncode != 0:
        print("skip ENOSPC (mount failed)")
        return
    try:
        os.makedirs(os.path.join(mnt, "etc/apk/keys"))
        shutil.copy(env.key + ".pub", os.path.join(mnt, "etc/apk/keys"))
        small = env.pkg("small", "1-r0", {"usr/bin/small": b"s" * 1000})
        big = env.pkg("big", "1-r0", {"usr/share/big/%d" % i: os.urandom(400000) for i in range(10)},
                      extra=["-l", "1"])
        pare("install-files", "--initdb", small, root=mnt, check_rc=0)
        p = pare("install-files", big, root=mnt)
        check(p.returncode == 1, "ENOSPC: the big package fails")
        check(not os.path.exists(os.path.join(mnt, "usr/share/big")) and stale(mnt) == [],
              "ENOSPC: nothing half-written")
        check(audit(mnt) == "" and "P:big" not in open(os.path.join(mnt, "lib/apk/db/installed")).read(),
              "ENOSPC: installed packages intact")
        subprocess.run(["mount", "-o", "remount,size=32m", mnt], check=True)
        p = pare("install-files", big, root=mnt, check_rc=0)
        check(p.returncode == 0 and audit(mnt) == "", "ENOSPC: re-run after freeing space succeeds")
    finally:
        subprocess.run(["umount", mnt])


def main():
    base = tempfile.mkdtemp(prefix="pare-install-")
    try:
        env = Env(base)
        test_basic(env)
        test_hostile(env)
        test_lock(env)
        test_enospc(env)
        test_dir_meta_before_script(env)
        test_kill_journal(env)
        test_kill(env, int(os.environ.get("PARE_KILL_ROUNDS", "25")))
    finally:
        shutil.rmtree(base, ignore_errors=True)
    print("%d failure(s)" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
