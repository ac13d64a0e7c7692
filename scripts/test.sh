#!/bin/sh
# The whole test suite: install what is needed, then build twice (a strict
# -Werror build and an AddressSanitizer+UndefinedBehaviorSanitizer build)
# and run every test in both.  Ends with "N passed, N failed".
set -eu
cd "$(dirname "$0")/.."
./scripts/install-deps.sh

setup() { # DIR ARGS...
	dir=$1; shift
	if [ -f "$dir/build.ninja" ]; then
		meson setup --reconfigure "$dir" "$@" >/dev/null
	else
		meson setup "$dir" "$@" >/dev/null
	fi
}

setup build --werror
setup build-asan --werror -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug

status=0
for dir in build build-asan; do
	echo "== $dir"
	# Quiet when it builds; the whole log when it does not.
	ninja -C "$dir" > "$dir/ninja.log" 2>&1 || { cat "$dir/ninja.log"; exit 1; }
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	meson test -C "$dir" --print-errorlogs --num-processes 2 || status=1
done

# The nine glibc compatibility scenarios: their own suite, release build only.
echo "== build: compat"
meson test -C build --setup compat --suite compat --logbase compat --print-errorlogs \
	--num-processes 2 || status=1

python3 - <<'PY'
import json
passed = failed = 0
for log in ("build/meson-logs/testlog.json", "build-asan/meson-logs/testlog.json",
            "build/meson-logs/compat.json"):
    with open(log) as f:
        for line in f:
            r = json.loads(line)["result"]
            if r in ("OK", "EXPECTEDFAIL"):
                passed += 1
            elif r != "SKIP":
                failed += 1
print("%d passed, %d failed" % (passed, failed))
PY
exit $status
