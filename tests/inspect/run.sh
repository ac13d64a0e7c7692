#!/bin/bash
# End-to-end tests of `pare inspect` and of the checks `pare image build`
# runs (inspection, test: commands in runc, the smoke check).
#
#   run.sh PARE [fast|slow]
#
# fast: packages made here (pare mkpkg + pare index, busybox-static as the
# one program); the three broken images of issue 14 (dangling entrypoint
# symlink, a python without its standard library, SSL_CERT_FILE pointing at
# nothing) each refused with a message naming the missing piece; a good
# image with test: commands (stdout regex, a daemon probed on a port, a
# failing test leaving no image), pare image test, --skip-tests, the smoke
# check; inspect of pare's layout, of a docker-archive and OCI layout that
# skopeo copies from an image made with umoci; tampered and hostile
# layouts (bad digest, '../' names, absolute names, symlink loop in a
# parent, whiteouts), a huge sparse ELF, --max-files, --json, --sarif,
# --policy (SARIF validated against the OASIS schema), --image REF among
# several images, runtime needs after the solve (NSS modules of
# nsswitch.conf, gconv of contents.runtime.gconv with iconv in runc, the
# entrypoint's package by CONTENTS), a daemon whose readiness is a command.
# slow: a Debian root made with mmdebstrap (cached in $PARE_CACHE or
# /var/tmp/pare-test-cache) and a layer of 600,000 entries (bounded).
# Exit 77 (skipped) when a tool is missing or not root.
set -u
PARE=$(realpath "$1")
HERE=$(cd "$(dirname "$0")" && pwd)
MODE=${2:-fast}
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (runc)"; exit 77; }
for t in busybox skopeo umoci runc python3 gzip; do
	command -v "$t" >/dev/null 2>&1 || { echo "SKIP: $t not installed"; exit 77; }
done
BB=$(command -v busybox)
W=$(mktemp -d /tmp/pare-inspect-test.XXXXXX)
[ -n "${KEEP:-}" ] || trap "rm -rf $W" EXIT
cd "$W"
export TMPDIR="$W/tmp"; mkdir -p "$TMPDIR"
FAILS=0
step() { echo "== $*"; }
bad() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
# expect_fail NAME PATTERN CMD...: CMD fails and its output matches PATTERN
expect_fail() {
	local name=$1 pat=$2; shift 2
	if "$@" >"$name.log" 2>&1; then bad "$name: succeeded"; tail -5 "$name.log"; return; fi
	grep -qiE -- "$pat" "$name.log" || { bad "$name: no /$pat/ in:"; tail -15 "$name.log"; return; }
	echo "ok: $name refused: $(grep -iE -m1 -- "$pat" "$name.log" | sed 's/^ *//')"
}
expect_ok() {
	local name=$1; shift
	"$@" >"$name.log" 2>&1 || { bad "$name: failed"; tail -20 "$name.log"; return 1; }
	echo "ok: $name"
}

