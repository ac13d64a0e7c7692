#!/bin/sh
# Benchmark: `pare import-deb` of the N largest .deb files in a folder
# (default: the import cache, $XDG_CACHE_HOME/pare/debs, filled by importing
# the base set) against the lower bound `dpkg-deb --fsys-tarfile F | gzip -6
# >/dev/null` of the same files, in the same run.  Prints both wall and CPU
# times, both ratios (target <= 1.5) and pare's peak memory.
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
# CPU seconds (user + system, children included) beside wall time: on a
# shared machine the wall-clock ratio follows the load, the CPU one does not.
t0=$(now)
/usr/bin/time -f '%U %S' -o "$work/base.cpu" sh -c \
	'while read -r f; do dpkg-deb --fsys-tarfile "$f" | gzip -6 >/dev/null; done <"$0"' "$work/list"
t1=$(now)
/usr/bin/time -f '%M %U %S' -o "$work/rss" sh -c 'xargs "$0" import-deb -o "$1" -k "$2" <"$3" >/dev/null' \
	"$pare" "$work/repo" "$work/bench.rsa" "$work/list"
t2=$(now)
base=$(echo "$t1 - $t0" | bc -l)
ours=$(echo "$t2 - $t1" | bc -l)
base_cpu=$(awk '{print $1 + $2}' "$work/base.cpu")
ours_cpu=$(awk '{print $2 + $3}' "$work/rss")
printf 'import-deb: %d .deb files (%d MB): dpkg-deb|gzip -6 %.2f s (%.2f s CPU), pare import-deb %.2f s (%.2f s CPU), ratio %.2f wall, %.2f CPU (target <= 1.5), peak RSS %d MiB\n' \
	"$count" $((bytes / 1048576)) "$base" "$base_cpu" "$ours" "$ours_cpu" \
	"$(echo "$ours / $base" | bc -l)" "$(echo "$ours_cpu / $base_cpu" | bc -l)" \
	$(($(awk '{print $1}' "$work/rss") / 1024))
