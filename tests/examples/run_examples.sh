#!/bin/sh
# Build every config of examples/ (see examples/README.md).
#
#   run_examples.sh PARE SOURCE_ROOT fast|slow
#
# fast: static-binary (built, read back by umoci, run by runc when root)
# and multi-arch (a repository for both architectures made here with
# mkpkg/index; the image index must list amd64 and arm64).  slow: also the
# Debian-based ones, once `pare import-deb` exists (it downloads with apt).
# Each example is copied to a scratch folder first.
set -eu
PARE=$(realpath "$1")
SRC=$(realpath "$2")
MODE=$3
for t in skopeo umoci python3; do
	command -v "$t" >/dev/null 2>&1 || { echo "SKIP: $t not installed"; exit 77; }
done
W=$(mktemp -d /tmp/pare-examples.XXXXXX)
trap 'rm -rf "$W"' EXIT
export SOURCE_DATE_EPOCH=1700000000
pass=0 skip=0
ok() { pass=$((pass + 1)); echo "ok: $*"; }
fail() { echo "FAIL: $*"; exit 1; }
take() { cp -r "$SRC/examples/$1" "$W/$1"; cd "$W/$1"; }

# run_bundle TAR NAME: unpack with umoci and run with runc (root only).
run_tar() {
	skopeo copy -q "docker-archive:$1" "oci:$2-oci:latest"
	umoci unpack --image "$2-oci:latest" "$2-bundle" > /dev/null
	sed -i 's/"terminal": *true/"terminal": false/' "$2-bundle/config.json"
	[ "$(id -u)" = 0 ] || { echo "   (not root: not run)"; return 0; }
	timeout 60 runc run -b "$2-bundle" "pare-example-$2-$$"
}

take static-binary
[ -x /bin/busybox ] || fail "busybox-static is not installed (scripts/install-deps.sh)"
"$PARE" image build image.yaml busybox:latest busybox.tar > build.log
out=$(run_tar busybox.tar busybox)
echo "$out" | grep -q "hello from a static binary" || fail "static-binary printed: $out"
ok "static-binary: built and run ($out)"

take multi-arch
"$PARE" keygen -o keys me > /dev/null
mkdir -p tree/usr/bin
printf '#!/bin/sh\necho hello\n' > tree/usr/bin/hello && chmod 0755 tree/usr/bin/hello
for arch in x86_64 aarch64; do
	mkdir -p "repo/$arch"
	"$PARE" mkpkg -k keys/me.rsa -s pkgname=hello-script -s pkgver=1.0-r0 -s "arch=$arch" \
		-o "repo/$arch/hello-script-1.0-r0.apk" tree > /dev/null
	"$PARE" --keys-dir "$PWD/keys" index -k keys/me.rsa -o "repo/$arch/APKINDEX.tar.gz" \
		"repo/$arch/hello-script-1.0-r0.apk" > /dev/null
done
# the script has no shell in the image: only the index is checked here
(cd "$W" && "$PARE" image build --allow ENT-005 --allow ENT-009 multi-arch/image.yaml -o multi-arch/out -t v1 > multi-arch/build.log)
python3 - <<'PY' || fail "multi-arch index"
import json
idx = json.load(open("out/index.json"))
top = idx["manifests"][0]
assert top["mediaType"] == "application/vnd.oci.image.index.v1+json", top
blob = json.load(open("out/blobs/sha256/" + top["digest"][7:]))
archs = sorted(m["platform"]["architecture"] for m in blob["manifests"])
assert archs == ["amd64", "arm64"], archs
PY
skopeo inspect --raw oci:out:v1 > /dev/null
for arch in x86_64 aarch64; do
	"$PARE" --arch "$arch" why out /usr/bin/hello | grep -q '^world\[hello-script\] -> hello-script-1.0-r0$' ||
		fail "why over the $arch image of the index"
done
ok "multi-arch: an image index for amd64 and arm64 (why reads each)"

if [ "$MODE" = slow ] && "$PARE" import-deb --help > /dev/null 2>&1; then
	for ex in debian-program:zstd python-app:python3.11 node-app:nodejs; do
		name=${ex%%:*} pkg=${ex#*:}
		take "$name"
		"$PARE" keygen -o keys me > /dev/null
		"$PARE" import-deb -o repo -k keys/me.rsa --apt "$pkg" --closure > import.log
		extra=""
		[ "$name" = debian-program ] && extra="--add-binary /usr/bin/zstd"
		# shellcheck disable=SC2086
		"$PARE" image build image.yaml "$name:latest" "$name.tar" $extra > build.log
		out=$(run_tar "$name.tar" "$name")
		[ -n "$out" ] || fail "$name printed nothing"
		ok "$name: built and run ($(echo "$out" | head -1))"
	done
else
	skip=3
	echo "skip: debian-program, python-app, node-app (slow mode with pare import-deb)"
fi
echo "$pass passed, 0 failed, $skip skipped"
