#!/usr/bin/env python3
"""Print the N package names of an uncompressed APKINDEX with the largest
dependency closures (following D: through P: and p:), largest first.

usage: top_closures.py APKINDEX N
"""
import re
import sys


def main():
    pk, prov, cur = {}, {}, {}
    text = open(sys.argv[1], encoding="utf-8", errors="replace").read()
    for line in text.split("\n") + [""]:
        if not line:
            if "P" in cur:
                pk[cur["P"]] = cur.get("D", "").split()
                for p in cur.get("p", "").split() + [cur["P"]]:
                    prov.setdefault(re.split("[<>=~]", p)[0], cur["P"])
            cur = {}
            continue
        k, _, v = line.partition(":")
        cur[k] = v

    def closure(n):
        seen, todo = set(), [n]
        while todo:
            x = todo.pop()
            if x in seen:
                continue
            seen.add(x)
            for d in pk.get(x, []):
                t = None if d.startswith("!") else prov.get(re.split("[<>=~]", d)[0])
                if t:
                    todo.append(t)
        return len(seen)

    for _, n in sorted(((closure(n), n) for n in pk), reverse=True)[:int(sys.argv[2])]:
        print(n)


if __name__ == "__main__":
    main()
