#!/bin/sh
# One glibc compatibility scenario (tests/compat/scenarios.txt): unchanged
# Debian binaries imported with `pare import-deb`, in a pare image, run
# under runc; the image must pass `pare inspect` too.
#
#   compat.sh PARE SCENARIO
#   compat.sh --apt-list        what the scenarios import beyond the base set
#
# The repository: $PARE_COMPAT_REPO/$PARE_COMPAT_KEY when set (the main job
# passes its own), else one imported once per build directory
# ($PARE_COMPAT_CACHE, default ./compat-repo from the test's working
# directory), under a lock, so .deb downloads and the import happen once
# per run.  With $PARE_COMPAT_OUT set, the verdict goes to
# $PARE_COMPAT_OUT/SCENARIO.json: {name, passed, image_bytes,
# inspect_errors, why}.  Servers (dnsmasq) bind 127.0.0.1 only and are
# stopped by pid.  Exit 77 (skipped) when a tool is missing.
set -eu
COMPAT_APT="openjdk-17-jre-headless libpam-modules libpam-runtime python3-numpy locales bash dash"
if [ "${1:-}" = --apt-list ]; then echo "$COMPAT_APT"; exit 0; fi
PARE=$(realpath "$1")
S=$2
SRC=$(cd "$(dirname "$0")/../.." && pwd)
skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root (runc)"
for t in umoci runc python3 cc; do command -v $t >/dev/null 2>&1 || skip "$t not installed"; done
"$PARE" help import-deb >/dev/null 2>&1 || skip "this pare has no import-deb"
python3 -c 'import yaml' 2>/dev/null || skip "python3-yaml not installed"

W=$(mktemp -d "/tmp/pare-compat-$S.XXXXXX")
DNSMASQ_PID=""
cleanup() {
	[ -z "$DNSMASQ_PID" ] || kill "$DNSMASQ_PID" 2>/dev/null || true
	rm -rf "$W"
}
trap cleanup EXIT
export SOURCE_DATE_EPOCH=1700000000

# ---- the repository
if [ -n "${PARE_COMPAT_REPO:-}" ]; then
	REPO=$PARE_COMPAT_REPO KEY=$PARE_COMPAT_KEY
else
	C=$(realpath -m "${PARE_COMPAT_CACHE:-compat-repo}")
	mkdir -p "$C"
	REPO=$C/repo KEY=$C/keys/compat.rsa
	(
		flock 9
		if [ ! -f "$C/done" ]; then
			rm -rf "$C/repo" "$C/keys"; mkdir -p "$C/keys"
			"$PARE" keygen -o "$C/keys" compat >/dev/null
			: > "$C/empty-status"
			echo "Dir::State::status \"$C/empty-status\";" > "$C/apt.conf"
			"$SRC/scripts/catalog-set.sh" > "$C/base.yaml"
			apt=""
			for p in $COMPAT_APT libc-bin; do apt="$apt --apt $p"; done
			# shellcheck disable=SC2086
			APT_CONFIG=$C/apt.conf "$PARE" import-deb -o "$C/repo" -k "$KEY" \
				--set "$C/base.yaml" $apt --closure > "$C/import.log" 2>&1 ||
				{ tail -3 "$C/import.log"; exit 1; }
			touch "$C/done"
		fi
	) 9> "$C/lock" || { echo "FAIL: import of the compat repository"; exit 1; }
fi
[ -f "$KEY.pub" ] || { echo "FAIL: no $KEY.pub"; exit 1; }

# ---- the scenario: packages, host-built files, tests
BINS=""
add() { BINS="$BINS --add-binary $1"; } # add FILE:DEST
PKGS="" USER_BLOCK="" TESTS="" ALLOW=""
cc_build() { # cc_build NAME CFLAGS... (source in $W/NAME.c)
	n=$1; shift
	cc -O2 -o "$W/$n" "$W/$n.c" "$@"
}

