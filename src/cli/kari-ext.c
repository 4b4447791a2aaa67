/* kari-ext.c — STUB */
#include "config.h"
#include "kari.h"
int main (int argc, char **argv) { return 0; }
