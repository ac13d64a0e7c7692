#!/bin/sh
# Slow suite: recipes/hello and recipes/zlib built twice from source in the
# sandbox, from the Debian-imported toolchain; the .apk files must be
# bit-identical.  Usage: repro_test.sh PARE SOURCE_ROOT.  The toolchain:
# $PARE_BUILD_TOOL + $PARE_BUILD_KEYS (+ $PARE_BUILD_BASE), else imported
# here from the sets (apt's downloads are cached between runs).
set -u
PARE=$(readlink -f "$1")
SRC=$(readlink -f "$2")
T=$(mktemp -d /var/tmp/pare-repro.XXXXXX)
trap 'rm -rf "$T"' EXIT
if [ -z "${PARE_BUILD_TOOL:-}" ]; then
	mkdir -p "$T/keys" && (cd "$T/keys" && "$PARE" keygen -o . r >/dev/null)
	"$PARE" import-deb -o "$T/tool" -k "$T/keys/r.rsa" --set "$SRC/sets/base.yaml" \
		--set "$SRC/sets/build-base.yaml" --closure >"$T/import.log" 2>&1 ||
		{ echo "toolchain import failed: $(tail -1 "$T/import.log")"; exit 1; }
	PARE_BUILD_TOOL=$T/tool PARE_BUILD_KEYS=$T/keys
fi
if [ -z "${PARE_BUILD_BASE:-}" ] &&
	! tar -xzOf "$PARE_BUILD_TOOL"/*/APKINDEX.tar.gz APKINDEX 2>/dev/null | grep -qx 'P:build-base'; then
	echo "SKIP: the toolchain repository has no build-base package (set PARE_BUILD_BASE)"
	exit 77
fi
key=$(ls "$PARE_BUILD_KEYS"/*.rsa | head -1)
fails=0
for r in hello zlib; do
	for i in 1 2; do
		set -- --keys-dir "$PARE_BUILD_KEYS" -X "$PARE_BUILD_TOOL" build --work-dir "$T" \
			-o "$T/out$i" -k "$key"
		[ -n "${PARE_BUILD_BASE:-}" ] && set -- "$@" --base "$PARE_BUILD_BASE"
		"$PARE" "$@" "$SRC/recipes/$r" >"$T/$r$i.log" 2>&1 ||
			{ echo "not ok - $r build $i: $(tail -2 "$T/$r$i.log")"; fails=$((fails + 1)); }
	done
	a=$(cd "$T/out1" && sha256sum */"$r"-*.apk 2>/dev/null)
	b=$(cd "$T/out2" && sha256sum */"$r"-*.apk 2>/dev/null)
	if [ -n "$a" ] && [ "$a" = "$b" ]; then
		echo "ok - $r: $(printf '%s\n' "$a" | wc -l) packages bit-identical twice"
	else echo "not ok - $r differs"; printf '%s\n--\n%s\n' "$a" "$b"; fails=$((fails + 1)); fi
done
[ "$fails" -eq 0 ]
