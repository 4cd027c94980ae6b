/* Exit status propagation: "exit N" calls exit(N), "return N" returns N from main; an atexit
 * handler runs and unflushed output is flushed first. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void at_exit(void) { printf("atexit handler ran\n"); }

int main(int argc, char **argv)
{
    atexit(at_exit);
    int n = argc > 2 ? atoi(argv[2]) : 0;
    printf("unflushed output before exit");
    if (argc > 1 && !strcmp(argv[1], "exit"))
        exit(n);
    return n;
}
