/* Reference: a C program that does nothing. What exec and exit cost on this machine. */
int main(void) { return 0; }
