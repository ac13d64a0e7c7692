/* Every inspection check gets a root that passes it and one that fails it.
 *
 * Roots are built by the test from a small script per case (one step a
 * string, see step()): files, modes, links, devices, xattrs, tiny C
 * programs compiled with the flags a check is about (a library with a
 * version script, a shared object with a text relocation from assembly),
 * the host's libc and loader, run settings (env, entrypoint, user ...).
 * With "oci" the root is packed as an OCI image layout (one gzip layer,
 * config, manifest, index, built here with tar and gzip) that the case's
 * steps then change (config or manifest fields, a blob re-compressed, a
 * file removed, an SBOM beside it), and the layout is the target.  Then
 * pare_insp_run walks it and the case's check must say pass (the "pass"
 * script) or fail (the "fail" script).  Every check of the table has a
 * case (test_coverage). */
/* Paths here are short test paths; truncation cannot happen. */
#pragma GCC diagnostic ignored "-Wformat-truncation"
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <jansson.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "apk/index.h"
#include "io/atomic.h"
#include "io/digest.h"
#include "io/tree.h"
#include "inspect/int.h"

#define MAXSTEPS 12
#define MAXPATCH 4

struct tcase {
	const char *id;
	const char *pass[MAXSTEPS];
	const char *fail[MAXSTEPS];
};

#define LIBC "lib"
#define PASSWD(x) "f /etc/passwd root:x:0:0:root:/root:/sbin/nologin\n" x
#define GROUP(x) "f /etc/group root:x:0:\n" x
#define CERT "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
#define SBOM_APP(v) "{\"name\":\"app\",\"versionInfo\":\"" v "\",\"licenseDeclared\":\"MIT\"," \
	"\"checksums\":[{\"algorithm\":\"SHA256\",\"checksumValue\":\"00\"}]}"
#define DB1 "f /lib/apk/db/installed P:app\nV:1.0-r0\nA:x86_64\nL:MIT\nF:bin\nR:p\n\n"

