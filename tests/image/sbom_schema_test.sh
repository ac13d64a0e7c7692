#!/bin/sh
# The SBOMs pare image build writes, validated against the official schemas:
# SPDX 2.3 (tests/image/schemas) and CycloneDX 1.5 (from the npm package
# @cyclonedx/cyclonedx-library), with ajv.  The npm packages are installed
# once into a cache folder ($PARE_NPM_CACHE, default ~/.cache/pare-npm).
# Also checks that the validator refuses a broken document of each kind.
#
#   sbom_schema_test.sh PARE SHARED_DIR
#
# Exit 77 (skipped) without node/npm or when the install fails (offline).
set -eu
PARE=$(realpath "$1")
FIX=$(realpath "$2")/fixtures/real
HERE=$(cd "$(dirname "$0")" && pwd)
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 ||
	{ echo "SKIP: node or npm not installed"; exit 77; }
CACHE=${PARE_NPM_CACHE:-${HOME:-/root}/.cache/pare-npm}
NM=$CACHE/node_modules
if [ ! -f "$NM/@cyclonedx/cyclonedx-library/res/schema/bom-1.5.SNAPSHOT.schema.json" ] ||
   [ ! -d "$NM/ajv-formats" ]; then
	mkdir -p "$CACHE"
	(cd "$CACHE" && timeout 300 npm install --no-audit --no-fund --loglevel=error \
		@cyclonedx/cyclonedx-library ajv ajv-formats >/dev/null) ||
		{ echo "SKIP: npm install failed"; exit 77; }
fi

W=$(mktemp -d /tmp/pare-sbom-schema.XXXXXX)
trap 'rm -rf "$W"' EXIT
cd "$W"
cat > img.yaml <<YAML
contents:
  repositories: [$FIX/melange-signed-repo]
  keyring: [$FIX/melange-signed-repo/keys/melange.rsa.pub]
  packages: [pretend-baselayout, replayout, custom-ca-certs-1]
archs: [x86_64]
YAML
# replayout and pretend-baselayout both ship etc/os-release; keep one
sed -i 's/, replayout//' img.yaml
"$PARE" image build img.yaml -o spdx >/dev/null
"$PARE" image build img.yaml -o cdx --sbom-format cyclonedx >/dev/null
"$PARE" image build img.yaml demo:1 out.tar --sbom-format cyclonedx >/dev/null
ls spdx/sbom.spdx.json cdx/sbom.cdx.json out.cdx.json >/dev/null
node "$HERE/validate_sbom.js" "$NM" "$HERE/schemas" spdx/sbom.spdx.json cdx/sbom.cdx.json \
	out.cdx.json
python3 - <<'PY'
import json
d = json.load(open("cdx/sbom.cdx.json")); d["components"][0]["type"] = "banana"
json.dump(d, open("bad.cdx.json", "w"))
d = json.load(open("spdx/sbom.spdx.json")); d["packages"][0]["SPDXID"] = 5
json.dump(d, open("bad.spdx.json", "w"))
PY
for f in bad.cdx.json bad.spdx.json; do
	if node "$HERE/validate_sbom.js" "$NM" "$HERE/schemas" "$f"; then
		echo "FAIL: the validator accepted $f"; exit 1
	fi
done
echo "3 passed, 0 failed"
