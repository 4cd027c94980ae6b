/* A module that calls a function no Mayfly OS has: the shared OS must refuse it by that name
 * before any of it runs (tests/guest/modules.sh). Built only as a module: as a single image its
 * link would fail, which is the same refusal one step earlier. */
#include <stdio.h>

extern int mayfly_test_no_such_function(int);

int main(void)
{
    printf("the module ran\n");
    return mayfly_test_no_such_function(1);
}