case $S in
numpy)
	PKGS="python3.11-core, python3.11-stdlib, python3-numpy, ca-certificates-bundle"
	TESTS='
  - name: numpy inverts a matrix through BLAS/LAPACK
    run: [/usr/bin/python3.11, -c, "import numpy as np; a = np.array([[4., 7.], [2., 6.]]); print(np.allclose(np.linalg.inv(a) @ a, np.eye(2)), np.linalg.det(a).round(6))"]
    stdout: "^True 10\\.0$"
    timeout: 120'
	;;
jvm-threads)
	command -v javac >/dev/null 2>&1 || skip "javac not installed (openjdk-17-jdk-headless)"
	# Debian's JVM closure brings util-linux's setuid /bin/su along
	ALLOW="--allow CNT-015"
	cat > "$W/Threads.java" <<'EOF'
import java.util.concurrent.CountDownLatch;
public class Threads {
    public static void main(String[] a) throws Exception {
        int n = 1200;
        CountDownLatch started = new CountDownLatch(n), go = new CountDownLatch(1);
        Thread[] t = new Thread[n];
        for (int i = 0; i < n; i++) {
            t[i] = new Thread(() -> { started.countDown(); try { go.await(); } catch (InterruptedException e) { } });
            t[i].start();
        }
        started.await();
        System.out.println(n + " threads alive at once");
        go.countDown();
        for (Thread x : t) x.join();
    }
}
EOF
	(cd "$W" && javac --release 17 Threads.java)
	add "$W/Threads.class:/app/Threads.class"
	PKGS="openjdk-17-jre-headless"
	TESTS='
  - name: 1,200 threads, exit 0
    run: [/usr/lib/jvm/java-17-openjdk-amd64/bin/java, -Xss256k, -Xmx256m, -cp, /app, Threads]
    stdout: "^1200 threads alive at once$"
    timeout: 180'
	;;
nss)
	PKGS="glibc-utils, glibc-nss-files, glibc-nss-compat, bash, dash"
	USER_BLOCK='
accounts:
  users: [{username: alice, uid: 1234, homedir: /tmp}]
  groups: [{groupname: alice, gid: 1234}]'
	TESTS='
  - name: getent passwd through nsswitch.conf (files)
    run: [/usr/bin/getent, passwd, alice]
    stdout: "^alice:x:1234:1234:"
  - name: getent hosts through nsswitch.conf (files)
    run: [/usr/bin/getent, hosts, localhost]
    stdout: "127\\.0\\.0\\.1|::1"
  - name: the compat module, loaded by name
    run: [/usr/bin/getent, -s, "passwd:compat", passwd, root]
    stdout: "^root:x:0:0:"'
	;;
dns)
	command -v dnsmasq >/dev/null 2>&1 || skip "dnsmasq not installed (dnsmasq-base)"
	if ss -lnu 2>/dev/null | grep -q '127.0.0.1:53 \|0.0.0.0:53 \|\*:53 '; then
		skip "port 53 on 127.0.0.1 is taken (resolv.conf has no port)"
	fi
	dnsmasq --keep-in-foreground --no-resolv --no-hosts --bind-interfaces \
		--listen-address=127.0.0.1 --port=53 --address=/pare-dns.test/10.9.8.7 \
		--pid-file= --log-facility=- > "$W/dnsmasq.log" 2>&1 &
	DNSMASQ_PID=$!
	printf 'nameserver 127.0.0.1\noptions timeout:2 attempts:2\n' > "$W/resolv.conf"
	add "$W/resolv.conf:/etc/resolv.conf"
	PKGS="glibc-utils, glibc-nss-files, glibc-nss-dns, bash, dash"
	TESTS='
  - name: getaddrinfo honours /etc/hosts (localhost from the base layout)
    network: host
    run: [/usr/bin/getent, ahostsv4, localhost]
    stdout: "^127\\.0\\.0\\.1 "
  - name: getaddrinfo asks the DNS server resolv.conf names (dnsmasq on 127.0.0.1)
    network: host
    run: [/usr/bin/getent, ahostsv4, pare-dns.test]
    stdout: "^10\\.9\\.8\\.7 "
    timeout: 30'
	;;
