/* libcurl loaded on first use: see curl_lazy.h. */
#include "io/curl_lazy.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

struct pare_curl_api pare_curl;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static CURLcode load_rc = CURLE_FAILED_INIT;
static char load_err[160];

#define LOAD(field, sym)                                                                    \
	do {                                                                                \
		*(void **)&pare_curl.field = dlsym(h, sym);                                   \
		if (!pare_curl.field) {                                                     \
			snprintf(load_err, sizeof(load_err), "libcurl.so.4 has no %s", sym); \
			return;                                                             \
		}                                                                           \
	} while (0)

static void load(void)
{
	void *h = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		const char *why = dlerror();
		snprintf(load_err, sizeof(load_err), "cannot load libcurl.so.4: %s",
			 why ? why : "unknown error");
		return;
	}
	LOAD(global_init, "curl_global_init");
	LOAD(easy_init, "curl_easy_init");
	LOAD(easy_cleanup, "curl_easy_cleanup");
	LOAD(easy_reset, "curl_easy_reset");
	LOAD(easy_setopt, "curl_easy_setopt");
	LOAD(easy_perform, "curl_easy_perform");
	LOAD(easy_strerror, "curl_easy_strerror");
	LOAD(slist_append, "curl_slist_append");
	LOAD(slist_free_all, "curl_slist_free_all");
	LOAD(getdate, "curl_getdate");
	LOAD(url, "curl_url");
	LOAD(url_cleanup, "curl_url_cleanup");
	LOAD(url_set, "curl_url_set");
	LOAD(url_get, "curl_url_get");
	LOAD(free, "curl_free");
	load_rc = pare_curl.global_init(CURL_GLOBAL_DEFAULT);
	if (load_rc != CURLE_OK)
		snprintf(load_err, sizeof(load_err), "libcurl: cannot initialise: %s",
			 pare_curl.easy_strerror(load_rc));
}

CURLcode pare_curl_load(void)
{
	pthread_once(&load_once, load);
	return load_rc;
}

const char *pare_curl_load_error(void)
{
	return load_err;
}
