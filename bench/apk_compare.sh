#!/bin/bash
# pare against apk-tools 3.0 on three everyday jobs (issue 18), median of
# RUNS fresh processes each: wall ms and peak RSS (KiB), and the ratio when
# APK=/path/to/apk is given (a build kept outside this repository; without
# it only pare's figures are printed):
#   index  - write a repository index of COUNT packages (the shared corpus
#            generator): `pare index` vs `apk mkndx` (and `apk index`)
#   load   - load and verify the signed Alpine 3.17 main index (5004
#            packages): `search` of a name that does not exist, keys given
#   solve  - `add --simulate` of each of the TOP names with the largest
#            dependency closures in that index (one process each, summed)
#
#   bench/apk_compare.sh [PARE] [SHARED_DIR]   (env: APK= RUNS=5 COUNT=201 TOP=20)
set -eu
PARE=$(realpath "${1:-build/src/cli/pare}")
SHARED=$(realpath "${2:-$(dirname "$0")/../../shared}")
RUNS=${RUNS:-5}
COUNT=${COUNT:-201}
TOP=${TOP:-20}
FX=$SHARED/fixtures/real
W=$(mktemp -d /dev/shm/pare-bench-apk.XXXXXX)
trap 'rm -rf "$W"' EXIT

# run_ms CMD...: "wall_ms rss_kib" of one run (fails loudly)
run_ms() {
	local s e
	s=$(date +%s%N)
	/usr/bin/time -f '%M' -o "$W/rss" "$@" >/dev/null 2>"$W/err" ||
		{ echo "FAIL: $*: $(tail -1 "$W/err")" >&2; exit 1; }
	e=$(date +%s%N)
	echo "$(( (e - s) / 1000 )) $(tail -1 "$W/rss")"
}
# median FUNC: FUNC prints "us rss" per call; prints "ms rss" medians
median() {
	local _
	for _ in $(seq "$RUNS"); do "$@"; done > "$W/runs"
	printf '%s %s\n' \
		"$(cut -d' ' -f1 "$W/runs" | sort -n | awk '{v[NR]=$1} END {printf "%.1f", v[int((NR+1)/2)]/1000}')" \
		"$(cut -d' ' -f2 "$W/runs" | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}')"
}
# report LABEL "PARE_MS PARE_RSS" [TOOL "MS RSS"]...
report() {
	local label=$1 pms prss tms trss
	read -r pms prss <<<"$2"
	shift 2
	printf '%-34s pare %8s ms, RSS %6s KiB\n' "$label" "$pms" "$prss"
	while [ $# -ge 2 ]; do
		read -r tms trss <<<"$2"
		printf '%-34s %-5s %7s ms, RSS %6s KiB; ratio pare/%s: time %.2f, RSS %.2f\n' "" "$1" \
			"$tms" "$trss" "$1" "$(echo "$pms / $tms" | bc -l)" "$(echo "$prss / $trss" | bc -l)"
		shift 2
	done
}

# ---- index ----
python3 -c 'import cryptography' 2>/dev/null || { echo "SKIP: python3-cryptography missing"; exit 77; }
python3 "$SHARED/acceptance/mkcorpus.py" "$W/c" --count "$COUNT" >/dev/null
pkgs=("$W"/c/x86_64/*.apk)
ix_pare() { run_ms "$PARE" index --allow-untrusted -o "$W/pare-index.tar.gz" "${pkgs[@]}"; }
ix_mkndx() { run_ms "$APK" mkndx --allow-untrusted -o "$W/apk-index.adb" "${pkgs[@]}"; }
ix_index() { run_ms "$APK" index --allow-untrusted -o "$W/apk-index.tar.gz" "${pkgs[@]}"; }
p=$(median ix_pare)
if [ -n "${APK:-}" ]; then
	report "index of $COUNT packages" "$p" "mkndx" "$(median ix_mkndx)" "index" "$(median ix_index)"
else
	report "index of $COUNT packages" "$p"
fi

# ---- load + verify ----
mkdir -p "$W/repo/aarch64" "$W/r/etc/apk" "$W/r/lib/apk/db"
ln -s "$FX/alpine-3.17-main-aarch64/APKINDEX.tar.gz" "$W/repo/aarch64/APKINDEX.tar.gz"
echo aarch64 > "$W/r/etc/apk/arch"
: > "$W/r/etc/apk/world"
: > "$W/r/lib/apk/db/installed"
ld_tool() { run_ms "$1" --root "$W/r" --keys-dir "$FX/alpine-keys" --no-cache -X "$W/repo" search zzzz-none; }
p=$(median ld_tool "$PARE")
# the index really was read: a name in it is found
"$PARE" --root "$W/r" --keys-dir "$FX/alpine-keys" --no-cache -X "$W/repo" search musl | grep -q musl ||
	{ echo "FAIL: pare did not load the index" >&2; exit 1; }
if [ -n "${APK:-}" ]; then
	"$APK" --root "$W/r" --keys-dir "$FX/alpine-keys" --no-cache -X "$W/repo" search musl 2>&1 | grep -q musl ||
		{ echo "FAIL: apk did not load the index" >&2; exit 1; }
	report "load+verify Alpine 3.17 (5004)" "$p" "apk" "$(median ld_tool "$APK")"
else
	report "load+verify Alpine 3.17 (5004)" "$p"
fi

# ---- solve the TOP largest closures ----
tar -xzf "$FX/alpine-3.17-main-aarch64/APKINDEX.tar.gz" -C "$W" APKINDEX
python3 "$(dirname "$0")/top_closures.py" "$W/APKINDEX" "$TOP" > "$W/top"
# solve_all TOOL: the TOP solves, summed time, the largest RSS
solve_all() {
	local total=0 peak=0 n out
	while read -r n; do
		out=$(run_ms "$1" --root "$W/r" --keys-dir "$FX/alpine-keys" --no-cache -X "$W/repo" \
			--simulate add "$n")
		total=$((total + ${out% *}))
		[ "${out#* }" -gt "$peak" ] && peak=${out#* }
	done < "$W/top"
	echo "$total $peak"
}
p=$(median solve_all "$PARE")
if [ -n "${APK:-}" ]; then
	report "solve $TOP largest closures (sum)" "$p" "apk" "$(median solve_all "$APK")"
else
	report "solve $TOP largest closures (sum)" "$p"
fi
