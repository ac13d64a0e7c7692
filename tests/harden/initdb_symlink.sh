#!/bin/sh
# Issue 20: --initdb on a root whose lib/apk is a symlink out of the root
# must say what is wrong (it said "no package database (use --initdb)").
# Usage: initdb_symlink.sh PARE
set -eu
PARE=$(realpath "$1")
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
mkdir -p "$T/r/lib" "$T/outside"; ln -s "$T/outside" "$T/r/lib/apk"
rc=0; "$PARE" --root "$T/r" --initdb add > "$T/out" 2>&1 || rc=$?
cat "$T/out"
[ "$rc" != 0 ] || { echo "FAIL: --initdb succeeded"; exit 1; }
grep -q "lib/apk is a symlink to $T/outside" "$T/out" || { echo "FAIL: the symlink is not named"; exit 1; }
[ -z "$(ls -A "$T/outside")" ] || { echo "FAIL: something was written out of the root"; exit 1; }
echo ok
