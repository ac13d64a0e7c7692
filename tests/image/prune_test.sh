#!/bin/sh
# pare image build --prune=trace end to end (root and runc needed).
#
#   prune_test.sh PARE
#
# A signed repository with busybox (the static busybox of the host) and
# "extras", a package with files a test reads and files nothing reads.
#   1. a test reads used.txt: the pruned image keeps it (and busybox, etc/,
#      the database), removes unused.txt and big.bin, records them in
#      lib/apk/db/pruned; the folder gone/ the removal emptied goes too;
#      pare audit says P, not X (also for gone/deep.txt); pare inspect passes;
#      the SBOM notes the pruning; two builds give the same digest.
#   2. keep: ["usr/share/extras/keep*"] keeps keepme.txt, which no test reads;
#      a second test that reads unused.txt keeps it.
#   3. a test that only lstat()s marker.txt (fanotify sees no open): the
#      pruned root fails it, the build puts everything back, succeeds with
#      the unpruned image and names /usr/share/extras/marker.txt.
# Exit 77 (skipped) without root, runc or busybox-static.
set -eu

PARE=$(realpath "$1")
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
for t in runc python3; do
	command -v "$t" >/dev/null 2>&1 || { echo "SKIP: $t not installed"; exit 77; }
done
BB=/bin/busybox
file -L "$BB" 2>/dev/null | grep -q static || { echo "SKIP: no static busybox"; exit 77; }

W=$(mktemp -d /tmp/pare-prune.XXXXXX)
trap 'rm -rf "$W"' EXIT
cd "$W"
export SOURCE_DATE_EPOCH=1700000000
ARCH=x86_64
step() { echo "== $*"; }
fail() { echo "FAIL: $*"; exit 1; }

step "packages"
mkdir -p keys repo/$ARCH bb/bin ex/usr/share/extras/gone
"$PARE" keygen -o keys test >/dev/null
cp "$BB" bb/bin/busybox
for a in sh cat ls; do ln -s busybox bb/bin/$a; done
echo "used data" > ex/usr/share/extras/used.txt
echo "nobody reads this" > ex/usr/share/extras/unused.txt
echo "kept by a glob" > ex/usr/share/extras/keepme.txt
echo "only stat()ed" > ex/usr/share/extras/marker.txt
head -c 200000 /dev/zero > ex/usr/share/extras/big.bin
echo "in a folder of its own" > ex/usr/share/extras/gone/deep.txt
"$PARE" mkpkg -s pkgname=busybox -s pkgver=1.0-r0 -s arch=$ARCH -s license=GPL-2.0 \
	-s "pkgdesc=busybox" -s "provides=cmd:sh=1" -k keys/test.rsa \
	-o repo/$ARCH/busybox-1.0-r0.apk bb >/dev/null
"$PARE" mkpkg -s pkgname=extras -s pkgver=1.0-r0 -s arch=$ARCH -s license=MIT \
	-s "pkgdesc=extras" -k keys/test.rsa -o repo/$ARCH/extras-1.0-r0.apk ex >/dev/null
