/* Sources from Debian's source archive (source.h): `apt-get source
 * --download-only NAME` into a private directory, then any file of the
 * source package whose SHA-512 is the one the recipe names is taken, under
 * the recipe's file name.  apt verifies Debian's signed Release/Sources
 * chain and the files' hashes; pare then checks the recipe's own sha512,
 * so only a byte-identical upstream tarball is ever used. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/rootpath.h"
#include "build/source.h"
#include "build/tree.h"
#include "io/child.h"

static int apt_source(const char *dir, const char *name, const char *apt_get)
{
	char *argv[] = { (char *)apt_get, "-q", "-o", "APT::Sandbox::User=root", "source",
			 "--download-only", (char *)name, NULL };
	char *envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C", NULL };
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addchdir_np(&fa, dir);
	pid_t pid;
	int r = posix_spawn(&pid, apt_get, &fa, NULL, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	if (r != 0)
		return -r;
	int st = 0;
	if (pare_wait_child(pid, &st) < 0)
		return -EIO;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -EIO;
}

/* Move the file of dir whose sha512 is want to dest. */
static int pick(const char *dir, const char *want, const char *dest, struct pare_error *err)
{
	DIR *d = opendir(dir);
	if (!d)
		return -errno;
	struct dirent *de;
	int r = -ENOENT;
	while (r == -ENOENT && (de = readdir(d))) {
		char p[PARE_PATH_MAX], hex[129];
		if (de->d_name[0] == '.' || !strstr(de->d_name, ".orig") ||
		    pare_build_pathf(p, sizeof(p), "%s/%s", dir, de->d_name) < 0)
			continue;
		struct pare_error e2 = { 0 };
		if (pare_build_sha512_file(p, hex, &e2) == 0 && !strcmp(hex, want))
			r = rename(p, dest) < 0 ? pare_error_set(err, -errno, "%s: %s", dest,
								 strerror(errno)) : 0;
	}
	closedir(d);
	return r;
}

int pare_build_from_debian(const char *pkg, const char *want, const char *dest,
			   const char *tmp_base, struct pare_error *err)
{
	static const char apt_get[] = "/usr/bin/apt-get";
	if (access(apt_get, X_OK) < 0)
		return -ENOENT;
	char dir[PARE_PATH_MAX];
	if (pare_build_pathf(dir, sizeof(dir), "%s/.debsrc.XXXXXX", tmp_base) < 0 || !mkdtemp(dir))
		return -errno;
	int r = apt_source(dir, pkg, apt_get);
	if (r == 0)
		r = pick(dir, want, dest, err);
	DIR *d = opendir(dir);
	struct dirent *de;
	while (d && (de = readdir(d))) {
		char p[PARE_PATH_MAX];
		if (de->d_name[0] != '.' && pare_build_pathf(p, sizeof(p), "%s/%s", dir,
							     de->d_name) == 0)
			unlink(p);
	}
	if (d)
		closedir(d);
	rmdir(dir);
	return r;
}
