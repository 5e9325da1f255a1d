// Every libcurl call offboard makes goes through this file.
//
// libcurl is opened at run time (dlopen) when a run has passed its checks and makes its
// transfer loop, instead of being linked: loading it and the ~30 libraries it depends on takes
// 5-7 ms here, most of a whole `curl -X DELETE`, and linked it would be paid before main() by
// every run, --help, --version and every refused argument included.
#include <curl/curl.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include "CCurlShim.h"

#ifdef __APPLE__
#define LIBCURL_FILE "libcurl.4.dylib"
#else
#define LIBCURL_FILE "libcurl.so.4"
#endif

// The libcurl functions used, typed by curl.h's own declarations.
#define LIBCURL_FUNCTIONS(X) \
    X(curl_global_init) X(curl_easy_strerror) \
    X(curl_easy_init) X(curl_easy_reset) X(curl_easy_setopt) X(curl_easy_getinfo) \
    X(curl_slist_append) X(curl_slist_free_all) \
    X(curl_multi_init) X(curl_multi_setopt) X(curl_multi_add_handle) X(curl_multi_remove_handle) \
    X(curl_multi_perform) X(curl_multi_poll) X(curl_multi_wakeup) X(curl_multi_info_read)

static struct {
#define FIELD(name) __typeof__(name) *name;
    LIBCURL_FUNCTIONS(FIELD)
#undef FIELD
} libcurl;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static char load_error[512];

static void load(void) {
    void *library = dlopen(LIBCURL_FILE, RTLD_LAZY | RTLD_LOCAL);
    if (!library) {
        snprintf(load_error, sizeof load_error, "%s", dlerror());
        return;
    }
#define LOOKUP(name) \
    if (!(libcurl.name = (__typeof__(name) *)dlsym(library, #name))) { \
        snprintf(load_error, sizeof load_error, "%s has no %s (too old)", LIBCURL_FILE, #name); \
        return; \
    }
    LIBCURL_FUNCTIONS(LOOKUP)
#undef LOOKUP
    CURLcode code = libcurl.curl_global_init(CURL_GLOBAL_DEFAULT);
    if (code != CURLE_OK) {
        snprintf(load_error, sizeof load_error, "curl_global_init failed: %s", libcurl.curl_easy_strerror(code));
    }
}

const char *offboard_libcurl_load(void) {
    pthread_once(&load_once, load);
    return load_error[0] ? load_error : NULL;
}

CURLcode offboard_easy_setopt_long(CURL *handle, CURLoption option, long value) {
    return libcurl.curl_easy_setopt(handle, option, value);
}

CURLcode offboard_easy_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return libcurl.curl_easy_setopt(handle, option, value);
}

CURLcode offboard_easy_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return libcurl.curl_easy_setopt(handle, option, value);
}

CURLcode offboard_easy_setopt_off(CURL *handle, CURLoption option, curl_off_t value) {
    return libcurl.curl_easy_setopt(handle, option, value);
}

CURLcode offboard_easy_setopt_write_callback(CURL *handle,
    size_t (*callback)(char *data, size_t size, size_t count, void *userdata)) {
    return libcurl.curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, callback);
}

CURLcode offboard_easy_setopt_header_callback(CURL *handle,
    size_t (*callback)(char *data, size_t size, size_t count, void *userdata)) {
    return libcurl.curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, callback);
}

CURLcode offboard_easy_setopt_debug_callback(CURL *handle,
    int (*callback)(CURL *handle, curl_infotype type, char *data, size_t size, void *userdata)) {
    return libcurl.curl_easy_setopt(handle, CURLOPT_DEBUGFUNCTION, callback);
}

CURLcode offboard_easy_setopt_prereq_callback(CURL *handle,
    int (*callback)(void *userdata, char *primary_ip, char *local_ip, int primary_port, int local_port)) {
    return libcurl.curl_easy_setopt(handle, CURLOPT_PREREQFUNCTION, callback);
}

CURLcode offboard_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return libcurl.curl_easy_getinfo(handle, info, value);
}

CURLcode offboard_easy_getinfo_string(CURL *handle, CURLINFO info, char **value) {
    return libcurl.curl_easy_getinfo(handle, info, value);
}

CURLcode offboard_easy_getinfo_pointer(CURL *handle, CURLINFO info, void **value) {
    return libcurl.curl_easy_getinfo(handle, info, value);
}

CURLMcode offboard_multi_setopt_long(CURLM *handle, CURLMoption option, long value) {
    return libcurl.curl_multi_setopt(handle, option, value);
}

const char *offboard_easy_strerror(CURLcode code) { return libcurl.curl_easy_strerror(code); }
CURL *offboard_easy_init(void) { return libcurl.curl_easy_init(); }
void offboard_easy_reset(CURL *handle) { libcurl.curl_easy_reset(handle); }
struct curl_slist *offboard_slist_append(struct curl_slist *list, const char *line) {
    return libcurl.curl_slist_append(list, line);
}
void offboard_slist_free_all(struct curl_slist *list) { libcurl.curl_slist_free_all(list); }
CURLM *offboard_multi_init(void) { return libcurl.curl_multi_init(); }
CURLMcode offboard_multi_add_handle(CURLM *multi, CURL *handle) { return libcurl.curl_multi_add_handle(multi, handle); }
CURLMcode offboard_multi_remove_handle(CURLM *multi, CURL *handle) {
    return libcurl.curl_multi_remove_handle(multi, handle);
}
CURLMcode offboard_multi_perform(CURLM *multi, int *running) { return libcurl.curl_multi_perform(multi, running); }
CURLMcode offboard_multi_poll(CURLM *multi, int timeout_ms) {
    return libcurl.curl_multi_poll(multi, NULL, 0, timeout_ms, NULL);
}
CURLMcode offboard_multi_wakeup(CURLM *multi) { return libcurl.curl_multi_wakeup(multi); }
CURLMsg *offboard_multi_info_read(CURLM *multi, int *messages_left) {
    return libcurl.curl_multi_info_read(multi, messages_left);
}
