#!/bin/sh
# pare build of recipes/zlib (sandbox, build root, check, split, lint, sign)
# against ./configure && make && make check && make install DESTDIR on the
# host, same source and flags, same run; plus the time to assemble the
# build root (reported by pare build).  Target: pare <= 1.3x host (the
# root assembly is reported apart).
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
set -- --keys-dir "$PARE_BUILD_KEYS" -X "$PARE_BUILD_TOOL" build --work-dir "$T" -o "$T/out"
[ -n "$key" ] && set -- "$@" -k "$key"
[ -n "${PARE_BUILD_BASE:-}" ] && set -- "$@" --base "$PARE_BUILD_BASE"
s=$(date +%s%N)
"$PARE" "$@" "$SRC/recipes/zlib" >"$T/pare.log" 2>&1 || { tail -3 "$T/pare.log"; exit 1; }
e=$(date +%s%N)
pare_s=$(( (e - s) / 1000000 ))
root_s=$(sed -n 's/.*build root [0-9]* packages in \([0-9.]*\)s.*/\1/p' "$T/pare.log")
# the host baseline: the same verified source, the same flags
tarball=$(ls /var/cache/distfiles/zlib-1.2.13.dfsg.tar.bz2 2>/dev/null || true)
[ -n "$tarball" ] || { echo "no zlib source in /var/cache/distfiles"; exit 1; }
mkdir -p "$T/host" && tar -C "$T/host" -xjf "$tarball"
s=$(date +%s%N)
(cd "$T/host/zlib-1.2.13.dfsg" &&
	CFLAGS="-O2 -g -fstack-protector-strong -D_FORTIFY_SOURCE=2" CHOST= ./configure --prefix=/usr \
		--libdir=/usr/lib --shared >/dev/null && make -j2 >/dev/null && make check >/dev/null &&
	make install DESTDIR="$T/host/dest" >/dev/null)
e=$(date +%s%N)
host_s=$(( (e - s) / 1000000 ))
awk -v p="$pare_s" -v h="$host_s" -v r="${root_s:-0}" 'BEGIN {
	b = p / 1000 - r
	printf "zlib: pare build %.2fs (build root %.2fs, rest %.2fs), host configure+make+check+install %.2fs; ratio without root %.2fx, with root %.2fx (target <= 1.3x)\n", p / 1000, r, b, h / 1000, b / (h / 1000), (p / 1000) / (h / 1000) }'
