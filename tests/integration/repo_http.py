#!/usr/bin/env python3
"""Repository tests: one test repository used as a folder, through nginx
and through a deliberately broken server (see broken_server.py).

usage: repo_http.py PARE [NAME...]

Builds the repository with mkrepo.py, starts nginx (Debian's, on
127.0.0.1 at a free port, with a generated config, `daemon off`) and the
broken server, runs each check, and stops both servers by pid even when a
check fails.  Without nginx the nginx checks are skipped (and reported).
Ends with "N passed, N failed".
"""
import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
ARCH = "x86_64"


class Ctx:
    pass


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_port(port, proc, timeout=10):
    end = time.time() + timeout
    while time.time() < end:
        if proc.poll() is not None:
            return False
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


NGINX_CONF = """daemon off;
master_process on;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log;
{user}
events {{ worker_connections 64; }}
http {{
    access_log {tmp}/nginx-access.log;
    client_body_temp_path {tmp}/nginx-body;
    proxy_temp_path {tmp}/nginx-proxy;
    fastcgi_temp_path {tmp}/nginx-fastcgi;
    uwsgi_temp_path {tmp}/nginx-uwsgi;
    scgi_temp_path {tmp}/nginx-scgi;
    types {{ application/octet-stream apk gz; }}
    server {{
        listen 127.0.0.1:{port};
        root {root};
        etag on;
    }}
}}
"""


