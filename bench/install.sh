#!/bin/bash
# Install benchmark (issue 18): 201 small packages from a signed local
# repository (the shared corpus generator, mkcorpus.py) into a fresh root on
# tmpfs with `pare add` (-X REPO --no-cache --initdb), median of RUNS runs:
# wall time, CPU time and peak RSS.  With APK=/path/to/apk (apk-tools 3.0,
# built outside this repository) the same install with apk, and the ratio.
# LARGE=1 adds the second case: 20 packages of 8 files x 1 MiB.
#
#   bench/install.sh [PARE] [SHARED_DIR]     (env: RUNS=5 COUNT=201 LARGE= APK=)
set -eu
PARE=$(realpath "${1:-build/src/cli/pare}")
SHARED=$(realpath "${2:-$(dirname "$0")/../../shared}")
RUNS=${RUNS:-5}
COUNT=${COUNT:-201}
python3 -c 'import cryptography' 2>/dev/null || { echo "SKIP: python3-cryptography missing"; exit 77; }
W=$(mktemp -d /dev/shm/pare-bench-install.XXXXXX)
trap 'rm -rf "$W"' EXIT
mkroot() {
	rm -rf "$1"; mkdir -p "$1/etc/apk/keys" "$1/lib/apk/db" "$1/tmp" "$1/var/log"
	: > "$1/etc/apk/world"; : > "$1/lib/apk/db/installed"; echo x86_64 > "$1/etc/apk/arch"
	cp "$W/c/keys/"* "$1/etc/apk/keys/"
}
# measure TOOL: prints "wall_ms cpu_ms rss_kib" (medians)
measure() {
	local tool=$1 i
	for i in $(seq "$RUNS"); do
		mkroot "$W/r"
		# shellcheck disable=SC2086
		/usr/bin/time -f '%e %U %S %M' -o "$W/t" "$tool" --root "$W/r" --no-cache --initdb \
			-X "$W/c" add $names >/dev/null 2>"$W/err" || { echo "FAIL: $tool: $(tail -1 "$W/err")" >&2; exit 1; }
		n=$(grep -c '^P:' "$W/r/lib/apk/db/installed")
		[ "$n" = "$COUNT" ] || { echo "FAIL: $tool installed $n of $COUNT" >&2; exit 1; }
		awk '{ printf "%.1f %.1f %d\n", $1 * 1000, ($2 + $3) * 1000, $4 }' "$W/t"
	done > "$W/runs"
	local col
	for col in 1 2 3; do
		cut -d' ' -f$col "$W/runs" | sort -n | awk '{ v[NR] = $1 } END { printf "%s ", v[int((NR + 1) / 2)] }'
	done
	echo
}
# bench LABEL COUNT [mkcorpus options...]
bench() {
	local label=$1
	COUNT=$2
	shift 2
	rm -rf "$W/c"
	python3 "$SHARED/acceptance/mkcorpus.py" "$W/c" --count "$COUNT" "$@" >/dev/null
	names=$(cd "$W/c/x86_64" && ls ./*.apk | sed 's|^\./||; s/-[0-9].*//' | sort -u | tr '\n' ' ')
	read -r pw pc pm <<<"$(measure "$PARE")"
	printf 'install %s %s packages (tmpfs, median of %s): pare %s ms wall, %s ms CPU, peak RSS %s KiB\n' \
		"$COUNT" "$label" "$RUNS" "$pw" "$pc" "$pm"
	if [ -n "${APK:-}" ]; then
		read -r aw ac am <<<"$(measure "$APK")"
		printf '  apk %s ms wall, %s ms CPU, peak RSS %s KiB; ratio pare/apk: wall %.2f, CPU %.2f, RSS %.2f\n' \
			"$aw" "$ac" "$am" "$(echo "$pw / $aw" | bc -l)" "$(echo "$pc / $ac" | bc -l)" \
			"$(echo "$pm / $am" | bc -l)"
	fi
}
bench small "$COUNT"
[ -z "${LARGE:-}" ] || bench "large (8 MiB)" 20 --files 8 --size 1048576
