#!/bin/sh
# `pare image report` on a run directory made here, checked against real
# tools.
#
#   report_test.sh PARE [--browser]
#
# Builds two images of a hello program on the host's glibc (by package
# names, with an extra package the program does not need, and by
# strip-down with --add-binary), writes results.json as scripts/demo.sh
# does, and checks the report: pare_bytes equals `du -sb --apparent-size`
# of the root umoci unpacks; the layer blob sizes; packages add up to the
# regular files; the strip-down's "excluded" names the extra package; a
# broken layout path is refused with one line; the HTML page's table cells
# equal the JSON.  With --browser the page is loaded in headless Chromium:
# its DOM (as the browser parsed it) is compared with the JSON and a
# screenshot is taken.  Exit 77 (skipped) when a tool is missing.
set -eu

PARE=$(realpath "$1")
BROWSER=${2:-}
for t in umoci python3 cc; do
	command -v "$t" >/dev/null 2>&1 || { echo "SKIP: $t not installed"; exit 77; }
done
CHROMIUM=""
if [ "$BROWSER" = --browser ]; then
	CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
	[ -n "$CHROMIUM" ] || { echo "SKIP: chromium not installed"; exit 77; }
fi

W=$(mktemp -d /tmp/pare-image-report.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$W"' EXIT
cd "$W"
export SOURCE_DATE_EPOCH=1700000000
ARCH=x86_64
libdir=usr/lib/x86_64-linux-gnu
step() { echo "== $*"; }

step "a repository: glibc from the host, hello, and data hello does not need"
printf '#include <stdio.h>\nint main(void){puts("hello from a report");return 0;}\n' > hello.c
cc -O2 -o hello hello.c
mkdir -p keys repo/$ARCH g/$libdir g/lib64 h/usr/bin d/usr/share/extra
cp "$(realpath /lib64/ld-linux-x86-64.so.2)" g/$libdir/ld-linux-x86-64.so.2
ln -s /$libdir/ld-linux-x86-64.so.2 g/lib64/ld-linux-x86-64.so.2
cp "$(realpath "$(ldd hello | awk '/libc\.so\.6/ { print $3 }')")" g/$libdir/libc.so.6
ln g/$libdir/libc.so.6 g/$libdir/libc-hardlink.so
cp hello h/usr/bin/hello
head -c 300000 /dev/urandom > d/usr/share/extra/blob
"$PARE" keygen -o keys test >/dev/null
mk() { # mk NAME TREE KEY=VALUE...
	n=$1 t=$2; shift 2
	"$PARE" mkpkg -s pkgname="$n" -s pkgver=1.0-r0 -s arch=$ARCH -s license=MIT \
		-s "pkgdesc=$n" "$@" -k keys/test.rsa -o repo/$ARCH/"$n"-1.0-r0.apk "$t" >/dev/null
}
mk glibc g -s "provides=so:libc.so.6=6" -s "provides=so:ld-linux-x86-64.so.2=2"
mk hello h -s "depend=so:libc.so.6"
mk extra-data d
"$PARE" --keys-dir "$W/keys" index -o repo/$ARCH/APKINDEX.tar.gz -k keys/test.rsa \
	repo/$ARCH/*.apk >/dev/null

step "two images"
mkdir -p out/images
cat > by-name.yaml <<EOF
contents:
  keyring: [$W/keys/test.rsa.pub]
  build_repositories: [$W/repo]
  packages: [hello, extra-data]
entrypoint:
  command: /usr/bin/hello
EOF
sed 's/packages: \[hello, extra-data\]/packages: []/' by-name.yaml > strip.yaml
"$PARE" image build by-name.yaml -o out/images/hello-packages -t latest >/dev/null
"$PARE" image build strip.yaml -o out/images/hello-add-binary -t latest --add-binary "$W/hello" >/dev/null
cat > out/results.json <<'EOF'
{"workloads": [
  {"name": "hello", "mode": "packages", "layout": "images/hello-packages",
   "debian_a_bytes": 187030153, "debian_b_bytes": 125540098, "alpine_compressed_bytes": null,
   "inspect_errors": 0, "inspect": {"passed": 80, "failed": 0, "warnings": 2},
   "tests_passed": true, "tests": [{"name": "prints <its> line", "passed": true}]},
  {"name": "hello", "mode": "add-binary", "layout": "images/hello-add-binary",
   "debian_a_bytes": 187030153, "debian_b_bytes": 125540098,
   "inspect_errors": 1, "tests_passed": false, "error": "a test failed & said \"why\"",
   "tests": [{"name": "prints its line", "passed": false}]},
  {"name": "hello", "mode": "pruned", "layout": "images/hello-packages",
   "inspect_errors": 0, "tests_passed": true, "tests": [{"name": "prints its line", "passed": true}],
   "prune": {"kept": true, "bytesBefore": 2097152, "bytesAfter": 1048576, "filesBefore": 10, "filesAfter": 5}},
  {"name": "redis", "mode": "packages", "error": "import failed",
   "debian_b_bytes": 138463719, "tests_passed": false}
 ],
 "compat": [{"name": "nss", "passed": true, "image_bytes": 1234567},
            {"name": "iconv", "passed": false}]}
EOF

step "pare image report --json --html"
"$PARE" image report out --json --html out/report.html > out/report.json
"$PARE" image report out > table.txt
sed 's/^/   | /' table.txt
grep -q '^hello  *packages ' table.txt
grep -q '^compat iconv  *FAIL' table.txt

step "the figures against umoci's root, the layout and the database"
for m in packages add-binary; do
	umoci unpack --image "out/images/hello-$m:latest" "bundle-$m" >/dev/null
done
python3 - out/report.json "$W" <<'PY'
import json, os, subprocess, sys
rep = json.load(open(sys.argv[1])); w = sys.argv[2]
ws = {(x["name"], x["mode"]): x for x in rep["workloads"]}
for mode in ("packages", "add-binary"):
    x = ws[("hello", mode)]
    root = os.path.join(w, "bundle-" + mode, "rootfs")
    du = int(subprocess.check_output(["du", "-sb", "--apparent-size", root]).split()[0])
    assert x["pare_bytes"] == du, (mode, x["pare_bytes"], du)
    lay = os.path.join(w, "out/images/hello-" + mode)
    idx = json.load(open(os.path.join(lay, "index.json")))
    man = json.load(open(os.path.join(lay, "blobs/sha256", idx["manifests"][0]["digest"][7:])))
    assert x["pare_compressed_bytes"] == sum(l["size"] for l in man["layers"])
    reg = 0; seen = set()
    for d, _, fs in os.walk(root):
        for f in fs:
            st = os.lstat(os.path.join(d, f))
            if os.path.isfile(os.path.join(d, f)) and not os.path.islink(os.path.join(d, f)) \
               and st.st_ino not in seen:
                seen.add(st.st_ino); reg += st.st_size
    assert sum(x["packages"].values()) == reg, (sum(x["packages"].values()), reg)
    assert sum(x["dirs"].values()) == reg
    assert x["largest"][0]["path"].rsplit("/", 1)[1] in ("libc.so.6", "libc-hardlink.so") and x["largest"][0]["package"] == "glibc", x["largest"][0]
    assert abs(x["reduction_b"] - (1 - x["pare_bytes"] / 125540098)) < 1e-9
    print("   %s: %d bytes (du agrees), %d compressed, packages %s" %
          (mode, x["pare_bytes"], x["pare_compressed_bytes"], sorted(x["packages"])))
assert "extra-data" in ws[("hello", "packages")]["packages"]
ex = ws[("hello", "add-binary")]["excluded"]
# hello itself came in as a binary, not as its package
assert [e["name"] for e in ex] == ["extra-data", "hello"] and ex[0]["bytes"] == 300000, ex
assert "pare_bytes" not in ws[("redis", "packages")]
assert len(rep["compat"]) == 2
print("   excluded by the strip-down:", ex[0]["name"], ex[0]["bytes"], "bytes:", ex[0]["why"])
PY

step "a layout outside the run directory is refused"
cp out/results.json results.good
sed -i 's#"images/hello-packages"#"../../etc"#' out/results.json
if "$PARE" image report out > bad.out 2> bad.err; then echo "FAIL: accepted ../"; exit 1; fi
sed 's/^/   | /' bad.err
[ "$(wc -l < bad.err)" -eq 1 ] && grep -q 'not a path inside' bad.err
cp results.good out/results.json

# check_page PAGE: the workloads and compat tables equal report.json.
check_page() {
	python3 - "$1" out/report.json <<'PY'
import json, sys
from html.parser import HTMLParser
rep = json.load(open(sys.argv[2]))
class P(HTMLParser):
    def __init__(s):
        super().__init__(); s.table = None; s.rows = {"workloads": [], "compat": []}
        s.cell = None; s.svg = 0; s.scripts = 0; s.external = []
    def handle_starttag(s, tag, a):
        a = dict(a)
        if tag == "table" and a.get("id") in s.rows: s.table = a["id"]
        elif tag == "tr" and s.table and "data-name" in a: s.rows[s.table].append({"_name": a["data-name"], "_mode": a.get("data-mode")})
        elif tag == "td" and s.table and s.rows[s.table]: s.cell = a.get("class", "").split()[0]; s.rows[s.table][-1][s.cell] = [a.get("data-v"), ""]
        elif tag == "svg": s.svg += 1
        elif tag == "script": s.scripts += 1
        for k in ("src", "href"):
            if k in a: s.external.append(a[k])
    def handle_endtag(s, tag):
        if tag == "table": s.table = None
        if tag == "td": s.cell = None
    def handle_data(s, d):
        if s.cell and s.table: s.rows[s.table][-1][s.cell][1] += d
p = P(); p.feed(open(sys.argv[1], encoding="utf-8").read())
assert p.scripts == 0 and not p.external and p.svg >= 2, (p.scripts, p.external, p.svg)
assert len(p.rows["workloads"]) == len(rep["workloads"])
for row, w in zip(p.rows["workloads"], rep["workloads"]):
    assert row["_name"] == w["name"] and row["_mode"] == w["mode"] and row["name"][1] == w["name"]
    for k in ("pare_bytes", "pare_compressed_bytes", "debian_a_bytes", "debian_b_bytes", "inspect_errors"):
        want = "" if w.get(k) is None else str(w[k])
        assert row[k][0] == want, (w["name"], w["mode"], k, row[k], want)
        if want and k != "inspect_errors":
            assert row[k][1] == "%.2f MiB" % (w[k] / 1048576), (k, row[k])
    assert row["tests_passed"][0] == ("true" if w.get("tests_passed") else "false")
for row, c in zip(p.rows["compat"], rep["compat"]):
    assert row["_name"] == c["name"] and row["passed"][0] == ("true" if c["passed"] else "false")
assert len(p.rows["compat"]) == len(rep["compat"])
print("   %d workload rows and %d scenario rows equal report.json; %d inline SVG charts, no scripts or external resources"
      % (len(p.rows["workloads"]), len(p.rows["compat"]), p.svg))
PY
}

step "the HTML page equals the JSON"
check_page out/report.html
grep -q 'a test failed &amp; said &quot;why&quot;' out/report.html
grep -q 'prints &lt;its&gt; line' out/report.html
grep -q '2.00 MiB of files before, 1.00 MiB after (5 of 10 files kept); the tests passed again' out/report.html

if [ -n "$CHROMIUM" ]; then
	step "headless Chromium: the DOM it parsed, and a screenshot"
	prof=$(mktemp -d "$W/profile.XXXXXX")
	flags="--headless --no-sandbox --disable-gpu --disable-background-networking \
		--disable-component-update --disable-sync --no-first-run --user-data-dir=$prof"
	# shellcheck disable=SC2086
	timeout 120 "$CHROMIUM" $flags --dump-dom "file://$W/out/report.html" > dom.html 2> chromium.err \
		|| { tail -5 chromium.err; exit 1; }
	check_page dom.html
	# shellcheck disable=SC2086
	timeout 120 "$CHROMIUM" $flags --window-size=1200,2000 --screenshot="$W/shot.png" \
		"file://$W/out/report.html" >/dev/null 2>> chromium.err || { tail -5 chromium.err; exit 1; }
	python3 - shot.png <<'PY'
import struct, sys
b = open(sys.argv[1], "rb").read()
assert b[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
w, h = struct.unpack(">II", b[16:24])
assert w >= 1000 and h >= 1000 and len(b) > 20000, (w, h, len(b))
print("   screenshot %dx%d, %d bytes" % (w, h, len(b)))
PY
fi
echo "PASS"