static const struct tcase cases[] = {
	/* ---- Loader */
	{ "ELF-001", { "cc /bin/p", LIBC }, { "cc /bin/p" } },
	{ "ELF-002", { "vprog /bin/m", "vlib /usr/lib/libv.so.1 V2", LIBC },
	  { "vprog /bin/m", "vlib /usr/lib/libv.so.1 V1", LIBC } },
	{ "ELF-003", { "cc /bin/p", LIBC }, { "cc /bin/p" } },
	{ "ELF-004", { "cc /bin/a", "cc /bin/b", LIBC },
	  { "cc /bin/a", "cc /bin/b", "machine /bin/b 183", LIBC } },
	{ "ELF-005", { "cc /bin/p", LIBC }, { "f /bin/bad \x7f" "ELF\x02\x01\x01 not really" } },
	{ "ELF-006", { "cc /bin/p -Wl,-rpath,$ORIGIN/../lib", LIBC },
	  { "cc /bin/p -Wl,-rpath,/nonexistent/lib", LIBC } },
	{ "ELF-007", { "cc /bin/p -Wl,-rpath,/usr/lib", "d /usr/lib 0755", LIBC },
	  { "cc /bin/p -Wl,-rpath,/tmp/lib", LIBC } },
	{ "ELF-008", { "cc /bin/p -Wl,--enable-new-dtags,-rpath,/lib", LIBC },
	  { "cc /bin/p -Wl,--disable-new-dtags,-rpath,/lib", LIBC } },
	{ "ELF-009", { "so /usr/lib/libx.so.1 -Wl,-soname,libx.so.1" }, { "textrel /usr/lib/libt.so" } },
	{ "ELF-010", { "cc /bin/p", LIBC }, { "cc /bin/p -Wl,-z,execstack", LIBC } },
	{ "ELF-011", { "cc /bin/p", LIBC }, { "cc /bin/p", "nostack /bin/p", LIBC } },
	{ "ELF-012", { "cc /bin/p -fPIE -pie", LIBC }, { "cc /bin/p -fno-pie -no-pie", LIBC } },
	{ "ELF-013", { "cc /bin/p", LIBC }, { "cc /bin/p -Wl,-z,norelro", LIBC } },
	{ "ELF-014", { "cc /bin/p -Wl,-z,now", LIBC }, { "cc /bin/p -Wl,-z,lazy", LIBC } },
	{ "ELF-015", { "cc /bin/p -fstack-protector-all", LIBC },
	  { "cc /bin/p -fno-stack-protector", LIBC } },
	{ "ELF-016", { "cc /bin/p -O2 -D_FORTIFY_SOURCE=2", LIBC },
	  { "cc /bin/p -O0 -U_FORTIFY_SOURCE", LIBC } },
	{ "ELF-017", { "cc /bin/p -s", LIBC }, { "cc /bin/p", LIBC } },
	{ "ELF-018", { "so /usr/lib/libx.so.1 -Wl,-soname,libx.so.1" },
	  { "so /usr/lib/libx.so.1" } },
	{ "ELF-019", { "cc /bin/p", LIBC }, { "obj /usr/lib/x.o" } },
	{ "ELF-020", { "f /etc/ld.so.conf /usr/lib\n", "d /usr/lib 0755" },
	  { "f /etc/ld.so.conf /nonexistent\n" } },
	{ "ELF-021", { "so /usr/lib/libx.so.1.2 -Wl,-soname,libx.so.1", "l /usr/lib/libx.so.1 libx.so.1.2" },
	  { "so /usr/lib/libx.so.1.2 -Wl,-soname,libx.so.1" } },
	{ "ELF-022", { "cc /bin/p", LIBC }, { "cc /bin/p", "m /bin/p 0644", LIBC } },
	{ "ELF-023", { "cc /bin/p -Wl,-rpath,$ORIGIN", "m /bin/p 0755", LIBC },
	  { "cc /bin/p -Wl,-rpath,$ORIGIN", "m /bin/p 04755", LIBC } },
	{ "ELF-024", { "cc /bin/p", LIBC }, { "cc /bin/p -Wl,--dynamic-linker=/lib/ld-other.so.2", LIBC } },
	{ "ELF-025", { "so /usr/lib/libx.so.1 -Wl,-soname,libx.so.1" },
	  { "so /usr/lib/libx.so.1 -Wl,-soname,libx.so.1", "so /lib/libx.so.1 -Wl,-soname,libx.so.1 -O1" } },
	/* ---- Runtime needs */
	{ "RUN-001", { LIBC, "f /etc/nsswitch.conf hosts: files\n" }, { LIBC } },
	{ "RUN-002", { "f /etc/nsswitch.conf hosts: files dns [NOTFOUND=return]\n" },
	  { "f /etc/nsswitch.conf passwd: files ldap\n" } },
	{ "RUN-003", { "f /usr/lib/gconv/gconv-modules module A// B// X 1\n", "f /usr/lib/gconv/X.so x" },
	  { "f /usr/lib/gconv/gconv-modules module A// B// X 1\n" } },
	{ "RUN-004", { "f /usr/lib/gconv/X.so x", "f /usr/lib/gconv/gconv-modules module A// B// X 1\n" },
	  { "f /usr/lib/gconv/X.so x" } },
	{ "RUN-005", { "e LANG=en_US.UTF-8", "f /usr/lib/locale/en_US.utf8/LC_CTYPE x" },
	  { "e LANG=en_US.UTF-8" } },
	{ "RUN-006", { "e LC_ALL=C.UTF-8", "f /usr/lib/locale/C.utf8/LC_CTYPE x" },
	  { "e LC_ALL=de_DE.UTF-8" } },
	{ "RUN-007", { "e SSL_CERT_FILE=/etc/ca.pem", "f /etc/ca.pem " CERT },
	  { "e SSL_CERT_FILE=/etc/none.pem" } },
	{ "RUN-008", { "e SSL_CERT_DIR=/etc/ssl/certs", "d /etc/ssl/certs 0755" },
	  { "e SSL_CERT_DIR=/nope" } },
	{ "RUN-009", { "f /usr/lib/libssl.so.3 x", "f /etc/ssl/certs/ca-certificates.crt " CERT },
	  { "f /usr/lib/libssl.so.3 x" } },
	{ "RUN-010", { "f /etc/ssl/certs/ca-certificates.crt " CERT },
	  { "f /etc/ssl/certs/ca-certificates.crt junk" } },
	{ "RUN-011", { "e TZ=UTC", "f /usr/share/zoneinfo/UTC TZif" }, { "e TZ=Europe/Nowhere" } },
	{ "RUN-012", { "l /etc/localtime /usr/share/zoneinfo/UTC", "f /usr/share/zoneinfo/UTC TZif" },
	  { "l /etc/localtime /usr/share/zoneinfo/UTC" } },
	{ "RUN-013", { LIBC, "f /etc/hosts 127.0.0.1 localhost\n" }, { LIBC } },
	{ "RUN-014", { LIBC, "f /etc/services x" }, { LIBC } },
	{ "RUN-015", { LIBC, "f /etc/protocols x" }, { LIBC } },
	{ "RUN-016", { "f /usr/bin/python3.11 x", "f /usr/lib/python3.11/encodings/__init__.py x" },
	  { "f /usr/bin/python3.11 x" } },
	{ "RUN-017", { "f /usr/bin/perl x", "f /usr/share/perl/5.36/strict.pm x" }, { "f /usr/bin/perl x" } },
	{ "RUN-018", { "f /usr/bin/ruby x", "f /usr/lib/ruby/3.1.0/rubygems.rb x" }, { "f /usr/bin/ruby x" } },
	{ "RUN-019", { "f /etc/os-release ID=x\n" }, { "d /etc 0755" } },
	{ "RUN-020", { "f /etc/resolv.conf " }, { "f /etc/resolv.conf nameserver 1.1.1.1\n" } },
	/* ---- Entrypoint and accounts */
	{ "ENT-001", { "ep /bin/p", "f /bin/p x", "m /bin/p 0755" }, { "run" } },
	{ "ENT-002", { "ep /bin/p", "f /bin/p x" }, { "ep /bin/nope" } },
	{ "ENT-003", { "ep /usr/bin/app", "l /usr/bin/app ../../bin/p", "f /bin/p x" },
	  { "ep /usr/bin/app", "l /usr/bin/app ../lib/nothing-here" } },
	{ "ENT-004", { "ep /bin/p", "f /bin/p x", "m /bin/p 0755" },
	  { "ep /bin/p", "f /bin/p x", "m /bin/p 0644" } },
	{ "ENT-005", { "ep /bin/s", "f /bin/s #!/bin/sh\n", "f /bin/sh x", "m /bin/sh 0755" },
	  { "ep /bin/s", "f /bin/s #!/bin/sh\n" } },
	{ "ENT-006", { "ep /bin/p", "cc /bin/p", LIBC }, { "ep /bin/p", "cc /bin/p" } },
	{ "ENT-007", { "cmd /bin/p", "f /bin/p x" }, { "cmd /bin/nope" } },
	{ "ENT-008", { "run", "w /srv", "d /srv 0755" }, { "run", "w /nope" } },
	{ "ENT-009", { "f /usr/bin/s #!/bin/sh\n", "m /usr/bin/s 0755", "f /bin/sh x", "m /bin/sh 0755" },
	  { "f /usr/bin/s #!/bin/sh\n", "m /usr/bin/s 0755" } },
	{ "ENT-010", { "f /usr/bin/s #!/bin/sh\n", "m /usr/bin/s 0755" },
	  { "f /usr/bin/s #!sh\n", "m /usr/bin/s 0755" } },
	{ "ACC-001", { "u app", PASSWD("app:x:1000:1000::/:/sbin/nologin\n") },
	  { "u ghost", PASSWD("") } },
	{ "ACC-002", { "u app:app", PASSWD(""), GROUP("app:x:1000:\n") }, { "u root:nogroup", PASSWD(""), GROUP("") } },
	{ "ACC-003", { PASSWD("app:x:1000:1000::/home/app:/bin/sh\n"), "d /home/app 0755" },
	  { PASSWD("app:x:1000:1000::/home/app:/bin/sh\n") } },
	{ "ACC-004", { PASSWD("app:x:1000:1000::/:/sbin/nologin\n") }, { PASSWD("app:x:1000:1000::/:/bin/zsh\n") } },
	{ "ACC-005", { "d /tmp 01777" }, { "d /tmp 0755" } },
	{ "ACC-006", { PASSWD("") }, { PASSWD("bad line\n") } },
	{ "ACC-007", { GROUP("") }, { GROUP("bad\n") } },
	{ "ACC-008", { PASSWD("a:x:1:1::/:/sbin/nologin\n") },
	  { PASSWD("a:x:1:1::/:/sbin/nologin\nb:x:1:1::/:/sbin/nologin\n") } },
	{ "ACC-009", { PASSWD(""), GROUP("") }, { PASSWD("a:x:5:5::/:/sbin/nologin\n"), GROUP("") } },
	{ "ACC-010", { "u 1000" }, { "run" } },
	{ "ACC-011", { PASSWD("") }, { "f /etc/passwd app:x:1000:1000::/:/sbin/nologin\n" } },
	{ "ACC-012", { PASSWD("") }, { PASSWD("app::1000:1000::/:/sbin/nologin\n") } },
	{ "ACC-013", { PASSWD(""), GROUP("wheel:x:10:root\n") }, { PASSWD(""), GROUP("wheel:x:10:ghost\n") } },
	{ "ACC-014", { "d /tmp 01777" }, { "d /etc 0755" } },
	/* ---- Content policy */
	{ "CNT-001", { "f /usr/bin/x x" }, { "f /usr/include/x.h x" } },
	{ "CNT-002", { "f /usr/lib/libx.so x" }, { "f /usr/lib/libx.a x" } },
	{ "CNT-003", { "f /usr/lib/x x" }, { "f /usr/lib/pkgconfig/x.pc x" } },
	{ "CNT-004", { "f /usr/lib/x x" }, { "f /usr/lib/libx.la x" } },
	{ "CNT-005", { "f /usr/share/x x" }, { "f /usr/share/man/man1/x.1 x" } },
	{ "CNT-006", { "f /usr/share/x x" }, { "f /usr/share/info/x.info x" } },
	{ "CNT-007", { "f /usr/share/x x" }, { "f /usr/share/doc/x/README x" } },
	{ "CNT-008", { "cc /bin/p -s", LIBC }, { "cc /bin/p -g", LIBC } },
	{ "CNT-009", { "f /usr/share/x x" }, { "f /usr/share/locale/de/LC_MESSAGES/x.mo x" } },
	{ "CNT-010", { "f /usr/share/x x" }, { "f /usr/share/bash-completion/completions/x x" } },
	{ "CNT-011", { "f /etc/x x" }, { "f /etc/init.d/x x" } },
	{ "CNT-012", { "f /var/cache/x x" }, { "f /var/cache/apk/x-1.0-r0.apk x" } },
	{ "CNT-013", { "f /etc/x x", "m /etc/x 0644" }, { "f /etc/x x", "m /etc/x 0666" } },
	{ "CNT-014", { "d /var/tmp 01777" }, { "d /var/tmp 0777" } },
	{ "CNT-015", { "f /bin/x x", "m /bin/x 0755" }, { "f /bin/x x", "m /bin/x 04755" } },
	{ "CNT-016", { "f /bin/x x", "m /bin/x 0755" }, { "f /bin/x x", "m /bin/x 02755" } },
	{ "CNT-017", { "f /bin/x x", "m /bin/x 0755" }, { "f /bin/x x", "m /bin/x 0755", "cap /bin/x" } },
	{ "CNT-018", { "d /dev 0755" }, { "dev /dev/null" } },
	{ "CNT-019", { "d /run 0755" }, { "fifo /run/x" } },
	{ "CNT-020", { "l /a b", "f /b x" }, { "l /a b" } },
	{ "CNT-021", { "l /a b", "f /b x" }, { "l /a b", "l /b a" } },
	{ "CNT-022", { "l /usr/x ../etc", "d /etc 0755" }, { "l /usr/x ../../etc" } },
	{ "CNT-023", { DB1, "f /bin/p x" }, { DB1, "f /bin/p x", "f /bin/q x" } },
	{ "CNT-024", { PASSWD("app:x:1000:1000::/:/sbin/nologin\n"), GROUP("app:x:1000:\n"), "f /x x", "own /x 1000" },
	  { PASSWD(""), GROUP(""), "f /x x", "own /x 1000" } },
	{ "CNT-025", { "f /etc/x x" }, { "f /etc/x~ x" } },
	{ "CNT-026", { "d /tmp 01777" }, { "f /tmp/x x" } },
	{ "CNT-027", { "f /usr/bin/x x" }, { "f /usr/bin/gcc x", "m /usr/bin/gcc 0755" } },
	{ "CNT-028", { "f /x x" }, { "f /a\x01" "b x" } },
	{ "CNT-029", { "f /bin/x x", "m /bin/x 04755" }, { "f /bin/x x", "m /bin/x 04755", "h /bin/y /bin/x" } },
	/* ---- Packages */
	{ "PKG-001", { DB1 }, { "f /lib/apk/db/installed P:app\nV:1.0-r0\nR:orphan\n\n" } },
	{ "PKG-002", { "dbz /bin/p hello", "f /bin/p hello" }, { "dbz /bin/p hello", "f /bin/p other" } },
	{ "PKG-003", { DB1, "f /bin/p x" }, { DB1, "d /bin 0755" } },
	{ "PKG-004", { DB1, "f /etc/apk/world app\n" }, { DB1, "f /etc/apk/world app missing\n" } },
	{ "PKG-005", { DB1 }, { "f /lib/apk/db/installed P:app\nV:1.0-r0\nD:libfoo\n\n" } },
	{ "PKG-006", { DB1 }, { "f /lib/apk/db/installed P:app-dev\nV:1.0-r0\n\n" } },
	{ "PKG-007", { DB1 }, { "f /lib/apk/db/installed P:app-doc\nV:1.0-r0\n\n" } },
	{ "PKG-008", { DB1 }, { "f /lib/apk/db/installed P:app-dbg\nV:1.0-r0\n\n" } },
	{ "PKG-009", { DB1 }, { "f /lib/apk/db/installed P:app-static\nV:1.0-r0\n\n" } },
	{ "PKG-010", { DB1 }, { "f /lib/apk/db/installed P:app-lang\nV:1.0-r0\n\n" } },
	{ "PKG-011", { DB1 }, { "f /lib/apk/db/installed P:a\nV:1-r0\nF:bin\nR:p\n\nP:b\nV:1-r0\nF:bin\nR:p\n\n" } },
	{ "PKG-012", { DB1 }, { "f /lib/apk/db/installed P:app\nV:1.0-r0\n\n" } },
	{ "PKG-013", { "oci", DB1, "osbom {\"packages\":[" SBOM_APP("1.0-r0") "]}" },
	  { "oci", DB1, "osbom {\"packages\":[" SBOM_APP("0.9-r0") "]}" } },
	{ "PKG-013", { "oci", DB1, "osbom {\"packages\":[" SBOM_APP("1.0-r0") "]}" },
	  { "oci", DB1, "osbom {\"packages\":[{\"name\":\"app\",\"versionInfo\":\"1.0-r0\"}]}" } },
	/* ---- Secrets */
	{ "SEC-001", { "f /etc/x x" }, { "f /etc/key.pem -----BEGIN RSA PRIVATE KEY-----\nMII\n" } },
	{ "SEC-002", { "f /etc/x x" }, { "f /root/k -----BEGIN OPENSSH PRIVATE KEY-----\nb3Blb\n" } },
	{ "SEC-003", { "f /etc/x AKIAshort" }, { "f /etc/x key=AKIAIOSFODNN7EXAMPLE\n" } },
	{ "SEC-004", { "f /etc/x ghp_short" }, { "f /etc/x token ghp_0123456789abcdefghijABCDEFGHIJ0123456789\n" } },
	{ "SEC-005", { "f /etc/x {}" }, { "f /app/sa.json {\"private_key_id\": \"1\", \"private_key\": \"x\"}" } },
	{ "SEC-006", { "d /app 0755" }, { "d /app/.git 0755" } },
	{ "SEC-007", { "f /app/.env.example X=1" }, { "f /app/.env SECRET=1" } },
	{ "SEC-008", { "f /root/.profile x" }, { "f /root/.netrc machine x login y password z" } },
	{ "SEC-009", { "f /etc/shadow root:!:19000::::::\n" }, { "f /etc/shadow root:$6$salt$hash:19000::::::\n" } },
	{ "SEC-010", { "f /etc/ssh/ssh_config x" }, { "f /etc/ssh/ssh_host_ed25519_key x" } },
	{ "SEC-011", { "f /root/.ssh/known_hosts x" }, { "f /root/.ssh/id_rsa x" } },
	/* ---- OCI: the root packed as an OCI layout ("oci"), then changed */
	{ "OCI-001", { "oci", "d /bin 0755" }, { "oci", "orm oci-layout" } },
	{ "OCI-002", { "oci", "d /bin 0755" }, { "oci", "olayer mediaType \"application/x-bogus\"" } },
	{ "OCI-003", { "oci", "d /bin 0755" }, { "oci", "d /bin 0755", "orezip layer" } },
	{ "OCI-004", { "oci", "d /bin 0755" }, { "oci", "olayer size 1" } },
	{ "OCI-005", { "oci", "d /bin 0755" }, { "oci", "ocfg rootfs.diff_ids [\"sha256:00\"]" } },
	{ "OCI-006", { "oci", "d /bin 0755" }, { "oci", "ocfg rootfs.type \"none\"" } },
	{ "OCI-007", { "oci", "d /bin 0755" }, { "oci", "omf schemaVersion 1" } },
	{ "OCI-008", { "oci", "d /bin 0755" }, { "oci", "ocfg config.Env [\"PATH=/nope\"]" } },
	{ "OCI-009", { "oci", "d /bin 0755" },
	  { "oci", "d /bin 0755", "ocfg config.Env [\"PATH=/bin\",\"PATH=/bin\"]" } },
	{ "OCI-010", { "oci", "d /bin 0755" }, { "oci", "ocfg os \"windows\"" } },
	{ "OCI-011", { "oci", "d /bin 0755" }, { "oci", "ocfg history []" } },
	{ "OCI-012", { "oci", "d /bin 0755" }, { "oci", "omf annotations {}", "ocfg config.Labels {}" } },
	{ "OCI-013", { "oci", "d /bin 0755" }, { "oci", "ocfg created \"yesterday\"" } },
	{ "OCI-014", { "oci", "d /bin 0755" }, { "oci", "f /.wh.gone x" } },
	{ "OCI-015", { "oci", PASSWD(""), "ocfg config.User \"root\"" },
	  { "oci", PASSWD(""), "ocfg config.User \"ghost\"" } },
	{ "OCI-016", { "oci", "d /data 0755", "ocfg config.Volumes {\"/data\":{}}" },
	  { "oci", "f /data x", "ocfg config.Volumes {\"/data\":{}}" } },
};


