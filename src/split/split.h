/* The one splitting policy: which subpackage each file of a package goes
 * to.  Shared by `pare import-deb` (Debian packages) and, later, the
 * APKBUILD builder, so a file lands in the same subpackage whichever way it
 * arrived.
 *
 * A file's subpackage is decided in this order:
 *   1. the package's own rules (from a set file): the first rule whose glob
 *      matches names the subpackage exactly ("glibc-libm"), or drops the
 *      file (name "!drop");
 *   2. the policy table pare_split_policy[] (first match wins): a suffix
 *      appended to the main name ("-dev", "-doc", ...) or "!drop";
 *   3. the main package.
 * The policy table (path globs, see pare_split_glob):
 *   -dbg      usr/lib/debug/ **, *.debug
 *   -dev      usr/include/ **, pkgconfig *.pc, cmake package dirs, *.la,
 *             unversioned lib*.so symlinks in library directories
 *   -static   *.a in library directories
 *   -doc      usr/share/man, info, gtk-doc, usr/share/doc/ ** except the
 *             licence files (copyright, LICENSE*, COPYING*) which stay
 *   -lang     usr/share/locale/ * /LC_MESSAGES/ **
 *   -bash-completion, -zsh-completion, -fish-completion
 *   -openrc   etc/init.d/ **
 *   -systemd  systemd units, tmpfiles.d, sysusers.d, etc/systemd
 *   -pyc      __pycache__ directories and *.pyc
 *   -libs     versioned shared libraries (lib*.so.*) in library
 *             directories, only when the package also has executables in
 *             a bin directory
 *   !drop     lintian overrides, reportbug hooks, doc-base, menu files
 * Empty subpackages are simply never named: a caller writes one package per
 * distinct name it got back.
 *
 * install_if (pare_split_install_if): -doc with "docs", -lang with "lang",
 * completions with their shell, -pyc with "pyc", as Alpine does.
 *
 * Ownership: names returned by pare_split_assign live in the caller's arena
 * (or are the caller's own strings); nothing is kept between calls.
 */
#ifndef PARE_SPLIT_SPLIT_H
#define PARE_SPLIT_SPLIT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/error.h"

#define PARE_SPLIT_DROP "!drop"
#define PARE_SPLIT_MAX_GLOB 1024
#define PARE_SPLIT_GLOB_BUDGET 100000ul /* match steps before giving up */

enum pare_split_when {
	PARE_SPLIT_ANY = 0,
	PARE_SPLIT_LINK,          /* symlinks only */
	PARE_SPLIT_LIB_WITH_EXEC, /* only when the package has executables */
};

struct pare_split_rule {
	const char *glob;
	const char *suffix; /* "-dev", ... or PARE_SPLIT_DROP; NULL: the main package */
	enum pare_split_when when;
};

extern const struct pare_split_rule pare_split_policy[];
extern const size_t pare_split_npolicy;

/* A per-package rule from a set file: files matching glob go to `name`
 * (a full package name) or are dropped (PARE_SPLIT_DROP). */
struct pare_split_custom {
	const char *glob;
	const char *name;
};

/* One file of the package (path relative to its root, no leading '/'). */
struct pare_split_entry {
	const char *path;
	bool is_link;
	bool is_dir;
	bool is_exec; /* regular file with an x bit */
};

/* Assign every entry a subpackage name: out[i] is main, main + suffix (in
 * arena a), a custom rule's name, or PARE_SPLIT_DROP.  Returns 0 or
 * -ENOMEM. */
int pare_split_assign(const char *main, const struct pare_split_custom *custom, size_t ncustom,
		      const struct pare_split_entry *ents, size_t n, struct pare_arena *a,
		      const char **out, struct pare_error *err);

/* Glob match of a whole path: '*' any run without '/', '**' any run
 * (slashes included; "a/ ** /b" also matches "a/b"), '?' one character
 * other than '/', '{x,y}' alternatives (not nested), '[...]' a character
 * class ('!' or '^' negates).  Patterns longer than PARE_SPLIT_MAX_GLOB
 * never match, nor does a match that takes more than
 * PARE_SPLIT_GLOB_BUDGET steps (many stars against a long path). */
bool pare_split_glob(const char *pattern, const char *path);

/* The suffix of a subpackage name relative to main ("-doc"), or NULL when
 * name is not main + a policy suffix. */
const char *pare_split_suffix_of(const char *main, const char *name);

/* The install_if trigger name for a policy suffix ("-doc" -> "docs"), or
 * NULL when that subpackage is not installed automatically. */
const char *pare_split_install_if(const char *suffix);

#endif
