#!/bin/sh
# The main job: real workloads from Debian's binaries in pare images,
# measured against Debian in the same run.
#
#   OUT=DIR ./scripts/demo.sh        (OUT defaults to ./demo-out)
#
# 1. install what is needed (scripts/install-deps.sh) and build pare;
# 2. import the base set (sets/base.yaml) and the catalog's closures from
#    the machine's Debian sources with `pare import-deb` into a signed
#    repository, and pack `hello` (compiled here) into it;
# 3. build every catalog image (catalog/*.yaml) three ways: by package
#    names, by strip-down from the program (--add-binary) and by package
#    names pruned by the tests' trace (--prune=trace); `pare image build`
#    runs each config's tests under runc (twice when pruning: the second
#    run is on the pruned root); then `pare inspect` on each image;
# 4. build the Debian baselines with mmdebstrap (scripts/debian-baseline.sh,
#    three at a time, alongside 2-3);
# 5. run the nine glibc compatibility scenarios (meson suite 'compat', the
#    same tests/compat/compat.sh that `meson test --setup compat` runs, on
#    this run's repository);
# 6. write OUT/results.json, then `pare image report` writes
#    OUT/report.json and OUT/report.html and prints the table.
# OUT/results.json and OUT/report.json are documented in docs/report.md.
#
# Caches (PARE_DEMO_CACHE, default ~/.cache/pare/demo; .deb downloads in
# ~/.cache/pare/debs and ~/.cache/pare/mmdebstrap), each keyed by what
# decides its content, so a warm run redoes only what changed:
#   import/KEY   the signed repository and its key (KEY: pare's sources,
#                the set file, the names imported, the apt lists' state,
#                hello's source and compiler);
#   debian/KEY   one Debian root's measurement (scripts/debian-baseline.sh);
#   images/KEY   one image with its build output (KEY: the config, the
#                added binaries, the repository, pare's sources, the mode);
#                a cached image's tests are run again (`pare image test`)
#                and it is inspected again, in every run; images no run
#                used for a week are removed.
# PARE_DEMO_FRESH=1 ignores the image cache.
# A step that fails is recorded in the report (and the exit status is 1);
# the run goes on so the report always shows everything measured.
set -eu
cd "$(dirname "$0")/.."
src=$PWD
OUT=${OUT:-$src/demo-out}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
cache=${PARE_DEMO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pare/demo}
mkdir -p "$cache/import" "$cache/debian" "$cache/images"
./scripts/install-deps.sh
if [ -f build/build.ninja ]; then meson setup --reconfigure build >/dev/null; else meson setup build >/dev/null; fi
ninja -C build >/dev/null
pare=${PARE:-$src/build/src/cli/pare}
export SOURCE_DATE_EPOCH=1700000000
start=$(date +%s)
work=$OUT/work
rm -rf "$work" "$OUT/images" "$OUT/debian" "$OUT/facts" "$OUT/logs"
mkdir -p "$work" "$OUT/images" "$OUT/debian" "$OUT/facts" "$OUT/logs"
times=$OUT/logs/times.txt
say() { echo "== $* ($(($(date +%s) - start)) s)"; echo "$(($(date +%s) - start)) $*" >> "$times"; }
sha() { sha256sum | cut -c1-32; }
# pare's sources (not the binary: its bytes change with the build folder)
srckey=$(find src sets meson.build meson_options.txt -type f | LC_ALL=C sort |
	xargs sha256sum | sha)

# workload  Debian packages for the baseline   packages imported for the image
WORKLOADS="hello:
redis:redis-server:redis-server,redis-tools,dash
nginx:nginx:nginx,netcat-openbsd,dash
postgresql:postgresql-15:postgresql-15,postgresql-client-15,dash
python:python3.11:python3.11,ca-certificates
node:nodejs:nodejs,ca-certificates
openssl:openssl:openssl,dash"
deb_of() { echo "$WORKLOADS" | awk -F: -v n="$1" '$1 == n { print $2 }' | tr ',' ' '; }
# Alpine images users pick for the same workloads: published gzip sizes.
alpine_bytes() {
	case $1 in
	redis) echo 16300000 ;; nginx) echo 5400000 ;; python) echo 18000000 ;;
	node) echo 47400000 ;; postgresql) echo 94000000 ;; *) echo null ;;
	esac
}

