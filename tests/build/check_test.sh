#!/bin/sh
# pare lint and pare test (melange's lint and test for pare's recipes), in
# a busybox build root made at test time (tests/build/lib.sh).  Needs root
# (the sandbox's uid range).  Usage: check_test.sh PARE
set -u
PARE=$(readlink -f "$1")
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
ok() { echo "ok - $1"; }
bad() { echo "not ok - $1"; fails=$((fails + 1)); }
ARCH=$(uname -m)
mkdir -p "$T/work"
make_busybox_repo "$PARE" "$T" || { echo "cannot make the busybox repository"; exit 1; }
P() { "$PARE" --keys-dir "$T/keys" -X "$T/repo" "$@"; }
build() { # NAME: build recipe T/r/NAME into T/out
	(cd "$T" && P build --work-dir "$T/work" --offline -o "$T/out" -k "$T/keys/t.rsa" "r/$1") \
		>"$T/$1.build.log" 2>&1 || { cat "$T/$1.build.log"; return 1; }
}
ptest() { (cd "$T" && P test --work-dir "$T/work" -o "$T/out" "r/$1") >"$T/$1.test.log" 2>&1; }
plint() { (cd "$T" && P lint --work-dir "$T/work" -o "$T/out" "$@") >"$T/lint.log" 2>&1; }
recipe() { # NAME BODY
	mkdir -p "$T/r/$1"
	printf 'pkgname=%s\npkgver=1\npkgrel=0\npkgdesc="test"\narch="all"\nlicense="MIT"\nSOURCE_DATE_EPOCH=1700000000\n%s\n' "$1" "$2" >"$T/r/$1/APKBUILD"
}
HELLO='package() {
	mkdir -p "$pkgdir"/usr/bin
	printf "#!/bin/sh\necho hello from \$0\n" >"$pkgdir"/usr/bin/hello
	chmod 755 "$pkgdir"/usr/bin/hello
}'

# 1. installcheck passes against the installed package (its depends come too)
recipe hello "depends=\"build-base\"
$HELLO
installcheck() { hello | grep -q 'hello from /usr/bin/hello'; echo CHECKED; }"
build hello || bad "hello does not build"
if ptest hello && grep -q CHECKED "$T/hello.test.log" &&
	grep -q 'OK: r/hello: hello-1-r0 installcheck passed (test root 2 packages)' "$T/hello.test.log"; then
	ok "pare test: installcheck passes in a root of hello and build-base"
else bad "pare test hello"; cat "$T/hello.test.log"; fi

# 2. a failing installcheck fails pare test (exit 1, the recipe named)
recipe sad "depends=\"build-base\"
$HELLO
installcheck() { hello | grep -q goodbye; }"
build sad || bad "sad does not build"
if ptest sad; then bad "a failing installcheck passed"; cat "$T/sad.test.log"
elif grep -q 'r/sad/APKBUILD: installcheck failed: driver test exited with status 1' "$T/sad.test.log"; then
	ok "pare test: a failing installcheck exits 1 naming the recipe"
else bad "sad: unexpected message"; cat "$T/sad.test.log"; fi

