#!/usr/bin/env python3
"""Issue 20 defect 2: a password planted in a repository URL must never be
printed or written: not in messages, -v logs, --json, the image's files,
its SBOM or its layers.

usage: secrets.py PARE

Serves a signed test repository (mkrepo.py) with broken_server.py, first
answering normally, then with HTTP 500, and runs the repository applets
(update, add, search, fetch, fetch --url, info, policy, list, upgrade,
del, image build) with -X http://user:SECRET@127.0.0.1:PORT/repo, plain,
with -v and with --json.  Every stdout, stderr and every file the runs
wrote (layers decompressed) is searched for the secret.
"""
import gzip
import os
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
INTEG = os.path.join(HERE, "..", "integration")
SECRET = "S3cr3tPlanted"


def start_server(root, state):
    os.makedirs(state)
    p = subprocess.Popen([sys.executable, os.path.join(INTEG, "broken_server.py"), root, state],
                         stdin=subprocess.DEVNULL)
    end = time.time() + 10
    while not os.path.exists(os.path.join(state, "port")):
        if time.time() > end or p.poll() is not None:
            p.kill()
            raise RuntimeError("broken_server.py did not start")
        time.sleep(0.05)
    time.sleep(0.05)
    return p, int(open(os.path.join(state, "port")).read())


def files_hold(top, needle):
    """Paths under top whose bytes (gzip members inflated) hold needle."""
    hits = []
    for d, _, names in os.walk(top):
        for n in names:
            p = os.path.join(d, n)
            if os.path.islink(p) or not os.path.isfile(p):
                continue
            data = open(p, "rb").read()
            if data[:2] == b"\x1f\x8b":
                try:
                    data += gzip.decompress(data)
                except Exception:
                    pass
            if needle in data:
                hits.append(p)
    return hits


def main():
    pare = os.path.abspath(sys.argv[1])
    tmp = tempfile.mkdtemp(prefix="pare-secrets.")
    subprocess.run([sys.executable, os.path.join(INTEG, "mkrepo.py"), pare, tmp], check=True)
    proc, port = start_server(os.path.join(tmp), os.path.join(tmp, "state"))
    url = "http://planted:%s@127.0.0.1:%d/repo" % (SECRET, port)
    keys = os.path.join(tmp, "keys")
    root = os.path.join(tmp, "root")
    for d in ("etc/apk/keys", "lib/apk/db", "tmp"):
        os.makedirs(os.path.join(root, d))
    open(os.path.join(root, "etc/apk/world"), "w").close()
    open(os.path.join(root, "lib/apk/db/installed"), "w").close()
    open(os.path.join(root, "etc/apk/arch"), "w").write("x86_64\n")
    cfg = os.path.join(tmp, "img.yaml")
    with open(cfg, "w") as f:
        f.write("contents:\n  repositories: [%s]\n  keyring: [%s/test.rsa.pub]\n"
                "  packages: [hello]\narchs: [x86_64]\n" % (url, keys))
    env = dict(os.environ, LC_ALL="C", NO_COLOR="1", PARE_HTTP_RETRIES="1",
               PARE_HTTP_RETRY_DELAY_MS="10", SOURCE_DATE_EPOCH="1700000000")
    runs = [
        ["update"], ["-v", "update"], ["--json", "update"], ["search", "hello"],
        ["-v", "search", "-v", "hello"], ["info", "hello"], ["--json", "info", "hello"],
        ["policy", "hello"], ["list"], ["fetch", "-o", tmp + "/fetched", "hello"],
        ["fetch", "--url", "hello"], ["-v", "-v", "fetch", "-o", tmp + "/fetched", "big"],
        ["add", "hello"], ["-v", "upgrade"], ["--json", "add", "libfoo"], ["-v", "del", "hello"],
        ["--no-cache", "-v", "add", "big"],
    ]
    outputs, failed = [], 0
    os.makedirs(tmp + "/fetched")
    try:
        for mode in ("ok", "500"):
            open(os.path.join(tmp, "state", "mode"), "w").write(mode)
            for args in runs:
                cmd = [pare, "--root", root, "--keys-dir", keys, "-X", url] + args
                p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120,
                                   stdin=subprocess.DEVNULL, cwd=tmp + "/fetched")
                outputs.append((mode, args, p.returncode, p.stdout + p.stderr))
            out = os.path.join(tmp, "img-" + mode)
            cmd = [pare, "-v", "image", "build", cfg, "-t", "t", "-o", out,
                   "--sbom", out + ".spdx.json"]
            p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300,
                               stdin=subprocess.DEVNULL, cwd=tmp)
            outputs.append((mode, ["image", "build"], p.returncode, p.stdout + p.stderr))
        for mode, args, rc, text in outputs:
            if SECRET in text:
                failed += 1
                print("FAIL: [%s] pare %s (exit %d) printed the secret:" % (mode, " ".join(args), rc))
                print("   | " + "\n   | ".join(l for l in text.splitlines() if SECRET in l))
        for p in files_hold(root, SECRET.encode()) + [
                h for m in ("ok", "500") for h in files_hold(os.path.join(tmp, "img-" + m), SECRET.encode())] + \
                [os.path.join(tmp, "img-ok.spdx.json")] * (
                    os.path.exists(os.path.join(tmp, "img-ok.spdx.json"))
                    and SECRET in open(os.path.join(tmp, "img-ok.spdx.json")).read()):
            failed += 1
            print("FAIL: %s holds the secret" % p)
        # the runs must have done something: the image and a download worked
        ok_img = [o for o in outputs if o[0] == "ok" and o[1] == ["image", "build"]][0]
        if ok_img[2] != 0:
            failed += 1
            print("FAIL: image build with the credentialed repository failed:\n" + ok_img[3])
        if not os.listdir(tmp + "/fetched"):
            failed += 1
            print("FAIL: nothing was fetched")
        shown = sum(1 for o in outputs if "***@127.0.0.1" in o[3])
        if shown == 0:
            failed += 1
            print("FAIL: no message named the repository (redacted)")
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(10)
        subprocess.run(["rm", "-rf", tmp])
    print("%d runs, %d leaks or failures" % (len(outputs), failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
