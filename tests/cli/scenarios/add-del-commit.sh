# add and del commit to a root: files, world, database; audit finds nothing,
# then the one changed file (its content digest differs).
export SOURCE_DATE_EPOCH=1700000000
"$PARE" keygen -b 2048 -o . k > /dev/null
mkdir -p keys repo/x86_64 a/usr/bin b/usr/lib root/etc/apk/keys
cp k.rsa.pub keys/ && cp k.rsa.pub root/etc/apk/keys/
echo a > a/usr/bin/a
echo b > b/usr/lib/libb.so.1
"$PARE" mkpkg -k k.rsa -s pkgname=a -s pkgver=1.0-r0 -s arch=x86_64 -s depend=so:libb.so.1 -o repo/x86_64/a-1.0-r0.apk a
"$PARE" mkpkg -k k.rsa -s pkgname=b -s pkgver=2.1-r3 -s arch=x86_64 -s provides=so:libb.so.1=1 -o repo/x86_64/b-2.1-r3.apk b
"$PARE" --keys-dir "$PWD/keys" index -k k.rsa -o repo/x86_64/APKINDEX.tar.gz repo/x86_64/*.apk > /dev/null
"$PARE" --root root -X "$PWD/repo" --arch x86_64 --initdb add a
cat root/usr/bin/a root/usr/lib/libb.so.1 root/etc/apk/world
grep -c '^P:' root/lib/apk/db/installed
"$PARE" --root root audit --system && echo audit clean
cp root/usr/bin/a a.keep && echo changed > root/usr/bin/a
"$PARE" --root root audit --system
cp a.keep root/usr/bin/a
"$PARE" --root root -X "$PWD/repo" --arch x86_64 del a
test ! -e root/usr/bin/a && test ! -e root/usr/lib/libb.so.1 && echo files removed
