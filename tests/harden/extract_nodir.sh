#!/bin/sh
# Issue 20: `extract -C DIR` must not create DIR before refusing an
# untrusted package; with --allow-untrusted it creates DIR and extracts.
# Usage: extract_nodir.sh PARE
set -eu
PARE=$(realpath "$1")
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
mkdir -p "$T/tree/usr"; echo x > "$T/tree/usr/f"; mkdir -p "$T/keys"
"$PARE" mkpkg -s pkgname=u -s pkgver=1-r0 -o "$T/u.apk" "$T/tree" >/dev/null
rc=0; "$PARE" --keys-dir "$T/keys" extract -C "$T/new/dir" "$T/u.apk" > "$T/out" 2>&1 || rc=$?
cat "$T/out"
[ "$rc" != 0 ] || { echo "FAIL: an untrusted package was extracted"; exit 1; }
[ ! -e "$T/new" ] || { echo "FAIL: DIR was created before the package was refused"; exit 1; }
"$PARE" --keys-dir "$T/keys" --allow-untrusted extract -C "$T/new/dir" "$T/u.apk"
[ -f "$T/new/dir/usr/f" ] || { echo "FAIL: --allow-untrusted did not extract"; exit 1; }
echo "ok"
