# The manifest of every readable fixture package equals the sha1 of each
# regular file's content, computed independently here with python's
# zlib/tarfile/hashlib.
for f in "$SHARED"/fixtures/real/*/*.apk "$SHARED"/fixtures/real/*/*/*.apk; do
  case "$f" in */aws-c-s3-*|*/neon-*) continue;; esac  # datahash mismatch: unreadable
  "$PARE" manifest --allow-untrusted "$f" > got
  python3 - "$f" > want <<'PY'
import hashlib, io, sys, tarfile, zlib
data = open(sys.argv[1], "rb").read()
off, parts = 0, []
while off < len(data):
    d = zlib.decompressobj(31)
    out = d.decompress(data[off:])
    off = len(data) - len(d.unused_data)
    parts.append(out)
t = tarfile.open(fileobj=io.BytesIO(parts[-1]))
for m in t:
    if m.isfile():
        print("sha1:%s  %s" % (hashlib.sha1(t.extractfile(m).read()).hexdigest(), m.name))
PY
  cmp -s got want || { echo "manifest differs for $f"; diff want got | head; }
  n=$((${n:-0} + 1))
done
echo "$n packages checked"
