#!/bin/sh
# Build recipes/glibc (glibc 2.36 from source, split as sets/base.yaml splits
# Debian's glibc) in pare's sandbox, outside the default test run: on two
# cores the build takes about 8 minutes.  Prints the wall time and
# compares the subpackage names, and the subpackage each file went to, with
# those the base set's import gives Debian's glibc (the packages of origin
# glibc in the toolchain repository).
#
#   scripts/build-glibc.sh [-p PARE] [-o REPO]
#
# The toolchain repository: $PARE_BUILD_TOOL with keys in $PARE_BUILD_KEYS,
# else imported here from sets/base.yaml + sets/build-base.yaml (cached per
# pare binary in $PARE_CACHE, as the slow tests do).  Exit 0 only when the
# build succeeds and the names are equal.
set -eu
export LC_ALL=C
SRC=$(cd "$(dirname "$0")/.." && pwd)
PARE=$SRC/build/src/cli/pare
OUT=
while [ $# -gt 0 ]; do
	case $1 in
	-p) PARE=$2; shift 2 ;;
	-o) OUT=$2; shift 2 ;;
	*) echo "usage: $0 [-p PARE] [-o REPO]" >&2; exit 2 ;;
	esac
done
PARE=$(readlink -f "$PARE")
. "$SRC/tests/build/toolchain.sh"
build_toolchain "$PARE" "$SRC"
T=$(mktemp -d /var/tmp/pare-glibc.XXXXXX)
trap 'rm -rf "$T"' EXIT
[ -n "${KEEP:-}" ] && trap - EXIT # KEEP=1: keep the work folder (the build log)
[ -n "$OUT" ] || OUT=$T/out
key=$(ls "$PARE_BUILD_KEYS"/*.rsa | head -1)
arch=$(uname -m)
s=$(date +%s)
if ! "$PARE" --keys-dir "$PARE_BUILD_KEYS" -X "$PARE_BUILD_TOOL" build --work-dir "$T" -o "$OUT" --root-cache "$PARE_BUILD_ROOTS" \
	-k "$key" "$SRC/recipes/glibc" >"$T/build.log" 2>&1; then
	tail -30 "$T/build.log"
	trap - EXIT
	echo "work folder kept: $T"
	echo "glibc build FAILED after $(($(date +%s) - s))s"
	exit 1
fi
e=$(date +%s)
grep '^OK:' "$T/build.log"
names() { tar -xzOf "$1" APKINDEX | awk -F: '/^P:/ { p = substr($0, 3) } /^o:glibc$/ { print p }' | sort -u; }
# files REPO: "path package" for every file of the packages of origin glibc
files() {
	tar -xzOf "$1/$arch/APKINDEX.tar.gz" APKINDEX |
		awk -F: '/^P:/ { p = substr($0, 3) } /^V:/ { v = substr($0, 3) }
			/^o:glibc$/ { print p, v }' | sort -u |
		while read -r p v; do
			tar -tzf "$1/$arch/$p-$v.apk" 2>/dev/null | grep -v -e '/$' -e '^\.' |
				sed "s|\$| $p|"
		done | sort
}
# glibc-dbg: pare build splits debug symbols off every recipe; the base
# set imports Debian's packages without them
names "$OUT/$arch/APKINDEX.tar.gz" | grep -vx glibc-dbg >"$T/built"
names "$PARE_BUILD_TOOL/$arch/APKINDEX.tar.gz" >"$T/base"
echo "glibc 2.36 from source: $(wc -l <"$T/built") packages + glibc-dbg in $((e - s))s wall time"
if diff -u "$T/base" "$T/built" >"$T/diff"; then
	echo "subpackage names equal the base set's ($(wc -l <"$T/base") names)"
else
	echo "subpackage names differ from the base set's (- base set, + built):"
	grep '^[-+][^-+]' "$T/diff"
	exit 1
fi
# Split exactly as the base set: a file both have is in the same-named
# subpackage in both.  Files only one side has (Debian's patches, the
# locales Debian compiles at install time) are counted, not an error.
files "$OUT" | grep -v ' glibc-dbg$' >"$T/built.files"
files "$PARE_BUILD_TOOL" >"$T/base.files"
join -j1 "$T/built.files" "$T/base.files" | awk '$2 != $3' >"$T/misplaced"
echo "files: $(wc -l <"$T/built.files") built, $(wc -l <"$T/base.files") in the base set," \
	"$(join -j1 "$T/built.files" "$T/base.files" | wc -l) in both, $(wc -l <"$T/misplaced") in another subpackage"
if [ -s "$T/misplaced" ]; then
	echo "in another subpackage than the base set's (path built base):"
	head -20 "$T/misplaced"
	exit 1
fi
# The libraries run: a root of glibc-utils (and what it needs) from the
# repository just built, getconf started in it by the loader it holds.
"$PARE" --root "$T/root" --initdb --keys-dir "$PARE_BUILD_KEYS" -X "$OUT" --no-cache \
	add glibc-utils >"$T/add.log" 2>&1 || { tail -3 "$T/add.log"; exit 1; }
v=$(chroot "$T/root" /usr/bin/getconf GNU_LIBC_VERSION)
echo "getconf GNU_LIBC_VERSION in a root of the built packages: $v"
[ "$v" = "glibc 2.36" ]
