#!/bin/sh
# Resumable source downloads: a local server (range_server.py) cuts the
# first transfer half-way; pare build resumes with a Range request into
# SRCDEST/.NAME.part and verifies the whole file by SHA-512 before it is
# renamed to SRCDEST/NAME.  Also: a partial file left by a killed pare is
# resumed; a partial file with wrong bytes is fetched again from zero; a
# server without ranges is read whole; a wrong sha512 leaves nothing.
# Usage: download_test.sh PARE.  Needs root (the build sandbox).
set -u
PARE=$(readlink -f "$1")
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
T=$(mktemp -d)
SRV=
stop() { [ -n "$SRV" ] && kill "$SRV" 2>/dev/null && wait "$SRV" 2>/dev/null; SRV=; }
trap 'stop; rm -rf "$T"' EXIT
fails=0
ok() { echo "ok - $1"; }
bad() { echo "not ok - $1"; fails=$((fails + 1)); }
make_busybox_repo "$PARE" "$T" || { echo "cannot make the busybox repository"; exit 1; }
mkdir -p "$T/www" "$T/work"
python3 -c 'import random; random.seed(17); open("'"$T"'/www/data.bin","wb").write(bytes(random.getrandbits(8) for _ in range(1 << 20)))'
SUM=$(sha512sum "$T/www/data.bin" | cut -d' ' -f1)
start() { # [norange]: a fresh server (its first plain GET is cut)
	stop
	rm -f "$T/port" "$T/req.log"
	python3 "$HERE/range_server.py" "$T/www" "$T/port" "$T/req.log" "$@" &
	SRV=$!
	for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		[ -s "$T/port" ] && break
		sleep 0.2
	done
	PORT=$(cat "$T/port")
}
recipe() { # SHA512
	mkdir -p "$T/r/dl"
	cat >"$T/r/dl/APKBUILD" <<EOR
pkgname=dl
pkgver=1
pkgrel=0
pkgdesc="test"
arch="all"
license="MIT"
SOURCE_DATE_EPOCH=1700000000
source="data.bin::http://127.0.0.1:$PORT/data.bin"
sha512sums="$1  data.bin"
package() { mkdir -p "\$pkgdir"/usr/share/dl; cmp "\$srcdir"/data.bin "\$srcdir"/data.bin && touch "\$pkgdir"/usr/share/dl/ok; }
EOR
}
build() {
	(cd "$T" && "$PARE" --keys-dir "$T/keys" -X "$T/repo" build --srcdest "$T/srcdest" \
		--no-debian-sources --work-dir "$T/work" -o "$T/out" -k "$T/keys/t.rsa" r/dl) >"$T/b.log" 2>&1
}
verified() { [ -f "$T/srcdest/data.bin" ] && [ ! -e "$T/srcdest/.data.bin.part" ] &&
	[ "$(sha512sum "$T/srcdest/data.bin" | cut -d' ' -f1)" = "$SUM" ]; }

# 1. the first transfer is cut half-way; the second asks for the rest
start
recipe "$SUM"
if build && verified && [ "$(sed -n 1p "$T/req.log")" = "-" ] &&
	[ "$(sed -n 2p "$T/req.log")" = "bytes=524288-" ] && [ "$(wc -l <"$T/req.log")" -eq 2 ] &&
	[ "$(stat -c %Y "$T/srcdest/data.bin")" = 1700000000 ]; then
	ok "a cut transfer resumes from byte 524288 and verifies (mtime: Last-Modified)"
else bad "cut transfer not resumed"; cat "$T/req.log" "$T/b.log"; fi

# 2. a partial file left by a killed pare is resumed by the next build
rm -rf "$T/srcdest" "$T/out" && mkdir -p "$T/srcdest"
head -c 1000 "$T/www/data.bin" >"$T/srcdest/.data.bin.part"
start
recipe "$SUM"
if build && verified && [ "$(cat "$T/req.log")" = "bytes=1000-" ]; then
	ok "a partial file in SRCDEST is resumed"
else bad "partial file not resumed"; cat "$T/req.log" "$T/b.log"; fi

# 3. a partial file with wrong bytes: the resumed whole does not verify,
#    so it is fetched again from zero (cut, then resumed)
rm -rf "$T/srcdest" "$T/out" && mkdir -p "$T/srcdest"
head -c 1000 /dev/zero >"$T/srcdest/.data.bin.part"
start
recipe "$SUM"
if build && verified && [ "$(tr '\n' ' ' <"$T/req.log")" = "bytes=1000- - bytes=524288- " ] &&
	grep -q "does not verify; again from zero" "$T/b.log"; then
	ok "a corrupt partial file is fetched again and verifies"
else bad "corrupt partial file"; cat "$T/req.log" "$T/b.log"; fi

# 4. a server without ranges: the resume is refused (200), the file is read whole
rm -rf "$T/srcdest" "$T/out" && mkdir -p "$T/srcdest"
head -c 1000 "$T/www/data.bin" >"$T/srcdest/.data.bin.part"
start norange
recipe "$SUM"
if build && verified; then ok "a server without ranges: downloaded whole"
else bad "no-range server"; cat "$T/req.log" "$T/b.log"; fi

# 5. a wrong sha512: refused naming both hashes, nothing left in SRCDEST
rm -rf "$T/srcdest" "$T/out" && mkdir -p "$T/srcdest"
start
recipe "$(printf '%0128d' 0)"
if build; then bad "wrong sha512 accepted"
elif grep -q "sha512 mismatch.*$SUM" "$T/b.log" && [ -z "$(ls -A "$T/srcdest")" ]; then
	ok "a download with a wrong sha512 is refused and removed"
else bad "wrong sha512: unexpected"; ls -la "$T/srcdest"; cat "$T/b.log"; fi

[ "$fails" -eq 0 ] && echo "all download tests passed" && exit 0
exit 1