static char base[256];
static char cache[300];
static char lib_libc[512], lib_ld[512];

/* ---- steps */

static void unescape_path(const char *root, const char *p, char *out, size_t n)
{
	snprintf(out, n, "%s%s", root, p);
}

static void parents(const char *path)
{
	char tmp[1024];
	snprintf(tmp, sizeof(tmp), "%s", path);
	char *slash = strrchr(tmp, '/');
	if (slash) {
		*slash = '\0';
		struct pare_error err = { 0 };
		pare_mkdir_p(tmp, 0755, &err);
	}
}

static void write_file(const char *path, const char *text)
{
	parents(path);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void copy_file(const char *from, const char *to)
{
	char cmd[2048];
	parents(to);
	snprintf(cmd, sizeof(cmd), "cp -L '%s' '%s'", from, to);
	assert_int_equal(system(cmd), 0);
}

/* Compile a tiny program (or shared object) with flags, cached by flags. */
static void compile(const char *root, const char *dest, const char *kind, const char *flags)
{
	char key[200], out[1024], src[1024], cmd[8192], path[1024];
	size_t k = 0;
	for (const char *p = kind; *p && k + 1 < sizeof(key); p++)
		key[k++] = *p;
	for (const char *p = flags; *p && k + 1 < sizeof(key); p++)
		key[k++] = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ? *p : '_';
	key[k] = '\0';
	snprintf(out, sizeof(out), "%s/%s", cache, key);
	snprintf(src, sizeof(src), "%s/p.c", cache);
	if (access(out, F_OK) != 0) {
		write_file(src, "#include <stdio.h>\n#include <string.h>\n"
			   "int f(const char *s) { char b[64]; snprintf(b, sizeof b, \"%s\", s);"
			   " return (int)strlen(b); }\n"
			   "int main(int c, char **v) { fprintf(stderr, \"%d %s\\n\", c, v[0]);"
			   " return f(v[0]) > 1000; }\n");
		const char *mode = strcmp(kind, "so") == 0 ? "-shared -fPIC"
				   : strcmp(kind, "obj") == 0 ? "-c" : "";
		char quoted[1024];
		size_t q = 0;
		for (const char *p = flags; *p && q + 2 < sizeof(quoted); p++) {
			if (*p == '$')
				quoted[q++] = '\\';
			quoted[q++] = *p;
		}
		quoted[q] = '\0';
		snprintf(cmd, sizeof(cmd), "cc %s %s '%s' -o '%s' 2>/dev/null", mode, quoted, src, out);
		assert_int_equal(system(cmd), 0);
	}
	unescape_path(root, dest, path, sizeof(path));
	copy_file(out, path);
	chmod(path, 0755);
}

/* A change to the packed image: "ocfg"/"omf"/"olayer" PATH JSON. */
struct patch {
	char what[8];
	char path[64];
	char json[256];
};

struct run {
	struct pare_insp_target t;
	const char *env[8], *ep[4], *cmd[4];
	bool oci, rezip;          /* pack as a layout; layer re-compressed after */
	struct patch patch[MAXPATCH];
	size_t npatch;
	char rm[64];              /* a layout file removed after packing */
	char sbom[512];           /* sbom.spdx.json beside the layout */
};

/* Build `out` in the cache once from source text with a shell command
 * (SRC and OUT in the command name the files), then copy it to dest. */
static void build_cached(const char *root, const char *dest, const char *key, const char *ext,
			 const char *text, const char *cmdfmt)
{
	char src[1024], out[1024], cmd[4096], path[1024];
	snprintf(src, sizeof(src), "%s/%s.%s", cache, key, ext);
	snprintf(out, sizeof(out), "%s/%s.out", cache, key);
	if (access(out, F_OK) != 0) {
		write_file(src, text);
		snprintf(cmd, sizeof(cmd), "cd '%s' && SRC='%s' OUT='%s' && %s 2>/dev/null", cache, src,
			 out, cmdfmt);
		assert_int_equal(system(cmd), 0);
	}
	unescape_path(root, dest, path, sizeof(path));
	copy_file(out, path);
	chmod(path, 0755);
}

/* libv.so.1 defining vf at version node NODE (V1 or V2). */
static void version_lib(const char *root, const char *dest, const char *node)
{
	char key[32], text[128];
	snprintf(key, sizeof(key), "libv-%s", node);
	snprintf(text, sizeof(text), "%s { global: vf; local: *; };\n", node);
	char map[600];
	snprintf(map, sizeof(map), "%s/%s.map", cache, key);
	write_file(map, text);
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), "cc -shared -fPIC -Wl,-soname,libv.so.1 "
		 "-Wl,--version-script=%s.map \"$SRC\" -o \"$OUT\"", key);
	build_cached(root, dest, key, "c", "int vf(void) { return 1; }\n", cmd);
}

