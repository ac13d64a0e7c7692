#!/bin/sh
# Issue 20 defect 8: a download temporary (etc/apk/cache/.pare-tmp.*) left
# by kill -9 is removed by a later run once it is idle (an hour untouched);
# a fresh one (a concurrent download) and other names stay.
# Usage: tmp_sweep.sh PARE
set -eu
PARE=$(realpath "$1")
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d); srv=; pid=
trap '[ -n "$srv" ] && kill $srv 2>/dev/null; [ -n "$pid" ] && kill -9 $pid 2>/dev/null; rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
mkdir -p "$T/live/x86_64" "$T/state" "$T/r/etc/apk/keys" "$T/r/lib/apk/db" "$T/r/etc/apk/cache"
: > "$T/r/etc/apk/world"; : > "$T/r/lib/apk/db/installed"; echo x86_64 > "$T/r/etc/apk/arch"
head -c 4000 /dev/urandom > "$T/live/x86_64/APKINDEX.tar.gz"
echo slow > "$T/state/mode"
python3 "$HERE/../integration/broken_server.py" "$T/live" "$T/state" & srv=$!
for _ in $(seq 100); do [ -s "$T/state/port" ] && break; sleep 0.05; done
url="http://127.0.0.1:$(cat "$T/state/port")"
"$PARE" --root "$T/r" -X "$url" update >/dev/null 2>&1 & pid=$!
for _ in $(seq 100); do ls "$T"/r/etc/apk/cache/.pare-tmp.* >/dev/null 2>&1 && break; sleep 0.05; done
kill -9 "$pid"; wait "$pid" 2>/dev/null || true; pid=
left=$(ls "$T"/r/etc/apk/cache/.pare-tmp.* 2>/dev/null | head -1)
[ -n "$left" ] || fail "no temporary was left by kill -9 (test set-up)"
touch -d '2 hours ago' "$left"
: > "$T/r/etc/apk/cache/.pare-tmp.00000000000000aa"   # fresh: a concurrent download
touch -d '2 hours ago' "$T/r/etc/apk/cache/.pare-tmp.not-ours"
echo ok > "$T/state/mode"
"$PARE" --root "$T/r" -v -X "$url" update > "$T/out" 2>&1 || true
[ ! -e "$left" ] || { cat "$T/out"; fail "the killed run's temporary is still there"; }
[ -e "$T/r/etc/apk/cache/.pare-tmp.00000000000000aa" ] || fail "a fresh temporary was removed"
[ -e "$T/r/etc/apk/cache/.pare-tmp.not-ours" ] || fail "a file of another name was removed"
grep -q "removed 1 download temporary" "$T/out" || { cat "$T/out"; fail "not logged with -v"; }
echo "ok: $(basename "$left") removed"
