#!/bin/bash
# pare against apk-tools 3.0 on three everyday jobs (issue 18): CPU time
# (perf's task-clock, ms) and elapsed time per process, and peak RSS (KiB),
# with the ratios when APK=/path/to/apk is given (a build kept outside this
# repository; without it only pare's figures are printed):
#   index  - write a repository index of COUNT packages (the shared corpus
#            generator): `pare index` vs `apk mkndx` (and `apk index`)
#   load   - load and verify the signed Alpine 3.17 main index (5004
#            packages): `search` of a name that does not exist, keys given
#   solve  - `add --simulate` of each of the TOP names with the largest
#            dependency closures in that index (one process each, summed)
#
# The processes take 10-30 ms, so they are timed by `perf stat -r REPS`
# (task-clock and duration_time, the mean of REPS runs, no shell or fork
# of a timer in the figure), ROUNDS times, pare and apk interleaved so that
# both see the same load on a shared machine; a figure is the median of
# the rounds' means.  Ratios are pare/apk.  Peak RSS is /usr/bin/time's %M
# (the median of 3 runs; for solve the largest over the names).
#
#   bench/apk_compare.sh [PARE] [SHARED_DIR]
#   env: APK= ROUNDS=5 REPS=10 COUNT=201 TOP=20 ONLY="index load solve"
set -eu
PARE=$(realpath "${1:-build/src/cli/pare}")
SHARED=$(realpath "${2:-$(dirname "$0")/../../shared}")
ROUNDS=${ROUNDS:-5}
REPS=${REPS:-10}
COUNT=${COUNT:-201}
TOP=${TOP:-20}
ONLY=${ONLY:-index load solve}
FX=$SHARED/fixtures/real
command -v perf >/dev/null || { echo "SKIP: perf (linux-perf) missing"; exit 77; }
perf stat -x, -e task-clock true 2>/dev/null >/dev/null ||
	{ echo "SKIP: perf stat does not work here (perf_event_paranoid?)"; exit 77; }
W=$(mktemp -d /dev/shm/pare-bench-apk.XXXXXX)
trap 'rm -rf "$W"' EXIT

# pstat CMD...: "task_ms elapsed_ms" of CMD, the means of REPS runs
pstat() {
	perf stat -x, -r "$REPS" -e task-clock,duration_time -o "$W/perf" "$@" \
		>/dev/null 2>"$W/err" || { echo "FAIL: $*: $(tail -1 "$W/err")" >&2; exit 1; }
	awk -F, '$3=="task-clock" {t=$1} $3=="duration_time" {d=$1/1e6}
		END {printf "%.3f %.3f\n", t, d}' "$W/perf"
}
# rss CMD...: peak RSS (KiB), median of 3 runs
rss() {
	local _
	for _ in 1 2 3; do
		/usr/bin/time -f '%M' -o "$W/rss" "$@" >/dev/null 2>&1 ||
			{ echo "FAIL: $*" >&2; exit 1; }
		tail -1 "$W/rss"
	done | sort -n | sed -n 2p
}
# median of column $1 of file $2
med() { cut -d' ' -f"$1" "$2" | sort -g | awk '{v[NR]=$1} END {printf "%.2f", v[int((NR+1)/2)]}'; }
# compare LABEL FUNC: FUNC TOOL prints "task elapsed" for one round of
# TOOL; rounds interleave pare and each other tool ($APK); RSS from
# FUNC_rss TOOL
compare() {
	local label=$1 fn=$2 tools=(pare) t i
	[ -n "${APK:-}" ] && tools+=(apk)
	for t in "${tools[@]}"; do : > "$W/$t.rounds"; done
	for i in $(seq "$ROUNDS"); do
		for t in "${tools[@]}"; do "$fn" "$(tool "$t")" >> "$W/$t.rounds"; done
	done
	local pt pe pr
	pt=$(med 1 "$W/pare.rounds"); pe=$(med 2 "$W/pare.rounds"); pr=$("${fn}_rss" "$PARE")
	printf '%-34s pare %8s ms CPU, %8s ms elapsed, RSS %6s KiB\n' "$label" "$pt" "$pe" "$pr"
	[ -n "${APK:-}" ] || return 0
	local at ae ar
	at=$(med 1 "$W/apk.rounds"); ae=$(med 2 "$W/apk.rounds"); ar=$("${fn}_rss" "$APK")
	printf '%-34s apk  %8s ms CPU, %8s ms elapsed, RSS %6s KiB\n' "" "$at" "$ae" "$ar"
	printf '%-34s ratio pare/apk: CPU %.2f, elapsed %.2f, RSS %.2f\n' "" \
		"$(echo "$pt / $at" | bc -l)" "$(echo "$pe / $ae" | bc -l)" "$(echo "$pr / $ar" | bc -l)"
}
tool() { if [ "$1" = pare ]; then echo "$PARE"; else echo "$APK"; fi; }
wants() { case " $ONLY " in *" $1 "*) return 0 ;; esac; return 1; }