static void version_prog(const char *root, const char *dest)
{
	char lib[600];
	snprintf(lib, sizeof(lib), "%s/vlink", cache);
	version_lib(lib, "/libv.so.1", "V2");
	snprintf(lib, sizeof(lib), "%s/vlink/libv.so", cache);
	if (symlink("libv.so.1", lib) != 0 && errno != EEXIST)
		fail_msg("symlink %s: %s", lib, strerror(errno));
	build_cached(root, dest, "vprog", "c", "int vf(void);\nint main(void) { return vf(); }\n",
		     "cc \"$SRC\" -Lvlink -lv -o \"$OUT\"");
}

/* A shared object whose .text holds an absolute address: DT_TEXTREL. */
static void textrel_lib(const char *root, const char *dest)
{
	build_cached(root, dest, "textrel", "s",
		     "\t.text\n\t.globl f\n\t.type f, @function\nf:\n\tmovabs $var, %rax\n\tret\n"
		     "\t.data\nvar:\t.quad 0\n",
		     "cc -shared -nostdlib -Wl,-z,notext \"$SRC\" -o \"$OUT\"");
}

static void patch_u16(const char *path, long off, unsigned v)
{
	int fd = open(path, O_WRONLY);
	unsigned char b[2] = { (unsigned char)(v & 0xff), (unsigned char)(v >> 8) };
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, b, 2, off), 2);
	close(fd);
}

