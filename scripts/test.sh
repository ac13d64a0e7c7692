#!/bin/sh
# The whole test suite: install what is needed, then build twice (a strict
# -Werror build and an AddressSanitizer+UndefinedBehaviorSanitizer build)
# and run every test in both.  Ends with "N passed, N failed, N skipped";
# a skipped test fails the run (see PARE_ALLOW_SKIP below).
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

# shared/ (apk's conformance scenarios, real fixtures, extra fuzz corpora)
# is not part of this repository: $PARE_SHARED_DIR, else ../shared beside
# the source tree, else ../shared beside the repository this one was cloned
# from (a clone in a temporary folder).
find_shared() {
	for d in "${PARE_SHARED_DIR:-}" ../shared \
		"$(git config --get remote.origin.url 2>/dev/null || true)/../shared"; do
		[ -n "$d" ] && [ -d "$d/conformance" ] && [ -d "$d/fixtures" ] &&
			{ (cd "$d" && pwd); return 0; }
	done
	echo "test.sh: shared/ (conformance, fixtures) not found beside $(pwd) or its origin; set PARE_SHARED_DIR" >&2
	return 1
}
shared=$(find_shared)

setup build --werror -Dshared_dir="$shared"
setup build-asan --werror -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug \
	-Dshared_dir="$shared"

status=0
for dir in build build-asan; do
	echo "== $dir"
	# Quiet when it builds; the whole log when it does not.
	ninja -C "$dir" > "$dir/ninja.log" 2>&1 || { cat "$dir/ninja.log"; exit 1; }
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	meson test -C "$dir" --print-errorlogs --num-processes 2 || status=1
done

# The slow suites (real Debian imports, builds from source, a Debian root
# from mmdebstrap) and the nine glibc compatibility scenarios: release
# build only, each setup with its own log (meson-logs/testlog-SETUP.json).
for s in slow compat; do
	echo "== build: $s"
	meson test -C build --setup "$s" --suite "$s" --print-errorlogs --num-processes 2 ||
		status=1
done

# Skipped tests count: every tool a test needs (skopeo, umoci, runc,
# nginx, docker-registry, ...) is installed by install-deps.sh above, so a
# test that skips (exit 77) here is a failure, unless PARE_ALLOW_SKIP names
# it (space-separated test names, for a machine known to lack something).
python3 - <<'PY' || status=1
import json, os, sys
passed = failed = skipped = 0
allowed = set(os.environ.get("PARE_ALLOW_SKIP", "").split())
unexpected = []
logs = [("build", "build/meson-logs/testlog.json"),
        ("build-asan", "build-asan/meson-logs/testlog.json"),
        ("build", "build/meson-logs/testlog-slow.json"),
        ("build", "build/meson-logs/testlog-compat.json")]
for d, log in logs:
    with open(log) as f:
        for line in f:
            t = json.loads(line)
            r = t["result"]
            if r in ("OK", "EXPECTEDFAIL"):
                passed += 1
            elif r == "SKIP":
                skipped += 1
                if t["name"] not in allowed:
                    unexpected.append("%s/%s" % (d, t["name"]))
            else:
                failed += 1
for name in unexpected:
    print("SKIPPED but expected to run here: %s" % name)
print("%d passed, %d failed, %d skipped" % (passed, failed, skipped))
sys.exit(1 if unexpected else 0)
PY
exit $status
