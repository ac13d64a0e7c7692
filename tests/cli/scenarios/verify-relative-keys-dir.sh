# A relative --keys-dir is taken under --root (apk's rule); the UNTRUSTED
# verdict is followed by the absolute folder searched and how to trust a key.
mkdir -p r/etc/apk keysx
"$PARE" --root "$PWD/r" --keys-dir keysx verify "$SHARED/fixtures/real/melange-signed-repo/x86_64/APKINDEX.tar.gz" >out 2>err || echo "exit $?"
sed "s|$PWD|PWD|g; s|$SHARED|SHARED|g" out err
