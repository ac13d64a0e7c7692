# info without NAME lists the installed packages (apk info); -v adds versions.
R="$SHARED/fixtures/real/melange-signed-repo"
"$PARE" --root "$PWD/r" --initdb -X "$R" --keys-dir "$R/keys" add -q pretend-baselayout custom-ca-certs-1 >/dev/null
"$PARE" --root "$PWD/r" info
"$PARE" --root "$PWD/r" -v info
mkdir e && "$PARE" --root "$PWD/e" --initdb info
echo "empty root: exit $?"
