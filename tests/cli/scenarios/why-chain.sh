# why: world atom -> package -> dependency (through a so: provide) -> file;
# a package pulled by an install_if rule; an orphan; something not installed.
export SOURCE_DATE_EPOCH=1700000000
"$PARE" keygen -b 2048 -o . k > /dev/null
mkdir -p keys repo/x86_64 a/usr/bin b/usr/lib c/usr/share/c root/etc/apk/keys
cp k.rsa.pub keys/ && cp k.rsa.pub root/etc/apk/keys/
echo a > a/usr/bin/a
echo b > b/usr/lib/libb.so.1
echo c > c/usr/share/c/doc
mk() { "$PARE" mkpkg -k k.rsa -s arch=x86_64 "$@" > /dev/null; }
mk -s pkgname=a -s pkgver=1.0-r0 -s depend=so:libb.so.1 -o repo/x86_64/a-1.0-r0.apk a
mk -s pkgname=b -s pkgver=2.1-r3 -s provides=so:libb.so.1=1 -o repo/x86_64/b-2.1-r3.apk b
mk -s pkgname=b-extra -s pkgver=1-r0 -s install_if=b -o repo/x86_64/b-extra-1-r0.apk c
"$PARE" --keys-dir "$PWD/keys" index -k k.rsa -o repo/x86_64/APKINDEX.tar.gz repo/x86_64/*.apk > /dev/null
"$PARE" --root root -X "$PWD/repo" --arch x86_64 --initdb add -q a > /dev/null
"$PARE" why root /usr/lib/libb.so.1 b-extra
"$PARE" why root so:libb.so.1
"$PARE" --json why root usr/bin/a
cp root/etc/apk/world world.saved; echo > root/etc/apk/world
"$PARE" why root a || echo "exit $?"
"$PARE" why root nope || echo "exit $?"
"$PARE" why root || echo "exit $?"
"$PARE" --root root dot
"$PARE" --root root dot b nope || echo "exit $?"
