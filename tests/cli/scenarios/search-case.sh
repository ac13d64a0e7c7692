# search over the Alpine 3.17 index: a pattern matches a name as a
# substring with ASCII case ignored, -e only the whole name, a glob through
# fnmatch; the latest version of each name only.
mkdir -p r/etc/apk r/lib/apk/db repo/aarch64 && : > r/lib/apk/db/installed
echo aarch64 > r/etc/apk/arch
cp "$SHARED/fixtures/real/alpine-3.17-main-aarch64/APKINDEX.tar.gz" repo/aarch64/
S() { "$PARE" --root "$PWD/r" --keys-dir "$SHARED/fixtures/real/alpine-keys" -X "$PWD/repo" search "$@"; }
echo "== MUSL-DE"; S MUSL-DE
echo "== -e musl"; S -e musl
echo "== -v 'musl-d*'"; S -v 'musl-d*'
echo "== zz-none"; S zz-none; echo "exit $?"