/* Turn PT_GNU_STACK into PT_NULL (ELF64 little-endian). */
static void drop_gnu_stack(const char *path)
{
	int fd = open(path, O_RDWR);
	unsigned char eh[64];
	assert_int_equal(pread(fd, eh, 64, 0), 64);
	uint64_t phoff;
	uint16_t phnum;
	memcpy(&phoff, eh + 32, 8);
	memcpy(&phnum, eh + 56, 2);
	for (unsigned i = 0; i < phnum; i++) {
		uint32_t type;
		assert_int_equal(pread(fd, &type, 4, (off_t)(phoff + i * 56)), 4);
		if (type == 0x6474e551) {
			uint32_t null = 0;
			assert_int_equal(pwrite(fd, &null, 4, (off_t)(phoff + i * 56)), 4);
		}
	}
	close(fd);
}

/* An installed database listing PATH with the Q1 checksum of CONTENT. */
static void db_with_sum(const char *root, const char *file, const char *content)
{
	struct pare_digest_value v;
	char b64[64], text[512], path[1024];
	assert_int_equal(pare_digest_buffer(PARE_DIGEST_SHA1, content, strlen(content), &v), 0);
	pare_base64_encode(v.bytes, v.len, b64);
	const char *slash = strrchr(file, '/');
	snprintf(text, sizeof(text), "P:app\nV:1.0-r0\nF:%.*s\nR:%s\nZ:Q1%s\n\n",
		 (int)(slash - file - 1), file + 1, slash + 1, b64);
	snprintf(path, sizeof(path), "%s/lib/apk/db/installed", root);
	write_file(path, text);
}

/* ---- packing a root as an OCI image layout */

static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	char *buf = malloc(1u << 20);
	assert_non_null(buf);
	*n = fread(buf, 1, 1u << 20, f);
	fclose(f);
	return buf;
}

static void digest_of(const void *p, size_t n, char out[80])
{
	struct pare_digest_value v;
	char hex[65];
	assert_int_equal(pare_digest_buffer(PARE_DIGEST_SHA256, p, n, &v), 0);
	pare_hex_encode(v.bytes, v.len, hex);
	snprintf(out, 80, "sha256:%s", hex);
}

/* Write p as a blob; its digest into dg. */
static void put_blob(const char *layout, const void *p, size_t n, char dg[80])
{
	char path[1024];
	digest_of(p, n, dg);
	snprintf(path, sizeof(path), "%s/blobs/sha256/%s", layout, dg + 7);
	parents(path);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, n, f), n);
	fclose(f);
}

/* Set obj[a.b.c] = JSON text (created along the way). */
static void json_set_path(json_t *obj, const char *path, const char *text)
{
	char key[64];
	const char *dot;
	while ((dot = strchr(path, '.'))) {
		snprintf(key, sizeof(key), "%.*s", (int)(dot - path), path);
		json_t *next = json_object_get(obj, key);
		if (!next) {
			next = json_object();
			json_object_set_new(obj, key, next);
		}
		obj = next;
		path = dot + 1;
	}
	json_error_t je;
	json_t *v = json_loads(text, JSON_DECODE_ANY, &je);
	if (!v)
		fail_msg("bad JSON '%s': %s", text, je.text);
	json_object_set_new(obj, path, v);
}

static void apply_patches(const struct run *r, const char *what, json_t *obj)
{
	for (size_t i = 0; i < r->npatch; i++)
		if (!strcmp(r->patch[i].what, what))
			json_set_path(obj, r->patch[i].path, r->patch[i].json);
}

static json_t *desc(const char *mt, const char *dg, size_t n)
{
	return json_pack("{s:s, s:s, s:I}", "mediaType", mt, "digest", dg, "size", (json_int_t)n);
}

static void put_json(const char *layout, json_t *j, char dg[80], size_t *n)
{
	char *text = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	assert_non_null(text);
	*n = strlen(text);
	put_blob(layout, text, *n, dg);
	free(text);
}

