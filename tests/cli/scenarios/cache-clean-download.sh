# cache download puts verified copies of the installed packages in the
# cache; clean removes what neither an index nor an installed package
# names; without a cache folder it says so.
R="$SHARED/fixtures/real/melange-signed-repo"
"$PARE" --root r --initdb -X "$R" --keys-dir "$R/keys" add -q pretend-baselayout > /dev/null
rm -rf r/etc/apk/cache
"$PARE" --root r -X "$R" --keys-dir "$R/keys" cache download 2>&1 | sed "s|$PWD|PWD|" || echo "exit $?"
mkdir -p r/etc/apk/cache
"$PARE" --root r -X "$R" --keys-dir "$R/keys" cache download | sed "s|$PWD|PWD|"
echo junk > r/etc/apk/cache/old-1.0-r0.0123.apk
ls r/etc/apk/cache | sed 's/\.[0-9a-f]*\.apk$/.HASH.apk/' | sort
"$PARE" --root r -X "$R" --keys-dir "$R/keys" cache clean
ls r/etc/apk/cache | sed 's/\.[0-9a-f]*\.apk$/.HASH.apk/' | sort
"$PARE" --root r cache bogus || echo "exit $?"
