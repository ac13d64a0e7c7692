#!/usr/bin/env python3
"""Files the reader thread writes ahead end up as the main thread writes them.

usage: write_ahead.py PARE

With two or more local packages, the transaction's reader thread may write
their regular files ahead as unnamed files (commit/txn_prefetch.c);
PARE_WRITE_AHEAD=always makes it do so for every package, =never never.
This installs the same packages (modes 0600..04755 and 02750, owners from
PAX records, xattrs, empty and large files, hard links and symlinks to
written files, a protected configuration file) with `never`, `always` and
unset into fresh roots and requires identical trees (type, mode, owner,
mtime, content, link count, symlink target, xattrs, the installed
database); then the same for an upgrade to second versions over a modified
protected file (.apk-new); with umask 077, and into a set-gid top
directory of another group; then, when a tmpfs can be mounted below the
root (unshare -m), that `always` installs there too (nothing is written
ahead across a mount: linkat cannot cross one) with the same tree.
Prints one line per failure and closes with "N passed, N failed".
"""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "hostile"))
import gen_corpus as gc  # noqa: E402

MODES = ("never", "always", "")


def pax(key, value):
    return gc.pax_record(key, value)


def data_entries(n, version):
    rnd = __import__("random").Random(n * 10 + version)
    blob = bytes(rnd.getrandbits(8) for _ in range(3000))
    big = bytes(rnd.getrandbits(8) for _ in range(1500)) * 130
    d = b"usr/share/w%d" % n
    own = (pax(b"uid", b"1000"), pax(b"gid", b"1001"))
    out = [gc.entry(b"usr", typ=b"5", mode=0o755), gc.entry(b"usr/share", typ=b"5", mode=0o755),
           gc.entry(d, typ=b"5", mode=0o750, mtime=1600000000 + n),
           gc.entry(b"etc", typ=b"5", mode=0o755),
           gc.entry(b"etc/w%d.conf" % n, b"setting = %d\n" % version, mode=0o644),
           gc.entry(d + b"/plain", blob + bytes([version]), mode=0o644, mtime=1500000000 + n),
           gc.entry(d + b"/exec", b"#!/bin/sh\necho %d\n" % version, mode=0o755),
           gc.entry(d + b"/private", blob[:100], mode=0o600, extra_pax=own),
           gc.entry(d + b"/empty", b"", mode=0o640),
           gc.entry(d + b"/suid", b"s" * 10, mode=0o4755),
           gc.entry(d + b"/sgid", b"g" * 10, mode=0o2750, extra_pax=own),
           gc.entry(d + b"/attr", b"a" * 10, mode=0o644,
                    extra_pax=(pax(b"SCHILY.xattr.user.pare", b"yes"),)),
           gc.entry(d + b"/big", big, mode=0o644),
           gc.entry(d + b"/hard", typ=b"1", mode=0o644, linkname=d + b"/plain"),
           gc.entry(d + b"/sym", typ=b"2", mode=0o777, linkname=b"plain")]
    if version == 1:
        out.append(gc.entry(d + b"/old", b"old", mode=0o644))
    else:
        out.append(gc.entry(d + b"/new", b"new", mode=0o444))
    return out


def package(path, n, version):
    data_gz = gc.gz(b"".join(data_entries(n, version)) + gc.END)
    info = (b"pkgname = w%d\npkgver = %d.0-r0\npkgdesc = write-ahead test\narch = noarch\n"
            b"license = MIT\nsize = 300000\ndatahash = %s\n"
            % (n, version, hashlib.sha256(data_gz).hexdigest().encode()))
    control = gc.gz(gc.entry(b".PKGINFO", info, checksum=False))
    with open(path, "wb") as f:
        f.write(control + data_gz)


def snapshot(root):
    out = {}
    for d, dirs, files in os.walk(root):
        for name in sorted(dirs + files):
            p = os.path.join(d, name)
            rel = os.path.relpath(p, root)
            if rel.startswith(("var", "etc/apk", "lib/apk/db/lock")):
                continue
            st = os.lstat(p)
            rec = [oct(st.st_mode), st.st_uid, st.st_gid, st.st_nlink]
            # the database's and the file the test changes have the run's times
            if (not os.path.isdir(p) or os.path.islink(p)) and \
                    not rel.startswith(("lib/apk", "etc/w0.conf")):
                rec.append(st.st_mtime_ns)
            if os.path.islink(p):
                rec.append(os.readlink(p))
            elif os.path.isfile(p):
                with open(p, "rb") as f:
                    rec.append(hashlib.sha1(f.read()).hexdigest())
                try:
                    rec.append(sorted([k, os.getxattr(p, k, follow_symlinks=False).hex()]
                                      for k in os.listxattr(p, follow_symlinks=False)))
                except OSError:
                    pass
            out[rel] = rec
    return out


