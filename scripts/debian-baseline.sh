#!/bin/sh
# Debian baselines for one workload, measured in the current run:
#   (a) mmdebstrap --variant=minbase bookworm + the packages (with Recommends,
#       as `apt-get install` gives them)
#   (b) careful: the same without Recommends, docs, man pages, info pages and
#       locales excluded with dpkg path excludes (copyright files kept)
# Each root is measured as rootfs bytes (apparent sizes, hard links once, as
# `du -sb --apparent-size`) and as a gzip -6 layer (a sorted tar of the
# root with numeric owners).  Prints one JSON object on stdout:
#   {"name":..., "packages":[...], "debian_a_bytes":N, "debian_a_compressed_bytes":N,
#    "debian_b_bytes":N, "debian_b_compressed_bytes":N, "debian_a_seconds":S, "debian_b_seconds":S}
# Downloads (.deb files and the package lists) are kept between runs in
# $PARE_DEB_CACHE (default ${XDG_CACHE_HOME:-$HOME/.cache}/pare/mmdebstrap).
# Sources: the machine's apt sources (deb822 file) unless $PARE_DEB_SOURCES.
# With $PARE_BASELINE_CACHE set, each root's measurement is kept there under
# a key of everything that decides it (this script, the variant, the
# packages, the suite, the sources and the machine's apt lists, whose
# InRelease files change with the archive): an unchanged root is not built
# again (the main job uses it; the benchmark does not).
#   usage: scripts/debian-baseline.sh [-k KEEPDIR] [-v a|b|ab] NAME [PACKAGE...]
#   -k KEEPDIR  leave the roots in KEEPDIR/NAME-a and KEEPDIR/NAME-b
#   -v WHICH    build only (a), only (b), or both (default)
# Must run as root (mmdebstrap's root mode).
set -eu
keep=""
which=ab
while getopts k:v: o; do
	case $o in
	k) keep=$OPTARG ;;
	v) which=$OPTARG ;;
	*) echo "usage: $0 [-k KEEPDIR] [-v a|b|ab] NAME [PACKAGE...]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || { echo "usage: $0 [-k KEEPDIR] [-v a|b|ab] NAME [PACKAGE...]" >&2; exit 2; }
name=$1; shift
pkgs=$(echo "$*" | tr ' ' ',')
suite=${PARE_DEB_SUITE:-bookworm}
sources=${PARE_DEB_SOURCES:-}
if [ -z "$sources" ]; then
	for f in /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list; do
		[ -s "$f" ] && { sources=$f; break; }
	done
fi
[ -n "$sources" ] || sources=http://deb.debian.org/debian
cache=${PARE_DEB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pare/mmdebstrap}
mkdir -p "$cache/archives" "$cache/lists"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# mmdebstrap NAME EXTRA-OPTIONS...: one root in $work/NAME from the cache.
strap() {
	dir=$1; shift
	inc=""
	[ -n "$pkgs" ] && inc="--include=$pkgs"
	# shellcheck disable=SC2086
	mmdebstrap --mode=root --variant=minbase $inc \
		--dpkgopt=force-unsafe-io \
		--aptopt='Acquire::Languages "none"' \
		--skip=download/empty --skip=essential/unlink \
		--setup-hook='mkdir -p "$1"/var/cache/apt/archives/ "$1"/var/lib/apt/lists/' \
		--setup-hook="sync-in $cache/archives /var/cache/apt/archives/" \
		--setup-hook="sync-in $cache/lists /var/lib/apt/lists/" \
		--customize-hook="sync-out /var/cache/apt/archives $cache/archives" \
		--customize-hook="sync-out /var/lib/apt/lists $cache/lists" \
		--customize-hook='rm -f "$1"/var/cache/apt/archives/*.deb' \
		"$@" "$suite" "$work/$dir" "$sources" > "$work/$dir.log" 2>&1 ||
		{ echo "mmdebstrap $name ($dir) failed:" >&2; tail -5 "$work/$dir.log" >&2; exit 1; }
}
bytes() { du -sb --apparent-size "$1" | cut -f1; }
layer() { tar -C "$1" --numeric-owner --sort=name -cf - . | gzip -6 | wc -c; }
now() { date +%s.%N; }

# key VARIANT: the cache key of one root
key() {
	{ cat "$0"; echo "$1 $pkgs $suite"; cat "$sources" 2>/dev/null || echo "$sources"
	  cat /var/lib/apt/lists/*InRelease 2>/dev/null || true; } | sha256sum | cut -c1-32
}
json="{\"name\":\"$name\",\"packages\":[$(for p in "$@"; do printf '"%s",' "$p"; done | sed 's/,$//')]"
for v in a b; do
	case $which in *$v*) ;; *) continue ;; esac
	hit=""
	if [ -n "${PARE_BASELINE_CACHE:-}" ]; then
		hit=$PARE_BASELINE_CACHE/$(key $v).json
		if [ -s "$hit" ] && [ -z "$keep" ]; then json="$json,$(cat "$hit")"; continue; fi
	fi
	t0=$(now)
	if [ $v = a ]; then
		strap a --aptopt='APT::Install-Recommends "true"'
	else
		strap b --aptopt='APT::Install-Recommends "false"' \
			--dpkgopt='path-exclude=/usr/share/doc/*' \
			--dpkgopt='path-include=/usr/share/doc/*/copyright' \
			--dpkgopt='path-exclude=/usr/share/man/*' \
			--dpkgopt='path-exclude=/usr/share/info/*' \
			--dpkgopt='path-exclude=/usr/share/groff/*' \
			--dpkgopt='path-exclude=/usr/share/lintian/*' \
			--dpkgopt='path-exclude=/usr/share/linda/*' \
			--dpkgopt='path-exclude=/usr/share/locale/*'
	fi
	t1=$(now)
	one="\"debian_${v}_bytes\":$(bytes "$work/$v"),\"debian_${v}_compressed_bytes\":$(layer "$work/$v")"
	one="$one,\"debian_${v}_seconds\":$(echo "$t1 - $t0" | bc | sed 's/^\./0./')"
	json="$json,$one"
	if [ -n "$hit" ]; then
		mkdir -p "$PARE_BASELINE_CACHE"; echo "$one" > "$hit.tmp" && mv "$hit.tmp" "$hit"
	fi
	if [ -n "$keep" ]; then
		mkdir -p "$keep"; rm -rf "${keep:?}/$name-$v"; mv "$work/$v" "$keep/$name-$v"
	else
		rm -rf "${work:?}/$v"
	fi
done
echo "$json}"
