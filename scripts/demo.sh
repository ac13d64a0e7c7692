#!/bin/sh
# The main job: real workloads from Debian's binaries in pare images,
# measured against Debian in the same run.
#
#   OUT=DIR ./scripts/demo.sh        (OUT defaults to ./demo-out)
#
# 1. install what is needed (scripts/install-deps.sh) and build pare;
# 2. import the base set (sets/base.yaml) and the catalog's closures from
#    the machine's Debian sources with `pare import-deb` into a signed
#    repository (downloads cached between runs);
# 3. build every catalog image (catalog/*.yaml) twice: by package names and
#    by strip-down from the program (--add-binary); `pare image build` runs
#    each config's tests under runc; then `pare inspect` on each image;
# 4. build the Debian baselines with mmdebstrap (scripts/debian-baseline.sh,
#    running alongside 2-3; downloads cached between runs);
# 5. run the nine glibc compatibility scenarios (meson suite 'compat');
# 6. write OUT/results.json, then `pare image report` writes
#    OUT/report.json and OUT/report.html and prints the table.
# OUT/results.json and OUT/report.json are documented in docs/report.md.
# A step that fails is recorded in the report (and the exit status is 1);
# the run goes on so the report always shows everything measured.
set -eu
cd "$(dirname "$0")/.."
src=$PWD
OUT=${OUT:-$src/demo-out}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
./scripts/install-deps.sh
if [ -f build/build.ninja ]; then meson setup --reconfigure build >/dev/null; else meson setup build >/dev/null; fi
ninja -C build >/dev/null
pare=${PARE:-$src/build/src/cli/pare}
export SOURCE_DATE_EPOCH=1700000000
start=$(date +%s)
work=$OUT/work
rm -rf "$work" "$OUT/images" "$OUT/debian" "$OUT/facts"
mkdir -p "$work" "$OUT/images" "$OUT/debian" "$OUT/facts" "$OUT/logs"
say() { echo "== $* ($(($(date +%s) - start)) s)"; }
has_applet() { "$pare" help "$1" >/dev/null 2>&1; }

# workload  Debian packages for the baseline   packages imported for the image
WORKLOADS="hello:
redis:redis-server:redis-server,redis-tools,dash
nginx:nginx:nginx,netcat-openbsd,dash
postgresql:postgresql-15:postgresql-15,postgresql-client-15,dash
python:python3.11:python3.11,ca-certificates
node:nodejs:nodejs,ca-certificates
openssl:openssl:openssl,dash"
# Alpine images users pick for the same workloads: published gzip sizes.
alpine_bytes() {
	case $1 in
	redis) echo 16300000 ;; nginx) echo 5400000 ;; python) echo 18000000 ;;
	node) echo 47400000 ;; postgresql) echo 94000000 ;; *) echo null ;;
	esac
}

say "Debian baselines with mmdebstrap (in the background)"
(
	echo "$WORKLOADS" | while IFS=: read -r name deb _; do
		# shellcheck disable=SC2086
		./scripts/debian-baseline.sh "$name" $(echo "$deb" | tr ',' ' ') \
			> "$OUT/debian/$name.json" 2> "$OUT/logs/debian-$name.log" ||
			rm -f "$OUT/debian/$name.json"
	done
) &
baseline_pid=$!

say "a signing key and the repository"
cd "$work"
mkdir -p keys
"$pare" keygen -o keys pare >/dev/null
mkdir -p repo/x86_64
import_error=""
# apt as on a machine with nothing installed: the candidates are then what
# the Debian sources offer, whatever this machine has installed from
# elsewhere (a nodejs from another vendor, say).
: > empty-dpkg-status
echo "Dir::State::status \"$work/empty-dpkg-status\";" > apt.conf
export APT_CONFIG="$work/apt.conf"
if has_applet import-deb; then
	apt=""
	# the catalog's closures, and what the compatibility scenarios use
	for p in $(echo "$WORKLOADS" | cut -d: -f3 | tr ',' ' ') libc-bin \
		$("$src/tests/compat/compat.sh" --apt-list); do apt="$apt --apt $p"; done
	# shellcheck disable=SC2086
	"$src/scripts/catalog-set.sh" > base-catalog.yaml
	"$pare" import-deb -o repo -k keys/pare.rsa --set base-catalog.yaml $apt --closure \
		> "$OUT/logs/import.log" 2>&1 || import_error="pare import-deb failed: $(tail -1 "$OUT/logs/import.log")"
else
	import_error="this pare has no import-deb (issue 13)"
fi
[ -z "$import_error" ] || echo "   $import_error"

