// Typed wrappers for libcurl's variadic calls, which Swift cannot call directly
// (the pattern of swift-corelibs-foundation's CFURLSessionInterface.c).
#ifndef OFFBOARD_CCURLSHIM_H
#define OFFBOARD_CCURLSHIM_H

#include <curl/curl.h>

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

CURLcode offboard_easy_getinfo_long(CURL *handle, CURLINFO info, long *value);
CURLcode offboard_easy_getinfo_string(CURL *handle, CURLINFO info, char **value);
CURLcode offboard_easy_getinfo_pointer(CURL *handle, CURLINFO info, void **value);

CURLMcode offboard_multi_setopt_long(CURLM *handle, CURLMoption option, long value);

#endif
