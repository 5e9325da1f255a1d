/* Reference: a C program linked with libcurl that calls nothing (built with --no-as-needed, so
 * libcurl stays a dependency). What loading libcurl and its libraries costs: curl and offboard
 * both pay it. */
int main(void) { return 0; }
