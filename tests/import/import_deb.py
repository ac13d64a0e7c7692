#!/usr/bin/env python3
"""import-deb against real Debian packages: zstd's closure through apt
(downloads cached in the build folder, so a second run within the build
downloads nothing), checked for the split (no gconv modules in glibc, libm
apart, -doc with install_if), metadata (.PKGINFO debian_version and purl,
Breaks as conflicts, `pare info --origin`, the Debian purls in an image's
SPDX and CycloneDX SBOMs, a non-root owner kept from libpam-modules-bin),
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
PARE = os.path.abspath(PARE)
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


def host_distro():
    """debian-12 on a Debian 12 host (import-deb's default distro=)."""
    try:
        with open("/etc/os-release") as fh:
            kv = dict(l.strip().split("=", 1) for l in fh if "=" in l)
    except OSError:
        return ""
    ident, ver = kv.get("ID", "").strip('"'), kv.get("VERSION_ID", "").strip('"')
    return "debian-" + ver if ident == "debian" and ver else ""


def sbom_checks(tmp, repo, key):
    """An image of zstd: each package made from a .deb names it in the SBOM
    (SPDX: a second purl externalRef; CycloneDX: pedigree.ancestors)."""
    cfg = os.path.join(tmp, "img.yaml")
    with open(cfg, "w") as fh:
        fh.write("contents:\n  repositories: [%s]\n  keyring: [%s]\n  packages: [zstd]\n"
                 "entrypoint:\n  command: /usr/bin/zstd\narchs: [x86_64]\n"
                 % (repo, key + ".pub"))
    for fmt, name in (("spdx", "sbom.spdx.json"), ("cyclonedx", "sbom.cdx.json")):
        out = os.path.join(tmp, "img-" + fmt)
        r = run("image", "build", cfg, "-o", out, "--sbom-format", fmt, cwd=tmp)
        check(r.returncode == 0, "image build (%s): %s" % (fmt, r.stderr.strip()[-300:]))
        if r.returncode != 0:
            continue
        with open(os.path.join(out, name)) as fh:
            doc = json.load(fh)
        if fmt == "spdx":
            refs = {p["name"]: [e["referenceLocator"] for e in p.get("externalRefs", [])]
                    for p in doc["packages"]}
            z = refs.get("zstd", [])
            check(len(z) == 2 and z[1].startswith("pkg:deb/debian/zstd@"),
                  "SPDX zstd purls: %s" % z)
            g = refs.get("glibc", [])
            check(any(x.startswith("pkg:deb/debian/libc6@2.36-") for x in g),
                  "SPDX glibc names libc6: %s" % g)
        else:
            comps = {c["name"]: c for c in doc["components"]}
            anc = comps.get("zstd", {}).get("pedigree", {}).get("ancestors", [{}])[0]
            check(anc.get("name") == "zstd" and anc.get("purl", "").startswith(
                "pkg:deb/debian/zstd@"), "CycloneDX zstd ancestor: %s" % anc)


def owner_checks(tmp, key):
    """Owners other than root from the data tar: libpam-modules-bin ships
    unix_chkpwd as root:shadow (gid 42) 2755."""
    repo = os.path.join(tmp, "repo-owners")
    r = run("import-deb", "--set", "none", "-o", repo, "-k", key, "--apt", "libpam-modules-bin",
            "--deb-cache", CACHE)
    check(r.returncode == 0, "import libpam-modules-bin: " + r.stderr.strip())
    if r.returncode != 0:
        return
    r = run("--allow-untrusted", "--json", "dump", apk(repo, "libpam-modules-bin"))
    ents = [e for e in json.loads(r.stdout).get("entries", []) if e["path"].endswith("unix_chkpwd")]
    check(len(ents) == 1 and (ents[0]["gid"], ents[0]["gname"], ents[0]["perm"]) ==
          (42, "shadow", "2755"), "unix_chkpwd root:shadow 2755: %s" % ents)


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

        # Debian relations and identity: libc6's Breaks as '!' atoms, the
        # purl with the host's distro= qualifier.
        info, _ = pkginfo(apk(repo, "glibc"))
        check(any(d.startswith("!") for d in info.get("depend", [])),
              "glibc carries libc6's Breaks as conflicts: %s" % info.get("depend"))
        if host_distro():
            check(info["purl"][0].endswith("&distro=" + host_distro()),
                  "purl has distro=%s: %s" % (host_distro(), info["purl"][0]))
        r = run("--allow-untrusted", "-X", repo, "info", "--origin", "glibc")
        check(r.returncode == 0 and "debian version:\n2.36-" in r.stdout,
              "pare info --origin: %r %r" % (r.stdout, r.stderr))
        sbom_checks(tmp, repo, key)

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
        owner_checks(tmp, key)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


main()
if failures:
    print("%d failure(s)" % len(failures))
    sys.exit(1)
print("import-deb: all checks passed")
