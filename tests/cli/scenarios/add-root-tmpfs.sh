# --root-tmpfs (apk's automatic choice when the root is on tmpfs) reads the
# cache's index of packages, etc/apk/cache/installed: its packages count as
# cached, so --no-network can install them.
R=$PWD/root
mkdir -p "$R/etc/apk/cache" "$R/lib/apk/db"
: > "$R/etc/apk/world"; : > "$R/lib/apk/db/installed"; echo x86_64 > "$R/etc/apk/arch"
printf 'P:a\nV:1.0-r0\nA:x86_64\nS:10\nI:20\nT:a\n\n' > "$R/etc/apk/cache/installed"
"$PARE" --root "$R" --root-tmpfs yes --no-network add --simulate a
"$PARE" --root "$R" --root-tmpfs no --no-network add --simulate a || echo "exit $?"
