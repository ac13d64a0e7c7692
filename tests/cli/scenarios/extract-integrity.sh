# Data that does not match the datahash: refused after every file was
# staged; the temporaries and the directories made for them are removed
# (out exists, so the package is staged into it).
real="$SHARED/fixtures/real"
mkdir out
if "$PARE" extract -C out --allow-untrusted --keys-dir "$real/alpine-keys" \
	"$real/wolfi/aws-c-s3-0.4.9-r0.apk"; then echo "exit 0"; else echo "exit $?"; fi
if [ -e out ]; then find out; else echo "out: not created"; fi
