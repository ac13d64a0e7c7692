#!/bin/sh
# `pare image build --run-scripts`: package scripts run (through the
# transaction layer, chrooted into the staging root) and what a post-install
# creates ends up in the image; without --run-scripts (apko's default) no
# script runs.  Uses the host's static busybox as the root's /bin/sh.
#
#   run_scripts_test.sh PARE
set -eu
PARE=$(realpath "$1")
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (namespaces for scripts)"; exit 77; }
BB=$(command -v busybox || true)
[ -n "$BB" ] && file -L "$BB" 2>/dev/null | grep -q 'statically linked' ||
	{ echo "SKIP: no static busybox"; exit 77; }
W=$(mktemp -d /tmp/pare-image-scripts.XXXXXX)
trap 'rm -rf "$W"' EXIT
cd "$W"
export SOURCE_DATE_EPOCH=1700000000
mkdir -p keys repo/x86_64 bb/bin empty
"$PARE" keygen -o keys test >/dev/null
cp "$BB" bb/bin/busybox
ln -s busybox bb/bin/sh
"$PARE" mkpkg -s pkgname=bb -s pkgver=1.0-r0 -s arch=x86_64 -k keys/test.rsa \
	-o repo/x86_64/bb-1.0-r0.apk bb >/dev/null
printf '#!/bin/sh\necho made by post-install > /etc/marker\n' > post.sh
"$PARE" mkpkg -s pkgname=marker -s pkgver=1.0-r0 -s arch=x86_64 -s depend=bb \
	--script post-install=post.sh -k keys/test.rsa \
	-o repo/x86_64/marker-1.0-r0.apk empty >/dev/null
"$PARE" --keys-dir "$W/keys" index -k keys/test.rsa -o repo/x86_64/APKINDEX.tar.gz \
	repo/x86_64/*.apk >/dev/null
cat > image.yaml <<EOF
contents:
  keyring: [$W/keys/test.rsa.pub]
  repositories: [$W/repo]
  packages: [marker]
entrypoint:
  command: /bin/sh
archs: [x86_64]
EOF
# layer_has OUT PATH: does a layer blob of the layout OUT list PATH?
layer_has() {
	python3 - "$1" "$2" <<'EOF'
import os, sys, tarfile
out, path = sys.argv[1], sys.argv[2]
d = os.path.join(out, "blobs", "sha256")
for b in os.listdir(d):
    try:
        with tarfile.open(os.path.join(d, b), "r:*") as t:
            if any(m.name.lstrip("./") == path for m in t.getmembers()):
                sys.exit(0)
    except tarfile.TarError:
        pass
sys.exit(1)
EOF
}
"$PARE" image build image.yaml -o out1 --staging st1 --run-scripts >build1.txt
grep -qx 'made by post-install' st1/x86_64/etc/marker
layer_has out1 etc/marker || { echo "FAIL: etc/marker is not in the image"; exit 1; }
echo "ok: --run-scripts: the post-install's file is in the image"
"$PARE" image build image.yaml -o out2 --staging st2 >build2.txt
[ ! -e st2/x86_64/etc/marker ] || { echo "FAIL: a script ran without --run-scripts"; exit 1; }
layer_has out2 etc/marker && { echo "FAIL: etc/marker in an image built without scripts"; exit 1; }
echo "ok: without --run-scripts no script runs"
