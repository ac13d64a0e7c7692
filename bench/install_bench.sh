#!/bin/sh
# Install benchmark: 200 small and 20 large packages into a fresh root on
# tmpfs with `pare install-files`, against `tar -xzf` of the same data
# members (the lower bound).  Usage: bench/install_bench.sh [PARE] [APK]
# APK (optional): an apk-tools binary to compare with (apk add --root ...
# --allow-untrusted --no-scripts --initdb FILES).
set -eu
PARE=$(realpath "${1:-build/src/cli/pare}")
APK=${2:-}
W=$(mktemp -d /dev/shm/pare-bench-XXXXXX)
trap 'rm -rf "$W"' EXIT
cd "$W"
mkdir -p keys && "$PARE" keygen -o keys bench >/dev/null
python3 - "$PARE" <<'PY'
import os, random, subprocess, sys, zlib
pare = sys.argv[1]
rng = random.Random(1)
words = [b"alpha", b"beta", b"gamma", b"delta", b"epsilon", b"\n"]
def blob(n):  # half text, half random: compresses about 2:1
    t = b" ".join(rng.choices(words, k=n // 12))[: n // 2]
    return t + os.urandom(n - len(t))
def make(kind, i, nfiles, size):
    tree = "tree/%s%d" % (kind, i)
    for j in range(nfiles):
        d = os.path.join(tree, "usr/share/%s%d/d%d" % (kind, i, j % 4))
        os.makedirs(d, exist_ok=True)
        open(os.path.join(d, "f%d" % j), "wb").write(blob(size))
    os.makedirs("pkgs/" + kind, exist_ok=True)
    out = "pkgs/%s/%s%d-1.0-r0.apk" % (kind, kind, i)
    subprocess.run([pare, "mkpkg", "-s", "pkgname=%s%d" % (kind, i), "-s", "pkgver=1.0-r0",
                    "-k", "keys/bench.rsa", "-l", "6", "-o", out, tree], check=True)
    # The data member, alone, for tar -xzf.
    data = open(out, "rb").read()
    members, rest = [], data
    while rest:
        d = zlib.decompressobj(31)
        d.decompress(rest)
        used = len(rest) - len(d.unused_data)
        members.append(rest[:used]); rest = d.unused_data
    os.makedirs("data/" + kind, exist_ok=True)
    open("data/%s/%d.tar.gz" % (kind, i), "wb").write(members[-1])
for i in range(200):
    make("small", i, 5, 2000)
for i in range(20):
    make("large", i, 40, 120000)
PY
now() { date +%s.%N; }
run() { # KIND
	kind=$1
	rm -rf root tarroot; mkdir -p root/etc/apk/keys tarroot
	cp keys/bench.rsa.pub root/etc/apk/keys/
	t0=$(now); for f in data/$kind/*.tar.gz; do tar --warning=no-unknown-keyword -xzf "$f" -C tarroot; done; t1=$(now)
	"$PARE" --root root -q install-files --initdb --no-scripts pkgs/$kind/*.apk >/dev/null
	t2=$(now)
	tar_s=$(echo "$t1 - $t0" | bc -l); pare_s=$(echo "$t2 - $t1" | bc -l)
	printf '%s: %s packages, %s\n' "$kind" "$(ls pkgs/$kind | wc -l)" "$(du -sh tarroot | cut -f1)"
	printf '  tar -xzf (lower bound): %.3f s\n  pare install-files:     %.3f s\n  ratio: %.2f\n' \
		"$tar_s" "$pare_s" "$(echo "$pare_s / $tar_s" | bc -l)"
	if [ -n "$APK" ]; then
		rm -rf aroot; mkdir -p aroot/etc/apk/keys; cp keys/bench.rsa.pub aroot/etc/apk/keys/
		t3=$(now)
		"$APK" --root aroot add --initdb --no-scripts --allow-untrusted --no-network --force-non-repository \
			pkgs/$kind/*.apk >apk.log 2>&1 || { echo "  (apk failed:"; tail -3 apk.log; }
		t4=$(now)
		printf '  apk add:                %.3f s\n' "$(echo "$t4 - $t3" | bc -l)"
	fi
}
run small
run large