say "Debian baselines with mmdebstrap (three at a time, in the background)"
# baselines JOB...: NAME/VARIANT jobs one after the other
baselines() {
	for j in "$@"; do
		n=${j%/*} v=${j#*/}
		# shellcheck disable=SC2046
		PARE_BASELINE_CACHE=$cache/debian ./scripts/debian-baseline.sh -v "$v" "$n" $(deb_of "$n") \
			> "$OUT/debian/$n-$v.json" 2> "$OUT/logs/debian-$n-$v.log" ||
			rm -f "$OUT/debian/$n-$v.json"
	done
}
# three queues (each root is mostly dpkg's work, one process at a time),
# the largest roots first
baselines postgresql/a nginx/a python/b node/a hello/b &
baseline_pid1=$!
baselines postgresql/b redis/b python/a openssl/a hello/a &
baseline_pid2=$!
baselines node/b redis/a nginx/b openssl/b &
baseline_pid3=$!

say "the signing key and the repository"
cd "$work"
# apt as on a machine with nothing installed: the candidates are then what
# the Debian sources offer, whatever this machine has installed from
# elsewhere (a nodejs from another vendor, say).
: > empty-dpkg-status
echo "Dir::State::status \"$work/empty-dpkg-status\";" > apt.conf
export APT_CONFIG="$work/apt.conf"
apt=""
# the catalog's closures, and what the compatibility scenarios use
for p in $(echo "$WORKLOADS" | cut -d: -f3 | tr ',' ' ') libc-bin \
	$("$src/tests/compat/compat.sh" --apt-list); do apt="$apt --apt $p"; done