/* The layer: the root as a tar, gzip'ed; digests of both. */
static void pack_layer(const char *root, const char *layout, bool fast, char dg[80],
		       char diff[80], size_t *n)
{
	char cmd[2048], tarp[1024], gzp[1100];
	snprintf(tarp, sizeof(tarp), "%s.tar", layout);
	snprintf(gzp, sizeof(gzp), "%s.gz", tarp);
	snprintf(cmd, sizeof(cmd), "tar -C '%s' --numeric-owner --sort=name -cf '%s' . && "
		 "gzip -n %s -c '%s' > '%s'", root, tarp, fast ? "-1" : "-9", tarp, gzp);
	assert_int_equal(system(cmd), 0);
	size_t tn;
	char *t = slurp(tarp, &tn);
	digest_of(t, tn, diff);
	free(t);
	char *g = slurp(gzp, n);
	put_blob(layout, g, *n, dg);
	free(g);
	unlink(tarp);
	unlink(gzp);
}

static void pack_oci(const struct run *r, const char *root, const char *layout)
{
	char ldg[80], diff[80], cdg[80], mdg[80], path[1024];
	size_t ln, cn, mn;
	pack_layer(root, layout, false, ldg, diff, &ln);
	json_t *cfg = json_pack("{s:s, s:s, s:s, s:{s:[s], s:{s:s}}, s:{s:s, s:[s]}, s:[{s:s}]}",
				"architecture", "amd64", "os", "linux",
				"created", "2024-01-01T00:00:00Z",
				"config", "Env", "PATH=/bin", "Labels", "org.example.test", "1",
				"rootfs", "type", "layers", "diff_ids", diff,
				"history", "created_by", "test");
	apply_patches(r, "ocfg", cfg);
	put_json(layout, cfg, cdg, &cn);
	json_t *layer = desc("application/vnd.oci.image.layer.v1.tar+gzip", ldg, ln);
	apply_patches(r, "olayer", layer);
	json_t *m = json_pack("{s:i, s:s, s:o, s:[o], s:{s:s}}", "schemaVersion", 2, "mediaType",
			      "application/vnd.oci.image.manifest.v1+json", "config",
			      desc("application/vnd.oci.image.config.v1+json", cdg, cn), "layers",
			      layer, "annotations", "org.opencontainers.image.title", "test");
	apply_patches(r, "omf", m);
	put_json(layout, m, mdg, &mn);
	json_t *idx = json_pack("{s:i, s:[o]}", "schemaVersion", 2, "manifests",
				desc("application/vnd.oci.image.manifest.v1+json", mdg, mn));
	char *text = json_dumps(idx, JSON_COMPACT);
	snprintf(path, sizeof(path), "%s/index.json", layout);
	write_file(path, text);
	free(text);
	snprintf(path, sizeof(path), "%s/oci-layout", layout);
	write_file(path, "{\"imageLayoutVersion\":\"1.0.0\"}");
	json_decref(cfg);
	json_decref(m);
	json_decref(idx);
	if (r->rezip) { /* same tar, another compression: the descriptor's digest is wrong */
		char dg2[80], diff2[80], old[1024];
		size_t n2;
		pack_layer(root, layout, true, dg2, diff2, &n2);
		snprintf(old, sizeof(old), "%s/blobs/sha256/%s", layout, ldg + 7);
		snprintf(path, sizeof(path), "%s/blobs/sha256/%s", layout, dg2 + 7);
		assert_int_equal(rename(path, old), 0);
	}
	if (r->rm[0]) {
		snprintf(path, sizeof(path), "%s/%s", layout, r->rm);
		assert_int_equal(unlink(path), 0);
	}
	if (r->sbom[0]) {
		snprintf(path, sizeof(path), "%s/sbom.spdx.json", layout);
		write_file(path, r->sbom);
	}
}

static void step(struct run *r, const char *root, const char *s)
{
	char op[16] = "", a[512] = "", path[1024];
	const char *rest = "", *sp = strchr(s, ' ');
	snprintf(op, sizeof(op), "%.*s", sp ? (int)(sp - s) : (int)strlen(s), s);
	if (sp) {
		const char *sp2 = strchr(sp + 1, ' ');
		snprintf(a, sizeof(a), "%.*s", sp2 ? (int)(sp2 - sp - 1) : (int)strlen(sp + 1), sp + 1);
		rest = sp2 ? sp2 + 1 : "";
	}
	unescape_path(root, a, path, sizeof(path));
	struct pare_insp_runinfo *ri = &r->t.run;
	if (!strcmp(op, "f")) {
		write_file(path, rest);
	} else if (!strcmp(op, "d")) {
		struct pare_error err = { 0 };
		pare_mkdir_p(path, 0755, &err);
		if (*rest)
			chmod(path, (mode_t)strtol(rest, NULL, 8));
	} else if (!strcmp(op, "m")) {
		assert_int_equal(chmod(path, (mode_t)strtol(rest, NULL, 8)), 0);
	} else if (!strcmp(op, "l")) {
		parents(path);
		assert_int_equal(symlink(rest, path), 0);
	} else if (!strcmp(op, "h")) {
		char target[1024];
		unescape_path(root, rest, target, sizeof(target));
		assert_int_equal(link(target, path), 0);
	} else if (!strcmp(op, "own")) {
		assert_int_equal(lchown(path, (uid_t)atoi(rest), (gid_t)0), 0);
	} else if (!strcmp(op, "cc") || !strcmp(op, "so") || !strcmp(op, "obj")) {
		compile(root, a, op, rest);
	} else if (!strcmp(op, "machine")) {
		patch_u16(path, 18, (unsigned)atoi(rest));
	} else if (!strcmp(op, "nostack")) {
		drop_gnu_stack(path);
	} else if (!strcmp(op, "lib")) {
		snprintf(path, sizeof(path), "%s/lib/x86_64-linux-gnu/libc.so.6", root);
		copy_file(lib_libc, path);
		snprintf(path, sizeof(path), "%s/lib64/ld-linux-x86-64.so.2", root);
		copy_file(lib_ld, path);
	} else if (!strcmp(op, "dev")) {
		parents(path);
		assert_int_equal(mknod(path, S_IFCHR | 0666, makedev(1, 3)), 0);
	} else if (!strcmp(op, "fifo")) {
		parents(path);
		assert_int_equal(mkfifo(path, 0644), 0);
	} else if (!strcmp(op, "cap")) {
		/* vfs_cap_data v2: effective, cap_net_bind_service permitted */
		uint32_t cap[5] = { 0x02000001u, 1u << 10, 0, 0, 0 };
		assert_int_equal(setxattr(path, "security.capability", cap, sizeof(cap), 0), 0);
	} else if (!strcmp(op, "dbz")) {
		db_with_sum(root, a, rest);
	} else if (!strcmp(op, "e")) {
		ri->present = true;
		r->env[ri->nenv] = strdup(a);
		ri->env = r->env;
		ri->nenv++;
	} else if (!strcmp(op, "ep")) {
		ri->present = true;
		r->ep[0] = strdup(a);
		ri->entrypoint = r->ep;
		ri->nentrypoint = 1;
	} else if (!strcmp(op, "cmd")) {
		ri->present = true;
		r->cmd[0] = strdup(a);
		ri->cmd = r->cmd;
		ri->ncmd = 1;
	} else if (!strcmp(op, "u")) {
		ri->present = true;
		ri->user = strdup(a);
	} else if (!strcmp(op, "w")) {
		ri->present = true;
		ri->workdir = strdup(a);
	} else if (!strcmp(op, "run")) {
		ri->present = true;
	} else if (!strcmp(op, "vlib")) {
		version_lib(root, a, rest);
	} else if (!strcmp(op, "vprog")) {
		version_prog(root, a);
	} else if (!strcmp(op, "textrel")) {
		textrel_lib(root, a);
	} else if (!strcmp(op, "oci")) {
		r->oci = true;
	} else if (!strcmp(op, "ocfg") || !strcmp(op, "omf") || !strcmp(op, "olayer")) {
		assert_true(r->npatch < MAXPATCH);
		struct patch *pt = &r->patch[r->npatch++];
		snprintf(pt->what, sizeof(pt->what), "%s", op);
		snprintf(pt->path, sizeof(pt->path), "%s", a);
		snprintf(pt->json, sizeof(pt->json), "%s", rest);
	} else if (!strcmp(op, "orm")) {
		snprintf(r->rm, sizeof(r->rm), "%s", a);
	} else if (!strcmp(op, "orezip")) {
		r->rezip = true;
	} else if (!strcmp(op, "osbom")) {
		snprintf(r->sbom, sizeof(r->sbom), "%s", sp + 1);
	} else {
		fail_msg("unknown step '%s'", s);
	}
}

