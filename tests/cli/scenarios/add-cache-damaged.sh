# A package from an HTTP repository is cached and read once while staging;
# a damaged cache copy is refused by that read, dropped, and fetched again
# on the next run.  The server binds 127.0.0.1 and is stopped by pid.
export SOURCE_DATE_EPOCH=1700000000
"$PARE" keygen -b 2048 -o . k > /dev/null
mkdir -p keys repo/x86_64 a/usr/share/a
cp k.rsa.pub keys/
head -c 20000 /dev/zero | tr '\0' 'a' > a/usr/share/a/data
"$PARE" mkpkg -k k.rsa -s pkgname=a -s pkgver=1.0-r0 -s arch=x86_64 -o repo/x86_64/a-1.0-r0.apk a
"$PARE" --keys-dir "$PWD/keys" index -k k.rsa -o repo/x86_64/APKINDEX.tar.gz repo/x86_64/*.apk > /dev/null
python3 - "$PWD" > port.txt <<'PY' &
import functools, http.server, sys
class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass
h = functools.partial(Quiet, directory=sys.argv[1])
s = http.server.HTTPServer(("127.0.0.1", 0), h)
print(s.server_address[1], flush=True)
s.serve_forever()
PY
srv=$!
trap 'kill $srv' EXIT
for _ in $(seq 50); do [ -s port.txt ] && break; sleep 0.1; done
url=http://127.0.0.1:$(cat port.txt)/repo
R=$PWD/root
mkdir -p "$R/etc/apk/keys" "$R/lib/apk/db"
cp keys/* "$R/etc/apk/keys/"; echo x86_64 > "$R/etc/apk/arch"
"$PARE" --root "$R" -X "$url" add a
"$PARE" --root "$R" -X "$url" del a
cached=$(ls "$R"/etc/apk/cache/a-1.0-r0.*.apk)
python3 - "$cached" <<'PY'
import sys
p = sys.argv[1]; b = bytearray(open(p, "rb").read()); b[-40] ^= 0xff
open(p, "wb").write(bytes(b))
PY
"$PARE" --root "$R" -X "$url" add a 2>&1 | sed "s|$R|ROOT|g; s/\.apk: .*/.apk: (damaged)/" || true
[ -e "$cached" ] && echo "damaged copy kept" || echo "damaged copy dropped"
"$PARE" --root "$R" -X "$url" add a && echo "fetched again: $(cat "$R/usr/share/a/data" | wc -c) bytes"
# With --no-network (the server stopped) a remote package in the cache is
# still installable; one that is not cached is masked.
"$PARE" --root "$R" -X "$url" del a
kill $srv; trap - EXIT; wait $srv 2>/dev/null || true
"$PARE" --root "$R" -X "$url" --no-network add a
rm "$R"/etc/apk/cache/a-1.0-r0.*.apk
"$PARE" --root "$R" -X "$url" --no-network del a
"$PARE" --root "$R" -X "$url" --no-network add a 2>&1 || echo "exit $?"
