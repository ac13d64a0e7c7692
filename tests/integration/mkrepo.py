#!/usr/bin/env python3
"""Build a small signed test repository with pare's own tools.

usage: mkrepo.py PARE OUTDIR [ARCH]

Makes OUTDIR/keys/test.rsa(.pub) with `pare keygen`, a few packages with
`pare mkpkg` in OUTDIR/repo/ARCH/, their APKINDEX (computed here: C: is
"Q1" + base64(SHA-1 of the control gzip member), S: the file size) packed as
APKINDEX.tar.gz and signed with `pare sign`.  Prints nothing on success.

Packages: hello 1.0-r0 and 1.2-r0 (two versions), libfoo 2.1-r3 (origin foo,
depends on so:libc.so.6), foo-doc 2.1-r3 (origin foo), big 1.0-r0 (a 200 KiB
file, for download progress and bounds).
"""
import base64
import hashlib
import io
import os
import subprocess
import sys
import tarfile
import zlib

PACKAGES = [
    # name, version, desc, license, origin, depends, files {path: bytes}
    ("hello", "1.0-r0", "Hello world (old)", "MIT", "hello", "", {"usr/bin/hello": b"#!/bin/sh\necho old\n"}),
    ("hello", "1.2-r0", "Hello world", "MIT", "hello", "", {"usr/bin/hello": b"#!/bin/sh\necho hi\n"}),
    ("libfoo", "2.1-r3", "The foo library", "BSD-2-Clause", "foo", "so:libc.so.6",
     {"usr/lib/libfoo.so.2": b"\x7fELF not really\n"}),
    ("foo-doc", "2.1-r3", "Foo documentation", "BSD-2-Clause", "foo", "",
     {"usr/share/doc/foo/README": b"read me\n"}),
    ("big", "1.0-r0", "A bigger package", "GPL-2.0-only", "big", "",
     {"usr/share/big/blob": os.urandom(200 * 1024)}),
]


def run(*args, **kw):
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, **kw)


def gzip_members(data):
    """Yield (compressed bytes, decompressed bytes) for each gzip member."""
    while data:
        d = zlib.decompressobj(31)
        out = d.decompress(data)
        used = len(data) - len(d.unused_data)
        yield data[:used], out
        data = d.unused_data


def control_member(data):
    for comp, plain in gzip_members(data):
        if plain[:100].rstrip(b"\0") == b".PKGINFO":
            return comp, plain
    raise SystemExit("no control member with .PKGINFO")


def pkginfo(plain):
    size = int(plain[124:136].rstrip(b"\0 ") or b"0", 8)
    fields = {}
    for line in plain[512:512 + size].decode().splitlines():
        if " = " in line:
            k, v = line.split(" = ", 1)
            fields.setdefault(k, v)
    return fields


def make_pkg(pare, tmp, outdir, arch, spec):
    name, ver, desc, lic, origin, dep, files = spec
    tree = os.path.join(tmp, "tree-%s-%s" % (name, ver))
    for path, content in files.items():
        full = os.path.join(tree, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "wb") as f:
            f.write(content)
    out = os.path.join(outdir, "%s-%s.apk" % (name, ver))
    args = [pare, "mkpkg", "-s", "pkgname=" + name, "-s", "pkgver=" + ver, "-s", "arch=" + arch,
            "-s", "pkgdesc=" + desc, "-s", "license=" + lic, "-s", "origin=" + origin, "-o", out]
    if dep:
        args += ["-s", "depend=" + dep]
    run(*args, tree, env=dict(os.environ, SOURCE_DATE_EPOCH="1700000000"))
    return out


def index_record(path, arch):
    with open(path, "rb") as f:
        data = f.read()
    comp, plain = control_member(data)
    info = pkginfo(plain)
    ident = "Q1" + base64.b64encode(hashlib.sha1(comp).digest()).decode()
    lines = ["C:" + ident, "P:" + info["pkgname"], "V:" + info["pkgver"], "A:" + arch,
             "S:%d" % len(data), "I:" + info.get("size", "0"), "T:" + info.get("pkgdesc", ""),
             "U:" + info.get("url", ""), "L:" + info.get("license", "")]
    if "origin" in info:
        lines.append("o:" + info["origin"])
    if "depend" in info:
        lines.append("D:" + info["depend"])
    return "\n".join(lines) + "\n\n"


def make_index(repo_arch_dir, arch, description):
    text = "".join(index_record(os.path.join(repo_arch_dir, f), arch)
                   for f in sorted(os.listdir(repo_arch_dir)) if f.endswith(".apk"))
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as t:
        for name, content in (("DESCRIPTION", description.encode()), ("APKINDEX", text.encode())):
            ti = tarfile.TarInfo(name)
            ti.size = len(content)
            ti.mode = 0o644
            t.addfile(ti, io.BytesIO(content))
    raw = buf.getvalue()
    # apk's index member has no end-of-archive blocks beyond what tar wrote; fine for readers.
    c = zlib.compressobj(9, zlib.DEFLATED, 31)
    gz = c.compress(raw) + c.flush()
    path = os.path.join(repo_arch_dir, "APKINDEX.tar.gz")
    with open(path, "wb") as f:
        f.write(gz)
    return path


def main():
    pare, outdir = sys.argv[1], sys.argv[2]
    arch = sys.argv[3] if len(sys.argv) > 3 else "x86_64"
    keys = os.path.join(outdir, "keys")
    arch_dir = os.path.join(outdir, "repo", arch)
    tmp = os.path.join(outdir, "build")
    for d in (keys, arch_dir, tmp):
        os.makedirs(d, exist_ok=True)
    run(pare, "keygen", "-b", "2048", "-o", keys, "test")
    for spec in PACKAGES:
        make_pkg(pare, tmp, arch_dir, arch, spec)
    index = make_index(arch_dir, arch, "pare-test-repo")
    run(pare, "sign", "-k", os.path.join(keys, "test.rsa"), index)
    os.remove(os.path.join(keys, "test.rsa"))  # keys/ is the trusted keys dir now


if __name__ == "__main__":
    main()
