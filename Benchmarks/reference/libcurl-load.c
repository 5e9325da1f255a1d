/* Reference: a C program linked with libcurl that calls nothing. What loading libcurl and its
 * libraries costs (curl and offboard both pay it). */
#include <curl/curl.h>
int main(void) { return curl_version() == NULL; }
