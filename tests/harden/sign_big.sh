#!/bin/sh
# Issue 20: `pare sign` must accept an index as large as readers accept
# (256 MiB decompressed); it refused anything over 64 MiB.
# Usage: sign_big.sh PARE
set -eu
PARE=$(realpath "$1")
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
(cd "$T" && "$PARE" keygen -o . big >/dev/null 2>&1) || (cd "$T" && "$PARE" keygen big >/dev/null)
python3 - "$T/APKINDEX.tar.gz" <<'PY'
import gzip, io, sys, tarfile
rec = b"C:Q1AAAAAAAAAAAAAAAAAAAAAAAAAAA=\nP:a\nV:1-r0\nA:x86_64\nS:1\nI:1\nT:" + b"x" * 900 + b"\n\n"
data = rec * (70 * 1024 * 1024 // len(rec) + 1)       # about 70 MiB of index text
buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as t:
    ti = tarfile.TarInfo("APKINDEX"); ti.size = len(data); t.addfile(ti, io.BytesIO(data))
open(sys.argv[1], "wb").write(gzip.compress(buf.getvalue(), 1, mtime=0))
PY
"$PARE" sign -k "$T"/big*.rsa "$T/APKINDEX.tar.gz" || { echo "FAIL: sign refused a 70 MiB index"; exit 1; }
mkdir -p "$T/keys"; cp "$T"/big*.rsa.pub "$T/keys/"
"$PARE" --keys-dir "$T/keys" verify "$T/APKINDEX.tar.gz" || { echo "FAIL: the signed index does not verify"; exit 1; }
echo "ok: a 70 MiB index signed and verified"
