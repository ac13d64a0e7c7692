#!/bin/sh
# pare build of recipes/zlib (sandbox, build root, check, split, lint, sign)
# against ./configure && make && make check && make install DESTDIR on the
# host, same source and flags, same run; plus the time to assemble the
# build root (reported by pare build).  Target: pare <= 1.3x host.  pare
# builds three times with a root cache of this run: the first assembles
# the build root from the repository (its time is reported apart), the
# others reuse it (--root-cache), as every build after the first does.
# Usage: build_zlib.sh PARE.  The toolchain repository: $PARE_BUILD_TOOL with
# keys in $PARE_BUILD_KEYS (and $PARE_BUILD_BASE atoms), else imported here
# from sets/base.yaml + sets/build-base.yaml (apt downloads are cached).
set -eu
PARE=$(readlink -f "$1")
SRC=$(cd "$(dirname "$0")/.." && pwd)
T=$(mktemp -d /var/tmp/pare-bench-build.XXXXXX)
trap 'rm -rf "$T"' EXIT
if [ -z "${PARE_BUILD_TOOL:-}" ]; then
	mkdir -p "$T/keys" && (cd "$T/keys" && "$PARE" keygen -o . b >/dev/null)
	"$PARE" import-deb -o "$T/tool" -k "$T/keys/b.rsa" --set "$SRC/sets/base.yaml" \
		--set "$SRC/sets/build-base.yaml" --closure >"$T/import.log" 2>&1
	PARE_BUILD_TOOL=$T/tool PARE_BUILD_KEYS=$T/keys
fi
if [ -z "${PARE_BUILD_BASE:-}" ] &&
	! tar -xzOf "$PARE_BUILD_TOOL"/*/APKINDEX.tar.gz APKINDEX 2>/dev/null | grep -qx 'P:build-base'; then
	echo "SKIP: the toolchain repository has no build-base package (set PARE_BUILD_BASE)"
	exit 77
fi
key=$(ls "$PARE_BUILD_KEYS"/*.rsa 2>/dev/null | head -1)
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
pare_build() { # N: build into T/outN with the run's own root cache (T/roots)
	set -- "$1" --keys-dir "$PARE_BUILD_KEYS" -X "$PARE_BUILD_TOOL" build --work-dir "$T" \
		--root-cache "$T/roots" -o "$T/out$1"
	n=$1; shift
	[ -n "$key" ] && set -- "$@" -k "$key"
	[ -n "${PARE_BUILD_BASE:-}" ] && set -- "$@" --base "$PARE_BUILD_BASE"
	"$PARE" "$@" "$SRC/recipes/zlib" >"$T/pare$n.log" 2>&1 || { tail -3 "$T/pare$n.log"; exit 1; }
}
# the host baseline: the same verified source, the same flags
tarball=$(ls /var/cache/distfiles/zlib-1.2.13.dfsg.tar.bz2 2>/dev/null || true)
[ -n "$tarball" ] || { echo "no zlib source in /var/cache/distfiles"; exit 1; }
host_build() { # N
	rm -rf "$T/host$1" && mkdir -p "$T/host$1" && tar -C "$T/host$1" -xjf "$tarball"
	(cd "$T/host$1/zlib-1.2.13.dfsg" &&
		CFLAGS="-O2 -g -fstack-protector-strong -D_FORTIFY_SOURCE=2" CHOST= ./configure \
			--prefix=/usr --libdir=/usr/lib --shared >/dev/null && make -j2 >/dev/null &&
		make check >/dev/null && make install DESTDIR="$T/host$1/dest" >/dev/null)
}
# 1: a cold build root (assembled from the repository); 2 and 3: the root
# the cache kept; the host build twice between them (the machine is shared:
# the faster of each pair counts)
s=$(date +%s%N); pare_build 1; p1=$(ms "$s")
s=$(date +%s%N); host_build 1; h1=$(ms "$s")
s=$(date +%s%N); pare_build 2; p2=$(ms "$s")
s=$(date +%s%N); host_build 2; h2=$(ms "$s")
s=$(date +%s%N); pare_build 3; p3=$(ms "$s")
root_s=$(sed -n 's/.*build root [0-9]* packages in \([0-9.]*\)s.*/\1/p' "$T/pare1.log")
root_n=$(sed -n 's/.*build root \([0-9]*\) packages in.*/\1/p' "$T/pare1.log")
warm=$(sed -n 's/^OK: [^(]*(\(.*\))$/\1/p' "$T/pare2.log")
awk -v p1="$p1" -v p2="$p2" -v p3="$p3" -v h1="$h1" -v h2="$h2" -v r="${root_s:-0}" \
	-v n="${root_n:-0}" -v warm="$warm" 'BEGIN {
	h = (h1 < h2 ? h1 : h2) / 1000; p = (p2 < p3 ? p2 : p3) / 1000
	printf "zlib: host configure+make+check+install %.2fs (%.2fs, %.2fs)\n", h, h1 / 1000, h2 / 1000
	printf "zlib: pare build with a cold root %.2fs: build root of %d packages assembled in %.2fs, the rest %.2fs (%.2fx host)\n", p1 / 1000, n, r, p1 / 1000 - r, (p1 / 1000 - r) / h
	printf "zlib: pare build with the root reused %.2fs (%.2fs, %.2fs; %s)\n", p, p2 / 1000, p3 / 1000, warm
	printf "zlib: ratio %.2fx with the root reused, %.2fx with a cold root (target <= 1.3x)\n", p / h, (p1 / 1000) / h }'
