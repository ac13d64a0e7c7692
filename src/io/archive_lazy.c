/* libarchive loaded on first use: see archive_lazy.h. */
#include "io/archive_lazy.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

struct pare_archive_api pare_archive;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static int load_rc = -1;
static char load_err[160];

static void load(void)
{
	void *h = dlopen("libarchive.so.13", RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		const char *why = dlerror();
		snprintf(load_err, sizeof(load_err), "cannot load libarchive.so.13: %s",
			 why ? why : "unknown error");
		return;
	}
#define PARE_ARCHIVE_LOAD(f)                                                                \
	if (!(*(void **)&pare_archive.p_##f = dlsym(h, #f))) {                               \
		snprintf(load_err, sizeof(load_err), "libarchive.so.13 has no %s", #f);      \
		return;                                                                     \
	}
	PARE_ARCHIVE_FUNCS(PARE_ARCHIVE_LOAD)
#undef PARE_ARCHIVE_LOAD
	load_rc = 0;
}

int pare_archive_load(void)
{
	pthread_once(&load_once, load);
	return load_rc;
}

const char *pare_archive_load_error(void)
{
	return load_err;
}

struct archive *pare_archive_read_new(void)
{
	return pare_archive_load() == 0 ? pare_archive.p_archive_read_new() : NULL;
}
