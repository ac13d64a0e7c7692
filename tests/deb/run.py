#!/usr/bin/env python3
"""The .deb reader on packages generated here, and on Debian's `hello`.

usage: run.py DEBTOOL CACHE_DIR

Good packages are built with `dpkg-deb --build` (gzip, xz, zstd, none) and
by hand (bz2 data, owners other than root, a hard link, set-id modes); each
is extracted by `debtool extract` and compared, entry by entry (type, mode,
size, link target, content, mtime), with `dpkg-deb -x`/`dpkg-deb -c`.

Hostile packages (built by hand: ar and tar written here) must each be
refused with exit status 1 and exactly one line "ERROR: FILE: reason" that
names the file, leave the extraction directory removed and write nothing
beside it, and take less than 20 s.

The real `hello` is downloaded once with `apt-get download` into CACHE_DIR
(skipped when the download fails: no network or no apt sources).
Prints one line per failure and "N passed, N failed".
"""
import bz2
import gzip
import io
import lzma
import os
import shutil
import stat
import subprocess
import sys
import tarfile
import tempfile
import time

TIMEOUT = 20
failures = []
passed = 0


def check(ok, what):
    global passed
    if ok:
        passed += 1
    else:
        failures.append(what)
        print("FAIL:", what)


# ---- Writing ar and tar by hand.

def ar_member(name, data, size=None):
    size = len(data) if size is None else size
    hdr = b"%-16s%-12d%-6d%-6d%-8s%-10d`\n" % (name.encode(), 0, 0, 0, b"100644", size)
    return hdr + data + (b"\n" if len(data) % 2 else b"")


def ar(members):
    return b"!<arch>\n" + b"".join(ar_member(*m) for m in members)


