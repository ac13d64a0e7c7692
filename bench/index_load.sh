#!/bin/sh
# Benchmark: load the Alpine 3.17 main index (5004 packages, signed) with
# pare (decompress, verify the signature, parse every entry) against the
# lower bound `gzip -dc FILE > /dev/null` of the same file, in the same
# run.  Prints both times (best of N runs, each a fresh process), pare's
# peak RSS and the ratio.  Target: pare <= 16 ms (half of apk-tools 3.0's
# ~32 ms) and well under apk's ~14 MB peak.
#   usage: bench/index_load.sh INDEX_LOAD SHARED_DIR [RUNS]
set -eu
drv=$1
shared=$2
runs=${3:-20}
fx="$shared/fixtures/real"
idx="$fx/alpine-3.17-main-aarch64/APKINDEX.tar.gz"
keys="$fx/alpine-keys"

now() { date +%s.%N; }
best_pare_ms=""
best_rss=""
i=0
while [ $i -lt "$runs" ]; do
	out=$("$drv" "$idx" "$keys" 1)
	ms=$(echo "$out" | sed 's/.*best_ms=\([0-9.]*\).*/\1/')
	rss=$(echo "$out" | sed 's/.*maxrss_kb=\([0-9]*\).*/\1/')
	if [ -z "$best_pare_ms" ] || [ "$(echo "$ms < $best_pare_ms" | bc -l)" = 1 ]; then
		best_pare_ms=$ms
	fi
	if [ -z "$best_rss" ] || [ "$rss" -lt "$best_rss" ]; then best_rss=$rss; fi
	entries=$(echo "$out" | sed 's/entries=\([0-9]*\).*/\1/')
	i=$((i + 1))
done
# The whole process too (start-up, key loading, exit), for a fair
# comparison with a gzip process.
best_proc=""
i=0
while [ $i -lt "$runs" ]; do
	t0=$(now); "$drv" "$idx" "$keys" 1 >/dev/null; t1=$(now)
	t=$(echo "($t1 - $t0) * 1000" | bc -l)
	if [ -z "$best_proc" ] || [ "$(echo "$t < $best_proc" | bc -l)" = 1 ]; then best_proc=$t; fi
	i=$((i + 1))
done
best_gz=""
i=0
while [ $i -lt "$runs" ]; do
	t0=$(now); gzip -dc "$idx" >/dev/null; t1=$(now)
	t=$(echo "($t1 - $t0) * 1000" | bc -l)
	if [ -z "$best_gz" ] || [ "$(echo "$t < $best_gz" | bc -l)" = 1 ]; then best_gz=$t; fi
	i=$((i + 1))
done
printf 'index: %s (%s bytes, %s entries)\n' "$idx" "$(stat -c %s "$idx")" "$entries"
printf 'pare load (in process, best of %s):  %.2f ms   peak RSS %s kB\n' "$runs" "$best_pare_ms" "$best_rss"
printf 'pare load (whole process):           %.2f ms\n' "$best_proc"
printf 'gzip -dc > /dev/null (process):      %.2f ms\n' "$best_gz"
printf 'ratio process/gzip:                  %.2f   (target: load <= 16 ms)\n' \
	"$(echo "$best_proc / $best_gz" | bc -l)"
