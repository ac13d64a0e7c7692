# The architecture comes from the root's etc/apk/arch when --arch is not
# given (apk 3.0): an aarch64 root with Alpine 3.17's aarch64 index installs
# busybox and musl on an x86_64 host, as apk does.
R=$PWD/root
mkdir -p "$R/etc/apk/keys" "$R/lib/apk/db" repo/aarch64
: > "$R/etc/apk/world"; : > "$R/lib/apk/db/installed"; echo aarch64 > "$R/etc/apk/arch"
cp "$SHARED"/fixtures/real/alpine-keys/* "$R/etc/apk/keys/"
cp "$SHARED/fixtures/real/alpine-3.17-main-aarch64/APKINDEX.tar.gz" repo/aarch64/
"$PARE" --root "$R" -X "$PWD/repo" --no-cache add --simulate busybox
