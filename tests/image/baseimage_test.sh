#!/bin/sh
# apko's contents.baseimage: an OCI layout as the base under the packages a
# config adds (image/baseimage.h).  Two bases: one pare built (busybox
# package, Env/WorkingDir/Entrypoint), one umoci built (no apk database).
# The image on top lists the base's layer first (same digest), its own
# layer holds only what is new, the base's config fills what the config
# leaves unset, and the unpacked result runs.  A tampered base blob, a base
# without the arch and a half-written baseimage key are refused.
#
#   baseimage_test.sh PARE
set -eu
PARE=$(realpath "$1")
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (chroot)"; exit 77; }
BB=$(command -v busybox || true)
[ -n "$BB" ] && file -L "$BB" 2>/dev/null | grep -q 'statically linked' ||
	{ echo "SKIP: no static busybox"; exit 77; }
command -v umoci >/dev/null || { echo "SKIP: no umoci"; exit 77; }
W=$(mktemp -d /tmp/pare-baseimage.XXXXXX)
trap 'rm -rf "$W"' EXIT
cd "$W"
export SOURCE_DATE_EPOCH=1700000000
fail() { echo "FAIL: $*"; exit 1; }
mkdir -p keys repo/x86_64 bb/bin app/usr/bin baseidx/x86_64 noidx/x86_64
"$PARE" keygen -o keys test >/dev/null
cp "$BB" bb/bin/busybox
ln -s busybox bb/bin/sh
printf '#!/bin/sh\necho "app on $BASE_VAR${FOO:-}"\n' > app/usr/bin/app
chmod 755 app/usr/bin/app
"$PARE" mkpkg -s pkgname=bb -s pkgver=1.0-r0 -s arch=x86_64 -k keys/test.rsa \
	-o repo/x86_64/bb-1.0-r0.apk bb >/dev/null
"$PARE" mkpkg -s pkgname=app -s pkgver=2.0-r0 -s arch=x86_64 -k keys/test.rsa \
	-o repo/x86_64/app-2.0-r0.apk app >/dev/null
