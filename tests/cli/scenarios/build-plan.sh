# pare build --plan --json: recipes are read in the sandbox (never by pare
# itself) and ordered by their makedepends; a recipe error names the file.
mkdir -p r/app r/libq r/bad
cat > r/libq/APKBUILD <<'A'
pkgname=libq
pkgver=1.2
pkgrel=3
subpackages="$pkgname-dev"
A
cat > r/app/APKBUILD <<'A'
pkgname=app
pkgver=2
makedepends="libq-dev>=1"
echo "this runs inside the sandbox only" > /dev/null
A
cat > r/bad/APKBUILD <<'A'
pkgname=bad
pkgver=1
source="x.tar.gz"
A
"$PARE" build --plan --json r/app r/libq | python3 -c '
import json, sys
d = json.load(sys.stdin)
print("order", d["order"])
print("edges", [(e["from"], e["to"]) for e in d["edges"]])
for n in d["nodes"]: print(n["id"], n["version"], n["inputs"], n["outputs"])'
"$PARE" build --plan r/bad 2>&1 || echo "exit $?"
"$PARE" build 2>&1 || echo "exit $?"
