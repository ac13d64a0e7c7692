#!/usr/bin/env python3
"""Run the `test:` section of an image config against a built image, under
runc, the way pare image build runs them (issue 14's keys: name, run, exit,
stdout, stderr, timeout, network: host).  The main job uses it when the
pare it built does not run image tests itself yet.

    scripts/image-tests.py LAYOUT[:TAG] CONFIG.yaml  > verdicts.json

Each test runs in a fresh container of the image: the image's user,
environment and working directory, a read-only root with a tmpfs on /tmp,
no network (its own network namespace) unless `network: host`.  stdout and
stderr patterns are Python regular expressions searched in multi-line
mode.  Prints [{name, passed, exit, why, stdout, stderr}] as JSON; exits 1
when a test fails.  Needs root, umoci and runc.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml


def run_one(bundle, cfg, t, n):
    c = json.loads(json.dumps(cfg))
    c["process"]["args"] = [str(a) for a in t["run"]]
    c["process"]["terminal"] = False
    c["root"]["readonly"] = True
    c["mounts"] = [m for m in c.get("mounts", []) if m.get("destination") != "/tmp"]
    c["mounts"].append({"destination": "/tmp", "type": "tmpfs", "source": "tmpfs",
                        "options": ["nosuid", "nodev", "mode=1777", "size=1g"]})
    ns = c["linux"].setdefault("namespaces", [])
    if t.get("network") == "host":
        c["linux"]["namespaces"] = [x for x in ns if x.get("type") != "network"]
    elif not any(x.get("type") == "network" for x in ns):
        ns.append({"type": "network"})
    with open(os.path.join(bundle, "config.json"), "w") as f:
        json.dump(c, f)
    cid = "pare-test-%d-%d" % (os.getpid(), n)
    timeout = int(t.get("timeout", 60))
    try:
        p = subprocess.run(["runc", "run", "-b", bundle, cid], stdin=subprocess.DEVNULL,
                           capture_output=True, timeout=timeout)
        code, out, err = p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")
    except subprocess.TimeoutExpired as e:
        code, out, err = None, (e.stdout or b"").decode(errors="replace"), "timed out after %d s" % timeout
    finally:
        subprocess.run(["runc", "delete", "-f", cid], capture_output=True)
    why = ""
    if code != int(t.get("exit", 0)):
        why = "exit %s, want %s" % (code, t.get("exit", 0))
    for k, text in (("stdout", out), ("stderr", err)):
        if not why and k in t and not re.search(t[k], text, re.M):
            why = "%s does not match %r" % (k, t[k])
    return {"name": t.get("name") or " ".join(map(str, t["run"])), "passed": not why,
            "exit": code, "why": why, "stdout": out[-2000:], "stderr": err[-2000:]}


def main():
    image, config = sys.argv[1], sys.argv[2]
    if ":" not in os.path.basename(image):
        image += ":latest"
    tests = (yaml.safe_load(open(config)) or {}).get("test") or []
    work = tempfile.mkdtemp(prefix="pare-image-tests.")
    try:
        bundle = os.path.join(work, "bundle")
        subprocess.run(["umoci", "unpack", "--image", image, bundle], check=True,
                       capture_output=True)
        cfg = json.load(open(os.path.join(bundle, "config.json")))
        res = [run_one(bundle, cfg, t, i) for i, t in enumerate(tests)]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    json.dump(res, sys.stdout, indent=1)
    sys.exit(0 if all(r["passed"] for r in res) else 1)


if __name__ == "__main__":
    main()
