# A BAD signature is refused even with --allow-untrusted; nothing is left,
# not even the directories the package would have created.
real="$SHARED/fixtures/real"
if "$PARE" extract -C out --allow-untrusted --keys-dir "$real/melange-signed-repo/keys" \
	"$real/wolfi/hello-wolfi-2.12.1-r0.apk"; then echo "exit 0"; else echo "exit $?"; fi
if [ -e out ]; then find out; else echo "out: not created"; fi
