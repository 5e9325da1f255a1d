/* Reference: the least a libcurl program can do for one delete: the same request as offboard
 * and curl send, with nothing else. Usage: libcurl-delete URL AUTHORIZATION-HEADER */
#include <curl/curl.h>
#include <stdio.h>

static size_t discard(char *data, size_t size, size_t count, void *unused) {
    (void)data; (void)unused;
    return size * count;
}

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: libcurl-delete URL HEADER\n"); return 64; }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    CURL *handle = curl_easy_init();
    struct curl_slist *headers = curl_slist_append(NULL, argv[2]);
    curl_easy_setopt(handle, CURLOPT_URL, argv[1]);
    curl_easy_setopt(handle, CURLOPT_CUSTOMREQUEST, "DELETE");
    curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, discard);
    CURLcode code = curl_easy_perform(handle);
    long status = 0;
    curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
    return code == CURLE_OK && status == 204 ? 0 : 1;
}