if [ "$MODE" = fast ]; then
step "packages"
mkdir -p k && "$PARE" keygen -o k t >/dev/null || exit 1
KEY=k/t.rsa; PUB=k/t.rsa.pub
mkdir -p repo/x86_64
mk() { # mk NAME DIR [KEY=VALUE...]
	local n=$1 d=$2; shift 2
	local args=()
	for kv in "$@"; do args+=(-s "$kv"); done
	"$PARE" mkpkg -o "repo/x86_64/$n-1.0-r0.apk" -s pkgname=$n -s pkgver=1.0-r0 -s arch=x86_64 \
		-s license=MIT "${args[@]}" -k "$KEY" "$d" >/dev/null || { echo "mkpkg $n failed"; exit 1; }
}
mkdir -p bb/bin bb/tmp && cp "$BB" bb/bin/busybox && ln -s busybox bb/bin/sh && chmod 1777 bb/tmp
mk bb bb
mkdir -p br/usr/bin && ln -s ../lib/nothing-here br/usr/bin/app
mk broken br
mkdir -p py/usr/bin py/usr/lib/python3.11 && printf '#!/bin/sh\necho "Fatal Python error: init_fs_encoding: No module named encodings" >&2\nexit 1\n' > py/usr/bin/python3.11 && chmod 755 py/usr/bin/python3.11
mk fakepython py depend=bb
mkdir -p pystd/usr/lib/python3.11/encodings && echo '# codec registry' > pystd/usr/lib/python3.11/encodings/__init__.py
mk fakepython-stdlib pystd
mkdir -p www/srv/www && echo 'hello from busybox httpd' > www/srv/www/index.html
mk www www
mkdir -p badapp/usr/bin && printf '#!/bin/sh\necho "badapp: error while loading shared libraries: libfoo.so.1" >&2\nexit 127\n' > badapp/usr/bin/badapp && chmod 755 badapp/usr/bin/badapp
mk badapp badapp depend=bb
"$PARE" --keys-dir "$W/k" index -o repo/x86_64/APKINDEX.tar.gz -k "$KEY" repo/x86_64/*.apk >/dev/null || exit 1

cfg() { # cfg NAME PACKAGES ENTRYPOINT [EXTRA YAML]
	cat > "$1.yaml" <<YAML
contents:
  repositories: [$W/repo]
  keyring: [$W/$PUB]
  packages: [$2]
entrypoint:
  command: $3
archs: [x86_64]
${4:-}
YAML
}

step "the three broken images of issue 14"
cfg dangling 'bb, broken' /usr/bin/app
expect_fail dangling 'entrypoint /usr/bin/app is a symlink to ../lib/nothing-here' \
	"$PARE" image build dangling.yaml -o out-dangling
[ -e out-dangling/index.json ] && bad "dangling: an image was left at the output"
cfg python 'fakepython' '/usr/bin/python3.11 -c pass'
expect_fail python 'python3.11: its standard library is missing .*encodings' \
	"$PARE" image build python.yaml -o out-python
cfg python-ok 'fakepython, fakepython-stdlib' /bin/busybox 'test:
  - run: [/bin/busybox, "true"]'
expect_ok python-with-stdlib "$PARE" image build python-ok.yaml -o out-python-ok
cfg ssl 'bb' /bin/busybox 'environment:
  SSL_CERT_FILE: /etc/ssl/certs/missing.pem'
expect_fail ssl 'SSL_CERT_FILE=/etc/ssl/certs/missing.pem does not exist' \
	"$PARE" image build ssl.yaml -o out-ssl

step "test: commands"
cfg good 'bb, www' /bin/busybox 'accounts:
  users: [{username: app, uid: 1000, gid: 1000, shell: /sbin/nologin, homedir: /home/app}]
  groups: [{groupname: app, gid: 1000}]
  run-as: app
test:
  - name: says hello
    run: [/bin/busybox, echo, hello]
    stdout: "^hello$"
  - name: runs as app
    run: [/bin/busybox, id, -u]
    stdout: "^1000"
  - name: root is read-only
    run: [/bin/sh, -c, "echo x > /x"]
    exit: 1
    stderr: "Read-only file system"
  - name: no network but loopback
    run: [/bin/busybox, ls, /sys/class/net]
    stdout: "^lo$"
  - name: httpd
    run: [/bin/busybox, httpd, -f, -p, "127.0.0.1:18473", -h, /srv/www]
    network: host
    daemon: true
    ready: {port: 18473}
    timeout: 10
  - name: httpd answers
    run: [/bin/busybox, wget, -q, -O, "-", "http://127.0.0.1:18473/"]
    network: host
    stdout: "hello from busybox httpd"'
expect_ok good "$PARE" image build good.yaml -o out-good -t v1
grep -q 'tests: 6 passed' good.log || bad "good: no 'tests: 6 passed' in the report"
expect_ok image-test "$PARE" image test out-good
grep -q 'OK: 6 tests passed' image-test.log || bad "image test: $(tail -1 image-test.log)"
cfg failing 'bb' /bin/busybox 'test:
  - name: wants 3
    run: [/bin/sh, -c, "echo out; echo err >&2; exit 1"]
    exit: 3'
expect_fail failing "test 'wants 3' failed: exit 1, expected 3" "$PARE" image build failing.yaml -o out-failing
grep -q 'command: /bin/sh -c' failing.log || bad "failing: the command is not printed"
grep -q '^err' failing.log || bad "failing: stderr is not printed"
[ -e out-failing ] && bad "failing: something was left at the output"
ls -d out-failing.pare-tmp-* 2>/dev/null && bad "failing: a temporary directory was left"
expect_ok skip "$PARE" image build failing.yaml -o out-skip --skip-tests
grep -q 'tests: skipped' skip.log || bad "skip: the report does not say tests were skipped"
mkdir -p out-old && echo stale > out-old/stale
expect_ok replace "$PARE" image build good.yaml -o out-old --skip-tests
[ -e out-old/stale ] && bad "replace: the old content is still there"

step "smoke check (no test: section)"
cfg smoke-ok 'bb' '/bin/busybox sleep 30'
expect_ok smoke-ok "$PARE" image build smoke-ok.yaml -o out-smoke-ok
grep -q 'smoke check of the entrypoint passed' smoke-ok.log || bad "smoke-ok: not reported"
cfg smoke-bad 'bb, badapp' /usr/bin/badapp
expect_fail smoke-bad "error while loading shared libraries" "$PARE" image build smoke-bad.yaml -o out-smoke-bad

step "runtime needs resolved at build time"
mkdir -p repo2/x86_64
cp repo/x86_64/bb-1.0-r0.apk repo2/x86_64/
mk2() { # like mk, into repo2
	local n=$1 d=$2; shift 2
	local args=()
	for kv in "$@"; do args+=(-s "$kv"); done
	"$PARE" mkpkg -o "repo2/x86_64/$n-1.0-r0.apk" -s pkgname=$n -s pkgver=1.0-r0 -s arch=x86_64 \
		-s license=MIT "${args[@]}" -k "$KEY" "$d" >/dev/null || { echo "mkpkg $n failed"; exit 1; }
}
mkdir -p bl/etc bl/tmp && chmod 1777 bl/tmp && printf 'hosts: files dns\n' > bl/etc/nsswitch.conf \
	&& echo '127.0.0.1 localhost' > bl/etc/hosts && : > bl/etc/services && : > bl/etc/protocols
mk2 baselayout bl
mkdir -p tzu/usr/share/zoneinfo && printf 'TZif2' > tzu/usr/share/zoneinfo/UTC
mk2 tzdata-utc tzu
mkdir -p loc/usr/lib/locale/C.utf8 && printf 'x' > loc/usr/lib/locale/C.utf8/LC_CTYPE
mk2 glibc-locale-c-utf8 loc
mkdir -p locde/usr/lib/locale/de_DE.utf8 && printf 'x' > locde/usr/lib/locale/de_DE.utf8/LC_CTYPE
mk2 glibc-locale-de-de locde
mkdir -p ca/etc/ssl/certs && printf -- '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' > ca/etc/ssl/certs/ca-certificates.crt
mk2 ca-certificates-bundle ca
mkdir -p ssl/usr/lib && printf 'not really' > ssl/usr/lib/libssl.so.3
mk2 libssl3 ssl provides=so:libssl.so.3=3
"$PARE" --keys-dir "$W/k" index -o repo2/x86_64/APKINDEX.tar.gz -k "$KEY" repo2/x86_64/*.apk >/dev/null || exit 1
cat > needs.yaml <<YAML
contents:
  repositories: [$W/repo2]
  keyring: [$W/$PUB]
  packages: [bb, libssl3]
entrypoint:
  command: /bin/busybox true
environment:
  LANG: C.UTF-8
  LC_TIME: de_DE.UTF-8
  TZ: UTC
archs: [x86_64]
YAML
expect_ok needs "$PARE" image build needs.yaml -o out-needs --staging st-needs --skip-tests
for p in baselayout tzdata-utc glibc-locale-c-utf8 glibc-locale-de-de ca-certificates-bundle; do
	grep -q "runtime need: $p (" needs.log || bad "needs: no reason reported for $p"
	grep -qx "P:$p" st-needs/x86_64/lib/apk/db/installed || bad "needs: $p not installed"
done
grep -m1 'runtime need: ca-certificates-bundle' needs.log
sed -e 's/TZ: UTC/TZ: Europe\/Paris/' needs.yaml > needs-missing.yaml
expect_fail needs-missing 'TZ=Europe/Paris: /usr/share/zoneinfo/Europe/Paris is missing' \
	"$PARE" image build needs-missing.yaml -o out-needs-missing
grep -q 'runtime need: tzdata is not in the repositories' needs-missing.log || bad "needs-missing: no warning"

step "runtime needs after the solve: NSS modules of nsswitch.conf, gconv of contents.runtime.gconv"
mkdir -p repo3/x86_64
mk3() { # like mk, into repo3
	local n=$1 d=$2; shift 2
	local args=()
	for kv in "$@"; do args+=(-s "$kv"); done
	"$PARE" mkpkg -o "repo3/x86_64/$n-1.0-r0.apk" -s pkgname=$n -s pkgver=1.0-r0 -s arch=x86_64 \
		-s license=MIT "${args[@]}" -k "$KEY" "$d" >/dev/null || { echo "mkpkg $n failed"; exit 1; }
}
mkdir -p bl3/etc bl3/tmp && chmod 1777 bl3/tmp && echo '127.0.0.1 localhost' > bl3/etc/hosts \
	&& : > bl3/etc/services && : > bl3/etc/protocols \
	&& printf 'passwd: files db # local first\ngroup: files [NOTFOUND=return] db\nhosts: files dns\n' > bl3/etc/nsswitch.conf
mk3 baselayout bl3
for s in db ldap; do
	mkdir -p nss-$s/usr/lib/x86_64-linux-gnu && printf 'x' > nss-$s/usr/lib/x86_64-linux-gnu/libnss_$s.so.2
	mk3 libnss-$s nss-$s provides=so:libnss_$s.so.2=2
done
# glibc, iconv and two gconv families from the host (Debian's glibc), each
# family with its own gconv-modules.d file, as import-deb writes them
GC=/usr/lib/x86_64-linux-gnu/gconv
mkdir -p libc/lib64 libc/usr/lib/x86_64-linux-gnu iconv/usr/bin iconv/usr/share
cp -L /lib64/ld-linux-x86-64.so.2 libc/lib64/ && cp -L /lib/x86_64-linux-gnu/libc.so.6 libc/usr/lib/x86_64-linux-gnu/
mk3 libc libc
cp /usr/bin/iconv iconv/usr/bin/ && printf '\x93\xfa\x96\x7b\n' > iconv/usr/share/sjis.txt
mk3 iconv iconv depend=libc
for fam in cjk:SJIS ebcdic:EBCDIC-US; do
	f=${fam%%:*} m=${fam#*:} d=gconv-$f/usr/lib/x86_64-linux-gnu/gconv
	mkdir -p $d/gconv-modules.d && cp $GC/$m.so $d/
	grep -hE "^(alias[[:space:]].*[[:space:]]|module[[:space:]].*)$m//" $GC/gconv-modules $GC/gconv-modules.d/*.conf \
		> $d/gconv-modules.d/glibc-gconv-$f.conf
	mk3 glibc-gconv-$f gconv-$f depend=libc
done
"$PARE" --keys-dir "$W/k" index -o repo3/x86_64/APKINDEX.tar.gz -k "$KEY" repo3/x86_64/*.apk >/dev/null || exit 1
cfg3() { # cfg3 NAME [EXTRA CONTENTS YAML]
	cat > "$1.yaml" <<YAML
contents:
  repositories: [$W/repo3]
  keyring: [$W/$PUB]
  packages: [iconv]
${2:-}
entrypoint:
  command: /usr/bin/iconv -l
archs: [x86_64]
test:
  - name: Shift_JIS to UTF-8
    run: [/usr/bin/iconv, -f, SHIFT_JIS, -t, UTF-8, /usr/share/sjis.txt]
    stdout: "^日本$"
YAML
}
cfg3 gconv '  runtime:
    gconv: [SHIFT_JIS, UTF-8]'
expect_ok gconv "$PARE" image build gconv.yaml -o out-gconv --staging st-gconv
R=st-gconv/x86_64
grep -q "runtime need: glibc-gconv-cjk (the gconv module of SHIFT_JIS (contents.runtime.gconv))" gconv.log \
	|| bad "gconv: no reason reported for glibc-gconv-cjk"
grep -q "runtime need: UTF-8 is built into libc" gconv.log || bad "gconv: UTF-8 not reported as built in"
grep -q "^x86_64: added for the runtime: glibc-gconv-cjk (the gconv module of SHIFT_JIS" gconv.log \
	|| bad "gconv: the report does not say why glibc-gconv-cjk was added"
grep -q 'tests: 1 passed' gconv.log && echo "ok: iconv converts Shift_JIS in runc" || bad "gconv: the iconv test did not pass"
[ -f $R$GC/SJIS.so ] && [ -f $R$GC/gconv-modules.d/glibc-gconv-cjk.conf ] || bad "gconv: SJIS.so or its configuration is missing"
grep -qx 'P:glibc-gconv-ebcdic' $R/lib/apk/db/installed && bad "gconv: the EBCDIC family was installed unasked"
grep -qx 'P:libnss-db' $R/lib/apk/db/installed && echo "ok: nsswitch.conf 'db' brought libnss-db" \
	|| bad "nss: libnss-db not installed"
grep -q "runtime need: libnss-db (the NSS service 'db' of nsswitch.conf (passwd))" gconv.log || bad "nss: no reason reported"
grep -qx 'P:libnss-ldap' $R/lib/apk/db/installed && bad "nss: libnss-ldap installed though nothing names ldap"
# the entrypoint's package from the contents index, the config naming none
printf 'usr/bin/iconv\ticonv\n' > repo3/x86_64/CONTENTS
sed -e 's/packages: \[iconv\]/packages: [baselayout]/' gconv.yaml > entry.yaml
expect_ok entry "$PARE" image build entry.yaml -o out-entry
grep -q 'runtime need: iconv (the entrypoint /usr/bin/iconv)' entry.log && grep -q 'tests: 1 passed' entry.log \
	|| bad "entry: the entrypoint's package was not installed by the contents index"
rm repo3/x86_64/CONTENTS
cfg3 gconv-none
expect_fail gconv-none "test 'Shift_JIS to UTF-8' failed" "$PARE" image build gconv-none.yaml -o out-gconv-none
grep -q 'iconv: failed to start conversion processing' gconv-none.log || bad "gconv-none: iconv did not say why"

step "inspect: pare's own layout, --json, --sarif, --policy"
expect_ok inspect-good "$PARE" inspect out-good
grep -qE '[0-9]+ passed, 0 failed' inspect-good.log || bad "inspect-good: $(tail -1 inspect-good.log)"
"$PARE" inspect --json out-good > good.json
n=$(python3 -c 'import json,sys; d=json.load(open("good.json")); print(len({c["id"] for c in d["checks"]}))')
[ "$n" -ge 78 ] && echo "ok: --json lists $n checks" || bad "--json lists $n checks"
python3 - <<'PY' || bad "PKG-013 or OCI checks did not pass on pare's image"
import json
d = {c["id"]: c for c in json.load(open("good.json"))["checks"]}
for i in ["PKG-001", "PKG-002", "PKG-003", "PKG-004", "PKG-013", "OCI-001", "OCI-002", "OCI-003",
          "OCI-004", "OCI-005", "OCI-006", "OCI-007", "OCI-010", "OCI-015", "ENT-002", "ENT-003"]:
    assert d[i]["result"] == "pass", (i, d[i])
PY
"$PARE" inspect --sarif good.sarif out-good >/dev/null || bad "inspect --sarif of the good image failed"
"$PARE" image build dangling.yaml -o out-dangling2 --allow ENT-003 --skip-tests >/dev/null 2>&1 || bad "--allow ENT-003 did not let the dangling image through"
"$PARE" inspect --sarif d.sarif out-dangling2 >/dev/null; rc=$?
[ $rc = 1 ] || bad "inspect of the dangling image exited $rc, not 1"
python3 - <<'PY' || bad "SARIF is not 2.1.0 with an ENT-003 result"
import json
s = json.load(open("d.sarif"))
assert s["version"] == "2.1.0"
run = s["runs"][0]
assert any(r["id"] == "ENT-003" for r in run["tool"]["driver"]["rules"])
assert any(r["ruleId"] == "ENT-003" and r["level"] == "error" for r in run["results"])
PY
SCHEMA=$HERE/../image/schemas/sarif-schema-2.1.0.json
python3 - "$SCHEMA" d.sarif good.sarif <<'PY' && echo "ok: SARIF valid against the SARIF 2.1.0 schema" || bad "SARIF does not validate"
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
v = jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())
for f in sys.argv[2:]:
    errs = sorted(v.iter_errors(json.load(open(f))), key=lambda e: list(e.path))
    for e in errs[:5]:
        print(f, "/".join(map(str, e.path)), e.message[:200])
    assert not errs, f
# the validator is not a rubber stamp: a broken log is refused
bad = json.load(open(sys.argv[2])); bad["runs"][0]["results"][0]["level"] = "fatal"
assert list(v.iter_errors(bad))
PY
printf 'waive:\n  - id: ENT-003\n    reason: "the app is mounted at run time"\n' > policy.yaml
"$PARE" inspect --policy policy.yaml out-dangling2 > pol.log; rc=$?
[ $rc = 0 ] && grep -q 'waived .*mounted at run time' pol.log || bad "policy: rc $rc, $(grep ENT-003 pol.log)"
printf 'waive:\n  - id: NOPE-999\n    reason: x\n' > badpol.yaml
expect_fail badpol 'badpol.yaml:2:.*not a check id' "$PARE" inspect --policy badpol.yaml out-good

step "inspect: an image made with umoci, copied by skopeo to a docker-archive and back"
umoci init --layout um >/dev/null && umoci new --image um:v1 >/dev/null || bad "umoci init"
umoci unpack --image um:v1 umb >/dev/null || bad "umoci unpack"
mkdir -p umb/rootfs/bin umb/rootfs/etc && cp "$BB" umb/rootfs/bin/busybox
echo 'root:x:0:0::/root:/bin/sh' > umb/rootfs/etc/passwd
umoci repack --image um:v1 umb >/dev/null || bad "umoci repack"
umoci config --image um:v1 --config.entrypoint /bin/busybox >/dev/null || bad "umoci config"
skopeo copy -q oci:um:v1 docker-archive:um.tar:um:v1 || bad "skopeo to docker-archive"
skopeo copy -q docker-archive:um.tar oci:um2:v1 || bad "skopeo to oci"
"$PARE" inspect um.tar > um-tar.log 2>&1; rc=$?
[ $rc -le 1 ] && grep -q 'docker-archive' um-tar.log && echo "ok: docker-archive inspected (rc $rc): $(tail -1 um-tar.log)" || { bad "docker-archive: rc $rc"; tail -3 um-tar.log; }
"$PARE" inspect um2 > um2.log 2>&1; rc=$?
[ $rc -le 1 ] && grep -q 'oci-layout' um2.log && echo "ok: skopeo's layout inspected (rc $rc): $(tail -1 um2.log)" || { bad "skopeo layout: rc $rc"; tail -3 um2.log; }
grep -q 'FAIL.*OCI-00[3-5]' um2.log um-tar.log && bad "digests of skopeo's copies reported wrong"

step "--image REF in a layout holding several images"
skopeo copy -q oci:um:v1 oci:multi:first && skopeo copy -q oci:out-good:v1 oci:multi:second || bad "skopeo into multi"
expect_fail multi-noref 'multi: 2 images; choose one with --image REF' "$PARE" inspect multi
expect_fail multi-nope "multi: no image 'nope'" "$PARE" inspect --image nope multi
"$PARE" inspect --json --image second multi > multi2.json 2>/dev/null; rc=$?
"$PARE" inspect --json --image first multi > multi1.json 2>/dev/null
python3 - <<'PY' && echo "ok: --image picks each image (rc $rc)" || bad "--image did not pick the image asked for"
import json
a = {c["id"]: c for c in json.load(open("multi1.json"))["checks"]}
b = {c["id"]: c for c in json.load(open("multi2.json"))["checks"]}
assert b["PKG-001"]["result"] == "pass", b["PKG-001"]   # pare's image has a database
assert a["PKG-001"]["result"] == "n/a", a["PKG-001"]  # umoci's has none
PY

step "a daemon whose readiness is a command"
cfg ready 'bb, www' /bin/busybox 'test:
  - name: httpd
    run: [/bin/busybox, httpd, -f, -p, "127.0.0.1:18474", -h, /srv/www]
    network: host
    daemon: true
    ready: {run: [/bin/busybox, wget, -q, -O, /dev/null, "http://127.0.0.1:18474/"]}
    timeout: 10
  - run: [/bin/busybox, wget, -q, -O, "-", "http://127.0.0.1:18474/"]
    network: host
    stdout: "hello from busybox httpd"'
expect_ok ready "$PARE" image build ready.yaml -o out-ready
grep -q 'tests: 2 passed' ready.log || bad "ready: $(tail -1 ready.log)"
sed -e 's/18474\/"\]}/18475\/"]}/' -e 's/timeout: 10/timeout: 2/' ready.yaml > never.yaml
expect_fail never-ready "test 'httpd' failed: not ready within 2 s \(probe failed\)" "$PARE" image build never.yaml -o out-never

step "tampered and hostile layouts"
python3 "$HERE/hostile.py" "$W" || bad "hostile.py"
expect_fail dotdot "layer 1 .*entry '../escape' climbs out with '..'" "$PARE" inspect dotdot
expect_fail absolute "entry '/etc/abs' is an absolute name" "$PARE" inspect absolute
expect_fail loop "entry 'a/x': symlink loop" "$PARE" inspect loop
for n in dotdot absolute loop; do
	[ "$(wc -l < $n.log)" = 1 ] || bad "$n: more than one line"
done
"$PARE" inspect whiteout > wh.log 2>&1
grep -q 'warn .*OCI-014' wh.log && echo "ok: whiteouts reported" || bad "whiteout: OCI-014 not reported"
"$PARE" inspect --json whiteout | python3 -c '
import json,sys; d=json.load(sys.stdin)
c={x["id"]:x for x in d["checks"]}
assert c["OCI-005"]["result"]=="pass", c["OCI-005"]' || bad "whiteout: diff_ids"
expect_fail tampered 'config sha256:[0-9a-f]+ has digest' "$PARE" inspect tampered
ls "$TMPDIR"/pare-inspect-* >/dev/null 2>&1 && bad "a temporary unpack directory was left in /tmp"

step "a directory with --config"
mkdir -p cfgroot/usr/bin && ln -s ../lib/nothing-here cfgroot/usr/bin/app
expect_fail dir-config 'entrypoint /usr/bin/app is a symlink to ../lib/nothing-here' \
	"$PARE" inspect --config dangling.yaml cfgroot
"$PARE" inspect cfgroot > dir-noconfig.log 2>&1 || bad "a directory without --config failed: $(tail -1 dir-noconfig.log)"
mkdir -p devroot/usr/include && echo '/* x */' > devroot/usr/include/zlib.h
cfg asked 'bb, zlib-dev>=1.2' /bin/busybox
"$PARE" inspect --config asked.yaml devroot > asked.log 2>&1
grep -qE 'waived +CNT-001.*contents.packages names zlib-dev' asked.log && echo "ok: headers the config asked for are waived" \
	|| bad "asked: CNT-001 not waived: $(grep CNT-001 asked.log)"

