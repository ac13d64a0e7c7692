#!/bin/sh
# End-to-end test of `pare image build` with real tools.
#
#   build_test.sh PARE
#
# Makes its own signed repository: a hello program compiled here and the
# host's glibc runtime (ld-linux, libc.so.6, packaged as glibc with its so:
# provides) plus glibc-dev and glibc-doc subpackages, a library that only a
# -dev package ships, and a second repository whose glibc lacks libc.so.6.
# Then: build; skopeo inspect/copy; umoci unpack and compare the rootfs with
# the staging root; runc run of the entrypoint (root only); a second build
# with identical digests; a missing package (the solver's explanation); a
# typo'd key (FILE:LINE:COL and the suggestion); --add-binary without
# packages (glibc pulled, -dev/-doc kept out); a need met only by a -dev
# package; a library missing from glibc (the loader check).
# Exit 77 (skipped) when a tool is missing.
set -eu

PARE=$(realpath "$1")
for t in skopeo umoci python3 cc; do
	command -v "$t" >/dev/null 2>&1 || { echo "SKIP: $t not installed"; exit 77; }
done

W=$(mktemp -d /tmp/pare-image-build.XXXXXX)
trap 'rm -rf "$W"' EXIT
cd "$W"
export SOURCE_DATE_EPOCH=1700000000
ARCH=x86_64
step() { echo "== $*"; }
fails() { # fails NAME CMD...: the command must fail; its stderr is in NAME.err
	name=$1; shift
	if "$@" > "$name.out" 2> "$name.err"; then
		echo "FAIL: $name succeeded"; cat "$name.out"; exit 1
	fi
	sed 's/^/   | /' "$name.err"
}

step "programs"
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
printf 'int greet(void) { return 42; }\n' > greet.c
cc -O2 -shared -fPIC -Wl,-soname,libgreet.so.1 -o libgreet.so.1 greet.c
printf 'int greet(void);\nint main(void) { return greet() != 42; }\n' > app.c
cc -O2 -o greet-app app.c -L. -l:libgreet.so.1

step "packages"
mkdir -p keys repo/$ARCH broken/$ARCH
"$PARE" keygen -o keys test >/dev/null
libc=$(ldd hello | awk '/libc\.so\.6/ { print $3 }')
ldso=$(ldd hello | awk '/ld-linux/ && !/=>/ { print $1 }')
libdir=usr/lib/x86_64-linux-gnu
mk_glibc() { # mk_glibc OUTDIR [without-libc]
	t=glibc-tree-$$-$(basename "$1")
	rm -rf "$t"; mkdir -p "$t/$libdir" "$t/lib64"
	cp "$(realpath "$ldso")" "$t/$libdir/ld-linux-x86-64.so.2"
	ln -s "/$libdir/ld-linux-x86-64.so.2" "$t/lib64/ld-linux-x86-64.so.2"
	[ "${2:-}" = without-libc ] || cp "$(realpath "$libc")" "$t/$libdir/libc.so.6"
	"$PARE" mkpkg -s pkgname=glibc -s pkgver=2.36-r0 -s arch=$ARCH -s origin=glibc \
		-s license=LGPL-2.1-or-later -s "pkgdesc=GNU C library" \
		-s "provides=so:libc.so.6=6" -s "provides=so:ld-linux-x86-64.so.2=2" \
		-k keys/test.rsa -o "$1/glibc-2.36-r0.apk" "$t" >/dev/null
}
mkpkg() { # mkpkg OUTDIR NAME TREE [KEY=VALUE...]
	out=$1 name=$2 tree=$3; shift 3
	"$PARE" mkpkg -s pkgname="$name" -s pkgver=2.36-r0 -s arch=$ARCH -s origin=glibc \
		-s license=MIT -s "pkgdesc=$name" "$@" -k keys/test.rsa \
		-o "$out/$name-2.36-r0.apk" "$tree" >/dev/null
}
mk_glibc repo/$ARCH
mkdir -p dev/usr/include doc/usr/share/doc/glibc hellot/usr/bin gdev/usr/lib
echo '/* nothing */' > dev/usr/include/pare-test.h
echo 'read me' > doc/usr/share/doc/glibc/README
cp hello hellot/usr/bin/hello
cp libgreet.so.1 gdev/usr/lib/libgreet.so.1
mkpkg repo/$ARCH glibc-dev dev -s depend=glibc
mkpkg repo/$ARCH glibc-doc doc
mkpkg repo/$ARCH greet-dev gdev -s origin=greet -s "provides=so:libgreet.so.1=1"
"$PARE" mkpkg -s pkgname=hello -s pkgver=1.0-r0 -s arch=$ARCH -s origin=hello -s license=MIT \
	-s "pkgdesc=hello world" -s "depend=so:libc.so.6" -k keys/test.rsa \
	-o repo/$ARCH/hello-1.0-r0.apk hellot >/dev/null
