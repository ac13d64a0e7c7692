#!/bin/sh
# End-to-end: `pare image push` against Debian's docker-registry started
# here on 127.0.0.1 (random ports), checked by pulling back with skopeo.
#
#   registry_test.sh PARE
#
# Registries: an open one, one with htpasswd (bcrypt) Basic auth, and one
# with Bearer token auth whose token server (a python script written here)
# signs JWTs with a key made here.  Every process started here is
# stopped by its pid on exit, also on failure.
# Exit 77 (skipped) when docker-registry, skopeo, htpasswd or openssl is
# missing.
set -eu

PARE=$(realpath "$1")
HERE=$(cd "$(dirname "$0")" && pwd)
for t in docker-registry skopeo htpasswd openssl python3; do
	command -v "$t" >/dev/null 2>&1 || { echo "SKIP: $t not installed"; exit 77; }
done

W=$(mktemp -d /tmp/pare-registry.XXXXXX)
PIDS=""
cleanup() {
	for p in $PIDS; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
cd "$W"
export SOURCE_DATE_EPOCH=1700000000
export DOCKER_CONFIG="$W/no-docker-config" # never the user's own credentials
mkdir -p "$DOCKER_CONFIG"
step() { echo "== $*"; }
fail() { echo "FAIL: $*"; exit 1; }

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_http URL: until something answers on it (any status), at most 15 s.
wait_http() {
	python3 - "$1" <<'PY'
import sys, time, urllib.request, urllib.error
for _ in range(150):
    try:
        urllib.request.urlopen(sys.argv[1], timeout=1)
        sys.exit(0)
    except urllib.error.HTTPError:
        sys.exit(0)
    except Exception:
        time.sleep(0.1)
sys.exit("nothing answers on " + sys.argv[1])
PY
}

# start_registry NAME PORT [AUTH_YAML]: docker-registry with storage in $W/NAME.
start_registry() {
	mkdir -p "$W/$1"
	cat > "$W/$1.yml" <<YML
version: 0.1
log:
  level: info
storage:
  filesystem:
    rootdirectory: $W/$1/storage
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$2
${3:-}
YML
	docker-registry serve "$W/$1.yml" > "$W/$1.log" 2>&1 &
	PIDS="$PIDS $!"
	wait_http "http://127.0.0.1:$2/v2/" || { cat "$W/$1.log"; fail "$1 registry did not start"; }
}

# json FILE EXPR: evaluate a python expression over the JSON document j.
json() {
	python3 -c 'import json, sys; j = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

blob() { echo "$1/blobs/sha256/${2#sha256:}"; }

# check_pulled LAYOUT REF [CREDS]: skopeo's view of REF matches the layout.
check_pulled() {
	layout=$1 ref=$2
	set -- --tls-verify=false ${3:+--creds "$3"}
	want=$(json "$layout/index.json" 'j["manifests"][0]["digest"]')
	skopeo inspect "$@" --raw "docker://$ref" > remote.json
	got="sha256:$(sha256sum < remote.json | cut -d' ' -f1)"
	[ "$got" = "$want" ] || fail "$ref: registry has manifest $got, layout has $want"
	cmp -s remote.json "$(blob "$layout" "$want")" || fail "$ref: manifest bytes differ"
	skopeo inspect "$@" "docker://$ref" > inspect.json
	[ "$(json inspect.json 'j["Digest"]')" = "$want" ] || fail "$ref: skopeo Digest"
	json inspect.json 'j["Layers"]' > remote-layers
	json "$(blob "$layout" "$want")" '[l["digest"] for l in j["layers"]]' > local-layers
	cmp -s remote-layers local-layers || fail "$ref: layers $(cat remote-layers) != $(cat local-layers)"
	echo "   $ref: manifest $got, layers $(cat remote-layers)"
}

step "a root and its image layouts"
mkdir -p root/etc root/usr/bin root/var/empty
echo "hello from pare" > root/etc/motd
printf '#!/bin/sh\necho hello\n' > root/usr/bin/hello
chmod 0755 root/usr/bin/hello
head -c 300000 /dev/urandom > root/usr/bin/blob # a layer of a few hundred KiB
# Layouts come from `pare image build` of one package holding the tree,
# made for both architectures so that multi.yaml gives an image index
# (its shell-script entrypoint has no /bin/sh: the two #! checks are waived).
"$PARE" keygen -o "$W" test >/dev/null
for a in x86_64 aarch64; do
	mkdir -p "repo/$a"
	"$PARE" mkpkg -s pkgname=hello-root -s pkgver=1.0-r0 -s arch=$a -s origin=hello-root \
		-s license=MIT -s pkgdesc=hello -k "$W/test.rsa" \
		-o "repo/$a/hello-root-1.0-r0.apk" root >/dev/null
	"$PARE" --keys-dir "$W" index -o "repo/$a/APKINDEX.tar.gz" -k "$W/test.rsa" \
		"repo/$a/hello-root-1.0-r0.apk"
done
image_yaml() { # image_yaml ARCH...
	printf 'contents:\n  keyring: [%s]\n  repositories: [%s]\n  packages: [hello-root]\n' \
		"$W/test.rsa.pub" "$W/repo"
	printf 'entrypoint:\n  command: /usr/bin/hello\narchs:\n'
	for a in "$@"; do printf '  - %s\n' "$a"; done
}
image_yaml x86_64 > one.yaml
"$PARE" image build one.yaml --skip-tests --allow ENT-005 --allow ENT-009 -t v1 -o one > /dev/null
image_yaml x86_64 aarch64 > multi.yaml
"$PARE" image build multi.yaml --skip-tests --allow ENT-005 --allow ENT-009 -t v2 -o multi > /dev/null
[ "$(json multi/index.json 'j["manifests"][0]["mediaType"]')" = \
  "application/vnd.oci.image.index.v1+json" ] || fail "multi is not an image index"

P1=$(free_port)
R="127.0.0.1:$P1"
start_registry open "$P1"

step "push a single-manifest layout"
top=$(json one/index.json 'j["manifests"][0]["digest"]')
"$PARE" -v image push one "$R/test:v1" > push1.out 2> push1.err || { cat push1.err; fail "push"; }
cat push1.err push1.out | sed 's/^/   /'
[ "$(cat push1.out)" = "$R/test:v1@$top" ] || fail "printed '$(cat push1.out)'"
[ "$(grep -c ': pushed (' push1.err)" = 2 ] || fail "expected 2 blobs pushed"
check_pulled one "$R/test:v1"

step "push again: every blob exists"
"$PARE" -v image push one "$R/test:v1" > push2.out 2> push2.err || { cat push2.err; fail "push again"; }
cat push2.err | sed 's/^/   /'
[ "$(grep -c ': exists$' push2.err)" = 2 ] || fail "expected 2 blobs that exist"
! grep -q ': pushed (' push2.err || fail "a blob was uploaded again"
[ "$(cat push2.out)" = "$R/test:v1@$top" ] || fail "printed '$(cat push2.out)'"

step "skopeo copy back to an OCI layout"
skopeo copy -q --src-tls-verify=false "docker://$R/test:v1" oci:pulled:v1
for d in $(json "$(blob one "$top")" '" ".join([j["config"]["digest"]] + [l["digest"] for l in j["layers"]])'); do
	cmp -s "$(blob one "$d")" "$(blob pulled "$d")" || fail "pulled blob $d differs"
done
cmp -s "$(blob one "$top")" "$(blob pulled "$top")" || fail "pulled manifest differs"
echo "   pulled manifest $top and its blobs are byte-identical"

step "push by digest, and a digest that does not match"
"$PARE" image push one "$R/bydigest@$top" > bd.out
[ "$(cat bd.out)" = "$R/bydigest@$top" ] || fail "by digest printed '$(cat bd.out)'"
wrong="sha256:$(printf '%064d' 0)"
if "$PARE" image push one "$R/bydigest@$wrong" 2> bd.err; then fail "wrong digest pushed"; fi
grep -q "the layout's image is $top" bd.err || { cat bd.err; fail "wrong digest message"; }
sed 's/^/   /' bd.err

step "push an image index (two architectures)"
mtop=$(json multi/index.json 'j["manifests"][0]["digest"]')
"$PARE" -v image push multi "$R/multi:v2" > m.out 2> m.err || { cat m.err; fail "push index"; }
sed 's/^/   /' m.err
[ "$(cat m.out)" = "$R/multi:v2@$mtop" ] || fail "printed '$(cat m.out)'"
skopeo inspect --tls-verify=false --raw "docker://$R/multi:v2" > remote-index.json
[ "sha256:$(sha256sum < remote-index.json | cut -d' ' -f1)" = "$mtop" ] || fail "index digest"
for m in $(json "$(blob multi "$mtop")" '" ".join(m["digest"] for m in j["manifests"])'); do
	skopeo inspect --tls-verify=false --raw "docker://$R/multi@$m" > child.json
	cmp -s child.json "$(blob multi "$m")" || fail "child manifest $m differs"
	echo "   child $m present"
done
skopeo inspect --tls-verify=false --override-arch arm64 "docker://$R/multi:v2" > arm.json
echo "   arm64 image: $(json arm.json 'j["Architecture"]')"

step "a blob whose content does not match its digest is refused before it completes"
cp -r one bad
layer=$(json "$(blob one "$top")" 'j["layers"][0]["digest"]')
python3 - "$(blob bad "$layer")" <<'PY'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
b[-1] ^= 0xff
open(p, "wb").write(bytes(b))
PY
if "$PARE" image push bad "$R/bad:v1" 2> bad.err; then fail "tampered blob pushed"; fi
sed 's/^/   /' bad.err
grep -q "blobs/sha256/${layer#sha256:}: content is sha256:.*, not $layer" bad.err || fail "tamper message"
python3 - "http://$R/v2/bad/blobs/$layer" <<'PY' || fail "the registry stored the tampered blob"
import sys, urllib.request, urllib.error
try:
    urllib.request.urlopen(urllib.request.Request(sys.argv[1], method="HEAD"))
    sys.exit(1)
except urllib.error.HTTPError as e:
    sys.exit(0 if e.code == 404 else 1)
PY

step "the registry rejects a manifest: its error is reported"
cp -r one invalid
python3 - invalid "$top" <<'PY'
import hashlib, json, os, sys
d, top = sys.argv[1], sys.argv[2]
m = json.load(open(f"{d}/blobs/sha256/{top[7:]}"))
m["mediaType"] = "application/x-not-a-manifest"
raw = json.dumps(m).encode()
h = hashlib.sha256(raw).hexdigest()
open(f"{d}/blobs/sha256/{h}", "wb").write(raw)
idx = json.load(open(f"{d}/index.json"))
idx["manifests"][0].update(digest="sha256:" + h, size=len(raw))
json.dump(idx, open(f"{d}/index.json", "w"))
PY
if "$PARE" image push invalid "$R/invalid:v1" 2> inv.err; then fail "invalid manifest accepted"; fi
sed 's/^/   /' inv.err
grep -q "^ERROR: $R/invalid:v1: PUT manifest http://$R/v2/invalid/manifests/v1: HTTP 400 MANIFEST_INVALID" inv.err ||
	fail "manifest error message"

step "not a layout, a bad reference, nothing listening"
if "$PARE" image push root "$R/x:v1" 2> e1.err; then fail "root pushed"; fi
if "$PARE" image push one "$R/UPPER:v1" 2> e2.err; then fail "bad ref pushed"; fi
P0=$(free_port)
if "$PARE" image push one "127.0.0.1:$P0/x:v1" 2> e3.err; then fail "pushed to nothing"; fi
cat e1.err e2.err e3.err | sed 's/^/   /'
grep -q "not an OCI image layout" e1.err || fail "layout message"
grep -q "is not a repository name" e2.err || fail "reference message"
grep -q "^ERROR: 127.0.0.1:$P0/x:v1: GET http://127.0.0.1:$P0/v2/: .*(after 3 attempts)" e3.err || fail "connect message"

step "Basic auth (htpasswd, bcrypt)"
htpasswd -Bbn pare 's3cret:pass' > htpasswd
P2=$(free_port)
RA="127.0.0.1:$P2"
start_registry basic "$P2" "auth:
  htpasswd:
    realm: pare-test
    path: $W/htpasswd"
if "$PARE" image push one "$RA/auth:v1" 2> noauth.err; then fail "pushed without credentials"; fi
sed 's/^/   /' noauth.err
grep -q "^ERROR: $RA/auth:v1: GET /v2/ http://$RA/v2/: HTTP 401 UNAUTHORIZED: authentication required (no credentials" noauth.err ||
	fail "no-credentials message"
auth=$(printf 'pare:s3cret:pass' | base64)
printf '{"auths":{"%s":{"auth":"%s"}}}\n' "$RA" "$auth" > creds.json
"$PARE" -v image push --registry-config creds.json one "$RA/auth:v1" > a.out 2> a.err || { cat a.err; fail "basic push"; }
[ "$(cat a.out)" = "$RA/auth:v1@$top" ] || fail "printed '$(cat a.out)'"
check_pulled one "$RA/auth:v1" 'pare:s3cret:pass'
mkdir -p dc && printf '{"auths":{"http://%s/v1/":{"auth":"%s"}}}\n' "$RA" "$auth" > dc/config.json
DOCKER_CONFIG="$W/dc" "$PARE" -v image push multi "$RA/auth:v2" > a2.out 2> a2.err || { cat a2.err; fail "DOCKER_CONFIG push"; }
grep -c ': exists$' a2.err | sed 's/^/   blobs that exist after the first push: /'
printf '{"auths":{"%s":{"auth":"%s"}}}\n' "$RA" "$(printf 'pare:wrong' | base64)" > wrong.json
if "$PARE" image push --registry-config wrong.json one "$RA/auth:v1" 2> wrong.err; then fail "wrong password"; fi
sed 's/^/   /' wrong.err
grep -q "HTTP 401 .*(the credentials were not accepted)" wrong.err || fail "wrong-password message"

step "Bearer token auth (token server on 127.0.0.1)"
openssl req -x509 -newkey rsa:2048 -nodes -keyout token.key -out token.crt -days 2 \
	-subj /CN=pare-token 2> /dev/null
PT=$(free_port)
P3=$(free_port)
RB="127.0.0.1:$P3"
cat > token_server.py <<'PY'
# A token server for docker-registry's token auth: GET /token with Basic
# credentials USER:PASS answers a JWT (RS256, x5c = the certificate the
# registry trusts) granting what the scopes ask; anything else gets 401.
import base64, http.server, json, subprocess, sys, time, urllib.parse, uuid
port, key, crt, user, password = sys.argv[1:6]
der = subprocess.run(["openssl", "x509", "-in", crt, "-outform", "DER"], check=True,
                     capture_output=True).stdout
b64u = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()

def jwt(service, scopes):
    now = int(time.time())
    access = []
    for sc in scopes:
        kind, name, actions = sc.split(":")
        access.append({"type": kind, "name": name, "actions": actions.split(",")})
    head = {"typ": "JWT", "alg": "RS256", "x5c": [base64.b64encode(der).decode()]}
    claims = {"iss": "pare-token-issuer", "sub": user, "aud": service, "exp": now + 300,
              "nbf": now - 10, "iat": now, "jti": uuid.uuid4().hex, "access": access}
    signing = b64u(json.dumps(head).encode()) + "." + b64u(json.dumps(claims).encode())
    sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", key], input=signing.encode(),
                         check=True, capture_output=True).stdout
    return signing + "." + b64u(sig)

class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        u = urllib.parse.urlparse(self.path)
        q = urllib.parse.parse_qs(u.query)
        print("GET", urllib.parse.unquote(self.path), flush=True)
        want = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
        if u.path != "/token" or self.headers.get("Authorization") != want:
            self.send_response(401)
            body = b'{"errors":[{"code":"UNAUTHORIZED","message":"bad credentials"}]}'
        else:
            self.send_response(200)
            tok = jwt(q.get("service", [""])[0], q.get("scope", []))
            body = json.dumps({"token": tok, "expires_in": 300}).encode()
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

http.server.HTTPServer(("127.0.0.1", int(port)), H).serve_forever()
PY
python3 token_server.py "$PT" token.key token.crt pare 's3cret:pass' > token.log 2>&1 &
PIDS="$PIDS $!"
wait_http "http://127.0.0.1:$PT/token" || { cat token.log; fail "token server did not start"; }
start_registry bearer "$P3" "auth:
  token:
    realm: http://127.0.0.1:$PT/token
    service: pare-registry
    issuer: pare-token-issuer
    rootcertbundle: $W/token.crt"
if "$PARE" image push one "$RB/tok:v1" 2> notok.err; then fail "pushed without a token"; fi
sed 's/^/   /' notok.err
grep -q "GET token http://127.0.0.1:$PT/token: HTTP 401" notok.err || fail "token refusal message"
printf '{"auths":{"%s":{"auth":"%s"}}}\n' "$RB" "$auth" > tcreds.json
"$PARE" -v image push --registry-config tcreds.json one "$RB/tok:v1" > t.out 2> t.err || { cat t.err; cat token.log; fail "bearer push"; }
[ "$(cat t.out)" = "$RB/tok:v1@$top" ] || fail "printed '$(cat t.out)'"
grep -q 'scope=repository:tok:pull,push' token.log || fail "token scope"
check_pulled one "$RB/tok:v1" 'pare:s3cret:pass'

step "sign: a sigstore signature (sha256-<hex>.sig) that a sigstoreSigned policy accepts"
"$PARE" keygen -o . signer > /dev/null && "$PARE" keygen -o . stranger > /dev/null
"$PARE" image push one "$R/signed:v1" > /dev/null
"$PARE" image sign --key signer.rsa one "$R/signed:v1" > sign.out || fail "image sign"
sed 's/^/   /' sign.out
skopeo inspect --tls-verify=false --raw "docker://$R/signed:sha256-${top#sha256:}.sig" > sig.json
[ "$(json sig.json 'j["layers"][0]["mediaType"]')" = "application/vnd.dev.cosign.simplesigning.v1+json" ] ||
	fail "signature manifest layer media type"
mkdir -p regd
printf 'docker:\n  %s:\n    use-sigstore-attachments: true\n' "$R" > regd/local.yaml
# verify KEY REF: skopeo copy under a policy requiring a sigstore signature
# by KEY.  Debian 12's skopeo 1.9.3 (containers/image 5.23.1) parses the
# policy and fetches the .sig attachment, but Debian's disable-sigstore.patch
# makes prSigstoreSigned.isSignatureAccepted reject every signature with
# "Debian-local change: sigstore disabled" (the sigstore Go modules are not
# packaged); then the same rules are checked by verify_sigstore.py.  A skopeo
# that verifies is used as is.
verify() {
	printf '{"default":[{"type":"reject"}],"transports":{"docker":{"%s":[{"type":"sigstoreSigned","keyPath":"%s","signedIdentity":{"type":"matchRepository"}}]}}}\n' \
		"${2%:*}" "$W/$1" > policy.json
	rm -rf verified
	if skopeo --policy policy.json --registries.d regd copy -q --src-tls-verify=false \
		"docker://$2" oci:verified:x > verify.log 2>&1; then
		echo "   skopeo accepted $2 ($1)"; return 0
	fi
	if grep -q 'sigstore disabled' verify.log; then
		st=0
		echo "   skopeo $(skopeo --version | cut -d' ' -f3): $(grep -o 'Source image rejected: Debian-local change: sigstore disabled' verify.log | head -n 1)"
		out=$(python3 "$HERE/verify_sigstore.py" "$R" "$(echo "${2%:*}" | cut -d/ -f2-)" \
			"${2##*:}" "$W/$1") || st=1
		echo "   verify_sigstore.py: $out"
		return $st
	fi
	sed 's/^/   skopeo: /' verify.log; return 1
}
verify signer.rsa.pub "$R/signed:v1" || fail "a signed image was refused"
if verify stranger.rsa.pub "$R/signed:v1"; then fail "a wrong key was accepted"; fi
# a tampered image: another manifest under the signed tag has no signature
"$PARE" image push multi "$R/signed:v1" > /dev/null
if verify signer.rsa.pub "$R/signed:v1"; then fail "a tampered image was accepted"; fi
# a signature copied onto another image's tag: its digest does not match
mtop=$(json multi/index.json 'j["manifests"][0]["digest"]')
skopeo copy -q --src-tls-verify=false --dest-tls-verify=false \
	"docker://$R/signed:sha256-${top#sha256:}.sig" "docker://$R/signed:sha256-${mtop#sha256:}.sig"
if verify signer.rsa.pub "$R/signed:v1"; then fail "a replayed signature was accepted"; fi
step "image publish CONFIG REF... --sign KEY: build, push to each REF, sign each"
if [ -x /bin/busybox ]; then
	printf 'contents:\n  binaries: [/bin/busybox]\nentrypoint:\n  command: /usr/bin/busybox\narchs: [x86_64]\n' > bb.yaml
	"$PARE" image publish --sign signer.rsa bb.yaml "$R/pub:v1" "$R/pub:v2" > pub.out ||
		fail "image publish"
	sed 's/^/   /' pub.out
	verify signer.rsa.pub "$R/pub:v1" || fail "published v1 not verified"
	verify signer.rsa.pub "$R/pub:v2" || fail "published v2 not verified"
else
	echo "   (busybox-static not installed: skipped)"
fi

echo "PASS"