step "huge ELF and --max-files"
mkdir -p huge/bin && printf '\177ELF\002\001\001' > huge/bin/big && truncate -s 5G huge/bin/big
expect_fail huge 'ELF-005.*|/bin/big: ELF magic but unreadable' "$PARE" inspect huge
mkdir -p wide && for i in $(seq 1 300); do : > wide/f$i; done
expect_fail wide 'more than 100 files, inspection stopped' "$PARE" inspect --max-files 100 wide
[ "$(wc -l < wide.log)" = 1 ] || bad "wide: more than one line"
fi

if [ "$MODE" = slow ]; then
step "a Debian root made with mmdebstrap"
CACHE=${PARE_CACHE:-/var/tmp/pare-test-cache}
mkdir -p "$CACHE"
if [ ! -f "$CACHE/debian-root.tar" ]; then
	command -v mmdebstrap >/dev/null || { echo "SKIP: mmdebstrap not installed"; exit 77; }
	rm -rf "$CACHE/debian-root.tmp.tar"
	mmdebstrap --variant=minbase --quiet --format=tar bookworm "$CACHE/debian-root.tmp.tar" \
		&& mv "$CACHE/debian-root.tmp.tar" "$CACHE/debian-root.tar" \
		|| { echo "SKIP: mmdebstrap failed (no network?)"; exit 77; }
fi
mkdir deb && tar -C deb -xf "$CACHE/debian-root.tar"
"$PARE" inspect deb > deb.log 2>&1; rc=$?
[ $rc -le 1 ] && echo "ok: Debian root (rc $rc): $(tail -1 deb.log)" || { bad "Debian root: rc $rc"; tail -5 deb.log; }
grep -q 'PKG-001' deb.log || bad "Debian root: the table is incomplete"
nelf=$(sed -n 's/.*files, \([0-9]*\) ELF).*/\1/p' deb.log)
[ "${nelf:-0}" -gt 100 ] || bad "Debian root: only ${nelf:-0} ELF files seen"
step "a layer of 600,000 entries"
python3 "$HERE/hostile.py" "$W" many || bad "hostile.py many"
expect_fail many 'more than 500000 entries, refused' "$PARE" inspect many
fi

[ "$FAILS" = 0 ] && echo PASS || { echo "$FAILS failures"; exit 1; }
