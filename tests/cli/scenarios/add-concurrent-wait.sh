# Two `pare --wait` runs on one root that both start while the database is
# locked: each must read the world and the installed database after it gets
# the lock, so both requests survive (20 trials; small packages).
export SOURCE_DATE_EPOCH=1700000000
"$PARE" keygen -b 2048 -o . k > /dev/null
mkdir -p keys repo/x86_64 e
cp k.rsa.pub keys/
for i in 0 1 2 3 4; do
  dep=""; [ $i -lt 4 ] && dep="-s depend=k$((i+1))"
  mkdir -p "f$i/usr/share/k"; echo "$i" > "f$i/usr/share/k/k$i"
  # shellcheck disable=SC2086
  "$PARE" mkpkg -k k.rsa -s pkgname=k$i -s pkgver=1.0-r0 -s arch=x86_64 $dep -o "repo/x86_64/k$i-1.0-r0.apk" "f$i"
done
"$PARE" mkpkg -k k.rsa -s pkgname=solo -s pkgver=1.0-r0 -s arch=x86_64 -o repo/x86_64/solo-1.0-r0.apk e
"$PARE" --keys-dir "$PWD/keys" index -k k.rsa -o repo/x86_64/APKINDEX.tar.gz repo/x86_64/*.apk > /dev/null
ok=0
for t in $(seq 20); do
  R=$PWD/r$t
  mkdir -p "$R/etc/apk/keys" "$R/lib/apk/db"
  : > "$R/etc/apk/world"; : > "$R/lib/apk/db/installed"; echo x86_64 > "$R/etc/apk/arch"
  cp keys/* "$R/etc/apk/keys/"
  : > "$R/lib/apk/db/lock"
  flock -x "$R/lib/apk/db/lock" sleep 0.1 & h=$!
  sleep 0.03
  "$PARE" --root "$R" --wait 30 -X "$PWD/repo" --no-cache add k0 > /dev/null 2>&1 & a=$!
  "$PARE" --root "$R" --wait 30 -X "$PWD/repo" --no-cache add solo > /dev/null 2>&1 & b=$!
  wait $h; wait $a; wait $b
  if grep -qx k0 "$R/etc/apk/world" && grep -qx solo "$R/etc/apk/world" &&
     [ "$(grep -c '^P:' "$R/lib/apk/db/installed")" = 6 ]; then ok=$((ok+1)); fi
done
echo "both requests kept: $ok/20"
