/* bench-discovery.c — STUB */
int main (void) { return 0; }
