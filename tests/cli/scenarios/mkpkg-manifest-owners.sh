# Manifest owners do not depend on the build host's user list: a number is
# recorded unnamed (0 as root), NAME=ID records both, a bare NAME gets id 0.
mkdir -p tree/a tree/b tree/c tree/d
printf 'a 0750 1000:1000\nb 4755 postgres=70:postgres=70\nc - nosuchuser:nosuchgroup\nd - 0:0\n' > manifest
SOURCE_DATE_EPOCH=1 "$PARE" mkpkg -s pkgname=o -s pkgver=1-r0 -m manifest -o o.apk tree
python3 - o.apk <<'PY'
import io, sys, tarfile, zlib
data = open(sys.argv[1], "rb").read()
off, parts = 0, []
while off < len(data):
    d = zlib.decompressobj(31)
    parts.append(d.decompress(data[off:]))
    off = len(data) - len(d.unused_data)
for m in tarfile.open(fileobj=io.BytesIO(parts[-1])):
    print("%s %o %d:%d %r:%r" % (m.name, m.mode, m.uid, m.gid, m.uname, m.gname))
PY
