/* hello: the smallest Mayfly service. Prints a greeting and its arguments, then exits 0. */
#include <stdio.h>

int main(int argc, char **argv)
{
    printf("Hello from Mayfly!\n");
    for (int i = 0; i < argc; i++)
        printf("argv[%d] = \"%s\"\n", i, argv[i]);
    return 0;
}