say "hello, compiled here with gcc and packed"
mkdir -p hello/usr/bin
printf '#include <stdio.h>\nint main(void){puts("hello from a pare image");return 0;}\n' > hello.c
cc -O2 -o hello/usr/bin/hello hello.c
"$pare" mkpkg -k keys/pare.rsa -s pkgname=hello -s pkgver=1.0-r0 -s arch=x86_64 -s license=MIT \
	-s "pkgdesc=hello from a pare image" -s 'depend=so:libc.so.6' \
	-o repo/x86_64/hello-1.0-r0.apk hello >/dev/null
"$pare" --keys-dir "$work/keys" index -k keys/pare.rsa -o repo/x86_64/APKINDEX.tar.gz repo/x86_64/*.apk \
	>/dev/null 2>&1 || import_error="${import_error:+$import_error; }pare index failed"

# Does this pare run the configs' tests (issue 14)?  Else the test
# sections are cut from a copy of the config and scripts/image-tests.py
# runs them the same way under runc.
runs_tests=false
"$pare" help image 2>&1 | grep -q -- '--skip-tests' && runs_tests=true

# config_for NAME MODE: the config to build (path on stdout).
config_for() {
	python3 - "$src/catalog/$1.yaml" "$src/catalog/$1.strip" "$2" "$runs_tests" <<'PY'
import re, sys
cfg, strip, mode, runs = open(sys.argv[1]).read(), sys.argv[2], sys.argv[3], sys.argv[4] == "true"
if mode == "add-binary":
    keep = [l.split()[1] for l in open(strip) if l.startswith("package ")]
    cfg = re.sub(r"(?m)^  packages: \[.*\]$", "  packages: [%s]" % ", ".join(keep), cfg)
if not runs:
    cfg = re.sub(r"(?ms)^test:\n.*", "", cfg)
print(cfg, end="")
PY
}

# build NAME MODE: one image, its facts in $OUT/facts/NAME-MODE.json.
build() {
	name=$1 mode=$2 id=$1-$2
	cfg=$work/$id.yaml log=$OUT/logs/build-$id.log
	err="" bins=""
	config_for "$name" "$mode" > "$cfg"
	if [ "$mode" = add-binary ]; then
		# the program's files, taken from the packages-mode image
		if [ -d "$OUT/images/$name-packages" ] &&
			umoci unpack --image "$OUT/images/$name-packages:latest" "$work/from-$name" >/dev/null 2>&1; then
			for b in $(awk '$1 == "binary" { print $2 }' "$src/catalog/$name.strip"); do
				bins="$bins --add-binary $work/from-$name/rootfs$b:$b"
			done
		else
			err="no packages-mode image to take the program from"
		fi
	fi
	if [ -z "$err" ]; then
		# shellcheck disable=SC2086
		"$pare" image build "$cfg" -o "$OUT/images/$id" -t latest $bins --json \
			> "$OUT/logs/build-$id.json" 2> "$log" ||
			{ rm -rf "$OUT/images/$id"; err="pare image build failed: $(grep -m1 ERROR "$log" || grep -m1 . "$log" || echo "no message")"; }
	fi
	if [ -z "$err" ] && [ $runs_tests = false ]; then
		"$src/scripts/image-tests.py" "$OUT/images/$id" "$src/catalog/$name.yaml" \
			> "$OUT/logs/tests-$id.json" 2>> "$log" || err="a test failed"
	fi
	if [ -d "$OUT/images/$id" ] && has_applet inspect; then
		"$pare" inspect --json "$OUT/images/$id" > "$OUT/logs/inspect-$id.json" 2>> "$log" || true
	fi
	python3 - "$OUT" "$name" "$mode" "$err" "$runs_tests" "$(alpine_bytes "$name")" \
		"$src/catalog/$name.yaml" > "$OUT/facts/$id.json" <<'PY'
import json, os, sys, yaml
out, name, mode, err, runs, alpine, cfgfile = sys.argv[1:8]
id = name + "-" + mode
f = {"name": name, "mode": mode}
if os.path.isdir(os.path.join(out, "images", id)):
    f["layout"] = "images/" + id
tests = [t.get("name") or " ".join(t["run"]) for t in yaml.safe_load(open(cfgfile)).get("test", [])]
built = "layout" in f
verdicts = os.path.join(out, "logs", "tests-%s.json" % id)
if runs == "true":
    # pare image build runs the tests and fails when one fails: built = passed.
    f["tests"] = [{"name": t, "passed": built} for t in tests]
elif built and os.path.exists(verdicts) and os.path.getsize(verdicts):
    f["tests"] = [{"name": v["name"], "passed": v["passed"], "why": v["why"]}
                  for v in json.load(open(verdicts))]
else:
    f["tests"] = [{"name": t, "passed": False} for t in tests]
f["tests_passed"] = built and bool(f["tests"]) and all(t["passed"] for t in f["tests"])
failed = [t for t in f["tests"] if not t["passed"] and t.get("why")]
if failed:
    err = "test '%s': %s" % (failed[0]["name"], failed[0]["why"])
ins = os.path.join(out, "logs", "inspect-%s.json" % id)
if built and os.path.exists(ins) and os.path.getsize(ins):
    try:
        j = json.load(open(ins))
        checks = j.get("checks", []) if isinstance(j, dict) else j
        failed = [c for c in checks if c.get("result") == "fail"]
        f["inspect_errors"] = sum(1 for c in failed if c.get("severity") == "error")
        f["inspect"] = {"passed": sum(1 for c in checks if c.get("result") == "pass"),
                        "failed": len(failed),
                        "warnings": sum(1 for c in failed if c.get("severity") == "warning")}
        bad = ["%s %s (%s)" % (c["id"], c.get("title", ""), ", ".join(c.get("evidence", [])[:3]))
               for c in failed if c.get("severity") == "error"]
        if bad:
            err = (err + "; " if err else "") + "inspect: " + "; ".join(bad[:5])
    except Exception as e:
        err = (err + "; " if err else "") + "pare inspect output unreadable: %s" % e
elif built:
    err = (err + "; " if err else "") + "not inspected: this pare has no inspect (issue 14)"
if err:
    f["error"] = err
if alpine != "null":
    f["alpine_compressed_bytes"] = int(alpine)
json.dump(f, sys.stdout)
PY
	if [ -n "$err" ]; then echo "   $id: $err"; else echo "   $id: built, tested"; fi
}

say "catalog images (by package names, then by strip-down)"
for name in $(echo "$WORKLOADS" | cut -d: -f1); do
	build "$name" packages
	build "$name" add-binary
done

say "the nine glibc compatibility scenarios (meson suite 'compat')"
cd "$src"
compat_dir=$OUT/compat
rm -rf "$compat_dir"; mkdir -p "$compat_dir"
PARE_COMPAT_OUT=$compat_dir PARE_COMPAT_REPO=$work/repo PARE_COMPAT_KEY=$work/keys/pare.rsa \
	meson test -C build --setup compat --suite compat --num-processes 2 > "$OUT/logs/compat.log" 2>&1 || true

say "waiting for the Debian baselines"
wait "$baseline_pid" || true

python3 - "$OUT" "$src/tests/compat/scenarios.txt" <<'PY'
import glob, json, os, sys
out, scen = sys.argv[1], sys.argv[2]
ws = []
facts = {}
for p in glob.glob(os.path.join(out, "facts", "*.json")):
    f = json.load(open(p)); facts[(f["name"], f["mode"])] = f
order = ["hello", "redis", "nginx", "postgresql", "python", "node", "openssl"]
for name in order:
    deb = {}
    p = os.path.join(out, "debian", name + ".json")
    if os.path.exists(p) and os.path.getsize(p):
        deb = json.load(open(p))
    for mode in ("packages", "add-binary"):
        f = facts.get((name, mode), {"name": name, "mode": mode, "tests_passed": False,
                                     "error": "not built"})
        for k in ("debian_a_bytes", "debian_b_bytes", "debian_a_compressed_bytes",
                  "debian_b_compressed_bytes"):
            if k in deb:
                f[k] = deb[k]
        if not deb:
            f["error"] = (f.get("error", "") + "; " if f.get("error") else "") + "no Debian baseline (see logs/debian-%s.log)" % name
        ws.append(f)
compat = []
names = [l.split()[0] for l in open(scen) if l.strip() and not l.startswith("#")] if os.path.exists(scen) else []
for n in names:
    p = os.path.join(out, "compat", n + ".json")
    c = json.load(open(p)) if os.path.exists(p) else {"name": n, "passed": False, "error": "not run"}
    compat.append(c)
json.dump({"workloads": ws, "compat": compat}, open(os.path.join(out, "results.json"), "w"), indent=1)
PY

say "the report"
"$pare" image report "$OUT" --json --html "$OUT/report.html" > "$OUT/report.json"
"$pare" image report "$OUT"
echo "report: $OUT/report.html ($OUT/report.json); $(($(date +%s) - start)) s"
python3 - "$OUT/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
good = [w for w in r["workloads"] if w.get("tests_passed") and w.get("inspect_errors") == 0]
cp = sum(1 for c in r["compat"] if c.get("passed"))
print("demo: %d of %d images built, tested and inspected clean; compat %d/%d" %
      (len(good), len(r["workloads"]), cp, len(r["compat"])))
sys.exit(0 if len(good) == len(r["workloads"]) and cp == len(r["compat"]) >= 9 else 1)
PY
