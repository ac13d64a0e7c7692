#!/usr/bin/env python3
"""apk-tools' version vectors through the pare command line.

usage: version_cli.py PARE version.data

Every "A OP B" line whose OP is plain (< > = <= >=, optionally negated) is
checked with `pare version -t A B`; every "V" / "!V" line with
`pare version -c V`; and the whole file (fuzzy ~ lines included) with
`pare vertest FILE`.  Prints failures and "N passed, N failed".
"""
import subprocess
import sys

PLAIN = {"<": {"<"}, ">": {">"}, "=": {"="}, "<=": {"<", "="}, ">=": {">", "="}}


def run(pare, *args):
    p = subprocess.run([pare, *args], capture_output=True, text=True)
    return p.returncode, p.stdout


def check(pare, words):
    if len(words) == 1:
        v = words[0]
        want_valid = not v.startswith("!")
        v = v if want_valid else v[1:]
        rc, out = run(pare, "version", "-c", "--", v)
        return (rc == 0) == want_valid
    a, op, b = words
    negate = op.startswith("!")
    op = op[1:] if negate else op
    if op not in PLAIN:
        return None  # fuzzy: covered by vertest
    rc, out = run(pare, "version", "-t", "--", a, b)
    return rc == 0 and ((out.strip() in PLAIN[op]) != negate)


def main():
    pare, data = sys.argv[1:3]
    passed = failed = 0
    with open(data, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            words = line.split("#", 1)[0].split()
            if not words:
                continue
            ok = check(pare, words)
            if ok is None:
                continue
            if ok:
                passed += 1
            else:
                failed += 1
                print("%s:%d: FAIL via pare version: %s" % (data, lineno, line.strip()))
    rc, out = run(pare, "vertest", data)
    if rc == 0 and out == "":
        passed += 1
    else:
        failed += 1
        print("pare vertest %s failed:\n%s" % (data, out))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
