# A signed package whose .PKGINFO has no datahash is not trusted: the
# signature covers the control member only, so its data could have been
# swapped (as here) without any check noticing.
"$PARE" keygen -b 2048 -o . k > /dev/null
mkdir keys && cp k.rsa.pub keys/
python3 - <<'PY'
import gzip, io, tarfile
def member(entries, eof=True):
    buf = io.BytesIO()
    t = tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT)
    for name, data in entries:
        ti = tarfile.TarInfo(name); ti.size = len(data); ti.mode = 0o644
        t.addfile(ti, io.BytesIO(data))
    t.close()
    raw = buf.getvalue()
    return gzip.compress(raw if eof else raw[:-1024], mtime=0)
ctrl = member([(".PKGINFO", b"pkgname = nodh\npkgver = 1.0-r0\narch = x86_64\nsize = 8\n")], eof=False)
open("pkg.apk", "wb").write(ctrl + member([("etc/x", b"original")]))
open("data2", "wb").write(member([("etc/x", b"swapped!")]))
PY
"$PARE" sign -k k.rsa pkg.apk
"$PARE" verify --keys-dir "$PWD/keys" pkg.apk || true
"$PARE" -vv verify --keys-dir "$PWD/keys" pkg.apk 2>&1 | grep datahash || true
