/* libcurl, loaded on first use (dlopen of libcurl.so.4) instead of at
 * start: a local operation then maps neither libcurl nor the thirty-odd
 * libraries it pulls in (issue 18: start-up time and peak RSS).
 *
 * Include this instead of <curl/curl.h>, in io/http.c only.  Every libcurl
 * function that file calls goes through the table below (the macros keep
 * the call sites unchanged); pare_curl_load() must have returned CURLE_OK
 * before any of them is called.  The table is filled once per process
 * (pthread_once) and never unloaded. */
#ifndef PARE_IO_CURL_LAZY_H
#define PARE_IO_CURL_LAZY_H

#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>

struct pare_curl_api {
	CURLcode (*global_init)(long flags);
	CURL *(*easy_init)(void);
	void (*easy_cleanup)(CURL *c);
	void (*easy_reset)(CURL *c);
	CURLcode (*easy_setopt)(CURL *c, CURLoption opt, ...);
	CURLcode (*easy_perform)(CURL *c);
	const char *(*easy_strerror)(CURLcode rc);
	struct curl_slist *(*slist_append)(struct curl_slist *l, const char *s);
	void (*slist_free_all)(struct curl_slist *l);
	time_t (*getdate)(const char *s, const time_t *unused);
	CURLU *(*url)(void);
	void (*url_cleanup)(CURLU *u);
	CURLUcode (*url_set)(CURLU *u, CURLUPart part, const char *s, unsigned int flags);
	CURLUcode (*url_get)(const CURLU *u, CURLUPart part, char **s, unsigned int flags);
	void (*free)(void *p);
};

extern struct pare_curl_api pare_curl;

/* Load libcurl and run curl_global_init once; CURLE_OK, or
 * CURLE_FAILED_INIT when the library or one of its functions is missing
 * (pare_curl_load_error() then says why). */
CURLcode pare_curl_load(void);
const char *pare_curl_load_error(void);

#define curl_global_init pare_curl.global_init
#define curl_easy_init pare_curl.easy_init
#define curl_easy_cleanup pare_curl.easy_cleanup
#define curl_easy_reset pare_curl.easy_reset
#undef curl_easy_setopt /* curl.h may define it as a macro */
#define curl_easy_setopt pare_curl.easy_setopt
#define curl_easy_perform pare_curl.easy_perform
#define curl_easy_strerror pare_curl.easy_strerror
#define curl_slist_append pare_curl.slist_append
#define curl_slist_free_all pare_curl.slist_free_all
#define curl_getdate pare_curl.getdate
#define curl_url pare_curl.url
#define curl_url_cleanup pare_curl.url_cleanup
#define curl_url_set pare_curl.url_set
#define curl_url_get pare_curl.url_get
#define curl_free pare_curl.free

#endif
