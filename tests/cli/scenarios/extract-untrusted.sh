# An unsigned package is refused without --allow-untrusted and nothing is
# written, not even the -C directory; with it, the package is extracted.
pkg="$SHARED/fixtures/real/misc/hello-0.1.0-r0.apk"
keys="$SHARED/fixtures/real/alpine-keys"
if "$PARE" extract -C out --keys-dir "$keys" "$pkg"; then echo "exit 0"; else echo "exit $?"; fi
if [ -e out ]; then find out; else echo "out: not created"; fi
"$PARE" extract -C out --keys-dir "$keys" --allow-untrusted "$pkg"
find out | sort
stat -c '%A %s %n' out/hello
cat out/hello
