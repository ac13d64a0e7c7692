#!/bin/sh
# Issue 20 defect 9: rollback and freeze protection.  With a-2 installed
# from an index built at T2, an older validly signed index (built at T1,
# holding a-1 only) is refused by update, add and upgrade unless
# --allow-index-downgrade; over HTTP the newer cached index stays in use.
# An index older than --index-max-age DAYS warns.
# Usage: rollback.sh PARE
set -eu
PARE=$(realpath "$1")
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d); srv=
trap '[ -n "$srv" ] && kill $srv 2>/dev/null; rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
(cd "$T" && "$PARE" keygen -o . rb >/dev/null 2>&1) || (cd "$T" && "$PARE" keygen rb >/dev/null)
key=$(ls "$T"/rb*.rsa | head -1); mkdir -p "$T/k"; cp "$T"/rb*.rsa.pub "$T/k/"
mkdir -p "$T/e" "$T/ix1/x86_64" "$T/ix2/x86_64"
for v in 1 2; do
	"$PARE" mkpkg -o "$T/ix$v/x86_64/a-$v-r0.apk" -s pkgname=a -s pkgver=$v-r0 -s arch=x86_64 \
		-k "$key" "$T/e" >/dev/null
done
SOURCE_DATE_EPOCH=1700000000 "$PARE" --keys-dir "$T/k" index -o "$T/ix1/x86_64/APKINDEX.tar.gz" \
	-k "$key" "$T/ix1/x86_64/a-1-r0.apk" >/dev/null
SOURCE_DATE_EPOCH=1800000000 "$PARE" --keys-dir "$T/k" index -o "$T/ix2/x86_64/APKINDEX.tar.gz" \
	-k "$key" "$T/ix2/x86_64/a-2-r0.apk" >/dev/null
mkroot() {
	mkdir -p "$1/etc/apk/keys" "$1/lib/apk/db" "$1/etc/apk/cache" "$1/tmp"
	: > "$1/etc/apk/world"; : > "$1/lib/apk/db/installed"; echo x86_64 > "$1/etc/apk/arch"
	cp "$T"/k/* "$1/etc/apk/keys/"
}
serve() { rm -rf "$T/live/x86_64"; mkdir -p "$T/live/x86_64"; cp "$T/ix$1"/x86_64/* "$T/live/x86_64/"; }

echo "== local repository"
mkroot "$T/r"; serve 2
"$PARE" --root "$T/r" -X "$T/live" add a >/dev/null || fail "add a-2"
serve 1
for app in update "add a" upgrade; do
	rc=0; "$PARE" --root "$T/r" -X "$T/live" $app > "$T/out" 2>&1 || rc=$?
	grep -q "older than one read before.*refused" "$T/out" || { cat "$T/out"; fail "$app: no refusal"; }
	[ "$rc" != 0 ] || [ "$app" != update ] || fail "$app exited 0"
	! grep -q "Downgrading\|a-1-r0\|(1-r0)" "$T/out" || { cat "$T/out"; fail "$app: planned a-1"; }
done
grep -q "^P:a$" "$T/r/lib/apk/db/installed" && grep -q "^V:2-r0$" "$T/r/lib/apk/db/installed" ||
	fail "a-2 is no longer installed"
"$PARE" --root "$T/r" -X "$T/live" --allow-index-downgrade update > "$T/out" 2>&1 ||
	{ cat "$T/out"; fail "--allow-index-downgrade: update failed"; }
grep -q "WARNING: .*older than one read before.*accepted" "$T/out" || { cat "$T/out"; fail "no warning"; }

echo "== frozen index"
mkroot "$T/f"; serve 1
"$PARE" --root "$T/f" -X "$T/live" --index-max-age 30 update > "$T/out" 2>&1 || fail "update (frozen)"
grep -q "WARNING: .*more than 30 days old.*frozen" "$T/out" || { cat "$T/out"; fail "no freeze warning"; }
"$PARE" --root "$T/f" -X "$T/live" update > "$T/out" 2>&1 || fail "update"
! grep -q WARNING "$T/out" || { cat "$T/out"; fail "warning without --index-max-age"; }

echo "== HTTP repository (the cached newer index stays)"
mkroot "$T/h"; serve 2
python3 "$HERE/../integration/broken_server.py" "$T/live" "$T/state" & srv=$!
mkdir -p "$T/state"
for _ in $(seq 100); do [ -s "$T/state/port" ] && break; sleep 0.05; done
url="http://127.0.0.1:$(cat "$T/state/port")"
"$PARE" --root "$T/h" -X "$url" add a >/dev/null || fail "http: add a-2"
serve 1; touch -d @1900000000 "$T"/live/x86_64/*
rc=0; "$PARE" --root "$T/h" -X "$url" update > "$T/out" 2>&1 || rc=$?
[ "$rc" != 0 ] && grep -q "older than one read before.*refused" "$T/out" || { cat "$T/out"; fail "http: no refusal"; }
"$PARE" --root "$T/h" -X "$url" search a > "$T/out" 2>&1 || true
grep -q "^a-2-r0" "$T/out" || { cat "$T/out"; fail "http: the cached a-2 index was replaced"; }
echo "ok"
