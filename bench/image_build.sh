#!/bin/sh
# Benchmark: `pare image build` of a 20-package image from a local signed
# repository, against `tar -c | gzip -6` of the same root (the lower bound:
# only packing, no solve, no verified install, no loader check).  Both use
# gzip level 6 (pare's layer default).  Prints the best of RUNS wall times
# and the ratio (target: 1.3 or less).
#   usage: bench/image_build.sh PARE [RUNS]
# Packages: glibc (the host's ld.so, libc, libm), hello (a program built
# here), and 18 data packages made from the largest ELF-free directories
# of the host's /usr/share (each at most 8 MiB).
set -eu
PARE=$(realpath "$1")
runs=${2:-3}
command -v cc >/dev/null 2>&1 || { echo "SKIP: no cc"; exit 77; }
W=$(mktemp -d /tmp/pare-bench-image.XXXXXX)
trap 'rm -rf "$W"' EXIT
cd "$W"
export SOURCE_DATE_EPOCH=1700000000
ARCH=x86_64

printf '#include <stdio.h>\nint main(void) { puts("hello"); return 0; }\n' > hello.c
cc -O2 -o hello hello.c
mkdir -p keys repo/$ARCH
"$PARE" keygen -o keys bench >/dev/null
pkg() { # pkg NAME TREE [mkpkg args]
	name=$1 tree=$2; shift 2
	"$PARE" mkpkg -s pkgname="$name" -s pkgver=1.0-r0 -s arch=$ARCH -s license=MIT \
		-s "pkgdesc=$name" "$@" -k keys/bench.rsa -o "repo/$ARCH/$name-1.0-r0.apk" "$tree" \
		>/dev/null
}

libdir=usr/lib/x86_64-linux-gnu
mkdir -p glibc/$libdir glibc/lib64 hello-t/usr/bin
for l in libc.so.6 libm.so.6 ld-linux-x86-64.so.2; do
	cp "$(realpath /$libdir/$l)" glibc/$libdir/$l
done
ln -s /$libdir/ld-linux-x86-64.so.2 glibc/lib64/ld-linux-x86-64.so.2
pkg glibc glibc -s "provides=so:libc.so.6=6" -s "provides=so:libm.so.6=6" \
	-s "provides=so:ld-linux-x86-64.so.2=2"
cp hello hello-t/usr/bin/hello
pkg hello hello-t -s "depend=so:libc.so.6"

python3 - <<'EOF' > dirs
import os
cands = []
for n in sorted(os.listdir("/usr/share")):
    p = os.path.join("/usr/share", n)
    if os.path.islink(p) or not os.path.isdir(p):
        continue
    size, ok = 0, True
    for d, _, fs in os.walk(p):
        for f in fs:
            q = os.path.join(d, f)
            try:
                if os.path.islink(q) or not os.path.isfile(q):
                    continue
                size += os.path.getsize(q)
                with open(q, "rb") as h:
                    if h.read(4) == b"\x7fELF":
                        ok = False
            except OSError:
                ok = False
    if ok and 64 * 1024 <= size <= 8 << 20:
        cands.append((size, n))
for size, n in sorted(cands, reverse=True)[:18]:
    print(n)
EOF
deps="hello"
i=0
while read -r d; do
	i=$((i + 1))
	mkdir -p "data$i/usr/share"
	cp -a "/usr/share/$d" "data$i/usr/share/"
	pkg "data$i" "data$i"
	deps="$deps, data$i"
done < dirs
"$PARE" --keys-dir "$W/keys" index -o repo/$ARCH/APKINDEX.tar.gz -k keys/bench.rsa \
	repo/$ARCH/*.apk >/dev/null
npkgs=$(ls repo/$ARCH/*.apk | wc -l)
cat > image.yaml <<EOF
contents:
  keyring: [$W/keys/bench.rsa.pub]
  repositories: [$W/repo]
  packages: [$deps]
entrypoint:
  command: /usr/bin/hello
archs: [x86_64]
EOF

now() { date +%s.%N; }
best=""
for r in $(seq "$runs"); do
	rm -rf out st
	t0=$(now)
	"$PARE" image build image.yaml -o out --staging st > build.txt
	t1=$(now)
	t=$(echo "$t1 - $t0" | bc)
	if [ -z "$best" ] || [ "$(echo "$t < $best" | bc)" = 1 ]; then best=$t; fi
done
base=""
for r in $(seq "$runs"); do
	t0=$(now)
	tar -C st/$ARCH --sort=name -cf - . | gzip -6 > root.tar.gz
	t1=$(now)
	t=$(echo "$t1 - $t0" | bc)
	if [ -z "$base" ] || [ "$(echo "$t < $base" | bc)" = 1 ]; then base=$t; fi
done
grep 'image size' build.txt
echo "packages in the repository: $npkgs, installed: $(grep -c '^P:' st/$ARCH/lib/apk/db/installed)"
echo "layer: $(python3 -c 'import json;m=json.load(open("out/index.json"))["manifests"][0];print(m["digest"])')"
echo "tar|gzip -6 of the root: $(stat -c %s root.tar.gz) bytes"
printf 'pare image build: %.3f s   tar -c | gzip -6: %.3f s   ratio %.2f (target <= 1.3)\n' \
	"$best" "$base" "$(echo "$best / $base" | bc -l)"