# 3. the package under test only, the static shell as /bin/sh; installcheck
#    sees the installed file and not the build's tree
recipe lone "$HELLO
installcheck() {
	[ -x /usr/bin/hello ]
	[ ! -e /bin/busybox ]
	set -- /build/pkg/*; [ \"\$1\" = '/build/pkg/*' ]
	echo LONE-OK
}"
build lone || bad "lone does not build"
if ptest lone && grep -q LONE-OK "$T/lone.test.log"; then ok "pare test: a root without a shell gets the static one"
else bad "pare test lone"; cat "$T/lone.test.log"; fi

# 4. no installcheck(): refused before any root is made
recipe untested "$HELLO"
build untested || bad "untested does not build"
if ptest untested; then bad "a recipe without installcheck passed"
elif grep -q 'no installcheck() function' "$T/untested.test.log"; then ok "pare test: no installcheck() is an error"
else bad "untested: unexpected message"; cat "$T/untested.test.log"; fi

# 5. a recipe not built yet: its package is not found
recipe unbuilt "$HELLO
installcheck() { true; }"
if ptest unbuilt; then bad "an unbuilt recipe passed"
elif grep -q 'unbuilt' "$T/unbuilt.test.log"; then ok "pare test: an unbuilt recipe fails naming it"
else bad "unbuilt: unexpected message"; cat "$T/unbuilt.test.log"; fi

# 6. pare lint on a clean recipe's packages
if plint r/hello && grep -q 'OK: 1 package, 0 errors, 0 warnings' "$T/lint.log"; then
	ok "pare lint: hello is clean"
else bad "pare lint hello"; cat "$T/lint.log"; fi

# 7. findings: waived by the recipe in the build and in pare lint RECIPE_DIR,
#    reported for the bare package file
recipe messy 'options="!lint:usr-local !lint:world-writable suid"
package() {
	mkdir -p "$pkgdir"/usr/local/bin "$pkgdir"/usr/include "$pkgdir"/usr/bin
	echo x >"$pkgdir"/usr/local/bin/x
	echo y >"$pkgdir"/usr/include/y.h
	echo z >"$pkgdir"/usr/bin/open && chmod 0666 "$pkgdir"/usr/bin/open
	echo s >"$pkgdir"/usr/bin/su && chmod 4755 "$pkgdir"/usr/bin/su
}'
build messy || bad "messy does not build"
if plint r/messy && grep -q 'OK: 2 packages, 0 errors, 0 warnings' "$T/lint.log"; then
	ok "pare lint RECIPE_DIR: messy and messy-dev, the recipe's waivers apply"
else bad "pare lint r/messy"; cat "$T/lint.log"; fi
if plint "$T/out/$ARCH/messy-1-r0.apk"; then bad "pare lint of a bad package exited 0"; cat "$T/lint.log"
elif grep -q 'error: usr-local: messy: /usr/local/bin/x' "$T/lint.log" &&
	grep -q 'error: world-writable: messy: /usr/bin/open' "$T/lint.log" &&
	grep -q 'error: setuid: messy: /usr/bin/su' "$T/lint.log" &&
	grep -q 'FAIL: 1 package, 3 errors, 0 warnings' "$T/lint.log"; then
	ok "pare lint PKG.apk: usr-local, world-writable and setuid reported, exit 1"
else bad "pare lint messy.apk: unexpected output"; cat "$T/lint.log"; fi

# 8. a header in a main package made by pare mkpkg: a warning, exit 0
mkdir -p "$T/dev/usr/include" && echo h >"$T/dev/usr/include/h.h"
"$PARE" mkpkg -o "$T/devmain.apk" -s pkgname=devmain -s pkgver=1-r0 -s arch="$ARCH" "$T/dev" >/dev/null
if plint "$T/devmain.apk" && grep -q 'warning: dev-in-main: devmain: /usr/include/h.h' "$T/lint.log" &&
	grep -q 'OK: 1 package, 0 errors, 1 warning' "$T/lint.log"; then
	ok "pare lint: a header in a main package is a warning"
else bad "pare lint devmain.apk"; cat "$T/lint.log"; fi

# 9. not a package; a corrupt package
echo 'not a package' >"$T/junk.apk"
if plint "$T/junk.apk"; then bad "junk accepted"; else ok "pare lint: junk refused"; fi
cp "$T/out/$ARCH/hello-1-r0.apk" "$T/cut.apk" && truncate -s -40 "$T/cut.apk"
if plint "$T/cut.apk"; then bad "a truncated package accepted"; else ok "pare lint: a truncated package refused"; fi

[ "$fails" = 0 ] && echo PASS
exit "$fails"
