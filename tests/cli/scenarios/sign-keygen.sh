# keygen + sign: RSA256 by default, RSA (SHA-1) on request; the identity
# and data do not change; a key with the right name but wrong bits is BAD.
"$PARE" keygen -b 2048 -o . alice > /dev/null
"$PARE" keygen -b 2048 -o . mallory > /dev/null
stat -c '%a %n' alice.rsa alice.rsa.pub
mkdir keys evil
cp alice.rsa.pub keys/
cp mallory.rsa.pub evil/alice.rsa.pub
mkdir tree && echo x > tree/x
SOURCE_DATE_EPOCH=1 "$PARE" mkpkg -s pkgname=x -s pkgver=1-r0 -o x.apk tree
"$PARE" verify --keys-dir "$PWD/keys" x.apk || true
"$PARE" sign -k alice.rsa x.apk
"$PARE" verify --keys-dir "$PWD/keys" x.apk
"$PARE" verify --keys-dir "$PWD/evil" x.apk || true
"$PARE" sign -t rsa -k alice.rsa -o x-sha1.apk x.apk
"$PARE" verify --keys-dir "$PWD/keys" x-sha1.apk
"$PARE" keygen -b 2048 -o . alice || echo "refused to overwrite"
