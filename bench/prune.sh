#!/bin/sh
# Benchmark: the time `pare image build --prune=trace` adds for a python
# image (Debian's python3.11 imported with pare import-deb --apt --closure;
# the image's test imports json), against running the same test once
# without tracing (`pare image test` of the pruned image, which also
# unpacks the layer) in the same run.
# The prune step logs its parts (traced run, plan and removal, run on the
# pruned root); target: their sum <= 2.5x one untraced test run.
#   usage: bench/prune.sh PARE [RUNS]
# Needs root, runc and apt (the .debs are cached after the first run).
set -eu
PARE=$(realpath "$1")
runs=${2:-3}
[ "$(id -u)" = 0 ] && command -v runc >/dev/null 2>&1 || { echo "SKIP: root and runc"; exit 77; }
W=$(mktemp -d /tmp/pare-bench-prune.XXXXXX)
trap 'rm -rf "$W"' EXIT
cd "$W"
"$PARE" keygen -o keys k >/dev/null
"$PARE" import-deb -o repo -k keys/k.rsa --apt python3.11 --closure >/dev/null 2>&1 ||
	{ echo "SKIP: import-deb --apt python3.11 failed"; exit 77; }
cat > py.yaml <<EOT
contents:
  keyring: [$W/keys/k.rsa.pub]
  repositories: [$W/repo]
  packages: [python3.11]
entrypoint:
  command: /usr/bin/python3.11
test:
  - name: imports json
    run: [/usr/bin/python3.11, -c, "import json; print(json.dumps({'a': 1}))"]
EOT
best_prune= best_test=
for i in $(seq "$runs"); do
	rm -rf out
	"$PARE" -v image build --prune=trace -o out py.yaml > build.out 2> build.err
	p=$(sed -n 's/.*prune: traced run \([0-9.]*\) s, plan and removal \([0-9.]*\) s, run on the pruned root \([0-9.]*\) s.*/\1 \2 \3/p' build.err build.out | head -1 |
		awk '{ print $1 + $2 + $3 }')
	s=$(date +%s.%N); "$PARE" image test out >/dev/null; e=$(date +%s.%N)
	t=$(echo "$s $e" | awk '{ print $2 - $1 }')
	best_prune=$(echo "${best_prune:-999999} $p" | awk '{ print ($2 < $1) ? $2 : $1 }')
	best_test=$(echo "${best_test:-999999} $t" | awk '{ print ($2 < $1) ? $2 : $1 }')
done
grep 'prune: .* -> ' build.out || true
echo "prune step: ${best_prune} s; one untraced test run: ${best_test} s; ratio: $(echo "$best_prune $best_test" | awk '{ printf "%.2f", $1 / $2 }') (target <= 2.5)"