static void free_run(struct run *r)
{
	for (size_t i = 0; i < r->t.run.nenv; i++)
		free((void *)r->env[i]);
	free((void *)r->ep[0]);
	free((void *)r->cmd[0]);
	free((void *)r->t.run.user);
	free((void *)r->t.run.workdir);
}

static enum pare_insp_status run_case(const char *id, const char *const *steps, int k)
{
	char root[512];
	struct run r;
	struct pare_insp_report rep;
	struct pare_error err = { 0 };
	memset(&r, 0, sizeof(r));
	static unsigned serial; /* an id may have several cases */
	snprintf(root, sizeof(root), "%s/%s-%d-%u", base, id, k, serial++);
	assert_int_equal(mkdir(root, 0755), 0);
	for (size_t i = 0; i < MAXSTEPS && steps[i]; i++)
		step(&r, root, steps[i]);
	struct pare_insp_target oci;
	pare_insp_target_init(&oci);
	const struct pare_insp_target *t = &r.t;
	if (r.oci) {
		char layout[600];
		snprintf(layout, sizeof(layout), "%s.oci", root);
		pack_oci(&r, root, layout);
		if (pare_insp_target_open(&oci, layout, NULL, &err) < 0)
			fail_msg("%s: %s", id, err.msg);
		t = &oci;
	} else {
		r.t.root = root;
		r.t.kind = "directory";
	}
	pare_insp_report_init(&rep);
	int rc = pare_insp_run(t, NULL, &rep, &err);
	if (rc < 0)
		fail_msg("%s: %s", id, err.msg);
	enum pare_insp_status st = PARE_INSP_NA;
	for (size_t i = 0; i < rep.n; i++)
		if (!strcmp(rep.results[i].check->id, id)) {
			st = rep.results[i].status;
			if (st != (k ? PARE_INSP_FAIL : PARE_INSP_PASS))
				print_message("%s %s: %s %s\n", id, k ? "fail case" : "pass case",
					      pare_insp_status_name(st),
					      rep.results[i].nevidence ? rep.results[i].evidence[0]
					      : rep.results[i].note ? rep.results[i].note : "");
		}
	pare_insp_report_release(&rep);
	pare_insp_target_release(&oci);
	free_run(&r);
	return st;
}

static void test_each_check(void **state)
{
	(void)state;
	int bad = 0;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_non_null(pare_insp_check_find(cases[i].id));
		bad += run_case(cases[i].id, cases[i].pass, 0) != PARE_INSP_PASS;
		bad += run_case(cases[i].id, cases[i].fail, 1) != PARE_INSP_FAIL;
	}
	assert_int_equal(bad, 0);
}

/* Every check of the table has a passing and a failing case. */
static void test_coverage(void **state)
{
	(void)state;
	size_t missing = 0;
	for (size_t i = 0; i < pare_insp_check_count(); i++) {
		const struct pare_insp_check *k = pare_insp_check_at(i);
		bool found = false;
		for (size_t c = 0; !found && c < sizeof(cases) / sizeof(cases[0]); c++)
			found = !strcmp(cases[c].id, k->id);
		if (!found) {
			print_message("no case for %s\n", k->id);
			missing++;
		}
	}
	assert_int_equal(missing, 0);
	assert_true(pare_insp_check_count() >= 78);
}

/* The table: ids unique and well-formed, every field set. */
static void test_table(void **state)
{
	(void)state;
	size_t n = pare_insp_check_count();
	for (size_t i = 0; i < n; i++) {
		const struct pare_insp_check *k = pare_insp_check_at(i);
		assert_non_null(k->title);
		assert_non_null(k->fn);
		assert_non_null(k->category);
		assert_int_equal(strlen(k->id), 7);
		assert_int_equal(k->id[3], '-');
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(pare_insp_check_at(j)->id, k->id);
	}
}

static void test_policy(void **state)
{
	(void)state;
	struct pare_insp_policy p;
	struct pare_error err = { 0 };
	pare_insp_policy_init(&p);
	const char *ok = "waive:\n  - id: ELF-014\n    reason: upstream\n";
	assert_int_equal(pare_insp_policy_parse(&p, "p.yaml", pare_slice_from(ok), &err), 0);
	assert_int_equal(p.n, 1);
	assert_string_equal(p.w[0].reason, "upstream");
	const char *map = "waive:\n  CNT-015: \"su is needed\"\n";
	assert_int_equal(pare_insp_policy_parse(&p, "p.yaml", pare_slice_from(map), &err), 0);
	assert_int_equal(p.n, 2);
	const char *unknown = "waive:\n  - id: NOPE-001\n    reason: x\n";
	assert_true(pare_insp_policy_parse(&p, "p.yaml", pare_slice_from(unknown), &err) < 0);
	assert_non_null(strstr(err.msg, "p.yaml:2:"));
	const char *noreason = "waive:\n  - id: ELF-014\n";
	assert_true(pare_insp_policy_parse(&p, "p.yaml", pare_slice_from(noreason), &err) < 0);
	const char *badkey = "allow: [ELF-014]\n";
	assert_true(pare_insp_policy_parse(&p, "p.yaml", pare_slice_from(badkey), &err) < 0);
	pare_insp_policy_release(&p);
}

