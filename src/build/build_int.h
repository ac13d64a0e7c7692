/* Steps of pare build shared with pare test and pare lint (build.c owns
 * them; internal to src/build). */
#ifndef PARE_BUILD_BUILD_INT_H
#define PARE_BUILD_BUILD_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/utsname.h>

#include "build/build.h"
#include "build/sandbox.h"

/* out = dir/name (created, chowned to uid when uid != 0, when create). */
int pbi_sub(char *out, size_t n, const char *dir, const char *name, bool create, uid_t uid,
	    struct pare_error *err);
/* A fresh work directory WORK_BASE/pare-build.XXXXXX (caller removes it). */
int pbi_make_work(const struct pare_build_opts *o, char *dir, size_t n, struct pare_error *err);
int pbi_write_file(const char *path, const char *text, struct pare_error *err);
/* The sandbox's mount points in root (shell: an empty bin/sh to bind the
 * static shell on). */
int pbi_mount_points(const char *root, bool shell, struct pare_error *err);
/* etc/hosts, passwd, group when missing; resolv.conf when net. */
int pbi_etc_files(const char *root, bool net, struct pare_error *err);
const char *pbi_host_arch(const struct pare_build_opts *o, struct utsname *u);
/* /bin/sh /build/meta/driver.sh PHASE in a sandbox on root; a non-zero
 * status is an error. */
int pbi_run_driver(const struct pare_build_opts *o, const char *root,
		   const struct pare_sandbox_bind *b, size_t nb, const char *phase, bool net,
		   int64_t sde, int out_fd, struct pare_error *err);
/* Step 1 of build.h inside work. */
int pbi_read_in(const struct pare_build_opts *o, const char *work, const char *dir,
		struct pare_recipe *r, struct pare_error *err);
/* Install world into root from o's repositories and o->out_dir; with a
 * cache (root.h), the root may be taken from or kept in it: st->path says
 * where it is. */
struct pare_build_root_stats;
int pbi_root_install(const struct pare_build_opts *o, const char *root, const char *cache,
		     const char *file, const char *const *world, size_t n,
		     struct pare_repos *repos, struct pare_build_root_stats *st,
		     struct pare_error *err);

#endif