"$PARE" --keys-dir "$W/keys" index -k keys/test.rsa -o repo/x86_64/APKINDEX.tar.gz \
	repo/x86_64/*.apk >/dev/null
# the base's installed packages as APKINDEX text (apko: apkindex/ARCH/APKINDEX)
mkdir -p bbidx && "$PARE" --keys-dir "$W/keys" index -o bbidx/APKINDEX.tar.gz \
	repo/x86_64/bb-1.0-r0.apk >/dev/null 2>&1
tar -xzf bbidx/APKINDEX.tar.gz -C baseidx/x86_64 APKINDEX
: > noidx/x86_64/APKINDEX
json() { python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$@"; }
# manifest OUT / config OUT: the single image's manifest and config files
manifest() { echo "$1/blobs/sha256/$(json "$1/index.json" 'j["manifests"][0]["digest"][7:]')"; }
config() { echo "$1/blobs/sha256/$(json "$(manifest "$1")" 'j["config"]["digest"][7:]')"; }
layer() { echo "$1/blobs/sha256/$(json "$(manifest "$1")" "j['layers'][$2]['digest'][7:]")"; }
cat > base.yaml <<EOF
contents:
  keyring: [$W/keys/test.rsa.pub]
  repositories: [$W/repo]
  packages: [bb]
entrypoint:
  command: /bin/sh
work-dir: /base
paths:
  - path: /base
    type: directory
    permissions: 0o755
environment:
  BASE_VAR: base
  PATH: /base/bin:/usr/bin:/bin
archs: [x86_64]
EOF
"$PARE" image build base.yaml -o base >base.txt || { cat base.txt; fail "base build"; }
cat > top.yaml <<EOF
contents:
  keyring: [$W/keys/test.rsa.pub]
  repositories: [$W/repo]
  baseimage:
    image: base
    apkindex: baseidx
  packages: [app]
environment:
  TOP_VAR: top
archs: [x86_64]
EOF
"$PARE" image build top.yaml -t latest -o top --docker-archive top.tar >top.txt || { cat top.txt; fail "build on a pare base"; }
[ "$(json "$(manifest top)" 'len(j["layers"])')" = 2 ] || fail "not 2 layers"
[ "$(json "$(manifest top)" 'j["layers"][0]["digest"]')" = \
  "$(json "$(manifest base)" 'j["layers"][0]["digest"]')" ] || fail "the base layer is not first"
tar -tzf "$(layer top 1)" > toplayer.txt
grep -qx 'usr/bin/app' toplayer.txt || fail "usr/bin/app not in the top layer"
grep -qx 'lib/apk/db/installed' toplayer.txt || fail "the database is not in the top layer"
! grep -qx 'bin/busybox' toplayer.txt || fail "the base's busybox was written again"
echo "ok: on a pare base: base layer first, top layer $(wc -l < toplayer.txt) entries without the base's files"
env=$(json "$(config top)" '" ".join(j["config"]["Env"])')
echo "$env" | grep -q 'BASE_VAR=base' && echo "$env" | grep -q 'TOP_VAR=top' &&
	echo "$env" | grep -q 'PATH=/base/bin:/usr/bin:/bin' || fail "Env not merged: $env"
[ "$(json "$(config top)" 'j["config"]["WorkingDir"]')" = /base ] || fail "WorkingDir"
[ "$(json "$(config top)" 'j["config"]["Entrypoint"]')" = "['/bin/sh']" ] || fail "Entrypoint"
json "$(config top)" 'j["rootfs"]["diff_ids"][0]' | grep -q "$(json "$(config base)" 'j["rootfs"]["diff_ids"][0]')" ||
	fail "diff_id of the base layer"
echo "ok: Env merged by variable (the base's PATH, BASE_VAR and TOP_VAR), WorkingDir and Entrypoint from the base"
umoci unpack --image top:latest bundle >/dev/null
out=$(BASE_VAR=base chroot bundle/rootfs /usr/bin/app)
[ "$out" = "app on base" ] || fail "running the unpacked image: '$out'"
grep -q '^P:bb$' bundle/rootfs/lib/apk/db/installed && grep -q '^P:app$' bundle/rootfs/lib/apk/db/installed ||
	fail "installed database lacks bb or app"
echo "ok: umoci unpacks it; /usr/bin/app runs with the base's busybox; bb and app installed"
n=$(skopeo inspect docker-archive:top.tar | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["Layers"]))')
[ "$n" = 2 ] || fail "the docker archive has $n layers"
echo "ok: the docker archive has both layers (skopeo inspect)"

# a base umoci made: no apk database, an empty APKINDEX
umoci init --layout ub >/dev/null && umoci new --image ub:latest >/dev/null
umoci unpack --image ub:latest ubundle >/dev/null
mkdir -p ubundle/rootfs/bin && cp "$BB" ubundle/rootfs/bin/busybox && ln -s busybox ubundle/rootfs/bin/sh
umoci repack --image ub:latest ubundle >/dev/null
umoci config --image ub:latest --config.env FOO=umoci --config.workingdir /w >/dev/null
umoci gc --layout ub >/dev/null
sed -e "s|image: base|image: ub|" -e "s|apkindex: baseidx|apkindex: noidx|" top.yaml > utop.yaml
"$PARE" image build utop.yaml -t latest -o utop >utop.txt || { cat utop.txt; fail "build on a umoci base"; }
[ "$(json "$(manifest utop)" 'len(j["layers"])')" = 2 ] || fail "umoci base: not 2 layers"
[ "$(json "$(config utop)" 'j["config"]["WorkingDir"]')" = /w ] || fail "umoci base: WorkingDir"
json "$(config utop)" '" ".join(j["config"]["Env"])' | grep -q 'FOO=umoci' || fail "umoci base: Env"
tar -tzf "$(layer utop 1)" > utoplayer.txt
! grep -qx 'bin/busybox' utoplayer.txt && grep -qx 'usr/bin/app' utoplayer.txt || fail "umoci base: top layer"
rm -rf bundle && umoci unpack --image utop:latest bundle >/dev/null
out=$(chroot bundle/rootfs /bin/sh -c 'FOO=umoci BASE_VAR= /usr/bin/app')
[ "$out" = "app on umoci" ] || fail "umoci base: running: '$out'"
skopeo copy -q oci:utop:latest "oci:copied:latest" || fail "skopeo cannot copy the image"
echo "ok: on a umoci base (no apk database): Env and WorkingDir kept, the image runs, skopeo reads it"

# refusals
cp -r base bad && chmod -R u+w bad
printf x >> "$(layer bad 0)"
sed -e "s|image: base|image: bad|" top.yaml > bad.yaml
if "$PARE" image build bad.yaml -o badout >bad.txt 2>&1; then fail "a tampered base layer was accepted"; fi
grep -q 'has digest' bad.txt || { cat bad.txt; fail "tampered: unexpected message"; }
echo "ok: a tampered base layer is refused: $(grep -o 'blob sha256:[0-9a-f]\{12\}[^ ]* has digest' bad.txt | head -n 1)..."
sed -e 's|archs: \[x86_64\]|archs: [aarch64]|' top.yaml > arm.yaml
if "$PARE" image build arm.yaml -o armout >arm.txt 2>&1; then fail "a base without the arch was accepted"; fi
grep -q 'no arm64 image' arm.txt || { cat arm.txt; fail "arch: unexpected message"; }
echo "ok: a base without the arch is refused"
grep -v 'apkindex:' top.yaml > half.yaml
if "$PARE" image build half.yaml -o halfout >half.txt 2>&1; then fail "baseimage without apkindex accepted"; fi
grep -q "needs both 'image'" half.txt || { cat half.txt; fail "half: unexpected message"; }
echo "ok: contents.baseimage without apkindex is refused at its line"
echo PASS
