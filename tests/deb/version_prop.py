#!/usr/bin/env python3
"""Debian version order and the APK mapping against dpkg, on real versions.

usage: version_prop.py VERSION_PROP [PAIRS]

Takes the Version: fields of the machine's apt lists (skips, exit 77, when
there are none: run `apt-get update`), picks PAIRS pairs with a fixed seed
(half uniformly at random, half neighbours in sorted order, which share
prefixes and so test the fine rules), asks `dpkg --compare-versions` about
each (one shell running dpkg per pair, in one batch), and hands the
verdicts to VERSION_PROP (version_prop.c), which checks pare's comparison
and the mapping.  The examples of issue 13 are always included.
"""
import random
import subprocess
import sys

EXAMPLES = ["5:7.0.15-1~deb12u7", "2.36-9+deb12u10", "1.2~rc1+dfsg-3", "1:2.3.4-1",
            "3.0.11-1~deb12u2", "20230311", "0.0~git20200101.abc-2", "1.1.1w", "9.2p1",
            "1:9.2p1-2+deb12u3", "2.36-9", "2.36-9+deb12u9", "2.36-10", "3.0.11-1",
            "3.0.11-1~deb12u1", "1.2", "1.2+dfsg-1", "1.2~rc2-1", "1.0-1+b1", "1.0-1.1"]


def apt_versions():
    try:
        files = subprocess.run(["apt-get", "indextargets", "--format", "$(FILENAME)",
                                "Identifier: Packages"], capture_output=True, text=True,
                               timeout=60).stdout.split()
    except (OSError, subprocess.TimeoutExpired):
        return []
    versions = set()
    for f in files:
        p = subprocess.run(["/usr/lib/apt/apt-helper", "cat-file", f], capture_output=True,
                           timeout=120)
        for line in p.stdout.decode("utf-8", "replace").splitlines():
            if line.startswith("Version: "):
                versions.add(line[9:].strip())
    return sorted(versions)


def dpkg_verdicts(pairs):
    # One shell runs dpkg for every pair: '<', '=' or '>' per line.
    script = []
    for a, b in pairs:
        script.append("if dpkg --compare-versions '%s' lt '%s'; then echo '<'; "
                      "elif dpkg --compare-versions '%s' eq '%s'; then echo '='; "
                      "else echo '>'; fi" % (a, b, a, b))
    out = subprocess.run(["sh", "-s"], input="\n".join(script) + "\n", capture_output=True,
                         text=True, timeout=600).stdout.split()
    if len(out) != len(pairs):
        sys.exit("dpkg gave %d verdicts for %d pairs" % (len(out), len(pairs)))
    return out


def main():
    prop = sys.argv[1]
    npairs = int(sys.argv[2]) if len(sys.argv) > 2 else 3000
    versions = apt_versions()
    if len(versions) < 100:
        print("no apt lists (run apt-get update): skipped")
        return 77
    rng = random.Random(13)
    pairs = [(a, b) for a in EXAMPLES for b in EXAMPLES if a < b]
    for _ in range(npairs // 2):
        pairs.append((rng.choice(versions), rng.choice(versions)))
    for _ in range(npairs - npairs // 2):
        i = rng.randrange(len(versions) - 1)
        pairs.append((versions[i], versions[i + 1]))
    pairs = [(a, b) for a, b in pairs if "'" not in a + b]
    verdicts = dpkg_verdicts(pairs)
    data = "".join("%s %s %s\n" % (a, b, v) for (a, b), v in zip(pairs, verdicts))
    p = subprocess.run([prop], input=data, capture_output=True, text=True, timeout=300)
    sys.stdout.write(p.stdout)
    sys.stderr.write(p.stderr)
    print("(%d versions in the apt lists)" % len(versions))
    return p.returncode


if __name__ == "__main__":
    sys.exit(main())
