#!/bin/sh
# pare build against hostile recipes, in a busybox build root made at test
# time (tests/build/lib.sh).  Needs root (user namespaces with a uid range).
# Usage: hostile_test.sh PARE
set -u
PARE=$(readlink -f "$1")
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
T=$(mktemp -d)
SRV=
cleanup() { [ -n "$SRV" ] && kill "$SRV" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
fails=0
ok() { echo "ok - $1"; }
bad() { echo "not ok - $1"; fails=$((fails + 1)); }
mkdir -p "$T/work"
make_busybox_repo "$PARE" "$T" || { echo "cannot make the busybox repository"; exit 1; }
build() { # NAME [extra options]: build recipe T/r/NAME into T/out, log in T/NAME.log
	n=$1; shift
	(cd "$T" && "$PARE" --keys-dir "$T/keys" -X "$T/repo" build --srcdest "$T/srcdest" --work-dir "$T/work" \
		--root-cache "$T/roots" --offline -o "$T/out" -k "$T/keys/t.rsa" "$@" "r/$n") >"$T/$n.log" 2>&1
}
recipe() { # NAME BODY: a recipe folder with the APKBUILD header + BODY
	mkdir -p "$T/r/$1"
	printf 'pkgname=%s\npkgver=1\npkgrel=0\npkgdesc="test"\narch="all"\nlicense="MIT"\nSOURCE_DATE_EPOCH=1700000000\n%s\n' "$1" "$2" >"$T/r/$1/APKBUILD"
}
sum() { sha512sum "$1" | cut -d' ' -f1; }

# 1. a source whose sha512 is wrong is refused before it is unpacked
mkdir -p "$T/mk/evil-1" && echo hi >"$T/mk/evil-1/f"
tar -C "$T/mk" -czf "$T/src.tar.gz" evil-1
recipe badsum "source=\"src.tar.gz\"
sha512sums=\"$(printf '%0128d' 0)  src.tar.gz\"
package() { touch \"\$pkgdir\"/x; }"
cp "$T/src.tar.gz" "$T/r/badsum/"
if build badsum; then bad "wrong sha512 accepted"; else
	grep -q "sha512 mismatch.*$(sum "$T/src.tar.gz")" "$T/badsum.log" &&
		grep -q "r/badsum/APKBUILD: source src.tar.gz" "$T/badsum.log" &&
		! grep -q "build log" "$T/badsum.log" &&
		ok "wrong sha512 refused naming the file and both hashes" ||
		{ bad "wrong sha512: unexpected message"; cat "$T/badsum.log"; }
fi

# 2. no network without options="net" (a server on the host's 127.0.0.1)
mkdir -p "$T/www" && echo reached >"$T/www/ok"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 -m http.server "$PORT" --bind 127.0.0.1 --directory "$T/www" >/dev/null 2>&1 &
SRV=$!
sleep 1
NETBODY="package() { printf 'GET /ok HTTP/1.0\\r\\n\\r\\n' | nc 127.0.0.1 $PORT >\"\$srcdir\"/reply; grep -q reached \"\$srcdir\"/reply; }"
recipe nonet "$NETBODY"
if build nonet; then bad "network reachable without options=net"
elif grep -q "can't connect" "$T/nonet.log"; then ok "network unreachable without options=net"
else bad "nonet: unexpected failure"; cat "$T/nonet.log"; fi
recipe withnet "options=\"net\"
$NETBODY"
if build withnet && grep -q "withnet-1-r0.apk" "$T/withnet.log"; then ok "options=net reaches the host"
else bad "options=net: no network"; cat "$T/withnet.log"; fi

# 3. writes outside $pkgdir/$srcdir are impossible
recipe escape 'source="data"
package() {
	for f in /etc/pwned /usr/pwned /build/recipe/pwned /build/sources/pwned /pwned /bin/sh; do
		if echo x >>"$f" 2>/dev/null; then echo "WROTE $f"; exit 1; fi
	done
	mkdir -p "$pkgdir"/usr/share/escape && echo fine >"$pkgdir"/usr/share/escape/ok
}'
echo data >"$T/r/escape/data"
printf 'sha512sums="%s  data"\n' "$(sum "$T/r/escape/data")" >>"$T/r/escape/APKBUILD"
if build escape && [ ! -e "$T/r/escape/pwned" ] && [ ! -e "$T/srcdest/pwned" ]; then
	ok "writes outside \$pkgdir fail"
else bad "a write outside \$pkgdir succeeded"; cat "$T/escape.log"; fi

# 4. a 100 GB sparse file in a source archive is refused by the unpack bound
mkdir -p "$T/mk/big-1" && truncate -s 100G "$T/mk/big-1/sparse"
tar -C "$T/mk" -S -czf "$T/r/big.tar.gz" big-1 2>/dev/null
rm -rf "$T/mk/big-1"
mkdir -p "$T/r/bomb" && mv "$T/r/big.tar.gz" "$T/r/bomb/"
recipe bomb "source=\"big.tar.gz\"
sha512sums=\"$(sum "$T/r/bomb/big.tar.gz")  big.tar.gz\""
if build bomb; then bad "100 GB sparse source unpacked"; else
	grep -q "big.tar.gz: big-1/sparse: larger than" "$T/bomb.log" && ok "100 GB sparse source refused" ||
		{ bad "sparse bomb: unexpected message"; cat "$T/bomb.log"; }
fi
[ "$(du -sm /var/tmp 2>/dev/null | cut -f1)" -lt 50000 ] || bad "the bomb filled /var/tmp"

# 5. a path escaping the source tree is refused
python3 - "$T/r" <<'PY'
import io, os, sys, tarfile
d = os.path.join(sys.argv[1], "trav"); os.makedirs(d, exist_ok=True)
with tarfile.open(os.path.join(d, "trav.tar.gz"), "w:gz") as t:
    i = tarfile.TarInfo("../../escaped"); data = b"x"; i.size = 1
    t.addfile(i, io.BytesIO(data))
PY
recipe trav "source=\"trav.tar.gz\"
sha512sums=\"$(sum "$T/r/trav/trav.tar.gz")  trav.tar.gz\""
if build trav; then bad "a ../ path was unpacked"; else
	[ ! -e "$T/escaped" ] && grep -q "trav.tar.gz" "$T/trav.log" && ok "../ in a source archive refused" ||
		{ bad "traversal: unexpected"; cat "$T/trav.log"; }
fi

# 6. a symlink in $pkgdir to the host is packaged as a link, never followed;
#    owners set inside (chown) are kept; a rebuild is bit-identical
recipe links 'package() {
	mkdir -p "$pkgdir"/usr/bin "$pkgdir"/var/lib/links
	ln -s /etc/shadow "$pkgdir"/usr/bin/shadow
	chown 100:101 "$pkgdir"/var/lib/links
}'
if build links; then
	apk=$T/out/$(uname -m)/links-1-r0.apk
	lst=$(tar tvzf "$apk" 2>/dev/null)
	echo "$lst" | grep -q "usr/bin/shadow -> /etc/shadow" && ok "host symlink packaged as a link" ||
		{ bad "symlink not packaged as a link"; echo "$lst"; }
	echo "$lst" | grep -q "100/101.*var/lib/links" && ok "owners from chown inside kept" ||
		{ bad "owner lost"; echo "$lst"; }
	h1=$(sha256sum "$apk" | cut -d' ' -f1)
	rm -rf "$T/out"
	build links
	[ "$h1" = "$(sha256sum "$apk" | cut -d' ' -f1)" ] && ok "rebuild is bit-identical" || bad "rebuild differs"
else bad "links recipe failed"; cat "$T/links.log"; fi

# 7. a recipe that does not parse names its file
recipe broken 'subpackages="broken-x:nosuchfunc"'
if build broken; then bad "undefined split function accepted"; else
	grep -q "r/broken/APKBUILD: subpackages: broken-x: function nosuchfunc is not defined" "$T/broken.log" &&
		ok "recipe errors name the file" || { bad "broken: unexpected"; cat "$T/broken.log"; }
fi

# 8. lint: an undeclared setuid file stops the build; options="suid" waives it
recipe suid 'package() { mkdir -p "$pkgdir"/usr/bin; echo x >"$pkgdir"/usr/bin/s; chmod 4755 "$pkgdir"/usr/bin/s; }'
if build suid; then bad "setuid file accepted"; else
	grep -q "lint: setuid: suid: /usr/bin/s" "$T/suid.log" && ok "undeclared setuid stops the build" ||
		{ bad "suid: unexpected"; cat "$T/suid.log"; }
fi

# 9. killing pare takes the whole sandbox with it
recipe hang 'build() { sleep 3117; }'
(cd "$T" && exec "$PARE" --keys-dir "$T/keys" -X "$T/repo" build --work-dir "$T/work" --offline \
	-o "$T/out" r/hang >"$T/hang.log" 2>&1) &
PID=$!
seen=
for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do
	sleep 1
	ps -eo args | grep -q '^sleep 3117' && { seen=1; break; }
done
[ -n "$seen" ] || bad "the hanging build never started"
kill -9 "$PID" 2>/dev/null
sleep 2
left=$(ps -eo pid,args | awk '$2 == "sleep" && $3 == "3117" { print $1 }')
if [ -z "$left" ]; then ok "killing pare ends the build"
else bad "build processes outlive pare: $left"; kill -9 $left 2>/dev/null; fi

# 10. a daemon the build leaves behind does not keep the build (or itself) alive
recipe daemon 'package() { (sleep 3118 >/dev/null 2>&1 &); mkdir -p "$pkgdir"/x; }'
if timeout 60 sh -c "cd '$T' && '$PARE' --keys-dir '$T/keys' -X '$T/repo' build --work-dir '$T/work' \
	--offline -o '$T/out' r/daemon" >"$T/daemon.log" 2>&1; then
	left=$(ps -eo pid,args | awk '$2 == "sleep" && $3 == "3118" { print $1 }')
	if [ -z "$left" ]; then ok "a left-over daemon is killed when the build ends"
	else bad "daemon outlives the build: $left"; kill -9 $left 2>/dev/null; fi
else bad "build with a daemon did not finish"; cat "$T/daemon.log"; fi

# 11. a split function that takes no files but sets depends is a metapackage;
#     a declared subpackage left empty is not written
recipe meta 'subpackages="meta-all:_all meta-none:_none"
package() { mkdir -p "$pkgdir"/usr/share/meta && echo x >"$pkgdir"/usr/share/meta/x; }
_all() { depends="meta=1-r0"; }
_none() { :; }'
rm -rf "$T/out"
if build meta && [ -f "$T/out/$(uname -m)/meta-all-1-r0.apk" ] &&
	[ ! -e "$T/out/$(uname -m)/meta-none-1-r0.apk" ] &&
	tar -xzOf "$T/out/$(uname -m)/meta-all-1-r0.apk" .PKGINFO 2>/dev/null | grep -qx 'depend = meta=1-r0'; then
	ok "an empty split function with depends is a metapackage"
else bad "metapackage"; cat "$T/meta.log"; fi

# 12. the build root is kept by what it holds and reused, unchanged
roots=$(ls "$T/roots")
sum_root() { (cd "$T/roots/$roots" && find . -mindepth 1 -path ./proc -prune -o -path ./tmp -prune -o -path ./dev -prune \
	-o -print0 | LC_ALL=C sort -z | xargs -0 stat -c '%n %s %a %u %Y' | sha256sum); }
before=$(sum_root)
rm -rf "$T/out"
if [ "$(echo "$roots" | wc -w)" -eq 1 ] && build escape && grep -q "build root 1 packages in .*s reused" "$T/escape.log" &&
	[ "$before" = "$(sum_root)" ]; then
	ok "the build root is reused from the cache and left unchanged"
else bad "root cache"; ls -la "$T/roots"; cat "$T/escape.log"; fi
rm -rf "$T/roots"

[ "$fails" -eq 0 ] && echo "all hostile build tests passed" && exit 0
exit 1
