#!/usr/bin/env python3
"""Issue 20: a .SIGN member over 8 KiB is ignored (as apk does) and the
next signature is still checked; it used to fail the whole package.

usage: sign_oversize.py PARE
"""
import os
import shutil
import subprocess
import sys
import tempfile
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "hostile"))
import gen_corpus as g  # noqa: E402  (tar headers, gzip members)


def main():
    pare = os.path.abspath(sys.argv[1])
    t = tempfile.mkdtemp(prefix="pare-sigsize-")
    try:
        subprocess.run([pare, "keygen", "-o", t, "k"], check=True, capture_output=True)
        os.makedirs(t + "/tree/usr")
        open(t + "/tree/usr/f", "w").write("x\n")
        pkg = t + "/p-1-r0.apk"
        subprocess.run([pare, "mkpkg", "-s", "pkgname=p", "-s", "pkgver=1-r0", "-k",
                        t + "/k.rsa", "-o", pkg, t + "/tree"], check=True, capture_output=True)
        data = open(pkg, "rb").read()
        (off, n), = g.members(data)[:1]
        sigtar = zlib.decompress(data[off:off + n], 31)
        junk = os.urandom(9000)
        big = g.header(b".SIGN.RSA256.other.rsa.pub", len(junk)) + g.pad(junk)
        out = t + "/p-big-sig.apk"
        open(out, "wb").write(g.gz(big + sigtar) + data[off + n:])
        os.makedirs(t + "/keys")
        shutil.copy(t + "/k.rsa.pub", t + "/keys/")
        p = subprocess.run([pare, "--keys-dir", t + "/keys", "verify", out],
                           capture_output=True, text=True)
        print((p.stdout + p.stderr).strip())
        if p.returncode != 0 or "OK" not in p.stdout:
            print("FAIL: an oversized signature entry failed the package")
            return 1
        print("ok: the oversized signature is ignored, the next one verifies")
        return 0
    finally:
        shutil.rmtree(t, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
