#!/bin/sh
# Slow suite: recipes hello, zlib, lua5.4, pcre2 and redis built twice from
# source in the sandbox, from the Debian-imported toolchain; every .apk
# must be bit-identical.  Then redis from source becomes an image from a
# catalog-style config (tests/build/redis-image.yaml: redis, redis-cli,
# dash; a test: that starts redis-server as a non-root user and asks PING)
# which pare image build runs under runc.
# Usage: repro_test.sh PARE SOURCE_ROOT.  The toolchain: $PARE_BUILD_TOOL +
# $PARE_BUILD_KEYS (+ $PARE_BUILD_BASE), else imported once per run
# (tests/build/toolchain.sh).  $PARE_REPRO_RECIPES narrows the list.
set -u
PARE=$(readlink -f "$1")
SRC=$(readlink -f "$2")
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/toolchain.sh"
T=$(mktemp -d /var/tmp/pare-repro.XXXXXX)
trap 'rm -rf "$T"' EXIT
build_toolchain "$PARE" "$SRC" || exit 1
if [ -z "${PARE_BUILD_BASE:-}" ] &&
	! tar -xzOf "$PARE_BUILD_TOOL"/*/APKINDEX.tar.gz APKINDEX 2>/dev/null | grep -qx 'P:build-base'; then
	echo "SKIP: the toolchain repository has no build-base package (set PARE_BUILD_BASE)"
	exit 77
fi
key=$(ls "$PARE_BUILD_KEYS"/*.rsa | head -1)
fails=0
for r in ${PARE_REPRO_RECIPES:-hello zlib lua5.4 pcre2 redis}; do
	for i in 1 2; do
		set -- --keys-dir "$PARE_BUILD_KEYS" -X "$PARE_BUILD_TOOL" build --work-dir "$T" \
			--root-cache "$PARE_BUILD_ROOTS" -o "$T/out$i/$r" -k "$key"
		[ -n "${PARE_BUILD_BASE:-}" ] && set -- "$@" --base "$PARE_BUILD_BASE"
		s=$(date +%s)
		"$PARE" "$@" "$SRC/recipes/$r" >"$T/$r$i.log" 2>&1 ||
			{ echo "not ok - $r build $i: $(tail -2 "$T/$r$i.log")"; fails=$((fails + 1)); }
		echo "# $r build $i: $(($(date +%s) - s))s; $(grep '^OK:' "$T/$r$i.log")"
	done
	a=$(cd "$T/out1/$r" && find . -name '*.apk' | LC_ALL=C sort | xargs -r sha256sum)
	b=$(cd "$T/out2/$r" && find . -name '*.apk' | LC_ALL=C sort | xargs -r sha256sum)
	if [ -n "$a" ] && [ "$a" = "$b" ]; then
		echo "ok - $r: $(printf '%s\n' "$a" | wc -l) packages bit-identical twice"
	else echo "not ok - $r differs"; printf '%s\n--\n%s\n' "$a" "$b"; fails=$((fails + 1)); fi
done

# redis from source as an image: its test: (PING) runs under runc
if [ -f "$T/out1/redis/$(uname -m)/APKINDEX.tar.gz" ]; then
	mkdir -p "$T/img"
	sed -e "s|@REDIS@|$T/out1/redis|" -e "s|@TOOL@|$PARE_BUILD_TOOL|" \
		-e "s|@KEY@|$key.pub|" "$HERE/redis-image.yaml" >"$T/img/redis.yaml"
	if (cd "$T/img" && "$PARE" image build redis.yaml -o "$T/img/out" -t latest) >"$T/img.log" 2>&1 &&
		grep -q "^tests: 2 passed" "$T/img.log"; then
		echo "ok - redis from source: image built, PING answered under runc ($(grep '^tests:' "$T/img.log"))"
	else echo "not ok - redis image"; tail -20 "$T/img.log"; fails=$((fails + 1)); fi
fi
[ "$fails" -eq 0 ]