def run(cmd, mode, umask=None):
    env = dict(os.environ, LC_ALL="C", NO_COLOR="1")
    env.pop("PARE_WRITE_AHEAD", None)
    if mode:
        env["PARE_WRITE_AHEAD"] = mode
    pre = (lambda: os.umask(umask)) if umask is not None else None
    p = subprocess.run(cmd, capture_output=True, timeout=60, env=env, stdin=subprocess.DEVNULL,
                       preexec_fn=pre)
    return p.returncode, (p.stdout + p.stderr).decode("utf-8", "replace")


def install(pare, root, files, mode, umask=None):
    return run([pare, "--root", root, "--allow-untrusted", "install-files", "--no-scripts"] +
               files, mode, umask)


def compare(what, snaps, problems):
    if not snaps:
        return
    base = snaps[0][1]
    for mode, snap in snaps[1:]:
        if snap != base:
            diff = sorted(k for k in set(base) | set(snap) if base.get(k) != snap.get(k))
            problems.append("%s: %r differs from never at %s: %s vs %s" % (
                what, mode, diff[:3], [snap.get(k) for k in diff[:2]],
                [base.get(k) for k in diff[:2]]))


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--snapshot":
        print(json.dumps(snapshot(sys.argv[2])))
        return 0
    if len(sys.argv) != 2:
        sys.stderr.write("usage: write_ahead.py PARE\n")
        return 2
    pare = os.path.abspath(sys.argv[1])
    shm = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
    work = tempfile.mkdtemp(prefix="pare-write-ahead-", dir=shm)
    problems, checks = [], 0
    try:
        v1, v2 = [], []
        for n in range(6):
            v1.append(os.path.join(work, "w%d-1.apk" % n))
            v2.append(os.path.join(work, "w%d-2.apk" % n))
            package(v1[-1], n, 1)
            package(v2[-1], n, 2)
        fresh, upgraded = [], []
        for mode in MODES:
            root = os.path.join(work, "root-" + (mode or "auto"))
            os.makedirs(root)
            rc, out = install(pare, root, ["--initdb"] + v1, mode)
            if rc != 0:
                problems.append("install (%r) failed: %s" % (mode, out.strip()[-300:]))
                continue
            fresh.append((mode, snapshot(root)))
            with open(os.path.join(root, "etc/w0.conf"), "a") as f:
                f.write("# changed here\n")
            rc, out = install(pare, root, v2, mode)
            if rc != 0:
                problems.append("upgrade (%r) failed: %s" % (mode, out.strip()[-300:]))
                continue
            upgraded.append((mode, snapshot(root)))
        # umask 077; a set-gid top directory of another group (what a new
        # file there gets is learnt, not assumed)
        for what, umask, sgid in (("umask 077", 0o077, False), ("set-gid root", None, True)):
            odd = []
            for mode in ("never", "always"):
                root = os.path.join(work, "root-%s-%s" % (what.split()[0], mode))
                os.makedirs(root)
                if sgid:
                    os.chown(root, -1, 1234)
                    os.chmod(root, 0o2775)
                rc, out = install(pare, root, ["--initdb"] + v1, mode, umask=umask)
                if rc != 0:
                    problems.append("install, %s (%r) failed: %s" % (what, mode, out.strip()[-300:]))
                    continue
                odd.append((mode, snapshot(root)))
            checks += 1
            compare(what, odd, problems)
        checks += 2
        compare("install", fresh, problems)
        compare("upgrade", upgraded, problems)
        if upgraded and "etc/w0.conf.apk-new" not in upgraded[0][1]:
            problems.append("upgrade: no etc/w0.conf.apk-new for the modified file")
        # a mount point below the root
        root = os.path.join(work, "root-mount")
        os.makedirs(os.path.join(root, "usr"))
        script = ('mount -t tmpfs tmpfs "$1/usr" || exit 77; '
                  'PARE_WRITE_AHEAD=always "$2" --root "$1" --allow-untrusted install-files '
                  '--initdb --no-scripts "${@:4}" >&2 || exit 1; exec python3 "$3" --snapshot "$1"')
        try:
            p = subprocess.run(["unshare", "-m", "--", "bash", "-c", script, "sh", root, pare,
                                os.path.abspath(__file__)] + v1,
                               capture_output=True, timeout=60, stdin=subprocess.DEVNULL)
            rc = p.returncode
        except OSError:
            rc = 77
        if rc == 0:
            checks += 1
            compare("mount below the root", [fresh[0], ("always", json.loads(p.stdout))]
                    if fresh else [], problems)
        elif rc != 77 and b"unshare" not in p.stderr:
            problems.append("install with a mount below the root failed: %s" %
                            p.stderr.decode("utf-8", "replace").strip()[-300:])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for p in problems:
        print("FAIL " + p)
    print("%d passed, %d failed" % (checks - min(checks, len(problems)), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
