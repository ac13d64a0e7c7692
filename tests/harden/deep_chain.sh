#!/bin/sh
# Issue 20 defect 3: a 100,000-deep dependency chain must not crash the
# solver's ordering (it recursed once per link).  Usage: deep_chain.sh PARE
set -eu
PARE=$(realpath "$1")
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
python3 "$(dirname "$0")/gen_chain.py" "$T/deep" 100000
mkdir -p "$T/r/etc/apk/keys" "$T/r/lib/apk/db"
: > "$T/r/etc/apk/world"; : > "$T/r/lib/apk/db/installed"; echo x86_64 > "$T/r/etc/apk/arch"
rc=0
"$PARE" --root "$T/r" --allow-untrusted -X "$T/deep" add --simulate p0 > "$T/out" 2>&1 || rc=$?
[ "$rc" = 0 ] || { echo "FAIL: add --simulate exited $rc"; tail -3 "$T/out"; exit 1; }
grep -q "Installing p0 " "$T/out" || { echo "FAIL: p0 not in the plan"; exit 1; }
echo "ok: 100000-deep chain ordered"
