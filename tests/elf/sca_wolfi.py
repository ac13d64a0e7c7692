#!/usr/bin/env python3
"""SCA against melange: `pare sca` over the Wolfi fixture packages must
derive the so:/cmd:/pc: provides and depends that melange recorded in
their .PKGINFO, except for the differences listed (and explained) in
EXPECTED below.

usage: sca_wolfi.py PARE WOLFI_DIR

Each package is extracted with Python's tarfile (modes and symlinks kept)
and analysed as a directory with `pare sca --compare --json DIR`; packages
whose data is intact are also analysed as .apk files, which must give
the same lists.  Non-SCA depends (aws-c-s3's `depend = aws-c-auth` and
the like come from the build recipe) are outside the comparison: only
so:, cmd: and pc: names are compared.
"""
import json
import os
import subprocess
import sys
import tarfile
import tempfile

# package -> {("depend"|"provides", "derived_only"|"recorded_only"): {names}, "why": text}
EXPECTED = {
    "libcap-2.69-r0": {
        ("provides", "derived_only"): {"so:libcap.so.2=2", "so:libpsx.so.2=2"},
        ("depend", "recorded_only"): {"so:libcap.so.2", "so:libpsx.so.2"},
        "why": "libcap.so.2.69 and libpsx.so.2.69 carry a PT_INTERP (they can be run to "
               "print their version). The melange that built this package (v0.3.0-162, "
               "see its SBOM) gave no so: provides for any object with PT_INTERP, so the "
               "package, whose libcap.so.2/libpsx.so.2 symlinks name those SONAMEs, ended "
               "up depending on itself. pare treats a SONAME'd shared object in a library "
               "directory as a library whatever its PT_INTERP (as newer melange does for "
               "libc.so.6), so it provides both and the self-depends drop out. pare is right "
               "here: nothing else in Wolfi could satisfy so:libcap.so.2.",
    },
    "neon-4604-r0": {
        ("depend", "derived_only"): {"so:libecpg.so.6", "so:libpgtypes.so.3",
                                     "so:libpq.so.5"},
        ("depend", "recorded_only"): {"so:libcrypto.so.3", "so:libcurl.so.4",
                                      "so:libgcc_s.so.1", "so:libm.so.6",
                                      "so:libreadline.so.8", "so:libseccomp.so.2",
                                      "so:libssl.so.3", "so:libz.so.1"},
        ("provides", "recorded_only"): {
            "cmd:neon_local=4604-r0", "cmd:pagectl=4604-r0", "cmd:pageserver=4604-r0",
            "cmd:pg_sni_router=4604-r0", "cmd:proxy=4604-r0", "cmd:safekeeper=4604-r0",
            "cmd:storage_broker=4604-r0", "so:libecpg.so.6=6", "so:libpgtypes.so.3=3",
            "so:libpq.so.5=5"},
        "why": "The fixture is a trimmed copy of the real package (its data no longer "
               "matches its datahash): only libecpg_compat.so.3.14 and eight .pc files are "
               "left. The recorded cmd: provides, the libecpg/libpgtypes/libpq so: provides "
               "and the depends on libcrypto, libcurl, libssl ... come from the binaries and "
               "libraries that were cut; libecpg_compat's own needs (libecpg.so.6, "
               "libpgtypes.so.3, libpq.so.5) were satisfied inside the full package, so "
               "melange dropped them, while here nothing provides them. Everything that "
               "can be derived from the files present agrees (so:libecpg_compat.so.3=3, the "
               "eight pc: provides, ld-linux and libc).",
    },
}


def extract(apk, dest):
    with tarfile.open(apk, "r:gz") as tf:
        for m in tf:
            name = os.path.normpath(m.name)
            if name.startswith(("/", "..")) or name.startswith(".SIGN."):
                continue
            path = os.path.join(dest, name)
            if m.isdir():
                os.makedirs(path, exist_ok=True)
            elif m.issym():
                os.makedirs(os.path.dirname(path), exist_ok=True)
                os.symlink(m.linkname, path)
            elif m.isreg():
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with tf.extractfile(m) as src, open(path, "wb") as out:
                    out.write(src.read())
                os.chmod(path, m.mode & 0o7777)


def sca(pare, target, compare):
    args = [pare, "sca", "--json"] + (["--compare"] if compare else []) + [target]
    p = subprocess.run(args, capture_output=True)
    out = p.stdout.decode()
    return (json.loads(out) if out.strip() else None), p.stderr.decode(), p.returncode


def diffs_of(result):
    d = {}
    for key in ("depend", "provides"):
        for side in ("derived_only", "recorded_only"):
            names = set(result["compare"][key][side])
            if names:
                d[(key, side)] = names
    return d


def main():
    pare, wolfi = os.path.abspath(sys.argv[1]), sys.argv[2]
    apks = sorted(f for f in os.listdir(wolfi) if f.endswith(".apk"))
    passed = failed = 0
    for f in apks:
        name = f[:-4]
        with tempfile.TemporaryDirectory(prefix="pare-sca-") as tmp:
            extract(os.path.join(wolfi, f), tmp)
            res, err, _ = sca(pare, tmp, True)
            if res is None:
                print("FAIL %s: pare sca failed: %s" % (name, err.strip()))
                failed += 1
                continue
            got = diffs_of(res)
            exp = {k: v for k, v in EXPECTED.get(name, {}).items() if k != "why"}
            problems = []
            if got != exp:
                problems.append("differences %r, expected %r" % (got, exp))
            pres, perr, prc = sca(pare, os.path.join(wolfi, f), False)
            if prc == 0 and pres is not None:
                if (pres["provides"], pres["depends"]) != (res["provides"], res["depends"]):
                    problems.append(".apk and directory analyses differ")
            elif "datahash" not in perr:
                problems.append("pare sca PKG failed: %s" % perr.strip())
        if problems:
            failed += 1
            print("FAIL %s: %s" % (name, "; ".join(problems)))
            continue
        passed += 1
        if exp:
            print("ok   %s: differs as explained: %s" % (name, EXPECTED[name]["why"]))
        else:
            print("ok   %s: equal to melange's (%d provides, %d depends)"
                  % (name, len(res["provides"]), len(res["depends"])))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
