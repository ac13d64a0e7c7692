#!/bin/sh
# Optional (not in the meson suite; CI has no peer build): a root made by
# pare passes apk-tools' audit, apk can delete from it, and pare reads the
# database apk wrote back.  Usage: tests/install/apk_peer.sh PARE [APK]
# APK defaults to /tmp/peer/build-3.0/src/apk; for 2.14 pass
# /tmp/peer/build-2.14/src/apk (LD_LIBRARY_PATH is set for it).
set -eu
PARE=$(realpath "$1")
APK=${2:-/tmp/peer/build-3.0/src/apk}
[ -x "$APK" ] || { echo "skip: no apk at $APK"; exit 0; }
export LD_LIBRARY_PATH=$(dirname "$APK")
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT; cd "$W"
mkdir -p keys t1/usr/bin t1/etc t2/usr/lib/two
"$PARE" keygen -o keys peer >/dev/null
echo one > t1/usr/bin/one; chmod 755 t1/usr/bin/one; echo conf > t1/etc/one.conf
ln -s one t1/usr/bin/uno
echo two > t2/usr/lib/two/lib
"$PARE" mkpkg -s pkgname=one -s pkgver=1.0-r0 -k keys/peer.rsa -o one.apk t1
"$PARE" mkpkg -s pkgname=two -s pkgver=1.0-r0 -s depend=one -k keys/peer.rsa -o two.apk t2
mkdir -p root/etc/apk/keys; cp keys/peer.rsa.pub root/etc/apk/keys/
"$PARE" --root root install-files --initdb one.apk two.apk
printf 'one\ntwo\n' > root/etc/apk/world
fail=0
out=$("$APK" --root root audit --system 2>&1) || true
if [ -n "$out" ]; then echo "FAIL apk audit --system:"; echo "$out"; fail=1; else echo "ok   apk audit --system clean"; fi
if "$APK" --root root del --no-network two >/dev/null 2>&1 && [ ! -e root/usr/lib/two/lib ]; then
	echo "ok   apk del two"; else echo "FAIL apk del two"; fail=1; fi
if "$PARE" --root root info -L one >/dev/null && [ -z "$("$PARE" --root root audit --system)" ]; then
	echo "ok   pare reads apk's database back, audit clean"; else echo "FAIL pare after apk"; fail=1; fi
exit $fail
