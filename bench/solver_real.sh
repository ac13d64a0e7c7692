#!/bin/sh
# Benchmark: the solver on the real Alpine 3.17 main index (5004 packages,
# aarch64).  Resolves `add P` for each of the 200 packages with the largest
# dependency closures, then one `add` naming every package; prints total
# wall time and peak RSS for pare and, when an apk-tools binary is given
# (APK=/path/to/apk, its libapk next to it), for apk in the same run.
#   usage: bench/solver_real.sh PARE [FIXTURES_DIR]
set -eu
pare=$1
fixtures=${2:-${PARE_FIXTURES_DIR:-$(dirname "$0")/../../shared/fixtures/real}}
index=$fixtures/alpine-3.17-main-aarch64/APKINDEX.tar.gz
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tar -xzf "$index" -C "$work" APKINDEX

# The 200 names with the largest closures (following D: through P: and p:).
python3 "$(dirname "$0")/top_closures.py" "$work/APKINDEX" 200 > "$work/top200"
sed -n 's/^P://p' "$work/APKINDEX" | sort -u > "$work/all"
echo "index: $(wc -l < "$work/all") names; 200 largest closures: $(head -1 "$work/top200") .. $(tail -1 "$work/top200")"

root=$work/root
mkdir -p "$root/etc/apk/cache" "$root/lib/apk/db" "$root/var/log"
touch "$root/etc/apk/world" "$root/lib/apk/db/installed"
echo aarch64 > "$root/etc/apk/arch"
# apk 3.0 takes a repository as a folder holding ARCH/APKINDEX.tar.gz
mkdir -p "$work/repo/aarch64"
ln -s "$(realpath "$index")" "$work/repo/aarch64/APKINDEX.tar.gz"
echo "$work/repo" > "$root/etc/apk/repositories"
cat > "$work/run_pare" <<EOT
#!/bin/sh
exec "$pare" --simulate --allow-untrusted --arch aarch64 --test-repo "$index" add "\$@"
EOT
cat > "$work/run_apk" <<EOT
#!/bin/sh
LD_LIBRARY_PATH=\$(dirname "\$APK") exec "\$APK" --root "$root" --allow-untrusted --simulate \\
	--no-cache --arch aarch64 add "\$@"
EOT
chmod +x "$work/run_pare" "$work/run_apk"

measure() { # LABEL RUNNER
	label=$1 runner=$2
	start=$(date +%s.%N)
	peak=0 fail=0
	while read -r name; do
		/usr/bin/time -f 'RSS %M' "$runner" "$name" >/dev/null 2>"$work/err" || true
		grep -q '^ERROR' "$work/err" && fail=$((fail + 1))
		kb=$(sed -n 's/^RSS //p' "$work/err" | tail -1)
		[ -n "$kb" ] && [ "$kb" -gt "$peak" ] && peak=$kb
	done < "$work/top200"
	end=$(date +%s.%N)
	printf '%-6s 200 x add:   %6.2f s total, %5.1f ms each, peak RSS %s KiB, %d errors\n' \
		"$label" "$(echo "$end - $start" | bc)" "$(echo "($end - $start) * 5" | bc)" "$peak" "$fail"
	start=$(date +%s.%N)
	/usr/bin/time -f 'RSS %M' "$runner" $(cat "$work/all") > "$work/allout" 2> "$work/err" || true
	end=$(date +%s.%N)
	printf '%-6s add all 5004: %6.2f s, peak RSS %s KiB, result: %s\n' "$label" \
		"$(echo "$end - $start" | bc)" "$(sed -n 's/^RSS //p' "$work/err" | tail -1)" \
		"$(grep -h '^OK\|^ERROR' "$work/allout" "$work/err" | head -1)"
}
measure pare "$work/run_pare"
if [ -n "${APK:-}" ] && [ -x "$APK" ]; then
	export APK
	measure apk "$work/run_apk"
fi
