#!/usr/bin/env python3
"""import-deb against real Debian packages: zstd's closure through apt
(downloads cached in the build folder, so a second run within the build
downloads nothing), checked for the split (no gconv modules in glibc, libm
apart, -doc with install_if), metadata (.PKGINFO debian_version and purl),
dependencies, the signed index, the CONTENTS index, determinism (a second
import gives the same bytes), and a broken .deb refused with one line and
nothing written.

usage: import_deb.py PARE SOURCE_DIR CACHE_DIR
"""
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile

PARE, SRC, CACHE = sys.argv[1:4]
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def run(*args, **kw):
    return subprocess.run([PARE, *args], capture_output=True, text=True, **kw)


def pkginfo(path):
    with tarfile.open(path, "r:gz") as t:
        names = t.getnames()
        text = t.extractfile(".PKGINFO").read().decode()
    info = {}
    for line in text.splitlines():
        if " = " in line:
            k, v = line.split(" = ", 1)
            info.setdefault(k, []).append(v)
    return info, names


def apk(repo, name):
    """The file of package `name`, by its index entry (NAME-VERSION.apk)."""
    with tarfile.open(os.path.join(repo, "x86_64", "APKINDEX.tar.gz"), "r:gz") as t:
        text = t.extractfile("APKINDEX").read().decode()
    for rec in text.split("\n\n"):
        f = dict(l.split(":", 1) for l in rec.splitlines() if ":" in l)
        if f.get("P") == name:
            return os.path.join(repo, "x86_64", "%s-%s.apk" % (name, f["V"]))
    return None


def tree_digest(repo):
    out = {}
    for root, _, files in os.walk(repo):
        for f in files:
            p = os.path.join(root, f)
            with open(p, "rb") as fh:
                out[os.path.relpath(p, repo)] = fh.read()
    return out


def main():
    tmp = tempfile.mkdtemp(prefix="pare-import-")
    try:
        subprocess.run([PARE, "keygen", "-o", tmp, "imp"], check=True, capture_output=True)
        key = os.path.join(tmp, "imp.rsa")
        repo = os.path.join(tmp, "repo")
        args = ["import-deb", "-o", repo, "-k", key, "--set", os.path.join(SRC, "sets/base.yaml"),
                "--apt", "zstd", "--closure", "--deb-cache", CACHE]
        r = run("--json", *args)
        check(r.returncode == 0, "import: exit %d: %s" % (r.returncode, r.stderr.strip()))
        if r.returncode != 0:
            return
        rep = json.loads(r.stdout)
        debs = {d["package"]: d for d in rep["debs"]}
        check({"zstd", "libc6", "liblzma5"} <= set(debs), "closure has zstd, libc6, liblzma5")
        subs = {s["name"] for s in debs["libc6"]["subpackages"]}
        check({"glibc", "glibc-libm", "glibc-nss-dns", "glibc-gconv-cjk", "glibc-doc"} <= subs,
              "libc6 split: %s" % sorted(subs))
        check(len(subs) >= 12, "libc6 gives >= 12 subpackages (%d)" % len(subs))
        check("postinst" in debs["libc6"]["scripts_not_run"], "libc6 scripts reported")
        check("gconv" in debs["libc6"]["reproduced"], "gconv fragments reported")

        info, names = pkginfo(apk(repo, "glibc"))
        check(not [n for n in names if "/gconv/" in n and n.endswith(".so")], "no gconv in glibc")
        check(any(n.endswith("/libc.so.6") for n in names), "libc.so.6 in glibc")
        check(not any(n.endswith("/libm.so.6") for n in names), "libm not in glibc")
        check(info["debian_package"] == ["libc6"], "debian_package in .PKGINFO")
        check(info["debian_version"][0].startswith("2.36-"), "debian_version in .PKGINFO")
        check(info["purl"][0].startswith("pkg:deb/debian/libc6@2.36-"), "purl in .PKGINFO")
        check("so:libc.so.6=6" in " ".join(info.get("provides", [])), "glibc provides so:libc.so.6")
        _, names = pkginfo(apk(repo, "glibc-libm"))
        check(any(n.endswith("/libm.so.6") for n in names), "libm in glibc-libm")
        _, names = pkginfo(apk(repo, "glibc-gconv-cjk"))
        check(any(n.endswith("gconv-modules.d/glibc-gconv-cjk.conf") for n in names),
              "gconv fragment in glibc-gconv-cjk")
        info, _ = pkginfo(apk(repo, "glibc-doc"))
        check(info.get("install_if", [""])[0].endswith(" docs"), "glibc-doc install_if docs")
        info, _ = pkginfo(apk(repo, "zstd"))
        deps = " ".join(info.get("depend", []))
        check("so:liblzma.so.5" in deps and "so:libc.so.6" in deps, "zstd depends: " + deps)

        idx = os.path.join(repo, "x86_64", "APKINDEX.tar.gz")
        keys = os.path.join(tmp, "keys")
        os.makedirs(keys)
        shutil.copy(key + ".pub", keys)
        r = run("--keys-dir", keys, "verify", idx, apk(repo, "glibc"))
        check(r.returncode == 0, "index and package verify: " + r.stdout + r.stderr)
        with open(os.path.join(repo, "x86_64", "CONTENTS")) as fh:
            contents = fh.read().splitlines()
        check("usr/bin/zstd\tzstd" in contents, "CONTENTS names usr/bin/zstd")
        check(contents == sorted(contents), "CONTENTS sorted")

        # Again, into a second folder: nothing downloaded, same bytes.
        before = {f: os.stat(os.path.join(CACHE, f)).st_mtime_ns for f in os.listdir(CACHE)}
        repo2 = os.path.join(tmp, "repo2")
        args[2] = repo2
        r = run(*args)
        check(r.returncode == 0, "second import: " + r.stderr.strip())
        after = {f: os.stat(os.path.join(CACHE, f)).st_mtime_ns for f in os.listdir(CACHE)}
        check(before == after, "second run downloaded nothing")
        check(tree_digest(repo) == tree_digest(repo2), "same .deb files give the same bytes")

        # A truncated .deb: one line naming it, nothing written.
        src = sorted(f for f in os.listdir(CACHE) if f.startswith("zstd_"))[0]
        bad = os.path.join(tmp, "broken.deb")
        with open(os.path.join(CACHE, src), "rb") as fh:
            data = fh.read()
        with open(bad, "wb") as fh:
            fh.write(data[: len(data) // 2])
        repo3 = os.path.join(tmp, "repo3")
        r = run("import-deb", "-o", repo3, "-k", key, bad)
        lines = r.stderr.strip().splitlines()
        check(r.returncode != 0 and len(lines) == 1 and "broken.deb" in lines[0],
              "broken .deb refused with one line: %r" % r.stderr)
        written = [f for _, _, fs in os.walk(repo3) for f in fs]
        check(written == [], "nothing written for a broken .deb: %s" % written)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


main()
if failures:
    print("%d failure(s)" % len(failures))
    sys.exit(1)
print("import-deb: all checks passed")