mk_glibc broken/$ARCH without-libc
cp repo/$ARCH/hello-1.0-r0.apk broken/$ARCH/
for r in repo broken; do
	"$PARE" --keys-dir "$W/keys" index -o $r/$ARCH/APKINDEX.tar.gz -k keys/test.rsa \
		$r/$ARCH/*.apk
done
ls -l repo/$ARCH broken/$ARCH | sed 's/^/   /'

config() { # config FILE REPO PACKAGES...
	f=$1 r=$2; shift 2
	{
		echo "contents:"
		echo "  keyring: [$W/keys/test.rsa.pub]"
		echo "  repositories: [$W/$r]"
		echo "  packages: [$(echo "$@" | sed 's/ /, /g')]"
		cat <<'EOF'
entrypoint:
  command: /usr/bin/hello
cmd: world
environment:
  GREETING: hi
accounts:
  groups:
    - groupname: app
      gid: 1000
  users:
    - username: app
      uid: 1000
      gid: 1000
paths:
  - path: /data
    type: directory
    uid: 1000
    gid: 1000
    permissions: 0o750
  - path: /etc/motd
    type: empty-file
  - path: /usr/bin/hi
    type: symlink
    source: hello
archs: [x86_64]
EOF
	} > "$f"
}
config image.yaml repo hello

step "pare image build"
"$PARE" image build image.yaml -o out -t v1 --staging st1 --docker-archive pare-docker.tar \
	--repo-tag localhost/pare-hello:v1 | tee build1.txt
grep -q '^x86_64: image size' build1.txt
grep -q '^  glibc-2.36-r0 ' build1.txt
grep -q '^  hello-1.0-r0 ' build1.txt
ROOT=st1/$ARCH
echo "installed: $(grep '^P:' $ROOT/lib/apk/db/installed | tr '\n' ' ')"
grep -qx 'P:glibc' $ROOT/lib/apk/db/installed
grep -qx 'P:hello' $ROOT/lib/apk/db/installed
! grep -q 'P:glibc-d' $ROOT/lib/apk/db/installed
grep -qx 'hello' $ROOT/etc/apk/world
grep -qx "$W/repo" $ROOT/etc/apk/repositories
test -f $ROOT/etc/apk/keys/test.rsa.pub
grep -q '^root:x:0:0:' $ROOT/etc/passwd
grep -q '^app:x:1000:1000:' $ROOT/etc/passwd
grep -q '^app:x:1000:' $ROOT/etc/group
grep -q '^ID=pare$' $ROOT/etc/os-release
grep -q '^VERSION_ID=' $ROOT/etc/os-release
test "$(stat -c %a $ROOT/data)" = 750
test "$(readlink $ROOT/usr/bin/hi)" = hello
test -f out/sbom.spdx.json

step "--json and a second build give identical digests"
"$PARE" image build image.yaml -o out2 -t v1 --staging st2 --docker-archive pare-docker2.tar \
	--repo-tag localhost/pare-hello:v1 --json > build2.json
python3 - <<'EOF'
import json
j = json.load(open("build2.json"))
img = j["images"][0]
names = [p["name"] for p in img["packages"]]
assert "glibc" in names and "hello" in names, names
assert abs(sum(p["percent"] for p in img["packages"]) - 100) < 0.1, img["packages"]
assert sum(p["bytes"] for p in img["packages"]) == img["contentBytes"]
print("json ok:", j["digest"], img["size"], "bytes")
EOF
d1=$(python3 -c 'import json;print(json.load(open("out/index.json"))["manifests"][0]["digest"])')
d2=$(python3 -c 'import json;print(json.load(open("build2.json"))["digest"])')
test "$d1" = "$d2"
diff -r out out2
cmp pare-docker.tar pare-docker2.tar
echo "identical: $d1"

step "skopeo inspect oci:out:v1"
skopeo inspect oci:out:v1 > inspect.json
skopeo inspect --config oci:out:v1 > config.json
python3 - <<'EOF'
import json
i = json.load(open("inspect.json"))
c = json.load(open("config.json"))
assert i["Architecture"] == "amd64" and i["Os"] == "linux", i
assert "GREETING=hi" in i["Env"], i["Env"]
assert c["config"]["Entrypoint"] == ["/usr/bin/hello"], c
assert c["config"]["Cmd"] == ["world"], c
print("inspect ok:", i["Digest"], i["Layers"])
EOF

step "skopeo copy oci:out:v1 docker-archive:copied.tar"
skopeo copy -q oci:out:v1 docker-archive:copied.tar:localhost/pare-hello:v1
skopeo inspect docker-archive:copied.tar | python3 -c 'import json,sys; print("copied layers:", json.load(sys.stdin)["Layers"])'
skopeo inspect --config docker-archive:pare-docker.tar | cmp - config.json && echo "pare's docker archive ok"

step "umoci unpack: the rootfs equals the staging root"
if [ "$(id -u)" = 0 ]; then
	umoci unpack --image out:v1 bundle >/dev/null
else
	umoci unpack --rootless --image out:v1 bundle >/dev/null
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
    return out, sorted(sorted(v) for v in inodes.values() if len(v) > 1)
a, la = walk(sys.argv[2])
b, lb = walk("bundle/rootfs")
if a != b:
    for k in sorted(set(a) | set(b)):
        if a.get(k) != b.get(k):
            print("DIFF", k, a.get(k), b.get(k))
    sys.exit(1)
assert la == lb, (la, lb)
print("rootfs equals the staging root: %d paths" % len(a))
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
json.dump(c, open(p, "w"), indent=1)
EOF
	id=pare-build-test-$$
	runc run --bundle bundle "$id" > runc.out 2> runc.err || {
		cat runc.err; runc delete -f "$id" 2>/dev/null || true; exit 1; }
	cat runc.out
	grep -q '^hello, world from pid 1$' runc.out
fi

step "SBOM"
python3 - <<'EOF'
import json
s = json.load(open("out/sbom.spdx.json"))
assert s["spdxVersion"] == "SPDX-2.3"
pk = {p["name"]: p for p in s["packages"]}
g, h = pk["glibc"], pk["hello"]
assert g["versionInfo"] == "2.36-r0" and g["licenseDeclared"] == "LGPL-2.1-or-later", g
assert any(c["algorithm"] == "SHA256" for c in g.get("checksums", [])), g
rel = [(r["spdxElementId"], r["relationshipType"], r["relatedSpdxElement"]) for r in s["relationships"]]
assert any(t == "DEPENDS_ON" and a == h["SPDXID"] and b == g["SPDXID"] for a, t, b in rel), rel
print("sbom ok: %d packages" % len(s["packages"]))
EOF

step "a missing package: the solver's explanation"
config missing.yaml repo hello nosuchpkg
fails missing "$PARE" image build missing.yaml -o out-missing
grep -q '^ERROR: unable to select packages:' missing.err
grep -q '^  nosuchpkg (no such package):' missing.err
grep -q 'required by: world\[nosuchpkg\]' missing.err

step "a typo'd key: the line and the suggestion"
sed 's/^  packages:/  pacakges:/' image.yaml > typo.yaml
fails typo "$PARE" image build typo.yaml -o out-typo
grep -q "typo.yaml:4:3: .*did you mean 'packages'" typo.err

step "--add-binary without packages: glibc pulled in, -dev/-doc kept out"
cat > strip.yaml <<EOF
contents:
  keyring: [$W/keys/test.rsa.pub]
  repositories: [$W/repo]
entrypoint:
  command: /usr/bin/hello
EOF
"$PARE" image build strip.yaml -o out-strip --staging st3 --add-binary "$W/hello" | tee strip.txt
grep '^P:' st3/$ARCH/lib/apk/db/installed > strip.pkgs
cat strip.pkgs
test "$(cat strip.pkgs)" = "P:glibc"
grep -qx 'so:libc.so.6' st3/$ARCH/etc/apk/world
cmp hello st3/$ARCH/usr/bin/hello
skopeo inspect oci:out-strip >/dev/null

step "a need only a -dev subpackage meets"
fails devonly "$PARE" image build strip.yaml -o out-dev --add-binary "$W/greet-app:/usr/bin/app"
grep -q 'so:libgreet.so.1 (needed by .*/greet-app) is provided only by greet-dev-2.36-r0' devonly.err
echo "named explicitly it is allowed:"
sed -e 's|^entrypoint:|  packages: [greet-dev]\nentrypoint:|' -e 's|/usr/bin/hello|/usr/bin/app|' \
	strip.yaml > dev-named.yaml
"$PARE" image build dev-named.yaml -o out-dev2 --add-binary "$W/greet-app:/usr/bin/app" \
	| grep 'greet-dev'

step "a library missing from glibc: the loader check"
sed "s|$W/repo|$W/broken|" image.yaml > broken.yaml
fails broken "$PARE" image build broken.yaml -o out-broken
grep -q '1 ELF file does not resolve inside the image' broken.err
grep -q '/usr/bin/hello: .*libc.so.6' broken.err

echo "PASS"
