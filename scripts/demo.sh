#!/bin/sh
# The main job: install what is needed, build pare, and show end to end
# what it can do today.
set -eu
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
if [ -f build/build.ninja ]; then meson setup --reconfigure build >/dev/null; else meson setup build >/dev/null; fi
ninja -C build >/dev/null
pare=build/src/cli/pare

run() { echo "\$ pare $*"; "$pare" "$@"; }

run --version
run version -t 1.2.3_rc1-r0 1.2.3
run version -t 2.0_p1 2.0
run version -t 1.0~abc123 1.0~abc124
echo "\$ pare version -c 1.0 2.x 3.0_beta2-r1"
"$pare" version -c 1.0 2.x 3.0_beta2-r1 || echo "(exit $?: 2.x is not a valid apk version)"
vectors=../shared/conformance/apk-version/version.data
if [ -f "$vectors" ]; then
	echo "\$ pare vertest $vectors"
	"$pare" vertest "$vectors" && echo "all $(grep -cv '^\s*\(#\|$\)' "$vectors") apk-tools version vectors hold"
fi