def tar_bytes(entries, fmt=tarfile.GNU_FORMAT):
    """entries: (TarInfo, data or None)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=fmt) as t:
        for ti, data in entries:
            t.addfile(ti, io.BytesIO(data) if data is not None else None)
    return buf.getvalue()


def ti(name, type=tarfile.REGTYPE, mode=0o644, size=0, link="", uid=0, gid=0, mtime=1700000000):
    t = tarfile.TarInfo(name)
    t.type, t.mode, t.size, t.linkname = type, mode, size, link
    t.uid, t.gid, t.mtime = uid, gid, mtime
    t.uname = t.gname = "root" if uid == 0 else "user"
    return t


def file_entry(name, data, **kw):
    return (ti(name, size=len(data), **kw), data)


CONTROL = (b"Package: hostile\nVersion: 1.0-1\nArchitecture: amd64\n"
           b"Maintainer: Test <t@example.org>\nDescription: a test\n long text\n")


def control_tar_gz(files=None):
    files = files or [("./control", CONTROL)]
    entries = [(ti("./", tarfile.DIRTYPE, 0o755), None)]
    entries += [file_entry(n, d) for n, d in files]
    return gzip.compress(tar_bytes(entries), mtime=0)


def deb(data_entries, data_name="data.tar.gz", control=None, binary=b"2.0\n", extra=()):
    raw = tar_bytes([(ti("./", tarfile.DIRTYPE, 0o755), None)] + list(data_entries))
    comp = {"data.tar.gz": lambda b: gzip.compress(b, mtime=0),
            "data.tar.xz": lzma.compress, "data.tar.bz2": bz2.compress,
            "data.tar": lambda b: b}[data_name](raw)
    return ar([("debian-binary", binary), ("control.tar.gz", control or control_tar_gz())]
              + list(extra) + [(data_name, comp)])


# ---- Running debtool.

def run(cmd):
    start = time.monotonic()
    try:
        p = subprocess.run(cmd, capture_output=True, timeout=TIMEOUT, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return None, "", "", TIMEOUT
    return (p.returncode, p.stdout.decode("utf-8", "replace"),
            p.stderr.decode("utf-8", "replace"), time.monotonic() - start)


def hostile(debtool, work, name, data, why, max_data=None):
    path = os.path.join(work, name + ".deb")
    with open(path, "wb") as f:
        f.write(data)
    box = tempfile.mkdtemp(dir=work)
    dest = os.path.join(box, "root")
    canary = os.path.join(box, "canary")
    os.mkdir(dest)
    os.mkdir(canary)
    cmd = [debtool, "extract"] + (["--max-data", str(max_data)] if max_data else []) + [path, dest]
    rc, out, err, secs = run(cmd)
    lines = (out + err).strip().splitlines()
    ok = (rc == 1 and len(lines) == 1 and lines[0].startswith("ERROR: " + path + ":")
          and why in lines[0])
    check(ok, "%s: wanted one line naming the file with %r, exit 1; got %s: %r"
          % (name, why, rc, lines))
    check(not os.path.exists(dest), "%s: extraction directory left behind" % name)
    check(os.listdir(box) == ["canary"] and not os.listdir(canary),
          "%s: something written beside the root: %r" % (name, os.listdir(box)))
    check(secs < TIMEOUT, "%s: took %.1f s" % (name, secs))
    shutil.rmtree(box, ignore_errors=True)


def hostile_cases(debtool, work):
    good = deb([file_entry("./usr/bin/x", b"#!/bin/sh\n", mode=0o755)])
    hostile(debtool, work, "truncated-ar", good[:len(good) // 2 + 7], "runcated")
    hostile(debtool, work, "truncated-header", good[:8 + 30], "")
    hostile(debtool, work, "not-ar", b"this is not a deb\n" * 10, "")
    hostile(debtool, work, "empty-ar", b"!<arch>\n", "no ar member")
    hostile(debtool, work, "version-3", deb([], binary=b"3.0\n"), "format version is not 2.x")
    hostile(debtool, work, "first-not-binary",
            ar([("control.tar.gz", control_tar_gz()), ("debian-binary", b"2.0\n")]),
            "first member is not debian-binary")
    big_member = ar([("debian-binary", b"2.0\n")]) + ar_member("control.tar.gz", b"", 5 << 30)[:60]
    hostile(debtool, work, "member-too-big", big_member, "member larger than")
    hostile(debtool, work, "no-data", ar([("debian-binary", b"2.0\n"),
                                          ("control.tar.gz", control_tar_gz())]),
            "no data.tar member")
    hostile(debtool, work, "unknown-member", deb([], extra=[("evil", b"x")]), "unexpected member")
    hostile(debtool, work, "too-many-members",
            deb([], extra=[("_m%d" % i, b"x") for i in range(20)]), "ar members")
    hostile(debtool, work, "no-control-file",
            deb([], control=control_tar_gz([("./md5sums", b"")])), "no control file")
    hostile(debtool, work, "control-in-dir",
            deb([], control=control_tar_gz([("./control", CONTROL), ("./x/y", b"")])),
            "control files may not be in directories")
    # 100 MB control file: a generated, highly compressible stream.
    z = zlib_stream(b"Description: " + b"a" * (100 << 20))
    hostile(debtool, work, "control-100mb", deb([], control=z), "more than the 1048576 allowed")
    hostile(debtool, work, "dotdot", deb([file_entry("./../escape", b"x")]), "'..'")
    hostile(debtool, work, "dotdot-deep", deb([file_entry("./usr/../../escape", b"x")]), "'..'")
    hostile(debtool, work, "absolute", deb([file_entry("/tmp/escape-abs", b"x")]), "absolute")
    hostile(debtool, work, "hardlink-out",
            deb([(ti("./usr/passwd", tarfile.LNKTYPE, link="/etc/passwd"), None)]),
            "hard link target '/etc/passwd': absolute path name")
    hostile(debtool, work, "hardlink-missing",
            deb([(ti("./usr/a", tarfile.LNKTYPE, link="./usr/b"), None)]),
            "no earlier file of the package")
    hostile(debtool, work, "hardlink-to-dir",
            deb([(ti("./usr", tarfile.DIRTYPE, 0o755), None),
                 (ti("./x", tarfile.LNKTYPE, link="./usr"), None)]),
            "no earlier file of the package")
    hostile(debtool, work, "hardlink-dotdot",
            deb([file_entry("./a", b"x"),
                 (ti("./b", tarfile.LNKTYPE, link="./../a"), None)]), "'..'")
    hostile(debtool, work, "chardev", deb([(ti("./dev/null", tarfile.CHRTYPE), None)]),
            "character device not allowed")
    hostile(debtool, work, "blockdev", deb([(ti("./dev/sda", tarfile.BLKTYPE), None)]),
            "block device not allowed")
    hostile(debtool, work, "fifo", deb([(ti("./run/fifo", tarfile.FIFOTYPE), None)]),
            "fifo not allowed")
    hostile(debtool, work, "through-symlink",
            deb([(ti("./usr", tarfile.SYMTYPE, link="/tmp"), None),
                 file_entry("./usr/escape-link", b"x")]), "runs through the symlink")
    hostile(debtool, work, "through-symlink-rel",
            deb([(ti("./lib", tarfile.SYMTYPE, link=".."), None),
                 file_entry("./lib/escape-rel", b"x")]), "runs through the symlink")
    hostile(debtool, work, "through-file",
            deb([file_entry("./f", b"x"), file_entry("./f/g", b"y")]), "runs through the file")
    hostile(debtool, work, "duplicate",
            deb([file_entry("./a", b"x"), file_entry("./a", b"y")]), "listed twice")
    hostile(debtool, work, "control-char",
            deb([file_entry("./a\nb", b"x")]), "control character")
    hostile(debtool, work, "long-path",
            deb([file_entry("./" + "/".join(["d" * 200] * 25), b"x")], ), "longer than")
    hostile(debtool, work, "wrong-compression",
            ar([("debian-binary", b"2.0\n"), ("control.tar.gz", control_tar_gz()),
                ("data.tar.xz", gzip.compress(tar_bytes([file_entry("./a", b"x")])))]), "")
    hostile(debtool, work, "plain-as-gz",
            ar([("debian-binary", b"2.0\n"), ("control.tar.gz", control_tar_gz()),
                ("data.tar.gz", tar_bytes([file_entry("./a", b"x")]))]),
            "compression is not what the member name says")
    hostile(debtool, work, "not-tar",
            ar([("debian-binary", b"2.0\n"), ("control.tar.gz", control_tar_gz()),
                ("data.tar.gz", gzip.compress(b"\x01" * 4096))]), "")
    # Truncated data: the tar says 1 MiB, the stream ends after 10 bytes.
    raw = tar_bytes([file_entry("./big", b"\0" * (1 << 20))])[:512 + 10]
    hostile(debtool, work, "truncated-data",
            ar([("debian-binary", b"2.0\n"), ("control.tar.gz", control_tar_gz()),
                ("data.tar.xz", lzma.compress(raw))]), "")
    # xz bombs: 64 MiB of zeros in small files, and in one file, against a
    # 16 MiB bound: refused after at most the bound is decompressed.
    many = [file_entry("./z/%03d" % i, b"\0" * (1 << 20)) for i in range(64)]
    hostile(debtool, work, "xz-bomb-many", deb(many, data_name="data.tar.xz"),
            "more than 16777216 bytes", max_data=16 << 20)
    one = [file_entry("./zero", b"\0" * (64 << 20))]
    hostile(debtool, work, "xz-bomb-one", deb(one, data_name="data.tar.xz"),
            "more than 16777216 bytes", max_data=16 << 20)


def zlib_stream(payload):
    """control.tar.gz whose ./control holds payload, compressed as it goes."""
    raw = tar_bytes([file_entry("./control", payload)])
    return gzip.compress(raw, compresslevel=1, mtime=0)


# ---- Good packages.

def tree(root):
    """path -> (type, mode, size, link, content digest, mtime) under root."""
    out = {}
    for dirpath, dirs, files in os.walk(root):
        for n in dirs + files:
            p = os.path.join(dirpath, n)
            st = os.lstat(p)
            rel = os.path.relpath(p, root)
            content = link = None
            if stat.S_ISREG(st.st_mode):
                with open(p, "rb") as f:
                    content = f.read()
            elif stat.S_ISLNK(st.st_mode):
                link = os.readlink(p)
            # dpkg-deb -x leaves directories with the time of extraction
            mtime = None if stat.S_ISDIR(st.st_mode) else int(st.st_mtime)
            out[rel] = (stat.S_IFMT(st.st_mode), stat.S_IMODE(st.st_mode), content, link, mtime,
                        st.st_nlink if stat.S_ISREG(st.st_mode) else 0)
    return out


def compare_with_dpkg(debtool, work, name, path):
    mine = os.path.join(work, name + ".mine")
    theirs = os.path.join(work, name + ".dpkg")
    os.mkdir(mine)
    rc, out, err, _ = run([debtool, "extract", path, mine])
    check(rc == 0, "%s: extract failed: %s" % (name, err.strip()))
    p = subprocess.run(["dpkg-deb", "-x", path, theirs], capture_output=True)
    check(p.returncode == 0, "%s: dpkg-deb -x failed: %s" % (name, p.stderr))
    if rc == 0 and p.returncode == 0:
        a, b = tree(mine), tree(theirs)
        diff = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
        check(not diff, "%s: trees differ at %s: %r vs %r" % (
            name, diff[:3], [a.get(k) for k in diff[:1]], [b.get(k) for k in diff[:1]]))
    # The entry list against dpkg-deb -c (type, mode, size, path, link).
    rc, out, err, _ = run([debtool, "list", path])
    listing = subprocess.run(["dpkg-deb", "-c", path], capture_output=True, text=True).stdout
    check(rc == 0 and parse_list(out) == parse_dpkg_c(listing),
          "%s: debtool list differs from dpkg-deb -c:\n%s\n%s" % (name, out, listing))
    return rc == 0


def parse_list(out):
    rows = set()
    for line in out.splitlines():
        t, mode, _owner, size, rest = line.split(" ", 4)
        path, _, link = rest.partition(" -> ")
        # a hard link has its target's mode here, the tar header's in dpkg -c
        rows.add((t, int(mode, 8) if t != "h" else 0, int(size) if t == "-" else 0, path, link))
    return rows


def parse_dpkg_c(listing):
    rows = set()
    for line in listing.splitlines():
        perms, _owner, size, _d, _t, rest = line.split(None, 5)
        path, link = rest, ""
        t = {"-": "-", "d": "d", "l": "l", "h": "h"}[perms[0]]
        if t == "l":
            path, _, link = rest.partition(" -> ")
        if " link to " in rest:
            t = "h"
            path, _, link = rest.partition(" link to ")
        mode = 0
        for i, c in enumerate(perms[1:10]):
            if c in "rwxst":
                mode |= 1 << (8 - i)
        if perms[3] in "sS":
            mode |= 0o4000
        if perms[6] in "sS":
            mode |= 0o2000
        if perms[9] in "tT":
            mode |= 0o1000
        if perms[3] == "S":
            mode &= ~0o100
        if perms[6] == "S":
            mode &= ~0o010
        if perms[9] == "T":
            mode &= ~0o001
        path = path[2:] if path.startswith("./") else path
        path = path.rstrip("/")
        link = link[2:] if t == "h" and link.startswith("./") else link
        if t == "h":
            mode = 0
        if path:
            rows.add((t, mode, int(size) if t == "-" else 0, path, link))
    return rows


def build_tree(root):
    os.makedirs(os.path.join(root, "DEBIAN"))
    with open(os.path.join(root, "DEBIAN/control"), "w") as f:
        f.write("Package: good\nVersion: 1:2.3~rc1+dfsg-4+b1\nArchitecture: amd64\n"
                "Maintainer: T <t@example.org>\nSource: goodsrc (1:2.3~rc1+dfsg-4)\n"
                "Depends: libc6 (>= 2.34), foo | bar:any\nDescription: good\n more\n .\n end\n")
    with open(os.path.join(root, "DEBIAN/postinst"), "w") as f:
        f.write("#!/bin/sh\nldconfig\n")
    os.chmod(os.path.join(root, "DEBIAN/postinst"), 0o755)
    os.makedirs(os.path.join(root, "usr/bin"))
    os.makedirs(os.path.join(root, "usr/share/doc/good"))
    with open(os.path.join(root, "usr/bin/good"), "wb") as f:
        f.write(b"\x7fELF" + bytes(range(256)) * 40)
    os.chmod(os.path.join(root, "usr/bin/good"), 0o4755)
    os.symlink("good", os.path.join(root, "usr/bin/good-link"))
    os.symlink("/usr/bin/good", os.path.join(root, "usr/bin/good-abs"))
    with open(os.path.join(root, "usr/share/doc/good/copyright"), "w") as f:
        f.write("Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\n"
                "Files: *\nLicense: GPL-2+\n text\n\nFiles: x\nLicense: MIT\n")
    os.link(os.path.join(root, "usr/share/doc/good/copyright"),
            os.path.join(root, "usr/share/doc/good/copyright.hard"))
    os.chmod(os.path.join(root, "usr/share/doc"), 0o555)


def good_cases(debtool, work):
    src = os.path.join(work, "goodtree")
    build_tree(src)
    for z in ("gzip", "xz", "zstd", "none"):
        path = os.path.join(work, "good-%s.deb" % z)
        p = subprocess.run(["dpkg-deb", "--root-owner-group", "-Z" + z, "--build", src, path],
                           capture_output=True, text=True)
        check(p.returncode == 0, "dpkg-deb --build -Z%s: %s" % (z, p.stderr))
        if p.returncode == 0:
            compare_with_dpkg(debtool, work, "good-" + z, path)
    path = os.path.join(work, "good-gzip.deb")
    rc, out, err, _ = run([debtool, "info", path])
    want = ["package good", "version 1:2.3~rc1+dfsg-4+b1",
            "apk-version 10000000002.3_rc1_git0_cvs4_git1", "arch amd64 -> x86_64",
            "source goodsrc 1:2.3~rc1+dfsg-4", "scripts 0x2", "setid 1",
            "purl pkg:deb/debian/good@1%3A2.3~rc1%2Bdfsg-4%2Bb1?arch=amd64"]
    check(rc == 0 and out.splitlines() == want, "info: %r / %r" % (out.splitlines(), err))
    # By hand: bz2 data, a non-root owner, a hard link, a "./" prefix-less name.
    entries = [(ti("./opt", tarfile.DIRTYPE, 0o755, uid=1000, gid=1000), None),
               file_entry("./opt/a", b"hello\n", mode=0o2755, uid=1000, gid=50),
               (ti("./opt/b", tarfile.LNKTYPE, link="./opt/a"), None),
               (ti("./opt/c", tarfile.SYMTYPE, link="a"), None)]
    for data_name in ("data.tar.bz2", "data.tar"):
        path = os.path.join(work, "byhand-%s.deb" % data_name)
        with open(path, "wb") as f:
            f.write(deb(entries, data_name=data_name))
        compare_with_dpkg(debtool, work, "byhand-" + data_name, path)
        rc, out, err, _ = run([debtool, "list", path])
        check("- 2755 1000/50 6 opt/a\n" in out and "h 2755 0/0 0 opt/b -> opt/a" in out,
              "byhand %s list: %r %r" % (data_name, out, err))


def noprefix_case(debtool, work):
    path = os.path.join(work, "noprefix.deb")
    with open(path, "wb") as f:
        f.write(deb([file_entry("opt/x", b"x"), file_entry("./opt/y", b"y")]))
    rc, out, err, _ = run([debtool, "list", path])
    check(rc == 0 and out == "- 0644 0/0 1 opt/x\n- 0644 0/0 1 opt/y\n",
          "names with and without ./: %r %r" % (out, err))


def hello_case(debtool, work, cache):
    os.makedirs(cache, exist_ok=True)
    debs = [f for f in os.listdir(cache) if f.startswith("hello_") and f.endswith(".deb")]
    if not debs:
        p = subprocess.run(["apt-get", "download", "hello"], cwd=cache, capture_output=True,
                           text=True, timeout=300)
        debs = [f for f in os.listdir(cache) if f.startswith("hello_") and f.endswith(".deb")]
        if p.returncode != 0 or not debs:
            print("hello: apt-get download failed, skipped: %s" % p.stderr.strip()[:200])
            return
    path = os.path.join(cache, sorted(debs)[-1])
    if compare_with_dpkg(debtool, work, "hello", path):
        rc, out, err, _ = run([debtool, "info", path])
        check(rc == 0 and "package hello" in out and "arch amd64 -> x86_64" in out,
              "hello info: %r %r" % (out, err))


def main():
    debtool = os.path.abspath(sys.argv[1])
    cache = os.path.abspath(sys.argv[2])
    work = tempfile.mkdtemp(prefix="pare-deb-")
    try:
        good_cases(debtool, work)
        noprefix_case(debtool, work)
        hostile_cases(debtool, work)
        hello_case(debtool, work, cache)
    finally:
        subprocess.run(["chmod", "-R", "u+rwx", work])
        shutil.rmtree(work, ignore_errors=True)
    print("%d passed, %d failed" % (passed, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
