#!/bin/sh
# Benchmark: the whole catalog (the seven catalog/*.yaml images, by package
# names) built warm by pare, against mmdebstrap of the same seven careful
# Debian roots (scripts/debian-baseline.sh -v b) warm, in the same run.
# Both sides are warm: pare's package cache is filled by a first, untimed
# pass; mmdebstrap's download cache is the one the main job filled (a
# first, untimed pass fills it when it holds no .deb).  mmdebstrap's time
# is its own run only (not the size measurement); the main job's cache of
# measurements is not used here.  Prints each side's total and the
# ratio pare / mmdebstrap (target <= 0.5).
#   usage: bench/catalog.sh PARE [WORKDIR]
# WORKDIR holds repo/ and keys/pare.rsa.pub as the main job leaves them in
# OUT/work (default ./demo-out/work); without them the benchmark is skipped.
set -eu
unset PARE_BASELINE_CACHE # every careful root is built here, timed
pare=$(realpath "$1")
src=$(cd "$(dirname "$0")/.." && pwd)
wd=${2:-$src/demo-out/work}
[ -f "$wd/keys/pare.rsa.pub" ] && [ -d "$wd/repo" ] ||
	{ echo "SKIP: no imported repository in $wd (run scripts/demo.sh first)"; exit 77; }
[ "$(id -u)" = 0 ] && command -v mmdebstrap >/dev/null || { echo "SKIP: needs root and mmdebstrap"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export SOURCE_DATE_EPOCH=1700000000
cd "$wd"
# the configs' relative repo/ and keys/ are taken from their folder
ln -s "$(realpath "$wd/repo")" "$work/repo"; ln -s "$(realpath "$wd/keys")" "$work/keys"
now() { date +%s.%N; }
skip_tests=""
"$pare" help image 2>&1 | grep -q -- '--skip-tests' && skip_tests=--skip-tests
build_all() { # build_all TAG
	for y in "$src"/catalog/*.yaml; do
		n=$(basename "$y" .yaml)
		sed '/^test:/,$d' "$y" > "$work/$n.yaml"
		# shellcheck disable=SC2086
		"$pare" image build "$work/$n.yaml" -o "$work/img-$1-$n" --cache-dir "$work/cache" \
			$skip_tests >/dev/null 2>"$work/$n.err" || { echo "build $n failed: $(head -1 "$work/$n.err")"; exit 1; }
	done
}
build_all warmup 2>/dev/null || build_all warmup
t0=$(now); build_all timed; t1=$(now)
pare_s=$(echo "$t1 - $t0" | bc)
deb_s=0
deb() { # WORKLOAD PACKAGES...: seconds of one careful mmdebstrap run
	"$src/scripts/debian-baseline.sh" -v b "$@" | python3 -c 'import json,sys; print(json.load(sys.stdin)["debian_b_seconds"])'
}
debcache=${PARE_DEB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pare/mmdebstrap}
warm=false
ls "$debcache"/archives/*.deb >/dev/null 2>&1 || warm=true
while IFS=: read -r n p; do
	# shellcheck disable=SC2086
	[ $warm = false ] || deb "$n" $p >/dev/null # warm the download cache
	# shellcheck disable=SC2086
	deb_s=$(echo "$deb_s + $(deb "$n" $p)" | bc)
done <<'EOF2'
hello:
redis:redis-server
nginx:nginx
postgresql:postgresql-15
python:python3.11
node:nodejs
openssl:openssl
EOF2
printf 'catalog (7 images) warm: pare %.1f s, mmdebstrap careful roots %.1f s, ratio %.2f (target <= 0.5)\n' \
	"$pare_s" "$deb_s" "$(echo "$pare_s / $deb_s" | bc -l)"
