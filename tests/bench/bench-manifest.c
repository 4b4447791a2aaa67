/* bench-manifest.c — STUB */
int main (void) { return 0; }
