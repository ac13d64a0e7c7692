# search, info and list over a repository whose index is refused (no key in
# the root's etc/apk/keys): the reason names the folder, once, and the exit
# status is 1 as apk's.
mkdir -p r/etc/apk/keys r/lib/apk/db && : > r/lib/apk/db/installed
R="$SHARED/fixtures/real/melange-signed-repo"
for a in "search pretend" "info pretend-baselayout" "list"; do
  "$PARE" --root "$PWD/r" -X "$R" $a 2>&1 | sed "s|$PWD|PWD|g; s|$SHARED|SHARED|g" || true
  echo "exit ${PIPESTATUS[0]}"
done
