#!/bin/bash
# Install benchmark (issue 18): 201 small packages from a signed local
# repository (the shared corpus generator, mkcorpus.py) into a fresh root on
# tmpfs with `pare add` (-X REPO --no-cache --initdb).  install_run.py runs
# it RUNS times (with APK=/path/to/apk, apk-tools 3.0 built outside this
# repository, interleaved with the same install by apk) and measures only
# the tool's process: CPU time from rusage (precise, not 10 ms ticks), wall
# time, peak RSS; medians, means +- standard error, and pare/apk ratios.
# LARGE=1 adds the second case: 20 packages of 8 files x 1 MiB.
#
#   bench/install.sh [PARE] [SHARED_DIR]     (env: RUNS=21 COUNT=201 LARGE= APK=)
set -eu
PARE=$(realpath "${1:-build/src/cli/pare}")
SHARED=$(realpath "${2:-$(dirname "$0")/../../shared}")
RUN=$(realpath "$(dirname "$0")/install_run.py")
RUNS=${RUNS:-21}
COUNT=${COUNT:-201}
python3 -c 'import cryptography' 2>/dev/null || { echo "SKIP: python3-cryptography missing"; exit 77; }
W=$(mktemp -d /dev/shm/pare-bench-install.XXXXXX)
trap 'rm -rf "$W"' EXIT
# bench LABEL COUNT [mkcorpus options...]
bench() {
	local label=$1 count=$2
	shift 2
	rm -rf "$W/c"
	python3 "$SHARED/acceptance/mkcorpus.py" "$W/c" --count "$count" "$@" >/dev/null
	(cd "$W/c/x86_64" && ls ./*.apk | sed 's|^\./||; s/-[0-9].*//' | sort -u) > "$W/names"
	printf 'install %s %s packages (tmpfs, %s interleaved runs, only the tool timed):\n' \
		"$count" "$label" "$RUNS"
	# shellcheck disable=SC2086
	python3 "$RUN" "$RUNS" "$count" "$W/c" "$W/c/keys" "$W/names" "$PARE" ${APK:+"$APK"}
}
bench small "$COUNT"
[ -z "${LARGE:-}" ] || bench "large (8 MiB)" 20 --files 8 --size 1048576
