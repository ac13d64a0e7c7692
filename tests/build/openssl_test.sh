#!/bin/sh
# Slow suite: recipes/openssl built from source once in the sandbox (a few
# minutes on two cores); its nine subpackages must exist (their sizes are
# printed); an image that needs only libssl3 + libcrypto3 (a program linked
# with -lssl, as --add-binary) must hold neither the openssl CLI nor the
# headers, and the program must run under runc with the libraries just built.
# Usage: openssl_test.sh PARE SOURCE_ROOT.  The toolchain as in repro_test.sh;
# $PARE_OPENSSL_OUT: take the packages from that repository (signed with
# $PARE_BUILD_KEYS) instead of building them.
set -u
PARE=$(readlink -f "$1")
SRC=$(readlink -f "$2")
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/toolchain.sh"
T=$(mktemp -d /var/tmp/pare-openssl.XXXXXX)
trap 'rm -rf "$T"' EXIT
build_toolchain "$PARE" "$SRC" || exit 1
key=$(ls "$PARE_BUILD_KEYS"/*.rsa | head -1)
fails=0
arch=$(uname -m)
if [ -n "${PARE_OPENSSL_OUT:-}" ]; then # a repository an earlier build of this run wrote
	mkdir -p "$T/out" && cp -r "$PARE_OPENSSL_OUT/$arch" "$T/out/"
else
	s=$(date +%s)
	"$PARE" --keys-dir "$PARE_BUILD_KEYS" -X "$PARE_BUILD_TOOL" build --work-dir "$T" -o "$T/out" \
		--root-cache "$PARE_BUILD_ROOTS" -k "$key" "$SRC/recipes/openssl" >"$T/b.log" 2>&1 ||
		{ echo "not ok - openssl build: $(tail -3 "$T/b.log")"; exit 1; }
	echo "# openssl build: $(($(date +%s) - s))s; $(grep '^OK:' "$T/b.log")"
fi
for p in openssl openssl-doc openssl-dev openssl-libs-static libssl3 libcrypto3 openssl-config \
	openssl-c_rehash openssl-dbg; do
	f=$(ls "$T/out/$arch/$p"-3.0.20-r0.apk 2>/dev/null)
	if [ -n "$f" ]; then echo "ok - $p $(stat -c %s "$f") bytes"
	else echo "not ok - no $p subpackage"; fails=$((fails + 1)); fi
done

# an image for a program that needs only libssl (and so libcrypto)
cat >"$T/t.c" <<'C'
#include <stdio.h>
#include <openssl/ssl.h>
int main(void)
{
	SSL_CTX *c = SSL_CTX_new(TLS_method());
	printf("%s %s\n", OpenSSL_version(OPENSSL_VERSION), c ? "ctx" : "no-ctx");
	return c == NULL;
}
C
mkdir -p "$T/img"
if cc -O2 -o "$T/img/ssltest" "$T/t.c" -lssl -lcrypto; then
	cat >"$T/img/img.yaml" <<YAML
contents:
  build_repositories: ["$T/out", "$PARE_BUILD_TOOL"]
  keyring: ["$key.pub"]
  # the toolchain repository has Debian's newer libssl3 too: ask for ours
  packages: ["libssl3=3.0.20-r0"]
entrypoint:
  command: /usr/bin/ssltest
test:
  - name: the libraries built from source
    run: [/usr/bin/ssltest]
    stdout: "^OpenSSL 3\\\\.0\\\\.20 .* ctx$"
    timeout: 20
archs: [$arch]
YAML
	if (cd "$T/img" && "$PARE" image build img.yaml --add-binary ssltest -t latest -o out) \
		>"$T/img.log" 2>&1 && grep -q "^tests: 1 passed" "$T/img.log" && umoci unpack --image "$T/img/out:latest" "$T/bun" >/dev/null 2>&1; then
		R=$T/bun/rootfs
		db=$(grep -E '^[PV]:' "$R/lib/apk/db/installed" | paste -d' ' - - | sed 's/P://; s/ V:/-/' | sort | tr '\n' ' ')
		echo "# image packages: $db"
		if printf '%s' "$db" | grep -q "libssl3-3.0.20-r0" && printf '%s' "$db" | grep -q "libcrypto3-3.0.20-r0" &&
			[ ! -e "$R/usr/bin/openssl" ] && [ -z "$(find "$R" -name '*.h')" ] &&
			! printf '%s' "$db" | grep -Eq '(^| )openssl(-dev)?-3'; then
			echo "ok - the libssl3 image has libssl3 + libcrypto3 3.0.20, no CLI, no headers ($(du -sb --apparent-size "$R" | cut -f1) bytes)"
		else echo "not ok - libssl3 image content"; find "$R" -name openssl -o -name '*.h' | head; fails=$((fails + 1)); fi
	else echo "not ok - libssl3 image: $(tail -3 "$T/img.log")"; fails=$((fails + 1)); fi
else echo "not ok - cannot compile the libssl program"; fails=$((fails + 1)); fi
[ "$fails" -eq 0 ]
