# --no-network masks remote repositories only (apk): a local folder given
# with -X still provides packages.
export SOURCE_DATE_EPOCH=1700000000
"$PARE" keygen -b 2048 -o . k > /dev/null
mkdir -p keys repo/x86_64 a/usr/bin
cp k.rsa.pub keys/
echo a > a/usr/bin/a
"$PARE" mkpkg -k k.rsa -s pkgname=a -s pkgver=1.0-r0 -s arch=x86_64 -o repo/x86_64/a-1.0-r0.apk a
"$PARE" --keys-dir "$PWD/keys" index -k k.rsa -o repo/x86_64/APKINDEX.tar.gz repo/x86_64/*.apk > /dev/null
"$PARE" --keys-dir "$PWD/keys" -X "$PWD/repo" --arch x86_64 --no-network add --simulate a
