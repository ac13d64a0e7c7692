#!/bin/bash
# Interoperability check of pare's database code with real apk-tools
# (not part of the meson suite: it needs the peer builds in /tmp/peer).
#
# usage: tests/db/apk_roundtrip.sh [BUILD_DIR] [WORKDIR]
#   BUILD_DIR  a pare meson build dir holding src/libpare.a (default /tmp/bdb)
#   WORKDIR    default /tmp/pare-db-roundtrip (wiped)
# env: APK2 / APK3 override the apk-tools binaries (defaults: the local
#      builds in /tmp/peer/build-2.14 and /tmp/peer/build-3.0).
#
# For each apk: apk makes a root (--initdb, a few packages with modes,
# owners, setuid files and scripts, --no-scripts), pare reads its
# installed, world, triggers and scripts and must write the first three
# back byte for byte and scripts.tar[.gz] with the same entries (db_check);
# pare then rewrites all four in the root, and apk must still read the
# root: `apk info -vv` lists the same packages and `apk audit` is as quiet
# as before.  Skips (exit 77) when /tmp/peer is absent.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
BUILD=${1:-/tmp/bdb}
W=${2:-/tmp/pare-db-roundtrip}
APK2=${APK2-/tmp/peer/build-2.14/src/apk}
APK3=${APK3-/tmp/peer/build-3.0/src/apk}
PKGS=${PKGS-/tmp/peer/pkgs}

if [ ! -d /tmp/peer ] || { [ ! -x "$APK2" ] && [ ! -x "$APK3" ]; }; then
	echo "SKIP: no apk-tools peer builds in /tmp/peer"
	exit 77
fi
[ -f "$BUILD/src/libpare.a" ] || { echo "no $BUILD/src/libpare.a (build pare first)" >&2; exit 2; }

rm -rf "$W"; mkdir -p "$W" || exit 2
LIBS=$(pkg-config --libs libcrypto zlib libcurl libelf libarchive libfyaml jansson)
cc -std=c11 -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 -Wall -Wextra -Werror -I"$SRC/src" \
	-include "$SRC/src/base/banned.h" -o "$W/db_check" "$HERE/db_check.c" \
	"$BUILD/src/libpare.a" $LIBS || exit 2

npass=0; nfail=0
pass() { echo "PASS $*"; npass=$((npass+1)); }
fail() { echo "FAIL $*"; nfail=$((nfail+1)); }

set_pkgs=()
for p in hello-1.0-r0.apk det1.apk det3.apk edge-0.1_rc2-r3.apk pg-1-r0.apk; do
	[ -f "$PKGS/$p" ] && set_pkgs+=("$PKGS/$p")
done

one() { # NAME EXTRA_FLAGS APK...
	local name=$1 extra=$2; shift 2
	local R=$W/root-$name
	mkdir -p "$R"
	if ! "$@" --root "$R" add --initdb --no-network --allow-untrusted --no-scripts \
		$extra "${set_pkgs[@]}" >"$W/$name-add.log" 2>&1; then
		fail "$name: apk add (see $W/$name-add.log)"; return
	fi
	"$@" --root "$R" add --no-network --virtual pare-virt >>"$W/$name-add.log" 2>&1
	"$@" --root "$R" info -vv 2>/dev/null | sort >"$W/$name-info.before"
	"$@" --root "$R" audit >"$W/$name-audit.before" 2>&1
	cp -a "$R/lib/apk/db" "$W/$name-db.orig"
	cp "$R/etc/apk/world" "$W/$name-world.orig"
	if "$W/db_check" "$R" >"$W/$name-check.log" 2>&1; then
		pass "$name: pare reads and rewrites the database identically"
	else
		fail "$name: db_check: $(tr '\n' ';' <"$W/$name-check.log")"
	fi
	for f in installed triggers; do
		if cmp -s "$R/lib/apk/db/$f" "$W/$name-db.orig/$f"; then
			pass "$name: $f unchanged after pare's atomic write"
		else
			fail "$name: $f changed after pare's write"
		fi
	done
	cmp -s "$R/etc/apk/world" "$W/$name-world.orig" && pass "$name: world unchanged" ||
		fail "$name: world changed"
	"$@" --root "$R" info -vv 2>/dev/null | sort >"$W/$name-info.after"
	"$@" --root "$R" audit >"$W/$name-audit.after" 2>&1
	cmp -s "$W/$name-info.before" "$W/$name-info.after" &&
		pass "$name: apk info after pare's write" || fail "$name: apk info differs"
	cmp -s "$W/$name-audit.before" "$W/$name-audit.after" &&
		pass "$name: apk audit after pare's write" || fail "$name: apk audit differs"
	# apk must still manage the root pare wrote: remove a package.
	if "$@" --root "$R" del --no-network --no-scripts $extra hello \
		>"$W/$name-del.log" 2>&1 && "$W/db_check" "$R" >>"$W/$name-check.log" 2>&1; then
		pass "$name: apk del on pare's database, then pare reads apk's again"
	else
		fail "$name: apk del / re-read (see $W/$name-del.log, $W/$name-check.log)"
	fi
	# `apk add --virtual .build-deps` names a package with a leading dot.
	"$@" --root "$R" add --no-network --virtual .pare-dot >>"$W/$name-add.log" 2>&1
	if "$W/db_check" "$R" >"$W/$name-dot.log" 2>&1; then
		pass "$name: virtual package with a leading dot (.pare-dot)"
	else
		fail "$name: virtual package with a leading dot: $(tr '\n' ';' <"$W/$name-dot.log")"
	fi
}

[ -x "$APK3" ] && one apk3 --force-no-chroot "$APK3"
[ -x "$APK2" ] && one apk2 "" env LD_LIBRARY_PATH="$(dirname "$APK2")" "$APK2"

echo "$npass passed, $nfail failed"
[ "$nfail" -eq 0 ]