locales)
	cat > "$W/loc.c" <<'EOF'
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
static void show(const char *loc)
{
	char buf[128];
	struct tm tm = { .tm_year = 124, .tm_mon = 0, .tm_mday = 1, .tm_wday = 1 };
	if (!setlocale(LC_ALL, loc)) { printf("%s: no locale\n", loc); exit(1); }
	strftime(buf, sizeof(buf), "%A %B", &tm);
	printf("%s: strftime=%s coll(a,B)=%s mbstowcs=%zu\n", loc, buf,
	       strcoll("a", "B") < 0 ? "lt" : "ge", mbstowcs(NULL, "日本語テキスト", 0));
}
int main(void) { show("en_US.UTF-8"); show("ja_JP.UTF-8"); show("C"); return 0; }
EOF
	cc_build loc
	add "$W/loc:/usr/bin/loc"
	PKGS="glibc-locale-en-us, glibc-locale-ja-jp"
	# glibc's results: the same program on this machine's glibc with the two
	# locales compiled here by localedef from glibc's sources
	command -v localedef >/dev/null 2>&1 && [ -f /usr/share/i18n/locales/ja_JP ] ||
		skip "localedef or glibc's locale sources (locales) not installed"
	mkdir -p "$W/locales"
	localedef -i en_US -f UTF-8 "$W/locales/en_US.UTF-8" 2>/dev/null || true
	localedef -i ja_JP -f UTF-8 "$W/locales/ja_JP.UTF-8" 2>/dev/null || true
	want=$(LOCPATH=$W/locales "$W/loc" | python3 -c 'import json, re, sys; print(json.dumps("^" + re.sub(r"([][.()*+?{}|^$\\])", r"\\\1", sys.stdin.read().rstrip("\n")) + "$"))')
	echo "   glibc here: $(LOCPATH=$W/locales "$W/loc" | tr '\n' ';')"
	TESTS="
  - name: en_US.UTF-8 and ja_JP.UTF-8 strftime, strcoll and mbstowcs as glibc gives them
    run: [/usr/bin/loc]
    stdout: $want"
	;;
iconv)
	cat > "$W/conv.c" <<'EOF'
#include <iconv.h>
#include <stdio.h>
#include <string.h>
static int show(const char *to, const char *text)
{
	char out[64], *in = (char *)text, *o = out;
	size_t il = strlen(text), ol = sizeof(out);
	iconv_t cd = iconv_open(to, "UTF-8");
	if (cd == (iconv_t)-1) { perror(to); return 1; }
	if (iconv(cd, &in, &il, &o, &ol) == (size_t)-1) { perror(to); return 1; }
	printf("%s:", to);
	for (char *p = out; p < o; p++) printf(" %02x", (unsigned char)*p);
	printf("\n");
	iconv_close(cd);
	return 0;
}
int main(void) { return show("SHIFT_JIS", "日本") | show("EBCDIC-US", "HELLO"); }
EOF
	cc_build conv
	add "$W/conv:/usr/bin/conv"
	PKGS="glibc-gconv-cjk, glibc-gconv-ebcdic"
	TESTS='
  - name: SHIFT_JIS and EBCDIC-US through gconv modules
    run: [/usr/bin/conv]
    stdout: "SHIFT_JIS: 93 fa 96 7b\nEBCDIC-US: c8 c5 d3 d3 d6"'
	;;
cgo)
	command -v go >/dev/null 2>&1 || skip "go not installed (golang-go)"
	mkdir -p "$W/cgo"
	cat > "$W/cgo/main.go" <<'EOF'
package main

/*
#include <netdb.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
static int uid_of(const char *n) { struct passwd *p = getpwnam(n); return p ? (int)p->pw_uid : -1; }
static int v4_of(const char *host, char *out) {
	struct addrinfo hints, *res; memset(&hints, 0, sizeof(hints)); hints.ai_family = AF_INET;
	if (getaddrinfo(host, NULL, &hints, &res) != 0) return -1;
	inet_ntop(AF_INET, &((struct sockaddr_in *)res->ai_addr)->sin_addr, out, 64);
	freeaddrinfo(res); return 0;
}
*/
import "C"

import (
	"fmt"
	"unsafe"
)

