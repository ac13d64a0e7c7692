#!/bin/sh
# The main job: install what is needed, build pare, and show end to end
# what it can do today: build and sign packages from a program compiled
# here and the host's glibc, index and sign a repository, verify it,
# solve against it as apk would, extract, analyse the ELF files, and
# build an OCI image from an apko config (and by strip-down from the
# binary alone), read it with skopeo and run it with runc.
set -eu
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
if [ -f build/build.ninja ]; then meson setup --reconfigure build >/dev/null; else meson setup build >/dev/null; fi
ninja -C build >/dev/null
pare=${PARE:-$PWD/build/src/cli/pare}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export SOURCE_DATE_EPOCH=1700000000
run() { echo "\$ pare $*"; "$pare" "$@"; }
cd "$work"

echo "== versions, as apk compares them"
run version -t 1.2.3_rc1-r0 1.2.3
run version -t 2.0_p1 2.0

echo "== a signing key, two packages, a signed repository"
run keygen -b 2048 -o . demo
mkdir -p repo/x86_64 keys app/usr/bin libc/lib/x86_64-linux-gnu libc/lib64
cp demo.rsa.pub keys/
printf '#include <stdio.h>\nint main(void){puts("hello from a pare image");return 0;}\n' > hello.c
cc -O2 -o app/usr/bin/hello hello.c
cp -L /lib/x86_64-linux-gnu/libc.so.6 libc/lib/x86_64-linux-gnu/
cp -L /lib64/ld-linux-x86-64.so.2 libc/lib64/
run sca app
run mkpkg -k demo.rsa -s pkgname=hello -s pkgver=1.0-r0 -s arch=x86_64 \
	-s 'depend=so:libc.so.6 so:ld-linux-x86-64.so.2' -o repo/x86_64/hello-1.0-r0.apk app
run mkpkg -k demo.rsa -s pkgname=glibc -s pkgver=2.36-r0 -s arch=x86_64 \
	-s 'provides=so:libc.so.6=6 so:ld-linux-x86-64.so.2=2' -o repo/x86_64/glibc-2.36-r0.apk libc
run --keys-dir "$work/keys" index -k demo.rsa -o repo/x86_64/APKINDEX.tar.gz repo/x86_64/hello-1.0-r0.apk repo/x86_64/glibc-2.36-r0.apk
run verify --keys-dir "$work/keys" repo/x86_64/APKINDEX.tar.gz repo/x86_64/hello-1.0-r0.apk

echo "== solve as apk would (simulated), then extract into a root"
run --keys-dir "$work/keys" -X "$work/repo" --arch x86_64 add --simulate hello
mkdir root
run --keys-dir "$work/keys" extract -C root repo/x86_64/glibc-2.36-r0.apk repo/x86_64/hello-1.0-r0.apk
run ldd --root root root/usr/bin/hello

echo "== an image from an apko config: solve, verified install, loader check, OCI + SBOM"
cat > image.yaml <<EOF
contents:
  keyring: [$work/keys/demo.rsa.pub]
  repositories: [$work/repo]
  packages: [hello]
entrypoint:
  command: /usr/bin/hello
accounts:
  users: [{username: app, uid: 1000}]
  run-as: app
EOF
run image build image.yaml -o image -t demo --docker-archive image.tar
skopeo inspect oci:image | grep -E '"(Architecture|Os)"' | head -2
echo "== strip-down: name only the application binary, pare finds what it needs"
cat > strip.yaml <<EOF
contents:
  keyring: [$work/keys/demo.rsa.pub]
  repositories: [$work/repo]
entrypoint:
  command: /usr/bin/hello
EOF
run image build strip.yaml -o strip --add-binary "$work/app/usr/bin/hello"
if [ "$(id -u)" = 0 ] && command -v umoci >/dev/null && command -v runc >/dev/null; then
	echo "== run it with runc"
	umoci unpack --image image:demo bundle >/dev/null
	sed -i 's/"terminal": true/"terminal": false/' bundle/config.json
	runc run -b bundle "pare-demo-$$"
fi
