#!/bin/sh
# Install everything pare needs to build and test on Debian 12, idempotently.
# Runs as root (CI and fresh machines); with sudo otherwise.  nodejs and
# npm are for the SBOM schema test (tests/image/sbom_schema_test.sh).
set -eu

PKGS="build-essential meson ninja-build pkg-config scdoc clang \
  zlib1g-dev libdeflate-dev libssl-dev libcurl4-openssl-dev libelf-dev libarchive-dev \
  libfyaml-dev libjansson-dev libcmocka-dev \
  skopeo umoci runc \
  python3 python3-cryptography openssl gzip bc nginx-light \
  docker-registry apache2-utils busybox-static nodejs mmdebstrap \
  chromium \
  python3-yaml python3-jsonschema openjdk-17-jdk-headless dnsmasq-base locales golang-go rustc \
  libpam0g-dev"

missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
# Debian's npm, unless a nodejs that ships its own npm is there already
command -v npm >/dev/null 2>&1 || missing="$missing npm"

if [ -z "$missing" ]; then
  echo "install-deps: all packages present"
  exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
# Another apt or dpkg (unattended-upgrades on a fresh machine, another
# job) may hold the lock: wait for it, bounded, and retry a few times.
LOCK="-o DPkg::Lock::Timeout=600"
try() {
  n=0
  until "$@"; do
    n=$((n + 1))
    [ "$n" -lt 3 ] || return 1
    echo "install-deps: '$*' failed; retrying in 20 s ($n/3)" >&2
    sleep 20
  done
}
# shellcheck disable=SC2086
try $SUDO apt-get $LOCK update -q
# shellcheck disable=SC2086
try $SUDO apt-get $LOCK install -y -q --no-install-recommends $missing
