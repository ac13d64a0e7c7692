#!/usr/bin/env bash
# Slow suite: Python 3.11 and numpy imported from Debian with the base set;
# an image of python3.11 + python3.11-sqlite3 + python3-numpy imports json,
# ssl and sqlite3 and inverts a matrix with numpy (libblas.so.3 and
# liblapack.so.3 exist only as update-alternatives links) under runc.
# usage: python_image.sh PARE SOURCE_DIR CACHE_DIR
set -u
PARE=$(realpath "$1") SRC=$(realpath "$2") CACHE=$(realpath -m "$3")
T=$(mktemp -d)
NAME=pare-import-python-$$
trap 'runc delete -f "$NAME" >/dev/null 2>&1; rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$PARE" keygen -o "$T" imp >/dev/null 2>&1 || fail "keygen"
"$PARE" import-deb -o "$T/repo" -k "$T/imp.rsa" --set "$SRC/sets/base.yaml" \
	--apt python3.11 --apt python3-numpy --closure --deb-cache "$CACHE" >"$T/imp.log" 2>&1 ||
	fail "import: $(tail -1 "$T/imp.log")"
n=$(awk '$1 == "python3.11" {print $2}' "$T/imp.log" | tail -1)
[ "${n:-0}" -ge 11 ] || fail "python3.11 gives $n subpackages (< 11)"
cat >"$T/img.yaml" <<YAML
contents:
  repositories: [$T/repo]
  keyring: [$T/imp.rsa.pub]
  packages: [python3.11, python3.11-sqlite3, python3-numpy]
entrypoint:
  command: /usr/bin/python3.11
archs: [x86_64]
YAML
(cd "$T" && "$PARE" image build "$T/img.yaml" -t latest -o "$T/out" >"$T/b.log" 2>&1) ||
	fail "image build: $(tail -1 "$T/b.log")"
umoci unpack --image "$T/out:latest" "$T/bun" >/dev/null 2>&1 || fail "umoci unpack"
python3 - "$T/bun/config.json" <<'PY'
import json, sys
p = sys.argv[1]; c = json.load(open(p)); c["process"]["terminal"] = False
c["process"]["args"] = ["/usr/bin/python3.11", "-c",
    "import json, ssl, sqlite3; import numpy as np; "
    "print(json.dumps(np.linalg.inv(np.array([[2., 1.], [1., 3.]])).round(3).tolist()))"]
json.dump(c, open(p, "w"))
PY
out=$(cd "$T" && timeout 60 runc run -b "$T/bun" "$NAME" 2>&1 | tail -1)
[ "$out" = "[[0.6, -0.2], [-0.2, 0.4]]" ] || fail "python under runc: $out"
echo "python3.11: $n subpackages; json, ssl, sqlite3 and numpy.linalg.inv work under runc"
