/* The shell side of pare build: a POSIX sh script that pare writes into
 * the sandbox as /build/meta/driver.sh.  It is the only thing that ever
 * sources an APKBUILD, always inside the sandbox.
 *
 *   driver.sh vars    source /build/recipe/APKBUILD and write the dump of
 *                     recipe.h to /build/meta/vars (NUL-separated records)
 *   driver.sh build   source it again and run, with `set -e`, from
 *                     $builddir (default $srcdir/$pkgname-$pkgver):
 *                     prepare (default: apply the *.patch sources), build,
 *                     check (unless options has !check), package; then each
 *                     "name:func" subpackage's func with $subpkgdir; then
 *                     the debug split and strip of every ELF file under
 *                     /build/pkg (objcopy --only-keep-debug into
 *                     $pkgname-dbg/usr/lib/debug/PATH.debug, then
 *                     --add-gnu-debuglink, strip --strip-unneeded) unless
 *                     options has !strip, or !dbg for the debug part.
 *   driver.sh test    source it and run installcheck() in a subshell from
 *                     /tmp (pare test, check.h); exit 2 when the recipe
 *                     defines none.  The vars dump lists installcheck among
 *                     the functions when it is defined.
 *
 * Paths inside the sandbox: /build/recipe (the recipe folder, read-only),
 * /build/sources (SRCDEST, read-only), /build/src ($srcdir, writable),
 * /build/pkg ($pkgdir's parent: /build/pkg/NAME per package, writable),
 * /build/meta (the driver and its output).  The helper `amove PATH...`
 * moves paths from $pkgdir to $subpkgdir, as abuild's.
 *
 * The environment (pare_build_env): PATH, HOME=/tmp, TMPDIR=/tmp, LC_ALL=C,
 * TZ=UTC, SOURCE_DATE_EPOCH, CARCH, CHOST, JOBS, MAKEFLAGS=-jJOBS, CC=gcc,
 * CXX=g++ and the hardened flags below; nothing from the caller's environment.
 */
#ifndef PARE_BUILD_DRIVER_H
#define PARE_BUILD_DRIVER_H

#include <stddef.h>
#include <stdint.h>

#define PARE_BUILD_CFLAGS                                                                  \
	"-O2 -g -ffile-prefix-map=/build/src=. -fstack-protector-strong "                   \
	"-fstack-clash-protection -fcf-protection -D_FORTIFY_SOURCE=2 -Wformat "             \
	"-Werror=format-security"
#define PARE_BUILD_LDFLAGS "-Wl,-z,relro -Wl,-z,now -Wl,-z,noexecstack -Wl,--as-needed"
#define PARE_BUILD_ENV_MAX 24

extern const char pare_build_driver_sh[];

/* Fill env (SOURCE_DATE_EPOCH only when sde >= 0; at most PARE_BUILD_ENV_MAX entries, NULL-terminated) with
 * strings kept in store (size bytes). */
int pare_build_env(const char *arch, int64_t sde, unsigned jobs, char **env, char *store,
		   size_t size);

#endif
