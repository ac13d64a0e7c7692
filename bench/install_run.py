#!/usr/bin/env python3
"""Time `TOOL --root R --no-cache --initdb -X REPO add NAMES...` for one or more
tools, RUNS times each, interleaved (the order alternates every round), each
run into a fresh root that is set up before the clock starts.

Only the tool's process is measured: CPU time (user + system) from
os.wait4's rusage (the kernel's precise runtime, not the 10 ms ticks of
/usr/bin/time), wall time around its spawn and wait (perf_counter_ns).  Peak
RSS comes from three more runs per tool under /usr/bin/time (a process
spawned by python inherits python's peak in its rusage).  Prints per tool the median and the mean +- standard error of each,
and with two tools the ratios of the medians (first / second) and the median
of the per-round ratios (robust against load that drifts during the run).

usage: install_run.py RUNS COUNT REPO KEYS_DIR NAMES_FILE TOOL [TOOL2]
"""
import os
import shutil
import statistics
import sys
import time


def mkroot(root, keys):
    shutil.rmtree(root, ignore_errors=True)
    for d in ("etc/apk/keys", "lib/apk/db", "tmp", "var/log"):
        os.makedirs(os.path.join(root, d))
    open(os.path.join(root, "etc/apk/world"), "w").close()
    open(os.path.join(root, "lib/apk/db/installed"), "w").close()
    with open(os.path.join(root, "etc/apk/arch"), "w") as f:
        f.write("x86_64\n")
    for k in os.listdir(keys):
        shutil.copy(os.path.join(keys, k), os.path.join(root, "etc/apk/keys", k))


def run(tool, root, repo, names, errpath, wrap=()):
    argv = list(wrap) + [tool, "--root", root, "--no-cache", "--initdb", "-X", repo, "add"] + names
    devnull = os.open(os.devnull, os.O_WRONLY)
    errfd = os.open(errpath, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    t0 = time.perf_counter_ns()
    pid = os.posix_spawn(argv[0], argv, os.environ,
                         file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 1),
                                       (os.POSIX_SPAWN_DUP2, errfd, 2)])
    _, status, ru = os.wait4(pid, 0)
    t1 = time.perf_counter_ns()
    os.close(devnull)
    os.close(errfd)
    if status != 0:
        with open(errpath) as f:
            lines = f.read().splitlines()
        sys.exit("FAIL: %s: %s" % (tool, lines[-1] if lines else "status %d" % status))
    return (t1 - t0) / 1e6, (ru.ru_utime + ru.ru_stime) * 1e3


def peak_rss(tool, root, keys, repo, names, err):
    out, kib = os.path.join(os.path.dirname(err), "rss"), []
    for _ in range(3):
        mkroot(root, keys)
        run(tool, root, repo, names, err, ("/usr/bin/time", "-f", "%M", "-o", out))
        kib.append(int(open(out).read().split()[-1]))
    return statistics.median(kib)


def installed(root):
    with open(os.path.join(root, "lib/apk/db/installed")) as f:
        return sum(1 for line in f if line.startswith("P:"))


def summary(xs):
    mean = statistics.fmean(xs)
    se = statistics.stdev(xs) / len(xs) ** 0.5 if len(xs) > 1 else 0.0
    return statistics.median(xs), mean, se


def main():
    runs, count, repo, keys, names_file = int(sys.argv[1]), int(sys.argv[2]), *sys.argv[3:6]
    tools = sys.argv[6:]
    names = open(names_file).read().split()
    work = os.path.dirname(os.path.abspath(names_file))
    root, err = os.path.join(work, "r"), os.path.join(work, "err")
    res = {t: [] for t in tools}
    for i in range(runs):
        order = tools if i % 2 == 0 else tools[::-1]
        for t in order:
            mkroot(root, keys)
            res[t].append(run(t, root, repo, names, err))
            n = installed(root)
            if n != count:
                sys.exit("FAIL: %s installed %d of %d" % (t, n, count))
    rss = {t: peak_rss(t, root, keys, repo, names, err) for t in tools}
    for t in tools:
        w, c = zip(*res[t])
        print("  %s: wall %.1f ms (mean %.1f +- %.1f), CPU %.1f ms (mean %.1f +- %.1f), "
              "peak RSS %d KiB" % (os.path.basename(t), *summary(w), *summary(c), rss[t]))
    if len(tools) == 2:
        a, b = res[tools[0]], res[tools[1]]
        na, nb = os.path.basename(tools[0]), os.path.basename(tools[1])
        for k, label in ((0, "wall"), (1, "CPU")):
            med = statistics.median(x[k] for x in a) / statistics.median(x[k] for x in b)
            paired = statistics.median(x[k] / y[k] for x, y in zip(a, b))
            print("  ratio %s/%s %s: %.3f (median of paired rounds %.3f)" % (na, nb, label, med, paired))
        print("  ratio %s/%s peak RSS: %.3f" % (na, nb, rss[tools[0]] / rss[tools[1]]))


if __name__ == "__main__":
    main()