"$src/scripts/catalog-set.sh" > base-catalog.yaml
printf '#include <stdio.h>\nint main(void){puts("hello from a pare image");return 0;}\n' > hello.c
import_key=$({ echo "$srckey $SOURCE_DATE_EPOCH $apt"; cat base-catalog.yaml hello.c
	cc --version; cat /var/lib/apt/lists/*InRelease 2>/dev/null || true; } | sha)
entry=$cache/import/$import_key
import_error=""
if [ -f "$entry/done" ]; then
	echo "   cached: $entry"
	cp "$entry/import.log" "$OUT/logs/import.log"
else
	rm -rf "$entry.tmp"; mkdir -p "$entry.tmp/keys" "$entry.tmp/repo/x86_64" "$entry.tmp/hello/usr/bin"
	"$pare" keygen -o "$entry.tmp/keys" pare >/dev/null
	# shellcheck disable=SC2086
	"$pare" import-deb -o "$entry.tmp/repo" -k "$entry.tmp/keys/pare.rsa" --set base-catalog.yaml $apt --closure \
		> "$OUT/logs/import.log" 2>&1 || import_error="pare import-deb failed: $(tail -1 "$OUT/logs/import.log")"
	# hello, compiled here with gcc and packed
	cc -O2 -o "$entry.tmp/hello/usr/bin/hello" hello.c
	"$pare" mkpkg -k "$entry.tmp/keys/pare.rsa" -s pkgname=hello -s pkgver=1.0-r0 -s arch=x86_64 -s license=MIT \
		-s "pkgdesc=hello from a pare image" -s 'depend=so:libc.so.6' \
		-o "$entry.tmp/repo/x86_64/hello-1.0-r0.apk" "$entry.tmp/hello" >/dev/null
	"$pare" --keys-dir "$entry.tmp/keys" index -k "$entry.tmp/keys/pare.rsa" -o "$entry.tmp/repo/x86_64/APKINDEX.tar.gz" \
		"$entry.tmp/repo/x86_64/"*.apk >/dev/null 2>&1 || import_error="${import_error:+$import_error; }pare index failed"
	if [ -z "$import_error" ]; then
		cp "$OUT/logs/import.log" "$entry.tmp/"
		touch "$entry.tmp/done"
		rm -rf "$entry"; mv "$entry.tmp" "$entry"
		# keep the three newest repositories
		ls -dt "$cache"/import/*/ | tail -n +4 | xargs -r rm -rf
	else
		rm -rf "$entry"; mv "$entry.tmp" "$entry" # looked at, never reused (no done)
	fi
fi
ln -s "$entry/repo" repo
ln -s "$entry/keys" keys
[ -z "$import_error" ] || echo "   $import_error"

# config_for NAME MODE: the config to build (path on stdout).
config_for() {
	python3 - "$src/catalog/$1.yaml" "$src/catalog/$1.strip" "$2" <<'PY'
import re, sys
cfg, strip, mode = open(sys.argv[1]).read(), sys.argv[2], sys.argv[3]
if mode == "add-binary":
    keep = [l.split()[1] for l in open(strip) if l.startswith("package ")]
    cfg = re.sub(r"(?m)^  packages: \[.*\]$", "  packages: [%s]" % ", ".join(keep), cfg)
print(cfg, end="")
PY
}

# build NAME MODE: one image, its facts in $OUT/facts/NAME-MODE.json.
build() {
	name=$1 mode=$2 id=$1-$2
	cfg=$work/$id.yaml log=$OUT/logs/build-$id.log
	err="" bins="" pairs="" opts=""
	config_for "$name" "$mode" > "$cfg"
	if [ "$mode" = add-binary ]; then
		# the program's files, taken from the packages-mode image
		if [ -d "$OUT/images/$name-packages" ] &&
			umoci unpack --image "$OUT/images/$name-packages:latest" "$work/from-$name" >/dev/null 2>&1; then
			for b in $(awk '$1 == "binary" { print $2 }' "$src/catalog/$name.strip"); do
				pairs="$pairs $work/from-$name/rootfs$b:$b"
				bins="$bins --add-binary $work/from-$name/rootfs$b:$b"
			done
		else
			err="no packages-mode image to take the program from"
		fi
	fi
	[ "$mode" = pruned ] && opts="--prune=trace"
	if [ -z "$err" ]; then
		key=$({ echo "$srckey $import_key $mode $SOURCE_DATE_EPOCH"; cat "$cfg"
			for p in $pairs; do echo "${p#*:}"; sha256sum < "${p%%:*}"; done; } | sha)
		hit=$cache/images/$key
		if [ -z "${PARE_DEMO_FRESH:-}" ] && [ -f "$hit/done" ]; then
			# built before from the same inputs: its tests again, here
			touch "$hit" # used: kept by the clean-up below
			cp -a "$hit/layout" "$OUT/images/$id"
			cp "$hit/build.json" "$OUT/logs/build-$id.json"
			{ echo "(cached image $hit; its tests run again)"; cat "$hit/build.log"; } > "$log"
			"$pare" image test "$OUT/images/$id" >> "$log" 2>&1 ||
				err="pare image test failed: $(grep -m1 -i 'fail\|error' "$log" || echo "no message")"
		else
			# shellcheck disable=SC2086
			if "$pare" image build "$cfg" -o "$OUT/images/$id" -t latest $bins $opts --json \
				> "$OUT/logs/build-$id.json" 2> "$log"; then
				rm -rf "$hit.tmp"; mkdir -p "$hit.tmp"
				cp -a "$OUT/images/$id" "$hit.tmp/layout"
				cp "$OUT/logs/build-$id.json" "$hit.tmp/build.json"; cp "$log" "$hit.tmp/build.log"
				touch "$hit.tmp/done"; rm -rf "$hit"; mv "$hit.tmp" "$hit"
			else
				rm -rf "$OUT/images/$id"
				err="pare image build failed: $(grep -m1 ERROR "$log" || grep -m1 . "$log" || echo "no message")"
			fi
		fi
	fi
	if [ -d "$OUT/images/$id" ]; then
		"$pare" inspect --json "$OUT/images/$id" > "$OUT/logs/inspect-$id.json" 2>> "$log" || true
	fi
	python3 - "$OUT" "$name" "$mode" "$err" "$(alpine_bytes "$name")" \
		"$src/catalog/$name.yaml" > "$OUT/facts/$id.json" <<'PY'
import json, os, sys, yaml
out, name, mode, err, alpine, cfgfile = sys.argv[1:7]
id = name + "-" + mode
f = {"name": name, "mode": mode}
if os.path.isdir(os.path.join(out, "images", id)):
    f["layout"] = "images/" + id
tests = [t.get("name") or " ".join(t["run"]) for t in yaml.safe_load(open(cfgfile)).get("test", [])]
built = "layout" in f
# pare image build (or image test) fails when a test fails: built and no error = passed.
ok = built and not err
if mode == "pruned" and built:
    # the tests ran again on the pruned root; a failure there undoes the prune
    try:
        imgs = json.load(open(os.path.join(out, "logs", "build-%s.json" % id))).get("images", [])
        p = imgs[0].get("prune") if imgs else None
    except Exception:
        p = None
    if not p:
        ok, err = False, err or "no prune record in the build's output"
    else:
        f["prune"] = {k: p[k] for k in ("kept", "bytesBefore", "bytesAfter", "filesBefore",
                                        "filesAfter", "failedTest", "missingFile") if k in p}
        if not p.get("kept"):
            ok = False
            err = err or "prune undone: test '%s' failed on the pruned root%s" % (
                p.get("failedTest", "?"),
                " (it needs /%s)" % p["missingFile"] if p.get("missingFile") else "")
f["tests"] = [{"name": t, "passed": ok} for t in tests]
f["tests_passed"] = ok and bool(f["tests"])
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
    err = (err + "; " if err else "") + "pare inspect gave no output"
if err:
    f["error"] = err
if alpine != "null":
    f["alpine_compressed_bytes"] = int(alpine)
json.dump(f, sys.stdout)
PY
	python3 -c 'import json,sys; f=json.load(open(sys.argv[1])); print("   %s: %s" % (sys.argv[2], f.get("error") or "built, tested, inspected"))' \
		"$OUT/facts/$id.json" "$id"
}
# lane NAME...: each workload's three images, one after the other
lane() {
	for name in "$@"; do
		build "$name" packages
		build "$name" add-binary
		build "$name" pruned
	done
}

say "catalog images (by package names, by strip-down, pruned by trace), two lanes"
# every workload's tests use their own 127.0.0.1 ports, so two lanes never meet
lane postgresql redis hello openssl > "$OUT/logs/lane1.txt" 2>&1 &
lane1=$!
lane node python nginx > "$OUT/logs/lane2.txt" 2>&1 &
lane2=$!
wait "$lane1" || true
wait "$lane2" || true
cat "$OUT/logs/lane1.txt" "$OUT/logs/lane2.txt"
# images no run has used for a week go
find "$cache/images" -mindepth 1 -maxdepth 1 -mtime +7 -exec rm -rf {} + 2>/dev/null || true

say "the nine glibc compatibility scenarios (meson suite 'compat')"
cd "$src"
compat_dir=$OUT/compat
rm -rf "$compat_dir"; mkdir -p "$compat_dir"
PARE_COMPAT_OUT=$compat_dir PARE_COMPAT_REPO=$work/repo PARE_COMPAT_KEY=$work/keys/pare.rsa \
	meson test -C build --setup compat --suite compat --num-processes 2 > "$OUT/logs/compat.log" 2>&1 || true
grep -E '^ *[0-9]+/[0-9]+ ' "$OUT/logs/compat.log" | sed 's/^/   /' || true

say "waiting for the Debian baselines"
wait "$baseline_pid1" || true
wait "$baseline_pid2" || true
wait "$baseline_pid3" || true

python3 - "$OUT" "$src/tests/compat/scenarios.txt" <<'PY'
import glob, json, os, sys
out, scen = sys.argv[1], sys.argv[2]
ws = []
facts = {}
for p in glob.glob(os.path.join(out, "facts", "*.json")):
    f = json.load(open(p)); facts[(f["name"], f["mode"])] = f
order = ["hello", "redis", "nginx", "postgresql", "python", "node", "openssl"]
for name in order:
    deb, missing = {}, []
    for v in ("a", "b"):
        p = os.path.join(out, "debian", "%s-%s.json" % (name, v))
        if os.path.exists(p) and os.path.getsize(p):
            deb.update(json.load(open(p)))
        else:
            missing.append("logs/debian-%s-%s.log" % (name, v))
    for mode in ("packages", "add-binary", "pruned"):
        f = facts.get((name, mode), {"name": name, "mode": mode, "tests_passed": False,
                                     "error": "not built"})
        for k in ("debian_a_bytes", "debian_b_bytes", "debian_a_compressed_bytes",
                  "debian_b_compressed_bytes"):
            if k in deb:
                f[k] = deb[k]
        if missing:
            f["error"] = (f.get("error", "") + "; " if f.get("error") else "") + \
                "no Debian baseline (see %s)" % ", ".join(missing)
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
say "done"
echo "report: $OUT/report.html ($OUT/report.json); $(($(date +%s) - start)) s; step times in $times"
python3 - "$OUT/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
good = [w for w in r["workloads"] if w.get("tests_passed") and w.get("inspect_errors") == 0]
cp = sum(1 for c in r["compat"] if c.get("passed"))
print("demo: %d of %d images built, tested and inspected clean; compat %d/%d" %
      (len(good), len(r["workloads"]), cp, len(r["compat"])))
sys.exit(0 if len(good) == len(r["workloads"]) and cp == len(r["compat"]) >= 9 else 1)
PY