func main() {
	n := C.CString("root")
	h := C.CString("localhost")
	buf := (*C.char)(C.malloc(64))
	defer C.free(unsafe.Pointer(n))
	defer C.free(unsafe.Pointer(h))
	defer C.free(unsafe.Pointer(buf))
	if C.v4_of(h, buf) != 0 {
		fmt.Println("getaddrinfo failed")
		return
	}
	fmt.Printf("getpwnam(root) uid=%d getaddrinfo(localhost)=%s\n", C.uid_of(n), C.GoString(buf))
}
EOF
	(cd "$W/cgo" && HOME=$W GOPATH=$W/go GOCACHE=$W/gocache GOFLAGS=-mod=mod CGO_ENABLED=1 \
		go mod init pare.test/cgo >/dev/null 2>&1 && HOME=$W GOPATH=$W/go GOCACHE=$W/gocache \
		CGO_ENABLED=1 go build -o "$W/cgo-app" .)
	add "$W/cgo-app:/usr/bin/cgo-app"
	PKGS="glibc-nss-files"
	TESTS='
  - name: cgo calls getpwnam and getaddrinfo
    run: [/usr/bin/cgo-app]
    stdout: "^getpwnam\\(root\\) uid=0 getaddrinfo\\(localhost\\)=127\\.0\\.0\\.1$"'
	;;
rust)
	command -v rustc >/dev/null 2>&1 || skip "rustc not installed"
	cat > "$W/hello.rs" <<'EOF'
use std::collections::HashMap;
fn main() {
    let mut m = HashMap::new();
    m.insert("glibc", 2);
    let t = std::thread::spawn(move || m["glibc"] * 21);
    println!("rust on glibc: {} (pid {})", t.join().unwrap(), std::process::id() > 0);
}
EOF
	rustc --target x86_64-unknown-linux-gnu -O -o "$W/rust-app" "$W/hello.rs"
	add "$W/rust-app:/usr/bin/rust-app"
	PKGS=""
	TESTS='
  - name: a Rust binary for x86_64-unknown-linux-gnu, libc linked dynamically
    run: [/usr/bin/rust-app]
    stdout: "^rust on glibc: 42 \\(pid true\\)$"'
	;;
pam)
	[ -f /usr/include/security/pam_appl.h ] || skip "libpam0g-dev not installed"
	cat > "$W/pamauth.c" <<'EOF'
#include <pwd.h>
#include <security/pam_appl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
static int conv(int n, const struct pam_message **m, struct pam_response **r, void *pw)
{
	struct pam_response *a = calloc((size_t)n, sizeof(*a));
	for (int i = 0; i < n; i++)
		if (m[i]->msg_style == PAM_PROMPT_ECHO_OFF)
			a[i].resp = strdup(pw);
	*r = a;
	return PAM_SUCCESS;
}
int main(int argc, char **argv)
{
	struct pam_conv c = { conv, argv[2] };
	pam_handle_t *h;
	struct passwd *p = getpwnam(argv[1]);
	printf("getpwnam(%s): uid %d\n", argv[1], p ? (int)p->pw_uid : -1);
	int r = pam_start("pare-test", argv[1], &c, &h);
	if (r == PAM_SUCCESS) r = pam_authenticate(h, 0);
	if (r == PAM_SUCCESS) r = pam_acct_mgmt(h, 0);
	printf("%s: %s\n", argv[2], pam_strerror(h, r));
	pam_end(h, r);
	return argc != 3 || r != PAM_SUCCESS;
}
EOF
	cc_build pamauth -lpam
	hash=$(openssl passwd -6 -salt paresalt s3cret)
	printf 'root:*:19000:0:99999:7:::\nalice:%s:19000:0:99999:7:::\n' "$hash" > "$W/shadow"
	printf 'auth required pam_unix.so\naccount required pam_permit.so\n' > "$W/pam-test"
	add "$W/pamauth:/usr/bin/pamauth"
	add "$W/shadow:/etc/shadow"
	add "$W/pam-test:/etc/pam.d/pare-test"
	PKGS="libpam-modules, glibc-nss-files, dash"
	# the scenario needs a password hash in /etc/shadow, and pam_unix
	# checks it through the setgid unix_chkpwd: both waived, with that reason
	ALLOW="--allow CNT-016 --allow SEC-009"
	USER_BLOCK='
