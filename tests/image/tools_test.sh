#!/bin/sh
# End-to-end: pare's OCI layouts and docker archives handed to real tools.
#
#   tools_test.sh PARE
#
# Packs a tree as one signed package: a hello-world compiled here
# (dynamically linked), the host's glibc runtime (ld-linux, libc.so.6), a
# symlink, a hard link and unusual modes/owners (mkpkg --keep-owners); builds
# it with `pare image build --staging` (keeping the root); then: skopeo
# inspect and copy (oci -> docker archive, and pare's own docker archive ->
# oci), umoci unpack and a comparison of the bundle's rootfs with the
# staging root, runc run of the entrypoint (as root only), and two builds
# with identical digests.
# Exit 77 (skipped) when skopeo or umoci is missing.
set -eu

PARE=$(realpath "$1")
for t in skopeo umoci python3 cc; do
	command -v "$t" >/dev/null 2>&1 || { echo "SKIP: $t not installed"; exit 77; }
done

W=$(mktemp -d /tmp/pare-image-tools.XXXXXX)
trap 'rm -rf "$W"' EXIT
cd "$W"
export SOURCE_DATE_EPOCH=1700000000
ARCH=x86_64
step() { echo "== $*"; }

step "build the root"
cat > hello.c <<'EOF'
#include <stdio.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	printf("hello, %s from pid %d\n", argc > 1 ? argv[1] : "nobody", (int)getpid());
	return 0;
}
EOF
cc -O2 -o hello hello.c
mkdir -p root/usr/bin root/lib64 root/etc root/tmp root/var/empty
cp hello root/usr/bin/hello
ln root/usr/bin/hello root/usr/bin/hello-again
# The glibc runtime the program needs, at the paths the host uses.
ldd hello | awk '/=>/ { print $3 } /ld-linux/ && !/=>/ { print $1 }' | while read -r lib; do
	[ -e "$lib" ] || continue
	real=$(realpath "$lib")
	mkdir -p "root$(dirname "$real")"
	cp "$real" "root$real"
	if [ "$lib" != "$real" ]; then
		mkdir -p "root$(dirname "$lib")"
		[ -e "root$lib" ] || ln -s "$real" "root$lib"
	fi
done
chmod 1777 root/tmp
chmod 0700 root/var/empty
echo secret > root/etc/shadow
chmod 0640 root/etc/shadow
if [ "$(id -u)" = 0 ]; then chown 1000:42 root/etc/shadow; fi
find root | sort | sed 's/^/   /'

step "one signed package of the tree, and its repository"
mkdir -p keys repo/$ARCH
"$PARE" keygen -o keys test >/dev/null
"$PARE" mkpkg -s pkgname=hello-root -s pkgver=1.0-r0 -s arch=$ARCH -s origin=hello-root \
	-s license=MIT -s "pkgdesc=hello and its runtime" --keep-owners -k keys/test.rsa \
	-o repo/$ARCH/hello-root-1.0-r0.apk root >/dev/null
