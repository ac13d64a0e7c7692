# add --simulate solves against a signed repository folder given with -X,
# and refuses the repository when its key is not trusted.
export SOURCE_DATE_EPOCH=1700000000
"$PARE" keygen -b 2048 -o . k > /dev/null
mkdir -p keys repo/x86_64 a/usr/bin b/usr/lib
cp k.rsa.pub keys/
echo a > a/usr/bin/a
echo b > b/usr/lib/libb.so.1
"$PARE" mkpkg -k k.rsa -s pkgname=a -s pkgver=1.0-r0 -s arch=x86_64 -s depend=so:libb.so.1 -o repo/x86_64/a-1.0-r0.apk a
"$PARE" mkpkg -k k.rsa -s pkgname=b -s pkgver=2.1-r3 -s arch=x86_64 -s provides=so:libb.so.1=1 -o repo/x86_64/b-2.1-r3.apk b
"$PARE" --keys-dir "$PWD/keys" index -k k.rsa -o repo/x86_64/APKINDEX.tar.gz repo/x86_64/*.apk > /dev/null
"$PARE" --keys-dir "$PWD/keys" -X "$PWD/repo" --arch x86_64 add --simulate a
"$PARE" -X "$PWD/repo" --arch x86_64 --keys-dir "$PWD/nokeys" add --simulate a 2>&1 | sed "s|$PWD|PWD|g" || true
