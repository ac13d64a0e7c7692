#!/bin/sh
# Issue 20 defect 4: a server trickling a byte every 2 s (broken_server.py
# "slow") must be abandoned at the overall deadline, even though it never
# falls under the low-speed limit (1 B/s over PARE_HTTP_TIMEOUT seconds).
# Usage: http_deadline.sh PARE
set -eu
PARE=$(realpath "$1")
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d); srv=
trap '[ -n "$srv" ] && kill $srv 2>/dev/null; rm -rf "$T"' EXIT
mkdir -p "$T/live/x86_64" "$T/state" "$T/r/etc/apk/keys" "$T/r/lib/apk/db"
: > "$T/r/etc/apk/world"; : > "$T/r/lib/apk/db/installed"; echo x86_64 > "$T/r/etc/apk/arch"
head -c 4000 /dev/urandom > "$T/live/x86_64/APKINDEX.tar.gz"
echo slow > "$T/state/mode"
python3 "$HERE/../integration/broken_server.py" "$T/live" "$T/state" & srv=$!
for _ in $(seq 100); do [ -s "$T/state/port" ] && break; sleep 0.05; done
url="http://127.0.0.1:$(cat "$T/state/port")"
t0=$(date +%s)
rc=0
PARE_HTTP_TIMEOUT=30 PARE_HTTP_RETRIES=0 "$PARE" --root "$T/r" --timeout 3 -X "$url" update \
	> "$T/out" 2>&1 || rc=$?
t=$(( $(date +%s) - t0 ))
cat "$T/out"
[ "$rc" != 0 ] || { echo "FAIL: update succeeded"; exit 1; }
grep -q "timed out" "$T/out" || { echo "FAIL: no timeout reported"; exit 1; }
[ "$t" -le 8 ] || { echo "FAIL: took $t s with --timeout 3"; exit 1; }
"$PARE" --timeout x version >/dev/null 2>&1 && { echo "FAIL: --timeout x accepted"; exit 1; }
"$PARE" help 2>&1 | grep -q -- "--timeout SECONDS.*default 600" || { echo "FAIL: not in help"; exit 1; }
echo "ok: abandoned after $t s"
