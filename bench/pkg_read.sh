#!/bin/sh
# Benchmark: read and verify a ~50 MB package with pare, against the lower
# bound `gzip -dc FILE | sha256sum` (decompress and hash every byte) of the
# same file, in the same run.  Prints both times (best of N) and the ratio.
#   usage: bench/pkg_read.sh PARE [RUNS]
set -eu
pare=$1
runs=${2:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A realistic payload: the host's shared libraries and binaries (real ELF
# files compress like real packages do), up to 8 MB each, until the files
# add up to ~140 MB, which compresses to a package of about 50 MB.
mkdir -p "$work/tree/usr/lib"
total=0
for f in /usr/lib/x86_64-linux-gnu/*.so* /usr/bin/* /usr/lib/x86_64-linux-gnu/*/*.so*; do
	[ -f "$f" ] && [ ! -L "$f" ] || continue
	size=$(stat -c %s "$f")
	[ "$size" -le 8388608 ] || continue
	cp "$f" "$work/tree/usr/lib/$(echo "$f" | tr / _)" 2>/dev/null || continue
	total=$((total + size))
	[ $total -lt 146800640 ] || break
done
SOURCE_DATE_EPOCH=0 "$pare" mkpkg -s pkgname=bench -s pkgver=1-r0 -l 6 \
	-o "$work/bench.apk" "$work/tree"
pkg="$work/bench.apk"

now() { date +%s.%N; }
best() { # command...: best wall time of $runs runs
	b=""
	i=0
	while [ $i -lt "$runs" ]; do
		t0=$(now)
		"$@" >/dev/null
		t1=$(now)
		t=$(echo "$t1 - $t0" | bc -l)
		if [ -z "$b" ] || [ "$(echo "$t < $b" | bc -l)" = 1 ]; then b=$t; fi
		i=$((i + 1))
	done
	echo "$b"
}
lower() { gzip -dc "$pkg" | sha256sum; }
pare_t=$(best "$pare" verify --allow-untrusted "$pkg")
gzip_t=$(best lower)
printf 'package: %s bytes compressed, %s bytes of files\n' "$(stat -c %s "$pkg")" "$total"
printf 'pare verify:              %.3f s\n' "$pare_t"
printf 'gzip -dc | sha256sum:     %.3f s\n' "$gzip_t"
printf 'ratio (target <= 1.30):   %.2f\n' "$(echo "$pare_t / $gzip_t" | bc -l)"
