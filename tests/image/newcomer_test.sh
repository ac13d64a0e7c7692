#!/bin/sh
# apko's habits in pare image, end to end with the signed melange fixture
# repository: the positional `image build CONFIG TAG OUT.tar` (a docker
# archive skopeo reads, RepoTags TAG), `image lock` (apko's lock: the byte
# ranges and digests checked against the package file here), `--lock`
# holding a build to it (a changed version or identity is refused), and
# `pare why` over the kept staging root.
#
#   newcomer_test.sh PARE SHARED_DIR
set -eu
PARE=$(realpath "$1")
FIX=$(realpath "$2")/fixtures/real
for t in skopeo python3; do
	command -v "$t" >/dev/null 2>&1 || { echo "SKIP: $t not installed"; exit 77; }
done
W=$(mktemp -d /tmp/pare-newcomer.XXXXXX)
trap 'rm -rf "$W"' EXIT
cd "$W"
export SOURCE_DATE_EPOCH=1700000000
pass=0
ok() { pass=$((pass + 1)); echo "ok: $*"; }
fail() { echo "FAIL: $*"; exit 1; }
R=$FIX/melange-signed-repo
cat > img.yaml <<YAML
contents:
  repositories: [$R]
  keyring: [$R/keys/melange.rsa.pub]
  packages: [pretend-baselayout, custom-ca-certs-1]
archs: [x86_64]
YAML

mkdir tmp
TMPDIR=$W/tmp "$PARE" image build img.yaml demo:1.0 out.tar > build.log
skopeo inspect docker-archive:out.tar > inspect.json
python3 - <<'PY' || fail "positional build"
import json, tarfile
m = json.load(tarfile.open("out.tar").extractfile("manifest.json"))
assert m[0]["RepoTags"] == ["demo:1.0"], m
json.load(open("out.spdx.json"))
PY
[ -z "$(ls tmp)" ] || fail "a temporary layout was left behind: $(ls tmp)"
ok "image build CONFIG TAG OUT.tar: docker archive, RepoTags demo:1.0, SBOM beside it"

"$PARE" image lock img.yaml > lock.log
python3 - "$R" <<'PY' || fail "lock content"
import base64, hashlib, json, sys
lock = json.load(open("img.lock.json"))
assert lock["version"] == "v1" and lock["config"]["name"] == "img.yaml"
want = "sha256-" + base64.b64encode(hashlib.sha256(open("img.yaml", "rb").read()).digest()).decode()
assert lock["config"]["checksum"] == want
names = sorted(p["name"] for p in lock["contents"]["packages"])
assert names == ["custom-ca-certs-1", "pretend-baselayout"], names
for p in lock["contents"]["packages"]:
    data = open(p["url"], "rb").read()
    for part, alg in (("signature", "sha1"), ("control", "sha1"), ("data", "sha256")):
        a, b = map(int, p[part]["range"][6:].split("-"))
        got = alg + "-" + base64.b64encode(hashlib.new(alg, data[a:b + 1]).digest()).decode()
        assert got == p[part]["checksum"], (p["name"], part)
    assert p["data"]["range"].endswith("-%d" % (len(data) - 1))
    assert p["checksum"] == "Q1" + p["control"]["checksum"][5:]
PY
ok "image lock: apko's v1 lock, ranges and digests match the files"

"$PARE" image show-packages img.yaml > show.out
[ "$(cat show.out)" = "x86_64 custom-ca-certs-1 1.0.0-r0
x86_64 pretend-baselayout 1.0.0-r0" ] || [ "$(sort show.out)" = "x86_64 custom-ca-certs-1 1.0.0-r0
x86_64 pretend-baselayout 1.0.0-r0" ] || fail "show-packages: $(cat show.out)"
ok "image show-packages"
"$PARE" image build img.yaml -o locked --lock img.lock.json > locked.log
sed 's/"version": "1.0.0-r0"/"version": "1.0.0-r1"/' img.lock.json > changed.lock.json
if "$PARE" image build img.yaml -o refused --lock changed.lock.json > refused.log 2>&1; then
	fail "a lock with another version was accepted"
fi
grep -q "the lock has 1.0.0-r1" refused.log || fail "refusal does not say what differs: $(cat refused.log)"
python3 - <<'PY'
import json
l = json.load(open("img.lock.json")); l["contents"]["packages"].pop()
json.dump(l, open("short.lock.json", "w"))
PY
if "$PARE" image build img.yaml -o refused2 --lock short.lock.json > refused2.log 2>&1; then
	fail "a lock missing a package was accepted"
fi
ok "--lock: the same solve builds; a changed version or a missing package is refused"

"$PARE" image build img.yaml -o kept --staging st > kept.log
"$PARE" why st/x86_64 /etc/os-release > why.out
grep -q '^world\[pretend-baselayout\] -> pretend-baselayout-1.0.0-r0$' why.out || fail "why: $(cat why.out)"
"$PARE" why kept /etc/os-release > why-image.out
cmp -s why.out why-image.out || fail "why over the OCI layout: $(cat why-image.out)"
"$PARE" --json why kept custom-ca-certs-1 | python3 -c 'import json,sys; c=json.load(sys.stdin)[0]["chain"]; assert c[0]["atom"] == "custom-ca-certs-1", c' ||
	fail "why --json over the layout"
ok "why over a kept staging root and over the OCI layout"
mkdir -p sub && cp -r "$R" sub/repo
cat > sub/img.yaml <<'YAML'
contents:
  repositories: [./repo]
  keyring: [repo/keys/melange.rsa.pub]
  packages: [pretend-baselayout]
archs: [x86_64]
YAML
"$PARE" image build sub/img.yaml -o rel > rel.log || fail "relative paths: $(cat rel.log)"
ok "relative paths in a config are taken from the config's folder"
if command -v cc > /dev/null 2>&1; then
	printf 'int foo(void);\nint main(void) { return foo(); }\n' > app.c
	printf 'int foo(void) { return 0; }\n' > foo.c
	cc -shared -fPIC -Wl,-soname,libfoo.so.1 -o libfoo.so.1 foo.c
	cc -o app app.c -L. -l:libfoo.so.1
	if "$PARE" image build img.yaml -o nolib --add-binary "$W/app" > nolib.log 2>&1; then
		fail "a binary whose library no package provides was imaged"
	fi
	grep -q "^ERROR: $W/app needs libfoo.so.1, which no package in the repositories provides" nolib.log ||
		fail "--add-binary failure: $(cat nolib.log)"
	ok "--add-binary failure names the binary and the library"
fi
sed 's|melange.rsa.pub\]|missing.rsa.pub]|' img.yaml > nokey.yaml
if "$PARE" image build nokey.yaml -o nokey > nokey.log 2>&1; then fail "a missing key file was accepted"; fi
grep -q "^ERROR: keyring: $R/keys/missing.rsa.pub: No such file or directory" nokey.log ||
	fail "keyring message: $(cat nokey.log)"
ok "a missing keyring file: 'keyring: PATH: why'"
echo "$pass passed, 0 failed"
