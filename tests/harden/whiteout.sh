#!/bin/sh
# Issue 20 defect 6: a package carrying OCI whiteout names (usr/.wh.foo,
# usr/.wh..wh..opq) must never yield an image layer holding them: image
# build refuses with one line naming the package and the file.
# Usage: whiteout.sh PARE
set -eu
PARE=$(realpath "$1")
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
export SOURCE_DATE_EPOCH=1700000000
(cd "$T" && "$PARE" keygen -o . wh >/dev/null 2>&1) || (cd "$T" && "$PARE" keygen wh >/dev/null)
key=$(ls "$T"/wh*.rsa | head -1); mkdir -p "$T/k"; cp "$T"/wh*.rsa.pub "$T/k/"; pub=$(ls "$T"/k/*.pub)
mkdir -p "$T/wh/usr" "$T/repo/x86_64"
echo x > "$T/wh/usr/.wh.foo"; echo y > "$T/wh/usr/.wh..wh..opq"; echo z > "$T/wh/usr/ok"
"$PARE" mkpkg -o "$T/repo/x86_64/wh-1.0-r0.apk" -s pkgname=wh -s pkgver=1.0-r0 -s arch=x86_64 \
	-k "$key" "$T/wh" >/dev/null
"$PARE" --keys-dir "$T/k" index -o "$T/repo/x86_64/APKINDEX.tar.gz" -k "$key" \
	"$T/repo/x86_64/wh-1.0-r0.apk" >/dev/null
printf 'contents:\n  repositories: [%s]\n  keyring: [%s]\n  packages: [wh]\narchs: [x86_64]\n' \
	"$T/repo" "$pub" > "$T/wh.yaml"
rc=0
(cd "$T" && "$PARE" image build wh.yaml -t latest -o "$T/out") > "$T/log" 2>&1 || rc=$?
for l in "$T"/out/blobs/sha256/*; do
	[ -f "$l" ] && tar -tzf "$l" 2>/dev/null
done | grep '\.wh\.' && { echo "FAIL: a layer holds a whiteout name"; exit 1; }
[ "$rc" != 0 ] || { echo "FAIL: image build succeeded"; cat "$T/log"; exit 1; }
grep -q '^ERROR: .*wh-1\.0-r0: usr/\.wh\..*whiteout' "$T/log" ||
	{ echo "FAIL: the error does not name the package and file:"; cat "$T/log"; exit 1; }
echo "ok: $(grep ERROR "$T/log")"
