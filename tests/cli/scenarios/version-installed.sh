# version without -t/-c lists installed packages against the repositories,
# as apk version: '<' upgradable, '?' in no repository; up to date left out.
export SOURCE_DATE_EPOCH=1700000000
"$PARE" keygen -b 2048 -o keys k > /dev/null
mkdir -p repo/x86_64
mk() { mkdir -p "t$1" && echo "$1" > "t$1/$1"; "$PARE" mkpkg -k keys/k.rsa -s arch=x86_64 -s "pkgname=$1" -s "pkgver=$2" -o "repo/x86_64/$1-$2.apk" "t$1" > /dev/null; }
mk a 1.0-r0; mk b 1.0-r0; mk gone 1-r0
"$PARE" --keys-dir "$PWD/keys" index -k keys/k.rsa -o repo/x86_64/APKINDEX.tar.gz repo/x86_64/*.apk > /dev/null
"$PARE" --root root --keys-dir "$PWD/keys" -X "$PWD/repo" --arch x86_64 --initdb add -q a b gone > /dev/null
rm repo/x86_64/*; mk a 1.1-r0; mk b 1.0-r0
"$PARE" --keys-dir "$PWD/keys" index -k keys/k.rsa -o repo/x86_64/APKINDEX.tar.gz repo/x86_64/*.apk > /dev/null
"$PARE" --root root --keys-dir "$PWD/keys" -X "$PWD/repo" --arch x86_64 version
"$PARE" --root root --keys-dir "$PWD/keys" -X "$PWD/repo" --arch x86_64 version b
"$PARE" --root root --keys-dir "$PWD/keys" -X "$PWD/repo" --arch x86_64 list --upgradable
echo gone > root/etc/apk/world
"$PARE" --root root list --orphaned
