# -x OLD: a package whose file name and size match an entry of OLD and
# that is not newer than OLD is taken from OLD without being read (proved
# by replacing its bytes with garbage of the same size and an old mtime);
# a package newer than OLD is read again; --rewrite-arch applies to all.
export SOURCE_DATE_EPOCH=1700000000
mkdir -p t1 t2
echo one > t1/f
echo two > t2/g
"$PARE" mkpkg -s pkgname=one -s pkgver=1-r0 -s arch=x86_64 t1
"$PARE" mkpkg -s pkgname=two -s pkgver=1-r0 -s arch=x86_64 t2
touch -d '2020-01-01' one-1-r0.apk two-1-r0.apk
"$PARE" --allow-untrusted index -o old.tar.gz one-1-r0.apk two-1-r0.apk
touch -d '2021-01-01' old.tar.gz
# garbage of the same size, not newer than the old index: reused
head -c "$(stat -c %s one-1-r0.apk)" /dev/zero > junk && mv junk one-1-r0.apk
touch -d '2020-01-01' one-1-r0.apk
"$PARE" --allow-untrusted index -x old.tar.gz -o new.tar.gz one-1-r0.apk two-1-r0.apk
# newer than the old index: read again (and fails: it is garbage)
touch -d '2022-01-01' one-1-r0.apk
"$PARE" --allow-untrusted index -x old.tar.gz -o new2.tar.gz one-1-r0.apk two-1-r0.apk \
	|| echo "re-read: exit $?"
touch -d '2020-01-01' one-1-r0.apk
"$PARE" --allow-untrusted index -x old.tar.gz --rewrite-arch noarch -o new3.tar.gz \
	one-1-r0.apk two-1-r0.apk
python3 - <<'PY'
import io, tarfile, zlib
for f in ("old.tar.gz", "new.tar.gz", "new3.tar.gz"):
    t = tarfile.open(fileobj=io.BytesIO(zlib.decompress(open(f, "rb").read(), 31)))
    text = t.extractfile("APKINDEX").read().decode()
    print(f, [l for l in text.split("\n") if l[:2] in ("P:", "A:", "C:")])
PY
cmp old.tar.gz new.tar.gz && echo "same bytes as the old index"
