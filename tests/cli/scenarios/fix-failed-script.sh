# A package whose post-install fails is recorded as broken (f:s); a bare
# `pare fix` reinstalls it and reruns the script.
export SOURCE_DATE_EPOCH=1700000000
"$PARE" keygen -b 2048 -o . k > /dev/null
mkdir -p keys repo/x86_64 sh/bin b/usr/bin root/etc/apk/keys
cp k.rsa.pub keys/ && cp k.rsa.pub root/etc/apk/keys/
cp /bin/busybox sh/bin/busybox && ln -s busybox sh/bin/sh
echo b > b/usr/bin/b
printf '#!/bin/sh\ntest -e /ok || exit 3\necho fixed > /fixed\n' > post.sh
"$PARE" mkpkg -k k.rsa -s pkgname=sh -s pkgver=1-r0 -s arch=x86_64 -o repo/x86_64/sh-1-r0.apk sh
"$PARE" mkpkg -k k.rsa -s pkgname=b -s pkgver=1-r0 -s arch=x86_64 -s depend=sh --script post-install=post.sh -o repo/x86_64/b-1-r0.apk b
"$PARE" --keys-dir "$PWD/keys" index -k k.rsa -o repo/x86_64/APKINDEX.tar.gz repo/x86_64/*.apk > /dev/null
"$PARE" --root root -X "$PWD/repo" --arch x86_64 --initdb add b > add.out 2> add.err || echo "add failed as expected"
grep -A30 '^P:b$' root/lib/apk/db/installed | grep -c '^f:'
touch root/ok
"$PARE" --root root -X "$PWD/repo" --arch x86_64 fix
cat root/fixed
grep -A30 '^P:b$' root/lib/apk/db/installed | grep -c '^f:' || true
