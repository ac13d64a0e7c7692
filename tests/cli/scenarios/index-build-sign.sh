# pare index over packages made with pare mkpkg: signed, verifies with the
# key, deterministic (two runs give the same bytes), apk's field order,
# unsigned packages need --allow-untrusted.
export SOURCE_DATE_EPOCH=1700000000
mkdir -p t1/usr/share/a t2/etc keys
echo hi > t1/usr/share/a/f
echo x > t2/etc/b.conf
"$PARE" mkpkg -s pkgname=beta -s pkgver=2.1-r3 -s arch=x86_64 -s 'provides=cmd:beta=2.1-r3' \
	-s provider_priority=10 t2
"$PARE" mkpkg -s pkgname=alpha -s pkgver=1.0-r0 -s arch=x86_64 -s 'depend=beta>=2' \
	-s 'pkgdesc=Alpha package' -s license=MIT t1
"$PARE" keygen -b 2048 -o keys test > /dev/null
"$PARE" index -o APKINDEX.tar.gz -k keys/test.rsa beta-2.1-r3.apk alpha-1.0-r0.apk \
	|| echo "refused: exit $?"
"$PARE" --allow-untrusted index -o APKINDEX.tar.gz -d "test repo" -k keys/test.rsa \
	beta-2.1-r3.apk alpha-1.0-r0.apk
"$PARE" --allow-untrusted index -o again.tar.gz -d "test repo" -k keys/test.rsa \
	alpha-1.0-r0.apk beta-2.1-r3.apk > /dev/null
cmp APKINDEX.tar.gz again.tar.gz && echo identical
"$PARE" verify --keys-dir "$PWD/keys" APKINDEX.tar.gz
"$PARE" verify APKINDEX.tar.gz || echo "untrusted without the key"
python3 - <<'PY'
import io, tarfile, zlib
d = open("APKINDEX.tar.gz", "rb").read()
z = zlib.decompressobj(31); z.decompress(d)
t = tarfile.open(fileobj=io.BytesIO(zlib.decompressobj(31).decompress(z.unused_data)))
for m in t:
    print(m.name, m.size, m.mtime, oct(m.mode), m.uname, m.gname)
print(t.extractfile("APKINDEX").read().decode().replace("\n\n", "\n--\n"), end="")
PY
