# mkpkg writes the same bytes for the same tree; the package verifies, and
# its manifest equals sha1sum of the tree's regular files.
mkdir -p tree/usr/bin tree/etc
printf 'conf\n' > tree/etc/app.conf
printf '#!/bin/sh\necho app\n' > tree/usr/bin/app
chmod 755 tree/usr/bin/app
ln -s app tree/usr/bin/app-link
export SOURCE_DATE_EPOCH=1700000000
"$PARE" mkpkg -s pkgname=app -s pkgver=2.0-r1 -s arch=x86_64 -s 'depend=so:libc.so.6' tree
"$PARE" mkpkg -s pkgname=app -s pkgver=2.0-r1 -s arch=x86_64 -s 'depend=so:libc.so.6' -o again.apk tree
cmp app-2.0-r1.apk again.apk && echo identical
"$PARE" verify --allow-untrusted app-2.0-r1.apk
"$PARE" manifest --allow-untrusted app-2.0-r1.apk > manifest.txt
(cd tree && find . -type f | sed 's|^\./||' | sort | while read -r f; do
   printf 'sha1:%s  %s\n' "$(sha1sum "$f" | cut -d' ' -f1)" "$f"; done) > want.txt
cmp manifest.txt want.txt && echo manifest agrees
