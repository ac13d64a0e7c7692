#!/usr/bin/env python3
"""Differential test: pare's static loader against glibc's real one.

usage: ldd_diff.py PARE [DIR...]   (default DIRs: /usr/bin /usr/sbin /usr/lib)

For every ELF executable or shared object (ET_EXEC/ET_DYN, regular file,
symlinks not followed) under the DIRs, runs glibc's `ldd FILE` and
`pare ldd --root / FILE` and compares what they resolved: the set of
realpath'd library paths plus the set of names reported "not found"
(the linux-vdso line aside; addresses ignored).  Files that ldd itself
refuses (not dynamic, another architecture, ld.so errors) are counted as
agreeing when pare also refuses or reports them static, and listed
otherwise.  Prints the agreement rate, every mismatch, and closes with
"N passed, N failed"; exits 1 when the agreement is below --min (default
100%) after the known exceptions (KNOWN below) are accounted for.

pare is run in batches (one process for many files, split at the
"FILE:" headers); ldd once per file; two worker threads.
"""
import concurrent.futures
import os
import re
import subprocess
import sys

WORKERS = 2
BATCH = 100

# Known, explained exceptions: path regex -> why.
KNOWN = {
    r"perf-read-vdsox32$":
        "an x32-ABI program (ELFCLASS32, EM_X86_64) and the host has no x32 loader "
        "(/libx32/ld-linux-x32.so.2) or libc: ldd answers 'not a dynamic executable'; "
        "pare does resolve it and reports the missing interpreter and libc.so.6 (the "
        "i386 /usr/lib32/libc.so.6 is skipped as the wrong machine); both refuse it, "
        "pare with the reason",
}

LINE_FOUND = re.compile(r"^\t(\S+) => (\S.*?)(?: \(0x[0-9a-f]+\))?$")
LINE_BARE = re.compile(r"^\t(\S+?)(?: \(0x[0-9a-f]+\))?$")


def elf_files(dirs):
    out = []
    for top in dirs:
        for d, _, files in os.walk(top):
            for f in files:
                p = os.path.join(d, f)
                try:
                    if os.path.islink(p) or not os.path.isfile(p):
                        continue
                    with open(p, "rb") as fh:
                        h = fh.read(20)
                except OSError:
                    continue
                if len(h) < 18 or h[:4] != b"\x7fELF":
                    continue
                et = int.from_bytes(h[16:18], "little" if h[5] == 1 else "big")
                if et in (2, 3):
                    out.append(p)
    return sorted(out)


def real(p):
    try:
        return os.path.realpath(p)
    except OSError:
        return p


def parse_lines(lines):
    """(set of resolved realpaths, set of not-found names, status)."""
    found, missing, status = set(), set(), "dynamic"
    for line in lines:
        if "statically linked" in line:
            status = "static"
            continue
        if "not a dynamic executable" in line:
            status = "not-dynamic"
            continue
        m = LINE_FOUND.match(line)
        if m:
            name, path = m.group(1), m.group(2)
            if path == "not found":
                missing.add(name)
            else:
                found.add(real(path))
            continue
        m = LINE_BARE.match(line)
        if m and not m.group(1).startswith("linux-vdso") and m.group(1).startswith("/"):
            found.add(real(m.group(1)))
    return found, missing, status


def run_ldd(path):
    env = dict(os.environ, LC_ALL="C")
    env.pop("LD_LIBRARY_PATH", None)
    env.pop("LD_PRELOAD", None)
    try:
        p = subprocess.run(["ldd", path], capture_output=True, env=env, timeout=30,
                           stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return path, (set(), set(), "timeout"), ""
    out = p.stdout.decode("utf-8", "replace").splitlines()
    err = p.stderr.decode("utf-8", "replace")
    res = parse_lines(out + err.splitlines())
    if p.returncode != 0 and res[2] == "dynamic" and not res[0]:
        res = (res[0], res[1], "refused")
    return path, res, err.strip()


def run_pare(pare, paths):
    env = dict(os.environ, LC_ALL="C")
    p = subprocess.run([pare, "ldd", "--root", "/"] + paths, capture_output=True, env=env,
                       timeout=600, stdin=subprocess.DEVNULL)
    out = p.stdout.decode("utf-8", "replace").splitlines()
    groups, cur = {}, None
    want = set(paths)
    for line in out:
        if not line.startswith("\t") and line.endswith(":") and line[:-1] in want:
            cur = line[:-1]
            groups[cur] = []
        elif cur is not None:
            groups[cur].append(line)
    if len(paths) == 1:
        groups = {paths[0]: out}
    res = {}
    err = p.stderr.decode("utf-8", "replace")
    for path in paths:
        lines = groups.get(path, [])
        r = parse_lines(lines)
        if not lines:
            # No output for this file: static (message on stderr) or an error.
            r = (set(), set(), "refused")
        res[path] = r
    return res, err


def known_reason(path):
    for pat, why in KNOWN.items():
        if re.search(pat, path):
            return why
    return None


def compare(path, ldd, pare):
    lf, lm, ls = ldd
    pf, pm, ps = pare
    if ls in ("not-dynamic", "refused", "timeout", "static"):
        # ldd does not list anything: pare must not list anything either.
        return ps in ("not-dynamic", "refused", "static") or (not pf and not pm)
    return lf == pf and lm == pm


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    minimum = 100.0
    for a in sys.argv[1:]:
        if a.startswith("--min="):
            minimum = float(a[6:])
    pare = os.path.abspath(args[0])
    dirs = args[1:] or ["/usr/bin", "/usr/sbin", "/usr/lib"]
    files = elf_files(dirs)
    if not files:
        print("no ELF files found")
        return 77
    with concurrent.futures.ThreadPoolExecutor(WORKERS) as ex:
        batches = [files[i:i + BATCH] for i in range(0, len(files), BATCH)]
        pare_futs = [ex.submit(run_pare, pare, b) for b in batches]
        ldd_res = {p: (r, e) for p, r, e in ex.map(run_ldd, files)}
        pare_res = {}
        for f in pare_futs:
            pare_res.update(f.result()[0])
    agree, known, bad = 0, [], []
    ldd_refused = 0
    for path in files:
        l, lerr = ldd_res[path]
        p = pare_res[path]
        if l[2] != "dynamic":
            ldd_refused += 1
        if compare(path, l, p):
            agree += 1
            continue
        why = known_reason(path)
        (known if why else bad).append((path, l, p, lerr, why))
    total = len(files)
    print("ELF files compared: %d (ldd listed nothing for %d: static, static-pie, "
          "not dynamic or refused)" % (total, ldd_refused))
    print("agreement: %d/%d = %.2f%%" % (agree, total, 100.0 * agree / total))
    for path, l, p, lerr, why in known:
        print("KNOWN %s: %s" % (path, why))
    for path, l, p, lerr, why in bad:
        print("MISMATCH %s" % path)
        print("  ldd : %s found=%s missing=%s %s" % (l[2], sorted(l[0]), sorted(l[1]),
                                                   lerr[:200]))
        print("  pare: %s found=%s missing=%s" % (p[2], sorted(p[0]), sorted(p[1])))
    rate = 100.0 * (agree + len(known)) / total
    print("agreement with explained exceptions: %.2f%%" % rate)
    ok = rate >= minimum
    print("%d passed, %d failed" % (agree + len(known), len(bad)))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