def start_nginx(c):
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
    if not nginx:
        return None
    for _ in range(5):
        port = free_port()
        conf = os.path.join(c.tmp, "nginx.conf")
        with open(conf, "w") as f:
            f.write(NGINX_CONF.format(tmp=c.tmp, port=port, root=c.repo_root,
                                      user="user root;" if os.getuid() == 0 else ""))
        proc = subprocess.Popen([nginx, "-c", conf, "-p", c.tmp], stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if wait_port(port, proc):
            return proc, port
        stop(proc)
    raise RuntimeError("nginx did not start: " + open(os.path.join(c.tmp, "nginx-error.log")).read())


def start_broken(c):
    state = os.path.join(c.tmp, "broken")
    os.makedirs(state)
    proc = subprocess.Popen([sys.executable, os.path.join(HERE, "broken_server.py"), c.repo_root, state],
                            stdin=subprocess.DEVNULL)
    port_file = os.path.join(state, "port")
    end = time.time() + 10
    while not os.path.exists(port_file):
        if time.time() > end or proc.poll() is not None:
            stop(proc)
            raise RuntimeError("broken_server.py did not start")
        time.sleep(0.05)
    port = int(open(port_file).read())
    return proc, port, state


def stop(proc):
    if proc and proc.poll() is None:
        proc.send_signal(signal.SIGTERM)  # by pid: nginx's master stops its worker
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# ---- helpers for checks ----

def pare(c, *args, env=None, root=None):
    e = dict(os.environ, LC_ALL="C", NO_COLOR="1", TMPDIR=c.tmpdir,
             PARE_HTTP_RETRY_DELAY_MS="50", PARE_HTTP_CONNECT_TIMEOUT_MS="3000")
    e.update(env or {})
    cmd = [c.pare, "--root", root or c.root, "--keys-dir", c.keys] + list(args)
    p = subprocess.run(cmd, env=e, capture_output=True, text=True, timeout=120,
                       stdin=subprocess.DEVNULL)
    return p.returncode, p.stdout, p.stderr


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


def fresh_root(c, name):
    root = os.path.join(c.tmp, "roots", name)
    os.makedirs(os.path.join(root, "etc/apk"))
    return root


def cache_files(root):
    d = os.path.join(root, "etc/apk/cache")
    return sorted(os.listdir(d)) if os.path.isdir(d) else []


def no_temp_files(*dirs):
    for d in dirs:
        left = [f for f in (os.listdir(d) if os.path.isdir(d) else []) if f.startswith(".pare-tmp")]
        expect(not left, "temporary files left in %s: %s" % (d, left))


def requests(state):
    path = os.path.join(state, "requests")
    return open(path).read().splitlines() if os.path.exists(path) else []


def set_mode(state, mode):
    with open(os.path.join(state, "mode"), "w") as f:
        f.write(mode)
    open(os.path.join(state, "requests"), "w").close()


def repo_file(c, name):
    return os.path.join(c.repo_root, ARCH, name)


def same_file(a, b):
    return open(a, "rb").read() == open(b, "rb").read()


# ---- checks: local folder ----

def check_folder_update(c):
    root = fresh_root(c, "folder")
    rc, out, err = pare(c, "-X", c.repo_root, "update", root=root)
    expect(rc == 0, "exit %d: %s" % (rc, err))
    expect(out == "pare-test-repo [%s]\nOK: 5 distinct packages available\n" % c.repo_root, out)
    expect(cache_files(root) == [], "a local repository is not cached")


def check_folder_repositories_file(c):
    root = fresh_root(c, "folder-file")
    with open(os.path.join(root, "etc/apk/repositories"), "w") as f:
        f.write("# test\n\n@t file://%s\n" % c.repo_root)
    rc, out, err = pare(c, "policy", "hello", root=root)
    expect(rc == 0, err)
    want = "hello policy:\n  1.0-r0:\n    @t file://{0}\n  1.2-r0:\n    @t file://{0}\n".format(c.repo_root)
    expect(out == want, out)


def check_folder_fetch(c):
    root = fresh_root(c, "folder-fetch")
    out_dir = os.path.join(c.tmp, "out-folder")
    os.makedirs(out_dir)
    rc, out, err = pare(c, "-X", c.repo_root, "fetch", "-o", out_dir, "hello", "libfoo", root=root)
    expect(rc == 0, err)
    expect(out == "Downloading hello-1.2-r0\nDownloading libfoo-2.1-r3\n", out)
    for f in ("hello-1.2-r0.apk", "libfoo-2.1-r3.apk"):
        expect(same_file(os.path.join(out_dir, f), repo_file(c, f)), f)


def check_untrusted(c):
    root = fresh_root(c, "untrusted")
    empty_keys = os.path.join(c.tmp, "nokeys")
    os.makedirs(empty_keys, exist_ok=True)
    e = dict(os.environ, LC_ALL="C", TMPDIR=c.tmpdir)
    p = subprocess.run([c.pare, "--root", root, "--keys-dir", empty_keys, "-X", c.repo_root, "update"],
                       env=e, capture_output=True, text=True, timeout=60)
    expect(p.returncode == 1, "exit %d" % p.returncode)
    expect(p.stderr.startswith("ERROR: ") and "UNTRUSTED" in p.stderr.upper(), p.stderr)
    expect(p.stdout == "1 unavailable, 0 stale; 0 distinct packages available\n", p.stdout)


# ---- checks: nginx ----

def check_nginx_update_cached(c):
    url = "http://127.0.0.1:%d" % c.nginx_port
    root = fresh_root(c, "nginx")
    rc, out, err = pare(c, "-X", url, "update", root=root)
    expect(rc == 0, err)
    expect(out == "pare-test-repo [%s]\nOK: 5 distinct packages available\n" % url, out)
    files = cache_files(root)
    expect(len(files) == 2 and files[0].startswith("APKINDEX.") and files[0].endswith(".etag")
           and files[1].endswith(".tar.gz"), files)
    expect(same_file(os.path.join(root, "etc/apk/cache", files[1]), repo_file(c, "APKINDEX.tar.gz")),
           "cached index differs")
    log = os.path.join(c.tmp, "nginx-access.log")
    before = open(log).read().count("APKINDEX")
    rc, out, err = pare(c, "-X", url, "update", root=root)
    expect(rc == 0, err)
    lines = [l for l in open(log).read().splitlines() if "APKINDEX" in l]
    expect(len(lines) == before + 1 and '" 304 ' in lines[-1], "second update not a 304: %s" % lines[-1:])
    # other applets read the cached index without asking the server
    rc, out, err = pare(c, "-X", url, "search", "-d", "foo", root=root)
    expect(rc == 0 and out == "foo-doc-2.1-r3 - Foo documentation\nlibfoo-2.1-r3 - The foo library\n",
           out + err)
    expect(len([l for l in open(log).read().splitlines() if "APKINDEX" in l]) == before + 1,
           "search downloaded the index again")


def check_nginx_applets(c):
    url = "http://127.0.0.1:%d" % c.nginx_port
    root = fresh_root(c, "nginx-applets")
    rc, out, err = pare(c, "-X", url, "list", "--available", "hello*", root=root)
    expect(rc == 0 and out == "hello-1.0-r0 x86_64 {hello} (MIT)\nhello-1.2-r0 x86_64 {hello} (MIT)\n",
           out + err)
    rc, out, err = pare(c, "-X", url, "info", "hello", root=root)
    expect(rc == 0 and out.startswith("hello-1.2-r0 description:\nHello world\n\n"), out + err)
    rc, out, err = pare(c, "-X", url, "info", "nosuch", root=root)
    expect(rc == 1 and err == "ERROR: nosuch: no such package in the repositories\n", err)


def check_nginx_fetch(c):
    url = "http://127.0.0.1:%d" % c.nginx_port
    root = fresh_root(c, "nginx-fetch")
    out_dir = os.path.join(c.tmp, "out-nginx")
    os.makedirs(out_dir)
    rc, out, err = pare(c, "-X", url, "fetch", "-o", out_dir, "big", "hello", root=root)
    expect(rc == 0, err)
    for f in ("big-1.0-r0.apk", "hello-1.2-r0.apk"):
        expect(same_file(os.path.join(out_dir, f), repo_file(c, f)), f)
    rc, out, err = pare(c, "-X", url, "fetch", "--url", "-o", out_dir, "hello", root=root)
    expect(out == "%s/x86_64/hello-1.2-r0.apk\n" % url, out)
    no_temp_files(out_dir, os.path.join(root, "etc/apk/cache"))


def check_nginx_no_cache(c):
    url = "http://127.0.0.1:%d" % c.nginx_port
    root = fresh_root(c, "nginx-nocache")
    rc, out, err = pare(c, "--no-cache", "-X", url, "update", root=root)
    expect(rc == 0, err)
    expect(cache_files(root) == [], "cache written with --no-cache")
    expect(os.listdir(c.tmpdir) == [], "temporary cache left: %s" % os.listdir(c.tmpdir))


def check_nginx_404(c):
    url = "http://127.0.0.1:%d/missing" % c.nginx_port
    root = fresh_root(c, "nginx-404")
    rc, out, err = pare(c, "-X", url, "update", root=root)
    expect(rc == 1, "exit %d" % rc)
    expect(err == "ERROR: %s/x86_64/APKINDEX.tar.gz: HTTP 404 Not Found\n" % url, err)
    expect(out == "1 unavailable, 0 stale; 0 distinct packages available\n", out)
    no_temp_files(os.path.join(root, "etc/apk/cache"))
    expect([f for f in cache_files(root) if f.endswith(".tar.gz")] == [], "index cached after 404")


def check_refused(c):
    url = "http://127.0.0.1:%d" % free_port()
    root = fresh_root(c, "refused")
    rc, out, err = pare(c, "-X", url, "update", root=root, env={"PARE_HTTP_RETRIES": "1"})
    expect(rc == 1, "exit %d" % rc)
    expect(err.startswith("WARNING: ") and "retrying" in err, err)
    last = err.splitlines()[-1]
    expect(last.startswith("ERROR: %s/x86_64/APKINDEX.tar.gz: " % url) and "(after 2 attempts)" in last, err)


# ---- checks: broken server ----

def broken_update(c, mode, env=None, root_name=None):
    set_mode(c.state, mode)
    root = fresh_root(c, root_name or "broken-" + mode)
    url = "http://127.0.0.1:%d" % c.broken_port
    rc, out, err = pare(c, "-X", url, "update", root=root, env=env)
    no_temp_files(os.path.join(root, "etc/apk/cache"))
    return rc, out, err, root, url


def index_err(url):
    return "ERROR: %s/x86_64/APKINDEX.tar.gz: " % url


def check_broken_truncated(c):
    rc, out, err, root, url = broken_update(c, "truncated", env={"PARE_HTTP_RETRIES": "0"})
    expect(rc == 1 and err.startswith(index_err(url) + "body truncated"), err)
    expect(cache_files(root) == [], cache_files(root))


def check_broken_500(c):
    rc, out, err, root, url = broken_update(c, "500", env={"PARE_HTTP_RETRIES": "2"})
    last = err.splitlines()[-1] if err else ""
    expect(rc == 1 and last == index_err(url) + "HTTP 500 Internal Server Error (after 3 attempts)", err)
    expect(len(requests(c.state)) == 3, "requests: %s" % requests(c.state))
    expect(cache_files(root) == [], cache_files(root))


def check_broken_404_no_retry(c):
    set_mode(c.state, "ok")
    root = fresh_root(c, "broken-404")
    url = "http://127.0.0.1:%d/nothere" % c.broken_port
    rc, out, err = pare(c, "-X", url, "update", root=root, env={"PARE_HTTP_RETRIES": "3"})
    expect(rc == 1 and err == index_err(url) + "HTTP 404 Not Found\n", err)
    expect(len(requests(c.state)) == 1, "404 retried: %s" % requests(c.state))


def check_broken_slow(c):
    t0 = time.time()
    rc, out, err, root, url = broken_update(c, "slow", env={"PARE_HTTP_TIMEOUT": "1", "PARE_HTTP_RETRIES": "0"})
    expect(rc == 1 and err.startswith(index_err(url) + "timed out"), err)
    expect(time.time() - t0 < 20, "took %.1f s" % (time.time() - t0))
    expect(cache_files(root) == [], cache_files(root))


def check_broken_huge(c):
    rc, out, err, root, url = broken_update(c, "hugelen")
    expect(rc == 1 and err == index_err(url) + "body larger than %d bytes\n" % (256 << 20), err)
    expect(cache_files(root) == [], cache_files(root))


def check_broken_wrong_index(c):
    rc, out, err, root, url = broken_update(c, "wrong")
    expect(rc == 1 and err.startswith(index_err(url)), err)
    expect(cache_files(root) == [], cache_files(root))


def check_broken_stale(c):
    rc, out, err, root, url = broken_update(c, "ok", root_name="broken-stale")
    expect(rc == 0, err)
    cached = [f for f in cache_files(root) if f.endswith(".tar.gz")]
    expect(len(cached) == 1, cached)
    path = os.path.join(root, "etc/apk/cache", cached[0])
    before = open(path, "rb").read()
    set_mode(c.state, "wrong")
    os.utime(path, (0, 0))  # force a full answer (no 304)
    rc, out, err = pare(c, "-X", url, "update", root=root)
    expect(rc == 1 and out == "pare-test-repo [%s]\n0 unavailable, 1 stale; 5 distinct packages "
           "available\n" % url, out + err)
    expect(err.startswith(index_err(url) + "BAD signature"), err)
    expect(open(path, "rb").read() == before, "cached index was replaced by a bad one")
    no_temp_files(os.path.join(root, "etc/apk/cache"))


def broken_fetch(c, mode, name="big", env=None):
    set_mode(c.state, "ok")
    root = fresh_root(c, "fetch-" + mode)
    url = "http://127.0.0.1:%d" % c.broken_port
    rc, out, err = pare(c, "-X", url, "update", root=root)
    expect(rc == 0, err)
    set_mode(c.state, "pkg-" + mode)
    out_dir = os.path.join(c.tmp, "out-" + mode)
    os.makedirs(out_dir)
    rc, out, err = pare(c, "-X", url, "fetch", "-o", out_dir, name, root=root, env=env)
    no_temp_files(out_dir, os.path.join(root, "etc/apk/cache"))
    expect(os.listdir(out_dir) == [], "files left in the output: %s" % os.listdir(out_dir))
    return rc, err, "ERROR: %s/x86_64/" % url


def check_pkg_truncated(c):
    rc, err, prefix = broken_fetch(c, "truncated", env={"PARE_HTTP_RETRIES": "0"})
    expect(rc == 1 and err.startswith(prefix + "big-1.0-r0.apk: body truncated"), err)


def check_pkg_huge(c):
    size = os.path.getsize(repo_file(c, "big-1.0-r0.apk"))
    rc, err, prefix = broken_fetch(c, "huge")
    expect(rc == 1 and err == prefix + "big-1.0-r0.apk: body larger than the expected %d bytes\n" % size, err)


def check_pkg_wrong(c):
    rc, err, prefix = broken_fetch(c, "wrong", name="hello")
    expect(rc == 1 and err.startswith(prefix + "hello-1.2-r0.apk: identity Q1") and "index says Q1" in err, err)


def check_pkg_500(c):
    rc, err, prefix = broken_fetch(c, "500", env={"PARE_HTTP_RETRIES": "1"})
    expect(rc == 1 and err.splitlines()[-1] ==
           prefix + "big-1.0-r0.apk: HTTP 500 Internal Server Error (after 2 attempts)", err)


FOLDER = [check_folder_update, check_folder_repositories_file, check_folder_fetch, check_untrusted]
NGINX = [check_nginx_update_cached, check_nginx_applets, check_nginx_fetch, check_nginx_no_cache,
         check_nginx_404]
BROKEN = [check_refused, check_broken_truncated, check_broken_500, check_broken_404_no_retry,
          check_broken_slow, check_broken_huge, check_broken_wrong_index, check_broken_stale,
          check_pkg_truncated, check_pkg_huge, check_pkg_wrong, check_pkg_500]


def run_checks(c, checks, only, counts):
    for check in checks:
        if only and check.__name__ not in only:
            continue
        try:
            check(c)
            counts[0] += 1
        except Exception:
            counts[1] += 1
            print("FAIL %s\n%s" % (check.__name__, traceback.format_exc()))


def main():
    c = Ctx()
    c.pare = os.path.abspath(sys.argv[1])
    only = set(sys.argv[2:])
    counts = [0, 0]
    nginx = broken = None
    with tempfile.TemporaryDirectory(prefix="pare-repo-") as tmp:
        os.chmod(tmp, 0o755)
        c.tmp = tmp
        c.tmpdir = os.path.join(tmp, "tmpdir")
        os.makedirs(c.tmpdir)
        subprocess.run([sys.executable, os.path.join(HERE, "mkrepo.py"), c.pare, tmp, ARCH], check=True)
        c.repo_root = os.path.join(tmp, "repo")
        c.keys = os.path.join(tmp, "keys")
        c.root = fresh_root(c, "default")
        try:
            run_checks(c, FOLDER, only, counts)
            started = start_nginx(c)
            if started:
                nginx, c.nginx_port = started
                run_checks(c, NGINX, only, counts)
            else:
                print("SKIP nginx checks: nginx is not installed")
            broken, c.broken_port, c.state = start_broken(c)
            run_checks(c, BROKEN, only, counts)
        finally:
            stop(nginx)
            stop(broken)
    print("%d passed, %d failed" % tuple(counts))
    return 1 if counts[1] or counts[0] == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
