#!/bin/sh
# Slow suite: Debian's gcc 12 imported through sets/build-base.yaml is split
# sanely.  The driver, cc1/cc1plus, collect2, the LTO plugin, libgcc.a and
# the crt files must land in packages that build-base pulls in: a root with
# only `build-base` installed (pare add) compiles and links a C hello, a C++
# hello, a -flto hello and a -static-libgcc hello, and each runs.
# Usage: toolchain_test.sh PARE SOURCE_ROOT DEB_CACHE.  The toolchain:
# $PARE_BUILD_TOOL + $PARE_BUILD_KEYS when set, else imported here.
set -u
PARE=$(readlink -f "$1")
SRC=$(readlink -f "$2")
CACHE=$3
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (chroot)"; exit 77; }
T=$(mktemp -d /var/tmp/pare-toolchain.XXXXXX)
trap 'rm -rf "$T"' EXIT
if [ -z "${PARE_BUILD_TOOL:-}" ]; then
	mkdir -p "$T/keys" && (cd "$T/keys" && "$PARE" keygen -o . t >/dev/null)
	"$PARE" import-deb -o "$T/tool" -k "$T/keys/t.rsa" --set "$SRC/sets/base.yaml" \
		--set "$SRC/sets/build-base.yaml" --closure --deb-cache "$CACHE" >"$T/import.log" 2>&1 ||
		{ echo "toolchain import failed: $(tail -1 "$T/import.log")"; exit 1; }
	PARE_BUILD_TOOL=$T/tool PARE_BUILD_KEYS=$T/keys
fi
fails=0
ok() { echo "ok - $*"; }
nok() { echo "not ok - $*"; fails=$((fails + 1)); }

# Where the pieces are (CONTENTS: path TAB package).
C=$(ls "$PARE_BUILD_TOOL"/*/CONTENTS | head -1)
R=$T/root
mkdir -p "$R/etc/apk/keys"
cp "$PARE_BUILD_KEYS"/*.pub "$R/etc/apk/keys/"
"$PARE" --root "$R" --initdb -X "$PARE_BUILD_TOOL" add build-base >"$T/add.log" 2>&1 ||
	{ echo "not ok - pare add build-base: $(tail -2 "$T/add.log")"; exit 1; }
installed=$(sed -n 's/^P://p' "$R/lib/apk/db/installed")
for piece in 'usr/bin/x86_64-linux-gnu-gcc-12' 'usr/lib/gcc/x86_64-linux-gnu/12/cc1' \
	'usr/lib/gcc/x86_64-linux-gnu/12/cc1plus' 'usr/lib/gcc/x86_64-linux-gnu/12/collect2' \
	'usr/lib/gcc/x86_64-linux-gnu/12/liblto_plugin.so' 'usr/lib/gcc/x86_64-linux-gnu/12/lto1' \
	'usr/lib/gcc/x86_64-linux-gnu/12/libgcc.a' 'usr/lib/gcc/x86_64-linux-gnu/12/crtbegin.o' \
	'usr/lib/gcc/x86_64-linux-gnu/12/libstdc++.so' 'usr/lib/x86_64-linux-gnu/crt1.o'; do
	pkg=$(awk -F'\t' -v p="$piece" '$1 == p {print $2}' "$C")
	if [ -z "$pkg" ]; then nok "$piece: in no package"
	elif printf '%s\n' "$installed" | grep -qx "$pkg"; then ok "$piece in $pkg (installed by build-base)"
	else nok "$piece in $pkg, which build-base does not pull in"; fi
done

mkdir -p "$R/src" "$R/tmp" && chmod 1777 "$R/tmp"
printf '#include <stdio.h>\nint main(void){puts("hello c");return 0;}\n' >"$R/src/h.c"
printf '#include <iostream>\nint main(){std::cout<<"hello c++"<<std::endl;}\n' >"$R/src/h.cc"
try() { # NAME EXPECTED COMPILER ARGS...
	name=$1 want=$2; shift 2
	if ! chroot "$R" /usr/bin/env -i PATH=/usr/bin:/bin TMPDIR=/tmp "$@" >"$T/$name.log" 2>&1; then
		nok "$name: $(tail -3 "$T/$name.log" | tr '\n' ' ')"
	elif [ "$(chroot "$R" /src/$name)" != "$want" ]; then nok "$name: wrong output"
	else ok "$name compiled, linked and ran"; fi
}
try hc 'hello c' gcc -O2 -o /src/hc /src/h.c
try hcc 'hello c++' g++ -O2 -o /src/hcc /src/h.cc
try hlto 'hello c' gcc -O2 -flto -o /src/hlto /src/h.c
try hstatic 'hello c++' g++ -static-libgcc -static-libstdc++ -o /src/hstatic /src/h.cc
[ "$fails" -eq 0 ]