/* A policy file through the one whole-file read: loaded, missing, too big. */
static void test_policy_load(void **state)
{
	(void)state;
	struct pare_insp_policy p;
	struct pare_error err = { 0 };
	char f[600];
	snprintf(f, sizeof(f), "%s/policy/p.yaml", base);
	write_file(f, "waive:\n  ELF-014: upstream\n");
	pare_insp_policy_init(&p);
	assert_int_equal(pare_insp_policy_load(&p, f, &err), 0);
	assert_int_equal(p.n, 1);
	snprintf(f, sizeof(f), "%s/policy/none.yaml", base);
	assert_int_equal(pare_insp_policy_load(&p, f, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "none.yaml: No such file"));
	char *big = malloc(PARE_INSP_MAX_POLICY + 2);
	assert_non_null(big);
	memset(big, '#', PARE_INSP_MAX_POLICY + 1);
	big[PARE_INSP_MAX_POLICY + 1] = '\0';
	snprintf(f, sizeof(f), "%s/policy/big.yaml", base);
	write_file(f, big);
	free(big);
	assert_int_equal(pare_insp_policy_load(&p, f, &err), -PARE_E_TOO_BIG);
	assert_non_null(strstr(err.msg, "big.yaml: larger than"));
	pare_insp_policy_release(&p);
}

/* A waived failure is reported as waived, and does not count as failed. */
static void test_waiver_applies(void **state)
{
	(void)state;
	char root[512];
	struct pare_insp_target t;
	struct pare_insp_policy p;
	struct pare_insp_report rep;
	struct pare_error err = { 0 };
	snprintf(root, sizeof(root), "%s/waiver", base);
	mkdir(root, 0755);
	char f[600];
	snprintf(f, sizeof(f), "%s/x", root);
	write_file(f, "x");
	chmod(f, 0666);
	memset(&t, 0, sizeof(t));
	t.root = root;
	pare_insp_policy_init(&p);
	assert_int_equal(pare_insp_policy_add(&p, "CNT-013", "test", &err), 0);
	struct pare_insp_opts o = { .policy = &p };
	pare_insp_report_init(&rep);
	assert_int_equal(pare_insp_run(&t, &o, &rep, &err), 0);
	assert_int_equal(rep.failed, 0);
	assert_int_equal(rep.waived, 1);
	pare_insp_report_release(&rep);
	pare_insp_policy_release(&p);
}

/* Content the config asked for (a -dev package) is waived with the reason. */
static void test_policy_asked(void **state)
{
	(void)state;
	struct pare_insp_policy p;
	struct pare_error err = { 0 };
	const char *pkgs[] = { "zlib-dev>=1.2", "!busybox-doc", "curl", "zlib-dev" };
	pare_insp_policy_init(&p);
	assert_int_equal(pare_insp_policy_asked(&p, pkgs, 4, &err), 0);
	assert_int_equal(p.n, 4); /* PKG-006 CNT-001 CNT-003 CNT-004, once each */
	for (size_t i = 0; i < p.n; i++) {
		assert_string_equal(p.w[i].reason, "contents.packages names zlib-dev");
		assert_true(strcmp(p.w[i].id, "PKG-007") != 0);
	}
	char root[512], f[600];
	snprintf(root, sizeof(root), "%s/asked", base);
	snprintf(f, sizeof(f), "%s/usr/include/zlib.h", root);
	write_file(f, "x");
	struct pare_insp_target t;
	struct pare_insp_report rep;
	memset(&t, 0, sizeof(t));
	t.root = root;
	struct pare_insp_opts o = { .policy = &p };
	pare_insp_report_init(&rep);
	assert_int_equal(pare_insp_run(&t, &o, &rep, &err), 0);
	for (size_t i = 0; i < rep.n; i++)
		if (!strcmp(rep.results[i].check->id, "CNT-001"))
			assert_int_equal(rep.results[i].status, PARE_INSP_WAIVED);
	pare_insp_report_release(&rep);
	pare_insp_policy_release(&p);
}

/* A bound crossed is one line, not a crash. */
static void test_max_files(void **state)
{
	(void)state;
	char root[512], f[600];
	struct pare_insp_target t;
	struct pare_insp_report rep;
	struct pare_error err = { 0 };
	snprintf(root, sizeof(root), "%s/many", base);
	mkdir(root, 0755);
	for (int i = 0; i < 50; i++) {
		snprintf(f, sizeof(f), "%s/f%d", root, i);
		write_file(f, "x");
	}
	memset(&t, 0, sizeof(t));
	t.root = root;
	struct pare_insp_opts o = { .max_files = 20 };
	pare_insp_report_init(&rep);
	assert_int_equal(pare_insp_run(&t, &o, &rep, &err), -PARE_E_TOO_BIG);
	assert_non_null(strstr(err.msg, "more than 20 files"));
	pare_insp_report_release(&rep);
}

static int setup(void **state)
{
	(void)state;
	snprintf(base, sizeof(base), "%s/pare-insp-test-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(base))
		return -1;
	snprintf(cache, sizeof(cache), "%s/cc", base);
	mkdir(cache, 0755);
	const char *libcs[] = { "/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib/x86_64-linux-gnu/libc.so.6", NULL };
	const char *lds[] = { "/lib64/ld-linux-x86-64.so.2", "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", NULL };
	for (size_t i = 0; libcs[i]; i++)
		if (access(libcs[i], R_OK) == 0)
			snprintf(lib_libc, sizeof(lib_libc), "%s", libcs[i]);
	for (size_t i = 0; lds[i]; i++)
		if (access(lds[i], R_OK) == 0)
			snprintf(lib_ld, sizeof(lib_ld), "%s", lds[i]);
	return lib_libc[0] && lib_ld[0] ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	pare_tree_remove(base);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_coverage),
		cmocka_unit_test(test_each_check),
		cmocka_unit_test(test_policy),
		cmocka_unit_test(test_policy_load),
		cmocka_unit_test(test_waiver_applies),
		cmocka_unit_test(test_policy_asked),
		cmocka_unit_test(test_max_files),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