"$PARE" --keys-dir "$W/keys" index -o repo/$ARCH/APKINDEX.tar.gz -k keys/test.rsa \
	repo/$ARCH/*.apk >/dev/null

config() { # config FILE TEST-COMMAND [EXTRA-YAML]
	cat > "$1" <<EOT
contents:
  keyring: [$W/keys/test.rsa.pub]
  repositories: [$W/repo]
  packages: [busybox, extras]
entrypoint:
  command: /bin/sh
archs: [$ARCH]
prune: trace
test:
  - name: reads
    run: [/bin/busybox, sh, -c, "$2"]
$3
EOT
}

step "1. a test that reads used.txt"
config p1.yaml 'cat /usr/share/extras/used.txt' 'keep: []'
"$PARE" image build --staging st1 -o out1 --explain p1.yaml > b1.out 2> b1.err ||
	{ cat b1.out b1.err; fail "build 1"; }
cat b1.out
R=st1/$ARCH
[ -f $R/usr/share/extras/used.txt ] || fail "used.txt was pruned"
[ -f $R/bin/busybox ] && [ -L $R/bin/cat ] || fail "busybox or its link was pruned"
[ ! -e $R/usr/share/extras/unused.txt ] || fail "unused.txt was kept"
[ ! -e $R/usr/share/extras/big.bin ] || fail "big.bin was kept"
[ ! -e $R/usr/share/extras/gone ] || fail "the emptied folder gone/ was kept"
[ -d $R/usr/share/extras ] || fail "a folder with a kept file went"
[ -f $R/etc/passwd ] && [ -f $R/lib/apk/db/installed ] || fail "etc/ or the database was pruned"
grep -qx 'P:extras' $R/lib/apk/db/pruned && grep -qx 'R:usr/share/extras/big.bin' \
	$R/lib/apk/db/pruned || { cat $R/lib/apk/db/pruned; fail "the record"; }
grep -q 'prune: .* -> ' b1.out || fail "no prune line in the report"
grep -q '200000  /usr/share/extras/big.bin' b1.out || fail "--explain: no largest file"
"$PARE" --root $R audit --system > audit.out || true
grep -qx 'P usr/share/extras/big.bin' audit.out || { cat audit.out; fail "audit: not P"; }
grep -qx 'P usr/share/extras/gone/deep.txt' audit.out ||
	{ cat audit.out; fail "audit: not P for a file whose folder went"; }
! grep -q '^X ' audit.out || { cat audit.out; fail "audit: X for a pruned file"; }
"$PARE" inspect out1 > insp.out 2>&1 || { cat insp.out; fail "pare inspect of the pruned image"; }
grep -q 'pruned' out1/sbom.spdx.json || fail "the SBOM does not note the pruning"
"$PARE" --json image build -o out1b p1.yaml > b1b.json 2>/dev/null || fail "build 1 again"
python3 - b1b.json <<'PY'
import json, sys
o = json.load(open(sys.argv[1]))
p = o["images"][0]["prune"]
assert p["kept"] and p["bytesAfter"] < p["bytesBefore"], p
ex = [k for k in p["packages"] if k["name"] == "extras"][0]
assert ex["removedFiles"] == 5, ex   # unused, keepme, marker, big.bin, gone/deep.txt
PY
d1=$(python3 -c 'import json;print(json.load(open("out1/index.json"))["manifests"][0]["digest"])')
d2=$(python3 -c 'import json;print(json.load(open("out1b/index.json"))["manifests"][0]["digest"])')
[ "$d1" = "$d2" ] || fail "two pruned builds differ: $d1 $d2"

step "2. keep: globs"
config p2.yaml 'cat /usr/share/extras/used.txt' 'keep: ["/usr/share/extras/keep*"]'
"$PARE" image build --staging st2 -o out2 p2.yaml > b2.out 2> b2.err ||
	{ cat b2.out b2.err; fail "build 2"; }
[ -f st2/$ARCH/usr/share/extras/keepme.txt ] || fail "keep: glob ignored"
[ ! -e st2/$ARCH/usr/share/extras/unused.txt ] || fail "unused.txt kept in 2"

step "2b. a second test that reads unused.txt: kept"
config p2b.yaml 'cat /usr/share/extras/used.txt' '  - name: reads the other
    run: [/bin/busybox, cat, /usr/share/extras/unused.txt]
keep: []'
"$PARE" image build --staging st2b -o out2b p2b.yaml > b2b.out 2> b2b.err ||
	{ cat b2b.out b2b.err; fail "build 2b"; }
[ -f st2b/$ARCH/usr/share/extras/unused.txt ] || fail "unused.txt pruned though a test reads it"
[ ! -e st2b/$ARCH/usr/share/extras/big.bin ] || fail "big.bin kept in 2b"

step "3. the pruned root fails a test: restored, the file named"
config p3.yaml 'ls /usr/share/extras/marker.txt' 'keep: []'
"$PARE" image build --staging st3 -o out3 p3.yaml > b3.out 2> b3.err ||
	{ cat b3.out b3.err; fail "build 3 should succeed unpruned"; }
cat b3.out
grep -q "undone: test 'reads' failed on the pruned root (it needs /usr/share/extras/marker.txt" \
	b3.out || fail "no undo message naming marker.txt"
[ -f st3/$ARCH/usr/share/extras/unused.txt ] && [ -f st3/$ARCH/usr/share/extras/marker.txt ] ||
	fail "not restored"
[ ! -e st3/$ARCH/lib/apk/db/pruned ] || fail "a record in an unpruned root"
echo "OK"
