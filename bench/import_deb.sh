#!/bin/sh
# Benchmark: `pare import-deb` of the N largest .deb files in a folder
# (default: the import cache, $XDG_CACHE_HOME/pare/debs, filled by importing
# the base set) against the lower bound `dpkg-deb --fsys-tarfile F | gzip -6
# >/dev/null` of the same files, in the same run.  Prints both times, the
# ratio (target <= 1.5) and pare's peak memory.
#   usage: bench/import_deb.sh PARE [DEB_DIR] [N]
set -eu
pare=$1
dir=${2:-${XDG_CACHE_HOME:-$HOME/.cache}/pare/debs}
n=${3:-50}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ls "$dir"/*.deb >/dev/null 2>&1 || { echo "no .deb files in $dir (import the base set first)"; exit 0; }
# shellcheck disable=SC2012
ls -S "$dir"/*.deb | head -n "$n" >"$work/list"
count=$(wc -l <"$work/list")
bytes=$(xargs stat -c %s <"$work/list" | awk '{s+=$1} END {print s}')
"$pare" keygen -o "$work" bench >/dev/null 2>&1

now() { date +%s.%N; }
t0=$(now)
while read -r f; do dpkg-deb --fsys-tarfile "$f" | gzip -6 >/dev/null; done <"$work/list"
t1=$(now)
/usr/bin/time -f %M -o "$work/rss" sh -c 'xargs "$0" import-deb -o "$1" -k "$2" <"$3" >/dev/null' \
	"$pare" "$work/repo" "$work/bench.rsa" "$work/list"
t2=$(now)
base=$(echo "$t1 - $t0" | bc -l)
ours=$(echo "$t2 - $t1" | bc -l)
printf 'import-deb: %d .deb files (%d MB): dpkg-deb|gzip -6 %.2f s, pare import-deb %.2f s, ratio %.2f (target <= 1.5), peak RSS %d MiB\n' \
	"$count" $((bytes / 1048576)) "$base" "$ours" "$(echo "$ours / $base" | bc -l)" $(($(cat "$work/rss") / 1024))
