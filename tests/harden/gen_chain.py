#!/usr/bin/env python3
"""Write an unsigned repository DIR/ARCH/APKINDEX.tar.gz in which p_i depends
on p_{i+1} for N entries (a deep dependency chain).  Usage: gen_chain.py DIR N [ARCH]"""
import base64, gzip, hashlib, io, os, sys, tarfile

def main():
    out, n = sys.argv[1], int(sys.argv[2])
    arch = sys.argv[3] if len(sys.argv) > 3 else "x86_64"
    d = os.path.join(out, arch)
    os.makedirs(d, exist_ok=True)
    recs = []
    for i in range(n):
        cid = base64.b64encode(hashlib.sha1(b"%d" % i).digest()).decode()
        dep = "D:p%d\n" % (i + 1) if i + 1 < n else ""
        recs.append("C:Q1%s\nP:p%d\nV:1.0-r0\nA:%s\nS:1\nI:1\nT:x\nU:x\nL:x\n%s" % (cid, i, arch, dep))
    data = "\n".join(recs).encode() + b"\n"
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as t:
        ti = tarfile.TarInfo("APKINDEX")
        ti.size = len(data)
        t.addfile(ti, io.BytesIO(data))
    with open(os.path.join(d, "APKINDEX.tar.gz"), "wb") as f:
        f.write(gzip.compress(buf.getvalue(), mtime=0))

if __name__ == "__main__":
    main()