"$PARE" --keys-dir "$W/keys" index -o repo/$ARCH/APKINDEX.tar.gz -k keys/test.rsa \
	repo/$ARCH/*.apk

cat > image.yaml <<EOF
contents:
  keyring: [$W/keys/test.rsa.pub]
  repositories: [$W/repo]
  packages: [hello-root]
entrypoint:
  command: /usr/bin/hello
cmd: world
environment:
  GREETING: hi
work-dir: /
archs: [$ARCH]
annotations:
  org.opencontainers.image.title: pare-tools-test
EOF

step "pare image build --staging"
"$PARE" image build image.yaml -o out -t v1 --staging st1 --docker-archive pare-docker.tar \
	--repo-tag localhost/pare-hello:v1 --sbom sbom.json | tee build1.txt
"$PARE" image build image.yaml -o out2 -t v1 --staging st2 --docker-archive pare-docker2.tar \
	--repo-tag localhost/pare-hello:v1 --sbom sbom2.json > build2.txt
ROOT=st1/$ARCH
test "$(stat -c %a $ROOT/tmp)" = 1777
test "$(stat -c %a $ROOT/var/empty)" = 700
test "$(stat -c %a $ROOT/etc/shadow)" = 640
test "$(stat -c %i $ROOT/usr/bin/hello)" = "$(stat -c %i $ROOT/usr/bin/hello-again)"
if [ "$(id -u)" = 0 ]; then test "$(stat -c %u:%g $ROOT/etc/shadow)" = 1000:42; fi
echo "staging root keeps modes, owners and the hard link"

step "two builds give identical digests and bytes"
diff -r out out2
cmp pare-docker.tar pare-docker2.tar
cmp sbom.json sbom2.json
echo "identical: $(python3 -c 'import json;print(json.load(open("out/index.json"))["manifests"][0]["digest"])')"

step "skopeo inspect oci:out:v1"
skopeo inspect oci:out:v1 | tee inspect.json
skopeo inspect --config oci:out:v1 > config.json
python3 - <<'EOF'
import json
i = json.load(open("inspect.json"))
c = json.load(open("config.json"))
assert i["Architecture"] == "amd64" and i["Os"] == "linux", i
assert "GREETING=hi" in i["Env"], i["Env"]
assert c["config"]["Entrypoint"] == ["/usr/bin/hello"], c
assert c["config"]["Cmd"] == ["world"], c
assert c["created"] == "2023-11-14T22:13:20Z", c["created"]
assert len(c["rootfs"]["diff_ids"]) == 1
print("inspect ok")
EOF

step "skopeo copy oci:out:v1 docker-archive:copied.tar"
skopeo copy oci:out:v1 docker-archive:copied.tar:localhost/pare-hello:v1
skopeo inspect docker-archive:copied.tar | python3 -c 'import json,sys; print("copied layers:", json.load(sys.stdin)["Layers"])'

step "skopeo reads pare's own docker archive"
skopeo inspect --config docker-archive:pare-docker.tar > da-config.json
cmp da-config.json config.json && echo "docker-archive config identical"
skopeo copy docker-archive:pare-docker.tar oci:back:v1
skopeo inspect --config oci:back:v1 | python3 -c '
import json, sys
a = json.load(sys.stdin)["rootfs"]["diff_ids"]
b = json.load(open("config.json"))["rootfs"]["diff_ids"]
assert a == b, (a, b)
print("round trip diff_ids equal:", a[0])'
skopeo inspect oci-archive:pare-docker.tar:v1 >/dev/null && echo "pare-docker.tar is an oci-archive too"

step "umoci unpack --image out:v1 bundle"
if [ "$(id -u)" = 0 ]; then
	umoci unpack --image out:v1 bundle
else
	umoci unpack --rootless --image out:v1 bundle
fi
python3 - "$(id -u)" "$ROOT" <<'EOF'
import hashlib, os, stat, sys
as_root = sys.argv[1] == "0"
def walk(top):
    out, inodes = {}, {}
    for d, dirs, files in os.walk(top):
        for n in dirs + files:
            p = os.path.join(d, n)
            rel = os.path.relpath(p, top)
            st = os.lstat(p)
            e = [stat.S_IFMT(st.st_mode), stat.S_IMODE(st.st_mode)]
            if as_root:
                e += [st.st_uid, st.st_gid]
            if stat.S_ISLNK(st.st_mode):
                e.append(os.readlink(p))
            elif stat.S_ISREG(st.st_mode):
                e.append(hashlib.sha256(open(p, "rb").read()).hexdigest())
                inodes.setdefault((st.st_dev, st.st_ino), []).append(rel)
            out[rel] = e
    links = sorted(sorted(v) for v in inodes.values() if len(v) > 1)
    return out, links
a, la = walk(sys.argv[2])
b, lb = walk("bundle/rootfs")
if a != b:
    for k in sorted(set(a) | set(b)):
        if a.get(k) != b.get(k):
            print("DIFF", k, a.get(k), b.get(k))
    sys.exit(1)
assert la == lb, (la, lb)
print("rootfs equals root: %d paths, hard links %s" % (len(a), la))
EOF

step "runc run"
if [ "$(id -u)" != 0 ] || ! command -v runc >/dev/null 2>&1; then
	echo "SKIP runc: needs root and runc"
else
	python3 - <<'EOF'
import json
p = "bundle/config.json"
c = json.load(open(p))
c["process"]["terminal"] = False
print("args:", c["process"]["args"])
json.dump(c, open(p, "w"), indent=1)
EOF
	id=pare-tools-test-$$
	runc run --bundle bundle "$id" > runc.out 2> runc.err || {
		cat runc.err; runc delete -f "$id" 2>/dev/null || true; exit 1; }
	cat runc.out
	grep -q '^hello, world from pid 1$' runc.out
	echo "runc ok"
fi

step "docker load / podman load (when a daemon or podman is there)"
if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
	docker load -i pare-docker.tar
	docker run --rm localhost/pare-hello:v1 | grep -q '^hello, world'
	docker rmi localhost/pare-hello:v1 >/dev/null
	echo "docker ok"
elif command -v podman >/dev/null 2>&1; then
	podman load -i pare-docker.tar
	podman rmi localhost/pare-hello:v1 >/dev/null
	echo "podman ok"
else
	echo "SKIP: no docker daemon, no podman"
fi

step "SBOM"
python3 - <<'EOF'
import json
s = json.load(open("sbom.json"))
assert s["spdxVersion"] == "SPDX-2.3"
m = json.load(open("out/index.json"))["manifests"][0]
if m["mediaType"].endswith("image.index.v1+json"):  # the image's own manifest under the index
    m = json.load(open("out/blobs/sha256/" + m["digest"].split(":")[1]))["manifests"][0]
d = m["digest"]
assert s["documentDescribes"] == ["SPDXRef-Package-Image-" + d.replace(":", "-")], s["documentDescribes"]
print("sbom ok:", s["documentNamespace"])
EOF
echo "PASS"
