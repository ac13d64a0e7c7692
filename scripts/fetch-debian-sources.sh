#!/bin/sh
# Fill SRCDEST with the sources of recipes from Debian's source archive.
#
#   scripts/fetch-debian-sources.sh [-p PARE] RECIPE_DIR...
#
# Adds a deb-src entry for this machine's suite (from /etc/os-release) when
# apt has none, runs apt-get update, then for every source a recipe names
# (pare build --plan --json, which reads the recipe in pare's sandbox) that
# is not in SRCDEST (default /var/cache/distfiles) yet: `apt-get source
# --download-only PKGNAME` and the downloaded file whose sha512 is the one
# the recipe names (an .orig tarball that is the upstream release, byte for
# byte) is copied there under the recipe's file name.  apt checks Debian's
# signatures; the recipe's sha512 decides.  pare build does the same for a
# missing source on its own (unless --no-debian-sources).
set -eu
PARE=pare
[ "${1:-}" = -p ] && { PARE=$2; shift 2; }
SRCDEST=${SRCDEST:-/var/cache/distfiles}
. /etc/os-release
suite=${VERSION_CODENAME:?no VERSION_CODENAME in /etc/os-release}
if ! grep -rqs '^Types:.*deb-src\|^deb-src ' /etc/apt/sources.list /etc/apt/sources.list.d/; then
	cat >/etc/apt/sources.list.d/pare-deb-src.sources <<SRC
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: $suite $suite-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
	apt-get -o DPkg::Lock::Timeout=600 update >/dev/null
fi
mkdir -p "$SRCDEST"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$PARE" build --plan --json "$@" | python3 -c '
import json, sys
for n in json.load(sys.stdin)["nodes"]:
    for s in n["sources"]:
        if s["url"]:
            print(n["pkgname"], s["name"], s["sha512"])
' | while read -r pkg name sum; do
	[ -f "$SRCDEST/$name" ] && [ "$(sha512sum "$SRCDEST/$name" | cut -d' ' -f1)" = "$sum" ] &&
		{ echo "$name: in $SRCDEST"; continue; }
	rm -rf "$work/$pkg" && mkdir -p "$work/$pkg"
	(cd "$work/$pkg" && apt-get -q source --download-only "$pkg" >/dev/null 2>&1) ||
		{ echo "$name: Debian has no source package $pkg" >&2; continue; }
	found=
	for f in "$work/$pkg"/*; do
		[ "$(sha512sum "$f" | cut -d' ' -f1)" = "$sum" ] && { cp "$f" "$SRCDEST/$name"; found=$f; break; }
	done
	if [ -n "$found" ]; then echo "$name: from Debian (${found##*/})"
	else echo "$name: no file of Debian's $pkg has the recipe's sha512 (not the upstream release)" >&2; fi
done
