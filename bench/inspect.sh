#!/bin/sh
# Benchmark: `pare inspect` of a root of about 60 MB and 8,000 files against
# `find ROOT -type f -exec sha256sum {} +` of the same root in the same run
# (best of RUNS each).  The root is copied from the host: shared objects
# and programs (ELF, resolved by the static loader) and text files, with
# the host's libc and loader at their usual places.  Target: ratio <= 1.0
# (every check in one walk, each ELF file parsed once).
#   usage: bench/inspect.sh PARE [RUNS]
set -eu
pare=$1
runs=${2:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/root

python3 - "$root" <<'PY'
import os, shutil, sys
root = sys.argv[1]
budget_bytes, budget_files = 60 << 20, 8000
used = files = 0
def take(src, cap=2 << 20):
    global used, files
    try:
        st = os.lstat(src)
    except OSError:
        return
    if not os.path.isfile(src) or os.path.islink(src) or st.st_size > cap:
        return
    if used + st.st_size > budget_bytes or files >= budget_files:
        return
    dst = root + src
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    try:
        shutil.copy2(src, dst)
    except OSError:
        return
    used += st.st_size
    files += 1
for f in ["/lib/x86_64-linux-gnu/libc.so.6", "/lib64/ld-linux-x86-64.so.2",
          "/lib/x86_64-linux-gnu/libm.so.6", "/usr/bin/busybox"]:
    take(os.path.realpath(f) if f.startswith("/lib64") else f)
for top, share in (("/usr/lib/x86_64-linux-gnu", 25 << 20), ("/usr/bin", 32 << 20),
                   ("/usr/share", 60 << 20)):
    for d, _, fs in sorted(os.walk(top)):
        for f in sorted(fs):
            if used >= share:
                break
            # small files from usr/share: about 8,000 files in the 60 MB
            take(os.path.join(d, f), 64 << 10 if top == "/usr/share" else 2 << 20)
os.makedirs(root + "/lib64", exist_ok=True)
ld = root + "/lib64/ld-linux-x86-64.so.2"
if not os.path.exists(ld):
    shutil.copy2("/lib64/ld-linux-x86-64.so.2", ld)
os.makedirs(root + "/tmp", exist_ok=True)
os.chmod(root + "/tmp", 0o1777)
print("root: %d files, %.1f MB" % (files, used / 1048576.0))
PY

now() { date +%s.%N; }
best() {
	b=""
	i=0
	while [ $i -lt "$runs" ]; do
		t0=$(now)
		"$@" >/dev/null 2>&1 || true
		t1=$(now)
		t=$(echo "$t1 - $t0" | bc)
		if [ -z "$b" ] || [ "$(echo "$t < $b" | bc)" = 1 ]; then b=$t; fi
		i=$((i + 1))
	done
	echo "$b"
}
sync
base=$(best find "$root" -type f -exec sha256sum {} +)
ins=$(best "$pare" inspect "$root")
"$pare" inspect "$root" | tail -1
echo "sha256sum of every file: ${base}s"
echo "pare inspect:            ${ins}s"
echo "ratio (inspect / sha256sum): $(echo "scale=2; $ins / $base" | bc)"
