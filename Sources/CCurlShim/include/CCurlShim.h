// The only door to libcurl: typed wrappers for its variadic calls, which Swift cannot call
// directly (the pattern of swift-corelibs-foundation's CFURLSessionInterface.c), and plain
// forwards for the rest. libcurl is opened at run time (see CCurlShim.c): call
// offboard_libcurl_load, and only if it succeeds, anything else here.
#ifndef OFFBOARD_CCURLSHIM_H
#define OFFBOARD_CCURLSHIM_H

#include <curl/curl.h>

/// Opens libcurl and runs curl_global_init, once (thread-safe). Returns NULL on success, else
/// why libcurl could not be loaded.
const char *offboard_libcurl_load(void);

CURLcode offboard_easy_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode offboard_easy_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode offboard_easy_setopt_pointer(CURL *handle, CURLoption option, void *value);
CURLcode offboard_easy_setopt_off(CURL *handle, CURLoption option, curl_off_t value);
CURLcode offboard_easy_setopt_write_callback(CURL *handle,
    size_t (*callback)(char *data, size_t size, size_t count, void *userdata));
CURLcode offboard_easy_setopt_header_callback(CURL *handle,
    size_t (*callback)(char *data, size_t size, size_t count, void *userdata));
CURLcode offboard_easy_setopt_debug_callback(CURL *handle,
    int (*callback)(CURL *handle, curl_infotype type, char *data, size_t size, void *userdata));
CURLcode offboard_easy_setopt_prereq_callback(CURL *handle,
    int (*callback)(void *userdata, char *primary_ip, char *local_ip, int primary_port, int local_port));

CURLcode offboard_easy_getinfo_long(CURL *handle, CURLINFO info, long *value);
CURLcode offboard_easy_getinfo_string(CURL *handle, CURLINFO info, char **value);
CURLcode offboard_easy_getinfo_pointer(CURL *handle, CURLINFO info, void **value);

CURLMcode offboard_multi_setopt_long(CURLM *handle, CURLMoption option, long value);

const char *offboard_easy_strerror(CURLcode code);
CURL *offboard_easy_init(void);
void offboard_easy_reset(CURL *handle);
struct curl_slist *offboard_slist_append(struct curl_slist *list, const char *line);
void offboard_slist_free_all(struct curl_slist *list);
CURLM *offboard_multi_init(void);
CURLMcode offboard_multi_add_handle(CURLM *multi, CURL *handle);
CURLMcode offboard_multi_remove_handle(CURLM *multi, CURL *handle);
CURLMcode offboard_multi_perform(CURLM *multi, int *running);
/// curl_multi_poll with no extra file descriptors.
CURLMcode offboard_multi_poll(CURLM *multi, int timeout_ms);
CURLMcode offboard_multi_wakeup(CURLM *multi);
CURLMsg *offboard_multi_info_read(CURLM *multi, int *messages_left);

#endif
