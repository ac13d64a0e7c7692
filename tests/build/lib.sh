# Helpers for the pare build tests (sourced).  A tiny build-base made at
# test time from busybox-static: /bin/busybox and its applets as links.
# Usage: make_busybox_repo PARE DIR -> DIR/keys/t.rsa(.pub), DIR/repo (indexed).
make_busybox_repo() {
	local pare=$1 dir=$2 arch
	arch=$(uname -m)
	mkdir -p "$dir/keys" "$dir/tree/bin" "$dir/tree/usr/bin" "$dir/repo/$arch"
	(cd "$dir/keys" && "$pare" keygen -o . t >/dev/null 2>&1 || "$pare" keygen t >/dev/null 2>&1)
	cp /bin/busybox "$dir/tree/bin/busybox"
	for a in $(/bin/busybox --list); do
		[ "$a" = busybox ] || ln -sf busybox "$dir/tree/bin/$a"
	done
	"$pare" mkpkg -o "$dir/repo/$arch/build-base-1-r0.apk" -s pkgname=build-base -s pkgver=1-r0 \
		-s "pkgdesc=busybox as a test build root" -s arch="$arch" \
		-k "$dir/keys/t.rsa" "$dir/tree" >/dev/null || return 1
	"$pare" --keys-dir "$dir/keys" index -o "$dir/repo/$arch/APKINDEX.tar.gz" -k "$dir/keys/t.rsa" \
		"$dir/repo/$arch"/*.apk >/dev/null 2>&1 || return 1
	rm -f "$dir/keys/t.rsa.tmp"
}