accounts:
  users: [{username: alice, uid: 1234, homedir: /tmp}]
  groups: [{groupname: alice, gid: 1234}]
  run-as: "0"'
	TESTS='
  - name: the right password authenticates alice through pam_unix and pam_permit
    run: [/usr/bin/pamauth, alice, s3cret]
    stdout: "getpwnam\\(alice\\): uid 1234\ns3cret: Success"
  - name: a wrong password is refused
    run: [/usr/bin/pamauth, alice, wrong]
    exit: 1
    stdout: "wrong: Authentication failure"'
	;;
*)
	echo "FAIL: unknown scenario $S"; exit 1 ;;
esac

cat > "$W/config.yaml" <<EOF
contents:
  build_repositories: [$REPO]
  keyring: [$KEY.pub]
  packages: [$PKGS]
environment:
  PATH: /usr/sbin:/usr/bin:/sbin:/bin
$USER_BLOCK
test:$TESTS
EOF

# ---- build, run the tests, inspect, record
why="" passed=false bytes=null ierr=null
runs_tests=false
"$PARE" help image 2>&1 | grep -q -- '--skip-tests' && runs_tests=true
cfg=$W/config.yaml
if [ $runs_tests = false ]; then
	sed '/^test:/,$d' "$W/config.yaml" > "$W/build.yaml"
	cfg=$W/build.yaml
fi
# shellcheck disable=SC2086
if ! "$PARE" image build "$cfg" -o "$W/img" -t latest $BINS $ALLOW --json > "$W/build.json" 2> "$W/build.err"; then
	why="pare image build: $(grep -m1 "ERROR" "$W/build.err" || echo failed)"
	grep -A4 -E "FAIL|ERROR|failed|not found" "$W/build.err" | sed 's/^/   | /' | head -40
else
	bytes=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["images"][0]["uncompressedSize"])' "$W/build.json")
	if [ $runs_tests = false ] && ! "$SRC/scripts/image-tests.py" "$W/img" "$W/config.yaml" > "$W/tests.json"; then
		why=$(python3 -c 'import json,sys; t=[x for x in json.load(open(sys.argv[1])) if not x["passed"]][0]; print("test %r: %s; stdout %r stderr %r" % (t["name"], t["why"], t["stdout"][-300:], t["stderr"][-300:]))' "$W/tests.json")
	fi
	if "$PARE" help inspect >/dev/null 2>&1; then
		"$PARE" inspect $ALLOW --json "$W/img" > "$W/inspect.json" 2> "$W/inspect.err" || true
		ierr=$(python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(sum(1 for c in j["checks"] if c["result"]=="fail" and c["severity"]=="error"))' "$W/inspect.json" 2>/dev/null || echo null)
		if [ "$ierr" != 0 ]; then
			bad=$(python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print("; ".join("%s %s (%s)" % (c["id"], c["title"], ", ".join(c["evidence"][:3])) for c in j["checks"] if c["result"]=="fail" and c["severity"]=="error"))' "$W/inspect.json" 2>/dev/null || cat "$W/inspect.err")
			why="${why:+$why; }pare inspect: $bad"
		fi
	fi
	[ -n "$why" ] || passed=true
fi
echo "$S: image $bytes bytes, inspect errors $ierr, passed $passed${why:+ ($why)}"
if [ -n "${PARE_COMPAT_OUT:-}" ]; then
	python3 - "$PARE_COMPAT_OUT/$S.json" "$S" "$passed" "$bytes" "$ierr" "$why" <<'PY'
import json, sys
p, n, ok, b, ie, why = sys.argv[1:7]
json.dump({"name": n, "passed": ok == "true", "image_bytes": None if b == "null" else int(b),
           "inspect_errors": None if ie == "null" else int(ie), "why": why}, open(p, "w"))
PY
fi
[ $passed = true ]
