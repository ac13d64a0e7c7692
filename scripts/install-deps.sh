#!/bin/sh
# Install everything pare needs to build and test on Debian 12, idempotently.
# Runs as root (CI and fresh machines); with sudo otherwise.
set -eu

PKGS="build-essential meson ninja-build pkg-config scdoc clang \
  zlib1g-dev libssl-dev libcurl4-openssl-dev libelf-dev libarchive-dev \
  libfyaml-dev libjansson-dev libcmocka-dev \
  skopeo umoci runc \
  python3 openssl gzip bc nginx-light \
  docker-registry apache2-utils busybox-static \
  mmdebstrap chromium"

missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done

if [ -z "$missing" ]; then
  echo "install-deps: all packages present"
  exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get -o DPkg::Lock::Timeout=600 update -q
# shellcheck disable=SC2086
$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends $missing
