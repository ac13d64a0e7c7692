#!/usr/bin/env bash
# Slow suite: Debian's redis-server closure imported with the base set, an
# image built by package name from it (<= 20 MiB uncompressed, no gconv
# modules, no redis-cli), run under runc, answering PING on 127.0.0.1.
# usage: redis_image.sh PARE SOURCE_DIR CACHE_DIR
set -u
PARE=$(realpath "$1") SRC=$(realpath "$2") CACHE=$(realpath -m "$3")
T=$(mktemp -d)
NAME=pare-import-redis-$$
cleanup() { runc delete -f "$NAME" >/dev/null 2>&1; rm -rf "$T"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$PARE" keygen -o "$T" imp >/dev/null 2>&1 || fail "keygen"
"$PARE" import-deb -o "$T/repo" -k "$T/imp.rsa" --set "$SRC/sets/base.yaml" \
	--apt redis-server --closure --deb-cache "$CACHE" >"$T/imp.log" 2>&1 ||
	fail "import: $(tail -1 "$T/imp.log")"
grep -q '^  redis-cli ' "$T/imp.log" || fail "redis-cli is not its own subpackage"
ls "$T"/repo/x86_64/glibc-libm-*.apk >/dev/null 2>&1 || fail "no glibc-libm"
cat >"$T/img.yaml" <<YAML
contents:
  repositories: [$T/repo]
  keyring: [$T/imp.rsa.pub]
  packages: [redis-server]
entrypoint:
  command: /usr/bin/redis-server
archs: [x86_64]
YAML
(cd "$T" && "$PARE" image build "$T/img.yaml" -t latest -o "$T/out" >"$T/b.log" 2>&1) ||
	fail "image build: $(tail -1 "$T/b.log")"
# The same image from the binary's path: CONTENTS names its package.
grep -v packages: "$T/img.yaml" >"$T/img2.yaml"
(cd "$T" && "$PARE" image build "$T/img2.yaml" --add-binary /usr/bin/redis-server -t latest \
	-o "$T/out2" >"$T/b2.log" 2>&1) || fail "image build --add-binary: $(tail -1 "$T/b2.log")"
cmp -s "$T/out/index.json" "$T/out2/index.json" ||
	fail "--add-binary /usr/bin/redis-server gives another image than packages: [redis-server]"
umoci unpack --image "$T/out:latest" "$T/bun" >/dev/null 2>&1 || fail "umoci unpack"
R=$T/bun/rootfs
[ -z "$(find "$R" -path '*gconv*' -name '*.so')" ] || fail "gconv modules in the image"
[ ! -e "$R/usr/bin/redis-cli" ] || fail "redis-cli in the image"
[ ! -e "$R/usr/share/man" ] || fail "man pages in the image"
size=$(du -sb --apparent-size "$R" | awk '{print $1}')
[ "$size" -le $((20 * 1048576)) ] || fail "image is $size bytes (> 20 MiB)"
python3 - "$T/bun/config.json" <<'PY'
import json, sys
p = sys.argv[1]; c = json.load(open(p)); pr = c["process"]; pr["terminal"] = False
pr["args"] = ["/usr/bin/redis-server", "--port", "6392", "--save", "", "--appendonly", "no",
              "--bind", "127.0.0.1"]
c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "network"]
json.dump(c, open(p, "w"))
PY
(cd "$T" && timeout 40 runc run -d -b "$T/bun" "$NAME" >"$T/run.log" 2>&1) || fail "runc: $(tail -1 "$T/run.log")"
pong=""
for _ in $(seq 20); do
	pong=$(python3 -c 'import socket
s = socket.create_connection(("127.0.0.1", 6392), timeout=2); s.sendall(b"PING\r\n")
print(s.recv(64).decode().strip())' 2>/dev/null) && [ "$pong" = "+PONG" ] && break
	sleep 0.5
done
[ "$pong" = "+PONG" ] || fail "no PONG from redis under runc"
echo "redis image $size bytes, PING -> $pong"
