#!/bin/sh
# Benchmark: analyse every ELF file under /usr/lib (executables and
# shared objects, symlinks not followed) with pare, against `readelf -d`
# over the same files in the same run (both batched 200 files a process):
#   readelf -d FILE...          reads the dynamic section only
#   pare ldd --root / FILE...   reads each file (dynamic section, versions,
#                               sections) and resolves its whole closure
#                               inside / with version checks
#   pare ldd --json             the same, plus every ELF detail as JSON
# Prints files per second for each (best of RUNS) and the ratio.
#   usage: bench/elf_scan.sh PARE [RUNS]
set -eu
pare=$1
runs=${2:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# ET_EXEC and ET_DYN files only (what ldd accepts), symlinks not followed.
python3 - "$work/files" <<'PY'
import os, sys
out = []
for d, _, fs in os.walk("/usr/lib"):
    for f in fs:
        p = os.path.join(d, f)
        try:
            if os.path.islink(p) or not os.path.isfile(p):
                continue
            with open(p, "rb") as fh:
                h = fh.read(18)
        except OSError:
            continue
        if len(h) == 18 and h[:4] == b"\x7fELF" and \
           int.from_bytes(h[16:18], "little" if h[5] == 1 else "big") in (2, 3):
            out.append(p)
open(sys.argv[1], "w").write("\n".join(sorted(out)) + "\n")
PY
n=$(wc -l < "$work/files")

now() { date +%s.%N; }
best() { # command...: best wall time of $runs runs
	b=""
	i=0
	while [ $i -lt "$runs" ]; do
		t0=$(now)
		"$@" >/dev/null 2>&1 || true
		t1=$(now)
		t=$(echo "$t1 - $t0" | bc -l)
		if [ -z "$b" ] || [ "$(echo "$t < $b" | bc -l)" = 1 ]; then b=$t; fi
		i=$((i + 1))
	done
	echo "$b"
}
run_readelf() { xargs -d '\n' -n 200 readelf -d < "$work/files"; }
run_pare() { xargs -d '\n' -n 200 "$pare" ldd --root / < "$work/files"; }
run_pare_json() { xargs -d '\n' -n 200 "$pare" ldd --root / --json < "$work/files"; }
readelf_t=$(best run_readelf)
pare_t=$(best run_pare)
json_t=$(best run_pare_json)
printf 'ELF files under /usr/lib:            %d\n' "$n"
printf 'readelf -d:                          %.3f s  %8.0f files/s\n' "$readelf_t" "$(echo "$n / $readelf_t" | bc -l)"
printf 'pare ldd (read + resolve + verify):  %.3f s  %8.0f files/s\n' "$pare_t" "$(echo "$n / $pare_t" | bc -l)"
printf 'pare ldd --json:                     %.3f s  %8.0f files/s\n' "$json_t" "$(echo "$n / $json_t" | bc -l)"
printf 'ratio pare ldd / readelf -d:         %.2f\n' "$(echo "$pare_t / $readelf_t" | bc -l)"