# ---- index ----
if wants index; then
	python3 -c 'import cryptography' 2>/dev/null ||
		{ echo "SKIP: python3-cryptography missing"; exit 77; }
	python3 "$SHARED/acceptance/mkcorpus.py" "$W/c" --count "$COUNT" >/dev/null
	pkgs=("$W"/c/x86_64/*.apk)
	# pare index vs apk mkndx (apk 3's index writer); apk's v2 `index` is
	# printed beside it
	ix_cmd() {
		if [ "$1" = "$PARE" ]; then
			echo "$PARE" index --allow-untrusted -o "$W/pare-index.tar.gz"
		else
			echo "$APK" mkndx --allow-untrusted -o "$W/apk-index.adb"
		fi
	}
	ix() { pstat $(ix_cmd "$1") "${pkgs[@]}"; }
	ix_rss() { rss $(ix_cmd "$1") "${pkgs[@]}"; }
	compare "index of $COUNT packages" ix
	if [ -n "${APK:-}" ]; then
		printf '%-34s (apk index, v2: %s ms CPU)\n' "" \
			"$(pstat "$APK" index --allow-untrusted -o "$W/apk-index.tar.gz" "${pkgs[@]}" |
				cut -d' ' -f1)"
	fi
fi

# ---- the Alpine index: a root and a repository ----
mkdir -p "$W/repo/aarch64" "$W/r/etc/apk" "$W/r/lib/apk/db"
ln -s "$FX/alpine-3.17-main-aarch64/APKINDEX.tar.gz" "$W/repo/aarch64/APKINDEX.tar.gz"
echo aarch64 > "$W/r/etc/apk/arch"
: > "$W/r/etc/apk/world"
: > "$W/r/lib/apk/db/installed"
common=(--root "$W/r" --keys-dir "$FX/alpine-keys" --no-cache -X "$W/repo")

# ---- load + verify ----
if wants load; then
	# the index really is read: a name in it is found
	for t in "$PARE" ${APK:+"$APK"}; do
		"$t" "${common[@]}" search musl 2>&1 | grep -q musl ||
			{ echo "FAIL: $t did not load the index" >&2; exit 1; }
	done
	ld() { pstat "$1" "${common[@]}" search zzzz-none; }
	ld_rss() { rss "$1" "${common[@]}" search zzzz-none; }
	compare "load+verify Alpine 3.17 (5004)" ld
fi

# ---- solve the TOP largest closures ----
if wants solve; then
	tar -xzf "$FX/alpine-3.17-main-aarch64/APKINDEX.tar.gz" -C "$W" APKINDEX
	python3 "$(dirname "$0")/top_closures.py" "$W/APKINDEX" "$TOP" > "$W/top"
	# one round: the TOP solves, CPU and elapsed summed
	sv() {
		local n
		while read -r n; do
			pstat "$1" "${common[@]}" --simulate add "$n"
		done < "$W/top" | awk '{t+=$1; e+=$2} END {printf "%.3f %.3f\n", t, e}'
	}
	sv_rss() {
		local n
		while read -r n; do rss "$1" "${common[@]}" --simulate add "$n"; done < "$W/top" |
			sort -n | tail -1
	}
	compare "solve $TOP largest closures (sum)" sv
fi
