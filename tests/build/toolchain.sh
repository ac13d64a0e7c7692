# The build toolchain for the slow pare build tests (sourced): the
# repository imported from sets/base.yaml + sets/build-base.yaml, made once
# per pare binary and sets (a test run) and shared by the tests of that run
# under a lock, in $PARE_CACHE (default /var/tmp/pare-test-cache).
# Usage: build_toolchain PARE SOURCE_ROOT -> PARE_BUILD_TOOL, PARE_BUILD_KEYS
# (unless PARE_BUILD_TOOL is set already) and PARE_BUILD_ROOTS, the root
# cache the tests of a run share (pare build --root-cache).  Returns 1 with a message on
# failure.  Entries older than a day are removed.
build_toolchain() {
	local pare=$1 src=$2 cache key dir
	cache=${PARE_CACHE:-/var/tmp/pare-test-cache}
	PARE_BUILD_ROOTS=${PARE_BUILD_ROOTS:-$cache/build-roots}
	export PARE_BUILD_ROOTS
	[ -n "${PARE_BUILD_TOOL:-}" ] && return 0
	mkdir -p "$cache" || return 1
	key=$(cat "$pare" "$src/sets/base.yaml" "$src/sets/build-base.yaml" | sha256sum | cut -c1-16)
	dir=$cache/build-tool-$key
	exec 9>"$cache/build-tool.lock"
	flock 9
	find "$cache" -maxdepth 1 -name 'build-tool-*' -mtime +0 ! -name "build-tool-$key" \
		-exec rm -rf {} + 2>/dev/null
	if [ ! -f "$dir/done" ]; then
		rm -rf "$dir" && mkdir -p "$dir/keys" || { exec 9>&-; return 1; }
		(cd "$dir/keys" && "$pare" keygen -o . tool >/dev/null) &&
			"$pare" import-deb -o "$dir/repo" -k "$dir/keys/tool.rsa" --set "$src/sets/base.yaml" \
				--set "$src/sets/build-base.yaml" --closure >"$dir/import.log" 2>&1 ||
			{ echo "toolchain import failed: $(tail -1 "$dir/import.log")"; exec 9>&-; return 1; }
		touch "$dir/done"
	fi
	exec 9>&-
	PARE_BUILD_TOOL=$dir/repo PARE_BUILD_KEYS=$dir/keys
	export PARE_BUILD_TOOL PARE_BUILD_KEYS
}
